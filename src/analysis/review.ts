/**
 * A code review of a policy change: everything `calico-baseline diff` shows by default, computed once and
 * rendered by the review formatters (text, md, json, svg, sarif).
 *
 * - Both views: the enforced view (what the cluster enforces) and the would-be view (staged policies
 *   enforced), each compared between the two sides; a change to a staged policy shows in the second.
 * - The objects added, removed and changed, with the fields that changed, even when no flow changes.
 * - For each changed flow the rule that decides it before and after (the diff's explanations).
 * - The lockout invariants on both sides in both views: the verdict is "unsafe" when the change leaves
 *   one broken (enforced: a lockout; would-be: promoting the staged policies would lock the cluster out).
 * - When the two sides run different Calico minors: the upgrade impact (the after side's objects under
 *   both versions), so the version's own effect is told apart from the edit's.
 */
import type { CalicoMinor } from "../config/types.js";
import type { Problem } from "../model/problem.js";
import { analyse } from "./analyse.js";
import { type DiffResult, diffModels } from "./diff.js";
import { type Invariant, type InvariantResult, checkInvariants } from "./invariants.js";
import type { Inventory } from "./inventory.js";
import type { Model } from "./model.js";
import { type ObjectDiff, diffObjects, objectDiffIsEmpty } from "./object-diff.js";
import { PolicyReadMemo, type SourcedObject } from "./policies.js";
import { type SyncedAnalysis, type SyncedRuleMark, type SyncedSet, analyseSyncedSets } from "./synced-sets.js";
import { type CalicoVersion, type UpgradeImpact, upgradeImpact } from "./upgrade.js";

export type View = "enforced" | "staged";

export const VIEW_TITLES: Readonly<Record<View, string>> = {
  enforced: "enforced now",
  staged: "once the staged policies are enforced",
};

export interface ViewReview {
  readonly view: View;
  /** before → after in this view. */
  readonly diff: DiffResult;
  readonly invariantsBefore: readonly InvariantResult[];
  readonly invariantsAfter: readonly InvariantResult[];
  /** The would-be view equals the enforced view (neither side has a staged policy): not computed again. */
  readonly sameAsEnforced?: boolean;
}

export type ReviewStatus = "no-change" | "changed" | "unsafe";

export interface Review {
  readonly title: string;
  readonly before: { readonly label: string; readonly version: CalicoVersion; readonly staged: number };
  readonly after: { readonly label: string; readonly version: CalicoVersion; readonly staged: number };
  readonly objects: ObjectDiff;
  readonly views: readonly ViewReview[];
  /** The after side's objects under the before side's version and its own (when the minors differ). */
  readonly upgrade?: readonly UpgradeImpact[];
  /** Only the Calico version differs: the views' diffs are the upgrade's (shown once, in `upgrade`). */
  readonly upgradeOnly: boolean;
  /** Invariants broken after the change, per view, with whether they were already broken before. */
  readonly broken: ReadonlyArray<{ readonly view: View; readonly result: InvariantResult; readonly alreadyBroken: boolean }>;
  readonly status: ReviewStatus;
  /** Problems of the after side's objects (objects the analysis could not read faithfully). */
  readonly problems: readonly Problem[];
  /**
   * The rules of the policies this change adds or changes that refer to a synced set (synced-sets.ts), on the after
   * side; undefined when the after side has no synced set or the change touches no such rule.
   */
  readonly synced?: { readonly sets: readonly SyncedSet[]; readonly marks: readonly SyncedRuleMark[] };
}

export interface ReviewInput {
  readonly before: readonly SourcedObject[];
  readonly after: readonly SourcedObject[];
  readonly inventory: Inventory;
  readonly beforeLabel: string;
  readonly afterLabel: string;
  readonly beforeVersion: CalicoVersion;
  readonly afterVersion: CalicoVersion;
  readonly invariants: readonly Invariant[];
  /** Waivers of the after side (a waiver is part of the change under review). */
  readonly waivers: readonly string[];
  readonly beforeWaivers?: readonly string[];
  /** Views to compare (default both). */
  readonly views?: readonly View[];
  /**
   * `before` and `after` are the same objects and only the Calico version differs: each view's diff is
   * the upgrade impact's (computed once, with its reasons).
   */
  readonly upgradeOnly?: boolean;
  /** Most pair changes listed per view (default 2000; counts and the roll-up stay complete). */
  readonly maxChanges?: number;
  readonly title?: string;
  /** The sets the after side's networkSetSync mappings keep in step (synced-sets-declared.ts). */
  readonly syncedSets?: readonly SyncedSet[];
}

function stagedCount(objects: readonly SourcedObject[]): number {
  let n = 0;
  for (const o of objects) {
    const k = (o.object as { kind?: unknown } | null)?.kind;
    if (typeof k === "string" && k.startsWith("Staged")) n++;
  }
  return n;
}

