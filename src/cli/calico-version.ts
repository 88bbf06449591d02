/**
 * Calico versions on the command line and in stack files at other revisions: `--calico-version 3.31.7`
 * (or a bare minor, `3.31`), and the `calico.version` a stack file had at a git revision, which is how
 * `diff --base` and `synth` know the base's version (docs/review.md, "Upgrade impact").
 */
import { execFileSync } from "node:child_process";
import { relative } from "node:path";
import { parse as parseYaml } from "yaml";
import { CALICO_MINORS, DEFAULT_CALICO_VERSION } from "../config/releases.js";
import type { CalicoMinor } from "../config/types.js";
import { UserError } from "../model/problem.js";
import type { CalicoVersion } from "../analysis/upgrade.js";

/** `3.31.7` or `3.31` → the version and the minor whose semantics apply; a UserError naming `flag` otherwise. */
export function parseCalicoVersion(text: string, flag: string): CalicoVersion {
  const m = /^v?([0-9]+)\.([0-9]+)(?:\.([0-9]+))?$/.exec(text.trim());
  const minor = m === null ? undefined : `${Number(m[1])}.${Number(m[2])}`;
  if (minor === undefined || !(CALICO_MINORS as readonly string[]).includes(minor)) {
    throw new UserError([{ path: flag, value: text, message: "not a Calico version the analysis knows", hint: `use a release of ${CALICO_MINORS.join(", ")}, e.g. 3.31.7 or 3.32.1` }]);
  }
  return { label: text.trim().replace(/^v/, ""), minor: minor as CalicoMinor };
}

/** A bare minor as a version (what `--calico-minor` and stacks without a version give). */
export function minorVersion(minor: CalicoMinor): CalicoVersion {
  return { label: minor, minor };
}

/**
 * The `calico.version` of a stack file's text (`calico-baseline:calico` → `version`), the product's default
 * when the file does not set it, undefined when the text is not a stack file.
 */
export function stackFileCalicoVersion(text: string): string | undefined {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== "object" || doc === null) return undefined;
  const config = (doc as { config?: unknown }).config;
  if (typeof config !== "object" || config === null) return DEFAULT_CALICO_VERSION;
  const calico = (config as Record<string, unknown>)["calico-baseline:calico"];
  const v = typeof calico === "object" && calico !== null ? (calico as { version?: unknown }).version : undefined;
  return typeof v === "string" || typeof v === "number" ? String(v) : DEFAULT_CALICO_VERSION;
}

function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch {
    return undefined;
  }
}

/**
 * The `calico.version` of `Pulumi.<stack>.yaml` (in `cwd`) at git revision `ref`. Undefined when `cwd` is
 * not in a git work tree or the file does not exist at `ref`; with `required`, those are user errors.
 */
export function calicoVersionAtRevision(cwd: string, ref: string, stack: string, required: boolean): string | undefined {
  const top = git(cwd, ["rev-parse", "--show-toplevel"])?.trim();
  const fail = (message: string): undefined => {
    if (!required) return undefined;
    throw new UserError([{ path: "--base", value: ref, message, hint: "pass a revision that has the stack file, e.g. --base origin/main" }]);
  };
  if (top === undefined) return fail("not inside a git work tree");
  if (git(top, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]) === undefined) return fail("no such revision");
  const path = relative(top, `${cwd}/Pulumi.${stack}.yaml`).split("\\").join("/");
  const text = git(top, ["show", `${ref}:${path}`]);
  if (text === undefined) return fail(`${path} does not exist at ${ref}`);
  return stackFileCalicoVersion(text);
}
