/**
 * The flow evaluator: one flow (source, destination, protocol, destination port) through Calico's
 * policy pipeline, with the trail that decided it. This is the reference semantics; the connectivity
 * engine must agree with it (property-tested).
 *
 * Pipeline (docs.tigera.io network-policy/policy-tiers/tiered-policy; projectcalico/calico felix/rules/endpoints.go):
 * - Egress is evaluated at the source endpoint, ingress at the destination; both must allow.
 * - Per endpoint and direction: tiers in order; a tier applies only if one of its policies selects the
 *   endpoint and governs the direction. Inside a tier policies run by order, then name; within a
 *   policy rules in order. The first matching Allow or Deny decides; Pass skips the rest of the tier;
 *   Log records and continues. A tier that applies but matched nothing ends with its defaultAction
 *   (Deny, or Pass to the next tier). When no tier decides, the endpoint's profiles decide: a pod's
 *   namespace profile allows everything; a host endpoint allows only with `projectcalico-default-allow`.
 * - Host endpoints: failsafe ports are always open; doNotTrack policies run first, then preDNAT policies
 *   on ingress; in both an Allow accepts without further policy (the filter table accepts packets the
 *   raw or mangle table already accepted) and a Deny drops; neither has an end-of-tier drop. Then
 *   normal policies and profiles.
 * - Pod → its own node: after the pod's egress policy the operator's FELIX_DEFAULTENDPOINTTOHOSTACTION=ACCEPT
 *   accepts it (no host-endpoint ingress policy). Host → a pod on the same node is always allowed.
 * - A node without a host endpoint is not policed by Calico. External addresses are not policed.
 */
import { parseCidr } from "../model/net.js";
import { type Problem, UserError } from "../model/problem.js";
import { ConnSet, PORT_PROTOCOLS, protocolName, protocolNumber } from "./connset.js";
import type { Endpoint, Ip, Model, Stage, TierPolicies } from "./model.js";
import { type Direction, type FailsafePort, type PeerSpec, type Rule, ruleConns } from "./policies.js";
import type { CompiledSelector } from "./labels.js";

/** A traffic end: a known endpoint (with its first address, if known) or a bare address. */
export interface Peer {
  readonly endpoint?: Endpoint;
  readonly ip?: Ip;
  /** How reports name it: an endpoint id, or `net:<address>`. */
  readonly display: string;
}

export interface Flow {
  readonly src: Peer;
  readonly dst: Peer;
  readonly protocol: number;
  readonly port: number;
}

export interface Step {
  readonly stage: Stage | "failsafe" | "profile" | "local";
  readonly tier?: string;
  readonly policy?: string;
  readonly rule?: number;
  readonly action: string;
  readonly text: string;
}

export type Decision =
  | { readonly by: "rule"; readonly stage: Stage; readonly tier: string; readonly policy: string; readonly rule: number; readonly action: "Allow" | "Deny"; readonly ruleText: string }
  | { readonly by: "end-of-tier"; readonly tier: string }
  | { readonly by: "profile"; readonly profile: string; readonly allow: boolean }
  | { readonly by: "failsafe"; readonly port: string }
  | { readonly by: "not-policed"; readonly reason: string };

export interface DirectionResult {
  readonly direction: Direction;
  /** The endpoint whose policy was evaluated, or undefined when this side is not policed. */
  readonly endpoint?: string;
  readonly allowed: boolean;
  readonly decision: Decision;
  readonly steps: readonly Step[];
}

export interface FlowResult {
  readonly src: string;
  readonly dst: string;
  readonly protocol: string;
  readonly port: number;
  readonly allowed: boolean;
  readonly egress: DirectionResult;
  readonly ingress: DirectionResult;
}

export function endpointPeer(e: Endpoint): Peer {
  return { endpoint: e, ...(e.ips[0] === undefined ? {} : { ip: e.ips[0] }), display: e.id };
}

/**
 * True when the peer is in the selector's IP set: the endpoint matches (and Felix puts its addresses in
 * IP sets, see Endpoint.selectable), or a network set holding its address does.
 */
export function selectorMatchesPeer(sel: CompiledSelector, peer: Peer, model: Model): boolean {
  if (peer.endpoint !== undefined && peer.endpoint.selectable && sel.match(peer.endpoint.labels)) return true;
  if (peer.ip !== undefined) for (const s of model.networkSetsAt(peer.ip)) if (sel.match(s.view)) return true;
  const within = peer.ip === undefined ? peer.endpoint?.within : undefined;
  if (within !== undefined) for (const s of model.networkSetsCovering(within)) if (sel.match(s.view)) return true;
  return false;
}

