/**
 * checkDrift on hand-made inputs: each category reports what the analysis assumes and nothing provides, and
 * stays silent once it is provided. (test/deployment/drift-*.test.ts run it on the real program's graph.)
 */
import { describe, expect, it } from "vitest";
import { analysisAssumptions, checkDrift, failsafeKey, type AnalysisAssumptions } from "../../src/facts/drift.js";

type Obj = Record<string, unknown>;

const NONE: AnalysisAssumptions = {
  hostEndpoints: [],
  namespaces: [],
  namespaceLabels: [],
  metrics: [],
  failsafe: { inbound: [], outbound: [] },
  workloads: [],
  metricsServices: [],
};
const FAILSAFE: Obj = { apiVersion: "projectcalico.org/v3", kind: "FelixConfiguration", metadata: { name: "default" }, spec: { failsafeInboundHostPorts: [], failsafeOutboundHostPorts: [] } };
const categories = (a: AnalysisAssumptions, provided: Obj[]): string[] => checkDrift(a, provided).map((p) => `${p.category}: ${p.assumed}`);
const kcc = (hostEndpoint: Obj, extra: Obj = {}): Obj => ({ apiVersion: "projectcalico.org/v3", kind: "KubeControllersConfiguration", metadata: { name: "default" }, spec: { controllers: { node: { hostEndpoint } }, ...extra } });

