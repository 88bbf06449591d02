/**
 * The real program for the dev stack, which enables networkSetSync (Pulumi.dev.yaml), under Pulumi mocks: it
 * builds and pushes the controller's image into the registry VM (the controller has no upstream image to
 * mirror), then deploys the Consul → GlobalNetworkSet controller (namespace, token Secret from the Pulumi
 * secret, pull Secret, RBAC, config, Deployment from the private registry, metrics Service) after the image,
 * the baseline policies and the Calico API server.
 */
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { CONTROLLER_IMAGE_COMMAND, CONTROLLER_IMAGE_SCRIPT } from "../../src/deployment/planners/controller-image.js";
import { DEV_SECRETS, byName, dependsTransitively, engineConfig, installMocks, isSecretValue, recorded, resolve, settle, unwrap } from "./support/pulumi-mocks.js";

import type * as ProgramModule from "../../src/deployment/index.js";

const TOKEN = DEV_SECRETS["calico-baseline:networkSetSync"]?.["token"] ?? "";
const REGISTRY = "10.91.52.7:5000";
const TARGET = `${REGISTRY}/calico-baseline/networkset-sync:0.1.0`;
let program: typeof ProgramModule.default;

beforeAll(async () => {
  await installMocks("dev");
  const { values, secretKeys } = engineConfig(join(process.cwd(), "Pulumi.dev.yaml"), DEV_SECRETS);
  pulumi.runtime.setAllConfig(values, secretKeys);
  program = (await import("../../src/deployment/index.js")).default;
  await resolve(program.images);
  await settle();
});

describe("dev stack with networkSetSync (mocks)", () => {
  it("deploys the controller after the baseline policies and the Calico API server", () => {
    expect(byName("networkset-sync").type).toBe("calico-baseline:sync:NetworkSetSync");
    const deps = dependsTransitively("networkset-sync-controller");
    expect(deps).toContain("policies-tiers");
    expect(deps).toContain("calico-apiserver");
    expect(deps).toContain("networkset-sync-consul-token");
    expect(deps).toContain("networkset-sync-image-push");
  });

  it("builds the controller's image from this repository and pushes it into the registry VM, not through the mirror", async () => {
    const push = byName("networkset-sync-image-push");
    expect(push.type).toBe("command:local:Command");
    expect(push.inputs["create"]).toBe(CONTROLLER_IMAGE_COMMAND);
    expect(push.inputs["update"]).toBe(CONTROLLER_IMAGE_COMMAND);
    expect(push.inputs["stdin"]).toBe(CONTROLLER_IMAGE_SCRIPT);
    expect(String(push.inputs["stdin"])).toContain("node scripts/build-controller-image.mjs");
    // Run in the repository's root, where the builder is.
    expect(push.inputs["dir"]).toBe(process.cwd());
    const env = push.inputs["environment"] as Record<string, string>;
    expect(isSecretValue(push.raw["environment"])).toBe(true);
    expect(env).toMatchObject({ IMAGE_TARGET: TARGET, IMAGE_TAG: "0.1.0", IMAGE_REGISTRY: REGISTRY, IMAGE_USERNAME: "calico-baseline" });
    expect(env["IMAGE_PASSWORD"]).toBeTruthy();
    expect(env["IMAGE_CA_PEM"]).toContain("registry-ca");
    // Pushed again into a re-created registry VM, or when the image reference changes; not on every up.
    expect(push.inputs["triggers"]).toEqual(["registry-vm-id", TARGET]);
    expect(dependsTransitively("networkset-sync-image-push")).toContain("registry-setup");
    // The mirror does not try to copy it from a public registry.
    const mirror = byName("mirror-copy").inputs["environment"] as Record<string, string>;
    expect(mirror["MIRROR_IMAGES"]).not.toContain("networkset-sync");
    const images = (await resolve(program.images)) ?? [];
    expect(images.find((i) => i.role === "networkset-sync")).toMatchObject({ target: TARGET, built: true });
  });

  it("keeps the Consul token a secret, in a Secret of the controller's namespace", () => {
    const token = byName("networkset-sync-consul-token");
    const data = token.raw["stringData"] as Record<string, unknown>;
    expect(isSecretValue(data["token"]) || isSecretValue(token.raw["stringData"])).toBe(true);
    expect(JSON.stringify(unwrap(token.raw))).toContain(TOKEN);
    expect((token.raw["metadata"] as Record<string, unknown>)["namespace"]).toBe("calico-baseline");
    const controller = JSON.stringify(unwrap(byName("networkset-sync-controller").raw));
    expect(controller).not.toContain(TOKEN);
  });

  it("runs the image from the private registry with RBAC limited to globalnetworksets and its Lease", () => {
    const objs = unwrap(byName("networkset-sync-controller").raw["objs"]) as Record<string, unknown>[];
    const kinds = objs.map((o) => o["kind"]).sort();
    expect(kinds).toEqual(["ClusterRole", "ClusterRoleBinding", "ConfigMap", "Deployment", "Role", "RoleBinding", "Service", "ServiceAccount"]);
    const deploy = objs.find((o) => o["kind"] === "Deployment") as { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } };
    expect(deploy.spec.replicas).toBe(2);
    expect(deploy.spec.template.spec.containers[0]?.image).toBe(TARGET);
    // The image's entrypoint is `calico-baseline sync-networksets`: the container passes only its arguments.
    expect((deploy.spec.template.spec.containers[0] as unknown as { args: string[] }).args).toEqual(["--config", "/etc/networkset-sync/config.yaml"]);
    const config = objs.find((o) => o["kind"] === "ConfigMap") as { data: Record<string, string> };
    const rendered = parse(config.data["config.yaml"] ?? "") as { consul: { address: string }; mappings: { set: string }[] };
    expect(rendered.consul.address).toBe("https://10.91.52.20:8501");
    expect(rendered.mappings.map((m) => m.set)).toEqual(["consul-prometheus", "consul-postgres"]);
    const rules = objs.filter((o) => o["kind"] === "ClusterRole" || o["kind"] === "Role").flatMap((o) => o["rules"] as { resources: string[] }[]);
    expect([...new Set(rules.flatMap((r) => r.resources))].sort()).toEqual(["globalnetworksets", "leases"]);
    expect(recorded.some((r) => r.name === "networkset-sync-pull-secret")).toBe(true);
  });
});
