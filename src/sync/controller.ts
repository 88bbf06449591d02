/**
 * The sync controller: one blocking-query watch per distinct Consul query, one GlobalNetworkSet per mapping.
 *
 * A Consul answer that changes a set's addresses schedules that set's flush after the debounce window; further
 * answers inside the window join it, so a burst of changes is one write. A flush reads the set (from its cache,
 * or the API), reconciles (src/sync/reconcile.ts), and writes it once if anything changed, through the global
 * token bucket. A 409 re-reads and retries. A pending removal wakes the set when its grace period ends. A full
 * resync re-lists the owned sets and flushes every set. Only the leader writes; a replica that is not leader
 * watches Consul so a fail-over starts warm.
 */
import { setMaxListeners } from "node:events";
import type { SyncConfig, SyncMapping } from "./config.js";
import { backoffDelay, ConsulError, knownServices, watchKey, watchService, type ConsulGet, type WatchSpec } from "./consul.js";
import { KubeError, type KubeApi } from "./kube.js";
import { desiredObject, isOwned, stateOf, upToDate, type GlobalNetworkSet } from "./networkset.js";
import { desiredNets, reconcile } from "./reconcile.js";
import { TokenBucket, type Clock, type Logger, type Metrics } from "./runtime.js";

export const METRICS = {
  consulRequests: "networkset_sync_consul_requests_total",
  consulIndex: "networkset_sync_consul_index",
  indexResets: "networkset_sync_consul_index_resets_total",
  errors: "networkset_sync_errors_total",
  writes: "networkset_sync_writes_total",
  conflicts: "networkset_sync_conflicts_total",
  addresses: "networkset_sync_addresses",
  pending: "networkset_sync_pending_removals",
  held: "networkset_sync_empty_held",
  heldEvents: "networkset_sync_empty_held_total",
  lag: "networkset_sync_lag_seconds",
  leader: "networkset_sync_leader",
  lastResync: "networkset_sync_last_resync_timestamp_seconds",
} as const;

export function defineMetrics(m: Metrics): void {
  m.define(METRICS.consulRequests, "counter", "Blocking queries sent to Consul.");
  m.define(METRICS.consulIndex, "gauge", "X-Consul-Index of the last answer, per watched service.");
  m.define(METRICS.indexResets, "counter", "Times a watch's index went backwards and was reset to 0.");
  m.define(METRICS.errors, "counter", "Errors by kind (consul_unreachable, consul_auth, kube_status, conflict, not_owned, unknown_service, bad_address, ...).");
  m.define(METRICS.writes, "counter", "GlobalNetworkSet writes (create or update), per set.");
  m.define(METRICS.conflicts, "counter", "409 Conflict answers to a write, per set (re-read and retried).");
  m.define(METRICS.addresses, "gauge", "Addresses in each set.");
  m.define(METRICS.pending, "gauge", "Addresses of each set inside their grace period.");
  m.define(METRICS.held, "gauge", "1 while a set is held because Consul answered with no instances.");
  m.define(METRICS.heldEvents, "counter", "Times an empty answer from Consul was refused for a set.");
  m.define(METRICS.lag, "gauge", "Seconds from the Consul answer that changed a set to the write of that set (last write).");
  m.define(METRICS.leader, "gauge", "1 when this replica is the leader (the only one that writes).");
  m.define(METRICS.lastResync, "gauge", "Time of the last full resync, in seconds since the epoch.");
}

interface SetRuntime {
  readonly mapping: SyncMapping;
  /** Host CIDRs from Consul's last answer (undefined until the first). */
  observed?: string[];
  /** When the oldest change not yet written arrived. */
  changedAt?: number;
  /** The set as last read or written; null: known not to exist; undefined: not known (read it). */
  cache?: GlobalNetworkSet | null;
  dueAt?: number;
  timer?: AbortController;
  writing: boolean;
  dirty: boolean;
  failures: number;
  /** When the set was last written: no second write inside one debounce window. */
  lastWriteAt?: number;
  held: boolean;
  notOwnedLogged: boolean;
}

interface WatchRuntime {
  readonly spec: WatchSpec;
  readonly sets: string[];
  answered: boolean;
  failing: boolean;
}

export interface ControllerDeps {
  readonly config: SyncConfig;
  readonly consul: ConsulGet;
  readonly kube: KubeApi;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Whether this replica may write now; always when absent (one replica, tests). */
  readonly isLeader?: () => boolean;
}

