/**
 * Recommendation planning: from observed flows to a plan of staged policies that allow exactly those flows
 * (up to the documented port-merge rules, src/analysis/flows/ports.ts) for one namespace. Pure data; the
 * renderers turn a plan into a TypeScript policy file (recommend-render.ts) or Calico manifests
 * (recommend-manifests.ts).
 *
 * Shape of the recommendation (docs/flows.md, "recommend"):
 * - default: ONE namespace policy in the `application` tier selecting every pod of the namespace, with an
 *   Allow rule per (direction, peer, protocol) and merged ports, ending in an explicit Deny per direction so
 *   the outcome does not depend on the tier's defaultAction (Calico 3.30+ tiers may default to Pass).
 *   Granularity: the namespace (any pod of it may use a flow observed for one of its pods).
 * - `perWorkload`: the namespace policy becomes the outer boundary (same rules, action Pass, then Deny); the
 *   `appsec` tier gets one policy per deployment (selector: its identity labels) with exact Allow rules, and a
 *   namespace-wide `recommended-default-deny` policy (later order, Deny both directions) so a flow that passed
 *   the boundary but no deployment's rules is denied. Granularity: the deployment.
 */
import { parseCidr, formatCidr } from "../../model/net.js";
import { PRIMARY_IDENTITY_KEYS, identityLabels } from "./labels.js";
import { type FlowEndpoint, type FlowEvaluator, type FlowQuery, type FlowVerdict, type ObservedFlow, formatFlow, labelsKey } from "./model.js";
import { protocolHasPorts } from "./import.js";
import { RULE_PORT_PROTOCOLS, protocolNumber } from "../connset.js";
import { type PortMergeOptions, type PortRange, mergePorts, portInRanges, unionRanges } from "./ports.js";

/** Order of the recommended allow/pass policies inside their tier. */
export const RECOMMENDED_POLICY_ORDER = 500;
/** Order of the appsec default-deny policy: after every recommended per-deployment policy. */
export const RECOMMENDED_DENY_ORDER = 10_000;

export type PlannedPeer =
  /** Pods with these labels in `namespace` (no labels: every pod of the namespace). */
  | { readonly kind: "pods"; readonly namespace: string; readonly labels: Readonly<Record<string, string>> }
  /** Host endpoints with these labels (selected with namespaceSelector global()). */
  | { readonly kind: "hosts"; readonly labels: Readonly<Record<string, string>> }
  /** Existing global network sets with these labels. */
  | { readonly kind: "globalNetworkSets"; readonly labels: Readonly<Record<string, string>> }
  /** Existing network sets with these labels in `namespace`. */
  | { readonly kind: "networkSets"; readonly namespace: string; readonly labels: Readonly<Record<string, string>> }
  /**
   * An external address, matched by the rule's own `nets`. Never a NetworkSet the recommendation creates: a set
   * is an enforced object the moment it exists, and the baseline's selectors (a namespace-isolation rule's
   * namespaceSelector matches every NetworkSet of the namespace) would select it and widen what is enforced today
   * (issue 11). A rule's `nets` changes nothing outside the (staged) policy that holds it.
   */
  | { readonly kind: "nets"; readonly cidr: string };

export interface PlannedRule {
  readonly direction: "ingress" | "egress";
  readonly action: "Allow" | "Pass";
  readonly protocol: string;
  /** Merged destination ports; empty for protocols without ports. */
  readonly ports: readonly PortRange[];
  readonly peer: PlannedPeer;
  /** Observed flows this rule was made from. */
  readonly observed: number;
}

export interface PlannedPolicy {
  readonly name: string;
  readonly tier: "application" | "appsec";
  readonly namespace: string;
  readonly order: number;
  /** Selector labels of the policy (empty: every pod of the namespace). */
  readonly selector: Readonly<Record<string, string>>;
  readonly ingress: readonly PlannedRule[];
  readonly egress: readonly PlannedRule[];
  /** Ends each direction with an explicit Deny rule. */
  readonly denyRest: boolean;
  readonly description: string;
}

