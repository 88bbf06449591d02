/**
 * Kubernetes admin policies evaluated in their Calico tiers, one test per fact. Sources (PC =
 * projectcalico/calico; NPA = kubernetes-sigs/network-policy-api):
 * - PC v3.32.1 libcalico-go/lib/backend/k8s/conversion/clusternetworkpolicy.go (CNP → GlobalNetworkPolicy);
 * - PC v3.32.1 api/pkg/apis/projectcalico/v3/tier.go, libcalico-go/lib/names/policy.go and
 *   libcalico-go/lib/clientv3/client.go ensureTierExists (kube-admin 1,000 / kube-baseline 10,000,000, Pass);
 * - PC v3.31.7 libcalico-go/lib/backend/k8s/conversion/conversion.go (K8sAdminNetworkPolicyToCalico,
 *   K8sBaselineAdminNetworkPolicyToCalico) and api/pkg/apis/projectcalico/v3/tier.go;
 * - PC v3.32.0 release notes, calico #11144 (ANP/BANP no longer enforced);
 * - PC felix/calc/policy_sorter.go (ties by name);
 * - NPA v0.2.0 apis/v1alpha2/clusternetworkpolicy_types.go and the conformance suite
 *   (conformance/tests/admin-network-policy-standard-*.go: priority, gress rules, ANP/NP/BANP integration),
 *   whose cases are re-stated here on this project's own fixture.
 */
import { describe, expect, it } from "vitest";
import { diffModels } from "../../src/analysis/diff.js";
import { computeConnectivity } from "../../src/analysis/connectivity.js";
import { endpointPeer, evaluateFlow, explain } from "../../src/analysis/evaluate.js";
import { formatExplain } from "../../src/analysis/formatters/text.js";
import { parseInventory } from "../../src/analysis/inventory.js";
import { type Model, buildModel } from "../../src/analysis/model.js";
import { type PolicyModel, readPolicies, sourced } from "../../src/analysis/policies.js";
import { notEnforcedFlows } from "../../src/analysis/not-enforced.js";
import { lintAdminPolicies } from "../../src/analysis/admin-lint.js";
import { buildReport } from "../../src/analysis/report.js";
import { renderMarkdownReport } from "../../src/analysis/formatters/md.js";
import type { CalicoMinor } from "../../src/config/types.js";
import { yamlObjects } from "./helpers.js";

const inventory = parseInventory({
  namespaces: [
    { name: "shop", labels: { team: "shop" }, workloads: [
      { name: "web", labels: { app: "web" }, ports: [{ name: "http", port: 8080, protocol: "TCP" }] },
      { name: "db", labels: { app: "db" }, ports: [{ name: "pg", port: 5432, protocol: "TCP" }] },
    ] },
    { name: "other", labels: { team: "other" }, workloads: [{ name: "client", labels: { app: "client" } }] },
    { name: "agents", labels: { team: "agents" }, workloads: [{ name: "node-agent", kind: "DaemonSet", labels: { app: "agent" }, hostNetwork: true, node: "worker" }] },
  ],
  nodes: [{ name: "worker", ips: ["10.0.0.11"], labels: { "kubernetes.io/hostname": "worker" } }],
});

/** A host endpoint for the worker, selectable (expectedIPs), so a selector could in principle match it. */
const HEP = `
apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata: { name: worker-eth0, labels: { team: agents, app: agent } }
spec: { node: worker, interfaceName: "*", expectedIPs: [10.0.0.11], profiles: [projectcalico-default-allow] }
`;

function read(text: string, calicoMinor: CalicoMinor = "3.32"): PolicyModel {
  return readPolicies(sourced(yamlObjects(text), "fixture.yaml"), { calicoMinor });
}

function model(text: string, calicoMinor: CalicoMinor = "3.32"): Model {
  const pm = read(text, calicoMinor);
  expect(pm.rejected).toEqual([]);
  return buildModel(inventory, pm, { calicoMinor });
}

