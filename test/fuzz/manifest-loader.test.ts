// Fuzz target: the manifest loader (parseManifestText, loadManifests over files and directories) and the
// inventory loader's file reading. Property: a result or a UserError naming the file, never another
// exception; at most CPU_MS_PER_CASE CPU ms per case for inputs up to ~100 KB, and a result at most
// RESULT_BYTES_PER_INPUT_BYTE times the input (test/fuzz/support.ts). Longer runs: FUZZ_RUNS=20000.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { loadManifests, parseManifestText } from "../../src/analysis/analyse.js";
import { UserError } from "../../src/model/problem.js";
import { expectResultOrUserError, params, timeout } from "./support.js";
import { aliasBomb, cyclicAlias, deepNesting, manyDocuments, wellFormed, yamlSoup } from "./yaml-arbitraries.js";

const temps: string[] = [];
afterAll(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

function parses(text: string): ReturnType<typeof parseManifestText> | UserError {
  const r = expectResultOrUserError(text.length, () => parseManifestText(text, "fuzz.yaml"), () => JSON.stringify(text.slice(0, 200)));
  if (r instanceof UserError) for (const p of r.problems) expect(p.file ?? "", "every problem names the file").toMatch(/^fuzz\.yaml(:\d+)?$/);
  return r;
}

describe("fuzz: parseManifestText", { timeout: timeout(600, 2000) }, () => {
  it("token soup: a result or a UserError naming the file and line", () => {
    fc.assert(fc.property(yamlSoup, (text) => void parses(text)), params(600));
  });
  it("well-formed values round-trip: JSON and YAML text give back the value", () => {
    fc.assert(
      fc.property(wellFormed, ({ value, text }) => {
        const r = parses(text);
        expect(r).not.toBeInstanceOf(UserError);
        const objects = (r as ReturnType<typeof parseManifestText>).map((o) => o.object);
        // Compared as JSON: YAML keeps -0 where JSON writes 0.
        expect(JSON.stringify(objects)).toBe(JSON.stringify(value === null ? [] : [value]));
      }),
      params(300),
    );
  });
  it("alias bombs, cyclic aliases, deep nesting and many documents: bounded, and refused beyond the limits", () => {
    fc.assert(
      fc.property(fc.oneof(aliasBomb, cyclicAlias, deepNesting, manyDocuments), (text) => void parses(text)),
      params(60),
    );
    // The shapes beyond every limit are always refused.
    fc.assert(
      fc.property(cyclicAlias, (text) => {
        expect(parses(text)).toBeInstanceOf(UserError);
      }),
      params(30),
    );
  });
});

/** A random tree of manifest files, directories and symbolic links (some dangling, some looping). */
const tree = fc.array(
  fc.record({
    path: fc.array(fc.constantFrom("a", "b", "c.yaml", "d.yml", "e.json", "f.cases.yaml", "inventory.yaml", ".hidden.yaml", "g.txt"), { minLength: 1, maxLength: 4 }),
    kind: fc.constantFrom("file", "file", "file", "dir", "link"),
    // Targets stay inside the temporary tree (a link to / would walk the whole machine, up to MAX_MANIFEST_FILES).
    target: fc.constantFrom(".", "..", "a", "c.yaml", "missing", "../a/b", "a/../a"),
    content: fc.oneof(yamlSoup, cyclicAlias, aliasBomb, fc.constant("kind: X\n---\n".repeat(200))),
  }),
  { maxLength: 12 },
);

describe("fuzz: loadManifests over directories", { timeout: timeout(600, 2000) }, () => {
  it("any tree of files, directories and links: a result or a UserError, never a trace or a hang", () => {
    fc.assert(
      fc.property(tree, (entries) => {
        const root = mkdtempSync(join(tmpdir(), "cb-fuzz-tree-"));
        temps.push(root);
        let bytes = 0;
        for (const e of entries) {
          const p = join(root, "m", ...e.path);
          try {
            mkdirSync(dirname(p), { recursive: true });
            if (e.kind === "dir") mkdirSync(p, { recursive: true });
            else if (e.kind === "link") symlinkSync(e.target, p);
            else {
              writeFileSync(p, e.content);
              bytes += e.content.length;
            }
          } catch {
            // A path already taken by another kind of entry: keep the first.
          }
        }
        mkdirSync(join(root, "m"), { recursive: true });
        expectResultOrUserError(bytes, () => loadManifests(["m"], root), () => JSON.stringify(entries.map((e) => [e.path.join("/"), e.kind, e.target])));
        rmSync(root, { recursive: true, force: true });
      }),
      params(60),
    );
  });
});
