/**
 * Calico tier semantics, one scenario per documented behaviour. Each case cites where the behaviour is
 * written down (TD = tigera/docs calico_versioned_docs/version-3.32, PC = projectcalico/calico).
 */
import { describe, expect, it } from "vitest";
import { explain } from "../../src/analysis/evaluate.js";
import { parseInventory } from "../../src/analysis/inventory.js";
import type { Model } from "../../src/analysis/model.js";
import { buildModel } from "../../src/analysis/model.js";
import { readPolicies, sourced } from "../../src/analysis/policies.js";
import { modelOf, yamlObjects } from "./helpers.js";

const inventory = parseInventory({
  namespaces: [
    { name: "shop", labels: { team: "shop" }, workloads: [
      { name: "web", labels: { app: "web" }, serviceAccount: "web-sa", ports: [{ name: "http", port: 8080, protocol: "TCP" }] },
      { name: "db", labels: { app: "db" }, serviceAccount: "db-sa", ports: [{ name: "pg", port: 5432, protocol: "TCP" }] },
    ] },
    { name: "other", labels: {}, workloads: [{ name: "client", labels: { app: "client" } }] },
    { name: "kube-system", labels: {}, workloads: [
      { name: "coredns", labels: { "k8s-app": "kube-dns" }, ports: [{ name: "dns", port: 53, protocol: "UDP" }] },
      { name: "node-agent", kind: "DaemonSet", labels: { app: "agent" }, hostNetwork: true },
    ] },
  ],
  nodes: [
    { name: "control", ips: ["10.0.0.10"], labels: { "kubernetes.io/hostname": "control", role: "control" } },
    { name: "worker", ips: ["10.0.0.11"], labels: { "kubernetes.io/hostname": "worker", role: "worker" } },
  ],
  externals: [{ name: "registry", cidr: "10.0.0.50/32" }],
});

const tiers = `
apiVersion: projectcalico.org/v3
kind: Tier
metadata: { name: security }
spec: { order: 100 }
---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: { name: platform }
spec: { order: 200, defaultAction: Pass }
`;

function verdict(m: Model, from: string, to: string, port: number, protocol = "TCP"): boolean {
  return explain(m, { from, to, port, protocol }).every((r) => r.allowed);
}

