// Fuzz target: the selector parser (parseSelector) and the compiled matcher. Property: a Selector or a
// SelectorError (the parser's documented error: position, reason, hint), never another exception; the canonical
// text of an accepted selector parses again to the same text (a fixed point); matching arbitrary labels never
// throws; at most CPU_MS_PER_CASE CPU ms per case for selectors up to ~4,000 characters (test/fuzz/support.ts).
// FUZZ_RUNS=20000 for longer runs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSelector, SelectorError, type Selector } from "../../src/model/selector/index.js";
import { CPU_MS_PER_CASE, params, timeout } from "./support.js";

const TOKENS = [
  "app", "tier", "k8s-app", "projectcalico.org/name", "a.b/c_d", " ", "  ", "==", "!=", "!", "&&", "||", "(", ")", "has(", "all()", "global()",
  " in ", " not in ", "{", "}", ",", "'", '"', "web", "db", " starts with ", " ends with ", " contains ", "\\", "\u0000", "é", "\ud800", "\t", "\n",
];

const soup = fc
  .array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), { maxLength: 120 })
  .map((p) => p.join(""));

/** Well-formed selectors of bounded depth. */
const wellFormed: fc.Arbitrary<string> = fc.letrec<{ s: string }>((tie) => ({
  s: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom('app == "web"', "has(tier)", "!has(x)", "all()", 'tier in {"a", "b"}', "k not in {'x'}", 'a starts with "w"', "global()"),
    fc.tuple(tie("s"), fc.constantFrom(" && ", " || "), tie("s")).map(([a, op, b]) => `(${a}${op}${b})`),
    tie("s").map((a) => `!(${a})`),
  ),
})).s;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function parses(text: string): Selector | SelectorError {
  const t0 = cpuMs();
  let out: Selector | SelectorError;
  try {
    out = parseSelector(text);
  } catch (e) {
    if (!(e instanceof SelectorError)) throw new Error(`not a SelectorError (${(e as Error)?.name}: ${(e as Error)?.message?.slice(0, 200)}) for ${JSON.stringify(text.slice(0, 200))}`, { cause: e });
    expect(e.position).toBeGreaterThanOrEqual(0);
    expect(e.position).toBeLessThanOrEqual(text.length);
    expect(e.reason.length + e.hint.length).toBeGreaterThan(0);
    out = e;
  }
  expect(cpuMs() - t0, `CPU ms for ${JSON.stringify(text.slice(0, 100))}`).toBeLessThan(CPU_MS_PER_CASE);
  return out;
}

const labels = fc.dictionary(fc.constantFrom("app", "tier", "k", "a", "x", "projectcalico.org/name", "é"), fc.string({ maxLength: 6 }), { maxKeys: 5 });

describe("fuzz: parseSelector", { timeout: timeout(2000, 50) }, () => {
  it("token soup: a Selector or a SelectorError with a position inside the text", () => {
    fc.assert(fc.property(soup, (text) => void parses(text)), params(2000));
  });

  it("well-formed selectors: accepted; the canonical text reparses to the same matches and settles; matching never throws", () => {
    fc.assert(
      fc.property(wellFormed, labels, (text, l) => {
        const s = parses(text);
        expect(s, text).not.toBeInstanceOf(SelectorError);
        // Calico's printer writes `!(!(x))` as `!!x`, which its parser reads back as `x`: the canonical text
        // is a fixed point from the second round on, and every round matches the same labels.
        const again = parseSelector((s as Selector).toString());
        const third = parseSelector(again.toString());
        expect(third.toString()).toBe(again.toString());
        expect(typeof (s as Selector).matches(l)).toBe("boolean");
        expect(again.matches(l)).toBe((s as Selector).matches(l));
        expect(third.matches(l)).toBe((s as Selector).matches(l));
      }),
      params(1000),
    );
  });

  it("long and deep inputs: deep parentheses, long sets and long strings stay within the budget", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.constantFrom("paren", "not", "set", "string", "chain"), (n, shape) => {
        const text =
          shape === "paren" ? `${"(".repeat(n)}has(a)${")".repeat(n)}`
          : shape === "not" ? `${"!".repeat(n)}has(a)`
          : shape === "set" ? `a in {${Array.from({ length: n }, (_, i) => `"v${i}"`).join(",")}}`
          : shape === "string" ? `a == "${"x".repeat(n * 2)}"`
          : Array.from({ length: Math.min(n, 500) }, (_, i) => `has(k${i})`).join(" && ");
        void parses(text);
      }),
      params(200),
    );
  });
});
