/**
 * The baseline's ClusterNetworkPolicy guardrail (policies/security/no-cloud-metadata.ts) per stack: dev runs
 * Calico 3.32.1 and gets a ClusterNetworkPolicy; prod runs 3.31.7 and gets the AdminNetworkPolicy equivalent,
 * which 3.31 enforces in tier adminnetworkpolicy. Left out when the security tier is staged.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { POLICIES_DIR } from "../../policies/catalog.js";
import { analyse, loadInventory } from "../../src/analysis/analyse.js";
import { explain } from "../../src/analysis/evaluate.js";
import { loadStackConfig } from "../../src/config/index.js";
import { synthBaseline } from "../../src/rendering/synth.js";

const ROOT = join(POLICIES_DIR, "..");

function guardrail(stack: string, stage = false): Record<string, unknown>[] {
  const settings = loadStackConfig(stack, { cwd: ROOT }).policies;
  const charts = synthBaseline(stage ? { ...settings, tiers: { ...settings.tiers, security: { mode: "stage" } } } : settings);
  return charts.flatMap((c) => c.objects).filter((o) => String(o["apiVersion"]).startsWith("policy.networking.k8s.io/"));
}

describe("security/no-cloud-metadata", () => {
  it("dev (Calico 3.32) writes a ClusterNetworkPolicy, prod (3.31) an AdminNetworkPolicy", () => {
    expect(guardrail("dev").map((o) => [o["kind"], (o["metadata"] as { name: string }).name])).toEqual([["ClusterNetworkPolicy", "no-cloud-metadata"]]);
    expect(guardrail("prod").map((o) => [o["kind"], (o["metadata"] as { name: string }).name])).toEqual([["AdminNetworkPolicy", "no-cloud-metadata"]]);
  });

  it("on prod's Calico 3.31 the AdminNetworkPolicy denies kube-system the metadata address", () => {
    const settings = loadStackConfig("prod", { cwd: ROOT }).policies;
    const objects = synthBaseline(settings).flatMap((c) => c.objects.map((object) => ({ object, file: c.file })));
    const model = analyse({ objects, inventory: loadInventory(join(ROOT, "policies/inventory.prod.yaml"), ROOT) }, "enforced", settings.calicoMinor);
    const [r] = explain(model, { from: "kube-system/coredns", to: "net:169.254.169.254", protocol: "TCP", port: 80 });
    expect(r!.allowed).toBe(false);
    expect(r!.egress.decision).toMatchObject({ tier: "adminnetworkpolicy", policy: "AdminNetworkPolicy/no-cloud-metadata" });
  });

  it("is left out when the security tier is staged (Kubernetes has no staged ClusterNetworkPolicy)", () => {
    expect(guardrail("dev", true)).toEqual([]);
  });
});
