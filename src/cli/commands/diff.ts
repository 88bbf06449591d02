/**
 * `calico-baseline diff`: a code review of a policy change. By default it shows everything a reviewer
 * needs (docs/review.md): both views (enforced now, and once the staged policies are enforced), the
 * objects added, removed and changed with their fields, every changed flow with the rule deciding it
 * before and after, the lockout invariants after the change, and, when the Calico version changes, the
 * upgrade impact. Moving objects between files gives an empty diff.
 *
 * The "before" side is a directory of manifests (`--before`) or a git revision (`--base REF`): the
 * revision is checked out in a temporary worktree and synthesised there with its own code, so the
 * comparison is between what each revision really produces; its Calico version is the one its stack file
 * had. The "after" side is `--after` or the current stack. Both sides are analysed over the current
 * inventory, each under its own Calico version's semantics. Without a before side,
 * `--calico-version A --to-calico-version B` is an upgrade review of the same objects.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { UserError } from "../../model/problem.js";
import { loadManifests } from "../../analysis/analyse.js";
import { defaultInvariants } from "../../analysis/invariants.js";
import { type Review, type View, buildReview } from "../../analysis/review.js";
import { formatReviewText } from "../../analysis/formatters/review-text.js";
import { DEFAULT_MD_MAX_CHARS, GITHUB_COMMENT_LIMIT, renderReviewMarkdown } from "../../analysis/formatters/review-md.js";
import { reviewJson } from "../../analysis/formatters/review-json.js";
import { type SvgPanel, renderSvgPanels, singleGroups } from "../../analysis/formatters/svg.js";
import type { SourcedObject } from "../../analysis/policies.js";
import { SynthError } from "../../rendering/synth.js";
import type { CalicoVersion } from "../../analysis/upgrade.js";
import { stackFileCalicoVersion, minorVersion, parseCalicoVersion } from "../calico-version.js";
import { EXIT, exitHelp } from "../exit-codes.js";
import { type FindingContext, problemFindings, reviewFindings, sarifOf, FINDING_RULES } from "../review-findings.js";
import type { CliIo } from "../main.js";
import { assertAnalysable, calicoMinorOf, emit, loadInput, loadInventories, parseFlags, parseFormat } from "./report.js";

export const summary = "review a policy change: objects and flows in both views, deciding rules, lockouts, upgrade impact (text|md|json|svg|sarif)";

export const DIFF_FORMATS = ["text", "md", "json", "svg", "sarif"] as const;

const USAGE = `usage: calico-baseline diff (--base REF | --before PATH | --calico-version V --to-calico-version W)
                            [--after PATH | --stack NAME] [--inventory FILE] [--view enforced|staged|both]
                            [--format text|md|json|svg|sarif] [--out FILE [--force] | --out-dir DIR] [--md-max-chars N] [--artifact NAME]

  --base REF               synthesise the stack at git revision REF in a temporary worktree as the "before" side
  --before PATH            manifests (file or directory) as the "before" side
  --after PATH             manifests as the "after" side (default: synthesise --stack, default dev, from the working tree)
  --view V                 enforced, staged (staged policies enforced) or both (default: both)
  --calico-version V       the before side's Calico version (default: the base revision's calico.version, else the after side's)
  --to-calico-version V    the after side's Calico version (default: the stack's calico.version, else 3.32)
                           (with neither --base nor --before: the same objects under V and W, an upgrade review)
  --calico-minor V         both sides under Calico V's semantics (3.30, 3.31, 3.32), as before
  --format F               text (default), md (PR comment), json (docs/analysis.md), svg (namespace matrices),
                           sarif (SARIF 2.1.0 for code scanning: lockouts and validation problems with file and line)
  --out-dir DIR            write every format at once: DIR/review.{txt,md,json,svg,sarif}; prints the summary line
  --md-max-chars N         hard limit of the md comment (default ${DEFAULT_MD_MAX_CHARS}; GitHub's is ${GITHUB_COMMENT_LIMIT})
  --artifact NAME          where the complete report is published, named in a trimmed md comment

${exitHelp("diff")}`;

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new UserError([{ path: "--base", value: args.join(" "), message: `git failed: ${(err.stderr ?? err.message).trim().split("\n")[0]}`, hint: "pass a revision that exists, e.g. --base origin/main" }]);
  }
}

export interface Revision {
  readonly objects: SourcedObject[];
  /** `calico.version` of the stack file at the revision (undefined when it has no stack file). */
  readonly calicoVersion?: string;
}

/** Synthesises `stack` at `ref` in a temporary worktree and returns its manifests and Calico version. */
export function synthAtRevision(cwd: string, ref: string, stack: string): Revision {
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
    const stackFile = join(tree, `Pulumi.${stack}.yaml`);
    const calicoVersion = existsSync(stackFile) ? stackFileCalicoVersion(readFileSync(stackFile, "utf8")) : undefined;
    // Only the manifests: synth also writes its reports (and an upgrade report) next to them.
    const objects = loadManifests([join(tmp, "out", stack)], tmp)
      .filter((o) => !/\/(report|upgrade)\.[a-z]+$/.test(o.file ?? ""))
      .map((o) => ({ ...o, file: `${ref}:${o.file ?? ""}` }));
    return { objects, ...(calicoVersion === undefined ? {} : { calicoVersion }) };
  } finally {
    git(top, ["worktree", "remove", "--force", tree]);
    rmSync(tmp, { recursive: true, force: true });
  }
}

