/**
 * The exact list of images a stack pulls, and where each one lives in the private registry. Pure: the
 * ImageMirror copies this list, the Installation/chart values point at the same references, and tests
 * check both against each other.
 *
 * Calico semantics (tigera/operator pkg/components/calico.go and references.go): the operator composes every Calico
 * image as `<registry><imagePath>/<imagePrefix><name>:<calico tag>`; we keep the upstream paths (`calico`,
 * `tigera`) so `Installation.registry` alone moves every image, and the operator's own image is moved by the
 * chart's `tigeraOperator.registry` (or a manifest rewrite), since `Installation.registry` does not touch it.
 */
import { UPSTREAM_REGISTRY } from "../config/releases.js";
import type { CalicoConfig, MonitoringConfig, NetworkSetSyncConfig } from "../config/types.js";

/** Which part of the stack needs an image (kept for reports and for the tests' cross-checks). */
export type ImageRole = "operator" | "calico" | "node-exporter" | "networkset-sync";

export interface PlannedImage {
  readonly role: ImageRole;
  /** Repository path without registry, identical upstream and in the mirror: `calico/node`. */
  readonly repository: string;
  readonly tag: string;
  /**
   * Public source: `quay.io/calico/node:v3.32.1`; for an image built from this repository (`built`), the
   * command that builds it.
   */
  readonly source: string;
  /**
   * Built from this repository, not mirrored from upstream (the networkset-sync controller): the image mirror
   * does not copy it; the program builds and pushes it (ControllerImage) or, with `registry.mirror: false`,
   * checks it was pushed (scripts/build-controller-image.mjs).
   */
  readonly built?: true;
}

/** The daemonless build of the controller image (docs/networkset-sync.md, "Image"). */
export const CONTROLLER_IMAGE_BUILD = "node scripts/build-controller-image.mjs";

/** The controller's image when networkSetSync is enabled: `repository:tag` from `networkSetSync.image`. */
export function controllerImage(nss: Pick<NetworkSetSyncConfig, "enabled" | "image">): PlannedImage | undefined {
  if (!nss.enabled) return undefined;
  const colon = nss.image.lastIndexOf(":");
  const repository = nss.image.slice(0, colon);
  const tag = nss.image.slice(colon + 1);
  return { role: "networkset-sync", repository, tag, source: `${CONTROLLER_IMAGE_BUILD} --tag ${tag}`, built: true };
}

/** The images the mirror copies from their public sources (every planned image not built here). */
export function upstreamImages<T extends PlannedImage>(images: readonly T[]): T[] {
  return images.filter((i) => i.built !== true);
}

export interface MirroredImage extends PlannedImage {
  /** Reference in the private registry: `10.91.52.7:5000/calico/node:v3.32.1`. */
  readonly target: string;
}

/** The Calico images the operator deploys for this configuration, in a stable order. */
export function calicoImageNames(calico: Pick<CalicoConfig, "minor" | "crds" | "apiServer" | "goldmane" | "whisker" | "csi" | "flexVolume">): string[] {
  // Always deployed: calico-node (with its CNI init container), kube-controllers and Typha.
  const names = ["node", "cni", "kube-controllers", "typha"];
  // calico-node's flexvol-driver init container, unless Installation.flexVolumePath is None.
  if (calico.flexVolume) names.push("pod2daemon-flexvol");
  // The csi-node-driver DaemonSet, unless Installation.kubeletVolumePluginPath is None.
  if (calico.csi) names.push("csi", "node-driver-registrar");
  if (calico.apiServer) {
    // 3.32 with native projectcalico.org/v3 CRDs: the APIServer CR deploys admission webhooks instead of
    // the aggregated API server; otherwise the aggregated calico-apiserver serves projectcalico.org/v3.
    names.push(calico.minor === "3.32" && calico.crds === "v3" ? "webhooks" : "apiserver");
  }
  if (calico.goldmane) names.push("goldmane");
  // The whisker Deployment runs the UI and its backend side by side.
  if (calico.whisker) names.push("whisker", "whisker-backend");
  return names;
}

/** Every image the stack pulls, with its public source (or, for the controller, how it is built). */
export function planImages(config: { readonly calico: CalicoConfig; readonly monitoring: MonitoringConfig; readonly networkSetSync?: NetworkSetSyncConfig }): PlannedImage[] {
  const { calico, monitoring } = config;
  const tag = `v${calico.version}`;
  const images: PlannedImage[] = [
    {
      role: "operator",
      repository: "tigera/operator",
      tag: calico.operatorVersion,
      source: `${UPSTREAM_REGISTRY}/tigera/operator:${calico.operatorVersion}`,
    },
    ...calicoImageNames(calico).map((name): PlannedImage => ({
      role: "calico",
      repository: `calico/${name}`,
      tag,
      source: `${UPSTREAM_REGISTRY}/calico/${name}:${tag}`,
    })),
  ];
  if (monitoring.nodeExporter.enabled) {
    const t = monitoring.nodeExporter.imageTag;
    images.push({ role: "node-exporter", repository: "prometheus/node-exporter", tag: t, source: `${UPSTREAM_REGISTRY}/prometheus/node-exporter:${t}` });
  }
  const controller = config.networkSetSync !== undefined ? controllerImage(config.networkSetSync) : undefined;
  if (controller !== undefined) images.push(controller);
  return images;
}

/** The plan with targets in the private registry `registryHost` (`host:port`). */
export function mirrorTargets(images: readonly PlannedImage[], registryHost: string): MirroredImage[] {
  return images.map((i) => ({ ...i, target: `${registryHost}/${i.repository}:${i.tag}` }));
}

/** The list as the mirror script reads it: one `source target` pair per line (built images are not copied). */
export function mirrorList(images: readonly MirroredImage[]): string {
  return upstreamImages(images).map((i) => `${i.source} ${i.target}`).join("\n");
}

/** True when `image` (a full reference) is served by the private registry `registryHost`. */
export function isInRegistry(image: string, registryHost: string): boolean {
  return image.startsWith(`${registryHost}/`);
}