export class SyncController {
  private readonly sets = new Map<string, SetRuntime>();
  private readonly watches = new Map<string, WatchRuntime>();
  private readonly bucket: TokenBucket;
  private signal: AbortSignal = new AbortController().signal;
  private kubeOk = false;
  private readonly inflight = new Set<Promise<void>>();
  private known = new Map<string, { at: number; names: Set<string> }>();

  constructor(private readonly d: ControllerDeps) {
    defineMetrics(d.metrics);
    this.bucket = new TokenBucket(d.config.pacing.writesPerMinute, d.config.pacing.writeBurst, d.clock);
    for (const m of d.config.mappings) {
      this.sets.set(m.set, { mapping: m, writing: false, dirty: false, failures: 0, held: false, notOwnedLogged: false });
      const spec: WatchSpec = { service: m.service, passingOnly: m.passingOnly, ...(m.datacenter === undefined ? {} : { datacenter: m.datacenter }), ...(m.tag === undefined ? {} : { tag: m.tag }) };
      const key = watchKey(spec);
      const w = this.watches.get(key);
      if (w === undefined) this.watches.set(key, { spec, sets: [m.set], answered: false, failing: false });
      else w.sets.push(m.set);
    }
  }

  private leader(): boolean {
    return this.d.isLeader?.() ?? true;
  }

  /** Ready: every watch has answered and is not failing, and the last API call worked. */
  readiness(): { ready: boolean; reasons: string[] } {
    const reasons: string[] = [];
    for (const w of this.watches.values()) {
      if (!w.answered) reasons.push(`no answer from Consul yet for ${w.spec.service}`);
      else if (w.failing) reasons.push(`Consul queries for ${w.spec.service} are failing`);
    }
    if (!this.kubeOk) reasons.push("the Kubernetes API has not answered (or its last call failed)");
    return { ready: reasons.length === 0, reasons };
  }

  /** Runs until `signal` aborts: the watches, the resync loop and the flushes they schedule. */
  async run(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    // Every watch, timer and token wait listens on this one signal.
    setMaxListeners(0, signal);
    const loops: Promise<void>[] = [];
    for (const w of this.watches.values()) loops.push(this.watch(w));
    loops.push(this.resyncLoop());
    await Promise.all(loops);
    for (const rt of this.sets.values()) rt.timer?.abort();
    await Promise.all([...this.inflight]);
  }

