/**
 * The CEL rule list in cel-rules.ts covers every `x-kubernetes-validations` rule of the v3.32.1 CRDs
 * (projectcalico.org and operator.tigera.io), and its example objects are otherwise structurally valid,
 * so each example exercises exactly its CEL rule.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { UPSTREAM_DATA_DIR, validateAgainstUpstreamCrd } from "../support/crd-schema.js";
import { CEL_RULE_CASES, TRANSITION_RULES } from "./cel-rules.js";

interface FoundRule {
  crd: string;
  at: string;
  message: string;
}

function walk(node: unknown, at: string, crd: string, out: FoundRule[]): void {
  if (Array.isArray(node)) {
    node.forEach((n) => walk(n, at, crd, out));
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const o = node as Record<string, unknown>;
  const rules = o["x-kubernetes-validations"];
  if (Array.isArray(rules)) {
    for (const r of rules as { message: string }[]) out.push({ crd, at, message: r.message });
  }
  const props = o.properties as Record<string, unknown> | undefined;
  if (props !== undefined) {
    for (const [k, v] of Object.entries(props)) walk(v, at === "" ? k : `${at}.${k}`, crd, out);
  }
  if (o.items !== undefined) walk(o.items, `${at}[]`, crd, out);
}

function allCrdRules(): FoundRule[] {
  const out: FoundRule[] = [];
  for (const dir of ["crds", "operator-crds"]) {
    for (const f of readdirSync(join(UPSTREAM_DATA_DIR, dir)).filter((n) => n.endsWith(".yaml")).sort()) {
      const doc = parse(readFileSync(join(UPSTREAM_DATA_DIR, dir, f), "utf8")) as {
        spec: { versions: { schema: { openAPIV3Schema: unknown } }[] };
      };
      for (const v of doc.spec.versions) walk(v.schema.openAPIV3Schema, "", f, out);
    }
  }
  return out;
}

describe("CEL rules of the upstream CRDs", () => {
  const found = allCrdRules();

  it("finds the rules (sanity)", () => {
    expect(found.length).toBeGreaterThan(60);
  });

  it("every rule is implemented and tested (or is a transition rule)", () => {
    const listed = new Set([...CEL_RULE_CASES, ...TRANSITION_RULES].map((c) => `${c.crd}|${c.at}|${c.crdMessage}`));
    const missing = found.map((r) => `${r.crd}|${r.at}|${r.message}`).filter((k) => !listed.has(k));
    expect(missing).toEqual([]);
  });

  it("lists no rule the CRDs do not have", () => {
    const present = new Set(found.map((r) => `${r.crd}|${r.at}|${r.message}`));
    const extra = [...CEL_RULE_CASES, ...TRANSITION_RULES].map((c) => `${c.crd}|${c.at}|${c.crdMessage}`).filter((k) => !present.has(k));
    expect(extra).toEqual([]);
  });

  for (const c of CEL_RULE_CASES) {
    it(`examples for ${c.crd} ${c.at}: ${c.crdMessage} are structurally valid`, () => {
      expect(validateAgainstUpstreamCrd(c.violating)).toEqual([]);
      expect(validateAgainstUpstreamCrd(c.satisfying)).toEqual([]);
    });
  }
});
