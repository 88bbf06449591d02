/**
 * YAML (and JSON) input read under the limits of src/model/limits.ts: a file never crashes the reader with a
 * stack trace. A billion-laughs file (aliases expanding exponentially), a cyclic alias, a file of 150,000
 * documents, or a document nested thousands deep each becomes one `UserError` naming the file (and line), the
 * limit and a hint.
 */
import { createRequire } from "node:module";
import type * as YamlLibrary from "yaml";
import type { Document, LineCounter, Node as YamlNode } from "yaml";
import { MAX_DOCUMENTS_PER_FILE, MAX_NESTING_DEPTH, MAX_YAML_ALIASES } from "../model/limits.js";
import { type Problem, ProblemList, UserError } from "../model/problem.js";

export interface YamlDocument {
  /** The document as plain JavaScript (null for an empty document). */
  readonly value: unknown;
  /** The parsed document with its nodes and ranges (for callers that report lines). */
  readonly doc: Document.Parsed;
  /** 1-based line where the document starts. */
  readonly line: number;
}

export interface ParseYamlOptions {
  /** Options for the yaml parser (e.g. `uniqueKeys`). */
  readonly uniqueKeys?: boolean;
  /** Receives the line counter, for callers that turn node offsets into lines. */
  readonly lineCounter?: LineCounter;
  /** Hint for YAML syntax errors. */
  readonly syntaxHint?: string;
}

/**
 * The yaml library, loaded on first use: most runs of `report --manifests` read only plain YAML or JSON
 * (src/io/yaml-plain.ts) and never need it, and loading it costs some 10 ms of a 110 ms run. Synchronous
 * (every reader here is), so through require: the library ships CommonJS for node.
 */
let library: typeof YamlLibrary | undefined;
function yaml(): typeof YamlLibrary {
  // In the CLI bundle (scripts/build-cli.mjs) `require` is defined and this call loads lib/cli/chunks/yaml.cjs,
  // the build's one CommonJS copy of the library, which the chunks that import yaml statically load too: the
  // bundle (and the controller image built from it) needs no node_modules/yaml, and a command that never calls
  // this does not compile the library. Elsewhere (tsx, the compiled library) an ES module has no `require`, so
  // one is made for this file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous, lazily evaluated load (see above)
  library ??= (typeof require === "function" ? require("yaml") : createRequire(import.meta.url)("yaml")) as typeof YamlLibrary;
  return library;
}

const SYNTAX_HINT = "fix the YAML syntax (indentation, quotes, colons)";

function tooDeep(file: string, line: number | undefined): UserError {
  return new UserError([
    {
      file: line === undefined ? file : `${file}:${line}`,
      path: "",
      message: `nests maps and lists more than ${MAX_NESTING_DEPTH} levels deep`,
      hint: `a Kubernetes object nests fewer than 20 levels; the limit is MAX_NESTING_DEPTH (${MAX_NESTING_DEPTH}, README "Limits")`,
    },
  ]);
}

function tooManyDocuments(file: string, line: number | undefined): UserError {
  return new UserError([
    {
      file: line === undefined ? file : `${file}:${line}`,
      path: "",
      message: `holds more than ${MAX_DOCUMENTS_PER_FILE} YAML documents`,
      hint: `split the file, or give a kubectl dump as one List document (limit MAX_DOCUMENTS_PER_FILE, README "Limits")`,
    },
  ]);
}

/** Lines that start a new document (`---`) or end one (`...`): an upper bound on the documents a text holds, less one. */
function countDocumentMarkers(text: string): number {
  let n = 0;
  for (const m of text.matchAll(/^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm)) if (m[0] === "---") n++;
  return n;
}

/**
 * An upper bound on a text's nesting depth, read without parsing: the block indentation levels open at a
 * line, plus the compact collections that line opens (`- - a:`), plus the flow brackets open there (outside
 * quotes and comments; block scalars are skipped). The yaml library composes nodes recursively, and deep
 * enough input overflows its stack in places where V8 cannot recover (a regular expression compiled at the
 * stack limit aborts the process), so input deeper than the limit must never reach it.
 */
