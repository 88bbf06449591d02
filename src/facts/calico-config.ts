/**
 * What the stack sets in the operator-owned Calico configuration objects, as data: the Pulumi program patches
 * exactly these fields (server-side apply) into FelixConfiguration `default` and KubeControllersConfiguration
 * `default`, `synth` writes them to `calico-config.yaml` for review, and the analysis reads the same objects
 * (automatic host endpoints, failsafe ports). Pure.
 */
import type { FailsafePortConfig, StackConfig } from "../config/types.js";

/**
 * Metrics ports, from Calico's monitoring docs (https://docs.tigera.io/calico/3.32/operations/monitor/monitor-component-metrics):
 * Felix 9091 and Typha 9093 are both host-networked, so they must differ; kube-controllers 9094 (a pod);
 * node-exporter 9100 on the host network (prometheus-node-exporter chart `service.port`).
 */
export const METRICS_PORTS = { felix: 9091, typha: 9093, kubeControllers: 9094, nodeExporter: 9100 } as const;

export type MetricsComponent = keyof typeof METRICS_PORTS;

function protoPorts(list: readonly FailsafePortConfig[]): Record<string, unknown>[] {
  // Felix's ProtoPort: protocol must be upper case TCP/UDP/SCTP (libcalico-go validator validateProtoPort).
  return list.map((p) => ({ protocol: p.protocol, port: p.port, ...(p.net !== undefined ? { net: p.net } : {}) }));
}

/**
 * FelixConfiguration `default`: the failsafe ports always (written out even when they are Felix's defaults,
 * so that what the analysis assumes is what the cluster has, whatever the Felix version's default), the
 * Prometheus metrics when monitoring is on, and WireGuard (`wireguardEnabled`, `wireguardEnabledV6`) as the
 * stack's `encryption` says. `Installation.nodeMetricsPort` says the same port to the operator.
 */
export function felixConfigurationSpec(config: Pick<StackConfig, "calico" | "monitoring"> & Partial<Pick<StackConfig, "encryption">>): Record<string, unknown> {
  return {
    failsafeInboundHostPorts: protoPorts(config.calico.failsafePorts.inbound),
    failsafeOutboundHostPorts: protoPorts(config.calico.failsafePorts.outbound),
    ...(config.monitoring.enabled ? { prometheusMetricsEnabled: true, prometheusMetricsPort: METRICS_PORTS.felix } : {}),
    // East-west encryption (https://docs.tigera.io/calico/3.32/network-policy/encrypt-cluster-pod-traffic): written
    // out both ways, so turning it off in the stack turns it off in the cluster. Felix then tunnels pod
    // traffic between nodes over UDP 51820 (IPv6 51821) and publishes each node's public key.
    ...(config.encryption === undefined ? {} : { wireguardEnabled: config.encryption.wireguard, wireguardEnabledV6: config.encryption.wireguardV6 }),
  };
}

/**
 * KubeControllersConfiguration `default`: automatic host endpoints (`autoCreate`, and the default `*`
 * endpoint, which 3.30 made optional) as the stack says, and the metrics port when monitoring is on.
 */
export function kubeControllersConfigurationSpec(config: Pick<StackConfig, "calico" | "monitoring">): Record<string, unknown> {
  const enabled = config.calico.autoHostEndpoints;
  return {
    controllers: {
      node: {
        hostEndpoint: enabled ? { autoCreate: "Enabled", createDefaultHostEndpoint: "Enabled" } : { autoCreate: "Disabled" },
      },
    },
    ...(config.monitoring.enabled ? { prometheusMetricsPort: METRICS_PORTS.kubeControllers } : {}),
  };
}

/** Both objects as `synth` writes them (`calico-config.yaml`) and the analysis reads them. */
export function calicoConfigObjects(config: Pick<StackConfig, "calico" | "monitoring"> & Partial<Pick<StackConfig, "encryption">>): Record<string, unknown>[] {
  return [
    { apiVersion: "projectcalico.org/v3", kind: "FelixConfiguration", metadata: { name: "default" }, spec: felixConfigurationSpec(config) },
    { apiVersion: "projectcalico.org/v3", kind: "KubeControllersConfiguration", metadata: { name: "default" }, spec: kubeControllersConfigurationSpec(config) },
  ];
}
