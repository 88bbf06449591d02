/** Lockout invariants: defaults, failures with their trail, waivers by name, an invariant that checks no flow fails. */
import { describe, expect, it } from "vitest";
import { checkInvariants, defaultInvariants } from "../../src/analysis/invariants.js";
import { parseInventory } from "../../src/analysis/inventory.js";
import { formatInvariantFailure } from "../../src/analysis/formatters/text.js";
import { renderReports } from "../../src/analysis/render-reports.js";
import { modelOf } from "./helpers.js";

const inventory = parseInventory({
  namespaces: [
    { name: "kube-system", workloads: [{ name: "coredns", labels: { "k8s-app": "kube-dns" }, ports: [{ name: "dns", port: 53, protocol: "UDP" }] }] },
    { name: "shop", workloads: [{ name: "web", labels: { app: "web" } }] },
  ],
  nodes: [{ name: "control", ips: ["10.0.0.10"], labels: { "node-role.kubernetes.io/control-plane": "true" }, autoHostEndpoint: true }, { name: "worker", ips: ["10.0.0.11"], autoHostEndpoint: true }],
});

/** The defaults this inventory has no endpoints for (no calico-system, no monitoring): they check no flow, so they fail unless waived. */
const UNCHECKED = ["apiserver-from-calico", "typha-from-nodes", "monitoring-felix", "monitoring-typha", "monitoring-kube-controllers", "monitoring-node-exporter"];

const denyShopEgress = `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: shop-egress }
spec: { namespaceSelector: projectcalico.org/name == "shop", types: [Egress] }
`;

describe("lockout invariants", () => {
  it("defaults cover DNS, API server, Typha, kubelet, monitoring and (with settings) registry pulls", () => {
    const names = defaultInvariants({ registry: { cidrs: ["10.0.0.50/32"], port: 5000 } }).map((i) => i.name);
    expect(names).toEqual([
      "dns-udp", "dns-tcp", "apiserver-from-nodes", "apiserver-from-calico", "typha-from-nodes", "kubelet-from-control-plane",
      "monitoring-felix", "monitoring-typha", "monitoring-kube-controllers", "monitoring-node-exporter", "registry-pulls",
    ]);
  });

  it("pass with no policy; an invariant that checks no flow (no Typha in the inventory) fails and says which endpoints are missing", () => {
    const r = checkInvariants(modelOf("", inventory), defaultInvariants());
    expect(r.find((x) => x.invariant.name === "dns-udp")!.status).toBe("pass");
    expect(r.find((x) => x.invariant.name === "kubelet-from-control-plane")!.status).toBe("pass");
    const typha = r.find((x) => x.invariant.name === "typha-from-nodes")!;
    expect(typha).toMatchObject({ status: "fail", checked: 0, failures: [] });
    expect(typha.unchecked).toBe("checks no flow: the inventory has no workloads (namespace calico-system, k8s-app=calico-typha)");
    expect(formatInvariantFailure(typha)).toContain("checks no flow: the inventory has no workloads (namespace calico-system, k8s-app=calico-typha). Waive it");
    expect(checkInvariants(modelOf("", inventory), defaultInvariants(), ["typha-from-nodes"]).find((x) => x.invariant.name === "typha-from-nodes")!.status).toBe("waived");
  });

  it("an empty inventory passes no invariant: every one fails for want of flows (issue 11: the gate passed on nothing)", () => {
    const empty = parseInventory({ namespaces: [] });
    const r = checkInvariants(modelOf("", empty), defaultInvariants({ registry: { cidrs: ["10.0.0.50/32"], port: 5000 } }));
    // registry-pulls has a destination (the CIDR) but no source host.
    expect(r.map((x) => x.status)).toEqual(r.map(() => "fail"));
    expect(r.every((x) => x.checked === 0 && x.unchecked !== undefined)).toBe(true);
  });

  it("a control-plane node is recognised by the label's presence: kubeadm sets it to \"\", k3s to \"true\"", () => {
    const kubeadm = parseInventory({
      namespaces: [],
      nodes: [{ name: "cp", ips: ["10.0.0.10"], labels: { "node-role.kubernetes.io/control-plane": "" } }, { name: "w", ips: ["10.0.0.11"] }],
    });
    const r = checkInvariants(modelOf("", kubeadm), defaultInvariants());
    const byName = (n: string) => r.find((x) => x.invariant.name === n)!;
    expect(byName("apiserver-from-nodes")).toMatchObject({ status: "pass", checked: 1 });
    expect(byName("kubelet-from-control-plane")).toMatchObject({ status: "pass", checked: 1 });
  });

  it("a policy that cuts pods off DNS breaks dns-udp, with the explain trail of the denied flow", () => {
    const r = checkInvariants(modelOf(denyShopEgress, inventory), defaultInvariants());
    const dns = r.find((x) => x.invariant.name === "dns-udp")!;
    expect(dns.status).toBe("fail");
    expect(dns.failures.map((f) => `${f.src} -> ${f.dst}`)).toEqual(["shop/web[Deployment] -> kube-system/coredns[Deployment]"]);
    expect(dns.failures[0]!.egress.decision).toEqual({ by: "end-of-tier", tier: "default" });
    const text = formatInvariantFailure(dns);
    expect(text).toContain('lockout invariant "dns-udp" is broken');
    expect(text).toContain("Deny at the end of tier default");
  });

  it("a waiver names the invariant and turns the failure into 'waived'", () => {
    const r = checkInvariants(modelOf(denyShopEgress, inventory), defaultInvariants(), ["dns-udp"]);
    expect(r.find((x) => x.invariant.name === "dns-udp")!.status).toBe("waived");
    expect(r.find((x) => x.invariant.name === "dns-tcp")!.status).toBe("fail");
  });

  it("renderReports also fails when promoting the staged policies would break an invariant", () => {
    const charts = [{ file: "40-application.yaml", group: "application" as const, objects: [
      { apiVersion: "projectcalico.org/v3", kind: "StagedGlobalNetworkPolicy", metadata: { name: "shop-egress" }, spec: { namespaceSelector: 'projectcalico.org/name == "shop"', types: ["Egress"] } },
    ] }];
    const settings = { calicoMinor: "3.32" as const, mode: "enforce" as const, tiers: {}, defaultDenyExcludedNamespaces: [], overlays: ["VXLAN" as const], ipv6: false, registry: { cidrs: [], port: 5000 }, waivers: UNCHECKED };
    const out = renderReports({ charts, inventory, settings });
    expect(out.invariantFailures.map((f) => f.invariant.name)).toEqual(["dns-udp", "dns-tcp"]);
    expect(out.message).toContain('lockout invariant "dns-udp" is broken once the staged policies are enforced');
    expect(out.files["report.md"]).toContain("| `dns-udp` | ✅ pass | ❌ fail |");
    expect(renderReports({ charts, inventory, settings: { ...settings, waivers: [...UNCHECKED, "dns-udp", "dns-tcp"] } }).invariantFailures).toEqual([]);
  });

  it("custom invariants: hosts to an external registry", () => {
    const strict = `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: hosts-egress }
spec: { selector: all(), types: [Egress], egress: [{ action: Allow, protocol: TCP, destination: { nets: [10.0.0.0/24], ports: [5000] } }] }
`;
    const inv = defaultInvariants({ registry: { cidrs: ["10.0.0.50/32", "192.0.2.10/32"], port: 5000 } }).filter((i) => i.name === "registry-pulls");
    const r = checkInvariants(modelOf(strict, inventory), inv);
    expect(r.map((x) => x.status)).toEqual(["pass", "fail"]);
  });
});
