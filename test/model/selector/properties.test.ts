/**
 * Laws of the selector language, checked with fast-check against a reference evaluator written
 * here from Calico's documented semantics (libcalico-go/lib/selector/parser/ast.go `Evaluate`).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseSelector,
  sel,
  SelectorError,
  selectorFromAst,
  type Labels,
  type Selector,
  type SelectorNode,
} from "../../../src/model/selector/index.js";

// ---------------------------------------------------------------------------------------------
// Arbitraries. Keys and values come mostly from small pools so that label maps and selectors
// overlap and both outcomes of every comparison are exercised.

const KEYS = ["a", "b", "app", "projectcalico.org/name", "k8s-app", "x.y/z_1-", "in", "has"] as const;
const VALUES = ["", "a", "b", "web", "web-1", "it's", 'say "hi"', "é😀", " a && b ", "(", "Ａ"] as const;

const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...KEYS) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_./-]{1,12}$/) },
);
const valueArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...VALUES) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 6 }).filter((v) => !(v.includes('"') && v.includes("'"))) },
);

const leafArb: fc.Arbitrary<SelectorNode> = fc.oneof(
  fc.constant<SelectorNode>({ kind: "all" }),
  fc.constant<SelectorNode>({ kind: "global" }),
  keyArb.map((key): SelectorNode => ({ kind: "has", key })),
  fc
    .tuple(fc.constantFrom("eq", "ne", "contains", "startsWith", "endsWith"), keyArb, valueArb)
    .map(([kind, key, value]): SelectorNode => ({ kind, key, value })),
  fc
    .tuple(fc.constantFrom("in", "notIn"), keyArb, fc.array(valueArb, { maxLength: 5 }))
    .map(([kind, key, values]): SelectorNode => ({ kind, key, values })),
);

const astArb: fc.Arbitrary<SelectorNode> = fc.letrec<{ node: SelectorNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafArb,
    tie("node").map((operand): SelectorNode => ({ kind: "not", operand })),
    fc.array(tie("node"), { minLength: 2, maxLength: 4 }).map((operands): SelectorNode => ({ kind: "and", operands })),
    fc.array(tie("node"), { minLength: 2, maxLength: 4 }).map((operands): SelectorNode => ({ kind: "or", operands })),
  ),
})).node;

const labelsArb: fc.Arbitrary<Labels> = fc.dictionary(
  fc.constantFrom(...KEYS),
  fc.constantFrom(...VALUES, "web-2", "b", "xa", "ax"),
  { maxKeys: 5 },
);
const manyLabelsArb = fc.array(labelsArb, { minLength: 1, maxLength: 8 });

// ---------------------------------------------------------------------------------------------
// Reference evaluator: a direct reading of Calico's node semantics, independent of compile.ts.

function reference(n: SelectorNode, l: Labels): boolean {
  const present = (k: string): boolean => Object.prototype.hasOwnProperty.call(l, k);
  switch (n.kind) {
    case "all":
    case "global":
      return true;
    case "has":
      return present(n.key);
    case "eq":
      return present(n.key) && l[n.key] === n.value;
    case "ne":
      return !present(n.key) || l[n.key] !== n.value;
    case "contains":
      return present(n.key) && (l[n.key] as string).indexOf(n.value) >= 0;
    case "startsWith":
      return present(n.key) && (l[n.key] as string).slice(0, n.value.length) === n.value;
    case "endsWith": {
      const v = l[n.key] as string;
      return present(n.key) && v.length >= n.value.length && v.slice(v.length - n.value.length) === n.value;
    }
    case "in":
      return present(n.key) && n.values.includes(l[n.key] as string);
    case "notIn":
      return !present(n.key) || !n.values.includes(l[n.key] as string);
    case "not":
      return !reference(n.operand, l);
    case "and":
      return n.operands.every((o) => reference(o, l));
    case "or":
      return n.operands.some((o) => reference(o, l));
  }
}

// ---------------------------------------------------------------------------------------------
// A non-canonical renderer: random spacing, quote style, operator spellings, redundant
// parentheses, runs of "!" with the same parity, shuffled/duplicated set members and trailing
// commas. `pick` draws from a stream of random numbers so fast-check can shrink it.

type Pick = (n: number) => number;

function render(n: SelectorNode, pick: Pick): string {
  const ws = (): string => ["", " ", "  ", "\t", " \t "][pick(5)] as string;
  const ws1 = (): string => [" ", "  ", "\t"][pick(3)] as string;
  const quote = (v: string): string => {
    if (v.includes('"')) return `'${v}'`;
    if (v.includes("'")) return `"${v}"`;
    return pick(2) === 0 ? `"${v}"` : `'${v}'`;
  };
  const paren = (s: string): string => `(${ws()}${s}${ws()})`;
  let out: string;
  switch (n.kind) {
    case "all":
      out = `all(${ws()})`;
      break;
    case "global":
      out = `global(${ws()})`;
      break;
    case "has":
      out = `has(${ws()}${n.key}${ws()})`;
      break;
    case "eq":
    case "ne":
      out = `${n.key}${ws()}${n.kind === "eq" ? "==" : "!="}${ws()}${quote(n.value)}`;
      break;
    case "contains":
      out = `${n.key}${ws1()}contains${ws()}${quote(n.value)}`;
      break;
    case "startsWith":
    case "endsWith": {
      const word = n.kind === "startsWith" ? "starts" : "ends";
      out = `${n.key}${ws1()}${word}${pick(3) === 0 ? "" : ws1()}with${ws()}${quote(n.value)}`;
      break;
    }
    case "in":
    case "notIn": {
      const members = [...n.values];
      if (members.length > 0 && pick(3) === 0) members.push(members[pick(members.length)] as string);
      for (let i = members.length - 1; i > 0; i--) {
        const j = pick(i + 1);
        [members[i], members[j]] = [members[j] as string, members[i] as string];
      }
      const op = n.kind === "in" ? "in" : `not${pick(3) === 0 ? "" : ws1()}in`;
      const trailing = members.length > 0 && pick(4) === 0 ? "," : "";
      out = `${n.key}${ws1()}${op}${ws()}{${ws()}${members.map(quote).join(`${ws()},${ws()}`)}${trailing}${ws()}}`;
      break;
    }
    case "not": {
      const inner = render(n.operand, pick);
      const needsParens = n.operand.kind === "and" || n.operand.kind === "or" || n.operand.kind === "not";
      out = `${pick(3) === 0 ? "!!!" : "!"}${ws()}${needsParens ? paren(inner) : inner}`;
      break;
    }
    case "and":
    case "or": {
      const sep = n.kind === "and" ? "&&" : "||";
      // Child chains are always parenthesised so the rendered text has exactly this tree's meaning.
      const parts = n.operands.map((o) => {
        const s = render(o, pick);
        return o.kind === "and" || o.kind === "or" ? paren(s) : s;
      });
      out = parts.join(`${ws()}${sep}${ws()}`);
      break;
    }
  }
  // Semantics-preserving decorations.
  const r = pick(8);
  if (r === 0) return paren(out);
  if (r === 1 && n.kind !== "and" && n.kind !== "or") return `!!${ws()}${out}`;
  return out;
}

/** An AST and a random, non-canonical rendering of it. */
const textArb = fc.tuple(astArb, fc.array(fc.nat(), { minLength: 64, maxLength: 64 })).map(([ast, rnd]) => {
  let i = 0;
  const pick: Pick = (n) => (rnd[i++ % rnd.length] as number) % n;
  return { ast, text: render(ast, pick) };
});

