/**
 * projectcalico.org/v3 policy kinds: Tier, NetworkPolicy, GlobalNetworkPolicy and their Staged*
 * counterparts, with the Rule/EntityRule they share. Field names and JSON types follow
 * projectcalico/api `pkg/apis/projectcalico/v3/{policy_common,networkpolicy,globalnetworkpolicy,
 * stagednetworkpolicy,stagedglobalnetworkpolicy,tier}.go`. The values stay as written (ports and
 * protocols are `number | string`) so a parsed object prints back to the same YAML; use
 * `src/model/ports.ts` to interpret them.
 */
import { type CalicoPortSpec, type CalicoProtocolSpec } from "../ports.js";
import { type ResourceOf } from "./meta.js";
import { arr, bool, enumOf, int, intEnum, intOrStr, map, num, obj, str, type Shape } from "./shape.js";

export const CALICO_API_VERSION = "projectcalico.org/v3";
export type CalicoApiVersion = typeof CALICO_API_VERSION;

export const RULE_ACTIONS = ["Allow", "Deny", "Log", "Pass"] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export const POLICY_TYPES = ["Ingress", "Egress"] as const;
export type PolicyType = (typeof POLICY_TYPES)[number];

export const STAGED_ACTIONS = ["Set", "Delete", "Learn", "Ignore"] as const;
export type StagedAction = (typeof STAGED_ACTIONS)[number];

export const PERFORMANCE_HINTS = ["AssumeNeededOnEveryNode"] as const;
export type PerformanceHint = (typeof PERFORMANCE_HINTS)[number];

export const TIER_DEFAULT_ACTIONS = ["Deny", "Pass"] as const;
export type TierDefaultAction = (typeof TIER_DEFAULT_ACTIONS)[number];

export interface ICMPFields {
  /** ICMP type, 0-254. */
  readonly type?: number;
  /** ICMP code, 0-255; only valid together with `type`. */
  readonly code?: number;
}

export interface ServiceAccountMatch {
  readonly names?: readonly string[];
  readonly selector?: string;
}

export interface ServiceMatch {
  readonly name?: string;
  readonly namespace?: string;
}

/** The source or destination of a rule. All set fields must match (AND). */
export interface EntityRule {
  readonly nets?: readonly string[];
  readonly notNets?: readonly string[];
  readonly selector?: string;
  readonly notSelector?: string;
  readonly namespaceSelector?: string;
  readonly ports?: readonly CalicoPortSpec[];
  readonly notPorts?: readonly CalicoPortSpec[];
  readonly serviceAccounts?: ServiceAccountMatch;
  readonly services?: ServiceMatch;
}

export interface HTTPPath {
  readonly exact?: string;
  readonly prefix?: string;
}

export interface HTTPMatch {
  readonly methods?: readonly string[];
  readonly paths?: readonly HTTPPath[];
}

