/**
 * Matching semantics of each grammar element. Behaviour derived from projectcalico/calico
 * libcalico-go/lib/selector/parser/ast.go (`Evaluate` of each node) and parser.go; the cases are
 * our own, written from that source and the Calico selector docs.
 */
import { describe, expect, it } from "vitest";
import { namespaceSelectorMatcher, parseSelector, type Labels } from "../../../src/model/selector/index.js";

/** Asserts the selector matches every map in `yes` and none in `no`. */
function check(selector: string, yes: readonly Labels[], no: readonly Labels[]): void {
  const s = parseSelector(selector);
  for (const l of yes) expect(s.matches(l), `${selector} should match ${JSON.stringify(l)}`).toBe(true);
  for (const l of no) expect(s.matches(l), `${selector} should not match ${JSON.stringify(l)}`).toBe(false);
  // The canonical text must select exactly the same maps.
  const again = parseSelector(s.toString());
  for (const l of yes) expect(again.matches(l), `${s.toString()} (canonical) should match ${JSON.stringify(l)}`).toBe(true);
  for (const l of no) expect(again.matches(l), `${s.toString()} (canonical) should not match ${JSON.stringify(l)}`).toBe(false);
}

describe("all() and the empty selector", () => {
  it("all() matches every label map, including the empty one", () => {
    check("all()", [{}, { app: "web" }], []);
    check("all( )", [{}, { x: "" }], []);
  });
  it("the empty and the blank selector mean all()", () => {
    check("", [{}, { app: "web" }], []);
    check(" \t ", [{}, { app: "web" }], []);
    expect(parseSelector("").isAll).toBe(true);
    expect(parseSelector("   ").toString()).toBe("all()");
  });
  it("!all() matches nothing", () => {
    check("!all()", [], [{}, { app: "web" }]);
  });
});

describe("global()", () => {
  it("evaluates to true on any label map, like all() (GlobalNode.Evaluate)", () => {
    check("global()", [{}, { "projectcalico.org/namespace": "default" }, { a: "b" }], []);
    check("global( )", [{}], []);
  });
  it("is reported through usesGlobal and is not isAll", () => {
    const g = parseSelector("global()");
    expect(g.usesGlobal).toBe(true);
    expect(g.isAll).toBe(false);
    expect(parseSelector("!global() || has(a)").usesGlobal).toBe(true);
    expect(parseSelector("all()").usesGlobal).toBe(false);
  });
});

describe("== and !=", () => {
  it("== needs the label present with exactly that value (case-sensitive)", () => {
    check(`app == "web"`, [{ app: "web" }, { app: "web", tier: "fe" }], [{}, { app: "Web" }, { app: "web2" }, { other: "web" }]);
  });
  it("!= is true when the label is missing", () => {
    check(`app != "web"`, [{}, { app: "api" }, { other: "web" }, { app: "" }], [{ app: "web" }]);
  });
  it("compares with the empty string", () => {
    check(`app == ""`, [{ app: "" }], [{}, { app: "x" }]);
    check(`app != ""`, [{}, { app: "x" }], [{ app: "" }]);
  });
  it("accepts no whitespace around symbolic operators", () => {
    check(`app=="web"`, [{ app: "web" }], [{ app: "api" }]);
    check(`app!='web'`, [{ app: "api" }], [{ app: "web" }]);
  });
});

describe("has()", () => {
  it("is true when the label is present, whatever its value", () => {
    check("has(app)", [{ app: "" }, { app: "x" }], [{}, { App: "x" }]);
  });
  it("allows spaces and tabs inside the parentheses", () => {
    check("has( app\t)", [{ app: "x" }], [{}]);
  });
  it("!has() is true when the label is missing", () => {
    check("!has(app)", [{}, { other: "x" }], [{ app: "x" }]);
  });
});

