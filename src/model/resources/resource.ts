/**
 * The resources this product writes or reads, as one union discriminated by `apiVersion` + `kind`,
 * and `parseResource`, the structural step: JSON types, enums, required fields and unknown fields.
 * Semantic rules (names, selectors, ports, CIDRs, Calico's cross-field rules) are in
 * `src/model/validate`; `validateResource` runs both.
 */
import { type Problem } from "../problem.js";
import {
  CALICO_API_VERSION,
  GLOBAL_NETWORK_POLICY_SPEC,
  type GlobalNetworkPolicy,
  NETWORK_POLICY_SPEC,
  type NetworkPolicy,
  STAGED_GLOBAL_NETWORK_POLICY_SPEC,
  STAGED_NETWORK_POLICY_SPEC,
  type StagedGlobalNetworkPolicy,
  type StagedNetworkPolicy,
  type Tier,
  TIER_SPEC,
} from "./calico-policy.js";
import {
  FELIX_SPEC,
  type FelixConfiguration,
  type GlobalNetworkSet,
  HOST_ENDPOINT_SPEC,
  type HostEndpoint,
  KUBE_CONTROLLERS_SPEC,
  type KubeControllersConfiguration,
  NETWORK_SET_SPEC,
  type NetworkSet,
  type IPReservation,
  IP_RESERVATION_SPEC,
} from "./calico-other.js";
import {
  BGP_CONFIGURATION,
  BGP_FILTER,
  BGP_PEER,
  type BGPConfiguration,
  type BGPFilter,
  type BGPPeer,
  IP_POOL,
  type IPPool,
} from "./calico-network.js";
import {
  K8S_NETWORK_POLICY_SPEC,
  K8S_NETWORKING_API_VERSION,
  type K8sNetworkPolicy,
  STAGED_K8S_NETWORK_POLICY_SPEC,
  type StagedKubernetesNetworkPolicy,
} from "./k8s-networkpolicy.js";
import {
  ADMIN_NETWORK_POLICY_SPEC,
  type AdminNetworkPolicy,
  BASELINE_ADMIN_NETWORK_POLICY_SPEC,
  type BaselineAdminNetworkPolicy,
  CLUSTER_NETWORK_POLICY_SPEC,
  type ClusterNetworkPolicy,
  POLICY_API_V1ALPHA1,
  POLICY_API_V1ALPHA2,
} from "./k8s-admin-policy.js";
import { OBJECT_META, type ObjectMeta } from "./meta.js";
import {
  API_SERVER,
  type APIServer,
  GOLDMANE,
  type Goldmane,
  INSTALLATION,
  type Installation,
  OPERATOR_API_VERSION,
  WHISKER,
  type Whisker,
} from "./operator.js";
import { closest, isPlainObject, type ParseContext, problem, type Shape, unknownFieldHint } from "./shape.js";

export type CalicoPolicyResource =
  | NetworkPolicy
  | GlobalNetworkPolicy
  | StagedNetworkPolicy
  | StagedGlobalNetworkPolicy;

export type Resource =
  | Tier
  | NetworkPolicy
  | GlobalNetworkPolicy
  | StagedNetworkPolicy
  | StagedGlobalNetworkPolicy
  | StagedKubernetesNetworkPolicy
  | NetworkSet
  | GlobalNetworkSet
  | HostEndpoint
  | FelixConfiguration
  | KubeControllersConfiguration
  | IPPool
  | IPReservation
  | BGPPeer
  | BGPConfiguration
  | BGPFilter
  | K8sNetworkPolicy
  | ClusterNetworkPolicy
  | AdminNetworkPolicy
  | BaselineAdminNetworkPolicy
  | Installation
  | APIServer
  | Goldmane
  | Whisker;

export type ResourceKind = Resource["kind"];

export interface KindInfo {
  readonly apiVersion: string;
  readonly kind: ResourceKind;
  readonly namespaced: boolean;
  /** The CRD lists `spec` as required (all projectcalico.org/v3 kinds). */
  readonly specRequired: boolean;
  /** The kind has a `status` written by its controller (accepted as is in cluster dumps). */
  readonly hasStatus?: boolean;
  readonly spec: Shape<unknown>;
}

