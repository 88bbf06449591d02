/**
 * Source positions for review findings (SARIF): the line where an object, or a field of it, is written in
 * a YAML manifest, and the line where a policy file defines its policy. Pure text in, line numbers out
 * (1-based); the caller reads the files.
 */
import { isMap, isNode, isScalar, isSeq, parseAllDocuments } from "yaml";

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** `spec.ingress[0].destination.ports` → ["spec", "ingress", 0, "destination", "ports"]. */
export function pathKeys(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

function idOf(o: unknown): string | undefined {
  if (typeof o !== "object" || o === null) return undefined;
  const x = o as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  if (typeof x.kind !== "string" || typeof x.metadata?.name !== "string") return undefined;
  return [x.kind, typeof x.metadata.namespace === "string" ? x.metadata.namespace : undefined, x.metadata.name].filter((s) => s !== undefined).join("/");
}

/**
 * The line of object `objectId` (`Kind/namespace/name`) in a multi-document YAML text, or of its field
 * `path` when given and present (else the deepest present parent, else the document's first line).
 * Undefined when no document is that object.
 */
export function locateInYaml(text: string, objectId: string, path = ""): number | undefined {
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(docs)) return undefined;
  for (const d of docs) {
    if (d.errors.length > 0 || idOf(d.toJS()) !== objectId) continue;
    let node: unknown = d.contents;
    let best = d.contents !== null && isNode(d.contents) && d.contents.range !== undefined && d.contents.range !== null ? d.contents.range[0] : (d.range?.[0] ?? 0);
    for (const k of pathKeys(path)) {
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === k);
        if (pair !== undefined && isNode(pair.key) && pair.key.range !== undefined && pair.key.range !== null) best = pair.key.range[0];
        next = pair?.value;
      } else if (isSeq(node) && typeof k === "number") {
        next = node.items[k];
        if (isNode(next) && next.range !== undefined && next.range !== null) best = next.range[0];
      }
      if (next === undefined) break;
      node = next;
    }
    return lineAt(text, best);
  }
  return undefined;
}

/** The line of the first occurrence of `needle` in `text`, or 1. */
export function lineOf(text: string, needle: string | RegExp): number {
  const i = typeof needle === "string" ? text.indexOf(needle) : text.search(needle);
  return i < 0 ? 1 : lineAt(text, i);
}

/** The line of a top-level key (`calico-baseline:calico`) or of `key.field` under it in a stack file. */
export function locateConfigKey(text: string, key: string, field?: string): number | undefined {
  let doc;
  try {
    doc = parseAllDocuments(text)[0];
  } catch {
    return undefined;
  }
  if (doc === undefined || !("contents" in doc)) return undefined;
  const config = isMap(doc.contents) ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === "config")?.value : undefined;
  if (!isMap(config)) return undefined;
  const pair = config.items.find((p) => isScalar(p.key) && p.key.value === key);
  if (pair === undefined || !isNode(pair.key) || pair.key.range === undefined || pair.key.range === null) return undefined;
  let at = pair.key.range[0];
  if (field !== undefined && isMap(pair.value)) {
    const f = pair.value.items.find((p) => isScalar(p.key) && p.key.value === field);
    if (f !== undefined && isNode(f.key) && f.key.range !== undefined && f.key.range !== null) at = f.key.range[0];
  }
  return lineAt(text, at);
}
