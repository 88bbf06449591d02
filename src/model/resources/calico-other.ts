/**
 * projectcalico.org/v3 NetworkSet, GlobalNetworkSet, HostEndpoint, FelixConfiguration and
 * KubeControllersConfiguration (projectcalico/api `pkg/apis/projectcalico/v3/{networkset,
 * globalnetworkset,hostendpoint,felixconfig,kubecontrollersconfig}.go`).
 *
 * The two configuration kinds have hundreds of fields; the interfaces type the ones this product
 * sets, and the structural check covers every field of the v3.32.1 CRD (generated-shapes.ts).
 */
import { type CalicoApiVersion } from "./calico-policy.js";
import {
  FELIX_CONFIGURATION_SPEC,
  KUBE_CONTROLLERS_CONFIGURATION_SPEC,
} from "./generated-shapes.js";
import { type ResourceOf } from "./meta.js";
import { arr, int, intOrStr, obj, str, type Shape } from "./shape.js";

export interface NetworkSetSpec {
  /** CIDRs or bare IP addresses (taken as /32 or /128). */
  readonly nets?: readonly string[];
}
export type NetworkSet = ResourceOf<CalicoApiVersion, "NetworkSet", NetworkSetSpec>;
export type GlobalNetworkSetSpec = NetworkSetSpec;
export type GlobalNetworkSet = ResourceOf<CalicoApiVersion, "GlobalNetworkSet", GlobalNetworkSetSpec>;

export interface EndpointPort {
  readonly name: string;
  readonly protocol: number | string;
  readonly port: number;
}

export interface HostEndpointSpec {
  readonly node?: string;
  /** Interface name; `*` means all of the host's interfaces (and the host's own processes). */
  readonly interfaceName?: string;
  readonly expectedIPs?: readonly string[];
  readonly profiles?: readonly string[];
  readonly ports?: readonly EndpointPort[];
}
export type HostEndpoint = ResourceOf<CalicoApiVersion, "HostEndpoint", HostEndpointSpec>;

export interface ProtoPort {
  readonly protocol?: string;
  readonly port: number;
  readonly net?: string;
}

export interface FelixConfigurationSpec {
  readonly prometheusMetricsEnabled?: boolean;
  readonly prometheusMetricsPort?: number;
  readonly prometheusMetricsHost?: string;
  readonly prometheusGoMetricsEnabled?: boolean;
  readonly prometheusProcessMetricsEnabled?: boolean;
  readonly prometheusMetricsCertFile?: string;
  readonly prometheusMetricsKeyFile?: string;
  readonly prometheusMetricsCAFile?: string;
  readonly defaultEndpointToHostAction?: "Drop" | "Accept" | "Return";
  readonly failsafeInboundHostPorts?: readonly ProtoPort[];
  readonly failsafeOutboundHostPorts?: readonly ProtoPort[];
  readonly flowLogsFlushInterval?: string;
  readonly flowLogsGoldmaneServer?: string;
  readonly bpfEnabled?: boolean;
  readonly logSeverityScreen?: string;
  readonly nodeSelector?: string;
  /** Every other FelixConfiguration field of the CRD, checked structurally only. */
  readonly [field: string]: unknown;
}
export type FelixConfiguration = ResourceOf<CalicoApiVersion, "FelixConfiguration", FelixConfigurationSpec>;

export type EnabledDisabled = "Enabled" | "Disabled";

export interface HostEndpointTemplate {
  readonly generateName?: string;
  readonly interfaceCIDRs?: readonly string[];
  readonly interfacePattern?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly nodeSelector?: string;
}

export interface KubeControllersConfigurationSpec {
  readonly controllers: {
    readonly node?: {
      readonly hostEndpoint?: {
        /** `Enabled` makes kube-controllers create a `*` HostEndpoint per node with the node's labels. */
        readonly autoCreate?: EnabledDisabled;
        readonly createDefaultHostEndpoint?: string;
        readonly templates?: readonly HostEndpointTemplate[];
      };
      readonly syncLabels?: EnabledDisabled;
      readonly reconcilerPeriod?: string;
      readonly leakGracePeriod?: string;
    };
    readonly [controller: string]: unknown;
  };
  /** 0 disables the metrics endpoint; default 9094. */
  readonly prometheusMetricsPort?: number;
  readonly healthChecks?: EnabledDisabled;
  readonly logSeverityScreen?: string;
  readonly etcdV3CompactionPeriod?: string;
  readonly debugProfilePort?: number;
}
export type KubeControllersConfiguration = ResourceOf<
  CalicoApiVersion,
  "KubeControllersConfiguration",
  KubeControllersConfigurationSpec
>;

export const NETWORK_SET_SPEC: Shape<NetworkSetSpec> = obj<NetworkSetSpec>({ nets: arr(str()) });

/** IPReservation (projectcalico/api `pkg/apis/projectcalico/v3/ipreservation.go`): addresses Calico IPAM never hands out. */
export interface IPReservationSpec {
  readonly reservedCIDRs?: readonly string[];
}
export type IPReservation = ResourceOf<CalicoApiVersion, "IPReservation", IPReservationSpec>;
export const IP_RESERVATION_SPEC: Shape<IPReservationSpec> = obj<IPReservationSpec>({ reservedCIDRs: arr(str()) });

export const HOST_ENDPOINT_SPEC: Shape<HostEndpointSpec> = obj<HostEndpointSpec>({
  node: str({ maxLength: 253 }),
  interfaceName: str({ maxLength: 15 }),
  expectedIPs: arr(str()),
  profiles: arr(str()),
  ports: arr(
    obj<EndpointPort>(
      { name: str(), protocol: intOrStr(), port: int({ min: 1, max: 65535 }) },
      { required: ["name", "protocol", "port"] },
    ),
  ),
});

export const FELIX_SPEC = FELIX_CONFIGURATION_SPEC as Shape<FelixConfigurationSpec>;
export const KUBE_CONTROLLERS_SPEC = KUBE_CONTROLLERS_CONFIGURATION_SPEC as unknown as Shape<KubeControllersConfigurationSpec>;
