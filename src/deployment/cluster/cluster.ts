/** What every cluster flavour hands to the rest of the program, and what the provisioned ones take from the registry. */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { NodeRegistryTrust } from "../planners/k3s.js";

export interface ClusterOutputs {
  /** Admin kubeconfig, always a secret Output. */
  readonly kubeconfig: pulumi.Output<string>;
  /** The one Kubernetes provider every Kubernetes resource uses. */
  readonly provider: k8s.Provider;
}

/** How the nodes of a provisioned cluster reach the private registry (Outputs of the registry component). */
export interface NodeRegistryArgs {
  readonly host: pulumi.Input<string>;
  readonly username: string;
  readonly password: pulumi.Input<string>;
  readonly caPem?: pulumi.Input<string>;
}

/** The registry trust every node's install script writes, once its Outputs are known. */
export function nodeRegistryTrust(r: NodeRegistryArgs): pulumi.Output<NodeRegistryTrust> {
  return pulumi
    .all([r.host, r.password, r.caPem])
    .apply(([host, password, caPem]) => ({ host, username: r.username, password, ...(caPem !== undefined ? { caPem } : {}) }));
}
