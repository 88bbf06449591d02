/**
 * Exit codes of every command: one table (src/cli/exit-codes.ts), printed by each command's --help and
 * rendered in docs/review.md. Each code is exercised by the command's own tests (synth: test/cli/synth.test.ts;
 * report, explain, diff: test/analysis/cli.test.ts, test/analysis/review.test.ts, test/cli/sarif.test.ts,
 * test/cli/review-clone.test.ts; replay, recommend: test/analysis/flows/cli.test.ts); here the rule itself.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT, EXIT_CODES, exitCodeMarkdown, exitHelp } from "../../src/cli/exit-codes.js";
import { main } from "../../src/cli/main.js";

const ROOT = join(import.meta.dirname, "../..");

async function help(command: string): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await main([command, "--help"], { out: (t) => (out += `${t}\n`), err: () => undefined, cwd: ROOT });
  return { code, out };
}

describe("exit codes", () => {
  it("follow the rule: 0 no change or safe, 3 lockout or unsafe, 1 error; 2 and 4 only where kept on purpose", () => {
    for (const row of EXIT_CODES) {
      const codes = row.codes.map(([c]) => c);
      expect(codes, row.command).toContain(EXIT.OK);
      expect(codes, row.command).toContain(EXIT.ERROR);
      if (codes.includes(EXIT.DENIED)) expect(row.command).toBe("explain");
      if (codes.includes(EXIT.INVENTORY_GAPS)) expect(row.command).toBe("recommend");
      for (const [c, what] of row.codes) if (c === EXIT.UNSAFE) expect(what, row.command).toMatch(/lockout|NOT safe|unsafe|fails its own replay/);
    }
    expect(EXIT_CODES.filter((r) => r.codes.some(([c]) => c === EXIT.UNSAFE)).map((r) => r.command)).toEqual(["synth", "report", "diff", "replay", "recommend"]);
  });

  it.each(["synth", "report", "diff", "explain", "replay", "recommend"])("%s --help prints its exit codes from the table, and exits 0", async (command) => {
    const r = await help(command);
    expect(r.code).toBe(0);
    expect(r.out).toContain(exitHelp(command));
  });

  it("docs/review.md shows the same table", () => {
    expect(readFileSync(join(ROOT, "docs/review.md"), "utf8")).toContain(exitCodeMarkdown());
  });
});
