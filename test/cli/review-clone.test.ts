/**
 * `calico-baseline diff --base HEAD` in a clone of this repository (its files as they are now, committed in a
 * fresh git repository), with the real CLI in a child process, as a reviewer would run it: opening a port in a
 * staged policy shows the staged flow change; deleting allow-DNS lists the removed objects (and, where it is
 * the only DNS allow, fails the DNS invariants: exit 3); moving a policy between files is an empty diff. The
 * workflow's review step (.github/workflows/policy-review.yml) runs here too, against a fake origin/main.
 * The dev stack's review comment for the first change is docs/review.md's example (a golden file).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

const ROOT = join(import.meta.dirname, "../..");
const EXAMPLE = join(ROOT, "test/fixtures/analysis/review-example.md");
const clone = mkdtempSync(join(tmpdir(), "cb-review-clone-"));
afterAll(() => rmSync(clone, { recursive: true, force: true }));

const env = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" };
const git = (...args: string[]): string => execFileSync("git", args, { cwd: clone, encoding: "utf8", env });

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(clone, "bin/calico-baseline.mjs"), ...args], { cwd: clone, encoding: "utf8", env });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function edit(file: string, from: string, to: string): void {
  const p = join(clone, file);
  const text = readFileSync(p, "utf8");
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  writeFileSync(p, text.replace(from, to));
}

/** Back to the committed clone. */
function reset(): void {
  git("checkout", "-q", "--", ".");
  git("clean", "-qfd", "--exclude=node_modules");
  rmSync(join(clone, "review"), { recursive: true, force: true });
}

interface Json {
  status: string;
  exitCode: number;
  objects: { added: Array<{ id: string }>; removed: Array<{ id: string }>; changed: Array<{ after: { id: string }; fields: Array<{ path: string }> }>; unchanged: number };
  views: Array<{ view: string; changes: Array<{ src: string; dst: string; added: unknown; explanation: { after: { ingress: { decision: { policy?: string } } } } }> }>;
  broken: Array<{ view: string; name: string; alreadyBroken: boolean }>;
}

beforeAll(() => {
  // The repository's files as they are now (tracked and new), without tests, docs and benchmarks.
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter((f) => f !== "" && !/^(test|docs|bench)\//.test(f) && existsSync(join(ROOT, f)));
  for (const f of files) {
    mkdirSync(dirname(join(clone, f)), { recursive: true });
    cpSync(join(ROOT, f), join(clone, f));
  }
  symlinkSync(join(ROOT, "node_modules"), join(clone, "node_modules"), "dir");
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "clone");
});

/** One review run writing every format (as the workflow does); returns the exit code and the outputs. */
function review(): { code: number; err: string; json: Json; text: string } {
  rmSync(join(clone, "out"), { recursive: true, force: true });
  const r = cli("diff", "--base", "HEAD", "--out-dir", "out");
  return { code: r.code, err: r.err, json: JSON.parse(readFileSync(join(clone, "out/review.json"), "utf8")) as Json, text: readFileSync(join(clone, "out/review.txt"), "utf8") };
}

