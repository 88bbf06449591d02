/** Connection sets and IP sets: the interval algebra the engine rests on (fast-check laws + examples). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConnInterner, ConnSet, type ConnSetJson, protocolNumber } from "../../src/analysis/connset.js";
import { IpSet } from "../../src/analysis/ipset.js";

const connArb = fc.array(fc.tuple(fc.constantFrom(1, 6, 17, 132, 47), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 300 })), { maxLength: 5 }).map((xs) => xs.reduce((s, [p, lo, w]) => s.union(ConnSet.ports(p, lo, Math.min(65535, lo + w))), ConnSet.EMPTY));
/** Reads the documented JSON form back (docs/analysis.md "JSON formats"), to prove it is lossless. */
function fromJson(j: ConnSetJson): ConnSet {
  if (j === "all") return ConnSet.ALL;
  const map = (m: Record<string, Array<[number, number]>>): ConnSet =>
    Object.entries(m).reduce((s, [proto, ranges]) => ranges.reduce((t, [lo, hi]) => t.union(ConnSet.ports(protocolNumber(proto)!, lo, hi)), s), ConnSet.EMPTY);
  return "allExcept" in j && typeof j.allExcept === "object" && !Array.isArray(j.allExcept) ? ConnSet.ALL.subtract(map(j.allExcept)) : map(j as Record<string, Array<[number, number]>>);
}

const probes: Array<[number, number]> = [[1, 0], [6, 0], [6, 80], [6, 65535], [17, 53], [132, 1000], [47, 0], [255, 65535]];

describe("ConnSet", () => {
  it("union, intersection and difference agree with membership", () => {
    fc.assert(
      fc.property(connArb, connArb, fc.constantFrom(...probes), fc.integer({ min: 0, max: 65535 }), (a, b, [p], port) => {
        for (const [proto, prt] of [[p, port] as const]) {
          expect(a.union(b).contains(proto, prt)).toBe(a.contains(proto, prt) || b.contains(proto, prt));
          expect(a.intersect(b).contains(proto, prt)).toBe(a.contains(proto, prt) && b.contains(proto, prt));
          expect(a.subtract(b).contains(proto, prt)).toBe(a.contains(proto, prt) && !b.contains(proto, prt));
        }
        expect(a.union(b).equals(b.union(a))).toBe(true);
        expect(a.subtract(b).union(a.intersect(b)).equals(a)).toBe(true);
      }),
    );
  });

  it("prints like netpol-analyzer and says what is missing from nearly everything", () => {
    expect(ConnSet.ALL.toString()).toBe("All Connections");
    expect(ConnSet.EMPTY.toString()).toBe("No Connections");
    expect(ConnSet.ports(6, 80, 80).union(ConnSet.ports(6, 8080, 8090)).union(ConnSet.ports(17, 53, 53)).toString()).toBe("TCP 80,8080-8090,UDP 53");
    expect(ConnSet.protocol(132).toString()).toBe("SCTP");
    expect(ConnSet.icmp(1, 8).toString()).toBe("ICMP type 8");
    expect(ConnSet.ALL.subtract(ConnSet.ports(6, 6379, 6379)).toString()).toBe("All Connections except TCP 6379");
    expect(ConnSet.ports(6, 1, 5).toJSON()).toEqual({ TCP: [[1, 5]] });
    expect(ConnSet.ALL.toJSON()).toBe("all");
    // Nearly everything is written as what is missing, not as ~250 protocol keys.
    expect(ConnSet.ALL.subtract(ConnSet.ports(6, 6379, 6379)).toJSON()).toEqual({ allExcept: { TCP: [[6379, 6379]] } });
    expect(JSON.stringify(ConnSet.ALL.subtract(ConnSet.ports(6, 9091, 9091)).toJSON()).length).toBeLessThan(60);
  });

  it("the JSON form is lossless, in both the listing and the allExcept shape", () => {
    fc.assert(
      fc.property(connArb, fc.boolean(), (a, complement) => {
        const s = complement ? ConnSet.ALL.subtract(a) : a;
        expect(fromJson(JSON.parse(JSON.stringify(s.toJSON())) as ConnSetJson).equals(s)).toBe(true);
      }),
    );
  });

  it("picks a TCP representative with a real port", () => {
    expect(ConnSet.ALL.first()).toEqual({ protocol: 6, port: 1 });
    expect(ConnSet.protocol(17).union(ConnSet.icmp(1, 8)).first()).toEqual({ protocol: 17, port: 1 });
    expect(ConnSet.icmp(1, 8).first()).toEqual({ protocol: 1, port: 8 << 8 });
  });

  it("interns equal sets to one id (0 = nothing, 1 = everything) and caches set algebra on ids", () => {
    const i = new ConnInterner();
    expect(i.id(ConnSet.EMPTY)).toBe(0);
    expect(i.id(ConnSet.ALL)).toBe(1);
    const a = i.id(ConnSet.ports(6, 1, 10));
    expect(i.id(ConnSet.ports(6, 1, 5).union(ConnSet.ports(6, 6, 10)))).toBe(a);
    expect(i.get(i.intersectIds(a, i.id(ConnSet.ports(6, 5, 20)))).toString()).toBe("TCP 5-10");
    expect(i.get(i.unionIds(a, i.id(ConnSet.ports(6, 11, 20)))).toString()).toBe("TCP 1-20");
  });
});

describe("IpSet", () => {
  it("merges CIDRs, answers membership and subtracts", () => {
    const s = IpSet.parse(["10.0.0.0/24", "10.0.1.0/24", "192.168.0.1", "2001:db8::/64"]);
    expect(s.toString()).toBe("10.0.0.0-10.0.1.255,192.168.0.1-192.168.0.1,2001:db8::-2001:db8::ffff:ffff:ffff:ffff");
    expect(s.containsText("10.0.1.7")).toBe(true);
    expect(s.containsText("10.0.2.0")).toBe(false);
    expect(s.containsText("2001:db8::1")).toBe(true);
    expect(s.subtract(IpSet.parse(["10.0.0.128/25"])).toString()).toBe("10.0.0.0-10.0.0.127,10.0.1.0-10.0.1.255,192.168.0.1-192.168.0.1,2001:db8::-2001:db8::ffff:ffff:ffff:ffff");
    expect(IpSet.parse(["0.0.0.0/0"]).coversRange({ version: 4, first: 5n, last: 9n })).toBe(true);
  });
});
