// The stack's networkSetSync section: validated with the controller's own parser, and the lockout invariants
// networkset-sync-consul / networkset-sync-apiserver catch a baseline that would cut the controller off.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { CATALOG, POLICIES_DIR } from "../../policies/catalog.js";
import { analyse } from "../../src/analysis/analyse.js";
import { checkInvariants, defaultInvariants } from "../../src/analysis/invariants.js";
import { parseInventory } from "../../src/analysis/inventory.js";
import { parseStackConfig } from "../../src/config/index.js";
import { UserError } from "../../src/model/problem.js";
import { synthCharts } from "../../src/rendering/synth.js";
import { parseSyncConfig } from "../../src/sync/config.js";

const ROOT = join(POLICIES_DIR, "..");
const devRaw = (parse(readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
const SYNC = {
  enabled: true,
  image: "calico-baseline/networkset-sync:0.1.0",
  consul: { address: "https://consul.example.com:8501", cidrs: ["192.0.2.10/32"] },
  token: { secure: "v1:abc" },
  mappings: [{ service: "postgres", set: "consul-postgres", labels: { "consul-service": "postgres" } }],
};

function stack(sync: unknown) {
  return parseStackConfig({ ...devRaw, "calico-baseline:networkSetSync": sync }, "dev", { secretsRequired: true });
}

function problemsOf(sync: unknown): string[] {
  try {
    stack(sync);
  } catch (e) {
    if (e instanceof UserError) return e.problems.map((p) => p.path);
    throw e;
  }
  throw new Error("expected a UserError");
}

/** Dev's inventory with the controller's pod in its namespace. */
function inventoryWithController() {
  const raw = parse(readFileSync(join(POLICIES_DIR, "inventory.yaml"), "utf8")) as { namespaces: unknown[] };
  raw.namespaces.push({ name: "calico-baseline", labels: {}, workloads: [{ name: "networkset-sync", kind: "Deployment", labels: { "app.kubernetes.io/name": "networkset-sync" }, serviceAccount: "networkset-sync", hostNetwork: false, ports: [{ name: "metrics", port: 9464, protocol: "TCP" }] }] });
  return parseInventory(raw, "inventory");
}

function syncInvariants(entries = CATALOG): Record<string, string> {
  const cfg = stack(SYNC);
  const objects = synthCharts({ ...cfg.policies, mode: "enforce", tiers: {} }, entries).flatMap((c) => c.objects.map((object) => ({ object })));
  const results = checkInvariants(analyse({ objects, inventory: inventoryWithController() }), defaultInvariants(cfg.policies));
  return Object.fromEntries(results.filter((r) => r.invariant.name.startsWith("networkset-sync")).map((r) => [r.invariant.name, r.status]));
}

describe("stack config networkSetSync", () => {
  it("is off by default: no policy settings, no invariants, nothing rendered", () => {
    const cfg = parseStackConfig(devRaw, "dev", { secretsRequired: false });
    expect(cfg.networkSetSync.enabled).toBe(false);
    expect(cfg.policies.networkSetSync).toBeUndefined();
    expect(defaultInvariants(cfg.policies).some((i) => i.name.startsWith("networkset-sync"))).toBe(false);
  });

  it("renders a controller config the controller's parser accepts, with the token as a mounted file", () => {
    const cfg = stack(SYNC);
    expect(cfg.policies.networkSetSync).toEqual({ namespace: "calico-baseline", consulCidrs: ["192.0.2.10/32"], consulPort: 8501 });
    const parsed = parseSyncConfig(cfg.networkSetSync.controllerConfig, "rendered");
    expect(parsed.consul.tokenFile).toBe("/var/run/secrets/consul/token");
    expect(parsed.mappings.map((m) => m.set)).toEqual(["consul-postgres"]);
    expect(JSON.stringify(cfg.networkSetSync.controllerConfig)).not.toContain("v1:abc");
  });

  it("reports every problem under calico-baseline:networkSetSync, the controller's own included", () => {
    expect(problemsOf({ enabled: true, mappings: [{ service: "a", set: "Bad_Name" }, { service: "b", set: "x" }, { service: "c", set: "x" }] })).toEqual(
      expect.arrayContaining([
        "calico-baseline:networkSetSync.consul.address",
        "calico-baseline:networkSetSync.consul.cidrs",
        "calico-baseline:networkSetSync.token",
        "calico-baseline:networkSetSync.image",
        "calico-baseline:networkSetSync.mappings[0].set",
        "calico-baseline:networkSetSync.mappings[2].set",
      ]),
    );
    expect(problemsOf({ ...SYNC, token: "plain-text" })).toEqual(["calico-baseline:networkSetSync.token"]);
  });

  it("the baseline lets the controller reach Consul and the API server (lockout invariants pass)", () => {
    expect(syncInvariants()).toEqual({ "networkset-sync-consul": "pass", "networkset-sync-apiserver": "pass" });
  });

  it("a baseline without the controller's egress policy fails networkset-sync-consul (the lockout is caught)", () => {
    const without = CATALOG.filter((e) => e.policy.name !== "networkset-sync-egress");
    expect(syncInvariants(without)["networkset-sync-consul"]).toBe("fail");
  });
});
