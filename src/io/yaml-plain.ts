/**
 * A fast reader for the plain block style Kubernetes manifests are nearly always written in: block maps
 * and lists, `key: value` lines, one-line scalars (plain, 'single' or "double" quoted without escapes), `[]`,
 * `{}` and one-line flow lists of scalars, comments and `---` between documents.
 *
 * It exists for start-up: the yaml library composes a document through generators and node classes, which
 * cold (before V8 has optimised them) cost some 5 ms per KiB; a netpol-analyzer scenario of 20 KiB took 100 ms
 * of a 130 ms `report` run there. This reader is one pass over the lines and costs a few milliseconds cold.
 *
 * It never decides anything the yaml library would decide differently: for text that uses anything else
 * (anchors, aliases, tags, block scalars, multi-line or escaped scalars, flow maps, tabs, CR line ends,
 * directives, a duplicate key, numbers other than plain decimals, keys that are not strings, more documents
 * or deeper nesting than src/model/limits.ts allows, or anything malformed) it returns undefined, and the
 * caller reads the text with parseYamlDocuments (src/io/yaml.ts), which also reports every error with its line.
 * Scalars resolve as the YAML 1.2 core schema does (https://yaml.org/spec/1.2.2/#1032-tag-resolution), the
 * schema the yaml library applies by default. test/io/yaml-plain.test.ts compares the two.
 */
import { MAX_DOCUMENTS_PER_FILE, MAX_NESTING_DEPTH } from "../model/limits.js";

/** One line of structure: a map entry (`key: value` or `key:`) or a list item (`- rest`). */
interface Line {
  /** Column of the key or of the `-`. */
  indent: number;
  /** A list item's text after `- ` (undefined for a map entry). */
  item?: string;
  /** Column of an item's text. */
  itemCol?: number;
  /** A map entry's key. */
  key?: string;
  /** A map entry's value text ("" when the value follows on the next lines). */
  value?: string;
}

/** Thrown inside the reader for anything outside the subset; never leaves it. */
class Outside extends Error {}
const outside = (): never => {
  throw new Outside();
};

const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
// Core schema forms (YAML 1.2.2 section 10.3.2). Only plain decimals are resolved here; a scalar of any other
// core numeric or special form is left to the yaml library.
const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const TRUES = new Set(["true", "True", "TRUE"]);
const FALSES = new Set(["false", "False", "FALSE"]);
// Negative zero ("-0", "-0.0") is left to the library too.
const DECIMAL_INT = /^(?:0|-?[1-9][0-9]{0,14})$/;
const DECIMAL_FLOAT = /^-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}$/;
const CORE_NUMERIC = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** A plain scalar's value under the core schema. */
function plain(s: string): unknown {
  if (NULLS.has(s)) return null;
  if (TRUES.has(s)) return true;
  if (FALSES.has(s)) return false;
  if (DECIMAL_INT.test(s) || (DECIMAL_FLOAT.test(s) && !/^-0\.0*$/.test(s))) return Number(s);
  if (CORE_NUMERIC.test(s)) return outside();
  return s;
}

/** A plain scalar in block context: no indicator first, no `: ` or ` #` inside, no `:` last. */
function checkPlain(s: string): string {
  const c = s[0]!;
  if ("[]{}&*!|>'\"%@`,?:#".includes(c)) outside();
  if (c === "-" && (s.length === 1 || s[1] === " ")) outside();
  if (s.includes(": ") || s.endsWith(":")) outside();
  return s;
}

/** A one-line quoted scalar at the start of `s`: its value and the rest of `s` after the closing quote. */
function quoted(s: string): { value: string; rest: string } {
  const q = s[0]!;
  if (q === '"') {
    const end = s.indexOf('"', 1);
    if (end < 0) outside();
    const value = s.slice(1, end);
    if (value.includes("\\")) outside();
    return { value, rest: s.slice(end + 1) };
  }
  let value = "";
  let i = 1;
  for (;;) {
    const end = s.indexOf("'", i);
    if (end < 0) outside();
    value += s.slice(i, end);
    if (s[end + 1] === "'") {
      value += "'";
      i = end + 2;
      continue;
    }
    return { value, rest: s.slice(end + 1) };
  }
}

/** What may follow a scalar on its line: nothing, or a comment. */
function endOfLine(rest: string): void {
  const t = rest.trimStart();
  if (t !== "" && !(t[0] === "#" && t.length < rest.length)) outside();
}

