/** calico-baseline's cdk8s components: value objects, Calico resources and the baseline building blocks. */
export { Protocol, type ProtocolName } from "./protocol.js";
export { Port, type CalicoPort, type IcmpMatch } from "./port.js";
export { Peer, type PodsOptions, NAMESPACE_NAME_LABEL, NODE_OS_LABEL, selectorFrom, checkNets } from "./peer.js";
export { makeRules, type RuleSpec, type EntityRuleSpec, type RuleAction, type Direction } from "./rule.js";
export {
  Tier,
  type TierProps,
  type TierDefaultAction,
  RESERVED_TIER_NAMES,
  RESERVED_TIER_ORDERS,
  DEFAULT_TIER_ORDER,
  supportsTierDefaultAction,
} from "./tier.js";
export type { PolicyBaseProps } from "./policy-base.js";
export { GlobalNetworkPolicy, type GlobalNetworkPolicyProps, checkPreDnat } from "./global-network-policy.js";
export { NetworkPolicy, type NetworkPolicyProps } from "./network-policy.js";
export { GlobalNetworkSet, type NetworkSetProps } from "./global-network-set.js";
export { NetworkSet, type NamespacedNetworkSetProps } from "./network-set.js";
export { DefaultDeny, type DefaultDenyProps, DEFAULT_DENY_EXCLUDED_NAMESPACES, kubeDnsPeer } from "./default-deny.js";
export { AllowDns, type AllowDnsProps } from "./allow-dns.js";
export { HostLocalhost, type HostLocalhostProps } from "./host-localhost.js";
export { WireguardPeers, type WireguardPeersProps } from "./wireguard-peers.js";
export { NodePortGuard, type NodePortGuardProps } from "./node-port-guard.js";
export {
  ControlPlaneAccess,
  type ControlPlaneAccessProps,
  type Encapsulation,
  CONTROL_PLANE_LABEL,
} from "./control-plane-access.js";
export {
  MonitoringAccess,
  type MonitoringAccessProps,
  SERVICE_ACCOUNT_NAME_LABEL,
  PROMETHEUS_NAMESPACE,
  PROMETHEUS_SERVICE_ACCOUNT,
} from "./monitoring-access.js";
export { PrivateRegistryEgress, type PrivateRegistryEgressProps } from "./private-registry-egress.js";
export { NamespaceIsolation, type NamespaceIsolationProps, type Allowance } from "./namespace-isolation.js";
export { AppConnections, AppWorkload, type AppConnectionsProps, type AppWorkloadProps } from "./app-connections.js";
export { MonitoringRbac, type MonitoringRbacProps } from "./monitoring-rbac.js";
export { MetricsServices, type MetricsServicesProps } from "./metrics-services.js";
export {
  ClusterNetworkPolicy,
  type ClusterNetworkPolicyProps,
  type AdminSubject,
  type AdminPeer,
  type AdminPort,
  type AdminRule,
  type AdminLabelSelector,
  type AdminPodsSelector,
} from "./cluster-network-policy.js";
