/**
 * The endpoint inventory: what exists in the cluster, independent of policy. Three sources:
 *
 * 1. the declared file `policies/inventory.yaml` (namespaces with their workloads, nodes, external nets);
 * 2. plain manifests (Namespace, Deployment, DaemonSet, StatefulSet, ReplicaSet, Job, CronJob, Pod,
 *    PodList, List), read the way netpol-analyzer reads them: a workload is named after the Pod
 *    template's owner, a Pod with a controlling ownerReference after that owner;
 * 3. a saved `kubectl get ... -A -o json` dump (a `List` of the same kinds, plus Nodes, plus the GlobalNetworkSets
 *    the Consul sync controller owns, with their current addresses: see InventorySyncedSet).
 *
 * The result is plain data; `model.ts` turns it into Calico endpoints.
 */
import { parseCidr, parseIp } from "../model/net.js";
import { type Problem, UserError, joinPath } from "../model/problem.js";
import { OWNER_LABEL, OWNER_VALUE, PENDING_ANNOTATION } from "../sync/labels.js";
import { parsePending } from "../sync/networkset.js";

export type Labels = Readonly<Record<string, string>>;

export type WorkloadKind =
  | "Deployment"
  | "DaemonSet"
  | "StatefulSet"
  | "ReplicaSet"
  | "ReplicationController"
  | "Job"
  | "CronJob"
  | "Pod";

export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
  "Deployment",
  "DaemonSet",
  "StatefulSet",
  "ReplicaSet",
  "ReplicationController",
  "Job",
  "CronJob",
  "Pod",
];

export type PortProtocol = "TCP" | "UDP" | "SCTP";

/** A container port; `name` makes it usable as a named port in policy rules. */
export interface NamedPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: PortProtocol;
  /**
   * The Service node port that forwards to this container port, from outside through any node
   * (declared inventory only; Service manifests give theirs in `spec.ports[].nodePort`).
   */
  readonly nodePort?: number;
  /** The container's `hostPort`: the port on its node that the CNI portmap plugin DNATs to it. */
  readonly hostPort?: number;
}

export interface InventoryNamespace {
  readonly name: string;
  /** Labels as declared; `kubernetes.io/metadata.name` is implied and added by the model. */
  readonly labels: Labels;
}

export interface InventoryWorkload {
  readonly namespace: string;
  readonly name: string;
  readonly kind: WorkloadKind;
  /** Pod (template) labels. */
  readonly labels: Labels;
  readonly serviceAccount: string;
  /** Host-networked pods are the node itself for policy purposes (they have no workload endpoint). */
  readonly hostNetwork: boolean;
  readonly ports: readonly NamedPort[];
  /** The node the pods run on, when known (a live dump); decides "host to local pod". */
  readonly node?: string;
  /** Pod IPs, when known (a live dump); used by `nets` rules. */
  readonly ips: readonly string[];
}

export interface InventoryNode {
  readonly name: string;
  readonly ips: readonly string[];
  readonly labels: Labels;
  /** kube-controllers creates `<node>-auto-hep` (interface `*`, node labels, profile projectcalico-default-allow). */
  readonly autoHostEndpoint: boolean;
}

export interface InventoryExternal {
  readonly name: string;
  readonly cidr: string;
}

export interface InventoryServiceAccount {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
}

/**
 * A GlobalNetworkSet the Consul sync controller owns (its owner label), as a cluster dump shows it
 * (`kubectl get globalnetworksets -o json`): the addresses it holds now. An address inside its grace period
 * (listed in the pending-removal annotation) is still in `spec.nets`, so Calico still matches it: it counts as
 * present, and is also listed in `pending` (docs/networkset-sync.md, "Grace period").
 */
export interface InventorySyncedSet {
  readonly name: string;
  readonly labels: Labels;
  /** `spec.nets` as written, in order. */
  readonly nets: readonly string[];
  /** The nets of `nets` the pending-removal annotation lists (first seen missing, still held), sorted. */
  readonly pending: readonly string[];
}

