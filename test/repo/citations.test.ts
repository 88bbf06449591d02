// Code and docs cite upstream docs and sources, never the session notes in ../shared (issue 11, defect 13:
// comments cited a CALICO.md that is not in the repository).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SKIP = new Set(["node_modules", ".git", "dist", "lib"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|js|mjs|md|ya?ml|json)$/.test(name) ? [p] : [];
  });
}

describe("citations", () => {
  it("no file cites the notes outside the repository (CALICO.md, ARCHITECTURE.md, PULUMI-CDK8S.md)", () => {
    const self = fileURLToPath(import.meta.url);
    const offenders = files(ROOT)
      .filter((f) => f !== self && f !== join(ROOT, "package-lock.json"))
      .flatMap((f) =>
        readFileSync(f, "utf8")
          .split("\n")
          .map((line, i) => ({ line, i }))
          .filter(({ line }) => /\b(CALICO|ARCHITECTURE|PULUMI-CDK8S)\.md\b/.test(line))
          .map(({ i }) => `${relative(ROOT, f)}:${i + 1}`),
      );
    expect(offenders).toEqual([]);
  });
});
