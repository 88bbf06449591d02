/** Flow ends that are the stack's network sets (issue 11, defect 4): rules on the sets, in both directions. */
import { describe, expect, it } from "vitest";
import { parseInventory } from "../../../src/analysis/inventory.js";
import type { ObservedFlow } from "../../../src/analysis/flows/model.js";
import { readPolicies } from "../../../src/analysis/policies.js";
import { planRecommendation } from "../../../src/analysis/flows/recommend.js";
import { resolveStackNetworkSets } from "../../../src/analysis/flows/stack-sets.js";

const pm = readPolicies([
  { object: { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name: "partners", labels: { role: "partners" } }, spec: { nets: ["198.51.100.0/24"] } }, file: "sets.yaml" },
  { object: { apiVersion: "projectcalico.org/v3", kind: "NetworkSet", metadata: { name: "office", namespace: "shop", labels: { role: "office" } }, spec: { nets: ["192.0.2.8/29"] } }, file: "sets.yaml" },
]);
const inventory = parseInventory({ namespaces: [{ name: "shop", workloads: [{ name: "web", labels: { app: "web" } }] }], nodes: [{ name: "partners-gw", ips: ["10.0.0.9"] }] });
const web = { kind: "workload" as const, namespace: "shop", name: "web-*", labels: { app: "web" } };
const flow = (source: ObservedFlow["source"], destination: ObservedFlow["destination"]): ObservedFlow => ({ source, destination, protocol: "TCP", port: 443, count: 1, firstLine: 1 });

describe("resolveStackNetworkSets", () => {
  it("an untyped end named after a GlobalNetworkSet is that set, with its labels and first address, as source or destination", () => {
    const [out, inn] = resolveStackNetworkSets([flow(web, { kind: "host", name: "partners", labels: {} }), flow({ kind: "host", name: "partners", labels: {} }, web)], pm, inventory);
    expect(out!.destination).toEqual({ kind: "networkset", name: "partners", labels: { role: "partners" }, net: "198.51.100.0" });
    expect(inn!.source).toEqual(out!.destination);
    const plan = planRecommendation([out!, inn!], "shop");
    expect(plan.policies[0]!.egress.map((r) => r.peer)).toEqual([{ kind: "globalNetworkSets", labels: { role: "partners" } }]);
    expect(plan.policies[0]!.ingress.map((r) => r.peer)).toEqual([{ kind: "globalNetworkSets", labels: { role: "partners" } }]);
  });

  it("a typed namespaced set without recorded labels takes the stack's labels; a known node name stays a host", () => {
    const [set, host] = resolveStackNetworkSets([flow(web, { kind: "networkset", namespace: "shop", name: "office", labels: {} }), flow(web, { kind: "host", name: "partners-gw", labels: {} })], pm, inventory);
    expect(set!.destination).toEqual({ kind: "networkset", namespace: "shop", name: "office", labels: { role: "office" }, net: "192.0.2.8" });
    expect(host!.destination.kind).toBe("host");
  });
});
