/**
 * The drift check for the prod stack (k3s over SSH, external registry, Calico 3.31): the real program under
 * mocks, with the two secrets set, against what `synth --stack prod` analyses over prod's own inventory.
 */
import { generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { formatDrift } from "../../src/facts/drift.js";
import { driftOf, namespaceOrderProblems, stackAssumptions } from "./support/drift.js";
import { engineConfig, installMocks, resolve, settle } from "./support/pulumi-mocks.js";

beforeAll(async () => {
  await installMocks("prod");
  const { values, secretKeys } = engineConfig(join(process.cwd(), "Pulumi.prod.yaml"), {
    // A throw-away key made for this run: no key material is committed.
    "calico-baseline:cluster": { privateKey: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString() },
    "calico-baseline:registry": { password: "prod-registry-password" },
  });
  pulumi.runtime.setAllConfig(values, secretKeys);
  const program = (await import("../../src/deployment/index.js")).default;
  await resolve(program.images);
  await settle();
});

describe("prod: what pulumi up deploys is what the analysis assumes", () => {
  it("analyses prod's four ssh hosts (its own inventory, not dev's)", () => {
    const a = stackAssumptions("prod");
    expect(a.hostEndpoints.map((h) => h.node)).toEqual(["10.20.0.10", "10.20.0.11", "10.20.0.12", "10.20.0.13"]);
    expect(a.namespaces.map((n) => n.name)).toEqual(["calico-monitoring", "calico-system", "fme", "shop"]);
  });

  it("no resource is missing for anything the analysis assumes", () => {
    expect(formatDrift(driftOf("prod", "calico-system"))).toBe("");
  });

  it("every namespaced object waits for the resource that creates its namespace", () => {
    expect(namespaceOrderProblems()).toEqual([]);
  });

  it("exports the nodes of its host list", async () => {
    const program = (await import("../../src/deployment/index.js")).default;
    expect(await resolve(program.nodes)).toEqual([
      { name: "10.20.0.10", role: "control-plane", ips: ["10.20.0.10"] },
      { name: "10.20.0.11", role: "worker", ips: ["10.20.0.11"] },
      { name: "10.20.0.12", role: "worker", ips: ["10.20.0.12"] },
      { name: "10.20.0.13", role: "worker", ips: ["10.20.0.13"] },
    ]);
  });
});
