import { describe, expect, it } from "vitest";
import { type Problem } from "../../src/model/problem.js";
import { CALICO_VERSIONS, type CalicoVersion, validateResource } from "../../src/model/validate/index.js";
import { CONFIG_FIELD_CASES, type ExpectedProblem, INVALID_CASES, VALID_CASES, type ValidationCase } from "./validation-cases.js";

function key(p: { path: string; message: string }): string {
  return `${p.path} | ${p.message}`;
}

function expectedFor(p: ExpectedProblem, version: CalicoVersion): ExpectedProblem {
  return { ...p, message: p.message.replace("VERSION", version) };
}

/** Compares reported problems with the expectation: same set of (path, message), same values, matching hints. */
function assertProblems(actual: Problem[], expected: readonly ExpectedProblem[], version: CalicoVersion): void {
  const exp = expected.map((p) => expectedFor(p, version));
  const selectorCase = exp.some((p) => p.message === "SELECTOR");
  if (selectorCase) {
    // Selector errors carry the selector module's own wording; assert shape, position and hint.
    expect(actual.map((p) => p.path).sort()).toEqual(exp.map((p) => p.path).sort());
    for (const e of exp) {
      const a = actual.find((p) => p.path === e.path);
      expect(a?.message).toMatch(/^invalid selector: .+ \(at position \d+\)$/);
      expect(a?.value).toEqual(e.value);
      expect(a?.hint.length).toBeGreaterThan(0);
    }
    return;
  }
  expect(actual.map(key).sort()).toEqual(exp.map(key).sort());
  for (const e of exp) {
    const a = actual.find((p) => key(p) === key(e));
    expect(a, key(e)).toBeDefined();
    expect(a?.value, `value of ${key(e)}`).toEqual(e.value);
    if (typeof e.hint === "string") expect(a?.hint, `hint of ${key(e)}`).toContain(e.hint);
    else expect(a?.hint, `hint of ${key(e)}`).toMatch(e.hint);
  }
}

function versionsOf(c: ValidationCase): readonly CalicoVersion[] {
  return c.versions ?? CALICO_VERSIONS;
}

describe("validateResource accepts documented examples", () => {
  for (const c of VALID_CASES) {
    for (const v of versionsOf(c)) {
      it(`${c.name} (Calico ${v})`, () => {
        expect(validateResource(c.obj, { calicoVersion: v })).toEqual([]);
      });
    }
  }
});

describe("validateResource reports each broken rule with path, value, message and hint", () => {
  for (const c of [...INVALID_CASES, ...CONFIG_FIELD_CASES]) {
    for (const v of versionsOf(c)) {
      it(`${c.name} (Calico ${v})`, () => {
        assertProblems(validateResource(c.obj, { calicoVersion: v }), c.problems, v);
      });
    }
  }
});

describe("validateResource defaults", () => {
  it("targets Calico 3.32 when no version is given", () => {
    const unprefixed = { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name: "allow-dns" }, spec: { tier: "security" } };
    expect(validateResource(unprefixed)).toEqual([]);
    expect(validateResource(unprefixed, { calicoVersion: "3.31" })).toHaveLength(1);
  });
});