export interface PlannedCase {
  /** The flow the case stands for (not written to the file), so the case can be checked against a stack. */
  readonly flow: FlowQuery;
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly port?: number;
  readonly protocol: string;
  readonly expect: "allow" | "deny";
}

export interface SkippedFlow {
  readonly flow: ObservedFlow;
  readonly reason: string;
}

export interface RecommendationPlan {
  readonly namespace: string;
  readonly perWorkload: boolean;
  readonly policies: readonly PlannedPolicy[];
  readonly cases: readonly PlannedCase[];
  /** Flows of the namespace the plan does not allow, with the reason. */
  readonly skipped: readonly SkippedFlow[];
  /** Flows the plan allows. */
  readonly planned: readonly ObservedFlow[];
  /** Remarks a reviewer should read (e.g. a workload without labels). */
  readonly notes: readonly string[];
}

export interface RecommendOptions extends PortMergeOptions {
  readonly perWorkload?: boolean;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-label-safe name fragment from free text. */
export function nameFragment(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
  return s === "" ? "x" : s.slice(0, 40).replace(/-$/, "");
}

/**
 * The deployment a workload flow end belongs to: Goldmane's aggregated name is the pod generateName prefix
 * plus `*` (`web-7d9c5b8f4-*`); the ReplicaSet hash (equal to the `pod-template-hash` label) is dropped.
 */
export function workloadName(e: FlowEndpoint): string {
  if (e.name !== undefined) {
    let n = e.name.replace(/-?\*$/, "");
    const hash = e.labels["pod-template-hash"];
    if (hash !== undefined && n.endsWith(`-${hash}`)) n = n.slice(0, -hash.length - 1);
    if (n !== "" && DNS_LABEL.test(n)) return n;
  }
  for (const k of PRIMARY_IDENTITY_KEYS) {
    const v = e.labels[k];
    if (v !== undefined) return nameFragment(v);
  }
  const id = identityLabels(e.labels);
  const vals = Object.keys(id).sort().map((k) => id[k] as string);
  return vals.length === 0 ? "unlabelled" : nameFragment(vals.join("-"));
}

/** The reference a cases file uses for a flow end, or undefined when the end has no such form. */
export function caseRef(e: FlowEndpoint): string | undefined {
  switch (e.kind) {
    case "workload":
      return `${e.namespace as string}/${workloadName(e)}`;
    case "host": {
      const node = e.labels["kubernetes.io/hostname"] ?? e.name;
      return node === undefined ? undefined : `host:${node}`;
    }
    case "network":
      return e.net === undefined ? undefined : `net:${e.net}`;
    case "networkset":
      // A set of the stack resolved by src/analysis/flows/stack-sets.ts carries its first address.
      return e.net === undefined ? undefined : `net:${e.net}`;
  }
}

function planPeer(e: FlowEndpoint): PlannedPeer | string {
  switch (e.kind) {
    case "workload":
      return { kind: "pods", namespace: e.namespace as string, labels: identityLabels(e.labels) };
    case "host": {
      const labels = identityLabels(e.labels);
      if (Object.keys(labels).length === 0) return "a host endpoint without labels cannot be selected by a rule";
      return { kind: "hosts", labels };
    }
    case "networkset": {
      const labels = identityLabels(e.labels);
      if (Object.keys(labels).length === 0) return "a network set without labels cannot be selected by a rule";
      return e.namespace === undefined ? { kind: "globalNetworkSets", labels } : { kind: "networkSets", namespace: e.namespace, labels };
    }
    case "network": {
      const c = e.net === undefined ? undefined : parseCidr(e.net);
      if (c === undefined) {
        return `Goldmane records no address for "${e.name ?? "?"}" networks: export the flow with an address (CSV dest_net/source_net) to get a rule for it`;
      }
      return { kind: "nets", cidr: formatCidr(c) };
    }
  }
}

function peerKey(p: PlannedPeer): string {
  switch (p.kind) {
    case "pods":
    case "networkSets":
      return `${p.kind}|${p.namespace}|${labelsKey(p.labels)}`;
    case "hosts":
    case "globalNetworkSets":
      return `${p.kind}|${labelsKey(p.labels)}`;
    case "nets":
      return `${p.kind}|${p.cidr}`;
  }
}

interface Group {
  direction: "ingress" | "egress";
  peer: PlannedPeer;
  protocol: string;
  /** Observed ports per local deployment (identity labels key): R2 is applied per deployment. */
  portsByLocal: Map<string, Set<number>>;
  flows: ObservedFlow[];
}

function addToGroup(groups: Map<string, Group>, direction: "ingress" | "egress", peer: PlannedPeer, local: string, flow: ObservedFlow): void {
  const key = `${direction}>${peerKey(peer)}>${flow.protocol}`;
  let g = groups.get(key);
  if (g === undefined) {
    g = { direction, peer, protocol: flow.protocol, portsByLocal: new Map(), flows: [] };
    groups.set(key, g);
  }
  let ports = g.portsByLocal.get(local);
  if (ports === undefined) {
    ports = new Set();
    g.portsByLocal.set(local, ports);
  }
  if (flow.port !== undefined && protocolHasPorts(flow.protocol)) ports.add(flow.port);
  g.flows.push(flow);
}

/** The group's ports: each deployment's ports merged by R1/R2, then the union. */
function groupRanges(g: Group, opts: PortMergeOptions): PortRange[] {
  return unionRanges([...g.portsByLocal.values()].flatMap((ports) => mergePorts(ports, opts)));
}

function groupsToRules(groups: Map<string, Group>, action: "Allow" | "Pass", opts: PortMergeOptions): { ingress: PlannedRule[]; egress: PlannedRule[] } {
  const ingress: PlannedRule[] = [];
  const egress: PlannedRule[] = [];
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key) as Group;
    const rule: PlannedRule = {
      direction: g.direction,
      action,
      protocol: g.protocol,
      ports: protocolHasPorts(g.protocol) ? groupRanges(g, opts) : [],
      peer: g.peer,
      observed: g.flows.length,
    };
    (g.direction === "ingress" ? ingress : egress).push(rule);
  }
  return { ingress, egress };
}

