/**
 * Selectors as Felix evaluates them. Calico rewrites every policy and rule selector into ONE selector
 * over an endpoint's label view (libcalico-go `updateprocessors/rules.go` `getEndpointSelector`,
 * `globalnetworkpolicyprocessor.go`, `networkpolicyprocessor.go`):
 *
 * - a namespaceSelector's label keys get the `pcns.` prefix (namespace labels are inherited by the
 *   endpoints of that namespace from the `kns.<ns>` profile), its `all()` becomes
 *   `has(projectcalico.org/namespace)` and its `global()` becomes `!has(projectcalico.org/namespace)`;
 * - a serviceAccounts selector's keys get `pcsa.` (labels of the `ksa.<ns>.<sa>` profile), and
 *   `serviceAccounts.names` becomes `projectcalico.org/serviceaccount in {...}`;
 * - a namespaced policy adds `projectcalico.org/namespace == "<ns>"`.
 *
 * We do the same rewrite on the AST (never on text) and evaluate the result on the same label view
 * Felix builds, so there is one matching path for every kind of peer.
 */
import type { SelectorNode } from "../model/selector/index.js";
import { parseToAst, selectorFromAst } from "../model/selector/index.js";
import type { Labels } from "./inventory.js";

export const LABEL_NAMESPACE = "projectcalico.org/namespace";
export const LABEL_ORCHESTRATOR = "projectcalico.org/orchestrator";
export const LABEL_SERVICE_ACCOUNT = "projectcalico.org/serviceaccount";
export const LABEL_NAME = "projectcalico.org/name";
export const NS_PREFIX = "pcns.";
export const SA_PREFIX = "pcsa.";

export type Matcher = (labels: Labels) => boolean;

/** A selector ready to evaluate on label views, with the text shown in explanations. */
export interface CompiledSelector {
  readonly match: Matcher;
  readonly text: string;
  /**
   * Labels every view the selector matches must carry, each with one of the given values (one per
   * top-level `==` or `in` conjunct), for indexes that look up candidates instead of trying every view;
   * empty when the selector has no such conjunct.
   */
  readonly anchors: readonly SelectorAnchor[];
  /**
   * Every label key the selector reads, sorted: its result depends only on each key's value (or its
   * absence), so views that agree on these keys get the same answer.
   */
  readonly keys: readonly string[];
}

export interface SelectorAnchor {
  readonly key: string;
  readonly values: readonly string[];
}

/** The top-level `key == value` and `key in {...}` conjuncts (see CompiledSelector.anchors). */
export function anchorsOf(n: SelectorNode): SelectorAnchor[] {
  const out: SelectorAnchor[] = [];
  for (const t of n.kind === "and" ? n.operands : [n]) {
    if (t.kind === "eq") out.push({ key: t.key, values: [t.value] });
    else if (t.kind === "in") out.push({ key: t.key, values: t.values });
  }
  return out;
}

/** The label keys a selector reads (see CompiledSelector.keys), sorted and distinct. */
export function keysOf(n: SelectorNode): string[] {
  const out = new Set<string>();
  const walk = (x: SelectorNode): void => {
    switch (x.kind) {
      case "all":
      case "global":
        return;
      case "not":
        walk(x.operand);
        return;
      case "and":
      case "or":
        for (const o of x.operands) walk(o);
        return;
      default:
        out.add(x.key);
    }
  };
  walk(n);
  return [...out].sort();
}

/** The anchor with the fewest candidates by `count(key, value)` (undefined when there is none). */
export function bestAnchor(anchors: readonly SelectorAnchor[], count: (key: string, value: string) => number): SelectorAnchor | undefined {
  let best: SelectorAnchor | undefined;
  let bestN = Infinity;
  for (const a of anchors) {
    let n = 0;
    for (const v of a.values) n += count(a.key, v);
    if (n < bestN) {
      best = a;
      bestN = n;
    }
  }
  return best;
}