/** Drops a comment (` #...`) from plain text and trims it. */
function uncomment(s: string): string {
  const hash = s.indexOf(" #");
  return (hash < 0 ? s : s.slice(0, hash)).trim();
}

/** A value written on the line: a scalar, `[]`, `{}` or a flow list of scalars. */
function scalar(raw: string): unknown {
  const s = raw.trimStart();
  if (s[0] === '"' || s[0] === "'") {
    const q = quoted(s);
    endOfLine(q.rest);
    return q.value;
  }
  if (s[0] === "[") return flowList(s);
  if (s[0] === "{") {
    if (uncomment(s) !== "{}") outside();
    return {};
  }
  return plain(checkPlain(uncomment(s)));
}

/** `[a, "b", 3]` on one line: scalars only. */
function flowList(s: string): unknown[] {
  const out: unknown[] = [];
  let rest = s.slice(1).trimStart();
  if (rest[0] === "]") {
    endOfLine(rest.slice(1));
    return out;
  }
  for (;;) {
    let value: unknown;
    if (rest[0] === '"' || rest[0] === "'") {
      const q = quoted(rest);
      value = q.value;
      rest = q.rest.trimStart();
    } else {
      const m = /^[^,[\]{}#:'"&*!|>%@`?\s][^,[\]{}#:]*/.exec(rest);
      if (m === null) return outside();
      const text = m[0].trimEnd();
      if (text[0] === "-" && (text.length === 1 || text[1] === " ")) outside();
      value = plain(text);
      rest = rest.slice(m[0].length).trimStart();
    }
    out.push(value);
    if (rest[0] === ",") {
      rest = rest.slice(1).trimStart();
      if (rest[0] === "]") outside();
      continue;
    }
    if (rest[0] !== "]") outside();
    endOfLine(rest.slice(1));
    return out;
  }
}

/** `key: value` / `key:` (text after the indentation), or undefined when `s` is no map entry. */
function entry(s: string): { key: string; value: string } | undefined {
  let key: string;
  let rest: string;
  if (s[0] === '"' || s[0] === "'") {
    const q = quoted(s);
    key = q.value;
    rest = q.rest;
    if (rest[0] !== ":") return undefined;
  } else {
    const colon = s.indexOf(":");
    if (colon < 0) return undefined;
    key = s.slice(0, colon);
    rest = s.slice(colon);
    if (rest.length > 1 && rest[1] !== " ") return undefined;
    if (!PLAIN_KEY.test(key)) return outside();
    // A key the core schema reads as null, a boolean or a number is not a string key.
    if (typeof plainKey(key) !== "string") outside();
  }
  if (rest.length > 1 && rest[1] !== " ") outside();
  if (key === "__proto__") outside();
  const value = rest.slice(1);
  return { key, value: value.trimStart().startsWith("#") ? "" : value };
}

function plainKey(k: string): unknown {
  try {
    return plain(k);
  } catch {
    return null;
  }
}

/**
 * The values of a text's documents (empty documents left out), or undefined when the text is not in the
 * subset this reader knows exactly. A JSON text (a `kubectl get -o json` list) is read with JSON.parse, which
 * gives what the yaml library gives for JSON (YAML 1.2 reads JSON as a flow document; its escapes are a
 * superset of JSON's) except for a duplicate key, which JSON.parse keeps quietly: a text with one is left to
 * the library, which reports it.
 */
export function readPlainYaml(text: string): unknown[] | undefined {
  const first = text.search(/\S/);
  if (first >= 0 && (text[first] === "{" || text[first] === "[")) return readJson(text);
  if (text.includes("\t") || text.includes("\r") || text.charCodeAt(0) === 0xfeff) return undefined;
  try {
    return read(text);
  } catch (e) {
    if (e instanceof Outside) return undefined;
    throw e;
  }
}

/**
 * JSON.parse, when the text nests at most MAX_NESTING_DEPTH deep and no object repeats a key: the members
 * (a `:` outside strings) must number as many as the parsed objects' keys.
 */
function readJson(text: string): unknown[] | undefined {
  if (text.includes("__proto__")) return undefined;
  let members = 0;
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // A string: skip to its closing quote, over escapes.
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 58) members++;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_NESTING_DEPTH) return undefined;
    } else if (c === 125 || c === 93) depth--;
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  let keys = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (typeof v === "object" && v !== null) {
      for (const k in v) {
        keys++;
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
  }
  if (keys !== members) return undefined;
  return value === null ? [] : [value];
}