export interface Inventory {
  readonly namespaces: readonly InventoryNamespace[];
  readonly workloads: readonly InventoryWorkload[];
  readonly nodes: readonly InventoryNode[];
  readonly externals: readonly InventoryExternal[];
  readonly serviceAccounts: readonly InventoryServiceAccount[];
  /**
   * The cluster's pod address ranges (the IP pools). A pod without a known address is somewhere in
   * them: a `nets` rule matches it only when it matches every address there (see evaluate.ts).
   * Without pod networks, such a pod is outside every `nets` (netpol-analyzer's reading).
   */
  readonly podNetworks?: readonly string[];
  /** Synced GlobalNetworkSets read from a cluster dump (absent when the input has none). */
  readonly syncedSets?: readonly InventorySyncedSet[];
}

export const EMPTY_INVENTORY: Inventory = {
  namespaces: [],
  workloads: [],
  nodes: [],
  externals: [],
  serviceAccounts: [],
};

type Obj = Record<string, unknown>;

/** A JSON/YAML mapping (not null, not a list). */
export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

class Reader {
  readonly problems: Problem[] = [];
  constructor(private readonly file: string | undefined) {}

  problem(path: string, value: unknown, message: string, hint: string): void {
    this.problems.push({ path, value, message, hint, ...(this.file === undefined ? {} : { file: this.file }) });
  }

  str(o: Obj, key: string, path: string, opts: { required?: boolean; pattern?: RegExp; what?: string } = {}): string | undefined {
    const v = o[key];
    const p = joinPath(path, key);
    if (v === undefined || v === null) {
      if (opts.required === true) this.problem(p, v, `${key} is required`, `set ${p} to ${opts.what ?? "a string"}`);
      return undefined;
    }
    if (typeof v !== "string") {
      this.problem(p, v, `${key} must be a string`, `write ${p} as ${opts.what ?? "a string"}`);
      return undefined;
    }
    if (opts.pattern !== undefined && !opts.pattern.test(v)) {
      this.problem(p, v, `${key} is not ${opts.what ?? "valid"}`, `use ${opts.what ?? "a valid value"}, e.g. "my-app"`);
      return undefined;
    }
    return v;
  }

  labels(o: Obj, key: string, path: string): Record<string, string> {
    const v = o[key];
    const p = joinPath(path, key);
    if (v === undefined || v === null) return {};
    if (!isObj(v)) {
      this.problem(p, v, `${key} must be a map of label key to string value`, `write ${p} as { key: value }`);
      return {};
    }
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v)) {
      if (typeof val === "string") out[k] = val;
      else if (typeof val === "number" || typeof val === "boolean") {
        this.problem(joinPath(p, k), val, "label values must be strings", `quote it: ${k}: "${String(val)}"`);
      } else this.problem(joinPath(p, k), val, "label values must be strings", `write ${k}: "<value>"`);
    }
    return out;
  }

  bool(o: Obj, key: string, path: string, dflt: boolean): boolean {
    const v = o[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== "boolean") {
      this.problem(joinPath(path, key), v, `${key} must be true or false`, `write ${key}: ${String(dflt)}`);
      return dflt;
    }
    return v;
  }

  list(o: Obj, key: string, path: string): unknown[] {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.problem(joinPath(path, key), v, `${key} must be a list`, `write ${key}: [ ... ]`);
      return [];
    }
    return v;
  }

  unknownKeys(o: Obj, allowed: readonly string[], path: string): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) {
        const near = allowed.find((a) => a.toLowerCase() === k.toLowerCase());
        this.problem(joinPath(path, k), o[k], `unknown field "${k}"`, near !== undefined ? `did you mean "${near}"?` : `allowed fields: ${allowed.join(", ")}`);
      }
    }
  }

  ports(list: unknown[], path: string): NamedPort[] {
    const out: NamedPort[] = [];
    list.forEach((raw, i) => {
      const p = joinPath(path, i);
      if (!isObj(raw)) {
        this.problem(p, raw, "a port must be { name?, port, protocol? }", "write { name: http, port: 8080, protocol: TCP }");
        return;
      }
      this.unknownKeys(raw, ["name", "port", "protocol", "nodePort", "hostPort"], p);
      const port = raw["port"];
      if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
        this.problem(joinPath(p, "port"), port, "port must be an integer 1-65535", "write port: 8080");
        return;
      }
      const protocol = raw["protocol"] ?? "TCP";
      if (protocol !== "TCP" && protocol !== "UDP" && protocol !== "SCTP") {
        this.problem(joinPath(p, "protocol"), protocol, "protocol must be TCP, UDP or SCTP", "write protocol: TCP");
        return;
      }
      const name = this.str(raw, "name", p);
      const forwarded: { nodePort?: number; hostPort?: number } = {};
      for (const key of ["nodePort", "hostPort"] as const) {
        const v = raw[key];
        if (v === undefined || v === null) continue;
        if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 65535) this.problem(joinPath(p, key), v, `${key} must be an integer 1-65535`, `write ${key}: 30080`);
        else forwarded[key] = v;
      }
      out.push({ ...(name === undefined ? {} : { name }), port, protocol, ...forwarded });
    });
    return out;
  }

  ips(list: unknown[], path: string): string[] {
    const out: string[] = [];
    list.forEach((v, i) => {
      if (typeof v !== "string" || parseIp(v) === undefined) {
        this.problem(joinPath(path, i), v, "not an IP address", "write an address like 10.0.0.10 or fd00::10");
      } else out.push(v);
    });
    return out;
  }
}

