/**
 * The report: what a reviewer needs to know about a baseline, computed once and rendered by the
 * formatters (text, md, json, svg). Also `renderReports`, the entry point synth calls so that
 * `npm start` writes report.md and report.svg next to the YAML and fails on a broken invariant.
 */
import type { CalicoMinor } from "../config/types.js";
import type { Problem } from "../model/problem.js";
import { analyse } from "./analyse.js";
import type { ConnSet } from "./connset.js";
import { type Connectivity, computeConnectivity } from "./connectivity.js";
import { type DiffResult, diffModels } from "./diff.js";
import { lintAdminPolicies } from "./admin-lint.js";
import { notEnforcedFlows } from "./not-enforced.js";
import { type Invariant, type InvariantResult, checkInvariants, defaultInvariants } from "./invariants.js";
import type { Inventory } from "./inventory.js";
import type { Model } from "./model.js";
import { type ExposureRow, exposureReport } from "./node-ports.js";
import { type PolicyModel, type SourcedObject, readPolicies } from "./policies.js";
import { type SyncedRuleMark, type SyncedSet, analyseSyncedSets } from "./synced-sets.js";

export interface Report {
  readonly title: string;
  readonly model: Model;
  readonly connectivity: Connectivity;
  readonly groups: { readonly names: readonly string[]; readonly matrix: readonly (readonly ConnSet[])[] };
  readonly invariants: readonly InvariantResult[];
  /**
   * The same invariants in the "would be" view (staged policies enforced), when something is staged:
   * promoting the staged policies must not lock the cluster out either.
   */
  readonly stagedInvariants?: readonly InvariantResult[];
  /** What enforcing every staged policy would change (enforced → staged view); undefined when nothing is staged. */
  readonly staged?: DiffResult;
  /**
   * The flows admin policies the Calico minor does not enforce would decide (an AdminNetworkPolicy on
   * 3.32, a ClusterNetworkPolicy before 3.32); undefined when there is none.
   */
  readonly notEnforced?: { readonly calicoMinor: CalicoMinor; readonly policies: readonly string[]; readonly diff: DiffResult };
  /** Objects the analysis could not read faithfully, then the admin-policy lint (src/analysis/admin-lint.ts). */
  readonly problems: readonly Problem[];
  /** North-south: per node port / host port the inventory knows, who outside the cluster reaches it (node-ports.ts). */
  readonly exposure: readonly ExposureRow[];
  /** Rules that refer to sets the Consul sync keeps in step (synced-sets.ts); undefined when there is no synced set. */
  readonly synced?: { readonly sets: readonly SyncedSet[]; readonly marks: readonly SyncedRuleMark[] };
}

export interface ReportOptions {
  readonly title?: string;
  readonly invariants?: readonly Invariant[];
  readonly waivers?: readonly string[];
  /** Felix policy ordering of this Calico minor (default 3.32). */
  readonly calicoMinor?: CalicoMinor;
  /**
   * Synced sets the stack declares (its networkSetSync mappings: synced-sets-declared.ts); sets with the
   * controller's owner label in the input (manifests, or a cluster dump in the inventory) are found anyway.
   */
  readonly syncedSets?: readonly SyncedSet[];
  /** `readPolicies(objects)` at `calicoMinor`, when the caller has read it already (e.g. to refuse rejected input). */
  readonly policies?: PolicyModel;
}

export function buildReport(objects: readonly SourcedObject[], inventory: Inventory | undefined, opts: ReportOptions = {}): Report {
  // The policies are read once, for both views.
  const policies = opts.policies ?? readPolicies(objects, opts.calicoMinor === undefined ? {} : { calicoMinor: opts.calicoMinor });
  const input = { objects, policies, ...(inventory === undefined ? {} : { inventory }) };
  const model = analyse(input, "enforced", opts.calicoMinor);
  const connectivity = computeConnectivity(model);
  const hasStaged = model.policyModel.staged.length > 0;
  const stagedModel = hasStaged ? analyse(input, "staged", opts.calicoMinor) : undefined;
  const staged = stagedModel === undefined ? undefined : diffModels(model, stagedModel, { maxChanges: 500 });
  const invariants = opts.invariants ?? defaultInvariants();
  const waivers = opts.waivers ?? [];
  const minor = opts.calicoMinor ?? "3.32";
  const skipped = model.policyModel.notEnforced ?? [];
  const synced = analyseSyncedSets(model, opts.syncedSets);
  const notEnforced = skipped.length === 0 ? undefined : { calicoMinor: minor, policies: skipped.map((p) => p.id), diff: notEnforcedFlows(model, { maxChanges: 500, calicoMinor: minor === "3.32" ? "3.31" : "3.32" }) };
  return {
    title: opts.title ?? "Calico policy report",
    model,
    connectivity,
    groups: connectivity.groups(),
    invariants: checkInvariants(model, invariants, waivers),
    ...(stagedModel === undefined ? {} : { stagedInvariants: checkInvariants(stagedModel, invariants, waivers) }),
    ...(staged === undefined ? {} : { staged }),
    ...(notEnforced === undefined ? {} : { notEnforced }),
    problems: [...model.problems, ...lintAdminPolicies(model), ...(synced?.problems ?? [])],
    exposure: exposureReport(model),
    ...(synced === undefined ? {} : { synced: { sets: synced.sets, marks: synced.marks } }),
  };
}
