// The inputs of netpol-analyzer's scenarios (../shared/data/netpol-conformance, plain manifests and kubectl JSON
// lists) take readPlainYaml's fast path, and it gives exactly the yaml library's values for each of them: the
// start-up figures of `npm run bench:peers` depend on it (docs/analysis.md, "Start-up and the peers").
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { readPlainYaml } from "../../src/io/yaml-plain.js";
import { SHARED_DATA_DIR } from "../support/upstream-data.js";

const ROOT = join(SHARED_DATA_DIR, "netpol-conformance");
const files = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(ROOT, d.name, "input")).map((f) => join(d.name, "input", f)))
  .sort();

describe("readPlainYaml on netpol-analyzer's scenario inputs", () => {
  it("finds the inputs", () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });
  it.each(files)("%s: fast path, the library's values", (f) => {
    const text = readFileSync(join(ROOT, f), "utf8");
    const library = parseAllDocuments(text, { uniqueKeys: true });
    const docs = Array.isArray(library) ? library : [library];
    expect(docs.flatMap((d) => d.errors)).toEqual([]);
    expect(readPlainYaml(text)).toEqual(docs.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined));
  });
});
