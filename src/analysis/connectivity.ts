/**
 * Connectivity: for every ordered pair of peers (workloads, hosts, external address ranges), the set
 * of connections Calico allows. Computed over equivalence classes so it scales:
 *
 * - Peers are grouped into classes whose members are indistinguishable to every policy: same
 *   namespace (for the roll-up), same node and host-endpoint facts, same named ports, same lists of
 *   applicable policies in every direction and chain, and the same answer from every distinct rule
 *   peer (source/destination) spec. External addresses are cut into ranges at every edge of every
 *   `nets`/`notNets`/ipBlock and network set, then grouped the same way.
 * - For each class acting as the policed endpoint, each direction is evaluated symbolically over
 *   connection sets (ConnSet), once per distinct vector of rule matches of the peer class.
 * - allowed(s, d) = egress(s)[d] ∩ ingress(d)[s]; results are interned so the matrices hold ids.
 *
 * `evaluate.ts` is the reference; a property test checks this engine against it pair by pair.
 */
import { ConnInterner, ConnSet } from "./connset.js";
import { CsrBuilder } from "./csr.js";
import { type Peer, connsToward, endpointPeer, peerSpecMatches } from "./evaluate.js";
import { type IpRange, IpSet, cutBySets, formatRange, groupV4BySets } from "./ipset.js";
import type { Labels, NamedPort } from "./inventory.js";
import { type Endpoint, type Model, type Stage, type TierPolicies, policyStage } from "./model.js";
import { bestAnchor } from "./labels.js";
import { type Direction, type FailsafePort, type PeerSpec, type Policy, type Rule, ruleConns, sameJson } from "./policies.js";

export interface PeerInfo {
  /**
   * Endpoint id; for a group of external ranges its addresses (`10.0.0.60`, `10.1.0.0/16`,
   * `a-b` ranges, comma-separated), prefixed by the inventory name when it is exactly one external.
   */
  readonly id: string;
  readonly kind: "workload" | "host" | "external";
  /** Namespace for workloads; `(hosts)` and `(external)` otherwise, for the roll-up. */
  readonly group: string;
  readonly endpoint?: Endpoint;
  /** For externals: the addresses (ranges every policy treats alike). */
  readonly ips?: IpSet;
}

export interface Connectivity {
  readonly model: Model;
  readonly interner: ConnInterner;
  readonly peers: readonly PeerInfo[];
  /** peer index → class index */
  readonly classOf: Int32Array;
  readonly classCount: number;
  readonly rows: Rows;
  /** A representative peer index per class. */
  readonly reps: readonly number[];
  /** Group (namespace) index per class, into `groups().names`. */
  readonly classGroup: Int32Array;
  /** Number of peers per class. */
  readonly classSize: Int32Array;
  /** Rows (class and direction) taken over from `ConnectivityOptions.base` instead of evaluated. */
  readonly reusedRows: number;
  /**
   * Over a base with the same classes: per class, 1 where its egress (ingress) row was copied from the base's
   * row of the same class (the same default and overrides).
   */
  readonly copied?: { readonly egress: Uint8Array; readonly ingress: Uint8Array };
  /** Allowed connections between two peers (by index). */
  allowed(src: number, dst: number): ConnSet;
  /** Interned id of `allowed(src, dst)`. */
  allowedId(src: number, dst: number): number;
  /** Interned id of the allowed set between two classes. */
  classAllowedId(srcClass: number, dstClass: number): number;
  /** Every ordered pair of different peers with something allowed (external→external excluded). */
  pairs(): Iterable<{ src: PeerInfo; dst: PeerInfo; conns: ConnSet }>;
  /**
   * Namespace (group) roll-up: union of allowed connections between members of two groups. `matrix`
   * rows are built on first access; `at`/`idAt` read one cell without building a row.
   */
  groups(): GroupRollUp;
}

export interface GroupRollUp {
  readonly names: string[];
  /** `matrix[src][dst]`, groups as in `names`. Each row is computed when first read. */
  readonly matrix: ConnSet[][];
  at(src: number, dst: number): ConnSet;
  /** Interned id of `at(src, dst)`. */
  idAt(src: number, dst: number): number;
  /** Group pairs computed from their special class pairs (the rest come from default profiles). */
  readonly corrected: number;
  /** Distinct default profiles of groups. */
  readonly profiles: number;
}

/**
 * Sparse directional results: per class a default id and, per policed class, the peer classes whose
 * result differs from it (`egress`: rows by source class, columns the destination classes;
 * `ingress`: rows by destination class, columns the source classes).
 */
export interface Rows {
  readonly egressDefault: Uint32Array;
  readonly ingressDefault: Uint32Array;
  readonly egress: Overrides;
  readonly ingress: Overrides;
}

/**
 * Per row (a class), the peer classes with their own result: explicit entries in CSR arrays (peers
 * ascending in a row), plus for a workload row a shared row toward external peer classes (`ext[row]`,
 * an index into `shared`, or -1): workloads with the same rules toward external peers share it, so the
 * results toward thousands of external ranges are stored once, not once per workload class. A row's
 * explicit entries never name an external peer class when it has a shared row.
 */
export interface Overrides {
  /** Row c's explicit entries are `offsets[c] .. offsets[c + 1] - 1`. */
  readonly offsets: Int32Array;
  readonly peers: Int32Array;
  readonly ids: Uint32Array;
  readonly ext: Int32Array;
  readonly shared: readonly SharedRow[];
  /** Number of entries, shared rows counted once per row using them. */
  readonly size: number;
  get(row: number, peer: number): number | undefined;
  /** Explicit entries (ascending), then the shared row's. */
  forEach(row: number, f: (peer: number, id: number) => void): void;
}

export interface ConnectivityOptions {
  /** Include external address ranges as peers (default true). */
  readonly externals?: boolean;
  /** Share an interner across analyses (diff compares ids). */
  readonly interner?: ConnInterner;
  /**
   * The address sets that cut the external space; default `ipPredicatesOf(model)`. A diff passes the
   * union of both sides so external peers are the same on both.
   */
  readonly ipPredicates?: readonly IpSet[];
  /**
   * External peers computed by an earlier analysis with the same address predicates (by identity) and
   * the same endpoint addresses, pod networks and declared externals are reused from here (a diff
   * passes one cache to both sides: cutting 250,000 CIDRs once instead of twice).
   */
  readonly externalCache?: ExternalPeersCache;
  /**
   * Keep what a later analysis of another version needs to build on this one (`base`): its peers, its
   * spec table with each spec's matches and classes, and its policies' spec indexes.
   */
  readonly reusable?: boolean;
  /**
   * The connectivity of another version (computed with `reusable` and the same interner), e.g. a diff's
   * first side: its spec table comes first here. When both have the same peers (the same endpoint objects:
   * buildModel's `base`), the specs keep their matches and the classes refine its classes; in the same
   * classes, a row whose endpoint is selected by the same policies (by identity: readPolicies' `memo`) in the
   * same tiers, and whose rules' specs match the same classes, is copied from it instead of evaluated. The
   * answers are those of a fresh analysis; the classes may be finer.
   */
  readonly base?: Connectivity;
}

/** What `base` reuse needs of a connectivity (kept when computed with `reusable`). */
interface ReuseRecord {
  readonly peers: readonly PeerInfo[];
  readonly peerViews: readonly Peer[];
  readonly specs: readonly PeerSpec[];
  readonly specKeys: readonly string[];
  readonly specMatches: readonly Int32Array[];
  readonly policySpecs: ReadonlyMap<Policy, PolicySpecs>;
  readonly classOf: Int32Array;
  /** Per spec (the index in `specs`, which a connectivity over this one keeps), the classes it matches. */
  readonly specClasses: readonly Int32Array[];
  readonly policyModel: Model["policyModel"];
}
const reuseRecords = new WeakMap<Connectivity, ReuseRecord>();

function sameInts(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The same endpoint object, or the same external addresses. */
function samePeer(a: PeerInfo, b: PeerInfo): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.group !== b.group) return false;
  return a.endpoint !== undefined ? a.endpoint === b.endpoint : b.endpoint === undefined && a.ips!.equals(b.ips!);
}

function sameFailsafes(a: readonly FailsafePort[], b: readonly FailsafePort[]): boolean {
  return a === b || (a.length === b.length && a.every((f, i) => f.protocol === b[i]!.protocol && f.port === b[i]!.port && (f.net === undefined ? b[i]!.net === undefined : b[i]!.net !== undefined && f.net.equals(b[i]!.net!))));
}

/** The same tiers, in the same order, with the same default actions. */
function sameTiers(a: Model["tiers"], b: Model["tiers"]): boolean {
  return a.length === b.length && a.every((t, i) => t.name === b[i]!.name && t.order === b[i]!.order && t.defaultAction === b[i]!.defaultAction);
}

/** External peer ranges by the inputs that decide them (see ConnectivityOptions.externalCache). */
export class ExternalPeersCache {
  private readonly entries: Array<{ predicates: readonly IpSet[]; inputs: string; peers: readonly PeerInfo[]; views: readonly Peer[] }> = [];