export const KINDS: readonly KindInfo[] = [
  { apiVersion: CALICO_API_VERSION, kind: "Tier", namespaced: false, specRequired: true, hasStatus: true, spec: TIER_SPEC },
  { apiVersion: CALICO_API_VERSION, kind: "NetworkPolicy", namespaced: true, specRequired: true, spec: NETWORK_POLICY_SPEC },
  {
    apiVersion: CALICO_API_VERSION,
    kind: "GlobalNetworkPolicy",
    namespaced: false,
    specRequired: true,
    spec: GLOBAL_NETWORK_POLICY_SPEC,
  },
  {
    apiVersion: CALICO_API_VERSION,
    kind: "StagedNetworkPolicy",
    namespaced: true,
    specRequired: true,
    spec: STAGED_NETWORK_POLICY_SPEC,
  },
  {
    apiVersion: CALICO_API_VERSION,
    kind: "StagedGlobalNetworkPolicy",
    namespaced: false,
    specRequired: true,
    spec: STAGED_GLOBAL_NETWORK_POLICY_SPEC,
  },
  {
    apiVersion: CALICO_API_VERSION,
    kind: "StagedKubernetesNetworkPolicy",
    namespaced: true,
    specRequired: true,
    spec: STAGED_K8S_NETWORK_POLICY_SPEC,
  },
  { apiVersion: CALICO_API_VERSION, kind: "NetworkSet", namespaced: true, specRequired: true, spec: NETWORK_SET_SPEC },
  { apiVersion: CALICO_API_VERSION, kind: "GlobalNetworkSet", namespaced: false, specRequired: true, spec: NETWORK_SET_SPEC },
  { apiVersion: CALICO_API_VERSION, kind: "HostEndpoint", namespaced: false, specRequired: true, spec: HOST_ENDPOINT_SPEC },
  { apiVersion: CALICO_API_VERSION, kind: "FelixConfiguration", namespaced: false, specRequired: true, spec: FELIX_SPEC },
  {
    apiVersion: CALICO_API_VERSION,
    kind: "KubeControllersConfiguration",
    namespaced: false,
    specRequired: true, hasStatus: true,
    spec: KUBE_CONTROLLERS_SPEC,
  },
  { apiVersion: CALICO_API_VERSION, kind: "IPPool", namespaced: false, specRequired: true, hasStatus: true, spec: IP_POOL },
  { apiVersion: CALICO_API_VERSION, kind: "IPReservation", namespaced: false, specRequired: true, spec: IP_RESERVATION_SPEC },
  { apiVersion: CALICO_API_VERSION, kind: "BGPPeer", namespaced: false, specRequired: true, spec: BGP_PEER },
  { apiVersion: CALICO_API_VERSION, kind: "BGPConfiguration", namespaced: false, specRequired: true, spec: BGP_CONFIGURATION },
  { apiVersion: CALICO_API_VERSION, kind: "BGPFilter", namespaced: false, specRequired: true, spec: BGP_FILTER },
  {
    apiVersion: K8S_NETWORKING_API_VERSION,
    kind: "NetworkPolicy",
    namespaced: true,
    specRequired: false,
    spec: K8S_NETWORK_POLICY_SPEC,
  },
  // kubernetes-sigs/network-policy-api CRDs (status is written by the implementation).
  { apiVersion: POLICY_API_V1ALPHA2, kind: "ClusterNetworkPolicy", namespaced: false, specRequired: true, hasStatus: true, spec: CLUSTER_NETWORK_POLICY_SPEC },
  { apiVersion: POLICY_API_V1ALPHA1, kind: "AdminNetworkPolicy", namespaced: false, specRequired: true, hasStatus: true, spec: ADMIN_NETWORK_POLICY_SPEC },
  {
    apiVersion: POLICY_API_V1ALPHA1,
    kind: "BaselineAdminNetworkPolicy",
    namespaced: false,
    specRequired: true,
    hasStatus: true,
    spec: BASELINE_ADMIN_NETWORK_POLICY_SPEC,
  },
  { apiVersion: OPERATOR_API_VERSION, kind: "Installation", namespaced: false, specRequired: false, hasStatus: true, spec: INSTALLATION },
  { apiVersion: OPERATOR_API_VERSION, kind: "APIServer", namespaced: false, specRequired: false, hasStatus: true, spec: API_SERVER },
  { apiVersion: OPERATOR_API_VERSION, kind: "Goldmane", namespaced: false, specRequired: false, hasStatus: true, spec: GOLDMANE },
  { apiVersion: OPERATOR_API_VERSION, kind: "Whisker", namespaced: false, specRequired: false, hasStatus: true, spec: WHISKER },
];

