import { App, Chart } from "cdk8s";
import { describe, expect, it } from "vitest";
import { GlobalNetworkPolicy } from "../../components/global-network-policy.js";
import { GlobalNetworkSet } from "../../components/global-network-set.js";
import { NetworkPolicy } from "../../components/network-policy.js";
import { NetworkSet } from "../../components/network-set.js";
import { Peer } from "../../components/peer.js";
import { Port } from "../../components/port.js";
import { makeRules } from "../../components/rule.js";
import { supportsTierDefaultAction, Tier } from "../../components/tier.js";
import { sel } from "../../src/model/selector/index.js";
import { fixture, userErrorOf, type Obj } from "./helpers.js";

function tierObjects(props: ConstructorParameters<typeof Tier>[2]): Obj[] {
  const chart = new Chart(new App(), "c", { disableResourceNameHashes: true });
  new Tier(chart, "t", props);
  return chart.toJson() as Obj[];
}

describe("Tier", () => {
  it("writes order and defaultAction", () => {
    expect(tierObjects({ name: "security", order: 200, defaultAction: "Pass" })).toEqual([
      { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "security" }, spec: { order: 200, defaultAction: "Pass" } },
    ]);
  });
  it("defaults to Deny, Calico's own default", () => {
    expect(tierObjects({ name: "app", order: 400 })[0]).toMatchObject({ spec: { defaultAction: "Deny" } });
  });
  it("rejects the orders of calico-system (100) and kube-admin (1000)", () => {
    expect(userErrorOf(() => tierObjects({ name: "a", order: 100 }))).toMatch(/order: tier order is taken by calico-system/);
    expect(userErrorOf(() => tierObjects({ name: "a", order: 1000 }))).toMatch(/taken by kube-admin/);
  });
  it("rejects orders at or after the default tier", () => {
    expect(userErrorOf(() => tierObjects({ name: "a", order: 1_000_000 }))).toMatch(/below the default tier \(1000000\)/);
  });
  it("rejects reserved and dotted names, reporting every problem", () => {
    expect(userErrorOf(() => tierObjects({ name: "default", order: 200 }))).toMatch(/reserved/);
    const msg = userErrorOf(() => tierObjects({ name: "a.b", order: 100 }));
    expect(msg).toMatch(/2 problems/);
    expect(msg).toMatch(/no dots/);
  });
  it("supports defaultAction from Calico 3.30", () => {
    expect(supportsTierDefaultAction("3.29")).toBe(false);
    expect(supportsTierDefaultAction("3.30")).toBe(true);
    expect(supportsTierDefaultAction("v3.32.1")).toBe(true);
  });
  it("before 3.30 writes a Pass tier as a tier plus a final Pass policy", () => {
    const objs = tierObjects({ name: "security", order: 200, defaultAction: "Pass", calicoVersion: "3.29" });
    expect(objs[0]).toEqual({ apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "security" }, spec: { order: 200 } });
    expect(objs[1]).toMatchObject({
      kind: "GlobalNetworkPolicy",
      metadata: { name: "security.pass-remaining" },
      spec: { tier: "security", selector: "all()", ingress: [{ action: "Pass" }], egress: [{ action: "Pass" }] },
    });
  });
});