describe("Calico tiers", () => {
  it("no policy at all: the namespace profile allows both directions (TD network-policy/get-started/calico-policy: pods without policy are allow-all)", () => {
    const m = modelOf(tiers, inventory);
    const [r] = explain(m, { from: "shop/web", to: "shop/db", port: 5432, protocol: "TCP" });
    expect(r!.allowed).toBe(true);
    expect(r!.egress.decision).toEqual({ by: "profile", profile: "kns.shop", allow: true });
    expect(r!.ingress.decision).toEqual({ by: "profile", profile: "kns.shop", allow: true });
  });

  it("end-of-tier deny: a tier that selects the endpoint but matches nothing denies, later tiers never run (TD tiered-policy.mdx)", () => {
    const m = modelOf(`${tiers}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: security.db-only-from-web }
spec:
  tier: security
  order: 10
  selector: app == "db"
  types: [Ingress]
  ingress:
    - action: Allow
      protocol: TCP
      source: { selector: app == "web" }
      destination: { ports: [5432] }
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: allow-all }
spec:
  selector: all()
  ingress: [{ action: Allow }]
`, inventory);
    expect(verdict(m, "shop/web", "shop/db", 5432)).toBe(true);
    const [r] = explain(m, { from: "other/client", to: "shop/db", port: 5432, protocol: "TCP" });
    expect(r!.allowed).toBe(false);
    expect(r!.ingress.decision).toEqual({ by: "end-of-tier", tier: "security" });
    expect(r!.ingress.steps.some((s) => s.tier === "default")).toBe(false);
  });

  it("Pass skips the rest of the tier and the next tier decides (TD reference/resources/networkpolicy.mdx: Pass)", () => {
    const base = `${tiers}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: security.pass-shop }
spec:
  tier: security
  order: 10
  selector: projectcalico.org/namespace == "shop"
  ingress: [{ action: Pass, source: { namespaceSelector: team == "shop" } }]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: security.deny-rest }
spec:
  tier: security
  order: 20
  selector: projectcalico.org/namespace == "shop"
  ingress: [{ action: Deny }]
`;
    const m = modelOf(base, inventory);
    const [r] = explain(m, { from: "shop/web", to: "shop/db", port: 5432, protocol: "TCP" });
    expect(r!.allowed).toBe(true); // passed, no later tier selects db → profile
    expect(r!.ingress.steps.map((s) => s.action)).toContain("Pass");
    expect(r!.ingress.decision.by).toBe("profile");
    expect(verdict(m, "other/client", "shop/db", 5432)).toBe(false); // Deny in the same tier
  });

  it("defaultAction Pass: a tier that matches nothing hands over to the next tier (TD reference/resources/tier.mdx, Calico 3.30+)", () => {
    const m = modelOf(`${tiers}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: platform.watch-db }
spec:
  tier: platform
  order: 10
  selector: app == "db"
  ingress: [{ action: Deny, source: { selector: app == "client" } }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: web } } }] }]
`, inventory);
    const [r] = explain(m, { from: "shop/web", to: "shop/db", port: 5432, protocol: "TCP" });
    expect(r!.allowed).toBe(true);
    expect(r!.ingress.decision).toMatchObject({ by: "rule", tier: "default", policy: "KubernetesNetworkPolicy/shop/db" });
    expect(r!.ingress.steps.some((s) => s.text.includes("defaultAction Pass"))).toBe(true);
    expect(verdict(m, "other/client", "shop/db", 5432)).toBe(false);
  });

  it("tiers run by order, lowest first, regardless of how they are listed (TD tier.mdx)", () => {
    const m = modelOf(`
apiVersion: projectcalico.org/v3
kind: Tier
metadata: { name: zz-first }
spec: { order: 1 }
---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: { name: aa-second }
spec: { order: 2 }
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: aa-second.allow }
spec: { tier: aa-second, selector: app == "db", ingress: [{ action: Allow }] }
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: zz-first.deny }
spec: { tier: zz-first, selector: app == "db", ingress: [{ action: Deny }] }
`, inventory);
    expect(explain(m, { from: "shop/web", to: "shop/db", port: 1, protocol: "TCP" })[0]!.ingress.decision).toMatchObject({ tier: "zz-first", action: "Deny" });
  });

  it("policy order ties are broken by name; a policy with no order runs last (PC felix/calc/policy_sorter.go PolKVLess)", () => {
    const pol = (name: string, action: string, order?: number): string => `
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: ${name} }
spec: { ${order === undefined ? "" : `order: ${order}, `}selector: app == "db", ingress: [{ action: ${action} }] }`;
    const a = modelOf(pol("a-deny", "Deny", 5) + pol("b-allow", "Allow", 5), inventory);
    expect(verdict(a, "shop/web", "shop/db", 5432)).toBe(false);
    const b = modelOf(pol("a-allow", "Allow", 5) + pol("b-deny", "Deny", 5), inventory);
    expect(verdict(b, "shop/web", "shop/db", 5432)).toBe(true);
    const c = modelOf(pol("a-deny", "Deny") + pol("z-allow", "Allow", 900), inventory);
    expect(verdict(c, "shop/web", "shop/db", 5432)).toBe(true);
  });

  it("order ties go by name, then namespace, then kind; a Kubernetes policy is keyed by its plain name (PC v3.32 felix/calc/policy_sorter.go PolKVLess \"name/namespace/kind\"; k8s/conversion K8sNetworkPolicyToCalico)", () => {
    const calico = (kind: string, name: string, action: string, ns?: string): string => `
---
apiVersion: projectcalico.org/v3
kind: ${kind}
metadata: { name: ${name}${ns === undefined ? "" : `, namespace: ${ns}`} }
spec: { order: 1000, selector: app == "db", ingress: [{ action: ${action} }] }`;
    const knp = (name: string): string => `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: shop }
spec: { podSelector: { matchLabels: { app: db } }, ingress: [{}] }`;
    // Same name: the GlobalNetworkPolicy's empty namespace sorts first ("same//Global..." < "same/shop/...").
    expect(verdict(modelOf(calico("NetworkPolicy", "same", "Allow", "shop") + calico("GlobalNetworkPolicy", "same", "Deny"), inventory), "shop/web", "shop/db", 5432)).toBe(false);
    expect(verdict(modelOf(calico("NetworkPolicy", "same", "Deny", "shop") + calico("GlobalNetworkPolicy", "same", "Allow"), inventory), "shop/web", "shop/db", 5432)).toBe(true);
    // Same name and namespace: kind decides, "KubernetesNetworkPolicy" < "NetworkPolicy".
    expect(verdict(modelOf(knp("same") + calico("NetworkPolicy", "same", "Deny", "shop"), inventory), "shop/web", "shop/db", 5432)).toBe(true);
    // The Kubernetes policy sorts by "allow-web", not "knp.default.allow-web": before "deny-all".
    expect(verdict(modelOf(knp("allow-web") + calico("NetworkPolicy", "deny-all", "Deny", "shop"), inventory), "shop/web", "shop/db", 5432)).toBe(true);
    expect(verdict(modelOf(knp("z-allow") + calico("NetworkPolicy", "deny-all", "Deny", "shop"), inventory), "shop/web", "shop/db", 5432)).toBe(false);
  });

  it("before 3.32 Felix broke order ties by the v1 key name only: <namespace>/<name>, <namespace>/knp.default.<name>, <name> (PC v3.31.7 policy_sorter.go PolKVLess, networkpolicyprocessor.go convertNetworkPolicyV3ToV1Key)", () => {
    const objects = yamlObjects(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: r-deny }
spec: { order: 1000, selector: app == "db", ingress: [{ action: Deny }] }
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: a-allow, namespace: shop }
spec: { order: 1000, selector: app == "db", ingress: [{ action: Allow }] }
`);
    const at = (calicoMinor: "3.31" | "3.32"): Model => buildModel(inventory, readPolicies(sourced(objects)), { calicoMinor });
    // 3.32: "a-allow/shop/NetworkPolicy" < "r-deny//GlobalNetworkPolicy"; 3.31: "r-deny" < "shop/a-allow".
    expect(verdict(at("3.32"), "shop/web", "shop/db", 5432)).toBe(true);
    expect(verdict(at("3.31"), "shop/web", "shop/db", 5432)).toBe(false);
    // A Kubernetes policy kept its knp.default. prefix in the key: "shop/knp.default.allow-web" > "shop/deny-all".
    const k8s = yamlObjects(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-web, namespace: shop }
spec: { podSelector: { matchLabels: { app: db } }, ingress: [{}] }
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: deny-all, namespace: shop }
spec: { order: 1000, selector: app == "db", ingress: [{ action: Deny }] }
`);
    expect(verdict(buildModel(inventory, readPolicies(sourced(k8s)), { calicoMinor: "3.32" }), "shop/web", "shop/db", 5432)).toBe(true);
    expect(verdict(buildModel(inventory, readPolicies(sourced(k8s)), { calicoMinor: "3.31" }), "shop/web", "shop/db", 5432)).toBe(false);
  });

  it("Log records and continues to the next rule (TD networkpolicy.mdx: Log)", () => {
    const m = modelOf(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: log-then-deny }
spec: { selector: app == "db", ingress: [{ action: Log }, { action: Deny, protocol: TCP, destination: { ports: [22] } }, { action: Allow }] }
`, inventory);
    const [r] = explain(m, { from: "shop/web", to: "shop/db", port: 5432, protocol: "TCP" });
    expect(r!.allowed).toBe(true);
    expect(r!.ingress.steps.filter((s) => s.action === "Log")).toHaveLength(1);
    expect(verdict(m, "shop/web", "shop/db", 22)).toBe(false);
  });

  it("a tier applies to an endpoint only through policies that select it and govern the direction (PC felix/rules/endpoints.go: tiers without policy groups are skipped)", () => {
    const m = modelOf(`${tiers}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: security.egress-only }
spec:
  tier: security
  selector: app == "db"
  egress: [{ action: Allow, protocol: UDP, destination: { ports: [53] } }]
`, inventory);
    // types defaults to [Egress] when only egress rules exist (PC api/pkg/defaults defaultPolicyTypesField),
    // so ingress to db is not isolated, but db's other egress hits the end-of-tier deny.
    expect(verdict(m, "shop/web", "shop/db", 5432)).toBe(true);
    expect(verdict(m, "shop/db", "kube-system/coredns", 53, "UDP")).toBe(true);
    expect(verdict(m, "shop/db", "shop/web", 8080)).toBe(false);
  });

  it("a policy with no rules and no types isolates ingress only (PC api/pkg/defaults: no egress rules → [Ingress])", () => {
    const m = modelOf(`
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: isolate, namespace: shop }
spec: { selector: app == "db" }
`, inventory);
    expect(verdict(m, "shop/web", "shop/db", 5432)).toBe(false);
    expect(verdict(m, "shop/db", "shop/web", 8080)).toBe(true);
  });

  it("staged policies are not enforced; the staged view applies them: Set replaces the namesake, Delete removes it (TD staged-network-policies.mdx)", () => {
    const text = `
