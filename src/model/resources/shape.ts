/**
 * A small structural parser for plain YAML/JSON objects: a `Shape<T>` checks the JSON type of a value,
 * reports every mismatch as a `Problem` (field path, bad value, message, hint) and returns the typed
 * value with the bad parts left out, so semantic validation can still run on what was well formed.
 *
 * Unknown object fields are always reported (never ignored): a typo such as `ingres` would otherwise
 * silently drop a rule, which for a security baseline means traffic that is allowed or denied by
 * accident. The hint names the closest known field ("did you mean ...?").
 */
import { formatValue, joinPath, type Problem } from "../problem.js";

export interface ParseContext {
  readonly problems: Problem[];
}

export interface Shape<T> {
  /** Human description of the expected value, used in messages ("a string", "one of Allow, Deny"). */
  readonly expected: string;
  /** Parses `value` at `path`; pushes problems and returns undefined when nothing usable remains. */
  parse(value: unknown, path: string, ctx: ParseContext): T | undefined;
  /**
   * What the shape accepts, for tests that compare the embedded shapes with the upstream CRD schemas
   * (test/model/shapes.conformance.test.ts). Read-only: it never affects parsing. Every combinator in
   * this file sets it; a hand-written shape without it is reported by that test as not comparable.
   */
  readonly describe?: () => ShapeDescription;
}

/** A read-only description of a `Shape`, mirroring the OpenAPI constructs the combinators implement. */
export type ShapeDescription =
  | { readonly kind: "string"; readonly minLength?: number; readonly maxLength?: number; readonly pattern?: string }
  | { readonly kind: "number" }
  | { readonly kind: "integer"; readonly min?: number; readonly max?: number }
  | { readonly kind: "boolean" }
  | { readonly kind: "enum"; readonly values: readonly string[] }
  | { readonly kind: "intEnum"; readonly values: readonly number[] }
  | { readonly kind: "intOrString" }
  | { readonly kind: "any" }
  | { readonly kind: "array"; readonly item: Shape<unknown>; readonly minItems?: number; readonly maxItems?: number }
  | { readonly kind: "map"; readonly value: Shape<unknown> }
  | {
      readonly kind: "object";
      readonly fields: Readonly<Record<string, Shape<unknown>>>;
      readonly required: readonly string[];
    }
  | { readonly kind: "custom"; readonly expected: string };

export type PlainObject = Record<string, unknown>;

export function isPlainObject(v: unknown): v is PlainObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The JSON type name of a value, for messages. */
export function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

export function problem(path: string, value: unknown, message: string, hint: string): Problem {
  return value === undefined ? { path, message, hint } : { path, value, message, hint };
}

function typeProblem(ctx: ParseContext, path: string, value: unknown, expected: string, hint?: string): undefined {
  ctx.problems.push(
    problem(path, value, `must be ${expected}, not ${jsonType(value)}`, hint ?? `write ${expected} here`),
  );
  return undefined;
}

/** Levenshtein distance, small strings only (field names, enum values). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

/**
 * The closest candidate to `word`: a case-insensitive equal, or one within an edit distance of a
 * third of its length (at least 2). Deterministic: ties go to the first candidate in order.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const exactCase = candidates.find((c) => c.toLowerCase() === lower);
  if (exactCase !== undefined) return exactCase;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return bestD <= limit ? best : undefined;
}

/** "did you mean X?" when a candidate is close, else the list of allowed values. */
export function suggest(word: string, candidates: readonly string[], noun: string): string {
  const c = closest(word, candidates);
  if (c !== undefined) return `did you mean "${c}"?`;
  return `valid ${noun}: ${candidates.join(", ")}`;
}

/**
 * Compiles a CRD `pattern` (Go RE2 syntax). The `(?i)` flag RE2 allows is turned into the JS `i` flag,
 * which is the only RE2-only construct in the Calico CRDs.
 */
export function crdPattern(source: string): RegExp {
  const ci = source.includes("(?i)");
  return new RegExp(source.replace(/\(\?i\)/g, ""), ci ? "i" : "");
}