export function estimateNesting(text: string): number {
  let max = 0;
  const indents: number[] = [];
  let flow = 0;
  let blockScalarIndent = -1; // the indentation of the line that opened a block scalar, while inside it
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf("\n", pos);
    if (end === -1) end = n;
    let i = pos;
    while (i < end && text.charCodeAt(i) === 32) i++;
    const indent = i - pos;
    const blank = i === end || text.charCodeAt(i) === 13 || (text.charCodeAt(i) === 35 && flow === 0);
    if (blockScalarIndent >= 0 && (blank || indent > blockScalarIndent)) {
      pos = end + 1;
      continue;
    }
    blockScalarIndent = -1;
    if (blank) {
      pos = end + 1;
      continue;
    }
    if (flow === 0) {
      while (indents.length > 0 && (indents[indents.length - 1] as number) >= indent) indents.pop();
      indents.push(indent);
    }
    // Compact collections opened on this line: `- `, `? `, then a `key:` (one more map level).
    let compact = 0;
    while (i + 1 < end && (text[i] === "-" || text[i] === "?") && (text[i + 1] === " " || text[i + 1] === "\t")) {
      compact++;
      i += 2;
      while (i < end && text.charCodeAt(i) === 32) i++;
    }
    let quote = "";
    let last = "";
    let peak = flow;
    for (let j = i; j < end; j++) {
      const c = text[j] as string;
      if (quote !== "") {
        if (c === quote) quote = "";
        continue;
      }
      if (c === '"' || c === "'") {
        if (last === "" || last === " " || last === "[" || last === "{" || last === "," || last === ":") quote = c;
      } else if (c === "#" && (last === " " || last === "")) break;
      else if (c === "[" || c === "{") peak = Math.max(peak, ++flow);
      else if ((c === "]" || c === "}") && flow > 0) flow--;
      if (c !== " " && c !== "\t" && c !== "\r") last = c;
      else last = " ";
    }
    if (flow === 0 && (last === "|" || last === ">" || /[|>][0-9+-]*\s*$/.test(text.slice(Math.max(i, end - 4), end)))) blockScalarIndent = indent;
    max = Math.max(max, indents.length + compact + peak);
    pos = end + 1;
  }
  return max;
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/**
 * Children of a node for the structure check: a map's keys and values, a list's items, an alias's target.
 * `targets` maps each alias to the node it names (resolved once per document, in document order).
 */
function children(node: YamlNode, targets: ReadonlyMap<YamlNode, YamlNode>): YamlNode[] {
  if (yaml().isMap(node)) {
    const out: YamlNode[] = [];
    for (const pair of node.items) {
      if (yaml().isPair(pair)) {
        if (pair.key !== null && typeof pair.key === "object") out.push(pair.key as YamlNode);
        if (pair.value !== null && typeof pair.value === "object") out.push(pair.value as YamlNode);
      }
    }
    return out;
  }
  if (yaml().isSeq(node)) {
    const out: YamlNode[] = [];
    for (const item of node.items as unknown[]) {
      // A flow list may hold pairs (`[a: b]`).
      const parts = yaml().isPair(item) ? [item.key, item.value] : [item];
      for (const x of parts) if (x !== null && typeof x === "object") out.push(x as YamlNode);
    }
    return out;
  }
  if (yaml().isAlias(node)) {
    const t = targets.get(node);
    return t === undefined ? [] : [t];
  }
  return [];
}

/**
 * Checks one document's structure without recursion: alias count, alias cycles (an alias inside the node
 * it names) and nesting depth counted through aliases (memoised per node, so linear in the document's size
 * however the aliases repeat subtrees).
 */