/**
 * Parses the declared inventory (`policies/inventory.yaml`, already YAML-parsed). Reports every
 * problem at once as a `UserError`.
 */
export function parseInventory(doc: unknown, file?: string): Inventory {
  const r = new Reader(file);
  if (doc === null || doc === undefined) return EMPTY_INVENTORY;
  if (!isObj(doc)) throw new UserError([{ path: "", value: doc, message: "the inventory must be a map", hint: "start with namespaces:, nodes:, externals:", ...(file === undefined ? {} : { file }) }]);
  r.unknownKeys(doc, ["namespaces", "nodes", "externals", "podNetworks"], "");
  const podNetworks: string[] = [];
  r.list(doc, "podNetworks", "").forEach((c, i) => {
    if (typeof c !== "string" || parseCidr(c) === undefined) r.problem(joinPath("podNetworks", i), c, "not a CIDR", "write the pod CIDR, e.g. 172.16.0.0/16");
    else podNetworks.push(c);
  });
  const namespaces: InventoryNamespace[] = [];
  const workloads: InventoryWorkload[] = [];
  const seenNs = new Set<string>();
  r.list(doc, "namespaces", "").forEach((raw, i) => {
    const p = joinPath("namespaces", i);
    if (!isObj(raw)) return r.problem(p, raw, "a namespace must be a map", "write { name: my-ns, labels: {}, workloads: [] }");
    r.unknownKeys(raw, ["name", "labels", "workloads"], p);
    const name = r.str(raw, "name", p, { required: true, pattern: DNS_LABEL, what: "a DNS label" });
    if (name === undefined) return;
    if (seenNs.has(name)) r.problem(joinPath(p, "name"), name, "namespace declared twice", "merge the two entries");
    seenNs.add(name);
    namespaces.push({ name, labels: r.labels(raw, "labels", p) });
    const seenWl = new Set<string>();
    r.list(raw, "workloads", p).forEach((w, j) => {
      const wp = joinPath(joinPath(p, "workloads"), j);
      if (!isObj(w)) return r.problem(wp, w, "a workload must be a map", "write { name: app, kind: Deployment, labels: {app: app} }");
      r.unknownKeys(w, ["name", "kind", "labels", "serviceAccount", "hostNetwork", "ports", "node", "ips"], wp);
      const wname = r.str(w, "name", wp, { required: true, pattern: DNS_SUBDOMAIN, what: "a DNS name" });
      const kind = w["kind"] ?? "Deployment";
      if (typeof kind !== "string" || !(WORKLOAD_KINDS as readonly string[]).includes(kind)) {
        r.problem(joinPath(wp, "kind"), kind, "unknown workload kind", `use one of ${WORKLOAD_KINDS.join(", ")}`);
        return;
      }
      if (wname === undefined) return;
      if (seenWl.has(wname)) r.problem(joinPath(wp, "name"), wname, "workload declared twice in this namespace", "give each workload a distinct name");
      seenWl.add(wname);
      const node = r.str(w, "node", wp);
      workloads.push({
        namespace: name,
        name: wname,
        kind: kind as WorkloadKind,
        labels: r.labels(w, "labels", wp),
        serviceAccount: r.str(w, "serviceAccount", wp) ?? "default",
        hostNetwork: r.bool(w, "hostNetwork", wp, false),
        ports: r.ports(r.list(w, "ports", wp), joinPath(wp, "ports")),
        ...(node === undefined ? {} : { node }),
        ips: r.ips(r.list(w, "ips", wp), joinPath(wp, "ips")),
      });
    });
  });
  const nodes: InventoryNode[] = [];
  r.list(doc, "nodes", "").forEach((raw, i) => {
    const p = joinPath("nodes", i);
    if (!isObj(raw)) return r.problem(p, raw, "a node must be a map", "write { name: control, ips: [10.0.0.10] }");
    r.unknownKeys(raw, ["name", "ips", "labels", "autoHostEndpoint"], p);
    const name = r.str(raw, "name", p, { required: true, pattern: DNS_SUBDOMAIN, what: "a DNS name" });
    if (name === undefined) return;
    nodes.push({
      name,
      ips: r.ips(r.list(raw, "ips", p), joinPath(p, "ips")),
      labels: r.labels(raw, "labels", p),
      autoHostEndpoint: r.bool(raw, "autoHostEndpoint", p, false),
    });
  });
  const externals: InventoryExternal[] = [];
  r.list(doc, "externals", "").forEach((raw, i) => {
    const p = joinPath("externals", i);
    if (!isObj(raw)) return r.problem(p, raw, "an external must be a map", "write { name: registry, cidr: 10.0.0.50/32 }");
    r.unknownKeys(raw, ["name", "cidr"], p);
    const name = r.str(raw, "name", p, { required: true });
    const cidr = r.str(raw, "cidr", p, { required: true, what: "a CIDR" });
    if (cidr !== undefined && parseCidr(cidr) === undefined) {
      r.problem(joinPath(p, "cidr"), cidr, "not a CIDR", "write 10.0.0.50/32 or 2001:db8::/64");
      return;
    }
    if (name !== undefined && cidr !== undefined) externals.push({ name, cidr });
  });
  if (r.problems.length > 0) throw new UserError(r.problems, `${file ?? "inventory"}: ${r.problems.length} problem(s)`);
  return { namespaces, workloads, nodes, externals, serviceAccounts: [], ...(podNetworks.length === 0 ? {} : { podNetworks }) };
}

