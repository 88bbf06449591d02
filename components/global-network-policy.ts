/**
 * A Calico GlobalNetworkPolicy (or StagedGlobalNetworkPolicy in stage mode) in a tier.
 *
 * Calico semantics: a global policy applies to workload endpoints in every namespace and to host endpoints.
 * `namespaceSelector` limits it to workload endpoints in matching namespaces (host endpoints have no
 * namespace, so they are never selected then) — the safe way to write pod-only policies.
 */
import type { Construct } from "constructs";
import { UserError, type Problem } from "../src/model/problem.js";
import type { Selector } from "../src/model/selector/index.js";
import { PolicyBase, type PolicyBaseProps } from "./policy-base.js";

export interface GlobalNetworkPolicyProps extends PolicyBaseProps {
  /**
   * Only workload endpoints in namespaces matching this selector (over namespace labels).
   * @default undefined: every namespace and every host endpoint the selector matches
   */
  readonly namespaceSelector?: Selector;
  /**
   * Only workload endpoints whose service account matches this selector (over service account labels;
   * Calico adds `projectcalico.org/name` with the account's name).
   * @default undefined: any service account
   */
  readonly serviceAccountSelector?: Selector;
  /**
   * Apply the policy before DNAT (the mangle table): for host endpoints only, ingress only, with no
   * end-of-tier drop, and enforced on all traffic arriving through the host endpoint, including traffic
   * forwarded to a pod (https://docs.tigera.io/calico/3.32/reference/host-endpoints/pre-dnat).
   * Needs `applyOnForward: true`; cannot be combined with `doNotTrack`.
   * @default false
   */
  readonly preDNAT?: boolean;
  /**
   * Also apply the policy to traffic forwarded through the host endpoints (required with preDNAT or doNotTrack).
   * @default false
   */
  readonly applyOnForward?: boolean;
}

/**
 * Calico's rules for the preDNAT/doNotTrack/applyOnForward switches (libcalico-go/lib/validator/v3/validator.go
 * validateGlobalNetworkPolicySpec, v3.30-v3.32), checked at construction so a component cannot emit what the
 * API server rejects: preDNAT and doNotTrack exclude each other, preDNAT has no egress, both need applyOnForward.
 */
export function checkPreDnat(props: GlobalNetworkPolicyProps & { readonly doNotTrack?: boolean }): Problem[] {
  const problems: Problem[] = [];
  if (props.preDNAT === true && props.doNotTrack === true) {
    problems.push({ path: "preDNAT", value: true, message: "preDNAT and doNotTrack cannot both be true", hint: "choose one: preDNAT (before DNAT, ingress only) or doNotTrack (untracked)" });
  }
  if (props.preDNAT === true && props.egress !== undefined) {
    problems.push({ path: "egress", value: props.egress, message: "a preDNAT policy cannot have egress rules (nor the Egress type)", hint: "preDNAT applies to ingress only; put the egress rules in a normal policy" });
  }
  if ((props.preDNAT === true || props.doNotTrack === true) && props.applyOnForward !== true) {
    problems.push({ path: "applyOnForward", value: props.applyOnForward ?? false, message: "applyOnForward must be true if preDNAT or doNotTrack is true", hint: "set applyOnForward: true" });
  }
  return problems;
}

export class GlobalNetworkPolicy extends PolicyBase {
  constructor(scope: Construct, id: string, props: GlobalNetworkPolicyProps) {
    const problems = checkPreDnat(props);
    if (problems.length > 0) throw new UserError(problems, `policy ${props.name}`);
    super(
      scope,
      id,
      props,
      { enforced: "GlobalNetworkPolicy", staged: "StagedGlobalNetworkPolicy" },
      {
        spec: {
          namespaceSelector: props.namespaceSelector?.toString(),
          serviceAccountSelector: props.serviceAccountSelector?.toString(),
          ...(props.preDNAT === true ? { preDNAT: true } : {}),
          ...(props.applyOnForward === true ? { applyOnForward: true } : {}),
        },
      },
    );
  }
}
