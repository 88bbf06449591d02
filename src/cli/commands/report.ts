/**
 * `calico-baseline report`: analyses a stack's synthesised baseline (or manifests on disk) against the
 * inventory and prints the report: lockout invariants, namespace and workload connectivity, and what
 * enforcing the staged policies would change.
 *
 * This file also holds the input loading shared by `report`, `diff` and `explain`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CalicoMinor, PolicySettings } from "../../config/types.js";
import { type Problem, UserError } from "../../model/problem.js";
import { loadInventory, loadManifests } from "../../analysis/analyse.js";
import { type Inventory, mergeInventories } from "../../analysis/inventory.js";
import { type PolicyModel, type SourcedObject, readPolicies } from "../../analysis/policies.js";
import { buildReport } from "../../analysis/report.js";
import type { SyncedSet } from "../../analysis/synced-sets.js";
import { defaultInvariants } from "../../analysis/invariants.js";
import { type CommandOptions, parseCommandArgs } from "../args.js";
import { writeOutput } from "../output.js";
import type { CliIo } from "../main.js";
import { EXIT, exitHelp } from "../exit-codes.js";
import type { LoadedStack } from "../stack-input.js";

export const summary = "analyse the baseline: lockout invariants, connectivity, effect of staged policies (text|md|json|svg)";

export const FORMATS = ["text", "md", "json", "svg"] as const;
export type Format = (typeof FORMATS)[number];

/** Exit code when a lockout invariant is broken (and not waived). */
export const EXIT_INVARIANT = EXIT.UNSAFE;

const USAGE = `usage: calico-baseline report [--stack NAME | --manifests PATH ...] [--inventory FILE] [--format text|md|json|svg] [--out FILE]

  --stack NAME        synthesise this stack's baseline (default: dev), analysed over the stack's own inventory
                      (calico-baseline:policies.inventory, else policies/inventory.<stack>.yaml)
  --manifests PATH    analyse YAML/JSON manifests from files or directories instead (repeatable), over
                      policies/inventory.yaml when present
  --inventory FILE    extra inventory: a declared inventory YAML or a 'kubectl get ... -A -o json' dump (with
                      'kubectl get globalnetworksets -o json' in it: the synced sets' current addresses)
  --format F          text (default), md (PR comment), json (stable, docs/analysis.md), svg (namespace matrix)
  --out FILE          write to FILE instead of stdout (an existing FILE only with --force)
  --force             replace an existing --out FILE
  --calico-minor V    order policies as Felix of Calico V does (3.30, 3.31, 3.32; default: the stack's, else 3.32)

${exitHelp("report")}`;

export interface InputFlags {
  readonly stack?: string;
  readonly manifests?: readonly string[];
  readonly inventory?: string;
}

export interface LoadedInput {
  readonly objects: readonly SourcedObject[];
  readonly inventory: Inventory;
  readonly settings?: PolicySettings;
  /** The stack's `calico.version` (stack input only). */
  readonly calicoVersion?: string;
  /** Object id → the repository file that built it (stack input only; see RenderedChart.sources). */
  readonly sources?: ReadonlyMap<string, string>;
  /** The sets the stack's networkSetSync mappings keep in step (stack input only; none without the section). */
  readonly syncedSets?: readonly SyncedSet[];
}

const MINORS: readonly CalicoMinor[] = ["3.30", "3.31", "3.32"];

/** The Calico minor assertAnalysable reads the policies at (the latest, readPolicies' default too). */
export const ANALYSABLE_MINOR: CalicoMinor = "3.32";

/**
 * The Calico minor whose Felix ordering the analysis follows: `--calico-minor`, else the stack's
 * configured minor, else 3.32 (before 3.32 Felix broke order ties by the v1 key name only).
 */
export function calicoMinorOf(flag: unknown, settings: PolicySettings | undefined): CalicoMinor {
  if (flag === undefined) return settings?.calicoMinor ?? "3.32";
  if (typeof flag !== "string" || !(MINORS as readonly string[]).includes(flag)) {
    throw new UserError([{ path: "--calico-minor", value: flag, message: "unknown Calico minor", hint: `use one of ${MINORS.join(", ")}` }]);
  }
  return flag as CalicoMinor;
}