/** Flattens `List`, `PodList`, `*List` objects (kubectl `-o json` dumps) into their items. */
export function flattenObjects(objects: readonly unknown[]): Obj[] {
  const out: Obj[] = [];
  const visit = (o: unknown, implied?: { kind: string; apiVersion: unknown }): void => {
    if (Array.isArray(o)) return o.forEach((x) => visit(x, implied));
    if (!isObj(o)) return;
    const kind = o["kind"];
    if (typeof kind === "string" && kind.endsWith("List") && Array.isArray(o["items"])) {
      // kubectl omits kind/apiVersion on the items of a typed list (PodList, NamespaceList).
      const itemKind = kind === "List" ? undefined : { kind: kind.slice(0, -"List".length), apiVersion: o["apiVersion"] };
      (o["items"] as unknown[]).forEach((x) => visit(x, itemKind));
      return;
    }
    if (kind === undefined && implied !== undefined) {
      out.push({ ...o, kind: implied.kind, ...(o["apiVersion"] === undefined ? { apiVersion: implied.apiVersion } : {}) });
      return;
    }
    out.push(o);
  };
  objects.forEach((o) => visit(o));
  return out;
}

function meta(o: Obj): Obj {
  return isObj(o["metadata"]) ? o["metadata"] : {};
}

