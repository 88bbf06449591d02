/**
 * What Calico's conversion of the Kubernetes admin policy kinds supports, per Calico minor. Shared by
 * validation (which reports what Calico cannot enforce) and the analysis (which converts the objects as
 * Calico does). Sources (projectcalico/calico):
 * - v3.32.1 libcalico-go/lib/backend/k8s/conversion/clusternetworkpolicy.go: egress peers `namespaces`,
 *   `pods` and `networks` convert; anything else ("none of supported fields in 'To' is set") fails the
 *   rule; named ports convert (protocol left unset);
 * - v3.29.7–v3.31.7 libcalico-go/lib/backend/k8s/conversion/conversion.go (K8sAdminNetworkPolicyToCalico,
 *   K8sBaselineAdminNetworkPolicyToCalico): the same peers; `namedPort` is not converted
 *   (k8sAdminPolicyPortToCalicoFields returns no protocol and no port, "TODO: Add support for NamedPorts"),
 *   which unpackANPPorts reads as "no ports": the rule matches every protocol and port.
 * A rule that fails to convert becomes `{action: Deny}` (match everything) when its action is Deny or Pass,
 * and is dropped when it is Accept/Allow (k8sClusterNetPolHandleFailedRules, k8sANPHandleFailedRules;
 * k8sBANPHandleFailedRules: Deny only, BANP has no Pass).
 */

/** Calico minors that enforce each kind. */
export const ADMIN_POLICY_MINORS: Readonly<Record<"ClusterNetworkPolicy" | "AdminNetworkPolicy" | "BaselineAdminNetworkPolicy", readonly string[]>> = {
  ClusterNetworkPolicy: ["3.32"],
  AdminNetworkPolicy: ["3.29", "3.30", "3.31"],
  BaselineAdminNetworkPolicy: ["3.30", "3.31"],
};

/** Egress peer fields Calico converts (the same set for CNP on 3.32 and ANP/BANP on 3.29–3.31). */
export const CALICO_EGRESS_PEER_FIELDS: readonly string[] = ["namespaces", "pods", "networks"];

/** What Calico does with a rule it cannot convert, by the rule's action. */
export function failClosedOutcome(action: string): "deny-all" | "dropped" {
  return action === "Deny" || action === "Pass" ? "deny-all" : "dropped";
}

/** Text for a problem about an unconvertible rule: what Calico does instead. */
export function failClosedText(action: string): string {
  return failClosedOutcome(action) === "deny-all"
    ? `Calico fails closed: this ${action} rule becomes a rule that denies all traffic of the subject in this direction`
    : `Calico fails closed: this ${action} rule is dropped (it allows nothing)`;
}
