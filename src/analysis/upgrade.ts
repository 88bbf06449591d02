/**
 * Upgrade impact: the same objects evaluated under two Calico versions' semantics, the flows that change,
 * and why.
 *
 * The engine takes the Calico minor as a parameter (`analyse(input, view, minor)`: the policy reader and
 * the model builder follow that version). This module builds the model once per version and compares the
 * two compiled models, not the YAML: a policy present under one version and absent under the other (a
 * kind that version does not enforce), a policy whose tier differs (a renamed tier), a pair of policies
 * whose evaluation order differs (the order tie-break) are found whatever rule of the engine caused them,
 * so a version-dependent semantics added to the engine shows up here without a change to this file. Each
 * changed flow is attributed to the differences whose policies appear in its explain trails, and each
 * difference to the documented version change (`VERSION_CHANGES`) it comes from.
 */
import type { CalicoMinor } from "../config/types.js";
import { describeObject, validateResource } from "../model/validate/index.js";
import { type AnalysisInput, analyse } from "./analyse.js";
import { type DiffResult, diffModels } from "./diff.js";
import type { FlowResult } from "./evaluate.js";
import { flattenObjects } from "./inventory.js";
import type { Model } from "./model.js";
import type { Policy } from "./policies.js";

/** A Calico version as the user named it (`3.31.7`) and the minor whose semantics apply. */
export interface CalicoVersion {
  readonly label: string;
  readonly minor: CalicoMinor;
}

/** A documented change of semantics between Calico minors. */
export interface VersionChange {
  readonly id: string;
  /** The first minor with the new behaviour. */
  readonly since: CalicoMinor;
  readonly title: string;
  /** What changes, for the reviewer. */
  readonly description: string;
  /** Where Calico says so (release notes, source file). */
  readonly source: string;
}

/**
 * The version changes the engine knows. An entry documents a change; the engine implements it, and the
 * model comparison below finds its effect on a given set of objects. Entries for changes whose objects
 * the engine does not evaluate yet say so (`description`): their objects are listed as not analysed.
 */
export const VERSION_CHANGES: readonly VersionChange[] = [
  {
    id: "policy-order-tie-break",
    since: "3.32",
    title: "policies with the same order are tie-broken differently",
    description:
      "Felix orders policies by order, then a tie-break string: before 3.32 the v1 key name (`<namespace>/<name>`, global policies `<name>`, Kubernetes policies `<namespace>/knp.default.<name>`); from 3.32 `<name>/<namespace>/<kind>`. Two policies with equal order in one tier that both select an endpoint can swap places, and the first one's rule decides.",
    source: "projectcalico/calico felix/calc/policy_sorter.go (PolKVLess) at v3.31.x and v3.32.x",
  },
  {
    id: "admin-network-policy-removed",
    since: "3.32",
    title: "AdminNetworkPolicy and BaselineAdminNetworkPolicy are no longer enforced",
    description:
      "Calico 3.29-3.31 enforce AdminNetworkPolicy (tier adminnetworkpolicy, order 1,000) and BaselineAdminNetworkPolicy (3.30+, tier baselineadminnetworkpolicy, order 10,000,000); 3.32 ignores both and enforces ClusterNetworkPolicy (tiers kube-admin and kube-baseline) instead: the flows they decided fall through to the next tier.",
    source: "Calico 3.32 release notes (\"must be removed or replaced by ClusterNetworkPolicy before upgrade\")",
  },
  {
    id: "cluster-network-policy",
    since: "3.32",
    title: "ClusterNetworkPolicy is enforced",
    description: "From 3.32 Calico converts ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2) into tiers kube-admin (order 1,000) and kube-baseline (order 10,000,000); before 3.32 the kind is not enforced.",
    source: "projectcalico/calico libcalico-go/lib/backend/k8s/conversion/clusternetworkpolicy.go at v3.32.1",
  },
  {
    id: "tier-allow-tigera-renamed",
    since: "3.32",
    title: "tier allow-tigera is renamed calico-system",
    description: "The operator's tier for Calico's own components is `calico-system` from 3.32 (`allow-tigera` before); policies and flow logs name the new tier.",
    source: "Calico 3.32 release notes; tigera/operator v1.42",
  },
  {
    id: "tier-name-prefix",
    since: "3.32",
    title: "policy names no longer need the `<tier>.` prefix",
    description: "Before 3.32 a policy in a non-default tier must be named `<tier>.<name>`; from 3.32 any name is accepted.",
    source: "Calico 3.32 release notes; libcalico-go validator at v3.32.1",
  },
];

