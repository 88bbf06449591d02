/**
 * Kubernetes' cluster-administrator policy kinds (kubernetes-sigs/network-policy-api):
 * - ClusterNetworkPolicy, `policy.networking.k8s.io/v1alpha2` (v0.2.0 `apis/v1alpha2/clusternetworkpolicy_types.go`),
 *   enforced by Calico 3.32 in tiers kube-admin / kube-baseline;
 * - AdminNetworkPolicy and BaselineAdminNetworkPolicy, `policy.networking.k8s.io/v1alpha1` (v0.1.5
 *   `apis/v1alpha1/*_types.go`), enforced by Calico 3.29–3.31 (BANP from 3.30) and no longer by 3.32.
 *
 * The shapes carry the CRDs' JSON types, enums, required fields and list bounds; the "exactly one field"
 * rules (minProperties/maxProperties 1), CIDR and domain-name formats and the CEL rules are checked by
 * src/model/validate/admin-policy.ts so that every problem gets its own hint.
 */
import { type LabelSelector, LABEL_SELECTOR } from "./k8s-networkpolicy.js";
import { type ResourceOf } from "./meta.js";
import { arr, enumOf, int, obj, str, type Shape } from "./shape.js";

export const POLICY_API_V1ALPHA2 = "policy.networking.k8s.io/v1alpha2";
export const POLICY_API_V1ALPHA1 = "policy.networking.k8s.io/v1alpha1";

export interface NamespacedPod {
  /** Empty (or absent) selects every namespace. */
  readonly namespaceSelector?: LabelSelector;
  readonly podSelector: LabelSelector;
}

/** Exactly one of `namespaces` or `pods`. Host-networked pods are never selected. */
export interface AdminPolicySubject {
  readonly namespaces?: LabelSelector;
  readonly pods?: NamespacedPod;
}

// ---------------------------------------------------------------------------------------------------------
// ClusterNetworkPolicy v1alpha2

export type CnpTier = "Admin" | "Baseline";
export type CnpAction = "Accept" | "Deny" | "Pass";

export interface CnpPortRange {
  readonly start: number;
  readonly end: number;
}

/** Exactly one of `number` or `range`. */
export interface CnpPort {
  readonly number?: number;
  readonly range?: CnpPortRange;
}

export interface CnpProtocolPorts {
  readonly destinationPort?: CnpPort;
}

/** Exactly one of `tcp`, `udp`, `sctp` or `destinationNamedPort`. */
export interface CnpProtocol {
  readonly tcp?: CnpProtocolPorts;
  readonly udp?: CnpProtocolPorts;
  readonly sctp?: CnpProtocolPorts;
  readonly destinationNamedPort?: string;
}

export interface CnpIngressPeer {
  readonly namespaces?: LabelSelector;
  readonly pods?: NamespacedPod;
}

/** Exactly one field; `nodes` and `domainNames` are experimental. */
export interface CnpEgressPeer {
  readonly namespaces?: LabelSelector;
  readonly pods?: NamespacedPod;
  readonly nodes?: LabelSelector;
  readonly networks?: readonly string[];
  readonly domainNames?: readonly string[];
}

export interface CnpIngressRule {
  readonly name?: string;
  readonly action: CnpAction;
  readonly from: readonly CnpIngressPeer[];
  readonly protocols?: readonly CnpProtocol[];
}

export interface CnpEgressRule {
  readonly name?: string;
  readonly action: CnpAction;
  readonly to: readonly CnpEgressPeer[];
  readonly protocols?: readonly CnpProtocol[];
}

export interface ClusterNetworkPolicySpec {
  readonly tier: CnpTier;
  /** 0–1000, lower first. */
  readonly priority: number;
  readonly subject: AdminPolicySubject;
  readonly ingress?: readonly CnpIngressRule[];
  readonly egress?: readonly CnpEgressRule[];
}

export type ClusterNetworkPolicy = ResourceOf<typeof POLICY_API_V1ALPHA2, "ClusterNetworkPolicy", ClusterNetworkPolicySpec>;

/** The CRD's bound on rules per direction, peers per rule, protocols per rule, CIDRs and domain names. */
export const CNP_MAX_ITEMS = 25;