function allowed(m: Model, from: string, to: string, port: number, protocol = "TCP"): boolean {
  return explain(m, { from, to, port, protocol }).every((r) => r.allowed);
}

const cnp = (name: string, body: string): string => `
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: { name: ${name} }
spec:
${body}`;

/**
 * The Admin CNP denying web → db, and an application tier allowing it. The tier is at order 1,500, after
 * kube-admin (1,000): the baseline's own tiers (200–500) run before kube-admin, see the "below 1,000" case.
 */
const DENY_DB_CNP = cnp("deny-web-to-db", `
  tier: Admin
  priority: 10
  subject: { pods: { namespaceSelector: { matchLabels: { team: shop } }, podSelector: { matchLabels: { app: db } } } }
  ingress:
    - name: no-web
      action: Deny
      from: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: web } } } }]
      protocols: [{ tcp: { destinationPort: { number: 5432 } } }]
`);

const APP_TIER_ALLOW = `
apiVersion: projectcalico.org/v3
kind: Tier
metadata: { name: application }
spec: { order: 1500, defaultAction: Deny }
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: application.db }
spec:
  tier: application
  order: 10
  selector: app == "db"
  types: [Ingress]
  ingress: [{ action: Allow, protocol: TCP, destination: { ports: [5432] } }]
`;

