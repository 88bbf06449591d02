/**
 * The Pulumi side of the config: engine values (JSON strings) and per-key secrecy become the raw config the
 * shared parser validates.
 */
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../src/config/index.js";
import { rawFromEngine, resolveLocalPaths } from "../../src/deployment/config.js";
import { UserError } from "../../src/model/problem.js";

const cluster = JSON.stringify({ type: "ssh", controlPlane: "10.0.0.10", privateKey: "KEY" });
const registry = JSON.stringify({ type: "external", host: "r.example.com:5000", username: "u", password: "PW", cidrs: ["10.0.1.5/32"] });

describe("rawFromEngine", () => {
  it("hands decrypted secrets of secret keys to the parser as secret values", () => {
    const raw = rawFromEngine({
      values: { "calico-baseline:cluster": cluster, "calico-baseline:registry": registry, "kubernetes:context": "x" },
      isSecret: () => true,
    });
    expect(raw).not.toHaveProperty("kubernetes:context");
    const c = parseStackConfig(raw, "prod");
    expect(c.cluster.type === "ssh" && c.cluster.privateKey).toEqual({ secret: true, value: "KEY" });
    expect(c.registry.type === "external" && c.registry.password).toEqual({ secret: true, value: "PW" });
  });

  it("rejects a secret set in plain text (its key is not secret in the engine)", () => {
    const raw = rawFromEngine({
      values: { "calico-baseline:cluster": cluster, "calico-baseline:registry": registry },
      isSecret: (k) => k === "calico-baseline:cluster",
    });
    try {
      parseStackConfig(raw, "prod");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      const p = (e as UserError).problems;
      expect(p).toHaveLength(1);
      expect(p[0]).toMatchObject({ path: "calico-baseline:registry.password", message: "is a secret but was given in plain text" });
      expect((e as Error).message).not.toContain("PW");
    }
  });

  it("decodes scalar and structured engine values", () => {
    const raw = rawFromEngine({
      values: { "calico-baseline:policies": '{"mode":"stage","ipv6":true}', "calico-baseline:monitoring": '{"enabled":false}' },
      isSecret: () => false,
    });
    expect(raw).toEqual({ "calico-baseline:policies": { mode: "stage", ipv6: true }, "calico-baseline:monitoring": { enabled: false } });
  });
});

describe("resolveLocalPaths", () => {
  it("makes kubeconfig and manifest paths absolute against the project directory, leaving URLs alone", () => {
    const config = parseStackConfig(
      {
        "calico-baseline:cluster": { type: "kubeconfig", kubeconfigPath: "secrets/kubeconfig" },
        "calico-baseline:registry": registryObject(),
        "calico-baseline:calico": { install: "manifest", manifests: { crds: "manifests/crds.yaml", operator: "/abs/operator.yaml" } },
      },
      "staging",
      { secretsRequired: false },
    );
    const resolved = resolveLocalPaths(config, "/projects/calico-baseline");
    expect(resolved.cluster).toEqual({ type: "kubeconfig", kubeconfigPath: "/projects/calico-baseline/secrets/kubeconfig" });
    expect(resolved.calico.manifests).toEqual({ crds: "/projects/calico-baseline/manifests/crds.yaml", operator: "/abs/operator.yaml" });
    // The stack's inventory too (by convention here): the program reads it for the namespaces it creates.
    expect(resolved.inventory).toEqual({ path: "/projects/calico-baseline/policies/inventory.staging.yaml", source: "convention" });
    // The defaults are upstream URLs and stay as they are.
    const dflt = parseStackConfig({ "calico-baseline:cluster": { type: "kubeconfig", kubeconfigPath: "k" }, "calico-baseline:registry": registryObject() }, "s", {
      secretsRequired: false,
    });
    expect(resolveLocalPaths(dflt, "/p").calico.manifests).toEqual(dflt.calico.manifests);
    expect(dflt.calico.manifests.operator).toMatch(/^https:\/\//);
  });
});

function registryObject(): Record<string, unknown> {
  return { type: "external", host: "r.example.com:5000", username: "u", cidrs: ["10.0.1.5/32"] };
}