describe("checkDrift", () => {
  it("reports nothing when nothing is assumed (and explicit empty failsafe lists are provided)", () => {
    expect(checkDrift(NONE, [FAILSAFE])).toEqual([]);
  });

  it("automatic host endpoints need autoCreate: Enabled, the default * endpoint and the node", () => {
    const a: AnalysisAssumptions = { ...NONE, hostEndpoints: [{ name: "n1-auto-hep", node: "n1", auto: true }] };
    const node: Obj = { apiVersion: "v1", kind: "Node", metadata: { name: "n1" } };
    expect(categories(a, [FAILSAFE])).toEqual(["host-endpoints: HostEndpoint n1-auto-hep (node n1)"]);
    expect(checkDrift(a, [FAILSAFE])[0]?.message).toContain("Calico's default is Disabled");
    expect(checkDrift(a, [FAILSAFE, kcc({ autoCreate: "Disabled" })])[0]?.message).toContain('autoCreate to "Disabled", not Enabled');
    expect(checkDrift(a, [FAILSAFE, kcc({ autoCreate: "Enabled", createDefaultHostEndpoint: "Disabled" })])[0]?.message).toContain("createDefaultHostEndpoint");
    expect(checkDrift(a, [FAILSAFE, kcc({ autoCreate: "Enabled" }), { ...node, metadata: { name: "other" } }])[0]?.message).toContain("creates no node n1");
    expect(checkDrift(a, [FAILSAFE, kcc({ autoCreate: "Enabled" }), node])).toEqual([]);
    // Several patches of one object merge, as server-side apply merges them.
    expect(checkDrift(a, [FAILSAFE, kcc({ autoCreate: "Disabled" }), kcc({ autoCreate: "Enabled" })])).toEqual([]);
  });

  it("an explicit host endpoint needs its HostEndpoint object, for the same node", () => {
    const a: AnalysisAssumptions = { ...NONE, hostEndpoints: [{ name: "n1-eth0", node: "n1", auto: false }] };
    const hep = (node: string): Obj => ({ apiVersion: "projectcalico.org/v3", kind: "HostEndpoint", metadata: { name: "n1-eth0" }, spec: { node } });
    expect(categories(a, [FAILSAFE])).toEqual(["host-endpoints: HostEndpoint n1-eth0 (node n1)"]);
    expect(checkDrift(a, [FAILSAFE, hep("n2")])[0]?.message).toContain("is for node n2");
    expect(checkDrift(a, [FAILSAFE, hep("n1")])).toEqual([]);
  });

  it("namespaces: created, built in, or the operator's once its CR exists; and created with the analysed labels", () => {
    const a: AnalysisAssumptions = {
      ...NONE,
      namespaces: ["shop", "kube-system", "calico-system", "calico-apiserver"].map((name) => ({ name, labels: {}, objects: [`NetworkPolicy/${name}/p`] })),
      namespaceLabels: [{ name: "shop", labels: { team: "web", "kubernetes.io/metadata.name": "shop" } }],
    };
    expect(categories(a, [FAILSAFE])).toEqual(["namespaces: namespace shop", "namespaces: namespace calico-system", "namespaces: namespace calico-apiserver"]);
    const provided: Obj[] = [
      FAILSAFE,
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { team: "ops" } } },
      { apiVersion: "operator.tigera.io/v1", kind: "Installation", metadata: { name: "default" }, spec: {} },
      { apiVersion: "operator.tigera.io/v1", kind: "APIServer", metadata: { name: "default" }, spec: {} },
    ];
    // calico-apiserver is the operator's only on 3.30.
    expect(checkDrift(a, provided).map((p) => p.assumed)).toEqual(["namespace calico-apiserver", "namespace shop label team: web"]);
    expect(checkDrift(a, provided, { calicoApiServerNamespace: "calico-apiserver" }).map((p) => p.message)).toEqual(["the Namespace the deployment creates has team: ops"]);
  });

  it("metrics: each scraped port needs the setting that serves it, and rendered metrics Services need applying", () => {
    const a: AnalysisAssumptions = {
      ...NONE,
      metrics: [
        { component: "felix", port: 9091, invariant: "monitoring-felix" },
        { component: "typha", port: 9093, invariant: "monitoring-typha" },
        { component: "kubeControllers", port: 9094, invariant: "monitoring-kube-controllers" },
        { component: "nodeExporter", port: 9100, invariant: "monitoring-node-exporter" },
      ],
      metricsServices: [{ namespace: "calico-system", name: "felix-metrics-svc", port: 9091 }],
    };
    expect(categories(a, [FAILSAFE])).toEqual([
      "metrics: felix metrics on TCP 9091 (monitoring-felix)",
      "metrics: typha metrics on TCP 9093 (monitoring-typha)",
      "metrics: kubeControllers metrics on TCP 9094 (monitoring-kube-controllers)",
      "metrics: nodeExporter metrics on TCP 9100 (monitoring-node-exporter)",
      "metrics: Service calico-system/felix-metrics-svc",
    ]);
    const provided: Obj[] = [
      { ...FAILSAFE, spec: { ...(FAILSAFE["spec"] as Obj), prometheusMetricsEnabled: true, prometheusMetricsPort: 9091 } },
      { apiVersion: "operator.tigera.io/v1", kind: "Installation", metadata: { name: "default" }, spec: { typhaMetricsPort: 9093 } },
      kcc({ autoCreate: "Enabled" }, { prometheusMetricsPort: 9094 }),
      { apiVersion: "calico-baseline.io/drift", kind: "HelmChart", metadata: { name: "ne", namespace: "calico-monitoring" }, spec: { chart: "prometheus-node-exporter", values: { hostNetwork: true, service: { port: 9100 } } } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "felix-metrics-svc", namespace: "calico-system" } },
    ];
    expect(checkDrift(a, provided)).toEqual([]);
    // A node-exporter that is not host-networked does not serve the node's port 9100.
    const notHost = provided.map((o) => (o["kind"] === "HelmChart" ? { ...o, spec: { chart: "prometheus-node-exporter", values: { hostNetwork: false, service: { port: 9100 } } } } : o));
    expect(categories(a, notHost)).toEqual(["metrics: nodeExporter metrics on TCP 9100 (monitoring-node-exporter)"]);
  });

  it("failsafe ports: set explicitly, and exactly the analysed ones", () => {
    const a: AnalysisAssumptions = { ...NONE, failsafe: { inbound: [failsafeKey({ protocol: "TCP", port: 22 }), failsafeKey({ protocol: 17, port: 68 })], outbound: [] } };
    expect(checkDrift(a, []).map((p) => p.category)).toEqual(["failsafe-ports", "failsafe-ports"]);
    const felix = (inbound: Obj[]): Obj => ({ ...FAILSAFE, spec: { failsafeInboundHostPorts: inbound, failsafeOutboundHostPorts: [] } });
    expect(checkDrift(a, [felix([{ protocol: "UDP", port: 68 }, { protocol: "TCP", port: 22 }])])).toEqual([]);
    const diff = checkDrift(a, [felix([{ protocol: "TCP", port: 22 }, { protocol: "TCP", port: 2379, net: "10.0.0.0/8" }])]);
    expect(diff[0]?.message).toContain("the analysis opens 17/68/, which it does not");
    expect(diff[0]?.message).toContain("it opens 6/2379/10.0.0.0/8, which the analysis does not");
  });

  it("workloads in the stack's namespaces: run by the Installation (CSI per kubeletVolumePluginPath), a chart, a DaemonSet, or as a provided account", () => {
    const a: AnalysisAssumptions = {
      ...NONE,
      workloads: [
        { namespace: "calico-system", name: "calico-node", serviceAccount: "calico-node" },
        { namespace: "calico-system", name: "csi-node-driver", serviceAccount: "csi-node-driver" },
        { namespace: "calico-monitoring", name: "prometheus", serviceAccount: "calico-prometheus-user" },
        { namespace: "calico-monitoring", name: "prometheus-node-exporter", serviceAccount: "prometheus-node-exporter" },
      ],
    };
    const installation = (kubeletVolumePluginPath: string): Obj => ({ apiVersion: "operator.tigera.io/v1", kind: "Installation", metadata: { name: "default" }, spec: { kubeletVolumePluginPath } });
    const chart: Obj = { apiVersion: "calico-baseline.io/drift", kind: "HelmChart", metadata: { name: "monitoring-node-exporter", namespace: "calico-monitoring" }, spec: { chart: "prometheus-node-exporter", values: { fullnameOverride: "prometheus-node-exporter" } } };
    const sa: Obj = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "calico-prometheus-user", namespace: "calico-monitoring" } };
    expect(categories(a, [FAILSAFE, installation("None")])).toEqual([
      "workloads: workload calico-system/csi-node-driver",
      "workloads: workload calico-monitoring/prometheus",
      "workloads: workload calico-monitoring/prometheus-node-exporter",
    ]);
    expect(checkDrift(a, [FAILSAFE, installation("/var/lib/kubelet"), chart, sa])).toEqual([]);
    // Without fullnameOverride the chart names its DaemonSet <release>-prometheus-node-exporter.
    const unnamed = { ...chart, spec: { chart: "prometheus-node-exporter", values: {} } };
    expect(categories(a, [FAILSAFE, installation("/var/lib/kubelet"), unnamed, sa])).toEqual(["workloads: workload calico-monitoring/prometheus-node-exporter"]);
  });
});

describe("analysisAssumptions", () => {
  it("reads namespaced objects and metrics Services from the analysed objects", async () => {
    const { analyse } = await import("../../src/analysis/analyse.js");
    const objects = [
      { object: { apiVersion: "v1", kind: "Service", metadata: { name: "typha-metrics-svc", namespace: "calico-system" }, spec: { ports: [{ port: 9093 }] } } },
      { object: { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "t" }, spec: { order: 1 } } },
    ];
    const a = analysisAssumptions(analyse({ objects }), [], objects);
    expect(a.namespaces.map((n) => [n.name, n.objects])).toEqual([["calico-system", ["Service/calico-system/typha-metrics-svc"]]]);
    expect(a.metricsServices).toEqual([{ namespace: "calico-system", name: "typha-metrics-svc", port: 9093 }]);
    // No FelixConfiguration among the objects: the analysis assumes Felix's defaults, which need stating.
    expect(a.failsafe.inbound).toContain("6/22/");
  });
});
