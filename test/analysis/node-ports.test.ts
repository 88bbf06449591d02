/**
 * North-south exposure: node ports and host ports through pre-DNAT policy on the host endpoint, then the
 * pod's own policy (docs.tigera.io calico/3.32 reference/host-endpoints/pre-dnat: pre-DNAT policy is enforced
 * for all traffic arriving through a host endpoint, has no default drop, and what it does not decide goes on
 * to the workload's policy).
 */
import { describe, expect, it } from "vitest";
import { explain, resolvePeers } from "../../src/analysis/evaluate.js";
import { parseInventory } from "../../src/analysis/inventory.js";
import { evaluateExposure, exposedPorts, exposureReport, outsideSources } from "../../src/analysis/node-ports.js";
import { modelOf } from "./helpers.js";

const inventory = parseInventory({
  namespaces: [
    {
      name: "shop",
      workloads: [
        { name: "web", labels: { app: "web" }, ports: [{ name: "http", port: 8080, protocol: "TCP", nodePort: 30080 }] },
        { name: "agent", labels: { app: "agent" }, node: "n2", ports: [{ port: 9000, protocol: "UDP", hostPort: 9000 }] },
      ],
    },
  ],
  nodes: [
    { name: "n1", ips: ["10.0.0.11"], labels: { "kubernetes.io/os": "linux" }, autoHostEndpoint: true },
    { name: "n2", ips: ["10.0.0.12"], labels: { "kubernetes.io/os": "linux" }, autoHostEndpoint: true },
  ],
});

const guard = `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata: { name: office, labels: { site: office } }
spec: { nets: [198.51.100.0/24] }
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: node-port-guard }
spec:
  selector: has(kubernetes.io/os)
  preDNAT: true
  applyOnForward: true
  types: [Ingress]
  ingress:
    - { action: Pass, protocol: TCP, source: { selector: site == "office", namespaceSelector: global() }, destination: { ports: ["30000:32767"] } }
    - { action: Deny, protocol: TCP, destination: { ports: ["30000:32767"] } }
`;

const webAllowsOfficeOnly = `
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: web, namespace: shop }
spec:
  selector: app == "web"
  types: [Ingress]
  ingress:
    - { action: Allow, protocol: TCP, source: { nets: [198.51.100.0/24] }, destination: { ports: [8080] } }
`;

describe("exposed ports", () => {
  it("lists declared node ports on every node, host ports on their pod's node, and NodePort Services' node ports", () => {
    const svc = `
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { type: NodePort, selector: { app: web }, ports: [{ port: 80, targetPort: http, nodePort: 31000 }] }
---
apiVersion: v1
kind: Service
metadata: { name: internal, namespace: shop }
spec: { selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }
`;
    const model = modelOf(svc, inventory);
    expect(exposedPorts(model).map((e) => `${e.kind} ${e.protocol}/${e.port} ${e.via} → ${e.backends.map((b) => `${b.endpoint.ref}:${b.port}`).join(",")} on ${e.nodes.map((n) => n.ref).join(",")}`)).toEqual([
      "hostPort 17/9000 shop/agent → shop/agent:9000 on host:n2",
      "NodePort 6/30080 shop/web (declared) → shop/web:8080 on host:n1,host:n2",
      // targetPort by name, resolved on the backend; a ClusterIP Service exposes nothing.
      "NodePort 6/31000 Service shop/web → shop/web:8080 on host:n1,host:n2",
    ]);
  });

  it("outside sources: each global network set, and one address no known network holds", () => {
    expect(outsideSources(modelOf(guard, inventory)).map((p) => p.display)).toEqual(["office (GlobalNetworkSet)", "net:203.0.113.9 (any other address)"]);
  });
});

