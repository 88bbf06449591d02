/**
 * Upgrade impact: the same objects under two Calico versions. The dev stack's 3.31.7 → 3.32.1 review is a
 * golden file; a fixture whose policies tie on order shows a flow that changes with its reason, the
 * policy-order tie-break (felix/calc/policy_sorter.go PolKVLess: before 3.32 the v1 key name, from 3.32
 * name/namespace/kind; the rule is implemented and cited in src/analysis/model.ts comparePolicies).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { main } from "../../src/cli/main.js";
import { parseInventory } from "../../src/analysis/inventory.js";
import { sourced } from "../../src/analysis/policies.js";
import { describeDifference, upgradeImpact, versionChangesBetween } from "../../src/analysis/upgrade.js";
import { parseCalicoVersion, stackFileCalicoVersion } from "../../src/cli/calico-version.js";
import { yamlObjects } from "./helpers.js";

const ROOT = join(import.meta.dirname, "../..");
const FIXTURES = join(ROOT, "test/fixtures/analysis");

function golden(name: string, actual: string): void {
  const file = join(FIXTURES, name);
  if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), cwd: ROOT });
  return { code, out, err };
}

/** Two policies of one tier with one order; see the comments in the fixture. */
const TIE = readFileSync(join(FIXTURES, "upgrade-tie/policies.yaml"), "utf8");
const INVENTORY = parseInventory(parseYaml(readFileSync(join(FIXTURES, "upgrade-tie.inventory.yaml"), "utf8")), "inventory");
const V331 = parseCalicoVersion("3.31.7", "--calico-version");
const V332 = parseCalicoVersion("3.32.1", "--to-calico-version");