apiVersion: projectcalico.org/v3
kind: StagedGlobalNetworkPolicy
metadata: { name: deny-db }
spec: { selector: app == "db", ingress: [{ action: Deny }] }
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: deny-web }
spec: { selector: app == "web", ingress: [{ action: Deny }] }
---
apiVersion: projectcalico.org/v3
kind: StagedGlobalNetworkPolicy
metadata: { name: deny-web }
spec: { stagedAction: Delete, selector: app == "web" }
`;
    const enforced = modelOf(text, inventory);
    expect(verdict(enforced, "shop/web", "shop/db", 5432)).toBe(true);
    expect(verdict(enforced, "shop/db", "shop/web", 8080)).toBe(false);
    const staged = modelOf(text, inventory, "staged");
    expect(verdict(staged, "shop/web", "shop/db", 5432)).toBe(false);
    expect(verdict(staged, "shop/db", "shop/web", 8080)).toBe(true);
    // Learn and Ignore are recommendation states, not changes to promote: the would-be view keeps the
    // enforced policies (docs/analysis.md, Staged policies).
    for (const action of ["Learn", "Ignore"]) {
      const m = modelOf(text.replace("spec: { selector: app == \"db\"", `spec: { stagedAction: ${action}, selector: app == "db"`), inventory, "staged");
      expect(verdict(m, "shop/web", "shop/db", 5432), action).toBe(true);
    }
  });

  it("Kubernetes NetworkPolicy runs in the default tier at order 1000, before a Calico policy of order 2000 (PC libcalico-go k8s conversion, model/policy.go)", () => {
    const m = modelOf(`
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: deny-late, namespace: shop }
spec: { order: 2000, selector: app == "db", ingress: [{ action: Deny }] }
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: deny-early, namespace: shop }
spec: { order: 500, selector: app == "db", ingress: [{ action: Deny, source: { selector: app == "client", namespaceSelector: all() } }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-all, namespace: shop }
spec: { podSelector: {}, ingress: [{}] }
`, inventory);
    expect(explain(m, { from: "shop/web", to: "shop/db", port: 1, protocol: "TCP" })[0]!.ingress.decision).toMatchObject({ policy: "KubernetesNetworkPolicy/shop/allow-all" });
    expect(explain(m, { from: "other/client", to: "shop/db", port: 1, protocol: "TCP" })[0]!.ingress.decision).toMatchObject({ policy: "NetworkPolicy/shop/deny-early" });
  });

  it("a namespaced policy's rule selector only sees its own namespace; namespaceSelector widens it (PC updateprocessors/rules.go getEndpointSelector)", () => {
    const m = modelOf(`
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: from-clients, namespace: shop }
spec:
  selector: app == "db"
  ingress:
    - { action: Allow, source: { selector: has(app) } }
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: from-other, namespace: shop }
spec:
  selector: app == "web"
  ingress:
    - { action: Allow, source: { selector: has(app), namespaceSelector: projectcalico.org/name == "other" } }
`, inventory);
    expect(verdict(m, "shop/web", "shop/db", 5432)).toBe(true);
    expect(verdict(m, "other/client", "shop/db", 5432)).toBe(false);
    expect(verdict(m, "other/client", "shop/web", 8080)).toBe(true);
    expect(verdict(m, "shop/db", "shop/web", 8080)).toBe(false);
  });

  it("notSelector in a namespaced policy is limited to the policy's namespace (PC getEndpointSelector: the namespace is added when NotSelector is used)", () => {
    const m = modelOf(`
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: not-client, namespace: shop }
spec:
  selector: app == "db"
  ingress: [{ action: Allow, source: { notSelector: app == "web" } }]
`, inventory);
    expect(verdict(m, "shop/web", "shop/db", 5432)).toBe(false);
    expect(verdict(m, "other/client", "shop/db", 5432)).toBe(false); // other namespace: not in scope
  });

  it("a global notSelector matches traffic from outside the cluster; a selector never does unless a network set holds the address (PC getEndpointSelector adds no namespace for a global policy)", () => {
    const rule = (side: string): string => `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: db-in }
spec:
  selector: app == "db"
  ingress: [{ action: Allow, source: { ${side} } }]
