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

/** Formats one problem as a single line: `file: Kind/name: path: message (value: x). Hint: ...`. */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.object, p.path === "" ? undefined : p.path].filter((s) => s !== undefined && s !== "");
  const value = p.value === undefined ? "" : ` (value: ${JSON.stringify(p.value)})`;
  return `${where.join(": ")}${where.length > 0 ? ": " : ""}${p.message}${value}. Hint: ${p.hint}`;
}

/**
 * The one error type for user mistakes. It carries every problem found, not only the first,
 * so a user fixes all of them in one round.
 */
export class UserError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[], summary?: string) {
    const head = summary ?? `${problems.length} problem${problems.length === 1 ? "" : "s"} found`;
    super([head, ...problems.map((p) => `  - ${formatProblem(p)}`)].join("\n"));
    this.name = "UserError";
    this.problems = problems;
  }
}

/** Joins a field path with a key or an index: `joinPath("spec", "ingress")`, `joinPath("spec.ingress", 0)`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  return base === "" ? key : `${base}.${key}`;
}
