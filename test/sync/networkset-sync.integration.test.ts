/**
 * The sync against a real Consul v1.16.3 agent (`consul agent -dev` on loopback, ACLs on with default allow) and
 * the test API server of test/sync/support/fake-kube.ts over HTTP, a stand-in for kube-apiserver that speaks the
 * same REST paths and resourceVersion semantics (the real kube-apiserver is not in the tools cache yet). The
 * controller runs as `calico-baseline sync-networksets` runs it (startSync: its HTTP clients, leader election,
 * the /metrics server), on the real clock with periods scaled down (grace seconds, not minutes).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { OWNER_LABEL, PENDING_ANNOTATION, parseSyncConfig, type SyncConfig } from "../../src/sync/config.js";
import { METRICS } from "../../src/sync/controller.js";
import { httpTransport } from "../../src/sync/kube.js";
import type { Logger } from "../../src/sync/runtime.js";
import { consulClient, startSync, type RunningSync } from "../../src/sync/service.js";
import { consulBinary, startConsul, type ConsulAgent } from "./support/consul-agent.js";
import { FakeKube } from "./support/fake-kube.js";

let consul: ConsulAgent;
let kube: FakeKube;
let kubeUrl = "";
let closeKube: () => Promise<void> = async () => undefined;
const running: RunningSync[] = [];

beforeAll(async () => {
  consul = await startConsul(consulBinary());
  kube = new FakeKube();
  const k = await kube.listen();
  kubeUrl = k.url;
  closeKube = k.close;
}, 1_800_000);

// Each test's controllers stop with it (a stopped one is stopped again harmlessly).
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  kube.interceptors = [];
});

afterAll(async () => {
  await consul?.stop();
  await closeKube();
});

function config(mappings: unknown[], sync: Record<string, unknown> = {}, consulOver: Record<string, unknown> = {}): SyncConfig {
  return parseSyncConfig(
    {
      consul: { address: consul.url, waitSeconds: 5, minQueryIntervalMillis: 50, ...consulOver },
      kubernetes: { leaseDurationSeconds: 3, renewSeconds: 1, leaseName: `lease-${Math.random().toString(36).slice(2, 8)}` },
      sync: { debounceMillis: 200, backoffInitialMillis: 100, backoffMaxMillis: 2000, resyncSeconds: 10, ...sync },
      listen: "127.0.0.1:0",
      mappings,
    },
    "sync.yaml",
  );
}

interface Started {
  sync: RunningSync;
  logs: { level: string; msg: string; fields: Record<string, unknown> }[];
}

async function start(cfg: SyncConfig, opts: { identity?: string; token?: string } = {}): Promise<Started> {
  const logs: Started["logs"] = [];
  const logger: Logger = { log: (level, msg, fields = {}) => void logs.push({ level, msg, fields: { ...fields } }) };
  const sync = await startSync(cfg, {
    logger,
    consul: consulClient(cfg, opts.token === undefined ? {} : { CONSUL_HTTP_TOKEN: opts.token }),
    kube: httpTransport({ server: kubeUrl, tls: {} }),
    ...(opts.identity === undefined ? {} : { identity: opts.identity }),
  });
  running.push(sync);
  return { sync, logs };
}

async function waitFor(what: string, pred: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const nets = (set: string): string[] | undefined => (kube.getSet(set)?.["spec"] as { nets?: string[] } | undefined)?.nets;
const pendingOf = (set: string): string | undefined => (kube.getSet(set)?.metadata["annotations"] as Record<string, string> | undefined)?.[PENDING_ANNOTATION];
const same = (a: string[] | undefined, b: string[]): boolean => JSON.stringify(a) === JSON.stringify(b);

describe("sync-networksets against a real Consul 1.16.3 agent (API server: the test stand-in)", () => {
  it("add; remove within grace then return: no removal; remove past grace: removed", async () => {
    await consul.register({ node: "web-1", address: "10.20.0.1", service: "web" });
    await consul.register({ node: "web-2", address: "10.20.0.2", service: "web" });
    await start(config([{ service: "web", set: "consul-web", graceSeconds: 4, labels: { role: "web" } }]));
    await waitFor("the set with both addresses", () => same(nets("consul-web"), ["10.20.0.1/32", "10.20.0.2/32"]));
    expect(kube.getSet("consul-web")?.metadata.labels).toMatchObject({ [OWNER_LABEL]: "calico-baseline", role: "web" });
    await consul.deregister("web-2");
    await waitFor("the pending removal", () => pendingOf("consul-web") !== undefined);
    expect(nets("consul-web")).toEqual(["10.20.0.1/32", "10.20.0.2/32"]);
    await consul.register({ node: "web-2", address: "10.20.0.2", service: "web" });
    await waitFor("the removal cancelled", () => pendingOf("consul-web") === undefined);
    await sleep(5000); // past the grace period: nothing may be removed
    expect(nets("consul-web")).toEqual(["10.20.0.1/32", "10.20.0.2/32"]);
    await consul.deregister("web-2");
    await waitFor("the pending removal", () => pendingOf("consul-web") !== undefined);
    await sleep(2000); // inside the grace period
    expect(nets("consul-web")).toEqual(["10.20.0.1/32", "10.20.0.2/32"]);
    await waitFor("the removal after grace", () => same(nets("consul-web"), ["10.20.0.1/32"]), 15_000);
    expect(pendingOf("consul-web")).toBeUndefined();
  });

  it("takes the service address or, when empty, the node's, and leaves out instances whose checks fail", async () => {
    await consul.register({ node: "db-1", address: "10.30.0.1", service: "db", serviceAddress: "192.0.2.10", status: "passing" });
    await consul.register({ node: "db-2", address: "10.30.0.2", service: "db" });
    await consul.register({ node: "db-3", address: "10.30.0.3", service: "db", status: "critical" });
    await consul.register({ node: "db-4", address: "2001:db8::4", service: "db", status: "passing" });
    await start(config([{ service: "db", set: "consul-db" }, { service: "db", set: "consul-db-all", passingOnly: false }]));
    await waitFor("the passing instances", () => same(nets("consul-db"), ["10.30.0.2/32", "192.0.2.10/32", "2001:db8::4/128"]));
    await waitFor("every instance", () => same(nets("consul-db-all"), ["10.30.0.2/32", "10.30.0.3/32", "192.0.2.10/32", "2001:db8::4/128"]));
  });

  it("an empty answer: the set is held, the event logged and counted", async () => {
    await consul.register({ node: "cache-1", address: "10.40.0.1", service: "cache" });
    const s = await start(config([{ service: "cache", set: "consul-cache", graceSeconds: 1 }]));
    await waitFor("the set", () => same(nets("consul-cache"), ["10.40.0.1/32"]));
    await consul.deregister("cache-1");
    await waitFor("the hold", () => s.sync.metrics.get(METRICS.held, { set: "consul-cache" }) === 1);
    await sleep(3000); // three grace periods
    expect(nets("consul-cache")).toEqual(["10.40.0.1/32"]);
    expect(s.logs.some((l) => l.level === "warn" && l.msg.includes("no instances"))).toBe(true);
    const metrics = await (await fetch(`${s.sync.url}/metrics`)).text();
    expect(metrics).toContain('networkset_sync_empty_held{set="consul-cache"} 1');
  });

  it("an unknown service is reported as such, and its set is created empty", async () => {
    const s = await start(config([{ service: "no-such-service", set: "consul-unknown" }]));
    await waitFor("unknown_service", () => s.sync.metrics.get(METRICS.errors, { kind: "unknown_service" }) >= 1);
    await waitFor("the empty set", () => same(nets("consul-unknown"), []));
  });

  it("a bad token: Consul refuses it (403), the controller backs off, is not ready and writes nothing", async () => {
    await consul.register({ node: "tok-1", address: "10.50.0.1", service: "tok" });
    const s = await start(config([{ service: "tok", set: "consul-tok" }]), { token: "00000000-0000-0000-0000-00000000dead" });
    await waitFor("consul_auth errors", () => s.sync.metrics.get(METRICS.errors, { kind: "consul_auth" }) >= 3);
    const ready = await fetch(`${s.sync.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toContain("no answer from Consul yet for tok");
    expect((await fetch(`${s.sync.url}/healthz`)).status).toBe(200);
    expect(kube.getSet("consul-tok")).toBeUndefined();
    const delays = s.logs.filter((l) => l.fields["kind"] === "consul_auth").map((l) => l.fields["retryInMs"] as number);
    expect(delays.at(-1)).toBeGreaterThan(delays[0] ?? Infinity);
  });

  it("Consul down (scaled to seconds), then back with an empty catalog: the set never changes, the backoff grows, it recovers", async () => {
    await consul.register({ node: "pay-1", address: "10.60.0.1", service: "pay" });
    await consul.register({ node: "pay-2", address: "10.60.0.2", service: "pay" });
    const s = await start(config([{ service: "pay", set: "consul-pay", graceSeconds: 2 }]));
    await waitFor("the set", () => same(nets("consul-pay"), ["10.60.0.1/32", "10.60.0.2/32"]));
    let changedWhileDown = false;
    const watcher = setInterval(() => {
      if (!same(nets("consul-pay"), ["10.60.0.1/32", "10.60.0.2/32"])) changedWhileDown = true;
    }, 20);
    await consul.stop();
    await waitFor("several failed queries", () => s.logs.filter((l) => l.fields["kind"] === "consul_unreachable").length >= 4);
    await sleep(2000);
    expect((await fetch(`${s.sync.url}/readyz`)).status).toBe(503);
    // The dev agent keeps nothing: it comes back with an empty catalog and a new index.
    await consul.restart();
    await sleep(3000); // answers now say "no instances": held
    clearInterval(watcher);
    expect(changedWhileDown).toBe(false);
    const delays = s.logs.filter((l) => l.fields["kind"] === "consul_unreachable").map((l) => l.fields["retryInMs"] as number);
    expect(Math.max(...delays)).toBeGreaterThan(delays[0] ?? Infinity);
    await consul.register({ node: "pay-1", address: "10.60.0.1", service: "pay" });
    await consul.register({ node: "pay-3", address: "10.60.0.3", service: "pay" });
    await waitFor("the new address", () => nets("consul-pay")?.includes("10.60.0.3/32") === true);
    await waitFor("the old one removed after grace", () => same(nets("consul-pay"), ["10.60.0.1/32", "10.60.0.3/32"]), 15_000);
    await waitFor("ready again", async () => (await fetch(`${s.sync.url}/readyz`)).status === 200);
  });

  it("a 409 storm from a competing writer: every write is re-read and retried until it lands", async () => {
    await consul.register({ node: "q-1", address: "10.70.0.1", service: "queue" });
    const s = await start(config([{ service: "queue", set: "consul-queue" }], { conflictRetries: 20 }));
    await waitFor("the set", () => same(nets("consul-queue"), ["10.70.0.1/32"]));
    let storm = 8;
    kube.interceptors.push((req) => {
      if (req.method === "PUT" && req.path.endsWith("/consul-queue") && storm > 0) {
        storm--;
        const cur = kube.getSet("consul-queue");
        if (cur !== undefined) kube.put("gns", { ...cur, metadata: { ...cur.metadata, annotations: { "example.com/competitor": String(storm) } } });
      }
      return undefined;
    });
    await consul.register({ node: "q-2", address: "10.70.0.2", service: "queue" });
    await waitFor("the write after the storm", () => same(nets("consul-queue"), ["10.70.0.1/32", "10.70.0.2/32"]));
    expect(s.sync.metrics.get(METRICS.conflicts, { set: "consul-queue" })).toBe(8);
    // the competitor's annotation survives: the controller replaces only its own keys
    expect(kube.getSet("consul-queue")?.metadata["annotations"]).toEqual({ "example.com/competitor": "0" });
  });

  it("two replicas on one Lease; the leader killed mid-grace: the new leader keeps the pending removal and its first-missing time", async () => {
    await consul.register({ node: "ha-1", address: "10.80.0.1", service: "ha" });
    await consul.register({ node: "ha-2", address: "10.80.0.2", service: "ha" });
    const cfg = config([{ service: "ha", set: "consul-ha", graceSeconds: 8 }]);
    const a = await start(cfg, { identity: "replica-a" });
    const b = await start(cfg, { identity: "replica-b" });
    await waitFor("one leader", () => a.sync.elector.isLeader() !== b.sync.elector.isLeader());
    const [leader, follower] = a.sync.elector.isLeader() ? [a, b] : [b, a];
    await waitFor("the set", () => same(nets("consul-ha"), ["10.80.0.1/32", "10.80.0.2/32"]));
    await consul.deregister("ha-2");
    await waitFor("the pending removal", () => pendingOf("consul-ha") !== undefined);
    const pending = pendingOf("consul-ha");
    await leader.sync.stop();
    await waitFor("the follower takes over", () => follower.sync.elector.isLeader(), 15_000);
    await sleep(1500);
    expect(pendingOf("consul-ha")).toBe(pending);
    expect(nets("consul-ha")).toEqual(["10.80.0.1/32", "10.80.0.2/32"]);
    await waitFor("the removal at the original deadline", () => same(nets("consul-ha"), ["10.80.0.1/32"]), 20_000);
    expect(follower.sync.metrics.get(METRICS.writes, { set: "consul-ha" })).toBeGreaterThanOrEqual(1);
  });

  it("5,000 instances churning 10% every 2 s: writes stay within the rate limit, the set ends with every live address", async () => {
    const N = 5000;
    const addr = (i: number): string => `10.${100 + Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${i % 256}`;
    let live = Array.from({ length: N }, (_, i) => i);
    await consul.bulk(live.map((i) => ({ node: `big-${i}`, address: addr(i), service: "big" })), []);
    const s = await start(config([{ service: "big", set: "consul-big", graceSeconds: 3600 }], { writesPerMinute: 6, writeBurst: 1, debounceMillis: 500 }));
    await waitFor("the set of 5,000", () => nets("consul-big")?.length === N, 60_000);
    const before = kube.writes.get("gns//consul-big") ?? 0;
    const t0 = Date.now();
    let next = N;
    for (let round = 0; round < 10; round++) {
      const gone = live.slice(0, N / 10);
      const added = Array.from({ length: N / 10 }, () => next++);
      live = [...live.slice(N / 10), ...added];
      await consul.bulk(added.map((i) => ({ node: `big-${i}`, address: addr(i), service: "big" })), gone.map((i) => `big-${i}`));
      await sleep(2000);
    }
    const minutes = (Date.now() - t0) / 60_000;
    const writes = (kube.writes.get("gns//consul-big") ?? 0) - before;
    // burst 1 + 6 a minute (+1 for a write under way at the window's edge)
    expect(writes).toBeLessThanOrEqual(Math.ceil(1 + 6 * minutes) + 1);
    expect(writes).toBeGreaterThanOrEqual(1);
    await waitFor("every live address in the set", () => {
      const have = new Set(nets("consul-big"));
      return live.every((i) => have.has(`${addr(i)}/32`));
    }, 30_000);
    const text = await (await fetch(`${s.sync.url}/metrics`)).text();
    expect(text).toMatch(/networkset_sync_pending_removals\{set="consul-big"\} [1-9]/);
  });

  it("10 mappings to one set: the config is refused before anything starts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cb-sync-int-"));
    try {
      writeFileSync(join(dir, "sync.yaml"), JSON.stringify({ consul: { address: consul.url }, mappings: Array.from({ length: 10 }, (_, i) => ({ service: `svc-${i}`, set: "shared" })) }));
      let err = "";
      const code = await main(["sync-networksets", "--config", "sync.yaml"], { out: () => undefined, err: (t) => (err += t), cwd: dir });
      expect(code).toBe(1);
      expect(err).toContain("9 problems in the sync config");
      expect(kube.getSet("shared")).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
