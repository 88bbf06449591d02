/** Shared test helpers: build a model from YAML text or objects. */
import { parseAllDocuments } from "yaml";
import { type Inventory, EMPTY_INVENTORY, inventoryFromObjects, mergeInventories } from "../../src/analysis/inventory.js";
import { type Model, buildModel } from "../../src/analysis/model.js";
import { readPolicies, sourced } from "../../src/analysis/policies.js";

export function yamlObjects(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((o) => o !== null && o !== undefined);
}

/** A model from manifests (policies and inventory objects) plus an optional declared inventory. */
export function modelOf(
  manifests: string | unknown[],
  inventory: Inventory = EMPTY_INVENTORY,
  view: "enforced" | "staged" = "enforced",
  adjust: (inv: Inventory) => Inventory = (inv) => inv,
): Model {
  const objects = typeof manifests === "string" ? yamlObjects(manifests) : manifests;
  const pm = readPolicies(sourced(objects));
  if (pm.problems.length > 0) throw new Error(`unexpected problems: ${JSON.stringify(pm.problems)}`);
  return buildModel(adjust(mergeInventories(inventory, inventoryFromObjects(objects))), pm, { view });
}
