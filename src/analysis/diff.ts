/**
 * Semantic diff of two policy sets over one inventory: which flows become allowed and which become
 * denied, each explained by the rules that decide a representative flow before and after. Moving
 * YAML around, renaming files or reordering objects changes nothing here; only verdicts count.
 *
 * Laws (property-tested): diff(a, a) is empty; diff(a, b) is diff(b, a) with added and removed swapped.
 */
import { ConnInterner, ConnSet } from "./connset.js";
import { type Connectivity, type PeerInfo, computeConnectivity, groupOrder, ipPredicatesOf } from "./connectivity.js";
import { type FlowResult, type Peer, endpointPeer, evaluateFlow } from "./evaluate.js";
import type { Model } from "./model.js";

export interface FlowChange {
  readonly src: string;
  readonly dst: string;
  readonly srcGroup: string;
  readonly dstGroup: string;
  readonly before: ConnSet;
  readonly after: ConnSet;
  /** Newly allowed. */
  readonly added: ConnSet;
  /** Newly denied. */
  readonly removed: ConnSet;
  /** One changed connection evaluated in both versions: the rules that explain the change. */
  readonly explanation?: { readonly protocol: number; readonly port: number; readonly before: FlowResult; readonly after: FlowResult };
}

export interface GroupChange {
  readonly src: string;
  readonly dst: string;
  readonly added: ConnSet;
  readonly removed: ConnSet;
  readonly pairs: number;
}

export interface DiffResult {
  /** Workload/host/external pairs whose allowed connections changed, in a stable order. */
  readonly changes: readonly FlowChange[];
  /** Changes left out of `changes` because of `maxChanges` (still counted in `groups`). */
  readonly omitted: number;
  /** Roll-up by namespace (group) pair. */
  readonly groups: readonly GroupChange[];
  readonly before: Connectivity;
  readonly after: Connectivity;
}

export interface DiffOptions {
  /** Most pair changes listed individually (default 2000); the roll-up is always complete. */
  readonly maxChanges?: number;
  /** Explain each listed change (default true). */
  readonly explain?: boolean;
}

function peerView(p: PeerInfo): Peer {
  if (p.endpoint !== undefined) return endpointPeer(p.endpoint);
  const r = [...p.ips!.ranges()][0]!;
  return { ip: { version: r.version, value: r.first }, display: p.id };
}

export function diffModels(a: Model, b: Model, opts: DiffOptions = {}): DiffResult {
  const interner = new ConnInterner();
  const ipPredicates = [...ipPredicatesOf(a), ...ipPredicatesOf(b)];
  const ca = computeConnectivity(a, { interner, ipPredicates });
  const cb = computeConnectivity(b, { interner, ipPredicates });
  const max = opts.maxChanges ?? 2000;
  const explain = opts.explain ?? true;

  // Joint peers by id (a peer may exist on one side only: it then allows nothing there).
  const ids = [...new Set([...ca.peers.map((p) => p.id), ...cb.peers.map((p) => p.id)])];
  const ia = new Map(ca.peers.map((p, i) => [p.id, i] as const));
  const ib = new Map(cb.peers.map((p, i) => [p.id, i] as const));
  const info = (id: string): PeerInfo => (ia.has(id) ? ca.peers[ia.get(id)!]! : cb.peers[ib.get(id)!]!);
  const order = (x: PeerInfo, y: PeerInfo): number => groupOrder(x.group, y.group) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
  ids.sort((x, y) => order(info(x), info(y)));

  // Joint classes: peers equal in both versions are compared once per class pair.
  const jointKey = ids.map((id) => `${ia.has(id) ? ca.classOf[ia.get(id)!] : -1}/${ib.has(id) ? cb.classOf[ib.get(id)!] : -1}`);
  const jointIndex = new Map<string, number>();
  const joint = ids.map((_, i) => {
    let j = jointIndex.get(jointKey[i]!);
    if (j === undefined) {
      j = jointIndex.size;
      jointIndex.set(jointKey[i]!, j);
    }
    return j;
  });
  const members: number[][] = [];
  joint.forEach((j, i) => (members[j] ??= []).push(i));
  const side = (c: Connectivity, idx: Map<string, number>, id: string): number | undefined => idx.get(id);

  const changes: FlowChange[] = [];
  let omitted = 0;
  const groups = new Map<string, { added: ConnSet; removed: ConnSet; pairs: number }>();
  const J = members.length;
  for (let s = 0; s < J; s++) {
    for (let d = 0; d < J; d++) {
      const rs = ids[members[s]![0]!]!;
      const rd = ids[members[d]![0]!]!;
      const ps = info(rs);
      const pd = info(rd);
      if (ps.kind === "external" && pd.kind === "external") continue;
      const as = side(ca, ia, rs);
      const ad = side(ca, ia, rd);
      const bs = side(cb, ib, rs);
      const bd = side(cb, ib, rd);
      const idA = as === undefined || ad === undefined ? 0 : ca.allowedId(as, ad);
      const idB = bs === undefined || bd === undefined ? 0 : cb.allowedId(bs, bd);
      if (idA === idB) continue;
      const before = interner.get(idA);
      const after = interner.get(idB);
      const added = after.subtract(before);
      const removed = before.subtract(after);
      for (const i of members[s]!) {
        for (const k of members[d]!) {
          if (i === k) continue;
          const src = info(ids[i]!);
          const dst = info(ids[k]!);
          const gk = `${src.group}\u0000${dst.group}`;
          const g = groups.get(gk) ?? { added: ConnSet.EMPTY, removed: ConnSet.EMPTY, pairs: 0 };
          groups.set(gk, { added: g.added.union(added), removed: g.removed.union(removed), pairs: g.pairs + 1 });
          if (changes.length >= max) {
            omitted++;
            continue;
          }
          changes.push({ src: src.id, dst: dst.id, srcGroup: src.group, dstGroup: dst.group, before, after, added, removed });
        }
      }
    }
  }
  changes.sort((x, y) => order(info(x.src), info(y.src)) || order(info(x.dst), info(y.dst)));
  const explained = explain
    ? changes.map((c) => {
        const pick = (c.added.isEmpty() ? c.removed : c.added).first()!;
        const src = info(c.src);
        const dst = info(c.dst);
        const flowIn = (m: Model, conn: Connectivity, idx: Map<string, number>): FlowResult => {
          const sp = idx.has(c.src) ? peerView(conn.peers[idx.get(c.src)!]!) : peerView(src);
          const dp = idx.has(c.dst) ? peerView(conn.peers[idx.get(c.dst)!]!) : peerView(dst);
          return evaluateFlow(m, { src: sp, dst: dp, protocol: pick.protocol, port: pick.port });
        };
        return { ...c, explanation: { protocol: pick.protocol, port: pick.port, before: flowIn(a, ca, ia), after: flowIn(b, cb, ib) } };
      })
    : changes;
  const groupList = [...groups.entries()]
    .map(([k, v]) => {
      const [src, dst] = k.split("\u0000") as [string, string];
      return { src, dst, ...v };
    })
    .sort((x, y) => groupOrder(x.src, y.src) || groupOrder(x.dst, y.dst));
  return { changes: explained, omitted, groups: groupList, before: ca, after: cb };
}
