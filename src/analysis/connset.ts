/**
 * Sets of connections (protocol × destination port) as sorted interval lists over one 24-bit key:
 * `protocol << 16 | port`. One representation for every protocol keeps union, intersection and
 * difference a single linear merge, which is what the connectivity engine does millions of times.
 *
 * - TCP, UDP, SCTP and UDPLite use the low 16 bits as the destination port (0-65535).
 * - ICMP and ICMPv6 use them as `type << 8 | code`, so `icmp: {type: 8}` is the range
 *   `8<<8 .. 8<<8|255` and `notICMP` is a difference.
 * - Other protocols (1-255) have no port dimension: a rule can only take or leave the whole protocol,
 *   so their 16 bits are always full.
 *
 * Protocol 0 is not a protocol; "all connections" is protocols 1-255 with every port.
 */

import { PROTOCOL_NUMBERS } from "../model/ports.js";

const NAMES_BY_NUMBER = new Map<number, string>(Object.entries(PROTOCOL_NUMBERS).map(([k, v]) => [v, k]));
// Names resolve case-insensitively: flow records and CLI queries spell them in any case (`tcp`, `TCP`).
const NUMBERS_BY_LOWER_NAME = new Map<string, number>(Object.entries(PROTOCOL_NUMBERS).map(([k, v]) => [k.toLowerCase(), v]));

/** Protocols whose connections carry a destination port (flows, queries, the key layout above). */
export const PORT_PROTOCOLS: ReadonlySet<number> = new Set([6, 17, 132, 136]);
/**
 * Protocols a rule may give ports for: Calico's `Protocol.SupportsPorts` is TCP, UDP and SCTP only, so a
 * rule with ports and `protocol: UDPLite` is rejected ("rules that specify ports must set protocol to TCP
 * or UDP or SCTP") although UDPLite connections have ports.
 */
export const RULE_PORT_PROTOCOLS: ReadonlySet<number> = new Set([6, 17, 132]);
export const ICMP_PROTOCOLS: ReadonlySet<number> = new Set([1, 58]);

const SPAN = 1 << 16;
const MIN_KEY = SPAN; // protocol 1, port 0
const MAX_KEY = 256 * SPAN - 1;

/** Resolves a protocol given as a Calico/Kubernetes name (case-insensitive) or a number 1-255. */
export function protocolNumber(p: string | number): number | undefined {
  if (typeof p === "number") return Number.isInteger(p) && p >= 1 && p <= 255 ? p : undefined;
  if (/^[0-9]+$/.test(p)) return protocolNumber(Number(p));
  return NUMBERS_BY_LOWER_NAME.get(p.toLowerCase());
}

export function protocolName(n: number): string {
  return NAMES_BY_NUMBER.get(n) ?? String(n);
}

/** See ConnSet.toJSON; documented in docs/analysis.md (JSON formats). */
export type ConnSetJson = "all" | Record<string, Array<[number, number]>> | { readonly allExcept: Record<string, Array<[number, number]>> };

// Module-private access to the private constructor (for the merge helpers below).
let make: (ranges: readonly number[]) => ConnSet;

/** An immutable set of connections. `ranges` is flat `[lo0, hi0, lo1, hi1, ...]`, sorted, disjoint, not adjacent. */
export class ConnSet {
  static readonly EMPTY = new ConnSet([]);
  static readonly ALL = new ConnSet([MIN_KEY, MAX_KEY]);

  private keyCache: string | undefined;

  static {
    make = (r) => new ConnSet(r);
  }

  private constructor(readonly ranges: readonly number[]) {}

  /** Ports `lo..hi` of one protocol (for ICMP: type/code keys). */
  static ports(protocol: number, lo: number, hi: number): ConnSet {
    if (lo > hi) return ConnSet.EMPTY;
    const base = protocol * SPAN;
    return new ConnSet([base + lo, base + hi]);
  }

  /** Every port of one protocol. */
  static protocol(protocol: number): ConnSet {
    return ConnSet.ports(protocol, 0, SPAN - 1);
  }

  /** ICMP/ICMPv6 by type and optional code. */
  static icmp(protocol: number, type: number, code?: number): ConnSet {
    return code === undefined
      ? ConnSet.ports(protocol, type << 8, (type << 8) | 255)
      : ConnSet.ports(protocol, (type << 8) | code, (type << 8) | code);
  }

  static fromRanges(flat: readonly number[]): ConnSet {
    return normalise(flat);
  }

  isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  isAll(): boolean {
    return this.ranges.length === 2 && this.ranges[0] === MIN_KEY && this.ranges[1] === MAX_KEY;
  }

