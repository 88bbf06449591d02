/**
 * Canonical printing: must equal what Calico's `Selector.String()` prints
 * (projectcalico/calico libcalico-go/lib/selector/parser/ast.go `collectFragments`,
 * parser/stringset.go for set ordering). Cases are our own.
 */
import { describe, expect, it } from "vitest";
import { compareCodePoints, parseSelector, type Labels } from "../../../src/model/selector/index.js";

const canonical: readonly (readonly [string, string])[] = [
  // all() and the empty selector.
  ["", "all()"],
  ["\t", "all()"],
  ["  all(  )  ", "all()"],
  ["((all()))", "all()"],
  ["global( )", "global()"],
  ["!global()", "!global()"],
  // Leaves: single spaces around operators, multi-word operators spelled out.
  [`app=="web"`, `app == "web"`],
  [`app  !=  'web'`, `app != "web"`],
  [`app contains'x'`, `app contains "x"`],
  [`app startswith "x"`, `app starts with "x"`],
  [`app starts \t with "x"`, `app starts with "x"`],
  [`app endswith "x"`, `app ends with "x"`],
  [`has(  app )`, "has(app)"],
  [`projectcalico.org/name notin {'a'}`, `projectcalico.org/name not in {"a"}`],
  // Quoting: double quotes unless the value holds one.
  [`q == 'it"s'`, `q == 'it"s'`],
  [`q == "it's"`, `q == "it's"`],
  [`q != ''`, `q != ""`],
  [`q in {'"', "'", ''}`, `q in {"", '"', "'"}`],
  // Sets: sorted by byte value, de-duplicated, ", " separated; empty sets and trailing commas.
  [`k in {"b","a","b"}`, `k in {"a", "b"}`],
  [`k in {"B", "a", "_", "1"}`, `k in {"1", "B", "_", "a"}`],
  [`k in {}`, "k in {}"],
  [`k not in { }`, "k not in {}"],
  [`k in {"x",}`, `k in {"x"}`],
  // && and || always print their own parentheses; nesting from source parentheses is kept.
  [`has(a)&&has(b)`, "(has(a) && has(b))"],
  [`has(a)||has(b)||has(c)`, "(has(a) || has(b) || has(c))"],
  [`has(a) || has(b) && has(c)`, "(has(a) || (has(b) && has(c)))"],
  [`has(a) && has(b) || has(c)`, "((has(a) && has(b)) || has(c))"],
  [`(has(a) && has(b)) && has(c)`, "((has(a) && has(b)) && has(c))"],
  [`has(a) && (has(b) && has(c))`, "(has(a) && (has(b) && has(c)))"],
  [`((has(a)))`, "has(a)"],
  // ! prints directly before its operand, adding no parentheses of its own.
  [`!(app == "web")`, `!app == "web"`],
  [`! ( has(a) || ! has(b) )`, "!(has(a) || !has(b))"],
  [`!(a == "1" && !b != "2")`, `!(a == "1" && !b != "2")`],
  [`!!has(a)`, "has(a)"],
  [`!!!has(a)`, "!has(a)"],
  // Calico keeps a parenthesised double negation as two nodes and prints "!!"; that text
  // re-parses to the un-negated selector (see the round-trip test below).
  [`!(!has(a))`, "!!has(a)"],
  [`!(!(has(a) && has(b)) || all())`, "!(!(has(a) && has(b)) || all())"],
];

describe("canonical form", () => {
  it.each(canonical)("%j prints as %j", (input, expected) => {
    const s = parseSelector(input);
    expect(s.toString()).toBe(expected);
    expect(String(s)).toBe(expected);
    expect(JSON.stringify({ selector: s })).toBe(JSON.stringify({ selector: expected }));
  });

  it.each(canonical.filter(([input]) => input !== "!(!has(a))"))("%j: the canonical form is a fixed point", (input) => {
    const once = parseSelector(input).toString();
    expect(parseSelector(once).toString()).toBe(once);
  });

  it("a parenthesised double negation prints as !! and then collapses, exactly like Calico", () => {
    const once = parseSelector("!(!has(a))").toString();
    expect(once).toBe("!!has(a)");
    expect(parseSelector(once).toString()).toBe("has(a)");
    // Same meaning either way.
    const maps: readonly Labels[] = [{}, { a: "" }];
    for (const l of maps) expect(parseSelector(once).matches(l)).toBe(parseSelector("!(!has(a))").matches(l));
  });

  it("sorts set members by code point, as Go sorts UTF-8 strings", () => {
    // U+FF21 (fullwidth A) is below U+1F600 in code points but above its surrogates in UTF-16.
    expect(parseSelector(`k in {"😀", "Ａ", "z"}`).toString()).toBe(`k in {"z", "Ａ", "😀"}`);
    expect(compareCodePoints("Ａ", "😀")).toBeLessThan(0);
    expect(compareCodePoints("a", "ab")).toBeLessThan(0);
    expect(compareCodePoints("b", "ab")).toBeGreaterThan(0);
    expect(compareCodePoints("x", "x")).toBe(0);
  });

  it("prints realistic policy selectors the way Calico stores them", () => {
    expect(
      parseSelector(`kubernetes.io/metadata.name not in {"tigera-operator","kube-system", "calico-system","kube-public"}`).toString(),
    ).toBe(`kubernetes.io/metadata.name not in {"calico-system", "kube-public", "kube-system", "tigera-operator"}`);
    expect(parseSelector(`has(projectcalico.org/name) && projectcalico.org/name not in {"kube-system"}`).toString()).toBe(
      `(has(projectcalico.org/name) && projectcalico.org/name not in {"kube-system"})`,
    );
    expect(parseSelector(`k8s-app in {"calico-node","calico-apiserver","calico-typha"}`).toString()).toBe(
      `k8s-app in {"calico-apiserver", "calico-node", "calico-typha"}`,
    );
  });
});

describe("uniqueId (Calico Selector.UniqueID, used in Felix IP set names)", () => {
  // Expected values computed independently with Python's hashlib from the rule in
  // libcalico-go/lib/hash/unique_id.go: "s:" + base64url-unpadded(sha224("s:" + canonical)).
  it("hashes the canonical form", () => {
    expect(parseSelector("has(app)").uniqueId()).toBe("s:Q5ZLn5bj-zp1lrrtrsI6dyzOlg7l7qad6gBR5Q");
    expect(parseSelector(`app=='web'&&has( tier )`).uniqueId()).toBe("s:10upYlec2FRXACSiwq3BhmBqKeHkdBHBb_9QQw");
  });
  it("is equal for equivalent spellings and different for different selectors", () => {
    expect(parseSelector(" has( app ) ").uniqueId()).toBe(parseSelector("has(app)").uniqueId());
    expect(parseSelector("has(app)").uniqueId()).not.toBe(parseSelector("has(tier)").uniqueId());
  });
});
