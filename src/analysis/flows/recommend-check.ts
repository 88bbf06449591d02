/**
 * The guarantee `recommend` gives on every run: its output, as the stack will apply it (staged policies),
 * changes no enforced verdict. Checked two ways before anything is written:
 *
 * - every endpoint pair of the stack's inventory (and the address classes the policies name), enforced view,
 *   baseline alone against baseline plus the recommendation (diffModels: must be empty);
 * - every observed flow the recommendation was made from, and its deny probes, enforced view, both sides.
 *
 * It exists because a recommendation once created NetworkSets, which are enforced objects: the baseline's
 * namespace-isolation rule (`Pass` to/from the namespace, a namespaceSelector that also selects the namespace's
 * NetworkSets) then passed an outside address into the namespace (issue 11, defect 3).
 */
import type { CalicoMinor } from "../../config/types.js";
import { analyse } from "../analyse.js";
import { type DiffResult, diffModels } from "../diff.js";
import type { Inventory } from "../inventory.js";
import type { SourcedObject } from "../policies.js";
import { evaluatorForManifests } from "./evaluator-adapter.js";
import type { FlowQuery } from "./model.js";

export interface EnforcedFlowChange {
  readonly flow: FlowQuery;
  readonly before: boolean;
  readonly after: boolean;
}

export interface EnforcedChanges {
  /** Inventory pairs whose enforced connections change (empty when the recommendation is sound). */
  readonly pairs: DiffResult;
  /** Observed flows (and probes) whose enforced verdict changes. */
  readonly flows: readonly EnforcedFlowChange[];
}

export interface EnforcedCheckInput {
  readonly baseline: readonly SourcedObject[];
  /** The recommendation's objects in the mode the stack applies them (staged by default). */
  readonly recommended: readonly SourcedObject[];
  readonly inventory: Inventory;
  readonly flows: readonly FlowQuery[];
  readonly calicoMinor?: CalicoMinor;
}

export function enforcedChanges(input: EnforcedCheckInput): EnforcedChanges {
  const after = [...input.baseline, ...input.recommended];
  const before = analyse({ objects: input.baseline, inventory: input.inventory }, "enforced", input.calicoMinor);
  const now = analyse({ objects: after, inventory: input.inventory }, "enforced", input.calicoMinor);
  const pairs = diffModels(before, now, { maxChanges: 20 });
  const eb = evaluatorForManifests(input.baseline.map((o) => o.object), { inventory: input.inventory, flows: input.flows });
  const ea = evaluatorForManifests(after.map((o) => o.object), { inventory: input.inventory, flows: input.flows });
  const flows: EnforcedFlowChange[] = [];
  for (const f of input.flows) {
    const b = eb.evaluate(f, "enforced");
    const a = ea.evaluate(f, "enforced");
    if (b.allowed !== a.allowed) flows.push({ flow: f, before: b.allowed, after: a.allowed });
  }
  return { pairs, flows };
}

/** Whether anything enforced changed. */
export function changesEnforced(c: EnforcedChanges): boolean {
  return c.pairs.changes.length + c.pairs.omitted > 0 || c.flows.length > 0;
}
