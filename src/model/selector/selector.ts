/**
 * The `Selector` value: a parsed or built selector with its compiled matcher and canonical string.
 */
import { canonicalSet, collectLabelKeys, containsGlobal, printNode, type SelectorNode } from "./ast.js";
import { compileNode, type Labels, type Matcher } from "./compile.js";
import { SelectorError } from "./error.js";
import { parseToAst } from "./parser.js";
import { isLabelKeyChar, isValidLabelKey, LABEL_KEY_CHARS_HINT, MAX_LABEL_KEY_LENGTH } from "./tokenizer.js";

export type { Labels } from "./compile.js";

export interface Selector {
  /** Evaluates the selector against a label map (compiled once; does not re-read the text). */
  matches(labels: Labels): boolean;
  /** Canonical form, exactly as Calico's `Selector.String()` prints it; the empty selector is `all()`. */
  toString(): string;
  /** Same as toString(), so selectors serialise as their canonical text. */
  toJSON(): string;
  readonly ast: SelectorNode;
  /** `this && other`. Nested `&&` chains are flattened: `a.and(b).and(c)` prints `(a && b && c)`. */
  and(other: Selector): Selector;
  /** `this || other`, flattened like `and`. */
  or(other: Selector): Selector;
  /** `!this`; negating a negation returns the inner selector (as Calico's parser does for `!!`). */
  not(): Selector;
  /** Sorted unique label keys the selector reads. */
  labelKeys(): readonly string[];
  /**
   * Calico's `Selector.UniqueID()`: `"s:" + base64url(SHA-224("s:" + canonical form))`, unpadded.
   * Felix names the IP set of a rule selector `cali40` + its first 25 characters, so this ties a
   * selector to what appears in `ipset list` / `iptables-save` on a node.
   */
  uniqueId(): string;
  /** True for `all()` and the empty selector: matches every labelled entity. */
  readonly isAll: boolean;
  /**
   * True when `global()` appears anywhere in the selector.
   *
   * Calico semantics of `global()` (libcalico-go):
   * - Evaluated as a selector on a label map it is TRUE for every map, exactly like `all()`
   *   (ast.go `GlobalNode.Evaluate`), and prints as `global()`.
   * - Its only accepted use is as the WHOLE `namespaceSelector` of a rule's source/destination
   *   (EntityRule). There Calico rewrites it to `!has(projectcalico.org/namespace)` before Felix
   *   sees it (updateprocessors/rules.go `getEndpointSelector`), so the rule peer is restricted to
   *   NON-namespaced entities: HostEndpoints and GlobalNetworkSets, never pods or (namespaced)
   *   NetworkSets. Compare `all()` there, rewritten to `has(projectcalico.org/namespace)`: every
   *   namespaced entity and nothing global. With `global()` the rule's `selector` still applies.
   * - The validator rejects `global()` combined with anything else in a namespaceSelector
   *   ("global() cannot be combined with other selectors"), and CEL rules reject it in a policy's
   *   `selector`, `serviceAccountSelector`, a GlobalNetworkPolicy's `namespaceSelector`, a rule's
   *   `selector`, and IPPool selectors.
   * Analysis must therefore special-case `usesGlobal` selectors instead of calling `matches`:
   * `namespaceSelectorMatcher(s)` (namespace.ts) evaluates a rule namespaceSelector the way Calico
   * does, including `all()` and `global()`.
   */
  readonly usesGlobal: boolean;
}

class CompiledSelector implements Selector {
  readonly ast: SelectorNode;
  readonly isAll: boolean;
  readonly usesGlobal: boolean;
  /** Bound so that `const m = s.matches` works and the hot path is one closure call. */
  readonly matches: (labels: Labels) => boolean;
  private text: string | undefined;
  private keys: readonly string[] | undefined;

  constructor(ast: SelectorNode) {
    this.ast = ast;
    this.isAll = ast.kind === "all";
    this.usesGlobal = containsGlobal(ast);
    const m: Matcher = compileNode(ast);
    this.matches = m;
  }

  toString(): string {
    if (this.text === undefined) this.text = printNode(this.ast);
    return this.text;
  }

  toJSON(): string {
    return this.toString();
  }

  and(other: Selector): Selector {
    return combine("and", [this, other]);
  }

