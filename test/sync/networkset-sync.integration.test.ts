/**
 * The sync against a real Consul v1.16.3 agent (`consul agent -dev` on loopback, ACLs on with default allow) and
 * the test API server of test/sync/support/fake-kube.ts over HTTP, a stand-in for kube-apiserver that speaks the
 * same REST paths and resourceVersion semantics. The scenarios of test/sync/support/scenarios.ts run here and,
 * against a real kube-apiserver serving Calico's projectcalico.org/v3 GlobalNetworkSet CRD with only the RBAC the
 * stack deploys, in test/e2e/networkset-sync.e2e.test.ts (`npm run test:e2e`). What stays here needs the
 * stand-in: the 409 storm of exactly 8 conflicts (an interceptor; the e2e has a real competing writer instead),
 * the write count of the 5,000-instance churn, and the refused config. The controller runs as
 * `calico-baseline sync-networksets` runs it (startSync: its HTTP clients, leader election, the /metrics server),
 * on the real clock with periods scaled down (grace seconds, not minutes).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { SyncConfig } from "../../src/sync/config.js";
import { METRICS } from "../../src/sync/controller.js";
import { httpTransport } from "../../src/sync/kube.js";
import type { GlobalNetworkSet } from "../../src/sync/networkset.js";
import type { RunningSync } from "../../src/sync/service.js";
import { consulBinary, startConsul, type ConsulAgent } from "./support/consul-agent.js";
import { FakeKube } from "./support/fake-kube.js";
import { SHARED_SCENARIOS, same, sleep, startController, syncConfig, waitFor, type Started, type SyncBackend } from "./support/scenarios.js";

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

const backend: SyncBackend = {
  apiServer: "the test stand-in",
  get consul() {
    return consul;
  },
  transport: () => httpTransport({ server: kubeUrl, tls: {} }),
  // A Lease per config: each test's replicas elect among themselves only.
  kubernetes: () => ({ leaseName: `lease-${Math.random().toString(36).slice(2, 8)}` }),
  getSet: async (name) => kube.getSet(name) as GlobalNetworkSet | undefined,
  running,
};

const config = (mappings: unknown[], sync: Record<string, unknown> = {}): SyncConfig => syncConfig(backend, mappings, sync);
const start = (cfg: SyncConfig): Promise<Started> => startController(backend, cfg);
const nets = (set: string): string[] | undefined => (kube.getSet(set)?.["spec"] as { nets?: string[] } | undefined)?.nets;

describe("sync-networksets against a real Consul 1.16.3 agent (API server: the test stand-in)", () => {
  for (const sc of SHARED_SCENARIOS) it(sc.title, () => sc.run(backend));

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
