/**
 * `calico.install: manifest` on an existing cluster with an external registry, through `createStack` with
 * injected renderers and manifest loader (fixtures), so it depends neither on the network nor on synth.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig } from "../../src/config/index.js";
import { DecryptedSecret } from "../../src/config/fields.js";
import { foreignImages } from "../../src/deployment/planners/calico.js";
import { EMPTY_INVENTORY } from "../../src/analysis/inventory.js";
import type { StackOutputs } from "../../src/deployment/stack.js";
import { byName, dependsTransitively, installMocks, isSecretValue, recorded, resolve, settle } from "./support/pulumi-mocks.js";

const FIXTURES = join(process.cwd(), "test/fixtures/deployment");
const REGISTRY = "mirror.example.com";
let outputs: StackOutputs;

const tier = { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "security" }, spec: { order: 200 } };
const policy = {
  apiVersion: "projectcalico.org/v3",
  kind: "GlobalNetworkPolicy",
  metadata: { name: "security.allow-dns" },
  spec: { tier: "security", selector: "all()", types: ["Egress"] },
};

beforeAll(async () => {
  await installMocks("staging");
  const config = parseStackConfig(
    {
      "calico-baseline:cluster": { type: "kubeconfig", kubeconfig: new DecryptedSecret("apiVersion: v1\nkind: Config\n") },
      "calico-baseline:registry": {
        type: "external",
        host: REGISTRY,
        username: "robot",
        password: new DecryptedSecret("robot-pw"),
        ca: "-----BEGIN CERTIFICATE-----\nORG CA\n-----END CERTIFICATE-----\n",
        cidrs: ["192.0.2.10/32"],
      },
      "calico-baseline:calico": { install: "manifest", manifests: { crds: "crds.yaml", operator: "operator.yaml" } },
      "calico-baseline:monitoring": { nodeExporter: { enabled: false } },
    },
    "staging",
  );
  const { createStack } = await import("../../src/deployment/stack.js");
  outputs = await createStack(config, {
    synthBaseline: (settings) => {
      expect(settings.registry).toEqual({ cidrs: ["192.0.2.10/32"], port: 443, podPulls: false });
      return [
        { file: "00-tiers.yaml", group: "tiers", objects: [tier] },
        { file: "10-security.yaml", group: "security", objects: [policy] },
      ];
    },
    synthMonitoring: () => [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "calico-monitoring" } },
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "calico-prometheus-user", namespace: "calico-monitoring" } },
    ],
    // The staging stack declares no inventory: its fixture policies are cluster-wide.
    loadInventory: () => EMPTY_INVENTORY,
    loadText: async (location) => readFileSync(join(FIXTURES, location === "crds.yaml" ? "operator-crds.yaml" : "tigera-operator.yaml"), "utf8"),
  });
  await resolve(outputs.images);
  await settle();
});

describe("manifest install on an existing cluster", () => {
  it("uses the configured kubeconfig, secret, for the provider", async () => {
    expect(byName("cluster").type).toBe("calico-baseline:cluster:ExistingCluster");
    expect(isSecretValue(byName("cluster-provider").raw["kubeconfig"])).toBe(true);
    expect(recorded.some((r) => r.type.startsWith("command:") && r.name.startsWith("cluster"))).toBe(false);
  });

  it("applies the CRDs, a pull Secret and the rewritten operator manifest", () => {
    const crds = byName("calico-crds").inputs["objs"] as Record<string, unknown>[];
    expect(crds.map((o) => o["kind"])).toEqual(["CustomResourceDefinition"]);
    const secret = byName("calico-pull-secret");
    expect(secret.inputs).toMatchObject({ type: "kubernetes.io/dockerconfigjson", metadata: { name: "calico-baseline-registry", namespace: "tigera-operator" } });
    const objs = byName("calico-operator").inputs["objs"] as Record<string, unknown>[];
    expect(objs.map((o) => o["kind"])).toEqual(["ServiceAccount", "Deployment"]);
    expect(foreignImages(objs, REGISTRY)).toEqual([]);
    expect(JSON.stringify(objs)).toContain(`"image":"${REGISTRY}/tigera/operator:v1.42.3"`);
    expect(JSON.stringify(objs)).toContain('"imagePullSecrets":[{"name":"calico-baseline-registry"}]');
    expect([...dependsTransitively("calico-operator")]).toEqual(expect.arrayContaining(["calico-pull-secret", "calico-crds", "mirror-copy"]));
  });

  it("mirrors with the organisation's CA and keeps the registry as output", async () => {
    const env = byName("mirror-copy").inputs["environment"] as Record<string, string>;
    expect(env["MIRROR_CA_PEM"]).toContain("ORG CA");
    expect(env["MIRROR_USERNAME"]).toBe("robot");
    expect(await resolve(outputs.registry)).toBe(REGISTRY);
    expect(recorded.map((r) => r.name)).not.toContain("monitoring-node-exporter");
  });

  it("applies the tiers chart before the policy chart, both after the API server", () => {
    expect(byName("policies-tiers").inputs["objs"]).toEqual([tier]);
    expect(byName("policies-10-security").inputs["objs"]).toEqual([policy]);
    expect(dependsTransitively("policies-10-security").has("policies-tiers")).toBe(true);
    expect(dependsTransitively("policies-tiers").has("calico-apiserver")).toBe(true);
    expect(byName("monitoring-namespace").inputs["objs"]).toEqual([{ apiVersion: "v1", kind: "Namespace", metadata: { name: "calico-monitoring" } }]);
  });
});
