/**
 * Rules that refer to synced network sets (issue 12): GlobalNetworkSets the Consul sync controller keeps in step
 * with a Consul service (docs/networkset-sync.md). Their addresses change at run time, and a set can empty (Consul
 * answers no instance and the mapping says `allowEmpty`, or every address aged out).
 *
 * Which rules refer to a set. Calico rules never name a network set: a rule's `selector` / `notSelector` selects
 * it by its labels, and Calico includes the CIDRs of every network set the selector matches in the rule's match
 * (https://docs.tigera.io/calico/latest/reference/resources/globalnetworkset: "When Calico is calculating the
 * set of IPs that should match a source/destination selector ... it includes the CIDRs from any network sets
 * that match the selector"). A global set's label view is its own labels (libcalico-go networksetprocessor), so
 * a rule refers to a synced set when its positive selector (namespace and service-account parts included, as
 * policies.ts builds it: a namespaced policy needs `namespaceSelector: global()` to reach a global set) or its
 * notSelector (never namespaced: libcalico-go updateprocessors/rules.go copies it as written) matches the labels
 * the set carries: the mapping's labels plus the controller's own (src/sync/networkset.ts labelsFor), or the
 * labels a cluster dump shows. The set's name is its identity in the report.
 *
 * What an emptied set does to the rule (Calico rule actions, https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#rule;
 * tiers and Pass, https://docs.tigera.io/calico/latest/reference/resources/tier):
 * - `selector` matched the set: the set's former addresses stop matching the rule and fall to the rules after it
 *   (then the tier's end-of-tier action, Deny unless the Tier says `defaultAction: Pass`).
 *   Allow **fails closed**; Deny **fails open**; Pass fails closed when the tier ends in Deny (they are no longer
 *   passed on to the next tier, the rest of this one decides them), and changes nothing by default when the
 *   tier ends in Pass;
 * - `notSelector` matched the set (the rule matches everything except the set): the set's former addresses now
 *   match the rule too. Allow **fails open**; Deny **fails closed**; Pass fails open when the tier ends in Deny
 *   (they now skip the rest of this tier and its end-of-tier deny);
 * - Log never decides ("Log the packet and continue processing the next rule"): only the log lines change.
 * A staged policy enforces nothing (it only reports), so its mark says what would happen once enforced; only a
 * staged `Set` is ever enforced (a `Delete` removes the policy, `Learn` and `Ignore` never apply: policies.ts
 * stagedView), so only those are marked.
 * A rule's other peers keep matching: `alsoSelects` counts the other endpoints and network sets its selector
 * matches, so "fails closed" of a rule that also names a static set does not mean the rule matches nothing.
 */
import type { Problem } from "../model/problem.js";
import { OWNER_LABEL, OWNER_VALUE, SERVICE_LABEL } from "../sync/labels.js";
import type { Labels } from "./inventory.js";
import type { CompiledSelector } from "./labels.js";
import type { Model } from "./model.js";
import type { Action, Policy, Rule } from "./policies.js";

export interface SyncedSet {
  readonly name: string;
  /** The labels policies select it by: what the controller writes (declared), else what the dump shows. */
  readonly labels: Labels;
  /** The labels a cluster dump shows, when they differ from `labels` (the controller rewrites them on its next write). */
  readonly observedLabels?: Labels;
  /** The Consul service it mirrors, when known. */
  readonly service?: string;
  /** A networkSetSync mapping of the stack names it. */
  readonly declared: boolean;
  /** Addresses it holds now (from a cluster dump); undefined when only declared (unknown offline). */
  readonly addresses?: number;
  /** Of those, the ones inside their grace period (still in the set, still matched). */
  readonly pendingRemovals?: number;
}

export type IfEmpty = "fails closed" | "fails open" | "no change";

export interface SyncedRuleMark {
  /** `Kind/name` of the policy. */
  readonly policy: string;
  readonly tier: string;
  readonly staged: boolean;
  readonly direction: "ingress" | "egress";
  /** 0-based rule index. */
  readonly rule: number;
  readonly side: "source" | "destination";
  /** The selector that matches the set: the rule's own (`selector`) or its negation (`notSelector`). */
  readonly match: "selector" | "notSelector";
  readonly action: Action;
  readonly set: string;
  readonly ifEmpty: IfEmpty;
  /** Why, in one sentence. */
  readonly why: string;
  /** Other endpoints and network sets the same selector matches (`selector` marks; 0 for `notSelector`). */
  readonly alsoSelects: number;
}

