/**
 * The whole stack, wired in dependency order:
 *   cluster VMs/hosts → k3s ready → kubeconfig → provider
 *   registry → image mirror → operator → Installation → API server Ready → tiers → policies
 * Monitoring hangs off the same chain. Renderers and the manifest loader are injected so tests can run the
 * real wiring with fixtures; `index.ts` passes the real ones.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import * as pulumi from "@pulumi/pulumi";
import { loadInventory } from "../analysis/analyse.js";
import type { Inventory } from "../analysis/inventory.js";
import type { PolicySettings, StackConfig } from "../config/types.js";
import { deploymentFacts, namespacesFor, plannedNodes, stackInventory, type StackNodeOutput } from "../facts/index.js";
import { UserError } from "../model/problem.js";
import { CalicoInstall } from "./calico/calico-install.js";
import type { ClusterOutputs } from "./cluster/cluster.js";
import { ExistingCluster } from "./cluster/existing-cluster.js";
import { MultipassCluster } from "./cluster/multipass-cluster.js";
import { SshCluster } from "./cluster/ssh-cluster.js";
import { secretOutput } from "./config.js";
import { planImages, type MirroredImage } from "./images.js";
import { CalicoMonitoring } from "./monitoring/calico-monitoring.js";
import { NetworkSetSync } from "./networkset-sync/networkset-sync.js";
import { parseManifest } from "./planners/calico.js";
import { BaselinePolicies, type PolicyChart } from "./policies/baseline-policies.js";
import { ImageMirror } from "./registry/image-mirror.js";
import { MultipassRegistry } from "./registry/multipass-registry.js";
import type { RegistryEndpoint } from "./registry/registry.js";

export interface Renderers {
  readonly synthBaseline: (settings: PolicySettings) => readonly PolicyChart[];
  readonly synthMonitoring: () => Record<string, unknown>[];
  /** Reads a manifest from a local path or an https URL. */
  readonly loadText?: (location: string) => Promise<string>;
  /** Reads the stack's inventory (default: the file `config.inventory.path` names). */
  readonly loadInventory?: (config: StackConfig) => Inventory;
}

export interface StackOutputs {
  readonly kubeconfig: pulumi.Output<string>;
  readonly registry: pulumi.Output<string>;
  readonly registryCaPem?: pulumi.Output<string>;
  readonly images: pulumi.Output<MirroredImage[]>;
  readonly mirrorReport: pulumi.Output<string>;
  readonly controlPlaneIp?: pulumi.Output<string>;
  /** The nodes with their addresses (multipass: known after launch; ssh: the host list). */
  readonly nodes?: pulumi.Output<StackNodeOutput[]>;
}

/** The stack's own inventory file; missing is an error, since no stack may fall back to another's. */
export function defaultLoadInventory(config: StackConfig): Inventory {
  const file = config.inventory.path;
  if (!existsSync(file)) {
    throw new UserError([
      {
        path: "calico-baseline:policies.inventory",
        value: file,
        message: `stack "${config.stack}" has no inventory: ${file} does not exist`,
        hint: `write it (or set calico-baseline:policies.inventory): the namespaces it declares are the ones the stack creates for the namespaced policies`,
      },
    ]);
  }
  return loadInventory(file);
}

export async function defaultLoadText(location: string): Promise<string> {
  if (location.startsWith("https://")) {
    const res = await fetch(location);
    if (!res.ok) {
      throw new UserError([{ path: "calico-baseline:calico.manifests", value: location, message: `could not be downloaded (HTTP ${res.status})`, hint: "check the URL or give a local path" }]);
    }
    return res.text();
  }
  try {
    return await readFile(location, "utf8");
  } catch (e) {
    throw new UserError([{ path: "calico-baseline:calico.manifests", value: location, message: `cannot be read: ${(e as Error).message}`, hint: "give an existing local path or an https:// URL" }]);
  }
}

function externalRegistry(config: StackConfig): RegistryEndpoint {
  const r = config.registry;
  if (r.type !== "external") throw new Error("externalRegistry: not an external registry");
  return {
    host: pulumi.output(r.host),
    username: r.username,
    password: secretOutput(r.password),
    ...(r.caPem !== undefined ? { caPem: pulumi.output(r.caPem) } : {}),
    ready: [],
    // The program does not create this registry; a different host is a different store.
    instance: r.host,
  };
}