describe("in {} and not in {}", () => {
  it("in needs the label present with one of the values", () => {
    check(`env in {"dev", "test"}`, [{ env: "dev" }, { env: "test" }], [{}, { env: "prod" }, { env: "" }]);
  });
  it("not in is true when the label is missing", () => {
    check(`env not in {"dev", "test"}`, [{}, { env: "prod" }, { env: "" }], [{ env: "dev" }, { env: "test" }]);
  });
  it("an empty set: in {} matches nothing, not in {} matches everything", () => {
    check("env in {}", [], [{}, { env: "" }]);
    check("env not in {}", [{}, { env: "" }, { env: "x" }], []);
  });
  it("members may mix quote styles and contain the other quote", () => {
    check(`q in {"'", '"', "c"}`, [{ q: "'" }, { q: '"' }, { q: "c" }], [{}, { q: "d" }]);
  });
  it("accepts a trailing comma and the one-word spelling notin", () => {
    check(`env in {"dev",}`, [{ env: "dev" }], [{ env: "prod" }]);
    check(`env notin{"dev"}`, [{ env: "prod" }, {}], [{ env: "dev" }]);
    check(`env not \t in {"dev"}`, [{ env: "prod" }], [{ env: "dev" }]);
  });
  it("sets with many members match by exact membership", () => {
    const members = Array.from({ length: 20 }, (_, i) => `"v${i}"`).join(", ");
    check(`k in {${members}}`, [{ k: "v0" }, { k: "v19" }], [{ k: "v20" }, { k: "v1 " }, {}]);
    check(`has(a) && k in {${members}}`, [{ a: "", k: "v7" }], [{ k: "v7" }, { a: "", k: "v20" }]);
    check(`has(a) && k not in {${members}}`, [{ a: "", k: "v20" }, { a: "" }], [{ a: "", k: "v7" }]);
  });
});

describe("contains, starts with, ends with", () => {
  it("contains is a substring test on a present label", () => {
    check(`app contains "we"`, [{ app: "web" }, { app: "awe" }, { app: "we" }], [{}, { app: "w" }, { other: "web" }]);
  });
  it("starts with is a prefix test", () => {
    check(`app starts with "web"`, [{ app: "web" }, { app: "web-1" }], [{}, { app: "the-web" }]);
  });
  it("ends with is a suffix test", () => {
    check(`app ends with "-fe"`, [{ app: "shop-fe" }, { app: "-fe" }], [{}, { app: "shop-fe2" }]);
  });
  it("the empty string is contained in, and a prefix/suffix of, every present value only", () => {
    for (const op of ["contains", "starts with", "ends with"]) {
      check(`app ${op} ""`, [{ app: "" }, { app: "x" }], [{}]);
    }
  });
  it("accepts startswith/endswith written as one word and several spaces between the words", () => {
    check(`app startswith "a"`, [{ app: "ab" }], [{ app: "ba" }]);
    check(`app endswith "a"`, [{ app: "ba" }], [{ app: "ab" }]);
    check(`app starts   with "a"`, [{ app: "ab" }], [{ app: "ba" }]);
  });
  it("operator words may also be label keys", () => {
    check(`contains contains "contains"`, [{ contains: "xcontainsx" }], [{ contains: "x" }]);
    check(`in in {"in"}`, [{ in: "in" }], [{ in: "out" }]);
    check(`not not in {"x"}`, [{ not: "y" }, {}], [{ not: "x" }]);
    check(`has == "x"`, [{ has: "x" }], [{}]);
    check(`all != "x"`, [{}], [{ all: "x" }]);
  });
});

describe("label keys", () => {
  it("accepts prefixed keys and the characters [A-Za-z0-9_./-]", () => {
    check(`projectcalico.org/name == "kube-system"`, [{ "projectcalico.org/name": "kube-system" }], [{ name: "kube-system" }]);
    check(`kubernetes.io/metadata.name in {"a"}`, [{ "kubernetes.io/metadata.name": "a" }], [{}]);
    check("has(calico/k8s_NS-.1/role)", [{ "calico/k8s_NS-.1/role": "" }], [{}]);
    check(`-a.b/c_D-9 == "x"`, [{ "-a.b/c_D-9": "x" }], [{}]);
  });
  it("accepts a 512-character key", () => {
    const k = "k".repeat(512);
    check(`${k} == "v"`, [{ [k]: "v" }], [{}]);
  });
  it("does not treat inherited object properties as labels", () => {
    check("has(constructor)", [{ constructor: "x" }], [{}]);
    check(`toString != "x"`, [{}], [{ toString: "x" }]);
    check("has(__proto__)", [JSON.parse('{"__proto__": "x"}') as Labels], [{}]);
  });
  it("reads labels from maps without a prototype", () => {
    const l = Object.assign(Object.create(null) as Record<string, string>, { app: "web" });
    expect(parseSelector(`app == "web"`).matches(l)).toBe(true);
  });
});

