/** What every cluster flavour hands to the rest of the program. */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export interface ClusterOutputs {
  /** Admin kubeconfig, always a secret Output. */
  readonly kubeconfig: pulumi.Output<string>;
  /** The one Kubernetes provider every Kubernetes resource uses. */
  readonly provider: k8s.Provider;
}
