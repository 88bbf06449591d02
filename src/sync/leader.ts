/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection package does it: the holder
 * renews `renewTime` every `renewSeconds`; another replica takes the lease over only once `renewTime +
 * leaseDurationSeconds` has passed; every write of the Lease carries its resourceVersion, so two replicas
 * racing for it cannot both win (the loser gets 409). A leader that could not renew stops writing before
 * anyone may take over: it counts itself leader only until `leaseDuration - renewSeconds` after its last
 * successful renewal began.
 */
import type { KubeApi, Lease } from "./kube.js";
import { KubeError } from "./kube.js";
import type { Clock, Logger } from "./runtime.js";

export interface LeaderOptions {
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly leaseDurationSeconds: number;
  readonly renewSeconds: number;
}

/** RFC 3339 with microseconds, as metav1.MicroTime is written. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "000Z");
}

export class LeaderElector {
  private validUntil = 0;
  private leading = false;
  /** Who holds the lease, as last read. */
  holder: string | undefined;

  constructor(
    private readonly api: KubeApi,
    private readonly o: LeaderOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly onChange: (leader: boolean) => void = () => undefined,
  ) {}

  isLeader(): boolean {
    return this.leading && this.clock.now() < this.validUntil;
  }

  private set(leader: boolean): void {
    if (leader !== this.leading) {
      this.leading = leader;
      this.logger.log("info", leader ? "became leader" : "lost leadership", { lease: `${this.o.namespace}/${this.o.name}`, identity: this.o.identity });
      this.onChange(leader);
    }
  }

  /** One round: acquire, renew or observe. True when this replica holds the lease afterwards. */
  async tryOnce(signal?: AbortSignal): Promise<boolean> {
    const started = this.clock.now();
    const spec = (prev: Lease["spec"] | undefined, takeOver: boolean): Lease["spec"] => ({
      holderIdentity: this.o.identity,
      leaseDurationSeconds: this.o.leaseDurationSeconds,
      acquireTime: takeOver || prev?.acquireTime === undefined ? microTime(started) : prev.acquireTime,
      renewTime: microTime(started),
      leaseTransitions: (prev?.leaseTransitions ?? 0) + (takeOver && prev !== undefined ? 1 : 0),
    });
    try {
      const lease = await this.api.getLease(this.o.namespace, this.o.name, signal);
      let result;
      if (lease === undefined) {
        result = await this.api.createLease({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: this.o.name, namespace: this.o.namespace }, spec: spec(undefined, true) }, signal);
      } else {
        const holder = lease.spec.holderIdentity;
        this.holder = holder;
        const renewed = lease.spec.renewTime === undefined ? NaN : Date.parse(lease.spec.renewTime);
        const duration = (lease.spec.leaseDurationSeconds ?? this.o.leaseDurationSeconds) * 1000;
        const expired = holder === undefined || holder === "" || !Number.isFinite(renewed) || renewed + duration <= started;
        if (holder !== this.o.identity && !expired) {
          this.set(false);
          return false;
        }
        result = await this.api.updateLease({ ...lease, spec: spec(lease.spec, holder !== this.o.identity) }, signal);
      }
      if (!result.ok) {
        this.set(false);
        return false;
      }
      this.holder = this.o.identity;
      this.validUntil = started + (this.o.leaseDurationSeconds - this.o.renewSeconds) * 1000;
      this.set(true);
      return true;
    } catch (e) {
      if (!(e instanceof KubeError)) throw e;
      this.logger.log("warn", "lease round failed", { kind: e.kind, error: e.message });
      // Still leader until validUntil; isLeader() says so by the clock.
      if (this.clock.now() >= this.validUntil) this.set(false);
      return this.isLeader();
    }
  }

  /** Renews or tries to acquire every renewSeconds until `signal` aborts; releases nothing on exit (the lease expires). */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.tryOnce(signal);
      await this.clock.sleep(this.o.renewSeconds * 1000, signal);
    }
    this.set(false);
  }
}
