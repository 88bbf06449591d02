/**
 * Sync scenarios that run unchanged against two API servers: the test stand-in of fake-kube.ts
 * (test/sync/networkset-sync.integration.test.ts) and a real kube-apiserver serving Calico's projectcalico.org/v3
 * GlobalNetworkSet CRD (test/e2e/networkset-sync.e2e.test.ts). Both run a real Consul 1.16.3 agent and the
 * controller as `calico-baseline sync-networksets` runs it (startSync: its HTTP clients, leader election, the
 * /metrics server) on the real clock, periods scaled down (grace seconds, not minutes).
 *
 * A backend says how to reach its API server (the controller's transport and an observer's read of a set) and
 * which Lease the replicas share; the scenario bodies only talk to Consul, the controller and `getSet`.
 */
import { expect } from "vitest";
import { OWNER_LABEL, PENDING_ANNOTATION, parseSyncConfig, type SyncConfig } from "../../../src/sync/config.js";
import { METRICS } from "../../../src/sync/controller.js";
import type { KubeTransport } from "../../../src/sync/kube.js";
import type { GlobalNetworkSet } from "../../../src/sync/networkset.js";
import type { Logger } from "../../../src/sync/runtime.js";
import { consulClient, startSync, type RunningSync } from "../../../src/sync/service.js";
import type { ConsulAgent } from "./consul-agent.js";

export interface Started {
  readonly sync: RunningSync;
  readonly logs: { level: string; msg: string; fields: Record<string, unknown> }[];
}

export interface SyncBackend {
  /** What the describe block says the API server is. */
  readonly apiServer: string;
  readonly consul: ConsulAgent;
  /** The controller's own transport to the API server (a fresh one per replica). */
  transport(): KubeTransport;
  /** The `kubernetes:` section of the controller's config: which Lease the replicas of one test share. */
  kubernetes(): Record<string, unknown>;
  /** The set as the API server stores it (read by an observer, not the controller). */
  getSet(name: string): Promise<GlobalNetworkSet | undefined>;
  /** Controllers started in the current test (the test file stops them after each test). */
  readonly running: RunningSync[];
}

/** The controller's config file as a test writes it: the backend's Lease, Consul's address, pacing scaled down. */
export function rawSyncConfig(b: SyncBackend, mappings: unknown[], sync: Record<string, unknown> = {}, consulOver: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    consul: { address: b.consul.url, waitSeconds: 5, minQueryIntervalMillis: 50, ...consulOver },
    kubernetes: { leaseDurationSeconds: 3, renewSeconds: 1, ...b.kubernetes() },
    sync: { debounceMillis: 200, backoffInitialMillis: 100, backoffMaxMillis: 2000, resyncSeconds: 10, ...sync },
    listen: "127.0.0.1:0",
    mappings,
  };
}

export function syncConfig(b: SyncBackend, mappings: unknown[], sync: Record<string, unknown> = {}, consulOver: Record<string, unknown> = {}): SyncConfig {
  return parseSyncConfig(rawSyncConfig(b, mappings, sync, consulOver), "sync.yaml");
}

export async function startController(b: SyncBackend, cfg: SyncConfig, opts: { identity?: string; token?: string; transport?: KubeTransport } = {}): Promise<Started> {
  const logs: Started["logs"] = [];
  const logger: Logger = { log: (level, msg, fields = {}) => void logs.push({ level, msg, fields: { ...fields } }) };
  const sync = await startSync(cfg, {
    logger,
    consul: consulClient(cfg, opts.token === undefined ? {} : { CONSUL_HTTP_TOKEN: opts.token }),
    kube: opts.transport ?? b.transport(),
    ...(opts.identity === undefined ? {} : { identity: opts.identity }),
  });
  b.running.push(sync);
  return { sync, logs };
}

