import { describe, expect, it } from "vitest";
import { isValidLabelKey, MAX_LABEL_KEY_LENGTH, parseSelector, sel, SelectorError, selectorFromAst, type Selector } from "../../../src/model/selector/index.js";

function rejects(f: () => unknown): SelectorError {
  try {
    f();
  } catch (e) {
    if (e instanceof SelectorError) return e;
    throw e;
  }
  throw new Error("expected a SelectorError");
}

/** The built selector's text parses back to the same AST and text. */
function roundTrips(s: Selector): void {
  const back = parseSelector(s.toString());
  expect(back.ast).toEqual(s.ast);
  expect(back.toString()).toBe(s.toString());
}

describe("sel builder", () => {
  it("builds each leaf with Calico's canonical text", () => {
    const cases: readonly (readonly [Selector, string])[] = [
      [sel.all(), "all()"],
      [sel.global(), "global()"],
      [sel.eq("app", "queue"), `app == "queue"`],
      [sel.ne("app", "queue"), `app != "queue"`],
      [sel.has("projectcalico.org/name"), "has(projectcalico.org/name)"],
      [sel.in("env", ["prod", "dev", "prod"]), `env in {"dev", "prod"}`],
      [sel.notIn("env", []), "env not in {}"],
      [sel.contains("app", "ue"), `app contains "ue"`],
      [sel.startsWith("app", "q"), `app starts with "q"`],
      [sel.endsWith("app", "e"), `app ends with "e"`],
    ];
    for (const [s, text] of cases) {
      expect(s.toString()).toBe(text);
      roundTrips(s);
    }
  });

  it("chains like the issue's example", () => {
    const s = sel.eq("app", "queue").and(sel.has("tier"));
    expect(s.toString()).toBe(`(app == "queue" && has(tier))`);
    expect(s.matches({ app: "queue", tier: "be" })).toBe(true);
    expect(s.matches({ app: "queue" })).toBe(false);
    roundTrips(s);
  });

  it("quotes values containing one kind of quote with the other kind", () => {
    expect(sel.eq("q", 'say "hi"').toString()).toBe(`q == 'say "hi"'`);
    expect(sel.eq("q", "it's").toString()).toBe(`q == "it's"`);
    expect(sel.in("q", ['"', "'"]).toString()).toBe(`q in {'"', "'"}`);
    roundTrips(sel.in("q", ['"', "'", "a b && c"]));
    expect(sel.eq("q", 'say "hi"').matches({ q: 'say "hi"' })).toBe(true);
  });

  it("rejects a value holding both quote characters, which Calico's grammar cannot express", () => {
    const e = rejects(() => sel.eq("q", `it's "x"`));
    expect(e.reason).toBe("value contains both a single and a double quote");
    expect(e.hint).toContain("no escape sequences");
    expect(e.position).toBe(5); // the second of the two quote characters
    expect(() => sel.in("q", ["ok", `'"`])).toThrow(SelectorError);
  });

  it("rejects illegal label keys at construction with a hint", () => {
    const e = rejects(() => sel.eq("app name", "x"));
    expect(e.position).toBe(3);
    expect(e.hint).toContain("label keys may contain only letters, digits, '_', '.', '/' and '-'");
    expect(rejects(() => sel.has("")).reason).toBe("empty label key");
    expect(rejects(() => sel.has("k".repeat(513))).hint).toContain("at most 512");
    expect(() => sel.has("k".repeat(512))).not.toThrow();
    expect(() => sel.has("app:x")).toThrow(SelectorError);
    expect(() => sel.ne("é", "x")).toThrow(SelectorError);
    expect(() => sel.has("a\n")).toThrow(SelectorError);
  });

  it("rejects wrongly typed arguments with a SelectorError", () => {
    expect(() => sel.eq(1 as unknown as string, "x")).toThrow(SelectorError);
    expect(() => sel.eq("a", undefined as unknown as string)).toThrow(SelectorError);
    expect(() => sel.in("a", "x" as unknown as string[])).toThrow(SelectorError);
    expect(() => sel.and({} as Selector)).toThrow(SelectorError);
    expect(() => sel.not(null as unknown as Selector)).toThrow(SelectorError);
  });

  it("and/or flatten chains and handle zero or one operand", () => {
    const [a, b, c] = [sel.has("a"), sel.has("b"), sel.has("c")];
    expect(sel.and(a, b, c).toString()).toBe("(has(a) && has(b) && has(c))");
    expect(a.and(b).and(c).toString()).toBe("(has(a) && has(b) && has(c))");
    expect(a.or(b).or(c.or(a)).toString()).toBe("(has(a) || has(b) || has(c) || has(a))");
    expect(a.and(b).or(c).toString()).toBe("((has(a) && has(b)) || has(c))");
    expect(sel.and().toString()).toBe("all()");
    expect(sel.or().toString()).toBe("!all()");
    expect(sel.or().matches({})).toBe(false);
    expect(sel.and(a)).toBe(a);
    roundTrips(sel.and(a, b, c).or(sel.and(a, sel.or(b, c))));
  });

  it("not() negates and cancels a double negation", () => {
    const a = sel.has("a");
    expect(sel.not(a).toString()).toBe("!has(a)");
    expect(a.not().not().toString()).toBe("has(a)");
    expect(sel.not(a.and(sel.has("b"))).toString()).toBe("!(has(a) && has(b))");
    roundTrips(sel.not(a.or(sel.eq("b", "c"))));
  });

  it("tracks label keys, all() and global() through composition", () => {
    const s = sel.eq("b", "1").and(sel.in("a", ["x"])).or(sel.not(sel.has("b")));
    expect(s.labelKeys()).toEqual(["a", "b"]);
    expect(sel.all().isAll).toBe(true);
    expect(sel.all().and(sel.has("a")).isAll).toBe(false);
    expect(sel.global().usesGlobal).toBe(true);
    expect(sel.has("a").or(sel.global()).usesGlobal).toBe(true);
    expect(sel.has("a").usesGlobal).toBe(false);
  });

  it("selectorFromAst validates and normalises a hand-made AST", () => {
    const s = selectorFromAst({ kind: "in", key: "k", values: ["b", "a", "a"] });
    expect(s.toString()).toBe(`k in {"a", "b"}`);
    expect(selectorFromAst({ kind: "not", operand: { kind: "not", operand: { kind: "has", key: "a" } } }).toString()).toBe("has(a)");
    expect(() => selectorFromAst({ kind: "eq", key: "bad key", value: "x" })).toThrow(SelectorError);
    expect(() => selectorFromAst({ kind: "and", operands: [{ kind: "all" }] })).toThrow(SelectorError);
  });
});

describe("isValidLabelKey", () => {
  it("accepts exactly Calico's selector key syntax", () => {
    for (const k of ["a", "A-b_c.d/e", "projectcalico.org/name", "-", "9", "k".repeat(MAX_LABEL_KEY_LENGTH)]) {
      expect(isValidLabelKey(k), k).toBe(true);
    }
    for (const k of ["", "a b", "a:b", "a\tb", "é", "a=b", "k".repeat(MAX_LABEL_KEY_LENGTH + 1)]) {
      expect(isValidLabelKey(k), k).toBe(false);
    }
  });
});
