/**
 * Lockout invariants: flows the baseline must never break, or the cluster stops working (DNS, the
 * API server, Typha, kubelet, monitoring scrapes, image pulls). Each has a stable name so a stack can
 * waive it on purpose (`PolicySettings.waivers`). Endpoints are chosen from the inventory by label,
 * so the same defaults work for any cluster. An invariant that checks no flow (its endpoints are not in the
 * inventory) fails, with `unchecked` saying which side is empty: a gate that passes on nothing would pass an
 * empty or misread inventory (issue 11). Waive it by name when the cluster really has no such endpoints.
 */
import { type PolicySettings, WIREGUARD_PORTS } from "../config/types.js";
import { type FlowResult, type Peer, endpointPeer, evaluateFlow } from "./evaluate.js";
import type { Labels } from "./inventory.js";
import type { Endpoint, Model } from "./model.js";
import { protocolNumber } from "./connset.js";
import { bitsOf, cidrContains, parseCidr } from "../model/net.js";

/**
 * Which endpoints an invariant talks about. `labels` must match exactly; `has` lists labels that must
 * be present with any value (a control-plane node is `node-role.kubernetes.io/control-plane: "true"`
 * on k3s but `""` on kubeadm).
 */
export type EndpointQuery =
  | { readonly workloads: { readonly namespace?: string; readonly labels?: Labels; readonly has?: readonly string[] } }
  | { readonly hosts: { readonly labels?: Labels; readonly has?: readonly string[] } }
  | { readonly net: string };

export interface Invariant {
  readonly name: string;
  readonly description: string;
  readonly from: EndpointQuery;
  readonly to: EndpointQuery;
  readonly protocol: string;
  readonly port: number;
}

export type InvariantStatus = "pass" | "fail" | "waived";

export interface InvariantResult {
  readonly invariant: Invariant;
  readonly status: InvariantStatus;
  /** Flows checked. */
  readonly checked: number;
  /** The failing flows with their explain trail (at most 20). */
  readonly failures: readonly FlowResult[];
  /** Set when no flow was checked: which endpoints are missing from the inventory (the invariant fails). */
  readonly unchecked?: string;
}

