/**
 * The e2e operator stand-in reports Ready only for an Installation the real operator would install as the stack
 * configures: these are its checks, without a cluster (the e2e suite runs them against the live CRs).
 */
import { describe, expect, it } from "vitest";
import { checkInstallationSpec, checkPullSecret, type StandInExpectations } from "./support/operator-standin.js";

const want: StandInExpectations = {
  registryHost: "registry.example.internal:5000",
  pullSecret: "pull",
  ipPools: [{ name: "pool-a", cidr: "10.42.0.0/16", encapsulation: "VXLANCrossSubnet", blockSize: 26 }],
  typhaMetricsPort: 9093,
  calicoVersion: "v3.32.1",
};

const good = {
  registry: "registry.example.internal:5000/",
  imagePullSecrets: [{ name: "pull" }],
  calicoNetwork: { ipPools: [{ name: "pool-a", cidr: "10.42.0.0/16", encapsulation: "VXLANCrossSubnet", blockSize: 26, natOutgoing: "Enabled" }] },
  typhaMetricsPort: 9093,
};

const dockerconfig = (auths: Record<string, unknown>): Record<string, unknown> => ({
  type: "kubernetes.io/dockerconfigjson",
  data: { ".dockerconfigjson": Buffer.from(JSON.stringify({ auths })).toString("base64") },
});

describe("e2e operator stand-in: the Installation checks", () => {
  it("accepts an Installation with the private registry, the pull Secret, the stack's pools and Typha's metrics port", () => {
    expect(checkInstallationSpec(good, want)).toEqual([]);
  });

  it("refuses a public registry, a registry without the trailing slash, and a missing registry", () => {
    expect(checkInstallationSpec({ ...good, registry: "quay.io/" }, want)).toHaveLength(1);
    expect(checkInstallationSpec({ ...good, registry: "registry.example.internal:5000" }, want)).toHaveLength(1);
    const { registry: _r, ...noRegistry } = good;
    expect(checkInstallationSpec(noRegistry, want)[0]).toMatch(/spec\.registry is undefined/);
  });

  it("refuses an Installation that names no or another pull Secret", () => {
    expect(checkInstallationSpec({ ...good, imagePullSecrets: [] }, want)[0]).toMatch(/pull Secret pull/);
    expect(checkInstallationSpec({ ...good, imagePullSecrets: [{ name: "other" }] }, want)).toHaveLength(1);
  });

  it("refuses a missing, extra or different IP pool, field by field", () => {
    expect(checkInstallationSpec({ ...good, calicoNetwork: { ipPools: [] } }, want)).toEqual([
      "spec.calicoNetwork.ipPools has 0 pool(s), the stack configures 1",
      "spec.calicoNetwork.ipPools has no pool pool-a",
    ]);
    const pool = good.calicoNetwork.ipPools[0];
    expect(checkInstallationSpec({ ...good, calicoNetwork: { ipPools: [{ ...pool, cidr: "192.168.0.0/16", blockSize: 24 }] } }, want)).toEqual([
      'spec.calicoNetwork.ipPools[pool-a].cidr is "192.168.0.0/16", the stack configures "10.42.0.0/16"',
      "spec.calicoNetwork.ipPools[pool-a].blockSize is 24, the stack configures 26",
    ]);
    expect(checkInstallationSpec({ ...good, calicoNetwork: { ipPools: [pool, { ...pool, name: "pool-b" }] } }, want)).toHaveLength(1);
  });

  it("refuses a missing or different typhaMetricsPort (Felix's 9091 would clash on the host network)", () => {
    expect(checkInstallationSpec({ ...good, typhaMetricsPort: 9091 }, want)).toEqual(["spec.typhaMetricsPort is 9091, not 9093"]);
    const { typhaMetricsPort: _t, ...noPort } = good;
    expect(checkInstallationSpec(noPort, want)).toHaveLength(1);
  });

  it("refuses an Installation without a spec", () => {
    expect(checkInstallationSpec(undefined, want)).toEqual(["Installation default has no spec"]);
  });

  it("accepts a dockerconfigjson pull Secret for the registry and refuses a missing one, another type or another registry", () => {
    expect(checkPullSecret(dockerconfig({ "registry.example.internal:5000": { auth: "x" } }), want)).toEqual([]);
    expect(checkPullSecret(undefined, want)).toEqual(["the pull Secret tigera-operator/pull does not exist"]);
    expect(checkPullSecret({ ...dockerconfig({ "registry.example.internal:5000": {} }), type: "Opaque" }, want)).toHaveLength(1);
    expect(checkPullSecret(dockerconfig({ "quay.io": { auth: "x" } }), want)).toEqual(["the pull Secret holds no credentials for registry.example.internal:5000"]);
  });
});
