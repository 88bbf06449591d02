/**
 * Sets of IP addresses as sorted, disjoint, non-adjacent inclusive ranges of bigints, one list per IP
 * version. Built on `src/model/net.ts` (the one CIDR parser). Used for rule `nets`/`notNets`, network
 * sets (50,000 CIDRs must stay cheap: building is one sort, membership is a binary search) and for
 * cutting the address space into the external peer ranges the connectivity report shows.
 */
import { type Cidr, type IpVersion, bitsOf, formatCidr, formatIp, parseCidr, parseIp } from "../model/net.js";

export interface IpRange {
  readonly version: IpVersion;
  readonly first: bigint;
  readonly last: bigint;
}

const V4_MAX = (1n << 32n) - 1n;
const V6_MAX = (1n << 128n) - 1n;

export class IpSet {
  static readonly EMPTY = new IpSet([], []);
  static readonly ALL = new IpSet([0n, V4_MAX], [0n, V6_MAX]);

  /** Flat `[first0, last0, first1, last1, ...]` per version. */
  private constructor(
    readonly v4: readonly bigint[],
    readonly v6: readonly bigint[],
  ) {}

  static fromCidrs(cidrs: Iterable<Cidr>): IpSet {
    const v4: Array<[bigint, bigint]> = [];
    const v6: Array<[bigint, bigint]> = [];
    for (const c of cidrs) (c.version === 4 ? v4 : v6).push([c.first, c.last]);
    return new IpSet(normalise(v4), normalise(v6));
  }

  static fromRanges(ranges: Iterable<IpRange>): IpSet {
    const v4: Array<[bigint, bigint]> = [];
    const v6: Array<[bigint, bigint]> = [];
    for (const r of ranges) (r.version === 4 ? v4 : v6).push([r.first, r.last]);
    return new IpSet(normalise(v4), normalise(v6));
  }

  /**
   * From flat `[first0, last0, ...]` lists already sorted, disjoint and non-adjacent (checked: a list
   * that is not is refused, never silently mis-read).
   */
  static fromSortedFlat(v4: bigint[], v6: bigint[]): IpSet {
    for (const list of [v4, v6]) {
      if (list.length % 2 !== 0) throw new Error("internal: an odd number of range bounds");
      for (let i = 0; i < list.length; i += 2) {
        if (list[i]! > list[i + 1]! || (i > 0 && list[i]! <= list[i - 1]! + 1n)) throw new Error(`internal: ranges not sorted, disjoint and non-adjacent at bound ${i}`);
      }
    }
    return new IpSet(v4, v6);
  }

  /** Parses CIDR or address texts; throws on a bad one (callers validate with Problems first). */
  static parse(texts: Iterable<string>): IpSet {
    const cidrs: Cidr[] = [];
    for (const t of texts) {
      const c = parseCidr(t);
      if (c === undefined) throw new Error(`not a CIDR: ${t}`);
      cidrs.push(c);
    }
    return IpSet.fromCidrs(cidrs);
  }

  isEmpty(): boolean {
    return this.v4.length === 0 && this.v6.length === 0;
  }