function describeQuery(q: EndpointQuery): string {
  if ("net" in q) return `net:${q.net}`;
  const sel = "hosts" in q ? q.hosts : q.workloads;
  const parts = [
    ...("workloads" in q && q.workloads.namespace !== undefined ? [`namespace ${q.workloads.namespace}`] : []),
    ...Object.entries(sel.labels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(sel.has ?? []).map((k) => `has(${k})`),
  ];
  return `${"hosts" in q ? "hosts" : "workloads"}${parts.length === 0 ? "" : ` (${parts.join(", ")})`}`;
}

const CONTROL_PLANE = { has: ["node-role.kubernetes.io/control-plane"] } as const;

/** How the inventory names the Consul → GlobalNetworkSet controller's pods (src/deployment/planners/networkset-sync.ts labels them so). */
export const NETWORKSET_SYNC_APP_LABEL = { "app.kubernetes.io/name": "networkset-sync" } as const;

/**
 * The defaults of issue 5; the registry one is added from the stack's registry settings, and
 * `wireguard-between-nodes` when the stack encrypts east-west traffic: with WireGuard on, Felix tunnels
 * pod-to-pod traffic between nodes over UDP 51820 (FelixConfiguration `wireguardListeningPort` default), so a
 * policy dropping it cuts every cross-node pod flow. Felix accepts that port in the filter table before
 * normal host endpoint policy (felix/rules/static.go, 3.30-3.32), but untracked and pre-DNAT policies run
 * first and can drop it; the analysis does not model Felix's built-in accept, so it also flags a normal
 * policy that denies the tunnel (a rule that contradicts the stack's intent even where Felix overrides it).
 * The network-set sync controller's two (issue 12: it must reach Consul and the API server, or every synced
 * set goes stale) are added when the stack deploys it.
 */
export function defaultInvariants(settings?: Pick<PolicySettings, "registry"> & Partial<Pick<PolicySettings, "encryption" | "networkSetSync">>): Invariant[] {
  const all: Invariant[] = [
    { name: "dns-udp", description: "every pod resolves names through kube-dns", from: { workloads: {} }, to: { workloads: { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } } }, protocol: "UDP", port: 53 },
    { name: "dns-tcp", description: "every pod resolves names through kube-dns over TCP (large answers)", from: { workloads: {} }, to: { workloads: { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } } }, protocol: "TCP", port: 53 },
    { name: "apiserver-from-nodes", description: "nodes (kubelet, calico-node, kube-proxy) reach the API server", from: { hosts: {} }, to: { hosts: CONTROL_PLANE }, protocol: "TCP", port: 6443 },
    { name: "apiserver-from-calico", description: "Calico components in calico-system reach the API server", from: { workloads: { namespace: "calico-system" } }, to: { hosts: CONTROL_PLANE }, protocol: "TCP", port: 6443 },
    { name: "typha-from-nodes", description: "calico-node on every node reaches Typha", from: { hosts: {} }, to: { workloads: { namespace: "calico-system", labels: { "k8s-app": "calico-typha" } } }, protocol: "TCP", port: 5473 },
    { name: "kubelet-from-control-plane", description: "the API server reaches every kubelet (logs, exec, probes)", from: { hosts: CONTROL_PLANE }, to: { hosts: {} }, protocol: "TCP", port: 10250 },
    { name: "monitoring-felix", description: "Prometheus scrapes Felix metrics", from: { workloads: { namespace: "calico-monitoring", labels: { role: "monitoring" } } }, to: { workloads: { namespace: "calico-system", labels: { "k8s-app": "calico-node" } } }, protocol: "TCP", port: 9091 },
    { name: "monitoring-typha", description: "Prometheus scrapes Typha metrics", from: { workloads: { namespace: "calico-monitoring", labels: { role: "monitoring" } } }, to: { workloads: { namespace: "calico-system", labels: { "k8s-app": "calico-typha" } } }, protocol: "TCP", port: 9093 },
    { name: "monitoring-kube-controllers", description: "Prometheus scrapes kube-controllers metrics", from: { workloads: { namespace: "calico-monitoring", labels: { role: "monitoring" } } }, to: { workloads: { namespace: "calico-system", labels: { "k8s-app": "calico-kube-controllers" } } }, protocol: "TCP", port: 9094 },
    { name: "monitoring-node-exporter", description: "Prometheus scrapes node-exporter", from: { workloads: { namespace: "calico-monitoring", labels: { role: "monitoring" } } }, to: { hosts: {} }, protocol: "TCP", port: 9100 },
  ];
  if (settings?.encryption?.wireguard === true) {
    all.push({ name: "wireguard-between-nodes", description: "nodes reach each other's WireGuard tunnel (east-west encryption)", from: { hosts: {} }, to: { hosts: {} }, protocol: "UDP", port: WIREGUARD_PORTS.v4 });
  }
  for (const cidr of settings?.registry.cidrs ?? []) {
    all.push({ name: "registry-pulls", description: `nodes pull images from the private registry ${cidr}`, from: { hosts: {} }, to: { net: cidr }, protocol: "TCP", port: settings!.registry.port });
  }
  const sync = settings?.networkSetSync;
  if (sync !== undefined) {
    const controller = { workloads: { namespace: sync.namespace, labels: NETWORKSET_SYNC_APP_LABEL } };
    for (const cidr of sync.consulCidrs) {
      all.push({ name: "networkset-sync-consul", description: `the network-set sync controller reaches Consul at ${cidr}`, from: controller, to: { net: cidr }, protocol: "TCP", port: sync.consulPort });
    }
    all.push({ name: "networkset-sync-apiserver", description: "the network-set sync controller reaches the API server (its sets and Lease)", from: controller, to: { hosts: CONTROL_PLANE }, protocol: "TCP", port: 6443 });
  }
  return all;
}