  get(predicates: readonly IpSet[], inputs: string): { peers: readonly PeerInfo[]; views: readonly Peer[] } | undefined {
    return this.entries.find((e) => e.predicates === predicates && e.inputs === inputs);
  }

  set(predicates: readonly IpSet[], inputs: string, peers: readonly PeerInfo[], views: readonly Peer[]): void {
    this.entries.push({ predicates, inputs, peers, views });
  }
}

/** Every address set a policy, network set or the inventory distinguishes. */
export function ipPredicatesOf(model: Model): IpSet[] {
  const out: IpSet[] = [];
  for (const p of model.policies) {
    for (const r of [...(p.ingress ?? []), ...(p.egress ?? [])]) {
      for (const s of [r.source, r.destination]) {
        if (s.nets !== undefined) out.push(s.nets);
        if (s.notNets !== undefined) out.push(s.notNets);
      }
    }
  }
  for (const n of model.networkSets) out.push(n.nets);
  for (const x of model.inventory.externals) out.push(IpSet.parse([x.cidr]));
  for (const f of [...model.policyModel.failsafeInbound, ...model.policyModel.failsafeOutbound]) if (f.net !== undefined) out.push(f.net);
  return out;
}

/** Per policy and direction, the [source, destination] spec of each rule (flat), and the connections of rules that do not depend on the peer. */
interface PolicySpecs {
  readonly ingress: Int32Array;
  readonly egress: Int32Array;
  readonly ingressFixed: ReadonlyArray<ConnSet | undefined>;
  readonly egressFixed: ReadonlyArray<ConnSet | undefined>;
}

/** Per program (of one direction): its rules' specs and peer-independent connections (see programTablesOf). */
interface ProgramTables {
  /** Connections per rule, undefined where they depend on the destination (named ports, Services). */
  readonly fixed: ReadonlyArray<ConnSet | undefined>;
  /** Some rule's connections depend on the destination; `service`: some of those name a Service. */
  readonly named: boolean;
  readonly service: boolean;
  /** On ingress, `fixed` with named ports resolved, per local list of ports (portsKey). */
  readonly byPorts: Map<string, ReadonlyArray<ConnSet | undefined>>;
  /** Per rule: its local spec (the source on egress, the destination on ingress), its remote spec, its IP version (0: any). */
  readonly local: Int32Array;
  readonly remote: Int32Array;
  readonly ipv: Uint8Array;
  /** Per rule, its group in the program: rules with the same remote spec and IP version. */
  readonly group: Int32Array;
  readonly groups: number;
}

interface Program {
  readonly stages: ReadonlyArray<{ stage: Stage; tiers: readonly TierPolicies[] }>;
  readonly rules: readonly Rule[];
}

