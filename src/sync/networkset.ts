/**
 * GlobalNetworkSet objects as the sync reads and writes them (projectcalico.org/v3, `metadata.labels` +
 * `spec.nets`): which ones the controller owns, the grace-period annotation, and the object a reconcile result
 * becomes. Pure: the Kubernetes client lives in src/sync/kube.ts.
 */
import type { SyncMapping } from "./config.js";
import { DATACENTER_LABEL, OWNER_LABEL, OWNER_VALUE, PENDING_ANNOTATION, SERVICE_LABEL } from "./labels.js";
import { hostCidr, sortNets, type SetState } from "./reconcile.js";

export const GNS_API_VERSION = "projectcalico.org/v3";
export const GNS_KIND = "GlobalNetworkSet";

export interface GlobalNetworkSet {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    resourceVersion?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  spec?: { nets?: string[]; [k: string]: unknown };
}

/** Whether the controller wrote this set (and so may change it). */
export function isOwned(obj: GlobalNetworkSet | undefined): boolean {
  return obj?.metadata.labels?.[OWNER_LABEL] === OWNER_VALUE;
}

/**
 * Reads the pending-removal annotation: `{"<cidr>": "<ISO time>"}`. An entry that does not parse is dropped
 * (its address, if still missing, starts a new grace period: later, never earlier).
 */
export function parsePending(text: string | undefined): { pending: Map<string, number>; bad: number } {
  const pending = new Map<string, number>();
  if (text === undefined || text === "") return { pending, bad: 0 };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { pending, bad: 1 };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { pending, bad: 1 };
  let bad = 0;
  for (const [k, v] of Object.entries(raw)) {
    const t = typeof v === "string" ? Date.parse(v) : NaN;
    if (!Number.isFinite(t)) {
      bad++;
      continue;
    }
    pending.set(k, t);
  }
  return { pending, bad };
}

/** The annotation text for a set of pending removals: keys sorted, times in ISO form (deterministic). */
export function formatPending(pending: ReadonlyMap<string, number>): string | undefined {
  if (pending.size === 0) return undefined;
  const entries = [...pending].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, t]) => [k, new Date(t).toISOString()]);
  return JSON.stringify(Object.fromEntries(entries));
}

/**
 * The state a set holds. Nets are read as written; a bare address (hand-written) is read as its host CIDR so it
 * compares equal to what Consul gives. Pending entries for nets the set does not hold are dropped.
 */
export function stateOf(obj: GlobalNetworkSet | undefined): SetState | undefined {
  if (obj === undefined) return undefined;
  const nets = (obj.spec?.nets ?? []).map((n) => (n.includes("/") ? n : (hostCidr(n) ?? n)));
  const { pending } = parsePending(obj.metadata.annotations?.[PENDING_ANNOTATION]);
  const held = new Set(nets);
  for (const k of [...pending.keys()]) if (!held.has(k)) pending.delete(k);
  return { nets: sortNets(new Set(nets)), pending };
}

/** The labels the controller gives a mapping's set: the mapping's own, plus ownership and the service it mirrors. */
export function labelsFor(m: SyncMapping): Record<string, string> {
  const labels: Record<string, string> = { ...m.labels, [OWNER_LABEL]: OWNER_VALUE };
  // A Consul service name may hold characters a label value may not ('.' and '_' are fine; length is the risk).
  if (m.service.length <= 63 && /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(m.service)) labels[SERVICE_LABEL] = m.service;
  if (m.datacenter !== undefined && m.datacenter.length <= 63 && /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(m.datacenter)) labels[DATACENTER_LABEL] = m.datacenter;
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The object to write for a mapping's new state: a new set, or the existing one with its nets, the controller's
 * labels and the pending annotation replaced (other annotations and its resourceVersion kept, so the API server
 * refuses the write with 409 if someone changed the set in between).
 */
export function desiredObject(m: SyncMapping, state: SetState, existing: GlobalNetworkSet | undefined): GlobalNetworkSet {
  const annotations: Record<string, string> = { ...(existing?.metadata.annotations ?? {}) };
  delete annotations[PENDING_ANNOTATION];
  const pending = formatPending(state.pending);
  if (pending !== undefined) annotations[PENDING_ANNOTATION] = pending;
  const metadata: GlobalNetworkSet["metadata"] = {
    name: m.set,
    ...(existing?.metadata.resourceVersion === undefined ? {} : { resourceVersion: existing.metadata.resourceVersion }),
    labels: labelsFor(m),
    ...(Object.keys(annotations).length === 0 ? {} : { annotations: Object.fromEntries(Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) }),
  };
  return { apiVersion: GNS_API_VERSION, kind: GNS_KIND, metadata, spec: { ...(existing?.spec ?? {}), nets: [...state.nets] } };
}

/** Whether an existing set already is what `desiredObject` would write (labels, nets, pending): no write needed. */
export function upToDate(m: SyncMapping, state: SetState, existing: GlobalNetworkSet): boolean {
  const want = desiredObject(m, state, existing);
  const sameRecord = (a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean => JSON.stringify(sortRecord(a)) === JSON.stringify(sortRecord(b));
  return sameRecord(want.metadata.labels, existing.metadata.labels) && sameRecord(want.metadata.annotations, existing.metadata.annotations) && JSON.stringify(want.spec?.nets) === JSON.stringify(existing.spec?.nets ?? []);
}

function sortRecord(r: Record<string, string> | undefined): [string, string][] {
  return Object.entries(r ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