describe("ClusterNetworkPolicy on Calico 3.32 (PC v3.32.1 clusternetworkpolicy.go)", () => {
  it("tier Admin lands in tier kube-admin (order 1,000, defaultAction Pass) and Baseline in kube-baseline (10,000,000, Pass) (PC v3.32.1 clusterNetworkPolicyTier, api tier.go KubeAdminTierOrder/KubeBaselineTierOrder, clientv3 ensureTierExists)", () => {
    const pm = read(`${DENY_DB_CNP}\n---\n${cnp("base", `
  tier: Baseline
  priority: 1
  subject: { namespaces: {} }
  ingress: [{ action: Deny, from: [{ namespaces: { matchLabels: { team: other } } }] }]
`)}`);
    expect(pm.tiers.get("kube-admin")).toEqual({ name: "kube-admin", order: 1000, defaultAction: "Pass", declared: true });
    expect(pm.tiers.get("kube-baseline")).toEqual({ name: "kube-baseline", order: 10_000_000, defaultAction: "Pass", declared: true });
    expect(pm.policies.map((p) => [p.id, p.tier, p.order])).toEqual([
      ["ClusterNetworkPolicy/deny-web-to-db", "kube-admin", 10],
      ["ClusterNetworkPolicy/base", "kube-baseline", 1],
    ]);
  });

  it("explain names the CNP decision `kube-admin › ClusterNetworkPolicy/<name> rule N` and the Admin Deny beats an allow in our application tier (Done-when fixture)", () => {
    const m = model(`${DENY_DB_CNP}\n---\n${APP_TIER_ALLOW}`);
    const [r] = explain(m, { from: "shop/web", to: "shop/db", protocol: "TCP", port: 5432 });
    expect(r!.allowed).toBe(false);
    expect(formatExplain(r!)).toContain("Deny by kube-admin › ClusterNetworkPolicy/deny-web-to-db rule 0");
    // Another client is not matched by the CNP rule: kube-admin ends with Pass, the application tier allows.
    expect(allowed(m, "other/client", "shop/db", 5432)).toBe(true);
  });

  it("order = spec.priority: the lower priority decides first (PC clusternetworkpolicy.go `order := float64(kcnp.Spec.Priority)`; NPA conformance standard-priority)", () => {
    const accept = (prio: number): string => cnp("accept-web", `
  tier: Admin
  priority: ${prio}
  subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: db } } } }
  ingress: [{ action: Accept, from: [{ namespaces: { matchLabels: { team: shop } } }] }]
`);
    expect(allowed(model(`${DENY_DB_CNP}\n---\n${accept(5)}`), "shop/web", "shop/db", 5432)).toBe(true);
    expect(allowed(model(`${DENY_DB_CNP}\n---\n${accept(50)}`), "shop/web", "shop/db", 5432)).toBe(false);
  });

  it("rule order within a policy is precedence: the first matching rule decides (NPA v1alpha2 types.go: 'the relative precedence of ingress rules ... determined by the order')", () => {
    const both = (first: string, second: string): string => cnp("ordered", `
  tier: Admin
  priority: 1
  subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: db } } } }
  ingress:
    - { action: ${first}, from: [{ namespaces: { matchLabels: { team: shop } } }] }
    - { action: ${second}, from: [{ namespaces: { matchLabels: { team: shop } } }] }
`);
    expect(allowed(model(both("Accept", "Deny")), "shop/web", "shop/db", 5432)).toBe(true);
    expect(allowed(model(both("Deny", "Accept")), "shop/web", "shop/db", 5432)).toBe(false);
  });

  it("Accept becomes Calico Allow and is final: a later Deny in our tiers does not run (PC K8sClusterNetworkPolicyActionToCalico: Accept → apiv3.Allow)", () => {
    const m = model(`${cnp("accept", `
  tier: Admin
  priority: 1
  subject: { namespaces: { matchLabels: { team: shop } } }
  ingress: [{ name: ok, action: Accept, from: [{ namespaces: { matchLabels: { team: other } } }] }]
`)}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: deny-all }
spec: { selector: all(), types: [Ingress], ingress: [{ action: Deny }] }
`);
    const [r] = explain(m, { from: "other/client", to: "shop/db", protocol: "TCP", port: 5432 });
    expect(r!.ingress.decision).toMatchObject({ by: "rule", tier: "kube-admin", policy: "ClusterNetworkPolicy/accept", rule: 0, action: "Allow" });
  });

  it("types only for directions that have rules: an ingress-only CNP does not make kube-admin apply to egress (PC clusterNetPolicyTypes)", () => {
    const m = model(DENY_DB_CNP);
    expect(m.policies[0]!.ingress).toBeDefined();
    expect(m.policies[0]!.egress).toBeUndefined();
    const [r] = explain(m, { from: "shop/db", to: "other/client", protocol: "TCP", port: 80 });
    expect(r!.egress.steps.some((s) => s.tier === "kube-admin")).toBe(false);
  });

  it("Pass goes to the next Calico tier that selects the endpoint, one of ours between 1,000 and 1,000,000, not straight to the NetworkPolicy (default) tier", () => {
    const pass = cnp("pass-db", `
  tier: Admin
  priority: 1
  subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: db } } } }
  ingress: [{ action: Pass, from: [{ namespaces: {} }] }]
`);
    const denyTier = `
apiVersion: projectcalico.org/v3
kind: Tier
metadata: { name: application }
spec: { order: 1500 }
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: application.db }
spec: { tier: application, selector: app == "db", types: [Ingress], ingress: [{ action: Deny }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-all, namespace: shop }
spec: { podSelector: {}, ingress: [{}] }
`;
    const m = model(`${pass}\n---\n${denyTier}`);
    const [r] = explain(m, { from: "shop/web", to: "shop/db", protocol: "TCP", port: 5432 });
    expect(r!.allowed).toBe(false);
    expect(r!.ingress.decision).toMatchObject({ by: "rule", tier: "application", policy: "GlobalNetworkPolicy/application.db" });
  });

  it("a user tier with order below 1,000 runs before kube-admin: its Allow decides and the CNP Deny never runs (tier order, PC felix/calc/policy_sorter.go TierLess)", () => {
    const m = model(`${DENY_DB_CNP}
---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: { name: early }
spec: { order: 500 }
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: early.db }
spec: { tier: early, selector: app == "db", types: [Ingress], ingress: [{ action: Allow }] }
`);
    const [r] = explain(m, { from: "shop/web", to: "shop/db", protocol: "TCP", port: 5432 });
    expect(r!.allowed).toBe(true);
    expect(r!.ingress.decision).toMatchObject({ tier: "early" });
    expect(r!.ingress.steps.some((s) => s.tier === "kube-admin")).toBe(false);
  });

  it("Baseline runs after the default tier: a pod selected by a Kubernetes NetworkPolicy never reaches kube-baseline; an unselected one does (NPA types.go tier order; kube-baseline 10,000,000 > default 1,000,000)", () => {
    const base = cnp("default", `
  tier: Baseline
  priority: 1
  subject: { namespaces: {} }
  ingress: [{ action: Deny, from: [{ namespaces: { matchLabels: { team: other } } }] }]
`);
    const np = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-other, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: other } } }] }]
