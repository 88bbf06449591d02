/**
 * JSON output. The shapes are a stable, documented interface (docs/analysis.md): field names never
 * change within a `version`; new fields may be added. Connection sets are `"all"` or
 * `{ "<PROTOCOL>": [[from, to], ...] }` with inclusive port ranges (ICMP: `type*256+code`).
 */
import { protocolName } from "../connset.js";
import type { DiffResult } from "../diff.js";
import type { DirectionResult, FlowResult } from "../evaluate.js";
import type { Report } from "../report.js";

export const REPORT_FORMAT = "calico-baseline/report";
export const DIFF_FORMAT = "calico-baseline/diff";
export const EXPLAIN_FORMAT = "calico-baseline/explain";
export const MAX_PAIRS = 100_000;

function side(r: DirectionResult): unknown {
  return { direction: r.direction, endpoint: r.endpoint ?? null, allowed: r.allowed, decision: r.decision, steps: r.steps };
}

export function flowJson(r: FlowResult): unknown {
  return { src: r.src, dst: r.dst, protocol: r.protocol, port: r.port, allowed: r.allowed, egress: side(r.egress), ingress: side(r.ingress) };
}

export function explainJson(results: readonly FlowResult[]): string {
  return `${JSON.stringify({ format: EXPLAIN_FORMAT, version: 1, flows: results.map(flowJson) }, null, 2)}\n`;
}

function diffBody(diff: DiffResult): unknown {
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

export function diffJson(diff: DiffResult): string {
  return `${JSON.stringify({ format: DIFF_FORMAT, version: 1, ...(diffBody(diff) as object) }, null, 2)}\n`;
}

export function reportJson(report: Report): string {
  const m = report.model;
  // At most MAX_PAIRS pairs are listed (`connectivityTruncated` says when more exist); the namespace
  // roll-up is always complete.
  const pairs: Array<{ src: { id: string; kind: string }; dst: { id: string; kind: string }; conns: { toJSON(): unknown } }> = [];
  let truncated = false;
  for (const p of report.connectivity.pairs()) {
    if (pairs.length === MAX_PAIRS) {
      truncated = true;
      break;
    }
    pairs.push(p);
  }
  const body = {
    format: REPORT_FORMAT,
    version: 1,
    summary: {
      namespaces: m.inventory.namespaces.length,
      workloads: m.endpoints.filter((e) => e.kind === "workload").length,
      hosts: m.endpoints.filter((e) => e.kind === "host").length,
      enforcedPolicies: m.policies.length,
      stagedPolicies: m.policyModel.staged.length,
      tiers: m.tiers.map((t) => ({ name: t.name, order: Number.isFinite(t.order) ? t.order : null, defaultAction: t.defaultAction, policies: m.policies.filter((p) => p.tier === t.name).length })),
    },
    invariants: report.invariants.map((r, i) => {
      const s = report.stagedInvariants?.[i];
      return {
        name: r.invariant.name,
        description: r.invariant.description,
        protocol: r.invariant.protocol,
        port: r.invariant.port,
        status: r.status,
        checked: r.checked,
        failures: r.failures.map(flowJson),
        ...(r.unchecked === undefined ? {} : { unchecked: r.unchecked }),
        staged: s === undefined ? null : { status: s.status, checked: s.checked, failures: s.failures.map(flowJson), ...(s.unchecked === undefined ? {} : { unchecked: s.unchecked }) },
      };
    }),
    namespaces: report.groups.names.flatMap((s, i) => report.groups.names.map((d, j) => ({ src: s, dst: d, allowed: report.groups.matrix[i]![j]!.toJSON() })).filter((x) => !(typeof x.allowed === "object" && Object.keys(x.allowed).length === 0))),
    connectivity: pairs.map((p) => ({ src: p.src.id, dst: p.dst.id, srcKind: p.src.kind, dstKind: p.dst.kind, allowed: p.conns.toJSON() })),
    connectivityTruncated: truncated,
    staged: report.staged === undefined ? null : diffBody(report.staged),
    ...(report.notEnforced === undefined ? {} : { notEnforced: { calicoMinor: report.notEnforced.calicoMinor, policies: report.notEnforced.policies, diff: diffBody(report.notEnforced.diff) } }),
    problems: report.problems,
    exposure: report.exposure.map((r) => ({
      kind: r.exposed.kind,
      protocol: protocolName(r.exposed.protocol),
      port: r.exposed.port,
      via: r.exposed.via,
      backends: r.exposed.backends.map((b) => ({ endpoint: b.endpoint.id, port: b.port })),
      nodes: r.exposed.nodes.map((n) => n.id),
      sources: r.sources.map((x) => ({ src: x.src, allowed: x.allowed, deniedBy: x.deniedBy ?? null })),
    })),
    // Only when the input has synced sets (the stack's networkSetSync mappings, or owner-labelled sets): sorted by
    // name, the marks by policy, direction, rule, side, match and set (synced-sets.ts).
    ...(report.synced === undefined
      ? {}
      : {
          syncedSets: {
            sets: report.synced.sets.map((s) => ({ name: s.name, service: s.service ?? null, declared: s.declared, labels: s.labels, addresses: s.addresses ?? null, pendingRemovals: s.pendingRemovals ?? null })),
            rules: report.synced.marks.map((x) => ({ policy: x.policy, tier: x.tier, staged: x.staged, direction: x.direction, rule: x.rule, side: x.side, match: x.match, action: x.action, set: x.set, ifEmpty: x.ifEmpty, why: x.why, alsoSelects: x.alsoSelects })),
          },
        }),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