/** The string-valued entries of a labels mapping; anything else reads as no labels. */
export function strLabels(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
}

function podSpecOf(o: Obj, kind: string): { labels: Record<string, string>; spec: Obj } | undefined {
  if (kind === "Pod") return { labels: strLabels(meta(o)["labels"]), spec: isObj(o["spec"]) ? o["spec"] : {} };
  const spec = isObj(o["spec"]) ? o["spec"] : {};
  const tmplHolder = kind === "CronJob" ? (isObj(spec["jobTemplate"]) && isObj(spec["jobTemplate"]["spec"]) ? spec["jobTemplate"]["spec"] : {}) : spec;
  const tmpl = isObj(tmplHolder["template"]) ? tmplHolder["template"] : undefined;
  if (tmpl === undefined) return undefined;
  const tmeta = isObj(tmpl["metadata"]) ? tmpl["metadata"] : {};
  return { labels: strLabels(tmeta["labels"]), spec: isObj(tmpl["spec"]) ? tmpl["spec"] : {} };
}

function containerPorts(spec: Obj): NamedPort[] {
  const out: NamedPort[] = [];
  for (const key of ["initContainers", "containers"]) {
    const cs = spec[key];
    if (!Array.isArray(cs)) continue;
    for (const c of cs) {
      if (!isObj(c) || !Array.isArray(c["ports"])) continue;
      for (const p of c["ports"]) {
        if (!isObj(p)) continue;
        const port = p["containerPort"];
        if (typeof port !== "number") continue; // netpol-analyzer ignores a port without containerPort
        const proto = p["protocol"] ?? "TCP";
        if (proto !== "TCP" && proto !== "UDP" && proto !== "SCTP") continue;
        const name = p["name"];
        const hostPort = p["hostPort"];
        const hp = typeof hostPort === "number" && Number.isInteger(hostPort) && hostPort >= 1 && hostPort <= 65535 ? { hostPort } : {};
        out.push({ ...(typeof name === "string" ? { name } : {}), port, protocol: proto, ...hp });
      }
    }
  }
  return out;
}

/**
 * Reads the inventory from plain manifests or a live dump. Kinds other than namespaces, workloads,
 * nodes and ServiceAccounts are ignored (policies are read by `policies.ts`). A namespace referenced by
 * a workload but not declared exists with only its implied name label, as in Kubernetes tooling.
 */