/** Plans the recommendation for `namespace` from the flows that touch one of its workloads. */
export function planRecommendation(flows: readonly ObservedFlow[], namespace: string, options: RecommendOptions = {}): RecommendationPlan {
  const perWorkload = options.perWorkload ?? false;
  const nsGroups = new Map<string, Group>();
  const byWorkload = new Map<string, { labels: Record<string, string>; name: string; groups: Map<string, Group> }>();
  const skipped: SkippedFlow[] = [];
  const planned: ObservedFlow[] = [];
  const notes = new Set<string>();
  const isLocal = (e: FlowEndpoint): boolean => e.kind === "workload" && e.namespace === namespace;

  for (const flow of flows) {
    const out = isLocal(flow.source);
    const inn = isLocal(flow.destination);
    if (!out && !inn) continue;
    if (flow.action === "Deny") {
      skipped.push({ flow, reason: "denied when recorded: a recommendation does not open traffic the cluster blocked" });
      continue;
    }
    if (flow.port === undefined && protocolHasPorts(flow.protocol)) {
      skipped.push({ flow, reason: `a ${flow.protocol} flow without a destination port` });
      continue;
    }
    if (flow.port !== undefined && !ruleCanGivePorts(flow.protocol)) {
      // UDPLite: the connection has a port, but Calico rejects ports on a UDPLite rule (Protocol.SupportsPorts
      // is TCP, UDP, SCTP), and a rule without ports would open every port of it.
      skipped.push({ flow, reason: `Calico rules cannot match ${flow.protocol} ports, and allowing every ${flow.protocol} port would open more than was observed` });
      continue;
    }
    const ends: { direction: "ingress" | "egress"; local: FlowEndpoint; peer: PlannedPeer }[] = [];
    let reason: string | undefined;
    if (out) {
      const p = planPeer(flow.destination);
      if (typeof p === "string") reason = p;
      else ends.push({ direction: "egress", local: flow.source, peer: p });
    }
    if (inn && reason === undefined) {
      const p = planPeer(flow.source);
      if (typeof p === "string") reason = p;
      else ends.push({ direction: "ingress", local: flow.destination, peer: p });
    }
    if (reason !== undefined) {
      skipped.push({ flow, reason });
      continue;
    }
    planned.push(flow);
    for (const end of ends) {
      const labels = identityLabels(end.local.labels);
      addToGroup(nsGroups, end.direction, end.peer, labelsKey(labels), flow);
      if (Object.keys(labels).length === 0) {
        notes.add(`${namespace}/${workloadName(end.local)} carries no labels: its per-deployment policy selects every pod of the namespace`);
      }
      const wk = labelsKey(labels);
      let w = byWorkload.get(wk);
      if (w === undefined) {
        w = { labels, name: workloadName(end.local), groups: new Map() };
        byWorkload.set(wk, w);
      }
      addToGroup(w.groups, end.direction, end.peer, wk, flow);
    }
  }

  const policies: PlannedPolicy[] = [];
  const nsRules = groupsToRules(nsGroups, perWorkload ? "Pass" : "Allow", options);
  policies.push({
    name: "recommended-namespace",
    tier: "application",
    namespace,
    order: RECOMMENDED_POLICY_ORDER,
    selector: {},
    ...nsRules,
    denyRest: true,
    description: perWorkload
      ? `Boundary of namespace ${namespace}: passes the observed flows to the appsec tier, denies the rest.`
      : `Allows the flows observed for namespace ${namespace}, denies the rest.`,
  });
  if (perWorkload) {
    const used = new Map<string, string>();
    for (const wk of [...byWorkload.keys()].sort()) {
      const w = byWorkload.get(wk) as { labels: Record<string, string>; name: string; groups: Map<string, Group> };
      let name = `recommended-${nameFragment(w.name)}`;
      // Names come from identity; two identities with the same deployment name get their label keys appended.
      if (used.has(name)) name = nameFragment(`${name}-${Object.keys(w.labels).sort().join("-")}`);
      used.set(name, wk);
      policies.push({
        name,
        tier: "appsec",
        namespace,
        order: RECOMMENDED_POLICY_ORDER,
        selector: w.labels,
        ...groupsToRules(w.groups, "Allow", options),
        denyRest: false,
        description: `Allows the flows observed for ${namespace}/${w.name}.`,
      });
    }
    policies.push({
      name: "recommended-default-deny",
      tier: "appsec",
      namespace,
      order: RECOMMENDED_DENY_ORDER,
      selector: {},
      ingress: [],
      egress: [],
      denyRest: true,
      description: `Denies what no recommended policy of namespace ${namespace} allowed.`,
    });
  }

  return {
    namespace,
    perWorkload,
    policies,
    cases: planCases(planned, perWorkload ? [...byWorkload.values()].map((w) => w.groups) : [nsGroups], namespace, options),
    skipped,
    planned,
    notes: [...notes].sort(),
  };
}

