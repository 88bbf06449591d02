/**
 * Checks of the stack's local inputs (offline installs): local chart locations (`calico.chartRepo`,
 * `monitoring.nodeExporter.chartRepo`) and local manifests (`calico.manifests.*` for `install: manifest`).
 * Relative paths are relative to the project directory (where Pulumi.yaml and the stack files are). Run at
 * config load, by the offline loader and by the Pulumi program, so a wrong path fails before anything is
 * planned, with the key, the path as written and as resolved, and the layout expected.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { UserError, type Problem } from "../model/problem.js";
import { isLocalLocation, locateLocalChart } from "./local-charts.js";
import { CONFIG_NAMESPACE } from "./parse.js";
import { NODE_EXPORTER_CHART, calicoChartNames } from "./releases.js";
import type { StackConfig } from "./types.js";

/** A config location as an absolute path (a URL stays as it is). */
export function resolveLocation(location: string, projectDir: string): string {
  return isLocalLocation(location) ? resolve(projectDir, location) : location;
}

/** Every problem with the stack's local inputs; an empty list when all are usable. */
export function checkLocalInputs(config: StackConfig, projectDir: string): Problem[] {
  const problems: Problem[] = [];
  const ns = `${CONFIG_NAMESPACE}:`;
  const chart = (key: string, repo: string, name: string, version: string): void => {
    if (!isLocalLocation(repo)) return;
    const found = locateLocalChart(resolve(projectDir, repo), name, version);
    // A missing location is one problem, not one per chart it should hold.
    if ("message" in found && !problems.some((p) => p.path === key && p.message === found.message)) problems.push({ path: key, value: repo, message: found.message, hint: found.hint });
  };
  const c = config.calico;
  if (c.install === "helm") {
    for (const name of calicoChartNames(c)) chart(`${ns}calico.chartRepo`, c.chartRepo, name, `v${c.version}`);
  } else {
    for (const which of ["crds", "operator"] as const) {
      const location = c.manifests[which];
      if (!isLocalLocation(location)) continue;
      const abs = resolve(projectDir, location);
      let kind: "missing" | "file" | "other";
      try {
        kind = statSync(abs).isFile() ? "file" : "other";
      } catch {
        kind = "missing";
      }
      if (kind !== "file") {
        problems.push({
          path: `${ns}calico.manifests.${which}`,
          value: location,
          message: kind === "missing" ? `does not exist (resolved to ${abs})` : `is not a regular file (resolved to ${abs})`,
          hint: `give the upstream ${which === "crds" ? "CRD" : "tigera-operator"} manifest of Calico ${c.version} (a local file, relative to the project directory, or an https:// URL)`,
        });
      }
    }
  }
  const ne = config.monitoring.nodeExporter;
  if (ne.enabled) chart(`${ns}monitoring.nodeExporter.chartRepo`, ne.chartRepo, NODE_EXPORTER_CHART, ne.chartVersion);
  return problems;
}

/** The error for `checkLocalInputs`' problems. */
export function localInputsError(stack: string, problems: readonly Problem[]): UserError {
  return new UserError(problems, `stack "${stack}": ${problems.length} local input${problems.length === 1 ? " is" : "s are"} not usable`);
}
