/**
 * What nodes and Calico's own components must always reach, written as allows so that no later deny can
 * cut the cluster off from itself (the same ports as Calico's published demo policies and Felix's failsafe
 * list): the Kubernetes API server (TCP 6443), kubelet (TCP 10250), Typha (TCP 5473), BGP (TCP 179), the
 * overlay (VXLAN UDP 4789 or IP-in-IP) between hosts, and the Calico API server (TCP 5443) from the
 * kube-apiserver.
 *
 * Three global policies:
 * - `<name>-hosts`: host endpoints accept and send those ports between nodes; pods may reach the API server
 *   port on hosts (a pod's Service traffic to `kubernetes.default` arrives DNAT-ed to host:6443);
 * - `<name>-calico-api-clients`: kube-controllers and the Calico API server may reach the API server;
 * - `<name>-calico-apiserver`: the Calico API server accepts TCP 5443 from hosts (the aggregated API is
 *   called by kube-apiserver, which runs on the host network);
 * Pods reach the API server through either its host endpoint or, without host endpoints, the
 * `default/kubernetes` Service, which Calico resolves to the API server's addresses.
 */
import { Construct } from "constructs";
import { sel, type Selector } from "../src/model/selector/index.js";
import { GlobalNetworkPolicy } from "./global-network-policy.js";
import { checkDnsLabel, NAMESPACE_NAME_LABEL, NODE_OS_LABEL, Peer } from "./peer.js";
import { Port } from "./port.js";
import { Protocol } from "./protocol.js";
import { makeRules, type RuleSpec } from "./rule.js";
import type { Tier } from "./tier.js";

export type Encapsulation = "VXLAN" | "IPIP" | "None";

/** The label k3s and kubeadm put on control-plane nodes (kube-controllers copies it onto auto HEPs). */
export const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";

export interface ControlPlaneAccessProps {
  readonly tier: Tier;
  /** @default "control-plane" */
  readonly name?: string;
  /**
   * Every node's host endpoint.
   * @default has(kubernetes.io/os)
   */
  readonly hosts?: Selector;
  /**
   * The control-plane nodes (where the API server listens on 6443).
   * @default has(node-role.kubernetes.io/control-plane)
   */
  readonly controlPlane?: Selector;
  /**
   * The pod network's overlay(s) between hosts: one, or every encapsulation the IP pools use.
   * @default "VXLAN"
   */
  readonly encapsulation?: Encapsulation | readonly Encapsulation[];
  /**
   * Whether nodes peer over BGP (TCP 179).
   * @default true
   */
  readonly bgp?: boolean;
  /**
   * Namespace of the Calico API server: `calico-apiserver` up to 3.30, `calico-system` from 3.31.
   * @default "calico-system"
   */
  readonly calicoApiServerNamespace?: string;
  /** @default 20 */
  readonly order?: number;
}

export class ControlPlaneAccess extends Construct {
  readonly hosts: GlobalNetworkPolicy;
  readonly apiClients: GlobalNetworkPolicy;
  readonly calicoApiServer: GlobalNetworkPolicy;

  constructor(scope: Construct, id: string, props: ControlPlaneAccessProps) {
    super(scope, id);
    const name = props.name ?? "control-plane";
    const order = props.order ?? 20;
    const hostSel = props.hosts ?? sel.has(NODE_OS_LABEL);
    const controlPlaneSel = props.controlPlane ?? sel.has(CONTROL_PLANE_LABEL);
    const apiNs = props.calicoApiServerNamespace ?? "calico-system";
    checkDnsLabel(apiNs, "calicoApiServerNamespace");

    const hosts = Peer.hosts(hostSel);
    const controlPlane = Peer.hosts(controlPlaneSel);
    const apiServer = Peer.service("default", "kubernetes");
    const calicoApiServerPods = Peer.pods(sel.eq("k8s-app", "calico-apiserver"), { namespace: apiNs });
    const encapsulations: readonly Encapsulation[] =
      typeof props.encapsulation === "string" ? [props.encapsulation] : (props.encapsulation ?? ["VXLAN"]);
    const overlay = [
      ...(encapsulations.includes("IPIP") ? [Port.protocol(Protocol.IPIP)] : []),
      ...(encapsulations.includes("VXLAN") ? [Port.VXLAN] : []),
    ];
    const nodeToNode = [
      Port.KUBE_APISERVER,
      Port.KUBELET,
      Port.TYPHA,
      ...(props.bgp === false ? [] : [Port.BGP]),
      ...overlay,
    ];
    const anyPod = Peer.namespaces(sel.has(NAMESPACE_NAME_LABEL));

    this.hosts = new GlobalNetworkPolicy(this, "Hosts", {
      tier: props.tier,
      name: `${name}-hosts`,
      order,
      selector: hostSel,
      ingress: [
        ...makeRules("ingress", "Allow", hosts, nodeToNode),
        ...makeRules("ingress", "Allow", anyPod, [Port.KUBE_APISERVER]),
      ],
      egress: [
        ...makeRules("egress", "Allow", hosts, nodeToNode),
        // kube-apiserver (host network) calling the aggregated Calico API.
        ...makeRules("egress", "Allow", calicoApiServerPods, [Port.CALICO_APISERVER]),
      ],
    });

    const apiClientRules: RuleSpec[] = [
      ...makeRules("egress", "Allow", controlPlane, [Port.KUBE_APISERVER]),
      ...makeRules("egress", "Allow", apiServer),
    ];
    this.apiClients = new GlobalNetworkPolicy(this, "ApiClients", {
      tier: props.tier,
      name: `${name}-calico-api-clients`,
      order,
      selector: sel.in("k8s-app", ["calico-apiserver", "calico-kube-controllers"]),
      namespaceSelector: sel.in(NAMESPACE_NAME_LABEL, [...new Set(["calico-system", apiNs])]),
      egress: apiClientRules,
    });

    this.calicoApiServer = new GlobalNetworkPolicy(this, "CalicoApiServer", {
      tier: props.tier,
      name: `${name}-calico-apiserver`,
      order,
      selector: sel.eq("k8s-app", "calico-apiserver"),
      namespaceSelector: sel.eq(NAMESPACE_NAME_LABEL, apiNs),
      ingress: makeRules("ingress", "Allow", hosts, [Port.CALICO_APISERVER]),
    });
  }
}
