// readPlainYaml: the fast reader of plain block YAML and JSON gives exactly what the yaml library gives, or
// declines (undefined) so that the library reads the text; parseManifestText uses one or the other.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { POLICIES_DIR } from "../../policies/catalog.js";
import { parseManifestText } from "../../src/analysis/analyse.js";
import { readPlainYaml } from "../../src/io/yaml-plain.js";
import { MAX_DOCUMENTS_PER_FILE, MAX_NESTING_DEPTH } from "../../src/model/limits.js";
import { userErrorOf } from "../components/helpers.js";

const ROOT = join(POLICIES_DIR, "..");

/** The yaml library's values for a text (empty documents left out), or "error" when it reports one. */
function library(text: string): unknown[] | "error" {
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.some((d) => d.errors.length > 0)) return "error";
  try {
    return list.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined);
  } catch {
    return "error";
  }
}

/** readPlainYaml either declines or agrees with the library (and never accepts what the library refuses). */
function agrees(text: string): boolean {
  const mine = readPlainYaml(text);
  if (mine === undefined) return false;
  expect(library(text), text).toEqual(mine);
  return true;
}

const scalars = fc.oneof(
  fc.constantFrom("true", "True", "false", "null", "~", "1", "1.5", "-2", "0", "-0", "007", "1e3", "0x1F", "0o17", ".inf", ".nan", "+1", "1.", ".5"),
  fc.constantFrom("", " lead", "trail ", "a: b", "a:b", "#x", "x #y", "x#y", "-", "- a", "-a", "?x", "a'b", 'a"b', "'q'", '"dq"', "[a]", "{a}", "a, b", "*x", "&y", "!t", "|", ">", "%", "@", "`"),
  fc.constantFrom("10.0.0.0/8", "2001:db8::/32", "fe80::", "nginx:1.14", "http://x.y/z", "app.kubernetes.io/name", "kube-system", "TCP", "Ingress", "ümlaut", "a\\b", "back\\slash"),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -100000, max: 100000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.boolean(),
  fc.constant(null),
);
const keys = fc.oneof(fc.constantFrom("apiVersion", "kind", "metadata", "name", "app.kubernetes.io/name", "ports", "port", "a b", "1", "true", "null", "__proto__", "-k", "k:", "#k", "'k'"), fc.string({ minLength: 1, maxLength: 8 }));
const values = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, scalars, tie("list"), tie("map")),
  list: fc.array(tie("value"), { maxLength: 4 }),
  map: fc.dictionary(keys, tie("value"), { maxKeys: 5 }),
})).map;

