import { describe, expect, it } from "vitest";
import { summary as synthSummary } from "../../src/cli/commands/synth.js";
import { summary as recommendSummary } from "../../src/cli/commands/recommend.js";
import { main, type CliIo } from "../../src/cli/main.js";

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIo = { cwd: process.cwd(), out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) };
  const code = await main(argv, io);
  return { code, out, err };
}

describe("calico-baseline dispatcher", () => {
  it("lists every sub-command with its summary; no command is a usage error (exit 1, usage on stderr), --help is not", async () => {
    const none = await run();
    expect(none.code).toBe(1);
    expect(none.out).toBe("");
    const names = [...none.err.matchAll(/^ {2}([a-z]+) +\S/gm)].map((m) => m[1]);
    expect(names).toEqual(["synth", "report", "diff", "explain", "replay", "recommend", "inventory"]);
    expect(none.err).toContain(`  synth      ${synthSummary}`);
    expect(none.err).toContain(`  recommend  ${recommendSummary}`);
    const help = await run("--help");
    expect(help.code).toBe(0);
    expect(help.out).toBe(none.err);
  });

  it("rejects an unknown command with exit 1 (an error: 2 is explain's 'denied') and the usage on stderr", async () => {
    const r = await run("synthesize");
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^calico-baseline: unknown command "synthesize"\nusage: calico-baseline <command>/);
  });

  it("prints a UserError from a command and exits 1", async () => {
    const r = await run("replay", "--no-such-flag");
    expect(r.code).toBe(1);
    expect(r.err).toContain("--no-such-flag");
    expect(r.err).toContain("usage: calico-baseline replay");
  });
});
