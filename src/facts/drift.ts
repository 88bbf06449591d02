/**
 * The drift check: what the analysis of a stack assumes about the cluster, against what a deployment
 * provides. Pure; the caller supplies both sides:
 *
 * - `analysisAssumptions(model, invariants, objects)`: the analysed model (rendered files plus the stack's
 *   inventory), the lockout invariants checked on it, and the analysed objects;
 * - `provided`: Kubernetes objects as the deployment creates them. The unit test builds them from the Pulumi
 *   program's resource graph under mocks (ConfigGroup objects, Namespace(Patch)es, CustomResource(Patch)es,
 *   plus `Node` stand-ins for the VMs/hosts and `HelmChart` stand-ins for charts, which mocks do not
 *   expand); an end-to-end run passes the live objects (`kubectl get ... -o json` items) instead.
 *
 * What is compared (each problem names its category):
 * - host-endpoints: every host endpoint the analysis evaluates policy on exists: an automatic one needs
 *   KubeControllersConfiguration `default` with `autoCreate: Enabled` (and the default `*` endpoint not
 *   disabled) and its node; an explicit one needs the HostEndpoint object;
 * - namespaces: every namespace an analysed object is applied in is created (a Namespace object, a built-in
 *   namespace, or `calico-system`/`calico-apiserver` once the Installation/APIServer exist), and a created
 *   namespace carries the labels the analysis gave it;
 * - metrics: every metrics port a checked monitoring invariant scrapes is served (FelixConfiguration or
 *   Installation for Felix, Installation for Typha, KubeControllersConfiguration for kube-controllers,
 *   node-exporter's chart or DaemonSet) and has its discovery Service where one is rendered;
 * - failsafe-ports: the failsafe ports the analysis opens are the ones a FelixConfiguration sets explicitly;
 * - workloads: every workload the analysis places in a namespace the stack owns is run by something the
 *   deployment creates (or runs as a ServiceAccount it creates).
 */
import { protocolNumber } from "../analysis/connset.js";
import type { InvariantResult } from "../analysis/invariants.js";
import { IpSet } from "../analysis/ipset.js";
import type { Model } from "../analysis/model.js";
import type { FailsafePort } from "../analysis/policies.js";
import { BUILT_IN_NAMESPACES } from "./namespaces.js";
import { METRICS_PORTS, type MetricsComponent } from "./calico-config.js";

export type DriftCategory = "host-endpoints" | "namespaces" | "metrics" | "failsafe-ports" | "workloads";

export interface DriftProblem {
  readonly category: DriftCategory;
  /** What the analysis assumes, e.g. `HostEndpoint cb-dev-control-auto-hep`. */
  readonly assumed: string;
  readonly message: string;
  readonly hint: string;
}

type Obj = Record<string, unknown>;
type Labels = Readonly<Record<string, string>>;

export interface AnalysisAssumptions {
  readonly hostEndpoints: readonly { readonly name: string; readonly node: string; readonly auto: boolean }[];
  /** Namespaces analysed objects are applied in, with the labels the analysis gave them. */
  readonly namespaces: readonly { readonly name: string; readonly labels: Labels; readonly objects: readonly string[] }[];
  /** Namespaces the analysis models with labels (every inventory namespace). */
  readonly namespaceLabels: readonly { readonly name: string; readonly labels: Labels }[];
  readonly metrics: readonly { readonly component: MetricsComponent; readonly port: number; readonly invariant: string }[];
  readonly failsafe: { readonly inbound: readonly string[]; readonly outbound: readonly string[] };
  readonly workloads: readonly { readonly namespace: string; readonly name: string; readonly serviceAccount: string }[];
  /** Metrics Services the analysed objects render (namespace/name → port). */
  readonly metricsServices: readonly { readonly namespace: string; readonly name: string; readonly port: number }[];
}

/** Namespaces whose workloads a deployment of this product runs (the checks of `workloads`). */
export const OWNED_NAMESPACES: readonly string[] = ["calico-apiserver", "calico-monitoring", "calico-system", "tigera-operator"];

