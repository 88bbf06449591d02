/**
 * Semantic diff of two policy sets over one inventory: which flows become allowed and which become
 * denied, each explained by the rules that decide a representative flow before and after. Moving
 * YAML around, renaming files or reordering objects changes nothing here; only verdicts count.
 *
 * Laws (property-tested): diff(a, a) is empty; diff(a, b) is diff(b, a) with added and removed swapped.
 */
import { ConnInterner, ConnSet } from "./connset.js";
import { type Connectivity, ExternalPeersCache, type Overrides, type PeerInfo, type SharedRow, computeConnectivity, groupOrder, ipPredicatesOf, transposeOverrides } from "./connectivity.js";
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
  // One cut of the address space for both sides when their endpoint addresses and externals agree.
  const externalCache = new ExternalPeersCache();
  // The second side takes over the first's rows where their inputs are the same (see ConnectivityOptions.base).
  const ca = computeConnectivity(a, { interner, ipPredicates, externalCache, reusable: true });
  const cb = computeConnectivity(b, { interner, ipPredicates, externalCache, base: ca });
  // Rows the second side copied from the first (computed over it, with the same classes).
  const copied = cb.copied;
  const max = opts.maxChanges ?? 2000;
  const explain = opts.explain ?? true;

  // Joint peers (a peer may exist on one side only: it then allows nothing there): workloads and hosts
  // by id; external ranges by identity when both sides cut the address space alike (one cut serves both:
  // ExternalPeersCache), else by id. An external peer's id writes out every range it holds (megabytes
  // over a large cut), so it is read only where it must be.
  const externalsOf = (c: Connectivity): PeerInfo[] => c.peers.filter((p) => p.kind === "external");
  const extA = externalsOf(ca);
  const extB = externalsOf(cb);
  const sameExternals = extA.length === extB.length && extA.every((p, i) => p === extB[i]);
  const keyOf = (p: PeerInfo): string | PeerInfo => (p.kind === "external" && sameExternals ? p : p.id);
  const ia = new Map<string | PeerInfo, number>();
  const ib = new Map<string | PeerInfo, number>();
  ca.peers.forEach((p, i) => ia.set(keyOf(p), i));
  cb.peers.forEach((p, i) => ib.set(keyOf(p), i));
  const joint: PeerInfo[] = [...ca.peers];
  for (const p of cb.peers) if (!ia.has(keyOf(p))) joint.push(p);
  // Order: by group (namespaces, then hosts, then externals), then by id; externals by their first address
  // (then by id, when two start at the same address).
  const firstOf = new Map<PeerInfo, { version: number; first: bigint }>();
  for (const p of joint) {
    if (p.kind !== "external") continue;
    const r = p.ips!.ranges()[Symbol.iterator]().next().value as { version: number; first: bigint };
    firstOf.set(p, r);
  }
  const byId = (x: PeerInfo, y: PeerInfo): number => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
  const byFirstAddress = (x: PeerInfo, y: PeerInfo): number => {
    const fx = firstOf.get(x)!;
    const fy = firstOf.get(y)!;
    return fx.version - fy.version || (fx.first < fy.first ? -1 : fx.first > fy.first ? 1 : 0) || byId(x, y);
  };
  {
    // Each peer's group ranked once (no lookups inside the comparator but for externals' first addresses).
    const groupNames = [...new Set(joint.map((p) => p.group))].sort(groupOrder);
    const rank = new Map(groupNames.map((g, i) => [g, i] as const));
    const keyed = joint.map((p) => ({ p, rank: rank.get(p.group)! }));
    keyed.sort((x, y) => x.rank - y.rank || (x.p.kind === "external" ? byFirstAddress(x.p, y.p) : byId(x.p, y.p)));
    for (let i = 0; i < keyed.length; i++) joint[i] = keyed[i]!.p;
  }
  // Per joint peer, its index on each side (-1: not there).
  const atA = Int32Array.from(joint, (p) => ia.get(keyOf(p)) ?? -1);
  const atB = Int32Array.from(joint, (p) => ib.get(keyOf(p)) ?? -1);
  const info = (i: number): PeerInfo => joint[i]!;

  // Joint classes: peers that are in the same class in both versions are compared once.
  const jointIndex = new Map<number, number>();
  const jA: number[] = [];
  const jB: number[] = [];
  const members: number[][] = [];
  const classesA = ca.classCount + 1;
  joint.forEach((_, i) => {
    const cA = atA[i]! >= 0 ? ca.classOf[atA[i]!]! : -1;
    const cB = atB[i]! >= 0 ? cb.classOf[atB[i]!]! : -1;
    const k = (cB + 1) * classesA + cA + 1;
    let j = jointIndex.get(k);
    if (j === undefined) {
      j = members.length;
      jointIndex.set(k, j);
      jA.push(cA);
      jB.push(cB);
      members.push([]);
    }
    members[j]!.push(i);
  });
  const J = members.length;
  const jointsOf = (side: number[], classCount: number): number[][] => {
    const out: number[][] = Array.from({ length: classCount }, () => []);
    side.forEach((c, j) => {
      if (c >= 0) out[c]!.push(j);
    });
    return out;
  };
  const jointsOfA = jointsOf(jA, ca.classCount);
  const jointsOfB = jointsOf(jB, cb.classCount);
  const value = (conn: Connectivity, side: number[], j1: number, j2: number): number => (side[j1]! < 0 || side[j2]! < 0 ? 0 : conn.classAllowedId(side[j1]!, side[j2]!));
  const external = (j: number): boolean => info(members[j]![0]!).kind === "external";
  const groupOf = (j: number): string => info(members[j]![0]!).group;

  // Listed changes by joint peer index (ids are written out only for these).
  const changes: Array<{ si: number; di: number; before: ConnSet; after: ConnSet; added: ConnSet; removed: ConnSet }> = [];
  let omitted = 0;
  const groups = new Map<string, { added: ConnSet; removed: ConnSet; pairs: number }>();
  const addGroup = (gs: string, gd: string, added: ConnSet, removed: ConnSet, pairs: number): void => {
    if (pairs <= 0) return;
    const k = `${gs}\u0000${gd}`;
    const g = groups.get(k) ?? { added: ConnSet.EMPTY, removed: ConnSet.EMPTY, pairs: 0 };
    groups.set(k, { added: g.added.union(added), removed: g.removed.union(removed), pairs: g.pairs + pairs });
  };
  let countOmitted = true;
  const list = (j1: number, j2: number, before: ConnSet, after: ConnSet, added: ConnSet, removed: ConnSet): void => {
    for (const i of members[j1]!) {
      for (const k of members[j2]!) {
        if (i === k) continue;
        if (changes.length >= max) {
          if (countOmitted) omitted++;
          continue;
        }
        changes.push({ si: i, di: k, before, after, added, removed });
      }
    }
  };
  const pairCount = (j1: number, j2: number): number => members[j1]!.length * members[j2]!.length - (j1 === j2 ? members[j1]!.length : 0);

  // Default signatures per joint class, as small integers (keys stay numeric: no string per pair).
  const srcSigIds = new Map<string, number>();
  const dstSigIds = new Map<string, number>();
  const groupIds = new Map<string, number>();
  const sigS = new Int32Array(J);
  const sigD = new Int32Array(J);
  const grp = new Int32Array(J);
  const ext = new Uint8Array(J);
  const extJoints: number[] = [];
  for (let j = 0; j < J; j++) {
    const a = `${jA[j]! < 0 ? 0 : ca.rows.egressDefault[jA[j]!]},${jB[j]! < 0 ? 0 : cb.rows.egressDefault[jB[j]!]}`;
    const b = `${jA[j]! < 0 ? 0 : ca.rows.ingressDefault[jA[j]!]},${jB[j]! < 0 ? 0 : cb.rows.ingressDefault[jB[j]!]}`;
    sigS[j] = srcSigIds.get(a) ?? srcSigIds.set(a, srcSigIds.size).get(a)!;
    sigD[j] = dstSigIds.get(b) ?? dstSigIds.set(b, dstSigIds.size).get(b)!;
    const g = groupOf(j);
    grp[j] = groupIds.get(g) ?? groupIds.set(g, groupIds.size).get(g)!;
    ext[j] = external(j) ? 1 : 0;
    if (ext[j] === 1) extJoints.push(j);
  }
  const G = groupIds.size;
  const NS = dstSigIds.size;
  const comboKey = (ss: number, ds: number, gs: number, gd: number): number => ((ss * NS + ds) * G + gs) * G + gd;
  // The default ids behind each signature: [egress a, egress b] per source signature, [ingress a,
  // ingress b] per destination signature.
  const srcSigIdsOf = [...srcSigIds.keys()].map((k) => k.split(",").map(Number) as [number, number]);
  const dstSigIdsOf = [...dstSigIds.keys()].map((k) => k.split(",").map(Number) as [number, number]);
  // Only combinations of defaults whose value changes between the versions are listed in step 2, so
  // only their overridden pairs need counting (the others are never read).
  const comboMemo = new Map<number, boolean>();
  const comboChanges = (ss: number, ds: number): boolean => {
    const k = ss * NS + ds;
    let x = comboMemo.get(k);
    if (x === undefined) {
      const [eA, eB] = srcSigIdsOf[ss]!;
      const [iA, iB] = dstSigIdsOf[ds]!;
      comboMemo.set(k, (x = interner.intersectIds(eA, iA) !== interner.intersectIds(eB, iB)));
    }
    return x;
  };
  const overriddenByCombo = new Map<number, number>();
  const addOverridden = (ss: number, ds: number, gs: number, gd: number, pairs: number): void => {
    if (!comboChanges(ss, ds)) return;
    const ck = comboKey(ss, ds, gs, gd);
    overriddenByCombo.set(ck, (overriddenByCombo.get(ck) ?? 0) + pairs);
  };

  // Shared rows toward external peers (Overrides.shared). A joint class whose rows are shared in both
  // versions is compared against every external joint class once per distinct (row, row, defaults)
  // combination: only the pairs that differ are listed one by one, the others are counted. With a
  // shared row in one version only, its entries are taken one by one like explicit ones.
  const sharedRow = (o: Overrides, c: number): SharedRow | undefined => (c < 0 || o.ext[c]! < 0 ? undefined : o.shared[o.ext[c]!]);
  const has = (r: SharedRow | undefined, c: number): boolean => {
    if (r === undefined || c < 0) return false;
    let lo = 0;
    let hi = r.peers.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (r.peers[mid]! < c) lo = mid + 1;
      else if (r.peers[mid]! > c) hi = mid - 1;
      else return true;
    }
    return false;
  };
  interface SharedCompare {
    /** External joint classes with an entry in either row. */
    readonly covered: ReadonlySet<number>;
    /** Covered ones whose value differs between the versions (listed one by one). */
    readonly differing: readonly number[];
    /** Members of covered, non-differing joint classes, by their default signature (sigD for egress, sigS for ingress). */
    readonly counted: ReadonlyMap<number, number>;
  }
  const compareMemo = new Map<string, SharedCompare>();
  const compareShared = (dir: "egress" | "ingress", j: number, rA: SharedRow, rB: SharedRow, xA: number, xB: number): SharedCompare => {
    const dA = jA[j]! < 0 ? 0 : (dir === "egress" ? ca.rows.egressDefault : ca.rows.ingressDefault)[jA[j]!]!;
    const dB = jB[j]! < 0 ? 0 : (dir === "egress" ? cb.rows.egressDefault : cb.rows.ingressDefault)[jB[j]!]!;
    const key = `${dir}/${xA}/${xB}/${dA}/${dB}`;
    let m = compareMemo.get(key);
    if (m === undefined) {
      const covered = new Set<number>();
      const differing: number[] = [];
      const counted = new Map<number, number>();
      for (const e of extJoints) {
        if (!has(rA, jA[e]!) && !has(rB, jB[e]!)) continue;
        covered.add(e);
        const [s, d] = dir === "egress" ? [j, e] : [e, j];
        if (value(ca, jA, s, d) !== value(cb, jB, s, d)) differing.push(e);
        else {
          const sig = dir === "egress" ? sigD[e]! : sigS[e]!;
          counted.set(sig, (counted.get(sig) ?? 0) + members[e]!.length);
        }
      }
      compareMemo.set(key, (m = { covered, differing, counted }));
    }
    return m;
  };
  const egressShared = new Map<number, SharedCompare>(); // source joint → comparison
  const ingressShared = new Map<number, SharedCompare>(); // destination joint → comparison
  const extraPairs = new Map<number, number[]>(); // source joint → destination joints taken one by one
  const extra = (j1: number, j2: number): void => void (extraPairs.get(j1) ?? extraPairs.set(j1, []).get(j1)!).push(j2);
  const jointsOfSide = (side: "A" | "B", c: number): number[] => (side === "A" ? jointsOfA : jointsOfB)[c]!;
  for (let j = 0; j < J; j++) {
    for (const dir of ["egress", "ingress"] as const) {
      const oA = dir === "egress" ? ca.rows.egress : ca.rows.ingress;
      const oB = dir === "egress" ? cb.rows.egress : cb.rows.ingress;
      const rA = sharedRow(oA, jA[j]!);
      const rB = sharedRow(oB, jB[j]!);
      if (rA === undefined && rB === undefined) continue;
      if (rA !== undefined && rB !== undefined) {
        const m = compareShared(dir, j, rA, rB, oA.ext[jA[j]!]!, oB.ext[jB[j]!]!);
        (dir === "egress" ? egressShared : ingressShared).set(j, m);
        for (const e of m.differing) {
          if (dir === "egress") extra(j, e);
          else extra(e, j);
        }
        for (const [sig, n] of m.counted) {
          if (dir === "egress") addOverridden(sigS[j]!, sig, grp[j]!, grp[extJoints[0]!]!, members[j]!.length * n);
          else addOverridden(sig, sigD[j]!, grp[extJoints[0]!]!, grp[j]!, n * members[j]!.length);
        }
        continue;
      }
      const [side, r] = rA !== undefined ? (["A", rA] as const) : (["B", rB!] as const);
      for (const c of r.peers) {
        for (const e of jointsOfSide(side, c)) {
          if (dir === "egress") extra(j, e);
          else extra(e, j);
        }
      }
    }
  }

  // 1. Joint pairs with an override on either side in either version: compared one by one. Per
  //    source joint class, its overridden destination joint classes (ascending), gathered from the
  //    explicit rows of both versions (egress rows are by source; ingress rows are transposed to be)
  //    and from the shared rows above.
  const overriddenOffsets = new Int32Array(J + 1);
  let overriddenList = new Int32Array(1024);
  let overriddenLen = 0;
  {
    const bySource = (conn: Connectivity): readonly [Overrides, Overrides] => [conn.rows.egress, transposeOverrides(conn.rows.ingress, conn.classCount)];
    const rowsA = bySource(ca);
    const rowsB = bySource(cb);
    const stamp = new Int32Array(J).fill(-1);
    const row = new Int32Array(J);
    let rowLen = 0;
    // A class that is one joint class (the usual case) is looked up directly, not through its list.
    const single = (jointsOfSide: number[][]): Int32Array => Int32Array.from(jointsOfSide, (l) => (l.length === 1 ? l[0]! : -1));
    const singleA = single(jointsOfA);
    const singleB = single(jointsOfB);
    const gather = (j1: number, c: number, o: Overrides, jointsOfSide: number[][], singles: Int32Array): void => {
      const peers = o.peers;
      for (let k = o.offsets[c]!; k < o.offsets[c + 1]!; k++) {
        const one = singles[peers[k]!]!;
        if (one >= 0) {
          if (stamp[one] !== j1) {
            stamp[one] = j1;
            row[rowLen++] = one;
          }
          continue;
        }
        for (const j2 of jointsOfSide[peers[k]!]!) {
          if (stamp[j2] !== j1) {
            stamp[j2] = j1;
            row[rowLen++] = j2;
          }
        }
      }
    };
    for (let j1 = 0; j1 < J; j1++) {
      const cA = jA[j1]!;
      const cB = jB[j1]!;
      if (cA >= 0) {
        gather(j1, cA, rowsA[0], jointsOfA, singleA);
        gather(j1, cA, rowsA[1], jointsOfA, singleA);
      }
      if (cB >= 0) {
        gather(j1, cB, rowsB[0], jointsOfB, singleB);
        gather(j1, cB, rowsB[1], jointsOfB, singleB);
      }
      for (const j2 of extraPairs.get(j1) ?? []) {
        if (stamp[j2] !== j1) {
          stamp[j2] = j1;
          row[rowLen++] = j2;
        }
      }
      const sorted = row.subarray(0, rowLen).sort();
      if (overriddenLen + rowLen > overriddenList.length) {
        const grown = new Int32Array(Math.max(overriddenList.length * 2, overriddenLen + rowLen));
        grown.set(overriddenList.subarray(0, overriddenLen));
        overriddenList = grown;
      }
      overriddenList.set(sorted, overriddenLen);
      overriddenLen += rowLen;
      rowLen = 0;
      overriddenOffsets[j1 + 1] = overriddenLen;
    }
  }
  const isOverridden = (j1: number, j2: number): boolean => {
    if (ext[j2] === 1 && egressShared.get(j1)?.covered.has(j2) === true) return true;
    if (ext[j1] === 1 && ingressShared.get(j2)?.covered.has(j1) === true) return true;
    let lo = overriddenOffsets[j1]!;
    let hi = overriddenOffsets[j1 + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = overriddenList[mid]!;
      if (v < j2) lo = mid + 1;
      else if (v > j2) hi = mid - 1;
      else return true;
    }
    return false;
  };
  for (let j1 = 0; j1 < J; j1++) for (let at = overriddenOffsets[j1]!; at < overriddenOffsets[j1 + 1]!; at++) {
    const j2 = overriddenList[at]!;
    // Pairs counted by a shared-row comparison are not counted again (only its differing ones are here).
    const sharedCounted = (ext[j2] === 1 && egressShared.get(j1)?.covered.has(j2) === true) || (ext[j1] === 1 && ingressShared.get(j2)?.covered.has(j1) === true);
    const differs = sharedCounted && (egressShared.get(j1)?.differing.includes(j2) === true || ingressShared.get(j2)?.differing.includes(j1) === true);
    if (!sharedCounted || differs) addOverridden(sigS[j1]!, sigD[j2]!, grp[j1]!, grp[j2]!, pairCount(j1, j2));
    if (ext[j1] === 1 && ext[j2] === 1) continue;
    // Both rows copied from the first version's rows of the same classes: the same value.
    if (copied !== undefined && jA[j1] === jB[j1] && jA[j2] === jB[j2] && copied.egress[jB[j1]!] === 1 && copied.ingress[jB[j2]!] === 1) continue;
    const idA = value(ca, jA, j1, j2);
    const idB = value(cb, jB, j1, j2);
    if (idA === idB) continue;
    const before = interner.get(idA);
    const after = interner.get(idB);
    const added = after.subtract(before);
    const removed = before.subtract(after);
    addGroup(groupOf(j1), groupOf(j2), added, removed, pairCount(j1, j2));
    list(j1, j2, before, after, added, removed);
  }

  countOmitted = false;
  // 2. All other pairs take default ∩ default in each version, so they change together per
  //    combination of (source defaults, destination defaults): compare each combination once.
  const bySrcSig = new Map<string, number[]>();
  const byDstSig = new Map<string, number[]>();
  const srcSigText = [...srcSigIds.keys()];
  const dstSigText = [...dstSigIds.keys()];
  for (let j = 0; j < J; j++) {
    const a = srcSigText[sigS[j]!]!;
    const b = dstSigText[sigD[j]!]!;
    (bySrcSig.get(a) ?? bySrcSig.set(a, []).get(a)!).push(j);
    (byDstSig.get(b) ?? byDstSig.set(b, []).get(b)!).push(j);
  }
  for (const [ss, srcJ] of bySrcSig) {
    const [eA, eB] = ss.split(",").map(Number) as [number, number];
    const ssId = srcSigIds.get(ss)!;
    for (const [ds, dstJ] of byDstSig) {
      const [iA, iB] = ds.split(",").map(Number) as [number, number];
      const dsId = dstSigIds.get(ds)!;
      const idA = interner.intersectIds(eA, iA);
      const idB = interner.intersectIds(eB, iB);
      if (idA === idB) continue;
      const before = interner.get(idA);
      const after = interner.get(idB);
      const added = after.subtract(before);
      const removed = before.subtract(after);
      // Roll-up: peer pairs per namespace pair, minus the overridden ones counted above.
      const count = (js: number[]): Map<string, number> => {
        const m = new Map<string, number>();
        for (const j of js) m.set(groupOf(j), (m.get(groupOf(j)) ?? 0) + members[j]!.length);
        return m;
      };
      const selfPairs = new Map<string, number>(); // same joint class on both sides: its self pairs
      const dstSet = new Set(dstJ);
      for (const j of srcJ) if (dstSet.has(j)) selfPairs.set(groupOf(j), (selfPairs.get(groupOf(j)) ?? 0) + members[j]!.length);
      let comboPairs = 0;
      for (const [gs, ns] of count(srcJ)) {
        for (const [gd, nd] of count(dstJ)) {
          if (gs === "(external)" && gd === "(external)") continue;
          const pairs = ns * nd - (gs === gd ? (selfPairs.get(gs) ?? 0) : 0) - (overriddenByCombo.get(comboKey(ssId, dsId, groupIds.get(gs)!, groupIds.get(gd)!)) ?? 0);
          addGroup(gs, gd, added, removed, pairs);
          comboPairs += Math.max(0, pairs);
        }
      }
      // List pairs until the cap; the rest of the combination is counted, not visited.
      let listed = 0;
      outer: for (const j1 of srcJ) {
        for (const j2 of dstJ) {
          if (changes.length >= max) break outer;
          if (isOverridden(j1, j2) || (ext[j1] === 1 && ext[j2] === 1)) continue;
          const before0 = changes.length;
          list(j1, j2, before, after, added, removed);
          listed += changes.length - before0;
        }
      }
      omitted += comboPairs - listed;
    }
  }
  // Joint peers are in order: listed changes sort by their indexes.
  changes.sort((x, y) => x.si - y.si || x.di - y.di);
  const explained: FlowChange[] = changes.map((c) => {
    const src = info(c.si);
    const dst = info(c.di);
    const change: FlowChange = { src: src.id, dst: dst.id, srcGroup: src.group, dstGroup: dst.group, before: c.before, after: c.after, added: c.added, removed: c.removed };
    if (!explain) return change;
    const pick = (c.added.isEmpty() ? c.removed : c.added).first()!;
    const flowIn = (m: Model, conn: Connectivity, at: Int32Array): FlowResult => {
      const sp = peerView(at[c.si]! >= 0 ? conn.peers[at[c.si]!]! : src);
      const dp = peerView(at[c.di]! >= 0 ? conn.peers[at[c.di]!]! : dst);
      return evaluateFlow(m, { src: sp, dst: dp, protocol: pick.protocol, port: pick.port });
    };
    return { ...change, explanation: { protocol: pick.protocol, port: pick.port, before: flowIn(a, ca, atA), after: flowIn(b, cb, atB) } };
  });
  const groupList = [...groups.entries()]
    .map(([k, v]) => {
      const [src, dst] = k.split("\u0000") as [string, string];
      return { src, dst, ...v };
    })
    .sort((x, y) => groupOrder(x.src, y.src) || groupOrder(x.dst, y.dst));
  return { changes: explained, omitted, groups: groupList, before: ca, after: cb };
}
