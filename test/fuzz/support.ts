/**
 * Shared settings of the standing fuzz suite (test/fuzz/*.test.ts). `npm test` runs each target with a
 * fixed seed and a bounded number of runs; `FUZZ_RUNS=<n>` runs n cases per property (and `FUZZ_SEED=<n>` a
 * different seed) for longer hunts: `FUZZ_RUNS=20000 npx vitest run test/fuzz`.
 *
 * The property of every target: a result or a clear UserError, never another exception; and never more
 * than a stated budget for a stated input size. The budgets are hang and blow-up detectors, set hundreds of
 * times above what a case costs (CPU time, not wall time, so a loaded machine does not trip them): the CPU
 * budget per case, and the materialised result at most RESULT_BYTES_PER_INPUT_BYTE times the input (plus a
 * constant), which is what an expansion attack (billion laughs) would break.
 */
import type fc from "fast-check";
import { expect } from "vitest";
import { UserError } from "../../src/model/problem.js";

export const SEED = process.env["FUZZ_SEED"] === undefined ? 20_261_202 : Number(process.env["FUZZ_SEED"]);

/** Runs per property: `dflt` in `npm test`, FUZZ_RUNS when set. */
export function runs(dflt: number): number {
  const n = Number(process.env["FUZZ_RUNS"]);
  return Number.isInteger(n) && n > 0 ? n : dflt;
}

/** A test timeout for a property of `dflt` runs: generous in npm test, scaled with FUZZ_RUNS. */
export function timeout(dflt: number, msPerRun = 200): number {
  return Math.max(60_000, runs(dflt) * msPerRun);
}

export function params(dflt: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns: runs(dflt), endOnFailure: true };
}

/** Budget of one case, in CPU milliseconds, for inputs up to the size each target states. */
export const CPU_MS_PER_CASE = 3000;
export const RESULT_BYTES_PER_INPUT_BYTE = 128;
export const RESULT_BYTES_CONSTANT = 64 * 1024;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Size of a materialised value as JSON (cycles would throw; the loaders never return any). */
export function jsonSize(v: unknown): number {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x))?.length ?? 0;
}

/**
 * Runs `fn` on an input of `inputBytes`; passes when it returns (within the result budget) or throws a
 * UserError whose message is a non-empty, bounded text; fails on any other exception or a blown budget.
 */
export function expectResultOrUserError<T>(inputBytes: number, fn: () => T, describe: () => string): T | UserError {
  const t0 = cpuMs();
  let out: T | UserError;
  try {
    out = fn();
  } catch (e) {
    if (!(e instanceof UserError)) {
      throw new Error(`not a UserError (${(e as Error)?.name}: ${(e as Error)?.message?.slice(0, 300)}) for ${describe()}`, { cause: e });
    }
    expect(e.problems.length + e.omitted).toBeGreaterThan(0);
    expect(e.message.length).toBeGreaterThan(0);
    out = e;
  }
  const spent = cpuMs() - t0;
  expect(spent, `CPU ms for ${describe()}`).toBeLessThan(CPU_MS_PER_CASE);
  if (!(out instanceof UserError)) {
    expect(jsonSize(out), `result size for ${describe()}`).toBeLessThan(inputBytes * RESULT_BYTES_PER_INPUT_BYTE + RESULT_BYTES_CONSTANT);
  }
  return out;
}

/** Every path of a value (through objects and arrays), the root's `[]` first, at most `limit` of them. */
export function paths(v: unknown, limit: number): (string | number)[][] {
  const out: (string | number)[][] = [[]];
  const walk = (x: unknown, p: (string | number)[]): void => {
    if (out.length >= limit || typeof x !== "object" || x === null) return;
    for (const [k, c] of Array.isArray(x) ? x.map((c, i) => [i, c] as const) : Object.entries(x)) {
      const q = [...p, k];
      out.push(q);
      walk(c, q);
    }
  };
  walk(v, []);
  return out;
}

/** A copy of `root` with the value at `path` replaced (the root itself for the empty path). */
export function replaceAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[path.at(-1)!] = value;
  return copy;
}
