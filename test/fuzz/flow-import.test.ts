// Fuzz target: flow import (importFlowText over JSON lines and CSV). Seeds: the repository's flow fixtures
// (test/fixtures/flows); mutations replace a field of a line with a value of another type, delete it, cut the
// line, or append junk; plus token soup. Property: the flows or a UserError whose every problem names the file
// (and a line), never another exception; a mutated line that still imports gives a flow whose ends are what the
// line says (a wrong type is never read as absent: issue 11, defect 6); at most CPU_MS_PER_CASE CPU ms per case
// for inputs up to ~100 KB (test/fuzz/support.ts). FUZZ_RUNS=20000 for longer runs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { importFlowText } from "../../src/analysis/flows/import.js";
import { UserError } from "../../src/model/problem.js";
import { expectResultOrUserError, params, timeout } from "./support.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/flows");
const JSON_LINES = ["whisker.jsonl", "goldmane.jsonl"].flatMap((f) => readFileSync(join(FIXTURES, f), "utf8").split("\n").filter((l) => l.trim().startsWith("{")));
const CSV = readFileSync(join(FIXTURES, "flows.csv"), "utf8").split("\n").filter((l) => l.trim() !== "");

const WRONG = fc.oneof(
  fc.constantFrom<unknown>(null, 0, -1, 1.5, 2 ** 53 + 2, true, false, "", "-", "x", [], {}, [1], ["a=b"], { a: 1 }, "9007199254740993"),
  fc.jsonValue({ maxDepth: 2 }),
);

function keysOf(o: Record<string, unknown>): string[][] {
  const out: string[][] = [];
  const walk = (x: unknown, p: string[]): void => {
    if (typeof x !== "object" || x === null || Array.isArray(x)) return;
    for (const [k, v] of Object.entries(x)) {
      out.push([...p, k]);
      walk(v, [...p, k]);
    }
  };
  walk(o, []);
  return out;
}

function imports(text: string, file: string): ReturnType<typeof importFlowText> | UserError {
  const r = expectResultOrUserError(text.length, () => importFlowText(text, file), () => JSON.stringify(text.slice(0, 300)));
  if (r instanceof UserError) for (const p of r.problems) expect(p.file ?? "", "every problem names the file").toMatch(new RegExp(`^${file.replace(".", "\\.")}(:\\d+)?$`));
  return r;
}

describe("fuzz: importFlowText", { timeout: timeout(1500, 100) }, () => {
  it("a JSON field replaced by another type or deleted: a problem naming the file and line, or the ends the line says", () => {
    fc.assert(
      fc.property(fc.nat(JSON_LINES.length - 1), fc.nat(), WRONG, fc.boolean(), (i, j, v, del) => {
        const o = JSON.parse(JSON_LINES[i]!) as Record<string, unknown>;
        const ks = keysOf(o);
        const path = ks[j % ks.length]!;
        let parent = o;
        for (const k of path.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
        if (del) delete parent[path.at(-1)!];
        else parent[path.at(-1)!] = v;
        const r = imports(JSON.stringify(o), "f.jsonl");
        if (r instanceof UserError) return;
        // Accepted: a namespace of a workload end is the line's own string (trimmed), never one read from nothing.
        const key = ((o["flow"] as Record<string, unknown> | undefined)?.["key"] ?? o["Key"] ?? o["key"] ?? o) as Record<string, unknown>;
        for (const f of r.flows) {
          for (const [side, end] of [["source", f.source], ["dest", f.destination]] as const) {
            if (end.kind === "workload") {
              const raw = key[`${side}_namespace`] ?? key[`${side}Namespace`] ?? (o as Record<string, unknown>)[`${side}_namespace`];
              expect(typeof raw === "string" ? raw.trim() : raw, `${side}_namespace of an accepted workload end`).toBe(end.namespace);
            }
          }
        }
      }),
      params(1500),
    );
  });

  it("CSV rows with cells replaced, cut or padded", () => {
    fc.assert(
      fc.property(fc.nat(CSV.length - 2), fc.nat(), fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("", '"', '""', "a,b", "99999999999999999999", "-1", "0x50", "ICMP", "\u0000")), fc.constantFrom("replace", "cut", "pad"), (i, j, cell, how) => {
        const row = CSV[i + 1]!.split(",");
        if (how === "replace") row[j % row.length] = cell;
        else if (how === "cut") row.length = j % row.length;
        else row.push(cell);
        void imports(`${CSV[0]}\n${row.join(",")}\n`, "f.csv");
      }),
      params(800),
    );
  });

  it("token soup and cut lines", () => {
    const junk = fc.array(fc.oneof(fc.constantFrom("{", "}", "[", "]", ":", ",", '"', "data:", "event:", "error:", "\n", "\r\n", "null", "1e999", '"source_name"', '"items"'), fc.string({ maxLength: 5 })), { maxLength: 80 }).map((p) => p.join(""));
    fc.assert(
      fc.property(junk, fc.nat(JSON_LINES.length - 1), fc.nat(), (text, i, cut) => {
        void imports(text, "f.jsonl");
        const line = JSON_LINES[i]!;
        void imports(line.slice(0, cut % (line.length + 1)), "f.jsonl");
      }),
      params(800),
    );
  });
});
