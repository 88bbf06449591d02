/**
 * Replay report in three formats. `json` is stable and documented in docs/flows.md ("replay JSON");
 * `md` is a pull-request comment; `text` is for terminals. All are deterministic for the same input.
 */
import { formatEndpoint, formatFlow, type DirectionVerdict, type ObservedFlow, type TrailStep } from "./model.js";
import type { PromotionAssessment } from "./promotion.js";
import { type DeniedFlow, type ReplayResult, ruleId } from "./replay.js";

export type ReportFormat = "text" | "md" | "json";
export const REPORT_FORMATS: readonly ReportFormat[] = ["text", "md", "json"];

export interface ReplayReportInput {
  readonly replay: ReplayResult;
  readonly promotion?: PromotionAssessment;
  /** Name of the flow file, shown in the header. */
  readonly flowsFile: string;
  readonly stack?: string;
  /** Limit of denied flows listed per group in text/md (all are in JSON). @default 20 */
  readonly maxPerGroup?: number;
}

/** JSON schema version of the replay report; bump on incompatible change. */
export const REPLAY_JSON_VERSION = 1;

/** The engine's step text already names policy and rule; prefix the tier unless the text names it. */
function step(s: TrailStep): string {
  return s.outcome.includes(`tier ${s.tier}`) ? s.outcome : `${s.tier}: ${s.outcome}`;
}

export function trailText(d: DirectionVerdict): string {
  return d.trail.length === 0 ? "(no policy)" : d.trail.map(step).join(" -> ");
}

function flowJson(f: ObservedFlow) {
  return {
    source: f.source,
    destination: f.destination,
    protocol: f.protocol,
    port: f.port ?? null,
    recordedAction: f.action ?? null,
    recordedPendingAction: f.pendingAction ?? null,
    count: f.count,
    line: f.firstLine,
  };
}

function deniedJson(d: DeniedFlow) {
  const dir = (v: DirectionVerdict) => ({ allowed: v.allowed, trail: v.trail.map((s) => ({ ...s, text: step(s) })) });
  return { flow: flowJson(d.flow), allowedToday: d.allowedToday, deniedAt: d.deniedAt, egress: dir(d.verdict.egress), ingress: dir(d.verdict.ingress) };
}

