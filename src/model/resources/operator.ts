/**
 * operator.tigera.io/v1 Installation, APIServer, Goldmane and Whisker (tigera/operator
 * `api/v1/*_types.go` @ v1.42.3, the operator of Calico 3.32.1). The interfaces type the fields this
 * product sets; every field of the CRD is checked structurally (generated-shapes.ts).
 */
import { API_SERVER_SPEC, GOLDMANE_SPEC, INSTALLATION_SPEC, WHISKER_SPEC } from "./generated-shapes.js";
import { type ResourceOf } from "./meta.js";
import { type Shape } from "./shape.js";

export const OPERATOR_API_VERSION = "operator.tigera.io/v1";
export type OperatorApiVersion = typeof OPERATOR_API_VERSION;

export type IPPoolEncapsulation = "IPIPCrossSubnet" | "IPIP" | "VXLAN" | "VXLANCrossSubnet" | "None";

export interface InstallationIPPool {
  readonly name?: string;
  readonly cidr: string;
  readonly encapsulation?: IPPoolEncapsulation;
  readonly natOutgoing?: "Enabled" | "Disabled";
  readonly nodeSelector?: string;
  readonly blockSize?: number;
  readonly disableBGPExport?: boolean;
  readonly disableNewAllocations?: boolean;
  readonly allowedUses?: readonly string[];
  readonly assignmentMode?: string;
}

export interface CalicoNetworkSpec {
  readonly bgp?: "Enabled" | "Disabled";
  readonly linuxDataplane?: "Iptables" | "BPF" | "VPP" | "Nftables";
  readonly ipPools?: readonly InstallationIPPool[];
  readonly mtu?: number;
  readonly hostPorts?: "Enabled" | "Disabled";
  readonly nodeAddressAutodetectionV4?: Readonly<Record<string, unknown>>;
  readonly nodeAddressAutodetectionV6?: Readonly<Record<string, unknown>>;
  readonly kubeProxyManagement?: "Enabled" | "Disabled";
  readonly bpfNetworkBootstrap?: "Enabled" | "Disabled";
  readonly [field: string]: unknown;
}

export interface InstallationSpec {
  /** Registry for all Calico images; ends with "/" (the operator joins it with the image path). */
  readonly registry?: string;
  readonly imagePath?: string;
  readonly imagePrefix?: string;
  /** Secrets in the tigera-operator namespace, copied by the operator where needed. */
  readonly imagePullSecrets?: readonly { readonly name?: string }[];
  readonly variant?: "Calico" | "TigeraSecureEnterprise";
  readonly kubernetesProvider?: string;
  readonly cni?: { readonly type: string; readonly ipam?: { readonly type: string } };
  readonly calicoNetwork?: CalicoNetworkSpec;
  readonly controlPlaneReplicas?: number;
  /** Felix metrics port; overrides FelixConfiguration.prometheusMetricsPort when set. */
  readonly nodeMetricsPort?: number;
  readonly typhaMetricsPort?: number;
  /** `None` disables the flexvolume driver. */
  readonly flexVolumePath?: string;
  /** `None` disables the CSI driver. */
  readonly kubeletVolumePluginPath?: string;
  readonly [field: string]: unknown;
}

export type Installation = ResourceOf<OperatorApiVersion, "Installation", InstallationSpec>;
export type APIServer = ResourceOf<OperatorApiVersion, "APIServer", Readonly<Record<string, unknown>>>;
export interface GoldmaneSpec {
  readonly metricsPort?: number;
  readonly [field: string]: unknown;
}
export type Goldmane = ResourceOf<OperatorApiVersion, "Goldmane", GoldmaneSpec>;
export type Whisker = ResourceOf<OperatorApiVersion, "Whisker", Readonly<Record<string, unknown>>>;

export const INSTALLATION: Shape<InstallationSpec> = INSTALLATION_SPEC as Shape<InstallationSpec>;
export const API_SERVER: Shape<Readonly<Record<string, unknown>>> = API_SERVER_SPEC;
export const GOLDMANE: Shape<GoldmaneSpec> = GOLDMANE_SPEC as Shape<GoldmaneSpec>;
export const WHISKER: Shape<Readonly<Record<string, unknown>>> = WHISKER_SPEC;
