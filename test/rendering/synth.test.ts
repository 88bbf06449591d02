import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GlobalNetworkPolicy } from "../../components/global-network-policy.js";
import { Tier } from "../../components/tier.js";
import { CATALOG, POLICIES_DIR, type CatalogEntry } from "../../policies/catalog.js";
import { TIER_DEFINITIONS } from "../../policies/tiers.js";
import { definePolicy } from "../../policies/types.js";
import { loadStackConfig } from "../../src/config/index.js";
import type { PolicySettings } from "../../src/config/types.js";
import { MONITORING_FILE, synthMonitoring } from "../../src/rendering/monitoring.js";
import { synthBaseline, synthCharts, toYaml, writeStack, type ObjectFile } from "../../src/rendering/synth.js";
import { synthStackFiles } from "../../src/rendering/stack-files.js";
import { loadInventory } from "../../src/analysis/analyse.js";
import { MARKER_FILE } from "../../src/rendering/write-stack.js";
import { sel } from "../../src/model/selector/index.js";
import { userErrorOf } from "../components/helpers.js";

const ROOT = join(POLICIES_DIR, "..");
const dev = (): PolicySettings => loadStackConfig("dev", { cwd: ROOT }).policies;

function render(charts: readonly ObjectFile[]): string {
  return charts.map((c) => `# ==> ${c.file}\n${toYaml(c.objects)}`).join("\n");
}

const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "cb-synth-"));
  temps.push(d);
  return d;
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("synthBaseline for the dev stack", () => {
  it("renders the tiers and then each tier's policies, in apply order", () => {
    const charts = synthBaseline(dev());
    expect(charts.map((c) => [c.file, c.group])).toEqual([
      ["00-tiers.yaml", "tiers"],
      ["10-security.yaml", "security"],
      ["20-platform.yaml", "platform"],
      ["30-application.yaml", "application"],
      ["40-appsec.yaml", "appsec"],
    ]);
    // Tiers in evaluation order.
    expect(charts[0]?.objects.map((o) => [o["metadata"], (o["spec"] as { order: number }).order])).toEqual([
      [{ name: "security" }, 200],
      [{ name: "platform" }, 300],
      [{ name: "application" }, 400],
      [{ name: "appsec" }, 500],
    ]);
  });
  it("matches the golden file (every file synth writes for dev, in apply order)", async () => {
    const config = loadStackConfig("dev", { cwd: ROOT });
    const files = synthStackFiles(config, loadInventory(config.inventory.path, ROOT)).files;
    expect(files.map((f) => f.file)).toEqual(["00-namespaces.yaml", "00-tiers.yaml", "10-security.yaml", "20-platform.yaml", "30-application.yaml", "40-appsec.yaml", "calico-config.yaml", MONITORING_FILE]);
    // The monitoring file is what synthMonitoring renders.
    expect(files.at(-1)?.objects).toEqual(synthMonitoring());
    await expect(render(files)).toMatchFileSnapshot("golden/dev.yaml");
  });
  it("is byte-identical when run twice", () => {
    expect(render(synthBaseline(dev()))).toBe(render(synthBaseline(dev())));
    const a = tempDir();
    const b = tempDir();
    writeStack(join(a, "dev"), synthBaseline(dev()));
    writeStack(join(b, "dev"), synthBaseline(dev()));
    const files = readdirSync(join(a, "dev")).sort();
    expect(files).toEqual(readdirSync(join(b, "dev")).sort());
    for (const f of files) expect(readFileSync(join(a, "dev", f))).toEqual(readFileSync(join(b, "dev", f)));
  });
  it("names every policy <tier>.<name>, sets spec.tier and never uses hashes", () => {
    for (const chart of synthBaseline(dev()).slice(1)) {
      for (const o of chart.objects) {
        const name = (o["metadata"] as { name: string }).name;
        // Kubernetes' admin policy kinds (policy.networking.k8s.io) sit in Calico's own kube-admin/kube-baseline tiers.
        if (!String(o["kind"]).endsWith("NetworkPolicy") || String(o["apiVersion"]).startsWith("policy.networking.k8s.io/")) continue;
        expect(name.startsWith(`${chart.group}.`)).toBe(true);
        expect((o["spec"] as { tier: string }).tier).toBe(chart.group);
        expect(name).not.toMatch(/-[0-9a-f]{8}$/);
      }
    }
  });
  it("stages the tiers the stack stages (dev stages appsec) and enforces the rest", () => {
    const charts = synthBaseline(dev());
    const kinds = (group: string): string[] => charts.find((c) => c.group === group)?.objects.map((o) => String(o["kind"])) ?? [];
    expect(new Set(kinds("appsec"))).toEqual(new Set(["StagedNetworkPolicy"]));
    expect(kinds("application")).toContain("GlobalNetworkPolicy");
  });
  it("stages everything when the stack is in stage mode, unless a tier enforces", () => {
    const charts = synthBaseline({ ...dev(), mode: "stage", tiers: { security: { mode: "enforce" } } });
    const kinds = charts.slice(1).flatMap((c) => c.objects.filter((o) => String(o["kind"]).includes("Policy")).map((o) => [c.group, String(o["kind"])]));
    for (const [group, kind] of kinds) expect(kind?.startsWith("Staged")).toBe(group !== "security");
  });
  it("never lets a Deny tier select host endpoints (nodes cannot be locked out by a tier's end)", () => {
    for (const chart of synthBaseline(dev()).slice(1)) {
      if (TIER_DEFINITIONS[chart.group as keyof typeof TIER_DEFINITIONS].defaultAction !== "Deny") continue;
      for (const o of chart.objects) {
        const kind = String(o["kind"]);
        if (!kind.includes("GlobalNetworkPolicy")) continue;
        expect((o["spec"] as { namespaceSelector?: string }).namespaceSelector, `${kind} ${JSON.stringify(o["metadata"])}`).toBeDefined();
      }
    }
  });
  it("writes Tier defaultAction for every supported minor (all 3.30+) and finds the Calico API server where the version puts it", () => {
    for (const calicoMinor of ["3.30", "3.31", "3.32"] as const) {
      const tiers = synthBaseline({ ...dev(), calicoMinor })[0]?.objects ?? [];
      expect(tiers.every((t) => (t["spec"] as { defaultAction?: string }).defaultAction !== undefined)).toBe(true);
    }
    const apiServerNs = (minor: "3.30" | "3.31"): unknown =>
      synthBaseline({ ...dev(), calicoMinor: minor })[1]?.objects.find((o) => (o["metadata"] as { name: string }).name === "security.control-plane-calico-apiserver")?.["spec"];
    expect(apiServerNs("3.30")).toMatchObject({ namespaceSelector: 'kubernetes.io/metadata.name == "calico-apiserver"' });
    expect(apiServerNs("3.31")).toMatchObject({ namespaceSelector: 'kubernetes.io/metadata.name == "calico-system"' });
  });
  it("opens between nodes the overlay the stack's IP pools use (IP-in-IP is protocol 4, VXLAN is UDP 4789)", () => {
    const hostsPolicy = (overlays: readonly ("IPIP" | "VXLAN")[]): string =>
      JSON.stringify(synthBaseline({ ...dev(), overlays })[1]?.objects.find((o) => (o["metadata"] as { name: string }).name === "security.control-plane-hosts"));
    expect(hostsPolicy(["IPIP"])).toContain('"protocol":4');
    expect(hostsPolicy(["IPIP"])).not.toContain("4789");
    expect(hostsPolicy(["VXLAN"])).toContain("4789");
    expect(hostsPolicy([])).not.toMatch(/4789|"protocol":4\b/);
  });
});

