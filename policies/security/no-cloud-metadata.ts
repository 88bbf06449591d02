// No pod of the namespaces the default deny leaves alone (kube-system, calico-system, ...) reaches the
// link-local cloud metadata address. Written as a ClusterNetworkPolicy (tier Admin): a portable guardrail
// any conformant CNI enforces (Calico 3.32 in tier kube-admin; the AdminNetworkPolicy equivalent on
// 3.30/3.31). Application pods are denied it already by the application tier's default deny, which runs
// first (order 400 < kube-admin's 1,000); host-networked pods (the nodes) are never selected.
import { ClusterNetworkPolicy } from "../../components/cluster-network-policy.js";
import { definePolicy } from "../types.js";

export const CLOUD_METADATA = "169.254.169.254/32";

export default definePolicy({
  tier: "security",
  name: "no-cloud-metadata",
  build(scope, { tier, settings }) {
    // With no excluded namespace the default deny already covers every pod: nothing left to guard.
    if (settings.defaultDenyExcludedNamespaces.length === 0) return;
    // Kubernetes has no staged ClusterNetworkPolicy: a tier in stage mode enforces nothing, so it is left out.
    if (tier.mode === "stage") return;
    new ClusterNetworkPolicy(scope, "NoCloudMetadata", {
      name: "no-cloud-metadata",
      tier: "Admin",
      priority: 10,
      subject: { namespaces: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...settings.defaultDenyExcludedNamespaces] }] } },
      egress: [{ name: "cloud-metadata", action: "Deny", peers: [{ networks: [CLOUD_METADATA] }] }],
      calicoMinor: settings.calicoMinor,
    });
  },
});
