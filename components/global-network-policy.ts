/**
 * A Calico GlobalNetworkPolicy (or StagedGlobalNetworkPolicy in stage mode) in a tier.
 *
 * Calico semantics: a global policy applies to workload endpoints in every namespace and to host endpoints.
 * `namespaceSelector` limits it to workload endpoints in matching namespaces (host endpoints have no
 * namespace, so they are never selected then) — the safe way to write pod-only policies.
 */
import type { Construct } from "constructs";
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
}

export class GlobalNetworkPolicy extends PolicyBase {
  constructor(scope: Construct, id: string, props: GlobalNetworkPolicyProps) {
    super(
      scope,
      id,
      props,
      { enforced: "GlobalNetworkPolicy", staged: "StagedGlobalNetworkPolicy" },
      {
        spec: {
          namespaceSelector: props.namespaceSelector?.toString(),
          serviceAccountSelector: props.serviceAccountSelector?.toString(),
        },
      },
    );
  }
}