export function replayToJson(input: ReplayReportInput): string {
  const r = input.replay;
  const doc = {
    version: REPLAY_JSON_VERSION,
    flowsFile: input.flowsFile,
    stack: input.stack ?? null,
    view: r.view,
    totals: r.totals,
    breaking: r.totals.breaking > 0,
    denied: r.denied.map((g) => ({ namespace: g.namespace, app: g.app, flows: g.flows.map(deniedJson) })),
    undecidable: r.undecidable.map((u) => ({ flow: flowJson(u.flow), reason: u.reason })),
    ruleHits: r.ruleHits.map((h) => ({ ...h.rule, id: ruleId(h.rule), connections: h.connections, flows: h.flows })),
    unusedRules: r.unusedRules.map((u) => ruleId(u)),
    promotion: input.promotion ?? null,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function summaryLine(r: ReplayResult): string {
  const t = r.totals;
  return `${t.flows} distinct flows (${t.connections} connections): ${t.allowed} allowed, ${t.denied} denied (${t.breaking} allowed today), ${t.undecidable} undecidable`;
}

export function replayToText(input: ReplayReportInput): string {
  const r = input.replay;
  const max = input.maxPerGroup ?? 20;
  const out: string[] = [];
  out.push(`replay of ${input.flowsFile}${input.stack === undefined ? "" : ` against stack ${input.stack}`} (${r.view} view)`);
  out.push(summaryLine(r));
  if (r.totals.breaking > 0) out.push(`FAIL: ${r.totals.breaking} flow(s) allowed today would be denied`);
  for (const g of r.denied) {
    out.push("", `denied: ${g.namespace} / ${g.app} (${g.flows.length})`);
    for (const d of g.flows.slice(0, max)) {
      out.push(`  ${d.allowedToday ? "BREAKS" : "still denied"}  ${formatFlow(d.flow)}  x${d.flow.count}  (line ${d.flow.firstLine})`);
      if (!d.verdict.egress.allowed) out.push(`    egress:  ${trailText(d.verdict.egress)}`);
      if (!d.verdict.ingress.allowed) out.push(`    ingress: ${trailText(d.verdict.ingress)}`);
    }
    if (g.flows.length > max) out.push(`  ... ${g.flows.length - max} more (see --format json)`);
  }
  if (r.undecidable.length > 0) {
    out.push("", `undecidable (${r.undecidable.length}):`);
    for (const u of r.undecidable.slice(0, max)) out.push(`  ${formatFlow(u.flow)}: ${u.reason}`);
  }
  out.push("", "rule hits (connections / flows):");
  for (const h of r.ruleHits) out.push(`  ${String(h.connections).padStart(9)} ${String(h.flows).padStart(6)}  ${h.rule.tier} ${ruleId(h.rule)} ${h.rule.action}`);
  out.push("", `rules no flow used: ${r.unusedRules.length}`);
  for (const u of r.unusedRules) out.push(`  ${u.tier} ${ruleId(u)} ${u.action}`);
  if (input.promotion !== undefined) out.push("", ...promotionLines(input.promotion, "  "));
  return `${out.join("\n")}\n`;
}

/** The promotion verdict and the commands that promote; `bullet` starts every line after the first. */
function promotionLines(p: PromotionAssessment, bullet: string): string[] {
  const lines = [`promotion: ${p.verdict}`];
  if (p.flowsWithPendingTrace === 0) lines.push(`${bullet}no flow carried a staged (pending) policy trace: only the offline replay was checked`);
  else lines.push(`${bullet}${p.flowsWithPendingTrace} flow(s) carried a pending trace; ${p.recordedPendingDenials} of them recorded a would-be Deny`);
  for (const s of p.staged) lines.push(`${bullet}${s.scope === "stack" ? "stack-wide mode" : `tier ${s.scope}`} is staged; ${p.safe ? "promote with" : "after fixing, promote with"}: \`${s.command}\``);
  return lines;
}

const mdEscape = (s: string): string => s.replace(/\|/g, "\\|");

export function replayToMarkdown(input: ReplayReportInput): string {
  const r = input.replay;
  const max = input.maxPerGroup ?? 20;
  const out: string[] = [];
  out.push(`### Flow replay${input.stack === undefined ? "" : ` (${input.stack})`}`, "");
  // With a promotion verdict the icon is the verdict's (an undecidable flow or a recorded staged Deny is
  // "NOT safe" although nothing breaks offline); without one, whether a flow allowed today breaks.
  const ok = input.promotion === undefined ? r.totals.breaking === 0 : input.promotion.safe;
  out.push(`${ok ? ":white_check_mark:" : ":x:"} ${summaryLine(r)} — \`${input.flowsFile}\`, ${r.view} view.`, "");
  if (input.promotion !== undefined) out.push(...promotionLines(input.promotion, "- ").map((l, i) => (i === 0 ? `**${l}**` : l)), "");
  if (r.denied.length > 0) {
    out.push("#### Denied flows", "");
    for (const g of r.denied) {
      out.push(`<details><summary>${mdEscape(g.namespace)} / ${mdEscape(g.app)} (${g.flows.length})</summary>`, "");
      out.push("| | flow | count | denied by |", "|---|---|---:|---|");
      for (const d of g.flows.slice(0, max)) {
        const trail = [!d.verdict.egress.allowed ? `egress: ${trailText(d.verdict.egress)}` : "", !d.verdict.ingress.allowed ? `ingress: ${trailText(d.verdict.ingress)}` : ""]
          .filter((s) => s !== "")
          .join("<br>");
        out.push(`| ${d.allowedToday ? "breaks" : "still denied"} | \`${mdEscape(formatFlow(d.flow))}\` | ${d.flow.count} | ${mdEscape(trail)} |`);
      }
      if (g.flows.length > max) out.push(`| | ... ${g.flows.length - max} more | | |`);
      out.push("", "</details>", "");
    }
  }
  if (r.undecidable.length > 0) {
    out.push("#### Undecidable flows", "");
    for (const u of r.undecidable.slice(0, max)) out.push(`- \`${mdEscape(formatEndpoint(u.flow.source))} -> ${mdEscape(formatEndpoint(u.flow.destination))}\`: ${u.reason}`);
    out.push("");
  }
  out.push("#### Rule hits", "", "| tier | rule | action | connections | flows |", "|---|---|---|---:|---:|");
  for (const h of r.ruleHits) out.push(`| ${h.rule.tier} | \`${mdEscape(ruleId(h.rule))}\` | ${h.rule.action} | ${h.connections} | ${h.flows} |`);
  out.push("", `Rules no flow used: ${r.unusedRules.length}.`);
  return `${out.join("\n")}\n`;
}

export function formatReplay(input: ReplayReportInput, format: ReportFormat): string {
  switch (format) {
    case "json":
      return replayToJson(input);
    case "md":
      return replayToMarkdown(input);
    case "text":
      return replayToText(input);
  }
}
