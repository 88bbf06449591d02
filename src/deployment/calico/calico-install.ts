/**
 * Calico through the Tigera operator: CRDs, the operator (Helm chart or upstream manifest, by config) with
 * its image from the private registry, then the Installation, APIServer, Goldmane and Whisker CRs, each
 * awaited on its Ready condition. `apiServerReady` is what every projectcalico.org/v3 object depends on.
 * Once the API server serves projectcalico.org/v3, the deployment facts' FelixConfiguration and
 * KubeControllersConfiguration fields (automatic host endpoints, failsafe ports, metrics) are patched into
 * the operator-owned `default` objects.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CalicoConfig } from "../../config/types.js";
import type { PlannedImage } from "../images.js";
import {
  PULL_SECRET_NAME,
  NO_AWAIT,
  WAIT_READY,
  crdChartName,
  dockerConfigJson,
  installationSpec,
  operatorChartValues,
  rewriteOperatorManifest,
  type parseManifest,
} from "../planners/calico.js";
import { chartSource } from "../planners/helm.js";
import type { RegistryEndpoint } from "../registry/registry.js";

export interface CalicoInstallArgs {
  readonly calico: CalicoConfig;
  readonly registry: RegistryEndpoint;
  readonly images: readonly PlannedImage[];
  /** For `install: manifest`: the parsed upstream CRD and operator manifests. */
  readonly manifests?: { readonly crds: ReturnType<typeof parseManifest>; readonly operator: ReturnType<typeof parseManifest> };
  readonly provider: k8s.Provider;
  /** What the operator waits for: the image mirror (its image and every Calico image must be in the registry). */
  readonly after?: pulumi.Resource[];
  /**
   * FelixConfiguration and KubeControllersConfiguration `default` as the deployment facts give them
   * (`calicoConfigObjects`): each becomes a server-side patch of the object the operator and kube-controllers
   * own, taking only these fields.
   */
  readonly calicoConfig?: readonly Record<string, unknown>[];
}

/** Pulumi names of the configuration patches, by kind; `monitoring-*` were their names when monitoring made them. */
const CONFIG_PATCHES: Readonly<Record<string, { role: string; formerly: string }>> = {
  FelixConfiguration: { role: "felix-configuration", formerly: "monitoring-felix-metrics" },
  KubeControllersConfiguration: { role: "kube-controllers-configuration", formerly: "monitoring-kube-controllers-metrics" },
};

export const OPERATOR_NAMESPACE = "tigera-operator";

export class CalicoInstall extends pulumi.ComponentResource {
  readonly operator: pulumi.Resource;
  readonly installation: k8s.apiextensions.CustomResource;
  readonly apiServer: k8s.apiextensions.CustomResource;
  readonly apiServerReady: pulumi.Resource;
  readonly goldmane?: k8s.apiextensions.CustomResource;
  readonly whisker?: k8s.apiextensions.CustomResource;
  readonly configPatches: k8s.apiextensions.CustomResourcePatch[] = [];