const MONITORING_TARGETS: Readonly<Record<string, MetricsComponent>> = {
  "monitoring-felix": "felix",
  "monitoring-typha": "typha",
  "monitoring-kube-controllers": "kubeControllers",
  "monitoring-node-exporter": "nodeExporter",
};

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function metaOf(o: Obj): { name?: string; namespace?: string; labels: Labels } {
  const m = isObj(o["metadata"]) ? o["metadata"] : {};
  const labels: Record<string, string> = {};
  if (isObj(m["labels"])) for (const [k, v] of Object.entries(m["labels"])) if (typeof v === "string") labels[k] = v;
  return {
    ...(typeof m["name"] === "string" ? { name: m["name"] } : {}),
    ...(typeof m["namespace"] === "string" && m["namespace"] !== "" ? { namespace: m["namespace"] } : {}),
    labels,
  };
}
function specOf(o: Obj): Obj {
  return isObj(o["spec"]) ? o["spec"] : {};
}
function get(o: unknown, ...path: string[]): unknown {
  let v = o;
  for (const p of path) v = isObj(v) ? v[p] : undefined;
  return v;
}

/** A failsafe entry as one comparable string: `<protocol number>/<port>/<net or empty>`. */
export function failsafeKey(p: { readonly protocol: number | string; readonly port: number; readonly net?: IpSet | string }): string {
  const proto = typeof p.protocol === "number" ? p.protocol : (protocolNumber(p.protocol) ?? -1);
  const net = p.net === undefined || p.net === "" ? "" : typeof p.net === "string" ? IpSet.parse([p.net]).describe() : p.net.describe();
  return `${proto}/${p.port}/${net}`;
}

const keys = (list: readonly FailsafePort[]): string[] => list.map(failsafeKey).sort();

/** What the analysis of `model` (built from `objects`) assumes about the cluster. */
export function analysisAssumptions(model: Model, invariants: readonly InvariantResult[], objects: readonly { readonly object: unknown; readonly file?: string }[]): AnalysisAssumptions {
  const hostEndpoints = model.endpoints
    .filter((e) => e.kind === "host" && e.hostEndpoint !== undefined)
    .map((e) => ({ name: e.hostEndpoint!.name, node: e.node ?? e.name, auto: e.hostEndpoint!.auto }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const nsLabels = new Map(model.inventory.namespaces.map((n) => [n.name, n.labels]));
  const applied = new Map<string, string[]>();
  const metricsServices: { namespace: string; name: string; port: number }[] = [];
  for (const { object } of objects) {
    if (!isObj(object)) continue;
    const m = metaOf(object);
    if (m.namespace === undefined) continue;
    const id = `${String(object["kind"])}/${m.namespace}/${m.name ?? ""}`;
    applied.set(m.namespace, [...(applied.get(m.namespace) ?? []), id]);
    if (object["kind"] === "Service" && /metrics/.test(m.name ?? "")) {
      const port = get(object, "spec", "ports");
      const first = Array.isArray(port) ? port[0] : undefined;
      if (isObj(first) && typeof first["port"] === "number") metricsServices.push({ namespace: m.namespace, name: m.name ?? "", port: first["port"] });
    }
  }
  const namespaces = [...applied.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, objs]) => ({ name, labels: nsLabels.get(name) ?? {}, objects: objs }));
  const metrics = invariants
    .filter((r) => MONITORING_TARGETS[r.invariant.name] !== undefined && r.checked > 0 && r.status !== "waived")
    .map((r) => ({ component: MONITORING_TARGETS[r.invariant.name]!, port: r.invariant.port, invariant: r.invariant.name }));
  const workloads = model.inventory.workloads
    .filter((w) => OWNED_NAMESPACES.includes(w.namespace))
    .map((w) => ({ namespace: w.namespace, name: w.name, serviceAccount: w.serviceAccount }));
  return {
    hostEndpoints,
    namespaces,
    namespaceLabels: model.inventory.namespaces.map((n) => ({ name: n.name, labels: n.labels })),
    metrics,
    failsafe: { inbound: keys(model.policyModel.failsafeInbound), outbound: keys(model.policyModel.failsafeOutbound) },
    workloads,
    metricsServices,
  };
}