  contains(version: IpVersion, value: bigint): boolean {
    const r = version === 4 ? this.v4 : this.v6;
    let lo = 0;
    let hi = r.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (value < r[2 * mid]!) hi = mid - 1;
      else if (value > r[2 * mid + 1]!) lo = mid + 1;
      else return true;
    }
    return false;
  }

  containsText(ip: string): boolean {
    const p = parseIp(ip);
    return p !== undefined && this.contains(p.version, p.value);
  }

  /** True when every address of the range is in the set. */
  coversRange(r: IpRange): boolean {
    const list = r.version === 4 ? this.v4 : this.v6;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i]! <= r.first && r.last <= list[i + 1]!) return true;
      if (list[i]! > r.first) return false;
    }
    return false;
  }

  union(o: IpSet): IpSet {
    return new IpSet(mergeList(this.v4, o.v4, (a, b) => a || b), mergeList(this.v6, o.v6, (a, b) => a || b));
  }

  intersect(o: IpSet): IpSet {
    return new IpSet(mergeList(this.v4, o.v4, (a, b) => a && b), mergeList(this.v6, o.v6, (a, b) => a && b));
  }

  subtract(o: IpSet): IpSet {
    return new IpSet(mergeList(this.v4, o.v4, (a, b) => a && !b), mergeList(this.v6, o.v6, (a, b) => a && !b));
  }

  equals(o: IpSet): boolean {
    return eqList(this.v4, o.v4) && eqList(this.v6, o.v6);
  }

  *ranges(): Iterable<IpRange> {
    for (let i = 0; i < this.v4.length; i += 2) yield { version: 4, first: this.v4[i]!, last: this.v4[i + 1]! };
    for (let i = 0; i < this.v6.length; i += 2) yield { version: 6, first: this.v6[i]!, last: this.v6[i + 1]! };
  }

  /** `10.0.0.0-10.0.0.255` ranges joined by commas (netpol-analyzer's external peer style). */
  toString(): string {
    return [...this.ranges()].map(formatRange).join(",");
  }

  /** Readable form: addresses and CIDRs where possible (`10.0.0.60`, `10.1.0.0/16`), ranges otherwise. */
  describe(): string {
    // IPv4 on numbers (exact below 2^53): a set can hold hundreds of thousands of ranges.
    const parts: string[] = [];
    for (let i = 0; i < this.v4.length; i += 2) parts.push(describeV4(Number(this.v4[i]!), Number(this.v4[i + 1]!)));
    for (let i = 0; i < this.v6.length; i += 2) parts.push(describeRange({ version: 6, first: this.v6[i]!, last: this.v6[i + 1]! }));
    return parts.join(",");
  }
}

/** One piece of a cut address space: its addresses and the ascending indexes of the sets covering it. */
export interface CutPiece {
  readonly first: bigint;
  readonly last: bigint;
  readonly covering: readonly number[];
}

/**
 * Cuts one IP version's whole address space at every edge of the given sets and yields the pieces in
 * address order, each with the sets that cover it (none, for the gaps). Within a piece every address is
 * in exactly the same sets, so anything decided by set membership is decided once per piece.
 */
export function* cutBySets(sets: readonly IpSet[], version: IpVersion): Generator<CutPiece> {
  if (version === 4 && sets.length < 1 << 17) {
    yield* cutV4(sets);
    return;
  }
  const max = version === 4 ? V4_MAX : V6_MAX;
  const events: Array<{ at: bigint; id: number; delta: 1 | -1 }> = [];
  sets.forEach((s, id) => {
    const list = version === 4 ? s.v4 : s.v6;
    for (let i = 0; i < list.length; i += 2) {
      events.push({ at: list[i]!, id, delta: 1 });
      if (list[i + 1]! < max) events.push({ at: list[i + 1]! + 1n, id, delta: -1 });
    }
  });
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const active = new Map<number, number>();
  let pos = 0n;
  let i = 0;
  while (pos <= max) {
    while (i < events.length && events[i]!.at === pos) {
      const e = events[i]!;
      const c = (active.get(e.id) ?? 0) + e.delta;
      if (c === 0) active.delete(e.id);
      else active.set(e.id, c);
      i++;
    }
    const next = i < events.length ? events[i]!.at : max + 1n;
    yield { first: pos, last: next - 1n, covering: [...active.keys()].sort((a, b) => a - b) };
    pos = next;
  }
}

export function formatRange(r: IpRange): string {
  return `${formatIp(r.version, r.first)}-${formatIp(r.version, r.last)}`;
}

function formatV4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/** describeRange of an IPv4 range given as numbers. */
function describeV4(first: number, last: number): string {
  if (first === last) return formatV4(first);
  const size = last - first + 1;
  if (size === 2 ** 32) return "0.0.0.0/0";
  // Below 2^32 the bit tests are exact (ToInt32/ToUint32 keep the low 32 bits).
  if ((size & (size - 1)) === 0 && first % size === 0) return `${formatV4(first)}/${Math.clz32(size) + 1}`;
  return `${formatV4(first)}-${formatV4(last)}`;
}

