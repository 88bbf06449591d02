/**
 * Synthesises the baseline of one stack into charts of plain objects, one chart per tier, in apply order:
 * `00-tiers.yaml`, `10-security.yaml`, `20-platform.yaml`, `30-application.yaml`, `40-appsec.yaml`.
 *
 * Deterministic: names come from the policies (never hashes), objects are sorted by kind, namespace and
 * name, keys are sorted. Every object is validated (validateResource for the target Calico version, plus
 * checks across objects: unknown tiers, duplicate names, policies that govern nothing) and any problem
 * aborts the whole synth with one UserError listing all of them with chart, object and field path.
 */
import { App, Chart } from "cdk8s";
import { Tier } from "../../components/tier.js";
import { CATALOG, type CatalogEntry } from "../../policies/catalog.js";
import { TIER_DEFINITIONS, TIERS_FILE } from "../../policies/tiers.js";
import type { BaselinePolicy } from "../../policies/types.js";
import { BASELINE_TIERS, type BaselineTier, type PolicySettings } from "../config/types.js";
import { UserError, type Problem } from "../model/problem.js";
import { SelectorError } from "../model/selector/index.js";
import { validateResource } from "../model/validate/index.js";

export { toYaml, writeStack, type ObjectFile, type TextFile } from "./write-stack.js";

export interface RenderedChart {
  /** File name in the stack directory, prefixed in apply order. */
  readonly file: string;
  readonly group: "tiers" | BaselineTier;
  readonly objects: Record<string, unknown>[];
  /**
   * The source file that built each object, by object id (`Kind/namespace/name`): the policy file
   * (`policies/<tier>/<name>.ts`) or, for the Tier objects, `policies/tiers.ts`. Reviews point at it
   * (SARIF locations), since the rendered YAML is not in the repository.
   */
  readonly sources?: ReadonlyMap<string, string>;
}

/** The file that defines the Tier objects (policies/tiers.ts), as reviews name it. */
export const TIERS_SOURCE = "policies/tiers.ts";

/** A synth failure: the problems, plus the source file of every object that was built (see RenderedChart). */
export class SynthError extends UserError {
  constructor(
    problems: readonly Problem[],
    summary: string,
    readonly sources: ReadonlyMap<string, string>,
  ) {
    super(problems, summary);
  }
}

const POLICY_KINDS = new Set([
  "GlobalNetworkPolicy",
  "NetworkPolicy",
  "StagedGlobalNetworkPolicy",
  "StagedNetworkPolicy",
]);

/** Apply order of kinds inside one file: tiers and sets before the policies that refer to them. */
const KIND_RANK: Readonly<Record<string, number>> = {
  Namespace: 0,
  Tier: 1,
  GlobalNetworkSet: 2,
  NetworkSet: 3,
  GlobalNetworkPolicy: 4,
  StagedGlobalNetworkPolicy: 5,
  NetworkPolicy: 6,
  StagedNetworkPolicy: 7,
};

interface Meta {
  readonly name?: string;
  readonly namespace?: string;
}

function metaOf(o: Record<string, unknown>): Meta {
  const m = o["metadata"];
  return typeof m === "object" && m !== null ? (m as Meta) : {};
}

/** `Kind/namespace/name` or `Kind/name`, as Problem.object. */
export function objectId(o: Record<string, unknown>): string {
  const m = metaOf(o);
  return [String(o["kind"]), m.namespace, m.name].filter((s) => s !== undefined).join("/");
}

/**
 * Sorts objects by kind rank, then (for tiers) by evaluation order, then namespace and name in code-point
 * order (locale independent).
 */
export function sortObjects(objects: Record<string, unknown>[]): Record<string, unknown>[] {
  const key = (o: Record<string, unknown>): [number, number, string, string, string] => {
    const m = metaOf(o);
    const spec = o["spec"] as { order?: unknown } | undefined;
    const order = o["kind"] === "Tier" && typeof spec?.order === "number" ? spec.order : 0;
    return [KIND_RANK[String(o["kind"])] ?? 99, order, String(o["kind"]), m.namespace ?? "", m.name ?? ""];
  };
  return [...objects].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka[0] !== kb[0]) return ka[0] - kb[0];
    if (ka[1] !== kb[1]) return ka[1] - kb[1];
    for (let i = 2; i < 5; i++) {
      const x = ka[i] as string;
      const y = kb[i] as string;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}

function modeOf(settings: PolicySettings, tier: BaselineTier): "enforce" | "stage" {
  return settings.tiers[tier]?.mode ?? settings.mode;
}

function problemsFrom(e: unknown, file: string, object: string): Problem[] {
  if (e instanceof UserError) {
    return e.problems.map((p) => ({ ...p, file: p.file ?? file, object: p.object ?? object }));
  }
  // The selector builder refuses values no Calico selector can express; that is the policy author's input.
  if (e instanceof SelectorError) return [{ ...e.toProblem("selector"), file, object }];
  throw e;
}

/**
 * Builds the charts for `settings` from `entries` (the catalog by default; tests pass their own), validates
 * everything and returns the charts, or throws one UserError with every problem.
 */
