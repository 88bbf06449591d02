/**
 * Cases-file endpoints the declared inventory does not know. `npm test` resolves every `<ns>/<workload>` and
 * `host:<node>` of a cases file in the policies directory's `inventory.yaml` and rejects the file when one is
 * missing (test/policies/catalog.test.ts). `recommend` keeps such cases (they are the only test of the observed
 * flow) and prints, per missing end, the inventory entry that makes them resolvable: built from what the flow
 * recorded (namespace, aggregated name, labels, address) and, when `--inventory` described the workload or
 * node, from that description (kind, service account, ports). See docs/flows.md, "Cases".
 */
import { stringify } from "yaml";
import type { Inventory, InventoryNode, InventoryWorkload, WorkloadKind } from "../inventory.js";
import type { FlowEndpoint } from "./model.js";
import { stableLabels } from "./labels.js";
import type { PlannedCase } from "./recommend.js";

/** One cases-file reference the declared inventory lacks, with the entry to add for it. */
export type InventoryGap =
  | {
      readonly kind: "workload";
      /** `<ns>/<workload>` as the cases file writes it. */
      readonly ref: string;
      readonly namespace: string;
      /** False when the namespace itself is missing: the entry is then a whole namespace. */
      readonly namespaceDeclared: boolean;
      readonly entry: InventoryWorkloadEntry;
      /** True when `serviceAccount` is a placeholder (flows do not record it). */
      readonly serviceAccountGuessed: boolean;
      /** Names of the cases that use the reference. */
      readonly cases: readonly string[];
    }
  | {
      readonly kind: "host";
      /** `host:<node>`. */
      readonly ref: string;
      readonly entry: InventoryNodeEntry;
      readonly cases: readonly string[];
    };

/** A workload as `policies/inventory.yaml` writes it (keys in that file's order). */
export interface InventoryWorkloadEntry {
  readonly name: string;
  readonly kind: WorkloadKind;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  readonly hostNetwork: false;
  readonly ports: readonly { readonly name?: string; readonly port: number; readonly protocol: string }[];
}

/** A node as `policies/inventory.yaml` writes it. */
export interface InventoryNodeEntry {
  readonly name: string;
  readonly ips: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly autoHostEndpoint: boolean;
}

/**
 * The controller kind a flow end's pods belong to, from the labels their controller stamps on them
 * (Goldmane records labels every aggregated pod shares, so these survive aggregation).
 */
export function guessWorkloadKind(labels: Readonly<Record<string, string>>): WorkloadKind {
  if (labels["pod-template-hash"] !== undefined) return "Deployment";
  if (labels["statefulset.kubernetes.io/pod-name"] !== undefined || labels["apps.kubernetes.io/pod-index"] !== undefined) return "StatefulSet";
  // DaemonSet pods carry both; StatefulSet pods carry controller-revision-hash without the generation.
  if (labels["pod-template-generation"] !== undefined && labels["controller-revision-hash"] !== undefined) return "DaemonSet";
  if (labels["job-name"] !== undefined || labels["batch.kubernetes.io/job-name"] !== undefined) return "Job";
  // An aggregated name (`web-*`) without controller labels: most pods are a Deployment's, and the kind only
  // names the entry (policy sees labels and the service account), so that is the least surprising guess.
  return "Deployment";
}

const DEFAULT_SERVICE_ACCOUNT = "default";

/** The merged-inventory workload named `ref` (`<ns>/<name>`), if any. */
function findWorkload(inv: Inventory, ref: string): InventoryWorkload | undefined {
  return inv.workloads.find((w) => `${w.namespace}/${w.name}` === ref);
}

function workloadEntry(ref: string, end: FlowEndpoint, described: InventoryWorkload | undefined): { entry: InventoryWorkloadEntry; guessed: boolean } {
  const name = ref.slice(ref.indexOf("/") + 1);
  if (described !== undefined) {
    return {
      entry: { name, kind: described.kind, labels: stableLabels(described.labels), serviceAccount: described.serviceAccount, hostNetwork: false, ports: described.ports },
      guessed: false,
    };
  }
  // Calico puts the service account on the endpoint as `projectcalico.org/serviceaccount`; an export that
  // kept it tells us, otherwise the entry says `default` and the message asks for the real one.
  const sa = end.labels["projectcalico.org/serviceaccount"];
  return {
    entry: { name, kind: guessWorkloadKind(end.labels), labels: stableLabels(end.labels), serviceAccount: sa ?? DEFAULT_SERVICE_ACCOUNT, hostNetwork: false, ports: [] },
    guessed: sa === undefined,
  };
}

function nodeEntry(node: string, end: FlowEndpoint, described: InventoryNode | undefined): InventoryNodeEntry {
  if (described !== undefined) return { name: node, ips: described.ips, labels: described.labels, autoHostEndpoint: described.autoHostEndpoint };
  const ip = end.net?.replace(/\/(32|128)$/, "");
  // A flow from a host was reported by its (auto) host endpoint, which carries the node's labels.
  return { name: node, ips: ip === undefined || ip.includes("/") ? [] : [ip], labels: stableLabels(end.labels), autoHostEndpoint: true };
}

