/**
 * A Calico NetworkPolicy (projectcalico.org/v3, namespaced; StagedNetworkPolicy in stage mode) in a tier.
 *
 * Calico semantics: it applies only to workload endpoints in its own namespace; in its rules a selector
 * without namespaceSelector means "in this namespace" (the peers in this package always say which).
 */
import type { Construct } from "constructs";
import { checkDnsLabel } from "./peer.js";
import { PolicyBase, type PolicyBaseProps } from "./policy-base.js";

export interface NetworkPolicyProps extends PolicyBaseProps {
  /** The namespace the policy lives in and applies to. */
  readonly namespace: string;
}

export class NetworkPolicy extends PolicyBase {
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: NetworkPolicyProps) {
    checkDnsLabel(props.namespace, "namespace");
    super(scope, id, props, { enforced: "NetworkPolicy", staged: "StagedNetworkPolicy" }, { namespace: props.namespace, spec: {} });
    this.namespace = props.namespace;
  }
}
