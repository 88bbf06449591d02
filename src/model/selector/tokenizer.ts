/**
 * Tokenizer for the Calico selector language.
 *
 * Behaviour follows projectcalico/calico `libcalico-go/lib/selector/tokenizer/tokenizer.go` (the
 * hand-written tokenizer used since Calico 3.30; 3.29's regex tokenizer accepts the same language
 * except that it also took newlines and other `\s` whitespace inside `has( )`/`all( )`/`global( )`
 * and between the words of `starts with`, `ends with` and `not in`):
 *
 * - Only space and tab separate tokens. Any other character outside a string literal, including a
 *   newline, is an error (YAML block scalars that end in "\n" therefore give an invalid selector).
 * - String literals are delimited by `"` or `'` and have no escapes: a literal runs to the next
 *   quote of the same kind, so a value may contain the other quote character but never both.
 * - A label key is 1 to 512 characters of `[A-Za-z0-9_./-]` (Calico does not apply the Kubernetes
 *   label syntax here: `-a`, `a..b` and `a/b/c` are all legal selector keys).
 * - `has(`, `all(` and `global(` must be written without a space before the parenthesis; spaces
 *   and tabs are allowed inside: `has( app )`, `all( )`.
 * - Word operators (`in`, `not in`, `contains`, `starts with`, `ends with`) are only recognised
 *   directly after a label key and must end at a word boundary. Multi-word operators accept any
 *   run of spaces/tabs between the words, or none (`startswith`, `notin`).
 */

/** Token kinds; `label` and `string` carry a value. */
export type TokenKind =
  | "label"
  | "string"
  | "lbrace"
  | "rbrace"
  | "comma"
  | "eq"
  | "ne"
  | "in"
  | "not"
  | "notIn"
  | "contains"
  | "startsWith"
  | "endsWith"
  | "all"
  | "has"
  | "lparen"
  | "rparen"
  | "and"
  | "or"
  | "global"
  | "eof";

export interface Token {
  readonly kind: TokenKind;
  /** Label key for `label` and `has`, literal content for `string`, otherwise "". */
  readonly value: string;
  /** 0-based offset of the token's first character in the input. */
  readonly pos: number;
  /** Offset just after the token. */
  readonly end: number;
}

/** Calico's limit on the length of a label key inside a selector (tokenizer.MaxLabelLength). */
export const MAX_LABEL_KEY_LENGTH = 512;

/** Characters Calico allows in a selector label key. */
export const LABEL_KEY_CHARS_HINT =
  "label keys may contain only letters, digits, '_', '.', '/' and '-' (at most 512 characters)";

/** Raised by the tokenizer; the parser turns it into a SelectorError with the input attached. */
export class TokenizeError extends Error {
  constructor(
    readonly position: number,
    readonly reason: string,
    readonly hint: string,
  ) {
    super(reason);
  }
}

/** True for the characters of a label key (Calico `identifierChar`). */
export function isLabelKeyChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x5f || // _
    c === 0x2e || // .
    c === 0x2f || // /
    c === 0x2d // -
  );
}

/** True when `key` is a complete, legal selector label key (Calico `tokenizer.ValidLabel`). */
export function isValidLabelKey(key: string): boolean {
  if (key.length === 0 || key.length > MAX_LABEL_KEY_LENGTH) return false;
  for (let i = 0; i < key.length; i++) if (!isLabelKeyChar(key.charCodeAt(i))) return false;
  return true;
}

/**
 * Label keys repeat across thousands of selectors (`app`, `projectcalico.org/name`, ...): share one
 * string per key instead of one slice per selector. Bounded so hostile input cannot grow it forever.
 */
const keyTable = new Map<string, string>();
function shareKey(key: string): string {
  const known = keyTable.get(key);
  if (known !== undefined) return known;
  if (keyTable.size >= 10_000) keyTable.clear();
  keyTable.set(key, key);
  return key;
}

