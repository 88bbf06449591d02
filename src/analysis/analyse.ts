/**
 * Inputs to analysis: manifests from files, directories or synthesised charts, plus the inventory.
 * Reads files only (no cdk8s, no Pulumi); the CLI and synth call these.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import type { CalicoMinor } from "../config/types.js";
import { UserError } from "../model/problem.js";
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
  const pm = readPolicies(input.objects);
  const inv = mergeInventories(input.inventory ?? EMPTY_INVENTORY, inventoryFromObjects(input.objects.map((o) => o.object)));
  return buildModel(inv, pm, { view, ...(calicoMinor === undefined ? {} : { calicoMinor }) });
}

/** Parses YAML (multi-document) or JSON text into objects; a YAML error is a UserError naming the file. */
export function parseManifestText(text: string, file: string): SourcedObject[] {
  const docs = parseAllDocuments(text);
  const out: SourcedObject[] = [];
  for (const d of docs) {
    if (d.errors.length > 0) {
      throw new UserError(d.errors.map((e) => ({ path: "", message: `YAML error: ${e.message.split("\n")[0]}`, hint: "fix the YAML syntax", file })));
    }
    const o = d.toJS() as unknown;
    if (o !== null && o !== undefined) out.push({ object: o, file });
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
  const visit = (p: string): void => {
    const abs = isAbsolute(p) ? p : join(cwd, p);
    if (!existsSync(abs)) throw new UserError([{ path: "", value: p, message: "no such file or directory", hint: "pass a manifest file or a directory of YAML files" }]);
    if (statSync(abs).isDirectory()) {
      for (const f of readdirSync(abs).sort()) {
        const child = join(p, f);
        if (statSync(join(abs, f)).isDirectory()) visit(child);
        else if (/\.(ya?ml|json)$/.test(f) && !f.endsWith(".cases.yaml") && !/^inventory(\.[^.]+)?\.ya?ml$/.test(f)) visit(child);
      }
      return;
    }
    out.push(...parseManifestText(readFileSync(abs, "utf8"), relative(cwd, abs) || p));
  };
  for (const p of paths) visit(p);
  return out;
}

/** Reads a declared inventory file (YAML) or a dump (a kubectl JSON `List`, manifests, or a JSON array of them), by content. */
export function loadInventory(path: string, cwd = process.cwd()): Inventory {
  const abs = isAbsolute(path) ? path : join(cwd, path);
  if (!existsSync(abs)) throw new UserError([{ path: "", value: path, message: "inventory file not found", hint: "write policies/inventory.yaml or pass --inventory <file>" }]);
  const docs = parseManifestText(readFileSync(abs, "utf8"), path).map((o) => o.object);
  // A bare JSON array of manifests (`[{kind: Namespace, ...}, ...]`) is a dump too, like a kubectl List.
  const objects = docs.length === 1 && Array.isArray(docs[0]) ? (docs[0] as unknown[]) : docs;
  const first = objects[0];
  const isDump = objects.length > 1 || (typeof first === "object" && first !== null && "kind" in first);
  return isDump ? inventoryFromObjects(objects) : parseInventory(first, path);
}
