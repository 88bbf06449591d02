/**
 * Laws of validateResource: it never throws, whatever the input; every problem is well formed; all
 * problems come at once (breaking N independent rules yields N problems).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Problem } from "../../src/model/problem.js";
import { CALICO_VERSIONS, validateResource } from "../../src/model/validate/index.js";
import { gnp, type Obj } from "../support/calico-objects.js";
import { VALID_CASES } from "./validation-cases.js";

function wellFormed(p: Problem): boolean {
  return typeof p.path === "string" && typeof p.message === "string" && p.message !== "" && typeof p.hint === "string" && p.hint !== "";
}

/** Sets `value` at a random path of `obj` (a structural mutation of a valid object). */
function mutate(obj: unknown, path: readonly number[], value: unknown): unknown {
  if (path.length === 0 || typeof obj !== "object" || obj === null) return value;
  const [head, ...rest] = path as [number, ...number[]];
  if (Array.isArray(obj)) {
    if (obj.length === 0) return [value];
    const i = head % obj.length;
    return obj.map((x, j) => (j === i ? mutate(x, rest, value) : x));
  }
  const keys = Object.keys(obj);
  if (keys.length === 0) return { injected: value };
  const k = keys[head % keys.length] as string;
  return { ...(obj as Obj), [k]: mutate((obj as Obj)[k], rest, value) };
}

describe("validateResource never crashes", () => {
  it("on arbitrary values", () => {
    fc.assert(
      fc.property(fc.anything(), fc.constantFrom(...CALICO_VERSIONS), (v, version) => {
        const problems = validateResource(v, { calicoVersion: version });
        expect(problems.length).toBeGreaterThan(0);
        expect(problems.every(wellFormed)).toBe(true);
      }),
      { numRuns: 500, seed: 42 },
    );
  });

  // Regression: a matchExpressions item without `key` crashed the key check (found by the property below).
  it("reports a label selector requirement without a key instead of crashing", () => {
    const np = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "keyless", namespace: "shop" },
      spec: { podSelector: { matchExpressions: [{ operator: "Exists" }] }, policyTypes: ["Ingress"] },
    };
    const problems = validateResource(np);
    expect(problems.map((p) => p.path)).toContain("spec.podSelector.matchExpressions[0].key");
    expect(problems.every(wellFormed)).toBe(true);
  });

  it("on random strings and JSON in every field of a valid policy", () => {
    const valid = VALID_CASES.map((c) => c.obj);
    fc.assert(
      fc.property(
        fc.constantFrom(...valid),
        fc.array(fc.nat(), { minLength: 1, maxLength: 7 }),
        fc.oneof(fc.string(), fc.jsonValue(), fc.string({ unit: "grapheme", maxLength: 20 })),
        fc.constantFrom(...CALICO_VERSIONS),
        (obj, path, value, version) => {
          const problems = validateResource(mutate(obj, path, value), { calicoVersion: version });
          expect(Array.isArray(problems)).toBe(true);
          expect(problems.every(wellFormed)).toBe(true);
        },
      ),
      { numRuns: 1500, seed: 7 },
    );
  });

  it("on random selector text, reporting a problem or nothing", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (sel) => {
        const problems = validateResource(gnp("s", { selector: sel }));
        for (const p of problems) {
          expect(wellFormed(p)).toBe(true);
          expect(p.path === "spec.selector" || p.path === "metadata.name").toBe(true);
        }
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});

describe("validateResource reports every problem at once", () => {
  it("one problem per broken rule, across fields and rules", () => {
    const obj = gnp("Bad_Name", {
      selector: "app ==",
      types: ["Ingress", "Ingress"],
      ingress: [
        { action: "Alow" },
        { action: "Allow", protocol: "ICMP", icmp: { code: 1 }, destination: { ports: [80], nets: ["10.0.0.1/8"] } },
      ],
      egress: [{ action: "Allow", source: { services: { name: "x", namespace: "y" } } }],
      doNotTrack: true,
    });
    const paths = validateResource(obj).map((p) => `${p.path}: ${p.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^spec\.ingress\[0\]\.action: must be one of/),
        expect.stringMatching(/^metadata\.name: name must consist of lower case/),
        expect.stringMatching(/^spec\.selector: invalid selector/),
        "spec.types[1]: 'Ingress' type specified more than once",
        "spec.ingress[1].icmp.code: ICMP code specified without an ICMP type",
        "spec.ingress[1].destination.ports: rules that specify ports must set protocol to TCP or UDP or SCTP",
        "spec.ingress[1].destination.nets[0]: network is not strictly masked (host bits are set below the prefix)",
        "spec.egress[0].source.services: services not allowed in egress rule source",
        "spec.applyOnForward: applyOnForward must be true if either preDNAT or doNotTrack is true",
      ]),
    );
    expect(paths).toHaveLength(9);
  });

  it("is deterministic", () => {
    const obj = gnp("x", { selector: "a ==", ingress: [{ action: "Nope", protocol: "tcp" }] });
    expect(validateResource(obj)).toEqual(validateResource(JSON.parse(JSON.stringify(obj)) as unknown));
  });
});

describe("validateResources", () => {
  it("names the object of each problem and keeps input order", async () => {
    const { validateResources } = await import("../../src/model/validate/index.js");
    const problems = validateResources(
      [
        gnp("ok", { selector: "all()" }),
        { apiVersion: "projectcalico.org/v3", kind: "NetworkPolicy", metadata: { name: "Bad", namespace: "web" }, spec: {} },
        42,
      ],
      { file: "chart.yaml" },
    );
    expect(problems.map((p) => [p.file, p.object, p.path])).toEqual([
      ["chart.yaml", "NetworkPolicy/web/Bad", "metadata.name"],
      ["chart.yaml", "#2", ""],
    ]);
  });
});

describe("requireValidResource", () => {
  it("returns the typed resource or throws one UserError with every problem", async () => {
    const { requireValidResource } = await import("../../src/model/validate/index.js");
    const { UserError } = await import("../../src/model/problem.js");
    expect(requireValidResource(gnp("ok", { selector: "all()" })).kind).toBe("GlobalNetworkPolicy");
    let thrown: unknown;
    try {
      requireValidResource(gnp("x", { selector: "a ==", ingress: [{ action: "Nope" }] }), { calicoVersion: "3.31" });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(UserError);
    const err = thrown as InstanceType<typeof UserError>;
    expect(err.problems.map((p) => p.path).sort()).toEqual(["spec.ingress[0].action", "spec.selector"]);
    expect(err.message).toContain("GlobalNetworkPolicy/x is not valid for Calico 3.31");
  });
});