/** What the analysis knows of synced sets: the sets, the marks, and conflicts between the stack and the controller. */
export interface SyncedAnalysis {
  readonly sets: readonly SyncedSet[];
  readonly marks: readonly SyncedRuleMark[];
  readonly problems: readonly Problem[];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameLabels(a: Labels, b: Labels): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/**
 * The synced sets: the stack's declared ones, and the GlobalNetworkSets of the input (manifests or a cluster dump
 * in the inventory) that carry the controller's owner label, with the addresses they hold. Sorted by name.
 */
export function syncedSets(model: Model, declared: readonly SyncedSet[] = []): SyncedSet[] {
  const out = new Map<string, SyncedSet>();
  for (const d of declared) out.set(d.name, d);
  const pending = new Map((model.inventory.syncedSets ?? []).map((s) => [s.name, s.pending.length] as const));
  for (const s of model.networkSets) {
    if (s.namespace !== undefined || s.labels[OWNER_LABEL] !== OWNER_VALUE) continue;
    let addresses = 0;
    for (const r of s.nets.ranges()) addresses += Number(r.last - r.first + 1n);
    const d = out.get(s.name);
    const service = d?.service ?? s.labels[SERVICE_LABEL];
    const labels = d?.labels ?? s.labels;
    out.set(s.name, {
      name: s.name,
      labels,
      ...(sameLabels(labels, s.labels) ? {} : { observedLabels: s.labels }),
      ...(service === undefined ? {} : { service }),
      declared: d !== undefined,
      addresses,
      pendingRemovals: pending.get(s.name) ?? 0,
    });
  }
  return [...out.values()].sort((a, b) => cmp(a.name, b.name));
}

function selects(sel: CompiledSelector | undefined, set: SyncedSet): boolean {
  if (sel === undefined) return false;
  return sel.match(set.labels) || (set.observedLabels !== undefined && sel.match(set.observedLabels));
}

type Verdict = "Allow" | "Deny" | "Pass";

/** Where the set's addresses go when they do not match the rule: a later rule of the policy, or the tier's end. */
interface FallThrough {
  /** The verdict they certainly get if nothing earlier decides them: a later rule that covers them, else the tier's end. */
  readonly verdict: Verdict;
  readonly at: string;
  /** Later rules before it, with another verdict, that may decide some of them first (they have conditions of their own). */
  readonly maybe: ReadonlyArray<{ readonly at: string; readonly verdict: Verdict }>;
}

function unrestricted(peer: Rule["source"]): boolean {
  return peer.selector === undefined && peer.notSelector === undefined && peer.nets === undefined && peer.notNets === undefined && peer.service === undefined;
}

/**
 * Whether `later` matches every packet `r` matches once the set's side is ignored: any peer on that side, the
 * same condition on the other side (or none), every protocol and port of `r`.
 */
function covers(later: Rule, r: Rule, side: "source" | "destination"): boolean {
  const other = side === "source" ? "destination" : "source";
  if (!unrestricted(later[side])) return false;
  if (!unrestricted(later[other]) && later[other].key !== r[other].key) return false;
  if (later.ipVersion !== undefined && later.ipVersion !== r.ipVersion) return false;
  if (later.notPorts !== undefined && JSON.stringify(later.notPorts) !== JSON.stringify(r.notPorts)) return false;
  if (later.ports !== undefined && JSON.stringify(later.ports) !== JSON.stringify(r.ports)) return false;
  return r.protocols.subtract(later.protocols).isEmpty();
}

/**
 * The rules after `r` in its policy (Log rules decide nothing, rules for other protocols never see the packets:
 * both skipped), up to the first that covers it; without one, the tier's end-of-tier action (Deny unless the Tier
 * says Pass), with the later policies of the tier as "may decide some of them first" (which endpoints they apply
 * to, and which addresses the set held, are not known to a per-rule reading).
 */
function fallThrough(model: Model, p: Policy, staged: boolean, rules: readonly Rule[], r: Rule, side: "source" | "destination"): FallThrough {
  const maybe: Array<{ at: string; verdict: Verdict }> = [];
  const dir = rules === p.ingress ? "ingress" : "egress";
  for (const later of rules) {
    if (later.index <= r.index || later.action === "Log") continue;
    // A rule for other protocols (TCP after UDP) never sees these packets.
    if (r.protocols.intersect(later.protocols).isEmpty()) continue;
    const verdict = later.action as Verdict;
    if (covers(later, r, side)) return { verdict, at: `${dir}[${later.index}] (${verdict})`, maybe };
    if (maybe.every((m) => m.verdict !== verdict)) maybe.push({ at: `${dir}[${later.index}]`, verdict });
  }
  // The policies of the tier after this one (Felix: by order, then name) that police this direction may decide
  // them before the tier's end, for the endpoints they apply to.
  const pool = staged ? [...model.policyModel.policies, ...model.policyModel.staged.filter((q) => q.staged === "Set")] : model.policyModel.policies;
  // Order may be Infinity (no order: sorted last), so compare rather than subtract.
  const byOrder = (a: Policy, b: Policy): number => (a.order < b.order ? -1 : a.order > b.order ? 1 : cmp(a.name, b.name));
  const later = pool.filter((q) => q !== p && q.tier === p.tier && byOrder(p, q) < 0).sort(byOrder);
  for (const q of later) {
    for (const lr of q[dir] ?? []) {
      if (lr.action === "Log" || r.protocols.intersect(lr.protocols).isEmpty()) continue;
      const verdict = lr.action as Verdict;
      if (maybe.every((m) => m.verdict !== verdict)) maybe.push({ at: `${q.id} ${dir}[${lr.index}]`, verdict });
    }
  }
  const end = model.policyModel.tiers.get(p.tier)?.defaultAction ?? "Deny";
  return { verdict: end, at: `tier ${p.tier}'s end-of-tier ${end}`, maybe };
}

const WORD: Record<Verdict, string> = { Allow: "allowed", Deny: "denied", Pass: "passed to the next tier" };

/** Before → after, for the set's (former) addresses. */
function classify(before: Verdict, after: Verdict): IfEmpty {
  if (before === after) return "no change";
  if (after === "Deny") return "fails closed";
  if (after === "Allow") return "fails open";
  // Now passed to the next tier: an allow is lost (fails closed), a deny is lifted (fails open).
  return before === "Allow" ? "fails closed" : "fails open";
}

function effect(model: Model, p: Policy, staged: boolean, rules: readonly Rule[], r: Rule, side: "source" | "destination", match: SyncedRuleMark["match"]): { ifEmpty: IfEmpty; why: string } {
  if (r.action === "Log") return { ifEmpty: "no change", why: "a Log rule decides nothing (Calico logs the packet and goes on to the next rule): only its log lines change" };
  const action = r.action as Verdict;
  const f = fallThrough(model, p, staged, rules, r, side);
  // selector: the set's addresses leave the rule and fall through. notSelector: they used to fall through (the
  // rule excluded them) and now match the rule.
  const [before, after] = match === "selector" ? [action, f.verdict] : [f.verdict, action];
  let ifEmpty = classify(before, after);
  let why =
    match === "selector"
      ? `the set's addresses stop matching this ${action} rule (${WORD[action]}) and fall to ${f.at}`
      : `the rule matches everything but the set: emptied, it ${action === "Pass" ? "passes" : action === "Allow" ? "allows" : "denies"} the set's former addresses too, which went to ${f.at}`;
  const others = f.maybe.filter((m) => m.verdict !== after);
  if (others.length > 0) {
    why += `; ${others.map((m) => `${m.at} (${m.verdict})`).join(", ")} may decide some of them first`;
    // The certain fallback changes nothing, but an earlier rule with conditions may: say what it would do.
    if (ifEmpty === "no change" && match === "selector") ifEmpty = classify(before, others[0]!.verdict);
  }
  return { ifEmpty, why };
}

/** Endpoints and non-synced network sets the selector matches: what the rule keeps matching once the set is empty. */
function othersSelected(model: Model, sel: CompiledSelector, synced: ReadonlySet<string>): number {
  let n = 0;
  for (const e of model.endpoints) if (e.selectable && sel.match(e.labels)) n++;
  for (const s of model.networkSets) if (!(s.namespace === undefined && synced.has(s.name)) && sel.match(s.view)) n++;
  return n;
}

/**
 * Every rule (enforced and staged policies) whose source or destination selector or notSelector matches a
 * synced set, with what an emptied set does to it. Sorted by policy, direction, rule, side, match and set.
 */
export function syncedRuleMarks(model: Model, sets: readonly SyncedSet[]): SyncedRuleMark[] {
  const marks: SyncedRuleMark[] = [];
  if (sets.length === 0) return marks;
  const names = new Set(sets.map((s) => s.name));
  const policies = [...model.policyModel.policies.map((p) => ({ p, staged: false })), ...model.policyModel.staged.filter((p) => p.staged === "Set").map((p) => ({ p, staged: true }))];
  for (const { p, staged } of policies) {
    for (const direction of ["ingress", "egress"] as const) {
      const rules: readonly Rule[] = p[direction] ?? [];
      for (const r of rules) {
        for (const side of ["source", "destination"] as const) {
          const peer = r[side];
          for (const match of ["selector", "notSelector"] as const) {
            const sel = peer[match];
            if (sel === undefined) continue;
            // A set both selected and excluded was never matched; a notSelector beside a positive selector only
            // excludes from what that selector matches (addresses of endpoints and other sets), so the set's
            // former addresses, in no set once it empties, match neither before nor after.
            const hits = sets.filter((s) => selects(sel, s) && (match === "selector" ? !selects(peer.notSelector, s) : peer.selector === undefined));
            if (hits.length === 0) continue;
            const also = match === "selector" ? othersSelected(model, sel, names) : 0;
            const { ifEmpty, why } = effect(model, p, staged, rules, r, side, match);
            for (const s of hits) {
              marks.push({ policy: p.id, tier: p.tier, staged, direction, rule: r.index, side, match, action: r.action, set: s.name, ifEmpty, why: staged ? `staged, so nothing today; once enforced: ${why}` : why, alsoSelects: also });
            }
          }
        }
      }
    }
  }
  const key = (m: SyncedRuleMark): string[] => [m.policy, m.direction, String(m.rule).padStart(6, "0"), m.side, m.match, m.set];
  return marks.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return cmp(ka[i]!, kb[i]!);
    return 0;
  });
}

