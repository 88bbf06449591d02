/**
 * The real program for the dev stack with networkSetSync enabled, under Pulumi mocks: it deploys the Consul →
 * GlobalNetworkSet controller (namespace, token Secret from the Pulumi secret, pull Secret, RBAC, config,
 * Deployment from the private registry, metrics Service) after the baseline policies and the Calico API server.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { byName, dependsTransitively, engineConfig, installMocks, isSecretValue, recorded, resolve, settle, unwrap } from "./support/pulumi-mocks.js";

import type * as ProgramModule from "../../src/deployment/index.js";

const dir = mkdtempSync(join(tmpdir(), "cb-sync-stack-"));
const TOKEN = "c0ffee00-0000-4000-8000-000000000001";

beforeAll(async () => {
  await installMocks("dev");
  const doc = parse(readFileSync(join(process.cwd(), "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
  doc.config["calico-baseline:networkSetSync"] = {
    enabled: true,
    image: "calico-baseline/networkset-sync:0.1.0",
    consul: { address: "https://consul.example.com:8501", cidrs: ["192.0.2.10/32"] },
    mappings: [{ service: "postgres", set: "consul-postgres", labels: { "consul-service": "postgres" } }],
  };
  const file = join(dir, "Pulumi.dev.yaml");
  writeFileSync(file, stringify(doc));
  const { values, secretKeys } = engineConfig(file, { "calico-baseline:networkSetSync": { token: TOKEN } });
  pulumi.runtime.setAllConfig(values, secretKeys);
  const program: typeof ProgramModule.default = (await import("../../src/deployment/index.js")).default;
  await resolve(program.images);
  await settle();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("dev stack with networkSetSync (mocks)", () => {
  it("deploys the controller after the baseline policies and the Calico API server", () => {
    expect(byName("networkset-sync").type).toBe("calico-baseline:sync:NetworkSetSync");
    const deps = dependsTransitively("networkset-sync-controller");
    expect(deps).toContain("policies-tiers");
    expect(deps).toContain("calico-apiserver");
    expect(deps).toContain("networkset-sync-consul-token");
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
    expect(deploy.spec.template.spec.containers[0]?.image).toBe("10.91.52.7:5000/calico-baseline/networkset-sync:0.1.0");
    const rules = objs.filter((o) => o["kind"] === "ClusterRole" || o["kind"] === "Role").flatMap((o) => o["rules"] as { resources: string[] }[]);
    expect([...new Set(rules.flatMap((r) => r.resources))].sort()).toEqual(["globalnetworksets", "leases"]);
    expect(recorded.some((r) => r.name === "networkset-sync-pull-secret")).toBe(true);
  });
});
