/**
 * Watching a Consul service with blocking queries (developer.hashicorp.com/consul/api-docs/features/blocking):
 * each query passes `index` (the last `X-Consul-Index`) and `wait`, and Consul answers when the result may have
 * changed or the wait ran out. The "Implementation Details" of that page are followed:
 * - an index lower than the previous one resets the index to 0 (a full read next);
 * - an index below 1 is used as 1, so a buggy 0 cannot make the loop spin;
 * - the watch is rate limited: two queries of one watch are at least `minQueryIntervalMillis` apart, so an index
 *   that does not advance (or an answer that returns at once) cannot make a tight loop.
 * Errors back off exponentially with jitter (between half and the whole of the current delay).
 */
import type { ConsulInstance } from "./reconcile.js";
import type { Clock } from "./runtime.js";

export interface HttpAnswer {
  readonly status: number;
  readonly header: (name: string) => string | undefined;
  readonly body: string;
}

/** A GET of a path with its query (`/v1/health/service/web?index=3&wait=5s`) against the Consul agent. */
export type ConsulGet = (pathAndQuery: string, signal: AbortSignal) => Promise<HttpAnswer>;

export type ConsulErrorKind = "consul_unreachable" | "consul_auth" | "consul_status" | "consul_index" | "consul_body";

export class ConsulError extends Error {
  constructor(
    readonly kind: ConsulErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ConsulError";
  }
}

export interface WatchSpec {
  readonly service: string;
  readonly datacenter?: string;
  readonly tag?: string;
  readonly passingOnly: boolean;
}

/** One key per distinct query: mappings that ask Consul the same question share one watch. */
export function watchKey(w: WatchSpec): string {
  return JSON.stringify([w.service, w.datacenter ?? "", w.tag ?? "", w.passingOnly]);
}

export function healthQuery(w: WatchSpec, index: number, waitSeconds: number, stale: boolean): string {
  const q = new URLSearchParams();
  if (w.datacenter !== undefined) q.set("dc", w.datacenter);
  if (w.tag !== undefined) q.set("tag", w.tag);
  if (w.passingOnly) q.set("passing", "true");
  if (stale) q.set("stale", "");
  if (index > 0) {
    q.set("index", String(index));
    q.set("wait", `${waitSeconds}s`);
  }
  const qs = q.toString().replace(/stale=(&|$)/, "stale$1");
  return `/v1/health/service/${encodeURIComponent(w.service)}${qs === "" ? "" : `?${qs}`}`;
}

/** Reads `/v1/health/service/<name>` JSON into instances; throws ConsulError("consul_body") for anything else. */
export function parseHealth(body: string): ConsulInstance[] {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new ConsulError("consul_body", "the health answer is not JSON");
  }
  if (!Array.isArray(raw)) throw new ConsulError("consul_body", "the health answer is not a list");
  return raw.map((e: unknown, i) => {
    const entry = (typeof e === "object" && e !== null ? e : {}) as { Node?: { Node?: unknown; Address?: unknown }; Service?: { ID?: unknown; Address?: unknown }; Checks?: unknown };
    if (typeof entry.Node !== "object" || entry.Node === null || typeof entry.Service !== "object" || entry.Service === null) throw new ConsulError("consul_body", `health entry ${i} has no Node or Service`);
    const str = (v: unknown): string => (typeof v === "string" ? v : "");
    const checks = Array.isArray(entry.Checks) ? entry.Checks.map((c: unknown) => str((c as { Status?: unknown } | null)?.Status)) : [];
    return { node: str(entry.Node.Node), nodeAddress: str(entry.Node.Address), serviceId: str(entry.Service.ID), serviceAddress: str(entry.Service.Address), checks };
  });
}

/** The index to send next, from the previous one and the one Consul returned (see the module comment). */
export function nextIndex(previous: number, returned: number): { index: number; reset: boolean } {
  if (returned < previous) return { index: 0, reset: true };
  return { index: returned < 1 ? 1 : returned, reset: false };
}

