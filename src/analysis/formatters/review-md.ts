/**
 * A review as a pull-request comment. The summary line comes first (in the heading); then the broken
 * invariants, the objects, the flows of both views with the deciding rule before and after, the upgrade
 * impact and what was not analysed. Long parts are collapsed (`<details>`).
 *
 * GitHub refuses a comment longer than 65,536 characters. `maxChars` (default 60,000, leaving room for
 * the comment's own header and other stacks) is a hard limit: the renderer trims its tables step by step,
 * each trimmed table saying how many rows it shows of how many, until the comment fits, and points to the
 * full report (`--format json` / `--format text`, uploaded as a workflow artifact). Deterministic.
 */
import type { ConnSet } from "../connset.js";
import type { DiffResult } from "../diff.js";
import { type Review, type ViewReview, VIEW_TITLES, changedPairs } from "../review.js";
import { type UpgradeImpact, describeDifference } from "../upgrade.js";
import { fieldLines, reasonLines, reviewSummary, tiesText, whyLine } from "./review-text.js";
import { describeDecision, syncedSetFacts } from "./text.js";

/** GitHub's limit for an issue or pull-request comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;
export const DEFAULT_MD_MAX_CHARS = 60_000;

const MAX_CELL = 60;

interface Detail {
  readonly pairs: number;
  readonly groups: number;
  readonly objects: number;
  readonly fields: number;
  readonly upgrade: number;
  readonly problems: number;
  readonly mermaid: boolean;
}

/** From the fullest comment to the smallest; the first that fits is used. */
const LEVELS: readonly Detail[] = [
  { pairs: 200, groups: 100, objects: 100, fields: 20, upgrade: 100, problems: 50, mermaid: true },
  { pairs: 100, groups: 60, objects: 60, fields: 10, upgrade: 60, problems: 30, mermaid: true },
  { pairs: 50, groups: 40, objects: 40, fields: 5, upgrade: 30, problems: 20, mermaid: false },
  { pairs: 20, groups: 20, objects: 20, fields: 3, upgrade: 15, problems: 10, mermaid: false },
  { pairs: 5, groups: 10, objects: 10, fields: 1, upgrade: 5, problems: 5, mermaid: false },
  { pairs: 0, groups: 5, objects: 5, fields: 0, upgrade: 0, problems: 0, mermaid: false },
];

/** Table-safe text; `<` becomes `&lt;` outside code spans (inside them GitHub shows it as is). */
function esc(s: string): string {
  return s
    .replace(/\|/g, "\\|")
    .replace(/\n/g, " ")
    .split("`")
    .map((part, i) => (i % 2 === 0 ? part.replace(/</g, "&lt;") : part))
    .join("`");
}

function short(c: ConnSet): string {
  const t = c.toString();
  return t.length > MAX_CELL ? `${t.slice(0, MAX_CELL - 1)}…` : t;
}

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

class Out {
  readonly lines: string[] = [];
  trimmed = 0;
  push(...l: string[]): void {
    this.lines.push(...l);
  }
  /** "showing N of M" when a table was cut. */
  shown(n: number, total: number, what: string): void {
    if (n < total) {
      this.trimmed += total - n;
      this.lines.push("", `_Showing ${n} of ${total} ${what}; the full list is in the complete report._`);
    }
  }
}

function details(o: Out, summary: string, body: () => void, open = false): void {
  // GitHub needs the blank line after <summary> to render Markdown inside <details>.
  o.push(`<details${open ? " open" : ""}><summary>${summary}</summary>`, "");
  body();
  o.push("", "</details>", "");
}

