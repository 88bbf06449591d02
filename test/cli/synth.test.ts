import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { POLICIES_DIR } from "../../policies/catalog.js";
import { main, type CliIo } from "../../src/cli/main.js";

const ROOT = join(POLICIES_DIR, "..");
const temps: string[] = [];

/** A project directory holding a copy of the repository's stack files. */
function project(): string {
  const d = mkdtempSync(join(tmpdir(), "cb-cli-"));
  temps.push(d);
  for (const f of readdirSync(ROOT).filter((x) => /^Pulumi(\..+)?\.yaml$/.test(x))) cpSync(join(ROOT, f), join(d, f));
  return d;
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function cli(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIo = { cwd, out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) };
  const code = await main(["synth", ...args], io);
  return { code, out, err };
}

describe("calico-baseline synth", () => {
  it("writes dist/<stack>/ with one file per tier in apply order, plus monitoring", async () => {
    const cwd = project();
    const r = await cli(cwd, "--stack", "dev");
    expect(r.code).toBe(0);
    expect(readdirSync(join(cwd, "dist", "dev")).sort()).toEqual([
      "00-tiers.yaml",
      "10-security.yaml",
      "20-platform.yaml",
      "30-application.yaml",
      "40-appsec.yaml",
      "monitoring.yaml",
    ]);
    expect(r.out).toMatch(/wrote \d+ objects in 6 files/);
  });
  it("honours --out", async () => {
    const cwd = project();
    expect((await cli(cwd, "--stack=dev", "--out", "build/manifests")).code).toBe(0);
    expect(existsSync(join(cwd, "build", "manifests", "dev", "00-tiers.yaml"))).toBe(true);
  });
  it("fails on an unknown stack, naming the stacks that exist, and writes nothing", async () => {
    const cwd = project();
    const r = await cli(cwd, "--stack", "staging");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/stack "staging" has no configuration file.*existing stacks: dev, prod/s);
    expect(existsSync(join(cwd, "dist"))).toBe(false);
  });
  it("fails on a bad selector value in the stack config and leaves earlier output alone", async () => {
    const cwd = project();
    expect((await cli(cwd, "--stack", "dev")).code).toBe(0);
    const before = readFileSync(join(cwd, "dist", "dev", "30-application.yaml"), "utf8");
    const bad = readFileSync(join(cwd, "Pulumi.dev.yaml"), "utf8").replace(
      "  calico-baseline:policies:\n",
      '  calico-baseline:policies:\n    defaultDenyExcludedNamespaces: [kube-system, "x\\" || all()"]\n',
    );
    writeFileSync(join(cwd, "Pulumi.dev.yaml"), bad);
    const r = await cli(cwd, "--stack", "dev");
    expect(r.code).toBe(1);
    expect(r.err).toContain("defaultDenyExcludedNamespaces[1]");
    expect(readFileSync(join(cwd, "dist", "dev", "30-application.yaml"), "utf8")).toBe(before);
  });
  it("rejects unknown arguments and a missing --stack with usage", async () => {
    const cwd = project();
    expect((await cli(cwd)).err).toMatch(/--stack is required.*usage: calico-baseline synth/s);
    expect((await cli(cwd, "--stack", "dev", "--fast")).err).toMatch(/--fast: unknown argument/);
  });
});