function checkStructure(doc: Document.Parsed, file: string, lines: LineCounter): Problem | undefined {
  const root = doc.contents;
  if (root === null) return undefined;
  const lineOf = (n: YamlNode): string => (n.range === undefined || n.range === null ? file : `${file}:${lines.linePos(n.range[0]).line}`);
  // Resolve aliases in document order: an alias names the last anchor of that name before it.
  const anchors = new Map<string, YamlNode>();
  const targets = new Map<YamlNode, YamlNode>();
  let aliases = 0;
  const order: YamlNode[] = [root];
  while (order.length > 0) {
    const n = order.pop() as YamlNode;
    if (yaml().isAlias(n)) {
      aliases++;
      if (aliases > MAX_YAML_ALIASES) {
        return {
          file: lineOf(n),
          path: "",
          message: `uses more than ${MAX_YAML_ALIASES} YAML aliases (*name) in one document`,
          hint: `aliases can expand a small file exponentially ("billion laughs"); write the values out, or split the document (limit MAX_YAML_ALIASES, README "Limits")`,
        };
      }
      const t = anchors.get(n.source);
      if (t !== undefined) targets.set(n, t);
      continue;
    }
    if (n.anchor !== undefined && n.anchor !== null) anchors.set(n.anchor, n);
    if (yaml().isMap(n)) {
      for (const pair of n.items) {
        const key = yaml().isAlias(pair.key) ? anchors.get(pair.key.source) : pair.key;
        if (yaml().isMap(key) || yaml().isSeq(key)) {
          return {
            file: lineOf(pair.key as YamlNode),
            path: "",
            message: "has a map or a list as a map key",
            hint: "Kubernetes objects (and JSON) take text keys: write the key as a string",
          };
        }
      }
    }
    // Push children reversed so they pop in document order.
    const kids = children(n, targets);
    for (let i = kids.length - 1; i >= 0; i--) order.push(kids[i] as YamlNode);
  }
  // Depth, post-order with memo; `open` holds the nodes on the current path (a cycle revisits one).
  const depth = new Map<YamlNode, number>();
  const open = new Set<YamlNode>();
  const stack: { node: YamlNode; kids: YamlNode[]; next: number; max: number }[] = [{ node: root, kids: children(root, targets), next: 0, max: 0 }];
  open.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as (typeof stack)[number];
    if (top.next < top.kids.length) {
      const kid = top.kids[top.next++] as YamlNode;
      const known = depth.get(kid);
      if (known !== undefined) {
        top.max = Math.max(top.max, known);
        continue;
      }
      if (open.has(kid)) {
        const alias = top.node;
        return {
          file: lineOf(alias),
          path: "",
          value: yaml().isAlias(alias) ? `*${alias.source}` : undefined,
          message: "has a YAML alias inside the node it refers to (a cycle)",
          hint: "Kubernetes objects are trees: replace the alias by a copy of the values it should repeat",
        };
      }
      if (stack.length > MAX_NESTING_DEPTH) {
        return {
          file: lineOf(kid),
          path: "",
          message: `nests maps and lists more than ${MAX_NESTING_DEPTH} levels deep`,
          hint: `a Kubernetes object nests fewer than 20 levels; the limit is MAX_NESTING_DEPTH (${MAX_NESTING_DEPTH}, README "Limits")`,
        };
      }
      open.add(kid);
      stack.push({ node: kid, kids: children(kid, targets), next: 0, max: 0 });
      continue;
    }
    stack.pop();
    open.delete(top.node);
    const d = yaml().isAlias(top.node) || yaml().isScalar(top.node) ? top.max : top.max + 1;
    // Through a memoised alias target the path is not on the stack: the computed depth counts it.
    if (d + stack.length > MAX_NESTING_DEPTH) {
      return {
        file: lineOf(top.node),
        path: "",
        message: `nests maps and lists more than ${MAX_NESTING_DEPTH} levels deep`,
        hint: `a Kubernetes object nests fewer than 20 levels; the limit is MAX_NESTING_DEPTH (${MAX_NESTING_DEPTH}, README "Limits")`,
      };
    }
    depth.set(top.node, d);
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.max = Math.max(parent.max, d);
  }
  return undefined;
}

/**
 * Parses every document of a YAML (or JSON) text. Throws one `UserError` listing every syntax error with
 * its line, or the first limit the text exceeds (MAX_DOCUMENTS_PER_FILE, MAX_YAML_ALIASES, MAX_NESTING_DEPTH,
 * a cyclic alias). Never throws anything else.
 */