function read(text: string): unknown[] {
  // Lines of structure per document.
  const docs: Line[][] = [[]];
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf("\n", pos);
    if (end < 0) end = n;
    let i = pos;
    while (i < end && text.charCodeAt(i) === 32) i++;
    const indent = i - pos;
    const content = text.slice(i, end);
    pos = end + 1;
    if (content === "" || content[0] === "#" || content.trim() === "") continue;
    if (indent === 0 && /^---(?:\s+#.*)?\s*$/.test(content)) {
      if (docs.length >= MAX_DOCUMENTS_PER_FILE) outside();
      docs.push([]);
      continue;
    }
    if (indent === 0 && (content.startsWith("---") || content.startsWith("...") || content[0] === "%")) outside();
    docs[docs.length - 1]!.push(lineOf(indent, content));
  }
  const out: unknown[] = [];
  for (const lines of docs) {
    if (lines.length === 0) continue;
    const p = { lines, i: 0 };
    const value = block(p, lines[0]!.indent, 0);
    if (p.i < lines.length) outside();
    if (value !== null) out.push(value);
  }
  return out;
}

function lineOf(indent: number, content: string): Line {
  if (content[0] === "-" && (content.length === 1 || content[1] === " ")) {
    const after = content.slice(1);
    const text = after.trimStart();
    return { indent, item: text.startsWith("#") ? "" : text, itemCol: indent + 1 + (after.length - text.length) };
  }
  const e = entry(content);
  if (e === undefined) return outside();
  return { indent, key: e.key, value: e.value };
}

interface Cursor {
  readonly lines: Line[];
  i: number;
}

/** The block (map or list) whose first line is the cursor's, at column `indent`. */
function block(p: Cursor, indent: number, depth: number): unknown {
  if (depth >= MAX_NESTING_DEPTH) outside();
  const first = p.lines[p.i]!;
  if (first.indent !== indent) outside();
  return first.item !== undefined ? list(p, indent, depth) : map(p, indent, depth);
}

/** After a line whose value is on the lines below: that value (a deeper block, or a list at `indent`), or null. */
function below(p: Cursor, indent: number, depth: number, sameColumnList: boolean): unknown {
  const next = p.lines[p.i];
  if (next === undefined || next.indent < indent) return null;
  if (next.indent > indent) return block(p, next.indent, depth + 1);
  // Kubernetes style `ports:\n- port: 80`: a list at the key's own column is the key's value.
  if (sameColumnList && next.item !== undefined) return list(p, indent, depth + 1);
  return null;
}

function map(p: Cursor, indent: number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  while (p.i < p.lines.length) {
    const l = p.lines[p.i]!;
    if (l.indent < indent) break;
    if (l.indent > indent || l.key === undefined) outside();
    if (seen.has(l.key!)) outside();
    seen.add(l.key!);
    p.i++;
    if (l.value!.trim() === "") out[l.key!] = below(p, indent, depth, true);
    else {
      out[l.key!] = scalar(l.value!);
      const next = p.lines[p.i];
      // A deeper line after a scalar continues it (a multi-line scalar), or is an error.
      if (next !== undefined && next.indent > indent) outside();
    }
  }
  return out;
}

function list(p: Cursor, indent: number, depth: number): unknown[] {
  const out: unknown[] = [];
  while (p.i < p.lines.length) {
    const l = p.lines[p.i]!;
    if (l.indent < indent) break;
    // A map entry at the list's column ends a Kubernetes-style list that is a key's value.
    if (l.indent === indent && l.item === undefined) break;
    if (l.indent > indent) outside();
    const text = l.item!;
    if (text === "") {
      p.i++;
      out.push(below(p, indent, depth, false));
      continue;
    }
    if (text[0] === "-" && (text.length === 1 || text[1] === " ")) outside();
    const e = text[0] === "[" || text[0] === "{" ? undefined : entry(text);
    if (e !== undefined) {
      // `- key: value` opens a map at the item's text column; its further entries are the lines below at it.
      p.lines[p.i] = { indent: l.itemCol!, key: e.key, value: e.value };
      out.push(map(p, l.itemCol!, depth + 1));
      const next = p.lines[p.i];
      if (next !== undefined && next.indent > indent && next.indent !== l.itemCol) outside();
      continue;
    }
    p.i++;
    out.push(scalar(text));
    const next = p.lines[p.i];
    if (next !== undefined && next.indent > indent) outside();
  }
  return out;
}