// ---------------------------------------------------------------------------------------------------------
// AdminNetworkPolicy / BaselineAdminNetworkPolicy v1alpha1

export type AnpAction = "Allow" | "Deny" | "Pass";
export type BanpAction = "Allow" | "Deny";

/** Exactly one of `portNumber`, `namedPort` or `portRange`. */
export interface AnpPort {
  readonly portNumber?: { readonly protocol: string; readonly port: number };
  readonly namedPort?: string;
  readonly portRange?: { readonly protocol?: string; readonly start: number; readonly end: number };
}

export interface AnpIngressPeer {
  readonly namespaces?: LabelSelector;
  readonly pods?: NamespacedPod;
}

export interface AnpEgressPeer {
  readonly namespaces?: LabelSelector;
  readonly pods?: NamespacedPod;
  readonly nodes?: LabelSelector;
  readonly networks?: readonly string[];
}

export interface AnpIngressRule<A extends string = AnpAction> {
  readonly name?: string;
  readonly action: A;
  readonly from: readonly AnpIngressPeer[];
  readonly ports?: readonly AnpPort[];
}

export interface AnpEgressRule<A extends string = AnpAction> {
  readonly name?: string;
  readonly action: A;
  readonly to: readonly AnpEgressPeer[];
  readonly ports?: readonly AnpPort[];
}

export interface AdminNetworkPolicySpec {
  readonly priority: number;
  readonly subject: AdminPolicySubject;
  readonly ingress?: readonly AnpIngressRule[];
  readonly egress?: readonly AnpEgressRule[];
}

export interface BaselineAdminNetworkPolicySpec {
  readonly subject: AdminPolicySubject;
  readonly ingress?: readonly AnpIngressRule<BanpAction>[];
  readonly egress?: readonly AnpEgressRule<BanpAction>[];
}

export type AdminNetworkPolicy = ResourceOf<typeof POLICY_API_V1ALPHA1, "AdminNetworkPolicy", AdminNetworkPolicySpec>;
export type BaselineAdminNetworkPolicy = ResourceOf<typeof POLICY_API_V1ALPHA1, "BaselineAdminNetworkPolicy", BaselineAdminNetworkPolicySpec>;

/** v1alpha1's bound on rules per direction and peers/ports per rule (networks: 25). */
export const ANP_MAX_ITEMS = 100;

// ---------------------------------------------------------------------------------------------------------
// Shapes

const NAMESPACED_POD: Shape<NamespacedPod> = obj<NamespacedPod>(
  { namespaceSelector: LABEL_SELECTOR, podSelector: LABEL_SELECTOR },
  { required: ["podSelector"] },
);

const SUBJECT: Shape<AdminPolicySubject> = obj<AdminPolicySubject>({ namespaces: LABEL_SELECTOR, pods: NAMESPACED_POD });

const RULE_NAME = str({ maxLength: 100 });

const CNP_PORT: Shape<CnpPort> = obj<CnpPort>({
  number: int({ min: 1, max: 65535 }),
  range: obj<CnpPortRange>({ start: int({ min: 1, max: 65535 }), end: int({ min: 1, max: 65535 }) }, { required: ["start", "end"] }),
});
const CNP_PROTO_PORTS: Shape<CnpProtocolPorts> = obj<CnpProtocolPorts>({ destinationPort: CNP_PORT });
const CNP_PROTOCOL: Shape<CnpProtocol> = obj<CnpProtocol>({
  tcp: CNP_PROTO_PORTS,
  udp: CNP_PROTO_PORTS,
  sctp: CNP_PROTO_PORTS,
  destinationNamedPort: str(),
});
const CNP_ACTION = enumOf(["Accept", "Deny", "Pass"] as const, "actions");
const CNP_LIST = { minItems: 1, maxItems: CNP_MAX_ITEMS };

