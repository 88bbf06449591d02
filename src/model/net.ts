/**
 * IP addresses and CIDRs, IPv4 and IPv6, as bigints. Shared by validation (is this a CIDR?) and
 * analysis (does this range contain that address?). No dependencies.
 */

export type IpVersion = 4 | 6;

export interface Cidr {
  readonly version: IpVersion;
  /** First address of the block (host bits cleared). */
  readonly first: bigint;
  /** Last address of the block. */
  readonly last: bigint;
  readonly prefix: number;
  /** The address as written, before host bits were cleared. */
  readonly address: bigint;
  /** True when the text had host bits set below the prefix (`10.0.0.1/8`). */
  readonly hostBitsSet: boolean;
  /** True when the text had an explicit `/prefix`. */
  readonly hadPrefix: boolean;
}

const V4_BITS = 32;
const V6_BITS = 128;

export function bitsOf(version: IpVersion): number {
  return version === 4 ? V4_BITS : V6_BITS;
}

function parseV4(text: string): bigint | undefined {
  const n = parseV4Number(text);
  return n === undefined ? undefined : BigInt(n);
}

/** An IPv4 address as a plain number (exact: below 2^32). */
function parseV4Number(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    // Decimal only, no leading zeros (Go's net.ParseIP rejects them since 1.17).
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

function parseV6(text: string): bigint | undefined {
  if (text.length === 0 || text.includes("%")) return undefined;
  let head = text;
  let tailV4: bigint | undefined;
  // An embedded IPv4 tail (`::ffff:1.2.3.4`).
  const lastColon = text.lastIndexOf(":");
  if (lastColon >= 0 && text.slice(lastColon + 1).includes(".")) {
    tailV4 = parseV4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const doubleColon = head.indexOf("::");
  if (doubleColon !== head.lastIndexOf("::")) return undefined;
  let groups: string[];
  if (doubleColon >= 0) {
    const left = head.slice(0, doubleColon);
    const right = head.slice(doubleColon + 2);
    const l = left === "" ? [] : left.split(":");
    const r = right === "" ? [] : right.split(":");
    const missing = 8 - l.length - r.length;
    if (missing < 1) return undefined;
    groups = [...l, ...Array<string>(missing).fill("0"), ...r];
  } else {
    groups = head.split(":");
  }
  if (groups.length !== 8) return undefined;
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

/** Parses an IPv4 or IPv6 address (no prefix). */
export function parseIp(text: string): { version: IpVersion; value: bigint } | undefined {
  if (text.includes(":")) {
    const value = parseV6(text);
    return value === undefined ? undefined : { version: 6, value };
  }
  const value = parseV4(text);
  return value === undefined ? undefined : { version: 4, value };
}

/**
 * Parses `a.b.c.d/n`, `x::y/n`, or a bare address (taken as /32 or /128, `hadPrefix` false).
 * Returns undefined when the text is not an address or the prefix is out of range.
 */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  const addrText = slash < 0 ? text : text.slice(0, slash);
  let prefix: number | undefined;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    // Go's net.ParseCIDR reads the length with dtoi, which takes leading zeros ("10.0.0.0/08" is a /8);
    // Calico (cnet.ParseCIDROrIP) and the Kubernetes API server both parse with it. Addresses keep
    // rejecting leading zeros (netip.ParseAddr).
    if (!/^[0-9]{1,6}$/.test(p.replace(/^0+(?=[0-9])/, ""))) return undefined;
    prefix = Number(p);
  }
  if (!addrText.includes(":")) {
    // IPv4 on plain numbers (exact below 2^32): three bigints per CIDR, no bigint arithmetic.
    const v = parseV4Number(addrText);
    if (v === undefined) return undefined;
    const len = prefix ?? V4_BITS;
    if (len > V4_BITS) return undefined;
    const size = 2 ** (V4_BITS - len);
    const first = v - (v % size);
    return { version: 4, first: BigInt(first), last: BigInt(first + size - 1), prefix: len, address: BigInt(v), hostBitsSet: v !== first, hadPrefix: slash >= 0 };
  }
  const ip = parseIp(addrText);
  if (ip === undefined) return undefined;
  const bits = bitsOf(ip.version);
  if (prefix === undefined) prefix = bits;
  else if (prefix > bits) return undefined;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const first = ip.value & ~hostMask;
  return {
    version: ip.version,
    first,
    last: first | hostMask,
    prefix,
    address: ip.value,
    hostBitsSet: (ip.value & hostMask) !== 0n,
    hadPrefix: slash >= 0,
  };
}

/** Formats an address in its canonical text form (IPv6 compressed per RFC 5952). */
export function formatIp(version: IpVersion, value: bigint): string {
  if (version === 4) {
    const n = Number(value & 0xffffffffn);
    return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // Longest run of zero groups (length >= 2) becomes "::".
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  const left = hex.slice(0, bestStart).join(":");
  const right = hex.slice(bestStart + bestLen).join(":");
  return `${left}::${right}`;
}

/** Canonical `network/prefix` text of a CIDR (host bits cleared). */
export function formatCidr(c: Pick<Cidr, "version" | "first" | "prefix">): string {
  return `${formatIp(c.version, c.first)}/${c.prefix}`;
}

/** True when `outer` contains every address of `inner` (same IP version). */
export function cidrContains(outer: Cidr, inner: Pick<Cidr, "version" | "first" | "last">): boolean {
  return outer.version === inner.version && outer.first <= inner.first && inner.last <= outer.last;
}