export function synthCharts(settings: PolicySettings, entries: readonly CatalogEntry[]): RenderedChart[] {
  const problems: Problem[] = [];
  const app = new App();
  const tiersChart = new Chart(app, "tiers", { disableResourceNameHashes: true });
  const tiers = new Map<BaselineTier, Tier>();
  const charts = new Map<BaselineTier, Chart>();
  const entryFiles = new Map<Chart, string>([[tiersChart, TIERS_SOURCE]]);
  for (const t of BASELINE_TIERS) {
    const def = TIER_DEFINITIONS[t];
    tiers.set(
      t,
      new Tier(tiersChart, t, {
        name: t,
        order: def.order,
        defaultAction: def.defaultAction,
        mode: modeOf(settings, t),
        calicoVersion: settings.calicoMinor,
      }),
    );
    charts.set(t, new Chart(app, t, { disableResourceNameHashes: true }));
  }

  for (const [index, entry] of entries.entries()) {
    const p: BaselinePolicy = entry.policy;
    const tierName = p.tier as BaselineTier;
    const tier = tiers.get(tierName);
    const chart = charts.get(tierName);
    if (tier === undefined || chart === undefined) {
      problems.push({
        file: entry.file,
        object: p.name,
        path: "tier",
        value: p.tier,
        message: `policy "${p.name}" is in tier "${p.tier}", which does not exist`,
        hint: `use one of the baseline tiers: ${BASELINE_TIERS.join(", ")}`,
      });
      continue;
    }
    try {
      // Each policy file gets its own construct scope, so construct ids only need to be unique per file.
      // The scope id never reaches the output (every object has an explicit name); the index keeps two
      // entries with one name apart so the duplicate is reported as such, not as a construct-id clash.
      const scope = new Chart(chart, `${index}-${p.name}`, { disableResourceNameHashes: true });
      entryFiles.set(scope, entry.file);
      p.build(scope, { tier, settings });
    } catch (e) {
      problems.push(...problemsFrom(e, entry.file, p.name));
    }
  }

  const sources = new Map<string, string>();
  const rendered: RenderedChart[] = [
    { file: TIERS_FILE, group: "tiers", objects: sortObjects(collect(tiersChart, entryFiles, sources)), sources },
    ...BASELINE_TIERS.map((t) => ({
      file: TIER_DEFINITIONS[t].file,
      group: t,
      objects: sortObjects(collect(charts.get(t) as Chart, entryFiles, sources)),
      sources,
    })),
  ];
  problems.push(...checkCharts(rendered, settings));
  if (problems.length > 0) {
    throw new SynthError(problems, `synth failed: ${problems.length} problem${problems.length === 1 ? "" : "s"}, nothing written`, sources);
  }
  return rendered;
}

/** The stack's baseline from the policy catalog. */
export function synthBaseline(settings: PolicySettings): RenderedChart[] {
  return synthCharts(settings, CATALOG);
}

/**
 * Plain JSON objects of a chart and every chart nested in it; records the source file of each object
 * (that of the nearest chart with one in `files`) in `sources`.
 */
function collect(chart: Chart, files: ReadonlyMap<Chart, string>, sources: Map<string, string>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const c of chart.node.findAll()) {
    if (c instanceof Chart) {
      const objects = c.toJson() as Record<string, unknown>[];
      let file: string | undefined;
      for (let s: Chart | undefined = c; s !== undefined && file === undefined; s = s.node.scope instanceof Chart ? s.node.scope : undefined) file = files.get(s);
      if (file !== undefined) for (const o of objects) sources.set(objectId(o), file);
      out.push(...objects);
    }
  }
  return out;
}

/** validateResource for every object, then the checks that need more than one object. */
function checkCharts(charts: readonly RenderedChart[], settings: PolicySettings): Problem[] {
  const problems: Problem[] = [];
  const tierNames = new Set<string>();
  for (const o of charts.find((c) => c.group === "tiers")?.objects ?? []) {
    if (o["kind"] === "Tier") tierNames.add(String(metaOf(o).name));
  }
  const seen = new Map<string, string>();
  for (const chart of charts) {
    for (const o of chart.objects) {
      const object = objectId(o);
      for (const p of validateResource(o, { calicoVersion: settings.calicoMinor })) {
        problems.push({ ...p, file: chart.file, object });
      }
      const key = `${String(o["apiVersion"])}/${object}`;
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push({
          file: chart.file,
          object,
          path: "metadata.name",
          value: metaOf(o).name,
          message: `two objects named ${object} (the first is in ${first})`,
          hint: "give each policy a unique name within its tier (and namespace)",
        });
      } else {
        seen.set(key, chart.file);
      }
      if (!POLICY_KINDS.has(String(o["kind"]))) continue;
      const spec = (o["spec"] ?? {}) as { tier?: string; types?: unknown[] };
      if (spec.tier === undefined || !tierNames.has(spec.tier)) {
        problems.push({
          file: chart.file,
          object,
          path: "spec.tier",
          value: spec.tier,
          message: `policy is in tier "${String(spec.tier)}", which does not exist`,
          hint: `use one of ${[...tierNames].sort().join(", ")}`,
        });
      } else if (chart.group !== "tiers" && spec.tier !== chart.group) {
        problems.push({
          file: chart.file,
          object,
          path: "spec.tier",
          value: spec.tier,
          message: `policy of tier "${spec.tier}" was built in the ${chart.group} chart`,
          hint: `move it to policies/${spec.tier}/, or build it with the tier it is given`,
        });
      }
      if (!Array.isArray(spec.types) || spec.types.length === 0) {
        problems.push({
          file: chart.file,
          object,
          path: "spec.types",
          value: spec.types,
          message: "policy governs neither ingress nor egress",
          hint: "add rules or isolate the workload in at least one direction, or remove the policy",
        });
      }
    }
  }
  return problems;
}