function matchesLabels(have: Labels, want: Labels | undefined, has: readonly string[] | undefined): boolean {
  return Object.entries(want ?? {}).every(([k, v]) => have[k] === v) && (has ?? []).every((k) => k in have);
}

/** The endpoints of a query; a host-networked workload is its node(s). */
export function resolveQuery(model: Model, q: EndpointQuery): Endpoint[] {
  if ("net" in q) return [];
  if ("hosts" in q) {
    return model.endpoints.filter((e) => e.kind === "host" && matchesLabels(model.inventory.nodes.find((n) => n.name === e.name)?.labels ?? e.labels, q.hosts.labels, q.hosts.has));
  }
  const out = new Set<Endpoint>();
  for (const w of model.inventory.workloads) {
    if (q.workloads.namespace !== undefined && w.namespace !== q.workloads.namespace) continue;
    if (!matchesLabels(w.labels, q.workloads.labels, q.workloads.has)) continue;
    for (const e of model.byRef.get(`${w.namespace}/${w.name}`) ?? []) out.add(e);
  }
  return [...out];
}

/**
 * Addresses standing for a CIDR: the inventory externals inside it (the registry VM in the registry
 * network), else one usable address of it (not the network address of a /30 or larger).
 */
function netPeers(model: Model, cidr: string): Peer[] {
  const c = parseCidr(cidr);
  if (c === undefined) return [];
  const inside = model.inventory.externals
    .map((x) => ({ x, p: parseCidr(x.cidr) }))
    .filter((e): e is { x: (typeof e)["x"]; p: NonNullable<(typeof e)["p"]> } => e.p !== undefined && cidrContains(c, e.p));
  if (inside.length > 0) return inside.map(({ x, p }) => ({ ip: { version: p.version, value: p.first }, display: `${x.name} (net:${x.cidr})` }));
  const value = c.prefix <= bitsOf(c.version) - 2 ? c.first + 1n : c.first;
  return [{ ip: { version: c.version, value }, display: `net:${cidr}` }];
}

/** "3 of 15 flows denied" (20+ when the list was cut), or why no flow was checked. */
export function failureCount(r: InvariantResult): string {
  return r.unchecked ?? `${r.failures.length}${r.failures.length === 20 ? "+" : ""} of ${r.checked} flows denied`;
}

export function checkInvariants(model: Model, invariants: readonly Invariant[], waivers: readonly string[] = []): InvariantResult[] {
  return invariants.map((inv) => {
    const from = resolveQuery(model, inv.from).map(endpointPeer);
    const to = "net" in inv.to ? netPeers(model, inv.to.net) : resolveQuery(model, inv.to).map(endpointPeer);
    const protocol = protocolNumber(inv.protocol)!;
    const failures: FlowResult[] = [];
    let checked = 0;
    for (const s of from) {
      for (const d of to) {
        if (s.endpoint !== undefined && s.endpoint === d.endpoint) continue;
        checked++;
        const r = evaluateFlow(model, { src: s, dst: d, protocol, port: inv.port });
        if (!r.allowed && failures.length < 20) failures.push(r);
      }
    }
    const status: InvariantStatus = waivers.includes(inv.name) ? "waived" : checked === 0 || failures.length > 0 ? "fail" : "pass";
    if (checked > 0) return { invariant: inv, status, checked, failures };
    const missing = [from.length === 0 ? `no ${describeQuery(inv.from)}` : undefined, to.length === 0 ? `no ${describeQuery(inv.to)}` : undefined].filter((x) => x !== undefined);
    const unchecked = `checks no flow: ${missing.length > 0 ? `the inventory has ${missing.join(" and ")}` : "its only endpoints are the same on both sides"}`;
    return { invariant: inv, status, checked, failures, unchecked };
  });
}