/** The provided objects of one kind (and name), in order; several patches of one object are merged. */
function merged(provided: readonly Obj[], kind: string, name: string): Obj | undefined {
  const all = provided.filter((o) => o["kind"] === kind && metaOf(o).name === name);
  if (all.length === 0) return undefined;
  const deep = (a: unknown, b: unknown): unknown => {
    if (isObj(a) && isObj(b)) {
      const out: Obj = { ...a };
      for (const [k, v] of Object.entries(b)) out[k] = deep(a[k], v);
      return out;
    }
    return b;
  };
  return all.reduce<Obj>((acc, o) => deep(acc, o) as Obj, {});
}

/** Workloads the provided objects run, as `namespace/name`, with the service accounts they provide. */
function providedWorkloads(provided: readonly Obj[], calicoApiServerNamespace: string): { workloads: Set<string>; serviceAccounts: Set<string> } {
  const workloads = new Set<string>();
  const serviceAccounts = new Set<string>();
  for (const o of provided) {
    const m = metaOf(o);
    const kind = o["kind"];
    if ((kind === "Deployment" || kind === "DaemonSet" || kind === "StatefulSet") && m.name !== undefined) workloads.add(`${m.namespace ?? "default"}/${m.name}`);
    if (kind === "ServiceAccount" && m.name !== undefined) serviceAccounts.add(`${m.namespace ?? "default"}/${m.name}`);
    if (String(o["apiVersion"]).startsWith("operator.tigera.io/")) {
      if (kind === "Installation") {
        for (const n of ["calico-node", "calico-typha", "calico-kube-controllers"]) workloads.add(`calico-system/${n}`);
        if (get(o, "spec", "kubeletVolumePluginPath") !== "None") workloads.add("calico-system/csi-node-driver");
      }
      if (kind === "APIServer") workloads.add(`${calicoApiServerNamespace}/calico-apiserver`);
      if (kind === "Goldmane") workloads.add("calico-system/goldmane");
      if (kind === "Whisker") workloads.add("calico-system/whisker");
    }
    if (kind === "HelmChart") {
      const chart = get(o, "spec", "chart");
      const ns = m.namespace ?? "default";
      const fullname = get(o, "spec", "values", "fullnameOverride");
      if (chart === "tigera-operator") workloads.add(`${ns}/tigera-operator`);
      if (chart === "prometheus-node-exporter") workloads.add(`${ns}/${typeof fullname === "string" ? fullname : `${m.name ?? ""}-prometheus-node-exporter`}`);
    }
  }
  return { workloads, serviceAccounts };
}

export interface DriftOptions {
  /** Where the Calico API server runs: `calico-apiserver` on 3.30, `calico-system` from 3.31. */
  readonly calicoApiServerNamespace?: string;
}

