/** Argument parsing shared by every sub-command: `node:util` parseArgs, strict, no positionals. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UserError } from "../model/problem.js";

export type CommandOptions = NonNullable<ParseArgsConfig["options"]>;
type CommandValues<T extends CommandOptions> = ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>>["values"];

/** Parses a sub-command's arguments; a parse error (unknown flag, missing value) is a UserError that shows the usage. */
export function parseCommandArgs<T extends CommandOptions>(args: string[], options: T, usage: string): CommandValues<T> {
  try {
    return parseArgs({ args, options, strict: true as const, allowPositionals: false as const }).values;
  } catch (e) {
    throw new UserError([{ path: "arguments", value: args.join(" "), message: (e as Error).message, hint: usage }]);
  }
}
