/** An existing (managed) cluster: the provider comes straight from the configured kubeconfig. */
import { readFileSync } from "node:fs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubeconfigCluster } from "../../config/types.js";
import { UserError } from "../../model/problem.js";
import { secretOutput } from "../config.js";
import type { ClusterOutputs } from "./cluster.js";

export class ExistingCluster extends pulumi.ComponentResource implements ClusterOutputs {
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;

  constructor(name: string, args: { readonly config: KubeconfigCluster }, opts?: pulumi.ComponentResourceOptions) {
    super("calico-baseline:cluster:ExistingCluster", name, {}, opts);
    const c = args.config;
    if (c.kubeconfig !== undefined) {
      this.kubeconfig = secretOutput(c.kubeconfig);
    } else {
      const path = c.kubeconfigPath ?? "";
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch (e) {
        throw new UserError([
          { path: "calico-baseline:cluster.kubeconfigPath", value: path, message: `cannot be read: ${(e as Error).message}`, hint: "give the path of an existing kubeconfig file" },
        ]);
      }
      this.kubeconfig = pulumi.secret(text);
    }
    this.provider = new k8s.Provider(`${name}-provider`, { kubeconfig: this.kubeconfig, enableServerSideApply: true }, { parent: this });
    this.registerOutputs({ kubeconfig: this.kubeconfig });
  }
}
