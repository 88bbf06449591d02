/**
 * `calico-baseline diff --format json`: format `calico-baseline/diff`, version 1. The top-level
 * `changes`, `omitted` and `namespaces` are the first compared view's (the enforced view unless `--view`
 * says otherwise), as before; everything else was added within version 1 (docs/analysis.md): the verdict
 * (`status`, `exitCode`, `summary`), both sides, the object diff, every view with its invariants, the
 * upgrade impact and the problems.
 */
import type { DiffResult } from "../diff.js";
import type { InvariantResult } from "../invariants.js";
import type { Review } from "../review.js";
import type { UpgradeImpact } from "../upgrade.js";
import { DIFF_FORMAT, flowJson } from "./json.js";
import { reviewSummary } from "./review-text.js";

export function diffBodyJson(diff: DiffResult): { changes: unknown[]; omitted: number; namespaces: unknown[] } {
  return {
    changes: diff.changes.map((c) => ({
      src: c.src,
      dst: c.dst,
      srcNamespace: c.srcGroup,
      dstNamespace: c.dstGroup,
      before: c.before.toJSON(),
      after: c.after.toJSON(),
      added: c.added.toJSON(),
      removed: c.removed.toJSON(),
      explanation: c.explanation === undefined ? null : { protocol: c.explanation.protocol, port: c.explanation.port, before: flowJson(c.explanation.before), after: flowJson(c.explanation.after) },
    })),
    omitted: diff.omitted,
    namespaces: diff.groups.map((g) => ({ src: g.src, dst: g.dst, added: g.added.toJSON(), removed: g.removed.toJSON(), pairs: g.pairs })),
  };
}

function invariantJson(r: InvariantResult): unknown {
  return { name: r.invariant.name, status: r.status, checked: r.checked, failures: r.failures.map(flowJson), ...(r.unchecked === undefined ? {} : { unchecked: r.unchecked }) };
}

function upgradeJson(u: UpgradeImpact): unknown {
  const body = diffBodyJson(u.diff);
  return {
    view: u.view,
    from: u.from,
    to: u.to,
    versionChanges: u.versionChanges,
    differences: u.differences,
    ...body,
    changes: body.changes.map((c, i) => ({ ...(c as object), reasons: u.reasons[i] ?? [] })),
    unexplained: u.unexplained,
  };
}

export function reviewJson(r: Review, exitCode: number): string {
  const first = r.views[0];
  const doc = {
    format: DIFF_FORMAT,
    version: 1,
    ...(first === undefined ? { changes: [], omitted: 0, namespaces: [] } : diffBodyJson(first.diff)),
    status: r.status,
    exitCode,
    summary: reviewSummary(r),
    before: r.before,
    after: r.after,
    objects: r.objects,
    views: r.views.map((v) => ({
      view: v.view,
      sameAsEnforced: v.sameAsEnforced === true,
      ...diffBodyJson(v.diff),
      invariantsBefore: v.invariantsBefore.map(invariantJson),
      invariantsAfter: v.invariantsAfter.map(invariantJson),
    })),
    broken: r.broken.map((b) => ({ view: b.view, name: b.result.invariant.name, alreadyBroken: b.alreadyBroken })),
    upgrade: (r.upgrade ?? []).map(upgradeJson),
    problems: r.problems,
    ...(r.synced === undefined ? {} : { syncedSets: { sets: r.synced.sets, rules: r.synced.marks } }),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