describe("diff --base in a clone", () => {
  it("the workflow's review step on a change that opens a port in a staged policy: the would-be flow change with its deciding rule, one comment for every stack, the reports", () => {
    reset();
    edit("examples/fme-flow/index.ts", "this.core.allowTo(this.engine, ...ENGINE_PORTS);", "this.core.allowTo(this.engine, ...ENGINE_PORTS, Port.tcp(7502));");
    git("update-ref", "refs/remotes/origin/main", "HEAD");
    const wf = parseYaml(readFileSync(join(clone, ".github/workflows/policy-review.yml"), "utf8")) as { jobs: { review: { steps: Array<{ id?: string; run?: string }> } } };
    const script = wf.jobs.review.steps.find((s) => s.id === "review")!.run!;
    const output = join(clone, "github-output.txt");
    writeFileSync(output, "");
    const r = spawnSync("bash", ["-c", script], { cwd: clone, encoding: "utf8", env: { ...env, BASE_REF: "main", COMMENT_BUDGET: "60000", GITHUB_OUTPUT: output } });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(output, "utf8")).toBe("failed=\n");
    for (const stack of ["dev", "prod"]) for (const f of ["review.txt", "review.md", "review.json", "review.svg", "review.sarif"]) expect(existsSync(join(clone, "review", stack, f)), `${stack}/${f}`).toBe(true);
    // dev stages appsec: no enforced flow changes, the new flow is in the would-be view.
    const j = JSON.parse(readFileSync(join(clone, "review/dev/review.json"), "utf8")) as Json;
    expect(j.status).toBe("changed");
    expect(j.exitCode).toBe(0);
    expect(j.views.map((v) => v.view)).toEqual(["enforced", "staged"]);
    expect(j.views[0]!.changes).toEqual([]);
    const opened = j.views[1]!.changes;
    expect(opened.map((c) => [c.src, c.dst, c.added])).toEqual([["fme/core[Deployment]", "fme/engine[Deployment]", { TCP: [[7502, 7502]] }]]);
    expect(opened[0]!.explanation.after.ingress.decision.policy).toBe("StagedNetworkPolicy/fme/appsec.engine");
    expect(j.objects.changed.map((c) => c.after.id)).toEqual(["StagedNetworkPolicy/fme/appsec.core", "StagedNetworkPolicy/fme/appsec.engine"]);
    // prod enforces appsec: there the same change opens the flow now.
    const p = JSON.parse(readFileSync(join(clone, "review/prod/review.json"), "utf8")) as Json;
    expect(p.views[0]!.changes.map((c) => [c.src, c.dst])).toEqual([["fme/core[Deployment]", "fme/engine[Deployment]"]]);
    // The one comment: marker, every stack's section, under the budget.
    const comment = readFileSync(join(clone, "review/comment.md"), "utf8");
    expect(comment.startsWith("<!-- calico-baseline-policy-review -->\n## Calico policy review\n")).toBe(true);
    expect(comment).toContain("### 📝 Calico policy review: dev: safe: every lockout invariant holds · objects: 0 removed, 0 added, 2 changed · flows: endpoint pairs changing: 0 enforced now, 1 once the staged policies are enforced");
    expect(comment).toContain("### 📝 Calico policy review: prod: ");
    expect(comment.length).toBeLessThan(60_000);
    // dev's comment is docs/review.md's example.
    const md = readFileSync(join(clone, "review/dev/review.md"), "utf8");
    if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(EXAMPLE)) writeFileSync(EXAMPLE, md);
    expect(md).toBe(readFileSync(EXAMPLE, "utf8"));
    expect(readFileSync(join(ROOT, "docs/review.md"), "utf8")).toContain(md.trim());
  });

  it("deleting allow-DNS: the two removed objects are listed; the default deny still allows DNS, so the invariants hold (exit 0)", () => {
    reset();
    unlinkSync(join(clone, "policies/platform/allow-dns.ts"));
    const r = review();
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.json.objects.removed.map((o) => o.id)).toEqual(["GlobalNetworkPolicy/platform.allow-dns-egress", "GlobalNetworkPolicy/platform.allow-dns-ingress"]);
    expect(r.json.views.every((v) => v.changes.length === 0)).toBe(true);
    expect(r.json.broken).toEqual([]);
    expect(r.text.split("\n")[0]).toBe("safe: every lockout invariant holds · objects: 2 removed, 0 added, 0 changed · no flow changes");
  });

  it("deleting allow-DNS where it is the only DNS allow: removed objects plus the DNS invariants failing, exit 3", () => {
    reset();
    // The base: the default deny sends pods to a node-local DNS cache, so allow-dns is what reaches kube-dns.
    edit("policies/application/default-deny.ts", "{ tier, excludedNamespaces: settings.defaultDenyExcludedNamespaces }", '{ tier, excludedNamespaces: settings.defaultDenyExcludedNamespaces, dns: Peer.pods(sel.eq("k8s-app", "node-local-dns"), { namespace: "kube-system" }) }');
    edit("policies/application/default-deny.ts", 'import { definePolicy } from "../types.js";', 'import { definePolicy } from "../types.js";\nimport { Peer } from "../../components/peer.js";\nimport { sel } from "../../src/model/selector/index.js";');
    git("commit", "-q", "-am", "node-local DNS");
    try {
      unlinkSync(join(clone, "policies/platform/allow-dns.ts"));
      const r = review();
      expect(r.code).toBe(3);
      expect(r.json.exitCode).toBe(3);
      expect(r.json.status).toBe("unsafe");
      expect(r.json.objects.removed.map((o) => o.id)).toEqual(["GlobalNetworkPolicy/platform.allow-dns-egress", "GlobalNetworkPolicy/platform.allow-dns-ingress"]);
      expect(r.json.broken).toEqual(expect.arrayContaining([{ view: "enforced", name: "dns-udp", alreadyBroken: false }, { view: "enforced", name: "dns-tcp", alreadyBroken: false }]));
      expect(r.text.split("\n")[0]).toMatch(/^unsafe: 2 lockout invariants broken \(dns-udp, both views; dns-tcp, both views\) · objects: 2 removed/);
    } finally {
      git("reset", "-q", "--hard", "HEAD~1");
    }
  });

  it("moving a policy between files is an empty diff", () => {
    reset();
    // AllowDns moves from its own file into registry-egress.ts (same tier).
    unlinkSync(join(clone, "policies/platform/allow-dns.ts"));
    edit("policies/platform/registry-egress.ts", 'import { definePolicy } from "../types.js";', 'import { definePolicy } from "../types.js";\nimport { AllowDns } from "../../components/allow-dns.js";');
    edit("policies/platform/registry-egress.ts", "    new PrivateRegistryEgress(", '    new AllowDns(scope, "AllowDns", { tier });\n    new PrivateRegistryEgress(');
    const r = review();
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.json.status).toBe("no-change");
    expect(r.json.objects).toMatchObject({ added: [], removed: [], changed: [] });
    expect(r.json.views.every((v) => v.changes.length === 0)).toBe(true);
    expect(r.text.split("\n")[0]).toBe("no change");
  });
});
