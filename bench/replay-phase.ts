/**
 * The measured part of bench/replay.bench.ts, in a process of its own (its peak RSS is the replay's, not the
 * flow generator's):
 *
 *   replay-phase.ts FLOWS_FILE PROJECT_ROOT
 *
 * Figures, in order: the stack config and inventory (YAML parsing), the synthesised baseline, the flow import
 * (read + parse + validate + dedupe: the whole stage), replay + promotion, the JSON report, and the total.
 * The peak RSS of each figure is the process's high-water mark when it ended (maxRSS), so it includes the
 * figures before it.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { EMPTY_INVENTORY, parseInventory } from "../src/analysis/inventory.js";
import { evaluatorForManifests } from "../src/analysis/flows/evaluator-adapter.js";
import { importFlowFile } from "../src/analysis/flows/import.js";
import { assessPromotion, tiersWithStagedPolicies } from "../src/analysis/flows/promotion.js";
import { replayFlows } from "../src/analysis/flows/replay.js";
import { formatReplay } from "../src/analysis/flows/replay-format.js";
import { loadStackConfig } from "../src/config/load.js";
import { synthBaseline } from "../src/rendering/synth.js";
import { emitFigure, measure, measureAsync, peakMiB } from "./measure.js";

// The root is an argument, so the phase does not depend on where it is started from.
const [file, root] = process.argv.slice(2) as [string, string];

const c0 = process.cpuUsage();
const t0 = performance.now();
const cfg = measure("stack config + inventory (YAML parsing)", () => {
  const config = loadStackConfig("dev", { cwd: root });
  const invFile = join(root, "policies", "inventory.yaml");
  const inventory = existsSync(invFile) ? parseInventory(parseYaml(readFileSync(invFile, "utf8")) as unknown, "policies/inventory.yaml") : EMPTY_INVENTORY;
  return { config, inventory };
});
emitFigure(cfg.figure);
const { config, inventory } = cfg.value;
const synth = measure("synth dev baseline", () => synthBaseline(config.policies).flatMap((c) => c.objects));
const manifests = synth.value;
emitFigure({ ...synth.figure, notes: [`${manifests.length} objects`] });
const imp = await measureAsync("flow import (read + parse + validate + dedupe)", () => importFlowFile(file));
const imported = imp.value;
emitFigure({ ...imp.figure, notes: [`${imported.records} records -> ${imported.flows.length} flows, ${Math.round(imported.records / (imp.figure.cpuMs / 1000)).toLocaleString("en")} records per cpu-second`] });
const rep = measure("replay + promotion", () => {
  const evaluator = evaluatorForManifests(manifests, { inventory, flows: imported.flows });
  const replay = replayFlows(imported.flows, evaluator, { view: "would-be" });
  const promotion = assessPromotion(imported.flows, replay, config.policies, "dev", tiersWithStagedPolicies(manifests));
  return { replay, promotion };
});
const { replay, promotion } = rep.value;
emitFigure({ ...rep.figure, notes: [`${replay.totals.evaluations} evaluations, ${replay.totals.denied} denied, ${replay.totals.breaking} breaking`] });
const fmt = measure("json report", () => formatReplay({ replay, promotion, flowsFile: file, stack: "dev" }, "json"));
emitFigure({ ...fmt.figure, notes: [`${(fmt.value.length / 1e6).toFixed(1)} MB`] });
const c = process.cpuUsage(c0);
emitFigure({ label: "total", wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, peakMiB: peakMiB(), notes: [`${Math.round(imported.records / ((c.user + c.system) / 1e6)).toLocaleString("en")} records per cpu-second`] });
