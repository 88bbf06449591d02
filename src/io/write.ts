/**
 * Writing output files safely: directories are created one level at a time (Node's recursive mkdir spins
 * forever under /proc), a file is written to a temporary name beside it, fsynced and renamed over the
 * target (a reader sees the old or the new file, never half of one), and every file-system error becomes a
 * UserError with the path and a hint.
 */
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UserError } from "../model/problem.js";
import { errnoOf, fsProblem, isFsError } from "./fs-errors.js";

/** Flushes a directory's entries (a rename or a new file in it) to disk. Best effort where the OS refuses. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch (e) {
    // Some systems cannot open or fsync a directory (EISDIR, EINVAL, EPERM); the data itself was synced.
    if (!isFsError(e) || !["EISDIR", "EINVAL", "EPERM", "EACCES", "EBADF"].includes(e.code ?? "")) throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes `content` to a new file (it must not exist), fsynced. */
export function writeNewFileSync(path: string, content: string): void {
  const fd = openSync(path, "wx", 0o666);
  try {
    const buf = Buffer.from(content, "utf8");
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates `dir` and its missing parents, one level at a time. `shown` is how problems name it, `field` the
 * flag it came from. Throws a UserError when a parent is a file, or the file system refuses.
 */
export function ensureDir(dir: string, shown: string, field?: string): void {
  const abs = resolve(dir);
  const missing: string[] = [];
  let cur = abs;
  for (;;) {
    let st;
    try {
      st = statSync(cur);
    } catch (e) {
      if (!isFsError(e) || e.code !== "ENOENT") throw new UserError([fsProblem(e, `cannot create the directory ${shown}`, cur, "write", field === undefined ? undefined : { field })]);
      missing.push(cur);
      const up = dirname(cur);
      if (up === cur) break;
      cur = up;
      continue;
    }
    if (!st.isDirectory()) {
      throw new UserError([{ path: field ?? "", file: cur, message: `cannot create the directory ${shown}: ${cur} is not a directory`, hint: "choose an output path whose parents are directories" }]);
    }
    break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      if (errnoOf(e) === "EEXIST" && statSync(d).isDirectory()) continue;
      throw new UserError([fsProblem(e, `cannot create the directory ${shown}`, d, "write", field === undefined ? undefined : { field })]);
    }
  }
}

export interface WriteFileOptions {
  /** The flag the path came from (`--out`), used as the problem's path. */
  readonly field?: string;
  /** Replace an existing file (default false: an existing file is an error naming `forceFlag`). */
  readonly overwrite?: boolean;
  /** The flag that allows overwriting, for the hint (default `--force`). */
  readonly forceFlag?: string;
}

/**
 * Writes one output file atomically. The target's directory must exist; an existing target must be a
 * regular file and is replaced only with `overwrite`. Never follows the target if it is a symbolic link
 * (the link itself is replaced). Throws a UserError with the path and a hint on any failure.
 */
export function writeFileAtomic(path: string, content: string, shown: string, opts: WriteFileOptions = {}): void {
  const field = opts.field === undefined ? {} : { field: opts.field };
  const abs = resolve(path);
  const dir = dirname(abs);
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch (e) {
    throw new UserError([fsProblem(e, `cannot write ${shown}`, dir, "write", { ...field, hint: `the directory ${dir} does not exist or cannot be read: create it first, or write somewhere else` })]);
  }
  if (!dirStat.isDirectory()) {
    throw new UserError([{ path: opts.field ?? "", file: shown, message: `cannot write ${shown}: ${dir} is not a directory`, hint: "give a path inside an existing directory" }]);
  }
  let existing;
  try {
    existing = lstatSync(abs);
  } catch (e) {
    if (errnoOf(e) !== "ENOENT") throw new UserError([fsProblem(e, `cannot write ${shown}`, shown, "write", field)]);
  }
  if (existing !== undefined) {
    if (existing.isDirectory()) {
      throw new UserError([{ path: opts.field ?? "", file: shown, message: "is a directory", hint: "give a file name, e.g. report.md" }]);
    }
    if (!existing.isFile() && !existing.isSymbolicLink()) {
      throw new UserError([{ path: opts.field ?? "", file: shown, message: "is not a regular file (a FIFO, socket or device)", hint: "write to a regular file" }]);
    }
    if (opts.overwrite !== true) {
      throw new UserError([
        {
          path: opts.field ?? "",
          file: shown,
          message: "already exists; nothing was written",
          hint: `pass ${opts.forceFlag ?? "--force"} to replace it, or give another file name`,
        },
      ]);
    }
  }
  // node:crypto on first use (not at import): a run that prints to stdout does not pay for loading it.
  const tmp = join(dir, `.${basename(abs)}.tmp-${process.getBuiltinModule("node:crypto").randomBytes(6).toString("hex")}`);
  try {
    writeNewFileSync(tmp, content);
    renameSync(tmp, abs);
    fsyncDir(dir);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // Nothing more to undo: the temporary file could not be made or is already gone.
    }
    if (!isFsError(e)) throw e;
    throw new UserError([fsProblem(e, `cannot write ${shown}`, shown, "write", field)]);
  }
}
