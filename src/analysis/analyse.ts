/**
 * Inputs to analysis: manifests from files, directories or synthesised charts, plus the inventory.
 * Reads files only (no cdk8s, no Pulumi); the CLI and synth call these.
 */
import { isAbsolute, join, relative } from "node:path";
import { readInputFile, walkFiles } from "../io/files.js";
import { parseDataDocuments, parseYamlDocuments } from "../io/yaml.js";
import { readPlainYaml } from "../io/yaml-plain.js";
import { type Problem, UserError } from "../model/problem.js";
import type { CalicoMinor } from "../config/types.js";
import { type Inventory, EMPTY_INVENTORY, inventoryFromObjects, mergeInventories, parseInventory } from "./inventory.js";
import { type Model, buildModel } from "./model.js";
import { type PolicyModel, type PolicyReadMemo, type SourcedObject, readPolicies } from "./policies.js";

export interface AnalysisInput {
  readonly objects: readonly SourcedObject[];
  /** The declared inventory; workloads and namespaces found in `objects` are added to it. */
  readonly inventory?: Inventory;
  /**
   * `readPolicies(objects)` at the same Calico minor, when the caller has read it already (it is read-only):
   * not read again (nor with a reuse memo).
   */
  readonly policies?: PolicyModel;
}

/**
 * Builds the model: policies from the objects, inventory = declared + what the objects declare.
 * `calicoMinor` picks the Felix policy ordering (see comparePolicies); default 3.32.
 */
export function analyse(input: AnalysisInput, view: "enforced" | "staged" = "enforced", calicoMinor?: CalicoMinor, reuse: AnalysisReuse = {}): Model {
  const pm = input.policies ?? readPolicies(input.objects, { ...(calicoMinor === undefined ? {} : { calicoMinor }), ...(reuse.memo === undefined ? {} : { memo: reuse.memo }) });
  const inv = mergeInventories(input.inventory ?? EMPTY_INVENTORY, inventoryFromObjects(input.objects.map((o) => o.object)));
  return buildModel(inv, pm, { view, ...(calicoMinor === undefined ? {} : { calicoMinor }), ...(reuse.base === undefined ? {} : { base: reuse.base }) });
}

/**
 * For analysing a second version of the same input (a diff's other side): the memo of the first version's
 * reading and its model, so that what did not change is the same objects on both sides and a diff
 * evaluates only what changed (readPolicies' `memo`, buildModel's `base`, computeConnectivity's `base`).
 */
export interface AnalysisReuse {
  readonly memo?: PolicyReadMemo;
  readonly base?: Model;
}

/**
 * Parses YAML (multi-document) or JSON text into objects; a YAML error, or input beyond the limits of
 * src/model/limits.ts (aliases, documents, nesting), is a UserError naming the file and line.
 */
export function parseManifestText(text: string, file: string): SourcedObject[] {
  const out: SourcedObject[] = [];
  // Plain block YAML and JSON in one fast pass; anything else (and every error) through the yaml library.
  const plain = readPlainYaml(text);
  if (plain !== undefined) {
    for (const object of plain) out.push({ object, file });
    return out;
  }
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
  return inventoryFromText(text, path);
}

function isKubernetesObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as Record<string, unknown>)["kind"] === "string";
}

function declaredInventory(doc: unknown, file: string): Inventory {
  const inventory = parseInventory(doc, file);
  if (inventory.namespaces.length + inventory.nodes.length + inventory.externals.length === 0) {
    throw new UserError([{ file, path: "", value: doc, message: "the inventory declares no namespace, node or external network", hint: "declare what the cluster runs: namespaces: [{ name: shop, workloads: [...] }], nodes: [{ name: control, ips: [...] }] (see docs/analysis.md)" }]);
  }
  return inventory;
}

/**
 * A declared inventory file's text (recommend's `<policies>/inventory.yaml`): exactly one YAML document, not
 * empty, declaring something; the same checks as inventoryFromText.
 */
