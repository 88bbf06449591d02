// Staging is per tier (README.md, "Stage, then enforce"). A staged policy neither allows nor denies,
// so staging a tier can take away allows a later enforced tier relies on. This pins which tiers the baseline
// can stage alone without breaking a lockout invariant, in the current and the would-be view.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { POLICIES_DIR } from "../../policies/catalog.js";
import { analyse } from "../../src/analysis/analyse.js";
import { checkInvariants, defaultInvariants } from "../../src/analysis/invariants.js";
import { parseInventory } from "../../src/analysis/inventory.js";
import { loadStackConfig } from "../../src/config/index.js";
import type { BaselineTier, PolicySettings } from "../../src/config/types.js";
import { synthBaseline } from "../../src/rendering/synth.js";

const settings = loadStackConfig("dev", { cwd: join(POLICIES_DIR, "..") }).policies;
const inventory = parseInventory(parse(readFileSync(join(POLICIES_DIR, "inventory.yaml"), "utf8")), "policies/inventory.yaml");

/** Names of the invariants that fail in either view when exactly `staged` tiers are staged. */
function failedWhenStaging(staged: readonly BaselineTier[]): string[] {
  const tiers: PolicySettings["tiers"] = Object.fromEntries(staged.map((t) => [t, { mode: "stage" as const }]));
  const objects = synthBaseline({ ...settings, mode: "enforce", tiers }).flatMap((c) => c.objects.map((object) => ({ object })));
  const failed = new Set<string>();
  for (const view of [undefined, "staged"] as const) {
    for (const r of checkInvariants(analyse({ objects, inventory }, view), defaultInvariants(settings))) {
      if (r.status !== "pass") failed.add(r.invariant.name);
    }
  }
  return [...failed].sort();
}

describe("staging one tier at a time", () => {
  for (const tier of ["application", "appsec"] as const) {
    it(`${tier} alone keeps every lockout invariant`, () => {
      expect(failedWhenStaging([tier])).toEqual([]);
    });
  }
  it("platform alone takes the network-set sync controller's egress away (dev deploys it; the application tier's default deny then covers calico-baseline)", () => {
    expect(failedWhenStaging(["platform"])).toEqual(["networkset-sync-apiserver", "networkset-sync-consul"]);
  });
  it("security alone takes Prometheus' scrape allows away (the default deny covers calico-monitoring)", () => {
    expect(failedWhenStaging(["security"])).toEqual(["monitoring-felix", "monitoring-kube-controllers", "monitoring-node-exporter", "monitoring-typha"]);
  });
  it("security together with application keeps every invariant", () => {
    expect(failedWhenStaging(["security", "application"])).toEqual([]);
  });
});
