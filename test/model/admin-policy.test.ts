/**
 * Validation of ClusterNetworkPolicy (v1alpha2) and AdminNetworkPolicy / BaselineAdminNetworkPolicy
 * (v1alpha1): the upstream CRDs' rules (kubernetes-sigs/network-policy-api v0.2.0 / v0.1.5 apis/*_types.go)
 * and what Calico cannot enforce per minor (projectcalico/calico v3.32.1 clusternetworkpolicy.go,
 * v3.31.7 conversion.go), each problem with its path and a hint.
 */
import { describe, expect, it } from "vitest";
import { validateResource } from "../../src/model/validate/index.js";

const cnp = (spec: Record<string, unknown>, name = "guard"): unknown => ({ apiVersion: "policy.networking.k8s.io/v1alpha2", kind: "ClusterNetworkPolicy", metadata: { name }, spec });
const anp = (spec: Record<string, unknown>, kind = "AdminNetworkPolicy", name = "guard"): unknown => ({ apiVersion: "policy.networking.k8s.io/v1alpha1", kind, metadata: { name }, spec });
const ok = { tier: "Admin", priority: 10, subject: { namespaces: {} }, egress: [{ action: "Deny", to: [{ networks: ["169.254.169.254/32"] }] }] };

function paths(obj: unknown, calicoVersion: "3.29" | "3.30" | "3.31" | "3.32" = "3.32"): string[] {
  const ps = validateResource(obj, { calicoVersion });
  for (const p of ps) expect(p.hint.length).toBeGreaterThan(0);
  return ps.map((p) => p.path);
}

describe("ClusterNetworkPolicy validation", () => {
  it("a well-formed Admin CNP is valid on 3.32", () => {
    expect(validateResource(cnp(ok))).toEqual([]);
  });

  it("reports every CRD rule with its path: tier enum, priority 0-1000, exactly one subject/peer/protocol/port, range start < end, CIDR, domain name, at most 25 rules", () => {
    const bad = cnp({
      tier: "Platform",
      priority: 1001,
      subject: { namespaces: {}, pods: { podSelector: {} } },
      ingress: [{ action: "Allow", from: [{}] }],
      egress: [
        { action: "Deny", to: [{ namespaces: {}, networks: ["10.0.0.0/8"] }], protocols: [{ tcp: { destinationPort: { number: 1, range: { start: 1, end: 2 } } } }, { udp: { destinationPort: { range: { start: 9, end: 3 } } } }] },
        { action: "Accept", to: [{ networks: ["10.0.0.0"] }, { domainNames: ["*bad*"] }] },
      ],
    });
    expect(paths(bad)).toEqual(expect.arrayContaining([
      "spec.tier",
      "spec.priority",
      "spec.subject",
      "spec.ingress[0].action",
      "spec.ingress[0].from[0]",
      "spec.egress[0].to[0]",
      "spec.egress[0].protocols[0].tcp.destinationPort",
      "spec.egress[0].protocols[1].udp.destinationPort.range",
      "spec.egress[1].to[0].networks[0]",
      "spec.egress[1].to[1].domainNames[0]",
    ]));
    const many = cnp({ ...ok, egress: Array.from({ length: 26 }, () => ok.egress[0]) });
    expect(paths(many)).toEqual(["spec.egress"]);
  });

  it("named ports cannot be combined with networks/nodes/domainNames peers (the CRD's CEL rule)", () => {
    const ps = validateResource(cnp({ ...ok, egress: [{ action: "Deny", to: [{ networks: ["10.0.0.0/8"] }], protocols: [{ destinationNamedPort: "http" }] }] }));
    expect(ps.map((p) => [p.path, p.message])).toEqual([["spec.egress[0]", "networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames"]]);
  });

  it("a domainNames or nodes peer is reported on 3.32 with what Calico does instead: deny-all for Deny/Pass, dropped for Accept (PC v3.32.1 combinePortsWithCNPEgressPeers)", () => {
    const deny = validateResource(cnp({ ...ok, egress: [{ action: "Deny", to: [{ domainNames: ["example.com"] }] }] }));
    expect(deny.map((p) => p.path)).toEqual(["spec.egress[0].to[0].domainNames"]);
    expect(deny[0]!.message).toContain("denies all traffic");
    const accept = validateResource(cnp({ ...ok, egress: [{ action: "Accept", to: [{ nodes: {} }] }] }));
    expect(accept.map((p) => p.path)).toEqual(["spec.egress[0].to[0].nodes"]);
    expect(accept[0]!.message).toContain("is dropped");
  });

  it("is not enforced before Calico 3.32", () => {
    for (const v of ["3.29", "3.30", "3.31"] as const) expect(paths(cnp(ok), v)).toEqual(["kind"]);
  });
});

describe("AdminNetworkPolicy / BaselineAdminNetworkPolicy validation", () => {
  const a = { priority: 5, subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: "db" } } } }, ingress: [{ action: "Deny", from: [{ namespaces: {} }], ports: [{ portNumber: { protocol: "TCP", port: 5432 } }] }] };

  it("an ANP is valid on 3.29-3.31 and reported as not enforced on 3.32 (calico #11144), with the rewrite as the hint", () => {
    for (const v of ["3.29", "3.30", "3.31"] as const) expect(validateResource(anp(a), { calicoVersion: v })).toEqual([]);
    const p = validateResource(anp(a));
    expect(p.map((x) => x.path)).toEqual(["kind"]);
    expect(p[0]!.hint).toContain("ClusterNetworkPolicy with tier: Admin");
  });

  it("the BANP must be named default, has no Pass action, and needs Calico 3.30", () => {
    const b = anp({ subject: { namespaces: {} }, ingress: [{ action: "Pass", from: [{ namespaces: {} }] }] }, "BaselineAdminNetworkPolicy", "other");
    expect(paths(b, "3.31")).toEqual(["spec.ingress[0].action", "metadata.name"]);
    expect(paths(anp({ subject: { namespaces: {} } }, "BaselineAdminNetworkPolicy", "default"), "3.29")).toEqual(["kind"]);
  });

  it("an ANP namedPort is reported on 3.30/3.31: Calico does not convert it and the rule matches every port (PC v3.31.7 k8sAdminPolicyPortToCalicoFields)", () => {
    const p = validateResource(anp({ ...a, ingress: [{ action: "Deny", from: [{ namespaces: {} }], ports: [{ namedPort: "pg" }] }] }), { calicoVersion: "3.31" });
    expect(p.map((x) => x.path)).toEqual(["spec.ingress[0].ports[0].namedPort"]);
    expect(p[0]!.message).toContain("matches every protocol and port");
  });

  it("a port sets exactly one of portNumber, namedPort, portRange with protocol TCP, UDP or SCTP", () => {
    const p = paths(anp({ ...a, ingress: [{ action: "Deny", from: [{ namespaces: {} }], ports: [{}, { portNumber: { protocol: "ICMP", port: 1 } }] }] }), "3.31");
    expect(p).toEqual(["spec.ingress[0].ports[0]", "spec.ingress[0].ports[1].portNumber.protocol"]);
  });
});
