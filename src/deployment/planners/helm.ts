/** Where a Helm chart comes from, in the form `helm.v4.Chart` takes. Pure. */

export interface ChartSource {
  readonly chart: string;
  readonly repositoryOpts?: { readonly repo: string };
}

/**
 * `chartRepo` from config is either a classic Helm repository (`https://…`, holding an index.yaml) or an
 * OCI registry path (`oci://…`). Helm cannot use an OCI location as `--repo`: an OCI chart is named by its
 * full reference (`oci://registry/path/<chart>`) with no repository options.
 */
export function chartSource(chartRepo: string, chart: string): ChartSource {
  if (chartRepo.startsWith("oci://")) return { chart: `${chartRepo.replace(/\/+$/, "")}/${chart}` };
  return { chart, repositoryOpts: { repo: chartRepo } };
}
