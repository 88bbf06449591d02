// Every baseline policy ships with a cases file; every case parses and names endpoints of the declared
// dev inventory. (The analysis engine evaluates the verdicts; here the catalog's structure is checked.)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { CATALOG, POLICIES_DIR, loadCases } from "../../policies/catalog.js";
import { TIER_DEFINITIONS } from "../../policies/tiers.js";
import { type CaseEndpoint } from "../../src/model/cases.js";
import { parseCidr, cidrContains } from "../../src/model/net.js";
import { loadStackConfig } from "../../src/config/index.js";
import { BASELINE_TIERS } from "../../src/config/types.js";

const ROOT = join(POLICIES_DIR, "..");

interface Inventory {
  namespaces: { name: string; labels: Record<string, string>; workloads: { name: string; kind: string; labels: Record<string, string>; hostNetwork: boolean }[] }[];
  nodes: { name: string; ips: string[]; labels: Record<string, string>; autoHostEndpoint: boolean }[];
  externals: { name: string; cidr: string }[];
}
const inventory = parse(readFileSync(join(POLICIES_DIR, "inventory.yaml"), "utf8")) as Inventory;

function known(e: CaseEndpoint): boolean {
  switch (e.kind) {
    case "workload":
      return inventory.namespaces.some((n) => n.name === e.namespace && n.workloads.some((w) => w.name === e.workload));
    case "host":
      return inventory.nodes.some((n) => n.name === e.node);
    case "net":
      return parseCidr(e.cidr) !== undefined;
  }
}

describe("the baseline catalog", () => {
  it("has policies in every tier, each filed under its own tier and named after its file", () => {
    for (const tier of BASELINE_TIERS) expect(CATALOG.some((e) => e.policy.tier === tier)).toBe(true);
    for (const e of CATALOG) {
      expect(e.file).toBe(`policies/${e.policy.tier}/${e.policy.name}.ts`);
    }
  });
  it("gives every policy a cases file and every cases file a policy", () => {
    // A missing file is named with its hint (not "expected false to be true").
    const unreadable = CATALOG.flatMap((e) => {
      try {
        loadCases(e);
        return [];
      } catch (err) {
        return [(err as Error).message];
      }
    });
    expect(unreadable).toEqual([]);
    for (const tier of BASELINE_TIERS) {
      for (const f of readdirSync(join(POLICIES_DIR, tier)).filter((x) => x.endsWith(".cases.yaml"))) {
        expect(CATALOG.map((e) => e.casesFile)).toContain(`policies/${tier}/${f}`);
      }
    }
  });
  it("has cases that parse, with both verdicts across the catalog and only known endpoints", () => {
    let allow = 0;
    let deny = 0;
    for (const e of CATALOG) {
      const { cases } = loadCases(e);
      expect(cases.length).toBeGreaterThan(0);
      for (const c of cases) {
        expect(known(c.from), `${e.casesFile}: ${c.name}: from`).toBe(true);
        expect(known(c.to), `${e.casesFile}: ${c.name}: to`).toBe(true);
        if (c.expect === "allow") allow++;
        else deny++;
      }
    }
    expect(allow).toBeGreaterThan(10);
    expect(deny).toBeGreaterThan(10);
  });
  it("orders tiers away from calico-system (100), kube-admin (1000) and below default (1,000,000)", () => {
    const orders = BASELINE_TIERS.map((t) => TIER_DEFINITIONS[t].order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    for (const o of orders) {
      expect([100, 1000]).not.toContain(o);
      expect(o).toBeLessThan(1_000_000);
    }
  });
});

describe("the dev inventory", () => {
  it("declares the system, monitoring, example and sample namespaces the issue names", () => {
    const names = inventory.namespaces.map((n) => n.name);
    expect(names).toEqual(expect.arrayContaining(["kube-system", "calico-system", "tigera-operator", "calico-monitoring", "fme", "shop"]));
    const calico = inventory.namespaces.find((n) => n.name === "calico-system")?.workloads.map((w) => w.name) ?? [];
    expect(calico).toEqual(expect.arrayContaining(["calico-node", "calico-typha", "calico-kube-controllers", "calico-apiserver", "goldmane", "whisker"]));
    const monitoring = inventory.namespaces.find((n) => n.name === "calico-monitoring");
    expect(monitoring?.workloads).toContainEqual(expect.objectContaining({ name: "prometheus", serviceAccount: "calico-prometheus-user" }));
    expect(monitoring?.workloads).toContainEqual(expect.objectContaining({ name: "prometheus-node-exporter", hostNetwork: true }));
  });
  it("puts the registry inside the dev stack's registry CIDRs", () => {
    const registry = parseCidr(inventory.externals.find((e) => e.name === "registry")?.cidr ?? "");
    const cidrs = loadStackConfig("dev", { cwd: ROOT }).policies.registry.cidrs.map((c) => parseCidr(c));
    expect(registry).toBeDefined();
    expect(cidrs.some((c) => c !== undefined && registry !== undefined && cidrContains(c, registry))).toBe(true);
  });
  it("gives every node an OS label (auto host endpoints copy it; has(kubernetes.io/os) selects them)", () => {
    for (const n of inventory.nodes) expect(n.labels["kubernetes.io/os"]).toBe("linux");
    expect(inventory.nodes.filter((n) => n.labels["node-role.kubernetes.io/control-plane"] !== undefined)).toHaveLength(1);
  });
});

describe("loadCatalog", () => {
  it("reports every bad policy file at once: not a policy, wrong tier, wrong name", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { loadCatalog } = await import("../../policies/catalog.js");
    const dir = mkdtempSync(join(tmpdir(), "cb-catalog-"));
    try {
      mkdirSync(join(dir, "security"));
      mkdirSync(join(dir, "platform"));
      writeFileSync(join(dir, "security", "a.ts"), 'export default { tier: "platform", name: "b", build() {} };\n');
      writeFileSync(join(dir, "platform", "c.ts"), "export default 42;\n");
      writeFileSync(join(dir, "platform", "ok.ts"), 'export default { tier: "platform", name: "ok", build() {} };\n');
      writeFileSync(join(dir, "platform", "ok.test.ts"), "export {};\n");
      const msg = await loadCatalog(dir).then(
        () => "no error",
        (e: Error) => e.message,
      );
      expect(msg).toContain('policies/security/a.ts: tier: policy is filed under security/ but names another tier (value: "platform")');
      expect(msg).toContain('policies/security/a.ts: name: policy name differs from its file name (value: "b")');
      expect(msg).toContain("policies/platform/c.ts: default: the file's default export is not a policy");
      expect(msg).not.toContain("ok.test.ts");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