function viewsOf(v: string | undefined): View[] {
  const view = v ?? "both";
  if (view === "both") return ["enforced", "staged"];
  if (view === "enforced" || view === "staged") return [view];
  throw new UserError([{ path: "--view", value: view, message: "unknown view", hint: "use enforced, staged or both" }]);
}

function positiveInt(v: string | undefined, flag: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1000 || n > GITHUB_COMMENT_LIMIT) throw new UserError([{ path: flag, value: v, message: `must be a whole number from 1000 to ${GITHUB_COMMENT_LIMIT}`, hint: `e.g. ${DEFAULT_MD_MAX_CHARS}` }]);
  return n;
}

function svgOf(r: Review): string {
  const panels: SvgPanel[] = r.views.map((v) => {
    // The after side's matrix, coloured where the change opens or closes connections in this view.
    const g = v.diff.after.groups();
    return {
      title: `Namespace connectivity (row → column), ${v.view === "enforced" ? "enforced now" : "once the staged policies are enforced"}: ${r.after.label}`,
      names: g.names,
      matrix: g.matrix,
      diff: v.diff,
      changedMeaning: `change from ${r.before.label} to ${r.after.label}`,
      single: singleGroups(v.diff.after),
      ...(v.sameAsEnforced === true ? { note: "No staged policy on either side: the same as enforced now." } : {}),
    };
  });
  return renderSvgPanels(panels, `Calico policy review: ${r.before.label} → ${r.after.label}`);
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const v = parseFlags(
    args,
    {
      base: { type: "string" },
      before: { type: "string" },
      after: { type: "string" },
      view: { type: "string" },
      "calico-version": { type: "string" },
      "to-calico-version": { type: "string" },
      "md-max-chars": { type: "string" },
      artifact: { type: "string" },
      "out-dir": { type: "string" },
    },
    USAGE,
  );
  if (v["help"] === true) {
    io.out(USAGE);
    return EXIT.OK;
  }
  const format = parseFormat(v["format"] as string | undefined, DIFF_FORMATS) as (typeof DIFF_FORMATS)[number];
  const base = v["base"] as string | undefined;
  const beforePath = v["before"] as string | undefined;
  const fromFlag = v["calico-version"] as string | undefined;
  const toFlag = v["to-calico-version"] as string | undefined;
  const upgradeOnly = base === undefined && beforePath === undefined && fromFlag !== undefined;
  if (base !== undefined && beforePath !== undefined) throw new UserError([{ path: "--base", message: "--base and --before exclude each other", hint: USAGE }]);
  if (base === undefined && beforePath === undefined && !upgradeOnly) throw new UserError([{ path: "--base", message: "give --base or --before (or --calico-version and --to-calico-version for an upgrade review)", hint: USAGE }]);
  if (v["calico-minor"] !== undefined && (fromFlag !== undefined || toFlag !== undefined)) throw new UserError([{ path: "--calico-minor", message: "--calico-minor excludes --calico-version and --to-calico-version", hint: "name both versions with --calico-version and --to-calico-version" }]);
  const views = viewsOf(v["view"] as string | undefined);
  const stack = (v["stack"] as string | undefined) ?? "dev";
  const afterPath = v["after"] as string | undefined;
  const mdMax = positiveInt(v["md-max-chars"] as string | undefined, "--md-max-chars", DEFAULT_MD_MAX_CHARS);
  const ctx: FindingContext = { cwd: io.cwd, ...(afterPath === undefined ? { stack } : {}) };
  const outDir = v["out-dir"] as string | undefined;
  if (outDir !== undefined && (v["out"] !== undefined || v["format"] !== undefined)) throw new UserError([{ path: "--out-dir", message: "--out-dir writes every format: it excludes --out and --format", hint: "drop --out and --format, or --out-dir" }]);
  const category = `calico-baseline/diff/${afterPath === undefined ? stack : "manifests"}/`;
  const writeAll = (files: Record<string, string>): void => {
    const dir = isAbsolute(outDir!) ? outDir! : join(io.cwd, outDir!);
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  };

  let after;
  try {
    after = afterPath === undefined ? await loadInput({ stack, inventory: v["inventory"] as string | undefined }, io.cwd) : { objects: loadManifests([afterPath], io.cwd), inventory: loadInventories(io.cwd, v["inventory"] as string | undefined) };
    assertAnalysable(after.objects);
  } catch (e) {
    // In SARIF the after side's problems are the findings (inline on the PR); the exit code stays 1.
    if ((format !== "sarif" && outDir === undefined) || !(e instanceof UserError)) throw e;
    const sources = e instanceof SynthError ? e.sources : undefined;
    const sarif = sarifOf(problemFindings(e.problems, { ...ctx, ...(sources === undefined ? {} : { sources }) }), [FINDING_RULES.validation], toolVersion(io.cwd), category);
    if (outDir !== undefined) writeAll({ "review.sarif": sarif, "review.txt": `${e.message}\n` });
    else emit(io, sarif, v["out"] as string | undefined, v["force"] === true);
    io.err(e.message);
    return EXIT.ERROR;
  }
  const settings = "settings" in after ? after.settings : undefined;
  const legacyMinor = v["calico-minor"] === undefined ? undefined : calicoMinorOf(v["calico-minor"], settings);
  const afterVersion: CalicoVersion =
    toFlag !== undefined ? parseCalicoVersion(toFlag, "--to-calico-version") : legacyMinor !== undefined ? minorVersion(legacyMinor) : "calicoVersion" in after && after.calicoVersion !== undefined ? parseCalicoVersion(after.calicoVersion, "calico.version") : minorVersion(calicoMinorOf(undefined, settings));

  let beforeObjects: readonly SourcedObject[];
  let beforeVersionText: string | undefined;
  let beforeLabel: string;
  if (base !== undefined) {
    const r = synthAtRevision(io.cwd, base, stack);
    beforeObjects = r.objects;
    beforeVersionText = r.calicoVersion;
    beforeLabel = base;
  } else if (beforePath !== undefined) {
    beforeObjects = loadManifests([beforePath], io.cwd);
    beforeLabel = beforePath;
  } else {
    beforeObjects = after.objects;
    beforeLabel = afterPath ?? `stack ${stack}`;
  }
  assertAnalysable(beforeObjects);
  const beforeVersion: CalicoVersion =
    fromFlag !== undefined ? parseCalicoVersion(fromFlag, "--calico-version") : legacyMinor !== undefined ? minorVersion(legacyMinor) : beforeVersionText !== undefined ? parseCalicoVersion(beforeVersionText, `${base}:Pulumi.${stack}.yaml calico.version`) : afterVersion;

  const afterLabel = upgradeOnly ? beforeLabel : (afterPath ?? (base !== undefined ? "working tree" : `stack ${stack}`));
  const review = buildReview({
    before: beforeObjects,
    after: after.objects,
    inventory: after.inventory,
    beforeLabel,
    afterLabel,
    beforeVersion,
    afterVersion,
    invariants: defaultInvariants(settings),
    waivers: settings?.waivers ?? [],
    views,
    upgradeOnly,
    title: afterPath === undefined ? `Calico policy review: ${stack}` : "Calico policy review",
    // The after side's networkSetSync mappings: the change's rules that select those sets are marked.
    ...("syncedSets" in after && after.syncedSets !== undefined ? { syncedSets: after.syncedSets } : {}),
  });
  const exitCode = review.status === "unsafe" ? EXIT.UNSAFE : EXIT.OK;
  const sources = "sources" in after ? after.sources : undefined;
  const files = afterPath === undefined ? undefined : new Map(after.objects.flatMap((o) => objectIds(o)));
  const render: Record<(typeof DIFF_FORMATS)[number], () => string> = {
    json: () => reviewJson(review, exitCode),
    md: () => renderReviewMarkdown(review, { maxChars: mdMax, ...(v["artifact"] === undefined ? {} : { artifact: v["artifact"] as string }) }),
    svg: () => svgOf(review),
    sarif: () => {
      const { findings, rules } = reviewFindings(review, { ...ctx, ...(sources === undefined ? {} : { sources }), ...(files === undefined ? {} : { files }) });
      return sarifOf(findings, rules, toolVersion(io.cwd), category);
    },
    text: () => formatReviewText(review),
  };
  if (outDir !== undefined) {
    writeAll({ "review.txt": render.text(), "review.md": render.md(), "review.json": render.json(), "review.svg": render.svg(), "review.sarif": render.sarif() });
    io.out(formatReviewText(review).split("\n")[0]!);
  } else emit(io, render[format](), v["out"] as string | undefined, v["force"] === true);
  return exitCode;
}

/** `[object id, file]` of a manifest (Lists flattened by the id of each item). */
function objectIds(o: SourcedObject): Array<[string, string]> {
  if (o.file === undefined) return [];
  const x = o.object as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown }; items?: unknown };
  if (Array.isArray(x?.items)) return x.items.flatMap((i: unknown) => objectIds({ object: i, file: o.file! }));
  if (typeof x?.kind !== "string" || typeof x.metadata?.name !== "string") return [];
  const ns = typeof x.metadata.namespace === "string" ? x.metadata.namespace : undefined;
  return [[[x.kind, ns, x.metadata.name].filter((s) => s !== undefined).join("/"), o.file]];
}

function toolVersion(cwd: string): string {
  for (const dir of [cwd, join(import.meta.dirname, "../../..")]) {
    const p = join(dir, "package.json");
    if (!existsSync(p)) continue;
    const pkg = JSON.parse(readFileSync(p, "utf8")) as { name?: unknown; version?: unknown };
    if (pkg.name === "calico-baseline" && typeof pkg.version === "string") return pkg.version;
  }
  return "0.0.0";
}