/**
 * Declared sets the input also defines without the owner label (the baseline renders a GlobalNetworkSet of the
 * mapping's name): the controller never writes a set it does not own (it counts `not_owned` and leaves it), so
 * that set keeps the manifest's addresses and is not kept in step with Consul.
 */
function conflicts(model: Model, declared: readonly SyncedSet[]): Problem[] {
  const out: Problem[] = [];
  for (const d of declared) {
    const s = model.networkSets.find((n) => n.namespace === undefined && n.name === d.name);
    if (s === undefined || s.labels[OWNER_LABEL] === OWNER_VALUE) continue;
    out.push({
      object: s.id,
      path: "metadata.labels",
      message: `networkSetSync maps Consul service "${d.service ?? ""}" onto GlobalNetworkSet ${d.name}, which the input defines without the label ${OWNER_LABEL}: the controller leaves a set it does not own alone, so this set is never synced`,
      hint: "give the mapping a set name of its own (the controller creates it) and select it by the mapping's labels, or drop the GlobalNetworkSet from the baseline",
    });
  }
  return out;
}

/** The synced sets, their marks and conflicts; undefined when there is no synced set (no section in the report). */
export function analyseSyncedSets(model: Model, declared: readonly SyncedSet[] = []): SyncedAnalysis | undefined {
  const sets = syncedSets(model, declared);
  if (sets.length === 0) return undefined;
  return { sets, marks: syncedRuleMarks(model, sets), problems: conflicts(model, declared) };
}