const MINOR_RANK: Readonly<Record<CalicoMinor, number>> = { "3.30": 0, "3.31": 1, "3.32": 2 };

/** The documented changes an upgrade (or downgrade) from `from` to `to` crosses, oldest first. */
export function versionChangesBetween(from: CalicoMinor, to: CalicoMinor): VersionChange[] {
  const lo = Math.min(MINOR_RANK[from], MINOR_RANK[to]);
  const hi = Math.max(MINOR_RANK[from], MINOR_RANK[to]);
  return VERSION_CHANGES.filter((c) => MINOR_RANK[c.since] > lo && MINOR_RANK[c.since] <= hi);
}

/** One difference between the two compiled models. */
export type SemanticDifference =
  | {
      readonly kind: "order";
      readonly tier: string;
      readonly order: number;
      /** The pair in `from`'s evaluation order; `to` evaluates them the other way round. */
      readonly policies: readonly [string, string];
      readonly change?: string;
    }
  | { readonly kind: "not-enforced" | "newly-enforced"; readonly policy: string; readonly object: string; readonly file?: string; readonly change?: string }
  | { readonly kind: "tier"; readonly policy: string; readonly object: string; readonly fromTier: string; readonly toTier: string; readonly change?: string }
  | { readonly kind: "problem"; readonly under: "from" | "to"; readonly object: string; readonly message: string; readonly file?: string; readonly change?: string }
  /** An object one version's validation rejects (the API server would refuse it there). */
  | { readonly kind: "invalid"; readonly under: "from" | "to"; readonly object: string; readonly path: string; readonly message: string; readonly file?: string; readonly change?: string };

export interface UpgradeImpact {
  readonly from: CalicoVersion;
  readonly to: CalicoVersion;
  readonly view: "enforced" | "staged";
  /** The documented changes between the two minors (empty for a patch upgrade). */
  readonly versionChanges: readonly VersionChange[];
  /** What differs between the models of the same objects under the two versions. */
  readonly differences: readonly SemanticDifference[];
  /** Flows that change: `before` is the `from` version, `after` the `to` version. */
  readonly diff: DiffResult;
  /** For each entry of `diff.changes`, the indexes into `differences` that explain it. */
  readonly reasons: readonly (readonly number[])[];
  /** Listed changes no difference explains (0 unless the engine changed in a way this module cannot see). */
  readonly unexplained: number;
  /** Pairs of policies in one tier with the same order (the pairs a tie-break decides), and how many swap. */
  readonly ties: { readonly pairs: number; readonly swapped: number };
  /** The two models (for invariants over them). */
  readonly models: { readonly from: Model; readonly to: Model };
}

function kindOfObject(object: string): string {
  return object.split("/")[0] ?? "";
}

/** The version change a difference comes from, when one documented change accounts for it. */
function changeFor(d: SemanticDifference, changes: readonly VersionChange[]): string | undefined {
  const has = (id: string): string | undefined => (changes.some((c) => c.id === id) ? id : undefined);
  switch (d.kind) {
    case "order":
      return has("policy-order-tie-break");
    case "not-enforced":
    case "newly-enforced": {
      const k = kindOfObject(d.object);
      if (k === "AdminNetworkPolicy" || k === "BaselineAdminNetworkPolicy") return has("admin-network-policy-removed");
      if (k === "ClusterNetworkPolicy") return has("cluster-network-policy");
      return undefined;
    }
    case "tier":
      return d.fromTier === "allow-tigera" || d.toTier === "allow-tigera" ? has("tier-allow-tigera-renamed") : undefined;
    case "invalid":
      return /prefix|<tier>\./.test(d.message) ? has("tier-name-prefix") : /allow-tigera|calico-system/.test(d.message) ? has("tier-allow-tigera-renamed") : undefined;
    case "problem": {
      const k = kindOfObject(d.object);
      if (k === "AdminNetworkPolicy" || k === "BaselineAdminNetworkPolicy") return has("admin-network-policy-removed");
      if (k === "ClusterNetworkPolicy") return has("cluster-network-policy");
      return undefined;
    }
  }
}

