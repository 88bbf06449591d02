import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { POLICIES_DIR } from "../../policies/catalog.js";
import { main, type CliIo } from "../../src/cli/main.js";

const ROOT = join(POLICIES_DIR, "..");
const temps: string[] = [];

/** A project directory holding a copy of the repository's stack files and the stacks' inventories. */
function project(): string {
  const d = mkdtempSync(join(tmpdir(), "cb-cli-"));
  temps.push(d);
  for (const f of readdirSync(ROOT).filter((x) => /^Pulumi(\..+)?\.yaml$/.test(x))) cpSync(join(ROOT, f), join(d, f));
  for (const f of readdirSync(POLICIES_DIR).filter((x) => /^inventory(\..+)?\.yaml$/.test(x))) cpSync(join(POLICIES_DIR, f), join(d, "policies", f));
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
      ".calico-baseline-synth",
      "00-namespaces.yaml",
      "00-tiers.yaml",
      "10-security.yaml",
      "20-platform.yaml",
      "30-application.yaml",
      "40-appsec.yaml",
      "calico-config.yaml",
      "monitoring.yaml",
      "report.md",
      "report.svg",
    ]);
    expect(r.out).toMatch(/wrote \d+ objects in 8 files/);
    expect(r.out).toContain("analysed over policies/inventory.yaml: 3 node(s) from the stack config");
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
    expect(r.err).toMatch(/host:cb-dev-control -> kube-system\/coredns\[Deployment\] UDP 53: DENIED/);
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
    expect(up.out).toContain("Calico 3.31.7 (HEAD) → 3.32.1: endpoint pairs the upgrade alone changes: 5 enforced now, 5 once the staged policies are enforced; see upgrade.md");
    const md = readFileSync(join(cwd, "dist", "dev", "upgrade.md"), "utf8");
    expect(md.split("\n")[0]).toBe("### 📝 Calico upgrade impact: dev: safe: every lockout invariant holds · Calico 3.31.7 → 3.32.1 (the upgrade alone changes 5 pairs)");
    // The same objects under 3.31: the ClusterNetworkPolicy guardrail (security/no-cloud-metadata) is not
    // enforced there, so the system pods' egress to the metadata address is what the upgrade alone changes.
    expect(md).toContain("#### Upgrade impact enforced now: Calico 3.31.7 → 3.32.1, 5 endpoint pairs change");
    expect(md).toContain("ClusterNetworkPolicy/no-cloud-metadata is not enforced on 3.31.7 but is on 3.32.1 (`cluster-network-policy`)");
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
  it("analyses prod over prod's own inventory: its ssh hosts and its registry, never dev's", async () => {
    const cwd = project();
    const r = await cli(cwd, "--stack", "prod");
    expect(r.code).toBe(0);
    expect(r.out).toContain("analysed over policies/inventory.prod.yaml: 4 node(s) from the stack config");
    const report = readFileSync(join(cwd, "dist", "prod", "report.md"), "utf8");
    expect(report).toMatch(/\| `registry-pulls` \| ✅ pass \| 4 \| nodes pull images from the private registry 10\.20\.1\.5\/32 \(TCP 5000\)/);
    expect(report).toContain("host:10.20.0.13");
    expect(report).not.toContain("cb-dev-");
    expect(report).not.toContain("10.91.52.");
  });
  it("refuses a stack without an inventory instead of analysing it over another stack's, and writes nothing", async () => {
    const cwd = project();
    rmSync(join(cwd, "policies", "inventory.prod.yaml"));
    const r = await cli(cwd, "--stack", "prod");
    expect(r.code).toBe(1);
    expect(r.err).toContain('stack "prod" has no inventory: policies/inventory.prod.yaml does not exist');
    expect(r.err).toContain("calico-baseline:policies.inventory");
    expect(existsSync(join(cwd, "dist"))).toBe(false);
  });
  it("refuses a namespaced policy in a namespace neither the stack nor the inventory knows, with a hint", async () => {
    const cwd = project();
    const inv = join(cwd, "policies", "inventory.yaml");
    // Drop the shop namespace from dev's inventory: its isolation policy has nowhere to go.
    writeFileSync(inv, readFileSync(inv, "utf8").replace(/ {2}- name: shop\n[\s\S]*?(?= {2}# A namespace nobody wrote policies for)/, ""));
    const r = await cli(cwd, "--stack", "dev");
    expect(r.code).toBe(1);
    expect(r.err).toContain('30-application.yaml: NetworkPolicy/shop/application.namespace-isolation: metadata.namespace: is in namespace "shop", which neither the stack creates nor its inventory declares');
    expect(r.err).toContain('namespaces "shop" not found');
    expect(r.err).toContain("Hint: declare the namespace (name, labels, workloads) in policies/inventory.yaml");
    expect(existsSync(join(cwd, "dist"))).toBe(false);
  });
  it("refuses an inventory that contradicts what the stack deploys, every problem at once", async () => {
    const cwd = project();
    const inv = join(cwd, "policies", "inventory.yaml");
    const text = readFileSync(inv, "utf8")
      .replace("  - name: cb-dev-worker-2\n    ips: [10.91.52.12]", "  - name: node2\n    ips: [10.91.52.12]")
      .replace("ips: [10.91.52.11]", "ips: [192.168.7.11]")
      .replace("      - name: goldmane\n", "      - name: csi-node-driver\n        kind: DaemonSet\n        labels: { k8s-app: csi-node-driver }\n        serviceAccount: csi-node-driver\n      - name: goldmane\n");
    writeFileSync(inv, text);
    const r = await cli(cwd, "--stack", "dev");
    expect(r.code).toBe(1);
    expect(r.err).toContain("the inventory policies/inventory.yaml contradicts what the stack deploys");
    expect(r.err).toMatch(/nodes\[2\]\.name: names a node stack "dev" does not build \(its nodes: cb-dev-control, cb-dev-worker-1, cb-dev-worker-2\)/);
    expect(r.err).toMatch(/nodes\[1\]\.ips\[0\]: is outside the multipass bridge 10\.91\.52\.0\/24.*calico-baseline inventory --from-stack dev/);
    expect(r.err).toMatch(/workloads\[\d\]\.name: is not a workload stack "dev" runs in calico-system/);
    expect(existsSync(join(cwd, "dist"))).toBe(false);
  });
  it("rejects unknown arguments and a missing --stack with usage", async () => {
    const cwd = project();
    expect((await cli(cwd)).err).toMatch(/--stack is required.*usage: calico-baseline synth/s);
    expect((await cli(cwd, "--stack", "dev", "--fast")).err).toMatch(/--fast: unknown argument/);
  });
});