  or(other: Selector): Selector {
    return combine("or", [this, other]);
  }

  not(): Selector {
    if (this.ast.kind === "not") return new CompiledSelector(this.ast.operand);
    return new CompiledSelector(Object.freeze({ kind: "not", operand: this.ast }));
  }

  uniqueId(): string {
    // Calico hashes prefix + ":" + content (libcalico-go/lib/hash/unique_id.go MakeUniqueID).
    // node:crypto is loaded on first use: importing it costs a few milliseconds of every CLI start-up.
    return "s:" + process.getBuiltinModule("node:crypto").createHash("sha224").update(`s:${this.toString()}`, "utf8").digest("base64url");
  }

  labelKeys(): readonly string[] {
    if (this.keys === undefined) this.keys = Object.freeze(collectLabelKeys(this.ast));
    return this.keys;
  }
}

/** Parses Calico selector text. Throws SelectorError with the position and a hint. */
export function parseSelector(text: string): Selector {
  return new CompiledSelector(parseToAst(text));
}

function assertSelector(s: unknown, what: string): asserts s is Selector {
  if (!(s instanceof CompiledSelector)) {
    throw new SelectorError(String(s), 0, `${what} must be a Selector`, "build selectors with sel.* or parseSelector()");
  }
}

function combine(kind: "and" | "or", parts: readonly Selector[]): Selector {
  parts.forEach((p, i) => assertSelector(p, `argument ${i + 1} of ${kind}()`));
  if (parts.length === 0) {
    // The identity of && is "match everything"; of || it is "match nothing" (Calico's NoMatch is `!all()`).
    return kind === "and" ? ALL : ALL.not();
  }
  if (parts.length === 1) return parts[0] as Selector;
  const operands: SelectorNode[] = [];
  for (const p of parts) {
    if (p.ast.kind === kind) operands.push(...p.ast.operands);
    else operands.push(p.ast);
  }
  return new CompiledSelector(Object.freeze({ kind, operands: Object.freeze(operands) }));
}

function checkKey(key: unknown): string {
  if (typeof key !== "string") {
    throw new SelectorError(String(key), 0, `a label key must be a string, got ${key === null ? "null" : typeof key}`, LABEL_KEY_CHARS_HINT);
  }
  if (isValidLabelKey(key)) return key;
  if (key.length === 0) throw new SelectorError(key, 0, "empty label key", LABEL_KEY_CHARS_HINT);
  if (key.length > MAX_LABEL_KEY_LENGTH) {
    throw new SelectorError(
      key,
      MAX_LABEL_KEY_LENGTH,
      `label key is ${key.length} characters long, more than ${MAX_LABEL_KEY_LENGTH}`,
      `shorten the label key to at most ${MAX_LABEL_KEY_LENGTH} characters`,
    );
  }
  let bad = 0;
  while (bad < key.length && isLabelKeyChar(key.charCodeAt(bad))) bad++;
  throw new SelectorError(
    key,
    bad,
    `label key ${JSON.stringify(key)} contains ${JSON.stringify(String.fromCodePoint(key.codePointAt(bad) ?? 0))}`,
    LABEL_KEY_CHARS_HINT,
  );
}

function checkValue(value: unknown): string {
  if (typeof value !== "string") {
    throw new SelectorError(String(value), 0, `a label value must be a string, got ${value === null ? "null" : typeof value}`, 'pass the value as a string, e.g. sel.eq("app", "web")');
  }
  const dq = value.indexOf('"');
  const sq = value.indexOf("'");
  if (dq >= 0 && sq >= 0) {
    throw new SelectorError(
      value,
      Math.max(dq, sq),
      "value contains both a single and a double quote",
      "Calico selector strings have no escape sequences, so a value may contain ' or \" but not both; such a label value cannot be selected by value (use has() or another label)",
    );
  }
  return value;
}

function leaf(node: SelectorNode): Selector {
  return new CompiledSelector(Object.freeze(node));
}

const ALL: Selector = new CompiledSelector(Object.freeze({ kind: "all" }));
const GLOBAL: Selector = new CompiledSelector(Object.freeze({ kind: "global" }));

function setValues(key: string, values: unknown): readonly string[] {
  if (!Array.isArray(values)) {
    throw new SelectorError(String(values), 0, `the values for ${JSON.stringify(key)} must be an array of strings`, 'e.g. sel.in("app", ["web", "api"])');
  }
  return Object.freeze(canonicalSet(values.map(checkValue)));
}

