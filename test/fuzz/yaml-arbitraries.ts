/** Generators of YAML/JSON text for the fuzz suite: token soup, well-formed values, and hostile shapes. */
import fc from "fast-check";
import { stringify } from "yaml";

const TOKENS = [
  "\n", "\n", "\n", "  ", "    ", "- ", ": ", ":", "---\n", "...\n", "&a ", "*a", "&b ", "*b", "&c ", "*c", "[", "]", "{", "}", ",",
  "? ", "|", "|-\n", ">", "!!str ", "!!map ", "!!seq ", "!!binary ", "!!int ", "!!float ", "!custom ", "%YAML 1.2\n---\n", "%TAG ! tag:x,2000:\n",
  "# c\n", "'", '"', "\t", "<<: *a\n", "kind: ", "apiVersion: projectcalico.org/v3\n", "metadata:\n  name: x\n", "spec: ", "0x1F", "1e400",
  "-.inf", "~", "null", "true", "0o17", "00:30", "2001-12-14", "\\u0000", "\u0000", "\u00e9", "\ud83d\ude00", "\ud800", "\r\n", "\uFEFF", "@", "`",
];

/** Token soup: mostly YAML punctuation, some random text. */
export const yamlSoup: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), { maxLength: 300 })
  .map((parts) => parts.join(""));

/** A JSON value written as YAML (block or flow) or as JSON. */
export const wellFormed: fc.Arbitrary<{ value: unknown; text: string }> = fc
  .tuple(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom("yaml", "flow", "json"))
  .map(([value, how]) => ({
    value,
    text: how === "json" ? JSON.stringify(value) : stringify(value, how === "flow" ? { collectionStyle: "flow", lineWidth: 0 } : { lineWidth: 0 }),
  }));

/** Aliases repeating aliases: `width` copies per level, `depth` levels (expands to width^depth). */
export const aliasBomb: fc.Arbitrary<string> = fc.tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 1, max: 10 })).map(([width, depth]) => {
  const lines = [`l0: &l0 [${Array.from({ length: width }, () => '"lol"').join(",")}]`];
  for (let d = 1; d <= depth; d++) lines.push(`l${d}: &l${d} [${Array.from({ length: width }, () => `*l${d - 1}`).join(",")}]`);
  return `${lines.join("\n")}\n`;
});

/** An anchor whose node contains an alias to itself, at some depth, in block or flow style. */
export const cyclicAlias: fc.Arbitrary<string> = fc.tuple(fc.integer({ min: 0, max: 6 }), fc.boolean()).map(([depth, flow]) => {
  if (flow) return `a: &x ${"[".repeat(depth)}{ k: *x }${"]".repeat(depth)}\n`;
  let text = "a: &x\n";
  for (let d = 0; d < depth; d++) text += `${"  ".repeat(d + 1)}k${d}:\n`;
  return `${text}${"  ".repeat(depth + 1)}self: *x\n`;
});

/** Maps or lists nested `depth` deep, flow or block. */
export const deepNesting: fc.Arbitrary<string> = fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom("flow-seq", "flow-map", "block-seq", "block-map")).map(([depth, style]) => {
  switch (style) {
    case "flow-seq":
      return `${"[".repeat(depth)}1${"]".repeat(depth)}\n`;
    case "flow-map":
      return `${"{a: ".repeat(depth)}1${"}".repeat(depth)}\n`;
    case "block-seq":
      return `${Array.from({ length: depth }, (_, i) => `${" ".repeat(i)}- `).join("\n")}x\n`;
    default:
      return `${Array.from({ length: depth }, (_, i) => `${" ".repeat(i)}k:`).join("\n")} x\n`;
  }
});

/** Many small documents. */
export const manyDocuments: fc.Arbitrary<string> = fc.integer({ min: 1, max: 20_000 }).map((n) => "kind: X\n---\n".repeat(n));

/** Any of the above, weighted towards the hostile shapes. */
export const anyYaml: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: yamlSoup },
  { weight: 2, arbitrary: wellFormed.map((w) => w.text) },
  { weight: 1, arbitrary: aliasBomb },
  { weight: 1, arbitrary: cyclicAlias },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: manyDocuments },
);
