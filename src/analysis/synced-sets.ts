/**
 * Rules that refer to synced network sets (issue 12): GlobalNetworkSets the Consul sync controller keeps in step
 * with a Consul service (docs/networkset-sync.md). Their addresses change at run time, and if a set empties,
 * every rule that matches traffic through it stops matching:
 * - an Allow rule then **fails closed** (the traffic it allowed falls to later rules: usually denied);
 * - a Deny rule then **fails open** (the traffic it denied falls to later rules: possibly allowed);
 * - a Pass rule stops passing it to the next tier (the rest of this tier decides it);
 * - a Log rule only stops logging it.
 * A synced set is one in the input carrying the controller's owner label (a cluster dump), or one the stack's
 * networkSetSync mappings declare (name and labels; its addresses are unknown offline).
 */
import { OWNER_LABEL, OWNER_VALUE, SERVICE_LABEL } from "../sync/labels.js";
import type { Labels } from "./inventory.js";
import type { Model } from "./model.js";
import type { Action, PeerSpec } from "./policies.js";

export interface SyncedSet {
  readonly name: string;
  readonly labels: Labels;
  /** The Consul service it mirrors, when known. */
  readonly service?: string;
  /** Addresses it holds now (from a cluster dump); undefined when only declared. */
  readonly addresses?: number;
}

export type IfEmpty = "fails closed" | "fails open" | "stops passing to the next tier" | "stops logging";

export interface SyncedRuleMark {
  /** `Kind/name` of the policy. */
  readonly policy: string;
  readonly staged: boolean;
  readonly direction: "ingress" | "egress";
  /** 0-based rule index. */
  readonly rule: number;
  readonly side: "source" | "destination";
  readonly action: Action;
  readonly set: string;
  readonly ifEmpty: IfEmpty;
}

const IF_EMPTY: Record<Action, IfEmpty> = { Allow: "fails closed", Deny: "fails open", Pass: "stops passing to the next tier", Log: "stops logging" };

/** The synced sets of the model's input (owner label) and of the stack's mappings, by name (the input wins). */
export function syncedSets(model: Model, declared: readonly SyncedSet[] = []): SyncedSet[] {
  const out = new Map<string, SyncedSet>();
  for (const d of declared) out.set(d.name, d);
  for (const s of model.networkSets) {
    if (s.namespace !== undefined || s.labels[OWNER_LABEL] !== OWNER_VALUE) continue;
    const service = s.labels[SERVICE_LABEL];
    let addresses = 0;
    for (const r of s.nets.ranges()) addresses += Number(r.last - r.first + 1n);
    out.set(s.name, { name: s.name, labels: s.labels, ...(service === undefined ? {} : { service }), addresses });
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function refers(peer: PeerSpec, set: SyncedSet): boolean {
  // A global set's label view is its own labels (felix networksetprocessor); a namespaced-only peer never selects it.
  if (peer.selector === undefined || peer.scopeNamespace !== undefined) return false;
  return peer.selector.match(set.labels);
}

/** Every rule (enforced and staged policies) whose source or destination selects a synced set, in policy order. */
export function syncedRuleMarks(model: Model, sets: readonly SyncedSet[]): SyncedRuleMark[] {
  const marks: SyncedRuleMark[] = [];
  if (sets.length === 0) return marks;
  const policies = [...model.policyModel.policies.map((p) => ({ p, staged: false })), ...model.policyModel.staged.map((p) => ({ p, staged: true }))];
  for (const { p, staged } of policies) {
    for (const direction of ["ingress", "egress"] as const) {
      for (const r of p[direction] ?? []) {
        for (const side of ["source", "destination"] as const) {
          for (const s of sets) {
            if (refers(r[side], s)) marks.push({ policy: p.id, staged, direction, rule: r.index, side, action: r.action, set: s.name, ifEmpty: IF_EMPTY[r.action] });
          }
        }
      }
    }
  }
  return marks;
}