`;
    const m = model(`${base}\n---\n${np}`);
    expect(allowed(m, "other/client", "shop/db", 5432)).toBe(true); // the NetworkPolicy decides
    const [web] = explain(m, { from: "other/client", to: "shop/web", protocol: "TCP", port: 8080 });
    expect(web!.allowed).toBe(false); // no NetworkPolicy selects web: the Baseline Deny decides
    expect(web!.ingress.decision).toMatchObject({ tier: "kube-baseline", policy: "ClusterNetworkPolicy/default" });
  });

  it("fail-closed: a Deny or Pass rule Calico cannot convert (a domainNames peer) becomes a deny-all rule, reported (PC k8sClusterNetPolHandleFailedRules)", () => {
    for (const action of ["Deny", "Pass"]) {
      const text = cnp("dns-only", `
  tier: Admin
  priority: 1
  subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: web } } } }
  egress: [{ name: no-example, action: ${action}, to: [{ domainNames: [example.com] }] }]
`);
      const pm = read(text);
      expect(pm.problems.map((p) => p.path)).toEqual(["spec.egress[0]"]);
      expect(pm.problems[0]!.message).toContain("denies all traffic");
      const m = model(text);
      // Any egress of web is now denied, whatever its destination.
      const [r] = explain(m, { from: "shop/web", to: "other/client", protocol: "TCP", port: 80 });
      expect(r!.allowed).toBe(false);
      expect(r!.egress.decision).toMatchObject({ by: "rule", tier: "kube-admin", rule: 0, action: "Deny" });
    }
  });

  it("Accept dropped: an Accept rule Calico cannot convert matches nothing and the flow goes on (PC k8sClusterNetPolHandleFailedRules returns nil for Accept)", () => {
    const text = cnp("dns-accept", `
  tier: Admin
  priority: 1
  subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: web } } } }
  egress:
    - { action: Accept, to: [{ domainNames: [example.com] }] }
    - { action: Deny, to: [{ namespaces: { matchLabels: { team: other } } }] }
`);
    const pm = read(text);
    expect(pm.problems[0]!.message).toContain("is dropped");
    expect(pm.policies[0]!.egress!.map((r) => r.index)).toEqual([1]);
    expect(allowed(model(text), "shop/web", "other/client", 80)).toBe(false);
    expect(allowed(model(text), "shop/web", "shop/db", 5432)).toBe(true);
  });

  it("a malformed ClusterNetworkPolicy (no subject, or a tier that is neither Admin nor Baseline) yields no policy and is rejected (PC clusterNetworkPolicyTombstone)", () => {
    const bad = [
      cnp("no-subject", "  tier: Admin\n  priority: 1\n  subject: {}\n  ingress: [{ action: Deny, from: [{ namespaces: {} }] }]\n"),
      cnp("bad-tier", "  tier: Platform\n  priority: 1\n  subject: { namespaces: {} }\n  ingress: [{ action: Deny, from: [{ namespaces: {} }] }]\n"),
    ];
    for (const text of bad) {
      const pm = read(text);
      expect(pm.policies).toEqual([]);
      expect(pm.rejected).toHaveLength(1);
      expect(pm.rejected[0]!.path).toMatch(/^spec\.(subject|tier)$/);
    }
  });

  it("named ports are supported: destinationNamedPort matches the destination's container port of that name (PC k8sCNPPortToCalicoFields numorstring.NamedPort)", () => {
    const m = model(cnp("no-http", `
  tier: Admin
  priority: 1
  subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: web } } } }
  ingress: [{ action: Deny, from: [{ namespaces: {} }], protocols: [{ destinationNamedPort: http }] }]
