/**
 * `calico-baseline diff`: flows newly allowed and newly denied between two versions of the baseline,
 * each with the rules that explain it. Empty when only the YAML moved.
 *
 * The "before" side is a directory of manifests (`--before`) or a git revision (`--base REF`): the
 * revision is checked out in a temporary worktree and synthesised there with its own code, so the
 * comparison is between what each revision really produces. The "after" side is `--after` or the
 * current stack. Both sides are analysed over the current inventory.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../model/problem.js";
import { analyse, loadManifests } from "../../analysis/analyse.js";
import { diffModels } from "../../analysis/diff.js";
import { formatDiffText } from "../../analysis/formatters/text.js";
import { renderMarkdownDiff } from "../../analysis/formatters/md.js";
import { diffJson } from "../../analysis/formatters/json.js";
import { renderSvgMatrix, singleGroups } from "../../analysis/formatters/svg.js";
import type { SourcedObject } from "../../analysis/policies.js";
import type { CliIo } from "../main.js";
import { assertAnalysable, calicoMinorOf, emit, loadInput, loadInventories, parseFlags, parseFormat } from "./report.js";

export const summary = "flows newly allowed / denied between two baselines (dirs or --base <git-ref>), with explaining rules";

const USAGE = `usage: calico-baseline diff (--base REF | --before PATH) [--after PATH | --stack NAME] [--inventory FILE]
                            [--view enforced|staged] [--format text|md|json|svg] [--out FILE]

  --base REF      synthesise the stack at git revision REF in a temporary worktree as the "before" side
  --before PATH   manifests (file or directory) as the "before" side
  --after PATH    manifests as the "after" side (default: synthesise --stack, default dev, from the working tree)
  --view staged   compare the "would be" views (staged policies enforced)
  --calico-minor V  order policies as Felix of Calico V (3.30, 3.31, 3.32; default: the stack's, else 3.32)

exit: 0 (also when flows change), 1 user error`;

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new UserError([{ path: "--base", value: args.join(" "), message: `git failed: ${(err.stderr ?? err.message).trim().split("\n")[0]}`, hint: "pass a revision that exists, e.g. --base origin/main" }]);
  }
}

/** Synthesises `stack` at `ref` in a temporary worktree and returns its manifests. */
export function synthAtRevision(cwd: string, ref: string, stack: string): SourcedObject[] {
  const top = git(cwd, ["rev-parse", "--show-toplevel"]).trim();
  const rev = git(top, ["rev-parse", "--verify", `${ref}^{commit}`]).trim();
  const tmp = mkdtempSync(join(tmpdir(), "calico-baseline-base-"));
  const tree = join(tmp, "tree");
  git(top, ["worktree", "add", "--detach", tree, rev]);
  try {
    if (existsSync(join(top, "node_modules")) && !existsSync(join(tree, "node_modules"))) symlinkSync(join(top, "node_modules"), join(tree, "node_modules"), "dir");
    try {
      execFileSync(process.execPath, ["--import", "tsx", join(tree, "src/cli/main.ts"), "synth", "--stack", stack, "--out", join(tmp, "out")], { cwd: tree, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string; message: string };
      throw new UserError([{ path: "--base", value: ref, message: `synth failed at ${rev.slice(0, 12)}: ${(err.stderr || err.stdout || err.message).trim().split("\n").slice(0, 3).join(" ")}`, hint: "check that the revision builds (npm start) or compare directories with --before" }]);
    }
    return loadManifests([join(tmp, "out", stack)], tmp).map((o) => ({ ...o, file: `${ref}:${o.file ?? ""}` }));
  } finally {
    git(top, ["worktree", "remove", "--force", tree]);
    rmSync(tmp, { recursive: true, force: true });
  }
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const v = parseFlags(args, { base: { type: "string" }, before: { type: "string" }, after: { type: "string" }, view: { type: "string" } }, USAGE);
  if (v["help"] === true) {
    io.out(USAGE);
    return 0;
  }
  const format = parseFormat(v["format"] as string | undefined);
  const base = v["base"] as string | undefined;
  const beforePath = v["before"] as string | undefined;
  if ((base === undefined) === (beforePath === undefined)) throw new UserError([{ path: "--base", message: "give exactly one of --base and --before", hint: USAGE }]);
  const view = (v["view"] as string | undefined) ?? "enforced";
  if (view !== "enforced" && view !== "staged") throw new UserError([{ path: "--view", value: view, message: "unknown view", hint: "use enforced or staged" }]);
  const stack = (v["stack"] as string | undefined) ?? "dev";
  const afterPath = v["after"] as string | undefined;
  const after = afterPath === undefined ? loadInput({ stack, inventory: v["inventory"] as string | undefined }, io.cwd) : { objects: loadManifests([afterPath], io.cwd), inventory: loadInventories(io.cwd, v["inventory"] as string | undefined) };
  const beforeObjects = base !== undefined ? synthAtRevision(io.cwd, base, stack) : loadManifests([beforePath!], io.cwd);
  assertAnalysable(beforeObjects, after.objects);
  const minor = calicoMinorOf(v["calico-minor"], "settings" in after ? after.settings : undefined);
  const a = analyse({ objects: beforeObjects, inventory: after.inventory }, view, minor);
  const b = analyse({ objects: after.objects, inventory: after.inventory }, view, minor);
  const diff = diffModels(a, b);
  let text: string;
  if (format === "json") text = diffJson(diff);
  else if (format === "md") text = `${renderMarkdownDiff(diff)}\n`;
  else if (format === "svg") {
    const g = diff.after.groups();
    text = renderSvgMatrix(g.names, g.matrix, diff, undefined, singleGroups(diff.after));
  } else text = `${formatDiffText(diff)}\n`;
  emit(io, text, v["out"] as string | undefined);
  return 0;
}
