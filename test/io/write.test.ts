// writeFileAtomic and ensureDir (issue 11, defect 7): the target is replaced whole or not at all, every
// file-system failure is a UserError with the path and a hint. Faults are injected into node:fs.
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as Fs from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { userErrorOf } from "../components/helpers.js";

const fault = vi.hoisted(() => ({ op: "", code: "" }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>();
  const failing =
    <A extends unknown[], R>(op: string, real: (...a: A) => R) =>
    (...a: A): R => {
      if (fault.op === op) throw Object.assign(new Error(`${fault.code}: simulated`), { code: fault.code });
      return real(...a);
    };
  return { ...fs, writeSync: failing("write", fs.writeSync as (...a: unknown[]) => number), renameSync: failing("rename", fs.renameSync), mkdirSync: failing("mkdir", fs.mkdirSync as (...a: unknown[]) => string | undefined) };
});
const { ensureDir, writeFileAtomic } = await import("../../src/io/write.js");

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
  Object.assign(fault, { op: "", code: "" });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), "cb-io-"));
  temps.push(d);
  return d;
}

describe("writeFileAtomic", () => {
  for (const [op, code, text] of [
    ["write", "ENOSPC", "the file system is full (ENOSPC). Hint: free some space on that file system, or write somewhere else"],
    ["write", "EIO", "an I/O error (EIO)"],
    ["rename", "EROFS", "the file system is read-only (EROFS). Hint: write to a directory on a writable file system"],
    ["rename", "EACCES", "permission denied (EACCES)"],
  ] as const) {
    it(`${op} failing with ${code}: a UserError naming the file, the old file intact, no temporary file left`, () => {
      const d = temp();
      writeFileSync(join(d, "r.md"), "old");
      Object.assign(fault, { op, code });
      expect(userErrorOf(() => writeFileAtomic(join(d, "r.md"), "new", "r.md", { field: "--out", overwrite: true }))).toContain(`r.md: --out: cannot write r.md: ${text}`);
      expect(readdirSync(d)).toEqual(["r.md"]);
      expect(readFileSync(join(d, "r.md"), "utf8")).toBe("old");
    });
  }
  it("replaces a symbolic link itself, never the file it points to", () => {
    const d = temp();
    writeFileSync(join(d, "precious"), "keep");
    symlinkSync("precious", join(d, "out.md"));
    writeFileAtomic(join(d, "out.md"), "new", "out.md", { overwrite: true });
    expect(readFileSync(join(d, "precious"), "utf8")).toBe("keep");
    expect(readFileSync(join(d, "out.md"), "utf8")).toBe("new");
  });
});

describe("ensureDir", () => {
  it("creates missing levels one at a time and names the one the file system refuses", () => {
    const d = temp();
    ensureDir(join(d, "a", "b"), "a/b");
    expect(readdirSync(join(d, "a"))).toEqual(["b"]);
    Object.assign(fault, { op: "mkdir", code: "EROFS" });
    expect(userErrorOf(() => ensureDir(join(d, "x", "y"), "x/y", "--out"))).toContain(`${join(d, "x")}: --out: cannot create the directory x/y: the file system is read-only (EROFS)`);
  });
  it("refuses a file standing where a directory should be", () => {
    const d = temp();
    writeFileSync(join(d, "f"), "");
    expect(userErrorOf(() => ensureDir(join(d, "f", "sub"), "f/sub"))).toContain("cannot create the directory f/sub: a part of the path is not a directory (ENOTDIR). Hint: check the path: a file stands where a directory should be");
    expect(userErrorOf(() => ensureDir(join(d, "f"), "f"))).toContain(`cannot create the directory f: ${join(d, "f")} is not a directory`);
  });
});
