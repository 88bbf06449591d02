/**
 * Exit codes of every `calico-baseline` command, in one place so that the verdict a command prints and
 * the code it exits with cannot drift apart (docs/review.md, "Exit codes", renders this table).
 *
 * The rule: 0 no change or safe, 3 a lockout or an unsafe change, 1 an error. Two codes are kept on
 * purpose: `explain` exits 2 for a denied flow (a verdict about one flow, not a failure), and
 * `recommend` exits 4 when it wrote its files but the inventory lacks endpoints its cases name.
 */

export const EXIT = {
  /** No change, or the change is safe; `explain`: the flow is allowed. */
  OK: 0,
  /** A user error (bad flag, bad input, a stack that does not synthesise) or an internal error. */
  ERROR: 1,
  /** `explain` only: the flow is denied. */
  DENIED: 2,
  /** A lockout invariant is broken, or the change is not safe to promote (the CI gate). */
  UNSAFE: 3,
  /** `recommend` only: files written, but the inventory lacks endpoints the cases name. */
  INVENTORY_GAPS: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface ExitCodeRow {
  readonly command: string;
  readonly codes: ReadonlyArray<readonly [ExitCode, string]>;
}

/** Every command's exit codes, as documented in `--help` and docs/review.md (a test keeps them in step). */
export const EXIT_CODES: readonly ExitCodeRow[] = [
  {
    command: "synth",
    codes: [
      [EXIT.OK, "written; every lockout invariant holds (or is waived)"],
      [EXIT.UNSAFE, "the baseline breaks a lockout invariant, enforced or once the staged policies are enforced; nothing written"],
      [EXIT.ERROR, "user error (bad flag, invalid config or object); nothing written"],
    ],
  },
  {
    command: "report",
    codes: [
      [EXIT.OK, "every lockout invariant holds (or is waived)"],
      [EXIT.UNSAFE, "a lockout invariant is broken, enforced or once the staged policies are enforced"],
      [EXIT.ERROR, "user error"],
    ],
  },
  {
    command: "diff",
    codes: [
      [EXIT.OK, "no change, or a change after which every lockout invariant holds in both views"],
      [EXIT.UNSAFE, "after the change a lockout invariant is broken, enforced (lockout) or once the staged policies are enforced (unsafe to promote)"],
      [EXIT.ERROR, "user error (bad flag, a revision that does not synthesise, unreadable manifests)"],
    ],
  },
  {
    command: "explain",
    codes: [
      [EXIT.OK, "the flow is allowed"],
      [EXIT.DENIED, "the flow is denied (a verdict, kept on purpose: scripts test a flow with it)"],
      [EXIT.ERROR, "user error"],
    ],
  },
  {
    command: "replay",
    codes: [
      [EXIT.OK, "safe to promote"],
      [EXIT.UNSAFE, "NOT safe to promote: a flow allowed today would be denied, a staged Deny was recorded, a flow is undecidable, or no flow was replayed"],
      [EXIT.ERROR, "user error"],
    ],
  },
  {
    command: "recommend",
    codes: [
      [EXIT.OK, "written"],
      [EXIT.INVENTORY_GAPS, "written, but the inventory lacks endpoints the cases name (entries to add printed; kept on purpose)"],
      [EXIT.UNSAFE, "the recommendation fails its own replay; nothing written"],
      [EXIT.ERROR, "user error"],
    ],
  },
  {
    command: "sync-networksets",
    codes: [
      [EXIT.OK, "stopped by SIGTERM or SIGINT; --check: the config is valid"],
      [EXIT.ERROR, "user error (invalid config, unreadable credentials, a port in use); nothing watched or written"],
    ],
  },
  {
    command: "(no command, unknown command)",
    codes: [
      [EXIT.OK, "--help"],
      [EXIT.ERROR, "no or an unknown command (the usage is printed)"],
    ],
  },
];

/** The `exit:` lines of a command's usage text, from the table. */
export function exitHelp(command: string): string {
  const row = EXIT_CODES.find((r) => r.command === command);
  if (row === undefined) throw new Error(`no exit codes for ${command}`);
  return `exit: ${row.codes.map(([c, what]) => `${c} ${what}`).join(";\n      ")}`;
}

/** The exit code table of docs/review.md (a test keeps the document equal to it). */
export function exitCodeMarkdown(): string {
  const lines = ["| command | exit | meaning |", "|---|---:|---|"];
  for (const row of EXIT_CODES) for (const [code, what] of row.codes) lines.push(`| \`${row.command.startsWith("(") ? row.command : `calico-baseline ${row.command}`}\` | ${code} | ${what} |`);
  return lines.join("\n");
}
