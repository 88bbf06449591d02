/**
 * Replay benchmark: 1,000,000 Whisker-style flow records (JSON lines, ~470 bytes each, written to a temp file)
 * replayed against the dev stack's synthesised baseline, exactly as `calico-baseline replay` does it: streamed
 * import with deduplication, the analysis engine through the flow adapter with its per-endpoint-class verdict
 * cache, then the JSON report. The file is generated first (not timed); then, each in a process of its own
 * (no generated data in its heap, its peak RSS its own): the import alone as compiled JavaScript, as the
 * published CLI runs it (bench/import-phase.ts), and the whole replay under tsx (bench/replay-phase.ts; synth
 * cannot be bundled). Prints each step with CPU, wall and true peak RSS (maxRSS: the process's high-water mark
 * when the step ended); the YAML parsing and the flow import (the whole stage: read, parse, validate, dedupe)
 * are figures of their own. Targets (judged on CPU, PASS/MISS): the replay <= 10 s in total (its tsx process),
 * the import of the 1M records <= 2 s (the import's own process).
 *
 * The traffic is a generated cluster of 40 namespaces x 8 apps with ~2,400 distinct connections (DNS, app to
 * app within and across namespaces, some external addresses and host traffic), seeded so runs compare.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type GenApp, type GenConnection, flowLine, prng } from "../test/fixtures/flows/generate.js";
import { compilePhase, judge, loadNote, runPhase } from "./measure.js";

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

  console.log(`\n-- the import alone (${loadNote()})`);
  const alone = runPhase(await compilePhase(join(root, "bench", "import-phase.ts")), [file]);
  if (alone.output !== "") console.log(alone.output);
  console.log(`\n-- the replay, every step (${loadNote()})`);
  // Under tsx, not bundled: a bundle loads cdk8s twice (ESM and CJS), and synth then finds 4 objects, not 29.
  const r = runPhase(join(root, "bench", "replay-phase.ts"), [file, root], 900, ["--import", "tsx"]);
  // The phases print their figures (formatFigure) themselves.
  if (r.output !== "") console.log(r.output);
  const imp = alone.figures[0];
  const total = r.figures.find((f) => f.label === "total");
  console.log("");
  const ok = judge([
    { what: `replay of ${RECORDS.toLocaleString("en")} records, total cpu`, value: (total?.cpuMs ?? Number.NaN) / 1000, limit: TARGET_SECONDS, unit: "s" },
    { what: `flow import of ${RECORDS.toLocaleString("en")} records, cpu`, value: (imp?.cpuMs ?? Number.NaN) / 1000, limit: IMPORT_TARGET_SECONDS, unit: "s" },
  ]);
  if (!ok || !r.ok || !alone.ok) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