describe("GlobalNetworkPolicy and NetworkPolicy", () => {
  it("are named <tier>.<name>, set spec.tier and write types from the directions they govern", () => {
    const f = fixture();
    new GlobalNetworkPolicy(f.chart, "p", {
      tier: f.tier,
      name: "p",
      order: 10,
      selector: sel.has("kubernetes.io/os"),
      egress: makeRules("egress", "Allow", Peer.nets("10.0.0.0/8")),
    });
    expect(f.byName("t.p")).toEqual({
      apiVersion: "projectcalico.org/v3",
      kind: "GlobalNetworkPolicy",
      metadata: { name: "t.p" },
      spec: {
        tier: "t",
        order: 10,
        selector: "has(kubernetes.io/os)",
        types: ["Egress"],
        egress: [{ action: "Allow", destination: { nets: ["10.0.0.0/8"] } }],
      },
    });
  });
  it("govern a direction with no rules when given [] (the tier's default action applies)", () => {
    const f = fixture();
    new NetworkPolicy(f.chart, "p", { tier: f.tier, name: "lock", namespace: "fme", ingress: [], egress: [] });
    expect(f.byName("t.lock")).toMatchObject({
      kind: "NetworkPolicy",
      metadata: { namespace: "fme" },
      spec: { selector: "all()", types: ["Ingress", "Egress"], ingress: [], egress: [] },
    });
  });
  it("become Staged kinds when the tier is staged, or when the policy says so", () => {
    const f = fixture({ mode: "stage" });
    new GlobalNetworkPolicy(f.chart, "g", { tier: f.tier, name: "g", ingress: [] });
    new NetworkPolicy(f.chart, "n", { tier: f.tier, name: "n", namespace: "a", ingress: [] });
    new NetworkPolicy(f.chart, "e", { tier: f.tier, name: "e", namespace: "a", ingress: [], mode: "enforce" });
    expect(f.byName("t.g")["kind"]).toBe("StagedGlobalNetworkPolicy");
    expect(f.byName("t.n")["kind"]).toBe("StagedNetworkPolicy");
    expect(f.byName("t.e")["kind"]).toBe("NetworkPolicy");
  });
  it("keep a final rule last, whatever is added after it", () => {
    const f = fixture();
    const p = new NetworkPolicy(f.chart, "p", { tier: f.tier, name: "p", namespace: "a" });
    p.setFinalIngress({ action: "Deny" });
    p.addIngress(...makeRules("ingress", "Allow", Peer.namespace("b"), [Port.tcp(80)]));
    expect((f.byName("t.p")["spec"] as { ingress: { action: string }[] }).ingress.map((r) => r.action)).toEqual(["Allow", "Deny"]);
  });
  it("write a GlobalNetworkPolicy's namespaceSelector and serviceAccountSelector", () => {
    const f = fixture();
    new GlobalNetworkPolicy(f.chart, "p", {
      tier: f.tier,
      name: "p",
      namespaceSelector: sel.eq("kubernetes.io/metadata.name", "x"),
      serviceAccountSelector: sel.eq("projectcalico.org/name", "sa"),
      egress: [],
    });
    expect(f.byName("t.p")["spec"]).toMatchObject({
      namespaceSelector: 'kubernetes.io/metadata.name == "x"',
      serviceAccountSelector: 'projectcalico.org/name == "sa"',
    });
  });
  it("reject names that would break <tier>.<name>", () => {
    const f = fixture();
    expect(userErrorOf(() => new GlobalNetworkPolicy(f.chart, "p", { tier: f.tier, name: "t.p", ingress: [] }))).toMatch(
      /not a valid policy name \(value: "t.p"\)/,
    );
  });
});

describe("network sets", () => {
  it("GlobalNetworkSet writes labels and canonical nets and is selected by its labels", () => {
    const f = fixture();
    const s = new GlobalNetworkSet(f.chart, "s", { name: "db", labels: { role: "db" }, nets: ["10.0.0.60", "fd00::1/128"] });
    expect(f.byName("db")).toEqual({
      apiVersion: "projectcalico.org/v3",
      kind: "GlobalNetworkSet",
      metadata: { name: "db", labels: { role: "db" } },
      spec: { nets: ["10.0.0.60/32", "fd00::1/128"] },
    });
    expect(s.asPeer().toEntityRule()).toEqual({ selector: 'role == "db"', namespaceSelector: "global()" });
  });
  it("NetworkSet is namespaced and selected in its namespace", () => {
    const f = fixture();
    const s = new NetworkSet(f.chart, "s", { name: "partners", namespace: "shop", labels: { set: "partners" }, nets: ["192.0.2.0/24"] });
    expect(f.byName("partners")).toMatchObject({ kind: "NetworkSet", metadata: { namespace: "shop" }, spec: { nets: ["192.0.2.0/24"] } });
    expect(s.asPeer().toEntityRule()).toEqual({ selector: 'set == "partners"', namespaceSelector: 'kubernetes.io/metadata.name == "shop"' });
  });
  it("rejects an unlabelled set and a CIDR typo together", () => {
    const f = fixture();
    const both = userErrorOf(() => new GlobalNetworkSet(f.chart, "s", { name: "x", labels: {}, nets: ["10.0.0.0/33"] }));
    expect(both).toMatch(/2 problems/);
    expect(both).toMatch(/at least one label/);
    expect(userErrorOf(() => new GlobalNetworkSet(f.chart, "t", { name: "y", labels: { a: "b" }, nets: ["10.0.0/24"] }))).toMatch(
      /nets\[0\]: not a valid CIDR/,
    );
  });
});
