import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { App, Chart } from "cdk8s";
import { afterAll, describe, expect, it } from "vitest";
import { Tier } from "../../../components/tier.js";
import type { BaselinePolicy } from "../../../policies/types.js";
import type { PolicySettings } from "../../../src/config/types.js";
import { parseCases } from "../../../src/model/cases.js";
import { validateResource } from "../../../src/model/validate/index.js";
import { importFlowText } from "../../../src/analysis/flows/import.js";
import { planRecommendation } from "../../../src/analysis/flows/recommend.js";
import { planToManifests } from "../../../src/analysis/flows/recommend-manifests.js";
import { renderRecommendation } from "../../../src/analysis/flows/recommend-render.js";
import { generateFlowLog, shopConnections } from "../../fixtures/flows/generate.js";

const root = resolve(import.meta.dirname, "../../..");
const flows = importFlowText(generateFlowLog(shopConnections(), 1500, 5).join("\n"), "gen.jsonl").flows;
const work = mkdtempSync(join(tmpdir(), "recommend-render-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const settings = (tiers: PolicySettings["tiers"] = {}): PolicySettings => ({
  calicoMinor: "3.32",
  mode: "enforce",
  tiers,
  defaultDenyExcludedNamespaces: [],
  overlays: ["VXLAN"],
  ipv6: false,
  registry: { cidrs: [], port: 5000 },
  waivers: [],
});

type Obj = { kind: string; metadata: { name: string }; spec: Record<string, unknown> };

/** Writes the rendered files into a scratch policies dir and synthesises them through the components. */
async function synthRendered(perWorkload: boolean, tiers: PolicySettings["tiers"] = {}): Promise<{ objects: Obj[]; cases: string[] }> {
  const plan = planRecommendation(flows, "shop", { perWorkload });
  const policiesDir = join(work, perWorkload ? "per-workload" : "namespace", JSON.stringify(tiers).replace(/\W/g, "") || "default");
  // The generated files import `../types.js` from their policies dir; point it at the real one.
  mkdirSync(policiesDir, { recursive: true });
  writeFileSync(join(policiesDir, "types.ts"), `export * from ${JSON.stringify(pathToFileURL(join(root, "policies/types.ts")).href)};\n`);
  const rendered = renderRecommendation(plan, { policiesDir, root, flowsFile: "gen.jsonl" });
  const cases: string[] = [];
  const app = new App();
  const tierChart = new Chart(app, "tiers", { disableResourceNameHashes: true });
  const chart = new Chart(app, "policies", { disableResourceNameHashes: true });
  const tierObjs = {
    application: new Tier(tierChart, "application", { name: "application", order: 400 }),
    appsec: new Tier(tierChart, "appsec", { name: "appsec", order: 500 }),
  };
  for (const f of rendered.files) {
    const path = join(policiesDir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
    if (f.path.endsWith(".cases.yaml")) {
      cases.push(f.content);
      continue;
    }
    const mod = (await import(pathToFileURL(path).href)) as { default: BaselinePolicy };
    const tier = tierObjs[mod.default.tier as "application" | "appsec"];
    mod.default.build(chart, { tier, settings: settings(tiers) });
  }
  return { objects: chart.toJson() as Obj[], cases };
}

const byName = (objs: readonly Obj[]) => Object.fromEntries(objs.map((o) => [`${o.kind}/${o.metadata.name}`, o]));

describe("the generated TypeScript policy file", () => {
  for (const perWorkload of [false, true]) {
    it(`synthesises through the components to exactly the planned manifests (${perWorkload ? "per workload" : "namespace"})`, async () => {
      const { objects } = await synthRendered(perWorkload);
      const plan = planRecommendation(flows, "shop", { perWorkload });
      expect(byName(objects)).toEqual(byName(planToManifests(plan, "stage") as unknown as Obj[]));
    });
  }

  it("passes the product's Calico validation for every supported minor", async () => {
    const { objects } = await synthRendered(true);
    for (const calicoVersion of ["3.30", "3.31", "3.32"] as const) {
      const problems = objects.flatMap((o) => validateResource(o, { calicoVersion }).map((p) => `${calicoVersion} ${o.metadata.name} ${p.path}: ${p.message}`));
      expect(problems).toEqual([]);
    }
  });

  it("is staged by default and follows an explicit tier mode (the promotion switch)", async () => {
    const staged = await synthRendered(true);
    expect(new Set(staged.objects.filter((o) => o.kind.endsWith("NetworkPolicy")).map((o) => o.kind))).toEqual(new Set(["StagedNetworkPolicy"]));
    const promoted = await synthRendered(true, { application: { mode: "enforce" }, appsec: { mode: "enforce" } });
    expect(new Set(promoted.objects.filter((o) => o.kind.endsWith("NetworkPolicy")).map((o) => o.kind))).toEqual(new Set(["NetworkPolicy"]));
  });

  it("writes cases files the cases parser accepts, with allow and deny cases", async () => {
    const { cases } = await synthRendered(true);
    expect(cases).toHaveLength(2);
    const parsed = cases.map((c, i) => parseCases(c, `case-${i}.yaml`));
    const appsec = parsed[1]!.cases;
    expect(appsec.some((c) => c.expect === "deny")).toBe(true);
    expect(appsec.filter((c) => c.expect === "allow").length).toBeGreaterThan(10);
    // The boundary file checks only that observed flows get through.
    expect(parsed[0]!.cases.every((c) => c.expect === "allow")).toBe(true);
  });
});
