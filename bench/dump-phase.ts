/**
 * One measurement of bench/dump.bench.ts in a process of its own, so that its peak RSS is its own and no
 * generated data sits in its heap:
 *
 *   dump-phase.ts FILE whole   the dump read as `--inventory` reads it (loadInventory: read, parse, inventory)
 *   dump-phase.ts FILE parts   the same three steps, each its own figure (peak RSS of a later step includes
 *                              the earlier ones: they run one after the other in this process)
 */
import { inventoryFromText, loadInventory } from "../src/analysis/analyse.js";
import { inventoryFromObjects } from "../src/analysis/inventory.js";
import { readInputFile } from "../src/io/files.js";
import { parseDataDocuments } from "../src/io/yaml.js";
import { emitFigure, measure } from "./measure.js";

const [file, mode] = process.argv.slice(2) as [string, string];

if (mode === "whole") {
  const { value, figure } = measure("read the dump as --inventory does (read + parse + inventory)", () => loadInventory(file));
  emitFigure({ ...figure, notes: [`${value.workloads.length} workloads, ${value.namespaces.length} namespaces, ${value.nodes.length} nodes`] });
} else if (mode === "parts") {
  const read = measure("read the file (UTF-8 text)", () => readInputFile(file, file, { what: "inventory file" }));
  emitFigure(read.figure);
  const parsed = measure("parse the JSON", () => parseDataDocuments(read.value, file));
  emitFigure(parsed.figure);
  const doc = parsed.value[0]?.value as { items?: unknown[] } | undefined;
  const items = doc?.items ?? [];
  const inv = measure("inventory from the parsed objects", () => inventoryFromObjects(items));
  emitFigure({ ...inv.figure, notes: [`${items.length} items, ${inv.value.workloads.length} workloads`] });
  // inventoryFromText is what loadInventory runs after reading: checked to agree with the parts.
  if (inventoryFromText(read.value, file).workloads.length !== inv.value.workloads.length) {
    process.stderr.write("the parts disagree with inventoryFromText\n");
    process.exitCode = 1;
  }
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exitCode = 2;
}