/**
 * Does the peer satisfy the non-port half of a rule side? An endpoint with no known address and no
 * pod networks is outside every `nets` (so `nets` never matches it and `notNets` always does).
 */
export function peerSpecMatches(spec: PeerSpec, peer: Peer, model: Model): boolean {
  if (spec.service !== undefined && !inService(spec.service, peer, model)) return false;
  // A pod whose address is only known to be in the pod networks matches an address condition only
  // when the condition holds for every address there.
  const within = peer.ip === undefined ? peer.endpoint?.within : undefined;
  if (spec.nets !== undefined) {
    if (peer.ip !== undefined) {
      if (!spec.nets.contains(peer.ip.version, peer.ip.value)) return false;
    } else if (within === undefined || !within.subtract(spec.nets).isEmpty()) return false;
  }
  if (spec.notNets !== undefined) {
    if (peer.ip !== undefined) {
      if (spec.notNets.contains(peer.ip.version, peer.ip.value)) return false;
    } else if (within !== undefined && !within.intersect(spec.notNets).isEmpty()) return false;
  }
  if (spec.selector !== undefined && !selectorMatchesPeer(spec.selector, peer, model)) return false;
  if (spec.notSelector !== undefined && selectorMatchesPeer(spec.notSelector, peer, model)) return false;
  return true;
}

function inService(key: string, peer: Peer, model: Model): boolean {
  const svc = model.service(key);
  if (svc === undefined) return false;
  if (peer.endpoint !== undefined) return svc.members.has(peer.endpoint);
  const ip = peer.ip;
  if (ip === undefined) return false;
  for (const m of svc.members) if (m.ips.some((x) => x.version === ip.version && x.value === ip.value)) return true;
  return false;
}

/**
 * The connections a rule matches towards a destination: its protocols and ports, named ports
 * resolved on the destination, and a `services` destination's target ports.
 */
export function connsToward(rule: Rule, dst: Peer, model: Model): ConnSet {
  const base = ruleConns(rule, dst.endpoint?.ports ?? []);
  const key = rule.destination.service;
  if (key === undefined) return base;
  const svc = model.service(key);
  if (svc === undefined) return ConnSet.EMPTY;
  let member = dst.endpoint !== undefined && svc.members.has(dst.endpoint) ? dst.endpoint : undefined;
  if (member === undefined && dst.ip !== undefined) {
    const ip = dst.ip;
    member = [...svc.members].find((m) => m.ips.some((x) => x.version === ip.version && x.value === ip.value));
  }
  return member === undefined ? ConnSet.EMPTY : base.intersect(svc.conns(member));
}

/** Does the rule match, ignoring ports (the caller intersects `ruleConns`)? */
export function ruleMatchesPeers(rule: Rule, src: Peer, dst: Peer, model: Model): boolean {
  if (rule.ipVersion !== undefined) {
    for (const p of [src, dst]) if (p.ip !== undefined && p.ip.version !== rule.ipVersion) return false;
  }
  return peerSpecMatches(rule.source, src, model) && peerSpecMatches(rule.destination, dst, model);
}

type Outcome = { kind: "allow" | "deny"; decision: Decision } | { kind: "none" };

function walk(tiers: readonly TierPolicies[], dir: Direction, stage: Stage, local: Peer, remote: Peer, flow: Flow, model: Model, steps: Step[]): Outcome {
  const src = dir === "egress" ? local : remote;
  const dst = dir === "egress" ? remote : local;
  for (const { tier, policies } of tiers) {
    steps.push({ stage, tier: tier.name, action: "enter", text: `tier ${tier.name} applies (${policies.length} polic${policies.length === 1 ? "y selects" : "ies select"} ${local.display})` });
    let passed = false;
    for (const p of policies) {
      const rules = (dir === "ingress" ? p.ingress : p.egress) ?? [];
      let matched = false;
      for (const r of rules) {
        if (!connsToward(r, dst, model).contains(flow.protocol, flow.port)) continue;
        if (!ruleMatchesPeers(r, src, dst, model)) continue;
        matched = true;
        steps.push({ stage, tier: tier.name, policy: p.id, rule: r.index, action: r.action, text: `${p.id} ${dir}[${r.index}]: ${r.text}` });
        if (r.action === "Log") continue;
        if (r.action === "Pass") {
          passed = true;
          break;
        }
        return { kind: r.action === "Allow" ? "allow" : "deny", decision: { by: "rule", stage, tier: tier.name, policy: p.id, rule: r.index, action: r.action, ruleText: r.text } };
      }
      if (passed) break;
      if (!matched) steps.push({ stage, tier: tier.name, policy: p.id, action: "no-match", text: `${p.id}: no ${dir} rule matched` });
    }
    if (passed) {
      steps.push({ stage, tier: tier.name, action: "Pass", text: `Pass: on to the next tier` });
      continue;
    }
    if (stage !== "normal") continue; // untracked and pre-DNAT chains have no end-of-tier drop
    if (tier.defaultAction === "Pass") {
      steps.push({ stage, tier: tier.name, action: "Pass", text: `end of tier ${tier.name}: defaultAction Pass` });
      continue;
    }
    steps.push({ stage, tier: tier.name, action: "Deny", text: `end of tier ${tier.name}: no policy allowed or passed it (defaultAction Deny)` });
    return { kind: "deny", decision: { by: "end-of-tier", tier: tier.name } };
  }
  return { kind: "none" };
}