describe("quoting", () => {
  it("single and double quotes delimit the same strings", () => {
    check(`app == 'web'`, [{ app: "web" }], [{ app: "'web'" }]);
    check(`q == "it's"`, [{ q: "it's" }], [{ q: "its" }]);
    check(`q == 'say "hi"'`, [{ q: 'say "hi"' }], [{ q: "say hi" }]);
  });
  it("keeps whitespace, operators and newlines inside a string literal verbatim", () => {
    check(`q == " a && b || !c "`, [{ q: " a && b || !c " }], [{ q: "a && b || !c" }]);
    check(`q == "line1\nline2"`, [{ q: "line1\nline2" }], [{ q: "line1 line2" }]);
  });
  it("matches non-ASCII values byte-for-byte", () => {
    check(`q == "café ☕ 𝄞"`, [{ q: "café ☕ 𝄞" }], [{ q: "cafe" }]);
    check(`q starts with "é"`, [{ q: "été" }], [{ q: "ete" }]);
  });
});

describe("boolean operators and precedence", () => {
  it("&& needs both sides", () => {
    check(`a == "1" && b == "2"`, [{ a: "1", b: "2" }], [{ a: "1" }, { b: "2" }, { a: "1", b: "3" }]);
  });
  it("|| needs either side", () => {
    check(`a == "1" || b == "2"`, [{ a: "1" }, { b: "2" }, { a: "1", b: "2" }], [{}, { a: "2", b: "1" }]);
  });
  it("&& binds tighter than ||", () => {
    // a || (b && c)
    check(`has(a) || has(b) && has(c)`, [{ a: "" }, { b: "", c: "" }], [{ b: "" }, { c: "" }]);
    // (a && b) || c
    check(`has(a) && has(b) || has(c)`, [{ c: "" }, { a: "", b: "" }], [{ a: "" }, { b: "" }]);
  });
  it("! applies to one operation only, not to the && chain", () => {
    // (!(a == 1)) && b == 2
    check(`!a == "1" && b == "2"`, [{ b: "2" }, { a: "0", b: "2" }], [{ a: "1", b: "2" }, { a: "0" }]);
    check(`! a == "1" || ! b == "2"`, [{}, { a: "1" }], [{ a: "1", b: "2" }]);
  });
  it("parentheses override precedence", () => {
    check(`(has(a) || has(b)) && has(c)`, [{ a: "", c: "" }, { b: "", c: "" }], [{ a: "" }, { c: "" }]);
    check(`!(has(a) || has(b))`, [{}, { c: "" }], [{ a: "" }, { b: "" }]);
    check(`!(!has(a) || has(b))`, [{ a: "" }], [{}, { a: "", b: "" }]);
  });
  it("a run of ! collapses by parity, with or without spaces", () => {
    check("!!has(a)", [{ a: "" }], [{}]);
    check("!!!has(a)", [{}], [{ a: "" }]);
    check("! !! has(a)", [{}], [{ a: "" }]);
    expect(parseSelector("!!has(a)").ast).toEqual({ kind: "has", key: "a" });
  });
  it("long chains of && and || are n-ary", () => {
    const s = parseSelector("has(a) && has(b) && has(c) || has(d) || has(e)");
    expect(s.ast.kind).toBe("or");
    expect(s.ast.kind === "or" && s.ast.operands.length).toBe(3);
    check("has(a) && has(b) && has(c) || has(d) || has(e)", [{ a: "", b: "", c: "" }, { e: "" }], [{ a: "", b: "" }]);
  });
  it("deeply nested parentheses", () => {
    check("((((has(a)))))", [{ a: "" }], [{}]);
    check("!(!(!(has(a))))", [{}], [{ a: "" }]);
  });
});