/** The differences between two models of the same objects. Deterministic order. */
export function modelDifferences(from: Model, to: Model, changes: readonly VersionChange[] = []): SemanticDifference[] {
  const out: SemanticDifference[] = [];
  const byId = (ps: readonly Policy[]): Map<string, Policy> => new Map(ps.map((p) => [p.id, p] as const));
  const a = byId(from.policies);
  const b = byId(to.policies);
  for (const [id, p] of a) {
    const q = b.get(id);
    if (q === undefined) out.push({ kind: "not-enforced", policy: id, object: p.source.object, ...(p.source.file === undefined ? {} : { file: p.source.file }) });
    else if (q.tier !== p.tier) out.push({ kind: "tier", policy: id, object: p.source.object, fromTier: p.tier, toTier: q.tier });
  }
  for (const [id, q] of b) if (!a.has(id)) out.push({ kind: "newly-enforced", policy: id, object: q.source.object, ...(q.source.file === undefined ? {} : { file: q.source.file }) });
  // Order: policies of one tier with one order (the only ones a tie-break can reorder, but any pair
  // whose relative order differs is reported), compared by their positions in Felix order.
  const posB = new Map(to.policies.map((p, i) => [p.id, i] as const));
  const groups = new Map<string, Policy[]>();
  for (const p of from.policies) {
    const q = b.get(p.id);
    if (q === undefined || q.tier !== p.tier) continue;
    const k = `${p.tier}\u0000${p.order}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(p);
  }
  for (const ps of groups.values()) {
    for (let i = 0; i < ps.length; i++) {
      for (let j = i + 1; j < ps.length; j++) {
        const x = ps[i]!;
        const y = ps[j]!;
        if (posB.get(x.id)! > posB.get(y.id)!) out.push({ kind: "order", tier: x.tier, order: x.order, policies: [x.id, y.id] });
      }
    }
  }
  // Problems only one version reports (an object one version cannot read or does not enforce).
  const key = (p: { object?: string; message: string }): string => `${p.object ?? ""}\u0000${p.message}`;
  const pa = new Set(from.problems.map(key));
  const pb = new Set(to.problems.map(key));
  for (const p of from.problems) if (!pb.has(key(p))) out.push({ kind: "problem", under: "from", object: p.object ?? "", message: p.message, ...(p.file === undefined ? {} : { file: p.file }) });
  for (const p of to.problems) if (!pa.has(key(p))) out.push({ kind: "problem", under: "to", object: p.object ?? "", message: p.message, ...(p.file === undefined ? {} : { file: p.file }) });
  return out.map((d) => {
    const change = changeFor(d, changes);
    return change === undefined ? d : { ...d, change };
  });
}

/** Every policy id a flow's evaluation looked at, both directions. */
function trailPolicies(r: FlowResult): Set<string> {
  const out = new Set<string>();
  for (const side of [r.egress, r.ingress]) {
    for (const s of side.steps) if (s.policy !== undefined) out.add(s.policy);
    if (side.decision.by === "rule") out.add(side.decision.policy);
  }
  return out;
}

function explains(d: SemanticDifference, before: Set<string>, after: Set<string>, objectsSeen: Set<string>): boolean {
  switch (d.kind) {
    case "order":
      return (before.has(d.policies[0]) || after.has(d.policies[0])) && (before.has(d.policies[1]) || after.has(d.policies[1]));
    case "not-enforced":
      return before.has(d.policy);
    case "newly-enforced":
      return after.has(d.policy);
    case "tier":
      return before.has(d.policy) || after.has(d.policy);
    case "problem":
    case "invalid":
      return objectsSeen.has(d.object);
  }
}

/** Objects valid under one version and not the other, with the first problem. */
export function validationDifferences(input: AnalysisInput, from: CalicoMinor, to: CalicoMinor): SemanticDifference[] {
  const out: SemanticDifference[] = [];
  for (const x of input.objects) {
    for (const o of flattenObjects([x.object])) {
      const pa = validateResource(o, { calicoVersion: from });
      const pb = validateResource(o, { calicoVersion: to });
      const object = describeObject(o) ?? "(object)";
      const file = x.file === undefined ? {} : { file: x.file };
      const keyOf = (p: { path: string; message: string }): string => `${p.path}\u0000${p.message}`;
      const kb = new Set(pb.map(keyOf));
      const ka = new Set(pa.map(keyOf));
      const onlyFrom = pa.find((p) => !kb.has(keyOf(p)));
      const onlyTo = pb.find((p) => !ka.has(keyOf(p)));
      if (onlyFrom !== undefined) out.push({ kind: "invalid", under: "from", object, path: onlyFrom.path, message: onlyFrom.message, ...file });
      if (onlyTo !== undefined) out.push({ kind: "invalid", under: "to", object, path: onlyTo.path, message: onlyTo.message, ...file });
    }
  }
  return out;
}

export interface UpgradeOptions {
  readonly view?: "enforced" | "staged";
  /** Most pair changes listed (default 2000; the namespace roll-up is always complete). */
  readonly maxChanges?: number;
}

/** The same objects under `from` and `to`: flows that change and why. */
export function upgradeImpact(input: AnalysisInput, from: CalicoVersion, to: CalicoVersion, opts: UpgradeOptions = {}): UpgradeImpact {
  const view = opts.view ?? "enforced";
  const versionChanges = versionChangesBetween(from.minor, to.minor);
  const a = analyse(input, view, from.minor);
  const b = from.minor === to.minor ? a : analyse(input, view, to.minor);
  const differences =
    from.minor === to.minor
      ? []
      : [...modelDifferences(a, b, versionChanges), ...validationDifferences(input, from.minor, to.minor).map((d) => {
          const change = changeFor(d, versionChanges);
          return change === undefined ? d : { ...d, change };
        })];
  const diff = diffModels(a, b, { maxChanges: opts.maxChanges ?? 2000 });
  let unexplained = 0;
  const reasons = diff.changes.map((c) => {
    if (c.explanation === undefined) return [];
    const before = trailPolicies(c.explanation.before);
    const after = trailPolicies(c.explanation.after);
    // A problem (an object one version does not analyse) explains a flow decided by one of its
    // policies under the other version.
    const objects = new Set<string>();
    for (const p of [...a.policies, ...b.policies]) if (before.has(p.id) || after.has(p.id)) objects.add(p.source.object);
    const idx = differences.flatMap((d, i) => (explains(d, before, after, objects) ? [i] : []));
    if (idx.length === 0) unexplained++;
    return idx;
  });
  return { from, to, view, versionChanges, differences, diff, reasons, unexplained, ties: orderTies(a, b), models: { from: a, to: b } };
}

/** Pairs of policies sharing tier and order in `from` (present in both models), and how many `to` swaps. */
function orderTies(from: Model, to: Model): { pairs: number; swapped: number } {
  const pos = new Map(to.policies.map((p, i) => [p.id, i] as const));
  const groups = new Map<string, number[]>();
  for (const p of from.policies) {
    const i = pos.get(p.id);
    if (i === undefined || to.policies[i]!.tier !== p.tier) continue;
    const k = `${p.tier}\u0000${p.order}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(i);
  }
  let pairs = 0;
  let swapped = 0;
  for (const g of groups.values()) {
    for (let x = 0; x < g.length; x++) {
      for (let y = x + 1; y < g.length; y++) {
        pairs++;
        if (g[x]! > g[y]!) swapped++;
      }
    }
  }
  return { pairs, swapped };
}

/** One line for a difference, naming the versions. */
export function describeDifference(d: SemanticDifference, from: CalicoVersion, to: CalicoVersion): string {
  switch (d.kind) {
    case "order":
      return `order tie in tier ${d.tier} (order ${d.order}): ${from.label} evaluates ${d.policies[0]} before ${d.policies[1]}, ${to.label} the other way round`;
    case "not-enforced":
      return `${d.object} is enforced on ${from.label} but not on ${to.label}`;
    case "newly-enforced":
      return `${d.object} is not enforced on ${from.label} but is on ${to.label}`;
    case "tier":
      return `${d.object} is in tier ${d.fromTier} on ${from.label} and in tier ${d.toTier} on ${to.label}`;
    case "problem":
      return `${d.object}, only on ${d.under === "from" ? from.label : to.label}: ${d.message}`;
    case "invalid":
      return `${d.object} is rejected by Calico ${d.under === "from" ? from.label : to.label} (valid on ${d.under === "from" ? to.label : from.label}): ${d.path === "" ? "" : `${d.path}: `}${d.message}`;
  }
}
