/**
 * Honest figures for the benchmarks: CPU time (user + system, process.cpuUsage) and true peak RSS
 * (process.resourceUsage().maxRSS, the kernel's high-water mark) next to wall time. A phase whose peak
 * memory is its own runs in its own process (see runPhase); targets are judged on CPU, never on wall.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Figure {
  readonly label: string;
  readonly wallMs: number;
  readonly cpuMs: number;
  /** Peak RSS of the whole process so far, MiB. */
  readonly peakMiB: number;
  /** Extra lines to print under the figure. */
  readonly notes?: readonly string[];
}

export function peakMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * Runs f once and measures it, after a GC when --expose-gc is on so that earlier garbage is not billed to
 * it (`gc: false` for millisecond figures: V8 sweeps concurrently after a GC, on CPU time the figure would
 * then carry).
 */
export function measure<T>(label: string, f: () => T, opts: { gc?: boolean } = {}): { value: T; figure: Figure } {
  if (opts.gc !== false) (globalThis as { gc?: () => void }).gc?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, figure: { label, wallMs, cpuMs: (c.user + c.system) / 1000, peakMiB: peakMiB() } };
}

export async function measureAsync<T>(label: string, f: () => Promise<T>): Promise<{ value: T; figure: Figure }> {
  (globalThis as { gc?: () => void }).gc?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, figure: { label, wallMs, cpuMs: (c.user + c.system) / 1000, peakMiB: peakMiB() } };
}

export function fmtSeconds(ms: number): string {
  return ms >= 100 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 10 ? 1 : 2)} ms`;
}

export function formatFigure(f: Figure): string {
  return `${f.label}: cpu ${fmtSeconds(f.cpuMs)}, wall ${fmtSeconds(f.wallMs)}, peak rss ${f.peakMiB.toFixed(0)} MiB`;
}

/** The load average when a figure was taken: on a shared machine wall time depends on it, CPU time much less. */
export function loadNote(): string {
  return `load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} on ${cpus().length} cores`;
}

const MARK = "BENCH-FIGURE ";

/** In a phase process: print a figure for the parent to collect (and for a human to read). */
export function emitFigure(f: Figure): void {
  process.stdout.write(`${formatFigure(f)}\n`);
  for (const n of f.notes ?? []) process.stdout.write(`  ${n}\n`);
  process.stdout.write(`${MARK}${JSON.stringify(f)}\n`);
}

/**
 * Bundles a phase script into plain JavaScript (esbuild), so that a phase process runs no TypeScript
 * loader: its CPU and memory are the engine's and node's own.
 */
export async function compilePhase(script: string): Promise<string> {
  const { build } = await import("esbuild");
  // Inside the clone (node_modules/.cache), not the system temp dir: the bundle keeps the packages external,
  // so it must resolve them from the project's node_modules.
  const cache = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  const outfile = join(mkdtempSync(join(cache, "bench-phase-")), "phase.mjs");
  await build({ entryPoints: [script], bundle: true, platform: "node", format: "esm", target: "node20", outfile, logLevel: "warning", packages: "external", banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" } });
  return outfile;
}

/**
 * Runs `node --expose-gc <script> ...args` (a script from compilePhase) in its own process (its peak RSS
 * is its own) and collects the figures it emits; its other output is passed through. `nodeArgs` go before
 * the script (`["--import", "tsx"]` runs a TypeScript phase unbundled, for code that must not be bundled).
 */
export function runPhase(script: string, args: readonly string[], timeoutSeconds = 900, nodeArgs: readonly string[] = []): { figures: Figure[]; ok: boolean; output: string } {
  // A phase gets 4 GiB of heap (twice the target) and a time limit: a regression shows as a MISS, not a stuck machine.
  const r = spawnSync(process.execPath, [...nodeArgs, "--expose-gc", "--max-old-space-size=4096", script, ...args], { encoding: "utf8", maxBuffer: 64 * 2 ** 20, timeout: timeoutSeconds * 1000, killSignal: "SIGKILL" });
  const figures: Figure[] = [];
  const lines: string[] = [];
  for (const line of (r.stdout ?? "").split("\n")) {
    if (line.startsWith(MARK)) figures.push(JSON.parse(line.slice(MARK.length)) as Figure);
    else if (line !== "") lines.push(line);
  }
  if (r.stderr) lines.push(...r.stderr.split("\n").filter((l) => l !== ""));
  if (r.error !== undefined || r.signal !== null) lines.push(`  phase stopped: ${r.error?.message ?? `signal ${r.signal}`} (limit ${timeoutSeconds} s, 4 GiB heap)`);
  return { figures, ok: r.status === 0, output: lines.join("\n") };
}

/** Growth exponent k of y ≈ c·x^k between two sizes. */
export function exponent(x1: number, y1: number, x2: number, y2: number): number {
  return Math.log(y2 / y1) / Math.log(x2 / x1);
}

export interface Target {
  readonly what: string;
  readonly value: number;
  readonly limit: number;
  readonly unit: string;
}

/** Prints `PASS`/`MISS` per target; returns whether every one passed. */
export function judge(targets: readonly Target[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): boolean {
  let ok = true;
  for (const t of targets) {
    const pass = Number.isFinite(t.value) && t.value <= t.limit;
    if (!pass) ok = false;
    const v = t.unit === "" ? t.value.toFixed(2) : `${t.value.toFixed(t.unit === "ms" ? 2 : t.unit === "MiB" ? 0 : 2)} ${t.unit}`;
    out(`  ${pass ? "PASS" : "MISS"}  ${t.what}: ${v} (target <= ${t.limit}${t.unit === "" ? "" : ` ${t.unit}`})`);
  }
  return ok;
}
