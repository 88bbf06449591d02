// Flow files with millions of bad lines (issue 11, defect 7): the import keeps at most MAX_PROBLEMS_KEPT
// problems and counts the rest, so memory stays flat whatever the problem count, and the error prints
// MAX_PROBLEMS_PRINTED of them plus the number left out (4M bad lines used to die with "Invalid string length").
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { importFlowFile } from "../../../src/analysis/flows/import.js";
import { MAX_FLOW_LINE_CHARS, MAX_PROBLEMS_KEPT, MAX_PROBLEMS_PRINTED } from "../../../src/model/limits.js";
import { UserError } from "../../../src/model/problem.js";

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function importError(path: string): Promise<UserError> {
  try {
    await importFlowFile(path, undefined, "flows.jsonl");
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error("expected a UserError");
}

describe("importing a flow file with very many bad lines", () => {
  it("keeps MAX_PROBLEMS_KEPT problems, counts every other one, and prints a bounded message", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cb-flows-"));
    temps.push(dir);
    const path = join(dir, "flows.jsonl");
    const lines = 50_000;
    const fd = openSync(path, "w");
    const chunk = "{not json\n".repeat(10_000);
    for (let i = 0; i < lines / 10_000; i++) writeSync(fd, chunk);
    closeSync(fd);
    const e = await importError(path);
    expect(e.problems).toHaveLength(MAX_PROBLEMS_KEPT);
    expect(e.omitted).toBe(lines - MAX_PROBLEMS_KEPT);
    expect(e.message.split("\n")[0]).toBe(`flows.jsonl: ${lines} malformed lines (${lines} problems)`);
    expect(e.message.split("\n")).toHaveLength(1 + MAX_PROBLEMS_PRINTED + 1);
    expect(e.message).toContain("flows.jsonl:1: not valid JSON");
    expect(e.message.split("\n").at(-1)).toBe(`  ... and ${lines - MAX_PROBLEMS_PRINTED} more problems (the first ${MAX_PROBLEMS_PRINTED} are listed; fix them and run again)`);
    expect(e.message.length).toBeLessThan(100 * 400);
  }, 120_000);
  it("a single line longer than MAX_FLOW_LINE_CHARS is refused with its line number", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cb-flows-"));
    temps.push(dir);
    const path = join(dir, "flows.jsonl");
    const fd = openSync(path, "w");
    writeSync(fd, '{"a":1}\n');
    const mib = "x".repeat(1024 * 1024);
    for (let i = 0; i <= MAX_FLOW_LINE_CHARS / mib.length; i++) writeSync(fd, mib);
    closeSync(fd);
    const e = await importError(path);
    expect(e.message).toContain(`flows.jsonl:2: --flows: the line is longer than ${MAX_FLOW_LINE_CHARS / 1024 / 1024} Mi characters. Hint: export one flow per line`);
  }, 120_000);
});
