// Without ../shared, `npm run test:conformance` says which data it needs and where it comes from (issue 11,
// defect 13) instead of failing every test file with ENOENT.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { UPSTREAM_DATA, missingDataMessage, missingUpstreamData } from "./upstream-data.js";

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("the conformance run's check of ../shared/data", () => {
  it("names every missing folder with its upstream tag and paths, and the tests that read it", () => {
    const root = mkdtempSync(join(tmpdir(), "cb-shared-"));
    temps.push(root);
    const missing = missingUpstreamData(root);
    expect(missing.map((d) => d.dir)).toEqual(UPSTREAM_DATA.map((d) => d.dir));
    const msg = missingDataMessage(missing, root);
    expect(msg).toContain(`npm run test:conformance needs upstream reference data in ${root}`);
    expect(msg).toContain(`  - ${join(root, "calico-v3.32.1/crds")}\n      from projectcalico/calico tag v3.32.1: api/config/crd/projectcalico.org_*.yaml`);
    expect(msg).toContain("np-guard/netpol-analyzer commit e54a33430edb4a86f077544a5d15afb050e8a3c3");
    expect(msg).toContain("read by test/analysis/netpol-conformance.conformance.test.ts");
  });
  it("counts a folder without its files as missing, and a complete set as present", () => {
    const root = mkdtempSync(join(tmpdir(), "cb-shared-"));
    temps.push(root);
    for (const d of UPSTREAM_DATA) mkdirSync(join(root, d.dir), { recursive: true });
    expect(missingUpstreamData(root)).toHaveLength(UPSTREAM_DATA.length);
    writeFileSync(join(root, "calico-v3.32.1/crds/projectcalico.org_tiers.yaml"), "");
    writeFileSync(join(root, "calico-v3.32.1/operator-crds/operator.tigera.io_installations.yaml"), "");
    writeFileSync(join(root, "netpol-conformance/README.md"), "");
    mkdirSync(join(root, "calico-v3.32.1/charts/tigera-operator"));
    mkdirSync(join(root, "charts/prometheus-node-exporter"));
    expect(missingUpstreamData(root)).toEqual([]);
  });
});