export function kindInfo(apiVersion: string, kind: string): KindInfo | undefined {
  return KINDS.find((k) => k.apiVersion === apiVersion && k.kind === kind);
}

const TOP_LEVEL = ["apiVersion", "kind", "metadata", "spec"];

export interface ParsedResource {
  readonly resource?: Resource;
  readonly problems: Problem[];
}

/**
 * Parses a plain object (from YAML or JSON) into a typed `Resource`. Returns the resource whenever its
 * apiVersion and kind are known (with malformed parts left out) and every structural problem found.
 */
export function parseResource(input: unknown): ParsedResource {
  const ctx: ParseContext = { problems: [] };
  if (!isPlainObject(input)) {
    ctx.problems.push(
      problem("", input, "a resource must be an object with apiVersion, kind, metadata and spec", "check the YAML document"),
    );
    return { problems: ctx.problems };
  }
  const { apiVersion, kind } = input;
  if (typeof apiVersion !== "string" || apiVersion === "") {
    ctx.problems.push(
      problem("apiVersion", apiVersion, "apiVersion is missing or not a string", 'add e.g. apiVersion: projectcalico.org/v3'),
    );
  }
  if (typeof kind !== "string" || kind === "") {
    ctx.problems.push(problem("kind", kind, "kind is missing or not a string", "add e.g. kind: GlobalNetworkPolicy"));
  }
  if (typeof apiVersion !== "string" || typeof kind !== "string" || apiVersion === "" || kind === "") {
    return { problems: ctx.problems };
  }
  const info = kindInfo(apiVersion, kind);
  if (info === undefined) {
    const sameKind = KINDS.filter((k) => k.kind === kind).map((k) => k.apiVersion);
    if (sameKind.length > 0) {
      const hint =
        apiVersion === "crd.projectcalico.org/v1"
          ? `crd.projectcalico.org/v1 is Calico's internal storage format; write apiVersion: ${sameKind.join(" or ")}`
          : `${kind} is served as apiVersion ${sameKind.join(" or ")}`;
      ctx.problems.push(problem("apiVersion", apiVersion, `unsupported apiVersion for kind ${kind}`, hint));
    } else {
      const c = closest(kind, [...new Set(KINDS.map((k) => k.kind))]);
      ctx.problems.push(
        problem(
          "kind",
          kind,
          `unsupported kind ${kind}`,
          c !== undefined ? `did you mean "${c}"?` : `supported kinds: ${[...new Set(KINDS.map((k) => k.kind))].join(", ")}`,
        ),
      );
    }
    return { problems: ctx.problems };
  }
  const topLevel = info.hasStatus === true ? [...TOP_LEVEL, "status"] : TOP_LEVEL;
  for (const key of Object.keys(input)) {
    if (!topLevel.includes(key)) {
      const hint = key === "status" ? `${kind} has no status; remove it` : unknownFieldHint(key, topLevel);
      ctx.problems.push(problem(key, input[key], `unknown field "${key}"`, hint));
    }
  }
  let metadata: ObjectMeta = {};
  if (input.metadata === undefined || input.metadata === null) {
    ctx.problems.push(problem("metadata", undefined, "metadata is missing", "add metadata: { name: ... }"));
  } else {
    metadata = OBJECT_META.parse(input.metadata, "metadata", ctx) ?? {};
  }
  let spec: unknown = {};
  if (input.spec === undefined || input.spec === null) {
    if (info.specRequired) {
      ctx.problems.push(problem("spec", undefined, "spec is missing", `add spec: {} (a ${kind} needs a spec)`));
    }
  } else {
    spec = info.spec.parse(input.spec, "spec", ctx) ?? {};
  }
  // status (where the kind has one) is written by controllers; a live dump's status is accepted as is.
  const resource = { apiVersion, kind, metadata, spec } as Resource;
  return { resource, problems: ctx.problems };
}