export function buildReview(input: ReviewInput): Review {
  const views = input.views ?? ["enforced", "staged"];
  const maxChanges = input.maxChanges ?? 2000;
  const bIn = { objects: input.before, inventory: input.inventory };
  const aIn = { objects: input.after, inventory: input.inventory };
  const beforeMinor: CalicoMinor = input.beforeVersion.minor;
  const afterMinor: CalicoMinor = input.afterVersion.minor;
  const stagedBefore = stagedCount(input.before);
  const stagedAfter = stagedCount(input.after);
  const upgradeOnly = input.upgradeOnly === true;
  const out: ViewReview[] = [];
  const upgrades: UpgradeImpact[] = [];
  let enforced: ViewReview | undefined;
  let problems: readonly Problem[] | undefined;
  let afterModel: Model | undefined;
  // One memo for both versions and views: what did not change is read once, and modelled and evaluated once per view.
  const memo = new PolicyReadMemo();
  for (const view of views) {
    if (view === "staged" && stagedBefore === 0 && stagedAfter === 0 && enforced !== undefined) {
      out.push({ ...enforced, view, sameAsEnforced: true });
      continue;
    }
    let mb;
    let ma;
    let diff;
    if (upgradeOnly) {
      const u = upgradeImpact(aIn, input.beforeVersion, input.afterVersion, { view, maxChanges });
      upgrades.push(u);
      ({ from: mb, to: ma } = u.models);
      diff = u.diff;
    } else {
      mb = analyse(bIn, view, beforeMinor, { memo });
      ma = analyse(aIn, view, afterMinor, { memo, base: mb });
      diff = diffModels(mb, ma, { maxChanges });
    }
    if (problems === undefined && view === "enforced") problems = ma.problems;
    if (view === "enforced" && !upgradeOnly) afterModel = ma;
    const r: ViewReview = {
      view,
      diff,
      invariantsBefore: checkInvariants(mb, input.invariants, input.beforeWaivers ?? input.waivers),
      invariantsAfter: checkInvariants(ma, input.invariants, input.waivers),
    };
    if (view === "enforced") enforced = r;
    out.push(r);
  }
  const broken = out.flatMap((v) =>
    v.invariantsAfter.flatMap((r, i) => (r.status === "fail" ? [{ view: v.view, result: r, alreadyBroken: v.invariantsBefore[i]?.status === "fail" }] : [])),
  );
  const upgrade = upgradeOnly
    ? upgrades
    : input.beforeVersion.label === input.afterVersion.label
      ? undefined
      : views.filter((v) => v === "enforced" || stagedAfter > 0).map((view) => upgradeImpact(aIn, input.beforeVersion, input.afterVersion, { view, maxChanges }));
  const flowsChanged = out.some((v) => v.diff.changes.length + v.diff.omitted > 0);
  const objects = diffObjects(input.before, input.after);
  const synced = syncedOfChange(afterModel ?? (upgradeOnly ? undefined : analyse(aIn, "enforced", afterMinor)), input.syncedSets, objects);
  const status: ReviewStatus = broken.length > 0 ? "unsafe" : flowsChanged || !objectDiffIsEmpty(objects) || input.beforeVersion.label !== input.afterVersion.label ? "changed" : "no-change";
  return {
    title: input.title ?? "Calico policy review",
    before: { label: input.beforeLabel, version: input.beforeVersion, staged: stagedBefore },
    after: { label: input.afterLabel, version: input.afterVersion, staged: stagedAfter },
    objects,
    views: out,
    ...(upgrade === undefined ? {} : { upgrade }),
    upgradeOnly,
    broken,
    status,
    problems: [...(problems ?? analyse(aIn, "enforced", afterMinor).problems), ...(synced?.problems ?? [])],
    ...(synced === undefined || synced.marks.length === 0 ? {} : { synced: { sets: synced.sets, marks: synced.marks } }),
  };
}

/** The synced-set marks of the policies the change adds or changes (their ids are the object ids, object-diff.ts). */
function syncedOfChange(model: Model | undefined, declared: readonly SyncedSet[] | undefined, objects: ObjectDiff): SyncedAnalysis | undefined {
  if (model === undefined) return undefined;
  const all = analyseSyncedSets(model, declared);
  if (all === undefined) return undefined;
  const touched = new Set([...objects.added.map((o) => o.id), ...objects.changed.map((c) => c.after.id)]);
  const marks = all.marks.filter((m) => touched.has(m.policy));
  const named = new Set(marks.map((m) => m.set));
  return { sets: all.sets.filter((s) => named.has(s.name)), marks, problems: all.problems };
}

/** Pairs whose allowed connections change in a view (listed plus omitted). */
export function changedPairs(d: DiffResult): number {
  return d.changes.length + d.omitted;
}
