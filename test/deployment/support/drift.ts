/**
 * The drift check on the Pulumi program's resource graph under mocks: the graph's resources become the
 * Kubernetes objects they create, the analysis inputs of the same stack (what `synth` analyses) become the
 * assumptions, and `checkDrift` compares the two. Also: every namespaced object is applied by a resource
 * that waits for (depends on) the resource creating its namespace.
 */
import { analyse } from "../../../src/analysis/analyse.js";
import { checkInvariants, defaultInvariants } from "../../../src/analysis/invariants.js";
import { stackObjects } from "../../../src/cli/commands/report.js";
import { loadStack } from "../../../src/cli/stack-input.js";
import { BUILT_IN_NAMESPACES } from "../../../src/facts/namespaces.js";
import { analysisAssumptions, checkDrift, type DriftProblem } from "../../../src/facts/drift.js";
import { dependsTransitively, recorded, type Recorded } from "./pulumi-mocks.js";

type Obj = Record<string, unknown>;

/** One object the deployment creates, with the resource that applies it. */
export interface ProvidedObject {
  readonly object: Obj;
  readonly by: string;
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The objects the recorded resources create. Charts and VMs are not expanded by mocks, so they stand in as
 * `HelmChart` (chart, namespace, values; the release is the resource name) and `Node` objects.
 */
export function providedObjects(graph: readonly Recorded[] = recorded): ProvidedObject[] {
  const out: ProvidedObject[] = [];
  for (const r of graph) {
    const i = r.inputs;
    const m = /^kubernetes:([^:]+):(.+)$/.exec(r.type);
    if (r.type === "kubernetes:yaml/v2:ConfigGroup") {
      for (const o of Array.isArray(i["objs"]) ? i["objs"] : []) if (isObj(o)) out.push({ object: o, by: r.name });
    } else if (r.type === "kubernetes:helm.sh/v4:Chart") {
      out.push({ object: { apiVersion: "calico-baseline.io/drift", kind: "HelmChart", metadata: { name: r.name, namespace: i["namespace"] }, spec: { chart: i["chart"], values: i["values"] } }, by: r.name });
    } else if (m !== null && r.type !== "pulumi:providers:kubernetes") {
      // Typed resources and CustomResource(Patch)es: kind and apiVersion from the inputs, else from the type.
      const [group, kindName] = [m[1] as string, m[2] as string];
      const kind = typeof i["kind"] === "string" ? i["kind"] : kindName.replace(/Patch$/, "");
      const apiVersion = typeof i["apiVersion"] === "string" ? i["apiVersion"] : group.replace(/^core\//, "");
      out.push({ object: { ...i, apiVersion, kind }, by: r.name });
    } else if (r.type === "command:local:Command" && r.parent.includes("MultipassCluster")) {
      const vm = /multipass launch \S+ --name (\S+)/.exec(String(i["create"]))?.[1];
      if (vm !== undefined) out.push({ object: { apiVersion: "v1", kind: "Node", metadata: { name: vm } }, by: r.name });
    } else if (r.type === "command:remote:Command" && r.parent.includes("SshCluster") && /^cluster-(control|worker-[0-9]+)$/.test(r.name)) {
      const host = (i["connection"] as { host?: unknown } | undefined)?.host;
      if (typeof host === "string") out.push({ object: { apiVersion: "v1", kind: "Node", metadata: { name: host.toLowerCase() } }, by: r.name });
    }
  }
  return out;
}

/** What `synth --stack <stack>` analyses: its files over its own inventory, and the invariants checked on them. */
export function stackAssumptions(stack: string, cwd = process.cwd()): ReturnType<typeof analysisAssumptions> {
  const loaded = loadStack(stack, cwd);
  const objects = stackObjects(loaded);
  const model = analyse({ objects, inventory: loaded.inventory }, "enforced", loaded.config.policies.calicoMinor);
  const invariants = checkInvariants(model, defaultInvariants(loaded.config.policies), loaded.config.policies.waivers);
  return analysisAssumptions(model, invariants, objects);
}

/** The drift between the analysis of `stack` and the recorded graph. */
export function driftOf(stack: string, calicoApiServerNamespace: string): DriftProblem[] {
  return checkDrift(stackAssumptions(stack), providedObjects().map((p) => p.object), { calicoApiServerNamespace });
}

/**
 * Namespaced objects whose applying resource does not wait for the resource creating their namespace (a
 * real API server would answer `namespaces "x" not found`), as `Kind/ns/name by <resource>: why`.
 */
export function namespaceOrderProblems(): string[] {
  const provided = providedObjects();
  const creators = new Map<string, string[]>();
  for (const p of provided) {
    const md = isObj(p.object["metadata"]) ? p.object["metadata"] : {};
    if (p.object["kind"] === "Namespace" && typeof md["name"] === "string") creators.set(md["name"], [...(creators.get(md["name"]) ?? []), p.by]);
  }
  const problems: string[] = [];
  for (const p of provided) {
    const md = isObj(p.object["metadata"]) ? p.object["metadata"] : {};
    const ns = md["namespace"];
    if (typeof ns !== "string" || ns === "" || BUILT_IN_NAMESPACES.includes(ns)) continue;
    const id = `${String(p.object["kind"])}/${ns}/${String(md["name"])} by ${p.by}`;
    const deps = dependsTransitively(p.by);
    if (ns === "calico-system" || ns === "calico-apiserver") {
      // The operator creates these once it reconciles the Installation / APIServer.
      const cr = ns === "calico-system" ? "calico-installation" : "calico-apiserver";
      if (!deps.has(cr)) problems.push(`${id}: does not wait for ${cr}, which makes the operator create ${ns}`);
      continue;
    }
    const made = creators.get(ns) ?? [];
    if (made.length === 0) problems.push(`${id}: no resource creates namespace ${ns}`);
    else if (!made.some((c) => c === p.by || deps.has(c))) problems.push(`${id}: does not wait for ${made.join(" or ")}, which creates namespace ${ns}`);
  }
  return problems;
}
