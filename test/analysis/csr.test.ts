/**
 * The CSR matrix the namespace roll-up keeps its corrected group pairs in (src/analysis/csr.ts): lookups
 * against a Map of the same entries, edge cases (no rows, empty rows, one row, growth past the initial
 * capacity) and the limits refused with a clear error (column order, value range, entry count, rows).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CSR_MAX_ENTRIES, CsrBuilder } from "../../src/analysis/csr.js";

describe("CSR matrix", () => {
  it("answers every cell like a Map of its entries (random sparse matrices)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 24 }), fc.integer({ min: 1, max: 30 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 0xffffffff })), { maxLength: 200 }), (rows, width, cells) => {
        const want = new Map<number, number>();
        for (const [r, c, v] of cells) if (rows > 0) want.set((r % rows) * width + (c % width), v);
        const b = new CsrBuilder(rows);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < width; c++) {
            const v = want.get(r * width + c);
            if (v !== undefined) b.push(c, v);
          }
          b.endRow();
        }
        const m = b.build();
        expect(m.rows).toBe(rows);
        expect(m.size).toBe(want.size);
        for (let r = 0; r < rows; r++) for (let c = -1; c <= width; c++) expect(m.get(r, c)).toBe(c < 0 || c >= width ? undefined : want.get(r * width + c));
      }),
      { numRuns: 100 },
    );
  });

  it("handles no rows, empty rows and one row, and grows past its first capacity", () => {
    expect(new CsrBuilder(0).build().size).toBe(0);
    const empty = new CsrBuilder(3);
    for (let r = 0; r < 3; r++) empty.endRow();
    const e = empty.build();
    expect([e.get(0, 0), e.get(2, 5), e.size]).toEqual([undefined, undefined, 0]);
    const one = new CsrBuilder(1);
    for (let c = 0; c < 5000; c++) one.push(2 * c, c);
    one.endRow();
    const o = one.build();
    expect(o.size).toBe(5000);
    expect([o.get(0, 0), o.get(0, 1), o.get(0, 9998), o.get(0, 9999), o.get(0, 10000)]).toEqual([0, undefined, 4999, undefined, undefined]);
  });

  it("refuses columns out of order, values outside 32 bits, too many entries or rows, and unclosed rows", () => {
    const b = new CsrBuilder(2);
    b.push(3, 1);
    expect(() => b.push(3, 1)).toThrow(/row 0: column 3 after column 3 \(columns must ascend\)/);
    expect(() => b.push(4, -1)).toThrow(/value -1 is not an unsigned 32-bit integer/);
    expect(() => b.push(4, 2 ** 32)).toThrow(/not an unsigned 32-bit integer/);
    b.endRow();
    b.push(0, 7); // a new row may start at any column
    expect(() => b.build()).toThrow(/1 of 2 rows closed/);
    b.endRow();
    expect(() => b.endRow()).toThrow(/more than 2 rows/);
    expect(() => b.push(9, 1)).toThrow(/entry after the last of 2 rows/);
    expect(b.build().get(1, 0)).toBe(7);

    const small = new CsrBuilder(1, 3);
    for (let c = 0; c < 3; c++) small.push(c, c);
    expect(() => small.push(3, 3)).toThrow(/more than 3 entries; the analysis is too large for one process/);
    expect(CSR_MAX_ENTRIES).toBe(2 ** 31 - 1);
    expect(() => new CsrBuilder(-1)).toThrow(/-1 rows is not a row count/);
    expect(() => new CsrBuilder(2 ** 31)).toThrow(/is not a row count/);
  });
});