export function inventoryFromObjects(objects: readonly unknown[], problems?: Problem[]): Inventory {
  const items = flattenObjects(objects);
  const syncedSets = new Map<string, InventorySyncedSet>();
  const namespaces = new Map<string, InventoryNamespace>();
  const workloads = new Map<string, InventoryWorkload>();
  const nodes: InventoryNode[] = [];
  const serviceAccounts: InventoryServiceAccount[] = [];
  // Owners present in the input, so a dump's Pod → ReplicaSet → Deployment chain names the Deployment.
  const owners = new Map<string, { kind: string; name: string }>();
  // Objects present by kind and name (an owner is looked up so), built once: one pass, not one per object.
  const present = new Set<string>();
  for (const o of items) {
    const m = meta(o);
    const ref = controller(m);
    if (typeof o["kind"] === "string" && typeof m["name"] === "string") present.add(`${o["kind"]}\u0000${m["name"]}`);
    if (ref !== undefined && typeof o["kind"] === "string" && typeof m["name"] === "string") {
      owners.set(`${o["kind"]}/${String(m["namespace"] ?? "default")}/${m["name"]}`, ref);
    }
  }
  /**
   * The owner a chain of controlling ownerReferences ends at, from `ref` (an owner of something in `ns`),
   * through objects present in the input. A cycle (a ReplicaSet that owns itself, a → b → a: no valid cluster
   * has one, a hostile dump may) ends at its smallest member, so every member and its pods name one workload
   * and the walk stops (issue 11, defect 5).
   */
  const chainEnd = (ns: string, ref: { kind: string; name: string }): { kind: string; name: string } => {
    const seen = new Map<string, number>();
    const chain: { kind: string; name: string }[] = [];
    let cur: { kind: string; name: string } | undefined = ref;
    while (cur !== undefined) {
      const key = `${cur.kind}/${ns}/${cur.name}`;
      const at = seen.get(key);
      if (at !== undefined) {
        const cycle = chain.slice(at).map((c) => ({ c, k: `${c.kind}/${c.name}` }));
        return cycle.reduce((a, b) => (b.k < a.k ? b : a)).c;
      }
      seen.set(key, chain.length);
      chain.push(cur);
      cur = owners.get(key);
    }
    return chain[chain.length - 1]!;
  };
  for (const o of items) {
    const kind = o["kind"];
    const m = meta(o);
    const name = m["name"];
    if (typeof kind !== "string" || typeof name !== "string") continue;
    const ns = typeof m["namespace"] === "string" && m["namespace"] !== "" ? m["namespace"] : "default";
    if (kind === "Namespace" && (o["apiVersion"] === "v1" || o["apiVersion"] === undefined)) {
      namespaces.set(name, { name, labels: strLabels(m["labels"]) });
      continue;
    }
    if (kind === "Node" && o["apiVersion"] === "v1") {
      const status = isObj(o["status"]) ? o["status"] : {};
      const addrs = Array.isArray(status["addresses"]) ? status["addresses"] : [];
      const ips = addrs
        .filter((a): a is Obj => isObj(a) && (a["type"] === "InternalIP" || a["type"] === "ExternalIP") && typeof a["address"] === "string")
        .map((a) => a["address"] as string)
        .filter((a) => parseIp(a) !== undefined);
      nodes.push({ name, ips, labels: strLabels(m["labels"]), autoHostEndpoint: false });
      continue;
    }
    if (kind === "GlobalNetworkSet" && (o["apiVersion"] === "projectcalico.org/v3" || o["apiVersion"] === "crd.projectcalico.org/v1")) {
      const set = syncedSetOf(o, name, problems);
      if (set !== undefined && !syncedSets.has(name)) syncedSets.set(name, set);
      continue;
    }
    if (kind === "ServiceAccount" && o["apiVersion"] === "v1") {
      serviceAccounts.push({ namespace: ns, name, labels: strLabels(m["labels"]) });
      continue;
    }
    if (!(WORKLOAD_KINDS as readonly string[]).includes(kind)) continue;
    // A ReplicaSet/Job owned by something present in the input is represented by that owner (in an ownership
    // cycle, by the cycle's smallest member: chainEnd).
    if (kind !== "Pod" && controller(m) !== undefined && owners.has(`${kind}/${ns}/${name}`)) {
      const ref = controller(m)!;
      if (present.has(`${ref.kind}\u0000${ref.name}`)) {
        const end = chainEnd(ns, { kind, name });
        if (end.kind !== kind || end.name !== name) continue;
      }
    }
    const pod = podSpecOf(o, kind);
    if (pod === undefined) continue;
    let wkind = kind as WorkloadKind;
    let wname = name;
    if (kind === "Pod") {
      const ref = controller(m);
      // Follow the owner chain through objects present in the input (Pod → ReplicaSet → Deployment).
      if (ref !== undefined) {
        const end = chainEnd(ns, ref);
        wkind = ((WORKLOAD_KINDS as readonly string[]).includes(end.kind) ? end.kind : "Pod") as WorkloadKind;
        wname = end.name;
      }
    }
    const spec = pod.spec;
    const status = isObj(o["status"]) ? o["status"] : {};
    const ips: string[] = [];
    if (kind === "Pod" && spec["hostNetwork"] !== true) {
      for (const pi of Array.isArray(status["podIPs"]) ? status["podIPs"] : []) {
        if (isObj(pi) && typeof pi["ip"] === "string" && parseIp(pi["ip"]) !== undefined) ips.push(pi["ip"]);
      }
      if (ips.length === 0 && typeof status["podIP"] === "string" && parseIp(status["podIP"]) !== undefined) ips.push(status["podIP"]);
    }
    const key = `${ns}/${wname}[${wkind}]`;
    const prev = workloads.get(key);
    const sa = typeof spec["serviceAccountName"] === "string" ? spec["serviceAccountName"] : typeof spec["serviceAccount"] === "string" ? spec["serviceAccount"] : "default";
    const nodeName = typeof spec["nodeName"] === "string" ? spec["nodeName"] : undefined;
    if (prev !== undefined) {
      // Several pods of one workload: keep the first pod's labels (netpol-analyzer does the same),
      // accumulate IPs (in place: copying them per pod was quadratic); the node is only known when every pod
      // runs on the same one.
      for (const ip of ips) (prev.ips as string[]).push(ip);
      if (prev.node !== nodeName && prev.node !== undefined) workloads.set(key, { ...prev, node: undefined });
      continue;
    }
    workloads.set(key, {
      namespace: ns,
      name: wname,
      kind: wkind,
      labels: pod.labels,
      serviceAccount: sa,
      hostNetwork: spec["hostNetwork"] === true,
      ports: containerPorts(spec),
      ...(nodeName === undefined ? {} : { node: nodeName }),
      ips,
    });
    if (!namespaces.has(ns)) namespaces.set(ns, { name: ns, labels: {} });
  }
  return {
    namespaces: [...namespaces.values()].sort((a, b) => cmp(a.name, b.name)),
    workloads: [...workloads.values()].sort((a, b) => cmp(`${a.namespace}/${a.name}/${a.kind}`, `${b.namespace}/${b.name}/${b.kind}`)),
    nodes: nodes.sort((a, b) => cmp(a.name, b.name)),
    externals: [],
    serviceAccounts,
    ...(syncedSets.size === 0 ? {} : { syncedSets: [...syncedSets.values()].sort((a, b) => cmp(a.name, b.name)) }),
  };
}