describe("AST shape", () => {
  it("parses each operator to its node kind", () => {
    expect(parseSelector(`a == "1"`).ast).toEqual({ kind: "eq", key: "a", value: "1" });
    expect(parseSelector(`a != "1"`).ast).toEqual({ kind: "ne", key: "a", value: "1" });
    expect(parseSelector(`a contains "1"`).ast).toEqual({ kind: "contains", key: "a", value: "1" });
    expect(parseSelector(`a starts with "1"`).ast).toEqual({ kind: "startsWith", key: "a", value: "1" });
    expect(parseSelector(`a ends with "1"`).ast).toEqual({ kind: "endsWith", key: "a", value: "1" });
    expect(parseSelector(`a in {"2", "1", "2"}`).ast).toEqual({ kind: "in", key: "a", values: ["1", "2"] });
    expect(parseSelector(`a not in {}`).ast).toEqual({ kind: "notIn", key: "a", values: [] });
    expect(parseSelector(`global()`).ast).toEqual({ kind: "global" });
    expect(parseSelector(`!has(a)`).ast).toEqual({ kind: "not", operand: { kind: "has", key: "a" } });
  });
  it("keeps parenthesised chains nested, as Calico does", () => {
    expect(parseSelector("(has(a) && has(b)) && has(c)").ast).toEqual({
      kind: "and",
      operands: [
        { kind: "and", operands: [{ kind: "has", key: "a" }, { kind: "has", key: "b" }] },
        { kind: "has", key: "c" },
      ],
    });
  });
  it("labelKeys lists the keys read, sorted and unique", () => {
    expect(parseSelector(`b == "1" && (a in {"x"} || !has(b)) && c contains ""`).labelKeys()).toEqual(["a", "b", "c"]);
    expect(parseSelector("all()").labelKeys()).toEqual([]);
  });
  it("the AST is immutable", () => {
    const s = parseSelector(`a in {"x"}`);
    expect(Object.isFrozen(s.ast)).toBe(true);
    expect(s.ast.kind === "in" && Object.isFrozen(s.ast.values)).toBe(true);
  });
});

describe("namespaceSelectorMatcher (a rule's namespaceSelector, as Calico rewrites it)", () => {
  const kubeSystem: Labels = { "projectcalico.org/name": "kube-system", "kubernetes.io/metadata.name": "kube-system" };
  const shop: Labels = { "projectcalico.org/name": "shop", team: "a" };

  it("all() selects every namespaced entity and no global one", () => {
    const m = namespaceSelectorMatcher(parseSelector("all()"));
    expect([m(kubeSystem), m(shop), m({}), m(null)]).toEqual([true, true, true, false]);
  });

  it("global() selects only entities outside namespaces (HostEndpoints, GlobalNetworkSets)", () => {
    const m = namespaceSelectorMatcher(parseSelector("global()"));
    expect([m(kubeSystem), m(shop), m(null)]).toEqual([false, false, true]);
    const not = namespaceSelectorMatcher(parseSelector("!global()"));
    expect([not(shop), not(null)]).toEqual([true, false]);
  });

  it("evaluates other expressions on the namespace's labels, and on {} for global entities", () => {
    const eq = namespaceSelectorMatcher(parseSelector(`projectcalico.org/name == "shop"`));
    expect([eq(shop), eq(kubeSystem), eq(null)]).toEqual([true, false, false]);
    // `!=` and `not in` are true on a missing label, so they also select global entities.
    const ne = namespaceSelectorMatcher(parseSelector(`projectcalico.org/name not in {"kube-system"}`));
    expect([ne(shop), ne(kubeSystem), ne(null)]).toEqual([true, false, true]);
    const hasAndNotIn = namespaceSelectorMatcher(
      parseSelector(`has(projectcalico.org/name) && projectcalico.org/name not in {"kube-system"}`),
    );
    expect([hasAndNotIn(shop), hasAndNotIn(kubeSystem), hasAndNotIn(null)]).toEqual([true, false, false]);
  });

  it("leaves the plain matcher unchanged: global() is still true there", () => {
    const g = parseSelector("global()");
    namespaceSelectorMatcher(g);
    expect(g.matches({})).toBe(true);
  });
});
