/**
 * A validating JSON scanner for the common shape of a flow line, over the bytes of the file (no string per line,
 * no object per value). It accepts only what `JSON.parse` accepts and records, for the fields the importer reads,
 * where their values are; it gives up (returns false) on anything it does not handle exactly: escapes in
 * strings, non-ASCII text in a field the importer reads, a field given twice, nesting deeper than MAX_DEPTH.
 * Every line it gives up on goes through `JSON.parse` and the full validator (import.ts), which then reports the
 * problem with its line and field exactly as before. Grammar: RFC 8259 (https://www.rfc-editor.org/rfc/rfc8259).
 */

/** The fields the importer reads (docs/flows.md, "Fields read"); their index is the field id. */
export const SCAN_FIELDS = [
  "source_name", "source_namespace", "source_type", "source_labels", "source_ip", "source_net",
  "dest_name", "dest_namespace", "dest_type", "dest_labels", "dest_ip", "dest_net",
  "proto", "protocol", "dest_port", "action", "reporter", "policies", "num_connections_started",
  "Key", "key", "flow", "items",
] as const;

export type ScanField = (typeof SCAN_FIELDS)[number];
export const FIELD: Readonly<Record<ScanField, number>> = Object.fromEntries(SCAN_FIELDS.map((f, i) => [f, i])) as Record<ScanField, number>;
/** Fields of one end, in SCAN_FIELDS order from the end's first field. */
export const SIDE_FIELDS = 6;

export const enum ValueType {
  Absent = 0,
  String = 1,
  Number = 2,
  Null = 3,
  True = 4,
  False = 5,
  Object = 6,
  Array = 7,
}

/** Nesting beyond this is left to JSON.parse. */
const MAX_DEPTH = 64;
/** Digits of an integer read as a number here: below 2^53 whatever they are, so JSON.parse reads the same. */
const MAX_INT_DIGITS = 15;

const NAME_BYTES = SCAN_FIELDS.map((f) => Buffer.from(f, "latin1"));

/**
 * The slot of a field name of `len` bytes starting at `start`: from its length and three of its bytes, chosen so
 * that the names of SCAN_FIELDS fall in distinct slots (checked below, at load). A name is then found without
 * hashing every byte of every key.
 */
const SLOT_BITS = 7;
function slotOf(b: Uint8Array, start: number, len: number): number {
  return (len + 3 * (b[start] as number) + (b[start + len - 1] as number) + 7 * (b[len < 4 ? start : start + len - 4] as number)) & ((1 << SLOT_BITS) - 1);
}

/** Each name's bytes as little-endian 32-bit words (its last len % 4 bytes left out). */
const NAME_WORDS = NAME_BYTES.map((n) => {
  const w = new Int32Array(n.length >> 2);
  for (let i = 0; i < w.length; i++) w[i] = n.readInt32LE(4 * i);
  return w;
});

/** Field id + 1 by slot (verified byte by byte: a slot hit alone proves nothing). */
const BY_SLOT = new Int8Array(1 << SLOT_BITS);
for (let i = 0; i < NAME_BYTES.length; i++) {
  const n = NAME_BYTES[i] as Buffer;
  const slot = slotOf(n, 0, n.length);
  if (BY_SLOT[slot] !== 0) throw new Error(`import-scan: field names ${SCAN_FIELDS[(BY_SLOT[slot] as number) - 1]} and ${SCAN_FIELDS[i]} share a slot`);
  BY_SLOT[slot] = i + 1;
}

/** What ends a run of string bytes: 1 the closing quote, 2 not allowed in a JSON string here, 3 not ASCII. */
const STOP = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STOP[c] = 2;
STOP[0x22] = 1;
STOP[0x5c] = 2;
for (let c = 0x80; c < 0x100; c++) STOP[c] = 3;

/** Members whose key is predicted from the line before, and the longest such key (in 4-byte words). */
const PREDICTED_MEMBERS = 32;
const PREDICTED_KEY_WORDS = 8;

