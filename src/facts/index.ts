/**
 * Deployment facts: what `pulumi up` makes true on the cluster that the analysis relies on, derived from the
 * typed stack config alone. The Pulumi program deploys from these (KubeControllersConfiguration and
 * FelixConfiguration fields, namespaces, metrics ports), `synth` writes them for review and analyses over
 * them, and the drift check (`drift.ts`) compares them with what the program's resources provide.
 *
 * Pure: no Pulumi, no cdk8s, no file system.
 */
import type { IpPoolConfig, StackConfig } from "../config/types.js";
import { calicoConfigObjects, METRICS_PORTS } from "./calico-config.js";
import { knownNamespaces, type FactNamespace } from "./namespaces.js";
import { plannedNodes, type PlannedNodes } from "./nodes.js";
import { stackIdentities, stackWorkloads, type FactIdentity, type FactWorkload } from "./workloads.js";

export interface DeploymentFacts {
  readonly stack: string;
  readonly nodes: PlannedNodes;
  /** kube-controllers' automatic host endpoints (`<node>-auto-hep`, interface `*`) on every node. */
  readonly autoHostEndpoints: boolean;
  /** FelixConfiguration and KubeControllersConfiguration `default`, the fields the program sets. */
  readonly calicoConfig: readonly Record<string, unknown>[];
  /** Namespaces that exist without the inventory's help. */
  readonly namespaces: readonly FactNamespace[];
  readonly workloads: readonly FactWorkload[];
  readonly identities: readonly FactIdentity[];
  /** Metrics ports, when monitoring is on. */
  readonly metrics?: { readonly felix: number; readonly typha: number; readonly kubeControllers: number; readonly nodeExporter?: number };
  readonly pools: readonly Pick<IpPoolConfig, "name" | "cidr" | "encapsulation">[];
  readonly bgp: boolean;
  readonly registry: { readonly cidrs: readonly string[]; readonly port: number; readonly podPulls: boolean };
  /** multipass: the bridge the VMs (nodes and registry) get their addresses from. */
  readonly bridgeCidr?: string;
}

export function deploymentFacts(config: StackConfig): DeploymentFacts {
  const m = config.monitoring;
  return {
    stack: config.stack,
    nodes: plannedNodes(config.cluster),
    autoHostEndpoints: config.calico.autoHostEndpoints,
    calicoConfig: calicoConfigObjects(config),
    namespaces: knownNamespaces(config),
    workloads: stackWorkloads(config),
    identities: stackIdentities(config),
    ...(m.enabled
      ? { metrics: { felix: METRICS_PORTS.felix, typha: METRICS_PORTS.typha, kubeControllers: METRICS_PORTS.kubeControllers, ...(m.nodeExporter.enabled ? { nodeExporter: METRICS_PORTS.nodeExporter } : {}) } }
      : {}),
    pools: config.calico.ipPools.map((p) => ({ name: p.name, cidr: p.cidr, encapsulation: p.encapsulation })),
    bgp: config.calico.bgp === "Enabled",
    registry: { cidrs: config.policies.registry.cidrs, port: config.policies.registry.port, podPulls: config.policies.registry.podPulls === true },
    ...(config.registry.type === "multipass" && config.registry.bridgeCidr !== "" ? { bridgeCidr: config.registry.bridgeCidr } : {}),
  };
}

export * from "./calico-config.js";
export * from "./host-endpoints.js";
export * from "./namespaces.js";
export * from "./nodes.js";
export * from "./workloads.js";
export * from "./inventory.js";
