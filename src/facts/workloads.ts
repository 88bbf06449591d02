/**
 * The workloads a stack runs in the namespaces it owns (`tigera-operator`, `calico-system`,
 * `calico-apiserver` on 3.30, `calico-monitoring`), with the identity the baseline's policies and the
 * analysis rely on: kind, pod labels, service account, host network. Pure.
 *
 * Calico's components are rendered by the Tigera operator from the CRs this program creates (tigera/operator
 * `pkg/render/node.go`, `typha.go`, `kubecontrollers/kube-controllers.go`, `csi.go`, `apiserver.go`,
 * `goldmane/component.go`, `whisker/component.go` at v1.38.13, v1.40.15 and v1.42.3: label
 * `k8s-app: <name>`, a service account of the component's name; calico-node and Typha on the host network).
 */
import type { StackConfig } from "../config/types.js";
import { MONITORING_NAMESPACE, OPERATOR_NAMESPACE } from "./namespaces.js";

export type WorkloadKind = "Deployment" | "DaemonSet" | "Pod";

export interface FactWorkload {
  readonly namespace: string;
  readonly name: string;
  readonly kind: WorkloadKind;
  /** The pod labels the baseline selects by (a workload may carry more). */
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  readonly hostNetwork: boolean;
  /** What deploys it: the resource of the stack (or the CR the operator renders it from). */
  readonly by: string;
}

/**
 * A workload the stack does not run but grants an identity to: Prometheus runs as the service account
 * `MonitoringRbac` creates (the scrape policies allow that account), deployed by the user.
 */
export interface FactIdentity {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly by: string;
}

/** The prometheus-node-exporter chart's names with `fullnameOverride` (planners/monitoring.ts sets it). */
export const NODE_EXPORTER_NAME = "prometheus-node-exporter";

const calico = (name: string, kind: WorkloadKind, hostNetwork: boolean, by: string, namespace = "calico-system", extraLabels: Record<string, string> = {}): FactWorkload => ({
  namespace,
  name,
  kind,
  labels: { "k8s-app": name, ...extraLabels },
  serviceAccount: name,
  hostNetwork,
  by,
});

export function stackWorkloads(config: Pick<StackConfig, "calico" | "monitoring">): FactWorkload[] {
  const c = config.calico;
  const apiNs = c.minor === "3.30" ? "calico-apiserver" : "calico-system";
  const out: FactWorkload[] = [
    { namespace: OPERATOR_NAMESPACE, name: "tigera-operator", kind: "Deployment", labels: { "k8s-app": "tigera-operator", name: "tigera-operator" }, serviceAccount: "tigera-operator", hostNetwork: true, by: `the tigera-operator ${c.install === "helm" ? "chart" : "manifest"}` },
    calico("calico-node", "DaemonSet", true, "the operator, from the Installation"),
    calico("calico-typha", "Deployment", true, "the operator, from the Installation"),
    calico("calico-kube-controllers", "Deployment", false, "the operator, from the Installation"),
    ...(c.csi ? [calico("csi-node-driver", "DaemonSet", false, "the operator, from the Installation (kubeletVolumePluginPath)")] : []),
    ...(c.apiServer ? [calico("calico-apiserver", "Deployment", false, "the operator, from the APIServer CR", apiNs, { apiserver: "true" })] : []),
    ...(c.goldmane ? [calico("goldmane", "Deployment", false, "the operator, from the Goldmane CR")] : []),
    ...(c.whisker ? [calico("whisker", "Deployment", false, "the operator, from the Whisker CR")] : []),
  ];
  if (config.monitoring.enabled && config.monitoring.nodeExporter.enabled) {
    out.push({
      namespace: MONITORING_NAMESPACE,
      name: NODE_EXPORTER_NAME,
      kind: "DaemonSet",
      labels: { "app.kubernetes.io/name": NODE_EXPORTER_NAME },
      serviceAccount: NODE_EXPORTER_NAME,
      hostNetwork: true,
      by: "the prometheus-node-exporter chart",
    });
  }
  return out;
}

/** Identities the stack creates for workloads the user runs. */
export function stackIdentities(config: Pick<StackConfig, "monitoring">): FactIdentity[] {
  return config.monitoring.enabled ? [{ namespace: MONITORING_NAMESPACE, serviceAccount: "calico-prometheus-user", by: "the monitoring RBAC (monitoring.yaml)" }] : [];
}