/** Exponential backoff with jitter: the n-th delay (from 0) is drawn from [d/2, d], d = min(max, initial·2ⁿ). */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const d = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 40));
  return Math.round(d / 2 + random() * (d / 2));
}

export interface WatchEvents {
  /** A result whose index moved (or the first result): the instances Consul reports now. */
  onResult(instances: ConsulInstance[], index: number): void;
  /** A failed query; `delayMs` is the backoff before the next one. */
  onError(err: ConsulError, attempt: number, delayMs: number): void;
  /** The index went backwards and was reset. */
  onIndexReset?(previous: number, returned: number): void;
  /** Every query sent (for the request counter). */
  onRequest?(): void;
}

export interface WatchOptions {
  readonly waitSeconds: number;
  readonly stale: boolean;
  readonly minQueryIntervalMillis: number;
  readonly backoffInitialMillis: number;
  readonly backoffMaxMillis: number;
}

/** Runs one watch until `signal` aborts. Never throws for Consul's failures: they go to `onError` and back off. */
export async function watchService(spec: WatchSpec, get: ConsulGet, opts: WatchOptions, clock: Clock, events: WatchEvents, signal: AbortSignal): Promise<void> {
  let index = 0;
  let delivered = false;
  let failures = 0;
  while (!signal.aborted) {
    const started = clock.now();
    try {
      events.onRequest?.();
      const answer = await get(healthQuery(spec, index, opts.waitSeconds, opts.stale), signal);
      if (answer.status === 403 || answer.status === 401) throw new ConsulError("consul_auth", `Consul refused the token (${answer.status}): ${answer.body.trim().slice(0, 200)}`, answer.status);
      if (answer.status !== 200) throw new ConsulError("consul_status", `Consul answered ${answer.status}: ${answer.body.trim().slice(0, 200)}`, answer.status);
      const text = answer.header("x-consul-index");
      const returned = text !== undefined && /^[0-9]{1,20}$/.test(text) ? Number(text) : NaN;
      if (!Number.isFinite(returned)) throw new ConsulError("consul_index", `Consul's answer has no valid X-Consul-Index (${String(text)})`);
      const instances = parseHealth(answer.body);
      const next = nextIndex(index, returned);
      if (next.reset) events.onIndexReset?.(index, returned);
      const moved = !delivered || next.reset || next.index !== index;
      index = next.index;
      failures = 0;
      if (moved) {
        delivered = true;
        events.onResult(instances, returned);
      }
    } catch (e) {
      if (signal.aborted) return;
      const err = e instanceof ConsulError ? e : new ConsulError("consul_unreachable", (e as Error).message);
      const delay = backoffDelay(failures, opts.backoffInitialMillis, opts.backoffMaxMillis, () => clock.random());
      events.onError(err, failures, delay);
      failures++;
      // A failed query keeps its index: a blocking query that failed says nothing about the state.
      await clock.sleep(delay, signal);
      continue;
    }
    const elapsed = clock.now() - started;
    if (elapsed < opts.minQueryIntervalMillis) await clock.sleep(opts.minQueryIntervalMillis - elapsed, signal);
  }
}

/** `/v1/catalog/services` of a datacenter: the names Consul knows (to tell an unknown service from an empty one). */
export async function knownServices(get: ConsulGet, datacenter: string | undefined, signal: AbortSignal): Promise<Set<string>> {
  const a = await get(`/v1/catalog/services${datacenter === undefined ? "" : `?dc=${encodeURIComponent(datacenter)}`}`, signal);
  if (a.status === 403 || a.status === 401) throw new ConsulError("consul_auth", `Consul refused the token (${a.status})`, a.status);
  if (a.status !== 200) throw new ConsulError("consul_status", `Consul answered ${a.status}: ${a.body.trim().slice(0, 200)}`, a.status);
  let raw: unknown;
  try {
    raw = JSON.parse(a.body);
  } catch {
    throw new ConsulError("consul_body", "the catalog answer is not JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ConsulError("consul_body", "the catalog answer is not a map");
  return new Set(Object.keys(raw));
}
