/**
 * The whole stack, wired in dependency order:
 *   cluster VMs/hosts → k3s ready → kubeconfig → provider
 *   registry → image mirror (or, registry.mirror false, a check that the images are there) → operator →
 *   Installation → API server Ready → tiers → policies (→ the networkset-sync controller, after its image is
 *   built and pushed, or checked to be there)
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
import { mirrorTargets, planImages, type MirroredImage } from "./images.js";
import { ControllerImage } from "./registry/controller-image.js";
import { CalicoMonitoring } from "./monitoring/calico-monitoring.js";
import { NetworkSetSync } from "./networkset-sync/networkset-sync.js";
import { parseManifest } from "./planners/calico.js";
import { BaselinePolicies, type PolicyChart } from "./policies/baseline-policies.js";
import { ImageMirror } from "./registry/image-mirror.js";
import { MultipassRegistry } from "./registry/multipass-registry.js";
import { checkPrefilledImages, prefilledReport, type CheckImages, type PresentImage } from "./registry/prefilled-registry.js";
import type { RegistryEndpoint } from "./registry/registry.js";

export interface Renderers {
  readonly synthBaseline: (settings: PolicySettings) => readonly PolicyChart[];
  readonly synthMonitoring: () => Record<string, unknown>[];
  /** Reads a manifest from a local path or an https URL. */
  readonly loadText?: (location: string) => Promise<string>;
  /** Reads the stack's inventory (default: the file `config.inventory.path` names). */
  readonly loadInventory?: (config: StackConfig) => Inventory;
  /** Checks a prefilled registry (`registry.mirror: false`) holds every image (default: over its HTTP API). */
  readonly checkImages?: CheckImages;
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

  // A registry a separate pipeline fills is checked now, before any resource is registered: a missing image
  // stops the program with nothing created.
  let prefilled: { host: string; targets: MirroredImage[]; present: PresentImage[] } | undefined;
  if (config.registry.type === "external" && !config.registry.mirror) {
    const r = config.registry;
    const targets = mirrorTargets(images, r.host);
    const access = { host: r.host, username: r.username, password: r.password.value ?? "", ...(r.caPem !== undefined ? { caPem: r.caPem } : {}) };
    prefilled = { host: r.host, targets, present: await (renderers.checkImages ?? checkPrefilledImages)(access, targets) };
  }

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

  // The images: copied by the mirror, or (a registry a separate pipeline fills) checked to be there already.
  let imageSource: { images: pulumi.Output<MirroredImage[]>; report: pulumi.Output<string>; ready: pulumi.Resource[] };
  if (prefilled !== undefined) {
    imageSource = { images: pulumi.output(prefilled.targets), report: pulumi.output(prefilledReport(prefilled.host, prefilled.present)), ready: [] };
  } else {
    const mirror = new ImageMirror("mirror", { images, registry });
    imageSource = { images: mirror.images, report: mirror.report, ready: [mirror] };
  }
  const calico = new CalicoInstall(
    "calico",
    { calico: config.calico, registry, images, provider: cluster.provider, after: imageSource.ready, calicoConfig: facts.calicoConfig, ...(manifests !== undefined ? { manifests } : {}) },
  );
  if (config.monitoring.enabled) {
    new CalicoMonitoring("monitoring", {
      config: config.monitoring,
      objects: monitoringObjects,
      registry,
      imagesReady: imageSource.ready,
      installationReady: calico.installation,
      provider: cluster.provider,
    });
  }
  const policies = new BaselinePolicies("policies", { charts, namespaces: needs.create, apiServerReady: calico.apiServerReady, provider: cluster.provider });
  if (config.networkSetSync.enabled) {
    // The controller's image is built from this repository: the program builds and pushes it when it fills the
    // registry itself; a prefilled registry was checked to hold it above.
    const pushed: pulumi.Resource[] = [];
    if (prefilled === undefined) {
      const image = imageSource.images.apply((is) => {
        const found = is.find((i) => i.role === "networkset-sync");
        if (found === undefined) throw new Error("networkSetSync is enabled but no controller image is planned (planImages)");
        return found;
      });
      pushed.push(new ControllerImage("networkset-sync-image", { image, registry }));
    }
    new NetworkSetSync("networkset-sync", { config: config.networkSetSync, registry, after: [policies, calico.apiServerReady, ...pushed], provider: cluster.provider, nativeV3Crds: config.calico.crds === "v3" });
  }
  // East-west encryption: the FelixConfiguration patch turns WireGuard on; wait until every node publishes its
  // public key (k3s clusters, on the control plane). An existing cluster is not waited on: check it with
  // `kubectl get nodes -o yaml | grep projectcalico.org/WireguardPublicKey` (docs: encrypt-cluster-pod-traffic).
  if (config.encryption.wireguard && (cluster instanceof MultipassCluster || cluster instanceof SshCluster)) {
    const felix = calico.configPatches;
    cluster.waitForWireguardKeys(false, felix);
    if (config.encryption.wireguardV6) cluster.waitForWireguardKeys(true, felix);
  }

  let nodes: pulumi.Output<StackNodeOutput[]> | undefined;
  if (cluster instanceof MultipassCluster) nodes = cluster.nodes;
  else if (config.cluster.type === "ssh") nodes = pulumi.output(plannedNodes(config.cluster).nodes.map((n) => ({ name: n.name, role: n.role, ips: [...n.ips] })));

  return {
    kubeconfig: cluster.kubeconfig,
    registry: registry.host,
    ...(registryCaPem !== undefined ? { registryCaPem } : {}),
    images: imageSource.images,
    mirrorReport: imageSource.report,
    ...(controlPlaneIp !== undefined ? { controlPlaneIp } : {}),
    ...(nodes !== undefined ? { nodes } : {}),
  };
}