`;
    const notWeb = modelOf(rule('notSelector: app == "web"'), inventory);
    expect(verdict(notWeb, "net:198.51.100.9", "shop/db", 5432)).toBe(true); // no labels: not excluded
    expect(verdict(notWeb, "other/client", "shop/db", 5432)).toBe(true);
    expect(verdict(notWeb, "shop/web", "shop/db", 5432)).toBe(false);
    const all = modelOf(rule("selector: all()"), inventory);
    expect(verdict(all, "other/client", "shop/db", 5432)).toBe(true);
    expect(verdict(all, "net:198.51.100.9", "shop/db", 5432)).toBe(false); // all() means known endpoints only
    // The same notSelector in a namespaced policy carries the namespace: external traffic is not matched.
    const scoped = modelOf(rule('notSelector: app == "web"').replace("GlobalNetworkPolicy", "NetworkPolicy").replace("name: db-in }", "name: db-in, namespace: shop }"), inventory);
    expect(verdict(scoped, "net:198.51.100.9", "shop/db", 5432)).toBe(false);
  });

  it("the labels Calico's conversion sets win over the object's own: a pod or network set cannot claim another namespace (PC k8s/conversion/workload_endpoint_default.go, updateprocessors/networksetprocessor.go)", () => {
    const spoof = parseInventory({
      namespaces: [
        { name: "shop", workloads: [{ name: "db", labels: { app: "db" } }] },
        { name: "other", workloads: [{ name: "spy", labels: { app: "spy", "projectcalico.org/namespace": "shop" }, serviceAccount: "s".repeat(63) }] },
      ],
    });
    const m = modelOf(`
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec:
  selector: app == "db"
  ingress: [{ action: Allow, source: { selector: all() } }]