export function computeConnectivity(model: Model, opts: ConnectivityOptions = {}): Connectivity {
  const interner = opts.interner ?? new ConnInterner();
  // Another version's connectivity to build on (see ConnectivityOptions.base).
  const base = opts.base === undefined || opts.base.interner !== interner ? undefined : reuseRecords.get(opts.base);
  const baseModel = opts.base?.model;
  const peers: PeerInfo[] = [];
  const peerViews: Peer[] = [];
  const workloadEndpoints = model.endpoints.filter((e) => e.kind === "workload" || e.kind === "host");
  if (base !== undefined && baseModel!.endpoints === model.endpoints) {
    // The same endpoint objects (buildModel's base): the same peers, first in both.
    for (let i = 0; i < workloadEndpoints.length; i++) {
      peers.push(base.peers[i]!);
      peerViews.push(base.peerViews[i]!);
    }
  } else {
    for (const e of workloadEndpoints) {
      peers.push({ id: e.id, kind: e.kind, group: e.kind === "workload" ? e.namespace! : "(hosts)", endpoint: e });
      peerViews.push(endpointPeer(e));
    }
  }

  // The connections of a rule whose ports are all numbers and that names no Service do not depend on
  // the destination: computed once per rule, not once per policed class.
  const numericConns = new Map<Rule, ConnSet>();
  const fixedOf = (r: Rule): ConnSet => {
    let x = numericConns.get(r);
    if (x === undefined) numericConns.set(r, (x = ruleConns(r, [])));
    return x;
  };
  // Named ports resolve on the destination's ports only (no Service): once per rule and distinct list
  // of ports, not once per policed class.
  const namedConns = new Map<Rule, Map<string, ConnSet>>();
  const portsKeyOf = new Map<readonly NamedPort[], string>();
  const portsKey = (ports: readonly NamedPort[]): string => {
    let pk = portsKeyOf.get(ports);
    if (pk === undefined) portsKeyOf.set(ports, (pk = JSON.stringify(ports)));
    return pk;
  };
  const namedOf = (r: Rule, dst: Endpoint): ConnSet => {
    const pk = portsKey(dst.ports);
    let m = namedConns.get(r);
    if (m === undefined) namedConns.set(r, (m = new Map()));
    let x = m.get(pk);
    if (x === undefined) m.set(pk, (x = ruleConns(r, dst.ports)));
    return x;
  };
  // Distinct rule peer specs; each rule refers to two of them.
  const specIndex = new Map<string, number>();
  const specs: PeerSpec[] = [];
  const specKeys: string[] = [];
  // Per policy and direction, the [source, destination] spec of each rule (flat), in rule order.
  // Also per rule, its connections when they do not depend on the peer (numeric ports, no Service).
  const policySpecs = new Map<Policy, PolicySpecs>();
  // Over a base, its specs come first, in its order (new ones after them): a policy read once (the same
  // object) keeps its spec indexes, and a spec keeps its matches when the peers and what they are matched
  // through (network sets, Services) are the same. Specs only the base uses stay: they can only make the
  // classes finer, never wrong, and keep them the base's.
  if (base !== undefined) {
    for (let i = 0; i < base.specs.length; i++) {
      specs.push(base.specs[i]!);
      specKeys.push(base.specKeys[i]!);
      specIndex.set(base.specKeys[i]!, i);
    }
  }
  const specOf = (s: PeerSpec): number => {
    const k = `${s.key}|${s.scopeNamespace ?? ""}`;
    let i = specIndex.get(k);
    if (i === undefined) {
      i = specs.length;
      specs.push(s);
      specKeys.push(k);
      specIndex.set(k, i);
    }
    return i;
  };
  for (const p of model.policies) {
    const known = base?.policySpecs.get(p);
    if (known !== undefined) {
      policySpecs.set(p, known);
      continue;
    }
    const flat = (rules: readonly Rule[] | undefined): Int32Array => Int32Array.from((rules ?? []).flatMap((r) => [specOf(r.source), specOf(r.destination)]));
    const fixed = (rules: readonly Rule[] | undefined): Array<ConnSet | undefined> => (rules ?? []).map((r) => (r.portsAreNumeric && r.destination.service === undefined ? fixedOf(r) : undefined));
    policySpecs.set(p, { ingress: flat(p.ingress), egress: flat(p.egress), ingressFixed: fixed(p.ingress), egressFixed: fixed(p.egress) });
  }

  // External ranges: cut at every IP predicate edge, then group by the predicates covering them.
  if (opts.externals !== false) {
    const given = opts.ipPredicates;
    const endpointIps = IpSet.fromRanges(workloadEndpoints.flatMap((e) => e.ips.map((ip) => ({ version: ip.version, first: ip.value, last: ip.value }))));
    const podNetworkTexts = model.inventory.podNetworks;
    const declaredList = model.inventory.externals.map((x) => [x.cidr, x.name]);
    const inputs = given === undefined || opts.externalCache === undefined ? "" : JSON.stringify([endpointIps.toString(), podNetworkTexts ?? null, declaredList]);
    const cached = given === undefined ? undefined : opts.externalCache?.get(given, inputs);
    if (cached !== undefined) {
      for (const p of cached.peers) peers.push(p);
      for (const v of cached.views) peerViews.push(v);
    } else {
      const predicates: IpSet[] = [...(given ?? ipPredicatesOf(model))];
      predicates.push(endpointIps);
      // Addresses in the pod networks are pods, not external peers.
      const podNetworks = podNetworkTexts === undefined ? IpSet.EMPTY : IpSet.parse(podNetworkTexts);
      predicates.push(podNetworks);
      // An external group that is exactly one declared inventory external is named after it.
      const declared = new Map(model.inventory.externals.map((x) => [IpSet.parse([x.cidr]).describe(), x.name] as const));
      const extPeers: PeerInfo[] = [];
      const extViews: Peer[] = [];
      for (const ips of atoms(predicates, endpointIps)) {
        if (!podNetworks.isEmpty() && [...ips.ranges()].every((r) => podNetworks.coversRange(r))) continue;
        const first = ips.ranges()[Symbol.iterator]().next().value as IpRange;
        // The id (every range of the group, written out) is built on first read: a group can hold
        // hundreds of thousands of ranges, and most analyses never print it.
        extPeers.push({
          kind: "external",
          group: "(external)",
          ips,
          get id(): string {
            const text = ips.describe();
            const name = declared.get(text);
            const id = name === undefined ? text : `${name} (${text})`;
            Object.defineProperty(this, "id", { value: id, enumerable: true, writable: false, configurable: false });
            return id;
          },
        });
        extViews.push({ ip: { version: first.version, value: first.first }, display: formatRange(first) });
      }
      if (given !== undefined) opts.externalCache?.set(given, inputs, extPeers, extViews);
      for (const p of extPeers) peers.push(p);
      for (const v of extViews) peerViews.push(v);
    }
  }

  // Which peers each spec matches, as sorted index lists (sparse: most specs are namespace-scoped or
  // name a label value). Candidates come from the namespace scope or from an index of the label values
  // selectors are anchored on (`k == v`, `k in {...}`); peers with an address or pod networks (matched
  // through network sets too), hosts and externals are always candidates.
  const n = peers.length;
  const byNamespace = new Map<string, number[]>();
  const nonWorkload: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = peers[i]!;
    if (p.kind === "workload" && p.endpoint!.ips.length === 0 && p.endpoint!.within === undefined) {
      const l = byNamespace.get(p.group);
      if (l === undefined) byNamespace.set(p.group, [i]);
      else l.push(i);
    } else nonWorkload.push(i);
  }
  // The label views a peer shows selectors (see selectorMatchesPeer): its own labels when selectable,
  // else or also those of the network sets holding its address (or all of its pod networks).
  const viewsOf = (i: number): Labels[] => {
    const v = peerViews[i]!;
    const out: Labels[] = [];
    if (v.endpoint !== undefined && v.endpoint.selectable) out.push(v.endpoint.labels);
    if (v.ip !== undefined) for (const s of model.networkSetsAt(v.ip)) out.push(s.view);
    else if (v.endpoint?.within !== undefined) for (const s of model.networkSetsCovering(v.endpoint.within)) out.push(s.view);
    return out;
  };
  const samePeers = base !== undefined && base.peers.length === n && base.peers.every((p, i) => samePeer(p, peers[i]!));
  // What else a spec's matches, a class or a row depend on besides the policies: Services, failsafes, the
  // endpoint-to-host action (checked once).
  const bpm = base?.policyModel;
  const pm = model.policyModel;
  const sameSettings = bpm !== undefined && bpm.endpointToHostAction === pm.endpointToHostAction && sameFailsafes(bpm.failsafeInbound, pm.failsafeInbound) && sameFailsafes(bpm.failsafeOutbound, pm.failsafeOutbound) && sameJson(bpm.services, pm.services);
  const inheritedMatches = samePeers && sameSettings && baseModel!.networkSets === model.networkSets ? base.specMatches.length : 0;
  const anchorKeys = new Set<string>();
  for (let si = inheritedMatches; si < specs.length; si++) for (const a of specs[si]!.selector?.anchors ?? []) anchorKeys.add(a.key);
  const byLabel = new Map<string, Map<string, number[]>>();
  for (const k of anchorKeys) byLabel.set(k, new Map());
  if (anchorKeys.size > 0) {
    for (let i = 0; i < n; i++) {
      for (const labels of viewsOf(i)) {
        for (const [k, m] of byLabel) {
          if (!Object.hasOwn(labels, k)) continue;
          const v = labels[k]!;
          const l = m.get(v);
          if (l === undefined) m.set(v, [i]);
          else if (l[l.length - 1] !== i) l.push(i);
        }
      }
    }
  }
  const everyone = Array.from({ length: n }, (_, i) => i);
  const specMatches: Int32Array[] = specs.map((s, si) => {
    if (si < inheritedMatches) return base!.specMatches[si]!;
    if (s.selector === undefined && s.notSelector === undefined && s.nets === undefined && s.notNets === undefined && s.service === undefined) {
      return Int32Array.from(everyone);
    }
    let candidates: number[];
    const anchor = s.selector === undefined ? undefined : bestAnchor(s.selector.anchors, (k, v) => byLabel.get(k)!.get(v)?.length ?? 0);
    if (anchor !== undefined) {
      // The positive selector must match one of the peer's views, and it only matches views with
      // the anchor label: only peers with such a view are candidates.
      const m = byLabel.get(anchor.key)!;
      const values = anchor.values;
      if (values.length === 1) candidates = m.get(values[0]!) ?? [];
      else candidates = [...new Set(values.flatMap((v) => m.get(v) ?? []))].sort((a, b) => a - b);
    } else if (s.scopeNamespace !== undefined) {
      // A scoped positive selector cannot match an address-less workload of another namespace (a
      // network set of that namespace could hold a workload's address, hence only address-less ones).
      candidates = [...(byNamespace.get(s.scopeNamespace) ?? []), ...nonWorkload].sort((a, b) => a - b);
    } else candidates = everyone;
    const out: number[] = [];
    for (const i of candidates) if (peerSpecMatches(s, peerViews[i]!, model)) out.push(i);
    return Int32Array.from(out);
  });
  // Over a base whose specs all keep their matches, with the same failsafes: a peer's class there already
  // tells apart everything but its selecting policies and the new specs (see the class key below).
  const inheritClasses = base !== undefined && samePeers && sameSettings && inheritedMatches === base.specs.length;
  const matchedSpecs: number[][] = peers.map(() => []);
  for (let si = inheritClasses ? base.specs.length : 0; si < specMatches.length; si++) for (const i of specMatches[si]!) matchedSpecs[i]!.push(si);

  // Programs (applicable policies) per endpoint, interned by content (policies by their Felix rank).
  const policyRank = new Map(model.policies.map((p, i) => [p, i] as const));
  // One key for every direction and stage: the selecting policies that are in some applicable list, each
  // with its stage and directions (the applicable lists are exactly these, filtered; in rank order).
  // policyStage depends on the policy and the endpoint's kind only: one key per selecting list and kind
  // (the model hands endpoints selected alike the same list).
  const programKeys = { workload: new Map<readonly Policy[], string>(), host: new Map<readonly Policy[], string>() };
  const programIds = new Map<string, string>();
  const programKey = (e: Endpoint): string => {
    const list = model.selecting(e);
    const known = programKeys[e.kind].get(list);
    if (known !== undefined) return known;
    let k = "";
    for (const p of list) {
      if (p.ingress === undefined && p.egress === undefined) continue;
      const stage = policyStage(p, e);
      if (stage === undefined) continue;
      k += `${policyRank.get(p) ?? p.id}${stage[0]}${p.ingress === undefined ? "" : "i"}${p.egress === undefined ? "" : "e"},`;
    }
    // Class keys carry a short id of the text (equal texts, equal ids).
    let id = programIds.get(k);
    if (id === undefined) programIds.set(k, (id = `P${programIds.size}`));
    programKeys[e.kind].set(list, id);
    return id;
  };

  // Failsafe entries limited to a `net` tell remote peers apart (inbound: by source, outbound: by
  // destination); each peer's membership goes into its class key.
  const fs = model.policyModel;
  const netFailsafes = [...fs.failsafeInbound, ...fs.failsafeOutbound].filter((f) => f.net !== undefined);
  const inFailsafeNet = (f: FailsafePort, i: number): boolean => f.net === undefined || peerSpecMatches({ nets: f.net, key: "failsafe" }, peerViews[i]!, model);
  const failsafeSig = (i: number): string => netFailsafes.map((f) => (inFailsafeNet(f, i) ? "1" : "0")).join("");

  // Classes.
  const classKeyIndex = new Map<string, number>();
  const classOf = new Int32Array(n);
  const reps: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = peers[i]!;
    const e = p.endpoint;
    const ip = peerViews[i]!.ip;
    // Inherited: the base's class (finer is never wrong), the selecting policies here, the new specs.
    const key = inheritClasses ? `${base.classOf[i]!}\u0000${e === undefined ? "" : programKey(e)}\u0000${matchedSpecs[i]!.join(",")}` : [
      p.kind,
      p.group,
      e?.node ?? "",
      e?.hostEndpoint === undefined ? "" : `${e.hostEndpoint.profileAllows}`,
      e === undefined ? "" : portsKey(e.ports),
      ip === undefined ? "" : String(ip.version),
      e === undefined ? "" : programKey(e),
      matchedSpecs[i]!.join(","),
      failsafeSig(i),
    ].join("\u0000");
    let c = classKeyIndex.get(key);
    if (c === undefined) {
      c = reps.length;
      reps.push(i);
      classKeyIndex.set(key, c);
    }
    classOf[i] = c;
  }
  const classCount = reps.length;
  // Per spec, the classes it matches (members of a class agree on every spec), ascending.
  const specClasses: Int32Array[] = specMatches.map((list) => {
    const out: number[] = [];
    for (const i of list) if (reps[classOf[i]!] === i) out.push(classOf[i]!);
    return Int32Array.from(out).sort();
  });
  const classExternal = Uint8Array.from(reps, (r) => (peers[r]!.kind === "external" ? 1 : 0));
  const hasExternals = classExternal.includes(1);
  // Per spec, its classes without and with only the external ones: rows of workloads toward external
  // peers are shared between workloads whose rules toward externals are the same (see sharedKey).
  // (A list without external classes is its own local part and shares one empty external part.)
  const noClasses = new Int32Array(0);
  const externalCount = (l: Int32Array): number => {
    let k = 0;
    for (let i = 0; i < l.length; i++) k += classExternal[l[i]!]!;
    return k;
  };
  const specExternalCount = specClasses.map((l) => (hasExternals ? externalCount(l) : 0));
  const specLocal: Int32Array[] = specClasses.map((l, si) => (specExternalCount[si] === 0 ? l : l.filter((c) => classExternal[c] === 0)));
  const specExternal: Int32Array[] = specClasses.map((l, si) => (specExternalCount[si] === 0 ? noClasses : specExternalCount[si] === l.length ? l : l.filter((c) => classExternal[c] === 1)));
  const specHasRep = (si: number, rep: number): boolean => {
    const list = specMatches[si]!;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]! < rep) lo = mid + 1;
      else if (list[mid]! > rep) hi = mid - 1;
      else return true;
    }
    return false;
  };
  const classIpVersion = new Int8Array(classCount);
  for (let c = 0; c < classCount; c++) classIpVersion[c] = peerViews[reps[c]!]!.ip?.version ?? 0;

  // Rows another version's connectivity already holds (opts.base): usable when the peers are the same
  // (endpoint objects, external addresses) in the same classes and the failsafes and Services are equal; then per spec, whether it
  // matches the same classes there.
  const baseRows = opts.base?.rows;
  let specSame: Uint8Array | undefined;
  if (base !== undefined && samePeers && sameSettings && sameInts(base.classOf, classOf)) {
    // The base's specs are this one's first ones, index for index (the new ones match nothing there).
    specSame = new Uint8Array(specs.length);
    for (let si = 0; si < base.specClasses.length; si++) if (sameInts(base.specClasses[si]!, specClasses[si]!)) specSame[si] = 1;
  }
  // A row is the same as base's when its endpoint is selected by the same policies (by identity, so the
  // same program: tiers are compared once) whose rules' specs all match the same classes there.
  if (specSame !== undefined && !sameTiers(baseModel!.tiers, model.tiers)) specSame = undefined;
  const specsSameOf = new Map<Policy, number>(); // bit 1: egress rules' specs all the same, bit 2: ingress
  const policySame = (p: Policy): number => {
    let x = specsSameOf.get(p);
    if (x === undefined) {
      const info = policySpecs.get(p)!;
      const all = (l: Int32Array): boolean => l.every((si) => specSame![si] === 1);
      specsSameOf.set(p, (x = (all(info.egress) ? 1 : 0) | (all(info.ingress) ? 2 : 0)));
    }
    return x;
  };
  const sameRow = (e: Endpoint, dir: Direction): boolean => {
    if (specSame === undefined) return false;
    const was = baseModel!.selecting(e);
    const now = model.selecting(e);
    if (was !== now) {
      if (was.length !== now.length) return false;
      for (let k = 0; k < now.length; k++) if (was[k] !== now[k]) return false;
    }
    const bit = dir === "egress" ? 1 : 2;
    for (const p of now) if ((policySame(p) & bit) === 0) return false;
    return true;
  };
  // A workload's program is its one stage's applicable list (shared by endpoints selected alike): built once per list.
  const workloadPrograms = new Map<readonly TierPolicies[], Program>();
  const programOfCached = (e: Endpoint, dir: Direction): Program => {
    if (e.kind !== "workload") return programOf(model, e, dir);
    const tiers = model.applicable(e, dir, "normal");
    let p = workloadPrograms.get(tiers);
    if (p === undefined) workloadPrograms.set(tiers, (p = programOf(model, e, dir)));
    return p;
  };
  const programTables = new Map<Program, ProgramTables>();
  const programTablesOf = (program: Program, dir: Direction): ProgramTables => {
    let t = programTables.get(program);
    if (t === undefined) {
      const n = program.rules.length;
      const fixed = new Array<ConnSet | undefined>(n);
      const local = new Int32Array(n);
      const remote = new Int32Array(n);
      // A rule's specs are [source, destination]: the local side is the source on egress.
      const [l, rm] = dir === "egress" ? [0, 1] : [1, 0];
      let k = 0;
      for (const st of program.stages) {
        for (const tp of st.tiers) {
          for (const p of tp.policies) {
            const info = policySpecs.get(p)!;
            const specsOfP = dir === "egress" ? info.egress : info.ingress;
            const fixedOfP = dir === "egress" ? info.egressFixed : info.ingressFixed;
            for (let j = 0; j < fixedOfP.length; j++, k++) {
              fixed[k] = fixedOfP[j];
              local[k] = specsOfP[2 * j + l]!;
              remote[k] = specsOfP[2 * j + rm]!;
            }
          }
        }
      }
      const open = program.rules.filter((_, i) => fixed[i] === undefined);
      const ipv = new Uint8Array(n);
      const group = new Int32Array(n);
      const groupIds = new Map<number, number>();
      for (let r = 0; r < n; r++) {
        ipv[r] = program.rules[r]!.ipVersion ?? 0;
        const gk = remote[r]! * 8 + ipv[r]!;
        let g = groupIds.get(gk);
        if (g === undefined) groupIds.set(gk, (g = groupIds.size));
        group[r] = g;
      }
      t = { fixed, named: open.length > 0, service: open.some((r) => r.destination.service !== undefined), byPorts: new Map(), local, remote, ipv, group, groups: groupIds.size };
      programTables.set(program, t);
    }
    return t;
  };
  let reusedRows = 0;
  const copied = { egress: new Uint8Array(specSame === undefined ? 0 : classCount), ingress: new Uint8Array(specSame === undefined ? 0 : classCount) };
  // Per direction, the index of each of base's shared rows taken over into this one.
  const adopted = { egress: new Map<number, number>(), ingress: new Map<number, number>() };
  const copyRow = (c: number, dir: Direction, rows: OverrideBuilder, defaults: Uint32Array): void => {
    const from = dir === "egress" ? baseRows!.egress : baseRows!.ingress;
    defaults[c] = (dir === "egress" ? baseRows!.egressDefault : baseRows!.ingressDefault)[c]!;
    rows.pushRow(from, c);
    const x = from.ext[c]!;
    if (x >= 0) {
      let mine = adopted[dir].get(x);
      if (mine === undefined) adopted[dir].set(x, (mine = rows.adoptShared(from.shared[x]!)));
      rows.setShared(c, mine);
    }
  };

  // Directional results per (policed class, peer class). A peer class matched by none of the
  // endpoint's rules gets the shared "nothing matched" result; only matched classes are evaluated.
  // Sparse rows: a default per (class, direction) and, in CSR arrays, the peer classes that differ.
  const egressDefault = new Uint32Array(classCount);
  const ingressDefault = new Uint32Array(classCount);
  const egressRows = new OverrideBuilder(classCount, classExternal);
  const ingressRows = new OverrideBuilder(classCount, classExternal);
  // Classes by node, for the same-node special cases.
  const classesByNode = new Map<string, number[]>();
  for (let c = 0; c < classCount; c++) {
    const node = peers[reps[c]!]!.endpoint?.node;
    if (node === undefined) continue;
    const l = classesByNode.get(node);
    if (l === undefined) classesByNode.set(node, [c]);
    else l.push(c);
  }
  // Per-row scratch, indexed by peer class: the interned vector of matched rules (0 = none), the
  // result when it differs from the default (-1 = not set), and whether the class is in `touched`.
  const vecOf = new Int32Array(classCount);
  const resultOf = new Int32Array(classCount).fill(-1);
  const inTouched = new Uint8Array(classCount);
  // The touched peer classes of the current row, in the order first touched (`touchedLen` of them).
  const touched = new Int32Array(classCount);
  let touchedLen = 0;
  const touch = (pc: number): void => {
    if (inTouched[pc] === 0) {
      inTouched[pc] = 1;
      touched[touchedLen++] = pc;
    }
  };
  const applySpecials = (e: Endpoint, dir: Direction, dflt: number): void => {
    for (const d of e.node === undefined ? [] : (classesByNode.get(e.node) ?? [])) {
      const special = specialCase(e, peers[reps[d]!]!.endpoint, dir, fs.endpointToHostAction);
      if (special !== undefined) {
        touch(d);
        resultOf[d] = special === dflt ? -1 : special;
      }
    }
  };
  const flush = (rows: OverrideBuilder): void => {
    touched.subarray(0, touchedLen).sort();
    for (let t = 0; t < touchedLen; t++) {
      const pc = touched[t]!;
      if (resultOf[pc]! >= 0) rows.push(pc, resultOf[pc]!);
      resultOf[pc] = -1;
      vecOf[pc] = 0;
      inTouched[pc] = 0;
    }
    touchedLen = 0;
    rows.endRow();
  };
  // Failsafe ports without a `net`: the same for every host endpoint and peer, computed once.
  const allInbound = failsafeSet(fs.failsafeInbound);
  const allOutbound = failsafeSet(fs.failsafeOutbound);
  // Per-row scratch maps, cleared for each row: remote spec and IP version → group, rule → its group,
  // trie step (vector, group) → vector, and failsafe-dependent results.
  // A row's number for each group of its program (valid where rowGroupStamp is the row's stamp), each
  // rule's group in the row (-1: the rule does not match the endpoint, or matches every class), and the
  // rule-match bits of one evaluation.
  let rowGroup = new Int32Array(64);
  let rowGroupStamp = new Int32Array(64).fill(-1);
  let rowStamp = 0;
  let ruleGroup = new Int32Array(64);
  let bits = new Uint8Array(64);
  const vecChild = new Map<number, number>();
  const memoFs = new Map<string, number>();
  // Rules of the current program matching every peer (by rule position), and sharedKey's fragment cache.
  let universalRule = new Uint8Array(64);
  const fragments: FragmentCache = new Map();
  const keyTrie = new KeyTrie();
  for (let c = 0; c < classCount; c++) {
    const rep = reps[c]!;
    const e = peers[rep]!.endpoint;
    for (const dir of ["egress", "ingress"] as const) {
      const defaults = dir === "egress" ? egressDefault : ingressDefault;
      const rows = dir === "egress" ? egressRows : ingressRows;
      if (e === undefined) {
        defaults[c] = 1; // externals are not policed
        rows.endRow();
        continue;
      }
      if (e.kind === "host" && e.hostEndpoint === undefined) {
        defaults[c] = 1; // a host without a host endpoint is not policed (but see the local cases below)
        applySpecials(e, dir, 1);
        flush(rows);
        continue;
      }
      if (sameRow(e, dir)) {
        reusedRows++;
        copied[dir][c] = 1;
        copyRow(c, dir, rows, defaults);
        continue;
      }
      const program = programOfCached(e, dir);
      const localView = peerViews[rep]!;
      const rules = program.rules;
      if (universalRule.length < rules.length) universalRule = new Uint8Array(rules.length * 2);
      // Each rule's [source, destination] spec and, where they do not depend on the peer, its connections
      // (numeric ports: per rule; named ports on ingress: per rule and local list of ports): per program
      // (shared by endpoints selected alike), and per local list of ports where named ports need it.
      const tables = programTablesOf(program, dir);
      let fixedConns = tables.fixed;
      if (dir === "ingress" && tables.named) {
        if (tables.service) fixedConns = tables.fixed.map((f, k) => f ?? (rules[k]!.destination.service === undefined ? namedOf(rules[k]!, e) : connsToward(rules[k]!, localView, model)));
        else {
          const pk = portsKey(e.ports);
          let byPorts = tables.byPorts.get(pk);
          if (byPorts === undefined) tables.byPorts.set(pk, (byPorts = tables.fixed.map((f, k) => f ?? namedOf(rules[k]!, e))));
          fixedConns = byPorts;
        }
      }
      // Rules whose local side matches this endpoint, grouped by their remote spec (and IP version):
      // rules of one group match the same peer classes. Per peer class, the groups it matches are
      // interned as a path in a trie (groups in a fixed order, so equal sets get equal ids).
      // (The program's groups are fixed per program; a row numbers the ones it uses in order of first use.)
      const groupRules: number[][] = [];
      const groupSpec: number[] = [];
      const groupIpVersion: number[] = [];
      if (rowGroup.length < tables.groups) {
        rowGroup = new Int32Array(tables.groups * 2);
        rowGroupStamp = new Int32Array(tables.groups * 2).fill(-1);
      }
      if (ruleGroup.length < rules.length) ruleGroup = new Int32Array(rules.length * 2);
      ruleGroup.fill(-1, 0, rules.length);
      rowStamp++;
      // Rules whose remote side matches every class (e.g. `action: Pass` with no peer) are part of
      // every vector: keep them out of the per-peer lists and add them when evaluating.
      const universal: number[] = [];
      for (let k = 0; k < rules.length; k++) {
        if (!specHasRep(tables.local[k]!, rep)) continue;
        const ipv = tables.ipv[k]!;
        if (ipv !== 0 && localView.ip !== undefined && localView.ip.version !== ipv) continue;
        const remote = tables.remote[k]!;
        if (ipv === 0 && specClasses[remote]!.length === classCount) {
          universal.push(k);
          continue;
        }
        const pg = tables.group[k]!;
        let g: number;
        if (rowGroupStamp[pg] === rowStamp) g = rowGroup[pg]!;
        else {
          g = groupRules.length;
          rowGroupStamp[pg] = rowStamp;
          rowGroup[pg] = g;
          groupRules.push([]);
          groupSpec.push(remote);
          groupIpVersion.push(ipv);
        }
        groupRules[g]!.push(k);
        ruleGroup[k] = g;
      }
      const universalNeedsPorts = dir === "egress" && universal.some((k) => fixedConns[k] === undefined);
      // A workload's results toward external peers depend only on its rules that can match them (and on
      // its tiers): they are computed once per distinct such program and shared (rows.*.ext).
      const share = hasExternals && e.kind === "workload" && !universalNeedsPorts;
      const vecParent: number[] = [0];
      const vecGroup: number[] = [-1];
      const vecNeedsPorts: boolean[] = [false];
      vecChild.clear();
      const stride = groupRules.length + 1;
      const walkGroups = (parts: readonly Int32Array[]): void => {
        for (let g = 0; g < groupRules.length; g++) {
          const ipv = groupIpVersion[g]!;
          const needsPorts = dir === "egress" && groupRules[g]!.some((k) => fixedConns[k] === undefined);
          // Runs of peer classes share their vector (most often none yet): the trie step of the
          // previous class is reused while the vector is the same.
          let lastV = -1;
          let lastChild = 0;
          for (const pc of parts[groupSpec[g]!]!) {
            if (ipv !== 0 && classIpVersion[pc] !== 0 && classIpVersion[pc] !== ipv) continue;
            const v = vecOf[pc]!;
            let child = lastChild;
            if (v !== lastV) {
              const ck = v * stride + g;
              const known = vecChild.get(ck);
              if (known === undefined) {
                child = vecParent.length;
                vecParent.push(v);
                vecGroup.push(g);
                vecNeedsPorts.push(vecNeedsPorts[v]! || needsPorts);
                vecChild.set(ck, child);
              } else child = known;
              lastV = v;
              lastChild = child;
            }
            if (v === 0) touch(pc);
            vecOf[pc] = child;
          }
        }
      };
      walkGroups(share ? specLocal : specClasses);
      const memo: number[] = []; // vector → id (no destination-dependent ports)
      memoFs.clear();
      // Failsafes (host endpoints only): the open ports, per remote class when some entry has a `net`.
      const failsafes = dir === "ingress" ? fs.failsafeInbound : fs.failsafeOutbound;
      const failsafeNets = e.kind === "host" && failsafes.some((f) => f.net !== undefined);
      const evaluate = (vec: number, pc: number, fsSet: ConnSet): number => {
        if (bits.length < rules.length) bits = new Uint8Array(rules.length * 2);
        bits.fill(0, 0, rules.length);
        for (const k of universal) bits[k] = 1;
        for (let v = vec; v !== 0; v = vecParent[v]!) for (const k of groupRules[vecGroup[v]!]!) bits[k] = 1;
        const conns = (k: number): ConnSet => {
          const fixed = fixedConns[k];
          if (fixed !== undefined) return fixed;
          const r = rules[k]!;
          const dst = peerViews[reps[pc]!]!;
          if (r.destination.service !== undefined) return connsToward(r, dst, model);
          return dst.endpoint === undefined ? fixedOf(r) : namedOf(r, dst.endpoint);
        };
        return interner.id(symbolicSide(e, dir, program, bits, conns, fsSet));
      };
      const evalVector = (vec: number, pc: number): number => {
        // Named ports and Service target ports depend on the destination; its class fixes both.
        const needsPorts = universalNeedsPorts || vecNeedsPorts[vec]!;
        if (failsafeNets) {
          const fsSet = failsafeSet(failsafes.filter((f) => inFailsafeNet(f, reps[pc]!)));
          const mk = `${vec}|${needsPorts ? pc : ""}|${fsSet.key()}`;
          let id = memoFs.get(mk);
          if (id === undefined) memoFs.set(mk, (id = evaluate(vec, pc, fsSet)));
          return id;
        }
        const fsSet = dir === "ingress" ? allInbound : allOutbound;
        if (needsPorts) return evaluate(vec, pc, fsSet);
        let id = memo[vec];
        if (id === undefined) memo[vec] = id = evaluate(vec, pc, fsSet);
        return id;
      };
      const dflt = evalVector(0, 0);
      defaults[c] = dflt;
      if (universalNeedsPorts || failsafeNets) {
        // Destination-dependent ports in an always-matching rule: every peer class is its own case.
        for (let pc = 0; pc < classCount; pc++) touch(pc);
      }
      for (let t = 0; t < touchedLen; t++) {
        const pc = touched[t]!;
        const id = evalVector(vecOf[pc]!, pc);
        resultOf[pc] = id === dflt ? -1 : id;
      }
      applySpecials(e, dir, dflt);
      flush(rows);
      if (share) {
        for (const k of universal) universalRule[k] = 1;
        const key = sharedKey(dir, program, rules, (k) => {
          if (universalRule[k] === 1) return 0;
          const g = ruleGroup[k]!;
          return g < 0 || specExternal[groupSpec[g]!]!.length === 0 ? -1 : 1 + groupSpec[g]! * 8 + groupIpVersion[g]!;
        }, fixedConns, dflt, fragments, keyTrie);
        for (const k of universal) universalRule[k] = 0;
        let x = rows.sharedIndex(key);
        if (x === undefined) {
          walkGroups(specExternal);
          touched.subarray(0, touchedLen).sort();
          const entries: Array<[number, number]> = [];
          for (let t = 0; t < touchedLen; t++) {
            const pc = touched[t]!;
            const id = evalVector(vecOf[pc]!, pc);
            if (id !== dflt) entries.push([pc, id]);
            vecOf[pc] = 0;
            inTouched[pc] = 0;
          }
          touchedLen = 0;
          x = rows.addShared(key, entries, interner);
        }
        rows.setShared(c, x);
      }
    }
  }
  const rows: Rows = { egressDefault, ingressDefault, egress: egressRows.build(), ingress: ingressRows.build() };

  // The result's methods close over connectivityOf's few variables, not over this function's (whose
  // scratch would otherwise stay reachable as long as the result).
  const result = connectivityOf(model, interner, peers, classOf, classCount, rows, reps, classExternal, reusedRows, specSame === undefined ? undefined : copied);
  if (opts.reusable === true) reuseRecords.set(result, { peers, peerViews, specs, specKeys, specMatches, policySpecs, classOf, specClasses, policyModel: model.policyModel });
  return result;
}

