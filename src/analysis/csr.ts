/**
 * A sparse matrix of small non-negative integers in compressed sparse row (CSR) form, appended row by
 * row: `offsets[r] .. offsets[r + 1] - 1` index the row's entries in `cols`/`values`, columns ascending.
 * Typed arrays instead of a Map keyed `row * width + col`: at 100,000 pods the namespace roll-up holds
 * millions of cells, which a Map rehashes and boxes while a CSR row is a binary search over numbers.
 */

/** The most entries a CSR holds: offsets are Int32Array (a larger analysis is refused, not wrapped). */
export const CSR_MAX_ENTRIES = 2 ** 31 - 1;

export class Csr {
  constructor(
    readonly offsets: Int32Array,
    readonly cols: Int32Array,
    readonly values: Uint32Array,
  ) {}

  get rows(): number {
    return this.offsets.length - 1;
  }

  get size(): number {
    return this.cols.length;
  }

  /** The value at (row, col), or undefined when the row has no such entry. */
  get(row: number, col: number): number | undefined {
    let lo = this.offsets[row]!;
    let hi = this.offsets[row + 1]! - 1;
    const cols = this.cols;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = cols[mid]!;
      if (v < col) lo = mid + 1;
      else if (v > col) hi = mid - 1;
      else return this.values[mid]!;
    }
    return undefined;
  }
}

export class CsrBuilder {
  private readonly offsets: Int32Array;
  private cols: Int32Array;
  private values: Uint32Array;
  private len = 0;
  private row = 0;

  /** `maxEntries` below CSR_MAX_ENTRIES only for tests of the limit. */
  constructor(
    readonly rowCount: number,
    private readonly maxEntries = CSR_MAX_ENTRIES,
  ) {
    if (!Number.isInteger(rowCount) || rowCount < 0 || rowCount > CSR_MAX_ENTRIES - 1) throw new RangeError(`CSR: ${rowCount} rows is not a row count (0 .. ${CSR_MAX_ENTRIES - 1})`);
    this.offsets = new Int32Array(rowCount + 1);
    const initial = Math.min(1024, Math.max(16, rowCount));
    this.cols = new Int32Array(initial);
    this.values = new Uint32Array(initial);
  }

  /** Appends an entry to the current row; columns must ascend within a row. */
  push(col: number, value: number): void {
    if (this.row >= this.rowCount) throw new RangeError(`CSR: entry after the last of ${this.rowCount} rows`);
    if (this.len >= this.maxEntries) throw new RangeError(`CSR: more than ${this.maxEntries} entries; the analysis is too large for one process (split the cluster, e.g. by namespace)`);
    if (this.len === this.cols.length) this.grow();
    if (this.len > this.offsets[this.row]! && this.cols[this.len - 1]! >= col) throw new RangeError(`CSR: row ${this.row}: column ${col} after column ${this.cols[this.len - 1]} (columns must ascend)`);
    if (!(value >= 0 && value <= 0xffffffff)) throw new RangeError(`CSR: value ${value} is not an unsigned 32-bit integer`);
    this.cols[this.len] = col;
    this.values[this.len++] = value;
  }

  /** Closes the current row (every row must be closed, empty ones too). */
  endRow(): void {
    if (this.row >= this.rowCount) throw new RangeError(`CSR: more than ${this.rowCount} rows`);
    this.offsets[++this.row] = this.len;
  }

  build(): Csr {
    if (this.row !== this.rowCount) throw new RangeError(`CSR: ${this.row} of ${this.rowCount} rows closed`);
    return new Csr(this.offsets, this.cols.slice(0, this.len), this.values.slice(0, this.len));
  }

  private grow(): void {
    const size = Math.min(this.maxEntries, this.cols.length * 2);
    const cols = new Int32Array(size);
    cols.set(this.cols);
    this.cols = cols;
    const values = new Uint32Array(size);
    values.set(this.values);
    this.values = values;
  }
}
