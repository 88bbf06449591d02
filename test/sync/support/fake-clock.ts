/** A clock the test moves by hand: sleeps resolve when `advance` passes their time, in order. Seeded randomness. */
import type { Clock } from "../../../src/sync/runtime.js";

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

export class FakeClock implements Clock {
  private timers: Timer[] = [];
  private seq = 0;
  private seed: number;

  constructor(
    public t = Date.UTC(2026, 0, 1),
    seed = 1,
  ) {
    this.seed = seed;
  }

  now(): number {
    return this.t;
  }

  random(): number {
    // mulberry32
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let x = Math.imul(this.seed ^ (this.seed >>> 15), 1 | this.seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted === true) return resolve();
      const onAbort = (): void => {
        this.timers = this.timers.filter((x) => x !== timer);
        resolve();
      };
      const timer: Timer = {
        at: this.t + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Lets every promise chain that can run now run (fake I/O resolves at once). */
  async settle(rounds = 8): Promise<void> {
    for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing the timers due on the way, in time order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await this.settle();
    for (;;) {
      let next: number | undefined;
      for (const x of this.timers) if (x.at <= end && (next === undefined || x.at < next)) next = x.at;
      if (next === undefined) break;
      this.t = next;
      const due = this.timers.filter((x) => x.at === next).sort((a, b) => a.seq - b.seq);
      this.timers = this.timers.filter((x) => x.at !== next);
      for (const x of due) x.resolve();
      await this.settle();
    }
    this.t = end;
    await this.settle();
  }
}
