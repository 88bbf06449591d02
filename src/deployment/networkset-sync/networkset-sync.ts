/**
 * Deploys the Consul → GlobalNetworkSet controller (docs/networkset-sync.md): its namespace, ServiceAccount,
 * RBAC, config, Deployment and metrics Service (src/deployment/planners/networkset-sync.ts), the Consul token
 * as a Secret from the Pulumi secret, and the registry pull Secret. It starts after the baseline policies
 * (its own egress is one of them) and the Calico API server (projectcalico.org/v3 GlobalNetworkSets).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkSetSyncConfig } from "../../config/types.js";
import { secretOutput } from "../config.js";
import { PULL_SECRET_NAME, dockerConfigJson } from "../planners/calico.js";
import { SYNC_TOKEN_SECRET, networkSetSyncObjects } from "../planners/networkset-sync.js";
import type { RegistryEndpoint } from "../registry/registry.js";

export interface NetworkSetSyncArgs {
  readonly config: NetworkSetSyncConfig;
  readonly registry: RegistryEndpoint;
  /** The baseline policies and the Calico API server. */
  readonly after: pulumi.Resource[];
  readonly provider: k8s.Provider;
  /** The cluster serves GlobalNetworkSets as native v3 CRDs (`calico.crds: v3`): the ownership admission policy is deployed. */
  readonly nativeV3Crds: boolean;
}

const ADMISSION_KINDS = new Set(["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"]);

export class NetworkSetSync extends pulumi.ComponentResource {
  readonly deployment: k8s.yaml.v2.ConfigGroup;
  /** The ownership ValidatingAdmissionPolicy and its binding (native v3 CRDs only), in place before the controller runs. */
  readonly admission?: k8s.yaml.v2.ConfigGroup;

  constructor(name: string, args: NetworkSetSyncArgs, opts?: pulumi.ComponentResourceOptions) {
    super("calico-baseline:sync:NetworkSetSync", name, {}, { ...opts, providers: [args.provider] });
    const po = { parent: this, provider: args.provider };
    const c = args.config;
    const r = args.registry;
    const objects = r.host.apply((host) => networkSetSyncObjects(c, host, { nativeV3Crds: args.nativeV3Crds }));
    const namespace = new k8s.yaml.v2.ConfigGroup(`${name}-namespace`, { objs: objects.apply((os) => os.filter((o) => o["kind"] === "Namespace")) }, { ...po, dependsOn: args.after });
    const token = new k8s.core.v1.Secret(
      `${name}-consul-token`,
      { metadata: { name: SYNC_TOKEN_SECRET, namespace: c.namespace }, type: "Opaque", stringData: { token: secretOutput(c.token) } },
      { ...po, dependsOn: [namespace] },
    );
    const pull = new k8s.core.v1.Secret(
      `${name}-pull-secret`,
      {
        metadata: { name: PULL_SECRET_NAME, namespace: c.namespace },
        type: "kubernetes.io/dockerconfigjson",
        stringData: { ".dockerconfigjson": pulumi.secret(pulumi.all([r.host, r.password]).apply(([h, p]) => dockerConfigJson(h, r.username, p))) },
      },
      { ...po, dependsOn: [namespace] },
    );
    this.admission = args.nativeV3Crds
      ? new k8s.yaml.v2.ConfigGroup(`${name}-admission`, { objs: objects.apply((os) => os.filter((o) => ADMISSION_KINDS.has(o["kind"] as string))) }, { ...po, dependsOn: args.after })
      : undefined;
    this.deployment = new k8s.yaml.v2.ConfigGroup(
      `${name}-controller`,
      { objs: objects.apply((os) => os.filter((o) => o["kind"] !== "Namespace" && !ADMISSION_KINDS.has(o["kind"] as string))) },
      { ...po, dependsOn: [namespace, token, pull, ...(this.admission !== undefined ? [this.admission] : []), ...args.after] },
    );
    this.registerOutputs({});
  }
}