---
apiVersion: projectcalico.org/v3
kind: NetworkSet
metadata: { name: spy-net, namespace: other, labels: { projectcalico.org/namespace: shop } }
spec: { nets: [198.51.100.0/24] }
`, spoof);
    expect(verdict(m, "other/spy", "shop/db", 5432)).toBe(false);
    expect(verdict(m, "net:198.51.100.1", "shop/db", 5432)).toBe(false);
    // A service account name of 63 characters or more gets no projectcalico.org/serviceaccount label.
    expect(m.byRef.get("other/spy")![0]!.labels["projectcalico.org/serviceaccount"]).toBeUndefined();
  });

  it("serviceAccounts names and selectors match the pod's service account (TD networkpolicy.mdx ServiceAccountMatch)", () => {
    const m = modelOf(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: db-by-sa }
spec:
  selector: app == "db"
  ingress: [{ action: Allow, source: { serviceAccounts: { names: [web-sa] } } }]
`, inventory);
    expect(verdict(m, "shop/web", "shop/db", 5432)).toBe(true);
    expect(verdict(m, "other/client", "shop/db", 5432)).toBe(false);
  });

  it("named ports resolve at the destination, with the protocol (TD networkpolicy.mdx Ports: named ports)", () => {
    const m = modelOf(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: web-egress }
spec:
  selector: app == "web"
  egress:
    - { action: Allow, protocol: TCP, destination: { ports: [pg] } }
`, inventory);
    expect(verdict(m, "shop/web", "shop/db", 5432)).toBe(true);
    expect(verdict(m, "shop/web", "shop/db", 5433)).toBe(false);
    expect(verdict(m, "shop/web", "other/client", 5432)).toBe(false); // client has no port named pg
  });

  it("ICMP type and code, notProtocol (TD _rule.mdx)", () => {
    const m = modelOf(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: ping }
spec:
  selector: app == "db"
  ingress:
    - { action: Allow, protocol: ICMP, icmp: { type: 8 } }
    - { action: Allow, notProtocol: TCP }
`, inventory);
    const icmp = (type: number, code: number): boolean => verdict(m, "shop/web", "shop/db", (type << 8) | code, "ICMP");
    expect(icmp(8, 0)).toBe(true);
    const onlyPing = modelOf(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: ping }
spec: { selector: app == "db", ingress: [{ action: Allow, protocol: ICMP, icmp: { type: 8, code: 0 } }] }
`, inventory);
    expect(verdict(onlyPing, "shop/web", "shop/db", 0, "ICMP")).toBe(false); // echo reply
    expect(verdict(onlyPing, "shop/web", "shop/db", (8 << 8) | 1, "ICMP")).toBe(false); // another code
    // No type given means ping (echo request).
    expect(explain(onlyPing, { from: "shop/web", to: "shop/db", protocol: "ICMP" })[0]!.allowed).toBe(true);
    expect(verdict(m, "shop/web", "shop/db", 53, "UDP")).toBe(true);
    expect(verdict(m, "shop/web", "shop/db", 5432, "TCP")).toBe(false);
    // A code without a type is rejected by Calico (PC libcalico-go/lib/validator/v3/validator.go
    // "ICMP code specified without an ICMP type"): the policy is reported, not read as "any type".
    const codeOnly = readPolicies(sourced(yamlObjects(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: code-only }
spec: { selector: app == "db", ingress: [{ action: Allow, protocol: ICMP, icmp: { code: 4 } }] }
`)));
    expect(codeOnly.policies).toEqual([]);
    expect(codeOnly.rejected).toMatchObject([{ path: "spec.ingress[0].icmp.code", value: 4, message: "an ICMP code needs a type", object: "GlobalNetworkPolicy/code-only" }]);
    // Ports need TCP, UDP or SCTP (Calico Protocol.SupportsPorts): UDPLite connections have ports, but a
    // rule cannot give them, so the policy is reported rather than read as "UDPLite port 5000".
    const udpLite = readPolicies(sourced(yamlObjects(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: udplite-ports }
spec: { selector: app == "db", ingress: [{ action: Allow, protocol: UDPLite, destination: { ports: [5000] } }] }
`)));
    expect(udpLite.policies).toEqual([]);
    expect(udpLite.rejected).toMatchObject([
      { path: "spec.ingress[0].destination.ports", message: "rules that specify ports must set protocol to TCP or UDP or SCTP", object: "GlobalNetworkPolicy/udplite-ports" },
    ]);
  });

  it("GlobalNetworkSet peers: a selector matching the set's labels matches its addresses (TD reference/resources/globalnetworkset.mdx)", () => {
    const m = modelOf(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata: { name: registry, labels: { role: registry } }
spec: { nets: [10.0.0.48/29] }
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: web-egress }
spec:
  selector: app == "web"
  egress: [{ action: Allow, protocol: TCP, destination: { selector: role == "registry", ports: [5000] } }]
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: db-egress, namespace: shop }
spec:
  selector: app == "db"
  egress:
    - { action: Allow, protocol: TCP, destination: { selector: role == "registry" } }
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: client-egress, namespace: other }
spec:
  selector: app == "client"
  egress:
    - { action: Allow, protocol: TCP, destination: { selector: role == "registry", namespaceSelector: global() } }
`, inventory);
    expect(verdict(m, "shop/web", "net:10.0.0.50", 5000)).toBe(true);
    expect(verdict(m, "shop/web", "net:10.0.0.60", 5000)).toBe(false);
    // A namespaced policy's selector is scoped to its namespace: a global set is outside it...
    expect(verdict(m, "shop/db", "net:10.0.0.50", 5000)).toBe(false);
    // ...unless namespaceSelector: global() selects non-namespaced entities (PC rules.go).
    expect(verdict(m, "other/client", "net:10.0.0.50", 5000)).toBe(true);
  });

  it("a namespaced NetworkSet is seen by its namespace's policies and by namespaceSelector, not by other namespaces' (TD reference/resources/networkset.mdx)", () => {
    const m = modelOf(`
apiVersion: projectcalico.org/v3
kind: NetworkSet
metadata: { name: partners, namespace: shop, labels: { role: partner } }
spec: { nets: [198.51.100.0/24] }
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: web-egress, namespace: shop }
spec: { selector: app == "web", types: [Egress], egress: [{ action: Allow, destination: { selector: role == "partner" } }] }
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: client-egress, namespace: other }
spec:
  selector: app == "client"
  types: [Egress]
  egress:
    - { action: Allow, protocol: TCP, destination: { selector: role == "partner", ports: [443] } }
    - { action: Allow, protocol: UDP, destination: { selector: role == "partner", namespaceSelector: team == "shop" } }
`, inventory);
    expect(verdict(m, "shop/web", "net:198.51.100.7", 443)).toBe(true);
    expect(verdict(m, "other/client", "net:198.51.100.7", 443)).toBe(false);
    expect(verdict(m, "other/client", "net:198.51.100.7", 53, "UDP")).toBe(true);
  });

  it("a StagedKubernetesNetworkPolicy replaces its Kubernetes namesake only in the staged view", () => {
    const text = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec: { podSelector: { matchLabels: { app: db } }, ingress: [{}] }
---
apiVersion: projectcalico.org/v3
kind: StagedKubernetesNetworkPolicy
metadata: { name: db, namespace: shop }
spec: { podSelector: { matchLabels: { app: db } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: web } } }] }] }
`;
    expect(verdict(modelOf(text, inventory), "other/client", "shop/db", 5432)).toBe(true);
    expect(verdict(modelOf(text, inventory, "staged"), "other/client", "shop/db", 5432)).toBe(false);
    expect(verdict(modelOf(text, inventory, "staged"), "shop/web", "shop/db", 5432)).toBe(true);
  });

  it("with pod networks declared, an address-less pod matches nets only when they hold every pod address", () => {
    const inv = { ...inventory, podNetworks: ["172.16.0.0/16"] };
    const m = modelOf(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: egress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Egress]
  egress:
    - { to: [{ ipBlock: { cidr: 0.0.0.0/0, except: [10.1.0.0/16] } }], ports: [{ port: 5432 }] }
    - { to: [{ ipBlock: { cidr: 172.16.0.0/24 } }], ports: [{ port: 8080 }] }
`, inv);
    expect(verdict(m, "shop/web", "shop/db", 5432)).toBe(true); // every pod address is in 0.0.0.0/0 minus the except
    expect(verdict(m, "shop/web", "shop/db", 8080)).toBe(false); // the pod may be outside 172.16.0.0/24
    expect(verdict(modelOf("", inventory), "shop/web", "shop/db", 5432)).toBe(true);
  });

  it("ipBlock except becomes notNets (PC k8s conversion k8sPeerToCalicoFields)", () => {
    const m = modelOf(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: egress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Egress]
  egress: [{ to: [{ ipBlock: { cidr: 10.0.0.0/8, except: [10.1.0.0/16] } }] }]
`, inventory);
    expect(verdict(m, "shop/web", "net:10.2.3.4", 443)).toBe(true);
    expect(verdict(m, "shop/web", "net:10.1.3.4", 443)).toBe(false);
    expect(verdict(m, "shop/web", "shop/db", 5432)).toBe(false); // pods have no known address
  });
});

describe("objects the engine cannot decide", () => {
  it("an HTTP-match rule is left out and reported; the rest of its policy still applies", () => {
    const objects = yamlObjects(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: db-http }
spec:
  selector: app == "db"
  ingress:
    - { action: Allow, http: { methods: [GET] } }
    - { action: Allow, protocol: TCP, destination: { ports: [5432] } }
`).map((object) => ({ object, file: "db.yaml" }));
    const pm = readPolicies(objects);
    expect(pm.problems).toEqual([
      expect.objectContaining({ path: "spec.ingress[0].http", object: "GlobalNetworkPolicy/db-http", file: "db.yaml" }),
    ]);
    const m = buildModel(inventory, pm);
    expect(verdict(m, "shop/web", "shop/db", 5432)).toBe(true);
    const [r] = explain(m, { from: "shop/web", to: "shop/db", port: 80, protocol: "TCP" });
    expect(r!.allowed).toBe(false); // the policy still selects db: end of tier
    expect(r!.ingress.decision).toEqual({ by: "end-of-tier", tier: "default" });
    expect(r!.ingress.steps.find((s) => s.policy === "GlobalNetworkPolicy/db-http")?.text).toContain("no ingress rule matched");
  });
});