  contains(protocol: number, port: number): boolean {
    const k = protocol * SPAN + port;
    const r = this.ranges;
    let lo = 0;
    let hi = r.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (k < r[2 * mid]!) hi = mid - 1;
      else if (k > r[2 * mid + 1]!) lo = mid + 1;
      else return true;
    }
    return false;
  }

  union(o: ConnSet): ConnSet {
    if (o.ranges.length === 0) return this;
    if (this.ranges.length === 0) return o;
    return merge(this.ranges, o.ranges, (a, b) => a || b);
  }

  intersect(o: ConnSet): ConnSet {
    if (o.ranges.length === 0 || this.ranges.length === 0) return ConnSet.EMPTY;
    if (o.isAll()) return this;
    if (this.isAll()) return o;
    return merge(this.ranges, o.ranges, (a, b) => a && b);
  }

  subtract(o: ConnSet): ConnSet {
    if (o.ranges.length === 0 || this.ranges.length === 0) return this;
    return merge(this.ranges, o.ranges, (a, b) => a && !b);
  }

  equals(o: ConnSet): boolean {
    if (this === o) return true;
    const a = this.ranges;
    const b = o.ranges;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** A string that is equal for equal sets; used to intern sets. */
  key(): string {
    if (this.keyCache === undefined) this.keyCache = this.ranges.join(",");
    return this.keyCache;
  }

  /**
   * A representative connection, to explain a set by one flow: TCP first, then UDP, then the lowest
   * protocol; the lowest port, but not port 0 when a real port is in the set.
   */
  first(): { protocol: number; port: number } | undefined {
    if (this.ranges.length === 0) return undefined;
    const parts = this.byProtocol();
    const pick = parts.find((p) => p.protocol === 6) ?? parts.find((p) => p.protocol === 17) ?? parts[0]!;
    const [lo, hi] = pick.ranges[0]!;
    const port = lo === 0 && PORT_PROTOCOLS.has(pick.protocol) && hi >= 1 ? 1 : lo;
    return { protocol: pick.protocol, port };
  }

  /** Per protocol, the inclusive port (or ICMP key) ranges. Protocols in ascending number. */
  byProtocol(): Array<{ protocol: number; ranges: Array<[number, number]> }> {
    const out: Array<{ protocol: number; ranges: Array<[number, number]> }> = [];
    const r = this.ranges;
    for (let i = 0; i < r.length; i += 2) {
      let lo = r[i]!;
      const hi = r[i + 1]!;
      while (lo <= hi) {
        const p = Math.floor(lo / SPAN);
        const end = Math.min(hi, p * SPAN + SPAN - 1);
        let entry = out[out.length - 1];
        if (entry === undefined || entry.protocol !== p) {
          entry = { protocol: p, ranges: [] };
          out.push(entry);
        }
        entry.ranges.push([lo - p * SPAN, end - p * SPAN]);
        lo = end + 1;
      }
    }
    return out;
  }

  /**
   * Readable form in netpol-analyzer's style: `All Connections`, `No Connections`, or
   * `TCP 80,8080-8090,UDP 53` with protocols by name in alphabetical order; a protocol with every
   * port is written alone (`UDP`); ICMP keys as `type` or `type/code`.
   */
  toString(): string {
    if (this.isEmpty()) return "No Connections";
    if (this.isAll()) return "All Connections";
    // Nearly everything: say what is missing (`All Connections except TCP 6379`).
    const rest = ConnSet.ALL.subtract(this);
    if (rest.ranges.length < this.ranges.length) return `All Connections except ${rest.listing()}`;
    return this.listing();
  }

  private listing(): string {
    const parts = this.byProtocol()
      .map(({ protocol, ranges }) => ({ name: protocolName(protocol), protocol, ranges }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return parts
      .map(({ name, protocol, ranges }) => {
        if (ranges.length === 1 && ranges[0]![0] === 0 && ranges[0]![1] === SPAN - 1) return name;
        if (ICMP_PROTOCOLS.has(protocol)) return `${name} ${ranges.map(formatIcmpRange).join(",")}`;
        return `${name} ${ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(",")}`;
      })
      .join(",");
  }

  /**
   * JSON form: `"all"`, `{ "TCP": [[80, 80]], "UDP": [[53, 53]] }` (protocol names, inclusive ranges), or,
   * when that is shorter, what is missing from everything: `{ "allExcept": { "TCP": [[6379, 6379]] } }`
   * (listing "every protocol but one port" protocol by protocol would take ~250 keys).
   */
  toJSON(): ConnSetJson {
    if (this.isAll()) return "all";
    const rest = ConnSet.ALL.subtract(this);
    if (rest.ranges.length < this.ranges.length) return { allExcept: rest.protocolMap() };
    return this.protocolMap();
  }

  private protocolMap(): Record<string, Array<[number, number]>> {
    const out: Record<string, Array<[number, number]>> = {};
    for (const { protocol, ranges } of this.byProtocol()) out[protocolName(protocol)] = ranges;
    return out;
  }
}

function formatIcmpRange([a, b]: [number, number]): string {
  const ta = a >> 8;
  const tb = b >> 8;
  if ((a & 255) === 0 && (b & 255) === 255) return ta === tb ? `type ${ta}` : `type ${ta}-${tb}`;
  if (a === b) return `type ${ta} code ${a & 255}`;
  return `${ta}/${a & 255}-${tb}/${b & 255}`;
}

function normalise(flat: readonly number[]): ConnSet {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const lo = Math.max(MIN_KEY, flat[i]!);
    const hi = Math.min(MAX_KEY, flat[i + 1]!);
    if (lo <= hi) pairs.push([lo, hi]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1]! + 1) out[n - 1] = Math.max(out[n - 1]!, hi);
    else out.push(lo, hi);
  }
  return out.length === 0 ? ConnSet.EMPTY : make(out);
}

