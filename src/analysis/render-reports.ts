/**
 * The files `synth` writes beside a stack's manifests (report.md, report.svg) and the invariant failures that
 * stop it. Apart from buildReport (src/analysis/report.ts) so that a `report` run, which prints one format,
 * does not load the Markdown and SVG formatters at start-up.
 */
import type { PolicySettings } from "../config/types.js";
import type { RenderedChart } from "../rendering/synth.js";
import { formatInvariantFailure } from "./formatters/text.js";
import { renderMarkdownReport } from "./formatters/md.js";
import { REPORT_SVG_TITLE, STAGED_CHANGE, renderSvgMatrix, singleGroups } from "./formatters/svg.js";
import { type InvariantResult, defaultInvariants } from "./invariants.js";
import type { Inventory } from "./inventory.js";
import type { SourcedObject } from "./policies.js";
import type { SyncedSet } from "./synced-sets.js";
import { buildReport } from "./report.js";

export interface RenderReportsInput {
  readonly charts: readonly RenderedChart[];
  /** Other objects written with the stack (e.g. monitoring.yaml: Namespaces, metrics Services). */
  readonly extraFiles?: ReadonlyArray<{ readonly file: string; readonly objects: readonly Record<string, unknown>[] }>;
  readonly inventory: Inventory;
  readonly settings: PolicySettings;
  /** The sets the stack's networkSetSync mappings keep in step (synced-sets-declared.ts). */
  readonly syncedSets?: readonly SyncedSet[];
}

export interface RenderReportsOutput {
  /** File name (relative to the stack directory) → content: `report.md`, `report.svg`. */
  readonly files: Record<string, string>;
  /**
   * Invariants that fail and are not waived, in the enforced view or once the staged policies are
   * enforced; synth must fail when this is not empty.
   */
  readonly invariantFailures: readonly InvariantResult[];
  /** The failures formatted with their explain trails, ready to print. */
  readonly message: string;
}

/**
 * Analyses synthesised charts for `npm start`. Invariants are the defaults (with the stack's registry)
 * minus the stack's waivers. Output is deterministic (no timestamps).
 */
export function renderReports(input: RenderReportsInput): RenderReportsOutput {
  const objects: SourcedObject[] = [...input.charts, ...(input.extraFiles ?? [])].flatMap((c) => c.objects.map((object) => ({ object, file: c.file })));
  const report = buildReport(objects, input.inventory, {
    invariants: defaultInvariants(input.settings),
    waivers: input.settings.waivers,
    calicoMinor: input.settings.calicoMinor,
    ...(input.syncedSets === undefined ? {} : { syncedSets: input.syncedSets }),
  });
  const enforced = report.invariants.filter((r) => r.status === "fail");
  const staged = (report.stagedInvariants ?? []).filter((r) => r.status === "fail");
  return {
    files: { "report.md": renderMarkdownReport(report), "report.svg": renderSvgMatrix(report.groups.names, report.groups.matrix, report.staged, STAGED_CHANGE, singleGroups(report.connectivity), REPORT_SVG_TITLE) },
    invariantFailures: [...enforced, ...staged],
    message: [...enforced.map((r) => formatInvariantFailure(r)), ...staged.map((r) => formatInvariantFailure(r, "once the staged policies are enforced"))].join("\n"),
  };
}
