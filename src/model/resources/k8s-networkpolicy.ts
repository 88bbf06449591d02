/**
 * networking.k8s.io/v1 NetworkPolicy (and the spec that StagedKubernetesNetworkPolicy embeds),
 * following k8s.io/api networking/v1 types.go.
 */
import { type K8sNetworkPolicyPortSpec } from "../ports.js";
import { type CalicoApiVersion, type StagedAction, STAGED_ACTIONS } from "./calico-policy.js";
import { type ResourceOf } from "./meta.js";
import { arr, enumOf, int, intOrStr, map, obj, str, type Shape } from "./shape.js";

export const K8S_NETWORKING_API_VERSION = "networking.k8s.io/v1";

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface IPBlock {
  readonly cidr: string;
  readonly except?: readonly string[];
}

export interface K8sNetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IPBlock;
}

export interface K8sNetworkPolicyIngressRule {
  readonly ports?: readonly K8sNetworkPolicyPortSpec[];
  readonly from?: readonly K8sNetworkPolicyPeer[];
}

export interface K8sNetworkPolicyEgressRule {
  readonly ports?: readonly K8sNetworkPolicyPortSpec[];
  readonly to?: readonly K8sNetworkPolicyPeer[];
}

export type K8sPolicyType = "Ingress" | "Egress";

export interface K8sNetworkPolicySpec {
  /** Empty selects every pod of the namespace. */
  readonly podSelector?: LabelSelector;
  readonly ingress?: readonly K8sNetworkPolicyIngressRule[];
  readonly egress?: readonly K8sNetworkPolicyEgressRule[];
  readonly policyTypes?: readonly K8sPolicyType[];
}

export type K8sNetworkPolicy = ResourceOf<typeof K8S_NETWORKING_API_VERSION, "NetworkPolicy", K8sNetworkPolicySpec>;

export interface StagedKubernetesNetworkPolicySpec extends K8sNetworkPolicySpec {
  readonly stagedAction?: StagedAction;
}
export type StagedKubernetesNetworkPolicy = ResourceOf<
  CalicoApiVersion,
  "StagedKubernetesNetworkPolicy",
  StagedKubernetesNetworkPolicySpec
>;

export const LABEL_SELECTOR: Shape<LabelSelector> = obj<LabelSelector>({
  matchLabels: map(str()),
  matchExpressions: arr(
    obj<LabelSelectorRequirement>(
      {
        key: str(),
        operator: enumOf(["In", "NotIn", "Exists", "DoesNotExist"] as const, "operators"),
        values: arr(str()),
      },
      { required: ["key", "operator"] },
    ),
  ),
});

const PORT: Shape<K8sNetworkPolicyPortSpec> = obj<K8sNetworkPolicyPortSpec>({
  // The protocol value itself is checked by validation (TCP, UDP, SCTP) so the hint can say why.
  protocol: str() as Shape<K8sNetworkPolicyPortSpec["protocol"] & string>,
  port: intOrStr(),
  endPort: int(),
});

const PEER: Shape<K8sNetworkPolicyPeer> = obj<K8sNetworkPolicyPeer>({
  podSelector: LABEL_SELECTOR,
  namespaceSelector: LABEL_SELECTOR,
  ipBlock: obj<IPBlock>({ cidr: str(), except: arr(str()) }, { required: ["cidr"] }),
});

const COMMON = {
  podSelector: LABEL_SELECTOR,
  ingress: arr(obj<K8sNetworkPolicyIngressRule>({ ports: arr(PORT), from: arr(PEER) })),
  egress: arr(obj<K8sNetworkPolicyEgressRule>({ ports: arr(PORT), to: arr(PEER) })),
  policyTypes: arr(enumOf(["Ingress", "Egress"] as const, "policy types")),
};

export const K8S_NETWORK_POLICY_SPEC: Shape<K8sNetworkPolicySpec> = obj<K8sNetworkPolicySpec>(COMMON);
export const STAGED_K8S_NETWORK_POLICY_SPEC: Shape<StagedKubernetesNetworkPolicySpec> =
  obj<StagedKubernetesNetworkPolicySpec>({ ...COMMON, stagedAction: enumOf(STAGED_ACTIONS, "staged actions") });
