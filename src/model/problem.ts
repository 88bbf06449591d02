import { MAX_PROBLEMS_KEPT, MAX_PROBLEMS_PRINTED, MAX_VALUE_CHARS_PRINTED } from "./limits.js";

/**
 * One user mistake: where it is, what the bad value was, what is wrong and how to fix it.
 *
 * `path` is a field path inside the object, in the form `spec.ingress[0].destination.ports[1]`
 * (empty string for the object itself). `file` and `object` are filled in by callers that know them
 * (synth knows the chart, the CLI knows the file); validation of a single object leaves them unset.
 */
export interface Problem {
  readonly path: string;
  readonly value?: unknown;
  readonly message: string;
  readonly hint: string;
  /** File (or chart) the object came from, when known. */
  readonly file?: string;
  /** `Kind/namespace/name` or `Kind/name` of the object, when known. */
  readonly object?: string;
}

/**
 * A bad value as the problem quotes it: JSON, never throwing (a cyclic value from YAML aliases, a BigInt or a
 * 5,000-deep list becomes text too), cut to MAX_VALUE_CHARS_PRINTED characters.
 */
export function formatValue(v: unknown): string {
  let text: string;
  try {
    const seen = new WeakSet<object>();
    text =
      JSON.stringify(v, (_k, x: unknown) => {
        if (typeof x === "bigint") return `${x.toString()}n`;
        if (typeof x === "object" && x !== null) {
          if (seen.has(x)) return "[circular]";
          seen.add(x);
        }
        return x;
      }) ?? String(v);
  } catch {
    // Deeper than JSON.stringify's recursion can go.
    text = Array.isArray(v) ? "[a deeply nested list]" : typeof v === "object" && v !== null ? "{a deeply nested object}" : String(v);
  }
  return text.length > MAX_VALUE_CHARS_PRINTED ? `${text.slice(0, MAX_VALUE_CHARS_PRINTED)}…` : text;
}

/** Formats one problem as a single line: `file: Kind/name: path: message (value: x). Hint: ...`. */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.object, p.path === "" ? undefined : p.path].filter((s) => s !== undefined && s !== "");
  const value = p.value === undefined ? "" : ` (value: ${formatValue(p.value)})`;
  return `${where.join(": ")}${where.length > 0 ? ": " : ""}${p.message}${value}. Hint: ${p.hint}`;
}

/**
 * The one error type for user mistakes. It carries every problem found, not only the first,
 * so a user fixes all of them in one round: up to MAX_PROBLEMS_KEPT of them (the rest are counted in
 * `omitted`), of which the message prints the first MAX_PROBLEMS_PRINTED.
 */
export class UserError extends Error {
  readonly problems: readonly Problem[];
  /** Problems found but not kept (beyond MAX_PROBLEMS_KEPT). */
  readonly omitted: number;

  /** `omitted`: problems the caller counted but did not keep. */
  constructor(problems: readonly Problem[], summary?: string, omitted = 0) {
    const kept = problems.length > MAX_PROBLEMS_KEPT ? problems.slice(0, MAX_PROBLEMS_KEPT) : problems;
    const total = problems.length + omitted;
    const head = summary ?? `${total} problem${total === 1 ? "" : "s"} found`;
    const shown = kept.slice(0, MAX_PROBLEMS_PRINTED).map((p) => `  - ${formatProblem(p)}`);
    const rest = total - shown.length;
    if (rest > 0) shown.push(`  ... and ${rest} more problem${rest === 1 ? "" : "s"} (the first ${MAX_PROBLEMS_PRINTED} are listed; fix them and run again)`);
    super([head, ...shown].join("\n"));
    this.name = "UserError";
    this.problems = kept;
    this.omitted = total - kept.length;
  }
}

/** Collects problems up to MAX_PROBLEMS_KEPT and counts the rest, so memory stays flat on hostile input. */
export class ProblemList {
  readonly kept: Problem[] = [];
  /** Every problem added, kept or not. */
  count = 0;

  add(p: Problem): void {
    this.count++;
    if (this.kept.length < MAX_PROBLEMS_KEPT) this.kept.push(p);
  }

  /** A UserError of every problem (kept ones listed, the rest counted), or undefined when there is none. */
  error(summary?: string): UserError | undefined {
    return this.count === 0 ? undefined : new UserError(this.kept, summary, this.count - this.kept.length);
  }
}

/** Joins a field path with a key or an index: `joinPath("spec", "ingress")`, `joinPath("spec.ingress", 0)`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  return base === "" ? key : `${base}.${key}`;
}
