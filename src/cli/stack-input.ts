/**
 * A stack as every command analyses it: its config, its own inventory (never another stack's), held to the
 * deployment facts, and the files `synth` renders. Shared by synth, report, diff, explain, replay and
 * recommend.
 */
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { loadInventory } from "../analysis/analyse.js";
import type { Inventory } from "../analysis/inventory.js";
import { declaredSyncedSets } from "../analysis/synced-sets-declared.js";
import type { SyncedSet } from "../analysis/synced-sets.js";
import { loadStackConfig } from "../config/load.js";
import type { StackConfig } from "../config/types.js";
import { deploymentFacts } from "../facts/index.js";
import { stackInventory } from "../facts/inventory.js";
import { type Problem, UserError } from "../model/problem.js";
import { synthStackFiles, type StackFiles } from "../rendering/stack-files.js";

export interface LoadedStack extends StackFiles {
  readonly config: StackConfig;
  /** The inventory the stack is analysed over (its file, held to the facts). */
  readonly inventory: Inventory;
  /** The inventory file, as the user names it (relative to the project directory). */
  readonly inventoryFile: string;
  /** What came from the stack config rather than the file (nodes, system workloads). */
  readonly inventoryNotes: readonly string[];
  /** The sets the stack's networkSetSync mappings keep in step (none without the section). */
  readonly syncedSets: readonly SyncedSet[];
}

/**
 * Reads the stack's declared inventory: `--inventory` when given (it replaces the stack's own), else
 * `calico-baseline:policies.inventory`, else `policies/inventory.<stack>.yaml`. A missing file is an error:
 * falling back to another stack's inventory would analyse the wrong cluster.
 */
export function readStackInventory(config: StackConfig, cwd: string, override?: string): { inventory: Inventory; file: string } {
  const file = override ?? config.inventory.path;
  const abs = isAbsolute(file) ? file : join(cwd, file);
  if (!existsSync(abs)) {
    const how =
      override !== undefined
        ? "pass an existing file to --inventory"
        : config.inventory.source === "config"
          ? `fix calico-baseline:policies.inventory in Pulumi.${config.stack}.yaml`
          : `write ${file} (the stack's namespaces, workloads and external networks; its nodes come from the stack config), or name an existing inventory with calico-baseline:policies.inventory in Pulumi.${config.stack}.yaml`;
    throw new UserError(
      [{ path: override !== undefined ? "--inventory" : "calico-baseline:policies.inventory", file, value: file, message: `stack "${config.stack}" has no inventory: ${file} does not exist`, hint: how }],
      `stack "${config.stack}": no inventory`,
    );
  }
  return { inventory: loadInventory(file, cwd), file };
}

/** Loads and renders `stack`, analysed over its own inventory. Throws a UserError listing every problem. */
export function loadStack(stack: string, cwd: string, inventoryOverride?: string): LoadedStack {
  const config = loadStackConfig(stack, { cwd });
  const { inventory: declared, file } = readStackInventory(config, cwd, inventoryOverride);
  // Every problem at once: the rendering's (policies, namespaces) and the inventory's against the facts.
  const held = stackInventory(deploymentFacts(config), declared, file);
  let files: StackFiles | undefined;
  let problems: Problem[] = [];
  try {
    files = synthStackFiles(config, declared, file);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    problems = [...e.problems];
  }
  problems.push(...held.problems);
  if (files === undefined || problems.length > 0) {
    throw new UserError(problems, `stack "${stack}": ${problems.length} problem${problems.length === 1 ? "" : "s"}${held.problems.length > 0 ? ` (the inventory ${file} contradicts what the stack deploys)` : ""}, nothing written`);
  }
  return { ...files, config, inventory: held.inventory, inventoryFile: file, inventoryNotes: held.notes, syncedSets: declaredSyncedSets(config.networkSetSync) };
}