  constructor(name: string, args: CalicoInstallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("calico-baseline:calico:CalicoInstall", name, {}, { ...opts, providers: [args.provider] });
    const c = args.calico;
    const r = args.registry;
    const po = { parent: this, provider: args.provider };
    const dockerConfig = pulumi.secret(pulumi.all([r.host, r.password]).apply(([h, p]) => dockerConfigJson(h, r.username, p)));

    // Labelled as upstream's tigera-operator.yaml labels it: the operator pod is host-networked, which Pod
    // Security Admission only admits under `privileged` (a cluster whose default level is baseline or
    // restricted would otherwise reject it). The manifest path drops upstream's Namespace for this one.
    const ns = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: OPERATOR_NAMESPACE, labels: { name: OPERATOR_NAMESPACE, "pod-security.kubernetes.io/enforce": "privileged" } } },
      po,
    );
    // The pull Secret the operator (through its ServiceAccount or rewritten Deployment) and, through
    // Installation.imagePullSecrets, every Calico component use; the operator copies it where it needs it.
    const secret = new k8s.core.v1.Secret(
      `${name}-pull-secret`,
      { metadata: { name: PULL_SECRET_NAME, namespace: OPERATOR_NAMESPACE }, type: "kubernetes.io/dockerconfigjson", stringData: { ".dockerconfigjson": dockerConfig } },
      { ...po, dependsOn: [ns] },
    );

    if (c.install === "helm") {
      const crdChart = crdChartName(c);
      const crds =
        crdChart === undefined
          ? undefined
          : new k8s.helm.v4.Chart(
              `${name}-crds`,
              { ...chartSource(c.chartRepo, crdChart, `v${c.version}`), namespace: OPERATOR_NAMESPACE },
              { ...po, dependsOn: [ns] },
            );
      this.operator = new k8s.helm.v4.Chart(
        `${name}-operator`,
        {
          ...chartSource(c.chartRepo, "tigera-operator", `v${c.version}`),
          // 3.32: the CRD chart above carries every CRD, the operator's own (operator.tigera.io_*) included;
          // anything the operator chart still ships in crds/ would be a second Pulumi resource for the same
          // object. 3.30/3.31 have no CRD chart: their CRDs come from this chart's crds/.
          ...(crds !== undefined ? { skipCrds: true } : {}),
          namespace: OPERATOR_NAMESPACE,
          values: r.host.apply((host) => operatorChartValues(c, host)),
        },
        { ...po, dependsOn: [ns, secret, ...(crds !== undefined ? [crds] : []), ...r.ready, ...(args.after ?? [])] },
      );
    } else {
      const m = args.manifests;
      if (m === undefined) throw new Error("CalicoInstall: install is manifest but no manifests were loaded");
      const crds = new k8s.yaml.v2.ConfigGroup(`${name}-crds`, { objs: m.crds }, { ...po, dependsOn: [ns] });
      this.operator = new k8s.yaml.v2.ConfigGroup(
        `${name}-operator`,
        {
          objs: r.host.apply((host) =>
            rewriteOperatorManifest(m.operator, host, args.images, c.manifests.operator).filter(
              // The namespace is created above (the pull Secret lives in it before the operator starts).
              (o) => !(o["kind"] === "Namespace" && (o["metadata"] as { name?: string } | undefined)?.name === OPERATOR_NAMESPACE),
            ),
          ),
        },
        { ...po, dependsOn: [ns, secret, crds, ...r.ready, ...(args.after ?? [])] },
      );
    }

    const cr = (
      role: string,
      kind: string,
      spec: pulumi.Input<Record<string, unknown>>,
      deps: pulumi.Resource[],
      annotations: Readonly<Record<string, string>>,
    ): k8s.apiextensions.CustomResource =>
      new k8s.apiextensions.CustomResource(
        `${name}-${role}`,
        { apiVersion: "operator.tigera.io/v1", kind, metadata: { name: "default", annotations: { ...annotations } }, spec },
        { ...po, dependsOn: deps },
      );
    this.installation = cr("installation", "Installation", r.host.apply((host) => installationSpec(c, host)), [this.operator], WAIT_READY);
    // The API server only starts once calico-node networking is up; waiting on it covers the Installation.
    this.apiServer = cr("apiserver", "APIServer", {}, [this.installation], WAIT_READY);
    this.apiServerReady = this.apiServer;
    // No Ready condition to wait on (see NO_AWAIT); the operator rolls them out once the Installation is up.
    if (c.goldmane) this.goldmane = cr("goldmane", "Goldmane", {}, [this.installation], NO_AWAIT);
    if (c.whisker) this.whisker = cr("whisker", "Whisker", {}, [this.installation, ...(this.goldmane !== undefined ? [this.goldmane] : [])], NO_AWAIT);

    const formerParent = pulumi.createUrn("monitoring", "calico-baseline:monitoring:CalicoMonitoring");
    for (const o of args.calicoConfig ?? []) {
      const kind = String(o["kind"]);
      const names = CONFIG_PATCHES[kind];
      if (names === undefined) throw new Error(`CalicoInstall: no configuration patch for kind ${kind}`);
      this.configPatches.push(
        new k8s.apiextensions.CustomResourcePatch(
          `${name}-${names.role}`,
          // The operator and kube-controllers own `default`; a server-side patch with force takes only these fields.
          { apiVersion: "projectcalico.org/v3", kind, metadata: { name: "default", annotations: { "pulumi.com/patchForce": "true" } }, spec: o["spec"] as Record<string, unknown> },
          // Stacks deployed before these patches moved here keep their state (no delete and re-create).
          // Retained on delete: giving the fields back empties maps such as controllers.node.hostEndpoint,
          // which the server then holds as null and the native v3 CRD schema refuses, so `pulumi destroy`
          // failed (test/e2e saw "spec.controllers.node.hostEndpoint in body must be of type object: null").
          // The objects go with the stack's Calico CRDs, which destroy deletes after the patches.
          { ...po, dependsOn: [this.apiServerReady], aliases: [{ name: names.formerly, parent: formerParent }], retainOnDelete: true },
        ),
      );
    }
    this.registerOutputs({});
  }
}
