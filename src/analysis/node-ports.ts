/**
 * North-south exposure: the node ports and host ports the inventory knows, and who outside the cluster can
 * reach each. A flow to a node port is policed as Felix polices it (docs.tigera.io calico/3.32
 * reference/host-endpoints/pre-dnat, network-policy/services/kubernetes-node-ports):
 *
 * 1. the source's egress policy, towards the node's address and the node port (an outside source has none);
 * 2. at the node's host endpoint, before DNAT: failsafe ports, untracked then pre-DNAT policies (`Deny` drops;
 *    an `Allow` or no decision goes on; there is no default drop);
 * 3. kube-proxy (a Service node port) or the CNI portmap plugin (a container hostPort) rewrites the
 *    destination to the pod and its target port; of the normal host endpoint policies only `applyOnForward`
 *    ones see the forwarded flow (the egress side on the way out to the pod is not modelled);
 * 4. the pod's own ingress policy, with the original source (what a local backend sees; a backend on
 *    another node sees the node's address instead when the Service's externalTrafficPolicy is Cluster).
 *
 * A Service with several backends is reachable only when every backend's policy allows (kube-proxy may
 * pick any). This is separate from `evaluateFlow`, whose host destinations are the host itself: a case or
 * `explain` to `host:<node>` on a node port keeps meaning "the host's own port", as before.
 */
import { type Decision, type DirectionResult, type Flow, type Peer, type Step, endpointPeer, evaluateFlow, hostIngressBeforeDnat, workloadIngress } from "./evaluate.js";
import { protocolName } from "./connset.js";
import type { Endpoint, Model } from "./model.js";
import { parseCidr, parseIp } from "../model/net.js";

export interface ExposedPort {
  readonly kind: "NodePort" | "hostPort";
  readonly protocol: number;
  /** The port on the nodes. */
  readonly port: number;
  /** `Service shop/frontend` or `shop/frontend` (hostPort). */
  readonly via: string;
  readonly backends: ReadonlyArray<{ readonly endpoint: Endpoint; readonly port: number }>;
  /** The nodes it listens on: every node for a node port; the pod's node (or every node, when unknown) for a host port. */
  readonly nodes: readonly Endpoint[];
}

const PROTO: Readonly<Record<string, number>> = { TCP: 6, UDP: 17, SCTP: 132 };

/** Every node port and host port known from the inventory (declared ports) and the Service manifests, sorted. */
export function exposedPorts(model: Model): ExposedPort[] {
  const hosts = model.endpoints.filter((e) => e.kind === "host");
  const workloads = model.endpoints.filter((e) => e.kind === "workload");
  const out: ExposedPort[] = [];
  const byKey = new Map<string, { kind: ExposedPort["kind"]; protocol: number; port: number; via: string; backends: Map<Endpoint, number>; nodes: Endpoint[] }>();
  const add = (kind: ExposedPort["kind"], protocol: number, port: number, via: string, backend: Endpoint, target: number, nodes: readonly Endpoint[]): void => {
    const key = `${kind}/${protocol}/${port}/${via}`;
    let e = byKey.get(key);
    if (e === undefined) byKey.set(key, (e = { kind, protocol, port, via, backends: new Map(), nodes: [...nodes] }));
    e.backends.set(backend, target);
    for (const n of nodes) if (!e.nodes.includes(n)) e.nodes.push(n);
  };
  for (const w of workloads) {
    for (const p of w.ports) {
      const protocol = PROTO[p.protocol]!;
      const via = `${w.namespace ?? ""}/${w.name}`;
      if (p.nodePort !== undefined) add("NodePort", protocol, p.nodePort, `${via} (declared)`, w, p.port, hosts);
      if (p.hostPort !== undefined) add("hostPort", protocol, p.hostPort, via, w, p.port, w.node === undefined ? hosts : hosts.filter((h) => h.node === w.node));
    }
  }
  for (const svc of model.policyModel.services) {
    const view = model.service(`${svc.namespace}/${svc.name}`);
    for (const np of svc.nodePorts ?? []) {
      for (const m of view?.members ?? []) {
        const target = typeof np.target === "number" ? np.target : m.ports.find((x) => x.name === np.target && PROTO[x.protocol] === np.protocol)?.port;
        if (target !== undefined) add("NodePort", np.protocol, np.nodePort, `Service ${svc.namespace}/${svc.name}`, m, target, hosts);
      }
    }
  }
  for (const e of byKey.values()) {
    out.push({
      kind: e.kind,
      protocol: e.protocol,
      port: e.port,
      via: e.via,
      backends: [...e.backends].map(([endpoint, port]) => ({ endpoint, port })).sort((a, b) => (a.endpoint.id < b.endpoint.id ? -1 : a.endpoint.id > b.endpoint.id ? 1 : 0)),
      nodes: [...e.nodes].sort((a, b) => (a.id < b.id ? -1 : 1)),
    });
  }
  return out.sort((a, b) => a.port - b.port || a.protocol - b.protocol || (a.via < b.via ? -1 : a.via > b.via ? 1 : 0));
}

