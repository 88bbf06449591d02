/**
 * Plain-text rendering of a review (`calico-baseline diff`), and the pieces the Markdown shares: the
 * summary line, the deciding rule of a flow before and after, the upgrade reasons.
 */
import { protocolName } from "../connset.js";
import type { FlowChange } from "../diff.js";
import { failureCount } from "../invariants.js";
import { type ObjectChange, shortValue } from "../object-diff.js";
import { type Review, type ViewReview, VIEW_TITLES, changedPairs } from "../review.js";
import { type UpgradeImpact, describeDifference } from "../upgrade.js";
import { describeDecision, syncedMarkLine, syncedSetFacts, verdictLine } from "./text.js";

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The one-line verdict, first in every format. */
export function reviewSummary(r: Review): string {
  const parts: string[] = [];
  if (r.status === "unsafe") {
    const names = [...new Set(r.broken.map((b) => b.result.invariant.name))];
    const where = (n: string): string => {
      const views = r.broken.filter((b) => b.result.invariant.name === n).map((b) => b.view);
      return views.length === 2 ? "both views" : VIEW_TITLES[views[0]!];
    };
    parts.push(`unsafe: ${plural(names.length, "lockout invariant")} broken (${names.map((n) => `${n}, ${where(n)}`).join("; ")})`);
  } else parts.push(r.status === "no-change" ? "no change" : "safe: every lockout invariant holds");
  const o = r.objects;
  if (o.added.length + o.removed.length + o.changed.length > 0) parts.push(`objects: ${o.removed.length} removed, ${o.added.length} added, ${o.changed.length} changed`);
  const flows = r.views.map((v) => (v.sameAsEnforced === true ? undefined : `${changedPairs(v.diff)} ${VIEW_TITLES[v.view]}`)).filter((x) => x !== undefined);
  if (r.upgradeOnly) {
    // The views are the upgrade's: say it once.
  } else if (r.views.some((v) => changedPairs(v.diff) > 0)) parts.push(`flows: endpoint pairs changing: ${flows.join(", ")}`);
  else if (r.status !== "no-change") parts.push("no flow changes");
  if (r.before.version.label !== r.after.version.label) {
    const u = r.upgrade?.find((x) => x.view === "enforced");
    parts.push(`Calico ${r.before.version.label} → ${r.after.version.label}${u === undefined ? "" : ` (the upgrade alone changes ${plural(changedPairs(u.diff), "pair")})`}`);
  }
  return parts.join(" · ");
}

/** `before: <deciding rule> → after: <deciding rule>` of a changed pair's sample connection. */
export function whyLine(c: FlowChange): string {
  const e = c.explanation;
  if (e === undefined) return "";
  return `${protocolName(e.protocol)} ${e.port}: before ${verdictLine(e.before)} → after ${verdictLine(e.after)}`;
}

export function fieldLines(c: ObjectChange, max = Infinity): string[] {
  const out = c.fields.slice(0, max).map((f) => `${f.path}: ${f.before === undefined ? "(added) " : shortValue(f.before)}${f.before === undefined ? "" : " → "}${f.after === undefined ? "(removed)" : shortValue(f.after)}`);
  if (c.fields.length > max) out.push(`… ${c.fields.length - max} more fields`);
  return out;
}

export function reasonLines(u: UpgradeImpact, i: number): string[] {
  const idx = u.reasons[i] ?? [];
  if (idx.length === 0) return ["reason: not attributed to a known version change"];
  return idx.map((k) => {
    const d = u.differences[k]!;
    return `reason: ${describeDifference(d, u.from, u.to)}${d.change === undefined ? "" : ` [${d.change}]`}`;
  });
}

function viewText(v: ViewReview): string[] {
  const lines = [`flows ${VIEW_TITLES[v.view]}:`];
  if (v.sameAsEnforced === true) return [...lines, "  no staged policy on either side: the same as enforced now"];
  const d = v.diff;
  if (changedPairs(d) === 0) return [...lines, "  no change in allowed flows"];
  lines.push(`  ${changedPairs(d)} endpoint pairs change`);
  for (const c of d.changes) {
    if (!c.added.isEmpty()) lines.push(`  + ${c.src} => ${c.dst} : ${c.added.toString()}`);
    if (!c.removed.isEmpty()) lines.push(`  - ${c.src} => ${c.dst} : ${c.removed.toString()}`);
    if (c.explanation !== undefined) lines.push(`      ${whyLine(c)}`);
  }
  if (d.omitted > 0) lines.push(`  ... and ${d.omitted} more pairs (see the namespace roll-up in --format json)`);
  return lines;
}

