/**
 * The platform endpoints the default lockout invariants talk about (src/analysis/invariants.ts): Calico's
 * components, Prometheus and two nodes. An invariant that checks no flow fails (issue 11), so a small test
 * inventory that is meant to pass the gate declares these besides its own namespaces.
 */

/** `namespaces:` entries (two-space list items) for calico-system and calico-monitoring. */
export const PLATFORM_NAMESPACES = `  - name: calico-system
    workloads:
      - { name: calico-typha, labels: { k8s-app: calico-typha } }
      - { name: calico-node, kind: DaemonSet, labels: { k8s-app: calico-node } }
      - { name: calico-kube-controllers, labels: { k8s-app: calico-kube-controllers } }
  - name: calico-monitoring
    workloads:
      - { name: prometheus, labels: { role: monitoring } }
`;

/** The kube-system entry with kube-dns, for inventories that do not declare it themselves. */
export const KUBE_DNS_NAMESPACE = `  - name: kube-system
    workloads: [{ name: coredns, labels: { k8s-app: kube-dns }, ports: [{ name: dns, port: 53, protocol: UDP }] }]
`;

/** A `nodes:` section: a control-plane node and a worker, both with automatic host endpoints. */
export const PLATFORM_NODES = `nodes:
  - { name: control, ips: [10.0.0.10], labels: { node-role.kubernetes.io/control-plane: "true" }, autoHostEndpoint: true }
  - { name: worker, ips: [10.0.0.11], autoHostEndpoint: true }
`;

/** A whole inventory: the platform, kube-dns unless `ownDns`, then the test's own namespace entries. */
export function platformInventory(namespaces: string, opts: { ownDns?: boolean } = {}): string {
  return `namespaces:\n${PLATFORM_NAMESPACES}${opts.ownDns === true ? "" : KUBE_DNS_NAMESPACE}${namespaces}${PLATFORM_NODES}`;
}