export interface ExposureResult {
  readonly src: string;
  readonly node: string;
  readonly allowed: boolean;
  /** The source's egress towards node:port. */
  readonly egress: DirectionResult;
  /** The host endpoint before DNAT. */
  readonly host: { readonly outcome: "allow" | "deny" | "none"; readonly decision?: Decision; readonly steps: readonly Step[] };
  /** Each backend pod's ingress after DNAT (empty when the host side denied). */
  readonly backends: readonly DirectionResult[];
}

/** One source to one exposed port through one node. */
export function evaluateExposure(model: Model, src: Peer, exposed: ExposedPort, node: Endpoint): ExposureResult {
  const toNode: Flow = { src, dst: endpointPeer(node), protocol: exposed.protocol, port: exposed.port };
  const egress = evaluateFlow(model, toNode).egress;
  const host = hostIngressBeforeDnat(model, node, src, toNode);
  const backends = host.outcome === "deny" ? [] : exposed.backends.map((b) => workloadIngress(model, b.endpoint, src, { src, dst: endpointPeer(b.endpoint), protocol: exposed.protocol, port: b.port }));
  const allowed = egress.allowed && host.outcome !== "deny" && backends.length > 0 && backends.every((b) => b.allowed);
  return { src: src.display, node: node.id, allowed, egress, host, backends };
}

/** One address standing for a network: the first usable one (not the network address of a /30 or larger). */
function representative(cidr: string): bigint | undefined {
  const c = parseCidr(cidr);
  if (c === undefined) return undefined;
  const bits = c.version === 4 ? 32 : 128;
  return c.prefix <= bits - 2 ? c.first + 1n : c.first;
}

/** Addresses from outside the cluster, each standing for a known network, plus one address in none of them. */
export function outsideSources(model: Model): Peer[] {
  const out: Peer[] = [];
  const seen = new Set<string>();
  const push = (version: 4 | 6, value: bigint | undefined, display: string): void => {
    if (value === undefined) return;
    const key = `${version}/${value}`;
    if (seen.has(key)) return;
    // An address of a node or a pod is not outside.
    if (model.endpoints.some((e) => e.ips.some((i) => i.version === version && i.value === value))) return;
    seen.add(key);
    out.push({ ip: { version, value }, display });
  };
  for (const s of [...model.networkSets].filter((n) => n.namespace === undefined).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    for (const version of [4, 6] as const) {
      const first = [...s.nets.ranges()].find((r) => r.version === version);
      if (first !== undefined) push(version, first.first === first.last ? first.first : first.first + 1n, `${s.name} (GlobalNetworkSet)`);
    }
  }
  for (const x of [...model.inventory.externals].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const c = parseCidr(x.cidr);
    if (c === undefined || c.prefix === 0) continue;
    push(c.version, representative(x.cidr), `${x.name} (net:${x.cidr})`);
  }
  // An address in no known network: the documentation ranges (RFC 5737), the first that nothing names.
  for (const text of ["203.0.113.9", "192.0.2.9", "198.51.100.9"]) {
    const ip = parseIp(text)!;
    const named = model.networkSets.some((n) => n.nets.contains(ip.version, ip.value)) || model.inventory.externals.some((x) => {
      const c = parseCidr(x.cidr);
      return c !== undefined && c.prefix > 0 && c.version === ip.version && ip.value >= c.first && ip.value <= c.last;
    });
    if (!named) {
      push(ip.version, ip.value, `net:${text} (any other address)`);
      break;
    }
  }
  return out;
}

export interface ExposureRow {
  readonly exposed: ExposedPort;
  /** Per outside source: reachable through every node it listens on, and the first denial otherwise. */
  readonly sources: ReadonlyArray<{ readonly src: string; readonly allowed: boolean; readonly deniedBy?: string }>;
}

function denial(r: ExposureResult): string {
  if (!r.egress.allowed) return `egress at ${r.egress.endpoint ?? r.src}`;
  if (r.host.outcome === "deny") {
    const d = r.host.decision;
    return d?.by === "rule" ? `${d.policy} ingress[${d.rule}] (pre-DNAT at ${r.node})` : `pre-DNAT at ${r.node}`;
  }
  if (r.backends.length === 0) return "no backend";
  const b = r.backends.find((x) => !x.allowed)!;
  const d = b.decision;
  return d.by === "rule" ? `${d.policy} ingress[${d.rule}] at ${b.endpoint ?? ""}` : d.by === "end-of-tier" ? `end of tier ${d.tier} at ${b.endpoint ?? ""}` : `${d.by} at ${b.endpoint ?? ""}`;
}

/** The report's north-south table: every exposed port × every outside source. */
export function exposureReport(model: Model): ExposureRow[] {
  const sources = outsideSources(model);
  return exposedPorts(model).map((exposed) => ({
    exposed,
    sources: sources.map((src) => {
      const results = exposed.nodes.map((n) => evaluateExposure(model, src, exposed, n));
      const bad = results.find((r) => !r.allowed);
      return { src: src.display, allowed: results.length > 0 && bad === undefined, ...(bad === undefined ? {} : { deniedBy: denial(bad) }) };
    }),
  }));
}

/** `TCP 30080` */
export function exposedName(e: ExposedPort): string {
  return `${protocolName(e.protocol)} ${e.port}`;
}