/**
 * Cases: every planned flow must be allowed; for each group with ports, the first port after the merged ranges
 * (or before, at the top of the port space) must be denied, proving the recommendation is not wider than shown.
 */
function planCases(planned: readonly ObservedFlow[], groupSets: readonly Map<string, Group>[], namespace: string, opts: PortMergeOptions): PlannedCase[] {
  const out = new Map<string, PlannedCase>();
  const add = (c: PlannedCase): void => {
    if (!out.has(c.name)) out.set(c.name, c);
  };
  for (const f of planned) {
    const from = caseRef(f.source);
    const to = caseRef(f.destination);
    if (from === undefined || to === undefined) continue;
    const port = f.port === undefined ? "" : `/${f.port}`;
    add({ flow: f, name: `observed ${from} to ${to} ${f.protocol}${port}`, from, to, ...(f.port === undefined ? {} : { port: f.port }), protocol: f.protocol, expect: "allow" });
  }
  for (const groups of groupSets) {
    for (const g of groups.values()) {
      const ranges = protocolHasPorts(g.protocol) ? groupRanges(g, opts) : [];
      if (ranges.length === 0) continue;
      const last = ranges[ranges.length - 1] as PortRange;
      const first = ranges[0] as PortRange;
      const probe = last.to < 65535 ? last.to + 1 : first.from > 1 ? first.from - 1 : undefined;
      if (probe === undefined || portInRanges(probe, ranges)) continue;
      const sample = [...g.flows].sort((a, b) => a.firstLine - b.firstLine)[0] as ObservedFlow;
      const from = caseRef(sample.source);
      const to = caseRef(sample.destination);
      if (from === undefined || to === undefined) continue;
      // Only a probe whose local side is the namespace under recommendation says something about this plan.
      if (!from.startsWith(`${namespace}/`) && !to.startsWith(`${namespace}/`)) continue;
      const flow: FlowQuery = { source: sample.source, destination: sample.destination, protocol: g.protocol, port: probe };
      add({ flow, name: `unobserved port ${from} to ${to} ${g.protocol}/${probe}`, from, to, port: probe, protocol: g.protocol, expect: "deny" });
    }
  }
  return [...out.values()].sort((a, b) => (a.expect === b.expect ? (a.name < b.name ? -1 : 1) : a.expect === "allow" ? -1 : 1));
}

