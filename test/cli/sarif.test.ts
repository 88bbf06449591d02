/**
 * `diff --format sarif`: SARIF 2.1.0 (validated against the OASIS schema) with lockout invariants and
 * validation problems located at the file and line that define the object: the policy source for a stack,
 * the manifest line (and field) for manifests.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Log } from "sarif";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { sarifSchemaErrors } from "../support/sarif-schema.js";

const ROOT = join(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "cb-sarif-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(cwd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), cwd });
  return { code, out, err };
}

/** A project with the repository's stack files, policies/ (sources and inventory), and `Pulumi.dev.yaml` edited. */
function project(edit: (stack: string) => string): string {
  const d = mkdtempSync(join(work, "p-"));
  for (const f of readdirSync(ROOT).filter((x) => /^Pulumi(\..+)?\.yaml$/.test(x))) cpSync(join(ROOT, f), join(d, f));
  cpSync(join(ROOT, "policies"), join(d, "policies"), { recursive: true });
  writeFileSync(join(d, "Pulumi.dev.yaml"), edit(readFileSync(join(d, "Pulumi.dev.yaml"), "utf8")));
  return d;
}

describe("diff --format sarif", () => {
  it("a stack that breaks DNS: one error per broken invariant, at the policy source line that decides the denied flow, schema-valid; exit 3", async () => {
    const cwd = project((s) => s.replace("  calico-baseline:policies:\n", "  calico-baseline:policies:\n    defaultDenyExcludedNamespaces: []\n"));
    const before = join(cwd, "before");
    expect((await cli(cwd, ["synth", "--stack", "dev", "--out", before])).code).toBe(3); // synth refuses the stack itself
    const base = project((s) => s);
    expect((await cli(base, ["synth", "--stack", "dev"])).code).toBe(0);
    for (const f of ["report.md", "report.svg"]) rmSync(join(base, "dist", "dev", f));
    const r = await cli(cwd, ["diff", "--before", join(base, "dist", "dev"), "--stack", "dev", "--format", "sarif"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(3);
    const log = JSON.parse(r.out) as Log;
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(log.version).toBe("2.1.0");
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe("calico-baseline");
    const dns = run.results!.filter((x) => x.ruleId === "lockout/dns-udp");
    expect(dns.length).toBeGreaterThan(0);
    expect(dns[0]!.level).toBe("error");
    expect(dns[0]!.message.text).toMatch(/^Lockout invariant "dns-udp" is broken enforced now \(broken by this change\): every pod resolves names through kube-dns \(UDP 53\)/);
    const loc = dns[0]!.locations![0]!.physicalLocation!;
    // Decided at the end of tier application: the Tier is defined in policies/tiers.ts, at its name.
    expect(loc.artifactLocation!.uri).toBe("policies/tiers.ts");
    const tiers = readFileSync(join(cwd, "policies/tiers.ts"), "utf8").split("\n");
    expect(tiers[loc.region!.startLine! - 1]).toContain("application");
    // The waiver line is a related location.
    const related = dns[0]!.relatedLocations![0]!.physicalLocation!;
    expect(related.artifactLocation!.uri).toBe("Pulumi.dev.yaml");
    expect(readFileSync(join(cwd, "Pulumi.dev.yaml"), "utf8").split("\n")[related.region!.startLine! - 1]).toBe("  calico-baseline:policies:");
    // Every rule a result names is declared, with its index.
    const ids = run.tool.driver.rules!.map((x) => x.id);
    for (const x of run.results!) expect(ids[x.ruleIndex!]).toBe(x.ruleId);
    // Deterministic.
    expect((await cli(cwd, ["diff", "--before", join(base, "dist", "dev"), "--stack", "dev", "--format", "sarif"])).out).toBe(r.out);
  });

  it("manifests: a policy in a tier without a Tier object is a validation error at its spec.tier line; exit 1", async () => {
    const dir = mkdtempSync(join(work, "m-"));
    writeFileSync(join(dir, "before.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: { name: shop }\n");
    writeFileSync(
      join(dir, "after.yaml"),
      ["apiVersion: v1", "kind: Namespace", "metadata: { name: shop }", "---", "apiVersion: projectcalico.org/v3", "kind: NetworkPolicy", "metadata:", "  name: payments.db", "  namespace: shop", "spec:", "  selector: app == 'db'", "  tier: payments", "  ingress: [{ action: Allow }]", ""].join("\n"),
    );
    const r = await cli(dir, ["diff", "--before", "before.yaml", "--after", "after.yaml", "--format", "sarif"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('tier "payments" has no Tier object');
    const log = JSON.parse(r.out) as Log;
    expect(sarifSchemaErrors(log)).toEqual([]);
    const [res] = log.runs[0]!.results!;
    expect(res!.ruleId).toBe("validation");
    expect(res!.level).toBe("error");
    expect(res!.message.text).toContain('NetworkPolicy/shop/payments.db: spec.tier: tier "payments" has no Tier object');
    expect(res!.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: "after.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 12 } });
  });

  it("a clean change has no error results and exits 0", async () => {
    const base = project((s) => s);
    expect((await cli(base, ["synth", "--stack", "dev"])).code).toBe(0);
    const r = await cli(base, ["diff", "--before", "dist/dev", "--stack", "dev", "--format", "sarif"]);
    expect(r.code).toBe(0);
    const log = JSON.parse(r.out) as Log;
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(log.runs[0]!.results!.filter((x) => x.level === "error")).toEqual([]);
  });

  it("the schema check is not vacuous: a broken log is rejected", () => {
    expect(sarifSchemaErrors({ version: "2.1.0", runs: [{ results: [] }] }).length).toBeGreaterThan(0);
    expect(sarifSchemaErrors({ version: "9", runs: [] }).length).toBeGreaterThan(0);
  });
});
