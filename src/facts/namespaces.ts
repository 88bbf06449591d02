/**
 * Which namespaces exist on the cluster a stack builds, and who makes each: Kubernetes itself, the Tigera
 * operator, or this stack. A namespaced object in a namespace nobody makes is rejected by the API server
 * (`namespaces "fme" not found`), so every namespace the rendered baseline needs is either one of these or
 * one the stack's inventory declares, which the stack then creates (or adopts, when it exists). Pure.
 */
import type { CalicoConfig, StackConfig } from "../config/types.js";
import type { Problem } from "../model/problem.js";

/** Created by the API server and kube-controller-manager in every cluster. */
export const BUILT_IN_NAMESPACES: readonly string[] = ["default", "kube-node-lease", "kube-public", "kube-system"];

export const OPERATOR_NAMESPACE = "tigera-operator";
export const MONITORING_NAMESPACE = "calico-monitoring";
/** Labels the monitoring namespace carries (Calico's monitoring docs; `MonitoringRbac` creates it so). */
export const MONITORING_NAMESPACE_LABELS: Readonly<Record<string, string>> = { app: "ns-calico-monitoring", role: "monitoring" };

/** The label the API server sets on every namespace (immutable, equal to the name). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export type NamespaceOwner = "kubernetes" | "operator" | "stack" | "inventory";

export interface FactNamespace {
  readonly name: string;
  readonly owner: NamespaceOwner;
  /** Labels the maker gives it (besides `kubernetes.io/metadata.name`); for built-in ones, none we rely on. */
  readonly labels: Readonly<Record<string, string>>;
  /** What creates it, in words (for problems and the docs). */
  readonly by: string;
}

/**
 * The operator's namespaces: `calico-system` (every Calico component), and up to 3.30 `calico-apiserver`
 * (tigera/operator `pkg/render/common/meta/meta.go` APIServerNamespace in v1.38; calico-system from v1.40).
 */
export function operatorNamespaces(calico: Pick<CalicoConfig, "minor" | "apiServer">): FactNamespace[] {
  return [
    ...(calico.minor === "3.30" && calico.apiServer ? [{ name: "calico-apiserver", owner: "operator" as const, labels: {}, by: "the Tigera operator (APIServer)" }] : []),
    { name: "calico-system", owner: "operator", labels: {}, by: "the Tigera operator (Installation)" },
  ];
}

/** Namespaces the stack's own resources create, with the labels they set. */
export function stackNamespaces(config: Pick<StackConfig, "monitoring">): FactNamespace[] {
  // node-exporter (host network, PID and paths) is admitted only at the `privileged` Pod Security level.
  const monitoringLabels = config.monitoring.nodeExporter.enabled ? { ...MONITORING_NAMESPACE_LABELS, "pod-security.kubernetes.io/enforce": "privileged" } : MONITORING_NAMESPACE_LABELS;
  return [
    ...(config.monitoring.enabled ? [{ name: MONITORING_NAMESPACE, owner: "stack" as const, labels: monitoringLabels, by: "the monitoring step (monitoring.yaml)" }] : []),
    {
      name: OPERATOR_NAMESPACE,
      owner: "stack",
      // As upstream's tigera-operator.yaml labels it (the operator pod is host-networked).
      labels: { name: OPERATOR_NAMESPACE, "pod-security.kubernetes.io/enforce": "privileged" },
      by: "the Calico install step",
    },
  ];
}

/** Every namespace that exists without the inventory's help, sorted by name. */
export function knownNamespaces(config: Pick<StackConfig, "calico" | "monitoring">): FactNamespace[] {
  const all = [
    ...BUILT_IN_NAMESPACES.map((name) => ({ name, owner: "kubernetes" as const, labels: {}, by: "Kubernetes" })),
    ...operatorNamespaces(config.calico),
    ...stackNamespaces(config),
  ];
  return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface NamespaceNeeds {
  /** Namespace objects the stack creates (or adopts) for namespaced objects, with the inventory's labels. */
  readonly create: Record<string, unknown>[];
  /** Namespaced objects whose namespace neither the stack nor the inventory knows. */
  readonly problems: Problem[];
}

interface Sourced {
  readonly object: Record<string, unknown>;
  readonly file?: string;
}

function meta(o: Record<string, unknown>): { name?: unknown; namespace?: unknown } {
  const m = o["metadata"];
  return typeof m === "object" && m !== null ? (m as { name?: unknown; namespace?: unknown }) : {};
}

/**
 * The namespaces `objects` are applied in that the stack must create: each namespaced object's namespace is
 * either known (built in, the operator's, the stack's own), or declared in the inventory (it is then created
 * with the inventory's labels, so the cluster's namespace carries what the analysis assumed), or a problem.
 */
export function namespacesFor(
  objects: readonly Sourced[],
  known: readonly FactNamespace[],
  inventory: { readonly namespaces: readonly { readonly name: string; readonly labels: Readonly<Record<string, string>> }[] },
  inventoryFile: string,
): NamespaceNeeds {
  const knownNames = new Set(known.map((n) => n.name));
  const declared = new Map(inventory.namespaces.map((n) => [n.name, n]));
  const needed = new Map<string, Record<string, unknown>>();
  const missing = new Map<string, { first: string; file?: string; count: number }>();
  for (const { object, file } of objects) {
    const m = meta(object);
    const ns = m.namespace;
    if (typeof ns !== "string" || ns === "" || knownNames.has(ns)) continue;
    const d = declared.get(ns);
    if (d !== undefined) {
      if (!needed.has(ns)) {
        const labels = Object.fromEntries(Object.entries(d.labels).filter(([k]) => k !== NAMESPACE_NAME_LABEL).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        needed.set(ns, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns, ...(Object.keys(labels).length > 0 ? { labels } : {}) } });
      }
      continue;
    }
    const id = `${String(object["kind"])}/${ns}/${String(m.name)}`;
    const prev = missing.get(ns);
    if (prev === undefined) missing.set(ns, { first: id, ...(file !== undefined ? { file } : {}), count: 1 });
    else prev.count++;
  }
  const problems: Problem[] = [...missing.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([ns, m]) => ({
      ...(m.file !== undefined ? { file: m.file } : {}),
      object: m.first,
      path: "metadata.namespace",
      value: ns,
      message: `is in namespace "${ns}", which neither the stack creates nor its inventory declares${m.count > 1 ? ` (${m.count} objects)` : ""}; the API server would answer namespaces "${ns}" not found`,
      hint: `declare the namespace (name, labels, workloads) in ${inventoryFile}: the stack then creates it with those labels; or fix the policy's namespace`,
    }));
  const create = [...needed.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, o]) => o);
  return { create, problems };
}