  /** Called when this replica becomes leader: forget the cache (another replica wrote meanwhile) and resync now. */
  leadershipChanged(leader: boolean): void {
    this.d.metrics.set(METRICS.leader, {}, leader ? 1 : 0);
    if (!leader) return;
    for (const rt of this.sets.values()) rt.cache = undefined;
    this.track(this.resync());
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private error(kind: string, msg: string, fields: Record<string, unknown>): void {
    this.d.metrics.inc(METRICS.errors, { kind });
    this.d.logger.log("error", msg, { kind, ...fields });
  }

  private async watch(w: WatchRuntime): Promise<void> {
    const c = this.d.config;
    const svc = { service: w.spec.service, datacenter: w.spec.datacenter ?? "" };
    await watchService(w.spec, this.d.consul, { waitSeconds: c.consul.waitSeconds, stale: c.consul.stale, minQueryIntervalMillis: c.consul.minQueryIntervalMillis, backoffInitialMillis: c.pacing.backoffInitialMillis, backoffMaxMillis: c.pacing.backoffMaxMillis }, this.d.clock, {
      onRequest: () => this.d.metrics.inc(METRICS.consulRequests),
      onResult: (instances, index) => {
        w.answered = true;
        if (w.failing) this.d.logger.log("info", "Consul answers again", svc);
        w.failing = false;
        this.d.metrics.set(METRICS.consulIndex, svc, index);
        if (instances.length === 0) this.track(this.checkUnknown(w));
        for (const name of w.sets) {
          const rt = this.sets.get(name);
          if (rt === undefined) continue;
          const { nets, problems } = desiredNets(instances, rt.mapping.passingOnly);
          for (const p of problems) this.error("bad_address", "instance address skipped", { set: name, ...p });
          this.observe(rt, nets);
        }
      },
      onError: (err: ConsulError, attempt, delayMs) => {
        w.failing = true;
        this.error(err.kind, "Consul query failed", { ...svc, attempt, retryInMs: delayMs, error: err.message });
      },
      onIndexReset: (previous, returned) => {
        this.d.metrics.inc(METRICS.indexResets);
        this.d.logger.log("warn", "Consul index went backwards; reset to 0", { ...svc, previous, returned });
      },
    }, this.signal);
  }

  /** An empty answer: tell an unknown service (a typo, a deregistered service) from one with no healthy instance. */
  private async checkUnknown(w: WatchRuntime): Promise<void> {
    const dc = w.spec.datacenter;
    const now = this.d.clock.now();
    try {
      let entry = this.known.get(dc ?? "");
      if (entry === undefined || now - entry.at > this.d.config.pacing.resyncSeconds * 1000) {
        entry = { at: now, names: await knownServices(this.d.consul, dc, this.signal) };
        this.known.set(dc ?? "", entry);
      }
      if (!entry.names.has(w.spec.service)) this.error("unknown_service", "Consul knows no such service", { service: w.spec.service, datacenter: dc ?? "", sets: w.sets });
    } catch (e) {
      if (e instanceof ConsulError) this.d.logger.log("warn", "could not list Consul services", { error: e.message });
      else throw e;
    }
  }

  private observe(rt: SetRuntime, nets: string[]): void {
    const same = rt.observed !== undefined && rt.observed.length === nets.length && rt.observed.every((n, i) => n === nets[i]);
    if (same) return;
    rt.observed = nets;
    rt.changedAt ??= this.d.clock.now();
    this.schedule(rt, this.d.clock.now() + this.d.config.pacing.debounceMillis);
  }

  /**
   * Flushes the set at `at` (or earlier, if a flush is already due sooner), but never within one debounce window
   * of its last write: a removal falling due just after a write waits for the window (it is never early).
   */
  private schedule(rt: SetRuntime, when: number): void {
    if (this.signal.aborted) return;
    const at = rt.lastWriteAt === undefined ? when : Math.max(when, rt.lastWriteAt + this.d.config.pacing.debounceMillis);
    if (rt.dueAt !== undefined && rt.dueAt <= at) return;
    rt.timer?.abort();
    const ac = new AbortController();
    rt.timer = ac;
    rt.dueAt = at;
    const wait = Math.max(0, at - this.d.clock.now());
    this.track(
      this.d.clock.sleep(wait, ac.signal).then(async () => {
        if (ac.signal.aborted || this.signal.aborted) return;
        rt.timer = undefined;
        rt.dueAt = undefined;
        // Scheduled before a write that happened since: wait out that write's window.
        if (rt.lastWriteAt !== undefined && this.d.clock.now() < rt.lastWriteAt + this.d.config.pacing.debounceMillis) {
          this.schedule(rt, rt.lastWriteAt + this.d.config.pacing.debounceMillis);
          return;
        }
        await this.flush(rt);
      }),
    );
  }

  private async flush(rt: SetRuntime): Promise<void> {
    if (rt.observed === undefined) return;
    if (rt.writing) {
      rt.dirty = true;
      return;
    }
    rt.writing = true;
    try {
      await this.syncSet(rt);
    } finally {
      rt.writing = false;
    }
    if (rt.dirty) {
      rt.dirty = false;
      this.schedule(rt, this.d.clock.now() + this.d.config.pacing.debounceMillis);
    }
  }

  private async syncSet(rt: SetRuntime): Promise<void> {
    const m = rt.mapping;
    const retries = this.d.config.pacing.conflictRetries;
    for (let attempt = 0; attempt < retries && !this.signal.aborted; attempt++) {
      if (!this.leader()) return;
      let existing: GlobalNetworkSet | undefined;
      try {
        if (rt.cache === undefined) rt.cache = (await this.d.kube.getSet(m.set, this.signal)) ?? null;
        this.kubeOk = true;
        existing = rt.cache ?? undefined;
      } catch (e) {
        this.kubeFailed(rt, e);
        return;
      }
      if (existing !== undefined && !isOwned(existing)) {
        if (!rt.notOwnedLogged) this.error("not_owned", "a GlobalNetworkSet of that name exists and is not the controller's; it is left alone", { set: m.set, mapping: m.path });
        rt.notOwnedLogged = true;
        rt.cache = undefined;
        return;
      }
      rt.notOwnedLogged = false;
      const now = this.d.clock.now();
      const r = reconcile({ current: stateOf(existing), observed: rt.observed, now, graceMs: m.graceSeconds * 1000, allowEmpty: m.allowEmpty });
      if (r.held && !rt.held) {
        this.d.metrics.inc(METRICS.heldEvents, { set: m.set });
        this.d.logger.log("warn", "Consul answered with no instances; the set keeps its addresses (allowEmpty: false)", { set: m.set, service: m.service, addresses: existing?.spec?.nets?.length ?? 0 });
      }
      rt.held = r.held;
      this.d.metrics.set(METRICS.held, { set: m.set }, r.held ? 1 : 0);
      this.d.metrics.set(METRICS.addresses, { set: m.set }, r.next.nets.length);
      this.d.metrics.set(METRICS.pending, { set: m.set }, r.next.pending.size);
      if (r.nextDeadline !== undefined) this.schedule(rt, Math.max(r.nextDeadline, now));
      const needWrite = existing === undefined || !upToDate(m, r.next, existing);
      if (!needWrite) {
        rt.changedAt = undefined;
        rt.failures = 0;
        return;
      }
      if (!(await this.bucket.take(this.signal))) return;
      if (!this.leader()) return;
      const obj = desiredObject(m, r.next, existing);
      let res;
      try {
        res = existing === undefined ? await this.d.kube.createSet(obj, this.signal) : await this.d.kube.updateSet(obj, this.signal);
        this.kubeOk = true;
      } catch (e) {
        this.kubeFailed(rt, e);
        return;
      }
      if (!res.ok) {
        this.d.metrics.inc(METRICS.conflicts, { set: m.set });
        this.d.logger.log("info", "write conflict (409); re-reading the set", { set: m.set, attempt });
        rt.cache = undefined;
        continue;
      }
      rt.cache = res.object;
      rt.failures = 0;
      rt.lastWriteAt = this.d.clock.now();
      this.d.metrics.inc(METRICS.writes, { set: m.set });
      const written = this.d.clock.now();
      if (rt.changedAt !== undefined) this.d.metrics.set(METRICS.lag, { set: m.set }, (written - rt.changedAt) / 1000);
      rt.changedAt = undefined;
      this.d.logger.log("info", existing === undefined ? "created the set" : "updated the set", { set: m.set, service: m.service, addresses: r.next.nets.length, added: r.added, removed: r.removed, graceStarted: r.startedGrace, graceCancelled: r.cancelled, pending: r.next.pending.size });
      return;
    }
    if (this.signal.aborted) return;
    this.error("conflict", "write kept conflicting; retrying later", { set: m.set, tries: retries });
    this.retryLater(rt);
  }

  private kubeFailed(rt: SetRuntime, e: unknown): void {
    if (!(e instanceof KubeError)) throw e;
    if (this.signal.aborted) return;
    this.kubeOk = false;
    rt.cache = undefined;
    this.error(e.kind, "Kubernetes API call failed", { set: rt.mapping.set, error: e.message, status: e.status });
    this.retryLater(rt);
  }

  private retryLater(rt: SetRuntime): void {
    const delay = backoffDelay(rt.failures, this.d.config.pacing.backoffInitialMillis, this.d.config.pacing.backoffMaxMillis, () => this.d.clock.random());
    rt.failures++;
    this.schedule(rt, this.d.clock.now() + delay);
  }

  /** Re-lists the owned sets (one call) and flushes every set. */
  async resync(): Promise<void> {
    if (!this.leader()) return;
    try {
      const owned = await this.d.kube.listOwnedSets(this.signal);
      this.kubeOk = true;
      const byName = new Map(owned.map((o) => [o.metadata.name, o]));
      // A set not in the owned list is read again by name: it may exist with another owner.
      for (const rt of this.sets.values()) rt.cache = byName.get(rt.mapping.set);
    } catch (e) {
      if (!(e instanceof KubeError)) throw e;
      if (this.signal.aborted) return;
      this.kubeOk = false;
      this.error(e.kind, "Kubernetes API list failed", { error: e.message });
      for (const rt of this.sets.values()) rt.cache = undefined;
    }
    this.d.metrics.set(METRICS.lastResync, {}, Math.floor(this.d.clock.now() / 1000));
    for (const rt of this.sets.values()) if (rt.observed !== undefined) this.schedule(rt, this.d.clock.now());
  }

  private async resyncLoop(): Promise<void> {
    while (!this.signal.aborted) {
      await this.d.clock.sleep(this.d.config.pacing.resyncSeconds * 1000, this.signal);
      if (this.signal.aborted) return;
      await this.resync();
    }
  }
}