export function str(opts: { minLength?: number; maxLength?: number; pattern?: string } = {}): Shape<string> {
  const pattern = opts.pattern === undefined ? undefined : crdPattern(opts.pattern);
  return {
    expected: "a string",
    describe: () => ({ kind: "string", ...opts }),
    parse(v, path, ctx) {
      if (typeof v !== "string") {
        return typeProblem(
          ctx,
          path,
          v,
          "a string",
          typeof v === "number" || typeof v === "boolean" ? `quote it: "${String(v)}"` : undefined,
        );
      }
      if (opts.maxLength !== undefined && v.length > opts.maxLength) {
        ctx.problems.push(
          problem(path, v, `must be at most ${opts.maxLength} characters (is ${v.length})`, "shorten the value"),
        );
        return undefined;
      }
      if (opts.minLength !== undefined && v.length < opts.minLength) {
        ctx.problems.push(
          problem(path, v, `must be at least ${opts.minLength} characters`, "set a non-empty value or remove the field"),
        );
        return undefined;
      }
      if (pattern !== undefined && !pattern.test(v)) {
        ctx.problems.push(problem(path, v, `does not match the expected format ${opts.pattern ?? ""}`, patternHint(opts.pattern ?? "")));
        return undefined;
      }
      return v;
    },
  };
}

function patternHint(source: string): string {
  const alternatives = /^\^\(\?i\)\(([A-Za-z|]+)\)\?\$$/.exec(source);
  if (alternatives !== null) return `use one of ${(alternatives[1] ?? "").split("|").join(", ")}`;
  if (source.includes("(ms|s|m|h)")) return 'write a duration such as "90s", "5m" or "1h30m"';
  if (source.includes("]+=(")) return "write comma-separated key=value pairs, e.g. a=true,b=false";
  return "check the value's syntax";
}

export function num(): Shape<number> {
  return {
    expected: "a number",
    describe: () => ({ kind: "number" }),
    parse(v, path, ctx) {
      if (typeof v !== "number" || !Number.isFinite(v)) {
        return typeProblem(ctx, path, v, "a number", typeof v === "string" ? "remove the quotes" : undefined);
      }
      return v;
    },
  };
}

export function int(opts: { min?: number; max?: number } = {}): Shape<number> {
  const range =
    opts.min !== undefined && opts.max !== undefined
      ? ` between ${opts.min} and ${opts.max}`
      : opts.min !== undefined
        ? ` >= ${opts.min}`
        : opts.max !== undefined
          ? ` <= ${opts.max}`
          : "";
  return {
    expected: `an integer${range}`,
    describe: () => ({ kind: "integer", ...opts }),
    parse(v, path, ctx) {
      if (typeof v !== "number" || !Number.isInteger(v)) {
        return typeProblem(ctx, path, v, "an integer", typeof v === "string" ? "remove the quotes" : undefined);
      }
      if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
        ctx.problems.push(problem(path, v, `must be an integer${range}`, `use a value${range}`));
        return undefined;
      }
      return v;
    },
  };
}

export function bool(): Shape<boolean> {
  return {
    expected: "a boolean",
    describe: () => ({ kind: "boolean" }),
    parse(v, path, ctx) {
      if (typeof v !== "boolean") {
        return typeProblem(
          ctx,
          path,
          v,
          "a boolean",
          v === "true" || v === "false" ? `remove the quotes: ${v}` : "write true or false",
        );
      }
      return v;
    },
  };
}

export function enumOf<T extends string>(values: readonly T[], noun = "values"): Shape<T> {
  return {
    expected: `one of ${values.join(", ")}`,
    describe: () => ({ kind: "enum", values: [...values] }),
    parse(v, path, ctx) {
      if (typeof v !== "string") return typeProblem(ctx, path, v, `one of ${values.join(", ")}`);
      if (!(values as readonly string[]).includes(v)) {
        ctx.problems.push(problem(path, v, `must be one of ${values.join(", ")}`, suggest(v, values, noun)));
        return undefined;
      }
      return v as T;
    },
  };
}

export function intEnum<T extends number>(values: readonly T[]): Shape<T> {
  return {
    expected: `one of ${values.join(", ")}`,
    describe: () => ({ kind: "intEnum", values: [...values] }),
    parse(v, path, ctx) {
      if (typeof v !== "number" || !(values as readonly number[]).includes(v)) {
        ctx.problems.push(
          problem(path, v, `must be one of ${values.join(", ")}`, `use ${values.join(" or ")} (a number, unquoted)`),
        );
        return undefined;
      }
      return v as T;
    },
  };
}

/** `x-kubernetes-int-or-string`: an integer or a string, nothing else. */
export function intOrStr(): Shape<number | string> {
  return {
    expected: "an integer or a string",
    describe: () => ({ kind: "intOrString" }),
    parse(v, path, ctx) {
      if (typeof v === "string" || (typeof v === "number" && Number.isInteger(v))) return v;
      return typeProblem(ctx, path, v, "an integer or a string");
    },
  };
}

/** Any JSON value, kept as is (fields Kubernetes stores without a schema, or that we do not model deeply). */
export function any(): Shape<unknown> {
  return { expected: "any value", describe: () => ({ kind: "any" }), parse: (v) => v };
}