describe("objects outside the model are reported, not silently dropped", () => {
  it("AdminNetworkPolicy/ClusterNetworkPolicy, Profile objects and host endpoint profiles other than projectcalico-default-allow", () => {
    const pm = readPolicies(sourced(yamlObjects(`
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: { name: cluster-guard }
spec: { priority: 10, subject: { namespaces: {} }, ingress: [] }
---
apiVersion: projectcalico.org/v3
kind: Profile
metadata: { name: hosts }
spec: { ingress: [{ action: Allow }] }
---
apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata: { name: worker-eth0 }
spec: { node: worker, interfaceName: eth0, expectedIPs: [10.0.0.11], profiles: [hosts, projectcalico-default-allow] }
`), "x.yaml"));
    expect(pm.rejected).toEqual([]);
    expect(pm.problems.map((p) => `${p.object} ${p.path}`)).toEqual(["AdminNetworkPolicy/cluster-guard kind", "Profile/hosts kind", "HostEndpoint/worker-eth0 spec.profiles[0]"]);
    expect(pm.problems.every((p) => p.file === "x.yaml" && p.hint.length > 0)).toBe(true);
    expect(pm.hostEndpoints[0]!.profiles).toContain("projectcalico-default-allow");
  });
});

describe("rules matching Services", () => {
  it("destination.services matches the Service's pods on its target ports; source.services its pods (TD network-policy/policy-rules/service-policy)", () => {
    const m = modelOf(`
apiVersion: v1
kind: Service
metadata: { name: db, namespace: shop }
spec: { selector: { app: db }, ports: [{ port: 80, targetPort: pg, protocol: TCP }] }
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: web-to-db-service }
spec:
  selector: app == "web"
  types: [Egress]
  egress: [{ action: Allow, destination: { services: { name: db, namespace: shop } } }]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: db-from-service-clients }
spec:
  selector: app == "client"
  ingress: [{ action: Allow, source: { services: { name: db, namespace: shop } } }]
`, inventory);
    expect(verdict(m, "shop/web", "shop/db", 5432)).toBe(true); // target port "pg" resolved on the pod
    expect(verdict(m, "shop/web", "shop/db", 80)).toBe(false); // the Service port is not what the pod sees
    expect(verdict(m, "shop/web", "other/client", 5432)).toBe(false);
    expect(verdict(m, "shop/db", "other/client", 9999)).toBe(true);
    expect(verdict(m, "shop/web", "other/client", 9999)).toBe(false);
  });

  it("default/kubernetes without a Service object is the control-plane nodes on TCP 6443; an unknown Service matches nothing", () => {
    const inv = parseInventory({
      namespaces: [{ name: "shop", workloads: [{ name: "web", labels: { app: "web" } }] }],
      nodes: [{ name: "control", ips: ["10.0.0.10"], labels: { "node-role.kubernetes.io/control-plane": "true" } }, { name: "worker", ips: ["10.0.0.11"] }],
    });
    const m = modelOf(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: api }
spec:
  selector: app == "web"
  types: [Egress]
  egress:
    - { action: Allow, destination: { services: { name: kubernetes, namespace: default } } }
    - { action: Allow, destination: { services: { name: nope, namespace: default } } }
`, inv);
    expect(verdict(m, "shop/web", "host:control", 6443)).toBe(true);
    expect(verdict(m, "shop/web", "net:10.0.0.10", 6443)).toBe(true);
    expect(verdict(m, "shop/web", "host:worker", 6443)).toBe(false);
    expect(verdict(m, "shop/web", "host:control", 443)).toBe(false);
  });
});

describe("host endpoints", () => {
  const hep = `
apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata: { name: worker-eth0, labels: { role: worker } }
spec: { node: worker, interfaceName: "*", expectedIPs: [10.0.0.11] }
`;

  // PC libcalico-go/lib/backend/syncersv1/updateprocessors/globalnetworkpolicyprocessor.go
  // (ConvertGlobalNetworkPolicyV3ToV1Value, identical in v3.29-v3.32): the namespaceSelector is prefixed with
  // pcns. and appended as "(<selector>) && <prefixed>", then every literal all() in the result becomes
  // has(projectcalico.org/namespace). Host endpoints have no pcns.* labels, so "name not in {...}" is true for them.
  const denyApp = (selectorLine: string): string => `${hep}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: deny-app-policy }
spec:
  ${selectorLine}
  namespaceSelector: kubernetes.io/metadata.name not in {"kube-system", "calico-system"}
  types: [Ingress, Egress]
  egress: [{ action: Allow, protocol: UDP, destination: { ports: [53] } }]
`;

  it("a GlobalNetworkPolicy with selector all() and a namespaceSelector never selects host endpoints (all() becomes has(projectcalico.org/namespace))", () => {
    const m = modelOf(denyApp("selector: all()"), inventory);
    // The HEP has no policy of its own now, so it denies by default except failsafes; what matters is which
    // policy decided: not deny-app-policy.
    const [r] = explain(m, { from: "host:worker", to: "net:192.0.2.1", port: 443, protocol: "TCP" });
    expect(JSON.stringify(r!.egress)).not.toContain("deny-app-policy");
    expect(verdict(m, "shop/web", "net:192.0.2.1", 443)).toBe(false);
  });

  it("the Calico docs' deny-app-policy (no selector) DOES select host endpoints: an omitted selector is not all(), so nothing is rewritten", () => {
    const m = modelOf(denyApp("order: 1000"), inventory);
    const [r] = explain(m, { from: "host:worker", to: "net:192.0.2.1", port: 443, protocol: "TCP" });
    expect(JSON.stringify(r!.egress)).toContain("deny-app-policy");
    expect(r!.allowed).toBe(false);
    expect(verdict(m, "host:worker", "net:192.0.2.1", 53, "UDP")).toBe(true);
  });

  it("a GlobalNetworkPolicy serviceAccountSelector likewise turns all() into has(projectcalico.org/serviceaccount); host endpoints have none", () => {
    const m = modelOf(`${hep}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: sa-scoped }
spec:
  selector: all()
  serviceAccountSelector: all()
  types: [Egress]
`, inventory);
    const [hostFlow] = explain(m, { from: "host:worker", to: "net:192.0.2.1", port: 443, protocol: "TCP" });
    expect(JSON.stringify(hostFlow!.egress)).not.toContain("sa-scoped");
    const [podFlow] = explain(m, { from: "shop/web", to: "net:192.0.2.1", port: 443, protocol: "TCP" });
    expect(JSON.stringify(podFlow!.egress)).toContain("sa-scoped");
    expect(podFlow!.allowed).toBe(false);
  });

  it("a node without a host endpoint is not policed", () => {
    const m = modelOf("", inventory);
    expect(explain(m, { from: "net:192.0.2.1", to: "host:worker", port: 80, protocol: "TCP" })[0]!.ingress.decision).toEqual({ by: "not-policed", reason: "node worker has no host endpoint" });
  });

  it("a host endpoint with no policy and no profile denies, except failsafe ports (TD hosts/host-endpoints; Felix failsafeInboundHostPorts)", () => {
    const m = modelOf(hep, inventory);
    expect(verdict(m, "net:192.0.2.1", "host:worker", 80)).toBe(false);
    const [r] = explain(m, { from: "net:192.0.2.1", to: "host:worker", port: 22, protocol: "TCP" });
    expect(r!.allowed).toBe(true);
    expect(r!.ingress.decision).toEqual({ by: "failsafe", port: "TCP 22" });
    expect(verdict(m, "host:worker", "net:192.0.2.1", 53, "UDP")).toBe(true); // outbound failsafe
    expect(verdict(m, "host:worker", "net:192.0.2.1", 443)).toBe(false);
  });

  it("a failsafe entry with net applies only to that remote range: source inbound, destination outbound (PC felix/rules/static.go failsafeInChain/failsafeOutChain; TD reference/resources/felixconfig.mdx ProtoPort net)", () => {
    const m = modelOf(`${hep}
---
apiVersion: projectcalico.org/v3
kind: FelixConfiguration
metadata: { name: default }
spec:
  failsafeInboundHostPorts: [{ protocol: TCP, port: 22, net: 192.0.2.0/24 }, { protocol: TCP, port: 6443 }]
  failsafeOutboundHostPorts: [{ protocol: UDP, port: 53, net: 10.96.0.10/32 }]
`, inventory);
    const [admin] = explain(m, { from: "net:192.0.2.7", to: "host:worker", port: 22, protocol: "TCP" });
    expect(admin!.ingress.decision).toEqual({ by: "failsafe", port: "TCP 22 (192.0.2.0/24)" });
    expect(verdict(m, "net:198.51.100.7", "host:worker", 22)).toBe(false); // outside the net: policy (none: deny)
    expect(verdict(m, "net:198.51.100.7", "host:worker", 6443)).toBe(true); // no net: everyone
    expect(verdict(m, "host:worker", "net:10.96.0.10", 53, "UDP")).toBe(true);
    expect(verdict(m, "host:worker", "net:8.8.8.8", 53, "UDP")).toBe(false); // the default outbound 53 is replaced
  });

  it("automatic host endpoints carry projectcalico-default-allow: allowed until a policy selects them (TD reference/host-endpoints/overview, automatic host endpoints)", () => {
    const m = modelOf(`
apiVersion: projectcalico.org/v3
kind: KubeControllersConfiguration
metadata: { name: default }
spec: { controllers: { node: { hostEndpoint: { autoCreate: Enabled } } } }
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: control-ingress }
spec:
  selector: role == "control"
  ingress: [{ action: Allow, protocol: TCP, destination: { ports: [10250] } }]
`, inventory);
    expect(verdict(m, "net:192.0.2.1", "host:worker", 80)).toBe(true);
    expect(verdict(m, "net:192.0.2.1", "host:control", 10250)).toBe(true);
    expect(verdict(m, "net:192.0.2.1", "host:control", 80)).toBe(false); // end of tier default
    expect(verdict(m, "net:192.0.2.1", "host:control", 6443)).toBe(true); // failsafe
    // kube-controllers labels them (PC kube-controllers/pkg/controllers/node/hostendpoints.go).
    expect(m.byRef.get("host:worker")![0]!.labels).toMatchObject({ role: "worker", "projectcalico.org/created-by": "calico-kube-controllers" });
  });

  it("host-networked pods are their node; host to a pod on the same node is always allowed (TD reference/host-endpoints/overview: host to local pod traffic is always allowed)", () => {
    const inv = parseInventory({
      namespaces: [{ name: "shop", workloads: [{ name: "db", labels: { app: "db" }, node: "worker" }] }],
      nodes: [{ name: "worker", ips: ["10.0.0.11"] }, { name: "control", ips: ["10.0.0.10"] }],
    });
    const m = modelOf(`${hep}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: isolate-db }
