/**
 * `--out FILE` for the commands that print a report (report, diff, explain): the text goes to FILE instead of
 * stdout, written atomically (a temporary file beside it, fsynced, renamed over it), so a failed or
 * interrupted run never leaves half a report.
 *
 * An existing FILE is replaced only with `--force`: `--out README.md` must not silently destroy a file the
 * command did not write, and a report, SVG or JSON carries no marker that would tell. A directory, a FIFO or a
 * device is refused, as is a path whose directory does not exist (it is not created: a typo there would
 * otherwise scatter directories); every file-system error is a UserError with the path and a hint.
 */
import { isAbsolute, join } from "node:path";
import { writeFileAtomic } from "../io/write.js";
import type { CliIo } from "./main.js";

export function writeOutput(io: CliIo, text: string, out: string | undefined, force: boolean): void {
  if (out === undefined) {
    io.out(text.endsWith("\n") ? text.slice(0, -1) : text);
    return;
  }
  writeFileAtomic(isAbsolute(out) ? out : join(io.cwd, out), text, out, { field: "--out", overwrite: force, forceFlag: "--force" });
}
