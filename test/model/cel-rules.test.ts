import { describe, expect, it } from "vitest";
import { validateResource } from "../../src/model/validate/index.js";
import { CEL_RULE_CASES } from "./cel-rules.js";

describe("CRD CEL rules are enforced by validateResource", () => {
  for (const c of CEL_RULE_CASES) {
    const label = `${c.crd} ${c.at === "" ? "(root)" : c.at}: ${c.crdMessage}`;
    it(`rejects a violation of ${label}`, () => {
      const problems = validateResource(c.violating);
      const hit = problems.find((p) => p.path === c.path && p.message === c.message);
      expect(hit, JSON.stringify(problems, null, 1)).toBeDefined();
      expect(hit?.hint.length).toBeGreaterThan(0);
    });
    it(`accepts an object satisfying ${label}`, () => {
      expect(validateResource(c.satisfying)).toEqual([]);
    });
  }
});