/** Shortest readable form of a range: an address, a CIDR when the range is one, else `first-last`. */
export function describeRange(r: IpRange): string {
  if (r.first === r.last) return formatIp(r.version, r.first);
  const size = r.last - r.first + 1n;
  if ((size & (size - 1n)) === 0n && r.first % size === 0n) {
    return formatCidr({ version: r.version, first: r.first, prefix: bitsOf(r.version) - (size.toString(2).length - 1) });
  }
  return formatRange(r);
}

function normalise(pairs: Array<[bigint, bigint]>): bigint[] {
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: bigint[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1]! + 1n) {
      if (hi > out[n - 1]!) out[n - 1] = hi;
    } else out.push(lo, hi);
  }
  return out;
}

function eqList(a: readonly bigint[], b: readonly bigint[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function mergeList(a: readonly bigint[], b: readonly bigint[], op: (x: boolean, y: boolean) => boolean): bigint[] {
  const out: bigint[] = [];
  let i = 0;
  let j = 0;
  let inA = false;
  let inB = false;
  let inOut = false;
  let start = 0n;
  while (i < a.length || j < b.length) {
    const ea = i < a.length ? (i % 2 === 0 ? a[i]! : a[i]! + 1n) : undefined;
    const eb = j < b.length ? (j % 2 === 0 ? b[j]! : b[j]! + 1n) : undefined;
    const e = ea === undefined ? eb! : eb === undefined ? ea : ea < eb ? ea : eb;
    if (ea === e) {
      inA = !inA;
      i++;
    }
    if (eb === e) {
      inB = !inB;
      j++;
    }
    const now = op(inA, inB);
    if (now !== inOut) {
      if (now) start = e;
      else out.push(start, e - 1n);
      inOut = now;
    }
  }
  return out;
}

/** One piece of the IPv4 sweep: addresses `first`..`last` and the sets covering them (set index → open ranges). */
interface SweepPiece {
  first: number;
  last: number;
  readonly active: ReadonlyMap<number, number>;
}

/**
 * The IPv4 sweep of cutBySets on plain numbers: each edge is one double `address * 2^18 + set * 2 + opens`
 * (exact below 2^53 for fewer than 2^17 sets, which callers check), sorted as a Float64Array, not as objects
 * with bigints. Yields every piece of 0.0.0.0-255.255.255.255 in order, the same object each time (read it
 * before the next step).
 */
function* sweepV4(sets: readonly IpSet[]): Generator<SweepPiece> {
  const MAX = Number(V4_MAX);
  const SHIFT = 2 ** 18;
  let n = 0;
  for (const s of sets) n += s.v4.length;
  const events = new Float64Array(n);
  let k = 0;
  sets.forEach((s, id) => {
    const list = s.v4;
    for (let i = 0; i < list.length; i += 2) {
      events[k++] = Number(list[i]!) * SHIFT + id * 2 + 1;
      const end = Number(list[i + 1]!);
      if (end < MAX) events[k++] = (end + 1) * SHIFT + id * 2;
    }
  });
  const sorted = events.subarray(0, k).sort();
  const active = new Map<number, number>();
  const piece: SweepPiece = { first: 0, last: 0, active };
  let pos = 0;
  let i = 0;
  while (pos <= MAX) {
    while (i < sorted.length && Math.floor(sorted[i]! / SHIFT) === pos) {
      const e = sorted[i]! % SHIFT;
      const id = e >> 1;
      const c = (active.get(id) ?? 0) + ((e & 1) === 1 ? 1 : -1);
      if (c === 0) active.delete(id);
      else active.set(id, c);
      i++;
    }
    const next = i < sorted.length ? Math.floor(sorted[i]! / SHIFT) : MAX + 1;
    piece.first = pos;
    piece.last = next - 1;
    yield piece;
    pos = next;
  }
}

/** The ascending set indexes of a sweep piece (one array per call). */
function coveringOf(active: ReadonlyMap<number, number>): number[] {
  return active.size === 1 ? [active.keys().next().value!] : [...active.keys()].sort((a, b) => a - b);
}

/** cutBySets for IPv4 on plain numbers (the sweep), each piece as a CutPiece. */
function* cutV4(sets: readonly IpSet[]): Generator<CutPiece> {
  for (const p of sweepV4(sets)) yield { first: BigInt(p.first), last: BigInt(p.last), covering: p.active.size === 0 ? [] : coveringOf(p.active) };
}

/**
 * The IPv4 pieces of `cutBySets` grouped by the sets covering them, each group's pieces merged where
 * adjacent, in order of each group's first piece: what cutBySets + a Map of covering keys gives, on
 * plain numbers (no bigint and no covering array per piece; at 250,000 CIDRs there are 500,000
 * pieces). Pieces that are a single address of `skip` are left out.
 */
export function groupV4BySets(sets: readonly IpSet[], skip: IpSet): Array<{ covering: readonly number[]; flat: number[] }> {
  if (sets.length >= 1 << 17) {
    // Past the exact double encoding of cutV4: the generic cut.
    const groups = new Map<string, { covering: readonly number[]; flat: number[] }>();
    for (const { first, last, covering } of cutBySets(sets, 4)) {
      if (first === last && skip.contains(4, first)) continue;
      addPiece(groups, covering.join(","), covering, Number(first), Number(last));
    }
    return [...groups.values()];
  }
  const skipV4 = skip.v4;
  const groups = new Map<string, { covering: readonly number[]; flat: number[] }>();
  for (const { first: pos, last, active } of sweepV4(sets)) {
    if (pos === last && skipV4.length > 0 && skip.contains(4, BigInt(pos))) continue;
    let key: string;
    let covering: number[] | undefined;
    if (active.size === 0) key = "";
    else if (active.size === 1) key = String(active.keys().next().value);
    else {
      covering = coveringOf(active);
      key = covering.join(",");
    }
    let g = groups.get(key);
    if (g === undefined) {
      g = { covering: covering ?? [...active.keys()], flat: [] };
      groups.set(key, g);
    }
    const f = g.flat;
    if (f.length > 0 && f[f.length - 1]! + 1 === pos) f[f.length - 1] = last;
    else f.push(pos, last);
  }
  return [...groups.values()];
}

function addPiece(groups: Map<string, { covering: readonly number[]; flat: number[] }>, key: string, covering: readonly number[], first: number, last: number): void {
  let g = groups.get(key);
  if (g === undefined) {
    g = { covering, flat: [] };
    groups.set(key, g);
  }
  const f = g.flat;
  if (f.length > 0 && f[f.length - 1]! + 1 === first) f[f.length - 1] = last;
  else f.push(first, last);
}

/**
 * The IPv4 pieces of `cutBySets` that some set covers, on plain numbers: `starts`/`ends` ascending and
 * `covering[i]` the ascending indexes of the sets holding piece i (equal lists are one shared array).
 */
export function coveredPiecesV4(sets: readonly IpSet[]): { starts: Float64Array; ends: Float64Array; covering: ReadonlyArray<readonly number[]> } {
  const starts: number[] = [];
  const ends: number[] = [];
  const covering: Array<readonly number[]> = [];
  const shared = new Map<string, readonly number[]>();
  const add = (first: number, last: number, ids: readonly number[]): void => {
    if (ids.length === 0) return;
    const k = ids.join(",");
    let c = shared.get(k);
    if (c === undefined) shared.set(k, (c = ids));
    starts.push(first);
    ends.push(last);
    covering.push(c);
  };
  if (sets.length >= 1 << 17) {
    for (const p of cutBySets(sets, 4)) add(Number(p.first), Number(p.last), p.covering);
  } else {
    for (const p of sweepV4(sets)) if (p.active.size > 0) add(p.first, p.last, coveringOf(p.active));
  }
  return { starts: Float64Array.from(starts), ends: Float64Array.from(ends), covering };
}
