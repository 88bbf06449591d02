/**
 * `diff --base REF` synthesises REF in a temporary git worktree with that revision's own code. Tested
 * on a throw-away repository whose `src/cli/main.ts` is a tiny synth stand-in, so the test neither
 * touches this repository's worktrees nor depends on the real baseline.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { platformInventory } from "../support/platform-inventory.js";

const ROOT = join(import.meta.dirname, "../..");

function fakeSynth(port: number): string {
  return `import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
const args = process.argv.slice(2);
const out = args[args.indexOf("--out") + 1];
const stack = args[args.indexOf("--stack") + 1];
mkdirSync(join(out, stack), { recursive: true });
writeFileSync(join(out, stack, "40-application.yaml"), \`apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec:
  selector: app == "db"
  ingress: [{ action: Allow, protocol: TCP, source: { selector: app == "web" }, destination: { ports: [${port}] } }]
\`);
`;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } });
}

describe("diff --base", () => {
  it("synthesises the base revision in a temporary worktree and lists what changed", async () => {
    const repo = mkdtempSync(join(tmpdir(), "cb-diff-base-"));
    git(repo, "init", "-q");
    mkdirSync(join(repo, "src/cli"), { recursive: true });
    mkdirSync(join(repo, "policies"));
    mkdirSync(join(repo, "after"));
    writeFileSync(join(repo, ".gitignore"), "node_modules\n");
    symlinkSync(join(ROOT, "node_modules"), join(repo, "node_modules"), "dir");
    writeFileSync(join(repo, "policies/inventory.yaml"), platformInventory("  - name: shop\n    workloads: [{ name: web, labels: { app: web } }, { name: db, labels: { app: db } }]\n"));
    writeFileSync(join(repo, "src/cli/main.ts"), fakeSynth(5432));
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "base");
    // The working tree's manifests (the "after" side) allow one more port.
    writeFileSync(join(repo, "after/db.yaml"), `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec:
  selector: app == "db"
  ingress: [{ action: Allow, protocol: TCP, source: { selector: app == "web" }, destination: { ports: [5432, 6432] } }]
`);
    let out = "";
    let err = "";
    const code = await main(["diff", "--base", "HEAD", "--after", "after", "--format", "json"], { out: (t) => (out += t), err: (t) => (err += t), cwd: repo });
    expect(err).toBe("");
    expect(code).toBe(0);
    const json = JSON.parse(out) as { changes: Array<{ src: string; dst: string; added: unknown; removed: unknown; explanation: { after: { ingress: { decision: unknown } } } }> };
    const web = json.changes.filter((c) => c.src === "shop/web[Deployment]");
    expect(web.map((c) => [c.dst, c.added, c.removed])).toEqual([["shop/db[Deployment]", { TCP: [[6432, 6432]] }, {}]]);
    expect(web[0]!.explanation.after.ingress.decision).toMatchObject({ by: "rule", policy: "NetworkPolicy/shop/db", rule: 0 });
    // The temporary worktree is gone.
    expect(git(repo, "worktree", "list").trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(repo, "after/db.yaml"))).toBe(true);
  });

  it("an unknown revision is a user error naming git's complaint; --base and --before exclude each other", async () => {
    const repo = mkdtempSync(join(tmpdir(), "cb-diff-base-"));
    git(repo, "init", "-q");
    writeFileSync(join(repo, "README"), "x\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "one");
    let err = "";
    const code = await main(["diff", "--base", "no-such-ref-xyz", "--after", "."], { out: () => undefined, err: (t) => (err += t), cwd: repo });
    expect(code).toBe(1);
    expect(err).toContain("git failed");
    expect(err).toContain("Hint: pass a revision that exists");
    err = "";
    expect(await main(["diff", "--base", "HEAD", "--before", "x"], { out: () => undefined, err: (t) => (err += t), cwd: repo })).toBe(1);
    expect(err).toContain("--base and --before exclude each other");
    err = "";
    expect(await main(["diff", "--after", "."], { out: () => undefined, err: (t) => (err += t), cwd: repo })).toBe(1);
    expect(err).toContain("give --base or --before (or --calico-version and --to-calico-version for an upgrade review)");
  });
});