/**
 * The inventory of manifests that belong to no stack: policies/inventory.yaml (the policies directory's own,
 * which the cases files are written against) when present, plus `--inventory`.
 */
export function loadInventories(cwd: string, extra: string | undefined): Inventory {
  const parts: Inventory[] = [];
  if (existsSync(join(cwd, "policies", "inventory.yaml"))) parts.push(loadInventory("policies/inventory.yaml", cwd));
  if (extra !== undefined) parts.push(loadInventory(extra, cwd));
  return mergeInventories(...parts);
}

/** A stack's own inventory (held to its deployment facts), plus `--inventory`. */
export function stackInventories(stack: LoadedStack, cwd: string, extra: string | undefined): Inventory {
  return extra === undefined ? stack.inventory : mergeInventories(stack.inventory, loadInventory(extra, cwd));
}

/** Every object a stack's synth writes, with its file. */
export function stackObjects(stack: LoadedStack): SourcedObject[] {
  return stack.files.flatMap((f) => f.objects.map((object) => ({ object, file: f.file })));
}

/**
 * Manifests from `--manifests`, or the stack's synthesised files over the stack's own inventory. The
 * stack loader (config, facts, synth with cdk8s) is imported only for a stack: analysing manifests on
 * disk does not pay for it at start-up.
 */
export async function loadInput(flags: InputFlags, cwd: string): Promise<LoadedInput> {
  if (flags.manifests !== undefined && flags.manifests.length > 0) {
    if (flags.stack !== undefined) throw new UserError([{ path: "--stack", message: "--stack and --manifests exclude each other", hint: "pass one of them" }]);
    return { objects: loadManifests(flags.manifests, cwd), inventory: loadInventories(cwd, flags.inventory) };
  }
  const { loadStack } = await import("../stack-input.js");
  const stack = loadStack(flags.stack ?? "dev", cwd);
  // The same files synth writes: monitoring.yaml carries the metrics Services that `services` rules name,
  // calico-config.yaml the automatic host endpoints and failsafe ports, 00-namespaces.yaml the namespaces.
  const sources = stack.charts[0]?.sources;
  return {
    objects: stackObjects(stack),
    inventory: stackInventories(stack, cwd, flags.inventory),
    settings: stack.config.policies,
    calicoVersion: stack.config.calico.version,
    ...(sources === undefined ? {} : { sources }),
    syncedSets: stack.syncedSets,
  };
}

/**
 * Refuses input Calico itself would reject (an object that cannot be read, a policy in a tier with no
 * Tier object): analysing without it would report flows the cluster never sees. Every such problem is
 * listed at once, with its file, object and field (a diff's two sides differ by file name). Returns each
 * input's policies as read for that (at ANALYSABLE_MINOR), for an analysis at that minor to reuse.
 */
export async function assertAnalysable(...inputs: ReadonlyArray<readonly SourcedObject[]>): Promise<PolicyModel[]> {
  // Each input on its own: a Tier in one side of a diff does not excuse its absence in the other.
  const each = inputs.map((objects) => {
    const policies = readPolicies(objects, { calicoMinor: ANALYSABLE_MINOR });
    return { objects, policies, rejected: policies.rejected };
  });
  if (each.every((x) => x.rejected.length === 0)) return each.map((x) => x.policies);
  // The validator (all of Calico's field rules) is loaded only when something was rejected: an analysable
  // input, the common case, does not pay for compiling it at start-up.
  const { validateResource } = await import("../../model/validate/index.js");
  throw new UserError(each.flatMap((x) => withEveryProblem(x.objects, x.rejected, validateResource)));
}

/**
 * The analysis stops reading an object at its first problem; the user should fix them all in one round, so
 * each rejected object is also run through validateResource, which finds every problem. Its list replaces
 * the reader's when it covers the reader's field, and is added to it otherwise.
 */
/** `Kind/namespace/name`, as readPolicies names an object in its problems. */
function objectName(o: unknown): string {
  const obj = (typeof o === "object" && o !== null ? o : {}) as { kind?: unknown; metadata?: unknown };
  const m = (typeof obj.metadata === "object" && obj.metadata !== null ? obj.metadata : {}) as { name?: unknown; namespace?: unknown };
  const ns = typeof m.namespace === "string" ? `${m.namespace}/` : "";
  return `${String(obj.kind)}/${ns}${typeof m.name === "string" ? m.name : ""}`;
}