/** The failsafe entry letting this flow through, if any; `remote` is the source (inbound) or destination (outbound). */
function failsafeHit(list: readonly FailsafePort[], flow: Flow, remote: Peer, model: Model): string | undefined {
  const f = list.find((p) => p.protocol === flow.protocol && p.port === flow.port && (p.net === undefined || peerSpecMatches({ nets: p.net, key: "failsafe" }, remote, model)));
  return f === undefined ? undefined : `${protocolName(f.protocol)} ${f.port}${f.net === undefined ? "" : ` (${f.net.describe()})`}`;
}

function evaluateSide(model: Model, dir: Direction, local: Peer, remote: Peer, flow: Flow): DirectionResult {
  const ep = local.endpoint;
  const steps: Step[] = [];
  const result = (allowed: boolean, decision: Decision): DirectionResult => ({
    direction: dir,
    ...(ep === undefined ? {} : { endpoint: ep.id }),
    allowed,
    decision,
    steps,
  });
  if (ep === undefined) return result(true, { by: "not-policed", reason: `${local.display} is not a Calico endpoint` });
  const other = remote.endpoint;
  if (ep.kind === "host") {
    if (dir === "ingress" && other?.kind === "workload" && other.node === ep.node) {
      const accept = model.policyModel.endpointToHostAction === "Accept";
      steps.push({ stage: "local", action: accept ? "Allow" : "Deny", text: `pod to its own node: DefaultEndpointToHostAction ${accept ? "ACCEPT" : "DROP"} after the pod's egress policy` });
      return result(accept, accept ? { by: "not-policed", reason: "workload to its own host is accepted (DefaultEndpointToHostAction ACCEPT)" } : { by: "profile", profile: "DefaultEndpointToHostAction DROP", allow: false });
    }
    if (dir === "egress" && other?.kind === "workload" && other.node === ep.node) {
      // felix/rules/static.go filterOutputChain: traffic to a local workload returns before host
      // endpoint egress policy ("we don't currently police host -> endpoint").
      steps.push({ stage: "local", action: "Allow", text: "host to a pod on the same node is not policed" });
      return result(true, { by: "not-policed", reason: "host to local pod is always allowed" });
    }
    if (ep.hostEndpoint === undefined) return result(true, { by: "not-policed", reason: `node ${ep.name} has no host endpoint` });
    if (other?.kind === "host" && other.node === ep.node) {
      return result(true, { by: "not-policed", reason: "traffic inside one host" });
    }
    const fs = failsafeHit(dir === "ingress" ? model.policyModel.failsafeInbound : model.policyModel.failsafeOutbound, flow, remote, model);
    if (fs !== undefined) {
      steps.push({ stage: "failsafe", action: "Allow", text: `failsafe ${dir === "ingress" ? "inbound" : "outbound"} port ${fs}` });
      return result(true, { by: "failsafe", port: fs });
    }
    const un = walk(model.applicable(ep, dir, "untracked"), dir, "untracked", local, remote, flow, model, steps);
    if (un.kind !== "none") return result(un.kind === "allow", un.decision);
    if (dir === "ingress") {
      // An Allow in the pre-DNAT (mangle) chain marks the packet accepted, and the filter INPUT chain
      // accepts already-accepted packets before host endpoint policy (felix/rules/static.go
      // filterInputChain, acceptAlreadyAccepted): normal policy does not run.
      const pre = walk(model.applicable(ep, dir, "preDNAT"), dir, "preDNAT", local, remote, flow, model, steps);
      if (pre.kind !== "none") return result(pre.kind === "allow", pre.decision);
    }
    const n = walk(model.applicable(ep, dir, "normal"), dir, "normal", local, remote, flow, model, steps);
    if (n.kind !== "none") return result(n.kind === "allow", n.decision);
    const allow = ep.hostEndpoint.profileAllows;
    steps.push({ stage: "profile", action: allow ? "Allow" : "Deny", text: allow ? "profile projectcalico-default-allow" : `host endpoint ${ep.hostEndpoint.name} has no policy decision and no allowing profile` });
    return result(allow, { by: "profile", profile: allow ? "projectcalico-default-allow" : "(none)", allow });
  }
  if (dir === "ingress" && other?.kind === "host" && other.node !== undefined && other.node === ep.node) {
    steps.push({ stage: "local", action: "Allow", text: "host to a pod on the same node is always allowed" });
    return result(true, { by: "not-policed", reason: "host to local pod is always allowed" });
  }
  const n = walk(model.applicable(ep, dir, "normal"), dir, "normal", local, remote, flow, model, steps);
  if (n.kind !== "none") return result(n.kind === "allow", n.decision);
  steps.push({ stage: "profile", action: "Allow", text: `no tier decided: namespace profile kns.${ep.namespace ?? ""} allows` });
  return result(true, { by: "profile", profile: `kns.${ep.namespace ?? ""}`, allow: true });
}

