// WireguardPeers and NodePortGuard: what they emit, that Calico's validator accepts it, and that the
// evaluator gives the documented verdicts (docs.tigera.io calico/3.32 network-policy/services/kubernetes-node-ports,
// reference/host-endpoints/pre-dnat, network-policy/encrypt-cluster-pod-traffic).
import { describe, expect, it } from "vitest";
import { GlobalNetworkPolicy } from "../../components/global-network-policy.js";
import { NodePortGuard } from "../../components/node-port-guard.js";
import { Peer } from "../../components/peer.js";
import { WireguardPeers } from "../../components/wireguard-peers.js";
import { explain } from "../../src/analysis/evaluate.js";
import { analyse } from "../../src/analysis/analyse.js";
import type { Inventory } from "../../src/analysis/inventory.js";
import { validateResource } from "../../src/model/validate/index.js";
import { sel } from "../../src/model/selector/index.js";
import { fixture, userErrorOf, type Obj } from "./helpers.js";

const HOSTS = { selector: "has(kubernetes.io/os)", namespaceSelector: "global()" };
const PODS = { namespaceSelector: "has(kubernetes.io/metadata.name)" };
const TIER = { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "t" }, spec: { order: 300, defaultAction: "Pass" } };

/** A rule side as text with sorted keys (the rendered YAML sorts them too). */
function side(v: unknown): string {
  if (v === undefined) return "any";
  return Object.entries(v as Obj).filter(([k]) => k !== "ports").sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => `${k}=${JSON.stringify(x)}`).join(",");
}

const inventory: Inventory = {
  namespaces: [],
  workloads: [],
  serviceAccounts: [],
  externals: [],
  nodes: [
    { name: "n1", ips: ["10.0.0.11"], labels: { "kubernetes.io/os": "linux" }, autoHostEndpoint: true },
    { name: "n2", ips: ["10.0.0.12"], labels: { "kubernetes.io/os": "linux" }, autoHostEndpoint: true },
  ],
};

function verdict(objects: readonly Obj[], from: string, to: string, protocol: string, port: number): boolean {
  const model = analyse({ objects: objects.map((object) => ({ object })), inventory });
  return explain(model, { from, to, protocol, port }).every((r) => r.allowed);
}

describe("NodePortGuard", () => {
  it("is a preDNAT, applyOnForward ingress-only policy on the nodes: pass nodes, pods and the allowed, deny the rest of the range", () => {
    const f = fixture();
    new NodePortGuard(f.chart, "g", { tier: f.tier, allowFrom: [Peer.nets("198.51.100.0/24")] });
    const o = f.byName("t.node-port-guard");
    expect(o["kind"]).toBe("GlobalNetworkPolicy");
    const spec = o["spec"] as Record<string, unknown>;
    expect(spec).toMatchObject({ preDNAT: true, applyOnForward: true, types: ["Ingress"], selector: "has(kubernetes.io/os)", order: 25 });
    expect(spec["egress"]).toBeUndefined();
    const ingress = spec["ingress"] as Array<Record<string, unknown>>;
    expect(ingress.map((r) => `${String(r["action"])} ${String(r["protocol"])} ${side(r["source"])} ${JSON.stringify((r["destination"] as Obj)["ports"])}`)).toEqual([
      `Pass TCP ${side(HOSTS)} ["30000:32767"]`,
      `Pass UDP ${side(HOSTS)} ["30000:32767"]`,
      `Pass TCP ${side(PODS)} ["30000:32767"]`,
      `Pass UDP ${side(PODS)} ["30000:32767"]`,
      `Pass TCP nets=["198.51.100.0/24"] ["30000:32767"]`,
      `Pass UDP nets=["198.51.100.0/24"] ["30000:32767"]`,
      `Deny TCP any ["30000:32767"]`,
      `Deny UDP any ["30000:32767"]`,
    ]);
  });

  it("passes Calico's validation for every supported minor", () => {
    const f = fixture();
    new NodePortGuard(f.chart, "g", { tier: f.tier, nodePortRange: { from: 30100, to: 30200 }, allowFrom: [Peer.globalNetworkSets(sel.eq("calico-baseline.io/external", "office"))] });
    for (const calicoVersion of ["3.30", "3.31", "3.32"] as const) expect(validateResource(f.byName("t.node-port-guard"), { calicoVersion })).toEqual([]);
  });

  it("denies an outside address on a node port and lets the allowed network, the nodes and other ports through", () => {
    const f = fixture();
    new NodePortGuard(f.chart, "g", { tier: f.tier, allowFrom: [Peer.nets("198.51.100.0/24")] });
    const objects = [TIER, ...f.objects()];
    expect(verdict(objects, "net:203.0.113.9", "host:n1", "TCP", 30080)).toBe(false);
    expect(verdict(objects, "net:203.0.113.9", "host:n1", "UDP", 32767)).toBe(false);
    expect(verdict(objects, "net:198.51.100.7", "host:n1", "TCP", 30080)).toBe(true);
    expect(verdict(objects, "host:n2", "host:n1", "TCP", 30080)).toBe(true);
    // Outside the range the guard does nothing (no default drop in pre-DNAT policy).
    expect(verdict(objects, "net:203.0.113.9", "host:n1", "TCP", 443)).toBe(true);
  });

  it("rejects a reversed range", () => {
    const f = fixture();
    expect(userErrorOf(() => new NodePortGuard(f.chart, "g", { tier: f.tier, nodePortRange: { from: 32767, to: 30000 } }))).toContain("nodePortRange");
  });
});

