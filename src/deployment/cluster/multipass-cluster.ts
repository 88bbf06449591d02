/**
 * Dev cluster on this machine: a control-plane VM and N worker VMs launched by multipass, k3s installed by
 * cloud-init, the kubeconfig read back from the control plane. Chain: VMs → k3s ready → kubeconfig → provider.
 */
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { MultipassCluster as MultipassClusterConfig } from "../../config/types.js";
import { multipassNodeNames, type StackNodeOutput } from "../../facts/nodes.js";
import { READ_KUBECONFIG, k3sCloudInit, k3sReadyScript, rewriteKubeconfig, wireguardKeysScript } from "../planners/k3s.js";
import { deleteScript, execScript, launchScript, parseMultipassIpv4 } from "../planners/multipass.js";
import { sh } from "../planners/shell.js";
import { type ClusterOutputs, type NodeRegistryArgs, nodeRegistryTrust } from "./cluster.js";

export interface MultipassClusterArgs {
  readonly config: MultipassClusterConfig;
  readonly registry: NodeRegistryArgs;
  /** Resources the VMs wait for (the registry must serve before nodes boot with its CA and credentials). */
  readonly after?: pulumi.Resource[];
  /** Calico 3.32 native projectcalico.org/v3 CRDs: the API server must serve MutatingAdmissionPolicy. */
  readonly calicoNativeV3?: boolean;
}

export class MultipassCluster extends pulumi.ComponentResource implements ClusterOutputs {
  readonly controlPlaneIp: pulumi.Output<string>;
  /** Every node with the address multipass gave its VM (the stack output `nodes`). */
  readonly nodes: pulumi.Output<StackNodeOutput[]>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly vms: command.local.Command[];

  constructor(name: string, args: MultipassClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("calico-baseline:cluster:MultipassCluster", name, {}, opts);
    const c = args.config;
    const token = new random.RandomPassword(`${name}-k3s-token`, { length: 48, special: false }, { parent: this });
    const trust = nodeRegistryTrust(args.registry);
    const k3s = { k3sVersion: c.k3sVersion, podCidr: c.podCidr, serviceCidr: c.serviceCidr };

    const vm = (
      role: string,
      vmName: string,
      size: typeof c.controlPlane,
      cloudInit: pulumi.Output<string>,
      deps: pulumi.Resource[],
      extraTriggers: pulumi.Input<string>[] = [],
    ): command.local.Command => {
      const spec = { name: vmName, image: c.image, ...size };
      return new command.local.Command(
        `${name}-${role}`,
        {
          create: launchScript(spec),
          delete: deleteScript(vmName),
          stdin: pulumi.secret(cloudInit),
          interpreter: ["/bin/bash", "-c"],
          // A new image, k3s version or size means a new VM.
          triggers: [c.image, c.k3sVersion, size.cpus, size.memory, size.disk, ...extraTriggers],
        },
        { parent: this, dependsOn: deps, deleteBeforeReplace: true, replaceOnChanges: ["*"], additionalSecretOutputs: ["stdin"] },
      );
    };

    const [cp, ...workerNodes] = multipassNodeNames(c.namePrefix, c.workers);
    const cpName = (cp as { name: string }).name;
    const controlPlane = vm(
      "control",
      cpName,
      c.controlPlane,
      pulumi.all([token.result, trust]).apply(([t, r]) => k3sCloudInit({ k3s, node: { role: "server", mutatingAdmissionPolicy: args.calicoNativeV3 === true }, token: t, registry: r })),
      args.after ?? [],
    );
    this.controlPlaneIp = controlPlane.stdout.apply((json) => parseMultipassIpv4(json, cpName));
    const workers = workerNodes.map(({ name: vmName }, i) =>
      vm(
        `worker-${i + 1}`,
        vmName,
        c.worker,
        pulumi
          .all([token.result, trust, this.controlPlaneIp])
          .apply(([t, r, ip]) => k3sCloudInit({ k3s, node: { role: "agent", serverUrl: `https://${ip}:6443` }, token: t, registry: r })),
        [controlPlane, ...(args.after ?? [])],
        // A re-created control plane is a new, empty cluster, possibly at the same address (so the
        // cloud-init would not change): its workers are re-created to join it.
        [controlPlane.id],
      ),
    );
    this.vms = [controlPlane, ...workers];
    // The node names the deployment facts plan (VM name = hostname = k3s node name), in launch order.
    this.nodes = pulumi.all(
      multipassNodeNames(c.namePrefix, c.workers).map(({ name: node, role }, i) =>
        (this.vms[i] as command.local.Command).stdout.apply((json): StackNodeOutput => ({ name: node, role, ips: [parseMultipassIpv4(json, node)] })),
      ),
    );

    const ready = new command.local.Command(
      `${name}-k3s-ready`,
      { create: execScript(cpName), stdin: k3sReadyScript(1 + c.workers), interpreter: ["/bin/bash", "-c"], triggers: [controlPlane.id, ...workers.map((w) => w.id)] },
      { parent: this, dependsOn: this.vms },
    );
    // stdout is the admin kubeconfig (client key included). additionalSecretOutputs keeps it out of the
    // state in plain text; `logging: "stderr"` stops the provider from streaming stdout to the console, and
    // the secret command keeps the command itself out of the logs (pulumi/pulumi-command#260).
    const read = new command.local.Command(
      `${name}-kubeconfig`,
      { create: pulumi.secret(`multipass exec ${sh(cpName)} -- sudo ${READ_KUBECONFIG}`), interpreter: ["/bin/bash", "-c"], logging: "stderr", triggers: [controlPlane.id] },
      { parent: this, dependsOn: [ready], additionalSecretOutputs: ["stdout"] },
    );
    this.kubeconfig = pulumi.secret(pulumi.all([read.stdout, this.controlPlaneIp]).apply(([k, ip]) => rewriteKubeconfig(k, ip)));
    this.provider = new k8s.Provider(`${name}-provider`, { kubeconfig: this.kubeconfig, enableServerSideApply: true }, { parent: this, dependsOn: [read] });
    this.registerOutputs({ controlPlaneIp: this.controlPlaneIp, kubeconfig: this.kubeconfig });
    this.onControlPlane = (role, script, deps) =>
      new command.local.Command(`${name}-${role}`, { create: execScript(cpName), stdin: script, interpreter: ["/bin/bash", "-c"], triggers: [controlPlane.id] }, { parent: this, dependsOn: deps });
    this.expectedNodes = 1 + c.workers;
  }

  private readonly onControlPlane: (role: string, script: string, deps: pulumi.Resource[]) => pulumi.Resource;
  private readonly expectedNodes: number;

  /** Waits, after `deps` (the FelixConfiguration patch), until every node publishes its WireGuard key (k3s.ts wireguardKeysScript). */
  waitForWireguardKeys(v6: boolean, deps: pulumi.Resource[]): pulumi.Resource {
    return this.onControlPlane(v6 ? "wireguard-keys-v6" : "wireguard-keys", wireguardKeysScript(this.expectedNodes, v6), deps);
  }
}