const SPACE = 0x20;
const TAB = 0x09;

function skipWhitespace(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== SPACE && c !== TAB) break;
    i++;
  }
  return i;
}

/** End offset of the label key starting at `i` (=== i when there is none). */
function scanLabelKey(s: string, i: number): number {
  while (i < s.length && isLabelKeyChar(s.charCodeAt(i))) i++;
  return i;
}

/** A word ends at end of input or at any character that cannot continue a label key. */
function atWordBoundary(s: string, i: number): boolean {
  return i >= s.length || !isLabelKeyChar(s.charCodeAt(i));
}

/**
 * If the words (separated by optional spaces/tabs) start at `i` and the last one ends at a word
 * boundary, returns the offset after the last word; otherwise -1.
 */
function matchWords(s: string, i: number, words: readonly string[]): number {
  let j = i;
  for (let w = 0; w < words.length; w++) {
    const word = words[w] as string;
    if (!s.startsWith(word, j)) return -1;
    j += word.length;
    if (w < words.length - 1) j = skipWhitespace(s, j);
  }
  return atWordBoundary(s, j) ? j : -1;
}

function describeChar(s: string, i: number): string {
  const cp = s.codePointAt(i) ?? 0;
  if (cp === 0x0a) return "a newline";
  if (cp === 0x0d) return "a carriage return";
  if (cp < 0x20 || cp === 0x7f) return `control character U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  return JSON.stringify(String.fromCodePoint(cp));
}

function unexpectedCharHint(s: string, i: number): string {
  const c = s.charCodeAt(i);
  if (c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c) {
    return "only spaces and tabs may separate tokens: write the selector on one line (in YAML use a plain or quoted scalar, or '>-' instead of '>')";
  }
  return `${LABEL_KEY_CHARS_HINT}; quote values: app == "web"`;
}

/**
 * Reads a label key at `i` (after whitespace has been skipped), enforcing Calico's rules.
 * Returns the end offset.
 */
function readLabelKey(s: string, i: number, context: string): number {
  const end = scanLabelKey(s, i);
  if (end === i) {
    if (i >= s.length) {
      throw new TokenizeError(i, `expected a label key ${context}, found end of input`, LABEL_KEY_CHARS_HINT);
    }
    throw new TokenizeError(
      i,
      `expected a label key ${context}, found ${describeChar(s, i)}`,
      unexpectedCharHint(s, i),
    );
  }
  if (end - i > MAX_LABEL_KEY_LENGTH) {
    throw new TokenizeError(
      i,
      `label key is ${end - i} characters long, more than ${MAX_LABEL_KEY_LENGTH}`,
      `shorten the label key to at most ${MAX_LABEL_KEY_LENGTH} characters`,
    );
  }
  return end;
}

/** Tokenizes a selector; the result always ends with an `eof` token. Throws TokenizeError. */
export function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  const push = (kind: TokenKind, pos: number, end: number, value = ""): void => {
    tokens.push({ kind, value, pos, end });
  };
  let i = 0;
  for (;;) {
    i = skipWhitespace(s, i);
    if (i >= s.length) {
      push("eof", s.length, s.length);
      return tokens;
    }
    const start = i;
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x28: // (
        push("lparen", i, i + 1);
        i++;
        continue;
      case 0x29: // )
        push("rparen", i, i + 1);
        i++;
        continue;
      case 0x7b: // {
        push("lbrace", i, i + 1);
        i++;
        continue;
      case 0x7d: // }
        push("rbrace", i, i + 1);
        i++;
        continue;
      case 0x2c: // ,
        push("comma", i, i + 1);
        i++;
        continue;
      case 0x22: // "
      case 0x27: {
        // '
        const quote = s[i] as string;
        const close = s.indexOf(quote, i + 1);
        if (close < 0) {
          throw new TokenizeError(
            i,
            `unterminated string: the ${quote === '"' ? "double" : "single"} quote at ${i} is never closed`,
            `close the string opened at ${i} with a matching ${quote}; a value cannot contain its own quote character`,
          );
        }
        push("string", i, close + 1, s.slice(i + 1, close));
        i = close + 1;
        continue;
      }
      case 0x3d: // =
        if (s.charCodeAt(i + 1) !== 0x3d) {
          throw new TokenizeError(i, "expected '==' but found a single '='", `use '==' for equality: app == "web"`);
        }
        push("eq", i, i + 2);
        i += 2;
        continue;
      case 0x21: // !
        if (s.charCodeAt(i + 1) === 0x3d) {
          push("ne", i, i + 2);
          i += 2;
        } else {
          push("not", i, i + 1);
          i++;
        }
        continue;
      case 0x26: // &
        if (s.charCodeAt(i + 1) !== 0x26) {
          throw new TokenizeError(i, "expected '&&' but found a single '&'", "use '&&' for AND: has(a) && has(b)");
        }
        push("and", i, i + 2);
        i += 2;
        continue;
      case 0x7c: // |
        if (s.charCodeAt(i + 1) !== 0x7c) {
          throw new TokenizeError(i, "expected '||' but found a single '|'", "use '||' for OR: has(a) || has(b)");
        }
        push("or", i, i + 2);
        i += 2;
        continue;
      default:
        break;
    }

    const last = tokens.length > 0 ? (tokens[tokens.length - 1] as Token) : undefined;
    if (last !== undefined && last.kind === "label") {
      // Directly after a label key only an operator may follow (symbolic ones were handled above).
      let j: number;
      if ((j = matchWords(s, i, ["contains"])) >= 0) push("contains", start, j);
      else if ((j = matchWords(s, i, ["starts", "with"])) >= 0) push("startsWith", start, j);
      else if ((j = matchWords(s, i, ["ends", "with"])) >= 0) push("endsWith", start, j);
      else if ((j = matchWords(s, i, ["not", "in"])) >= 0) push("notIn", start, j);
      else if ((j = matchWords(s, i, ["in"])) >= 0) push("in", start, j);
      else {
        const wordEnd = scanLabelKey(s, i);
        const found = wordEnd > i ? JSON.stringify(s.slice(i, wordEnd)) : describeChar(s, i);
        throw new TokenizeError(
          i,
          `expected an operator after label ${JSON.stringify(last.value)}, found ${found}`,
          `operators are ==, !=, in {...}, not in {...}, contains, starts with, ends with; quote values: ${last.value} == "value"`,
        );
      }
      i = j;
      continue;
    }

    if (s.startsWith("has(", i)) {
      const keyStart = skipWhitespace(s, i + 4);
      const keyEnd = readLabelKey(s, keyStart, "inside has(...)");
      const close = skipWhitespace(s, keyEnd);
      if (s.charCodeAt(close) !== 0x29) {
        throw new TokenizeError(
          close,
          `expected ')' to close has( opened at ${start}`,
          `has() takes exactly one label key: has(${s.slice(keyStart, keyEnd)})`,
        );
      }
      push("has", start, close + 1, shareKey(s.slice(keyStart, keyEnd)));
      i = close + 1;
      continue;
    }
    if (s.startsWith("all(", i) || s.startsWith("global(", i)) {
      const isAll = s.startsWith("all(", i);
      const name = isAll ? "all" : "global";
      const close = skipWhitespace(s, i + name.length + 1);
      if (s.charCodeAt(close) !== 0x29) {
        throw new TokenizeError(close, `expected ')' to close ${name}( opened at ${start}`, `${name}() takes no arguments: write ${name}()`);
      }
      push(isAll ? "all" : "global", start, close + 1);
      i = close + 1;
      continue;
    }
    const end = readLabelKey(s, i, "or expression");
    push("label", start, end, shareKey(s.slice(start, end)));
    i = end;
  }
}