/**
 * A GlobalNetworkSet of a dump, when the Consul sync controller owns it (OWNER_LABEL; any other set is the
 * baseline's or someone else's, and policies.ts reads those from the manifests). Its `spec.nets` are what Calico
 * matches now: the addresses pending removal (PENDING_ANNOTATION) are among them until their grace period ends.
 * A net that is not a CIDR or an address is a problem (when `problems` is given) and left out.
 */
function syncedSetOf(o: Obj, name: string, problems: Problem[] | undefined): InventorySyncedSet | undefined {
  const m = meta(o);
  const labels = strLabels(m["labels"]);
  if (labels[OWNER_LABEL] !== OWNER_VALUE) return undefined;
  const spec = isObj(o["spec"]) ? o["spec"] : {};
  const raw = spec["nets"];
  const object = `GlobalNetworkSet/${name}`;
  const nets: string[] = [];
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) {
    problems?.push({ object, path: "spec.nets", value: raw, message: "must be a list of CIDRs", hint: "dump the sets with 'kubectl get globalnetworksets -o json' (spec.nets: [10.0.0.1/32, ...])" });
  }
  (Array.isArray(raw) ? raw : []).forEach((n: unknown, i: number) => {
    if (typeof n === "string" && parseCidr(n) !== undefined) nets.push(n);
    else problems?.push({ object, path: `spec.nets[${i}]`, value: n, message: "not a CIDR", hint: "a GlobalNetworkSet holds CIDRs such as 10.0.0.1/32 or 2001:db8::1/128" });
  });
  const annotations = isObj(m["annotations"]) ? m["annotations"] : {};
  const text = annotations[PENDING_ANNOTATION];
  const { pending } = parsePending(typeof text === "string" ? text : undefined);
  const held = new Set(nets);
  return { name, labels, nets, pending: [...pending.keys()].filter((k) => held.has(k)).sort(cmp) };
}