export const CLUSTER_NETWORK_POLICY_SPEC: Shape<ClusterNetworkPolicySpec> = obj<ClusterNetworkPolicySpec>(
  {
    tier: enumOf(["Admin", "Baseline"] as const, "tiers"),
    priority: int({ min: 0, max: 1000 }),
    subject: SUBJECT,
    ingress: arr(
      obj<CnpIngressRule>(
        {
          name: RULE_NAME,
          action: CNP_ACTION,
          from: arr(obj<CnpIngressPeer>({ namespaces: LABEL_SELECTOR, pods: NAMESPACED_POD }), CNP_LIST),
          protocols: arr(CNP_PROTOCOL, CNP_LIST),
        },
        { required: ["action", "from"] },
      ),
      { maxItems: CNP_MAX_ITEMS },
    ),
    egress: arr(
      obj<CnpEgressRule>(
        {
          name: RULE_NAME,
          action: CNP_ACTION,
          to: arr(
            obj<CnpEgressPeer>({
              namespaces: LABEL_SELECTOR,
              pods: NAMESPACED_POD,
              nodes: LABEL_SELECTOR,
              networks: arr(str({ maxLength: 43 }), CNP_LIST),
              domainNames: arr(str(), CNP_LIST),
            }),
            CNP_LIST,
          ),
          protocols: arr(CNP_PROTOCOL, CNP_LIST),
        },
        { required: ["action", "to"] },
      ),
      { maxItems: CNP_MAX_ITEMS },
    ),
  },
  { required: ["tier", "priority", "subject"] },
);

const ANP_PORT: Shape<AnpPort> = obj<AnpPort>({
  portNumber: obj<{ protocol: string; port: number }>({ protocol: str(), port: int({ min: 1, max: 65535 }) }, { required: ["protocol", "port"] }),
  namedPort: str(),
  portRange: obj<{ protocol?: string; start: number; end: number }>(
    { protocol: str(), start: int({ min: 1, max: 65535 }), end: int({ min: 1, max: 65535 }) },
    { required: ["start", "end"] },
  ),
});
const ANP_LIST = { minItems: 1, maxItems: ANP_MAX_ITEMS };

function anpRules<A extends string>(actions: readonly A[]): { ingress: Shape<AnpIngressRule<A>[]>; egress: Shape<AnpEgressRule<A>[]> } {
  const action = enumOf(actions, "actions");
  return {
    ingress: arr(
      obj<AnpIngressRule<A>>(
        {
          name: RULE_NAME,
          action,
          from: arr(obj<AnpIngressPeer>({ namespaces: LABEL_SELECTOR, pods: NAMESPACED_POD }), ANP_LIST),
          ports: arr(ANP_PORT, { maxItems: ANP_MAX_ITEMS }),
        },
        { required: ["action", "from"] },
      ),
      { maxItems: ANP_MAX_ITEMS },
    ),
    egress: arr(
      obj<AnpEgressRule<A>>(
        {
          name: RULE_NAME,
          action,
          to: arr(
            obj<AnpEgressPeer>({
              namespaces: LABEL_SELECTOR,
              pods: NAMESPACED_POD,
              nodes: LABEL_SELECTOR,
              networks: arr(str({ maxLength: 43 }), { minItems: 1, maxItems: 25 }),
            }),
            ANP_LIST,
          ),
          ports: arr(ANP_PORT, { maxItems: ANP_MAX_ITEMS }),
        },
        { required: ["action", "to"] },
      ),
      { maxItems: ANP_MAX_ITEMS },
    ),
  };
}

const ANP_RULES = anpRules(["Allow", "Deny", "Pass"] as const);
const BANP_RULES = anpRules(["Allow", "Deny"] as const);

export const ADMIN_NETWORK_POLICY_SPEC: Shape<AdminNetworkPolicySpec> = obj<AdminNetworkPolicySpec>(
  { priority: int({ min: 0, max: 1000 }), subject: SUBJECT, ingress: ANP_RULES.ingress, egress: ANP_RULES.egress },
  { required: ["priority", "subject"] },
);

export const BASELINE_ADMIN_NETWORK_POLICY_SPEC: Shape<BaselineAdminNetworkPolicySpec> = obj<BaselineAdminNetworkPolicySpec>(
  { subject: SUBJECT, ingress: BANP_RULES.ingress, egress: BANP_RULES.egress },
  { required: ["subject"] },
);