// Parsed selector texts: policies repeat a handful of texts thousands of times (ASTs are never
// mutated, so one parse serves every use). Bounded: cleared when it grows past MAX_PARSED.
const parsed = new Map<string, SelectorNode>();
const MAX_PARSED = 20_000;

export function node(text: string): SelectorNode {
  let n = parsed.get(text);
  if (n === undefined) {
    n = parseToAst(text); // throws SelectorError on bad text (nothing cached)
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(text, n);
  }
  return n;
}

/** Prefixes every label key (pcns./pcsa.) and replaces `all()`/`global()` as Calico's text rewrite does. */
export function rewrite(n: SelectorNode, prefix: string, allTo: SelectorNode | undefined, globalTo: SelectorNode | undefined): SelectorNode {
  switch (n.kind) {
    case "all":
      return allTo ?? n;
    case "global":
      return globalTo ?? n;
    case "not":
      return { kind: "not", operand: rewrite(n.operand, prefix, allTo, globalTo) };
    case "and":
    case "or":
      return { kind: n.kind, operands: n.operands.map((o) => rewrite(o, prefix, allTo, globalTo)) };
    case "has":
      return { kind: "has", key: prefix + n.key };
    case "in":
    case "notIn":
      return { kind: n.kind, key: prefix + n.key, values: n.values };
    default:
      return { kind: n.kind, key: prefix + n.key, value: n.value };
  }
}

export function and(...nodes: Array<SelectorNode | undefined>): SelectorNode | undefined {
  const ops = nodes.filter((x): x is SelectorNode => x !== undefined && x.kind !== "all");
  if (ops.length === 0) return nodes.some((x) => x !== undefined) ? { kind: "all" } : undefined;
  if (ops.length === 1) return ops[0];
  return { kind: "and", operands: ops.flatMap((o) => (o.kind === "and" ? o.operands : [o])) };
}

export const HAS_NAMESPACE: SelectorNode = { kind: "has", key: LABEL_NAMESPACE };
export const NOT_HAS_NAMESPACE: SelectorNode = { kind: "not", operand: HAS_NAMESPACE };
export const HAS_SERVICE_ACCOUNT: SelectorNode = { kind: "has", key: LABEL_SERVICE_ACCOUNT };

export function eqNode(key: string, value: string): SelectorNode {
  return { kind: "eq", key, value };
}

/** A namespaceSelector as Felix sees it (`pcns.` keys, all()/global() rewritten). */
export function namespaceSelectorNode(text: string): SelectorNode {
  return rewrite(node(text), NS_PREFIX, HAS_NAMESPACE, NOT_HAS_NAMESPACE);
}

export function compile(n: SelectorNode, text?: string): CompiledSelector {
  const s = selectorFromAst(n);
  return { match: s.matches, text: text ?? s.toString(), anchors: anchorsOf(n), keys: keysOf(n) };
}

/** Kubernetes `LabelSelector` → Calico selector AST (libcalico-go conversion `k8sSelectorToCalico`). */
export interface K8sLabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{ key: string; operator: string; values?: readonly string[] }>;
}

export function k8sSelectorNode(s: K8sLabelSelector, prefix = ""): SelectorNode {
  const terms: SelectorNode[] = [];
  for (const k of Object.keys(s.matchLabels ?? {}).sort()) terms.push(eqNode(prefix + k, s.matchLabels![k]!));
  for (const e of s.matchExpressions ?? []) {
    const key = prefix + e.key;
    const values = [...new Set(e.values ?? [])].sort();
    switch (e.operator) {
      case "In":
        terms.push({ kind: "in", key, values });
        break;
      case "NotIn":
        // Calico's `not in` is true when the label is missing, which is Kubernetes' NotIn.
        terms.push({ kind: "notIn", key, values });
        break;
      case "Exists":
        terms.push({ kind: "has", key });
        break;
      case "DoesNotExist":
        terms.push({ kind: "not", operand: { kind: "has", key } });
        break;
      default:
        throw new Error(`unknown matchExpressions operator ${e.operator}`);
    }
  }
  return and(...terms) ?? { kind: "all" };
}
