/** Where a Helm chart comes from, in the form `helm.v4.Chart` takes. */
import { isLocalLocation, locateLocalChart } from "../../config/local-charts.js";
import { UserError } from "../../model/problem.js";

export interface ChartSource {
  readonly chart: string;
  /** Absent for a local chart: Helm ignores it there, and the config check pinned the version already. */
  readonly version?: string;
  readonly repositoryOpts?: { readonly repo: string };
}

/**
 * `chartRepo` from config is a classic Helm repository (`https://…`, holding an index.yaml), an OCI
 * registry path (`oci://…`) or a local path (made absolute by `resolveLocalPaths`, checked at config load).
 * Helm cannot use an OCI location as `--repo`: an OCI chart is named by its full reference
 * (`oci://registry/path/<chart>`) with no repository options. A local chart is named by its directory or
 * archive (`helm.v4.Chart` `chart`: "path to a packaged chart" or "to an unpacked chart directory").
 * `configKey` names the setting in the error when a local chart vanished since the config was loaded.
 */
export function chartSource(chartRepo: string, chart: string, version: string, configKey = "calico-baseline:calico.chartRepo"): ChartSource {
  if (chartRepo.startsWith("oci://")) return { chart: `${chartRepo.replace(/\/+$/, "")}/${chart}`, version };
  if (isLocalLocation(chartRepo)) {
    const found = locateLocalChart(chartRepo, chart, version);
    if ("message" in found) throw new UserError([{ path: configKey, value: chartRepo, message: found.message, hint: found.hint }]);
    return { chart: found.path };
  }
  return { chart, version, repositoryOpts: { repo: chartRepo } };
}
