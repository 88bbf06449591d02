/**
 * Everything `synth` writes for a stack, as objects: the tier charts in apply order, then `monitoring.yaml`
 * when monitoring is enabled. `synth` writes these files; `report`, `diff` and `explain` analyse the same
 * set, so the metrics Services that `services` rules name are there in both.
 */
import type { StackConfig } from "../config/types.js";
import { MONITORING_FILE, synthMonitoring } from "./monitoring.js";
import { synthBaseline, type ObjectFile, type RenderedChart } from "./synth.js";

export interface StackFiles {
  /** The policy charts alone (what the analysis report is built from). */
  readonly charts: RenderedChart[];
  /** The charts, then monitoring.yaml when the stack enables monitoring. */
  readonly files: ObjectFile[];
}

export function synthStackFiles(config: StackConfig): StackFiles {
  const charts = synthBaseline(config.policies);
  const files: ObjectFile[] = [...charts];
  if (config.monitoring.enabled) files.push({ file: MONITORING_FILE, objects: synthMonitoring() });
  return { charts, files };
}
