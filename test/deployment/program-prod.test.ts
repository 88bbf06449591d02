/**
 * The real program for the committed prod stack (k3s over SSH, external registry, Calico 3.31), with the two
 * secrets set as `pulumi config set --secret` would.
 */
import { generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type * as ProgramModule from "../../src/deployment/index.js";
import { foreignImages } from "../../src/deployment/planners/calico.js";
import { K3S_KUBECONFIG, byName, dependsTransitively, engineConfig, installMocks, isSecretValue, recorded, resolve, settle } from "./support/pulumi-mocks.js";

let program: typeof ProgramModule.default;
const REGISTRY = "registry.prod.example.com:5000";
// A throw-away key made for this run: no key material is committed.
const SSH_KEY = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const PASSWORD = "prod-registry-password";

beforeAll(async () => {
  await installMocks("prod");
  const { values, secretKeys } = engineConfig(join(process.cwd(), "Pulumi.prod.yaml"), {
    "calico-baseline:cluster": { privateKey: SSH_KEY },
    "calico-baseline:registry": { password: PASSWORD },
  });
  pulumi.runtime.setAllConfig(values, secretKeys);
  program = (await import("../../src/deployment/index.js")).default;
  await resolve(program.images);
  await settle();
});

describe("prod stack (ssh + external registry)", () => {
  it("installs k3s on the control plane and three workers over SSH, then reads the kubeconfig", () => {
    const names = recorded.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(["cluster-control", "cluster-worker-1", "cluster-worker-2", "cluster-worker-3", "cluster-k3s-ready", "cluster-kubeconfig", "cluster-provider"]));
    expect(names).not.toContain("registry-vm");
    expect(byName("cluster").type).toBe("calico-baseline:cluster:SshCluster");
    expect(byName("cluster-control").type).toBe("command:remote:Command");
    const cp = byName("cluster-control").inputs;
    expect(cp["connection"]).toMatchObject({ host: "10.20.0.10", port: 22, user: "ubuntu" });
    expect(String(cp["stdin"])).toContain("--tls-san=10.20.0.10");
    expect(cp["delete"]).toContain("k3s-uninstall.sh");
    expect(String(byName("cluster-worker-2").inputs["stdin"])).toContain("K3S_URL=https://10.20.0.10:6443");
    expect(byName("cluster-worker-2").inputs["triggers"]).toEqual(["v1.34.1+k3s1", "cluster-control-id"]);
  });

  it("keeps the SSH key, the registry password and the kubeconfig secret", async () => {
    for (const n of ["cluster-control", "cluster-worker-1", "cluster-k3s-ready", "cluster-kubeconfig"]) {
      const conn = byName(n).raw["connection"] as Record<string, unknown>;
      expect(isSecretValue(conn) || isSecretValue(conn["privateKey"]), n).toBe(true);
    }
    expect((byName("cluster-control").inputs["connection"] as Record<string, unknown>)["privateKey"]).toBe(SSH_KEY);
    expect(byName("cluster-kubeconfig").additionalSecretOutputs).toContain("stdout");
    expect(isSecretValue(byName("cluster-kubeconfig").raw["create"])).toBe(true);
    // stdout (the kubeconfig) is not streamed to the console; stderr still is, for diagnosis.
    expect(byName("cluster-kubeconfig").raw["logging"]).toBe("stderr");
    // The uninstall command is one shell word for `bash -c`, single-quoted (no expansion by the login shell).
    expect(byName("cluster-control").inputs["delete"]).toBe(
      "sudo bash -c 'if [ -x /usr/local/bin/k3s-uninstall.sh ]; then /usr/local/bin/k3s-uninstall.sh; fi'",
    );
    expect(isSecretValue(byName("mirror-copy").raw["environment"])).toBe(true);
    expect((byName("mirror-copy").inputs["environment"] as Record<string, string>)["MIRROR_PASSWORD"]).toBe(PASSWORD);
    // An external registry is identified by its host: the mirror copies again only for another registry.
    expect(byName("mirror-copy").inputs["triggers"]).toEqual(["registry.prod.example.com:5000"]);
    const data = byName("calico-pull-secret").raw["stringData"] as Record<string, unknown>;
    expect(isSecretValue(data[".dockerconfigjson"]) || isSecretValue(data)).toBe(true);
    expect(await pulumi.isSecret(program.kubeconfig)).toBe(true);
    expect(await resolve(program.kubeconfig)).toBe(K3S_KUBECONFIG.replace("127.0.0.1", "10.20.0.10"));
    // The password never appears in a non-secret input.
    for (const r of recorded) {
      const plain = JSON.stringify(stripSecrets(r.raw));
      expect(plain.includes(PASSWORD), r.name).toBe(false);
      expect(plain.includes("test-key"), r.name).toBe(false);
    }
  });

  it("uses Calico 3.31.7 with operator v1.40.15, CRDs from the operator chart, CSI off", () => {
    expect(byName("calico-operator").inputs).toMatchObject({ chart: "tigera-operator", version: "v3.31.7" });
    expect(recorded.map((r) => r.name)).not.toContain("calico-crds");
    expect(byName("calico-operator").inputs["skipCrds"]).toBeUndefined();
    const env = (byName("mirror-copy").inputs["environment"] as Record<string, string>)["MIRROR_IMAGES"] ?? "";
    expect(env).toContain(`quay.io/tigera/operator:v1.40.15 ${REGISTRY}/tigera/operator:v1.40.15`);
    expect(env).not.toContain("calico/csi");
    expect((byName("calico-installation").inputs["spec"] as Record<string, unknown>)["kubeletVolumePluginPath"]).toBe("None");
  });

  it("points every image reference at the external registry", () => {
    for (const r of recorded) expect(foreignImages(r.inputs, REGISTRY), r.name).toEqual([]);
    expect((byName("calico-installation").inputs["spec"] as Record<string, unknown>)["registry"]).toBe(`${REGISTRY}/`);
  });

  it("orders hosts → k3s → kubeconfig → provider and mirror → operator → API server → policies", () => {
    expect(dependsTransitively("cluster-worker-1").has("cluster-control")).toBe(true);
    expect(dependsTransitively("cluster-kubeconfig").has("cluster-k3s-ready")).toBe(true);
    expect(dependsTransitively("cluster-provider").has("cluster-kubeconfig")).toBe(true);
    expect(dependsTransitively("calico-operator").has("mirror-copy")).toBe(true);
    expect(dependsTransitively("policies-tiers").has("calico-apiserver")).toBe(true);
  });

  it("registers every Kubernetes resource with the one provider built from the SSH cluster's kubeconfig", () => {
    const k8s = recorded.filter((r) => r.type.startsWith("kubernetes:"));
    expect(k8s.length).toBeGreaterThan(10);
    expect(recorded.filter((r) => r.type === "pulumi:providers:kubernetes").map((r) => r.name)).toEqual(["cluster-provider"]);
    for (const r of k8s) expect(r.provider, `${r.type} ${r.name}`).toMatch(/::cluster-provider::cluster-provider-id$/);
  });
});

function stripSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripSecrets);
  if (typeof v === "object" && v !== null) {
    if (isSecretValue(v)) return "<secret>";
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stripSecrets(x)]));
  }
  return v;
}
