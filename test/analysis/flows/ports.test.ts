import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPortRange, mergePorts, portInRanges } from "../../../src/analysis/flows/ports.js";

const fmt = (ports: number[], opts = {}) => mergePorts(ports, opts).map(formatPortRange);

describe("port merge rules", () => {
  it("R1: adjacent ports become one range, others stay single (nothing added)", () => {
    expect(fmt([82, 80, 81, 443, 8080, 8080])).toEqual(["80:82", "443", "8080"]);
    expect(fmt([53])).toEqual(["53"]);
    expect(fmt([])).toEqual([]);
  });

  it("R2: more than 8 distinct high ports collapse to min:max; well-known ports stay exact", () => {
    const high = [30000, 30010, 30020, 30030, 30040, 30050, 30060, 30070, 30080];
    expect(fmt([22, 443, ...high])).toEqual(["22", "443", "30000:30080"]);
    // Exactly 8 high ports is not "more than 8": no widening.
    expect(fmt(high.slice(0, 8))).toHaveLength(8);
  });

  it("R2 thresholds are options", () => {
    expect(fmt([2000, 2005, 2010], { highPortThreshold: 2 })).toEqual(["2000:2010"]);
    expect(fmt([900, 950, 1000], { highPortThreshold: 2, highPortFloor: 900 })).toEqual(["900:1000"]);
  });

  it("R2 range joins an exact run that ends right below the floor", () => {
    const high = [1024, 1030, 1040, 1050, 1060, 1070, 1080, 1090, 1100];
    expect(fmt([1022, 1023, ...high])).toEqual(["1022:1100"]);
  });

  it("rejects ports outside 1-65535", () => {
    expect(() => mergePorts([0])).toThrow(RangeError);
    expect(() => mergePorts([65536])).toThrow(RangeError);
  });

  it("property: every observed port is covered; ranges are sorted and disjoint; widening only by R2", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 65535 }), { maxLength: 40 }), fc.integer({ min: 0, max: 12 }), (ports, threshold) => {
        const ranges = mergePorts(ports, { highPortThreshold: threshold });
        for (const p of ports) expect(portInRanges(p, ranges)).toBe(true);
        for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.from).toBeGreaterThan(ranges[i - 1]!.to + 1);
        const observed = new Set(ports);
        const high = [...observed].filter((p) => p >= 1024);
        const widened = high.length > threshold;
        const lo = Math.min(...high);
        const hi = Math.max(...high);
        for (const r of ranges) {
          for (let p = r.from; p <= r.to; p++) {
            // A port the ranges allow was observed, or lies inside the R2 window [min, max] of the high ports.
            const ok = observed.has(p) || (widened && p >= lo && p <= hi);
            if (!ok) expect.fail(`port ${p} allowed by ${formatPortRange(r)} but neither observed nor in the R2 window`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