export interface StackCheck {
  /** The plan with cases the stack contradicts removed. */
  readonly plan: RecommendationPlan;
  /** Observed flows the stack denies whatever the recommendation says (earlier tiers, other namespaces). */
  readonly deniedByStack: readonly { readonly flow: ObservedFlow; readonly verdict: FlowVerdict }[];
  /** Deny probes the stack allows before the recommendation is consulted (dropped from the cases). */
  readonly droppedProbes: readonly PlannedCase[];
}

/**
 * Checks the plan against the whole stack (baseline + recommendation, would-be view): observed flows the stack
 * still denies are reported (the recommendation cannot fix other tiers or the peer's namespace) and leave
 * the allowed set and the cases; deny probes the stack allows anyway (e.g. a platform-tier DNS rule) are
 * dropped so the cases file holds only what is true of the stack.
 */
export function checkPlanAgainstStack(plan: RecommendationPlan, evaluator: FlowEvaluator): StackCheck {
  const deniedByStack: { flow: ObservedFlow; verdict: FlowVerdict }[] = [];
  for (const f of plan.planned) {
    const verdict = evaluator.evaluate(f, "would-be");
    if (!verdict.allowed && verdict.undecidable === undefined) deniedByStack.push({ flow: f, verdict });
  }
  const denied = new Set(deniedByStack.map((d) => d.flow));
  const droppedProbes: PlannedCase[] = [];
  const kept = plan.cases.filter((c) => {
    if (c.expect === "allow") return !denied.has(c.flow as ObservedFlow);
    const v = evaluator.evaluate(c.flow, "would-be");
    if (v.allowed) droppedProbes.push(c);
    return !v.allowed;
  });
  // Cases name endpoints as the stack's inventory does (the cases test resolves them there), not as the export
  // spelled them; two exported names of one inventory workload then give one case.
  const byName = new Map<string, PlannedCase>();
  for (const c of kept) {
    const from = evaluator.inventoryRef?.(c.flow.source) ?? c.from;
    const to = evaluator.inventoryRef?.(c.flow.destination) ?? c.to;
    const renamed = from === c.from && to === c.to ? c : { ...c, from, to, name: c.name.replace(`${c.from} to ${c.to}`, `${from} to ${to}`) };
    if (!byName.has(renamed.name)) byName.set(renamed.name, renamed);
  }
  const cases = [...byName.values()].sort((a, b) => (a.expect === b.expect ? (a.name < b.name ? -1 : 1) : a.expect === "allow" ? -1 : 1));
  return { plan: { ...plan, cases }, deniedByStack, droppedProbes };
}

/** Short description of a planned flow for reports. */
export function describeSkipped(s: SkippedFlow): string {
  return `${formatFlow(s.flow)}: ${s.reason}`;
}

/** Whether a Calico rule may give ports for this protocol (TCP, UDP, SCTP). */
function ruleCanGivePorts(protocol: string): boolean {
  const n = protocolNumber(protocol);
  return n !== undefined && RULE_PORT_PROTOCOLS.has(n);
}
