/**
 * Comparisons of the live cluster with what `calico-baseline synth` rendered, and the state checks of
 * `pulumi destroy`. Pure helpers plus a few API reads; the e2e test states the expectations.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { KubeError, type Kube, type Obj } from "./kube.js";

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every object of a synth output directory, with the file it is in. */
export function readSynthOutput(dir: string): { file: string; object: Obj }[] {
  const out: { file: string; object: Obj }[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
      const v: unknown = doc.toJS();
      if (isObj(v)) out.push({ file, object: v });
    }
  }
  return out;
}

export const meta = (o: Obj): { name: string; namespace?: string; labels?: Record<string, string> } => o["metadata"] as { name: string; namespace?: string; labels?: Record<string, string> };

/**
 * How a live object's `spec` differs from the rendered one: a rendered field the server does not hold as
 * rendered, or a field the server added that its CRD schema does not default. [] when they are the same.
 */
export function specDifferences(rendered: unknown, live: unknown, defaulted: ReadonlySet<string>): string[] {
  if (!isObj(rendered) || !isObj(live)) return JSON.stringify(rendered) === JSON.stringify(live) ? [] : [`spec ${JSON.stringify(live)} is not ${JSON.stringify(rendered)}`];
  const out: string[] = [];
  for (const [k, v] of Object.entries(rendered)) {
    if (!canonicalEqual(v, live[k])) out.push(`spec.${k}: live ${JSON.stringify(live[k])}, rendered ${JSON.stringify(v)}`);
  }
  for (const k of Object.keys(live)) {
    if (!(k in rendered) && !defaulted.has(k)) out.push(`spec.${k}: set on the cluster (${JSON.stringify(live[k])}) but not rendered, and not a default of the CRD`);
  }
  return out;
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObj(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}

export function canonicalEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Top-level spec fields the served CRD schema gives a default (the API server fills them in on create). */
export async function crdSpecDefaults(kube: Kube, crdName: string): Promise<Set<string>> {
  const crd = await kube.get("CustomResourceDefinition", crdName);
  const versions = ((crd?.["spec"] as { versions?: Obj[] } | undefined)?.versions ?? []).filter((v) => v["storage"] === true || v["served"] === true);
  const out = new Set<string>();
  for (const v of versions) {
    const props = ((((v["schema"] as Obj | undefined)?.["openAPIV3Schema"] as Obj | undefined)?.["properties"] as Obj | undefined)?.["spec"] as Obj | undefined)?.["properties"];
    if (!isObj(props)) continue;
    for (const [k, p] of Object.entries(props)) if (isObj(p) && p["default"] !== undefined) out.add(k);
  }
  return out;
}

/** A resource of the Pulumi state that is a Kubernetes object: its API coordinates. */
export interface StateObject {
  readonly urn: string;
  readonly type: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly patch: boolean;
}

/** The Kubernetes objects a stack's state holds (`pulumi stack export`), from each resource's outputs. */
export function stateObjects(deployment: unknown): StateObject[] {
  const resources = ((deployment as { deployment?: { resources?: Obj[] } }).deployment?.resources ?? []) as Obj[];
  const out: StateObject[] = [];
  for (const r of resources) {
    const type = String(r["type"]);
    if (!type.startsWith("kubernetes:") || type === "pulumi:providers:kubernetes" || type.startsWith("kubernetes:helm.sh") || type.startsWith("kubernetes:yaml")) continue;
    const outputs = isObj(r["outputs"]) ? r["outputs"] : {};
    const m = isObj(outputs["metadata"]) ? outputs["metadata"] : {};
    if (typeof outputs["apiVersion"] !== "string" || typeof outputs["kind"] !== "string" || typeof m["name"] !== "string") continue;
    out.push({
      urn: String(r["urn"]),
      type,
      apiVersion: outputs["apiVersion"],
      kind: outputs["kind"],
      name: m["name"],
      ...(typeof m["namespace"] === "string" && m["namespace"] !== "" ? { namespace: m["namespace"] } : {}),
      patch: type.endsWith("Patch"),
    });
  }
  return out;
}

/** The plural and scope of a kind, from API discovery; undefined when its group/version is no longer served. */
async function discover(kube: Kube, apiVersion: string, kind: string): Promise<{ plural: string; namespaced: boolean } | undefined> {
  const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  let list: { resources?: { name: string; kind: string; namespaced: boolean }[] };
  try {
    list = (await kube.raw("GET", path)) as typeof list;
  } catch (e) {
    if (e instanceof KubeError && (e.status === 404 || e.status === 503)) return undefined;
    throw e;
  }
  const r = (list.resources ?? []).find((x) => x.kind === kind && !x.name.includes("/"));
  return r === undefined ? undefined : { plural: r.name, namespaced: r.namespaced };
}

/** The live object a state entry names, or undefined when it is gone (its kind no longer served counts as gone). */
export async function liveObject(kube: Kube, o: StateObject): Promise<Obj | undefined> {
  const d = await discover(kube, o.apiVersion, o.kind);
  if (d === undefined) return undefined;
  const base = o.apiVersion.includes("/") ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
  const ns = d.namespaced && o.namespace !== undefined ? `/namespaces/${o.namespace}` : "";
  try {
    return (await kube.raw("GET", `${base}${ns}/${d.plural}/${encodeURIComponent(o.name)}`)) as Obj;
  } catch (e) {
    if (e instanceof KubeError && e.status === 404) return undefined;
    throw e;
  }
}

/** Field managers of an object that are Pulumi's (the provider applies as `pulumi-kubernetes-*` / `pulumi-*`). */
export function pulumiManagers(o: Obj): string[] {
  const mf = ((o["metadata"] as { managedFields?: { manager?: string }[] } | undefined)?.managedFields ?? []);
  return mf.map((m) => m.manager ?? "").filter((m) => m.startsWith("pulumi"));
}
