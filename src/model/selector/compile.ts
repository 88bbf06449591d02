/**
 * Compiles a selector AST to a closure over a label map, once, so evaluation never re-walks text.
 *
 * Evaluation semantics are Calico's `Evaluate` (libcalico-go/lib/selector/parser/ast.go):
 * - `k == v`, `k contains s`, `k starts with s`, `k ends with s`, `k in {...}` and `has(k)` are
 *   false when label `k` is missing.
 * - `k != v` and `k not in {...}` are TRUE when label `k` is missing (so `k != "x"` is not the same
 *   as `has(k) && k != "x"`).
 * - `contains`/`starts with`/`ends with` are plain, case-sensitive substring/prefix/suffix tests;
 *   the empty string is contained in, and a prefix/suffix of, every present value.
 * - `all()` and `global()` are true for every label map (see Selector.usesGlobal for what
 *   `global()` means once it is used as a rule's namespaceSelector).
 */
import type { SelectorNode } from "./ast.js";

/** Labels of an endpoint, namespace, network set, ...: key to value. */
export type Labels = Readonly<Record<string, string>>;

export type Matcher = (labels: Labels) => boolean;

// A label is present only if it is an own string-valued property: `labels["constructor"]` on a
// plain object is inherited from Object.prototype and must read as "missing". `typeof === "string"`
// rejects inherited functions/objects and is much cheaper than Object.hasOwn.
const TRUE: Matcher = () => true;

const FALSE: Matcher = () => false;

/**
 * Fixed values for `all()` and `global()`, for contexts where Calico rewrites them (a rule's
 * namespaceSelector, see namespace.ts). By default both are true, as in Calico's `Evaluate`.
 */
export interface SpecialValues {
  readonly all: boolean;
  readonly global: boolean;
}

const PLAIN: SpecialValues = { all: true, global: true };

export function compileNode(node: SelectorNode, special: SpecialValues = PLAIN): Matcher {
  switch (node.kind) {
    case "all":
      return special.all ? TRUE : FALSE;
    case "global":
      return special.global ? TRUE : FALSE;
    case "has": {
      const k = node.key;
      return (l) => typeof l[k] === "string";
    }
    case "eq": {
      const k = node.key;
      const v = node.value;
      return (l) => l[k] === v;
    }
    case "ne": {
      const k = node.key;
      const v = node.value;
      return (l) => {
        const x = l[k];
        return typeof x !== "string" || x !== v;
      };
    }
    case "contains": {
      const k = node.key;
      const v = node.value;
      return (l) => {
        const x = l[k];
        return typeof x === "string" && x.includes(v);
      };
    }
    case "startsWith": {
      const k = node.key;
      const v = node.value;
      return (l) => {
        const x = l[k];
        return typeof x === "string" && x.startsWith(v);
      };
    }
    case "endsWith": {
      const k = node.key;
      const v = node.value;
      return (l) => {
        const x = l[k];
        return typeof x === "string" && x.endsWith(v);
      };
    }
    case "in":
    case "notIn": {
      const k = node.key;
      const vals = node.values;
      // Small sets (the usual case) scan the sorted array: cheaper than hashing and one object
      // fewer per selector; larger sets use a Set.
      if (vals.length <= 8) {
        return node.kind === "in"
          ? (l) => {
              const x = l[k];
              return typeof x === "string" && vals.includes(x);
            }
          : (l) => {
              const x = l[k];
              return typeof x !== "string" || !vals.includes(x);
            };
      }
      const set: ReadonlySet<string> = new Set(vals);
      return node.kind === "in"
        ? (l) => {
            const x = l[k];
            return typeof x === "string" && set.has(x);
          }
        : (l) => {
            const x = l[k];
            return typeof x !== "string" || !set.has(x);
          };
    }
    case "not": {
      const inner = compileNode(node.operand, special);
      return (l) => !inner(l);
    }
    case "and": {
      const ms = node.operands.map((o) => compileNode(o, special));
      if (ms.length === 2) {
        const [a, b] = ms as [Matcher, Matcher];
        return (l) => a(l) && b(l);
      }
      return (l) => {
        for (let i = 0; i < ms.length; i++) if (!(ms[i] as Matcher)(l)) return false;
        return true;
      };
    }
    case "or": {
      const ms = node.operands.map((o) => compileNode(o, special));
      if (ms.length === 2) {
        const [a, b] = ms as [Matcher, Matcher];
        return (l) => a(l) || b(l);
      }
      return (l) => {
        for (let i = 0; i < ms.length; i++) if ((ms[i] as Matcher)(l)) return true;
        return false;
      };
    }
  }
}
