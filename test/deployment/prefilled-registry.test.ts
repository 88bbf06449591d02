/**
 * A kubeconfig cluster with an external registry that a separate pipeline fills (`registry.mirror: false`) and
 * charts from local paths, through `createStack` with the real renderers under Pulumi mocks. This is the stack
 * shape the real-engine e2e runs (issue 9): it must hold no resource of @pulumi/command, @pulumi/random or
 * @pulumi/tls (their providers cannot be built there), check the registry before registering anything, and
 * install Helm charts from their local paths.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig, type StackConfig } from "../../src/config/index.js";
import { DecryptedSecret } from "../../src/config/fields.js";
import type { MirroredImage } from "../../src/deployment/images.js";
import { foreignImages } from "../../src/deployment/planners/calico.js";
import type { RegistryAccess } from "../../src/deployment/registry/prefilled-registry.js";
import type { StackOutputs } from "../../src/deployment/stack.js";
import { UserError } from "../../src/model/problem.js";
import { synthMonitoring } from "../../src/rendering/monitoring.js";
import { synthBaseline } from "../../src/rendering/synth.js";
import { byName, dependsTransitively, installMocks, recorded, resolve, settle } from "./support/pulumi-mocks.js";

const REGISTRY = "registry.site.example:5000";
const charts = mkdtempSync(join(tmpdir(), "cb-prefilled-charts-"));
afterAll(() => rmSync(charts, { recursive: true, force: true }));

function chart(name: string, version: string): void {
  mkdirSync(join(charts, name), { recursive: true });
  writeFileSync(join(charts, name, "Chart.yaml"), `apiVersion: v2\nname: ${name}\nversion: ${version}\n`);
}
chart("tigera-operator", "v3.32.1");
chart("crd.projectcalico.org.v1", "v3.32.1");
chart("prometheus-node-exporter", "4.45.3");

function stack(): StackConfig {
  return parseStackConfig(
    {
      "calico-baseline:cluster": { type: "kubeconfig", kubeconfig: new DecryptedSecret("apiVersion: v1\nkind: Config\n") },
      "calico-baseline:registry": { type: "external", host: REGISTRY, username: "puller", password: new DecryptedSecret("pull-pw"), cidrs: ["192.0.2.20/32"], mirror: false },
      "calico-baseline:calico": { chartRepo: charts },
      "calico-baseline:monitoring": { nodeExporter: { chartRepo: charts } },
      "calico-baseline:policies": { inventory: "policies/inventory.prod.yaml" },
      // The controller's image is built from this repository: with mirror false it is checked like the others.
      "calico-baseline:networkSetSync": {
        enabled: true,
        image: "calico-baseline/networkset-sync:0.1.0",
        consul: { address: "https://consul.site.example:8501", cidrs: ["192.0.2.30/32"] },
        token: new DecryptedSecret("consul-token"),
        mappings: [{ service: "postgres", set: "consul-postgres" }],
      },
    },
    "site",
  );
}

const checks: { access: RegistryAccess; images: readonly MirroredImage[] }[] = [];
let refusal: unknown;
let registeredBeforeRefusal = -1;
let outputs: StackOutputs;

beforeAll(async () => {
  await installMocks("site");
  const { createStack } = await import("../../src/deployment/stack.js");
  // First a registry that lacks an image: the program stops before registering anything.
  try {
    await createStack(stack(), {
      synthBaseline,
      synthMonitoring,
      checkImages: async (_access, images) => {
        throw new UserError([{ path: "calico-baseline:registry", value: images[0]?.target, message: "is not in the registry", hint: "fill it" }]);
      },
    });
  } catch (e) {
    refusal = e;
  }
  await settle();
  registeredBeforeRefusal = recorded.length;
  outputs = await createStack(stack(), {
    synthBaseline,
    synthMonitoring,
    checkImages: async (access, images) => {
      checks.push({ access, images });
      return images.map((i) => ({ target: i.target, digest: `sha256:${"0".repeat(63)}${i.repository.length % 10}` }));
    },
  });
  await resolve(outputs.images);
  await settle();
});

describe("a kubeconfig stack whose registry a separate pipeline fills (registry.mirror: false)", () => {
  it("creates no resource of @pulumi/command, @pulumi/random or @pulumi/tls, nor their providers", () => {
    expect(recorded.length).toBeGreaterThan(20);
    const foreign = recorded.filter((r) => /^(command|random|tls):/.test(r.type) || /^pulumi:providers:(command|random|tls)$/.test(r.type));
    expect(foreign.map((r) => `${r.type} ${r.name}`)).toEqual([]);
    expect(recorded.map((r) => r.name)).not.toContain("mirror");
    // Nor a build-and-push of the controller's image: the site's pipeline pushed it, the program checked it.
    expect(recorded.map((r) => r.name)).not.toContain("networkset-sync-image");
    expect(byName("networkset-sync").type).toBe("calico-baseline:sync:NetworkSetSync");
  });

  it("checks the registry for every planned image, with its credentials, before anything is registered", () => {
    expect(refusal).toBeInstanceOf(UserError);
    expect(registeredBeforeRefusal).toBe(0);
    expect(checks).toHaveLength(1);
    expect(checks[0]?.access).toEqual({ host: REGISTRY, username: "puller", password: "pull-pw" });
    const targets = checks[0]?.images.map((i) => i.target) ?? [];
    expect(targets).toContain(`${REGISTRY}/tigera/operator:v1.42.3`);
    expect(targets).toContain(`${REGISTRY}/calico/node:v3.32.1`);
    expect(targets).toContain(`${REGISTRY}/prometheus/node-exporter:v1.9.1`);
    // The controller's image too, marked as built here (a missing one is reported with the build commands).
    expect(checks[0]?.images.find((i) => i.role === "networkset-sync")).toMatchObject({ target: `${REGISTRY}/calico-baseline/networkset-sync:0.1.0`, built: true });
    expect(foreignImages(targets, REGISTRY)).toEqual([]);
  });

  it("reports what it found as the images and mirrorReport outputs, and has only the outputs such a stack has", async () => {
    expect((await resolve(outputs.images))?.map((i) => i.target)).toEqual(checks[0]?.images.map((i) => i.target));
    const report = (await resolve(outputs.mirrorReport)) ?? "";
    expect(report.split("\n").at(-1)).toBe(`checked ${checks[0]?.images.length} images present in ${REGISTRY} (filled by a separate pipeline, registry.mirror: false)`);
    expect(report).toContain(`${REGISTRY}/calico/node:v3.32.1@sha256:`);
    // No controlPlaneIp, nodes or registryCaPem (no CA configured): an undefined output would be warned about.
    expect(Object.keys(outputs).sort()).toEqual(["images", "kubeconfig", "mirrorReport", "registry"]);
  });

  it("installs the operator, CRD and node-exporter charts from their local directories, with no repository or version", () => {
    for (const [name, dir] of [["calico-operator", "tigera-operator"], ["calico-crds", "crd.projectcalico.org.v1"], ["monitoring-node-exporter", "prometheus-node-exporter"]] as const) {
      const inputs = byName(name).inputs;
      expect(inputs["chart"], name).toBe(join(charts, dir));
      expect(inputs["repositoryOpts"], name).toBeUndefined();
      expect(inputs["version"], name).toBeUndefined();
    }
    expect(byName("calico-operator").inputs["skipCrds"]).toBe(true);
  });

  it("still orders the install: pull Secret and CRDs before the operator, the API server before the policies, and creates the policies' namespaces", () => {
    expect([...dependsTransitively("calico-operator")]).toEqual(expect.arrayContaining(["calico-pull-secret", "calico-crds", "calico-namespace"]));
    expect(dependsTransitively("policies-tiers").has("calico-apiserver")).toBe(true);
    for (const ns of ["fme", "shop"]) expect(byName(`policies-namespace-${ns}`).type).toBe("kubernetes:core/v1:NamespacePatch");
  });
});