export async function createStack(config: StackConfig, renderers: Renderers): Promise<StackOutputs> {
  // Render first: a policy error stops the program before anything is created.
  const charts = renderers.synthBaseline(config.policies);
  const monitoringObjects = config.monitoring.enabled ? renderers.synthMonitoring() : [];
  // The same facts synth analyses: the namespaces the policies need, the inventory held to the stack, and the
  // Calico configuration (automatic host endpoints, failsafe ports, metrics). Any contradiction stops here.
  const facts = deploymentFacts(config);
  const inventory = (renderers.loadInventory ?? defaultLoadInventory)(config);
  const sourced = [...charts.flatMap((c) => c.objects.map((object) => ({ object, file: c.file }))), ...monitoringObjects.map((object) => ({ object, file: "monitoring.yaml" }))];
  const needs = namespacesFor(sourced, facts.namespaces, inventory, config.inventory.path);
  const held = stackInventory(facts, inventory, config.inventory.path);
  if (needs.problems.length > 0 || held.problems.length > 0) {
    throw new UserError([...needs.problems, ...held.problems], `stack "${config.stack}": the baseline does not fit what the stack deploys; nothing was created`);
  }
  const loadText = renderers.loadText ?? defaultLoadText;
  const images = planImages(config);
  const manifests =
    config.calico.install === "manifest"
      ? {
          crds: parseManifest(await loadText(config.calico.manifests.crds), config.calico.manifests.crds),
          operator: parseManifest(await loadText(config.calico.manifests.operator), config.calico.manifests.operator),
        }
      : undefined;

  // Registry.
  let registry: RegistryEndpoint;
  if (config.registry.type === "multipass") {
    if (config.cluster.type !== "multipass") throw new Error("a multipass registry needs a multipass cluster (checked by the config parser)");
    registry = new MultipassRegistry("registry", { config: config.registry, vmName: `${config.cluster.namePrefix}-registry`, image: config.cluster.image });
  } else {
    registry = externalRegistry(config);
  }
  const registryCaPem = registry.caPem;

  // Cluster.
  const calicoNativeV3 = config.calico.crds === "v3";
  let cluster: ClusterOutputs;
  let controlPlaneIp: pulumi.Output<string> | undefined;
  switch (config.cluster.type) {
    case "multipass": {
      // Nodes get the registry's CA and credentials at first boot, so the registry must be serving first.
      const mc = new MultipassCluster("cluster", { config: config.cluster, registry, after: registry.ready, calicoNativeV3 });
      cluster = mc;
      controlPlaneIp = mc.controlPlaneIp;
      break;
    }
    case "ssh":
      cluster = new SshCluster("cluster", { config: config.cluster, privateKey: secretOutput(config.cluster.privateKey), registry, calicoNativeV3 });
      break;
    case "kubeconfig":
      cluster = new ExistingCluster("cluster", { config: config.cluster });
      break;
  }

  const mirror = new ImageMirror("mirror", { images, registry });
  const calico = new CalicoInstall(
    "calico",
    { calico: config.calico, registry, images, provider: cluster.provider, after: [mirror], calicoConfig: facts.calicoConfig, ...(manifests !== undefined ? { manifests } : {}) },
  );
  if (config.monitoring.enabled) {
    new CalicoMonitoring("monitoring", {
      config: config.monitoring,
      objects: monitoringObjects,
      registry,
      mirror,
      installationReady: calico.installation,
      provider: cluster.provider,
    });
  }
  const policies = new BaselinePolicies("policies", { charts, namespaces: needs.create, apiServerReady: calico.apiServerReady, provider: cluster.provider });
  if (config.networkSetSync.enabled) {
    new NetworkSetSync("networkset-sync", { config: config.networkSetSync, registry, after: [policies, calico.apiServerReady], provider: cluster.provider });
  }

  let nodes: pulumi.Output<StackNodeOutput[]> | undefined;
  if (cluster instanceof MultipassCluster) nodes = cluster.nodes;
  else if (config.cluster.type === "ssh") nodes = pulumi.output(plannedNodes(config.cluster).nodes.map((n) => ({ name: n.name, role: n.role, ips: [...n.ips] })));

  return {
    kubeconfig: cluster.kubeconfig,
    registry: registry.host,
    ...(registryCaPem !== undefined ? { registryCaPem } : {}),
    images: mirror.images,
    mirrorReport: mirror.report,
    ...(controlPlaneIp !== undefined ? { controlPlaneIp } : {}),
    ...(nodes !== undefined ? { nodes } : {}),
  };
}