export interface RuleMetadata {
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface CalicoRule {
  readonly action: RuleAction;
  readonly ipVersion?: 4 | 6;
  readonly protocol?: CalicoProtocolSpec;
  readonly notProtocol?: CalicoProtocolSpec;
  readonly icmp?: ICMPFields;
  readonly notICMP?: ICMPFields;
  readonly source?: EntityRule;
  readonly destination?: EntityRule;
  readonly http?: HTTPMatch;
  readonly metadata?: RuleMetadata;
}

/** Fields shared by NetworkPolicy and GlobalNetworkPolicy specs. */
export interface PolicySpecCommon {
  readonly tier?: string;
  readonly order?: number;
  readonly selector?: string;
  readonly serviceAccountSelector?: string;
  readonly types?: readonly PolicyType[];
  readonly ingress?: readonly CalicoRule[];
  readonly egress?: readonly CalicoRule[];
  readonly performanceHints?: readonly PerformanceHint[];
}

export type NetworkPolicySpec = PolicySpecCommon;

export interface GlobalNetworkPolicySpec extends PolicySpecCommon {
  readonly namespaceSelector?: string;
  readonly doNotTrack?: boolean;
  readonly preDNAT?: boolean;
  readonly applyOnForward?: boolean;
}

export interface StagedNetworkPolicySpec extends NetworkPolicySpec {
  readonly stagedAction?: StagedAction;
}

export interface StagedGlobalNetworkPolicySpec extends GlobalNetworkPolicySpec {
  readonly stagedAction?: StagedAction;
}

export interface TierSpec {
  readonly order?: number;
  readonly defaultAction?: TierDefaultAction;
}

export type Tier = ResourceOf<CalicoApiVersion, "Tier", TierSpec>;
export type NetworkPolicy = ResourceOf<CalicoApiVersion, "NetworkPolicy", NetworkPolicySpec>;
export type GlobalNetworkPolicy = ResourceOf<CalicoApiVersion, "GlobalNetworkPolicy", GlobalNetworkPolicySpec>;
export type StagedNetworkPolicy = ResourceOf<CalicoApiVersion, "StagedNetworkPolicy", StagedNetworkPolicySpec>;
export type StagedGlobalNetworkPolicy = ResourceOf<
  CalicoApiVersion,
  "StagedGlobalNetworkPolicy",
  StagedGlobalNetworkPolicySpec
>;
/** Alias that reads unambiguously next to the Kubernetes kind of the same name. */
export type CalicoNetworkPolicy = NetworkPolicy;

// ---------------------------------------------------------------------------------------------
// Shapes (structure only; semantics are in src/model/validate).

const ICMP: Shape<ICMPFields> = obj<ICMPFields>({ type: int({ min: 0, max: 254 }), code: int({ min: 0, max: 255 }) });

const ENTITY_RULE: Shape<EntityRule> = obj<EntityRule>({
  nets: arr(str()),
  notNets: arr(str()),
  selector: str(),
  notSelector: str(),
  namespaceSelector: str(),
  ports: arr(intOrStr()),
  notPorts: arr(intOrStr()),
  serviceAccounts: obj<ServiceAccountMatch>({ names: arr(str()), selector: str() }),
  services: obj<ServiceMatch>({ name: str(), namespace: str() }),
});

const HTTP: Shape<HTTPMatch> = obj<HTTPMatch>({
  methods: arr(str(), { maxItems: 20 }),
  paths: arr(obj<HTTPPath>({ exact: str({ maxLength: 1024 }), prefix: str({ maxLength: 1024 }) }), { maxItems: 20 }),
});

export const RULE: Shape<CalicoRule> = obj<CalicoRule>(
  {
    action: enumOf(RULE_ACTIONS, "actions"),
    ipVersion: intEnum([4, 6] as const),
    protocol: intOrStr(),
    notProtocol: intOrStr(),
    icmp: ICMP,
    notICMP: ICMP,
    source: ENTITY_RULE,
    destination: ENTITY_RULE,
    http: HTTP,
    metadata: obj<RuleMetadata>({ annotations: map(str()) }),
  },
  { required: ["action"], noun: "a rule (an object with action, source, destination...)" },
);

const COMMON_FIELDS = {
  tier: str(),
  order: num(),
  selector: str(),
  serviceAccountSelector: str(),
  types: arr(enumOf(POLICY_TYPES, "policy types")),
  ingress: arr(RULE),
  egress: arr(RULE),
  performanceHints: arr(enumOf(PERFORMANCE_HINTS, "performance hints")),
};

const GLOBAL_FIELDS = {
  ...COMMON_FIELDS,
  namespaceSelector: str(),
  doNotTrack: bool(),
  preDNAT: bool(),
  applyOnForward: bool(),
};

export const NETWORK_POLICY_SPEC: Shape<NetworkPolicySpec> = obj<NetworkPolicySpec>(COMMON_FIELDS);
export const GLOBAL_NETWORK_POLICY_SPEC: Shape<GlobalNetworkPolicySpec> = obj<GlobalNetworkPolicySpec>(GLOBAL_FIELDS);
export const STAGED_NETWORK_POLICY_SPEC: Shape<StagedNetworkPolicySpec> = obj<StagedNetworkPolicySpec>({
  ...COMMON_FIELDS,
  stagedAction: enumOf(STAGED_ACTIONS, "staged actions"),
});
export const STAGED_GLOBAL_NETWORK_POLICY_SPEC: Shape<StagedGlobalNetworkPolicySpec> =
  obj<StagedGlobalNetworkPolicySpec>({ ...GLOBAL_FIELDS, stagedAction: enumOf(STAGED_ACTIONS, "staged actions") });

export const TIER_SPEC: Shape<TierSpec> = obj<TierSpec>({
  order: num(),
  defaultAction: enumOf(TIER_DEFAULT_ACTIONS, "tier default actions"),
});

/**
 * The policy types Calico applies when `types` is not set (libcalico-go/api `defaultPolicyTypesField`):
 * no egress rules → `[Ingress]` (even with no ingress rules either); egress but no ingress rules →
 * `[Egress]`; both → `[Ingress, Egress]`. When `types` is set it wins, and rules of a direction not
 * listed are ignored by Felix.
 */
export function effectivePolicyTypes(spec: PolicySpecCommon): readonly PolicyType[] {
  if (spec.types !== undefined && spec.types.length > 0) return spec.types;
  const egress = (spec.egress?.length ?? 0) > 0;
  const ingress = (spec.ingress?.length ?? 0) > 0;
  if (!egress) return ["Ingress"];
  if (!ingress) return ["Egress"];
  return ["Ingress", "Egress"];
}

/** The tier a policy belongs to: `spec.tier`, or `default` when unset or empty. */
export function policyTier(spec: PolicySpecCommon): string {
  return spec.tier === undefined || spec.tier === "" ? "default" : spec.tier;
}
