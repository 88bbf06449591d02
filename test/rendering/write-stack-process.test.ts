// writeStack across processes (issue 11, defect 10): a kill -9 at any step of a write leaves the previous or
// the new output complete, never neither; the next write takes the dead writer's lock over and removes what it
// left; concurrent writers of one output wait for each other (never ENOTEMPTY, never a mixed result).
import { spawn } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { MARKER_FILE, writeStack, type WriteStep } from "../../src/rendering/write-stack.js";

const CHILD = fileURLToPath(new URL("./support/write-child.ts", import.meta.url));
const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "cb-write-proc-"));
  temps.push(d);
  return d;
}

function write(dir: string, label: string): void {
  writeStack(
    dir,
    [
      { file: "00-a.yaml", objects: [{ kind: "ConfigMap", metadata: { name: label } }] },
      { file: "10-b.yaml", objects: [{ kind: "ConfigMap", metadata: { name: label } }] },
    ],
    [{ file: "report.md", content: `${label}\n` }],
    { lockWaitSeconds: 30 },
  );
}

/** The label every file of the output carries; fails when the files disagree (a mixed output) or one is missing. */
function labelOf(dir: string): string {
  expect(readdirSync(dir).sort()).toEqual([MARKER_FILE, "00-a.yaml", "10-b.yaml", "report.md"].sort());
  const a = /name: (\S+)/.exec(readFileSync(join(dir, "00-a.yaml"), "utf8"))?.[1];
  const b = /name: (\S+)/.exec(readFileSync(join(dir, "10-b.yaml"), "utf8"))?.[1];
  const r = readFileSync(join(dir, "report.md"), "utf8").trim();
  expect(a).toBe(r);
  expect(b).toBe(r);
  return r;
}

/** Only the output link and its one generation directory remain (no lock, no leftovers). */
function expectClean(parent: string): void {
  const entries = readdirSync(parent).sort();
  expect(entries).toHaveLength(2);
  expect(entries[1]).toBe("dev");
  expect(entries[0]).toMatch(/^\.dev\.out-[0-9a-f]{12}$/);
  expect(lstatSync(join(parent, "dev")).isSymbolicLink()).toBe(true);
}

function child(args: string[]): { done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>; kill: () => void } {
  const p = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return {
    done: new Promise((resolve) => p.on("exit", (code, signal) => resolve({ code, signal, stderr }))),
    kill: () => p.kill("SIGKILL"),
  };
}

async function waitFor(file: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!existsSync(file)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${file}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const STEPS: WriteStep[] = ["locked", "cleaned", "written", "linked", "replaced", "done"];

describe("writeStack killed with SIGKILL at each step", () => {
  for (const step of STEPS) {
    it(`after "${step}": the output is the old or the new one, complete; the next write recovers and cleans up`, async () => {
      const parent = tempDir();
      const dir = join(parent, "dev");
      write(dir, "old");
      const ready = join(tempDir(), "ready");
      const c = child([dir, "new", "1", step, ready]);
      await waitFor(ready, 60_000);
      c.kill();
      const exit = await c.done;
      expect(exit.signal).toBe("SIGKILL");
      // The output is always there and complete: the old one until the link was swapped, the new one after.
      expect(labelOf(dir)).toBe(STEPS.indexOf(step) >= STEPS.indexOf("replaced") ? "new" : "old");
      // The dead writer's lock is taken over at once (its process is gone), its leftovers removed.
      write(dir, "next");
      expect(labelOf(dir)).toBe("next");
      expectClean(parent);
    }, 90_000);
  }
});

describe("concurrent writers of one output", () => {
  it("wait for each other: every run succeeds, the result is one complete output, nothing is left over", async () => {
    const parent = tempDir();
    const dir = join(parent, "dev");
    const runs = ["w1", "w2", "w3"].map((label) => child([dir, label, "3"]));
    const exits = await Promise.all(runs.map((r) => r.done));
    for (const e of exits) expect(e, e.stderr).toMatchObject({ code: 0 });
    expect(["w1", "w2", "w3"]).toContain(labelOf(dir));
    expectClean(parent);
  }, 120_000);
});
