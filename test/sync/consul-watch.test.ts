import { describe, expect, it } from "vitest";
import { backoffDelay, ConsulError, healthQuery, nextIndex, parseHealth, watchService, type ConsulGet, type HttpAnswer } from "../../src/sync/consul.js";
import { FakeClock } from "./support/fake-clock.js";
import { FakeConsul } from "./support/fake-consul.js";

const OPTS = { waitSeconds: 60, stale: false, minQueryIntervalMillis: 1000, backoffInitialMillis: 500, backoffMaxMillis: 60_000 };

function scripted(answers: ((q: string) => HttpAnswer | Error)[], clock: FakeClock, latencyMs = 0): { get: ConsulGet; queries: string[] } {
  const queries: string[] = [];
  let n = 0;
  const get: ConsulGet = async (q, signal) => {
    queries.push(q);
    if (latencyMs > 0) await clock.sleep(latencyMs, signal);
    const f = answers[Math.min(n++, answers.length - 1)];
    const a = f?.(q) ?? new Error("no script");
    if (a instanceof Error) throw a;
    return a;
  };
  return { get, queries };
}

const ok = (index: string | undefined, body = "[]"): HttpAnswer => ({ status: 200, body, header: (h) => (h === "x-consul-index" ? index : undefined) });

describe("Consul blocking queries (api-docs/features/blocking, Implementation Details)", () => {
  it("sends index and wait from the last X-Consul-Index, passing and dc/tag from the mapping", () => {
    expect(healthQuery({ service: "web", passingOnly: true }, 0, 300, false)).toBe("/v1/health/service/web?passing=true");
    expect(healthQuery({ service: "web", datacenter: "dc2", tag: "v1", passingOnly: false }, 21, 5, true)).toBe("/v1/health/service/web?dc=dc2&tag=v1&stale&index=21&wait=5s");
  });

  it("resets the index to 0 when it goes backwards, and never sends an index below 1", () => {
    expect(nextIndex(50, 40)).toEqual({ index: 0, reset: true });
    expect(nextIndex(0, 0)).toEqual({ index: 1, reset: false });
    expect(nextIndex(19, 21)).toEqual({ index: 21, reset: false });
  });

  it("reads the node address when the service has none, and each instance's check states", () => {
    const body = JSON.stringify([{ Node: { Node: "n1", Address: "10.0.0.1" }, Service: { ID: "web1", Address: "" }, Checks: [{ Status: "passing" }, { Status: "critical" }] }]);
    expect(parseHealth(body)).toEqual([{ node: "n1", nodeAddress: "10.0.0.1", serviceId: "web1", serviceAddress: "", checks: ["passing", "critical"] }]);
    expect(() => parseHealth("{}")).toThrow(ConsulError);
    expect(() => parseHealth("[{}]")).toThrow(/no Node or Service/);
  });

  it("delivers a result only when the index moved, and full-reads after the index went backwards", async () => {
    const clock = new FakeClock();
    const { get, queries } = scripted([() => ok("5"), () => ok("5"), () => ok("9", '[{"Node":{"Node":"a","Address":"10.0.0.1"},"Service":{"ID":"x","Address":""},"Checks":[]}]'), () => ok("3"), () => ok("4")], clock, 10);
    const results: number[] = [];
    const resets: [number, number][] = [];
    const ac = new AbortController();
    const p = watchService({ service: "web", passingOnly: false }, get, OPTS, clock, { onResult: (_i, idx) => results.push(idx), onError: () => undefined, onIndexReset: (a, b) => resets.push([a, b]) }, ac.signal);
    await clock.advance(10_000);
    ac.abort();
    await p;
    expect(results.slice(0, 4)).toEqual([5, 9, 3, 4]);
    expect(resets).toEqual([[9, 3]]);
    expect(queries.slice(0, 5)).toEqual(["/v1/health/service/web", "/v1/health/service/web?index=5&wait=60s", "/v1/health/service/web?index=5&wait=60s", "/v1/health/service/web?index=9&wait=60s", "/v1/health/service/web"]);
  });

  it("guards against a tight loop: an answer that returns at once with the same index waits minQueryIntervalMillis", async () => {
    const clock = new FakeClock();
    const { get, queries } = scripted([() => ok("0")], clock);
    const ac = new AbortController();
    const p = watchService({ service: "web", passingOnly: false }, get, OPTS, clock, { onResult: () => undefined, onError: () => undefined }, ac.signal);
    await clock.advance(60_000);
    ac.abort();
    await p;
    // 60 s at one query a second, not thousands; index 0 is sent as 1.
    expect(queries.length).toBeGreaterThanOrEqual(60);
    expect(queries.length).toBeLessThanOrEqual(61);
    expect(queries[1]).toBe("/v1/health/service/web?index=1&wait=60s");
  });

  it("backs off exponentially with jitter on errors, keeps its index, and recovers", async () => {
    const clock = new FakeClock();
    const errs: number[] = [];
    const answers: ((q: string) => HttpAnswer | Error)[] = [() => ok("7")];
    for (let i = 0; i < 8; i++) answers.push(() => new Error("connect ECONNREFUSED"));
    answers.push(() => ({ status: 403, body: "ACL not found", header: () => undefined }));
    answers.push(() => ok("8"));
    const { get, queries } = scripted(answers, clock);
    const results: number[] = [];
    const kinds: string[] = [];
    const ac = new AbortController();
    const p = watchService({ service: "db", passingOnly: true }, get, OPTS, clock, { onResult: (_i, idx) => results.push(idx), onError: (e, _a, d) => (errs.push(d), kinds.push(e.kind)) }, ac.signal);
    await clock.advance(10 * 60_000);
    ac.abort();
    await p;
    expect(kinds).toEqual([...Array(8).fill("consul_unreachable"), "consul_auth"]);
    for (let i = 0; i < errs.length; i++) {
      const cap = Math.min(60_000, 500 * 2 ** i);
      expect(errs[i]).toBeGreaterThanOrEqual(cap / 2);
      expect(errs[i]).toBeLessThanOrEqual(cap);
    }
    expect(results.slice(0, 2)).toEqual([7, 8]);
    expect(queries[1]).toBe("/v1/health/service/db?passing=true&index=7&wait=60s");
    // every query after the first result, failed ones included, kept index 7 until the next result
    for (const q of queries.slice(1, 11)) expect(q).toContain("index=7");
  });

  it("backoff delays stay within [d/2, d] of the capped exponential for every attempt", () => {
    for (let a = 0; a < 50; a++) for (const r of [0, 0.5, 0.999]) {
      const d = Math.min(120_000, 500 * 2 ** a);
      const got = backoffDelay(a, 500, 120_000, () => r);
      expect(got).toBeGreaterThanOrEqual(Math.floor(d / 2));
      expect(got).toBeLessThanOrEqual(d);
    }
  });

  it("against the in-process blocking endpoint: a change wakes the waiting query at once, an idle one returns after wait", async () => {
    const clock = new FakeClock();
    const consul = new FakeConsul(clock);
    consul.setService("web", [{ node: "a", address: "10.0.0.1" }]);
    const seen: string[][] = [];
    const ac = new AbortController();
    const p = watchService({ service: "web", passingOnly: true }, consul.get, OPTS, clock, { onResult: (i) => seen.push(i.map((x) => x.nodeAddress)), onError: () => undefined }, ac.signal);
    await clock.advance(1000);
    expect(seen).toEqual([["10.0.0.1"]]);
    consul.setService("web", [{ node: "a", address: "10.0.0.1" }, { node: "b", address: "10.0.0.2" }]);
    await clock.advance(1000);
    expect(seen).toEqual([["10.0.0.1"], ["10.0.0.1", "10.0.0.2"]]);
    const before = consul.requests;
    await clock.advance(10 * 60_000);
    // idle: one query per wait period (60 s)
    expect(consul.requests - before).toBe(10);
    ac.abort();
    await p;
  });
});