/**
 * Builds selectors from code. Every constructor validates its label key (Calico's key syntax) and
 * value (not both quote characters) and throws SelectorError otherwise, so a built selector always
 * prints to text that Calico parses back to the same selector.
 */
export const sel = {
  /** `all()`: matches everything. */
  all(): Selector {
    return ALL;
  },
  /** `global()`: only meaningful as a rule's whole namespaceSelector; see Selector.usesGlobal. */
  global(): Selector {
    return GLOBAL;
  },
  /** `k == "v"`: label present with exactly this value. */
  eq(k: string, v: string): Selector {
    return leaf({ kind: "eq", key: checkKey(k), value: checkValue(v) });
  },
  /** `k != "v"`: label absent, or present with another value. */
  ne(k: string, v: string): Selector {
    return leaf({ kind: "ne", key: checkKey(k), value: checkValue(v) });
  },
  /** `has(k)`: label present (any value, including ""). */
  has(k: string): Selector {
    return leaf({ kind: "has", key: checkKey(k) });
  },
  /** `k in {...}`: label present with one of the values (members sorted, de-duplicated). */
  in(k: string, values: readonly string[]): Selector {
    const key = checkKey(k);
    return leaf({ kind: "in", key, values: setValues(key, values) });
  },
  /** `k not in {...}`: label absent, or present with none of the values. */
  notIn(k: string, values: readonly string[]): Selector {
    const key = checkKey(k);
    return leaf({ kind: "notIn", key, values: setValues(key, values) });
  },
  /** `k contains "s"`: label present and its value contains s. */
  contains(k: string, s: string): Selector {
    return leaf({ kind: "contains", key: checkKey(k), value: checkValue(s) });
  },
  /** `k starts with "s"`. */
  startsWith(k: string, s: string): Selector {
    return leaf({ kind: "startsWith", key: checkKey(k), value: checkValue(s) });
  },
  /** `k ends with "s"`. */
  endsWith(k: string, s: string): Selector {
    return leaf({ kind: "endsWith", key: checkKey(k), value: checkValue(s) });
  },
  /** `!s`. */
  not(s: Selector): Selector {
    assertSelector(s, "the argument of not()");
    return s.not();
  },
  /** `s1 && s2 && ...`; no arguments gives `all()`, one gives it back unchanged. */
  and(...s: Selector[]): Selector {
    return combine("and", s);
  },
  /** `s1 || s2 || ...`; no arguments gives `!all()` (matches nothing), one gives it back unchanged. */
  or(...s: Selector[]): Selector {
    return combine("or", s);
  },
};

/**
 * Builds a Selector from an AST (e.g. one transformed by analysis), validating every key and
 * value and normalising set members, so the result always round-trips through its text.
 */
export function selectorFromAst(node: SelectorNode): Selector {
  const check = (n: SelectorNode): SelectorNode => {
    switch (n.kind) {
      case "all":
      case "global":
        return Object.freeze({ kind: n.kind });
      case "has":
        return Object.freeze({ kind: "has", key: checkKey(n.key) });
      case "eq":
      case "ne":
      case "contains":
      case "startsWith":
      case "endsWith":
        return Object.freeze({ kind: n.kind, key: checkKey(n.key), value: checkValue(n.value) });
      case "in":
      case "notIn": {
        const key = checkKey(n.key);
        return Object.freeze({ kind: n.kind, key, values: setValues(key, n.values) });
      }
      case "not":
        // `!!x` would print as "!!x", which Calico re-parses as x: collapse it here so the result
        // round-trips through its text (parsed selectors keep Calico's own `!(!x)` shape).
        if (n.operand.kind === "not") return check(n.operand.operand);
        return Object.freeze({ kind: "not", operand: check(n.operand) });
      case "and":
      case "or":
        if (n.operands.length < 2) {
          throw new SelectorError(n.kind, 0, `an '${n.kind}' node needs at least two operands`, `use sel.${n.kind}(...) to combine selectors`);
        }
        return Object.freeze({ kind: n.kind, operands: Object.freeze(n.operands.map(check)) });
    }
  };
  return new CompiledSelector(check(node));
}
