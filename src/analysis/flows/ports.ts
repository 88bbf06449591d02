/**
 * Port-merge rules of the recommender (documented in docs/flows.md, "Port merge rules"; tested in
 * test/analysis/flows/ports.test.ts). They decide the only places where a recommendation allows more than
 * was observed.
 *
 * Ports are merged per group: one local deployment, one direction, one peer, one protocol. A namespace-wide
 * rule takes the union of its deployments' merged ranges, so one deployment's dynamic ports never widen
 * what another deployment gets.
 *   R1 (contiguous): ports that are adjacent (80, 81, 82) become one range `80:82`. Allows nothing extra.
 *   R2 (dynamic high ports): when a group holds MORE than `highPortThreshold` distinct ports at or above
 *      `highPortFloor`, all of its ports at or above the floor become one range min:max. This is the one
 *      widening rule: it covers applications that pick ports dynamically (RPC, passive FTP, media) where a
 *      list of dozens of single ports would be both unreadable and wrong the next day. Ports below the floor
 *      (well-known services) are never widened.
 */

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export interface PortMergeOptions {
  /** R2 applies when a group has more than this many distinct ports >= highPortFloor. @default 8 */
  readonly highPortThreshold?: number;
  /** Ports below this are never widened. @default 1024 */
  readonly highPortFloor?: number;
}

export const DEFAULT_HIGH_PORT_THRESHOLD = 8;
export const DEFAULT_HIGH_PORT_FLOOR = 1024;

/** Merges observed ports (any order, duplicates allowed) into sorted, disjoint ranges by rules R1 and R2. */
export function mergePorts(ports: Iterable<number>, options: PortMergeOptions = {}): PortRange[] {
  const threshold = options.highPortThreshold ?? DEFAULT_HIGH_PORT_THRESHOLD;
  const floor = options.highPortFloor ?? DEFAULT_HIGH_PORT_FLOOR;
  const distinct = [...new Set(ports)].sort((a, b) => a - b);
  for (const p of distinct) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new RangeError(`port ${p} is not in 1-65535`);
  }
  const high = distinct.filter((p) => p >= floor);
  const collapseHigh = high.length > threshold;
  const exact = collapseHigh ? distinct.filter((p) => p < floor) : distinct;

  // R1: runs of adjacent ports.
  const out: PortRange[] = [];
  for (const p of exact) {
    const last = out[out.length - 1];
    if (last !== undefined && p === last.to + 1) out[out.length - 1] = { from: last.from, to: p };
    else out.push({ from: p, to: p });
  }
  // R2: one range over the high ports. It starts at or above the floor, so it never overlaps an exact range
  // except by adjacency (floor-1 next to floor), which R1 then joins.
  if (collapseHigh) {
    const r = { from: high[0] as number, to: high[high.length - 1] as number };
    const last = out[out.length - 1];
    if (last !== undefined && last.to + 1 === r.from) out[out.length - 1] = { from: last.from, to: r.to };
    else out.push(r);
  }
  return out;
}

/** Sorted, disjoint union of ranges; overlapping and adjacent ranges are joined (adds nothing). */
export function unionRanges(ranges: Iterable<PortRange>): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from || a.to - b.to);
  const out: PortRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.from <= last.to + 1) out[out.length - 1] = { from: last.from, to: Math.max(last.to, r.to) };
    else out.push({ from: r.from, to: r.to });
  }
  return out;
}

/** Calico's port syntax: `80` or `8000:8010`. */
export function formatPortRange(r: PortRange): string {
  return r.from === r.to ? String(r.from) : `${r.from}:${r.to}`;
}

export function portInRanges(port: number, ranges: readonly PortRange[]): boolean {
  for (const r of ranges) if (port >= r.from && port <= r.to) return true;
  return false;
}
