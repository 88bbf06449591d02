/**
 * What Prometheus needs to discover and scrape Calico's metrics, as in Calico's monitoring docs
 * (https://docs.tigera.io/calico/3.32/operations/monitor/monitor-component-metrics): Namespace
 * `calico-monitoring`, ClusterRole `calico-prometheus-user`, its ServiceAccount, and the ClusterRoleBinding.
 * Built with cdk8s-plus-27, whose RBAC and namespace constructs fit this exactly.
 *
 * The ClusterRole reads, and only reads (get/list/watch), what Prometheus' Kubernetes service discovery
 * lists: Services, Pods, `discovery.k8s.io` EndpointSlices (the `endpointslice` role, and the API Kubernetes
 * keeps current) and v1 Endpoints (the `endpoints` role, which Calico's documented scrape configuration
 * uses; deprecated since Kubernetes 1.33, so the server warns, but still served). Endpoints and
 * EndpointSlices carry the same facts (the addresses behind each Service), so granting both shows Prometheus
 * nothing either alone would not. Plus `get` on the non-resource URL /metrics. No Secrets, no writes.
 */
import { Construct } from "constructs";
import * as kplus from "cdk8s-plus-27";
import { PROMETHEUS_NAMESPACE, PROMETHEUS_SERVICE_ACCOUNT } from "./monitoring-access.js";
import { checkDnsLabel } from "./peer.js";

export interface MonitoringRbacProps {
  /** @default "calico-monitoring" */
  readonly namespace?: string;
  /** Name of the ClusterRole, ServiceAccount and binding. @default "calico-prometheus-user" */
  readonly name?: string;
}

export class MonitoringRbac extends Construct {
  readonly namespace: kplus.Namespace;
  readonly serviceAccount: kplus.ServiceAccount;
  readonly clusterRole: kplus.ClusterRole;
  readonly binding: kplus.ClusterRoleBinding;

  constructor(scope: Construct, id: string, props: MonitoringRbacProps = {}) {
    super(scope, id);
    const ns = props.namespace ?? PROMETHEUS_NAMESPACE;
    const name = props.name ?? PROMETHEUS_SERVICE_ACCOUNT;
    checkDnsLabel(ns, "namespace");
    checkDnsLabel(name, "name", "service account name");
    this.namespace = new kplus.Namespace(this, "Namespace", {
      metadata: { name: ns, labels: { app: `ns-${ns}`, role: "monitoring" } },
    });
    this.serviceAccount = new kplus.ServiceAccount(this, "ServiceAccount", {
      metadata: { name, namespace: ns },
      // Prometheus' kubernetes_sd_configs authenticates to the API server with this token.
      automountToken: true,
    });
    this.clusterRole = new kplus.ClusterRole(this, "ClusterRole", { metadata: { name } });
    this.clusterRole.allow(
      ["get", "list", "watch"],
      kplus.ApiResource.ENDPOINTS,
      kplus.ApiResource.ENDPOINT_SLICES,
      kplus.ApiResource.SERVICES,
      kplus.ApiResource.PODS,
    );
    this.clusterRole.allow(["get"], kplus.NonApiResource.of("/metrics"));
    this.binding = new kplus.ClusterRoleBinding(this, "Binding", { metadata: { name }, role: this.clusterRole });
    this.binding.addSubjects(this.serviceAccount);
  }
}
