/** Values for monitoring. Pure. */
import type { NodeExporterConfig } from "../../config/types.js";
import { METRICS_PORTS, MONITORING_NAMESPACE, NODE_EXPORTER_NAME } from "../../facts/index.js";
import { PULL_SECRET_NAME } from "./calico.js";

export { MONITORING_NAMESPACE };

/**
 * prometheus-node-exporter chart values: the image (and the optional kube-rbac-proxy sidecar) from the
 * private registry, pulled with the namespace's pull Secret. node-exporter is host-networked, so it
 * listens on each node's IP:9100 (prometheus-community/helm-charts charts/prometheus-node-exporter values.yaml: hostNetwork true, service.port 9100).
 */
export function nodeExporterValues(n: NodeExporterConfig, registryHost: string): Record<string, unknown> {
  return {
    global: { imageRegistry: registryHost },
    image: { registry: registryHost, repository: "prometheus/node-exporter", tag: n.imageTag },
    kubeRBACProxy: { enabled: false, image: { registry: registryHost } },
    imagePullSecrets: [{ name: PULL_SECRET_NAME }],
    hostNetwork: true,
    service: { port: METRICS_PORTS.nodeExporter, targetPort: METRICS_PORTS.nodeExporter },
    // Fixed names (DaemonSet, ServiceAccount, Service) instead of `<release>-prometheus-node-exporter`, so the
    // workload is the one the deployment facts and the inventory name.
    fullnameOverride: NODE_EXPORTER_NAME,
  };
}
