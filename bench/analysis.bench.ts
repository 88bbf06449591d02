/**
 * Analysis at scale, on the generated Calico-tier cluster (bench/cluster.ts) at two sizes:
 *   20k: 20,000 pods, 2,000 namespaces, 5,000 Calico policies over 4 tiers, 1,000 k8s policies, 500 sets / 50,000 CIDRs
 *   100k: 100,000 pods, 10,000 namespaces, 25,000 Calico policies, 5,000 k8s policies, 2,500 sets / 250,000 CIDRs
 * Each phase (YAML parsing, connectivity, diff, cold explain) runs in its own process, so its peak RSS is
 * its own; dump reading is measured at 5k, 10k and 20k pods. Every figure shows CPU (user + system),
 * true peak RSS and wall time. Targets (issue 15), judged on CPU and peak RSS, printed PASS/MISS:
 * - connectivity and diff: <= 10 s and <= 2 GiB at each size; growth exponent 20k -> 100k <= 1.2 (CPU and RSS);
 * - explain: cold <= 5 ms, p95 of 200 random flows <= 5 ms;
 * - dump of 20k pods (~100 MB of kubectl JSON): <= 3 s, growth exponent 5k -> 20k <= 1.2.
 * Exits non-zero on a miss.
 *
 * BENCH_SCALES=0.1,0.5 (default 1,5) picks other sizes (scale 1 = 20k pods); BENCH_PHASES=connectivity,diff
 * runs a subset.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Figure, type Target, compilePhase, exponent, fmtSeconds, judge, loadNote, runPhase } from "./measure.js";

const here = dirname(fileURLToPath(import.meta.url));
const scales = (process.env["BENCH_SCALES"] ?? "1,5").split(",").map(Number);
const phases = (process.env["BENCH_PHASES"] ?? "parse,connectivity,diff,explain,dump").split(",");
const pods = (s: number): string => `${Math.round(20 * s)}k`;
const out = (s: string): void => void process.stdout.write(`${s}\n`);

out(`machine: ${loadNote()} (CPU figures are what the targets are judged on)`);
const figures = new Map<string, Figure[]>(); // `${phase}@${scale}` → figures
let failedRuns = 0;
const phaseScript = await compilePhase(join(here, "analysis-phase.ts"));
const run = (phase: string, scale: number): void => {
  out(`\n-- ${phase} at ${pods(scale)} pods (${loadNote()})`);
  const r = runPhase(phaseScript, [String(scale), phase]);
  if (r.output !== "") out(r.output);
  if (!r.ok) {
    failedRuns++;
    out(`  (phase process failed)`);
  }
  figures.set(`${phase}@${scale}`, r.figures);
};
for (const scale of scales) for (const phase of phases.filter((p) => p !== "dump")) run(phase, scale);
const dumpScales = [0.25, 0.5, 1];
if (phases.includes("dump")) for (const scale of dumpScales) run("dump", scale);

const fig = (phase: string, scale: number, i = 0): Figure | undefined => figures.get(`${phase}@${scale}`)?.[i];
const targets: Target[] = [];
out("\n== summary (cpu / peak rss / wall)");
for (const phase of ["parse", "connectivity", "diff"]) {
  if (!phases.includes(phase)) continue;
  const row = scales.map((s) => {
    const f = fig(phase, s);
    return f === undefined ? `${pods(s)}: -` : `${pods(s)}: ${fmtSeconds(f.cpuMs)} / ${f.peakMiB.toFixed(0)} MiB / ${fmtSeconds(f.wallMs)}`;
  });
  out(`${phase.padEnd(13)} ${row.join("   ")}`);
  if (phase === "parse") continue;
  for (const s of scales) {
    const f = fig(phase, s);
    targets.push({ what: `${phase} at ${pods(s)} pods, cpu`, value: f === undefined ? Number.NaN : f.cpuMs / 1000, limit: 10, unit: "s" });
    targets.push({ what: `${phase} at ${pods(s)} pods, peak rss`, value: f === undefined ? Number.NaN : f.peakMiB, limit: 2048, unit: "MiB" });
  }
  if (scales.length >= 2) {
    const [s1, s2] = [scales[0]!, scales[scales.length - 1]!];
    const f1 = fig(phase, s1);
    const f2 = fig(phase, s2);
    const k = (y: (f: Figure) => number): number => (f1 === undefined || f2 === undefined ? Number.NaN : exponent(s1, y(f1), s2, y(f2)));
    out(`${"".padEnd(13)} growth ${pods(s1)} -> ${pods(s2)}: cpu n^${k((f) => f.cpuMs).toFixed(2)}, peak rss n^${k((f) => f.peakMiB).toFixed(2)}, wall n^${k((f) => f.wallMs).toFixed(2)}`);
    targets.push({ what: `${phase} growth exponent ${pods(s1)} -> ${pods(s2)}, cpu`, value: k((f) => f.cpuMs), limit: 1.2, unit: "" });
    targets.push({ what: `${phase} growth exponent ${pods(s1)} -> ${pods(s2)}, peak rss`, value: k((f) => f.peakMiB), limit: 1.2, unit: "" });
  }
}
if (phases.includes("explain")) {
  for (const s of scales) {
    const cold = fig("explain", s, 0);
    const p95 = fig("explain", s, 1);
    out(`explain       ${pods(s)}: cold ${cold === undefined ? "-" : `${fmtSeconds(cold.cpuMs)} cpu / ${fmtSeconds(cold.wallMs)} wall`}, p95 ${p95 === undefined ? "-" : `${fmtSeconds(p95.cpuMs)} cpu`}`);
    targets.push({ what: `explain at ${pods(s)} pods, cold, cpu`, value: cold?.cpuMs ?? Number.NaN, limit: 5, unit: "ms" });
    targets.push({ what: `explain at ${pods(s)} pods, p95 of 200, cpu`, value: p95?.cpuMs ?? Number.NaN, limit: 5, unit: "ms" });
  }
}
if (phases.includes("dump")) {
  const row = dumpScales.map((s) => {
    const f = fig("dump", s);
    return f === undefined ? `${pods(s)}: -` : `${pods(s)}: ${fmtSeconds(f.cpuMs)} / ${f.peakMiB.toFixed(0)} MiB / ${fmtSeconds(f.wallMs)}`;
  });
  out(`dump read     ${row.join("   ")}`);
  const f1 = fig("dump", dumpScales[0]!);
  const f2 = fig("dump", 1);
  const k = f1 === undefined || f2 === undefined ? Number.NaN : exponent(dumpScales[0]!, f1.cpuMs, 1, f2.cpuMs);
  out(`${"".padEnd(13)} growth 5k -> 20k: cpu n^${k.toFixed(2)}`);
  targets.push({ what: "dump read at 20k pods, cpu", value: f2 === undefined ? Number.NaN : f2.cpuMs / 1000, limit: 3, unit: "s" });
  targets.push({ what: "dump read growth exponent 5k -> 20k, cpu", value: k, limit: 1.2, unit: "" });
}
out("\n== targets");
const ok = judge(targets, out);
process.exitCode = ok && failedRuns === 0 ? 0 : 1;