export function arr<T>(item: Shape<T>, opts: { minItems?: number; maxItems?: number } = {}): Shape<T[]> {
  return {
    expected: `a list of ${item.expected}`,
    describe: () => ({ kind: "array", item: item as Shape<unknown>, ...opts }),
    parse(v, path, ctx) {
      if (!Array.isArray(v)) {
        return typeProblem(ctx, path, v, "a list", `write a YAML list, e.g. [${formatValue(v)}]`);
      }
      if (opts.maxItems !== undefined && v.length > opts.maxItems) {
        ctx.problems.push(
          problem(path, v, `must have at most ${opts.maxItems} items (has ${v.length})`, "remove the extra items"),
        );
      }
      if (opts.minItems !== undefined && v.length < opts.minItems) {
        ctx.problems.push(
          problem(
            path,
            v,
            `must have at least ${opts.minItems} item${opts.minItems === 1 ? "" : "s"}`,
            "add items or remove the field",
          ),
        );
      }
      const out: T[] = [];
      v.forEach((x, i) => {
        const p = item.parse(x, joinPath(path, i), ctx);
        if (p !== undefined) out.push(p);
      });
      return out;
    },
  };
}

export function map<T>(value: Shape<T>): Shape<Record<string, T>> {
  return {
    expected: `a map of ${value.expected}`,
    describe: () => ({ kind: "map", value: value as Shape<unknown> }),
    parse(v, path, ctx) {
      if (!isPlainObject(v)) return typeProblem(ctx, path, v, "a map (key: value)");
      const out: Record<string, T> = {};
      for (const k of Object.keys(v).sort()) {
        const p = value.parse(v[k], joinPath(path, k), ctx);
        // defineProperty, not assignment: a "__proto__" key from JSON must stay a plain key.
        if (p !== undefined) Object.defineProperty(out, k, { value: p, enumerable: true, writable: true, configurable: true });
      }
      return out;
    },
  };
}

export type Fields<T> = { readonly [K in keyof T]-?: Shape<NonNullable<T[K]>> };

/**
 * An object with a fixed set of fields. Every field not listed is reported with a "did you mean"
 * hint; `required` fields that are absent are reported. `null` for an optional field counts as absent
 * (Kubernetes drops nulls on admission).
 */
export function obj<T>(
  fields: Fields<T>,
  opts: { required?: readonly (keyof T & string)[]; noun?: string } = {},
): Shape<T> {
  const known = Object.keys(fields);
  return {
    expected: opts.noun ?? "an object",
    describe: () => ({
      kind: "object",
      fields: { ...(fields as Readonly<Record<string, Shape<unknown>>>) },
      required: [...(opts.required ?? [])],
    }),
    parse(v, path, ctx) {
      if (!isPlainObject(v)) return typeProblem(ctx, path, v, opts.noun ?? "an object (key: value)");
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) {
        const shape = (fields as Record<string, Shape<unknown> | undefined>)[key];
        const fieldPath = joinPath(path, key);
        if (shape === undefined || !Object.prototype.hasOwnProperty.call(fields, key)) {
          ctx.problems.push(
            problem(fieldPath, v[key], `unknown field "${key}"`, unknownFieldHint(key, known)),
          );
          continue;
        }
        const raw = v[key];
        if (raw === null || raw === undefined) continue;
        const parsed = shape.parse(raw, fieldPath, ctx);
        if (parsed !== undefined) out[key] = parsed;
      }
      for (const req of opts.required ?? []) {
        if (v[req] === undefined || v[req] === null) {
          ctx.problems.push(
            problem(joinPath(path, req), undefined, `required field "${req}" is missing`, `add ${req}: <${(fields as Record<string, Shape<unknown>>)[req]?.expected ?? "value"}>`),
          );
        }
      }
      return out as T;
    },
  };
}

export function unknownFieldHint(key: string, known: readonly string[]): string {
  const c = closest(key, known);
  if (c !== undefined) return `did you mean "${c}"?`;
  return known.length > 0 ? `remove it; known fields here: ${known.join(", ")}` : "remove it";
}

/** A shape that post-processes a parsed value (for values with their own syntax: ports, protocols). */
export function custom<T>(expected: string, parse: (v: unknown, path: string, ctx: ParseContext) => T | undefined): Shape<T> {
  return { expected, describe: () => ({ kind: "custom", expected }), parse };
}

/** `obj` for generated shapes whose TypeScript type is a plain record (configuration kinds). */
export function looseObj(
  fields: Readonly<Record<string, Shape<unknown>>>,
  opts: { required?: readonly string[] } = {},
): Shape<Record<string, unknown>> {
  return obj<Record<string, unknown>>(fields as Fields<Record<string, unknown>>, opts);
}
