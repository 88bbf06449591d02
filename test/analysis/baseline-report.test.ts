/**
 * The dev stack's report as `npm start` writes it (report.md and report.svg next to the YAML):
 * real assertions first, then golden files as a whole-output safety net. After an intended baseline
 * change, review the diff and refresh with `UPDATE_GOLDEN=1 npx vitest run test/analysis/baseline-report.test.ts`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderReports } from "../../src/analysis/render-reports.js";
import { declaredSyncedSets } from "../../src/analysis/synced-sets-declared.js";
import { loadStack } from "../../src/cli/stack-input.js";

const ROOT = join(import.meta.dirname, "../..");
const FIXTURES = join(ROOT, "test/fixtures/analysis");

// What `npm start` analyses: the tier charts plus the other files it writes (namespaces, Calico configuration,
// monitoring), over the dev stack's own inventory, with the sets its networkSetSync keeps in step (as synth passes them).
const stack = loadStack("dev", ROOT);
const { config, inventory, charts } = stack;
const extraFiles = stack.files.filter((f) => !charts.some((c) => c.file === f.file));
const syncedSets = declaredSyncedSets(config.networkSetSync);
const out = renderReports({ charts, extraFiles, inventory, settings: config.policies, syncedSets });

function golden(name: string, actual: string): void {
  const file = join(FIXTURES, name);
  if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(file)) writeFileSync(file, actual);
  expect(actual, `${name} differs from the golden file; if the change is intended run UPDATE_GOLDEN=1`).toBe(readFileSync(file, "utf8"));
}

describe("dev stack report", () => {
  it("holds every lockout invariant that is not waived", () => {
    expect(out.invariantFailures.map((f) => f.invariant.name)).toEqual([]);
    expect(out.message).toBe("");
  });

  it("writes report.md and report.svg, deterministically", () => {
    expect(Object.keys(out.files).sort()).toEqual(["report.md", "report.svg"]);
    const again = renderReports({ charts: loadStack("dev", ROOT).charts, extraFiles, inventory, settings: config.policies, syncedSets });
    expect(again.files).toEqual(out.files);
  });

  it("report.md is a PR comment with a summary, the invariant table and a Mermaid namespace graph", () => {
    const md = out.files["report.md"]!;
    expect(md).toMatch(/^## Calico policy report\n/);
    expect(md).toContain("### Lockout invariants");
    expect(md).toContain("| `dns-udp` | ✅ pass |");
    expect(md).toContain("```mermaid\ngraph LR");
    // Summary first: invariants, sizes and what enforcing the staged policies would change.
    expect(md.split("\n")[2]).toMatch(/^✅ all lockout invariants hold · .* staged \(enforcing them changes \*\*\d+\*\* endpoint pairs, see below\)$/);
    // The long pair list is collapsed, so the staged diff stays in sight; GitHub needs the blank line.
    expect(md).toContain("<details><summary>Every allowed workload pair</summary>\n\n| from | to | allowed |");
    expect(md.indexOf("</details>")).toBeLessThan(md.indexOf("### If the staged policies were enforced"));
    // The default deny isolates the sandbox namespace from the shop namespace.
    expect(md).not.toMatch(/\| sandbox \|[^\n]*shop:/);
    // The registry is the nodes' alone: sandbox reaches nothing outside the cluster (not registry:5000
    // either), while the registry-pulls invariant holds from every node.
    expect(md).toContain("| sandbox | kube-system: TCP 53,UDP 53 |\n");
    expect(md).toMatch(/\| `registry-pulls` \| ✅ pass \| ✅ pass \| 3 \| nodes pull images from the private registry 10\.91\.52\.0\/24 \(TCP 5000\)/);
    // Dev deploys the network-set sync controller: its two lockout invariants hold, one flow each.
    expect(md).toMatch(/\| `networkset-sync-consul` \| ✅ pass \| ✅ pass \| 1 \| the network-set sync controller reaches Consul at 10\.91\.52\.20\/32 \(TCP 8501\)/);
    expect(md).toMatch(/\| `networkset-sync-apiserver` \| ✅ pass \| ✅ pass \| 1 \|/);
  });

  it("report.svg colours one cell per namespace pair", () => {
    const svg = out.files["report.svg"]!;
    const names = inventory.namespaces.length + 2; // plus (hosts) and (external)
    expect(svg.startsWith("<svg ")).toBe(true);
    expect((svg.match(/data-state="/g) ?? []).length).toBeGreaterThanOrEqual(names * names - 4 * names);
    // The staged policies close some of fme's flows: those cells are filled with the "closed" colour and
    // glyph (opened, closed and both have distinct colours), and the legend and caption say what they mean.
    expect(svg).toMatch(/data-changed="closed"><title>fme → fme: closed [^<]+; now [^<]+<\/title>/);
    const changed = [...svg.matchAll(/<rect [^>]*fill="(#[0-9a-f]+)"[^>]*data-changed="(opened|closed|both)"><title>([^<]*)<\/title>/g)].map((m) => ({ fill: m[1]!, kind: m[2]!, title: m[3]! }));
    expect(changed.length).toBeGreaterThan(0);
    for (const c of changed) {
      expect(c.fill).toBe({ opened: "#1565c0", closed: "#c62828", both: "#6a1b9a" }[c.kind]);
      expect(c.title).toMatch(c.kind === "opened" ? /: opened [^;]+; now / : c.kind === "closed" ? /: closed [^;]+; now / : /: opened [^;]+; closed [^;]+; now /);
    }
    for (const text of ["all allowed", "some allowed", "denied", "no pair", "+ opened (newly allowed)", "\u2212 closed (newly denied)", "\u00b1 opened and closed", "would change if the staged policies were enforced"]) expect(svg).toContain(text);
    // The title names the view the matrix shows.
    expect(svg).toContain(">Namespace connectivity (row → column), enforced view</text>");
    // A diagonal cell without any pair is not "denied".
    expect(svg).toContain('data-state="no-pair"><title>(external) → (external): traffic between outside addresses is not analysed</title>');
    // Nothing is drawn outside the canvas (labels and legend used to be clipped).
    const width = Number(/^<svg [^>]*width="(\d+)"/.exec(svg)![1]);
    for (const m of svg.matchAll(/<text x="([\d.]+)"[^>]*>([^<]*)</g)) {
      const rotated = m[0].includes("rotate(");
      expect(Number(m[1]) + m[2]!.length * (rotated ? 3.3 : 6.6), m[2]).toBeLessThanOrEqual(width);
    }
  });

  it("matches the golden files", () => {
    golden("dev-report.md", out.files["report.md"]!);
    golden("dev-report.svg", out.files["report.svg"]!);
  });
});
