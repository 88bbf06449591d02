// parseYamlDocuments: the limits of src/model/limits.ts as UserErrors with file and line (issue 11, defect 7).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { POLICIES_DIR } from "../../policies/catalog.js";
import { estimateNesting, parseYamlDocuments } from "../../src/io/yaml.js";
import { MAX_DOCUMENTS_PER_FILE, MAX_NESTING_DEPTH, MAX_YAML_ALIASES } from "../../src/model/limits.js";
import { synthBaseline } from "../../src/rendering/synth.js";
import { toYaml } from "../../src/rendering/write-stack.js";
import { loadStackConfig } from "../../src/config/index.js";
import { userErrorOf } from "../components/helpers.js";

const ROOT = join(POLICIES_DIR, "..");

describe("parseYamlDocuments", () => {
  it("reads documents, with their lines, and aliases within the limit", () => {
    const docs = parseYamlDocuments("a: &x {k: v}\nb: *x\n---\n- 1\n", "f.yaml");
    expect(docs.map((d) => [d.value, d.line])).toEqual([
      [{ a: { k: "v" }, b: { k: "v" } }, 1],
      [[1], 3],
    ]);
    const some = `x: &x 1\nl: [${Array.from({ length: MAX_YAML_ALIASES / 2 }, () => "*x").join(", ")}]\n`;
    expect((parseYamlDocuments(some, "f")[0]?.value as { l: number[] }).l).toHaveLength(MAX_YAML_ALIASES / 2);
  });
  it("refuses more aliases than MAX_YAML_ALIASES, and an expansion beyond it", () => {
    const many = `x: &x 1\nl: [${Array.from({ length: MAX_YAML_ALIASES + 1 }, () => "*x").join(", ")}]\n`;
    expect(userErrorOf(() => parseYamlDocuments(many, "f.yaml"))).toContain(`f.yaml:2: uses more than ${MAX_YAML_ALIASES} YAML aliases (*name) in one document`);
    const laughs = "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n";
    expect(userErrorOf(() => parseYamlDocuments(laughs, "f.yaml"))).toContain(`f.yaml:1: its YAML aliases expand beyond ${MAX_YAML_ALIASES} copies ("billion laughs")`);
  });
  it("refuses a cyclic alias, with its line", () => {
    expect(userErrorOf(() => parseYamlDocuments("ok: 1\nx: &s\n  inner:\n    - *s\n", "c.yaml"))).toContain('c.yaml:4: has a YAML alias inside the node it refers to (a cycle) (value: "*s")');
  });
  it("refuses more documents than MAX_DOCUMENTS_PER_FILE before parsing them", () => {
    expect(parseYamlDocuments("a: 1\n---\n".repeat(999), "f")).toHaveLength(1000);
    // Counted on the text: one marker too many is refused before the yaml library composes anything.
    expect(userErrorOf(() => parseYamlDocuments("a: 1\n---\n".repeat(MAX_DOCUMENTS_PER_FILE + 1), "f.yaml"))).toContain(`f.yaml: holds more than ${MAX_DOCUMENTS_PER_FILE} YAML documents`);
    expect(userErrorOf(() => parseYamlDocuments("a: 1\n---\n".repeat(150_000), "f.yaml"))).toContain(`f.yaml: holds more than ${MAX_DOCUMENTS_PER_FILE} YAML documents`);
  });
  it("refuses nesting deeper than MAX_NESTING_DEPTH in every style, and through aliases", () => {
    const deep = MAX_NESTING_DEPTH + 1;
    for (const text of [
      `${"[".repeat(deep)}${"]".repeat(deep)}`,
      `${"{a: ".repeat(deep)}1${"}".repeat(deep)}`,
      `${Array.from({ length: deep }, (_, i) => `${" ".repeat(i)}- `).join("\n")}x`,
      `${Array.from({ length: deep }, (_, i) => `${" ".repeat(i)}k:`).join("\n")} x`,
      `${"- ".repeat(deep)}x`,
    ]) {
      expect(userErrorOf(() => parseYamlDocuments(text, "d.yaml"))).toMatch(new RegExp(`d\\.yaml(:\\d+)?: nests maps and lists more than ${MAX_NESTING_DEPTH} levels deep`));
    }
    // 150 levels behind an anchor, repeated 150 deep through the alias: 300 levels once expanded.
    const half = 150;
    const text = `a: &a ${"[".repeat(half)}1${"]".repeat(half)}\nb: ${"[".repeat(half)}*a${"]".repeat(half)}\n`;
    expect(userErrorOf(() => parseYamlDocuments(text, "d.yaml"))).toContain(`nests maps and lists more than ${MAX_NESTING_DEPTH} levels deep`);
    expect(parseYamlDocuments(`${"[".repeat(MAX_NESTING_DEPTH - 1)}${"]".repeat(MAX_NESTING_DEPTH - 1)}`, "f")).toHaveLength(1);
  });
  it("refuses a map or list as a map key (JSON and Kubernetes take text keys), also through an alias", () => {
    expect(userErrorOf(() => parseYamlDocuments("a: 1\n? [x, y]\n: z\n", "k.yaml"))).toContain("k.yaml:2: has a map or a list as a map key");
    expect(userErrorOf(() => parseYamlDocuments("a: &m {x: 1}\nb: {*m : 2}\n", "k.yaml"))).toContain("has a map or a list as a map key");
  });
  it("lists every syntax error with its line", () => {
    const msg = userErrorOf(() => parseYamlDocuments("a: 1\na: 2\n---\nb: [\n", "s.yaml"));
    expect(msg).toMatch(/^s\.yaml: not valid YAML\n {2}- s\.yaml:2: not valid YAML: Map keys must be unique/);
    expect(msg).toMatch(/s\.yaml:\d+: not valid YAML: .*(Flow sequence|flow)/i);
  });
});

