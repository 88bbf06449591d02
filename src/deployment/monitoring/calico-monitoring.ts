/**
 * Monitoring: the monitoring namespace, RBAC and metrics Services from the cdk8s components, and
 * node-exporter from the private registry. (Felix and kube-controllers serve their metrics through the
 * configuration patches of `CalicoInstall`, which the deployment facts fill.)
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { MonitoringConfig } from "../../config/types.js";
import { PULL_SECRET_NAME, dockerConfigJson } from "../planners/calico.js";
import { MONITORING_NAMESPACE, nodeExporterValues } from "../planners/monitoring.js";
import { chartSource } from "../planners/helm.js";
import { NODE_EXPORTER_CHART } from "../../config/releases.js";
import type { RegistryEndpoint } from "../registry/registry.js";

export interface CalicoMonitoringArgs {
  readonly config: MonitoringConfig;
  /** `synthMonitoring()` output: Namespace, RBAC, metrics Services. */
  readonly objects: readonly Record<string, unknown>[];
  readonly registry: RegistryEndpoint;
  /** What puts the images into the registry (the image mirror; none for a prefilled registry): node-exporter pulls from it. */
  readonly imagesReady: readonly pulumi.Resource[];
  /** Calico networking ready (the metrics Services live in calico-system, created by the operator). */
  readonly installationReady: pulumi.Resource;
  readonly provider: k8s.Provider;
}

/**
 * node-exporter runs with hostNetwork, hostPID and hostPath mounts, which Pod Security Admission admits only
 * at the `privileged` level; on a cluster whose default level is baseline or restricted (managed clusters
 * often set one) its DaemonSet pods would be refused. The monitoring namespace gets the label here, where
 * node-exporter is deployed, not in the rendered manifests (which do not deploy it).
 */
export function withPrivilegedPodSecurity(o: Record<string, unknown>): Record<string, unknown> {
  if ((o["metadata"] as { name?: unknown } | undefined)?.name !== MONITORING_NAMESPACE) return o;
  const metadata = o["metadata"] as Record<string, unknown>;
  const labels = (metadata["labels"] as Record<string, string> | undefined) ?? {};
  return { ...o, metadata: { ...metadata, labels: { ...labels, "pod-security.kubernetes.io/enforce": "privileged" } } };
}

export class CalicoMonitoring extends pulumi.ComponentResource {
  readonly nodeExporter?: k8s.helm.v4.Chart;

  constructor(name: string, args: CalicoMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("calico-baseline:monitoring:CalicoMonitoring", name, {}, { ...opts, providers: [args.provider] });
    const po = { parent: this, provider: args.provider };
    const r = args.registry;
    const isNamespace = (o: Record<string, unknown>): boolean => o["kind"] === "Namespace";

    const namespace = new k8s.yaml.v2.ConfigGroup(
      `${name}-namespace`,
      { objs: args.objects.filter(isNamespace).map((o) => (args.config.nodeExporter.enabled ? withPrivilegedPodSecurity(o) : o)) },
      po,
    );
    const secret = new k8s.core.v1.Secret(
      `${name}-pull-secret`,
      {
        metadata: { name: PULL_SECRET_NAME, namespace: MONITORING_NAMESPACE },
        type: "kubernetes.io/dockerconfigjson",
        stringData: { ".dockerconfigjson": pulumi.secret(pulumi.all([r.host, r.password]).apply(([h, p]) => dockerConfigJson(h, r.username, p))) },
      },
      { ...po, dependsOn: [namespace] },
    );
    new k8s.yaml.v2.ConfigGroup(`${name}-rbac-services`, { objs: args.objects.filter((o) => !isNamespace(o)) }, { ...po, dependsOn: [namespace, args.installationReady] });

    const ne = args.config.nodeExporter;
    if (ne.enabled) {
      this.nodeExporter = new k8s.helm.v4.Chart(
        `${name}-node-exporter`,
        {
          ...chartSource(ne.chartRepo, NODE_EXPORTER_CHART, ne.chartVersion, "calico-baseline:monitoring.nodeExporter.chartRepo"),
          namespace: MONITORING_NAMESPACE,
          values: r.host.apply((host) => nodeExporterValues(ne, host)),
        },
        // Nodes stay NotReady (tainted) until Calico networking is up; the DaemonSet would wait anyway.
        { ...po, dependsOn: [secret, ...args.imagesReady, args.installationReady] },
      );
    }
    this.registerOutputs({});
  }
}
