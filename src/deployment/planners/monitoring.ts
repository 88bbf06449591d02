/** Values and patches for monitoring. Pure. */
import type { NodeExporterConfig } from "../../config/types.js";
import { PULL_SECRET_NAME } from "./calico.js";

export const MONITORING_NAMESPACE = "calico-monitoring";

/**
 * prometheus-node-exporter chart values: the image (and the optional kube-rbac-proxy sidecar) from the
 * private registry, pulled with the namespace's pull Secret. node-exporter is host-networked, so it
 * listens on each node's IP:9100 (CALICO.md section 6).
 */
export function nodeExporterValues(n: NodeExporterConfig, registryHost: string): Record<string, unknown> {
  return {
    global: { imageRegistry: registryHost },
    image: { registry: registryHost, repository: "prometheus/node-exporter", tag: n.imageTag },
    kubeRBACProxy: { enabled: false, image: { registry: registryHost } },
    imagePullSecrets: [{ name: PULL_SECRET_NAME }],
    hostNetwork: true,
    service: { port: 9100, targetPort: 9100 },
  };
}

/** Felix serves Prometheus metrics on 9091 (FelixConfiguration is owned by the operator: a patch). */
export const FELIX_METRICS_PATCH = { prometheusMetricsEnabled: true, prometheusMetricsPort: 9091 } as const;

/** kube-controllers metrics on 9094 (KubeControllersConfiguration `default`, also operator-owned). */
export const KUBE_CONTROLLERS_METRICS_PATCH = { prometheusMetricsPort: 9094 } as const;
