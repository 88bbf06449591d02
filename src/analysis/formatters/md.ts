/**
 * Markdown for pull-request comments: a summary, tables, and a Mermaid graph of namespace
 * connectivity (GitHub renders ```mermaid blocks). Deterministic: same input, same bytes.
 */
import type { ConnSet } from "../connset.js";
import type { DiffResult } from "../diff.js";
import type { FlowResult } from "../evaluate.js";
import type { Report } from "../report.js";
import { exposedName } from "../node-ports.js";
import { describeDecision, syncedSetFacts, verdictLine } from "./text.js";

const MAX_CELL = 60;
const MAX_ROWS = 200;

function esc(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function short(c: ConnSet): string {
  const t = c.toString();
  return t.length > MAX_CELL ? `${t.slice(0, MAX_CELL - 1)}…` : t;
}

function nodeId(name: string, ids: Map<string, string>): string {
  let id = ids.get(name);
  if (id === undefined) {
    id = `n${ids.size}`;
    ids.set(name, id);
  }
  return id;
}

function mermaidLabel(s: string): string {
  return s.replace(/"/g, "'");
}

/** A Mermaid graph of allowed namespace-to-namespace connections. */
export function mermaidGraph(names: readonly string[], matrix: readonly (readonly ConnSet[])[]): string {
  const ids = new Map<string, string>();
  const lines = ["```mermaid", "graph LR"];
  for (const n of names) lines.push(`  ${nodeId(n, ids)}["${mermaidLabel(n)}"]`);
  names.forEach((s, i) =>
    names.forEach((d, j) => {
      const c = matrix[i]![j]!;
      if (c.isEmpty() || (s === "(external)" && d === "(external)")) return;
      lines.push(`  ${nodeId(s, ids)} -->|"${mermaidLabel(short(c))}"| ${nodeId(d, ids)}`);
    }),
  );
  lines.push("```");
  return lines.join("\n");
}

function explainCell(r: FlowResult | undefined): string {
  return r === undefined ? "" : esc(verdictLine(r));
}

export function renderMarkdownDiff(diff: DiffResult, title = "Policy change: effect on allowed flows"): string {
  const lines: string[] = [`### ${title}`, ""];
  const total = diff.changes.length + diff.omitted;
  if (total === 0) {
    lines.push("No change in allowed flows.");
    return lines.join("\n");
  }
  const added = diff.changes.filter((c) => !c.added.isEmpty()).length;
  const removed = diff.changes.filter((c) => !c.removed.isEmpty()).length;
  lines.push(`**${total}** endpoint pair${total === 1 ? " changes" : "s change"}: **${added}** gain${added === 1 ? "s" : ""} connections, **${removed}** lose${removed === 1 ? "s" : ""} connections${diff.omitted > 0 ? ` (${diff.omitted} not listed)` : ""}.`, "");
  lines.push("| from namespace | to namespace | newly allowed | newly denied | pairs |", "|---|---|---|---|---|");
  for (const g of diff.groups) lines.push(`| ${esc(g.src)} | ${esc(g.dst)} | ${esc(g.added.isEmpty() ? "" : short(g.added))} | ${esc(g.removed.isEmpty() ? "" : short(g.removed))} | ${g.pairs} |`);
  lines.push("", "```mermaid", "graph LR");
  const ids = new Map<string, string>();
  const names = [...new Set(diff.groups.flatMap((g) => [g.src, g.dst]))];
  for (const n of names) lines.push(`  ${nodeId(n, ids)}["${mermaidLabel(n)}"]`);
  let edge = 0;
  const styles: string[] = [];
  for (const g of diff.groups) {
    if (!g.added.isEmpty()) {
      lines.push(`  ${nodeId(g.src, ids)} -->|"+ ${mermaidLabel(short(g.added))}"| ${nodeId(g.dst, ids)}`);
      styles.push(`  linkStyle ${edge++} stroke:#2e7d32,stroke-width:2px`);
    }
    if (!g.removed.isEmpty()) {
      lines.push(`  ${nodeId(g.src, ids)} -.->|"- ${mermaidLabel(short(g.removed))}"| ${nodeId(g.dst, ids)}`);
      styles.push(`  linkStyle ${edge++} stroke:#c62828,stroke-width:2px`);
    }
  }
  lines.push(...styles, "```", "");
  lines.push("| from | to | newly allowed | newly denied | why (before → after) |", "|---|---|---|---|---|");
  for (const c of diff.changes.slice(0, MAX_ROWS)) {
    const why = c.explanation === undefined ? "" : `${explainCell(c.explanation.before)} → ${explainCell(c.explanation.after)}`;
    lines.push(`| ${esc(c.src)} | ${esc(c.dst)} | ${esc(c.added.isEmpty() ? "" : short(c.added))} | ${esc(c.removed.isEmpty() ? "" : short(c.removed))} | ${why} |`);
  }
  if (diff.changes.length > MAX_ROWS) lines.push("", `_${diff.changes.length - MAX_ROWS} more pairs not shown; see the JSON output._`);
  return lines.join("\n");
}

/** ` · enforcing the staged policies changes N pairs` for the summary line (empty with nothing staged). */
function stagedSummary(report: Report): string {
  const d = report.staged;
  if (d === undefined) return "";
  const total = d.changes.length + d.omitted;
  return total === 0 ? " (enforcing them changes no flow)" : ` (enforcing them changes **${total}** endpoint pair${total === 1 ? "" : "s"}, see below)`;
}

/**
 * Per node port / host port the inventory knows: which outside sources reach it (through every node it
 * listens on), and what stops the others (node-ports.ts: pre-DNAT policy at the node, then the pod's policy).
 */
function exposureSection(report: Report): string[] {
  const lines = ["", "### North-south exposure (node ports and host ports)", ""];
  if (report.exposure.length === 0) {
    lines.push("No node port or host port in the inventory (declare `nodePort`/`hostPort` on a workload port, or add NodePort Services).");
    return lines;
  }
  lines.push("| port | via | backends | reachable from outside | not reachable (first denial) |", "|---|---|---|---|---|");
  for (const row of report.exposure) {
    const e = row.exposed;
    const ok = row.sources.filter((x) => x.allowed).map((x) => x.src);
    const no = row.sources.filter((x) => !x.allowed).map((x) => `${x.src}: ${x.deniedBy ?? ""}`);
    lines.push(`| ${esc(`${e.kind} ${exposedName(e)}`)} | ${esc(e.via)} | ${esc(e.backends.map((b) => `${b.endpoint.ref}:${b.port}`).join(", "))} | ${esc(ok.length === 0 ? "nobody" : ok.join("; "))} | ${esc(no.length === 0 ? "" : no.join("; "))} |`);
  }
  return lines;
}

/** Rules that name a set the Consul sync keeps in step, and what an emptied set does to each (synced-sets.ts). */
function syncedSection(report: Report): string[] {
  const s = report.synced;
  if (s === undefined) return [];
  const lines = ["", "### Synced network sets (Consul)", ""];
  lines.push(`Sets kept in step with Consul: ${s.sets.map((x) => `\`${x.name}\` (${syncedSetFacts(x)})`).join("; ")}.`, "");
  if (s.marks.length === 0) {
    lines.push("No rule refers to them.");
    return lines;
  }
  lines.push("| policy | rule | set | if the set empties | why |", "|---|---|---|---|---|");
  for (const m of s.marks) {
    const also = m.match === "selector" && m.alsoSelects > 0 ? ` (the selector keeps matching ${m.alsoSelects} other endpoint(s)/set(s))` : "";
    lines.push(`| ${esc(`${m.policy}${m.staged ? " (staged)" : ""}`)} | ${esc(`${m.direction}[${m.rule}] ${m.action} ${m.side}${m.match === "notSelector" ? " notSelector" : ""}`)} | ${esc(m.set)} | ${esc(m.ifEmpty)} | ${esc(`${m.why}${also}`)} |`);
  }
  return lines;
}

export function renderMarkdownReport(report: Report): string {
  const m = report.model;
  const workloads = m.endpoints.filter((e) => e.kind === "workload").length;
  const hosts = m.endpoints.filter((e) => e.kind === "host").length;
  const byTier = new Map<string, number>();
  for (const p of m.policies) byTier.set(p.tier, (byTier.get(p.tier) ?? 0) + 1);
  // An invariant broken in both views is one broken invariant; say which view breaks it.
  const brokenEnforced = new Set(report.invariants.filter((r) => r.status === "fail").map((r) => r.invariant.name));
  const brokenStaged = new Set((report.stagedInvariants ?? []).filter((r) => r.status === "fail").map((r) => r.invariant.name));
  const broken = [...new Set([...brokenEnforced, ...brokenStaged])];
  const where = (n: string): string => (brokenEnforced.has(n) ? (brokenStaged.has(n) || report.stagedInvariants === undefined ? "" : " (enforced only)") : " (once staged policies are enforced)");
  const lines: string[] = [`## ${report.title}`, ""];
  lines.push(
    `${broken.length === 0 ? "✅ all lockout invariants hold" : `❌ **${broken.length} lockout invariant${broken.length === 1 ? "" : "s"} broken**: ${broken.map((n) => `\`${n}\`${where(n)}`).join(", ")}`} · ${workloads} workloads, ${hosts} hosts, ${m.inventory.namespaces.length} namespaces · ${m.policies.length} enforced policies (${m.tiers
      .filter((t) => byTier.has(t.name))
      .map((t) => `${t.name}: ${byTier.get(t.name)}`)
      .join(", ")}) · ${m.policyModel.staged.length} staged${stagedSummary(report)}`,
    "",
  );
  const staged = report.stagedInvariants;
  lines.push(
    "### Lockout invariants",
    "",
    `| invariant | status |${staged === undefined ? "" : " staged enforced |"} flows | what | first denied flow |`,
    `|---|---|${staged === undefined ? "" : "---|"}---|---|---|`,
  );
  const icon = (st: string): string => (st === "pass" ? "✅ pass" : st === "fail" ? "❌ fail" : st === "waived" ? "⚠️ waived" : "➖ n/a");
  report.invariants.forEach((r, i) => {
    const s = staged?.[i];
    const first = r.failures[0] ?? s?.failures[0];
    lines.push(
      `| \`${r.invariant.name}\` | ${icon(r.status)} |${s === undefined ? "" : ` ${icon(s.status)} |`} ${r.checked} | ${esc(r.invariant.description)} (${r.invariant.protocol} ${r.invariant.port}) | ${first === undefined ? esc(r.unchecked ?? s?.unchecked ?? "") : esc(`${first.src} → ${first.dst}: ${describeDecision(!first.egress.allowed ? first.egress.decision : first.ingress.decision)}`)} |`,
    );
  });
  lines.push(...exposureSection(report));
  lines.push(...syncedSection(report));
  lines.push("", "### Namespace connectivity (enforced)", "", mermaidGraph(report.groups.names, report.groups.matrix), "");
  lines.push("| from \\ to | allowed destinations |", "|---|---|");
  report.groups.names.forEach((s, i) => {
    const cells = report.groups.names
      .map((d, j) => ({ d, c: report.groups.matrix[i]![j]! }))
      .filter(({ d, c }) => !c.isEmpty() && !(s === "(external)" && d === "(external)"))
      .map(({ d, c }) => `${d}: ${short(c)}`);
    lines.push(`| ${esc(s)} | ${esc(cells.length === 0 ? "nothing" : cells.join("; "))} |`);
  });
  // Stop reading pairs after the table is full: a big cluster has hundreds of millions.
  const pairs: Array<{ src: string; dst: string; conns: ConnSet }> = [];
  let more = false;
  for (const p of report.connectivity.pairs()) {
    if (p.src.kind === "external" || p.dst.kind === "external") continue;
    if (pairs.length === MAX_ROWS) {
      more = true;
      break;
    }
    pairs.push({ src: p.src.id, dst: p.dst.id, conns: p.conns });
  }
  lines.push("", `### Workload connectivity (${more ? `first ${MAX_ROWS}` : pairs.length} allowed pairs, externals omitted)`, "");
  if (pairs.length > 0) {
    // Collapsed: the long list must not push the staged-policy diff out of a reviewer's sight.
    // (GitHub needs the blank line after <summary> to render the table inside <details>.)
    lines.push("<details><summary>Every allowed workload pair</summary>", "");
    lines.push("| from | to | allowed |", "|---|---|---|");
    for (const p of pairs) lines.push(`| ${esc(p.src)} | ${esc(p.dst)} | ${esc(short(p.conns))} |`);
    if (more) lines.push("", "_More pairs not shown; see `calico-baseline report --format json`._");
    lines.push("", "</details>");
  }
  if (report.staged !== undefined) {
    lines.push("", renderMarkdownDiff(report.staged, "If the staged policies were enforced"));
  }
  if (report.notEnforced !== undefined) {
    lines.push("", renderMarkdownDiff(report.notEnforced.diff, `Not enforced by Calico ${report.notEnforced.calicoMinor}: what ${report.notEnforced.policies.join(", ")} would decide`));
  }
  // The admin-policy lint (src/analysis/admin-lint.ts) carries an id; everything else could not be analysed.
  const lint = report.problems.filter((p) => "id" in p);
  const notAnalysed = report.problems.filter((p) => !("id" in p));
  if (lint.length > 0) {
    lines.push("", "### Admin policy lint", "");
    for (const p of lint) lines.push(`- ${esc(`\`${String((p as { id: unknown }).id)}\` ${[p.file, p.object].filter((x) => x !== undefined).join(" ")} \`${p.path}\`: ${p.message}. ${p.hint}`.trim())}`);
  }
  if (notAnalysed.length > 0) {
    lines.push("", "### Not analysed", "");
    for (const p of notAnalysed) lines.push(`- ${esc(`${[p.file, p.object].filter((x) => x !== undefined).join(" ")} \`${p.path}\`: ${p.message}. ${p.hint}`.trim())}`);
  }
  return `${lines.join("\n")}\n`;
}
