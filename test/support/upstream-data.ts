/**
 * The upstream reference data `npm run test:conformance` reads from `../shared/data` (beside the clone; never
 * needed by the product or by `npm test`), with where each folder comes from. The conformance run's global
 * setup checks it first, so a clone without it fails with one message that says what is missing and how to
 * get it, instead of ENOENT traces from every test file.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** `../shared/data` relative to the repository root. */
export const SHARED_DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../shared/data");

export interface UpstreamData {
  /** Folder below SHARED_DATA_DIR. */
  readonly dir: string;
  /** The upstream repository, tag or commit, and paths it was copied from. */
  readonly source: string;
  /** The tests that read it. */
  readonly usedBy: string;
  /** A file name pattern the folder must hold at least one of. */
  readonly holds: RegExp;
}

export const UPSTREAM_DATA: readonly UpstreamData[] = [
  {
    dir: "calico-v3.32.1/crds",
    source: "projectcalico/calico tag v3.32.1: api/config/crd/projectcalico.org_*.yaml",
    usedBy: "test/model/{shapes,cel,validation}.conformance.test.ts, test/rendering/synth.conformance.test.ts",
    holds: /^projectcalico\.org_.*\.yaml$/,
  },
  {
    dir: "calico-v3.32.1/operator-crds",
    source: "projectcalico/calico tag v3.32.1: charts/projectcalico.org.v3/templates/operator.tigera.io_*.yaml",
    usedBy: "test/model/{shapes,cel}.conformance.test.ts",
    holds: /^operator\.tigera\.io_.*\.yaml$/,
  },
  {
    dir: "calico-v3.32.1/charts",
    source: "projectcalico/calico tag v3.32.1: charts/{tigera-operator,projectcalico.org.v3,crd.projectcalico.org.v1}, unpacked, Chart.yaml version v3.32.1 as the release packages them",
    usedBy: "test/config/local-charts.conformance.test.ts",
    holds: /^tigera-operator$/,
  },
  {
    dir: "charts",
    source: "prometheus-community/helm-charts tag prometheus-node-exporter-4.45.3: charts/prometheus-node-exporter, unpacked",
    usedBy: "test/config/local-charts.conformance.test.ts",
    holds: /^prometheus-node-exporter$/,
  },
  {
    dir: "netpol-conformance",
    source: "np-guard/netpol-analyzer commit e54a33430edb4a86f077544a5d15afb050e8a3c3: tests/<scenario>/ (inputs) and test_outputs/connlist/<scenario>_connlist_output.txt (expected), laid out as <scenario>/{input,expected}/ (see its README.md)",
    usedBy: "test/analysis/netpol-conformance.conformance.test.ts",
    holds: /./,
  },
];

/** The folders that are missing or hold none of their files, as lines of the message. */
export function missingUpstreamData(root: string = SHARED_DATA_DIR): UpstreamData[] {
  return UPSTREAM_DATA.filter((d) => {
    const p = join(root, d.dir);
    try {
      return !(existsSync(p) && statSync(p).isDirectory() && readdirSync(p).some((f) => d.holds.test(f)));
    } catch {
      return true;
    }
  });
}

export function missingDataMessage(missing: readonly UpstreamData[], root: string = SHARED_DATA_DIR): string {
  return [
    `npm run test:conformance needs upstream reference data in ${root} (the shared/ folder beside the clone), and ${missing.length === 1 ? "this folder is" : "these folders are"} missing or empty:`,
    ...missing.map((d) => `  - ${join(root, d.dir)}\n      from ${d.source}\n      read by ${d.usedBy}`),
    "Copy them there from the upstream sources named (files unchanged); npm test itself needs none of them.",
  ].join("\n");
}

/** Vitest global setup of `npm run test:conformance`. */
export default function setup(): void {
  const missing = missingUpstreamData();
  if (missing.length > 0) throw new Error(missingDataMessage(missing));
}