export function checkDrift(assumed: AnalysisAssumptions, provided: readonly Obj[], opts: DriftOptions = {}): DriftProblem[] {
  const out: DriftProblem[] = [];
  const add = (category: DriftCategory, a: string, message: string, hint: string): void => {
    out.push({ category, assumed: a, message, hint });
  };
  const kcc = merged(provided, "KubeControllersConfiguration", "default");
  const felix = merged(provided, "FelixConfiguration", "default");
  const installation = merged(provided, "Installation", "default");
  const apiServerCr = provided.some((o) => o["kind"] === "APIServer" && String(o["apiVersion"]).startsWith("operator.tigera.io/"));
  const apiNs = opts.calicoApiServerNamespace ?? "calico-system";

  // Host endpoints.
  const nodeObjects = provided.filter((o) => o["kind"] === "Node");
  const nodeNames = new Set(nodeObjects.map((o) => metaOf(o).name));
  const autoCreate = get(kcc, "spec", "controllers", "node", "hostEndpoint", "autoCreate");
  const createDefault = get(kcc, "spec", "controllers", "node", "hostEndpoint", "createDefaultHostEndpoint");
  const heps = new Map(provided.filter((o) => o["kind"] === "HostEndpoint").map((o) => [metaOf(o).name, o]));
  for (const h of assumed.hostEndpoints) {
    const what = `HostEndpoint ${h.name} (node ${h.node})`;
    if (heps.has(h.name)) {
      const spec = specOf(heps.get(h.name)!);
      if (spec["node"] !== h.node) add("host-endpoints", what, `the HostEndpoint object is for node ${String(spec["node"])}`, "make the inventory node and the HostEndpoint's spec.node agree");
      continue;
    }
    if (!h.auto) {
      add("host-endpoints", what, "no resource creates this HostEndpoint", "apply the HostEndpoint with the stack, or remove it from the analysed objects");
      continue;
    }
    if (autoCreate !== "Enabled") {
      add(
        "host-endpoints",
        what,
        autoCreate === undefined
          ? "no resource sets KubeControllersConfiguration default controllers.node.hostEndpoint.autoCreate, and Calico's default is Disabled: the node has no host endpoint, so the host policies analysed for it select nothing"
          : `KubeControllersConfiguration default sets controllers.node.hostEndpoint.autoCreate to ${JSON.stringify(autoCreate)}, not Enabled: kube-controllers creates no host endpoint`,
        "patch KubeControllersConfiguration default with controllers.node.hostEndpoint.autoCreate: Enabled (calico.autoHostEndpoints: true)",
      );
    } else if (createDefault === "Disabled") {
      add("host-endpoints", what, "KubeControllersConfiguration default disables createDefaultHostEndpoint: kube-controllers creates no `*` endpoint", "set createDefaultHostEndpoint: Enabled");
    }
    if (nodeObjects.length > 0 && !nodeNames.has(h.node)) {
      add("host-endpoints", what, `the deployment creates no node ${h.node} (its nodes: ${[...nodeNames].sort().join(", ")})`, "name the inventory's nodes after the stack's (calico-baseline inventory --from-stack <stack>)");
    }
  }

  // Namespaces.
  const namespaceObjects = new Map<string, Labels>();
  for (const o of provided) {
    if (o["kind"] !== "Namespace") continue;
    const m = metaOf(o);
    if (m.name !== undefined) namespaceObjects.set(m.name, { ...(namespaceObjects.get(m.name) ?? {}), ...m.labels });
  }
  const exists = (ns: string): boolean =>
    namespaceObjects.has(ns) ||
    BUILT_IN_NAMESPACES.includes(ns) ||
    (ns === "calico-system" && installation !== undefined) ||
    (ns === "calico-apiserver" && apiNs === "calico-apiserver" && apiServerCr);
  for (const n of assumed.namespaces) {
    if (!exists(n.name)) {
      add("namespaces", `namespace ${n.name}`, `no resource creates it, but ${n.objects.length} analysed object(s) are applied in it (${n.objects.slice(0, 3).join(", ")}${n.objects.length > 3 ? ", ..." : ""}); the API server would answer namespaces "${n.name}" not found`, "create (or adopt) the namespace with the stack: declare it in the stack's inventory");
    }
  }
  for (const n of assumed.namespaceLabels) {
    const have = namespaceObjects.get(n.name);
    if (have === undefined) continue;
    for (const [k, v] of Object.entries(n.labels)) {
      if (k === "kubernetes.io/metadata.name") continue;
      if (have[k] !== v) add("namespaces", `namespace ${n.name} label ${k}: ${v}`, `the Namespace the deployment creates has ${have[k] === undefined ? "no such label" : `${k}: ${have[k]}`}`, "make the inventory's namespace labels the ones the stack creates it with");
    }
  }

  // Metrics.
  for (const mt of assumed.metrics) {
    const what = `${mt.component} metrics on TCP ${mt.port} (${mt.invariant})`;
    const expected = METRICS_PORTS[mt.component];
    if (mt.port !== expected) add("metrics", what, `the stack serves ${mt.component} metrics on ${expected}`, "scrape the port the stack configures");
    let served = false;
    let where = "";
    switch (mt.component) {
      case "felix":
        served = (get(felix, "spec", "prometheusMetricsEnabled") === true && get(felix, "spec", "prometheusMetricsPort") === mt.port) || get(installation, "spec", "nodeMetricsPort") === mt.port;
        where = "FelixConfiguration default prometheusMetricsEnabled/prometheusMetricsPort, or Installation nodeMetricsPort";
        break;
      case "typha":
        served = get(installation, "spec", "typhaMetricsPort") === mt.port;
        where = "Installation typhaMetricsPort";
        break;
      case "kubeControllers":
        served = get(kcc, "spec", "prometheusMetricsPort") === mt.port;
        where = "KubeControllersConfiguration default prometheusMetricsPort";
        break;
      case "nodeExporter":
        served = provided.some(
          (o) =>
            (o["kind"] === "HelmChart" && get(o, "spec", "chart") === "prometheus-node-exporter" && get(o, "spec", "values", "hostNetwork") === true && get(o, "spec", "values", "service", "port") === mt.port) ||
            (o["kind"] === "DaemonSet" && get(o, "spec", "template", "spec", "hostNetwork") === true && JSON.stringify(get(o, "spec", "template", "spec", "containers") ?? []).includes(`"containerPort":${mt.port}`)),
        );
        where = "the prometheus-node-exporter chart (hostNetwork, service.port) or its DaemonSet";
        break;
    }
    if (!served) add("metrics", what, `no resource serves it (${where})`, "turn on the metrics in the stack (calico-baseline:monitoring.enabled) or stop assuming them");
  }
  for (const s of assumed.metricsServices) {
    const svc = provided.find((o) => o["kind"] === "Service" && metaOf(o).name === s.name && metaOf(o).namespace === s.namespace);
    if (svc === undefined) add("metrics", `Service ${s.namespace}/${s.name}`, "no resource creates this metrics Service", "apply monitoring.yaml with the stack");
  }

  // Failsafe ports.
  const inbound = get(felix, "spec", "failsafeInboundHostPorts");
  const outbound = get(felix, "spec", "failsafeOutboundHostPorts");
  const compare = (dir: "inbound" | "outbound", assumedKeys: readonly string[], v: unknown): void => {
    const field = `failsafe${dir === "inbound" ? "Inbound" : "Outbound"}HostPorts`;
    if (!Array.isArray(v)) {
      add("failsafe-ports", `${dir} failsafe ports ${assumedKeys.join(", ")}`, `no resource sets FelixConfiguration default ${field}: the cluster runs whatever its Felix defaults to or someone set`, `set ${field} explicitly (the stack writes calico.failsafePorts)`);
      return;
    }
    const have = v.filter(isObj).map((p) => failsafeKey({ protocol: typeof p["protocol"] === "string" ? p["protocol"] : "TCP", port: typeof p["port"] === "number" ? p["port"] : -1, ...(typeof p["net"] === "string" ? { net: p["net"] } : {}) })).sort();
    const extra = have.filter((k) => !assumedKeys.includes(k));
    const missing = assumedKeys.filter((k) => !have.includes(k));
    if (extra.length > 0 || missing.length > 0) {
      add("failsafe-ports", `${dir} failsafe ports ${assumedKeys.join(", ")}`, `FelixConfiguration default ${field} differs${missing.length > 0 ? `; the analysis opens ${missing.join(", ")}, which it does not` : ""}${extra.length > 0 ? `; it opens ${extra.join(", ")}, which the analysis does not` : ""}`, "analyse with the FelixConfiguration the stack applies (calico-config.yaml)");
    }
  };
  compare("inbound", assumed.failsafe.inbound, inbound);
  compare("outbound", assumed.failsafe.outbound, outbound);

  // Workloads in the namespaces the stack owns.
  const { workloads, serviceAccounts } = providedWorkloads(provided, apiNs);
  for (const w of assumed.workloads) {
    const id = `${w.namespace}/${w.name}`;
    if (workloads.has(id)) continue;
    if (serviceAccounts.has(`${w.namespace}/${w.serviceAccount}`)) continue;
    add("workloads", `workload ${id}`, `nothing the deployment creates runs it (nor its service account ${w.serviceAccount})`, "remove it from the inventory, or turn on the component that runs it");
  }
  return out;
}

/** One line per problem, for test failures and the CLI. */
export function formatDrift(problems: readonly DriftProblem[]): string {
  return problems.map((p) => `[${p.category}] ${p.assumed}: ${p.message}. Hint: ${p.hint}`).join("\n");
}