`));
    expect(allowed(m, "other/client", "shop/web", 8080)).toBe(false);
    expect(allowed(m, "other/client", "shop/web", 9090)).toBe(true);
  });

  it("a networks peer is converted to nets and also matches pod addresses inside the CIDR (PC combinePortsWithCNPEgressPeers; NPA types.go Networks)", () => {
    const m = model(cnp("no-10", `
  tier: Admin
  priority: 1
  subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: web } } } }
  egress: [{ action: Deny, to: [{ networks: [10.0.0.0/24] }] }]
`));
    expect(allowed(m, "shop/web", "net:10.0.0.50", 443)).toBe(false);
    expect(allowed(m, "shop/web", "net:192.0.2.1", 443)).toBe(true);
  });

  it("equal priority: Calico breaks the order tie by name (PC felix/calc/policy_sorter.go PolKVLess; the spec leaves it undefined)", () => {
    const two = (denyName: string, acceptName: string): string => `${cnp(denyName, `
  tier: Admin
  priority: 7
  subject: { namespaces: { matchLabels: { team: shop } } }
  ingress: [{ action: Deny, from: [{ namespaces: {} }] }]
`)}\n---\n${cnp(acceptName, `
  tier: Admin
  priority: 7
  subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: db } } } }
  ingress: [{ action: Accept, from: [{ namespaces: {} }] }]
`)}`;
    expect(allowed(model(two("a-deny", "b-accept")), "shop/web", "shop/db", 5432)).toBe(false);
    expect(allowed(model(two("b-deny", "a-accept")), "shop/web", "shop/db", 5432)).toBe(true);
  });

  it("host-networked pods are never selected, as subject or as peer: the subject adds projectcalico.org/orchestrator == 'k8s', which host endpoints lack (PC clusternetworkpolicy.go 'to exclude heps'; NPA types.go)", () => {
    const m = model(`${HEP}\n---\n${cnp("agents", `
  tier: Admin
  priority: 1
  subject: { namespaces: { matchLabels: { team: agents } } }
  ingress: [{ action: Deny, from: [{ namespaces: {} }] }]
`)}\n---\n${cnp("from-agents", `
  tier: Admin
  priority: 2
  subject: { namespaces: { matchLabels: { team: shop } } }
  ingress: [{ action: Deny, from: [{ pods: { namespaceSelector: { matchLabels: { team: agents } } , podSelector: {} } }] }]
`)}`);
    const host = m.endpoints.find((e) => e.id === "host:worker")!;
    for (const p of m.policies) {
      expect(p.selector.text).toContain("projectcalico.org/orchestrator == 'k8s'");
      expect(p.selector.match(host.labels)).toBe(false);
    }
    // agents/node-agent is the worker host: the "agents" CNP does not select it.
    expect(allowed(m, "shop/web", "agents/node-agent", 9100)).toBe(true);
    // As a peer it is not matched either: the "from-agents" Deny does not apply to it.
    expect(allowed(m, "agents/node-agent", "shop/db", 5432)).toBe(true);
  });
});

const ANP = `
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: { name: deny-web-to-db }
spec:
  priority: 10
  subject: { pods: { namespaceSelector: { matchLabels: { team: shop } }, podSelector: { matchLabels: { app: db } } } }
  ingress:
    - name: no-web
      action: Deny
      from: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: web } } } }]
      ports: [{ portNumber: { protocol: TCP, port: 5432 } }]
