/**
 * Replay: every observed flow against a policy set, through a `FlowEvaluator`.
 *
 * Flows repeat massively (one Goldmane record per 15 s aggregation window per endpoint pair), so replay works on
 * deduplicated flows and caches verdicts per (source endpoint class, destination endpoint class, protocol, port):
 * two flows whose ends the evaluator cannot tell apart get the same verdict without a second evaluation.
 */
import { IDENTITY_KEYS } from "./labels.js";
import {
  type FlowEndpoint,
  type FlowEvaluator,
  type FlowVerdict,
  type ObservedFlow,
  type PolicyView,
  type RuleRef,
} from "./model.js";

export interface DeniedFlow {
  readonly flow: ObservedFlow;
  readonly verdict: FlowVerdict;
  /** The cluster allowed it when it was recorded (or the record does not say: observed traffic counts as allowed). */
  readonly allowedToday: boolean;
  /** Which side's policy denied it: egress at the source, ingress at the destination, or both. */
  readonly deniedAt: "egress" | "ingress" | "both";
}

export interface DeniedGroup {
  /** Namespace of the endpoint whose policy denied; `(cluster)` for hosts and global sets, `(external)` for networks. */
  readonly namespace: string;
  /** Application of that endpoint (identity label value, else aggregated name). */
  readonly app: string;
  readonly flows: readonly DeniedFlow[];
}

export interface RuleHits {
  readonly rule: RuleRef;
  /** Connections (flow counts) that matched the rule. */
  readonly connections: number;
  /** Distinct flows that matched the rule. */
  readonly flows: number;
}

export interface UndecidableFlow {
  readonly flow: ObservedFlow;
  readonly reason: string;
}

export interface ReplayResult {
  readonly view: PolicyView;
  readonly totals: {
    /** Distinct flows after deduplication. */
    readonly flows: number;
    readonly connections: number;
    readonly allowed: number;
    readonly denied: number;
    /** Denied now, allowed when recorded: the flows a rollout would break. */
    readonly breaking: number;
    readonly undecidable: number;
    /** Evaluations actually run (the rest came from the verdict cache). */
    readonly evaluations: number;
  };
  /** Denied flows grouped by namespace and app, groups and flows in a stable order. */
  readonly denied: readonly DeniedGroup[];
  readonly undecidable: readonly UndecidableFlow[];
  /** Every rule of the policy set with its hit counts, in policy/direction/index order; unused rules have 0. */
  readonly ruleHits: readonly RuleHits[];
  /** Rules no replayed flow matched. */
  readonly unusedRules: readonly RuleRef[];
}

export function ruleId(r: RuleRef): string {
  return `${r.policy} ${r.direction}[${r.index}]`;
}

/** The app an endpoint belongs to, for grouping. */
export function appOf(e: FlowEndpoint): string {
  for (const k of IDENTITY_KEYS) {
    const v = e.labels[k];
    if (v !== undefined) return v;
  }
  if (e.name !== undefined) return e.name;
  return e.net ?? "-";
}

function namespaceOf(e: FlowEndpoint): string {
  if (e.kind === "network") return "(external)";
  return e.namespace ?? "(cluster)";
}

export interface ReplayOptions {
  /** Which policy view is "proposed". @default "would-be" (staged policies count as enforced) */
  readonly view?: PolicyView;
}

export function replayFlows(flows: readonly ObservedFlow[], evaluator: FlowEvaluator, options: ReplayOptions = {}): ReplayResult {
  const view = options.view ?? "would-be";
  const classes = new Map<FlowEndpoint, string>();
  const classOf = (e: FlowEndpoint): string => {
    let c = classes.get(e);
    if (c === undefined) {
      c = evaluator.endpointClass(e);
      classes.set(e, c);
    }
    return c;
  };
  const cache = new Map<string, FlowVerdict>();
  const hitConnections = new Map<string, number>();
  const hitFlows = new Map<string, number>();
  const groups = new Map<string, { namespace: string; app: string; flows: DeniedFlow[] }>();
  const undecidable: UndecidableFlow[] = [];
  let connections = 0;
  let allowed = 0;
  let denied = 0;
  let breaking = 0;
  let evaluations = 0;

  for (const flow of flows) {
    connections += flow.count;
    const key = `${classOf(flow.source)}\u0000${classOf(flow.destination)}\u0000${flow.protocol}\u0000${flow.port ?? ""}`;
    let verdict = cache.get(key);
    if (verdict === undefined) {
      verdict = evaluator.evaluate(flow, view);
      evaluations++;
      cache.set(key, verdict);
    }
    if (verdict.undecidable !== undefined) {
      undecidable.push({ flow, reason: verdict.undecidable });
      continue;
    }
    // A rule can appear in both directions' hits only if it is the same policy applying to both ends; count
    // it once per flow.
    const seen = new Set<string>();
    for (const r of [...verdict.egress.hits, ...verdict.ingress.hits]) {
      const id = ruleId(r);
      if (seen.has(id)) continue;
      seen.add(id);
      hitConnections.set(id, (hitConnections.get(id) ?? 0) + flow.count);
      hitFlows.set(id, (hitFlows.get(id) ?? 0) + 1);
    }
    if (verdict.allowed) {
      allowed++;
      continue;
    }
    denied++;
    const allowedToday = flow.action !== "Deny";
    if (allowedToday) breaking++;
    const egressDenied = !verdict.egress.allowed;
    const ingressDenied = !verdict.ingress.allowed;
    const deniedAt = egressDenied && ingressDenied ? "both" : egressDenied ? "egress" : "ingress";
    // Group by the endpoint whose policy denied: that is the team that has to act.
    const owner = egressDenied ? flow.source : flow.destination;
    const namespace = namespaceOf(owner);
    const app = appOf(owner);
    const gk = `${namespace}\u0000${app}`;
    let g = groups.get(gk);
    if (g === undefined) {
      g = { namespace, app, flows: [] };
      groups.set(gk, g);
    }
    g.flows.push({ flow, verdict, allowedToday, deniedAt });
  }

  const ruleHits: RuleHits[] = [...evaluator.rules()]
    .sort(compareRules)
    .map((rule) => {
      const id = ruleId(rule);
      return { rule, connections: hitConnections.get(id) ?? 0, flows: hitFlows.get(id) ?? 0 };
    });
  const deniedGroups = [...groups.values()].sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.app, b.app));
  return {
    view,
    totals: { flows: flows.length, connections, allowed, denied, breaking, undecidable: undecidable.length, evaluations },
    denied: deniedGroups,
    undecidable,
    ruleHits,
    unusedRules: ruleHits.filter((h) => h.flows === 0).map((h) => h.rule),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRules(a: RuleRef, b: RuleRef): number {
  return cmp(a.tier, b.tier) || cmp(a.policy, b.policy) || cmp(a.direction, b.direction) || a.index - b.index;
}