export function declaredInventoryFromText(text: string, file: string): Inventory {
  const docs = parseYamlDocuments(text, file).filter((d) => d.value !== null && d.value !== undefined);
  if (docs.length === 0) throw new UserError([{ file, path: "", message: "the inventory file is empty", hint: "declare namespaces:, nodes: and externals: (see docs/analysis.md)" }]);
  if (docs.length > 1) {
    throw new UserError(docs.slice(1).map((d) => ({ file, path: `(document at line ${d.line})`, value: d.value, message: "a declared inventory must be the only document of its file", hint: "remove the other documents, or put them in a file of their own" })));
  }
  return declaredInventory(docs[0]!.value, file);
}

/**
 * The inventory in a file's text, by content: one declared inventory document (`namespaces:`, `nodes:`,
 * `externals:`), or a dump (Kubernetes objects, a kubectl `List`, or a JSON array of them). Input that yields
 * nothing is a UserError, never an empty inventory: the lockout gate would otherwise check no flow (issue 11):
 * an empty file, a list of anything but Kubernetes objects, a declared inventory followed by another document,
 * and a dump with no namespace, workload or node in it.
 */
export function inventoryFromText(text: string, file: string): Inventory {
  const docs = parseDataDocuments(text, file).filter((d) => d.value !== null && d.value !== undefined);
  const fail = (path: string, value: unknown, message: string, hint: string): never => {
    throw new UserError([{ file, path, ...(value === undefined ? {} : { value }), message, hint }]);
  };
  if (docs.length === 0) fail("", undefined, "the inventory file is empty", "declare namespaces:, nodes: and externals: (see docs/analysis.md), or pass a 'kubectl get ... -A -o json' dump");
  const first = docs[0]!;
  // A bare JSON array of manifests (`[{kind: Namespace, ...}, ...]`) is a dump too, like a kubectl List.
  const listed = docs.length === 1 && Array.isArray(first.value);
  if (!listed && docs.length === 1 && !isKubernetesObject(first.value)) return declaredInventory(first.value, file);
  const objects: unknown[] = listed ? (first.value as unknown[]) : docs.map((d) => d.value);
  const problems: Problem[] = [];
  objects.forEach((o, i) => {
    if (isKubernetesObject(o)) return;
    const path = listed ? `[${i}]` : `(document at line ${docs[i]!.line})`;
    const declared = typeof o === "object" && o !== null && !Array.isArray(o) && ["namespaces", "nodes", "externals", "podNetworks"].some((k) => k in o);
    problems.push({
      file,
      path,
      value: o,
      message: declared ? "a declared inventory must be the only document of its file" : "not a Kubernetes object (no kind)",
      hint: declared ? "remove the other documents, or put them in a file of their own" : "an inventory dump holds Kubernetes objects (Namespace, Pod, Deployment, Node, ...), as 'kubectl get ... -A -o json' writes them",
    });
  });
  if (problems.length > 0) throw new UserError(problems, `${file}: ${problems.length} problem(s)`);
  const setProblems: Problem[] = [];
  const inventory = inventoryFromObjects(objects, setProblems);
  if (setProblems.length > 0) throw new UserError(setProblems.map((p) => ({ ...p, file })), `${file}: ${setProblems.length} problem(s)`);
  // A dump of the synced GlobalNetworkSets alone (their current addresses) is an inventory too: it adds to the
  // stack's own (report --stack S --inventory sets.json).
  if (inventory.namespaces.length + inventory.workloads.length + inventory.nodes.length + (inventory.syncedSets?.length ?? 0) === 0) {
    fail("", undefined, "the inventory dump holds no namespace, workload, node or synced GlobalNetworkSet", "dump them with 'kubectl get namespaces,pods,nodes,deployments,daemonsets,statefulsets,replicasets,jobs,cronjobs -A -o json' (and 'kubectl get globalnetworksets -o json' for the sets the Consul sync keeps)");
  }
  return inventory;
}