/** Where one object's known fields are: member start (its key's quote), value start and end, type. */
export class FieldTable {
  /** Bit i set: field i was seen. */
  seen = 0;
  /** Members seen in this object (known or not). */
  members = 0;
  readonly memberStart = new Int32Array(SCAN_FIELDS.length);
  readonly valueStart = new Int32Array(SCAN_FIELDS.length);
  readonly valueEnd = new Int32Array(SCAN_FIELDS.length);
  /** Position of the member among the object's members, to tell whether known fields are adjacent. */
  readonly order = new Int32Array(SCAN_FIELDS.length);
  readonly type = new Uint8Array(SCAN_FIELDS.length);
  /** A non-negative integer of at most MAX_INT_DIGITS digits, else -1 (numbers only). */
  readonly int = new Float64Array(SCAN_FIELDS.length);
  /** The key of each of the first PREDICTED_MEMBERS members on the line before: length (-1: none), words, field. */
  readonly predictedLength = new Int32Array(PREDICTED_MEMBERS).fill(-1);
  readonly predictedWords = new Int32Array(PREDICTED_MEMBERS * PREDICTED_KEY_WORDS);
  readonly predictedField = new Int8Array(PREDICTED_MEMBERS);
  /** The known fields seen, in member order (the first `seenCount`). */
  readonly fields = new Int8Array(SCAN_FIELDS.length);
  seenCount = 0;

  has(f: number): boolean {
    return (this.seen & (1 << f)) !== 0;
  }
}