describe("upgrade impact", () => {
  it("two policies tied on order swap places on 3.32: the flow they decide changes, with the tie-break as its reason", () => {
    const u = upgradeImpact({ objects: sourced(yamlObjects(TIE), "tie.yaml"), inventory: INVENTORY }, V331, V332);
    expect(u.ties).toEqual({ pairs: 1, swapped: 1 });
    expect(u.differences).toEqual([{ kind: "order", tier: "security", order: 100, policies: ["GlobalNetworkPolicy/security.bbb", "NetworkPolicy/zz/security.aaa"], change: "policy-order-tie-break" }]);
    const c = u.diff.changes.find((x) => x.src === "client/curl[Deployment]" && x.dst === "zz/web[Deployment]");
    expect(c).toBeDefined();
    expect(c!.removed.toString()).toBe("TCP 80");
    expect(c!.explanation!.before.ingress.decision).toMatchObject({ by: "rule", policy: "GlobalNetworkPolicy/security.bbb", action: "Allow" });
    expect(c!.explanation!.after.ingress.decision).toMatchObject({ by: "rule", policy: "NetworkPolicy/zz/security.aaa", action: "Deny" });
    expect(u.reasons[u.diff.changes.indexOf(c!)]).toEqual([0]);
    expect(u.unexplained).toBe(0);
    expect(describeDifference(u.differences[0]!, V331, V332)).toBe("order tie in tier security (order 100): 3.31.7 evaluates GlobalNetworkPolicy/security.bbb before NetworkPolicy/zz/security.aaa, 3.32.1 the other way round");
    // The other way round (a downgrade) is the mirror image.
    const back = upgradeImpact({ objects: sourced(yamlObjects(TIE), "tie.yaml"), inventory: INVENTORY }, V332, V331);
    expect(back.diff.changes.find((x) => x.src === "client/curl[Deployment]")!.added.toString()).toBe("TCP 80");
  });

  it("a patch upgrade or the same minor has no semantic change; the changes between minors are listed in order", () => {
    expect(versionChangesBetween("3.32", "3.32")).toEqual([]);
    expect(versionChangesBetween("3.30", "3.31")).toEqual([]);
    expect(versionChangesBetween("3.31", "3.32").map((c) => c.id)).toEqual(["policy-order-tie-break", "admin-network-policy-removed", "cluster-network-policy", "tier-allow-tigera-renamed", "tier-name-prefix"]);
    expect(versionChangesBetween("3.32", "3.30")).toEqual(versionChangesBetween("3.30", "3.32"));
    const u = upgradeImpact({ objects: sourced(yamlObjects(TIE)), inventory: INVENTORY }, { label: "3.32.0", minor: "3.32" }, V332);
    expect(u.differences).toEqual([]);
    expect(u.diff.changes).toEqual([]);
  });

  it("versions on the command line and in stack files", () => {
    expect(parseCalicoVersion("v3.31.7", "--x")).toEqual({ label: "3.31.7", minor: "3.31" });
    expect(parseCalicoVersion("3.30", "--x")).toEqual({ label: "3.30", minor: "3.30" });
    expect(() => parseCalicoVersion("3.28.1", "--calico-version")).toThrow(/--calico-version: not a Calico version the analysis knows \(value: "3.28.1"\)/);
    expect(() => parseCalicoVersion("latest", "--calico-version")).toThrow(/not a Calico version/);
    expect(stackFileCalicoVersion("config:\n  calico-baseline:calico:\n    version: 3.31.7\n")).toBe("3.31.7");
    expect(stackFileCalicoVersion("config:\n  calico-baseline:cluster: {type: multipass}\n")).toBe("3.32.1");
    expect(stackFileCalicoVersion(": : bad")).toBeUndefined();
  });

  it("diff --calico-version --to-calico-version on the tie fixture: the reason in every format, exit 0", async () => {
    const text = await cli(["diff", "--after", "test/fixtures/analysis/upgrade-tie", "--inventory", "test/fixtures/analysis/upgrade-tie.inventory.yaml", "--calico-version", "3.31.7", "--to-calico-version", "3.32.1", "--view", "enforced"]);
    expect(text.err).toBe("");
    expect(text.code).toBe(0);
    expect(text.out).toContain("- client/curl[Deployment] => zz/web[Deployment] : TCP 80");
    expect(text.out).toContain("reason: order tie in tier security (order 100): 3.31.7 evaluates GlobalNetworkPolicy/security.bbb before NetworkPolicy/zz/security.aaa, 3.32.1 the other way round [policy-order-tie-break]");
    const json = JSON.parse((await cli(["diff", "--after", "test/fixtures/analysis/upgrade-tie", "--inventory", "test/fixtures/analysis/upgrade-tie.inventory.yaml", "--calico-version", "3.31.7", "--to-calico-version", "3.32.1", "--format", "json"])).out) as {
      upgrade: Array<{ view: string; changes: Array<{ src: string; reasons: number[] }>; differences: Array<{ change: string }> }>;
    };
    expect(json.upgrade[0]!.view).toBe("enforced");
    expect(json.upgrade[0]!.differences[0]!.change).toBe("policy-order-tie-break");
    expect(json.upgrade[0]!.changes.find((c) => c.src === "client/curl[Deployment]")!.reasons).toEqual([0]);
  });

  it("golden: an AdminNetworkPolicy Deny decides web → db on 3.31 and nothing on 3.32 (Calico 3.32 stopped enforcing the kind), with that as the reason", async () => {
    // Calico v3.32.0 release notes: AdminNetworkPolicy and BaselineAdminNetworkPolicy are no longer enforced
    // ("must be removed or replaced by ClusterNetworkPolicy before upgrade"); v3.31.7 converts them into the
    // tier adminnetworkpolicy (libcalico-go/lib/backend/k8s/conversion/adminnetworkpolicy.go).
    const args = ["diff", "--after", "test/fixtures/admin-policies/anp", "--inventory", "test/fixtures/admin-policies/inventory.yaml", "--calico-version", "3.31.7", "--to-calico-version", "3.32.1", "--view", "enforced"];
    const json = JSON.parse((await cli([...args, "--format", "json"])).out) as {
      upgrade: Array<{ view: string; changes: Array<{ src: string; dst: string; reasons: number[] }>; differences: Array<{ kind: string; object?: string; change?: string }> }>;
    };
    const up = json.upgrade[0]!;
    expect(up.view).toBe("enforced");
    expect(up.changes.map((c) => [c.src, c.dst])).toEqual([["shop/web[Deployment]", "shop/db[Deployment]"]]);
    const reasons = up.changes[0]!.reasons.map((i) => up.differences[i]!);
    expect(reasons.some((d) => d.kind === "not-enforced" && d.object === "AdminNetworkPolicy/deny-web-to-db")).toBe(true);
    const text = await cli(args);
    expect(text.err).toBe("");
    expect(text.code).toBe(0);
    golden("anp-upgrade-3.31.7-3.32.1.txt", text.out);
    const md = await cli([...args, "--format", "md"]);
    expect(md.code).toBe(0);
    golden("anp-upgrade-3.31.7-3.32.1.md", md.out);
  });

  it("golden: the dev stack's upgrade review from 3.31.7 to 3.32.1", async () => {
    const md = await cli(["diff", "--calico-version", "3.31.7", "--to-calico-version", "3.32.1", "--format", "md"]);
    expect(md.err).toBe("");
    expect(md.code).toBe(0);
    golden("dev-upgrade-3.31.7-3.32.1.md", md.out);
    const text = await cli(["diff", "--calico-version", "3.31.7", "--to-calico-version", "3.32.1"]);
    golden("dev-upgrade-3.31.7-3.32.1.txt", text.out);
  });
});
