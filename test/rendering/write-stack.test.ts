// writeStack when moving the new output into place fails after the previous output was moved aside: the
// previous output must come back (the contract is "a failed write leaves the previous output untouched").
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as Fs from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";

const failRename = vi.hoisted(() => ({ onCall: 0, calls: 0 }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>();
  return {
    ...fs,
    renameSync: (from: string, to: string): void => {
      failRename.calls += 1;
      if (failRename.calls === failRename.onCall) throw Object.assign(new Error("EXDEV: simulated rename failure"), { code: "EXDEV" });
      fs.renameSync(from, to);
    },
  };
});

const { writeStack } = await import("../../src/rendering/write-stack.js");

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
  failRename.calls = 0;
  failRename.onCall = 0;
});

describe("writeStack rename failures", () => {
  it("puts the previous output back when the new one cannot be moved into place", () => {
    const parent = mkdtempSync(join(tmpdir(), "cb-write-"));
    temps.push(parent);
    const dir = join(parent, "dev");
    mkdirSync(dir);
    writeFileSync(join(dir, "keep.yaml"), "old");
    // Call 1 moves the previous output aside, call 2 (the new output into place) fails.
    failRename.onCall = 2;
    expect(() => writeStack(dir, [{ file: "a.yaml", objects: [{ kind: "X" }] }])).toThrow(/simulated rename failure/);
    expect(readdirSync(parent)).toEqual(["dev"]);
    expect(readFileSync(join(dir, "keep.yaml"), "utf8")).toBe("old");
  });
  it("writes normally otherwise, and leaves no temporary directories", () => {
    const parent = mkdtempSync(join(tmpdir(), "cb-write-"));
    temps.push(parent);
    const dir = join(parent, "dev");
    writeStack(dir, [{ file: "a.yaml", objects: [{ kind: "X" }] }]);
    writeStack(dir, [{ file: "b.yaml", objects: [{ kind: "Y" }] }]);
    expect(readdirSync(parent)).toEqual(["dev"]);
    expect(readdirSync(dir)).toEqual(["b.yaml"]);
    expect(existsSync(join(dir, "a.yaml"))).toBe(false);
  });
  it("gives the output directory the permissions of any directory the user creates (umask), not mkdtemp's 0700", () => {
    const parent = mkdtempSync(join(tmpdir(), "cb-write-"));
    temps.push(parent);
    const reference = join(parent, "reference");
    mkdirSync(reference);
    const dir = join(parent, "dev");
    writeStack(dir, [{ file: "a.yaml", objects: [{ kind: "X" }] }]);
    const mode = (p: string): number => statSync(p).mode & 0o777;
    expect(mode(dir).toString(8)).toBe(mode(reference).toString(8));
  });
});