describe("bad input is reported, all of it, with chart, object and field", () => {
  it("a bad selector value in config (an excluded namespace that is not a name)", () => {
    const msg = userErrorOf(() => synthBaseline({ ...dev(), defaultDenyExcludedNamespaces: ["kube-system", 'x" || all()'] }));
    expect(msg).toContain('policies/application/default-deny.ts: default-deny: excludedNamespaces[1]: not a valid namespace name (value: "x\\" || all()")');
  });
  it("port 70000", () => {
    const msg = userErrorOf(() => synthBaseline({ ...dev(), registry: { cidrs: ["10.0.0.50/32"], port: 70000 } }));
    expect(msg).toContain("policies/platform/registry-egress.ts: registry-egress: registry.port: port out of range 1-65535 (value: 70000)");
  });
  it("a CIDR typo", () => {
    const msg = userErrorOf(() => synthBaseline({ ...dev(), registry: { cidrs: ["10.0.0.50/3x"], port: 5000 } }));
    expect(msg).toContain('registry.cidrs[0]: not a valid CIDR (value: "10.0.0.50/3x")');
  });
  it("several problems at once, nothing partial", () => {
    const msg = userErrorOf(() =>
      synthBaseline({ ...dev(), registry: { cidrs: ["10.0.0.50/3x"], port: 70000 }, defaultDenyExcludedNamespaces: ["Kube"] }),
    );
    expect(msg).toMatch(/^synth failed: 3 problems, nothing written/);
  });
  it("two policies with one name", () => {
    const dns = CATALOG.find((e) => e.policy.name === "allow-dns") as CatalogEntry;
    const msg = userErrorOf(() => synthCharts(dev(), [...CATALOG, { ...dns, file: "policies/platform/allow-dns-copy.ts" }]));
    expect(msg).toContain(
      "20-platform.yaml: GlobalNetworkPolicy/platform.allow-dns-egress: metadata.name: two objects named GlobalNetworkPolicy/platform.allow-dns-egress (the first is in 20-platform.yaml)",
    );
  });
  it("a policy in a tier that does not exist", () => {
    const stray: CatalogEntry = {
      file: "policies/secruity/audit.ts",
      casesFile: "policies/secruity/audit.cases.yaml",
      policy: definePolicy({ tier: "secruity", name: "audit", build: () => undefined }),
    };
    expect(userErrorOf(() => synthCharts(dev(), [...CATALOG, stray]))).toContain(
      'policies/secruity/audit.ts: audit: tier: policy "audit" is in tier "secruity", which does not exist (value: "secruity"). Hint: use one of the baseline tiers: security, platform, application, appsec',
    );
  });
  it("a policy built against a tier object the stack does not have", () => {
    const rogue: CatalogEntry = {
      file: "policies/platform/rogue.ts",
      casesFile: "policies/platform/rogue.cases.yaml",
      policy: definePolicy({
        tier: "platform",
        name: "rogue",
        build(scope) {
          const audit = new Tier(scope, "audit", { name: "audit", order: 250 });
          new GlobalNetworkPolicy(scope, "p", { tier: audit, name: "p", ingress: [] });
        },
      }),
    };
    expect(userErrorOf(() => synthCharts(dev(), [...CATALOG, rogue]))).toContain(
      'GlobalNetworkPolicy/audit.p: spec.tier: policy is in tier "audit", which does not exist',
    );
  });
  it("an object Calico would reject is caught by validateResource, with its field path", () => {
    const bad: CatalogEntry = {
      file: "policies/platform/bad.ts",
      casesFile: "policies/platform/bad.cases.yaml",
      policy: definePolicy({
        tier: "platform",
        name: "bad",
        build(scope, { tier }) {
          // Ports without a protocol: Calico rejects the rule.
          new GlobalNetworkPolicy(scope, "p", { tier, name: "bad", egress: [{ action: "Allow", destination: { ports: [80] } }] });
        },
      }),
    };
    expect(userErrorOf(() => synthCharts(dev(), [...CATALOG, bad]))).toMatch(/20-platform\.yaml: GlobalNetworkPolicy\/platform\.bad: spec\.egress\[0\]/);
  });
  it("a selector value no Calico selector can express is a problem of its policy file, not a crash", () => {
    const quotes: CatalogEntry = {
      file: "policies/platform/quotes.ts",
      casesFile: "policies/platform/quotes.cases.yaml",
      policy: definePolicy({
        tier: "platform",
        name: "quotes",
        build(scope, { tier }) {
          new GlobalNetworkPolicy(scope, "p", { tier, name: "quotes", selector: sel.eq("app", `it's "x"`), ingress: [] });
        },
      }),
    };
    expect(userErrorOf(() => synthCharts(dev(), [...CATALOG, quotes]))).toMatch(/policies\/platform\/quotes\.ts: quotes: selector: invalid selector: value contains both a single and a double quote/);
  });
  it("an unknown stack", () => {
    expect(userErrorOf(() => loadStackConfig("nope", { cwd: ROOT }))).toMatch(/stack "nope" has no configuration file.*Hint: existing stacks: dev/s);
  });
});

