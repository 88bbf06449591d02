/**
 * The release's own charts as local chart locations (offline installs): the three charts of Calico v3.32.1
 * (projectcalico/calico charts/, packaged with version v3.32.1) and prometheus-node-exporter 4.45.3
 * (prometheus-community/helm-charts), unpacked in ../shared/data, and the same charts packed as `helm package`
 * lays them out. Needs ../shared/data/calico-v3.32.1/charts and ../shared/data/charts (test/support/upstream-data.ts).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseStackConfig } from "../../src/config/index.js";
import { locateLocalChart } from "../../src/config/local-charts.js";
import { checkLocalInputs } from "../../src/config/local-inputs.js";
import { SHARED_DATA_DIR } from "../support/upstream-data.js";

const CALICO_CHARTS = join(SHARED_DATA_DIR, "calico-v3.32.1/charts");
const NODE_EXPORTER = join(SHARED_DATA_DIR, "charts/prometheus-node-exporter");
const tmp = mkdtempSync(join(tmpdir(), "cb-charts-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the Calico v3.32.1 and node-exporter 4.45.3 charts as local chart locations", () => {
  it("finds each of the release's charts in its charts/ folder at v3.32.1", () => {
    for (const chart of ["tigera-operator", "crd.projectcalico.org.v1", "projectcalico.org.v3"]) {
      expect(locateLocalChart(CALICO_CHARTS, chart, "v3.32.1"), chart).toEqual({ path: join(CALICO_CHARTS, chart), kind: "directory" });
    }
    expect(locateLocalChart(CALICO_CHARTS, "tigera-operator", "v3.31.7")).toMatchObject({ message: expect.stringContaining("holds tigera-operator v3.32.1") });
  });

  it("takes the node-exporter chart directory itself at 4.45.3, and packed as helm package names it", () => {
    expect(locateLocalChart(NODE_EXPORTER, "prometheus-node-exporter", "4.45.3")).toEqual({ path: NODE_EXPORTER, kind: "directory" });
    const tgz = join(tmp, "prometheus-node-exporter-4.45.3.tgz");
    execFileSync("tar", ["-czf", tgz, "-C", join(SHARED_DATA_DIR, "charts"), "prometheus-node-exporter"]);
    expect(locateLocalChart(tmp, "prometheus-node-exporter", "4.45.3")).toEqual({ path: tgz, kind: "archive" });
    expect(locateLocalChart(tgz, "prometheus-node-exporter", "4.45.4")).toMatchObject({ message: expect.stringContaining("holds prometheus-node-exporter 4.45.3") });
  });

  it("accepts a stack that installs both with install: helm from those folders, by relative path, for v1 and v3 CRDs", () => {
    const project = process.cwd();
    for (const crds of ["v1", "v3"]) {
      const config = parseStackConfig(
        {
          "calico-baseline:cluster": { type: "kubeconfig", kubeconfigPath: "kubeconfig" },
          "calico-baseline:registry": { type: "external", host: "registry.example.com", username: "u", password: { secure: "v1:x" }, cidrs: ["192.0.2.10/32"], mirror: false },
          "calico-baseline:calico": { chartRepo: relative(project, CALICO_CHARTS), crds },
          "calico-baseline:monitoring": { nodeExporter: { chartRepo: relative(project, NODE_EXPORTER) } },
        },
        "offline",
        { secretsRequired: false },
      );
      expect(checkLocalInputs(config, project), crds).toEqual([]);
    }
  });
});