`;

describe("AdminNetworkPolicy / BaselineAdminNetworkPolicy on Calico 3.30–3.31 (PC v3.31.7 conversion.go), not on 3.32", () => {
  it("on 3.31 an ANP lands in tier adminnetworkpolicy (1,000, Pass) with order = priority and gives the same verdict as the CNP equivalent on 3.32", () => {
    const m = model(`${ANP}\n---\n${APP_TIER_ALLOW}`, "3.31");
    expect(m.tiers.find((t) => t.name === "adminnetworkpolicy")).toEqual({ name: "adminnetworkpolicy", order: 1000, defaultAction: "Pass", declared: true });
    expect(m.policies.find((p) => p.kind === "AdminNetworkPolicy")).toMatchObject({ id: "AdminNetworkPolicy/deny-web-to-db", name: "kanp.adminnetworkpolicy.deny-web-to-db", order: 10 });
    const [r] = explain(m, { from: "shop/web", to: "shop/db", protocol: "TCP", port: 5432 });
    expect(formatExplain(r!)).toContain("Deny by adminnetworkpolicy › AdminNetworkPolicy/deny-web-to-db rule 0");
    const cnpVerdict = allowed(model(`${DENY_DB_CNP}\n---\n${APP_TIER_ALLOW}`), "shop/web", "shop/db", 5432);
    expect(r!.allowed).toBe(cnpVerdict);
  });

  it("the BANP is order 1000 in tier baselineadminnetworkpolicy (10,000,000, Pass) (PC v3.31.7 K8sBaselineAdminNetworkPolicyToCalico `order := float64(1000)`)", () => {
    const pm = read(`
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: { name: default }
spec:
  subject: { namespaces: {} }
  ingress: [{ action: Deny, from: [{ namespaces: { matchLabels: { team: other } } }] }]
`, "3.31");
    expect(pm.tiers.get("baselineadminnetworkpolicy")).toEqual({ name: "baselineadminnetworkpolicy", order: 10_000_000, defaultAction: "Pass", declared: true });
    expect(pm.policies.map((p) => [p.id, p.name, p.tier, p.order])).toEqual([["BaselineAdminNetworkPolicy/default", "kbanp.baselineadminnetworkpolicy.default", "baselineadminnetworkpolicy", 1000]]);
  });

  it("ANP is ignored on 3.32: not enforced, reported, and the flows it would have decided are listed (PC v3.32.0 release notes, calico #11144)", () => {
    const pm = read(`${ANP}\n---\n${APP_TIER_ALLOW}`, "3.32");
    expect(pm.policies.some((p) => p.kind === "AdminNetworkPolicy")).toBe(false);
    expect(pm.notEnforced?.map((p) => p.id)).toEqual(["AdminNetworkPolicy/deny-web-to-db"]);
    expect(pm.problems.find((p) => p.path === "kind")?.message).toContain("does not enforce AdminNetworkPolicy");
    const m = buildModel(inventory, pm, { calicoMinor: "3.32" });
    expect(allowed(m, "shop/web", "shop/db", 5432)).toBe(true);
    const flows = notEnforcedFlows(m);
    expect(flows.changes.map((c) => [c.src, c.dst, c.removed.toString()])).toEqual([["shop/web[Deployment]", "shop/db[Deployment]", "TCP 5432"]]);
  });

  it("an ANP namedPort is not converted by 3.30–3.31 and the rule matches every port (PC v3.31.7 k8sAdminPolicyPortToCalicoFields 'TODO: Add support for NamedPorts', unpackANPPorts)", () => {
    const m = model(`
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: { name: no-http }
spec:
  priority: 1
  subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: web } } } }
  ingress: [{ action: Deny, from: [{ namespaces: {} }], ports: [{ namedPort: http }] }]
