/**
 * The pure core of the Consul → GlobalNetworkSet sync: from what Consul answers for one service and what the set
 * holds now, the set it must hold. No I/O and no clock of its own (the caller passes `now`), so every rule is
 * tested with an injected clock.
 *
 * Rules (issue 12):
 * - An address Consul reports is in the set at once.
 * - An address Consul no longer reports stays for the mapping's grace period, counted from the first time it was
 *   seen missing; that time is kept with the set (an annotation), so a restart or a new leader continues the grace
 *   period. An address that comes back during it is kept and its pending removal is cancelled.
 * - An empty answer for a set that has addresses is held (nothing changes) unless the mapping allows it: Consul
 *   losing a service, or every instance failing its checks, must not age out every address and shut off the
 *   Allow rules that name the set.
 */
import { formatIp, parseIp } from "../model/net.js";

/** One instance from Consul's `/v1/health/service/<name>`, reduced to what the sync reads. */
export interface ConsulInstance {
  readonly node: string;
  readonly nodeAddress: string;
  readonly serviceId: string;
  readonly serviceAddress: string;
  /** Status of each check of the instance (node checks and service checks): passing, warning, critical, maintenance. */
  readonly checks: readonly string[];
}

export interface AddressProblem {
  readonly instance: string;
  readonly address: string;
  readonly reason: string;
}

/**
 * The address Consul's rules give an instance: the service's own address, or, when it is empty, its node's
 * address (Consul docs, services configuration reference, `address`: "If no value is specified, the IP address
 * of the agent node is used"; hashicorp/consul#4599 on the health endpoint leaving Service.Address empty).
 */
export function instanceAddress(i: Pick<ConsulInstance, "nodeAddress" | "serviceAddress">): string {
  return i.serviceAddress !== "" ? i.serviceAddress : i.nodeAddress;
}

/** Whether every check passes, which is what Consul's `?passing` filter keeps (api-docs/health, list service instances). */
export function isPassing(i: Pick<ConsulInstance, "checks">): boolean {
  return i.checks.every((s) => s === "passing");
}

/** An address as a host CIDR in canonical form: `10.0.0.5/32`, `2001:db8::1/128`; undefined for a host name or garbage. */
export function hostCidr(address: string): string | undefined {
  // Consul may hold an IPv6 address in brackets ("[::1]") when it was written as a URL host.
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const ip = parseIp(bare);
  if (ip === undefined) return undefined;
  return `${formatIp(ip.version, ip.value)}/${ip.version === 4 ? 32 : 128}`;
}

/**
 * The host CIDRs a service's instances give, sorted, without duplicates; instances that fail their checks are
 * left out when `passingOnly`, and an address that is no IP (a host name) is reported, not written.
 */
export function desiredNets(instances: readonly ConsulInstance[], passingOnly: boolean): { nets: string[]; problems: AddressProblem[] } {
  const nets = new Set<string>();
  const problems: AddressProblem[] = [];
  for (const i of instances) {
    if (passingOnly && !isPassing(i)) continue;
    const address = instanceAddress(i);
    const cidr = hostCidr(address);
    if (cidr === undefined) {
      problems.push({ instance: `${i.node}/${i.serviceId}`, address, reason: address === "" ? "neither the service nor its node has an address" : "is not an IP address (a GlobalNetworkSet holds CIDRs)" });
      continue;
    }
    nets.add(cidr);
  }
  return { nets: sortNets(nets), problems };
}

/** Sorts CIDRs by family, then address, then prefix: a stable order, so the same addresses always write the same set. */
export function sortNets(nets: Iterable<string>): string[] {
  const keyed = [...nets].map((n) => {
    const slash = n.indexOf("/");
    const ip = parseIp(slash < 0 ? n : n.slice(0, slash));
    return { n, v: ip?.version ?? 9, a: ip?.value ?? 0n, p: slash < 0 ? 0 : Number(n.slice(slash + 1)) };
  });
  keyed.sort((x, y) => x.v - y.v || (x.a < y.a ? -1 : x.a > y.a ? 1 : 0) || x.p - y.p || (x.n < y.n ? -1 : x.n > y.n ? 1 : 0));
  return keyed.map((k) => k.n);
}

