/**
 * Calico releases the product knows, with the Tigera operator release each one ships
 * (projectcalico/calico `charts/tigera-operator/values.yaml` at the tag).
 * A Calico patch release not listed here needs `calico.operatorVersion` in config.
 */
import type { CalicoCrds, CalicoMinor, FailsafePortConfig } from "./types.js";

export const KNOWN_CALICO_RELEASES: Readonly<Record<string, string>> = {
  "3.32.1": "v1.42.3",
  "3.31.7": "v1.40.15",
  "3.30.7": "v1.38.13",
};

export const DEFAULT_CALICO_VERSION = "3.32.1";

export const CALICO_MINORS: readonly CalicoMinor[] = ["3.30", "3.31", "3.32"];

/** Public sources of the images (quay.io for 3.30+: the release's `releases.json` in tigera/docs). */
export const UPSTREAM_REGISTRY = "quay.io";

export const TIGERA_CHART_REPO = "https://docs.tigera.io/calico/charts";
export const NODE_EXPORTER_CHART_REPO = "https://prometheus-community.github.io/helm-charts";
export const NODE_EXPORTER_CHART_VERSION = "4.45.3";
export const NODE_EXPORTER_IMAGE_TAG = "v1.9.1";

/** The CRD chart 3.32 ships separately (projectcalico/calico v3.32.1 charts/crd.projectcalico.org.v1/README.md); earlier minors carry CRDs in the operator chart. */
export function crdChartName(calico: { readonly minor: CalicoMinor; readonly crds: CalicoCrds }): string | undefined {
  if (calico.minor !== "3.32") return undefined;
  return calico.crds === "v3" ? "projectcalico.org.v3" : "crd.projectcalico.org.v1";
}

/** The Helm charts `install: helm` takes from `calico.chartRepo`, each at version `v<calico.version>`. */
export function calicoChartNames(calico: { readonly minor: CalicoMinor; readonly crds: CalicoCrds }): string[] {
  const crd = crdChartName(calico);
  return [...(crd !== undefined ? [crd] : []), "tigera-operator"];
}

export const NODE_EXPORTER_CHART = "prometheus-node-exporter";

/** Upstream manifest URLs for `calico.install: manifest` (docs.tigera.io calico/3.3x getting-started/kubernetes/self-managed-onprem/onpremises). */
export function defaultManifests(
  version: string,
  minor: CalicoMinor,
  crds: CalicoCrds,
): { crds: string; operator: string } {
  const base = `https://raw.githubusercontent.com/projectcalico/calico/v${version}/manifests`;
  const crdFile =
    minor !== "3.32" ? "operator-crds.yaml" : crds === "v3" ? "v3_projectcalico_org.yaml" : "v1_crd_projectcalico_org.yaml";
  return {
    crds: `${base}/${crdFile}`,
    operator: `${base}/tigera-operator.yaml`,
  };
}

const tcp = (port: number): FailsafePortConfig => ({ protocol: "TCP", port });
const udp = (port: number): FailsafePortConfig => ({ protocol: "UDP", port });

/**
 * Felix's own failsafe ports, the default of `calico.failsafePorts`: identical in 3.30.7, 3.31.7 and 3.32.1
 * (projectcalico/calico `felix/config/config_params.go` FailsafeInboundHostPorts / FailsafeOutboundHostPorts;
 * https://docs.tigera.io/calico/3.32/reference/resources/felixconfig). Inbound: SSH, DHCP, BGP, etcd, Typha,
 * the API server and etcd's legacy ports; outbound: DNS, DHCP and the same TCP ports.
 */
export const FELIX_DEFAULT_FAILSAFE_INBOUND: readonly FailsafePortConfig[] = [tcp(22), udp(68), tcp(179), tcp(2379), tcp(2380), tcp(5473), tcp(6443), tcp(6666), tcp(6667)];
export const FELIX_DEFAULT_FAILSAFE_OUTBOUND: readonly FailsafePortConfig[] = [udp(53), udp(67), tcp(179), tcp(2379), tcp(2380), tcp(5473), tcp(6443), tcp(6666), tcp(6667)];