describe("writeStack", () => {
  it("replaces the stack directory with exactly the new files", () => {
    const dir = join(tempDir(), "dev");
    writeStack(dir, [{ file: "stale.yaml", objects: [{ kind: "X" }] }]);
    writeStack(dir, synthBaseline(dev()), [{ file: "report.md", content: "# report\n" }]);
    expect(readdirSync(dir).sort()).toEqual([MARKER_FILE, "00-tiers.yaml", "10-security.yaml", "20-platform.yaml", "30-application.yaml", "40-appsec.yaml", "report.md"]);
    expect(readFileSync(join(dir, "00-tiers.yaml"), "utf8")).toMatch(/^# Generated by calico-baseline synth/);
  });
  it("leaves the previous output untouched and no temp files when a write fails", () => {
    const parent = tempDir();
    const dir = join(parent, "dev");
    writeStack(dir, [{ file: "keep.yaml", objects: [{ kind: "X" }] }]);
    const before = readdirSync(parent).sort();
    expect(() => writeStack(dir, [{ file: "../escape.yaml", objects: [] }])).toThrow(/refusing to write/);
    expect(() => writeStack(dir, [{ file: "a.yaml", objects: [] }], [{ file: "sub/dir.md", content: "" }])).toThrow(/refusing to write/);
    expect(readdirSync(parent).sort()).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual([MARKER_FILE, "keep.yaml"]);
    expect(existsSync(join(parent, "escape.yaml"))).toBe(false);
  });
  it("cleans up its temporary directory when rendering fails half-way", () => {
    const parent = tempDir();
    const dir = join(parent, "dev");
    writeStack(dir, [{ file: "keep.yaml", objects: [{ kind: "X" }] }]);
    const before = readdirSync(parent).sort();
    const failing = {
      file: "b.yaml",
      get objects(): Record<string, unknown>[] {
        throw new Error("boom");
      },
    };
    expect(() => writeStack(dir, [{ file: "a.yaml", objects: [{ kind: "X" }] }, failing])).toThrow("boom");
    expect(readdirSync(parent).sort()).toEqual(before);
    expect(readFileSync(join(dir, "keep.yaml"), "utf8")).toMatch(/kind: X/);
  });
});