function connectivityOf(model: Model, interner: ConnInterner, peers: readonly PeerInfo[], classOf: Int32Array, classCount: number, rows: Rows, reps: readonly number[], classExternal: Uint8Array, reusedRows: number, copied: Connectivity["copied"]): Connectivity {
  const n = peers.length;
  const { egressDefault, ingressDefault } = rows;
  const classAllowedId = (s: number, d: number): number => interner.intersectIds(rows.egress.get(s, d) ?? egressDefault[s]!, rows.ingress.get(d, s) ?? ingressDefault[d]!);
  const allowedId = (s: number, d: number): number => classAllowedId(classOf[s]!, classOf[d]!);
  const size = new Int32Array(classCount);
  for (let i = 0; i < n; i++) size[classOf[i]!]!++;
  const names = [...new Set(peers.map((p) => p.group))].sort(groupOrder);
  const gi = new Map(names.map((g, i) => [g, i] as const));
  const classGroup = Int32Array.from(reps.map((r) => gi.get(peers[r]!.group)!));
  let groupsCache: GroupRollUp | undefined;
  return {
    model,
    interner,
    peers,
    classOf,
    classCount,
    rows,
    reps,
    classGroup,
    classSize: size,
    reusedRows,
    ...(copied === undefined ? {} : { copied }),
    allowedId,
    classAllowedId,
    allowed: (s, d) => interner.get(allowedId(s, d)),
    *pairs() {
      for (let s = 0; s < n; s++) {
        for (let d = 0; d < n; d++) {
          if (s === d) continue;
          const ps = peers[s]!;
          const pd = peers[d]!;
          if (ps.kind === "external" && pd.kind === "external") continue;
          const id = allowedId(s, d);
          if (id !== 0) yield { src: ps, dst: pd, conns: interner.get(id) };
        }
      }
    },
    groups() {
      groupsCache ??= rollUp(interner, rows, classGroup, size, classExternal, names);
      return groupsCache;
    },
  };
}

