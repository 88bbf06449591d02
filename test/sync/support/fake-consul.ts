/**
 * An in-process Consul health endpoint on a FakeClock, for unit tests and the bench (the integration tests use
 * the real agent): `/v1/health/service/<name>` and `/v1/catalog/services` with blocking-query semantics as
 * Consul documents them (api-docs/features/blocking): an answer carries X-Consul-Index; a query whose `index` is
 * at or past the service's index waits until the service changes or `wait` runs out.
 */
import type { ConsulGet, HttpAnswer } from "../../../src/sync/consul.js";
import type { FakeClock } from "./fake-clock.js";

export interface FakeInstance {
  readonly node: string;
  readonly address: string;
  readonly serviceAddress?: string;
  readonly status?: "passing" | "warning" | "critical";
}

export class FakeConsul {
  index = 10;
  readonly services = new Map<string, { instances: FakeInstance[]; modifyIndex: number }>();
  private waiters = new Set<() => void>();
  down = false;
  requests = 0;
  /** Overrides the index an answer reports (to test an index that goes backwards or stays at 0). */
  indexOverride: ((service: string, index: number) => number) | undefined;

  constructor(private readonly clock: FakeClock) {}

  setService(name: string, instances: FakeInstance[]): void {
    this.index++;
    this.services.set(name, { instances, modifyIndex: this.index });
    for (const w of [...this.waiters]) w();
  }

  removeService(name: string): void {
    this.index++;
    this.services.delete(name);
    for (const w of [...this.waiters]) w();
  }

  get: ConsulGet = async (pathAndQuery, signal) => {
    this.requests++;
    if (this.down) throw new Error("connect ECONNREFUSED 127.0.0.1:8500");
    const url = new URL(pathAndQuery, "http://consul");
    const answer = (status: number, body: string, index?: number): HttpAnswer => ({ status, body, header: (n) => (n.toLowerCase() === "x-consul-index" && index !== undefined ? String(index) : undefined) });
    if (url.pathname === "/v1/catalog/services") return answer(200, JSON.stringify(Object.fromEntries([...this.services.keys()].map((k) => [k, []]))), this.index);
    const m = /^\/v1\/health\/service\/(.+)$/.exec(url.pathname);
    if (m === null) return answer(404, "not found");
    const name = decodeURIComponent(m[1] ?? "");
    const want = Number(url.searchParams.get("index") ?? "0");
    const waitS = Number((url.searchParams.get("wait") ?? "300s").replace(/s$/, ""));
    const current = (): number => this.services.get(name)?.modifyIndex ?? this.index;
    if (want > 0 && want >= current()) {
      const ac = new AbortController();
      const wake = (): void => {
        if (current() > want) ac.abort();
      };
      this.waiters.add(wake);
      const onAbort = (): void => ac.abort();
      signal.addEventListener("abort", onAbort, { once: true });
      await this.clock.sleep(waitS * 1000, ac.signal);
      this.waiters.delete(wake);
      signal.removeEventListener("abort", onAbort);
      if (signal.aborted) throw new Error("aborted");
      if (this.down) throw new Error("connect ECONNREFUSED 127.0.0.1:8500");
    }
    const svc = this.services.get(name);
    const passing = url.searchParams.has("passing");
    const entries = (svc?.instances ?? [])
      .filter((i) => !passing || (i.status ?? "passing") === "passing")
      .map((i) => ({ Node: { Node: i.node, Address: i.address }, Service: { ID: `${name}-${i.node}`, Service: name, Address: i.serviceAddress ?? "" }, Checks: [{ Status: i.status ?? "passing" }] }));
    const idx = this.indexOverride?.(name, current()) ?? current();
    return answer(200, JSON.stringify(entries), idx);
  };
}