/** The tie-break's reach: how many policy pairs share tier and order, and how many swap. */
export function tiesText(u: UpgradeImpact): string {
  const t = u.ties;
  if (t.pairs === 0) return "no two policies share a tier and an order, so the tie-break decides nothing here";
  return `${plural(t.pairs, "pair")} of policies share a tier and an order; ${t.swapped === 0 ? `both tie-breaks order ${t.pairs === 1 ? "it" : "them"} alike` : `${t.swapped} swap${t.swapped === 1 ? "s" : ""} places on ${u.to.label}`}`;
}

export function upgradeText(u: UpgradeImpact): string[] {
  const lines = [`upgrade impact, ${VIEW_TITLES[u.view]}: the same objects under Calico ${u.from.label} and ${u.to.label}`];
  if (u.versionChanges.length === 0) lines.push(`  ${u.from.minor === u.to.minor ? `same minor (${u.from.minor}): no semantic change` : "no documented semantic change between these minors"}`);
  for (const c of u.versionChanges) lines.push(`  change ${c.id}: ${c.title} (${c.source})`);
  if (u.versionChanges.some((c) => c.id === "policy-order-tie-break")) lines.push(`  order ties: ${tiesText(u)}`);
  if (u.differences.length === 0) lines.push("  none of them touches these objects");
  for (const d of u.differences) lines.push(`  difference: ${describeDifference(d, u.from, u.to)}${d.change === undefined ? "" : ` [${d.change}]`}`);
  if (changedPairs(u.diff) === 0) lines.push("  no flow changes");
  u.diff.changes.forEach((c, i) => {
    if (!c.added.isEmpty()) lines.push(`  + ${c.src} => ${c.dst} : ${c.added.toString()}`);
    if (!c.removed.isEmpty()) lines.push(`  - ${c.src} => ${c.dst} : ${c.removed.toString()}`);
    if (c.explanation !== undefined) lines.push(`      ${whyLine(c)}`);
    for (const l of reasonLines(u, i)) lines.push(`      ${l}`);
  });
  if (u.diff.omitted > 0) lines.push(`  ... and ${u.diff.omitted} more pairs`);
  return lines;
}

export function formatReviewText(r: Review): string {
  const lines = [reviewSummary(r), `${r.title}: ${r.before.label} (Calico ${r.before.version.label}) → ${r.after.label} (Calico ${r.after.version.label})`];
  if (r.broken.length > 0) {
    lines.push("", "lockout invariants broken after the change:");
    for (const b of r.broken) {
      const f = b.result.failures[0];
      lines.push(`  ${b.result.invariant.name} (${VIEW_TITLES[b.view]}, ${b.alreadyBroken ? "already broken before" : "newly broken"}): ${b.result.invariant.description}; ${failureCount(b.result)}`);
      if (f !== undefined) lines.push(`    e.g. ${f.src} -> ${f.dst} ${f.protocol} ${f.port}: ${describeDecision(!f.egress.allowed ? f.egress.decision : f.ingress.decision)}`);
    }
  }
  const o = r.objects;
  lines.push("", `objects: ${o.removed.length} removed, ${o.added.length} added, ${o.changed.length} changed, ${o.unchanged} unchanged`);
  for (const x of o.removed) lines.push(`  - ${x.id}${x.file === undefined ? "" : ` (${x.file})`}`);
  for (const x of o.added) lines.push(`  + ${x.id}${x.file === undefined ? "" : ` (${x.file})`}`);
  for (const c of o.changed) {
    lines.push(`  ~ ${c.promotion === undefined ? c.after.id : `${c.before.id} → ${c.after.id} (${c.promotion})`}`);
    for (const f of fieldLines(c)) lines.push(`      ${f}`);
  }
  if (!r.upgradeOnly) for (const v of r.views) lines.push("", ...viewText(v));
  for (const u of r.upgrade ?? []) lines.push("", ...upgradeText(u));
  if (r.synced !== undefined) {
    lines.push("", "rules of this change that refer to synced network sets (what each does if its set empties):");
    for (const s of r.synced.sets) lines.push(`  set ${s.name} (${syncedSetFacts(s)})`);
    for (const m of r.synced.marks) lines.push(`  ${syncedMarkLine(m)}`);
  }
  for (const p of r.problems) lines.push(`warning: ${[p.file, p.object, p.path].filter((x) => x !== undefined && x !== "").join(" ")}: ${p.message}. ${p.hint}`);
  return `${lines.join("\n")}\n`;
}
