/**
 * North-south guard for Kubernetes node ports: a pre-DNAT global policy on the nodes' host endpoints that
 * denies the node port range to every source except the cluster's own nodes and pods and the listed
 * external sources, as in Calico's "Apply Calico policy to Kubernetes node ports"
 * (https://docs.tigera.io/calico/3.32/network-policy/services/kubernetes-node-ports).
 *
 * Calico semantics (https://docs.tigera.io/calico/3.32/reference/host-endpoints/pre-dnat): pre-DNAT policy sees
 * the node port before kube-proxy rewrites it to the pod's port; it is ingress only, needs
 * `applyOnForward: true`, cannot be `doNotTrack`, is enforced for all traffic arriving through a host endpoint
 * whatever its destination (a local pod, a pod on another node, the host), and has no default drop: what it
 * neither allows nor denies goes on to the pod's (or the host's) normal policy.
 *
 * Unlike the docs' example, permitted sources are *passed* (`Pass`) rather than allowed: the guard only
 * closes, it never opens, so the backend pod's own policy (and later tiers) still decide.
 * Pods reach node ports from other nodes through the host endpoint too (their packets arrive on the node's
 * interfaces), so the pods are passed like the nodes.
 */
import type { Construct } from "constructs";
import { UserError } from "../src/model/problem.js";
import { sel, type Selector } from "../src/model/selector/index.js";
import { GlobalNetworkPolicy } from "./global-network-policy.js";
import { NAMESPACE_NAME_LABEL, NODE_OS_LABEL, Peer } from "./peer.js";
import { Port } from "./port.js";
import { makeRules } from "./rule.js";
import type { Tier } from "./tier.js";

export interface NodePortGuardProps {
  readonly tier: Tier;
  /** @default "node-port-guard" */
  readonly name?: string;
  /**
   * The host endpoints guarded (where node ports listen).
   * @default has(kubernetes.io/os): every auto host endpoint
   */
  readonly hosts?: Selector;
  /**
   * The node port range (kube-apiserver `--service-node-port-range`).
   * @default { from: 30000, to: 32767 }
   */
  readonly nodePortRange?: { readonly from: number; readonly to: number };
  /**
   * The pods, passed like the nodes (a pod on another node reaches a node port through the host endpoint).
   * Matched by selector, so Felix uses every pod's address whatever pool it came from.
   * @default every pod: namespaceSelector has(kubernetes.io/metadata.name)
   */
  readonly pods?: Peer;
  /** External sources that may reach the node ports. @default none */
  readonly allowFrom?: readonly Peer[];
  /** @default 25 (after the WireGuard peers, so their pre-DNAT Allow is never shadowed) */
  readonly order?: number;
}

export class NodePortGuard extends GlobalNetworkPolicy {
  constructor(scope: Construct, id: string, props: NodePortGuardProps) {
    const range = props.nodePortRange ?? { from: 30000, to: 32767 };
    if (!Number.isInteger(range.from) || !Number.isInteger(range.to) || range.from < 1 || range.to > 65535 || range.from > range.to) {
      throw new UserError([{ path: "nodePortRange", value: `${range.from}-${range.to}`, message: "is not a port range", hint: "e.g. { from: 30000, to: 32767 }" }]);
    }
    const ports = [Port.tcpRange(range.from, range.to), Port.udpRange(range.from, range.to)];
    const hostSel = props.hosts ?? sel.has(NODE_OS_LABEL);
    const pods = props.pods ?? Peer.namespaces(sel.has(NAMESPACE_NAME_LABEL));
    const passed = [Peer.hosts(hostSel), pods, ...(props.allowFrom ?? [])];
    super(scope, id, {
      tier: props.tier,
      name: props.name ?? "node-port-guard",
      order: props.order ?? 25,
      selector: hostSel,
      preDNAT: true,
      applyOnForward: true,
      ingress: [...passed.flatMap((p) => makeRules("ingress", "Pass", p, ports)), ...makeRules("ingress", "Deny", undefined, ports)],
    });
  }
}