/**
 * The identity of a workload's program as far as external peers can tell: its tiers (with their default
 * actions) and, in order, the rules that can match an external peer (those matching every peer, and
 * those whose remote spec matches some external class), by content. Two workloads with the same key
 * get the same result toward every external peer class.
 */
/** Per rule, its last sharedKey fragment: the relevance code and connections it was built for, and the fragment's id. */
type FragmentCache = Map<Rule, { code: number; conns: ConnSet | undefined; id: number }>;

/**
 * sharedKey's keys as paths in a trie of interned fragments (the direction and default, each tier, each
 * relevant rule): a key is a trie node, a number, so no key text is built per row.
 */
class KeyTrie {
  private readonly fragments = new Map<string, number>();
  private readonly children = new Map<number, number>();
  private nodes = 1;

  fragment(text: string): number {
    let f = this.fragments.get(text);
    if (f === undefined) this.fragments.set(text, (f = this.fragments.size));
    return f;
  }

  /** The node reached from `node` by fragment `f` (node 0 is the root). */
  step(node: number, f: number): number {
    // node < 2^31 and f < 2^21 keep the key exact (below 2^53).
    if (f >= 2 ** 21 || node >= 2 ** 31) throw new Error("internal: shared-row key trie too large");
    const k = node * 2 ** 21 + f;
    let c = this.children.get(k);
    if (c === undefined) this.children.set(k, (c = this.nodes++));
    return c;
  }
}

