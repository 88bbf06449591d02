/**
 * `calico-baseline synth --stack <name> [--out dist]`: renders the stack's baseline to `<out>/<stack>/`
 * (one YAML file per tier chart in apply order, plus monitoring.yaml). On any invalid object it prints every
 * problem and writes nothing. Next to the YAML it writes the analysis report (report.md, report.svg) of the
 * rendered policies over the stack's own inventory (`calico-baseline:policies.inventory`, else
 * `policies/inventory.<stack>.yaml`; never another stack's), and it fails, writing nothing, when the baseline
 * breaks a lockout invariant the stack does not waive (exit 3), when a namespaced policy is in a namespace
 * neither the stack nor its inventory knows, or when the inventory contradicts what the stack deploys. When the
 * stack's `calico.version` differs from the base's (`--base REF`, default the version in git HEAD's
 * `Pulumi.<stack>.yaml`), it also writes `upgrade.md`: the upgrade impact of the rendered objects from the
 * base's version to the stack's. `npm start` runs it for the dev stack.
 *
 * `<out>/<stack>` is replaced atomically and only when synth wrote it (see src/rendering/write-stack.ts:
 * a symbolic link to a marked generation directory, swapped with one rename under a lock).
 */
import { resolve } from "node:path";
import { defaultInvariants } from "../../analysis/invariants.js";
import { renderReports } from "../../analysis/render-reports.js";
import { checkStackName } from "../../config/index.js";
import { UserError } from "../../model/problem.js";
import { writeStack, type TextFile } from "../../rendering/synth.js";
import type { CliIo } from "../main.js";
import { buildReview } from "../../analysis/review.js";
import { renderReviewMarkdown } from "../../analysis/formatters/review-md.js";
import { calicoVersionAtRevision, parseCalicoVersion } from "../calico-version.js";
import { EXIT, exitHelp } from "../exit-codes.js";
import { loadStack } from "../stack-input.js";

/** The upgrade impact synth writes when the stack's Calico version differs from the base's. */
export const UPGRADE_FILE = "upgrade.md";

export const summary = "render a stack's baseline to <out>/<stack>/ as YAML, one file per tier in apply order";

const USAGE =
  "usage: calico-baseline synth --stack <name> [--out <dir>] [--inventory <file>] [--base <git-ref>]\n" +
  "  (default --out dist; default inventory: calico-baseline:policies.inventory of the stack, else policies/inventory.<stack>.yaml)\n" +
  "  --base REF: the revision whose calico.version the stack's is compared with (default: HEAD, when the\n" +
  "  stack file is tracked by git); when they differ, synth also writes upgrade.md, the upgrade impact\n" +
  exitHelp("synth");

interface SynthArgs {
  readonly stack: string;
  readonly out: string;
  readonly inventory: string | undefined;
  readonly base: string | undefined;
}

function parseArgs(args: readonly string[]): SynthArgs {
  let stack: string | undefined;
  let out = "dist";
  let inventory: string | undefined;
  let base: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === "") {
        throw new UserError([{ path: flag, message: `${flag} needs a value`, hint: USAGE }]);
      }
      return v;
    };
    if (flag === "--stack") stack = value();
    else if (flag === "--out") out = value();
    else if (flag === "--inventory") inventory = value();
    else if (flag === "--base") base = value();
    else throw new UserError([{ path: a, value: a, message: "unknown argument", hint: USAGE }]);
  }
  if (stack === undefined) throw new UserError([{ path: "--stack", message: "--stack is required", hint: USAGE }]);
  // The stack name becomes the config file's and the output directory's name: never a path.
  checkStackName(stack);
  return { stack, out, inventory, base };
}

