/**
 * Every scenario of ../shared/data/netpol-conformance (from np-guard/netpol-analyzer's own suite)
 * must give exactly the expected connectivity: same allowed connections for every ordered pair of
 * different workloads (a missing pair allows nothing), and for external addresses the same allowed
 * connections at every address (compared by IP coverage, as the data's README says).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConnSet, protocolNumber } from "../../src/analysis/connset.js";
import { computeConnectivity } from "../../src/analysis/connectivity.js";
import type { Inventory } from "../../src/analysis/inventory.js";
import { parseIp } from "../../src/model/net.js";
import { modelOf, yamlObjects } from "./helpers.js";

const ROOT = join(import.meta.dirname, "../../../shared/data/netpol-conformance");

interface Expected {
  connections: Array<{ src: string; dst: string; conn: string; allowed: "all" | Record<string, Array<[number, number]>> }>;
}

function toConnSet(a: Expected["connections"][number]["allowed"]): ConnSet {
  if (a === "all") return ConnSet.ALL;
  let s = ConnSet.EMPTY;
  for (const [proto, ranges] of Object.entries(a)) for (const [lo, hi] of ranges) s = s.union(ConnSet.ports(protocolNumber(proto)!, lo, hi));
  return s;
}

function externalRange(id: string): [bigint, bigint] | undefined {
  const m = /^([0-9.]+)-([0-9.]+)\[External\]$/.exec(id);
  if (m === null) return undefined;
  return [parseIp(m[1]!)!.value, parseIp(m[2]!)!.value];
}

const scenarios = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe("netpol-analyzer conformance", () => {
  it("has the 12 scenarios and 123 expected lines", () => {
    const lines = scenarios.reduce((n, s) => n + (JSON.parse(readFileSync(join(ROOT, s, "expected/expected.json"), "utf8")) as Expected).connections.length, 0);
    expect(scenarios).toHaveLength(12);
    expect(lines).toBe(123);
  });

  for (const scenario of scenarios) {
    it(`${scenario}: connectivity equals the expected output`, () => {
      const dir = join(ROOT, scenario, "input");
      const objects = readdirSync(dir)
        .filter((f) => /\.(ya?ml|json)$/.test(f))
        .sort()
        .flatMap((f) => yamlObjects(readFileSync(join(dir, f), "utf8")));
      const expected = JSON.parse(readFileSync(join(ROOT, scenario, "expected/expected.json"), "utf8")) as Expected;
      // netpol-analyzer analyses host-networked pods (the two semanticDiff-same-topologies-* scenarios
      // have them) as ordinary pods; Calico has no workload endpoint for them (they are their node).
      // To compare the NetworkPolicy semantics we clear the flag here; the host-network behaviour is
      // tested in calico-tiers.test.ts.
      const asPods = (inv: Inventory): Inventory => ({ ...inv, workloads: inv.workloads.map((w) => ({ ...w, hostNetwork: false })) });
      const conn = computeConnectivity(modelOf(objects, undefined, "enforced", asPods));
      const workloads = conn.peers.map((p, i) => ({ p, i })).filter(({ p }) => p.kind === "workload");
      const externals = conn.peers.map((p, i) => ({ p, i })).filter(({ p }) => p.kind === "external");
      const mismatches: string[] = [];
      // Workload pairs.
      for (const s of workloads) {
        for (const d of workloads) {
          if (s.i === d.i) continue;
          const line = expected.connections.find((c) => c.src === s.p.id && c.dst === d.p.id);
          const want = line === undefined ? ConnSet.EMPTY : toConnSet(line.allowed);
          const got = conn.allowed(s.i, d.i);
          if (!got.equals(want)) mismatches.push(`${s.p.id} => ${d.p.id}: got ${got.toString()}, want ${want.toString()}`);
        }
      }
      // Every expected workload id must be one of ours.
      for (const c of expected.connections) {
        for (const id of [c.src, c.dst]) {
          if (externalRange(id) === undefined && !workloads.some((w) => w.p.id === id)) mismatches.push(`unknown workload ${id}`);
        }
      }
      // External addresses, by coverage.
      for (const w of workloads) {
        for (const dirn of ["in", "out"] as const) {
          const lines = expected.connections
            .filter((c) => (dirn === "in" ? c.dst === w.p.id && externalRange(c.src) !== undefined : c.src === w.p.id && externalRange(c.dst) !== undefined))
            .map((c) => ({ range: externalRange(dirn === "in" ? c.src : c.dst)!, conns: toConnSet(c.allowed) }));
          for (const x of externals) {
            const got = dirn === "in" ? conn.allowed(x.i, w.i) : conn.allowed(w.i, x.i);
            for (const r of x.p.ips!.ranges()) {
              if (r.version !== 4) continue;
              // Walk the range through the expected lines; uncovered parts must allow nothing.
              let pos = r.first;
              while (pos <= r.last) {
                const hit = lines.find((l) => l.range[0] <= pos && pos <= l.range[1]);
                const want = hit?.conns ?? ConnSet.EMPTY;
                const end = hit !== undefined ? (hit.range[1] < r.last ? hit.range[1] : r.last) : nextStart(lines, pos, r.last);
                if (!got.equals(want)) mismatches.push(`external ${pos}..${end} ${dirn === "in" ? "=>" : "<="} ${w.p.id}: got ${got.toString()}, want ${want.toString()}`);
                pos = end + 1n;
              }
            }
          }
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});

function nextStart(lines: Array<{ range: [bigint, bigint] }>, pos: bigint, limit: bigint): bigint {
  let end = limit;
  for (const l of lines) if (l.range[0] > pos && l.range[0] - 1n < end) end = l.range[0] - 1n;
  return end;
}
