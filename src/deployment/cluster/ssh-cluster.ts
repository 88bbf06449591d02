/**
 * k3s on existing hosts over SSH, installed the same way as on the multipass VMs (same script, run with
 * `sudo bash -s`). Chain: hosts → k3s ready → kubeconfig → provider.
 */
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { SshCluster as SshClusterConfig } from "../../config/types.js";
import { READ_KUBECONFIG, k3sInstallScript, k3sReadyScript, k3sUninstallScript, rewriteKubeconfig, wireguardKeysScript } from "../planners/k3s.js";
import { sh } from "../planners/shell.js";
import { type ClusterOutputs, type NodeRegistryArgs, nodeRegistryTrust } from "./cluster.js";

export interface SshClusterArgs {
  readonly config: SshClusterConfig;
  readonly privateKey: pulumi.Output<string>;
  readonly registry: NodeRegistryArgs;
  /** Calico 3.32 native projectcalico.org/v3 CRDs: the API server must serve MutatingAdmissionPolicy. */
  readonly calicoNativeV3?: boolean;
}

export class SshCluster extends pulumi.ComponentResource implements ClusterOutputs {
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly hosts: command.remote.Command[];

  constructor(name: string, args: SshClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("calico-baseline:cluster:SshCluster", name, {}, opts);
    const c = args.config;
    const connection = (host: string): command.types.input.remote.ConnectionArgs => ({ host, port: c.port, user: c.user, privateKey: args.privateKey });
    const token = new random.RandomPassword(`${name}-k3s-token`, { length: 48, special: false }, { parent: this });
    const trust = nodeRegistryTrust(args.registry);
    const k3s = { k3sVersion: c.k3sVersion, podCidr: c.podCidr, serviceCidr: c.serviceCidr };

    const server = new command.remote.Command(
      `${name}-control`,
      {
        connection: connection(c.controlPlane),
        create: "sudo bash -s",
        stdin: pulumi.secret(pulumi.all([token.result, trust]).apply(([t, r]) => k3sInstallScript({ k3s, node: { role: "server", tlsSan: c.controlPlane, mutatingAdmissionPolicy: args.calicoNativeV3 === true }, token: t, registry: r }))),
        delete: `sudo bash -c ${sh(k3sUninstallScript("server").trim())}`,
        triggers: [c.k3sVersion, c.podCidr, c.serviceCidr],
      },
      { parent: this, additionalSecretOutputs: ["stdin"] },
    );
    const agents = c.workers.map(
      (host, i) =>
        new command.remote.Command(
          `${name}-worker-${i + 1}`,
          {
            connection: connection(host),
            create: "sudo bash -s",
            stdin: pulumi.secret(
              pulumi
                .all([token.result, trust])
                .apply(([t, r]) => k3sInstallScript({ k3s, node: { role: "agent", serverUrl: `https://${c.controlPlane}:6443` }, token: t, registry: r })),
            ),
            delete: `sudo bash -c ${sh(k3sUninstallScript("agent").trim())}`,
            // A re-installed server (its delete uninstalls k3s, wiping the cluster) needs its agents to join again.
            triggers: [c.k3sVersion, server.id],
          },
          { parent: this, dependsOn: [server], additionalSecretOutputs: ["stdin"] },
        ),
    );
    this.hosts = [server, ...agents];
    const ready = new command.remote.Command(
      `${name}-k3s-ready`,
      { connection: connection(c.controlPlane), create: "sudo bash -s", stdin: k3sReadyScript(1 + c.workers.length), triggers: [server.id, ...agents.map((a) => a.id)] },
      { parent: this, dependsOn: this.hosts },
    );
    // stdout is the admin kubeconfig: secret in the state (additionalSecretOutputs) and not streamed to the
    // console (`logging: "stderr"`, plus the secret command: pulumi/pulumi-command#260).
    const read = new command.remote.Command(
      `${name}-kubeconfig`,
      { connection: connection(c.controlPlane), create: pulumi.secret(`sudo ${READ_KUBECONFIG}`), logging: "stderr", triggers: [server.id] },
      { parent: this, dependsOn: [ready], additionalSecretOutputs: ["stdout"] },
    );
    this.kubeconfig = pulumi.secret(read.stdout.apply((k) => rewriteKubeconfig(k, c.controlPlane)));
    this.provider = new k8s.Provider(`${name}-provider`, { kubeconfig: this.kubeconfig, enableServerSideApply: true }, { parent: this, dependsOn: [read] });
    this.registerOutputs({ kubeconfig: this.kubeconfig });
    this.onControlPlane = (role, script, deps) =>
      new command.remote.Command(`${name}-${role}`, { connection: connection(c.controlPlane), create: "sudo bash -s", stdin: script, triggers: [server.id] }, { parent: this, dependsOn: deps });
    this.expectedNodes = 1 + c.workers.length;
  }

  private readonly onControlPlane: (role: string, script: string, deps: pulumi.Resource[]) => pulumi.Resource;
  private readonly expectedNodes: number;

  /** Waits, after `deps` (the FelixConfiguration patch), until every node publishes its WireGuard key (k3s.ts wireguardKeysScript). */
  waitForWireguardKeys(v6: boolean, deps: pulumi.Resource[]): pulumi.Resource {
    return this.onControlPlane(v6 ? "wireguard-keys-v6" : "wireguard-keys", wireguardKeysScript(this.expectedNodes, v6), deps);
  }
}
