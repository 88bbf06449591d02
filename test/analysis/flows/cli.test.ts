import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main, type CliIo } from "../../../src/cli/main.js";
import { generateFlowLog, shopConnections } from "../../fixtures/flows/generate.js";

const root = resolve(import.meta.dirname, "../../..");
const work = mkdtempSync(join(tmpdir(), "flows-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const flowsFile = join(work, "shop.jsonl");
writeFileSync(flowsFile, `${generateFlowLog(shopConnections(), 800, 2).join("\n")}\n`);

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIo = { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), cwd: root };
  const code = await main(args, io);
  return { code, out, err };
}

describe("calico-baseline replay", () => {
  it("replays against the dev stack; the exit code is the promotion verdict's (3 exactly when NOT safe)", async () => {
    const r = await cli(["replay", "--flows", flowsFile, "--format", "json"]);
    const doc = JSON.parse(r.out) as { breaking: boolean; totals: { flows: number; breaking: number }; stack: string; promotion: { safe: boolean; verdict: string } };
    expect(doc.stack).toBe("dev");
    expect(doc.totals.flows).toBeGreaterThan(10);
    expect(r.code).toBe(doc.promotion.safe ? 0 : 3);
    expect(doc.breaking).toBe(doc.totals.breaking > 0);
    expect(doc.promotion.verdict).toMatch(doc.promotion.safe ? /^safe to promote/ : /^NOT safe to promote/);
  });

  // A flow the proposed policies allow, but whose recorded staged (pending) verdict was Deny: nothing breaks
  // offline, yet the verdict is "NOT safe to promote" and the exit code must say so (it used to be 0).
  const dnsLine = (pending: "Allow" | "Deny"): string =>
    JSON.stringify({
      start_time: "2026-11-20T10:00:00Z",
      end_time: "2026-11-20T10:00:15Z",
      action: "Allow",
      source_name: "frontend-*",
      source_namespace: "shop",
      source_labels: "app=frontend",
      dest_name: "coredns-*",
      dest_namespace: "kube-system",
      dest_labels: "k8s-app=kube-dns",
      protocol: "udp",
      dest_port: 53,
      reporter: "Src",
      policies: { enforced: [], pending: [{ kind: "EndOfTier", name: "", namespace: "", tier: "appsec", action: pending, policy_index: 0, rule_index: -1, trigger: null }] },
    });

  it.each(["text", "md", "json"])("exits 3 when the verdict is NOT safe although no flow breaks offline (%s)", async (format) => {
    const file = join(work, `pending-deny-${format}.jsonl`);
    writeFileSync(file, `${dnsLine("Deny")}\n`);
    const r = await cli(["replay", "--flows", file, "--format", format]);
    expect(r.err).toBe("");
    expect(r.out).toContain("NOT safe to promote: 1 flow recorded a staged (pending) Deny");
    expect(r.out).not.toMatch(/\(1 allowed today\)/);
    expect(r.code).toBe(3);
    if (format === "md") expect(r.out).toMatch(/^:x: /m);
  });

  it("exits 0 on the same flow with a pending Allow (safe); an empty flow file is a user error (1)", async () => {
    const ok = join(work, "pending-allow.jsonl");
    writeFileSync(ok, `${dnsLine("Allow")}\n`);
    const r = await cli(["replay", "--flows", ok, "--format", "md"]);
    expect(r.out).toContain("safe to promote: zero would-be denials over 1 flow");
    expect(r.out).toMatch(/^:white_check_mark: /m);
    expect(r.code).toBe(0);
    const empty = join(work, "empty.jsonl");
    writeFileSync(empty, "");
    const e = await cli(["replay", "--flows", empty]);
    expect(e.err).toContain("the file holds no flows");
    expect(e.code).toBe(1);
  });

  it("reports malformed flow lines by number and exits 1", async () => {
    const bad = join(work, "bad.jsonl");
    writeFileSync(bad, ['{"source_name":"a-*","source_namespace":"x","dest_name":"b-*","dest_namespace":"y","protocol":"TCP","dest_port":80}', "{oops", '{"protocol":"TCP"}'].join("\n"));
    const r = await cli(["replay", "--flows", bad]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("bad.jsonl: 2 malformed lines");
    expect(r.err).toMatch(/bad\.jsonl:2: not valid JSON/);
    expect(r.err).toMatch(/bad\.jsonl:3: source_name: the source is empty/);
    expect(r.err).toMatch(/bad\.jsonl:3: dest_name: the dest is empty/);
  });

  it("rejects a missing --flows and an unknown format together", async () => {
    const r = await cli(["replay", "--format", "xml"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("--flows: is required");
    expect(r.err).toContain("--format: unknown format");
  });
});

describe("calico-baseline recommend", () => {
  it("writes policy and cases files per tier, checks itself, and refuses to overwrite without --force", async () => {
    const out = join(work, "policies");
    const r = await cli(["recommend", "--flows", flowsFile, "--namespace", "shop", "--per-workload", "--out", out]);
    // The out directory has no inventory.yaml, so no endpoint of the cases is declared: written, exit 4.
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/inventory\.yaml does not declare, so `npm test` rejects the cases file until they are added:/);
    expect(r.err).toContain("  shop/web (Deployment, used by");
    // Whatever the dev baseline denies anyway is reported as a warning first, flow by flow, with its trail.
    expect(r.err).toMatch(/^(warning: stack dev denies \d+ observed flow|files written, but the cases name)/);
    expect(r.out).toContain("self-check: replaying the");
    for (const f of ["application/recommended-shop.ts", "application/recommended-shop.cases.yaml", "appsec/recommended-shop.ts", "appsec/recommended-shop.cases.yaml"]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(readFileSync(join(out, "appsec/recommended-shop.ts"), "utf8")).toContain('name: "recommended-web"');
    // No NetworkSet (an enforced object the baseline's selectors would match): the external address is the rule's nets.
    expect(r.out).toContain("staged, it changes no enforced verdict of stack dev");
    const app = readFileSync(join(out, "application/recommended-shop.ts"), "utf8");
    expect(app).not.toContain("NetworkSet");
    expect(app).toContain('Peer.nets("203.0.113.10/32")');
    const again = await cli(["recommend", "--flows", flowsFile, "--namespace", "shop", "--out", out]);
    expect(again.code).toBe(1);
    expect(again.err).toContain("file exists");
  });

  // Issue 11, defect 4: a flow to the FME database GlobalNetworkSet (policies/externals.ts).
  const fmeLine = (extra: Record<string, unknown>): string =>
    JSON.stringify({ action: "Allow", source_name: "fme-engine-5d8f-*", source_namespace: "fme", source_labels: "app=fme-engine", dest_name: "fme-database", dest_namespace: "", dest_labels: "", protocol: "tcp", dest_port: 5432, reporter: "Src", ...extra });
  it.each([
    ["with the documented dest_type and the set's labels", { dest_type: "NetworkSet", dest_labels: "calico-baseline.io/external=fme-database" }],
    ["with dest_type but no labels recorded", { dest_type: "NetworkSet" }],
    ["without dest_type (read as a host until the stack says it is a set)", {}],
  ])("a flow to a GlobalNetworkSet %s becomes a rule on that set, self-checked with the stack's sets", async (_what, extra) => {
    const file = join(work, `fme-${Object.keys(extra).join("-") || "untyped"}.jsonl`);
    writeFileSync(file, `${fmeLine(extra)}\n`);
    const r = await cli(["recommend", "--flows", file, "--namespace", "fme", "--dry-run"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain('Peer.globalNetworkSets(sel.eq("calico-baseline.io/external", "fme-database")), [Port.tcp(5432)]');
    expect(r.out).not.toContain("Peer.hosts(");
    expect(r.out).toContain("to: net:10.0.0.60");
    expect(r.out).toContain("1 flow(s) allowed, 0 not allowed");
  });

  it("says so when no flow touches the namespace", async () => {
    const r = await cli(["recommend", "--flows", flowsFile, "--namespace", "nothing-here", "--dry-run"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("no flow in");
  });
});