function sharedKey(dir: Direction, program: Program, rules: readonly Rule[], relevant: (k: number) => number, fixedConns: ReadonlyArray<ConnSet | undefined>, dflt: number, cache: FragmentCache, trie: KeyTrie): number {
  // relevant(k): -1 = cannot match an external peer, 0 = matches every peer ("U"), else 1 + remote spec * 8 + IP version.
  let node = trie.step(0, trie.fragment(`${dir}|${dflt}`));
  let k = 0;
  for (const { tier, policies } of program.stages[0]!.tiers) {
    node = trie.step(node, trie.fragment(`T${tier.name}/${tier.defaultAction}`));
    for (const p of policies) {
      for (const _ of (dir === "ingress" ? p.ingress : p.egress) ?? []) {
        const code = relevant(k);
        if (code >= 0) {
          const r = rules[k]!;
          const conns = fixedConns[k];
          const hit = cache.get(r);
          if (hit !== undefined && hit.code === code && hit.conns === conns) node = trie.step(node, hit.id);
          else {
            const rel = code === 0 ? "U" : `G${Math.floor((code - 1) / 8)}/${(code - 1) % 8}`;
            const c = conns === undefined ? `N${JSON.stringify([r.protocols.key(), r.ports ?? null, r.notPorts ?? null, r.destination.service ?? null])}` : conns.key();
            const id = trie.fragment(`${rel}:${r.action}:${r.ipVersion ?? 0}:${c}`);
            cache.set(r, { code, conns, id });
            node = trie.step(node, id);
          }
        }
        k++;
      }
    }
  }
  return node;
}

/** A row toward external peer classes shared by several classes (see Overrides.shared). */
export interface SharedRow {
  /** External peer classes, ascending. */
  readonly peers: Int32Array;
  readonly ids: Uint32Array;
  /** Union of `ids` (0 when empty). */
  readonly union: number;
}

/** Appends CSR rows (one per class, in class order) of (peer class, id) entries. */
class OverrideBuilder {
  private readonly offsets: Int32Array;
  private readonly ext: Int32Array;
  private readonly shared: SharedRow[] = [];
  private readonly sharedKeys = new Map<number, number>();
  private peers = new Int32Array(1024);
  private ids = new Uint32Array(1024);
  private len = 0;
  private row = 0;

  constructor(
    readonly classCount: number,
    private readonly external: Uint8Array,
  ) {
    this.offsets = new Int32Array(classCount + 1);
    this.ext = new Int32Array(classCount).fill(-1);
  }

  push(peer: number, id: number): void {
    if (this.len === this.peers.length) {
      const p = new Int32Array(this.len * 2);
      p.set(this.peers);
      this.peers = p;
      const i = new Uint32Array(this.len * 2);
      i.set(this.ids);
      this.ids = i;
    }
    this.peers[this.len] = peer;
    this.ids[this.len++] = id;
  }

  endRow(): void {
    this.offsets[++this.row] = this.len;
  }

  sharedIndex(key: number): number | undefined {
    return this.sharedKeys.get(key);
  }

  addShared(key: number, entries: ReadonlyArray<readonly [number, number]>, interner: ConnInterner): number {
    let union = 0;
    for (const [, id] of entries) union = interner.unionIds(union, id);
    const x = this.shared.length;
    this.shared.push({ peers: Int32Array.from(entries, ([p]) => p), ids: Uint32Array.from(entries, ([, id]) => id), union });
    this.sharedKeys.set(key, x);
    return x;
  }

  /** Takes over another version's shared row as is (no key: rows of this version never match it). */
  adoptShared(row: SharedRow): number {
    this.shared.push(row);
    return this.shared.length - 1;
  }

  /** Appends row `c` of `from` (its explicit entries) as the next row. */
  pushRow(from: Overrides, c: number): void {
    const lo = from.offsets[c]!;
    const hi = from.offsets[c + 1]!;
    const need = this.len + (hi - lo);
    if (need > this.peers.length) {
      const size = Math.max(this.peers.length * 2, need);
      const p = new Int32Array(size);
      p.set(this.peers.subarray(0, this.len));
      this.peers = p;
      const i = new Uint32Array(size);
      i.set(this.ids.subarray(0, this.len));
      this.ids = i;
    }
    this.peers.set(from.peers.subarray(lo, hi), this.len);
    this.ids.set(from.ids.subarray(lo, hi), this.len);
    this.len = need;
    this.endRow();
  }

  setShared(c: number, x: number): void {
    this.ext[c] = x;
  }

  build(): Overrides {
    if (this.row !== this.classCount) throw new Error(`internal: ${this.row} override rows for ${this.classCount} classes`);
    return new CsrOverrides(this.offsets, this.peers.slice(0, this.len), this.ids.slice(0, this.len), this.ext, this.shared, this.external);
  }
}

