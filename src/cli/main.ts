/**
 * The `calico-baseline` command. Each sub-command lives in `src/cli/commands/<name>.ts` and exports
 * `run(args: string[], io: CliIo): Promise<number>` (the exit code) and a one-line `summary`.
 */
import { fileURLToPath } from "node:url";
import { fsProblem, isFsError } from "../io/fs-errors.js";
import { UserError } from "../model/problem.js";
import { EXIT } from "./exit-codes.js";

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
  /** Standard input, for commands that read it (`inventory --outputs -`); default: the process's. */
  readonly readStdin?: () => Promise<string>;
}

export interface Command {
  readonly summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Sub-commands, loaded on demand so `synth` does not pay for the analysis engine and vice versa. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  synth: () => import("./commands/synth.js"),
  report: () => import("./commands/report.js"),
  diff: () => import("./commands/diff.js"),
  explain: () => import("./commands/explain.js"),
  replay: () => import("./commands/replay.js"),
  recommend: () => import("./commands/recommend.js"),
  inventory: () => import("./commands/inventory.js"),
  "sync-networksets": () => import("./commands/sync-networksets.js"),
};

const defaultIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
  cwd: process.cwd(),
};

async function usage(): Promise<string> {
  const lines = ["usage: calico-baseline <command> [options]", "", "commands:"];
  for (const [name, load] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${(await load()).summary}`);
  return lines.join("\n");
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      if (name === undefined) {
        io.err(await usage());
        return EXIT.ERROR;
      }
      io.out(await usage());
      return EXIT.OK;
    }
    const load = COMMANDS[name];
    if (load === undefined) {
      io.err(`calico-baseline: unknown command "${name}"\n${await usage()}`);
      return EXIT.ERROR;
    }
    return await (await load()).run(rest, io);
  } catch (e) {
    if (e instanceof UserError) {
      io.err(e.message);
      return EXIT.ERROR;
    }
    // A file-system failure no command anticipated (a full or read-only temporary directory, say) is still
    // the user's to fix: say which path and why, not a stack trace.
    if (isFsError(e)) {
      const path = typeof e.path === "string" ? e.path : "";
      io.err(new UserError([fsProblem(e, `cannot ${e.syscall ?? "access"} ${path}`.trim(), path, "write")]).message);
      return EXIT.ERROR;
    }
    throw e;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
