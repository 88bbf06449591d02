/**
 * Sync benchmark (issue 12): 200 Consul services × 500 instances, 10% of each service's instances replaced once a
 * minute (each service at its own offset in the minute), for 10 simulated minutes. The controller runs as in
 * production (watches, debounce 2 s, token bucket 600 writes/min, resync 5 min, wait 60 s) against the in-process
 * Consul and API server of test/sync/support on a simulated clock, so the figures count the controller's work,
 * not real waiting. CPU and peak RSS are the whole process's (controller plus the in-process fakes, which build
 * every Consul answer as JSON).
 *
 * Targets: at most one write per set per debounce window; at most 2 × services blocking requests per wait period.
 */
import { parseSyncConfig } from "../src/sync/config.js";
import { SyncController } from "../src/sync/controller.js";
import { KubeApi } from "../src/sync/kube.js";
import { Metrics } from "../src/sync/runtime.js";
import { FakeClock } from "../test/sync/support/fake-clock.js";
import { FakeConsul, type FakeInstance } from "../test/sync/support/fake-consul.js";
import { FakeKube } from "../test/sync/support/fake-kube.js";
import { formatFigure, judge, loadNote, measureAsync } from "./measure.js";

const SERVICES = 200;
const INSTANCES = 500;
const CHURN = 0.1;
const MINUTES = 10;
const DEBOUNCE_MS = 2000;
const WAIT_S = 60;
const out = (s: string): void => void process.stdout.write(`${s}\n`);

const addr = (s: number, i: number): string => `10.${s >> 2}.${((s & 3) << 6) | (i >> 8)}.${i & 255}`;

const clock = new FakeClock(Date.UTC(2026, 0, 1), 42);
const consul = new FakeConsul(clock);
const kube = new FakeKube();
const next = new Array<number>(SERVICES).fill(INSTANCES);
const live: number[][] = [];
for (let s = 0; s < SERVICES; s++) {
  live.push(Array.from({ length: INSTANCES }, (_, i) => i));
  consul.setService(`svc-${s}`, live[s]!.map((i): FakeInstance => ({ node: `n${s}-${i}`, address: addr(s, i % 16384) })));
}
const config = parseSyncConfig(
  {
    consul: { address: "http://127.0.0.1:8500", waitSeconds: WAIT_S },
    sync: { debounceMillis: DEBOUNCE_MS, writesPerMinute: 600, writeBurst: 50, resyncSeconds: 300 },
    mappings: Array.from({ length: SERVICES }, (_, s) => ({ service: `svc-${s}`, set: `consul-svc-${s}`, graceSeconds: 120 })),
  },
  "bench",
);
const metrics = new Metrics();
const controller = new SyncController({ config, consul: consul.get, kube: new KubeApi(kube.transport()), clock, logger: { log: () => undefined }, metrics });

// Every write's (set, time), to find the most writes of one set inside one debounce window.
const writeTimes = new Map<string, number[]>();
kube.interceptors.push((req) => {
  if (req.method === "PUT" || req.method === "POST") {
    const name = (req.body as { metadata: { name: string } }).metadata.name;
    writeTimes.set(name, [...(writeTimes.get(name) ?? []), clock.now()]);
  }
  return undefined;
});

const ac = new AbortController();
const t0 = clock.now();
const { figure } = await measureAsync(`sync ${SERVICES} services x ${INSTANCES} instances, ${MINUTES} simulated minutes`, async () => {
  const running = controller.run(ac.signal);
  await clock.advance(30_000); // initial creation of every set
  const startReq = consul.requests;
  const startWrites = [...kube.writes.values()].reduce((a, b) => a + b, 0);
  for (let minute = 0; minute < MINUTES; minute++) {
    for (let step = 0; step < 60; step++) {
      // the services whose offset is this second change now
      for (let s = step; s < SERVICES; s += 60) {
        const n = Math.round(INSTANCES * CHURN);
        const added = Array.from({ length: n }, () => next[s]!++);
        live[s] = [...live[s]!.slice(n), ...added];
        consul.setService(`svc-${s}`, live[s]!.map((i) => ({ node: `n${s}-${i}`, address: addr(s, i % 16384) })));
      }
      await clock.advance(1000);
    }
  }
  const requests = consul.requests - startReq;
  const writes = [...kube.writes.values()].reduce((a, b) => a + b, 0) - startWrites;
  ac.abort();
  await clock.advance(0);
  await running;
  return { requests, writes };
}).then((r) => ({ figure: { ...r.figure, notes: [`requests ${r.value.requests}, writes ${r.value.writes}`] }, value: r.value }));

const simulatedMinutes = MINUTES;
const [requests, writes] = (figure.notes?.[0] ?? "").match(/\d+/g)?.map(Number) ?? [NaN, NaN];
let maxPerWindow = 0;
for (const times of writeTimes.values()) {
  const ts = times.filter((t) => t >= t0 + 30_000);
  for (let i = 0; i < ts.length; i++) {
    let j = i;
    while (j + 1 < ts.length && ts[j + 1]! - ts[i]! < DEBOUNCE_MS) j++;
    maxPerWindow = Math.max(maxPerWindow, j - i + 1);
  }
}
const waitPeriods = (simulatedMinutes * 60) / WAIT_S;
out(formatFigure(figure));
out(`  ${loadNote()}`);
out(`  writes per minute: ${((writes ?? 0) / simulatedMinutes).toFixed(1)} (${SERVICES} sets, each changed once a minute)`);
out(`  Consul requests per minute: ${((requests ?? 0) / simulatedMinutes).toFixed(1)}; per wait period (${WAIT_S} s): ${((requests ?? 0) / waitPeriods).toFixed(1)}`);
out(`  errors: ${metrics.total("networkset_sync_errors_total")}, pending removals now: ${metrics.total("networkset_sync_pending_removals")}`);
const ok = judge([
  { what: "most writes of one set in one debounce window", value: maxPerWindow, limit: 1, unit: "" },
  { what: "blocking requests per wait period / services", value: (requests ?? 0) / waitPeriods / SERVICES, limit: 2, unit: "" },
]);
process.exitCode = ok ? 0 : 1;