const enum C {
  Quote = 0x22,
  Comma = 0x2c,
  Minus = 0x2d,
  Dot = 0x2e,
  Zero = 0x30,
  Nine = 0x39,
  Colon = 0x3a,
  OpenBracket = 0x5b,
  Backslash = 0x5c,
  CloseBracket = 0x5d,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/**
 * Scans one line. After `scan` returns true, `top` holds the top-level object's known fields and `key`, when
 * the top level had a `Key` object, that object's.
 */
export class FlowLineScanner {
  readonly top = new FieldTable();
  readonly key = new FieldTable();
  private b: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(new ArrayBuffer(0));
  /** b's offset in view. */
  private offset = 0;
  private end = 0;

  /** Scans bytes [start, end) of `b` as one JSON value; true when it is an object this scanner read exactly. */
  scan(b: Uint8Array, start: number, end: number): boolean {
    this.b = b;
    if (this.view.buffer !== b.buffer) this.view = new DataView(b.buffer);
    this.offset = b.byteOffset;
    this.end = end;
    this.top.seen = 0;
    this.top.members = 0;
    this.top.seenCount = 0;
    this.key.seen = 0;
    this.key.members = 0;
    this.key.seenCount = 0;
    // A 0 byte after the line (none of JSON's tokens or spaces) stops every loop there: what follows in the
    // buffer (the next line, or stale bytes after the last one) is never read as part of this line.
    const guarded = end < b.length;
    const after = guarded ? (b[end] as number) : 0;
    if (guarded) b[end] = 0;
    let p = this.ws(start);
    let ok = p < end && b[p] === C.OpenBrace;
    if (ok) {
      p = this.object(p, this.top, true);
      ok = p >= 0 && this.ws(p) === end;
    }
    if (guarded) b[end] = after;
    return ok;
  }

  private ws(p: number): number {
    const b = this.b;
    const end = this.end;
    while (p < end && isWs(b[p] as number)) p++;
    return p;
  }

  /** A string starting at the quote at p: the position after its closing quote, or -1. */
  private string(p: number, ascii: boolean): number {
    const b = this.b;
    const end = this.end;
    let i = this.plain(p + 1);
    for (;;) {
      while (i < end && STOP[b[i] as number] === 0) i++;
      if (i >= end) return -1;
      const stop = STOP[b[i] as number];
      if (stop === 1) return i + 1;
      if (stop === 2 || ascii) return -1;
      i++;
    }
  }

  /**
   * Skips plain string bytes four at a time (SWAR): stops at the first word holding a byte below 0x20, a quote,
   * a backslash or a byte from 0x80, from where the byte loop goes on.
   */
  private plain(i: number): number {
    const view = this.view;
    const last = this.end - 4;
    const at = this.offset;
    while (i <= last) {
      const w = view.getInt32(at + i, true);
      const q = w ^ 0x22222222;
      const s = w ^ 0x5c5c5c5c;
      if ((((w - 0x20202020) & ~w) | ((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s) | w) & 0x80808080) break;
      i += 4;
    }
    return i;
  }

  /** A number starting at p: the position after it, or -1. */
  private number(p: number): number {
    const b = this.b;
    const end = this.end;
    let i = p;
    if (b[i] === C.Minus) i++;
    if (i >= end) return -1;
    const first = b[i] as number;
    if (first === C.Zero) i++;
    else if (first > C.Zero && first <= C.Nine) {
      i++;
      while (i < end && (b[i] as number) >= C.Zero && (b[i] as number) <= C.Nine) i++;
    } else return -1;
    if (i < end && b[i] === C.Dot) {
      i++;
      const d = i;
      while (i < end && (b[i] as number) >= C.Zero && (b[i] as number) <= C.Nine) i++;
      if (i === d) return -1;
    }
    if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
      i++;
      if (i < end && (b[i] === 0x2b || b[i] === C.Minus)) i++;
      const d = i;
      while (i < end && (b[i] as number) >= C.Zero && (b[i] as number) <= C.Nine) i++;
      if (i === d) return -1;
    }
    return i;
  }

  private literal(p: number, word: string): number {
    const b = this.b;
    if (p + word.length > this.end) return -1;
    for (let i = 0; i < word.length; i++) if (b[p + i] !== word.charCodeAt(i)) return -1;
    return p + word.length;
  }

  /** Any JSON value at p, validated and skipped: the position after it, or -1. */
  private skip(p: number, depth: number): number {
    const b = this.b;
    const end = this.end;
    const c = b[p];
    if (c === C.Quote) return this.string(p, false);
    if (c === C.OpenBrace || c === C.OpenBracket) {
      if (depth >= MAX_DEPTH) return -1;
      const close = c === C.OpenBrace ? C.CloseBrace : C.CloseBracket;
      let i = p + 1;
      // Spaces are rare between tokens: ws() only when there is one.
      if (i < end && isWs(b[i] as number)) i = this.ws(i);
      if (b[i] === close && i < end) return i + 1;
      for (;;) {
        if (c === C.OpenBrace) {
          if (b[i] !== C.Quote) return -1;
          i = this.string(i, false);
          if (i < 0) return -1;
          if (b[i] !== C.Colon) {
            i = this.ws(i);
            if (b[i] !== C.Colon) return -1;
          }
          i++;
          if (i < end && isWs(b[i] as number)) i = this.ws(i);
        }
        if (i >= end) return -1;
        i = this.skip(i, depth + 1);
        if (i < 0) return -1;
        if (i < end && isWs(b[i] as number)) i = this.ws(i);
        if (b[i] === C.Comma) {
          i++;
          if (i < end && isWs(b[i] as number)) i = this.ws(i);
        } else if (b[i] === close && i < end) return i + 1;
        else return -1;
      }
    }
    if (c === 0x74) return this.literal(p, "true");
    if (c === 0x66) return this.literal(p, "false");
    if (c === 0x6e) return this.literal(p, "null");
    return this.number(p);
  }

  /** The object at p (its `{`), recording known fields in `t`: the position after it, or -1. */
  private object(p: number, t: FieldTable, top: boolean): number {
    const b = this.b;
    const end = this.end;
    let i = this.ws(p + 1);
    if (b[i] === C.CloseBrace) return i + 1;
    for (;;) {
      if (i >= end || b[i] !== C.Quote) return -1;
      const memberStart = i;
      // The key: first the one this member had on the line before (lines of one export share their shape),
      // compared four bytes at a time; else found by its slot, without making a string.
      const m = t.members;
      let k = m < PREDICTED_MEMBERS ? this.predicted(t, m, i + 1) : -1;
      let f: number;
      if (k >= 0) f = t.predictedField[m] as number;
      else {
        k = this.plain(i + 1);
        for (;;) {
          while (k < end && STOP[b[k] as number] === 0) k++;
          if (k >= end) return -1;
          const stop = STOP[b[k] as number];
          if (stop === 1) break;
          if (stop === 2) return -1;
          k++;
        }
        const len = k - i - 1;
        f = len === 0 ? -1 : (BY_SLOT[slotOf(b, i + 1, len)] as number) - 1;
        if (f >= 0 && !this.sameName(i + 1, k, f)) f = -1;
        if (m < PREDICTED_MEMBERS) this.predict(t, m, i + 1, k, f);
      }
      i = k + 1;
      if (b[i] !== C.Colon) {
        i = this.ws(i);
        if (b[i] !== C.Colon) return -1;
      }
      i++;
      if (i < end && isWs(b[i] as number)) i = this.ws(i);
      if (i >= end) return -1;
      const vs = i;
      const c = b[i] as number;
      let type: ValueType;
      let int = -1;
      if (c === C.Quote) {
        // Text the importer reads must be ASCII (a slice of it is then the string JSON.parse makes).
        i = this.string(i, f >= 0);
        type = ValueType.String;
      } else if (c === C.OpenBrace) {
        i = top && f === FIELD.Key && !t.has(FIELD.Key) ? this.object(i, this.key, false) : this.skip(i, 1);
        type = ValueType.Object;
      } else if (c === C.OpenBracket) {
        i = this.skip(i, 1);
        type = ValueType.Array;
      } else if (c === 0x74) {
        i = this.literal(i, "true");
        type = ValueType.True;
      } else if (c === 0x66) {
        i = this.literal(i, "false");
        type = ValueType.False;
      } else if (c === 0x6e) {
        i = this.literal(i, "null");
        type = ValueType.Null;
      } else {
        i = this.number(i);
        type = ValueType.Number;
        if (i > 0 && c !== C.Minus && i - vs <= MAX_INT_DIGITS) {
          let n = 0;
          let j = vs;
          for (; j < i; j++) {
            const d = b[j] as number;
            if (d < C.Zero || d > C.Nine) break;
            n = n * 10 + (d - C.Zero);
          }
          if (j === i) int = n;
        }
      }
      if (i < 0) return -1;
      if (f >= 0) {
        const bit = 1 << f;
        if ((t.seen & bit) !== 0) return -1;
        t.seen |= bit;
        t.memberStart[f] = memberStart;
        t.valueStart[f] = vs;
        t.valueEnd[f] = i;
        t.order[f] = t.members;
        t.type[f] = type;
        t.int[f] = int;
        t.fields[t.seenCount++] = f;
      }
      t.members++;
      if (i < end && isWs(b[i] as number)) i = this.ws(i);
      if (b[i] === C.Comma) {
        i++;
        if (i < end && isWs(b[i] as number)) i = this.ws(i);
      } else if (b[i] === C.CloseBrace && i < end) return i + 1;
      else return -1;
    }
  }

  /**
   * The end (its closing quote) of the key starting at `start` when it is the key member m had on the line
   * before, else -1. That key was checked then (no quote, backslash or control byte), so equal bytes are it.
   */
  private predicted(t: FieldTable, m: number, start: number): number {
    const len = t.predictedLength[m] as number;
    if (len < 0) return -1;
    const k = start + len;
    if (k >= this.end || this.b[k] !== C.Quote) return -1;
    const view = this.view;
    const at = this.offset + start;
    const words = t.predictedWords;
    const base = m * PREDICTED_KEY_WORDS;
    let i = 0;
    for (; i + 4 <= len; i += 4) if (view.getInt32(at + i, true) !== words[base + (i >> 2)]) return -1;
    if (i < len) {
      let w = 0;
      for (let j = 0; i + j < len; j++) w |= (this.b[start + i + j] as number) << (8 * j);
      if (w !== words[base + (i >> 2)]) return -1;
    }
    return k;
  }

  /** Remembers the key [start, end) of member m and its field (-1: not one the importer reads). */
  private predict(t: FieldTable, m: number, start: number, end: number, f: number): void {
    const len = end - start;
    if (len > 4 * PREDICTED_KEY_WORDS) {
      t.predictedLength[m] = -1;
      return;
    }
    const base = m * PREDICTED_KEY_WORDS;
    for (let w = 0; w < PREDICTED_KEY_WORDS; w++) {
      let x = 0;
      for (let j = 0; j < 4 && 4 * w + j < len; j++) x |= (this.b[start + 4 * w + j] as number) << (8 * j);
      t.predictedWords[base + w] = x;
    }
    t.predictedLength[m] = len;
    t.predictedField[m] = f;
  }

  /** Whether bytes [start, end) are the name of field f, compared four bytes at a time. */
  private sameName(start: number, end: number, f: number): boolean {
    const n = NAME_BYTES[f] as Buffer;
    const len = n.length;
    if (len !== end - start) return false;
    const words = NAME_WORDS[f] as Int32Array;
    const view = this.view;
    const at = this.offset + start;
    let i = 0;
    for (; i + 4 <= len; i += 4) if (view.getInt32(at + i, true) !== words[i >> 2]) return false;
    const b = this.b;
    for (; i < len; i++) if (b[start + i] !== n[i]) return false;
    return true;
  }
}