spec: { selector: app == "db", types: [Ingress, Egress] }
`, inv);
    // Neither the host endpoint's egress nor the pod's ingress policy runs (PC felix/rules/static.go
    // filterOutputChain: "we don't currently police host -> endpoint"), although the HEP has no
    // profile and db is isolated.
    const [local] = explain(m, { from: "host:worker", to: "shop/db", port: 5432, protocol: "TCP" });
    expect(local!.egress.decision).toEqual({ by: "not-policed", reason: "host to local pod is always allowed" });
    expect(local!.ingress.decision).toEqual({ by: "not-policed", reason: "host to local pod is always allowed" });
    expect(local!.allowed).toBe(true);
    expect(verdict(m, "host:control", "shop/db", 5432)).toBe(false);
  });

  it("pod to its own node is accepted after the pod's egress policy (operator sets DefaultEndpointToHostAction ACCEPT)", () => {
    const inv = parseInventory({
      namespaces: [{ name: "shop", workloads: [{ name: "db", labels: { app: "db" }, node: "worker" }] }],
      nodes: [{ name: "worker", ips: ["10.0.0.11"] }, { name: "control", ips: ["10.0.0.10"] }],
    });
    const m = modelOf(`${hep}
---
apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata: { name: control-eth0, labels: { role: control } }
spec: { node: control, interfaceName: "*", expectedIPs: [10.0.0.10] }
`, inv);
    expect(verdict(m, "shop/db", "host:worker", 9100)).toBe(true);
    expect(verdict(m, "shop/db", "host:control", 9100)).toBe(false);
  });

  it("FelixConfiguration defaultEndpointToHostAction Drop blocks pods from their own node, host endpoint or not (Felix filterWorkloadToHostChain)", () => {
    const inv = parseInventory({
      namespaces: [{ name: "shop", workloads: [{ name: "db", labels: { app: "db" }, node: "worker" }] }],
      nodes: [{ name: "worker", ips: ["10.0.0.11"] }],
    });
    const m = modelOf(`