function controller(m: Obj): { kind: string; name: string } | undefined {
  const refs = m["ownerReferences"];
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs) {
    if (isObj(r) && r["controller"] === true && typeof r["kind"] === "string" && typeof r["name"] === "string") {
      return { kind: r["kind"], name: r["name"] };
    }
  }
  return undefined;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Merges inventories: later ones add to earlier ones. A namespace or workload (namespace, name and kind) seen
 * twice keeps the earlier entry's identity and the union of labels (declared inventory first, then manifests).
 */
export function mergeInventories(...parts: readonly Inventory[]): Inventory {
  const ns = new Map<string, InventoryNamespace>();
  const wl = new Map<string, InventoryWorkload>();
  /** Keys of `wl` by namespace/name. */
  const byName = new Map<string, string[]>();
  const nodes = new Map<string, InventoryNode>();
  const ext = new Map<string, InventoryExternal>();
  const sas = new Map<string, InventoryServiceAccount>();
  const podNetworks = new Set<string>();
  const synced = new Map<string, InventorySyncedSet>();
  for (const p of parts) {
    // The first part that shows a synced set wins (like externals): two dumps of one set are one set.
    for (const s of p.syncedSets ?? []) if (!synced.has(s.name)) synced.set(s.name, s);
    for (const c of p.podNetworks ?? []) podNetworks.add(c);
    for (const n of p.namespaces) {
      const prev = ns.get(n.name);
      ns.set(n.name, prev === undefined ? n : { name: n.name, labels: { ...n.labels, ...prev.labels } });
    }
    // The first part wins on what it declares (labels, ports, service account); facts it leaves
    // out (addresses, the node a pod runs on) are taken from later parts, so a kubectl dump adds
    // live pod and node addresses to a declared inventory instead of being ignored.
    for (const w of p.workloads) {
      // By kind too: a Deployment and a StatefulSet both called `web` are two workloads (issue 11). A bare Pod
      // (a dump's pod whose owner is not in the dump) adds its facts to the one earlier workload of its name.
      let k = `${w.namespace}/${w.name}[${w.kind}]`;
      if (w.kind === "Pod" && !wl.has(k)) {
        const same = byName.get(`${w.namespace}/${w.name}`) ?? [];
        if (same.length === 1) k = same[0]!;
      }
      const prev = wl.get(k);
      if (prev === undefined) {
        wl.set(k, w);
        const named = byName.get(`${w.namespace}/${w.name}`);
        if (named === undefined) byName.set(`${w.namespace}/${w.name}`, [k]);
        else named.push(k);
      }
      else if ((prev.ips.length === 0 && w.ips.length > 0) || (prev.node === undefined && w.node !== undefined)) {
        wl.set(k, { ...prev, ips: prev.ips.length > 0 ? prev.ips : w.ips, ...(prev.node === undefined && w.node !== undefined ? { node: w.node } : {}) });
      }
      if (!ns.has(w.namespace)) ns.set(w.namespace, { name: w.namespace, labels: {} });
    }
    for (const n of p.nodes) {
      const prev = nodes.get(n.name);
      if (prev === undefined) nodes.set(n.name, n);
      else nodes.set(n.name, { ...prev, ips: prev.ips.length > 0 ? prev.ips : n.ips, labels: { ...n.labels, ...prev.labels }, autoHostEndpoint: prev.autoHostEndpoint || n.autoHostEndpoint });
    }
    for (const e of p.externals) if (!ext.has(e.name)) ext.set(e.name, e);
    for (const s of p.serviceAccounts) if (!sas.has(`${s.namespace}/${s.name}`)) sas.set(`${s.namespace}/${s.name}`, s);
  }
  return {
    namespaces: [...ns.values()],
    workloads: [...wl.values()],
    nodes: [...nodes.values()],
    externals: [...ext.values()],
    serviceAccounts: [...sas.values()],
    ...(podNetworks.size === 0 ? {} : { podNetworks: [...podNetworks] }),
    ...(synced.size === 0 ? {} : { syncedSets: [...synced.values()].sort((a, b) => cmp(a.name, b.name)) }),
  };
}
