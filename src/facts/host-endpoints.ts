/**
 * Automatic host endpoints as kube-controllers creates them, Calico 3.30-3.32 alike
 * (projectcalico/calico `kube-controllers/pkg/controllers/node/hostendpoints.go` at v3.30.7, v3.31.7 and
 * v3.32.1: `syncHostEndpointsForNode`, `generateAutoHostEndpointName`, `generateAutoHostEndpoint`,
 * `getExpectedIPs`; `controller.go` for the `projectcalico.org/created-by` label; docs:
 * https://docs.tigera.io/calico/3.32/network-policy/hosts/kubernetes-nodes, "Automatic host endpoints"):
 *
 * - one endpoint per node named `<node>-auto-hep` (replaced by a hash only past 253 characters, which no
 *   node name this program creates reaches), `interfaceName: "*"` (every interface of the host, loopback included);
 * - the node's labels, plus `projectcalico.org/created-by: calico-kube-controllers`;
 * - `expectedIPs`: the node's BGP addresses, its IPIP/VXLAN/WireGuard tunnel addresses and its InternalIP
 *   addresses (3.32 also the interface addresses Felix reports);
 * - `profiles: [projectcalico-default-allow]`: traffic no policy decides is allowed.
 *
 * The controller runs only when KubeControllersConfiguration `default` has
 * `spec.controllers.node.hostEndpoint.autoCreate: Enabled` (default Disabled), and creates the `*` endpoint
 * unless `createDefaultHostEndpoint: Disabled` (empty means Enabled: `kube-controllers/pkg/config/runconfig.go`).
 * The Tigera operator runs kube-controllers with the node controller and no `AUTO_HOST_ENDPOINTS`
 * environment override (tigera/operator `pkg/render/kubecontrollers/kube-controllers.go`, v1.38-v1.42), so
 * the KubeControllersConfiguration decides.
 */
export const AUTO_HEP_SUFFIX = "auto-hep";
export const AUTO_HEP_INTERFACE = "*";
export const DEFAULT_ALLOW_PROFILE = "projectcalico-default-allow";
export const CREATED_BY_LABEL = "projectcalico.org/created-by";
export const CREATED_BY_VALUE = "calico-kube-controllers";

/** `<node>-auto-hep`. */
export function autoHostEndpointName(node: string): string {
  return `${node}-${AUTO_HEP_SUFFIX}`;
}

export interface AutoHostEndpointNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The node's InternalIP addresses (tunnel addresses come from the IP pools and are not known offline). */
  readonly ips: readonly string[];
}

/** The HostEndpoint kube-controllers creates for `node` (expectedIPs: the addresses known here). */
export function autoHostEndpoint(node: AutoHostEndpointNode): Record<string, unknown> {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "HostEndpoint",
    metadata: { name: autoHostEndpointName(node.name), labels: { ...node.labels, [CREATED_BY_LABEL]: CREATED_BY_VALUE } },
    spec: { node: node.name, interfaceName: AUTO_HEP_INTERFACE, expectedIPs: [...node.ips], profiles: [DEFAULT_ALLOW_PROFILE] },
  };
}
