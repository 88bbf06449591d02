/**
 * projectcalico.org/v3 networking kinds the operator and BGP setups create: IPPool, BGPPeer,
 * BGPConfiguration and BGPFilter (projectcalico/api `pkg/apis/projectcalico/v3/{ippool,bgppeer,
 * bgpconfig,bgpfilter}.go`). The product does not write these, but reads them from cluster dumps and
 * enforces their CRD CEL rules; the interfaces type the fields those rules use.
 */
import { type CalicoApiVersion } from "./calico-policy.js";
import { BGP_CONFIGURATION_SPEC, BGP_FILTER_SPEC, BGP_PEER_SPEC, IP_POOL_SPEC } from "./generated-shapes.js";
import { type ResourceOf } from "./meta.js";
import { type Shape } from "./shape.js";

export interface IPPoolSpec {
  readonly cidr: string;
  readonly blockSize?: number;
  readonly ipipMode?: "Never" | "Always" | "CrossSubnet";
  readonly vxlanMode?: "Never" | "Always" | "CrossSubnet";
  readonly natOutgoing?: boolean;
  readonly disabled?: boolean;
  readonly disableBGPExport?: boolean;
  readonly nodeSelector?: string;
  readonly namespaceSelector?: string;
  readonly allowedUses?: readonly ("Workload" | "Tunnel" | "LoadBalancer")[];
  readonly assignmentMode?: "Automatic" | "Manual";
}
export type IPPool = ResourceOf<CalicoApiVersion, "IPPool", IPPoolSpec>;

export interface BGPPeerSpec {
  readonly node?: string;
  readonly nodeSelector?: string;
  readonly peerIP?: string;
  readonly peerSelector?: string;
  readonly asNumber?: number;
  readonly localWorkloadSelector?: string;
  readonly [field: string]: unknown;
}
export type BGPPeer = ResourceOf<CalicoApiVersion, "BGPPeer", BGPPeerSpec>;

export interface BGPConfigurationSpec {
  readonly nodeToNodeMeshEnabled?: boolean;
  readonly nodeMeshPassword?: unknown;
  readonly nodeMeshMaxRestartTime?: string;
  readonly [field: string]: unknown;
}
export type BGPConfiguration = ResourceOf<CalicoApiVersion, "BGPConfiguration", BGPConfigurationSpec>;

export interface BGPFilterRule {
  readonly action: "Accept" | "Reject";
  readonly cidr?: string;
  readonly matchOperator?: "Equal" | "NotEqual" | "In" | "NotIn";
  readonly prefixLength?: { readonly min?: number; readonly max?: number };
  readonly operations?: readonly unknown[];
  readonly [field: string]: unknown;
}

export interface BGPFilterSpec {
  readonly exportV4?: readonly BGPFilterRule[];
  readonly importV4?: readonly BGPFilterRule[];
  readonly exportV6?: readonly BGPFilterRule[];
  readonly importV6?: readonly BGPFilterRule[];
}
export type BGPFilter = ResourceOf<CalicoApiVersion, "BGPFilter", BGPFilterSpec>;

export const IP_POOL: Shape<IPPoolSpec> = IP_POOL_SPEC as unknown as Shape<IPPoolSpec>;
export const BGP_PEER: Shape<BGPPeerSpec> = BGP_PEER_SPEC as Shape<BGPPeerSpec>;
export const BGP_CONFIGURATION: Shape<BGPConfigurationSpec> = BGP_CONFIGURATION_SPEC as Shape<BGPConfigurationSpec>;
export const BGP_FILTER: Shape<BGPFilterSpec> = BGP_FILTER_SPEC as unknown as Shape<BGPFilterSpec>;
