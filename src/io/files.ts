/**
 * Reading input files under the limits of src/model/limits.ts: a file is read only when it is a regular file
 * no larger than MAX_INPUT_FILE_BYTES (never a FIFO or a device that would block or never end), and a
 * directory walk stops with a clear error at a symbolic-link loop, MAX_DIRECTORY_DEPTH or MAX_MANIFEST_FILES.
 */
import { readFileSync, readdirSync, realpathSync, statSync, type Stats } from "node:fs";
import { isAbsolute, join } from "node:path";
import { MAX_DIRECTORY_DEPTH, MAX_INPUT_FILE_BYTES, MAX_MANIFEST_FILES } from "../model/limits.js";
import { UserError } from "../model/problem.js";
import { fsProblem, isFsError } from "./fs-errors.js";

export interface ReadOptions {
  /** The command-line flag the path came from (`--inventory`), used as the problem's path. */
  readonly field?: string;
  /** What the file is, for messages ("inventory file", "manifest"). */
  readonly what?: string;
  /** Hint when the file does not exist. */
  readonly missingHint?: string;
}

function statOrThrow(abs: string, shown: string, opts: ReadOptions): Stats {
  try {
    return statSync(abs);
  } catch (e) {
    if (!isFsError(e)) throw e;
    const hint = e.code === "ENOENT" ? opts.missingHint : undefined;
    throw new UserError([fsProblem(e, `cannot read the ${opts.what ?? "file"}`, shown, "read", { ...(opts.field === undefined ? {} : { field: opts.field }), ...(hint === undefined ? {} : { hint }) })]);
  }
}

/**
 * Reads one input file as UTF-8 text. `shown` is the path as the user gave it. Throws a UserError (with the
 * file, the reason and a hint) for a missing file, a directory, a special file, a file over the size limit
 * or any read error.
 */
export function readInputFile(abs: string, shown: string, opts: ReadOptions = {}): string {
  const what = opts.what ?? "file";
  const field = opts.field === undefined ? {} : { path: opts.field };
  const st = statOrThrow(abs, shown, opts);
  if (st.isDirectory()) {
    throw new UserError([{ path: "", ...field, file: shown, message: `the ${what} is a directory`, hint: opts.missingHint ?? "give a file" }]);
  }
  if (!st.isFile()) {
    throw new UserError([{ path: "", ...field, file: shown, message: `the ${what} is not a regular file (a FIFO, socket or device)`, hint: "give a regular file: special files may block or never end" }]);
  }
  if (st.size > MAX_INPUT_FILE_BYTES) {
    throw new UserError([
      {
        path: "",
        ...field,
        file: shown,
        value: st.size,
        message: `the ${what} is larger than ${MAX_INPUT_FILE_BYTES / 1024 / 1024} MiB`,
        hint: `split it (limit MAX_INPUT_FILE_BYTES, README "Limits")`,
      },
    ]);
  }
  try {
    return readFileSync(abs, "utf8");
  } catch (e) {
    if (!isFsError(e)) throw e;
    throw new UserError([fsProblem(e, `cannot read the ${what}`, shown, "read", opts.field === undefined ? undefined : { field: opts.field })]);
  }
}

export interface WalkedFile {
  /** Absolute path. */
  readonly abs: string;
  /** The path as given, joined with the names below it (what problems show). */
  readonly shown: string;
}

/**
 * The files under `paths` (files as given; directories recursively, entries sorted by name so the result
 * never depends on directory order) that `accept` takes by name. Symbolic links are followed; one that
 * leads back to a directory on the current path is a loop and an error, as are ELOOP, a walk deeper than
 * MAX_DIRECTORY_DEPTH and more than MAX_MANIFEST_FILES files.
 */
export function walkFiles(paths: readonly string[], cwd: string, accept: (name: string) => boolean, opts: ReadOptions = {}): WalkedFile[] {
  const out: WalkedFile[] = [];
  const what = opts.what ?? "file";
  const visit = (shown: string, abs: string, ancestors: readonly string[]): void => {
    const st = statOrThrow(abs, shown, opts);
    if (!st.isDirectory()) {
      if (out.length >= MAX_MANIFEST_FILES) {
        throw new UserError([{ path: opts.field ?? "", file: shown, message: `the walk reads more than ${MAX_MANIFEST_FILES} files`, hint: `point at a smaller directory (limit MAX_MANIFEST_FILES, README "Limits")` }]);
      }
      out.push({ abs, shown });
      return;
    }
    let real: string;
    try {
      real = realpathSync(abs);
    } catch (e) {
      if (!isFsError(e)) throw e;
      throw new UserError([fsProblem(e, `cannot read the ${what}`, shown, "read", opts.field === undefined ? undefined : { field: opts.field })]);
    }
    if (ancestors.includes(real)) {
      throw new UserError([
        {
          path: opts.field ?? "",
          file: shown,
          value: real,
          message: "is a symbolic link back to a directory that contains it (a loop)",
          hint: "remove or retarget the link, or point at a directory without it",
        },
      ]);
    }
    if (ancestors.length >= MAX_DIRECTORY_DEPTH) {
      throw new UserError([{ path: opts.field ?? "", file: shown, message: `is more than ${MAX_DIRECTORY_DEPTH} directories deep`, hint: `point at a shallower directory (limit MAX_DIRECTORY_DEPTH, README "Limits")` }]);
    }
    let names: string[];
    try {
      names = readdirSync(abs).sort();
    } catch (e) {
      if (!isFsError(e)) throw e;
      throw new UserError([fsProblem(e, `cannot list the directory`, shown, "read", opts.field === undefined ? undefined : { field: opts.field })]);
    }
    const below = [...ancestors, real];
    for (const name of names) {
      const childAbs = join(abs, name);
      const childShown = join(shown, name);
      if (accept(name)) {
        visit(childShown, childAbs, below);
        continue;
      }
      // Not a file we read: only a directory matters (a dangling link such as an editor's lock file does not).
      let isDir = false;
      try {
        isDir = statSync(childAbs).isDirectory();
      } catch (e) {
        if (!isFsError(e)) throw e;
        if (e.code === "ELOOP") visit(childShown, childAbs, below);
      }
      if (isDir) visit(childShown, childAbs, below);
    }
  };
  for (const p of paths) visit(p, isAbsolute(p) ? p : join(cwd, p), []);
  return out;
}
