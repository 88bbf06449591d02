/**
 * The selector AST and its canonical printer.
 *
 * Node shapes and printing mirror projectcalico/calico `libcalico-go/lib/selector/parser/ast.go`
 * (`collectFragments`, which produces `Selector.String()`):
 *
 * | node        | prints                                    |
 * |-------------|-------------------------------------------|
 * | all         | `all()`                                   |
 * | global      | `global()`                                |
 * | has         | `has(key)`                                |
 * | eq / ne     | `key == "v"` / `key != "v"`               |
 * | contains    | `key contains "v"`                        |
 * | startsWith  | `key starts with "v"`                     |
 * | endsWith    | `key ends with "v"`                       |
 * | in / notIn  | `key in {"a", "b"}` / `key not in {}`     |
 * | not         | `!` + operand, no parentheses added       |
 * | and / or    | `(` operands joined by ` && ` / ` || ` `)` |
 *
 * A value is printed in double quotes unless it contains a double quote, then in single quotes.
 * `and`/`or` always print their own parentheses, which is why `!` never needs to add any:
 * `!(a == "b")` prints as `!a == "b"`, `!(a && b)` as `!(a && b)`.
 */

export type LeafValueKind = "eq" | "ne" | "contains" | "startsWith" | "endsWith";

export interface AllNode {
  readonly kind: "all";
}
/** See `docs/selectors.md` and `Selector.usesGlobal` for what `global()` means. */
export interface GlobalNode {
  readonly kind: "global";
}
export interface HasNode {
  readonly kind: "has";
  readonly key: string;
}
export interface ValueNode {
  readonly kind: LeafValueKind;
  readonly key: string;
  readonly value: string;
}
export interface SetNode {
  readonly kind: "in" | "notIn";
  readonly key: string;
  /** Sorted by code point (Go's byte order on UTF-8) and de-duplicated. May be empty. */
  readonly values: readonly string[];
}
export interface NotNode {
  readonly kind: "not";
  readonly operand: SelectorNode;
}
export interface AndNode {
  readonly kind: "and";
  /** At least two operands. */
  readonly operands: readonly SelectorNode[];
}
export interface OrNode {
  readonly kind: "or";
  /** At least two operands. */
  readonly operands: readonly SelectorNode[];
}

export type SelectorNode = AllNode | GlobalNode | HasNode | ValueNode | SetNode | NotNode | AndNode | OrNode;

/**
 * Compares strings by Unicode code point, which is the order Go's `<` gives on their UTF-8 bytes
 * (Calico sorts set members that way). JavaScript's `<` compares UTF-16 code units instead and
 * would put U+E000..U+FFFF after astral characters.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Move surrogates (D800-DFFF) above E000-FFFF so the order matches code points.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

/** Sorts and de-duplicates set members the way Calico's `ConvertToStringSetInPlace` does. */
export function canonicalSet(values: Iterable<string>): string[] {
  const sorted = [...values].sort(compareCodePoints);
  const out: string[] = [];
  for (const v of sorted) if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  // Exact-size copy: selectors are long-lived, so don't keep the push-grown slack.
  return out.length === sorted.length ? sorted : out.slice();
}

/** Quotes a value as Calico prints it: double quotes unless the value contains one. */
export function quoteValue(v: string): string {
  return v.includes('"') ? `'${v}'` : `"${v}"`;
}

const OPERATOR_TEXT: Record<LeafValueKind, string> = {
  eq: " == ",
  ne: " != ",
  contains: " contains ",
  startsWith: " starts with ",
  endsWith: " ends with ",
};

/** Prints a node in Calico's canonical form (`Selector.String()`). */
export function printNode(node: SelectorNode): string {
  const parts: string[] = [];
  appendNode(parts, node);
  return parts.join("");
}

function appendNode(parts: string[], node: SelectorNode): void {
  switch (node.kind) {
    case "all":
      parts.push("all()");
      return;
    case "global":
      parts.push("global()");
      return;
    case "has":
      parts.push("has(", node.key, ")");
      return;
    case "eq":
    case "ne":
    case "contains":
    case "startsWith":
    case "endsWith":
      parts.push(node.key, OPERATOR_TEXT[node.kind], quoteValue(node.value));
      return;
    case "in":
    case "notIn":
      parts.push(node.key, node.kind === "in" ? " in {" : " not in {", node.values.map(quoteValue).join(", "), "}");
      return;
    case "not":
      parts.push("!");
      appendNode(parts, node.operand);
      return;
    case "and":
    case "or": {
      const sep = node.kind === "and" ? " && " : " || ";
      parts.push("(");
      node.operands.forEach((op, idx) => {
        if (idx > 0) parts.push(sep);
        appendNode(parts, op);
      });
      parts.push(")");
      return;
    }
  }
}

/** Collects the label keys a node reads (sorted, unique). */
export function collectLabelKeys(node: SelectorNode): string[] {
  const keys = new Set<string>();
  const walk = (n: SelectorNode): void => {
    switch (n.kind) {
      case "all":
      case "global":
        return;
      case "not":
        walk(n.operand);
        return;
      case "and":
      case "or":
        n.operands.forEach(walk);
        return;
      default:
        keys.add(n.key);
    }
  };
  walk(node);
  return [...keys].sort(compareCodePoints);
}

/** True when `global()` appears anywhere in the tree. */
export function containsGlobal(node: SelectorNode): boolean {
  switch (node.kind) {
    case "global":
      return true;
    case "not":
      return containsGlobal(node.operand);
    case "and":
    case "or":
      return node.operands.some(containsGlobal);
    default:
      return false;
  }
}
