/**
 * What the sync controller takes from its surroundings, injected so tests drive it with a fake clock: time,
 * sleeping, randomness (jitter), structured logs and Prometheus metrics.
 */

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or at once (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A number in [0, 1), for jitter. */
  random(): number;
}

export const realClock: Clock = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted === true) return resolve();
      const done = (): void => {
        clearTimeout(t);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const t = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener("abort", done, { once: true });
    }),
};

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  log(level: LogLevel, msg: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** One JSON object a line: `{"time":…,"level":…,"msg":…, …fields}`. */
export function jsonLogger(write: (line: string) => void, clock: Pick<Clock, "now"> = realClock, minLevel: LogLevel = "info"): Logger {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  return {
    log(level, msg, fields = {}) {
      if (order[level] < order[minLevel]) return;
      write(`${JSON.stringify({ time: new Date(clock.now()).toISOString(), level, msg, ...fields })}\n`);
    },
  };
}

type LabelSet = Readonly<Record<string, string>>;

interface Family {
  readonly type: "counter" | "gauge";
  readonly help: string;
  readonly values: Map<string, { labels: LabelSet; value: number }>;
}

function labelKey(labels: LabelSet): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/** A small Prometheus registry: counters and gauges with labels, rendered in the text exposition format 0.0.4. */
export class Metrics {
  private readonly families = new Map<string, Family>();

  define(name: string, type: "counter" | "gauge", help: string): void {
    if (!this.families.has(name)) this.families.set(name, { type, help, values: new Map() });
  }

  private family(name: string): Family {
    const f = this.families.get(name);
    if (f === undefined) throw new Error(`metric ${name} is not defined`);
    return f;
  }

  inc(name: string, labels: LabelSet = {}, by = 1): void {
    const f = this.family(name);
    const k = labelKey(labels);
    const cur = f.values.get(k);
    f.values.set(k, { labels, value: (cur?.value ?? 0) + by });
  }

  set(name: string, labels: LabelSet, value: number): void {
    this.family(name).values.set(labelKey(labels), { labels, value });
  }

  remove(name: string, labels: LabelSet): void {
    this.family(name).values.delete(labelKey(labels));
  }

  get(name: string, labels: LabelSet = {}): number {
    return this.family(name).values.get(labelKey(labels))?.value ?? 0;
  }

  /** Sum over every label set of a metric. */
  total(name: string): number {
    let t = 0;
    for (const v of this.family(name).values.values()) t += v.value;
    return t;
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, f] of [...this.families].sort(([a], [b]) => (a < b ? -1 : 1))) {
      lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const k of [...f.values.keys()].sort()) {
        const v = f.values.get(k);
        if (v === undefined) continue;
        const ls = Object.entries(v.labels)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([lk, lv]) => `${lk}="${escapeLabel(lv)}"`)
          .join(",");
        lines.push(`${name}${ls === "" ? "" : `{${ls}}`} ${Number.isFinite(v.value) ? String(v.value) : "NaN"}`);
      }
    }
    return `${lines.join("\n")}\n`;
  }
}

/**
 * A token bucket: `perMinute` tokens a minute, at most `burst` saved up. `take` waits for a token; the global
 * write budget of the controller, so no burst of Consul changes can flood the datastore.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perMinute) / 60_000);
    this.last = now;
  }

  /** Waits until a token is free and takes it; false when `signal` aborted first. */
  async take(signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal?.aborted === true) return false;
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return true;
      }
      await this.clock.sleep(Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute), signal);
    }
  }
}
