/**
 * Recursive-descent parser for Calico selectors, faithful to projectcalico/calico
 * `libcalico-go/lib/selector/parser/parser.go`:
 *
 *   selector  := <empty> | or
 *   or        := and ( "||" and )*
 *   and       := operation ( "&&" operation )*
 *   operation := "!"* ( has(k) | all() | global() | "(" or ")"
 *                     | k ("==" | "!=" | contains | starts with | ends with) string
 *                     | k (in | not in) "{" [ string ("," string)* [","] ] "}" )
 *
 * Precedence, loosest first: `||`, `&&`, `!`, then the comparison operators. `!` applies to ONE
 * operation (`!a == "x" && b == "y"` is `(!(a == "x")) && b == "y"`), and a run of `!` collapses to
 * one or none by parity (`!!has(a)` is `has(a)`). Parentheses produce no node of their own; `&&`/`||`
 * chains are n-ary and are not flattened across parentheses (`(a && b) && c` stays nested, as in
 * Calico, so its canonical string keeps the inner parentheses). A set literal may be empty and may
 * end with a trailing comma. The empty (or blank) selector is `all()`.
 */
import { canonicalSet, type SelectorNode } from "./ast.js";
import { SelectorError } from "./error.js";
import { tokenize, TokenizeError, type Token } from "./tokenizer.js";

const VALUE_OP_TEXT = {
  eq: "==",
  ne: "!=",
  contains: "contains",
  startsWith: "starts with",
  endsWith: "ends with",
} as const;

function describe(t: Token): string {
  switch (t.kind) {
    case "label":
      return `label ${JSON.stringify(t.value)}`;
    case "string":
      return `string ${JSON.stringify(t.value)}`;
    case "has":
      return `has(${t.value})`;
    case "all":
      return "all()";
    case "global":
      return "global()";
    case "eof":
      return "end of input";
    case "lbrace":
      return "'{'";
    case "rbrace":
      return "'}'";
    case "comma":
      return "','";
    case "lparen":
      return "'('";
    case "rparen":
      return "')'";
    case "eq":
      return "'=='";
    case "ne":
      return "'!='";
    case "not":
      return "'!'";
    case "and":
      return "'&&'";
    case "or":
      return "'||'";
    case "in":
      return "'in'";
    case "notIn":
      return "'not in'";
    case "contains":
      return "'contains'";
    case "startsWith":
      return "'starts with'";
    case "endsWith":
      return "'ends with'";
  }
}

const COMPARISON_KINDS: ReadonlySet<Token["kind"]> = new Set(["eq", "ne", "in", "notIn", "contains", "startsWith", "endsWith"]);

/**
 * Parenthesis nesting limit. Calico has none (Go stacks grow), but its CRDs cap selectors at 1024
 * characters, which allows at most ~510 levels; the limit keeps hostile input from overflowing the
 * JavaScript stack (a RangeError instead of a SelectorError) without rejecting any storable selector.
 */
export const MAX_NESTING = 1000;