function withEveryProblem(objects: readonly SourcedObject[], rejected: readonly Problem[], validateResource: (o: unknown) => Problem[]): Problem[] {
  const byKey = new Map<string, SourcedObject>();
  for (const o of objects) {
    const key = `${o.file ?? ""}\u0000${objectName(o.object)}`;
    if (!byKey.has(key)) byKey.set(key, o);
  }
  const out: Problem[] = [];
  const done = new Set<string>();
  for (const r of rejected) {
    const key = `${r.file ?? ""}\u0000${r.object ?? ""}`;
    const source = r.path === "spec.tier" ? undefined : byKey.get(key);
    if (source === undefined) {
      out.push(r);
      continue;
    }
    if (done.has(key)) continue;
    done.add(key);
    const all = validateResource(source.object).map((p) => ({ ...p, object: r.object, ...(r.file === undefined ? {} : { file: r.file }) }) as Problem);
    if (!all.some((p) => p.path === r.path)) out.push(r);
    out.push(...all);
  }
  return out;
}

export function parseFormat(v: string | undefined, allowed: readonly string[] = FORMATS): Format {
  const f = v ?? "text";
  if (!allowed.includes(f)) throw new UserError([{ path: "--format", value: f, message: "unknown format", hint: `use one of ${allowed.join(", ")}` }]);
  return f as Format;
}

/** Prints `text`, or writes it to `--out` (replacing an existing file only with `--force`; src/cli/output.ts). */
export function emit(io: CliIo, text: string, out: string | undefined, force = false): void {
  writeOutput(io, text, out, force);
}

/** The flags `report`, `diff` and `explain` share, plus a command's own. */
export function parseFlags(args: string[], extra: CommandOptions, usage: string): Record<string, string | boolean | string[] | undefined> {
  return parseCommandArgs(
    args,
    {
      stack: { type: "string" },
      manifests: { type: "string", multiple: true },
      inventory: { type: "string" },
      format: { type: "string" },
      out: { type: "string" },
      force: { type: "boolean" },
      "calico-minor": { type: "string" },
      help: { type: "boolean", short: "h" },
      ...extra,
    },
    usage,
  ) as Record<string, string | boolean | string[] | undefined>;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const v = parseFlags(args, {}, USAGE);
  if (v["help"] === true) {
    io.out(USAGE);
    return 0;
  }
  const format = parseFormat(v["format"] as string | undefined);
  const input = await loadInput({ stack: v["stack"] as string | undefined, manifests: v["manifests"] as string[] | undefined, inventory: v["inventory"] as string | undefined }, io.cwd);
  const [policies] = await assertAnalysable(input.objects);
  const calicoMinor = calicoMinorOf(v["calico-minor"], input.settings);
  const report = buildReport(input.objects, input.inventory, {
    invariants: defaultInvariants(input.settings),
    waivers: input.settings?.waivers ?? [],
    calicoMinor,
    ...(input.syncedSets === undefined ? {} : { syncedSets: input.syncedSets }),
    ...(policies !== undefined && calicoMinor === ANALYSABLE_MINOR ? { policies } : {}),
  });
  // Only the chosen formatter is loaded.
  let text: string;
  if (format === "md") text = (await import("../../analysis/formatters/md.js")).renderMarkdownReport(report);
  else if (format === "json") text = (await import("../../analysis/formatters/json.js")).reportJson(report);
  else if (format === "svg") {
    const { REPORT_SVG_TITLE, STAGED_CHANGE, renderSvgMatrix, singleGroups } = await import("../../analysis/formatters/svg.js");
    text = renderSvgMatrix(report.groups.names, report.groups.matrix, report.staged, STAGED_CHANGE, singleGroups(report.connectivity), REPORT_SVG_TITLE);
  } else text = `${(await import("../../analysis/formatters/text.js")).formatReportText(report)}\n`;
  emit(io, text, v["out"] as string | undefined, v["force"] === true);
  return [...report.invariants, ...(report.stagedInvariants ?? [])].some((r) => r.status === "fail") ? EXIT_INVARIANT : EXIT.OK;
}
