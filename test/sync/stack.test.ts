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
import { SYNC_NAME, SYNC_OWNERSHIP_POLICY, networkSetSyncObjects } from "../../src/deployment/planners/networkset-sync.js";
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

/** Dev's inventory: it lists the controller's pod in its namespace (policies/inventory.yaml, calico-baseline). */
function devInventory() {
  return parseInventory(parse(readFileSync(join(POLICIES_DIR, "inventory.yaml"), "utf8")), "inventory");
}

/** Dev's own networkSetSync section (Pulumi.dev.yaml), with its token as an encrypted value would be offline. */
const DEV_SYNC = { ...(devRaw["calico-baseline:networkSetSync"] as Record<string, unknown>), token: { secure: "v1:abc" } };

/** A security-tier policy that denies every pod's egress to `cidr` on `port` before the platform tier allows it. */
function denyEgress(cidr: string, port: number): Record<string, unknown> {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "GlobalNetworkPolicy",
    metadata: { name: "security.block-consul" },
    spec: { tier: "security", order: 1, selector: "all()", types: ["Egress"], egress: [{ action: "Deny", protocol: "TCP", destination: { nets: [cidr], ports: [port] } }] },
  };
}

function syncInvariants(sync: unknown = SYNC, entries = CATALOG, extra: Record<string, unknown>[] = []): Record<string, string> {
  const cfg = stack(sync);
  const objects = [...synthCharts({ ...cfg.policies, mode: "enforce", tiers: {} }, entries).flatMap((c) => c.objects), ...extra].map((object) => ({ object }));
  const results = checkInvariants(analyse({ objects, inventory: devInventory() }), defaultInvariants(cfg.policies));
  return Object.fromEntries(results.filter((r) => r.invariant.name.startsWith("networkset-sync")).map((r) => [r.invariant.name, r.status]));
}

