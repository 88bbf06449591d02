/**
 * Every `policies/<tier>/<policy>.cases.yaml` against the synthesised dev baseline and the declared
 * inventory `policies/inventory.yaml`, through the user-facing `expectFlow` helper.
 *
 * Cases state what each policy does, so they are evaluated in the "would be" view (staged policies
 * count as enforced): a tier the dev stack stages is still checked. The report (enforced view) and
 * its invariants are guarded by baseline-report.test.ts.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { analyse } from "../../src/analysis/analyse.js";
import { expectFlow } from "../../src/analysis/expect-flow.js";
import { parseInventory } from "../../src/analysis/inventory.js";
import { loadStackConfig } from "../../src/config/index.js";
import { formatEndpoint, parseCases } from "../../src/model/cases.js";
import { synthBaseline } from "../../src/rendering/synth.js";

const ROOT = join(import.meta.dirname, "../..");
const casesFiles = readdirSync(join(ROOT, "policies"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(ROOT, "policies", d.name)).filter((f) => f.endsWith(".cases.yaml")).map((f) => `policies/${d.name}/${f}`))
  .sort();

const config = loadStackConfig("dev", { cwd: ROOT });
const objects = synthBaseline(config.policies).flatMap((c) => c.objects.map((object) => ({ object, file: c.file })));
const inventory = parseInventory(parse(readFileSync(join(ROOT, "policies/inventory.yaml"), "utf8")) as unknown, "policies/inventory.yaml");
const model = analyse({ objects, inventory }, "staged");

describe("baseline cases (dev stack, would-be view)", () => {
  it("finds cases files and reads every synthesised object", () => {
    expect(casesFiles.length).toBeGreaterThan(0);
    expect(model.problems).toEqual([]);
  });

  for (const file of casesFiles) {
    const cases = parseCases(readFileSync(join(ROOT, file), "utf8"), file).cases;
    describe(file, () => {
      for (const c of cases) {
        it(`${c.name} (${formatEndpoint(c.from)} -> ${formatEndpoint(c.to)} ${String(c.protocol)}${c.port === undefined ? "" : ` ${c.port}`}: ${c.expect})`, () => {
          const flow = expectFlow(model).from(formatEndpoint(c.from)).to(formatEndpoint(c.to));
          if (c.port !== undefined) flow.port(c.port, c.protocol);
          else flow.protocol(c.protocol);
          if (c.expect === "allow") flow.toBeAllowed();
          else flow.toBeDenied();
        });
      }
    });
  }
});