export function parseYamlDocuments(text: string, file: string, opts: ParseYamlOptions = {}): YamlDocument[] {
  const lines = opts.lineCounter ?? new (yaml().LineCounter)();
  const out: YamlDocument[] = [];
  const problems = new ProblemList();
  // Counted on the text first: composing a document costs the yaml library ~0.1 ms, so 150,000 of them
  // would take seconds before the limit could be seen.
  const markers = countDocumentMarkers(text);
  if (markers > MAX_DOCUMENTS_PER_FILE) throw tooManyDocuments(file, undefined);
  if (estimateNesting(text) > MAX_NESTING_DEPTH) throw tooDeep(file, undefined);
  try {
    const parser = new (yaml().Parser)(lines.addNewLine);
    const composer = new (yaml().Composer)({ uniqueKeys: opts.uniqueKeys ?? true, prettyErrors: false });
    for (const doc of composer.compose(parser.parse(text))) {
      const line = lines.linePos(doc.range[0]).line;
      if (out.length >= MAX_DOCUMENTS_PER_FILE) throw tooManyDocuments(file, line);
      // The yaml library records its own stack overflow (deep nesting) as a document error.
      if (doc.errors.some((e) => /call stack/i.test(e.message))) throw tooDeep(file, line);
      for (const e of doc.errors) {
        problems.add({
          file: `${file}:${lines.linePos(e.pos[0]).line}`,
          path: "",
          message: `not valid YAML: ${e.message.split("\n")[0] ?? e.code}`,
          hint: opts.syntaxHint ?? SYNTAX_HINT,
        });
      }
      if (doc.errors.length > 0) {
        out.push({ value: null, doc, line });
        continue;
      }
      const structure = checkStructure(doc, file, lines);
      if (structure !== undefined) throw new UserError([structure]);
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
      } catch (e) {
        if (e instanceof UserError) throw e;
        if (isStackOverflow(e)) throw tooDeep(file, line);
        // Alias expansion beyond the limit, or an alias without its anchor.
        const msg = (e as Error).message;
        throw new UserError([
          {
            file: `${file}:${line}`,
            path: "",
            message: /Excessive alias count/.test(msg) ? `its YAML aliases expand beyond ${MAX_YAML_ALIASES} copies ("billion laughs")` : `cannot be read: ${msg}`,
            hint: /Excessive alias count/.test(msg)
              ? 'write the values out instead of repeating them with aliases (limit MAX_YAML_ALIASES, README "Limits")'
              : opts.syntaxHint ?? SYNTAX_HINT,
          },
        ]);
      }
      out.push({ value, doc, line });
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    if (isStackOverflow(e)) throw tooDeep(file, undefined);
    throw new UserError([{ file, path: "", message: `cannot be parsed: ${(e as Error).message}`, hint: opts.syntaxHint ?? SYNTAX_HINT }]);
  }
  const syntax = problems.error(`${file}: not valid YAML`);
  if (syntax !== undefined) throw syntax;
  return out;
}

/** A document's value and the 1-based line it starts on. */
export interface DataDocument {
  readonly value: unknown;
  readonly line: number;
}

/**
 * The documents of a data file (an inventory or a `kubectl -o json` dump) as values: JSON text (starting with
 * `{` or `[`) through JSON.parse, which reads a 40,000-item dump some 20 times faster and in a fraction of the
 * memory of the YAML composer (issue 11, defect 5), under the same nesting limit; anything else, or JSON that
 * does not parse, through parseYamlDocuments (which then reports the syntax error with its line). JSON has no
 * aliases, so the alias limits cannot be reached. JSON.parse keeps the last of duplicate keys, as kubectl's
 * own reader does; manifests, whose duplicate keys are reported, are never read this way.
 */
export function parseDataDocuments(text: string, file: string): DataDocument[] {
  const start = text.search(/\S/);
  const c = start < 0 ? "" : text[start];
  if (c === "{" || c === "[") {
    if (estimateNesting(text) > MAX_NESTING_DEPTH) throw tooDeep(file, undefined);
    let value: unknown;
    let parsed = false;
    try {
      value = JSON.parse(text) as unknown;
      parsed = true;
    } catch {
      // Not JSON after all (YAML flow style, a syntax error): the YAML reader says what is wrong and where.
    }
    if (parsed) return [{ value, line: text.slice(0, start).split("\n").length }];
  }
  return parseYamlDocuments(text, file).map((d) => ({ value: d.value, line: d.line }));
}