describe("stack config networkSetSync", () => {
  it("is off by default: no policy settings, no invariants, nothing rendered", () => {
    const { ["calico-baseline:networkSetSync"]: _dev, ...withoutSync } = devRaw;
    const cfg = parseStackConfig(withoutSync, "dev", { secretsRequired: false });
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

  it("never echoes a secret-shaped value the controller's parser refuses (found by test/fuzz/stack-config.test.ts)", () => {
    const leak = { secure: "", value: "hunter2-do-not-print" };
    try {
      stack({ ...SYNC, mappings: [{ service: "postgres", set: "consul-postgres", labels: { role: leak } }] });
      throw new Error("expected a UserError");
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      expect(e.problems).toEqual([expect.objectContaining({ path: "calico-baseline:networkSetSync.mappings[0].labels.role", value: "<redacted>" })]);
      expect(e.message).not.toContain("hunter2");
    }
  });

  it("deploys the ownership ValidatingAdmissionPolicy only where kube-apiserver admits the sets (native v3 CRDs), for the controller's ServiceAccount alone", () => {
    const c = stack(SYNC).networkSetSync;
    const kinds = (nativeV3Crds: boolean) => networkSetSyncObjects(c, "r:5000", { nativeV3Crds }).map((o) => o["kind"]).filter((k) => String(k).startsWith("ValidatingAdmissionPolicy"));
    // The Calico API server's aggregated API is proxied past kube-apiserver's admission: a policy there would never run.
    expect(kinds(false)).toEqual([]);
    expect(kinds(true)).toEqual(["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"]);
    const objs = networkSetSyncObjects(c, "r:5000", { nativeV3Crds: true });
    const policy = objs.find((o) => o["kind"] === "ValidatingAdmissionPolicy") as { metadata: { name: string }; spec: { failurePolicy: string; matchConditions: { expression: string }[]; matchConstraints: { resourceRules: { resources: string[]; operations: string[] }[] } } };
    expect(policy.metadata.name).toBe(SYNC_OWNERSHIP_POLICY);
    expect(policy.spec.failurePolicy).toBe("Fail");
    expect(policy.spec.matchConditions.map((m) => m.expression)).toEqual([`request.userInfo.username == 'system:serviceaccount:${c.namespace}:${SYNC_NAME}'`]);
    expect(policy.spec.matchConstraints.resourceRules).toEqual([expect.objectContaining({ resources: ["globalnetworksets"], operations: ["CREATE", "UPDATE", "DELETE"] })]);
    const binding = objs.find((o) => o["kind"] === "ValidatingAdmissionPolicyBinding") as { spec: Record<string, unknown> };
    expect(binding.spec).toEqual({ policyName: SYNC_OWNERSHIP_POLICY, validationActions: ["Deny"] });
  });

  it("passes tolerations to the controller's pods, and names each bad field of one", () => {
    const ok = stack({ ...SYNC, tolerations: [{ key: "dedicated", operator: "Equal", value: "infra", effect: "NoSchedule" }, { operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 }] });
    expect(ok.networkSetSync.tolerations).toEqual([{ key: "dedicated", operator: "Equal", value: "infra", effect: "NoSchedule" }, { operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 }]);
    const pod = (networkSetSyncObjects(ok.networkSetSync, "r:5000", { nativeV3Crds: false }).find((o) => o["kind"] === "Deployment") as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
    expect(pod["tolerations"]).toEqual(ok.networkSetSync.tolerations);
    const none = networkSetSyncObjects(stack(SYNC).networkSetSync, "r:5000", { nativeV3Crds: false }).find((o) => o["kind"] === "Deployment") as { spec: { template: { spec: Record<string, unknown> } } };
    expect(none.spec.template.spec).not.toHaveProperty("tolerations");
    expect(problemsOf({ ...SYNC, tolerations: [{ operator: "Sometimes", effect: "NoSchedule" }, { key: "a", operator: "Exists", value: "x", effect: "Never", tolerationSeconds: 5 }, "x", { colour: "red" }] })).toEqual([
      "calico-baseline:networkSetSync.tolerations[0].operator",
      "calico-baseline:networkSetSync.tolerations[0].key",
      "calico-baseline:networkSetSync.tolerations[1].effect",
      "calico-baseline:networkSetSync.tolerations[1].value",
      "calico-baseline:networkSetSync.tolerations[1].tolerationSeconds",
      "calico-baseline:networkSetSync.tolerations[2]",
      "calico-baseline:networkSetSync.tolerations[3].colour",
      "calico-baseline:networkSetSync.tolerations[3].key",
    ]);
    expect(problemsOf({ ...SYNC, tolerations: "all" })).toEqual(["calico-baseline:networkSetSync.tolerations"]);
  });

  it("the baseline lets the controller reach Consul and the API server (lockout invariants pass)", () => {
    expect(syncInvariants()).toEqual({ "networkset-sync-consul": "pass", "networkset-sync-apiserver": "pass" });
  });

  it("dev enables it: Consul on the dev network, the example mappings, and the lockout invariants pass on dev's baseline", () => {
    const cfg = parseStackConfig(devRaw, "dev", { secretsRequired: false });
    expect(cfg.networkSetSync.enabled).toBe(true);
    expect(cfg.networkSetSync.token).toBeUndefined();
    expect(cfg.policies.networkSetSync).toEqual({ namespace: "calico-baseline", consulCidrs: ["10.91.52.20/32"], consulPort: 8501 });
    expect(parseSyncConfig(cfg.networkSetSync.controllerConfig, "rendered").mappings.map((m) => [m.service, m.set])).toEqual([
      ["prometheus", "consul-prometheus"],
      ["postgres", "consul-postgres"],
    ]);
    expect(syncInvariants(DEV_SYNC)).toEqual({ "networkset-sync-consul": "pass", "networkset-sync-apiserver": "pass" });
  });

  it("a baseline without the controller's egress policy fails networkset-sync-consul (the lockout is caught)", () => {
    const without = CATALOG.filter((e) => e.policy.name !== "networkset-sync-egress");
    expect(syncInvariants(SYNC, without)["networkset-sync-consul"]).toBe("fail");
    expect(syncInvariants(DEV_SYNC, without)["networkset-sync-consul"]).toBe("fail");
  });

  it("on dev, a policy that denies Consul's address ahead of the controller's egress fails networkset-sync-consul, and only it", () => {
    expect(syncInvariants(DEV_SYNC, CATALOG, [denyEgress("10.91.52.20/32", 8501)])).toEqual({ "networkset-sync-consul": "fail", "networkset-sync-apiserver": "pass" });
    // The same deny on another port leaves the controller's flow alone.
    expect(syncInvariants(DEV_SYNC, CATALOG, [denyEgress("10.91.52.20/32", 8500)])["networkset-sync-consul"]).toBe("pass");
  });
});