export async function run(args: string[], io: CliIo): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(USAGE);
    return 0;
  }
  const { stack, out, inventory: inventoryArg, base } = parseArgs(args);
  const loaded = loadStack(stack, io.cwd, inventoryArg);
  const { config, charts, files, inventory, syncedSets } = loaded;
  // A waiver must name an invariant: a typo or a stale name would otherwise waive nothing, silently.
  const known = defaultInvariants(config.policies).map((i) => i.name);
  const unknownWaivers = config.policies.waivers
    .map((w, i) => ({ w, i }))
    .filter(({ w }) => !known.includes(w))
    .map(({ w, i }) => ({
      file: `Pulumi.${stack}.yaml`,
      path: `calico-baseline:policies.waivers[${i}]`,
      value: w,
      message: "names no lockout invariant",
      hint: `use one of: ${known.join(", ")}`,
    }));
  if (unknownWaivers.length > 0) throw new UserError(unknownWaivers, `stack "${stack}": unknown waiver${unknownWaivers.length === 1 ? "" : "s"}`);
  // The report and the lockout check are derived from the charts and written atomically with the YAML.
  const chartFiles = new Set(charts.map((c) => c.file));
  const reports = renderReports({
    charts,
    extraFiles: files.filter((f) => !chartFiles.has(f.file)),
    inventory,
    settings: config.policies,
    syncedSets,
  });
  if (reports.invariantFailures.length > 0) {
    io.err(`synth: the ${stack} baseline breaks ${reports.invariantFailures.length} lockout invariant(s); nothing was written.`);
    io.err(reports.message);
    io.err(`Fix the policy, or waive the invariant by name in Pulumi.${stack}.yaml (calico-baseline:policies.waivers).`);
    return EXIT.UNSAFE;
  }
  const extras: TextFile[] = Object.entries(reports.files).map(([file, content]) => ({ file, content }));
  // The Calico version against the base: an upgrade writes its impact next to the report.
  const baseVersion = calicoVersionAtRevision(io.cwd, base ?? "HEAD", stack, base !== undefined);
  let upgradeLine: string | undefined;
  if (baseVersion !== undefined && baseVersion !== config.calico.version) {
    const from = parseCalicoVersion(baseVersion, `${base ?? "HEAD"}:Pulumi.${stack}.yaml calico.version`);
    const to = parseCalicoVersion(config.calico.version, "calico.version");
    const objects = files.flatMap((c) => c.objects.map((object) => ({ object, file: c.file })));
    const review = buildReview({
      before: objects,
      after: objects,
      inventory,
      beforeLabel: `${base ?? "HEAD"} (Calico ${from.label})`,
      afterLabel: `stack ${stack}`,
      beforeVersion: from,
      afterVersion: to,
      invariants: defaultInvariants(config.policies),
      waivers: config.policies.waivers,
      upgradeOnly: true,
      title: `Calico upgrade impact: ${stack}`,
    });
    extras.push({ file: UPGRADE_FILE, content: renderReviewMarkdown(review) });
    const pairs = (review.upgrade ?? []).map((u) => `${u.diff.changes.length + u.diff.omitted} ${u.view === "enforced" ? "enforced now" : "once the staged policies are enforced"}`);
    upgradeLine = `Calico ${from.label} (${base ?? "HEAD"}) → ${to.label}: endpoint pairs the upgrade alone changes: ${pairs.join(", ")}; see ${UPGRADE_FILE}`;
  }
  const dir = resolve(io.cwd, out, stack);
  writeStack(dir, files, extras);
  const count = files.reduce((n, f) => n + f.objects.length, 0);
  io.out(`wrote ${count} objects in ${files.length} files to ${dir}`);
  for (const f of files) io.out(`  ${f.file} (${f.objects.length})`);
  const waived = config.policies.waivers.length === 0 ? "" : `; waived: ${config.policies.waivers.join(", ")}`;
  io.out(`and the analysis report: ${extras.map((e) => e.file).join(", ")} (lockout invariants hold${waived})`);
  const f = loaded.facts;
  const nodes = f.nodes.known
    ? `${f.nodes.nodes.length} node(s) from the stack config${f.nodes.addresses === "stack-outputs" ? ` (addresses from the inventory; refresh them after pulumi up with: calico-baseline inventory --from-stack ${stack})` : ""}`
    : "nodes as the inventory declares them";
  io.out(`analysed over ${loaded.inventoryFile}: ${nodes}; automatic host endpoints ${f.autoHostEndpoints ? "on" : "OFF (the host policies select nothing)"}`);
  if (upgradeLine !== undefined) io.out(upgradeLine);
  return 0;
}
