import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { POLICIES_DIR } from "../../policies/catalog.js";
import { main, type CliIo } from "../../src/cli/main.js";

const ROOT = join(POLICIES_DIR, "..");
const temps: string[] = [];

/** A project directory holding a copy of the repository's stack files and the declared inventory. */
function project(): string {
  const d = mkdtempSync(join(tmpdir(), "cb-cli-"));
  temps.push(d);
  for (const f of readdirSync(ROOT).filter((x) => /^Pulumi(\..+)?\.yaml$/.test(x))) cpSync(join(ROOT, f), join(d, f));
  cpSync(join(POLICIES_DIR, "inventory.yaml"), join(d, "policies", "inventory.yaml"));
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
      "report.md",
      "report.svg",
    ]);
    expect(r.out).toMatch(/wrote \d+ objects in 6 files/);
    expect(r.out).toContain("and the analysis report: report.md, report.svg (lockout invariants hold)");
    const report = readFileSync(join(cwd, "dist", "dev", "report.md"), "utf8");
    expect(report).toContain("all lockout invariants hold");
    expect(report).toContain("```mermaid");
    expect(readFileSync(join(cwd, "dist", "dev", "report.svg"), "utf8")).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
  it("fails on a broken lockout invariant with its explain trail, writes nothing, and passes once the invariant is waived", async () => {
    const cwd = project();
    const stackFile = join(cwd, "Pulumi.dev.yaml");
    // Default-deny every namespace, kube-system included: pods keep DNS egress, but coredns stops accepting
    // queries from host-networked clients, so the DNS invariants break.
    const denyAll = readFileSync(stackFile, "utf8").replace(
      "  calico-baseline:policies:\n",
      "  calico-baseline:policies:\n    defaultDenyExcludedNamespaces: []\n",
    );
    writeFileSync(stackFile, denyAll);
    const r = await cli(cwd, "--stack", "dev");
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/breaks \d+ lockout invariant\(s\); nothing was written/);
    expect(r.err).toMatch(/lockout invariant "dns-udp" is broken/);
    expect(r.err).toMatch(/host:control -> kube-system\/coredns\[Deployment\] UDP 53: DENIED/);
    expect(r.err).toMatch(/end of tier application: no policy allowed or passed it \(defaultAction Deny\)/);
    expect(existsSync(join(cwd, "dist"))).toBe(false);
    const broken = [...r.err.matchAll(/lockout invariant "([^"]+)" is broken/g)].map((m) => m[1]!);
    const waived = denyAll.replace(
      "  calico-baseline:policies:\n",
      `  calico-baseline:policies:\n    waivers: [${[...new Set(broken)].join(", ")}]\n`,
    );
    writeFileSync(stackFile, waived);
    const ok = await cli(cwd, "--stack", "dev");
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/\(lockout invariants hold; waived: dns-udp, dns-tcp/);
  });
  it("writes upgrade.md when the stack's calico.version differs from git HEAD's (or --base's), and not otherwise", async () => {
    const cwd = project();
    const g = (...a: string[]): string => execFileSync("git", a, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } });
    g("init", "-q");
    const stackFile = join(cwd, "Pulumi.dev.yaml");
    const v332 = readFileSync(stackFile, "utf8");
    expect(v332).toContain("    version: 3.32.1\n");
    writeFileSync(stackFile, v332.replace("    version: 3.32.1\n", "    version: 3.31.7\n"));
    g("add", "-A");
    g("commit", "-q", "-m", "dev on 3.31.7");
    // Same version as HEAD: no upgrade report.
    const same = await cli(cwd, "--stack", "dev", "--out", "same");
    expect(same.code).toBe(0);
    expect(existsSync(join(cwd, "same", "dev", "upgrade.md"))).toBe(false);
    expect(same.out).not.toContain("upgrade.md");
    // The working tree upgrades dev to 3.32.1.
    writeFileSync(stackFile, v332);
    const up = await cli(cwd, "--stack", "dev");
    expect(up.err).toBe("");
    expect(up.code).toBe(0);
    expect(up.out).toContain("Calico 3.31.7 (HEAD) → 3.32.1: endpoint pairs the upgrade alone changes: 0 enforced now, 0 once the staged policies are enforced; see upgrade.md");
    const md = readFileSync(join(cwd, "dist", "dev", "upgrade.md"), "utf8");
    expect(md.split("\n")[0]).toBe("### 📝 Calico upgrade impact: dev: safe: every lockout invariant holds · Calico 3.31.7 → 3.32.1 (the upgrade alone changes 0 pairs)");
    expect(md).toContain("#### Upgrade impact enforced now: Calico 3.31.7 → 3.32.1, no flow changes");
    expect(md).toContain("(`policy-order-tie-break`)");
    // --base names the revision; one without the stack file is a user error.
    g("rm", "-q", "--cached", "Pulumi.dev.yaml");
    g("commit", "-q", "-m", "untrack");
    const bad = await cli(cwd, "--stack", "dev", "--base", "HEAD");
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("--base: Pulumi.dev.yaml does not exist at HEAD");
    const again = await cli(cwd, "--stack", "dev", "--base", "HEAD~1", "--out", "b");
    expect(again.code).toBe(0);
    expect(existsSync(join(cwd, "b", "dev", "upgrade.md"))).toBe(true);
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
  it("rejects a waiver that names no lockout invariant, listing the real names, and writes nothing", async () => {
    const cwd = project();
    const stackFile = join(cwd, "Pulumi.dev.yaml");
    writeFileSync(
      stackFile,
      readFileSync(stackFile, "utf8").replace("  calico-baseline:policies:\n", "  calico-baseline:policies:\n    waivers: [dns-udp, dns-reachable]\n"),
    );
    const r = await cli(cwd, "--stack", "dev");
    expect(r.code).toBe(1);
    expect(r.err).toContain('Pulumi.dev.yaml: calico-baseline:policies.waivers[1]: names no lockout invariant (value: "dns-reachable")');
    expect(r.err).toMatch(/Hint: use one of: dns-udp, dns-tcp, .*registry-pulls/);
    expect(r.err).not.toContain("waivers[0]");
    expect(existsSync(join(cwd, "dist"))).toBe(false);
  });
  it("rejects unknown arguments and a missing --stack with usage", async () => {
    const cwd = project();
    expect((await cli(cwd)).err).toMatch(/--stack is required.*usage: calico-baseline synth/s);
    expect((await cli(cwd, "--stack", "dev", "--fast")).err).toMatch(/--fast: unknown argument/);
  });
});
