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
import { type Peer, connsToward, endpointPeer, peerSpecMatches } from "./evaluate.js";
import { type IpRange, IpSet, cutBySets, formatRange } from "./ipset.js";
import type { Endpoint, Model, Stage, TierPolicies } from "./model.js";
import { type Direction, type FailsafePort, type PeerSpec, type Rule, ruleConns } from "./policies.js";

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
  /** Allowed connections between two peers (by index). */
  allowed(src: number, dst: number): ConnSet;
  /** Interned id of `allowed(src, dst)`. */
  allowedId(src: number, dst: number): number;
  /** Interned id of the allowed set between two classes. */
  classAllowedId(srcClass: number, dstClass: number): number;
  /** Every ordered pair of different peers with something allowed (external→external excluded). */
  pairs(): Iterable<{ src: PeerInfo; dst: PeerInfo; conns: ConnSet }>;
  /** Namespace (group) roll-up: union of allowed connections between members of two groups. */
  groups(): { names: string[]; matrix: ConnSet[][] };
}

/** Sparse directional results: per class a default id and the peer classes that differ from it. */
export interface Rows {
  readonly egressDefault: Uint32Array;
  readonly ingressDefault: Uint32Array;
  readonly egressOverrides: ReadonlyArray<Map<number, number>>;
  readonly ingressOverrides: ReadonlyArray<Map<number, number>>;
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

interface Program {
  readonly stages: ReadonlyArray<{ stage: Stage; tiers: readonly TierPolicies[] }>;
  readonly rules: readonly Rule[];
}

export function computeConnectivity(model: Model, opts: ConnectivityOptions = {}): Connectivity {
  const interner = opts.interner ?? new ConnInterner();
  const peers: PeerInfo[] = [];
  const peerViews: Peer[] = [];
  const workloadEndpoints = model.endpoints.filter((e) => e.kind === "workload" || e.kind === "host");
  for (const e of workloadEndpoints) {
    peers.push({ id: e.id, kind: e.kind, group: e.kind === "workload" ? e.namespace! : "(hosts)", endpoint: e });
    peerViews.push(endpointPeer(e));
  }

  // Distinct rule peer specs; each rule refers to two of them.
  const specIndex = new Map<string, number>();
  const specs: PeerSpec[] = [];
  const ruleSpecs = new Map<Rule, [number, number]>();
  const specOf = (s: PeerSpec): number => {
    const k = `${s.key}|${s.scopeNamespace ?? ""}`;
    let i = specIndex.get(k);
    if (i === undefined) {
      i = specs.length;
      specs.push(s);
      specIndex.set(k, i);
    }
    return i;
  };
  for (const p of model.policies) {
    for (const r of [...(p.ingress ?? []), ...(p.egress ?? [])]) ruleSpecs.set(r, [specOf(r.source), specOf(r.destination)]);
  }

  // External ranges: cut at every IP predicate edge, then group by the predicates covering them.
  if (opts.externals !== false) {
    const predicates: IpSet[] = [...(opts.ipPredicates ?? ipPredicatesOf(model))];
    const endpointIps = IpSet.fromRanges(workloadEndpoints.flatMap((e) => e.ips.map((ip) => ({ version: ip.version, first: ip.value, last: ip.value }))));
    predicates.push(endpointIps);
    // Addresses in the pod networks are pods, not external peers.
    const podNetworks = model.inventory.podNetworks === undefined ? IpSet.EMPTY : IpSet.parse(model.inventory.podNetworks);
    predicates.push(podNetworks);
    // An external group that is exactly one declared inventory external is named after it.
    const declared = new Map(model.inventory.externals.map((x) => [IpSet.parse([x.cidr]).describe(), x.name] as const));
    for (const ranges of atoms(predicates, endpointIps)) {
      if (!podNetworks.isEmpty() && ranges.every((r) => podNetworks.coversRange(r))) continue;
      const ips = IpSet.fromRanges(ranges);
      const first = ranges[0]!;
      const text = ips.describe();
      const name = declared.get(text);
      peers.push({ id: name === undefined ? text : `${name} (${text})`, kind: "external", group: "(external)", ips });
      peerViews.push({ ip: { version: first.version, value: first.first }, display: formatRange(first) });
    }
  }

  // Which peers each spec matches, as sorted index lists (sparse: most specs are namespace-scoped).
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
  const everyone = Array.from({ length: n }, (_, i) => i);
  const specMatches: Int32Array[] = specs.map((s) => {
    if (s.selector === undefined && s.notSelector === undefined && s.nets === undefined && s.notNets === undefined && s.service === undefined) {
      return Int32Array.from(everyone);
    }
    // A scoped positive selector cannot match an address-less workload of another namespace (a
    // network set of that namespace could hold a workload's address, hence only address-less ones).
    const candidates = s.scopeNamespace !== undefined ? [...(byNamespace.get(s.scopeNamespace) ?? []), ...nonWorkload].sort((a, b) => a - b) : everyone;
    const out: number[] = [];
    for (const i of candidates) if (peerSpecMatches(s, peerViews[i]!, model)) out.push(i);
    return Int32Array.from(out);
  });
  const matchedSpecs: number[][] = peers.map(() => []);
  specMatches.forEach((list, si) => {
    for (const i of list) matchedSpecs[i]!.push(si);
  });

  // Programs (applicable policies) per endpoint, interned by content.
  const programKey = (e: Endpoint, dir: Direction): string => {
    const parts: string[] = [];
    for (const stage of ["untracked", "preDNAT", "normal"] as const) {
      if (e.kind === "workload" && stage !== "normal") continue;
      for (const tp of model.applicable(e, dir, stage)) parts.push(`${stage}:${tp.tier.name}:${tp.policies.map((p) => p.id).join(",")}`);
    }
    return parts.join("|");
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
    const key = [
      p.kind,
      p.group,
      e?.node ?? "",
      e?.hostEndpoint === undefined ? "" : `${e.hostEndpoint.profileAllows}`,
      e === undefined ? "" : JSON.stringify(e.ports),
      ip === undefined ? "" : String(ip.version),
      e === undefined ? "" : programKey(e, "ingress"),
      e === undefined ? "" : programKey(e, "egress"),
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
  // Per spec, the classes it matches (members of a class agree on every spec).
  const specClasses: Int32Array[] = specMatches.map((list) => {
    const out: number[] = [];
    for (const i of list) if (reps[classOf[i]!] === i) out.push(classOf[i]!);
    return Int32Array.from(out);
  });
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

  // Directional results per (policed class, peer class). A peer class matched by none of the
  // endpoint's rules gets the shared "nothing matched" result; only matched classes are evaluated.
  // Sparse rows: a default per (class, direction) and overrides for the peer classes that differ.
  const rows: Rows = {
    egressDefault: new Uint32Array(classCount),
    ingressDefault: new Uint32Array(classCount),
    egressOverrides: Array.from({ length: classCount }, () => new Map<number, number>()),
    ingressOverrides: Array.from({ length: classCount }, () => new Map<number, number>()),
  };
  // Classes by node, for the same-node special cases.
  const classesByNode = new Map<string, number[]>();
  for (let c = 0; c < classCount; c++) {
    const node = peers[reps[c]!]!.endpoint?.node;
    if (node === undefined) continue;
    const l = classesByNode.get(node);
    if (l === undefined) classesByNode.set(node, [c]);
    else l.push(c);
  }
  const applySpecials = (e: Endpoint, dir: Direction, dflt: number, overrides: Map<number, number>): void => {
    for (const d of e.node === undefined ? [] : (classesByNode.get(e.node) ?? [])) {
      const special = specialCase(e, peers[reps[d]!]!.endpoint, dir, fs.endpointToHostAction);
      if (special !== undefined) {
        if (special === dflt) overrides.delete(d);
        else overrides.set(d, special);
      }
    }
  };
  const vectors = new Map<number, number[]>();
  // Failsafe ports without a `net`: the same for every host endpoint and peer, computed once.
  const allInbound = failsafeSet(fs.failsafeInbound);
  const allOutbound = failsafeSet(fs.failsafeOutbound);
  for (let c = 0; c < classCount; c++) {
    const rep = reps[c]!;
    const e = peers[rep]!.endpoint;
    for (const dir of ["egress", "ingress"] as const) {
      const defaults = dir === "egress" ? rows.egressDefault : rows.ingressDefault;
      const overrides = (dir === "egress" ? rows.egressOverrides : rows.ingressOverrides)[c]!;
      if (e === undefined) {
        defaults[c] = 1; // externals are not policed
        continue;
      }
      if (e.kind === "host" && e.hostEndpoint === undefined) {
        defaults[c] = 1; // a host without a host endpoint is not policed (but see the local cases below)
        applySpecials(e, dir, defaults[c]!, overrides);
        continue;
      }
      const program = programOf(model, e, dir);
      const localView = peerViews[rep]!;
      const rules = program.rules;
      const fixedConns = rules.map((r) => (dir === "ingress" ? connsToward(r, localView, model) : r.portsAreNumeric ? ruleConns(r, []) : undefined));
      // Rules whose local side matches this endpoint; collect, per peer class, the rules it matches.
      vectors.clear();
      // Rules whose remote side matches every class (e.g. `action: Pass` with no peer) are part of
      // every vector: keep them out of the per-peer lists and add them when evaluating.
      const universal: number[] = [];
      for (let k = 0; k < rules.length; k++) {
        const r = rules[k]!;
        const [srcSpec, dstSpec] = ruleSpecs.get(r)!;
        if (!specHasRep(dir === "egress" ? srcSpec : dstSpec, rep)) continue;
        if (r.ipVersion !== undefined && localView.ip !== undefined && localView.ip.version !== r.ipVersion) continue;
        const remoteClasses = specClasses[dir === "egress" ? dstSpec : srcSpec]!;
        if (remoteClasses.length === classCount && r.ipVersion === undefined) {
          universal.push(k);
          continue;
        }
        for (const pc of remoteClasses) {
          const rip = peerViews[reps[pc]!]!.ip;
          if (r.ipVersion !== undefined && rip !== undefined && rip.version !== r.ipVersion) continue;
          const v = vectors.get(pc);
          if (v === undefined) vectors.set(pc, [k]);
          else v.push(k);
        }
      }
      const memo = new Map<string, number>();
      const universalNeedsPorts = dir === "egress" && universal.some((k) => fixedConns[k] === undefined);
      // Failsafes (host endpoints only): the open ports, per remote class when some entry has a `net`.
      const failsafes = dir === "ingress" ? fs.failsafeInbound : fs.failsafeOutbound;
      const failsafeNets = e.kind === "host" && failsafes.some((f) => f.net !== undefined);
      const evalVector = (matched: readonly number[], pc: number): number => {
        const needsPorts = universalNeedsPorts || (dir === "egress" && matched.some((k) => fixedConns[k] === undefined));
        // Named ports and Service target ports depend on the destination; its class fixes both.
        const fsSet = failsafeNets ? failsafeSet(failsafes.filter((f) => inFailsafeNet(f, reps[pc]!))) : dir === "ingress" ? allInbound : allOutbound;
        const mk = `${matched.join(",")}|${needsPorts ? pc : ""}|${failsafeNets ? fsSet.key() : ""}`;
        let id = memo.get(mk);
        if (id === undefined) {
          const bits = new Array<boolean>(rules.length).fill(false);
          for (const k of universal) bits[k] = true;
          for (const k of matched) bits[k] = true;
          const conns = (k: number): ConnSet => fixedConns[k] ?? connsToward(rules[k]!, peerViews[reps[pc]!]!, model);
          id = interner.id(symbolicSide(e, dir, program, bits, conns, fsSet));
          memo.set(mk, id);
        }
        return id;
      };
      const dflt = evalVector([], 0);
      defaults[c] = dflt;
      if (universalNeedsPorts || failsafeNets) {
        // Destination-dependent ports in an always-matching rule: every peer class is its own case.
        for (let pc = 0; pc < classCount; pc++) if (!vectors.has(pc)) vectors.set(pc, []);
      }
      for (const [pc, matched] of vectors) {
        const id = evalVector(matched, pc);
        if (id !== dflt) overrides.set(pc, id);
      }
      applySpecials(e, dir, dflt, overrides);
    }
  }

  const dirId = (c: number, dir: Direction, peer: number): number => {
    const o = (dir === "egress" ? rows.egressOverrides : rows.ingressOverrides)[c]!.get(peer);
    return o ?? (dir === "egress" ? rows.egressDefault : rows.ingressDefault)[c]!;
  };
  const classAllowedId = (s: number, d: number): number => interner.intersectIds(dirId(s, "egress", d), dirId(d, "ingress", s));
  const allowedId = (s: number, d: number): number => classAllowedId(classOf[s]!, classOf[d]!);
  const size = new Int32Array(classCount);
  for (let i = 0; i < n; i++) size[classOf[i]!]!++;
  const classKinds = reps.map((r) => peers[r]!.kind);
  const names = [...new Set(peers.map((p) => p.group))].sort(groupOrder);
  const gi = new Map(names.map((g, i) => [g, i] as const));
  const classGroup = Int32Array.from(reps.map((r) => gi.get(peers[r]!.group)!));
  let groupsCache: { names: string[]; matrix: ConnSet[][] } | undefined;
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
      groupsCache ??= rollUp(interner, rows, classCount, classGroup, size, classKinds, names);
      return groupsCache;
    },
  };
}

/**
 * Namespace (group) roll-up without visiting every class pair: a pair with no override on either
 * side has the value egressDefault(s) ∩ ingressDefault(d), so per group pair only the distinct
 * default combinations count (minus pairs that are overridden or are a peer to itself); overridden
 * pairs are added one by one.
 */
function rollUp(interner: ConnInterner, rows: Rows, classCount: number, classGroup: Int32Array, size: Int32Array, kinds: readonly string[], names: string[]): { names: string[]; matrix: ConnSet[][] } {
  const G = names.length;
  const external = names.indexOf("(external)");
  // Per group: [defaultId, number of classes] for egress and ingress defaults.
  const eCounts: Array<Map<number, number>> = names.map(() => new Map());
  const iCounts: Array<Map<number, number>> = names.map(() => new Map());
  for (let c = 0; c < classCount; c++) {
    const g = classGroup[c]!;
    eCounts[g]!.set(rows.egressDefault[c]!, (eCounts[g]!.get(rows.egressDefault[c]!) ?? 0) + 1);
    iCounts[g]!.set(rows.ingressDefault[c]!, (iCounts[g]!.get(rows.ingressDefault[c]!) ?? 0) + 1);
  }
  // Pairs that do not take the default combination: overridden ones and single-member self pairs.
  const special = new Map<number, Set<number>>(); // s → set of d
  const mark = (s: number, d: number): void => {
    let set = special.get(s);
    if (set === undefined) special.set(s, (set = new Set()));
    set.add(d);
  };
  for (let s = 0; s < classCount; s++) for (const d of rows.egressOverrides[s]!.keys()) mark(s, d);
  for (let d = 0; d < classCount; d++) for (const s of rows.ingressOverrides[d]!.keys()) mark(s, d);
  for (let c = 0; c < classCount; c++) if (size[c]! < 2) mark(c, c);
  const result = new Uint32Array(G * G);
  const taken = new Map<string, number>(); // `${gs},${gd},${eDefault},${iDefault}` → pairs not taking the default
  for (const [s, set] of special) {
    for (const d of set) {
      const gs = classGroup[s]!;
      const gd = classGroup[d]!;
      const k = `${gs},${gd},${rows.egressDefault[s]},${rows.ingressDefault[d]}`;
      taken.set(k, (taken.get(k) ?? 0) + 1);
      if (s === d && size[s]! < 2) continue;
      if (kinds[s] === "external" && kinds[d] === "external") continue;
      const e = rows.egressOverrides[s]!.get(d) ?? rows.egressDefault[s]!;
      const i = rows.ingressOverrides[d]!.get(s) ?? rows.ingressDefault[d]!;
      const id = interner.intersectIds(e, i);
      if (id !== 0) result[gs * G + gd] = interner.unionIds(result[gs * G + gd]!, id);
    }
  }
  const eList = eCounts.map((m) => [...m.entries()]);
  const iList = iCounts.map((m) => [...m.entries()]);
  for (let gs = 0; gs < G; gs++) {
    for (let gd = 0; gd < G; gd++) {
      if (gs === external && gd === external) continue;
      let acc = result[gs * G + gd]!;
      for (const [x, cx] of eList[gs]!) {
        if (x === 0) continue;
        for (const [y, cy] of iList[gd]!) {
          const id = interner.intersectIds(x, y);
          if (id === 0) continue;
          const t = special.size === 0 ? 0 : (taken.get(`${gs},${gd},${x},${y}`) ?? 0);
          if (cx * cy - t > 0) acc = interner.unionIds(acc, id);
        }
      }
      result[gs * G + gd] = acc;
    }
  }
  const matrix = names.map((_, gs) => names.map((__, gd) => interner.get(result[gs * G + gd]!)));
  return { names, matrix };
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
function symbolicSide(e: Endpoint, dir: Direction, program: Program, bits: readonly boolean[], conns: (k: number) => ConnSet, fsSet: ConnSet): ConnSet {
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
function atoms(predicates: readonly IpSet[], exclude: IpSet): IpRange[][] {
  const groups = new Map<string, IpRange[]>();
  for (const version of [4, 6] as const) {
    // No IPv6 anywhere: leave the v6 space out.
    if (version === 6 && predicates.every((p) => p.v6.length === 0)) continue;
    for (const { first, last, covering } of cutBySets(predicates, version)) {
      if (first === last && exclude.contains(version, first)) continue;
      const key = `${version}:${covering.join(",")}`;
      const g = groups.get(key);
      if (g === undefined) groups.set(key, [{ version, first, last }]);
      else {
        const prev = g[g.length - 1]!;
        if (prev.last + 1n === first) g[g.length - 1] = { version, first: prev.first, last };
        else g.push({ version, first, last });
      }
    }
  }
  return [...groups.values()];
}