describe("readPlainYaml", () => {
  it("gives the yaml library's values for whatever the library writes, in every layout", () => {
    fc.assert(
      fc.property(fc.array(values, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.integer({ min: 1, max: 4 }), (docs, indentSeq, indent) => {
        agrees(docs.map((d) => stringify(d, { indentSeq, indent })).join("---\n"));
      }),
      { numRuns: 400 },
    );
  });

  it("takes the fast path for ordinary manifests", () => {
    // The point is speed: texts of ordinary keys and values must not go to the library.
    const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    const ordinary = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small" }, word, fc.integer({ min: -70000, max: 70000 }), fc.boolean(), fc.constantFrom("10.0.0.0/8", "nginx:1.14", "a b", "TCP", ""), tie("list"), tie("map")),
      // Lists of scalars or maps (a list directly in a list, `- - a`, is left to the library).
      list: fc.array(fc.oneof(word, fc.integer(), tie("map")), { maxLength: 4 }),
      map: fc.dictionary(fc.oneof(word, fc.constantFrom("app.kubernetes.io/name", "k8s-app")), tie("value"), { maxKeys: 5 }),
    })).map;
    fc.assert(
      // A manifest is a map of at least one key (a document that is just `{}` is left to the library).
      fc.property(fc.array(fc.dictionary(word, ordinary, { minKeys: 1, maxKeys: 6 }), { minLength: 1, maxLength: 3 }), fc.boolean(), (docs, indentSeq) => {
        expect(agrees(docs.map((d) => stringify(d, { indentSeq })).join("---\n"))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("declines or agrees on every one-character edit of a manifest (never accepts what the library refuses)", () => {
    const base = stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", labels: { app: "a", "app.kubernetes.io/name": "x" } }, spec: { containers: [{ name: "c", ports: [{ containerPort: 80, name: "http" }] }], tags: ["a", "b"] } }, { indentSeq: false });
    const chars = [" ", "\n", ":", "-", "#", "'", '"', "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "?", "%", "\t", "0", "x", "\\"];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length }), fc.constantFrom(...chars), fc.boolean(), (at, c, replace) => {
        const text = base.slice(0, at) + c + base.slice(replace ? at + 1 : at);
        const mine = readPlainYaml(text);
        if (mine !== undefined) expect(library(text), JSON.stringify(text)).toEqual(mine);
      }),
      { numRuns: 1500 },
    );
    expect(agrees(base)).toBe(true);
  });

  it("reads Kubernetes-style manifests: lists at their key's column, compact maps in items, flow lists, comments, documents", () => {
    const text = [
      "# a comment",
      "apiVersion: networking.k8s.io/v1   # trailing comment",
      "kind: NetworkPolicy",
      "metadata:",
      "  name: 'it''s'",
      '  namespace: "shop"',
      "spec:",
      "  podSelector: {}",
      "  policyTypes: [Ingress, 'Egress']",
      "  ingress:",
      "  - from:",
      "    -   ipBlock:",
      "          cidr: 10.0.0.0/8",
      "          except: []",
      "    ports:",
      "      - port: 80",
      "        protocol: TCP",
      "      -",
      "      - 8080",
      "  egress: ~",
      "---",
      "",
      "--- # empty",
      "kind: Namespace",
      "metadata: {name: x}",
    ].join("\n");
    // The last document has a flow map: outside the subset, the whole text goes to the library.
    expect(readPlainYaml(text)).toBeUndefined();
    const plain = text.replace("metadata: {name: x}", "metadata:\n  name: x");
    expect(agrees(plain)).toBe(true);
    expect(readPlainYaml(plain)).toEqual([
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "it's", namespace: "shop" },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8", except: [] } }], ports: [{ port: 80, protocol: "TCP" }, null, 8080] }], egress: null },
      },
      { kind: "Namespace", metadata: { name: "x" } },
    ]);
  });

  it("leaves to the library everything outside the subset", () => {
    const outside = [
      "a: &x 1\nb: *x\n",
      "a: !!str 1\n",
      "a: |\n  text\n",
      "a: >-\n  text\n",
      "a: one\n  two\n",
      "a:\n  one two\n",
      'a: "esc\\n"\n',
      "a: 'multi\n  line'\n",
      "a:\tb\n",
      "a: b\r\nc: d\r\n",
      "\uFEFFa: b\n",
      "a: 1\na: 2\n",
      "a: {b: c}\n",
      "a: [b, [c]]\n",
      "a: [\n  b\n]\n",
      "a: 0x10\n",
      "a: 1e3\n",
      "a: -0\n",
      "a: .inf\n",
      "a: 0123\n",
      "a: 12345678901234567890\n",
      "__proto__: x\n",
      "? a\n: b\n",
      "%YAML 1.2\n---\na: b\n",
      "a: b\n...\n",
      "--- a\n",
      "1: one\n",
      "true: yes\n",
      "a b: c\n",
      "- - a\n",
      "just a scalar\n",
      "a: b: c\n",
      "a: b:\n",
      '{"a": 1, "a": 2}',
      '{"__proto__": {}}',
      '{"a": 1} trailing',
      "a:\na:\n",
    ];
    for (const text of outside) {
      expect(readPlainYaml(text), JSON.stringify(text)).toBeUndefined();
      // …and reading the manifest still works or fails exactly as before, through the library.
      const lib = library(text);
      if (lib === "error") expect(() => parseManifestText(text, "f.yaml")).toThrow();
      else expect(parseManifestText(text, "f.yaml").map((o) => o.object)).toEqual(lib);
    }
  });

  it("stays within the limits: deeper nesting or more documents than allowed go to the library, which reports them", () => {
    let deep = "";
    for (let i = 0; i <= MAX_NESTING_DEPTH; i++) deep += `${" ".repeat(i)}k:\n`;
    deep += `${" ".repeat(MAX_NESTING_DEPTH + 1)}v: 1\n`;
    expect(readPlainYaml(deep)).toBeUndefined();
    expect(userErrorOf(() => parseManifestText(deep, "deep.yaml"))).toContain(`nests maps and lists more than ${MAX_NESTING_DEPTH} levels deep`);
    const many = "a: 1\n---\n".repeat(MAX_DOCUMENTS_PER_FILE + 1);
    expect(readPlainYaml(many)).toBeUndefined();
    expect(userErrorOf(() => parseManifestText(many, "many.yaml"))).toContain(`holds more than ${MAX_DOCUMENTS_PER_FILE} YAML documents`);
    expect(readPlainYaml(`${"[".repeat(MAX_NESTING_DEPTH + 1)}${"]".repeat(MAX_NESTING_DEPTH + 1)}`)).toBeUndefined();
  });

  it("reads JSON (a kubectl list) as the library does", () => {
    const list = { apiVersion: "v1", kind: "List", items: [{ kind: "Pod", metadata: { name: "a:b", labels: { "x\"y": "1" } }, spec: { n: 1.5, s: "\u00e9\\" } }] };
    expect(agrees(JSON.stringify(list, null, 2))).toBe(true);
    expect(agrees("[]")).toBe(true);
    expect(readPlainYaml("  null")).toBeUndefined();
    // A duplicate key: JSON.parse would keep the last; the library reports it, with its line.
    expect(readPlainYaml('{\n"a": 1,\n"a": 2\n}')).toBeUndefined();
    expect(() => parseManifestText('{\n"a": 1,\n"a": 2\n}', "dup.json")).toThrow(/dup\.json:3/);
  });

  it("agrees with the library on every manifest of the repository it accepts, and accepts the plain ones", () => {
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ya?ml|json)$/.test(e)) files.push(p);
      }
    };
    for (const d of ["examples", "policies", "components"]) walk(join(ROOT, d));
    let accepted = 0;
    for (const f of files) if (agrees(readFileSync(f, "utf8"))) accepted++;
    expect(files.length).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  });
});
