/**
 * File-system errors as user problems: what failed, on which path, why in words, and what to do. A full disk,
 * a read-only file system, a missing directory or a symbolic-link loop is the user's to fix, never a stack
 * trace.
 */
import { type Problem, UserError } from "../model/problem.js";

/** Why an errno happened, and what to do about it, for reading or for writing. */
const REASONS: Readonly<Record<string, { readonly why: string; readonly read: string; readonly write: string }>> = {
  ENOSPC: { why: "the file system is full", read: "free some space", write: "free some space on that file system, or write somewhere else" },
  EDQUOT: { why: "the disk quota is exhausted", read: "free some space", write: "free some of your quota, or write somewhere else" },
  EROFS: { why: "the file system is read-only", read: "check the path", write: "write to a directory on a writable file system" },
  EACCES: { why: "permission denied", read: "check the file's permissions", write: "check the directory's permissions, or write somewhere else" },
  EPERM: { why: "operation not permitted", read: "check the file's permissions", write: "check the directory's permissions, or write somewhere else" },
  ENOENT: { why: "no such file or directory", read: "check the path", write: "create the directory first, or write somewhere else" },
  ENOTDIR: { why: "a part of the path is not a directory", read: "check the path", write: "check the path: a file stands where a directory should be" },
  EISDIR: { why: "it is a directory", read: "give a file, not a directory", write: "give a file name, not a directory" },
  ELOOP: { why: "symbolic links loop", read: "fix the symbolic link that points back to itself or to one of its parents", write: "fix the symbolic link that points back to itself" },
  ENAMETOOLONG: { why: "the path is too long", read: "use a shorter path", write: "use a shorter path" },
  EMFILE: { why: "too many open files", read: "raise the open-file limit (ulimit -n)", write: "raise the open-file limit (ulimit -n)" },
  ENFILE: { why: "too many open files on the system", read: "retry when fewer files are open", write: "retry when fewer files are open" },
  EIO: { why: "an I/O error", read: "check the disk", write: "check the disk" },
  EBUSY: { why: "the resource is busy", read: "retry later", write: "retry later, or write somewhere else" },
  EEXIST: { why: "it already exists", read: "check the path", write: "remove it, or write somewhere else" },
  ENOTEMPTY: { why: "the directory is not empty", read: "check the path", write: "remove it, or write somewhere else" },
  EXDEV: { why: "it is on another file system", read: "check the path", write: "write within one file system" },
  EINVAL: { why: "the file system does not support this", read: "check the path", write: "write to a regular directory (not /proc, /sys or /dev)" },
};

export function errnoOf(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Whether `e` is a Node file-system error (it has an errno code) rather than a bug. */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && errnoOf(e) !== undefined && /^E[A-Z0-9]+$/.test(errnoOf(e) as string);
}

/**
 * The problem for a failed file operation. `action` says what was attempted ("cannot write", "cannot read
 * the manifests"); `path` is the path as the user gave it (or as it should be shown); `hint` overrides.
 */
export function fsProblem(e: unknown, action: string, path: string, mode: "read" | "write", opts?: { readonly field?: string; readonly hint?: string }): Problem {
  const code = errnoOf(e) ?? "error";
  const reason = REASONS[code];
  const why = reason?.why ?? (e as Error).message;
  return {
    path: opts?.field ?? "",
    file: path,
    message: `${action}: ${why} (${code})`,
    hint: opts?.hint ?? reason?.[mode] ?? "check the path and retry",
  };
}

/** Runs `fn`; a file-system error becomes a UserError (other errors pass through). */
export function withFsErrors<T>(fn: () => T, action: string, path: string, mode: "read" | "write", opts?: { readonly field?: string; readonly hint?: string }): T {
  try {
    return fn();
  } catch (e) {
    if (isFsError(e)) throw new UserError([fsProblem(e, action, path, mode, opts)]);
    throw e;
  }
}
