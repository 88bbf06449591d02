/**
 * Prometheus (the pods running as service account `calico-prometheus-user` in `calico-monitoring`) may
 * scrape Felix (TCP 9091), Typha (TCP 9093) and node-exporter (TCP 9100) on the hosts and kube-controllers
 * (TCP 9094, a pod); nobody else may reach those ports, except the nodes themselves on node-exporter's port
 * (kubelet's probes, see below).
 *
 * Felix, Typha and node-exporter run on the host network, so their ports are guarded on the host endpoints;
 * kube-controllers is a pod in calico-system. Each guarding policy allows Prometheus, then denies the same
 * ports from anyone, and leaves every other flow to the tier's default (Pass in the baseline).
 * Prometheus also gets egress to those targets and to the API server for service discovery.
 *
 * The host endpoint guard alone misses one path: a pod talking to *its own* node. Felix applies the pod's
 * egress policy and then `DefaultEndpointToHostAction` (ACCEPT under the Tigera operator) instead of the
 * host endpoint's ingress policy, so e.g. a kube-system pod could read its node's Felix or node-exporter
 * metrics. A fourth policy closes it at the pod end: every pod's egress to the hosts' metrics ports is
 * denied, ordered after Prometheus' own egress policy, whose Allow has already decided Prometheus' scrapes.
 */
import { Construct } from "constructs";
import { sel, type Selector } from "../src/model/selector/index.js";
import { CONTROL_PLANE_LABEL } from "./control-plane-access.js";
import { GlobalNetworkPolicy } from "./global-network-policy.js";
import { checkDnsLabel, NAMESPACE_NAME_LABEL, NODE_OS_LABEL, Peer } from "./peer.js";
import { Port } from "./port.js";
import { makeRules } from "./rule.js";
import type { Tier } from "./tier.js";

/** The label Calico gives every service account, holding its name (used by serviceAccountSelector). */
export const SERVICE_ACCOUNT_NAME_LABEL = "projectcalico.org/name";

/**
 * Where Prometheus runs and as whom: the defaults of both `MonitoringAccess` (who may scrape) and
 * `MonitoringRbac` (what it creates), which must agree or the scrapes are denied.
 */
export const PROMETHEUS_NAMESPACE = "calico-monitoring";
export const PROMETHEUS_SERVICE_ACCOUNT = "calico-prometheus-user";

export interface MonitoringAccessProps {
  readonly tier: Tier;
  /** @default "monitoring" */
  readonly name?: string;
  /** @default "calico-monitoring" */
  readonly prometheusNamespace?: string;
  /** @default "calico-prometheus-user" */
  readonly prometheusServiceAccount?: string;
  /**
   * Host endpoints to guard.
   * @default has(kubernetes.io/os)
   */
  readonly hosts?: Selector;
  /**
   * Control-plane hosts (API server 6443 for Prometheus' service discovery).
   * @default has(node-role.kubernetes.io/control-plane)
   */
  readonly controlPlane?: Selector;
  /** Order of the policies; the pod egress guard comes right after (`order + 1`). @default 30 */
  readonly order?: number;
}

export class MonitoringAccess extends Construct {
  readonly hostMetrics: GlobalNetworkPolicy;
  readonly kubeControllersMetrics: GlobalNetworkPolicy;
  readonly prometheus: GlobalNetworkPolicy;
  readonly podEgress: GlobalNetworkPolicy;

  constructor(scope: Construct, id: string, props: MonitoringAccessProps) {
    super(scope, id);
    const name = props.name ?? "monitoring";
    const order = props.order ?? 30;
    const ns = props.prometheusNamespace ?? PROMETHEUS_NAMESPACE;
    const sa = props.prometheusServiceAccount ?? PROMETHEUS_SERVICE_ACCOUNT;
    checkDnsLabel(ns, "prometheusNamespace");
    const hostSel = props.hosts ?? sel.has(NODE_OS_LABEL);
    const prometheus = Peer.serviceAccount(ns, sa);
    const hostPorts = [Port.FELIX_METRICS, Port.TYPHA_METRICS, Port.NODE_EXPORTER];
    const kubeControllersSel = sel.eq("k8s-app", "calico-kube-controllers");
    const calicoSystem = sel.eq(NAMESPACE_NAME_LABEL, "calico-system");

    this.hostMetrics = new GlobalNetworkPolicy(this, "HostMetrics", {
      tier: props.tier,
      name: `${name}-host-metrics`,
      order,
      selector: hostSel,
      ingress: [
        ...makeRules("ingress", "Allow", prometheus, hostPorts),
        // kubelet probes the host-networked node-exporter at the node's own address: that connection goes
        // over lo, which an all-interfaces host endpoint polices (hence Calico's documented loopback rule),
        // with the node's address as source. Denying it would fail the probes and restart node-exporter in
        // a loop. Calico cannot say "the same node", so every host may reach 9100; Felix and Typha are not
        // probed on their metrics ports and stay Prometheus-only.
        ...makeRules("ingress", "Allow", Peer.hosts(hostSel), [Port.NODE_EXPORTER]),
        ...makeRules("ingress", "Deny", undefined, hostPorts),
      ],
    });

    this.kubeControllersMetrics = new GlobalNetworkPolicy(this, "KubeControllersMetrics", {
      tier: props.tier,
      name: `${name}-kube-controllers-metrics`,
      order,
      selector: kubeControllersSel,
      namespaceSelector: calicoSystem,
      ingress: [
        ...makeRules("ingress", "Allow", prometheus, [Port.KUBE_CONTROLLERS_METRICS]),
        ...makeRules("ingress", "Deny", undefined, [Port.KUBE_CONTROLLERS_METRICS]),
      ],
    });

    this.prometheus = new GlobalNetworkPolicy(this, "Prometheus", {
      tier: props.tier,
      name: `${name}-prometheus`,
      order,
      namespaceSelector: sel.eq(NAMESPACE_NAME_LABEL, ns),
      serviceAccountSelector: sel.eq(SERVICE_ACCOUNT_NAME_LABEL, sa),
      egress: [
        ...makeRules("egress", "Allow", Peer.hosts(hostSel), hostPorts),
        ...makeRules("egress", "Allow", Peer.pods(kubeControllersSel, { namespace: "calico-system" }), [
          Port.KUBE_CONTROLLERS_METRICS,
        ]),
        ...makeRules("egress", "Allow", Peer.hosts(props.controlPlane ?? sel.has(CONTROL_PLANE_LABEL)), [Port.KUBE_APISERVER]),
        ...makeRules("egress", "Allow", Peer.service("default", "kubernetes")),
      ],
    });

    this.podEgress = new GlobalNetworkPolicy(this, "PodEgress", {
      tier: props.tier,
      name: `${name}-pod-egress`,
      // After `<name>-prometheus` (same tier): Prometheus' scrapes are allowed there before this Deny.
      order: order + 1,
      // Every workload endpoint (a namespaceSelector never selects host endpoints).
      namespaceSelector: sel.has(NAMESPACE_NAME_LABEL),
      egress: makeRules("egress", "Deny", Peer.hosts(hostSel), hostPorts),
    });
  }
}