/** What a set holds: its nets and, for those in their grace period, when each was first seen missing (ms since epoch). */
export interface SetState {
  readonly nets: readonly string[];
  readonly pending: ReadonlyMap<string, number>;
}

export interface ReconcileInput {
  /** The set as it is (undefined: it does not exist yet). */
  readonly current: SetState | undefined;
  /** Host CIDRs Consul reports now (undefined: no answer yet, nothing is decided). */
  readonly observed: readonly string[] | undefined;
  readonly now: number;
  readonly graceMs: number;
  readonly allowEmpty: boolean;
}

export interface ReconcileResult {
  /** The set as it must be. */
  readonly next: SetState;
  /** Whether `next` differs from `current` (a write is due). */
  readonly changed: boolean;
  /** Consul's answer was empty and the set's addresses were held (nothing changed). */
  readonly held: boolean;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Addresses that went missing in this step (their grace period starts now). */
  readonly startedGrace: readonly string[];
  /** Addresses that came back during their grace period. */
  readonly cancelled: readonly string[];
  /** When the earliest pending removal falls due (ms since epoch), if any: wake up then. */
  readonly nextDeadline?: number;
}

const EMPTY: SetState = { nets: [], pending: new Map() };

/** The set a service's addresses require now; see the module comment for the rules. */
export function reconcile(input: ReconcileInput): ReconcileResult {
  const current = input.current ?? EMPTY;
  const unchanged = (held: boolean): ReconcileResult => ({ next: current, changed: false, held, added: [], removed: [], startedGrace: [], cancelled: [], ...deadline(current, input.graceMs) });
  if (input.observed === undefined) return unchanged(false);
  if (input.observed.length === 0 && current.nets.length > 0 && !input.allowEmpty) return unchanged(true);

  const observed = new Set(input.observed);
  const have = new Set(current.nets);
  const nets = new Set<string>(observed);
  const pending = new Map<string, number>();
  const removed: string[] = [];
  const startedGrace: string[] = [];
  const cancelled: string[] = [];
  for (const n of current.nets) {
    if (observed.has(n)) {
      if (current.pending.has(n)) cancelled.push(n);
      continue;
    }
    const recorded = current.pending.get(n);
    // A first-missing time in the future (clock skew between replicas, a hand edit) counts from now: the grace
    // period may grow but never shrink.
    const first = recorded === undefined ? input.now : Math.min(recorded, input.now);
    if (recorded === undefined) startedGrace.push(n);
    if (input.now - first >= input.graceMs) {
      removed.push(n);
      continue;
    }
    nets.add(n);
    pending.set(n, first);
  }
  const added = input.observed.filter((n) => !have.has(n));
  const next: SetState = { nets: sortNets(nets), pending: new Map([...pending].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
  const changed = input.current === undefined || !sameState(current, next);
  return { next, changed, held: false, added: sortNets(new Set(added)), removed: sortNets(removed), startedGrace: sortNets(startedGrace), cancelled: sortNets(cancelled), ...deadline(next, input.graceMs) };
}

function deadline(s: SetState, graceMs: number): { nextDeadline?: number } {
  let min: number | undefined;
  for (const t of s.pending.values()) if (min === undefined || t + graceMs < min) min = t + graceMs;
  return min === undefined ? {} : { nextDeadline: min };
}

export function sameState(a: SetState, b: SetState): boolean {
  if (a.nets.length !== b.nets.length || a.pending.size !== b.pending.size) return false;
  const an = sortNets(a.nets);
  const bn = sortNets(b.nets);
  if (an.some((n, i) => n !== bn[i])) return false;
  for (const [k, v] of a.pending) if (b.pending.get(k) !== v) return false;
  return true;
}
