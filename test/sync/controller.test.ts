import { describe, expect, it } from "vitest";
import { OWNER_LABEL, PENDING_ANNOTATION, parseSyncConfig, type SyncConfig } from "../../src/sync/config.js";
import { METRICS, SyncController } from "../../src/sync/controller.js";
import { KubeApi } from "../../src/sync/kube.js";
import { LeaderElector } from "../../src/sync/leader.js";
import { Metrics, type Logger } from "../../src/sync/runtime.js";
import { FakeClock } from "./support/fake-clock.js";
import { FakeConsul, type FakeInstance } from "./support/fake-consul.js";
import { FakeKube } from "./support/fake-kube.js";

const MIN = 60_000;

function config(over: Record<string, unknown> = {}, mappings: unknown[] = [{ service: "db", set: "consul-db", labels: { role: "db" } }]): SyncConfig {
  return parseSyncConfig({ consul: { address: "http://127.0.0.1:8500", waitSeconds: 60 }, sync: { debounceMillis: 2000, ...over }, mappings }, "sync.yaml");
}

interface Harness {
  clock: FakeClock;
  consul: FakeConsul;
  kube: FakeKube;
  metrics: Metrics;
  logs: { level: string; msg: string; fields: Record<string, unknown> }[];
  start(cfg?: SyncConfig, isLeader?: () => boolean): { stop: () => Promise<void>; controller: SyncController };
}

function harness(): Harness {
  const clock = new FakeClock();
  const consul = new FakeConsul(clock);
  const kube = new FakeKube();
  const metrics = new Metrics();
  const logs: Harness["logs"] = [];
  const logger: Logger = { log: (level, msg, fields = {}) => void logs.push({ level, msg, fields: { ...fields } }) };
  return {
    clock,
    consul,
    kube,
    metrics,
    logs,
    start(cfg = config(), isLeader) {
      const controller = new SyncController({ config: cfg, consul: consul.get, kube: new KubeApi(kube.transport()), clock, logger, metrics, ...(isLeader === undefined ? {} : { isLeader }) });
      const ac = new AbortController();
      const p = controller.run(ac.signal);
      return {
        controller,
        stop: async () => {
          ac.abort();
          await clock.advance(0);
          await p;
        },
      };
    },
  };
}

const nodes = (...addrs: string[]): FakeInstance[] => addrs.map((a, i) => ({ node: `n${i}`, address: a }));
const netsOf = (k: FakeKube, name = "consul-db"): unknown => (k.getSet(name)?.["spec"] as { nets?: string[] } | undefined)?.nets;

