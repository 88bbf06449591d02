/**
 * The real program (src/deployment/index.ts) for the committed dev stack, under Pulumi mocks.
 */
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { foreignImages } from "../../src/deployment/planners/calico.js";
import { MIRROR_COMMAND, MIRROR_SCRIPT } from "../../src/deployment/planners/mirror.js";
import { DEV_SECRETS, K3S_KUBECONFIG, byName, dependsTransitively, engineConfig, installMocks, isSecretValue, recorded, resolve, settle } from "./support/pulumi-mocks.js";
import type * as ProgramModule from "../../src/deployment/index.js";

type Program = typeof ProgramModule.default;
let program: Program;
const REGISTRY = "10.91.52.7:5000";

beforeAll(async () => {
  await installMocks("dev");
  const { values, secretKeys } = engineConfig(join(process.cwd(), "Pulumi.dev.yaml"), DEV_SECRETS);
  pulumi.runtime.setAllConfig(values, secretKeys);
  program = (await import("../../src/deployment/index.js")).default;
  await resolve(program.images);
  await settle();
});

describe("dev stack (multipass)", () => {
  it("creates the registry VM, the control plane, two workers and the k3s/kubeconfig steps", () => {
    const names = recorded.map((r) => r.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "registry-vm",
        "registry-setup",
        "registry-ca",
        "registry-tls-cert",
        "registry-password",
        "cluster-control",
        "cluster-worker-1",
        "cluster-worker-2",
        "cluster-k3s-ready",
        "cluster-kubeconfig",
        "cluster-provider",
        "mirror-copy",
        "calico-namespace",
        "calico-crds",
        "calico-operator",
        "calico-installation",
        "calico-apiserver",
        "calico-goldmane",
        "calico-whisker",
        "monitoring-namespace",
        "monitoring-pull-secret",
        "monitoring-node-exporter",
        "calico-felix-configuration",
        "calico-kube-controllers-configuration",
        "policies-namespace-fme",
        "policies-namespace-shop",
        "policies-tiers",
      ]),
    );
    expect(names).not.toContain("cluster-worker-3");
    expect(byName("cluster").type).toBe("calico-baseline:cluster:MultipassCluster");
    expect(byName("registry").type).toBe("calico-baseline:registry:MultipassRegistry");
    expect(byName("mirror").type).toBe("calico-baseline:registry:ImageMirror");
    expect(byName("calico").type).toBe("calico-baseline:calico:CalicoInstall");
  });

  it("rewrites the kubeconfig to the control plane's IP and keeps it secret", async () => {
    const kc = await resolve(program.kubeconfig);
    expect(kc).toBe(K3S_KUBECONFIG.replace("127.0.0.1", "10.91.52.10"));
    expect(await pulumi.isSecret(program.kubeconfig)).toBe(true);
    expect(isSecretValue(byName("cluster-provider").raw["kubeconfig"])).toBe(true);
    expect(byName("cluster-kubeconfig").additionalSecretOutputs).toContain("stdout");
    // A secret command: the command provider does not stream the kubeconfig to the console.
    expect(isSecretValue(byName("cluster-kubeconfig").raw["create"])).toBe(true);
    // stdout (the kubeconfig) is not streamed to the console; stderr still is, for diagnosis.
    expect(byName("cluster-kubeconfig").raw["logging"]).toBe("stderr");
    expect(await resolve(program.controlPlaneIp)).toBe("10.91.52.10");
    // Every output of a multipass stack exists (none undefined, which the engine would warn about). The module
    // has the default export only: the nodejs runtime takes it as the outputs, and refuses a module with both
    // a default and named exports (@pulumi/pulumi cmd/run/run.ts).
    expect(Object.keys(program).sort()).toEqual(["controlPlaneIp", "images", "kubeconfig", "mirrorReport", "nodes", "registry", "registryCaPem"]);
    expect(Object.keys(await import("../../src/deployment/index.js"))).toEqual(["default"]);
  });

  it("keeps the registry password secret wherever it travels", () => {
    expect(isSecretValue(byName("mirror-copy").raw["environment"])).toBe(true);
    expect(isSecretValue(byName("registry-setup").raw["stdin"])).toBe(true);
    expect(isSecretValue(byName("cluster-control").raw["stdin"])).toBe(true);
    for (const n of ["calico-pull-secret", "monitoring-pull-secret"]) {
      const data = byName(n).raw["stringData"] as Record<string, unknown>;
      expect(isSecretValue(data[".dockerconfigjson"]) || isSecretValue(data), n).toBe(true);
      expect(JSON.parse(String((byName(n).inputs["stringData"] as Record<string, unknown>)[".dockerconfigjson"]))).toEqual({
        auths: { [REGISTRY]: { username: "calico-baseline", password: "generated-registry-password", auth: Buffer.from("calico-baseline:generated-registry-password").toString("base64") } },
      });
    }
    // The chart values carry no secret: the operator's ServiceAccount references the pull Secret by name.
    expect(JSON.stringify(byName("calico-operator").inputs["values"])).not.toContain("generated-registry-password");
    expect((byName("calico-operator").inputs["values"] as Record<string, unknown>)["installation"]).toEqual({
      enabled: false,
      imagePullSecrets: [{ name: "calico-baseline-registry" }],
    });
  });

  it("launches VMs with the configured image and sizes and purges them on delete", () => {
    const cp = byName("cluster-control").inputs;
    expect(cp["create"]).toContain("multipass launch 24.04 --name cb-dev-control --cpus 2 --memory 4G --disk 20G");
    expect(cp["delete"]).toContain("multipass delete --purge cb-dev-control");
    expect(cp["triggers"]).toEqual(["24.04", "v1.34.1+k3s1", 2, "4G", "20G"]);
    expect(byName("cluster-worker-2").inputs["triggers"]).toEqual(["24.04", "v1.34.1+k3s1", 2, "4G", "20G", "cluster-control-id"]);
    const cloudInit = String(cp["stdin"]);
    expect(cloudInit).toContain("--flannel-backend=none");
    expect(cloudInit).toContain("--disable-network-policy");
    expect(cloudInit).toContain("--disable=traefik,servicelb");
    expect(cloudInit).toContain("--cluster-cidr=10.42.0.0/16");
    expect(cloudInit).toContain(REGISTRY);
    const worker = String(byName("cluster-worker-1").inputs["stdin"]);
    expect(worker).toContain("K3S_URL=https://10.91.52.10:6443");
    expect(worker).toContain("K3S_TOKEN=generated-cluster-k3s-token");
  });

  it("mirrors exactly the planned images into the registry VM", async () => {
    const images = (await resolve(program.images)) ?? [];
    expect(images.every((i) => i.target.startsWith(`${REGISTRY}/`))).toBe(true);
    const env = byName("mirror-copy").inputs["environment"] as Record<string, string>;
    expect(env["MIRROR_REGISTRY"]).toBe(REGISTRY);
    // Every planned image but the controller's, which is built from this repository (program-networkset-sync.test.ts).
    expect(env["MIRROR_IMAGES"]?.split("\n")).toEqual(images.filter((i) => i.role !== "networkset-sync").map((i) => `${i.source} ${i.target}`));
    expect(images.filter((i) => i.built === true).map((i) => i.target)).toEqual([`${REGISTRY}/calico-baseline/networkset-sync:0.1.0`]);
    expect(env["MIRROR_IMAGES"]).toContain(`quay.io/tigera/operator:v1.42.3 ${REGISTRY}/tigera/operator:v1.42.3`);
    expect(env["MIRROR_IMAGES"]).not.toContain("calico/csi");
    expect(env["MIRROR_CA_PEM"]).toContain("registry-ca");
    // Re-runs only when an input (the list, the registry, its credentials) changes, or when the registry VM
    // was re-created (its id; a new VM may get the same address but has an empty disk). No always-changing trigger.
    const copy = byName("mirror-copy").inputs;
    expect(copy["triggers"]).toEqual(["registry-vm-id"]);
    expect(byName("registry-setup").inputs["triggers"]).toEqual(["registry-vm-id"]);
    expect(copy["update"]).toBe(copy["create"]);
    // The script goes on stdin: a failed run prints the short command and the cause, not the script (issue 9).
    expect(copy["create"]).toBe(MIRROR_COMMAND);
    expect(copy["stdin"]).toBe(MIRROR_SCRIPT);
    expect(String(copy["stdin"])).toContain("skopeo copy --all --preserve-digests");
  });

  it("points every image reference at the private registry", () => {
    const op = byName("calico-operator").inputs;
    const values = op["values"] as Record<string, Record<string, unknown>>;
    expect(values["tigeraOperator"]).toEqual({ registry: REGISTRY, image: "tigera/operator", version: "v1.42.3" });
    expect(foreignImages(values, REGISTRY)).toEqual([]);
    const inst = byName("calico-installation").inputs;
    expect((inst["spec"] as Record<string, unknown>)["registry"]).toBe(`${REGISTRY}/`);
    const ne = byName("monitoring-node-exporter").inputs["values"] as Record<string, Record<string, unknown>>;
    expect(ne["image"]?.["registry"]).toBe(REGISTRY);
    expect(foreignImages(ne, REGISTRY)).toEqual([]);
    // Nothing anywhere names a public registry in an image field.
    for (const r of recorded) expect(foreignImages(r.inputs, REGISTRY), r.name).toEqual([]);
  });

  it("installs the operator chart and the 3.32 CRD chart from the configured repository, and awaits Ready", () => {
    const op = byName("calico-operator").inputs;
    expect(op).toMatchObject({ chart: "tigera-operator", version: "v3.32.1", namespace: "tigera-operator", repositoryOpts: { repo: "https://docs.tigera.io/calico/charts" } });
    expect(byName("calico-crds").inputs).toMatchObject({ chart: "crd.projectcalico.org.v1", version: "v3.32.1" });
    // The CRD chart owns every CRD in 3.32 (operator.tigera.io ones too): the operator chart installs none.
    expect(op["skipCrds"]).toBe(true);
    const inst = byName("calico-installation").inputs;
    expect(inst["metadata"]).toMatchObject({ name: "default", annotations: { "pulumi.com/waitFor": "condition=Ready" } });
    expect(inst["spec"]).toMatchObject({
      imagePullSecrets: [{ name: "calico-baseline-registry" }],
      nodeMetricsPort: 9091,
      typhaMetricsPort: 9093,
      // The 3.32 chart's default (CSI off), and so no CSI image is mirrored.
      kubeletVolumePluginPath: "None",
      calicoNetwork: { bgp: "Disabled", ipPools: [{ name: "default-ipv4-ippool", cidr: "10.42.0.0/16", encapsulation: "VXLANCrossSubnet", blockSize: 26 }] },
    });
    expect(byName("calico-apiserver").inputs["metadata"]).toMatchObject({ annotations: { "pulumi.com/waitFor": "condition=Ready" } });
    // The Goldmane and Whisker controllers never set status.conditions: a Ready wait would time out.
    for (const n of ["calico-goldmane", "calico-whisker"]) {
      const annotations = (byName(n).inputs["metadata"] as { annotations?: Record<string, string> }).annotations ?? {};
      expect(annotations, n).toEqual({ "pulumi.com/skipAwait": "true" });
    }
  });

  it("labels the tigera-operator namespace privileged, as upstream does (the operator is host-networked)", () => {
    expect(byName("calico-namespace").inputs["metadata"]).toEqual({
      name: "tigera-operator",
      labels: { name: "tigera-operator", "pod-security.kubernetes.io/enforce": "privileged" },
    });
  });

  it("labels calico-monitoring privileged for node-exporter (host network, PID and paths), keeping the component's labels", () => {
    const objs = byName("monitoring-namespace").inputs["objs"] as { metadata: { name: string; labels: Record<string, string> } }[];
    expect(objs).toHaveLength(1);
    expect(objs[0]?.metadata.name).toBe("calico-monitoring");
    expect(objs[0]?.metadata.labels).toMatchObject({ role: "monitoring", "pod-security.kubernetes.io/enforce": "privileged" });
  });

  it("patches Felix (failsafe ports, metrics) and kube-controllers (automatic host endpoints, metrics) through projectcalico.org/v3", () => {
    const felix = byName("calico-felix-configuration");
    expect(felix.type).toBe("kubernetes:projectcalico.org/v3:FelixConfigurationPatch");
    expect(felix.inputs).toMatchObject({ apiVersion: "projectcalico.org/v3", kind: "FelixConfiguration", metadata: { name: "default", annotations: { "pulumi.com/patchForce": "true" } }, spec: { prometheusMetricsEnabled: true, prometheusMetricsPort: 9091 } });
    // Felix's own defaults, written out: the cluster has exactly what the analysis assumes.
    const spec = felix.inputs["spec"] as Record<string, unknown>;
    expect(spec["failsafeInboundHostPorts"]).toEqual([22, 68, 179, 2379, 2380, 5473, 6443, 6666, 6667].map((port) => ({ protocol: port === 68 ? "UDP" : "TCP", port })));
    expect(spec["failsafeOutboundHostPorts"]).toEqual([53, 67, 179, 2379, 2380, 5473, 6443, 6666, 6667].map((port) => ({ protocol: port === 53 || port === 67 ? "UDP" : "TCP", port })));
    expect(byName("calico-kube-controllers-configuration").inputs).toMatchObject({
      kind: "KubeControllersConfiguration",
      metadata: { name: "default" },
      spec: { prometheusMetricsPort: 9094, controllers: { node: { hostEndpoint: { autoCreate: "Enabled", createDefaultHostEndpoint: "Enabled" } } } },
    });
    expect(byName("monitoring-pull-secret").inputs).toMatchObject({ type: "kubernetes.io/dockerconfigjson", metadata: { namespace: "calico-monitoring" } });
  });

  it("keeps the state of stacks deployed when monitoring made the configuration patches (aliases)", () => {
    expect(JSON.stringify(byName("calico-felix-configuration").aliases)).toContain("monitoring-felix-metrics");
    expect(JSON.stringify(byName("calico-kube-controllers-configuration").aliases)).toContain("monitoring-kube-controllers-metrics");
  });

  it("creates or adopts the application namespaces the namespaced policies are in, before applying them", () => {
    for (const ns of ["fme", "shop"]) {
      const r = byName(`policies-namespace-${ns}`);
      // A NamespacePatch: created when missing, adopted when present, never deleted by destroy.
      expect(r.type).toBe("kubernetes:core/v1:NamespacePatch");
      expect((r.inputs["metadata"] as { name: string }).name).toBe(ns);
    }
    expect(byName("policies-namespace-fme").inputs["metadata"]).toEqual({ name: "fme", labels: { "app.kubernetes.io/part-of": "fme-flow" } });
    for (const g of ["policies-30-application", "policies-40-appsec"]) {
      expect(dependsTransitively(g).has("policies-namespace-fme"), g).toBe(true);
      expect(dependsTransitively(g).has("policies-namespace-shop"), g).toBe(true);
    }
  });

  it("exports every node with the address multipass gave its VM", async () => {
    expect(await resolve(program.nodes)).toEqual([
      { name: "cb-dev-control", role: "control-plane", ips: ["10.91.52.10"] },
      { name: "cb-dev-worker-1", role: "worker", ips: ["10.91.52.11"] },
      { name: "cb-dev-worker-2", role: "worker", ips: ["10.91.52.12"] },
    ]);
  });

  it("turns WireGuard on in FelixConfiguration and then waits on the control plane for every node's public key", () => {
    expect(byName("calico-felix-configuration").raw["spec"]).toMatchObject({ wireguardEnabled: true, wireguardEnabledV6: false });
    expect(dependsTransitively("cluster-wireguard-keys").has("calico-felix-configuration")).toBe(true);
    expect(String(byName("cluster-wireguard-keys").raw["stdin"])).toContain("projectcalico\\.org/WireguardPublicKey");
    // IPv4 only on dev (policies.ipv6 is off).
    expect(recorded.map((r) => r.name)).not.toContain("cluster-wireguard-keys-v6");
  });

  it("orders VMs → k3s → kubeconfig → provider", () => {
    expect([...dependsTransitively("cluster-k3s-ready")]).toEqual(expect.arrayContaining(["cluster-control", "cluster-worker-1", "cluster-worker-2"]));
    expect(dependsTransitively("cluster-kubeconfig").has("cluster-k3s-ready")).toBe(true);
    expect(dependsTransitively("cluster-provider").has("cluster-kubeconfig")).toBe(true);
    expect(dependsTransitively("cluster-control").has("registry-setup")).toBe(true);
  });

  it("orders registry → mirror → operator → Installation → API server → tiers → policies", () => {
    expect(dependsTransitively("mirror-copy").has("registry-setup")).toBe(true);
    expect(dependsTransitively("calico-operator").has("mirror-copy")).toBe(true);
    expect(dependsTransitively("calico-operator").has("calico-pull-secret")).toBe(true);
    expect(dependsTransitively("calico-installation").has("calico-operator")).toBe(true);
    expect(dependsTransitively("calico-apiserver").has("calico-installation")).toBe(true);
    expect(dependsTransitively("policies-tiers").has("calico-apiserver")).toBe(true);
    const policyGroups = recorded.filter((r) => r.name.startsWith("policies-") && r.name !== "policies-tiers" && r.type.includes("ConfigGroup"));
    expect(policyGroups.length).toBeGreaterThan(0);
    for (const g of policyGroups) {
      expect(dependsTransitively(g.name).has("policies-tiers"), g.name).toBe(true);
      expect(dependsTransitively(g.name).has("calico-apiserver"), g.name).toBe(true);
    }
    expect(dependsTransitively("calico-felix-configuration").has("calico-apiserver")).toBe(true);
    expect(dependsTransitively("calico-kube-controllers-configuration").has("calico-apiserver")).toBe(true);
    expect(dependsTransitively("monitoring-node-exporter").has("mirror-copy")).toBe(true);
  });

  it("applies each ClusterNetworkPolicy as a CustomResource of its chart's ConfigGroup (its CRD comes from the operator), after the API server", () => {
    // A yaml/v2 ConfigGroup must know every object's scope while it plans; the operator creates this kind's CRD
    // only once it runs, so on a fresh cluster the preview would stop (pulumi/pulumi-kubernetes#3176).
    const cnps = recorded.filter((r) => r.type === "kubernetes:policy.networking.k8s.io/v1alpha2:ClusterNetworkPolicy");
    expect(cnps.map((r) => r.name)).toContain("policies-10-security:no-cloud-metadata");
    for (const r of cnps) {
      // The name and parent a ConfigGroup gives its child (`<group>:<object>`), so a stack deployed before keeps the object.
      const [groupName, objectName] = r.name.split(":") as [string, string];
      expect(r.parent).toBe(`urn:pulumi:dev::calico-baseline::calico-baseline:policies:BaselinePolicies$kubernetes:yaml/v2:ConfigGroup::${groupName}`);
      const parent = byName(groupName);
      expect(parent.type).toBe("kubernetes:yaml/v2:ConfigGroup");
      expect((r.inputs["metadata"] as { name: string }).name).toBe(objectName);
      expect(r.inputs["spec"], r.name).toBeDefined();
      expect(dependsTransitively(r.name).has("calico-apiserver"), r.name).toBe(true);
      expect(dependsTransitively(r.name).has("policies-tiers"), r.name).toBe(true);
      // Not also in the ConfigGroup's objects (it would be applied twice).
      const objs = (parent.inputs["objs"] ?? []) as { kind?: string }[];
      expect(objs.length, r.name).toBeGreaterThan(0);
      expect(objs.some((o) => o.kind === "ClusterNetworkPolicy"), r.name).toBe(false);
    }
  });

  it("uses the cluster's provider for every Kubernetes resource", () => {
    const k8s = recorded.filter((r) => r.type.startsWith("kubernetes:"));
    expect(k8s.length).toBeGreaterThan(10);
    const providers = recorded.filter((r) => r.type === "pulumi:providers:kubernetes").map((r) => r.name);
    expect(providers).toEqual(["cluster-provider"]);
    for (const r of k8s) {
      // `<urn>::<id>`: the URN ends in the provider's name.
      expect(r.provider, `${r.type} ${r.name}`).toMatch(/::cluster-provider::cluster-provider-id$/);
    }
    // Components pass it on to what they create (chart and ConfigGroup children are created provider-side).
    for (const n of ["calico", "monitoring", "policies"]) {
      expect(byName(n).providers["kubernetes"], n).toMatch(/::cluster-provider::cluster-provider-id$/);
    }
  });
});
