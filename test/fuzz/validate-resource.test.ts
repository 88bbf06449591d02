// Fuzz target: validateResource, documented never to throw (issue 11, defect 8: a Kubernetes NetworkPolicy with
// `ipBlock: {}` threw a TypeError in parseCidr). Seeds are the valid and invalid objects of the validation table
// (test/model/validation-cases.ts) and the objects the dev stack synthesises; a mutation replaces a subtree at a
// random path with a hostile value (wrong types, empty maps such as `ipBlock: {}`, cycles, 5,000-deep values,
// huge strings). Property: a list of problems, each with a string path, message and hint, never an exception;
// at most CPU_MS_PER_CASE CPU ms per case (test/fuzz/support.ts). FUZZ_RUNS=20000 for longer runs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CALICO_VERSIONS, validateResource } from "../../src/model/validate/index.js";
import { stackObjects } from "../../src/cli/commands/report.js";
import { loadStack } from "../../src/cli/stack-input.js";
import { CONFIG_FIELD_CASES, INVALID_CASES, VALID_CASES } from "../model/validation-cases.js";
import { CPU_MS_PER_CASE, params, paths, replaceAt, timeout } from "./support.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const SEEDS: unknown[] = [
  ...[...VALID_CASES, ...INVALID_CASES, ...CONFIG_FIELD_CASES].map((c) => c.obj),
  ...stackObjects(loadStack("dev", ROOT)).map((o) => o.object),
];

function deep(n: number, list: boolean): unknown {
  let v: unknown = list ? [] : {};
  for (let i = 0; i < n; i++) v = list ? [v] : { a: v };
  return v;
}

const HOSTILE: fc.Arbitrary<() => unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, 0, -1, 1.5, 2 ** 53 + 1, Number.NaN, true, "", "0x50", "10.0.0.0/33", "a".repeat(100_000), [], {}, [{}], { cidr: 5 }, { except: [1] }, [null], { "": 1 }).map((v) => () => v),
  fc.jsonValue({ maxDepth: 4 }).map((v) => () => v),
  fc.constantFrom(true, false).map((list) => () => deep(5000, list)),
  fc.constant(() => {
    const o: Record<string, unknown> = { selector: "all()" };
    o["self"] = o;
    o["ingress"] = [o];
    return o;
  }),
);

const PATH_LIMIT = 400;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function expectProblems(obj: unknown, version: (typeof CALICO_VERSIONS)[number], describeCase: () => string): void {
  const t0 = cpuMs();
  let problems: ReturnType<typeof validateResource>;
  try {
    problems = validateResource(obj, { calicoVersion: version });
  } catch (e) {
    throw new Error(`validateResource threw (${(e as Error)?.name}: ${(e as Error)?.message?.slice(0, 200)}) for ${describeCase()}`, { cause: e });
  }
  expect(cpuMs() - t0, `CPU ms for ${describeCase()}`).toBeLessThan(CPU_MS_PER_CASE);
  for (const p of problems) {
    expect(typeof p.path === "string" && typeof p.message === "string" && typeof p.hint === "string", describeCase()).toBe(true);
  }
}

describe("fuzz: validateResource never throws", { timeout: timeout(1500, 100) }, () => {
  it("the reproducers: ipBlock {} and a non-string cidr are problems, not a TypeError", () => {
    const np = (ipBlock: unknown) => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "x", namespace: "d" }, spec: { podSelector: {}, ingress: [{ from: [{ ipBlock }] }] } });
    expect(validateResource(np({})).map((p) => `${p.path}: ${p.message}`)).toContain('spec.ingress[0].from[0].ipBlock.cidr: required field "cidr" is missing');
    expect(validateResource(np({ cidr: 5, except: [1] })).map((p) => p.path)).toContain("spec.ingress[0].from[0].ipBlock.cidr");
  });

  it("cyclic and 5,000-deep values anywhere in a policy are problems", () => {
    const cyc: Record<string, unknown> = { action: "Allow" };
    cyc["source"] = cyc;
    for (const bad of [cyc, deep(5000, false), deep(5000, true)]) {
      for (const at of [["spec"], ["spec", "ingress"], ["metadata", "labels"], ["spec", "ingress", 0]]) {
        expectProblems(replaceAt({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name: "x" }, spec: { selector: "all()", ingress: [{ action: "Allow" }] } }, at, bad), "3.32", () => at.join("."));
      }
    }
  });

  it("mutated seeds: a subtree at a random path replaced by a hostile value", () => {
    fc.assert(
      fc.property(fc.nat(SEEDS.length - 1), fc.nat(), HOSTILE, fc.constantFrom(...CALICO_VERSIONS), (i, j, make, version) => {
        const seed = SEEDS[i];
        const ps = paths(seed, PATH_LIMIT);
        const path = ps[j % ps.length]!;
        expectProblems(replaceAt(seed, path, make()), version, () => `seed ${i} at ${JSON.stringify(path)}`);
      }),
      params(1500),
    );
  });

  it("arbitrary values and arbitrary objects with a Calico or Kubernetes kind", () => {
    const kinds = ["NetworkPolicy", "GlobalNetworkPolicy", "StagedNetworkPolicy", "StagedGlobalNetworkPolicy", "StagedKubernetesNetworkPolicy", "NetworkSet", "GlobalNetworkSet", "HostEndpoint", "Tier", "IPPool", "IPReservation", "BGPConfiguration", "BGPPeer", "BGPFilter", "FelixConfiguration", "KubeControllersConfiguration", "Installation"];
    const apis = ["projectcalico.org/v3", "networking.k8s.io/v1", "operator.tigera.io/v1", 5, null];
    fc.assert(
      fc.property(fc.constantFrom(...apis), fc.constantFrom(...kinds), fc.jsonValue({ maxDepth: 5 }), fc.jsonValue({ maxDepth: 3 }), (apiVersion, kind, spec, metadata) => {
        expectProblems({ apiVersion, kind, metadata, spec }, "3.32", () => JSON.stringify({ apiVersion, kind, metadata, spec }).slice(0, 300));
        expectProblems(spec, "3.32", () => JSON.stringify(spec).slice(0, 300));
      }),
      params(800),
    );
  });
});