/** Builds the same selector through the public builder. */
function build(n: SelectorNode): Selector {
  switch (n.kind) {
    case "all":
      return sel.all();
    case "global":
      return sel.global();
    case "has":
      return sel.has(n.key);
    case "eq":
      return sel.eq(n.key, n.value);
    case "ne":
      return sel.ne(n.key, n.value);
    case "contains":
      return sel.contains(n.key, n.value);
    case "startsWith":
      return sel.startsWith(n.key, n.value);
    case "endsWith":
      return sel.endsWith(n.key, n.value);
    case "in":
      return sel.in(n.key, n.values);
    case "notIn":
      return sel.notIn(n.key, n.values);
    case "not":
      return sel.not(build(n.operand));
    case "and":
      return sel.and(...n.operands.map(build));
    case "or":
      return sel.or(...n.operands.map(build));
  }
}

const RUNS = { numRuns: 300 };

describe("selector properties", () => {
  it("random renderings parse and match exactly like the reference evaluator", () => {
    fc.assert(
      fc.property(textArb, manyLabelsArb, ({ ast, text }, maps) => {
        const s = parseSelector(text);
        for (const l of maps) expect(s.matches(l), `${text} on ${JSON.stringify(l)}`).toBe(reference(ast, l));
      }),
      RUNS,
    );
  });

  it("the canonical form selects the same label maps and is stable once printed", () => {
    fc.assert(
      fc.property(textArb, manyLabelsArb, ({ text }, maps) => {
        const s = parseSelector(text);
        const canonical = s.toString();
        const again = parseSelector(canonical);
        for (const l of maps) expect(again.matches(l)).toBe(s.matches(l));
        // Calico's printer writes a parenthesised double negation as "!!", which re-parses
        // without both "!"; from the second print on the text is a fixed point.
        const twice = again.toString();
        expect(parseSelector(twice).toString()).toBe(twice);
        if (!canonical.includes("!!")) expect(twice).toBe(canonical);
      }),
      RUNS,
    );
  });

  it("print(parse(print(x))) === print(x) and the AST survives the trip", () => {
    fc.assert(
      fc.property(astArb, manyLabelsArb, (ast, maps) => {
        const s = selectorFromAst(ast);
        const text = s.toString();
        const back = parseSelector(text);
        expect(back.toString()).toBe(text);
        expect(back.ast).toEqual(s.ast);
        for (const l of maps) expect(back.matches(l)).toBe(reference(ast, l));
      }),
      RUNS,
    );
  });

  it("!(s) matches exactly when s does not", () => {
    fc.assert(
      fc.property(textArb, manyLabelsArb, ({ text }, maps) => {
        const s = parseSelector(text);
        const negated = parseSelector(`!(${text})`);
        const built = s.not();
        for (const l of maps) {
          expect(negated.matches(l)).toBe(!s.matches(l));
          expect(built.matches(l)).toBe(!s.matches(l));
        }
      }),
      RUNS,
    );
  });

  it("the builder only produces selectors that parse back to the same selector", () => {
    fc.assert(
      fc.property(astArb, manyLabelsArb, (ast, maps) => {
        const s = build(ast);
        const back = parseSelector(s.toString());
        expect(back.toString()).toBe(s.toString());
        expect(back.ast).toEqual(s.ast);
        for (const l of maps) {
          expect(s.matches(l)).toBe(reference(ast, l));
          expect(back.matches(l)).toBe(s.matches(l));
        }
      }),
      RUNS,
    );
  });

  it("and/or compose like && and ||, and labelKeys covers every key read", () => {
    fc.assert(
      fc.property(astArb, astArb, manyLabelsArb, (x, y, maps) => {
        const a = selectorFromAst(x);
        const b = selectorFromAst(y);
        for (const l of maps) {
          expect(a.and(b).matches(l)).toBe(a.matches(l) && b.matches(l));
          expect(a.or(b).matches(l)).toBe(a.matches(l) || b.matches(l));
        }
        const keys = a.and(b).labelKeys();
        expect([...keys].sort()).toEqual([...new Set([...a.labelKeys(), ...b.labelKeys()])].sort());
        // Labels the selector does not read cannot change its outcome.
        for (const l of maps) {
          const extra = { ...l, "not-read.example/key": "x" };
          expect(a.matches(extra)).toBe(a.matches(l));
        }
      }),
      RUNS,
    );
  });

  it("random strings give a Selector or a SelectorError, never another exception", () => {
    const soup = fc
      .array(
        fc.constantFrom(
          "a", "app", " ", "\t", "\n", "(", ")", "{", "}", ",", "==", "=", "!=", "!", "&&", "&", "||", "|",
          '"', "'", '"x"', "'y'", "in", "not", "not in", "contains", "starts", "with", "ends", "has(", "all(",
          "global(", "has(a)", "all()", "global()", "é", "%", "/", ".", "-",
        ),
        { maxLength: 16 },
      )
      .map((parts) => parts.join(""));
    const inputs = fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.string({ maxLength: 40 }), soup);
    fc.assert(
      fc.property(inputs, (text) => {
        let s: Selector;
        try {
          s = parseSelector(text);
        } catch (e) {
          expect(e).toBeInstanceOf(SelectorError);
          const err = e as SelectorError;
          expect(err.position).toBeGreaterThanOrEqual(0);
          expect(err.position).toBeLessThanOrEqual(text.length);
          expect(err.hint.length).toBeGreaterThan(0);
          return;
        }
        // Whatever parses has a canonical form that parses too.
        expect(() => parseSelector(s.toString())).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});