`, "3.31");
    expect(allowed(m, "other/client", "shop/web", 8080)).toBe(false);
    expect(allowed(m, "other/client", "shop/web", 9090)).toBe(false);
  });

  it("a ClusterNetworkPolicy is not enforced on 3.31 and is reported", () => {
    const pm = read(DENY_DB_CNP, "3.31");
    expect(pm.policies).toEqual([]);
    expect(pm.notEnforced?.map((p) => p.id)).toEqual(["ClusterNetworkPolicy/deny-web-to-db"]);
    expect(diffModels(buildModel(inventory, pm), buildModel(inventory, pm)).changes).toEqual([]);
  });
});

describe("admin-policy lint (src/analysis/admin-lint.ts)", () => {
  it("equal priorities with overlapping subjects are flagged (undefined in the spec: NPA v1alpha2 types.go Priority); disjoint subjects are not", () => {
    const two = (second: string): string => `${DENY_DB_CNP}\n---\n${cnp("other", `
  tier: Admin
  priority: 10
  subject: ${second}
  ingress: [{ action: Accept, from: [{ namespaces: {} }] }]
`)}`;
    const overlap = lintAdminPolicies(model(two("{ namespaces: { matchLabels: { team: shop } } }")));
    expect(overlap.map((l) => [l.id, l.object])).toEqual([["equal-priority-overlap", "ClusterNetworkPolicy/deny-web-to-db"]]);
    expect(overlap[0]!.message).toContain("shop/db[Deployment]");
    expect(overlap[0]!.message).toContain("Calico applies ClusterNetworkPolicy/deny-web-to-db first");
    expect(lintAdminPolicies(model(two("{ namespaces: { matchLabels: { team: other } } }")))).toEqual([]);
  });

  it("a rule Calico converts to deny-all is flagged with the rule's path (PC k8sClusterNetPolHandleFailedRules)", () => {
    const lint = lintAdminPolicies(model(cnp("dns", `
  tier: Admin
  priority: 1
  subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: web } } } }
  egress: [{ action: Deny, to: [{ domainNames: [example.com] }] }]
`)));
    expect(lint.map((l) => [l.id, l.path])).toEqual([["fail-closed-rule", "spec.egress[0]"]]);
  });

  it("a Deny-default user tier ordered before kube-admin that selects the CNP's endpoints is flagged", () => {
    const lint = lintAdminPolicies(model(`${DENY_DB_CNP}
---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: { name: early }
spec: { order: 500 }
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: early.db }
spec: { tier: early, selector: app == "db", types: [Ingress], ingress: [{ action: Allow }] }
`));
    // A Pass-default early tier is not flagged: what its rules do not match goes on to kube-admin.
    const passTier = lintAdminPolicies(model(`${DENY_DB_CNP}
---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: { name: early }
spec: { order: 500, defaultAction: Pass }
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: early.db }
spec: { tier: early, selector: app == "db", types: [Ingress], ingress: [{ action: Allow, source: { selector: app == "nobody" } }] }
`));
    expect(passTier).toEqual([]);
    expect(lint.map((l) => l.id)).toEqual(["before-admin-tier"]);
    expect(lint[0]!.message).toContain("tier early (order 500) runs before kube-admin (order 1000)");
  });

  it("the report lists the flows a not-enforced ANP would decide (3.32) and the lint among its problems", () => {
    const objects = sourced(yamlObjects(`${ANP}\n---\n${APP_TIER_ALLOW}`), "fixture.yaml");
    const report = buildReport(objects, inventory, { calicoMinor: "3.32" });
    expect(report.notEnforced?.policies).toEqual(["AdminNetworkPolicy/deny-web-to-db"]);
    expect(report.notEnforced?.diff.changes.map((c) => c.removed.toString())).toEqual(["TCP 5432"]);
    expect(renderMarkdownReport(report)).toContain("Not enforced by Calico 3.32: what AdminNetworkPolicy/deny-web-to-db would decide");
    // The lint has its own section of the Markdown report.
    const linted = buildReport(sourced(yamlObjects(`${DENY_DB_CNP}\n---\n${cnp("other", "  tier: Admin\n  priority: 10\n  subject: { namespaces: {} }\n  ingress: [{ action: Accept, from: [{ namespaces: {} }] }]\n")}`), "f.yaml"), inventory, { calicoMinor: "3.32" });
    expect(renderMarkdownReport(linted)).toContain("### Admin policy lint");
    expect(renderMarkdownReport(linted)).toContain("`equal-priority-overlap`");
  });
});

describe("Calico's own admin tiers", () => {
  it("a GlobalNetworkPolicy may name kube-admin without a Tier object on 3.32, as Calico creates it (PC v3.32.1 clientv3 client.go ensureTierExists); another missing tier is still rejected", () => {
    const gnp = (tier: string): string => `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: ${tier}.x }