/** Boolean merge of two interval lists by a sweep over their edges. */
function merge(a: readonly number[], b: readonly number[], op: (x: boolean, y: boolean) => boolean): ConnSet {
  // Edges as half-open boundaries: an interval [lo, hi] toggles at lo and at hi+1.
  const out: number[] = [];
  let i = 0;
  let j = 0;
  let inA = false;
  let inB = false;
  let inOut = false;
  let start = 0;
  while (i < a.length || j < b.length) {
    const ea = i < a.length ? (i % 2 === 0 ? a[i]! : a[i]! + 1) : Infinity;
    const eb = j < b.length ? (j % 2 === 0 ? b[j]! : b[j]! + 1) : Infinity;
    const e = Math.min(ea, eb);
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
      else out.push(start, e - 1);
      inOut = now;
    }
  }
  if (out.length === 0) return ConnSet.EMPTY;
  return make(out);
}

/** Interns connection sets so equal sets share one id; the connectivity matrices store ids. */
export class ConnInterner {
  /** Most distinct sets one interner holds: pair caches key two ids as `a * 2^22 + b`, exact below 2^53. */
  static readonly MAX_SETS = 1 << 22;
  private readonly ids = new Map<string, number>();
  readonly sets: ConnSet[] = [];

  constructor() {
    this.id(ConnSet.EMPTY); // id 0 is always "nothing"
    this.id(ConnSet.ALL); // id 1 is always "everything"
  }

  id(s: ConnSet): number {
    const k = s.key();
    let id = this.ids.get(k);
    if (id === undefined) {
      id = this.sets.length;
      if (id >= ConnInterner.MAX_SETS) {
        throw new RangeError(`connection set interner: more than ${ConnInterner.MAX_SETS} distinct connection sets (the analysis keys pairs of ids in one number); split the input`);
      }
      this.ids.set(k, id);
      this.sets.push(s);
    }
    return id;
  }

  get(id: number): ConnSet {
    return this.sets[id]!;
  }

  private readonly intersections = new Map<number, number>();
  private readonly unions = new Map<number, number>();
  // Pairs of small ids (the common case: an analysis has a handful of distinct sets) are cached in
  // dense tables, ids below SMALL, -1 = not yet computed.
  private static readonly SMALL = 128;
  private readonly smallUnions = new Int32Array(ConnInterner.SMALL * ConnInterner.SMALL).fill(-1);
  private readonly smallIntersections = new Int32Array(ConnInterner.SMALL * ConnInterner.SMALL).fill(-1);

  /** Id of the union of two interned sets, cached. */
  unionIds(a: number, b: number): number {
    if (a === b || b === 0) return a;
    if (a === 0) return b;
    if (a === 1 || b === 1) return 1;
    if (a < ConnInterner.SMALL && b < ConnInterner.SMALL) {
      const at = a < b ? a * ConnInterner.SMALL + b : b * ConnInterner.SMALL + a;
      let r = this.smallUnions[at]!;
      if (r < 0) this.smallUnions[at] = r = this.id(this.get(a).union(this.get(b)));
      return r;
    }
    const k = a < b ? a * 4194304 + b : b * 4194304 + a;
    let r = this.unions.get(k);
    if (r === undefined) {
      r = this.id(this.get(a).union(this.get(b)));
      this.unions.set(k, r);
    }
    return r;
  }

  /** Id of the intersection of two interned sets, cached. */
  intersectIds(a: number, b: number): number {
    if (a === 0 || b === 0) return 0;
    if (a === 1) return b;
    if (b === 1 || a === b) return a;
    if (a < ConnInterner.SMALL && b < ConnInterner.SMALL) {
      const at = a < b ? a * ConnInterner.SMALL + b : b * ConnInterner.SMALL + a;
      let r = this.smallIntersections[at]!;
      if (r < 0) this.smallIntersections[at] = r = this.id(this.get(a).intersect(this.get(b)));
      return r;
    }
    const k = a < b ? a * 4194304 + b : b * 4194304 + a;
    let r = this.intersections.get(k);
    if (r === undefined) {
      r = this.id(this.get(a).intersect(this.get(b)));
      this.intersections.set(k, r);
    }
    return r;
  }
}