function search(peers: Int32Array, ids: Uint32Array, lo: number, hi: number, peer: number): number | undefined {
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = peers[mid]!;
    if (v < peer) lo = mid + 1;
    else if (v > peer) hi = mid - 1;
    else return ids[mid]!;
  }
  return undefined;
}

class CsrOverrides implements Overrides {
  readonly size: number;

  constructor(
    readonly offsets: Int32Array,
    readonly peers: Int32Array,
    readonly ids: Uint32Array,
    readonly ext: Int32Array,
    readonly shared: readonly SharedRow[],
    private readonly external: Uint8Array,
  ) {
    let n = peers.length;
    for (const x of ext) if (x >= 0) n += shared[x]!.peers.length;
    this.size = n;
  }

  get(c: number, peer: number): number | undefined {
    const x = this.ext[c]!;
    if (x >= 0 && this.external[peer] === 1) {
      const r = this.shared[x]!;
      return search(r.peers, r.ids, 0, r.peers.length - 1, peer);
    }
    return search(this.peers, this.ids, this.offsets[c]!, this.offsets[c + 1]! - 1, peer);
  }

  forEach(c: number, f: (peer: number, id: number) => void): void {
    for (let k = this.offsets[c]!; k < this.offsets[c + 1]!; k++) f(this.peers[k]!, this.ids[k]!);
    const x = this.ext[c]!;
    if (x >= 0) {
      const r = this.shared[x]!;
      for (let k = 0; k < r.peers.length; k++) f(r.peers[k]!, r.ids[k]!);
    }
  }
}

/**
 * The explicit (CSR) entries with rows and columns swapped (rows by peer class), peers ascending in
 * each row; shared rows are not transposed (the result has none).
 */
export function transposeOverrides(o: Overrides, classCount: number): Overrides {
  const offsets = new Int32Array(classCount + 1);
  for (let k = 0; k < o.peers.length; k++) offsets[o.peers[k]! + 1]!++;
  for (let c = 0; c < classCount; c++) offsets[c + 1]! += offsets[c]!;
  const fill = offsets.slice(0, classCount);
  const peers = new Int32Array(o.peers.length);
  const ids = new Uint32Array(o.peers.length);
  for (let c = 0; c < classCount; c++) {
    for (let k = o.offsets[c]!; k < o.offsets[c + 1]!; k++) {
      const at = fill[o.peers[k]!]!++;
      peers[at] = c;
      ids[at] = o.ids[k]!;
    }
  }
  return new CsrOverrides(offsets, peers, ids, new Int32Array(classCount).fill(-1), [], new Uint8Array(classCount));
}

/**
 * Namespace (group) roll-up without visiting every class pair or every group pair.
 *
 * A class pair with no override on either side has the value egressDefault(s) ∩ ingressDefault(d), so a
 * group pair none of whose class pairs is special is the union of x ∩ y over the distinct egress defaults
 * x of the source group and ingress defaults y of the destination group: it depends only on the two
 * groups' default profiles, and is computed once per profile pair (on first access). Group pairs holding
 * special class pairs (an override on either side, or a single-member class paired with itself) are
 * computed exactly from those pairs: the special pairs' own values, plus each default combination that
 * still has a pair left once the special ones are taken out. Cost: O(classes + overrides) up front, then
 * O(1) per entry read (a profile pair's first read costs |profile|²).
 */
function rollUp(interner: ConnInterner, rows: Rows, classGroup: Int32Array, size: Int32Array, external: Uint8Array, names: string[]): GroupRollUp {
  const G = names.length;
  const C = classGroup.length;
  const extGroup = names.indexOf("(external)");
  // Per group: [default id, number of classes], for egress and ingress defaults.
  const eCounts: Array<Map<number, number>> = names.map(() => new Map());
  const iCounts: Array<Map<number, number>> = names.map(() => new Map());
  const classesOf: number[][] = names.map(() => []);
  for (let c = 0; c < C; c++) {
    const g = classGroup[c]!;
    classesOf[g]!.push(c);
    eCounts[g]!.set(rows.egressDefault[c]!, (eCounts[g]!.get(rows.egressDefault[c]!) ?? 0) + 1);
    iCounts[g]!.set(rows.ingressDefault[c]!, (iCounts[g]!.get(rows.ingressDefault[c]!) ?? 0) + 1);
  }
  const eList = eCounts.map((m) => [...m.entries()].sort((a, b) => a[0] - b[0]));
  const iList = iCounts.map((m) => [...m.entries()].sort((a, b) => a[0] - b[0]));
  // Default profiles: the distinct default ids of a group.
  const profileIds = new Map<string, number>();
  const profiles: number[][] = [];
  const profileOf = (list: Array<[number, number]>): number => {
    const k = list.map(([x]) => x).join(",");
    let p = profileIds.get(k);
    if (p === undefined) {
      p = profiles.length;
      profileIds.set(k, p);
      profiles.push(list.map(([x]) => x));
    }
    return p;
  };
  const pe = Int32Array.from(eList, profileOf);
  const pi = Int32Array.from(iList, profileOf);
  const P = profiles.length;
  const base = new Map<number, number>();
  const baseId = (a: number, b: number): number => {
    const k = a * P + b;
    let r = base.get(k);
    if (r === undefined) {
      r = 0;
      for (const x of profiles[a]!) {
        if (x === 0) continue;
        for (const y of profiles[b]!) r = interner.unionIds(r, interner.intersectIds(x, y));
      }
      base.set(k, r);
    }
    return r;
  };

  // Special class pairs, by source class: egress overrides (rows by source) and ingress overrides
  // transposed to rows by source.
  const ingressBySource = transposeOverrides(rows.ingress, C);
  // Group pairs computed from their special class pairs, as CSR rows by source group.
  const corrections = new CsrBuilder(G);
  const acc = new Uint32Array(G);
  const accTouched = new Uint8Array(G);
  const touchedGroups = new Int32Array(G);
  let touchedLen = 0;
  const touchGroup = (gd: number): void => {
    if (accTouched[gd] === 0) {
      accTouched[gd] = 1;
      touchedGroups[touchedLen++] = gd;
    }
  };
  // Special class pairs per (destination group, egress default x, ingress default y) of the current
  // source group. Default ids were interned before the roll-up, so x, y < D: a dense table of D² counts
  // per group when that is small, else a Map keyed (gd * D + x) * D + y.
  const D = interner.sets.length + 1;
  const dense = G * D * D <= 1 << 24;
  const takenDense = dense ? new Int32Array(G * D * D) : new Int32Array(0);
  const takenMap = new Map<number, number>();
  // Special class pairs per destination group of the current source group, over every (x, y).
  const takenTotal = new Float64Array(G);
  // Cells of takenDense written for the current source group, to zero them afterwards (not D² per group).
  const takenWritten: number[] = [];
  const take = (gd: number, x: number, y: number, count: number): void => {
    takenTotal[gd]! += count;
    const k = (gd * D + x) * D + y;
    if (dense) {
      if (takenDense[k] === 0) takenWritten.push(k);
      takenDense[k]! += count;
    }
    else takenMap.set(k, (takenMap.get(k) ?? 0) + count);
  };
  const takenAt = (gd: number, x: number, y: number): number => {
    const k = (gd * D + x) * D + y;
    return dense ? takenDense[k]! : (takenMap.get(k) ?? 0);
  };
  const eo = rows.egress;
  const io = ingressBySource;
  // Per group, the fewest classes holding one of its (non-zero) egress defaults, and one of its ingress defaults.
  const minE = eList.map((l) => l.reduce((m, [x, n]) => (x === 0 ? m : Math.min(m, n)), Infinity));
  const minI = iList.map((l) => l.reduce((m, [, n]) => Math.min(m, n), Infinity));
  for (let gs = 0; gs < G; gs++) {
    for (const s of classesOf[gs]!) {
      const x = rows.egressDefault[s]!;
      // Merge the two sorted rows (a pair overridden on both sides is one pair), plus the self pair.
      let a = eo.offsets[s]!;
      const aEnd = eo.offsets[s + 1]!;
      let b = io.offsets[s]!;
      const bEnd = io.offsets[s + 1]!;
      let self = size[s]! < 2;
      while (a < aEnd || b < bEnd || self) {
        const da = a < aEnd ? eo.peers[a]! : C;
        const db = b < bEnd ? io.peers[b]! : C;
        let d = Math.min(da, db);
        if (self && s <= d) {
          d = s;
          self = false;
        }
        if (d === C) break;
        const gd = classGroup[d]!;
        touchGroup(gd);
        take(gd, x, rows.ingressDefault[d]!, 1);
        if (!(s === d && size[s]! < 2) && !(external[s] === 1 && external[d] === 1)) {
          // An explicit entry found by the merge is the pair's value on that side (explicit entries
          // never name an external class of a row with a shared row); not found by the merge, the pair
          // is only in a shared row (toward an external class) or takes the default: no second search.
          const eId = da === d ? eo.ids[a]! : external[d] === 1 && eo.ext[s]! >= 0 ? (eo.get(s, d) ?? x) : x;
          const iId = db === d ? io.ids[b]! : external[s] === 1 && rows.ingress.ext[d]! >= 0 ? (rows.ingress.get(d, s) ?? rows.ingressDefault[d]!) : rows.ingressDefault[d]!;
          const id = interner.intersectIds(eId, iId);
          if (id !== 0) acc[gd] = interner.unionIds(acc[gd]!, id);
        }
        if (da === d) a++;
        if (db === d) b++;
      }
    }
    // Shared rows toward external peers: every entry is a special pair of (gs, external) for egress,
    // of (external, the workload's group) for ingress; external peers are not policed (defaults 1).
    for (const s of classesOf[gs]!) {
      const xe = rows.egress.ext[s]!;
      if (xe < 0) continue;
      const r = rows.egress.shared[xe]!;
      if (r.peers.length === 0) continue;
      touchGroup(extGroup);
      acc[extGroup] = interner.unionIds(acc[extGroup]!, r.union);
      take(extGroup, rows.egressDefault[s]!, 1, r.peers.length);
    }
    if (gs === extGroup) {
      for (let d = 0; d < C; d++) {
        const xi = rows.ingress.ext[d]!;
        if (xi < 0) continue;
        const r = rows.ingress.shared[xi]!;
        if (r.peers.length === 0) continue;
        const gd = classGroup[d]!;
        touchGroup(gd);
        acc[gd] = interner.unionIds(acc[gd]!, r.union);
        take(gd, 1, rows.ingressDefault[d]!, r.peers.length);
      }
    }
    // Each touched group pair's value (in the order first touched), then the row in group order.
    for (let t = 0; t < touchedLen; t++) {
      const gd = touchedGroups[t]!;
      let r = acc[gd]!;
      if (gs === extGroup && gd === extGroup) r = 0;
      else if (takenTotal[gd]! < minE[gs]! * minI[gd]!) {
        // Fewer special pairs than any default combination has pairs: every combination keeps one,
        // so the defaults give their whole union (the profile pair's base value).
        r = interner.unionIds(r, baseId(pe[gs]!, pi[gd]!));
      } else {
        for (const [x, cx] of eList[gs]!) {
          if (x === 0) continue;
          for (const [y, cy] of iList[gd]!) {
            const id = interner.intersectIds(x, y);
            if (id === 0) continue;
            if (cx * cy - takenAt(gd, x, y) > 0) r = interner.unionIds(r, id);
          }
        }
      }
      acc[gd] = r;
    }
    const row = touchedGroups.subarray(0, touchedLen).sort();
    for (const gd of row) {
      corrections.push(gd, acc[gd]!);
      acc[gd] = 0;
      accTouched[gd] = 0;
      takenTotal[gd] = 0;
    }
    corrections.endRow();
    touchedLen = 0;
    takenMap.clear();
    for (const k of takenWritten) takenDense[k] = 0;
    takenWritten.length = 0;
  }
  const corrected = corrections.build();
  const idAt = (gs: number, gd: number): number => {
    if (gs === extGroup && gd === extGroup) return 0;
    return corrected.get(gs, gd) ?? baseId(pe[gs]!, pi[gd]!);
  };
  // The dense matrix is built row by row, on first access: at 10,000 namespaces it has 10^8 cells.
  const matrix: ConnSet[][] = new Array<ConnSet[]>(G);
  for (let gs = 0; gs < G; gs++) {
    Object.defineProperty(matrix, gs, {
      configurable: true,
      enumerable: true,
      get() {
        const row = Array.from({ length: G }, (_, gd) => interner.get(idAt(gs, gd)));
        Object.defineProperty(matrix, gs, { value: row, enumerable: true, writable: false, configurable: false });
        return row;
      },
    });
  }
  return { names, matrix, idAt, at: (gs, gd) => interner.get(idAt(gs, gd)), corrected: corrected.size, profiles: P };
}