export async function waitFor(what: string, pred: () => boolean | Promise<boolean>, timeoutMs = 30_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const same = (a: readonly string[] | undefined, b: readonly string[]): boolean => JSON.stringify(a) === JSON.stringify(b);

export async function netsOf(b: SyncBackend, set: string): Promise<string[] | undefined> {
  return (await b.getSet(set))?.spec?.nets;
}

export async function pendingOf(b: SyncBackend, set: string): Promise<string | undefined> {
  return (await b.getSet(set))?.metadata.annotations?.[PENDING_ANNOTATION];
}

export interface Scenario {
  readonly title: string;
  run(b: SyncBackend): Promise<void>;
}

/** The scenarios both API servers run, in the order the test files declare them. */
export const SHARED_SCENARIOS: readonly Scenario[] = [
  {
    title: "add; remove within grace then return: no removal; remove past grace: removed",
    async run(b) {
      const nets = (s: string): Promise<string[] | undefined> => netsOf(b, s);
      await b.consul.register({ node: "web-1", address: "10.20.0.1", service: "web" });
      await b.consul.register({ node: "web-2", address: "10.20.0.2", service: "web" });
      await startController(b, syncConfig(b, [{ service: "web", set: "consul-web", graceSeconds: 4, labels: { role: "web" } }]));
      await waitFor("the set with both addresses", async () => same(await nets("consul-web"), ["10.20.0.1/32", "10.20.0.2/32"]));
      expect((await b.getSet("consul-web"))?.metadata.labels).toMatchObject({ [OWNER_LABEL]: "calico-baseline", role: "web" });
      await b.consul.deregister("web-2");
      await waitFor("the pending removal", async () => (await pendingOf(b, "consul-web")) !== undefined);
      expect(await nets("consul-web")).toEqual(["10.20.0.1/32", "10.20.0.2/32"]);
      await b.consul.register({ node: "web-2", address: "10.20.0.2", service: "web" });
      await waitFor("the removal cancelled", async () => (await pendingOf(b, "consul-web")) === undefined);
      await sleep(5000); // past the grace period: nothing may be removed
      expect(await nets("consul-web")).toEqual(["10.20.0.1/32", "10.20.0.2/32"]);
      await b.consul.deregister("web-2");
      await waitFor("the pending removal", async () => (await pendingOf(b, "consul-web")) !== undefined);
      await sleep(2000); // inside the grace period
      expect(await nets("consul-web")).toEqual(["10.20.0.1/32", "10.20.0.2/32"]);
      await waitFor("the removal after grace", async () => same(await nets("consul-web"), ["10.20.0.1/32"]), 15_000);
      expect(await pendingOf(b, "consul-web")).toBeUndefined();
    },
  },
  {
    title: "takes the service address or, when empty, the node's (/32 and /128), and leaves out instances whose checks fail",
    async run(b) {
      await b.consul.register({ node: "db-1", address: "10.30.0.1", service: "db", serviceAddress: "192.0.2.10", status: "passing" });
      await b.consul.register({ node: "db-2", address: "10.30.0.2", service: "db" });
      await b.consul.register({ node: "db-3", address: "10.30.0.3", service: "db", status: "critical" });
      await b.consul.register({ node: "db-4", address: "2001:db8::4", service: "db", status: "passing" });
      await startController(b, syncConfig(b, [{ service: "db", set: "consul-db" }, { service: "db", set: "consul-db-all", passingOnly: false }]));
      await waitFor("the passing instances", async () => same(await netsOf(b, "consul-db"), ["10.30.0.2/32", "192.0.2.10/32", "2001:db8::4/128"]));
      await waitFor("every instance", async () => same(await netsOf(b, "consul-db-all"), ["10.30.0.2/32", "10.30.0.3/32", "192.0.2.10/32", "2001:db8::4/128"]));
    },
  },
  {
    title: "an empty answer: the set is held, the event logged and counted",
    async run(b) {
      await b.consul.register({ node: "cache-1", address: "10.40.0.1", service: "cache" });
      const s = await startController(b, syncConfig(b, [{ service: "cache", set: "consul-cache", graceSeconds: 1 }]));
      await waitFor("the set", async () => same(await netsOf(b, "consul-cache"), ["10.40.0.1/32"]));
      const before = (await b.getSet("consul-cache"))?.metadata.resourceVersion;
      await b.consul.deregister("cache-1");
      await waitFor("the hold", () => s.sync.metrics.get(METRICS.held, { set: "consul-cache" }) === 1);
      await sleep(3000); // three grace periods
      expect(await netsOf(b, "consul-cache")).toEqual(["10.40.0.1/32"]);
      // Held means not written at all: the stored object is the one written before the empty answer.
      expect((await b.getSet("consul-cache"))?.metadata.resourceVersion).toBe(before);
      expect(s.logs.some((l) => l.level === "warn" && l.msg.includes("no instances"))).toBe(true);
      const metrics = await (await fetch(`${s.sync.url}/metrics`)).text();
      expect(metrics).toContain('networkset_sync_empty_held{set="consul-cache"} 1');
    },
  },
  {
    title: "an unknown service is reported as such, and its set is created empty",
    async run(b) {
      const s = await startController(b, syncConfig(b, [{ service: "no-such-service", set: "consul-unknown" }]));
      await waitFor("unknown_service", () => s.sync.metrics.get(METRICS.errors, { kind: "unknown_service" }) >= 1);
      await waitFor("the empty set", async () => same(await netsOf(b, "consul-unknown"), []));
    },
  },
  {
    title: "a bad token: Consul refuses it (403), the controller backs off, is not ready and writes nothing",
    async run(b) {
      await b.consul.register({ node: "tok-1", address: "10.50.0.1", service: "tok" });
      const s = await startController(b, syncConfig(b, [{ service: "tok", set: "consul-tok" }]), { token: "00000000-0000-0000-0000-00000000dead" });
      await waitFor("consul_auth errors", () => s.sync.metrics.get(METRICS.errors, { kind: "consul_auth" }) >= 3);
      const ready = await fetch(`${s.sync.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toContain("no answer from Consul yet for tok");
      expect((await fetch(`${s.sync.url}/healthz`)).status).toBe(200);
      expect(await b.getSet("consul-tok")).toBeUndefined();
      const delays = s.logs.filter((l) => l.fields["kind"] === "consul_auth").map((l) => l.fields["retryInMs"] as number);
      expect(delays.at(-1)).toBeGreaterThan(delays[0] ?? Infinity);
    },
  },
  {
    title: "Consul down (scaled to seconds), then back with an empty catalog: the set never changes, the backoff grows, it recovers",
    async run(b) {
      await b.consul.register({ node: "pay-1", address: "10.60.0.1", service: "pay" });
      await b.consul.register({ node: "pay-2", address: "10.60.0.2", service: "pay" });
      const s = await startController(b, syncConfig(b, [{ service: "pay", set: "consul-pay", graceSeconds: 2 }]));
      await waitFor("the set", async () => same(await netsOf(b, "consul-pay"), ["10.60.0.1/32", "10.60.0.2/32"]));
      let changedWhileDown = false;
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          if (!same(await netsOf(b, "consul-pay"), ["10.60.0.1/32", "10.60.0.2/32"])) changedWhileDown = true;
          await sleep(20);
        }
      })();
      await b.consul.stop();
      await waitFor("several failed queries", () => s.logs.filter((l) => l.fields["kind"] === "consul_unreachable").length >= 4);
      await sleep(2000);
      expect((await fetch(`${s.sync.url}/readyz`)).status).toBe(503);
      // The dev agent keeps nothing: it comes back with an empty catalog and a new index.
      await b.consul.restart();
      await sleep(3000); // answers now say "no instances": held
      watching = false;
      await watcher;
      expect(changedWhileDown).toBe(false);
      const delays = s.logs.filter((l) => l.fields["kind"] === "consul_unreachable").map((l) => l.fields["retryInMs"] as number);
      expect(Math.max(...delays)).toBeGreaterThan(delays[0] ?? Infinity);
      await b.consul.register({ node: "pay-1", address: "10.60.0.1", service: "pay" });
      await b.consul.register({ node: "pay-3", address: "10.60.0.3", service: "pay" });
      await waitFor("the new address", async () => (await netsOf(b, "consul-pay"))?.includes("10.60.0.3/32") === true);
      await waitFor("the old one removed after grace", async () => same(await netsOf(b, "consul-pay"), ["10.60.0.1/32", "10.60.0.3/32"]), 15_000);
      await waitFor("ready again", async () => (await fetch(`${s.sync.url}/readyz`)).status === 200);
    },
  },
  {
    title: "two replicas on one Lease; the leader killed mid-grace: the new leader keeps the pending removal and its first-missing time",
    async run(b) {
      await b.consul.register({ node: "ha-1", address: "10.80.0.1", service: "ha" });
      await b.consul.register({ node: "ha-2", address: "10.80.0.2", service: "ha" });
      const cfg = syncConfig(b, [{ service: "ha", set: "consul-ha", graceSeconds: 8 }]);
      const a = await startController(b, cfg, { identity: "replica-a" });
      const c = await startController(b, cfg, { identity: "replica-b" });
      await waitFor("one leader", () => a.sync.elector.isLeader() !== c.sync.elector.isLeader(), 15_000);
      const [leader, follower] = a.sync.elector.isLeader() ? [a, c] : [c, a];
      await waitFor("the set", async () => same(await netsOf(b, "consul-ha"), ["10.80.0.1/32", "10.80.0.2/32"]));
      expect(follower.sync.metrics.get(METRICS.writes, { set: "consul-ha" })).toBe(0);
      await b.consul.deregister("ha-2");
      await waitFor("the pending removal", async () => (await pendingOf(b, "consul-ha")) !== undefined);
      const pending = await pendingOf(b, "consul-ha");
      await leader.sync.stop();
      await waitFor("the follower takes over", () => follower.sync.elector.isLeader(), 15_000);
      const tookOver = Date.now();
      await sleep(1500);
      expect(await pendingOf(b, "consul-ha")).toBe(pending);
      expect(await netsOf(b, "consul-ha")).toEqual(["10.80.0.1/32", "10.80.0.2/32"]);
      await waitFor("the removal at the original deadline", async () => same(await netsOf(b, "consul-ha"), ["10.80.0.1/32"]), 20_000);
      const removed = Date.now();
      expect(follower.sync.metrics.get(METRICS.writes, { set: "consul-ha" })).toBeGreaterThanOrEqual(1);
      // At the deadline the first leader wrote (first-missing + 8 s), not a grace period restarted at the take-over
      // (which would end 8 s after it; the take-over comes at least one lease duration, 3 s, after the leader's end).
      const firstMissing = Date.parse((JSON.parse(pending ?? "{}") as Record<string, string>)["10.80.0.2/32"] ?? "");
      expect(Number.isFinite(firstMissing)).toBe(true);
      expect(removed).toBeGreaterThanOrEqual(firstMissing + 8000);
      expect(removed).toBeLessThan(tookOver + 8000);
    },
  },
];
