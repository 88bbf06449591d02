/**
 * Replay benchmark: 1,000,000 Whisker-style flow records (JSON lines, ~450 bytes each, written to a temp file)
 * replayed against the dev stack's synthesised baseline, exactly as `calico-baseline replay` does it: streamed
 * import with deduplication, the analysis engine through the flow adapter with its per-endpoint-class verdict
 * cache, then the JSON report. Prints each phase with CPU, wall and true peak RSS; targets (judged on CPU,
 * PASS/MISS): <= 10 s in total and <= 2 s for the import of the 1M records.
 *
 * The traffic is a generated cluster of 40 namespaces x 8 apps with ~2,400 distinct connections (DNS, app to
 * app within and across namespaces, some external addresses and host traffic), seeded so runs compare.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { loadStackConfig } from "../src/config/load.js";
import { synthBaseline } from "../src/rendering/synth.js";
import { EMPTY_INVENTORY, parseInventory } from "../src/analysis/inventory.js";
import { evaluatorForManifests } from "../src/analysis/flows/evaluator-adapter.js";
import { importFlowFile } from "../src/analysis/flows/import.js";
import { assessPromotion, tiersWithStagedPolicies } from "../src/analysis/flows/promotion.js";
import { replayFlows } from "../src/analysis/flows/replay.js";
import { formatReplay } from "../src/analysis/flows/replay-format.js";
import { type GenApp, type GenConnection, flowLine, prng } from "../test/fixtures/flows/generate.js";
import { fmtSeconds, formatFigure, judge, loadNote, measure, measureAsync, peakMiB } from "./measure.js";

const RECORDS = 1_000_000;
const TARGET_SECONDS = 10;
const IMPORT_TARGET_SECONDS = 2;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function connections(): GenConnection[] {
  const rnd = prng(424242);
  const apps: GenApp[] = [];
  for (let n = 0; n < 40; n++) for (let a = 0; a < 8; a++) apps.push({ namespace: `team-${n}`, app: `svc-${a}`, extra: { "pod-template-hash": `h${n}x${a}` } });
  const dns: GenApp = { namespace: "kube-system", app: "kube-dns", key: "k8s-app" };
  const out: GenConnection[] = [];
  for (const a of apps) {
    out.push({ from: a, to: dns, protocol: "UDP", port: 53 });
    for (let i = 0; i < 6; i++) {
      const b = apps[Math.floor(rnd() * apps.length)] as GenApp;
      if (b !== a) out.push({ from: a, to: b, protocol: "TCP", port: [80, 443, 5432, 6379, 8080, 9090][i] as number });
    }
    if (rnd() < 0.2) out.push({ from: a, to: { net: `203.0.113.${Math.floor(rnd() * 250) + 1}` }, protocol: "TCP", port: 443 });
    if (rnd() < 0.1) out.push({ from: { host: `node${Math.floor(rnd() * 3)}` }, to: a, protocol: "TCP", port: 8080 });
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), "replay-bench-"));
const file = join(dir, "flows.jsonl");
try {
  const conns = connections();
  const rnd = prng(7);
  const chunk: string[] = [];
  writeFileSync(file, "");
  const t = performance.now();
  for (let i = 0; i < RECORDS; i++) {
    const c = conns[Math.floor(rnd() * conns.length)] as GenConnection;
    chunk.push(flowLine(c, i % 2 === 0 ? "Src" : "Dst", Math.floor(i / conns.length)));
    if (chunk.length === 50_000) {
      writeFileSync(file, `${chunk.join("\n")}\n`, { flag: "a" });
      chunk.length = 0;
    }
  }
  if (chunk.length > 0) writeFileSync(file, `${chunk.join("\n")}\n`, { flag: "a" });
  const mb = statSync(file).size / 1e6;
  console.log(`generated ${RECORDS} records (${conns.length} connections, ${mb.toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s (not timed)`);

  const c0 = process.cpuUsage();
  const start = performance.now();
  const synth = measure("synth dev baseline", () => {
    const config = loadStackConfig("dev", { cwd: root });
    const manifests = synthBaseline(config.policies).flatMap((c) => c.objects);
    const invFile = join(root, "policies", "inventory.yaml");
    const inventory = existsSync(invFile) ? parseInventory(parseYaml(readFileSync(invFile, "utf8")) as unknown, "policies/inventory.yaml") : EMPTY_INVENTORY;
    return { config, manifests, inventory };
  });
  const { config, manifests, inventory } = synth.value;
  const imp = await measureAsync("import + dedupe", () => importFlowFile(file));
  const imported = imp.value;
  const rep = measure("replay + promotion", () => {
    const evaluator = evaluatorForManifests(manifests, { inventory, flows: imported.flows });
    const replay = replayFlows(imported.flows, evaluator, { view: "would-be" });
    const promotion = assessPromotion(imported.flows, replay, config.policies, "dev", tiersWithStagedPolicies(manifests));
    return { replay, promotion };
  });
  const { replay, promotion } = rep.value;
  const fmt = measure("json report", () => formatReplay({ replay, promotion, flowsFile: file, stack: "dev" }, "json"));
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;

  console.log(`${loadNote()}`);
  console.log(`${formatFigure(synth.figure)} (${manifests.length} objects)`);
  console.log(`${formatFigure(imp.figure)} (${imported.records} records -> ${imported.flows.length} flows, ${Math.round(imported.records / (imp.figure.cpuMs / 1000)).toLocaleString("en")} records per cpu-second)`);
  console.log(`${formatFigure(rep.figure)} (${replay.totals.evaluations} evaluations, ${replay.totals.denied} denied, ${replay.totals.breaking} breaking)`);
  console.log(`${formatFigure(fmt.figure)} (${(fmt.value.length / 1e6).toFixed(1)} MB)`);
  console.log(`total: cpu ${fmtSeconds(cpuMs)}, wall ${fmtSeconds(wall)}, peak rss ${peakMiB().toFixed(0)} MiB (true peak: the kernel's high-water mark), ${Math.round(RECORDS / (cpuMs / 1000)).toLocaleString("en")} flows per cpu-second`);
  const ok = judge([
    { what: `replay of ${RECORDS.toLocaleString("en")} records, total cpu`, value: cpuMs / 1000, limit: TARGET_SECONDS, unit: "s" },
    { what: `flow import of ${RECORDS.toLocaleString("en")} records, cpu`, value: imp.figure.cpuMs / 1000, limit: IMPORT_TARGET_SECONDS, unit: "s" },
  ]);
  if (!ok) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
