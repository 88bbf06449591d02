/**
 * Inputs to analysis: manifests from files, directories or synthesised charts, plus the inventory.
 * Reads files only (no cdk8s, no Pulumi); the CLI and synth call these.
 */
import { isAbsolute, join, relative } from "node:path";
import { readInputFile, walkFiles } from "../io/files.js";
import { parseYamlDocuments } from "../io/yaml.js";
import type { CalicoMinor } from "../config/types.js";
import { type Inventory, EMPTY_INVENTORY, inventoryFromObjects, mergeInventories, parseInventory } from "./inventory.js";
import { type Model, buildModel } from "./model.js";
import { type SourcedObject, readPolicies } from "./policies.js";

export interface AnalysisInput {
  readonly objects: readonly SourcedObject[];
  /** The declared inventory; workloads and namespaces found in `objects` are added to it. */
  readonly inventory?: Inventory;
}

/**
 * Builds the model: policies from the objects, inventory = declared + what the objects declare.
 * `calicoMinor` picks the Felix policy ordering (see comparePolicies); default 3.32.
 */
export function analyse(input: AnalysisInput, view: "enforced" | "staged" = "enforced", calicoMinor?: CalicoMinor): Model {
  const pm = readPolicies(input.objects, calicoMinor === undefined ? {} : { calicoMinor });
  const inv = mergeInventories(input.inventory ?? EMPTY_INVENTORY, inventoryFromObjects(input.objects.map((o) => o.object)));
  return buildModel(inv, pm, { view, ...(calicoMinor === undefined ? {} : { calicoMinor }) });
}

/**
 * Parses YAML (multi-document) or JSON text into objects; a YAML error, or input beyond the limits of
 * src/model/limits.ts (aliases, documents, nesting), is a UserError naming the file and line.
 */
export function parseManifestText(text: string, file: string): SourcedObject[] {
  const out: SourcedObject[] = [];
  for (const d of parseYamlDocuments(text, file)) {
    if (d.value !== null && d.value !== undefined) out.push({ object: d.value, file });
  }
  return out;
}

/**
 * Reads manifests from files and directories (recursively, `*.yaml`, `*.yml`, `*.json`, sorted so
 * the result never depends on directory order). Files named `*.cases.yaml` and `inventory.yaml` (or `inventory.<stack>.yaml`) are
 * not manifests and are skipped.
 */
export function loadManifests(paths: readonly string[], cwd = process.cwd()): SourcedObject[] {
  const out: SourcedObject[] = [];
  const isManifest = (f: string): boolean => /\.(ya?ml|json)$/.test(f) && !f.endsWith(".cases.yaml") && !/^inventory(\.[^.]+)?\.ya?ml$/.test(f);
  const files = walkFiles(paths, cwd, isManifest, { what: "manifests", missingHint: "pass a manifest file or a directory of YAML files" });
  for (const f of files) {
    // One push per object: a spread of a huge file's objects would overflow the call stack.
    for (const o of parseManifestText(readInputFile(f.abs, f.shown, { what: "manifest" }), relative(cwd, f.abs) || f.shown)) out.push(o);
  }
  return out;
}

/** Reads a declared inventory file (YAML) or a dump (a kubectl JSON `List`, manifests, or a JSON array of them), by content. */
export function loadInventory(path: string, cwd = process.cwd()): Inventory {
  const abs = isAbsolute(path) ? path : join(cwd, path);
  const text = readInputFile(abs, path, { what: "inventory file", missingHint: "write policies/inventory.yaml or pass --inventory <file>" });
  const docs = parseManifestText(text, path).map((o) => o.object);
  // A bare JSON array of manifests (`[{kind: Namespace, ...}, ...]`) is a dump too, like a kubectl List.
  const objects = docs.length === 1 && Array.isArray(docs[0]) ? (docs[0] as unknown[]) : docs;
  const first = objects[0];
  const isDump = objects.length > 1 || (typeof first === "object" && first !== null && "kind" in first);
  return isDump ? inventoryFromObjects(objects) : parseInventory(first, path);
}
