/** Plain-text rendering: explain trails, reports and diffs for terminals and test failures. */
import { protocolName } from "../connset.js";
import type { DiffResult } from "../diff.js";
import type { Decision, DirectionResult, FlowResult } from "../evaluate.js";
import { type InvariantResult, failureCount } from "../invariants.js";
import type { Report } from "../report.js";
import type { SyncedRuleMark, SyncedSet } from "../synced-sets.js";

export function describeDecision(d: Decision): string {
  switch (d.by) {
    case "rule":
      // Kubernetes admin policies are named by the Calico tier they land in: `kube-admin › ClusterNetworkPolicy/x rule 0`.
      if (/^(ClusterNetworkPolicy|AdminNetworkPolicy|BaselineAdminNetworkPolicy)\//.test(d.policy)) return `${d.action} by ${d.tier} › ${d.policy} rule ${d.rule}: ${d.ruleText}`;
      return `${d.action} by ${d.policy} rule ${d.rule} (tier ${d.tier}${d.stage === "normal" ? "" : `, ${d.stage}`}): ${d.ruleText}`;
    case "end-of-tier":
      return `Deny at the end of tier ${d.tier} (it selects the endpoint but nothing allowed or passed the flow)`;
    case "profile":
      return d.allow ? `Allow by profile ${d.profile} (no tier decided)` : `Deny: no tier decided and no profile allows`;
    case "failsafe":
      return `Allow by failsafe port ${d.port}`;
    case "not-policed":
      return `Allow: ${d.reason}`;
  }
}

function side(label: string, r: DirectionResult): string[] {
  const lines = [`  ${label} ${r.endpoint === undefined ? "(not policed)" : `at ${r.endpoint}`}: ${r.allowed ? "ALLOW" : "DENY"} — ${describeDecision(r.decision)}`];
  for (const s of r.steps) lines.push(`    - ${s.text}`);
  return lines;
}

/** One flow with both directions' trails. */
export function formatExplain(r: FlowResult): string {
  const port = r.protocol === "TCP" || r.protocol === "UDP" || r.protocol === "SCTP" || r.protocol === "UDPLite" ? ` ${r.port}` : r.port === 0 ? "" : ` ${r.port}`;
  return [`${r.src} -> ${r.dst} ${r.protocol}${port}: ${r.allowed ? "ALLOWED" : "DENIED"}`, ...side("egress", r.egress), ...side("ingress", r.ingress)].join("\n");
}

export function formatInvariantFailure(r: InvariantResult, when?: string): string {
  const head = `lockout invariant "${r.invariant.name}" is broken${when === undefined ? "" : ` ${when}`}: ${r.invariant.description} (${r.invariant.protocol} ${r.invariant.port}); ${failureCount(r)}. Waive it by name in the stack config (policies.waivers) only if that is intended.`;
  return [head, ...r.failures.slice(0, 3).map((f) => formatExplain(f).replace(/^/gm, "  "))].join("\n");
}

export function formatReportText(report: Report): string {
  const lines: string[] = [report.title, ""];
  const m = report.model;
  lines.push(`endpoints: ${m.endpoints.filter((e) => e.kind === "workload").length} workloads, ${m.endpoints.filter((e) => e.kind === "host").length} hosts; policies: ${m.policies.length} enforced, ${m.policyModel.staged.length} staged`);
  lines.push("", "lockout invariants:");
  report.invariants.forEach((r, i) => {
    const st = report.stagedInvariants?.[i];
    lines.push(`  ${r.status.toUpperCase().padEnd(14)} ${r.invariant.name} — ${r.invariant.description}${r.unchecked === undefined ? "" : ` (${r.unchecked})`}${st !== undefined && st.status !== r.status ? ` (once staged policies are enforced: ${st.status.toUpperCase()})` : ""}`);
  });
  if (report.exposure.length > 0) {
    lines.push("", "north-south exposure (node ports and host ports, from outside the cluster):");
    for (const row of report.exposure) {
      const e = row.exposed;
      lines.push(`  ${e.kind} ${protocolName(e.protocol)} ${e.port} (${e.via}):`);
      for (const x of row.sources) lines.push(`    ${x.allowed ? "reachable" : "denied   "} from ${x.src}${x.deniedBy === undefined ? "" : ` by ${x.deniedBy}`}`);
    }
  }
  if (report.synced !== undefined) lines.push("", ...syncedText(report.synced));
  lines.push("", "connectivity (allowed, by namespace):");
  const { names, matrix } = report.groups;
  names.forEach((s, i) =>
    names.forEach((d, j) => {
      const c = matrix[i]![j]!;
      if (!c.isEmpty()) lines.push(`  ${s} => ${d} : ${c.toString()}`);
    }),
  );
  if (report.staged !== undefined) {
    lines.push("", `enforcing the staged policies would change ${report.staged.changes.length + report.staged.omitted} flows:`);
    lines.push(...formatDiffText(report.staged).split("\n").map((l) => `  ${l}`));
  }
  if (report.notEnforced !== undefined) {
    const n = report.notEnforced;
    lines.push("", `not enforced by Calico ${n.calicoMinor}: ${n.policies.join(", ")} would change ${n.diff.changes.length + n.diff.omitted} flows:`);
    lines.push(...formatDiffText(n.diff).split("\n").map((l) => `  ${l}`));
  }
  for (const p of report.problems) lines.push(`warning: ${[p.file, p.object, p.path].filter((x) => x !== undefined && x !== "").join(" ")}: ${p.message}. ${p.hint}`);
  return lines.join("\n");
}

/** What the reports say of a synced set: `Consul postgres, 3 addresses, 1 pending removal`. */
export function syncedSetFacts(s: SyncedSet): string {
  return [
    ...(s.service === undefined ? [] : [`Consul ${s.service}`]),
    s.addresses === undefined ? "addresses unknown offline" : `${s.addresses} address${s.addresses === 1 ? "" : "es"}`,
    ...(s.pendingRemovals === undefined || s.pendingRemovals === 0 ? [] : [`${s.pendingRemovals} pending removal${s.pendingRemovals === 1 ? "" : "s"}`]),
    ...(s.declared ? [] : ["not in the stack's networkSetSync"]),
  ].join(", ");
}

/** One mark: `GlobalNetworkPolicy/x egress[1] Allow destination selector → consul-postgres: fails closed (...)`. */
export function syncedMarkLine(m: SyncedRuleMark): string {
  const also = m.match === "selector" && m.alsoSelects > 0 ? `; the selector also matches ${m.alsoSelects} other endpoint(s)/set(s), which it keeps matching` : "";
  return `${m.policy}${m.staged ? " (staged)" : ""} ${m.direction}[${m.rule}] ${m.action} ${m.side} ${m.match} → ${m.set}: ${m.ifEmpty} (${m.why}${also})`;
}

function syncedText(s: NonNullable<Report["synced"]>): string[] {
  const lines = ["synced network sets (kept in step with Consul; what each rule does if its set empties):", ...s.sets.map((x) => `  set ${x.name} (${syncedSetFacts(x)})`)];
  if (s.marks.length === 0) lines.push("  no rule refers to them");
  for (const m of s.marks) lines.push(`  ${syncedMarkLine(m)}`);
  return lines;
}

export function formatDiffText(diff: DiffResult): string {
  if (diff.changes.length === 0 && diff.omitted === 0) return "no change in allowed flows";
  const lines: string[] = [];
  for (const c of diff.changes) {
    if (!c.added.isEmpty()) lines.push(`+ ${c.src} => ${c.dst} : ${c.added.toString()}`);
    if (!c.removed.isEmpty()) lines.push(`- ${c.src} => ${c.dst} : ${c.removed.toString()}`);
    if (c.explanation !== undefined) {
      const e = c.explanation;
      lines.push(`    ${protocolName(e.protocol)} ${e.port}: before ${verdictLine(e.before)}; after ${verdictLine(e.after)}`);
    }
  }
  if (diff.omitted > 0) lines.push(`... and ${diff.omitted} more pairs (see the namespace roll-up)`);
  return lines.join("\n");
}

/** The deciding reason, the denying side first. */
export function verdictLine(r: FlowResult): string {
  const decisive = !r.egress.allowed ? r.egress : !r.ingress.allowed ? r.ingress : r.ingress.decision.by === "rule" ? r.ingress : r.egress.decision.by === "rule" ? r.egress : r.ingress;
  return `${r.allowed ? "allowed" : "denied"} (${decisive.direction}: ${describeDecision(decisive.decision)})`;
}