/**
 * What a host endpoint does to an incoming flow before DNAT, for traffic kube-proxy (or the portmap plugin)
 * then forwards to a pod: failsafe ports, then untracked and pre-DNAT policies, which are enforced "for all
 * traffic arriving through a host endpoint, regardless of where that traffic is going" and have no default
 * drop (docs.tigera.io calico/3.32 reference/host-endpoints/pre-dnat). A Deny drops the flow; an Allow (the
 * mangle/raw accept mark) skips the host endpoint's forward policy (felix/rules/static.go
 * StaticFilterForwardChains: from-host-endpoint forward dispatch only when the accept mark is clear) but not
 * the pod's own policy. `none`: nothing decided, the pod's policy does. Of the normal host endpoint policies
 * only those with `applyOnForward` see forwarded traffic (below). Used only by the node-port analysis
 * (node-ports.ts); evaluateFlow is unchanged.
 */
export function hostIngressBeforeDnat(model: Model, host: Endpoint, remote: Peer, flow: Flow): { readonly outcome: "allow" | "deny" | "none"; readonly decision?: Decision; readonly steps: readonly Step[] } {
  const steps: Step[] = [];
  if (host.kind !== "host" || host.hostEndpoint === undefined) {
    return { outcome: "none", steps: [{ stage: "local", action: "none", text: `${host.id} has no host endpoint: nothing is policed before DNAT` }] };
  }
  const local = endpointPeer(host);
  const fs = failsafeHit(model.policyModel.failsafeInbound, flow, remote, model);
  if (fs !== undefined) {
    steps.push({ stage: "failsafe", action: "Allow", text: `failsafe inbound port ${fs}` });
    return { outcome: "allow", decision: { by: "failsafe", port: fs }, steps };
  }
  for (const stage of ["untracked", "preDNAT"] as const) {
    const o = walk(model.applicable(host, "ingress", stage), "ingress", stage, local, remote, flow, model, steps);
    // No end-of-tier drop in these chains (felix/rules/endpoints.go: only normal and forward chains get one).
    if (o.kind !== "none") return { outcome: o.kind, decision: o.decision, steps };
  }
  // Then, when nothing accepted it earlier, the host endpoint's forward policy: normal policies with
  // applyOnForward, with their end-of-tier drop; none selecting the endpoint → forwarded traffic is allowed
  // (docs.tigera.io calico/3.32 network-policy/hosts/host-forwarded-traffic, the default-action table).
  const forward = model
    .applicable(host, "ingress", "normal")
    .map((t) => ({ tier: t.tier, policies: t.policies.filter((p) => p.applyOnForward) }))
    .filter((t) => t.policies.length > 0);
  if (forward.length > 0) {
    steps.push({ stage: "normal", action: "enter", text: `forwarded: the applyOnForward policies of ${host.id}` });
    const o = walk(forward, "ingress", "normal", local, remote, flow, model, steps);
    if (o.kind !== "none") return { outcome: o.kind, decision: o.decision, steps };
  }
  return { outcome: "none", steps };
}