function mermaid(diff: DiffResult): string[] {
  const ids = new Map<string, string>();
  const id = (n: string): string => ids.get(n) ?? ids.set(n, `n${ids.size}`).get(n)!;
  const label = (s: string): string => s.replace(/"/g, "'");
  const lines = ["```mermaid", "graph LR"];
  for (const n of [...new Set(diff.groups.flatMap((g) => [g.src, g.dst]))]) lines.push(`  ${id(n)}["${label(n)}"]`);
  let edge = 0;
  const styles: string[] = [];
  for (const g of diff.groups) {
    if (!g.added.isEmpty()) {
      lines.push(`  ${id(g.src)} -->|"+ ${label(short(g.added))}"| ${id(g.dst)}`);
      styles.push(`  linkStyle ${edge++} stroke:#1565c0,stroke-width:2px`);
    }
    if (!g.removed.isEmpty()) {
      lines.push(`  ${id(g.src)} -.->|"- ${label(short(g.removed))}"| ${id(g.dst)}`);
      styles.push(`  linkStyle ${edge++} stroke:#c62828,stroke-width:2px`);
    }
  }
  return [...lines, ...styles, "```", ""];
}

function flowTables(o: Out, diff: DiffResult, d: Detail, why: (i: number) => string): void {
  const groups = diff.groups.slice(0, d.groups);
  o.push("| from namespace | to namespace | opened (newly allowed) | closed (newly denied) | pairs |", "|---|---|---|---|---:|");
  for (const g of groups) o.push(`| ${esc(g.src)} | ${esc(g.dst)} | ${esc(g.added.isEmpty() ? "" : short(g.added))} | ${esc(g.removed.isEmpty() ? "" : short(g.removed))} | ${g.pairs} |`);
  o.shown(groups.length, diff.groups.length, "namespace pairs");
  o.push("");
  if (d.mermaid && diff.groups.length <= 40) o.push(...mermaid(diff));
  const total = changedPairs(diff);
  if (d.pairs === 0) {
    o.shown(0, total, "endpoint pairs");
    o.push("");
    return;
  }
  const rows = diff.changes.slice(0, d.pairs);
  const what = rows.length < total ? `First ${rows.length} of ${total} endpoint pairs` : total === 1 ? "The endpoint pair" : `All ${total} endpoint pairs`;
  details(o, `${what}, with the rule deciding ${total === 1 ? "it" : "each"} before and after`, () => {
    o.push("| from | to | opened | closed | deciding rule: before → after |", "|---|---|---|---|---|");
    rows.forEach((c, i) => o.push(`| ${esc(c.src)} | ${esc(c.dst)} | ${esc(c.added.isEmpty() ? "" : short(c.added))} | ${esc(c.removed.isEmpty() ? "" : short(c.removed))} | ${esc(cut(why(i), 600))} |`));
    o.shown(rows.length, total, "endpoint pairs");
  });
}

function viewSection(o: Out, v: ViewReview, d: Detail): void {
  const title = `Flows ${VIEW_TITLES[v.view]}`;
  if (v.sameAsEnforced === true) {
    o.push(`#### ${title}: no staged policy on either side (the same as enforced now)`, "");
    return;
  }
  const n = changedPairs(v.diff);
  if (n === 0) {
    o.push(`#### ${title}: no change in allowed flows`, "");
    return;
  }
  const gain = v.diff.changes.filter((c) => !c.added.isEmpty()).length;
  const lose = v.diff.changes.filter((c) => !c.removed.isEmpty()).length;
  o.push(`#### ${title}: ${n} endpoint pair${n === 1 ? " changes" : "s change"}`, "");
  o.push(`Opened (gain connections): ${gain}; closed (lose connections): ${lose}${v.diff.omitted > 0 ? ` of the ${v.diff.changes.length} listed; ${v.diff.omitted} more are counted in the namespace roll-up only` : ""}.`, "");
  flowTables(o, v.diff, d, (i) => whyLine(v.diff.changes[i]!));
}

function upgradeSection(o: Out, u: UpgradeImpact, d: Detail, first: boolean): void {
  const n = changedPairs(u.diff);
  o.push(`#### Upgrade impact ${VIEW_TITLES[u.view]}: Calico ${u.from.label} → ${u.to.label}, ${n === 0 ? "no flow changes" : `${n} endpoint pair${n === 1 ? " changes" : "s change"}`}`, "");
  o.push(`The same objects (this change's) evaluated under both versions' semantics.`, "");
  if (u.versionChanges.length === 0) o.push(u.from.minor === u.to.minor ? `- Same minor (${u.from.minor}): no semantic change.` : "- No documented semantic change between these minors.");
  else if (!first) o.push(`- The ${u.versionChanges.length} version changes listed above.`);
  else {
    o.push(`The documented semantic changes from ${u.from.minor} to ${u.to.minor}:`, "");
    for (const c of u.versionChanges) o.push(`- **${esc(c.title)}** (\`${c.id}\`): ${esc(c.description)} _Source: ${esc(c.source)}._`);
  }
  o.push("");
  if (u.versionChanges.some((c) => c.id === "policy-order-tie-break")) o.push(`Order ties: ${esc(tiesText(u))}.`, "");
  if (u.differences.length === 0) o.push("None of these touches this change's objects.", "");
  else {
    o.push("What differs for these objects:", "");
    for (const x of u.differences.slice(0, Math.max(d.upgrade, 5))) o.push(`- ${esc(describeDifference(x, u.from, u.to))}${x.change === undefined ? "" : ` (\`${x.change}\`)`}`);
    o.shown(Math.min(u.differences.length, Math.max(d.upgrade, 5)), u.differences.length, "differences");
    o.push("");
  }
  if (n > 0) {
    flowTables(o, u.diff, { ...d, pairs: d.upgrade, mermaid: false }, (i) => `${whyLine(u.diff.changes[i]!)}; ${reasonLines(u, i).join("; ")}`);
  }
}

function render(r: Review, d: Detail, artifact: string | undefined): Out {
  const o = new Out();
  const icon = r.status === "unsafe" ? "❌" : r.status === "no-change" ? "✅" : "📝";
  o.push(`### ${icon} ${esc(r.title)}: ${esc(reviewSummary(r))}`, "");
  o.push(`\`${esc(r.before.label)}\` (Calico ${r.before.version.label}, ${r.before.staged} staged) → \`${esc(r.after.label)}\` (Calico ${r.after.version.label}, ${r.after.staged} staged).`, "");
  if (r.broken.length > 0) {
    o.push("#### ❌ Lockout invariants broken after the change", "", "| invariant | view | | what | first denied flow | decided by |", "|---|---|---|---|---|---|");
    for (const b of r.broken) {
      const f = b.result.failures[0];
      const by = f === undefined ? "" : describeDecision(!f.egress.allowed ? f.egress.decision : f.ingress.decision);
      o.push(`| \`${b.result.invariant.name}\` | ${VIEW_TITLES[b.view]} | ${b.alreadyBroken ? "already broken" : "**newly broken**"} | ${esc(b.result.invariant.description)} (${b.result.invariant.protocol} ${b.result.invariant.port}) | ${f === undefined ? esc(b.result.unchecked ?? "") : esc(`${f.src} → ${f.dst}`)} | ${esc(cut(by, 300))} |`);
    }
    o.push("");
  }
  const ob = r.objects;
  const count = ob.removed.length + ob.added.length + ob.changed.length;
  o.push(`#### Objects: ${ob.removed.length} removed, ${ob.added.length} added, ${ob.changed.length} changed (${ob.unchanged} unchanged)`, "");
  if (count > 0) {
    const rows: string[] = [];
    for (const x of ob.removed) rows.push(`| removed | \`${esc(x.id)}\` | ${esc(x.file ?? "")} | |`);
    for (const x of ob.added) rows.push(`| added | \`${esc(x.id)}\` | ${esc(x.file ?? "")} | |`);
    for (const c of ob.changed) {
      const f = d.fields === 0 ? `${c.fields.length} fields` : fieldLines(c, d.fields).map((l) => esc(cut(l, 200))).join("<br>");
      rows.push(`| ${c.promotion ?? "changed"} | \`${esc(c.promotion === undefined ? c.after.id : `${c.before.id} → ${c.after.id}`)}\` | ${esc(c.after.file ?? "")} | ${f} |`);
    }
    const body = (): void => {
      o.push("| change | object | file | fields (before → after) |", "|---|---|---|---|");
      o.push(...rows.slice(0, d.objects));
      o.shown(Math.min(rows.length, d.objects), rows.length, "objects");
    };
    if (rows.length > 10) details(o, `${count} objects`, body);
    else {
      body();
      o.push("");
    }
  }
  // An upgrade review's views are its upgrade impact, shown once below with the reasons.
  if (!r.upgradeOnly) for (const v of r.views) viewSection(o, v, d);
  (r.upgrade ?? []).forEach((u, i) => upgradeSection(o, u, d, i === 0));
  if (r.synced !== undefined) {
    const s = r.synced;
    o.push(`#### Rules of this change that refer to synced network sets (${s.marks.length})`, "");
    o.push(`Kept in step with Consul: ${s.sets.map((x) => `\`${esc(x.name)}\` (${esc(syncedSetFacts(x))})`).join("; ")}.`, "");
    o.push("| policy | rule | set | if the set empties | why |", "|---|---|---|---|---|");
    const rows = s.marks.slice(0, Math.max(d.objects, 5));
    for (const m of rows) o.push(`| ${esc(`${m.policy}${m.staged ? " (staged)" : ""}`)} | ${esc(`${m.direction}[${m.rule}] ${m.action} ${m.side}${m.match === "notSelector" ? " notSelector" : ""}`)} | ${esc(m.set)} | ${esc(m.ifEmpty)} | ${esc(cut(m.why, 300))} |`);
    o.shown(rows.length, s.marks.length, "rules");
    o.push("");
  }
  if (r.problems.length > 0) {
    details(o, `Not analysed (${r.problems.length})`, () => {
      const ps = r.problems.slice(0, d.problems);
      for (const p of ps) o.push(`- ${esc(cut(`${[p.file, p.object].filter((x) => x !== undefined).join(" ")} \`${p.path}\`: ${p.message}. ${p.hint}`.trim(), 400))}`);
      o.shown(ps.length, r.problems.length, "problems");
    });
  }
  if (o.trimmed > 0) o.push(`_Trimmed to fit a GitHub comment. The complete report${artifact === undefined ? " is printed by `calico-baseline diff --format text` (or `--format json`)" : ` is the workflow artifact \`${artifact}\``}._`);
  return o;
}

export interface ReviewMarkdownOptions {
  /** Hard limit on the comment's length in characters (default 60,000; GitHub's own is 65,536). */
  readonly maxChars?: number;
  /** Where the complete report is (e.g. the workflow artifact name), named when the comment is trimmed. */
  readonly artifact?: string;
}

export function renderReviewMarkdown(r: Review, opts: ReviewMarkdownOptions = {}): string {
  const max = opts.maxChars ?? DEFAULT_MD_MAX_CHARS;
  let text = "";
  for (const d of LEVELS) {
    text = `${render(r, d, opts.artifact).lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
    if (text.length <= max) return text;
  }
  // Even the smallest level is too long (thousands of objects or invariants): cut it, saying so.
  const note = `\n\n_Cut at ${max} characters to fit a GitHub comment; see the complete report${opts.artifact === undefined ? "" : ` (\`${opts.artifact}\`)`}._\n`;
  const room = Math.max(0, max - note.length);
  const head = text.slice(0, room);
  return `${head.slice(0, Math.max(head.lastIndexOf("\n"), 0))}${note}`.slice(0, max);
}
