/**
 * (Staged)NetworkPolicy and (Staged)GlobalNetworkPolicy: names per Calico version, spec rules and the
 * CRD CEL rules. Sources (projectcalico/calico):
 * - libcalico-go/lib/validator/v3/validator.go: validateNetworkPolicy(Spec), validateGlobalNetworkPolicy(Spec),
 *   validateStaged*Policy, networkPolicyNameRegex / globalNetworkPolicyNameRegex;
 * - libcalico-go/lib/names/policy.go (v3.29-v3.31): ValidateTieredPolicyName, called by clientv3 on create/update;
 * - libcalico-go/lib/clientv3/stagednetworkpolicy.go (v3.30-v3.31): no `knp.default.` staged names;
 * - api/config/crd/projectcalico.org_globalnetworkpolicies.yaml (v3.32): preDNAT/doNotTrack/applyOnForward CEL.
 */
import {
  type CalicoRule,
  effectivePolicyTypes,
  type GlobalNetworkPolicySpec,
  type PolicySpecCommon,
  type StagedAction,
} from "../resources/calico-policy.js";
import { atLeast, DNS1123_SUBDOMAIN_MAX, isDns1123Subdomain, type Reporter, sanitizeName } from "./context.js";
import { validateRule } from "./rule.js";
import { checkNoGlobal, checkSelector } from "./selectors.js";

const LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`;
/** `label` or `label.label`, or a Kubernetes/OpenStack-derived `knp.default.<subdomain>` / `ossg.default.<subdomain>`. */
const NETWORK_POLICY_NAME = new RegExp(`^((${LABEL})(\\.${LABEL})?|((?:knp|ossg)\\.default\\.(${SUBDOMAIN})))$`);
/** `label` or `label.label`. */
const GLOBAL_NETWORK_POLICY_NAME = new RegExp(`^(${LABEL}\\.)?${LABEL}$`);

export type PolicyKind = "NetworkPolicy" | "GlobalNetworkPolicy" | "StagedNetworkPolicy" | "StagedGlobalNetworkPolicy";

function isGlobalKind(kind: PolicyKind): boolean {
  return kind === "GlobalNetworkPolicy" || kind === "StagedGlobalNetworkPolicy";
}

/** Names Calico creates itself and accepts whatever the tier (names.policyNameIsFormatted). */
function formattedPrefixes(r: Reporter): string[] {
  const p = ["knp.default.", "ossg."];
  if (!atLeast(r.version, "3.32")) p.push("kanp.adminnetworkpolicy.");
  if (atLeast(r.version, "3.30") && !atLeast(r.version, "3.32")) p.push("kbanp.baselineadminnetworkpolicy.");
  return p;
}

/**
 * Calico 3.32 renames the operator's tier `allow-tigera` to `calico-system` (release notes, calico #11842:
 * "if you have created custom Network Policies within this Tier, you must manually update your resources").
 */
export const RENAMED_TIER = {
  from: "allow-tigera",
  to: "calico-system",
  message: "tier allow-tigera is renamed calico-system in Calico 3.32 (calico #11842): the operator no longer creates allow-tigera, so a policy left in it is in a tier that does not exist",
  policyHint: "set tier: calico-system (a name prefix allow-tigera. may stay: 3.32 does not require <tier>. prefixes)",
  tierHint: "the operator's tier is calico-system from 3.32; do not create allow-tigera, move its policies to calico-system",
} as const;

function tierOf(spec: PolicySpecCommon): string {
  return spec.tier === undefined || spec.tier === "" ? "default" : spec.tier;
}

/** The name rules for a policy kind on the targeted Calico version. */
export function validatePolicyName(name: string | undefined, kind: PolicyKind, spec: PolicySpecCommon, r: Reporter): void {
  if (name === undefined || name === "") return; // reported by validateObjectMeta
  const path = "metadata.name";
  const global = isGlobalKind(kind);
  const tier = tierOf(spec);
  if (name.length > DNS1123_SUBDOMAIN_MAX) {
    r.add(path, name, `name is too long by ${name.length - DNS1123_SUBDOMAIN_MAX} bytes`, `use at most ${DNS1123_SUBDOMAIN_MAX} characters`);
  }
  // A name that is not even a DNS subdomain is already reported by validateObjectMeta; one problem is enough.
  if (!isDns1123Subdomain(name)) return;
  const regex = global ? GLOBAL_NETWORK_POLICY_NAME : NETWORK_POLICY_NAME;
  if (!regex.test(name)) {
    const dots = name.split(".").length - 1;
    const base = sanitizeName(name.split(".").slice(-1)[0] ?? name, false);
    r.add(
      path,
      name,
      dots > 1
        ? "policy name may contain at most one dot (<tier>.<name>)"
        : "name must consist of lower case alphanumeric characters or '-' (regex: [a-z0-9]([-a-z0-9]*[a-z0-9])?), optionally prefixed by '<tier>.'",
      tier === "default" && atLeast(r.version, "3.32") ? `did you mean "${base}"?` : `did you mean "${tier}.${base}"?`,
    );
    return;
  }
  if (kind === "StagedNetworkPolicy" && name.startsWith("knp.default.") && atLeast(r.version, "3.30") && !atLeast(r.version, "3.32")) {
    r.add(path, name, "Cannot create a StagedNetworkPolicy with the knp.default. name prefix", "stage a Kubernetes policy as a StagedKubernetesNetworkPolicy, or rename it");
  }
  const tieredNameCheck =
    !atLeast(r.version, "3.32") && (kind === "NetworkPolicy" || kind === "GlobalNetworkPolicy" || atLeast(r.version, "3.30"));
  if (!tieredNameCheck) return;
  // Calico 3.29-3.31 (names.ValidateTieredPolicyName): a policy in tier T must be named "T.<name>";
  // in the default tier both "<name>" and "default.<name>" are accepted (and must then be managed by that
  // exact name). 3.32 drops the prefix requirement (calico #11232).
  if (formattedPrefixes(r).some((p) => name.startsWith(p))) return;
  const parts = name.split(".");
  if (parts.length === 1 && tier === "default") return;
  if (parts.length === 2 && name.startsWith(`${tier}.`)) return;
  const bare = parts.length === 2 ? (parts[1] ?? name) : name;
  r.add(
    path,
    name,
    `Incorrectly formatted policy name ${name}: on Calico ${r.version} a policy in tier "${tier}" must be named "${tier}.<name>"`,
    `rename it to "${tier}.${bare}"${parts.length === 2 ? ` or set spec.tier: ${parts[0] ?? ""}` : ""}`,
  );
}

function checkTypes(spec: PolicySpecCommon, r: Reporter, rawTypesLength: number | undefined): void {
  const types = spec.types;
  if (types === undefined) return;
  // The parsed list drops invalid items (already reported), so judge emptiness on the list as written.
  if ((rawTypesLength ?? types.length) === 0 && atLeast(r.version, "3.32")) {
    r.add("spec.types", types, "types must list at least one policy type when set", "remove types to let Calico default it from the rules, or list Ingress and/or Egress");
  }
  const seen = new Set<string>();
  types.forEach((t, i) => {
    if (seen.has(t)) {
      r.add(`spec.types[${i}]`, t, `'${t}' type specified more than once`, "list each policy type once");
    }
    seen.add(t);
  });
}

function checkRules(rules: readonly CalicoRule[] | undefined, dir: "ingress" | "egress", global: boolean, r: Reporter): void {
  (rules ?? []).forEach((rule, i) => {
    const path = `spec.${dir}[${i}]`;
    validateRule(rule, path, dir, r);
    if (dir === "egress" && rule.source?.services !== undefined) {
      r.add(`${path}.source.services`, rule.source.services, "services not allowed in egress rule source", "to match traffic to a Service, put services in the egress rule's destination");
    }
    if (dir === "ingress" && rule.destination?.services !== undefined) {
      r.add(`${path}.destination.services`, rule.destination.services, "services not allowed in ingress rule destination", "to match traffic from a Service's pods, put services in the ingress rule's source");
    }
    if (global) {
      // Service names are not namespaced at global scope, so the namespace is required.
      const svc = dir === "egress" ? rule.destination?.services : rule.source?.services;
      const side = dir === "egress" ? "destination" : "source";
      if (svc !== undefined && (svc.namespace === undefined || svc.namespace === "")) {
        r.add(`${path}.${side}.services.namespace`, svc.namespace, "must specify a namespace", "a GlobalNetworkPolicy must name the Service's namespace in services.namespace");
      }
    }
  });
}

function checkPerformanceHints(spec: PolicySpecCommon, r: Reporter): void {
  const hints = spec.performanceHints ?? [];
  if (new Set(hints).size !== hints.length) {
    r.add("spec.performanceHints", hints, "performanceHints must not repeat a hint", "list each hint once");
  }
}

/**
 * True when every field except tier/stagedAction/types is Go's zero value (stagedAction: Delete).
 * Calico compares with reflect.DeepEqual against an empty spec, and a JSON `[]` decodes to a non-nil
 * empty slice, so `ingress: []` is NOT zero: only an absent list is (checked against v3.32.1).
 */
function isEmptyStagedSpec(spec: GlobalNetworkPolicySpec): boolean {
  return (
    spec.order === undefined &&
    (spec.selector ?? "") === "" &&
    (spec.serviceAccountSelector ?? "") === "" &&
    (spec.namespaceSelector ?? "") === "" &&
    spec.ingress === undefined &&
    spec.egress === undefined &&
    spec.performanceHints === undefined &&
    spec.doNotTrack !== true &&
    spec.preDNAT !== true &&
    spec.applyOnForward !== true
  );
}

/** Validates a (Staged)(Global)NetworkPolicy spec. */
export function validatePolicySpec(
  spec: GlobalNetworkPolicySpec & { stagedAction?: StagedAction },
  kind: PolicyKind,
  r: Reporter,
  raw: { readonly typesLength?: number } = {},
): void {
  const global = isGlobalKind(kind);
  // The `name` tag on Tier is checked before (and independently of) the staged-Delete rule.
  if (spec.tier !== undefined && spec.tier !== "" && !isDns1123Subdomain(spec.tier)) {
    r.add("spec.tier", spec.tier, "tier must be a lower-case DNS name", `did you mean "${sanitizeName(spec.tier, false)}"?`);
  }
  if (tierOf(spec) === RENAMED_TIER.from && atLeast(r.version, "3.32")) r.add("spec.tier", spec.tier, RENAMED_TIER.message, RENAMED_TIER.policyHint);
  if (spec.stagedAction === "Delete") {
    // A staged delete previews the removal of the enforced policy of the same name: only tier may be set
    // (clientv3 clears `types` before validating a staged Delete on 3.30-3.32, so it is ignored here too).
    if (!isEmptyStagedSpec(spec)) {
      r.add("spec", undefined, "Spec fields, except Tier, should all be zero-value if stagedAction is Delete", "a staged Delete carries no rules or selectors: keep only tier and stagedAction");
    }
    return;
  }
  checkSelector(spec.selector, "spec.selector", r);
  checkNoGlobal(spec.selector, "spec.selector", r);
  checkSelector(spec.serviceAccountSelector, "spec.serviceAccountSelector", r);
  checkNoGlobal(spec.serviceAccountSelector, "spec.serviceAccountSelector", r);
  if (global) {
    checkSelector(spec.namespaceSelector, "spec.namespaceSelector", r);
    checkNoGlobal(spec.namespaceSelector, "spec.namespaceSelector", r);
  }
  checkTypes(spec, r, raw.typesLength);
  checkPerformanceHints(spec, r);
  checkRules(spec.ingress, "ingress", global, r);
  checkRules(spec.egress, "egress", global, r);
  if (!global) return;
  // Host-endpoint policy modes (validateGlobalNetworkPolicySpec and the CRD CEL rules).
  if (spec.doNotTrack === true && spec.preDNAT === true) {
    r.add("spec.preDNAT", true, "preDNAT and doNotTrack cannot both be true", "choose one: preDNAT (before DNAT, ingress only) or doNotTrack (untracked, raw table)");
  }
  if (spec.preDNAT === true && (spec.egress?.length ?? 0) > 0) {
    r.add("spec.egress", spec.egress, "preDNAT policy cannot have any egress rules", "preDNAT policy applies to ingress only; move egress rules to a normal policy");
  }
  if (spec.preDNAT === true && effectivePolicyTypes(spec).includes("Egress")) {
    // Calico defaults an unset `types` from the rules before validating, so egress rules alone give
    // the policy the Egress type too.
    const explicit = (spec.types?.length ?? 0) > 0;
    r.add(
      "spec.types",
      explicit ? spec.types : undefined,
      "preDNAT policy cannot have 'Egress' type",
      explicit ? "use types: [Ingress]" : "types defaults to include Egress because the policy has egress rules; remove them and set types: [Ingress]",
    );
  }
  if (spec.applyOnForward !== true && (spec.doNotTrack === true || spec.preDNAT === true)) {
    r.add("spec.applyOnForward", spec.applyOnForward ?? false, "applyOnForward must be true if either preDNAT or doNotTrack is true", "add applyOnForward: true");
  }
}