describe("estimateNesting never refuses real files", () => {
  it("the repository's YAML and the rendered baseline stay far below the limit", () => {
    const files = [...readdirSync(ROOT).filter((f) => f.endsWith(".yaml")).map((f) => join(ROOT, f)), join(POLICIES_DIR, "inventory.yaml")];
    for (const f of files) expect(estimateNesting(readFileSync(f, "utf8")), f).toBeLessThan(20);
    for (const chart of synthBaseline(loadStackConfig("dev", { cwd: ROOT }).policies)) expect(estimateNesting(toYaml(chart.objects)), chart.file).toBeLessThan(30);
    // Block scalars are skipped: indentation inside them is text.
    const script = `data:\n  run.sh: |\n${Array.from({ length: 400 }, (_, i) => `    ${" ".repeat(i)}echo ${i}`).join("\n")}\n`;
    expect(estimateNesting(script)).toBeLessThan(5);
  });
});

describe("parseDataDocuments (inventory files and dumps)", () => {
  it("reads JSON through JSON.parse with its line, YAML and JSON-looking YAML through the YAML reader, under the nesting limit", async () => {
    const { parseDataDocuments } = await import("../../src/io/yaml.js");
    expect(parseDataDocuments('\n\n{"kind": "List", "items": []}', "d.json")).toEqual([{ value: { kind: "List", items: [] }, line: 3 }]);
    expect(parseDataDocuments("[1, 2]", "d.json")).toEqual([{ value: [1, 2], line: 1 }]);
    expect(parseDataDocuments("{a: 1}\n", "d.yaml").map((d) => d.value)).toEqual([{ a: 1 }]);
    expect(parseDataDocuments("a: 1\n---\nb: 2\n", "d.yaml").map((d) => d.value)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(() => parseDataDocuments(`${"[".repeat(5000)}${"]".repeat(5000)}`, "deep.json")).toThrow(/nests maps and lists more than/);
    expect(() => parseDataDocuments('{"a": [1, }', "bad.json")).toThrow(/not valid YAML/);
  });
});
