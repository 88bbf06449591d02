/**
 * A wrong-typed field of a flow line is a problem with the line and the field, never read as absent (issue 11,
 * defect 6: `"dest_namespace": 5` turned a workload into `host:db-0`; 468 of 675 wrong-type mutations were
 * accepted). Every field import reads is mutated to values of the wrong type; numbers stay out of the enum
 * fields (type, action, reporter, protocol), where they are a documented encoding (goldmane/proto/api.proto).
 */
import { describe, expect, it } from "vitest";
import { importFlowText } from "../../../src/analysis/flows/import.js";
import { UserError } from "../../../src/model/problem.js";

const BASE = {
  action: "Allow",
  source_name: "web-*",
  source_namespace: "shop",
  source_labels: "app=web",
  dest_name: "db-0",
  dest_namespace: "data",
  dest_labels: "app=db",
  dest_net: "10.0.0.9",
  protocol: "tcp",
  dest_port: 5432,
  reporter: "Src",
  num_connections_started: 2,
  policies: { enforced: [], pending: [{ kind: "CalicoNetworkPolicy", name: "p", namespace: "data", tier: "appsec", action: "Allow", policy_index: 0, rule_index: 1, trigger: null }] },
};

const STRING_WRONG = [5, true, {}, [], ["x"]];
const MUTATIONS: Array<[path: string, values: unknown[]]> = [
  ["source_name", STRING_WRONG],
  ["source_namespace", STRING_WRONG],
  ["dest_name", STRING_WRONG],
  ["dest_namespace", STRING_WRONG],
  ["source_labels", [5, true, [1], { app: 1 }]],
  ["dest_labels", [5, true, [{}], { app: true }]],
  // Object.prototype's member names are unknown values, not table hits.
  ["source_type", [true, {}, [], 1.5, -1, "constructor", "__proto__"]],
  ["dest_type", [true, {}, [], 9, "toString"]],
  ["action", [true, {}, [], 1.5, "constructor", "hasOwnProperty"]],
  ["reporter", [true, {}, [], 7, "valueOf", "__proto__"]],
  ["protocol", [true, {}, [], 1.5, 0, 256]],
  ["dest_port", [true, {}, [], 1.5, -1, 70000, "80x"]],
  ["num_connections_started", [true, "x", 1.5, -1, {}]],
  ["dest_net", [5, true, {}, "nope"]],
  ["policies", [5, "x", []]],
  ["policies.pending", [5, {}, "x"]],
  ["policies.pending[0].name", STRING_WRONG],
  ["policies.pending[0].namespace", STRING_WRONG],
  ["policies.pending[0].tier", STRING_WRONG],
  ["policies.pending[0].policy_index", ["0", 1.5, true, {}]],
  ["policies.pending[0].rule_index", ["1", 1.5, false]],
  ["policies.pending[0].action", [true, {}, 1.5]],
  ["policies.pending[0].kind", [true, {}, 99]],
  ["policies.pending[0].trigger", [5, "x", true]],
];

function mutate(path: string, value: unknown): unknown {
  const copy = structuredClone(BASE) as Record<string, unknown>;
  const parts = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  let o = copy as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) o = o[p] as Record<string, unknown>;
  o[parts.at(-1)!] = value;
  return copy;
}

describe("flow import: wrong-typed fields", () => {
  it("the unmutated line imports (the mutations below start from a valid flow)", () => {
    expect(importFlowText(JSON.stringify(BASE), "f.jsonl").flows).toHaveLength(1);
  });

  for (const [path, values] of MUTATIONS) {
    it(`${path} of a wrong type is a problem on line 1 naming ${path}`, () => {
      for (const v of values) {
        let err: unknown;
        try {
          importFlowText(JSON.stringify(mutate(path, v)), "f.jsonl");
        } catch (e) {
          err = e;
        }
        expect(err, `${path} = ${JSON.stringify(v)} was accepted`).toBeInstanceOf(UserError);
        expect((err as UserError).problems.map((p) => `${p.file} ${p.path}`), `${path} = ${JSON.stringify(v)}`).toContain(`f.jsonl:1 ${path}`);
      }
    });
  }

  it("the reproducer: dest_namespace 5 is refused instead of turning the workload into host:db-0", () => {
    expect(() => importFlowText(JSON.stringify(mutate("dest_namespace", 5)), "f.jsonl")).toThrow(/f\.jsonl:1: dest_namespace: dest_namespace must be a string \(value: 5\)/);
  });
});

describe("flow import: counts stay exact (issue 11: counts above 2^53 lost precision)", () => {
  const line = (count: number | string) => `{"action":"Allow","source_name":"web-*","source_namespace":"shop","dest_name":"db-*","dest_namespace":"data","protocol":"tcp","dest_port":5432,"num_connections_started":${count}}`;
  it("a JSON count above 2^53 - 1 is refused, naming the line and field", () => {
    expect(() => importFlowText(line("9007199254740993"), "f.jsonl")).toThrow(/f\.jsonl:1: num_connections_started: is larger than 2\^53 - 1/);
    expect(importFlowText(line(Number.MAX_SAFE_INTEGER), "f.jsonl").flows[0]!.count).toBe(Number.MAX_SAFE_INTEGER);
  });
  it("a CSV count above 2^53 - 1 is refused", () => {
    expect(() => importFlowText("source_namespace,source_labels,dest_namespace,dest_labels,port,protocol,count\nshop,app=web,data,app=db,5432,TCP,99999999999999999999\n", "f.csv")).toThrow(/f\.csv:2: count: count is larger than 2\^53 - 1/);
  });
  it("records whose counts add up past 2^53 - 1 are refused at the flow's first line", () => {
    const big = Number.MAX_SAFE_INTEGER - 1;
    expect(() => importFlowText(`${line(big)}\n${line(big)}\n`, "f.jsonl")).toThrow(/f\.jsonl:1: the connection counts of this flow's records add up to more than 2\^53 - 1/);
  });
});
