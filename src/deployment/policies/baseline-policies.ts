/**
 * Applies the synthesised baseline, one ConfigGroup per chart: the tiers first, then each tier's policies.
 * Everything waits for the Calico API server, which serves projectcalico.org/v3 (docs.tigera.io operations/install-apiserver; projectcalico/calico#8510).
 *
 * The namespaces the namespaced policies need (declared in the stack's inventory, `00-namespaces.yaml`) come
 * first, each a NamespacePatch: server-side apply creates the namespace when it is missing and adopts it
 * when it exists, setting only the inventory's labels, and `pulumi destroy` gives the labels back without
 * deleting the namespace (it holds application workloads this stack did not create).
 *
 * Kubernetes' admin policy kinds (ClusterNetworkPolicy; AdminNetworkPolicy and BaselineAdminNetworkPolicy before
 * Calico 3.32) are not in the ConfigGroups: their CRDs come from the Tigera operator at run time (it manages
 * `clusternetworkpolicies.policy.networking.k8s.io`, see the `customresourcedefinitions` rule of its ClusterRole
 * in the tigera-operator chart), not from a resource of this program. A yaml/v2 ConfigGroup must know each
 * object's scope while it plans, so on a fresh cluster its preview stops with "failed to determine if the
 * following GVK is namespaced" (pulumi/pulumi-kubernetes#3176). Each such object is a CustomResource instead,
 * whose check and diff assume a scope when the CRD is missing and correct it when it is created
 * (pulumi/pulumi-kubernetes#553, #554; provider/pkg/provider/provider.go, IsNoNamespaceInfoErr). It is a child
 * of its chart's ConfigGroup under the name the ConfigGroup gave it (`<group>:<object>`: the resource prefix
 * defaults to the group's name, provider/pkg/provider/yaml/v2/yaml.go `register`), so its URN is unchanged and
 * a stack deployed before this change keeps the object instead of replacing it (a replaced guardrail would be
 * absent for a moment).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { RenderedChart } from "../../rendering/synth.js";

/** One synthesised chart, as `synthBaseline` returns it (a type-only import: rendering is injected). */
export type PolicyChart = RenderedChart;

export interface BaselinePoliciesArgs {
  readonly charts: readonly PolicyChart[];
  /** Namespace objects the policies need that nobody else creates. */
  readonly namespaces?: readonly Record<string, unknown>[];
  readonly apiServerReady: pulumi.Resource;
  readonly provider: k8s.Provider;
}

/** Kinds whose CRD is installed by the Tigera operator once it runs (never by this program), by apiVersion. */
const OPERATOR_CRD_KINDS: Readonly<Record<string, readonly string[]>> = {
  "policy.networking.k8s.io/v1alpha2": ["ClusterNetworkPolicy"],
  "policy.networking.k8s.io/v1alpha1": ["AdminNetworkPolicy", "BaselineAdminNetworkPolicy"],
};

/** True for an object of a kind whose CRD the Tigera operator creates at run time. */
export function hasOperatorCrd(o: Record<string, unknown>): boolean {
  const api = o["apiVersion"];
  const kind = o["kind"];
  return typeof api === "string" && typeof kind === "string" && (OPERATOR_CRD_KINDS[api]?.includes(kind) ?? false);
}

/** The resource name a yaml/v2 ConfigGroup gives a cluster-scoped object (its resource prefix is the group's name). */
export function configGroupChildName(group: string, objectName: string): string {
  return `${group}:${objectName}`;
}

export class BaselinePolicies extends pulumi.ComponentResource {
  readonly tiers?: k8s.yaml.v2.ConfigGroup;
  readonly groups: k8s.yaml.v2.ConfigGroup[] = [];
  /** The admin policy objects (ClusterNetworkPolicy …), one CustomResource each, by object name. */
  readonly adminPolicies: k8s.apiextensions.CustomResource[] = [];
  readonly namespaces: k8s.core.v1.NamespacePatch[] = [];

  constructor(name: string, args: BaselinePoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("calico-baseline:policies:BaselinePolicies", name, {}, { ...opts, providers: [args.provider] });
    const po = { parent: this, provider: args.provider };
    for (const ns of args.namespaces ?? []) {
      const metadata = ns["metadata"] as { name: string; labels?: Record<string, string> };
      this.namespaces.push(new k8s.core.v1.NamespacePatch(`${name}-namespace-${metadata.name}`, { metadata: { name: metadata.name, ...(metadata.labels !== undefined ? { labels: metadata.labels } : {}) } }, po));
    }
    const tierCharts = args.charts.filter((c) => c.group === "tiers");
    this.tiers =
      tierCharts.length === 0
        ? undefined
        : new k8s.yaml.v2.ConfigGroup(`${name}-tiers`, { objs: tierCharts.flatMap((c) => c.objects) }, { ...po, dependsOn: [args.apiServerReady] });
    for (const chart of args.charts) {
      if (chart.group === "tiers") continue;
      // A policy in a tier that does not exist yet is rejected by the API server.
      const dependsOn = [args.apiServerReady, ...(this.tiers !== undefined ? [this.tiers] : []), ...this.namespaces];
      const groupName = `${name}-${chart.file.replace(/\.ya?ml$/, "")}`;
      const group = new k8s.yaml.v2.ConfigGroup(
        groupName,
        { objs: chart.objects.filter((o) => !hasOperatorCrd(o)) },
        { ...po, dependsOn },
      );
      this.groups.push(group);
      for (const o of chart.objects.filter(hasOperatorCrd)) {
        const { apiVersion, kind, metadata, ...rest } = o as { apiVersion: string; kind: string; metadata: { name: string } } & Record<string, unknown>;
        this.adminPolicies.push(new k8s.apiextensions.CustomResource(configGroupChildName(groupName, metadata.name), { apiVersion, kind, metadata, ...rest }, { parent: group, provider: args.provider, dependsOn }));
      }
    }
    this.registerOutputs({});
  }
}