describe("a flow to a node port", () => {
  const port30080 = (m: ReturnType<typeof modelOf>) => exposedPorts(m).find((e) => e.port === 30080)!;
  const outside = (m: ReturnType<typeof modelOf>, ref: string) => resolvePeers(m, ref)[0]!;
  const host = (m: ReturnType<typeof modelOf>, ref: string) => m.byRef.get(ref)![0]!;

  it("is denied by the pre-DNAT guard at the node before the pod's policy is consulted", () => {
    const m = modelOf(guard, inventory);
    const r = evaluateExposure(m, outside(m, "net:203.0.113.9"), port30080(m), host(m, "host:n1"));
    expect(r.allowed).toBe(false);
    expect(r.host.outcome).toBe("deny");
    expect(r.host.decision).toMatchObject({ by: "rule", stage: "preDNAT", policy: "GlobalNetworkPolicy/node-port-guard", rule: 1 });
    expect(r.backends).toEqual([]);
  });

  it("passed by the guard, is decided by the pod's own ingress policy on the target port, with the original source", () => {
    const m = modelOf(guard + "---\n" + webAllowsOfficeOnly, inventory);
    const office = evaluateExposure(m, outside(m, "net:198.51.100.7"), port30080(m), host(m, "host:n1"));
    expect(office.allowed).toBe(true);
    expect(office.host.outcome).toBe("none");
    expect(office.backends[0]).toMatchObject({ endpoint: "shop/web[Deployment]", allowed: true, decision: { by: "rule", policy: "NetworkPolicy/shop/web" } });
  });

  it("with no pre-DNAT policy the pod's policy alone decides (normal host endpoint policy does not see forwarded traffic)", () => {
    const denyHostIngress = `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: host-deny }
spec: { selector: has(kubernetes.io/os), types: [Ingress], ingress: [{ action: Deny }] }
`;
    const m = modelOf(denyHostIngress, inventory);
    expect(evaluateExposure(m, outside(m, "net:203.0.113.9"), port30080(m), host(m, "host:n1")).allowed).toBe(true);
    // The host's own port stays what evaluateFlow says: denied by the normal host policy.
    expect(explain(m, { from: "net:203.0.113.9", to: "host:n1", protocol: "TCP", port: 30080 })[0]!.allowed).toBe(false);
  });

  it("an applyOnForward normal host policy does see the forwarded flow, with its tier's end-of-tier drop", () => {
    const forwardOnly = `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: forward-ssh-only }
spec: { selector: has(kubernetes.io/os), applyOnForward: true, types: [Ingress], ingress: [{ action: Allow, protocol: TCP, destination: { ports: [22] } }] }
`;
    const m = modelOf(forwardOnly, inventory);
    const r = evaluateExposure(m, outside(m, "net:203.0.113.9"), port30080(m), host(m, "host:n1"));
    expect(r.allowed).toBe(false);
    expect(r.host).toMatchObject({ outcome: "deny", decision: { by: "end-of-tier", tier: "default" } });
  });

  it("the report row names who reaches each exposed port and the first denial of the others", () => {
    const m = modelOf(guard + "---\n" + webAllowsOfficeOnly, inventory);
    const row = exposureReport(m).find((r) => r.exposed.port === 30080)!;
    expect(row.sources).toEqual([
      { src: "office (GlobalNetworkSet)", allowed: true },
      { src: "net:203.0.113.9 (any other address)", allowed: false, deniedBy: "GlobalNetworkPolicy/node-port-guard ingress[1] (pre-DNAT at host:n1)" },
    ]);
    // The UDP host port is outside the guard's TCP range: the pod's policy (none selects agent) allows.
    expect(exposureReport(m).find((r) => r.exposed.port === 9000)!.sources.every((s) => s.allowed)).toBe(true);
  });
});

describe("evaluateFlow is unchanged by node ports", () => {
  it("a host destination on a known node port is still the host's own port", () => {
    const withPort = modelOf(guard, inventory);
    const withoutPort = modelOf(guard, parseInventory({ nodes: inventory.nodes.map((n) => ({ ...n })) }));
    for (const from of ["net:203.0.113.9", "net:198.51.100.7", "host:n2"]) {
      const a = explain(withPort, { from, to: "host:n1", protocol: "TCP", port: 30080 })[0]!;
      const b = explain(withoutPort, { from, to: "host:n1", protocol: "TCP", port: 30080 })[0]!;
      expect({ from, allowed: a.allowed, decision: a.ingress.decision }).toEqual({ from, allowed: b.allowed, decision: b.ingress.decision });
    }
  });
});