class Parser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  private err(at: Token, reason: string, hint: string): SelectorError {
    return new SelectorError(this.text, at.pos, reason, hint);
  }

  private peek(offset = 0): Token {
    // The token list always ends with eof and nothing consumes eof, so this never runs past it.
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)] as Token;
  }

  parseRoot(): SelectorNode {
    if (this.peek().kind === "eof") return ALL;
    const node = this.parseOr();
    const rest = this.peek();
    if (rest.kind !== "eof") {
      if (rest.kind === "rparen") {
        throw this.err(rest, "unmatched ')'", "remove the ')' or add the '(' it should close");
      }
      const prev = this.tokens[this.i - 1];
      if (prev !== undefined && COMPARISON_KINDS.has(rest.kind) && (prev.kind === "has" || prev.kind === "all" || prev.kind === "global")) {
        const what = prev.kind === "has" ? `has(${prev.value})` : `${prev.kind}()`;
        throw this.err(
          rest,
          `unexpected ${describe(rest)} after ${what}`,
          prev.kind === "has"
            ? `has(${prev.value}) only tests presence; to compare the value write ${prev.value} == "value"`
            : `${what} cannot be compared; operators follow a label key: key == "value"`,
        );
      }
      throw this.err(
        rest,
        `unexpected ${describe(rest)} after a complete expression`,
        "join expressions with && or ||, e.g. has(a) && b == \"c\"",
      );
    }
    return node;
  }

  private parseOr(): SelectorNode {
    const first = this.parseAnd();
    if (this.peek().kind !== "or") return first;
    const operands: SelectorNode[] = [first];
    while (this.peek().kind === "or") {
      this.i++;
      operands.push(this.parseAnd());
    }
    return Object.freeze({ kind: "or", operands: Object.freeze(operands.slice()) });
  }

  private parseAnd(): SelectorNode {
    const first = this.parseOperation();
    if (this.peek().kind !== "and") return first;
    const operands: SelectorNode[] = [first];
    while (this.peek().kind === "and") {
      this.i++;
      operands.push(this.parseOperation());
    }
    return Object.freeze({ kind: "and", operands: Object.freeze(operands.slice()) });
  }

  private parseOperation(): SelectorNode {
    let negated = false;
    while (this.peek().kind === "not") {
      negated = !negated;
      this.i++;
    }
    const node = this.parseOperand();
    return negated ? Object.freeze({ kind: "not", operand: node }) : node;
  }

  private parseOperand(): SelectorNode {
    const t = this.peek();
    switch (t.kind) {
      case "has":
        this.i++;
        return Object.freeze({ kind: "has", key: t.value });
      case "all":
        this.i++;
        return ALL;
      case "global":
        this.i++;
        return GLOBAL;
      case "label":
        return this.parseComparison(t);
      case "lparen": {
        this.i++;
        if (++this.depth > MAX_NESTING) {
          throw this.err(t, `parentheses nested more than ${MAX_NESTING} deep`, "remove redundant parentheses");
        }
        const inner = this.parseOr();
        this.depth--;
        const close = this.peek();
        if (close.kind !== "rparen") {
          throw this.err(
            close,
            `expected ')' to close the parenthesis opened at ${t.pos}, found ${describe(close)}`,
            close.kind === "eof"
              ? `close the parenthesis opened at ${t.pos}`
              : `close the parenthesis opened at ${t.pos}, or join expressions with && or ||`,
          );
        }
        this.i++;
        return inner;
      }
      case "string":
        throw this.err(
          t,
          `unexpected string ${JSON.stringify(t.value)} where an expression should start`,
          `put the label key first, unquoted, and the value after the operator: key == ${JSON.stringify(t.value)}`,
        );
      case "eof":
        throw this.err(
          t,
          "unexpected end of input where an expression was expected",
          "complete the expression, e.g. has(app) or app == \"web\"; remove a trailing '!', '&&', '||' or '('",
        );
      case "rparen":
        throw this.err(t, "unexpected ')' where an expression was expected", "put an expression inside the parentheses, or remove the ')'");
      case "and":
      case "or":
        throw this.err(t, `unexpected ${describe(t)} where an expression was expected`, `put an expression on both sides of ${describe(t)}`);
      default:
        throw this.err(
          t,
          `unexpected ${describe(t)} where an expression was expected`,
          "an expression starts with a label key, has(key), all(), global(), '!' or '('",
        );
    }
  }

  private parseComparison(label: Token): SelectorNode {
    const key = label.value;
    const op = this.peek(1);
    switch (op.kind) {
      case "eof":
        throw this.err(
          op,
          `label ${JSON.stringify(key)} must be followed by an operator and a value`,
          `compare it, e.g. ${key} == "value", or test for presence with has(${key})`,
        );
      case "eq":
      case "ne":
      case "contains":
      case "startsWith":
      case "endsWith": {
        const opText = VALUE_OP_TEXT[op.kind];
        const v = this.peek(2);
        if (v.kind !== "string") {
          const shown = v.kind === "label" ? v.value : "value";
          throw this.err(
            v,
            `expected a quoted string after '${opText}', found ${describe(v)}`,
            `quote the value: ${key} ${opText} "${shown}"`,
          );
        }
        this.i += 3;
        return Object.freeze({ kind: op.kind, key, value: v.value });
      }
      case "in":
      case "notIn": {
        const opText = op.kind === "in" ? "in" : "not in";
        const brace = this.peek(2);
        if (brace.kind !== "lbrace") {
          const example = brace.kind === "string" || brace.kind === "label" ? JSON.stringify(brace.value) : `"a", "b"`;
          throw this.err(
            brace,
            `expected a set literal '{...}' after '${opText}', found ${describe(brace)}`,
            `write the values as a set: ${key} ${opText} {${example}}`,
          );
        }
        this.i += 3;
        const values: string[] = [];
        while (this.peek().kind === "string") {
          values.push(this.peek().value);
          this.i++;
          if (this.peek().kind !== "comma") break;
          this.i++;
        }
        const close = this.peek();
        if (close.kind !== "rbrace") {
          let hint: string;
          if (close.kind === "label") hint = `quote each member: {"${close.value}"}`;
          else if (close.kind === "string") hint = "separate set members with ','";
          else if (close.kind === "eof") hint = `close the set opened at ${brace.pos} with '}'`;
          else hint = `set members are quoted strings separated by ','; close the set opened at ${brace.pos} with '}'`;
          throw this.err(close, `expected a quoted string or '}' in the set opened at ${brace.pos}, found ${describe(close)}`, hint);
        }
        this.i++;
        return Object.freeze({ kind: op.kind, key, values: Object.freeze(canonicalSet(values)) });
      }
      default: {
        let hint: string;
        if (op.kind === "lparen" && (key === "has" || key === "all" || key === "global")) {
          hint = `write ${key}(...) with no space before '('`;
        } else if (op.kind === "string") {
          hint = `add an operator: ${key} == ${JSON.stringify(op.value)}`;
        } else {
          hint = `operators are ==, !=, in {...}, not in {...}, contains, starts with, ends with, e.g. ${key} == "value"`;
        }
        throw this.err(op, `expected an operator after label ${JSON.stringify(key)}, found ${describe(op)}`, hint);
      }
    }
  }
}

const ALL: SelectorNode = Object.freeze({ kind: "all" });
const GLOBAL: SelectorNode = Object.freeze({ kind: "global" });

/** Parses selector text to an AST. Throws SelectorError. */
export function parseToAst(text: string): SelectorNode {
  if (typeof text !== "string") {
    throw new SelectorError(String(text), 0, `a selector must be a string, got ${text === null ? "null" : typeof text}`, 'write the selector as a string, e.g. "has(app)"');
  }
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (e) {
    if (e instanceof TokenizeError) throw new SelectorError(text, e.position, e.reason, e.hint);
    throw e;
  }
  return new Parser(text, tokens).parseRoot();
}