apiVersion: projectcalico.org/v3
kind: FelixConfiguration
metadata: { name: default }
spec: { defaultEndpointToHostAction: Drop }
`, inv);
    const [r] = explain(m, { from: "shop/db", to: "host:worker", port: 10250, protocol: "TCP" });
    expect(r!.allowed).toBe(false);
    expect(r!.ingress.decision).toEqual({ by: "profile", profile: "DefaultEndpointToHostAction DROP", allow: false });
    expect(verdict(m, "host:worker", "shop/db", 5432)).toBe(true);
  });

  it("doNotTrack Allow accepts before normal policy; preDNAT Deny drops and preDNAT Allow accepts before normal policy (PC felix/rules/static.go filterInputChain: acceptAlreadyAccepted)", () => {
    const m = modelOf(`${hep}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: untracked-allow }
spec:
  selector: role == "worker"
  doNotTrack: true
  applyOnForward: true
  ingress: [{ action: Allow, protocol: UDP, destination: { ports: [4789] } }]
  egress: [{ action: Allow, protocol: UDP, destination: { ports: [4789] } }]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: prednat-deny }
spec:
  selector: role == "worker"
  preDNAT: true
  applyOnForward: true
  ingress:
    - { action: Deny, protocol: TCP, destination: { ports: [30080] } }
    - { action: Allow, protocol: UDP, destination: { ports: [5353] } }
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: normal }
spec:
  selector: role == "worker"
  ingress: [{ action: Deny, protocol: UDP }, { action: Allow }]
`, inventory);
    expect(verdict(m, "net:192.0.2.1", "host:worker", 4789, "UDP")).toBe(true);
    expect(verdict(m, "net:192.0.2.1", "host:worker", 4790, "UDP")).toBe(false);
    expect(verdict(m, "net:192.0.2.1", "host:worker", 30080)).toBe(false);
    expect(verdict(m, "net:192.0.2.1", "host:worker", 30081)).toBe(true);
    // normal policy would deny UDP, but the pre-DNAT Allow already accepted it
    expect(verdict(m, "net:192.0.2.1", "host:worker", 5353, "UDP")).toBe(true);
  });

  it("a rule selector matches a host only through a host endpoint with expectedIPs (PC felix/labelindex/named_port_index.go extractCIDRsFromHostEndpoint; TD reference/resources/hostendpoint.mdx expectedIPs)", () => {
    // Felix turns a rule selector into an IP set of the matching endpoints' addresses; a host endpoint
    // contributes only its expectedIPs, and a node without a host endpoint is no Calico endpoint at all.
    const toWorker = (extra: string): Model => modelOf(`${extra}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: web-to-kubelet }
spec:
  selector: app == "web"
  types: [Egress]
  egress: [{ action: Allow, protocol: TCP, destination: { selector: role == "worker", ports: [10250] } }]
`, inventory);
    const egress = (m: Model): boolean => explain(m, { from: "shop/web", to: "host:worker", port: 10250, protocol: "TCP" })[0]!.egress.allowed;
    expect(egress(toWorker(""))).toBe(false); // no host endpoint: the selector's IP set is empty
    expect(egress(toWorker(hep))).toBe(true); // expectedIPs [10.0.0.11]
    expect(egress(toWorker(hep.replace("expectedIPs: [10.0.0.11]", "expectedIPs: []")))).toBe(false);
    // Automatic host endpoints list the node's addresses.
    expect(egress(toWorker(`
apiVersion: projectcalico.org/v3
kind: KubeControllersConfiguration
metadata: { name: default }
spec: { controllers: { node: { hostEndpoint: { autoCreate: Enabled } } } }
`))).toBe(true);
    // nets still match the node's address, host endpoint or not.
    const byNets = modelOf(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: web-to-kubelet }
spec:
  selector: app == "web"
  types: [Egress]
  egress: [{ action: Allow, protocol: TCP, destination: { nets: [10.0.0.11/32], ports: [10250] } }]
`, inventory);
    expect(egress(byNets)).toBe(true);
  });

  it("a host-networked workload reference resolves to every node it may run on", () => {
    const m = modelOf("", inventory);
    expect(explain(m, { from: "kube-system/node-agent", to: "shop/db", port: 1, protocol: "TCP" }).map((r) => r.src)).toEqual(["host:control", "host:worker"]);
  });
});