/**
 * Every workload or host reference of `cases` that `declared` (the policies directory's inventory.yaml)
 * does not know, in order of first use. `described` (declared plus `--inventory`) supplies kind, service
 * account, ports and node addresses when it knows the end.
 */
export function inventoryGaps(cases: readonly PlannedCase[], declared: Inventory, described: Inventory = declared): InventoryGap[] {
  const workloads = new Set(declared.workloads.map((w) => `${w.namespace}/${w.name}`));
  const nodes = new Set(declared.nodes.map((n) => n.name));
  const namespaces = new Set(declared.namespaces.map((n) => n.name));
  const gaps = new Map<string, { gap: InventoryGap; cases: string[] }>();
  const visit = (ref: string, end: FlowEndpoint, caseName: string): void => {
    const known = gaps.get(ref);
    if (known !== undefined) {
      if (!known.cases.includes(caseName)) known.cases.push(caseName);
      return;
    }
    const used = [caseName];
    if (ref.startsWith("host:")) {
      const node = ref.slice("host:".length);
      if (nodes.has(node)) return;
      gaps.set(ref, { gap: { kind: "host", ref, entry: nodeEntry(node, end, described.nodes.find((n) => n.name === node)), cases: used }, cases: used });
      return;
    }
    if (ref.startsWith("net:") || workloads.has(ref)) return;
    const namespace = ref.slice(0, ref.indexOf("/"));
    const { entry, guessed } = workloadEntry(ref, end, findWorkload(described, ref));
    gaps.set(ref, { gap: { kind: "workload", ref, namespace, namespaceDeclared: namespaces.has(namespace), entry, serviceAccountGuessed: guessed, cases: used }, cases: used });
  };
  for (const c of cases) {
    visit(c.from, c.flow.source, c.name);
    visit(c.to, c.flow.destination, c.name);
  }
  return [...gaps.values()].map((g) => g.gap);
}

/** A YAML block with every line indented by `indent` spaces. */
function indentBlock(text: string, indent: number): string {
  const pad = " ".repeat(indent);
  return text
    .trimEnd()
    .split("\n")
    .map((l) => pad + l)
    .join("\n");
}

/** One inventory entry in the style of policies/inventory.yaml (flow maps for labels and ports). */
function entryYaml(entry: InventoryWorkloadEntry | InventoryNodeEntry): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(entry)) {
    const text = typeof v === "object" ? stringify(v, { collectionStyle: "flow", lineWidth: 0 }).trimEnd() : stringify(v).trimEnd();
    lines.push(`${k}: ${text}`);
  }
  return `- ${lines.join("\n  ")}`;
}

/**
 * The snippets to paste into `inventoryFile`, grouped by where they go: workloads of declared namespaces
 * under that namespace's `workloads:`, missing namespaces under `namespaces:`, nodes under `nodes:`. Each
 * block is valid YAML at the indentation policies/inventory.yaml uses.
 */
export function formatInventoryGaps(gaps: readonly InventoryGap[], inventoryFile: string): string {
  const out: string[] = [];
  const workloadGaps = gaps.filter((g): g is Extract<InventoryGap, { kind: "workload" }> => g.kind === "workload");
  const byNamespace = new Map<string, Extract<InventoryGap, { kind: "workload" }>[]>();
  for (const g of workloadGaps) byNamespace.set(g.namespace, [...(byNamespace.get(g.namespace) ?? []), g]);
  const missingNs: string[] = [];
  for (const [ns, list] of [...byNamespace.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const blocks = list.map((g) => indentBlock(entryYaml(g.entry), 6)).join("\n");
    if (list[0]?.namespaceDeclared === true) {
      out.push(`under namespace ${ns}, add to its workloads:`, blocks);
    } else {
      missingNs.push(`  - name: ${ns}\n    labels: {}\n    workloads:\n${blocks}`);
    }
  }
  if (missingNs.length > 0) out.push("add to namespaces: (namespace labels as in the cluster; the flows do not record them)", ...missingNs);
  const hostGaps = gaps.filter((g): g is Extract<InventoryGap, { kind: "host" }> => g.kind === "host");
  if (hostGaps.length > 0) out.push("add to nodes:", ...hostGaps.map((g) => indentBlock(entryYaml(g.entry), 2)));
  const guessed = workloadGaps.filter((g) => g.serviceAccountGuessed).map((g) => g.ref);
  const header = [
    `the cases name ${gaps.length} endpoint(s) that ${inventoryFile} does not declare, so \`npm test\` rejects the cases file until they are added:`,
    ...gaps.map((g) => `  ${g.ref} (${g.kind === "workload" ? `${g.entry.kind}, ` : ""}used by ${g.cases.length} case${g.cases.length === 1 ? "" : "s"})`),
    `fix: add these entries to ${inventoryFile}${guessed.length > 0 ? ` (the flows do not record service accounts: ${guessed.join(", ")} say \`default\`; put the real one where a policy selects by service account)` : ""}:`,
  ];
  return [...header, ...out].join("\n");
}
