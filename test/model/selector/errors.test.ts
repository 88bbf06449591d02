/**
 * Rejected selectors: Calico's tokenizer/parser (projectcalico/calico
 * libcalico-go/lib/selector/tokenizer/tokenizer.go and parser/parser.go) reject these; we must too,
 * with the offset of the problem and a hint. Cases are our own.
 */
import { describe, expect, it } from "vitest";
import { parseSelector, SelectorError } from "../../../src/model/selector/index.js";

function error(text: string): SelectorError {
  try {
    parseSelector(text);
  } catch (e) {
    if (e instanceof SelectorError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

/** [selector, position, fragment of the hint] */
const rejected: readonly (readonly [string, number, string])[] = [
  // Values must be quoted string literals.
  [`app == web`, 7, `quote the value: app == "web"`],
  [`app != web`, 7, `quote the value: app != "web"`],
  [`app contains web`, 13, `quote the value: app contains "web"`],
  [`app starts with web`, 16, `quote the value: app starts with "web"`],
  [`app ends with web`, 14, `quote the value: app ends with "web"`],
  [`app ==`, 6, `quote the value: app == "value"`],
  // A literal on the left.
  [`"web" == app`, 0, "put the label key first"],
  // A bare label, or a label followed by something that is not an operator.
  [`app`, 3, "has(app)"],
  [`app `, 4, "has(app)"],
  [`app web`, 4, "operators are =="],
  [`app "web"`, 4, `add an operator: app == "web"`],
  [`app = "web"`, 4, "use '=='"],
  [`app === "web"`, 6, "use '=='"],
  [`app inx {"a"}`, 4, "operators are"],
  [`app starts "a"`, 4, "operators are"],
  [`app ends withs "a"`, 4, "operators are"],
  [`app && has(b)`, 4, "operators are"],
  [`has (app)`, 4, "write has(...) with no space before '('"],
  [`all ()`, 4, "write all(...) with no space"],
  [`global ()`, 7, "write global(...) with no space"],
  // Sets.
  [`app in "web"`, 7, `write the values as a set: app in {"web"}`],
  [`app not in web`, 11, `write the values as a set: app not in {"web"}`],
  [`app in {web}`, 8, `quote each member: {"web"}`],
  [`app in {"a" "b"}`, 12, "separate set members with ','"],
  [`app in {"a",,}`, 12, "close the set opened at 7"],
  [`app in {,}`, 8, "close the set opened at 7"],
  [`app in {"a"`, 11, "close the set opened at 7 with '}'"],
  // Boolean operators.
  [`has(a) & has(b)`, 7, "use '&&'"],
  [`has(a) | has(b)`, 7, "use '||'"],
  [`has(a) &&`, 9, "complete the expression"],
  [`has(a) ||`, 9, "complete the expression"],
  [`&& has(a)`, 0, "on both sides of '&&'"],
  [`!`, 1, "complete the expression"],
  [`has(a) has(b)`, 7, "join expressions with && or ||"],
  [`has(a) == "x"`, 7, `has(a) only tests presence; to compare the value write a == "value"`],
  [`all() != "x"`, 6, "all() cannot be compared"],
  // Parentheses.
  [`(`, 1, "complete the expression"],
  [`(has(a)`, 7, "close the parenthesis opened at 0"],
  [`has(b) && (has(a) || has(c)`, 27, "close the parenthesis opened at 10"],
  [`(has(a) has(b))`, 8, "close the parenthesis opened at 0, or join expressions"],
  [`)`, 0, "remove the ')'"],
  [`has(a))`, 6, "remove the ')'"],
  [`()`, 1, "put an expression inside the parentheses"],
  // has()/all()/global() spelling.
  [`has()`, 4, "label keys may contain"],
  [`has(a`, 5, "has() takes exactly one label key: has(a)"],
  [`has( a `, 7, "has() takes exactly one label key"],
  [`has(a b)`, 6, "has() takes exactly one label key"],
  [`has("a")`, 4, "label keys may contain"],
  [`all(`, 4, "all() takes no arguments"],
  [`all(x)`, 4, "all() takes no arguments"],
  [`global(`, 7, "global() takes no arguments"],
  // Strings.
  [`app == "web`, 7, "close the string opened at 7 with a matching \""],
  [`app == 'web`, 7, "close the string opened at 7 with a matching '"],
  [`app == "web'`, 7, "close the string opened at 7"],
  // Characters outside the language; only spaces and tabs are whitespace.
  [`%`, 0, "label keys may contain only letters"],
  [`app == "a" && %`, 14, "label keys may contain only letters"],
  [`app:x == "a"`, 3, "operators are"],
  [`é == "a"`, 0, "label keys may contain only letters"],
  [`has(a)\n`, 6, "write the selector on one line"],
  [`has(a) &&\nhas(b)`, 9, "write the selector on one line"],
  [`\r\nhas(a)`, 0, "write the selector on one line"],
  // Label length.
  [`${"a".repeat(513)} == "x"`, 0, "at most 512 characters"],
  [`has(${"a".repeat(513)})`, 4, "at most 512 characters"],
];

describe("parseSelector rejects what Calico rejects", () => {
  it.each(rejected)("%j is rejected at %i", (text, position, hint) => {
    const e = error(text);
    expect(e).toBeInstanceOf(SelectorError);
    expect(e.selector).toBe(text);
    expect(e.position).toBe(position);
    expect(e.hint).toContain(hint);
    expect(e.message).toContain(`at position ${position}`);
    expect(e.message).toContain(e.hint);
  });

  it("reports non-string input as a SelectorError, not a TypeError", () => {
    expect(() => parseSelector(undefined as unknown as string)).toThrow(SelectorError);
    expect(() => parseSelector(42 as unknown as string)).toThrow(/must be a string, got number/);
  });
});

describe("SelectorError", () => {
  it("names the unexpected thing in its reason", () => {
    expect(error(`app == web`).reason).toBe(`expected a quoted string after '==', found label "web"`);
    expect(error(`(has(a)`).reason).toBe("expected ')' to close the parenthesis opened at 0, found end of input");
    expect(error("has(a)\n").reason).toContain("a newline");
  });

  it("converts to a validation Problem carrying the path, the selector and the hint", () => {
    const p = error(`app == web`).toProblem("spec.ingress[0].source.selector");
    expect(p).toEqual({
      path: "spec.ingress[0].source.selector",
      value: "app == web",
      message: `invalid selector: expected a quoted string after '==', found label "web" (at position 7)`,
      hint: `quote the value: app == "web"`,
    });
  });

  it("is an Error with a stable name", () => {
    const e = error("(");
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("SelectorError");
  });
});

describe("deep nesting", () => {
  it("accepts the deepest nesting a 1024-character Calico selector can hold", () => {
    const depth = 509;
    const text = `${"(".repeat(depth)}has(a)${")".repeat(depth)}`;
    expect(text.length).toBeLessThanOrEqual(1024);
    expect(parseSelector(text).toString()).toBe("has(a)");
  });
  it("rejects absurd nesting with a SelectorError instead of overflowing the stack", () => {
    const e = error(`${"(".repeat(100_000)}has(a)${")".repeat(100_000)}`);
    expect(e.position).toBe(1000);
    expect(e.hint).toBe("remove redundant parentheses");
    // Long runs of "!" are a loop, not recursion.
    expect(parseSelector(`${"!".repeat(100_001)}has(a)`).toString()).toBe("!has(a)");
  });
});