describe("WireguardPeers", () => {
  it("allows UDP 51820 between the nodes: pre-DNAT ingress and normal egress, pinned to IPv4", () => {
    const f = fixture();
    new WireguardPeers(f.chart, "w", { tier: f.tier });
    expect(f.byName("t.wireguard-peers")["spec"]).toMatchObject({
      preDNAT: true,
      applyOnForward: true,
      types: ["Ingress"],
      ingress: [{ action: "Allow", protocol: "UDP", ipVersion: 4, source: HOSTS, destination: { ports: [51820] } }],
    });
    expect(f.byName("t.wireguard-peers-egress")["spec"]).toMatchObject({
      order: 16,
      types: ["Egress"],
      egress: [{ action: "Allow", protocol: "UDP", ipVersion: 4, destination: { ...HOSTS, ports: [51820] } }],
    });
    expect((f.byName("t.wireguard-peers-egress")["spec"] as Obj)["preDNAT"]).toBeUndefined();
    for (const o of f.objects()) expect(validateResource(o, { calicoVersion: "3.32" })).toEqual([]);
  });

  it("adds UDP 51821 for IPv6 when asked", () => {
    const f = fixture();
    new WireguardPeers(f.chart, "w", { tier: f.tier, ipv6: true });
    const ingress = (f.byName("t.wireguard-peers")["spec"] as Obj)["ingress"] as Obj[];
    expect(ingress.map((r) => `${String(r["ipVersion"])}:${JSON.stringify((r["destination"] as Obj)["ports"])}`)).toEqual(["4:[51820]", "6:[51821]"]);
  });

  it("keeps the tunnel open in front of a later pre-DNAT deny of everything from outside", () => {
    const f = fixture();
    new WireguardPeers(f.chart, "w", { tier: f.tier });
    new GlobalNetworkPolicy(f.chart, "deny", { tier: f.tier, name: "deny-udp", order: 50, selector: sel.has("kubernetes.io/os"), preDNAT: true, applyOnForward: true, ingress: [{ action: "Deny", protocol: "UDP" }] });
    expect(verdict([TIER, ...f.objects()], "host:n2", "host:n1", "UDP", 51820)).toBe(true);
    expect(verdict([TIER, ...f.objects().filter((o) => !String((o["metadata"] as Obj)["name"]).startsWith("t.wireguard"))], "host:n2", "host:n1", "UDP", 51820)).toBe(false);
  });
});

describe("GlobalNetworkPolicy preDNAT switches follow Calico's validator", () => {
  it("refuses preDNAT without applyOnForward, and preDNAT with egress rules, listing both", () => {
    const f = fixture();
    const msg = userErrorOf(() => new GlobalNetworkPolicy(f.chart, "p", { tier: f.tier, name: "p", preDNAT: true, ingress: [], egress: [] }));
    expect(msg).toContain("applyOnForward must be true if preDNAT or doNotTrack is true");
    expect(msg).toContain("a preDNAT policy cannot have egress rules");
  });
});
