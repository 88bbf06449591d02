// readInputFile and walkFiles (issue 11, defect 7): only regular files within MAX_INPUT_FILE_BYTES are read;
// a walk stops with a clear error at a symbolic-link loop.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readInputFile, walkFiles } from "../../src/io/files.js";
import { MAX_INPUT_FILE_BYTES } from "../../src/model/limits.js";
import { userErrorOf } from "../components/helpers.js";

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), "cb-io-"));
  temps.push(d);
  return d;
}

describe("readInputFile", () => {
  it("refuses a file over MAX_INPUT_FILE_BYTES without reading it (a sparse file here)", () => {
    const d = temp();
    writeFileSync(join(d, "big.yaml"), "");
    truncateSync(join(d, "big.yaml"), MAX_INPUT_FILE_BYTES + 1);
    expect(userErrorOf(() => readInputFile(join(d, "big.yaml"), "big.yaml", { what: "manifest" }))).toContain(`big.yaml: the manifest is larger than ${MAX_INPUT_FILE_BYTES / 1024 / 1024} MiB (value: ${MAX_INPUT_FILE_BYTES + 1}). Hint: split it`);
  });
  it("names a missing file with the caller's hint, and a directory", () => {
    const d = temp();
    expect(userErrorOf(() => readInputFile(join(d, "nope"), "nope", { what: "inventory file", missingHint: "write it" }))).toContain("nope: cannot read the inventory file: no such file or directory (ENOENT). Hint: write it");
    expect(userErrorOf(() => readInputFile(d, "dir", { what: "inventory file" }))).toContain("dir: the inventory file is a directory");
  });
});

describe("walkFiles", () => {
  it("follows links to directories that are not its own ancestors, once per path, in name order", () => {
    const d = temp();
    mkdirSync(join(d, "m", "a"), { recursive: true });
    mkdirSync(join(d, "shared"));
    writeFileSync(join(d, "shared", "s.yaml"), "");
    writeFileSync(join(d, "m", "a", "x.yaml"), "");
    symlinkSync("../shared", join(d, "m", "link"));
    symlinkSync("nowhere", join(d, "m", ".#editor-lock"));
    expect(walkFiles(["m"], d, (n) => n.endsWith(".yaml")).map((f) => f.shown)).toEqual(["m/a/x.yaml", "m/link/s.yaml"]);
  });
  it("stops at a link back into its own path, and at a self-referencing link", () => {
    const d = temp();
    mkdirSync(join(d, "m", "a", "b"), { recursive: true });
    symlinkSync("../..", join(d, "m", "a", "b", "up"));
    expect(userErrorOf(() => walkFiles(["m"], d, () => true))).toContain("m/a/b/up: is a symbolic link back to a directory that contains it (a loop)");
    symlinkSync("loop", join(d, "loop"));
    expect(userErrorOf(() => walkFiles(["loop"], d, () => true))).toContain("loop: cannot read the file: symbolic links loop (ELOOP)");
  });
});