describe("sync controller (fake clock, in-process Consul and API server)", () => {
  it("creates the set with its labels after the debounce window, then adds a new address in the next write", async () => {
    const h = harness();
    h.consul.setService("db", nodes("10.0.0.1", "10.0.0.2"));
    const c = h.start();
    await h.clock.advance(1000);
    expect(h.kube.getSet("consul-db")).toBeUndefined();
    await h.clock.advance(1500);
    const set = h.kube.getSet("consul-db");
    expect(set?.metadata.labels).toMatchObject({ [OWNER_LABEL]: "calico-baseline", role: "db" });
    expect(netsOf(h.kube)).toEqual(["10.0.0.1/32", "10.0.0.2/32"]);
    h.consul.setService("db", nodes("10.0.0.1", "10.0.0.2", "10.0.0.3"));
    await h.clock.advance(3000);
    expect(netsOf(h.kube)).toEqual(["10.0.0.1/32", "10.0.0.2/32", "10.0.0.3/32"]);
    expect(h.kube.writes.get("gns//consul-db")).toBe(2);
    expect(h.metrics.get(METRICS.addresses, { set: "consul-db" })).toBe(3);
    await c.stop();
  });

  it("add, remove within grace, return: no removal; remove past grace: removed at the deadline without a new Consul event", async () => {
    const h = harness();
    h.consul.setService("db", nodes("10.0.0.1", "10.0.0.2"));
    const c = h.start();
    await h.clock.advance(5000);
    h.consul.setService("db", nodes("10.0.0.1"));
    await h.clock.advance(5000);
    expect(netsOf(h.kube)).toEqual(["10.0.0.1/32", "10.0.0.2/32"]);
    expect(h.kube.getSet("consul-db")?.metadata["annotations"]).toHaveProperty([PENDING_ANNOTATION]);
    await h.clock.advance(20 * MIN);
    h.consul.setService("db", nodes("10.0.0.1", "10.0.0.2"));
    await h.clock.advance(5000);
    expect(h.kube.getSet("consul-db")?.metadata["annotations"]).toBeUndefined();
    await h.clock.advance(40 * MIN);
    expect(netsOf(h.kube)).toEqual(["10.0.0.1/32", "10.0.0.2/32"]);
    // now past grace
    h.consul.setService("db", nodes("10.0.0.1"));
    await h.clock.advance(29 * MIN);
    expect(netsOf(h.kube)).toEqual(["10.0.0.1/32", "10.0.0.2/32"]);
    await h.clock.advance(2 * MIN);
    expect(netsOf(h.kube)).toEqual(["10.0.0.1/32"]);
    expect(h.metrics.get(METRICS.pending, { set: "consul-db" })).toBe(0);
    await c.stop();
  });

  it("turns a burst of changes inside the debounce window into one write", async () => {
    const h = harness();
    h.consul.setService("db", nodes("10.0.0.1"));
    const c = h.start();
    await h.clock.advance(5000);
    const before = h.kube.writes.get("gns//consul-db") ?? 0;
    for (let i = 2; i < 12; i++) {
      h.consul.setService("db", nodes(...Array.from({ length: i }, (_, j) => `10.0.0.${j + 1}`)));
      await h.clock.advance(100);
    }
    await h.clock.advance(5000);
    expect((h.kube.writes.get("gns//consul-db") ?? 0) - before).toBe(1);
    expect((netsOf(h.kube) as string[]).length).toBe(11);
    await c.stop();
  });

  it("a removal that falls due just after a write waits for the debounce window: never two writes of a set inside one", async () => {
    const h = harness();
    h.consul.setService("db", nodes("10.0.0.1", "10.0.0.2"));
    const c = h.start(config({}, [{ service: "db", set: "consul-db", graceSeconds: 60 }]));
    await h.clock.advance(5000);
    h.consul.setService("db", nodes("10.0.0.1")); // 10.0.0.2 due 60 s after this flush
    await h.clock.advance(59_000);
    const times: number[] = [];
    h.kube.interceptors.push((req) => (req.method === "PUT" && times.push(h.clock.now()), undefined));
    h.consul.setService("db", nodes("10.0.0.1", "10.0.0.3")); // a write just before the removal falls due
    await h.clock.advance(30_000);
    expect(netsOf(h.kube)).toEqual(["10.0.0.1/32", "10.0.0.3/32"]);
    expect(times.length).toBe(2);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(2000);
    await c.stop();
  });

  it("holds the set when Consul answers with no instances, raises the metric and logs it; allowEmpty lets it age out", async () => {
    const h = harness();
    h.consul.setService("db", nodes("10.0.0.1"));
    h.consul.setService("cache", nodes("10.0.1.1"));
    const c = h.start(config({}, [{ service: "db", set: "consul-db" }, { service: "cache", set: "consul-cache", allowEmpty: true, graceSeconds: 60 }]));
    await h.clock.advance(5000);
    h.consul.setService("db", []);
    h.consul.setService("cache", []);
    await h.clock.advance(2 * 3600_000);
    expect(netsOf(h.kube)).toEqual(["10.0.0.1/32"]);
    expect(netsOf(h.kube, "consul-cache")).toEqual([]);
    expect(h.metrics.get(METRICS.held, { set: "consul-db" })).toBe(1);
    expect(h.metrics.get(METRICS.heldEvents, { set: "consul-db" })).toBe(1);
    expect(h.logs.some((l) => l.level === "warn" && l.msg.includes("no instances") && l.fields["set"] === "consul-db")).toBe(true);
    await c.stop();
  });

  it("never writes a set of that name it does not own", async () => {
    const h = harness();
    h.kube.put("gns", { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name: "consul-db", labels: { team: "dba" } }, spec: { nets: ["192.0.2.0/24"] } });
    h.consul.setService("db", nodes("10.0.0.1"));
    const c = h.start();
    await h.clock.advance(10 * MIN);
    expect(netsOf(h.kube)).toEqual(["192.0.2.0/24"]);
    expect(h.kube.writes.size).toBe(0);
    expect(h.metrics.get(METRICS.errors, { kind: "not_owned" })).toBe(1);
    await c.stop();
  });

  it("a 409 storm from a competing writer: re-reads and retries, and ends with Consul's addresses", async () => {
    const h = harness();
    h.consul.setService("db", nodes("10.0.0.1"));
    const c = h.start();
    await h.clock.advance(5000);
    // A competing writer changes the set before each of our next 7 PUTs.
    let storms = 7;
    h.kube.interceptors.push((req) => {
      if (req.method === "PUT" && storms > 0) {
        storms--;
        const cur = h.kube.getSet("consul-db");
        if (cur !== undefined) h.kube.put("gns", { ...cur, metadata: { ...cur.metadata, annotations: { competitor: String(storms) } } });
      }
      return undefined;
    });
    h.consul.setService("db", nodes("10.0.0.1", "10.0.0.2"));
    await h.clock.advance(10 * MIN);
    expect(netsOf(h.kube)).toEqual(["10.0.0.1/32", "10.0.0.2/32"]);
    expect(h.metrics.get(METRICS.conflicts, { set: "consul-db" })).toBe(7);
    await c.stop();
  });

  it("Consul down for 5 minutes: the set stays as it was, the backoff grows, it recovers", async () => {
    const h = harness();
    h.consul.setService("db", nodes("10.0.0.1", "10.0.0.2"));
    const c = h.start(config({ backoffInitialMillis: 500, backoffMaxMillis: 60_000 }));
    await h.clock.advance(5000);
    h.consul.down = true;
    h.consul.setService("db", nodes("10.0.0.9")); // wakes the blocking query, which now fails
    await h.clock.advance(5 * MIN);
    expect(netsOf(h.kube)).toEqual(["10.0.0.1/32", "10.0.0.2/32"]);
    const delays = h.logs.filter((l) => l.msg === "Consul query failed").map((l) => l.fields["retryInMs"] as number);
    expect(delays.length).toBeGreaterThan(4);
    expect(delays.length).toBeLessThan(20);
    expect(delays.at(-1)).toBeGreaterThan(delays[0] ?? Infinity);
    expect(c.controller.readiness().ready).toBe(false);
    h.consul.down = false;
    await h.clock.advance(2 * MIN);
    // 10.0.0.9 added at once; the others pending
    expect(netsOf(h.kube)).toEqual(["10.0.0.1/32", "10.0.0.2/32", "10.0.0.9/32"]);
    expect(c.controller.readiness()).toEqual({ ready: true, reasons: [] });
    await c.stop();
  });

  it("a leader killed mid-grace: the new leader keeps the pending removal and its deadline", async () => {
    const h = harness();
    h.consul.setService("db", nodes("10.0.0.1", "10.0.0.2"));
    const a = h.start();
    await h.clock.advance(5000);
    h.consul.setService("db", nodes("10.0.0.1"));
    await h.clock.advance(5000);
    const goneAt = h.clock.now() - 3000; // the first-missing time the annotation holds (after debounce)
    await h.clock.advance(20 * MIN);
    await a.stop();
    const b = h.start();
    await h.clock.advance(5 * MIN);
    expect(netsOf(h.kube)).toEqual(["10.0.0.1/32", "10.0.0.2/32"]);
    await h.clock.advance(goneAt + 30 * MIN + 5000 - h.clock.now());
    expect(netsOf(h.kube)).toEqual(["10.0.0.1/32"]);
    await b.stop();
  });

  it("only the leader writes: two replicas on one Lease, the follower takes over when the leader stops renewing", async () => {
    const h = harness();
    h.consul.setService("db", nodes("10.0.0.1"));
    const api = new KubeApi(h.kube.transport());
    const quiet: Logger = { log: () => undefined };
    const opts = { namespace: "calico-baseline", name: "networkset-sync", leaseDurationSeconds: 15, renewSeconds: 5 };
    const la = new LeaderElector(api, { ...opts, identity: "a" }, h.clock, quiet);
    const lb = new LeaderElector(api, { ...opts, identity: "b" }, h.clock, quiet);
    expect(await la.tryOnce()).toBe(true);
    expect(await lb.tryOnce()).toBe(false);
    const ra = h.start(config(), () => la.isLeader());
    const rb = h.start(config(), () => lb.isLeader());
    const ac = new AbortController();
    const runs = [la.run(ac.signal), lb.run(ac.signal)];
    await h.clock.advance(10_000);
    const lease = h.kube.store.get("lease/calico-baseline/networkset-sync") as unknown as { spec: { holderIdentity: string } } | undefined;
    expect(lease?.spec.holderIdentity).toBe("a");
    expect(lb.isLeader()).toBe(false);
    expect(netsOf(h.kube)).toEqual(["10.0.0.1/32"]);
    // a's renewals now fail: it must stop counting itself leader before b may take over
    h.kube.interceptors.push((req) => (req.path.includes("/leases/") && req.method === "PUT" && (req.body as { spec?: { holderIdentity?: string } }).spec?.holderIdentity === "a" ? { status: 500, body: "{}" } : undefined));
    let overlap = false;
    for (let t = 0; t < 40; t++) {
      await h.clock.advance(1000);
      if (la.isLeader() && lb.isLeader()) overlap = true;
    }
    expect(overlap).toBe(false);
    expect(lb.isLeader()).toBe(true);
    expect((h.kube.store.get("lease/calico-baseline/networkset-sync") as unknown as { spec: { holderIdentity: string; leaseTransitions: number } }).spec).toMatchObject({ holderIdentity: "b", leaseTransitions: 1 });
    ac.abort();
    await h.clock.advance(0);
    await Promise.all(runs);
    await ra.stop();
    await rb.stop();
  });

  it("keeps writes within the global rate limit when many sets change at once", async () => {
    const h = harness();
    const mappings = Array.from({ length: 50 }, (_, i) => ({ service: `s${i}`, set: `set-${i}` }));
    for (let i = 0; i < 50; i++) h.consul.setService(`s${i}`, nodes(`10.1.${i}.1`));
    const c = h.start(config({ writesPerMinute: 10, writeBurst: 5 }, mappings));
    await h.clock.advance(MIN);
    // burst 5 + 10 a minute
    const written = [...h.kube.writes.values()].reduce((a, b) => a + b, 0);
    expect(written).toBeGreaterThanOrEqual(14);
    expect(written).toBeLessThanOrEqual(15);
    await h.clock.advance(5 * MIN);
    expect(h.kube.writes.size).toBe(50);
    await c.stop();
  });

  it("an unknown service: counted and logged as unknown_service, its set created empty", async () => {
    const h = harness();
    const c = h.start(config({}, [{ service: "no-such-svc", set: "consul-none" }]));
    await h.clock.advance(5000);
    expect(h.metrics.get(METRICS.errors, { kind: "unknown_service" })).toBeGreaterThanOrEqual(1);
    expect(netsOf(h.kube, "consul-none")).toEqual([]);
    await c.stop();
  });

  it("metrics render in the Prometheus text format", async () => {
    const h = harness();
    h.consul.setService("db", nodes("10.0.0.1"));
    const c = h.start();
    await h.clock.advance(5000);
    const text = h.metrics.render();
    expect(text).toContain('# TYPE networkset_sync_addresses gauge\nnetworkset_sync_addresses{set="consul-db"} 1');
    expect(text).toMatch(/networkset_sync_consul_index\{datacenter="",service="db"\} \d+/);
    expect(text).toContain('networkset_sync_lag_seconds{set="consul-db"} 2');
    await c.stop();
  });
});