/** Hosts and externals after namespaces, so the roll-up reads naturally. */
export function groupOrder(a: string, b: string): number {
  const w = (g: string): number => (g === "(hosts)" ? 1 : g === "(external)" ? 2 : 0);
  if (w(a) !== w(b)) return w(a) - w(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function programOf(model: Model, e: Endpoint, dir: Direction): Program {
  const stages: Array<{ stage: Stage; tiers: readonly TierPolicies[] }> = [];
  for (const stage of ["untracked", "preDNAT", "normal"] as const) {
    if (e.kind === "workload" && stage !== "normal") continue;
    if (stage === "preDNAT" && dir === "egress") continue;
    stages.push({ stage, tiers: model.applicable(e, dir, stage) });
  }
  const rules: Rule[] = [];
  for (const s of stages) for (const t of s.tiers) for (const p of t.policies) rules.push(...((dir === "ingress" ? p.ingress : p.egress) ?? []));
  return { stages, rules };
}

/** The cases decided before any policy (see evaluate.ts); returns an interned id (1 = all) or undefined. */
function specialCase(local: Endpoint, remote: Endpoint | undefined, dir: Direction, endpointToHost: "Accept" | "Drop"): number | undefined {
  if (local.kind === "host") {
    if (remote?.kind === "workload" && remote.node !== undefined && remote.node === local.node) {
      // ingress: pod → own host (DefaultEndpointToHostAction, with or without a host endpoint);
      // egress: host → local pod (not policed)
      return dir === "ingress" && endpointToHost === "Drop" ? 0 : 1;
    }
    if (local.hostEndpoint === undefined) return 1;
    if (remote?.kind === "host" && remote.node === local.node) return 1;
    return undefined;
  }
  if (dir === "ingress" && remote?.kind === "host" && remote.node !== undefined && remote.node === local.node) return 1;
  return undefined;
}

function failsafeSet(list: readonly FailsafePort[]): ConnSet {
  let s = ConnSet.EMPTY;
  for (const f of list) s = s.union(ConnSet.ports(f.protocol, f.port, f.port));
  return s;
}

/** One direction at one endpoint, over every connection at once. */
function symbolicSide(e: Endpoint, dir: Direction, program: Program, bits: ArrayLike<number>, conns: (k: number) => ConnSet, fsSet: ConnSet): ConnSet {
  let k = 0;
  const walk = (tiers: readonly TierPolicies[], stage: Stage, start: ConnSet): { allow: ConnSet; deny: ConnSet; rest: ConnSet } => {
    let allow = ConnSet.EMPTY;
    let deny = ConnSet.EMPTY;
    let cur = start;
    for (const { tier, policies } of tiers) {
      let rest = cur;
      let passed = ConnSet.EMPTY;
      for (const p of policies) {
        for (const r of (dir === "ingress" ? p.ingress : p.egress) ?? []) {
          const idx = k++;
          if (!bits[idx] || rest.isEmpty() || r.action === "Log") continue;
          const m = rest.intersect(conns(idx));
          if (m.isEmpty()) continue;
          rest = rest.subtract(m);
          if (r.action === "Allow") allow = allow.union(m);
          else if (r.action === "Deny") deny = deny.union(m);
          else passed = passed.union(m);
        }
      }
      if (stage === "normal" && tier.defaultAction === "Deny") {
        deny = deny.union(rest);
        cur = passed;
      } else cur = passed.union(rest);
    }
    return { allow, deny, rest: cur };
  };
  if (e.kind === "host") {
    let allowed = fsSet;
    let undecided = ConnSet.ALL.subtract(fsSet);
    for (const st of program.stages) {
      const r = walk(st.tiers, st.stage, undecided);
      if (st.stage === "untracked") {
        allowed = allowed.union(r.allow);
        undecided = r.rest;
      } else if (st.stage === "preDNAT") {
        // Accepted before DNAT is accepted (see evaluate.ts): only the rest reaches normal policy.
        allowed = allowed.union(r.allow);
        undecided = r.rest;
      } else {
        allowed = allowed.union(r.allow);
        undecided = r.rest;
      }
    }
    if (e.hostEndpoint?.profileAllows === true) allowed = allowed.union(undecided);
    return allowed;
  }
  const r = walk(program.stages[0]!.tiers, "normal", ConnSet.ALL);
  return r.allow.union(r.rest);
}

/**
 * Cuts the address space at every edge of the given sets and groups the pieces by exactly which
 * sets cover them: every policy treats the addresses of one group alike. Single addresses of known
 * endpoints are left out (they are those endpoints). Groups come out in address order.
 */
function atoms(predicates: readonly IpSet[], exclude: IpSet): IpSet[] {
  const out: IpSet[] = [];
  for (const g of groupV4BySets(predicates, exclude)) out.push(IpSet.fromSortedFlat(g.flat.map((x) => BigInt(x)), []));
  // No IPv6 anywhere: leave the v6 space out.
  if (predicates.every((p) => p.v6.length === 0)) return out;
  const groups = new Map<string, IpRange[]>();
  for (const { first, last, covering } of cutBySets(predicates, 6)) {
    if (first === last && exclude.contains(6, first)) continue;
    const key = covering.join(",");
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [{ version: 6, first, last }]);
    else {
      const prev = g[g.length - 1]!;
      if (prev.last + 1n === first) g[g.length - 1] = { version: 6, first: prev.first, last };
      else g.push({ version: 6, first, last });
    }
  }
  for (const ranges of groups.values()) out.push(IpSet.fromRanges(ranges));
  return out;
}
