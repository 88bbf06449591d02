/**
 * Applies the synthesised baseline, one ConfigGroup per chart: the tiers first, then each tier's policies.
 * Everything waits for the Calico API server, which serves projectcalico.org/v3 (docs.tigera.io operations/install-apiserver; projectcalico/calico#8510).
 *
 * The namespaces the namespaced policies need (declared in the stack's inventory, `00-namespaces.yaml`) come
 * first, each a NamespacePatch: server-side apply creates the namespace when it is missing and adopts it
 * when it exists, setting only the inventory's labels, and `pulumi destroy` gives the labels back without
 * deleting the namespace (it holds application workloads this stack did not create).
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

export class BaselinePolicies extends pulumi.ComponentResource {
  readonly tiers?: k8s.yaml.v2.ConfigGroup;
  readonly groups: k8s.yaml.v2.ConfigGroup[] = [];
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
      this.groups.push(
        new k8s.yaml.v2.ConfigGroup(
          `${name}-${chart.file.replace(/\.ya?ml$/, "")}`,
          { objs: chart.objects },
          { ...po, dependsOn: [args.apiServerReady, ...(this.tiers !== undefined ? [this.tiers] : []), ...this.namespaces] },
        ),
      );
    }
    this.registerOutputs({});
  }
}