spec: { tier: ${tier}, order: 1, selector: app == "db", types: [Ingress], ingress: [{ action: Deny }] }
`;
    const pm = read(gnp("kube-admin"));
    expect(pm.rejected).toEqual([]);
    expect(pm.tiers.get("kube-admin")).toMatchObject({ order: 1000, defaultAction: "Pass" });
    expect(read(gnp("adminnetworkpolicy"), "3.31").rejected).toEqual([]);
    expect(read(gnp("adminnetworkpolicy"), "3.32").rejected.map((p) => p.message)).toEqual(['tier "adminnetworkpolicy" has no Tier object']);
  });
});

describe("the connectivity engine agrees with the evaluator on admin policies", () => {
  it("every pair and sampled port of the fixtures above: computeConnectivity equals evaluateFlow", () => {
    const fixtures = [
      `${DENY_DB_CNP}\n---\n${APP_TIER_ALLOW}`,
      cnp("named", "  tier: Admin\n  priority: 1\n  subject: { namespaces: {} }\n  ingress: [{ action: Deny, from: [{ namespaces: { matchLabels: { team: other } } }], protocols: [{ destinationNamedPort: http }] }]\n  egress: [{ action: Pass, to: [{ networks: [10.0.0.0/24] }] }, { action: Deny, to: [{ domainNames: [example.com] }] }]\n"),
      cnp("default", "  tier: Baseline\n  priority: 1\n  subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: db } } } }\n  ingress: [{ action: Deny, from: [{ namespaces: {} }] }]\n"),
    ];
    const samples: Array<[number, number]> = [[6, 5432], [6, 8080], [6, 80], [17, 53]];
    let checked = 0;
    for (const text of fixtures) {
      const m = model(text);
      const conn = computeConnectivity(m);
      conn.peers.forEach((s, i) => {
        conn.peers.forEach((d, j) => {
          if (i === j || s.endpoint === undefined || d.endpoint === undefined) return;
          for (const [protocol, port] of samples) {
            const slow = evaluateFlow(m, { src: endpointPeer(s.endpoint), dst: endpointPeer(d.endpoint), protocol, port }).allowed;
            expect(conn.allowed(i, j).contains(protocol, port), `${s.id} -> ${d.id} ${protocol}/${port}`).toBe(slow);
            checked++;
          }
        });
      });
    }
    expect(checked).toBeGreaterThan(50);
  });
});

describe("other versions of the network-policy-api group", () => {
  it("a ClusterNetworkPolicy of another apiVersion is reported as not analysed, not silently ignored", () => {
    const pm = read(DENY_DB_CNP.replace("policy.networking.k8s.io/v1alpha2", "policy.networking.k8s.io/v1alpha1"));
    expect(pm.policies).toEqual([]);
    expect(pm.problems.map((p) => [p.path, p.value])).toEqual([["apiVersion", "policy.networking.k8s.io/v1alpha1"]]);
  });
});
