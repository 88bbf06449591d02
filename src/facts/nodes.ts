/**
 * The nodes a stack builds, as far as its config decides them. Pure.
 *
 * - multipass: one control-plane VM `<namePrefix>-control` and `<namePrefix>-worker-<i>`; multipass sets each
 *   VM's hostname to its instance name and k3s names the node after the hostname, so the node names are
 *   known. The addresses are not: multipass assigns them from its bridge at launch (they come back as the
 *   stack output `nodes`, which `calico-baseline inventory --from-stack` writes into the inventory).
 * - ssh: the configured hosts (`cluster.controlPlane`, `cluster.workers`). k3s names each node after the
 *   host's hostname, which the config does not hold, so the inventory names a node by its host entry; a
 *   host given as an IP address is that node's address.
 * - kubeconfig: the cluster exists already; the stack knows nothing of its nodes (the inventory, or a
 *   `kubectl get nodes -o json` dump, declares them).
 *
 * Labels are the ones the baseline selects nodes by, as k3s sets them on every node it runs (the
 * well-known `kubernetes.io/os` and `kubernetes.io/hostname`, https://kubernetes.io/docs/reference/labels-annotations-taints/,
 * and `node-role.kubernetes.io/control-plane: "true"` on servers). kube-controllers copies a node's labels
 * onto its automatic host endpoint, so these are what the host policies see.
 */
import { parseIp } from "../model/net.js";
import type { ClusterConfig } from "../config/types.js";

export const NODE_OS_LABEL = "kubernetes.io/os";
export const NODE_HOSTNAME_LABEL = "kubernetes.io/hostname";
export const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";

export type NodeRole = "control-plane" | "worker";

export interface FactNode {
  /** The node's name in the inventory: the Kubernetes node name (multipass), or the host entry (ssh). */
  readonly name: string;
  readonly role: NodeRole;
  /** ssh: the host as configured (address or DNS name), where the program installs k3s. */
  readonly host?: string;
  /** Addresses known before `pulumi up` (an ssh host given as an IP); empty otherwise. */
  readonly ips: readonly string[];
  /** The labels the baseline relies on, as k3s sets them. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Whether `name` is the Kubernetes node name. ssh hosts: no (k3s uses the host's hostname), so only
   * labels and addresses of such a node are compared, never its name.
   */
  readonly nameIsNodeName: boolean;
}

export interface PlannedNodes {
  /** False for a `kubeconfig` cluster: the stack does not build or know its nodes. */
  readonly known: boolean;
  readonly nodes: readonly FactNode[];
  /** Where the node addresses come from. */
  readonly addresses: "config" | "stack-outputs" | "inventory";
}

function labels(role: NodeRole, hostname?: string): Record<string, string> {
  return {
    [NODE_OS_LABEL]: "linux",
    ...(hostname !== undefined ? { [NODE_HOSTNAME_LABEL]: hostname } : {}),
    ...(role === "control-plane" ? { [CONTROL_PLANE_LABEL]: "true" } : {}),
  };
}

/** Multipass VM names, in the order the program launches them (control plane first). */
export function multipassNodeNames(namePrefix: string, workers: number): { name: string; role: NodeRole }[] {
  return [
    { name: `${namePrefix}-control`, role: "control-plane" },
    ...Array.from({ length: workers }, (_, i) => ({ name: `${namePrefix}-worker-${i + 1}`, role: "worker" as const })),
  ];
}

export function plannedNodes(cluster: ClusterConfig): PlannedNodes {
  switch (cluster.type) {
    case "multipass":
      return {
        known: true,
        addresses: "stack-outputs",
        nodes: multipassNodeNames(cluster.namePrefix, cluster.workers).map(({ name, role }) => ({
          name,
          role,
          ips: [],
          labels: labels(role, name),
          nameIsNodeName: true,
        })),
      };
    case "ssh": {
      const hosts: { host: string; role: NodeRole }[] = [
        { host: cluster.controlPlane, role: "control-plane" },
        ...cluster.workers.map((host) => ({ host, role: "worker" as const })),
      ];
      return {
        known: true,
        addresses: "config",
        nodes: hosts.map(({ host, role }) => ({
          name: host.toLowerCase(),
          role,
          host,
          ips: parseIp(host) !== undefined ? [host] : [],
          labels: labels(role),
          nameIsNodeName: false,
        })),
      };
    }
    case "kubeconfig":
      return { known: false, addresses: "inventory", nodes: [] };
  }
}

/**
 * One entry of the stack output `nodes` (`pulumi stack output --json`): what the program learnt about each
 * node at deploy time. `calico-baseline inventory --from-stack` reads it back into the inventory.
 */
export interface StackNodeOutput {
  readonly name: string;
  readonly role: NodeRole;
  readonly ips: readonly string[];
}
