/**
 * recommend never changes an enforced verdict (issue 11, defect 3). The reproducer: recommending shop's egress
 * to 198.51.100.7 used to create a NetworkSet in shop; the dev baseline's shop-isolation rule ("Pass to/from
 * namespace shop", a namespaceSelector that also selects NetworkSets of the namespace) then passed that address
 * into shop, and `explain --from net:198.51.100.7 --to shop/backend --port 22` said ALLOWED.
 */
import { describe, expect, it } from "vitest";
import { analyse } from "../../../src/analysis/analyse.js";
import { evaluateFlow, resolvePeers } from "../../../src/analysis/evaluate.js";
import { importFlowText } from "../../../src/analysis/flows/import.js";
import { changesEnforced, enforcedChanges } from "../../../src/analysis/flows/recommend-check.js";
import { planToManifests } from "../../../src/analysis/flows/recommend-manifests.js";
import { planRecommendation } from "../../../src/analysis/flows/recommend.js";
import { stackObjects } from "../../../src/cli/commands/report.js";
import { loadStack } from "../../../src/cli/stack-input.js";

const ROOT = new URL("../../..", import.meta.url).pathname;
const stack = loadStack("dev", ROOT);
const baseline = stackObjects(stack);
const csv = "source_namespace,source_labels,dest_namespace,dest_labels,dest_net,port,protocol,count\nshop,app=frontend,,,198.51.100.7,443,TCP,5\n";
const flows = importFlowText(csv, "flows.csv").flows;
const plan = planRecommendation(flows, "shop");
const recommended = planToManifests(plan, "stage").map((object) => ({ object, file: "recommendation" }));

function sshFromOutside(objects: typeof baseline): boolean {
  const m = analyse({ objects, inventory: stack.inventory }, "enforced", stack.config.policies.calicoMinor);
  const [src] = resolvePeers(m, "net:198.51.100.7");
  const [dst] = resolvePeers(m, "shop/backend");
  return evaluateFlow(m, { src: src!, dst: dst!, protocol: 6, port: 22 }).allowed;
}

describe("recommend changes no enforced verdict", () => {
  it("the reproducer: an external address becomes the rule's own nets, not a NetworkSet, so outside → shop/backend:22 stays denied", () => {
    expect(recommended.map((o) => o.object.kind)).toEqual(["StagedNetworkPolicy"]);
    expect(sshFromOutside(baseline)).toBe(false);
    expect(sshFromOutside([...baseline, ...recommended])).toBe(false);
  });

  it("the enforced check over the dev inventory and the flows is empty for the recommendation", () => {
    const c = enforcedChanges({ baseline, recommended, inventory: stack.inventory, flows: plan.planned, calicoMinor: stack.config.policies.calicoMinor });
    expect(c.pairs.changes).toEqual([]);
    expect(c.flows).toEqual([]);
    expect(changesEnforced(c)).toBe(false);
  });

  it("the check catches what the old design did: a NetworkSet in shop changes enforced pairs, named by endpoint", () => {
    const set = { object: { apiVersion: "projectcalico.org/v3", kind: "NetworkSet", metadata: { name: "ext-198-51-100-7-32", namespace: "shop", labels: { "recommend.calico-baseline.io/net": "ext-198-51-100-7-32" } }, spec: { nets: ["198.51.100.7/32"] } }, file: "recommendation" };
    expect(sshFromOutside([...baseline, set])).toBe(true);
    const c = enforcedChanges({ baseline, recommended: [set, ...recommended], inventory: stack.inventory, flows: plan.planned, calicoMinor: stack.config.policies.calicoMinor });
    expect(changesEnforced(c)).toBe(true);
    expect(c.pairs.changes.some((x) => x.dst === "shop/backend[Deployment]" && !x.added.isEmpty())).toBe(true);
  });
});