/** The ingress side at a pod (normal policy, then its namespace profile), for a flow forwarded to it. */
export function workloadIngress(model: Model, pod: Endpoint, remote: Peer, flow: Flow): DirectionResult {
  return evaluateSide(model, "ingress", endpointPeer(pod), remote, flow);
}

/** Evaluates one flow: egress at the source, ingress at the destination. */
export function evaluateFlow(model: Model, flow: Flow): FlowResult {
  const egress = evaluateSide(model, "egress", flow.src, flow.dst, flow);
  const ingress = evaluateSide(model, "ingress", flow.dst, flow.src, flow);
  return {
    src: flow.src.display,
    dst: flow.dst.display,
    protocol: protocolName(flow.protocol),
    port: flow.port,
    allowed: egress.allowed && ingress.allowed,
    egress,
    ingress,
  };
}

/**
 * Resolves an endpoint reference: `<namespace>/<workload>` (optionally with `[Kind]`), `host:<node>`,
 * or `net:<ip or cidr>` (an address; a node's address is that node). A host-networked workload is its
 * node(s); several endpoints may come back.
 */
export function resolvePeers(model: Model, ref: string, path = "endpoint"): Peer[] {
  if (ref.startsWith("net:")) {
    const c = parseCidr(ref.slice(4));
    if (c === undefined) throw new UserError([{ path, value: ref, message: "not an address or CIDR", hint: "write net:10.0.0.50 or net:10.0.0.0/24" }]);
    const ip: Ip = { version: c.version, value: c.first };
    const host = model.endpoints.find((e) => e.kind === "host" && e.ips.some((x) => x.version === ip.version && x.value === ip.value));
    if (host !== undefined) return [endpointPeer(host)];
    return [{ ip, display: ref }];
  }
  const found = model.byRef.get(ref);
  if (found === undefined || found.length === 0) {
    const known = [...model.byRef.keys()].filter((k) => !k.includes("[")).sort();
    const near = known.filter((k) => k.endsWith(`/${ref.split("/").pop() ?? ""}`)).slice(0, 3);
    throw new UserError([
      {
        path,
        value: ref,
        message: "no such endpoint in the inventory",
        hint: near.length > 0 ? `did you mean ${near.join(" or ")}?` : `use <namespace>/<workload>, host:<node> or net:<ip>; known: ${known.slice(0, 8).join(", ")}${known.length > 8 ? ", ..." : ""}`,
      },
    ]);
  }
  return found.map(endpointPeer);
}

export interface FlowQuery {
  readonly from: string;
  readonly to: string;
  readonly protocol: string | number;
  readonly port?: number;
}

/**
 * Evaluates a query by references. When a reference names several endpoints (a host-networked
 * DaemonSet runs on every node), every combination is evaluated; the query is allowed only when all are.
 */
export function explain(model: Model, q: FlowQuery): FlowResult[] {
  // Every problem of the query at once (protocol, port, both endpoints).
  const problems: Problem[] = [];
  const protocol = protocolNumber(q.protocol);
  if (protocol === undefined) problems.push({ path: "protocol", value: q.protocol, message: "unknown protocol", hint: "use TCP, UDP, SCTP, ICMP, ICMPv6, UDPLite or 1-255" });
  else if (q.port === undefined && PORT_PROTOCOLS.has(protocol)) {
    // A port protocol's flow is decided by its destination port: guessing one (0) would explain a
    // flow nobody sends.
    problems.push({ path: "port", message: `a ${protocolName(protocol)} flow needs a destination port`, hint: "give the port (--port 443, or .port(443) in expectFlow)" });
  }
  // ICMP without a type means "ping": echo request (ICMP type 8, ICMPv6 type 128), code 0. For ICMP
  // an explicit port is the key type*256+code.
  const port = q.port ?? (protocol === 1 ? 8 << 8 : protocol === 58 ? 128 << 8 : 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push({ path: "port", value: q.port, message: "port out of range", hint: "use 1-65535" });
  const resolve = (ref: string, path: string): Peer[] => {
    try {
      return resolvePeers(model, ref, path);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      problems.push(...e.problems);
      return [];
    }
  };
  const srcs = resolve(q.from, "from");
  const dsts = resolve(q.to, "to");
  if (problems.length > 0 || protocol === undefined) throw new UserError(problems);
  const out: FlowResult[] = [];
  for (const src of srcs) for (const dst of dsts) out.push(evaluateFlow(model, { src, dst, protocol, port }));
  return out;
}
