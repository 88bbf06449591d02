/**
 * The inventory a stack is analysed over: its declared inventory file, held to the deployment facts. What the
 * stack itself decides (its nodes, the workloads and identities in the namespaces it owns, those namespaces'
 * labels, automatic host endpoints) comes from the facts; the file adds what only it can know (application
 * namespaces and workloads, external networks, node addresses multipass assigns at launch). A file that
 * contradicts the facts is a problem, not a silent override: the analysis would describe another cluster.
 * Pure.
 */
import type { Inventory, InventoryNode, InventoryWorkload } from "../analysis/inventory.js";
import { cidrContains, parseCidr, parseIp } from "../model/net.js";
import type { Problem } from "../model/problem.js";
import type { DeploymentFacts } from "./index.js";

export interface StackInventory {
  readonly inventory: Inventory;
  readonly problems: readonly Problem[];
  /** What was taken from the facts rather than the file, for the user. */
  readonly notes: readonly string[];
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

function inside(ip: string, cidr: string): boolean {
  const a = parseIp(ip);
  const c = parseCidr(cidr);
  return a !== undefined && c !== undefined && a.version === c.version && cidrContains(c, { version: a.version, first: a.value, last: a.value });
}

export function stackInventory(facts: DeploymentFacts, declared: Inventory, file: string): StackInventory {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const problem = (path: string, value: unknown, message: string, hint: string): void => {
    problems.push({ file, path, value, message, hint });
  };
  const nodeIndex = new Map(declared.nodes.map((n, i) => [n.name, i]));

  // Nodes.
  let nodes: InventoryNode[];
  if (facts.nodes.known) {
    const planned = new Map(facts.nodes.nodes.map((n) => [n.name, n]));
    const names = facts.nodes.nodes.map((n) => n.name).join(", ");
    for (const n of declared.nodes) {
      const i = nodeIndex.get(n.name) ?? 0;
      const p = planned.get(n.name);
      if (p === undefined) {
        problem(`nodes[${i}].name`, n.name, `names a node stack "${facts.stack}" does not build (its nodes: ${names})`, "rename it to one of the stack's nodes, or remove it (the stack's nodes come from its cluster config)");
        continue;
      }
      if (Object.keys(n.labels).length > 0 && !sameLabels(n.labels, p.labels)) {
        problem(`nodes[${i}].labels`, n.labels, `differs from the labels k3s gives ${p.role} node ${n.name} (${JSON.stringify(p.labels)})`, "remove the labels (they come from the stack) or write exactly these; nothing in the stack sets other node labels");
      }
      if (p.ips.length > 0 && n.ips.length > 0 && (n.ips.length !== p.ips.length || n.ips.some((ip, j) => ip !== p.ips[j]))) {
        problem(`nodes[${i}].ips`, n.ips, `differs from the host the stack installs k3s on (${p.ips.join(", ")})`, "remove the addresses (they come from the host list) or fix the host list");
      }
      if (facts.bridgeCidr !== undefined) {
        n.ips.forEach((ip, j) => {
          if (!inside(ip, facts.bridgeCidr as string)) {
            problem(`nodes[${i}].ips[${j}]`, ip, `is outside the multipass bridge ${facts.bridgeCidr} the VMs get their addresses from`, `refresh the addresses from the stack's outputs: calico-baseline inventory --from-stack ${facts.stack}`);
          }
        });
      }
      if (n.autoHostEndpoint && !facts.autoHostEndpoints) {
        problem(`nodes[${i}].autoHostEndpoint`, true, "claims an automatic host endpoint, but the stack turns them off (calico.autoHostEndpoints: false)", "remove autoHostEndpoint, or turn calico.autoHostEndpoints back on");
      }
    }
    nodes = facts.nodes.nodes.map((p) => {
      const d = declared.nodes.find((n) => n.name === p.name);
      if (d === undefined) notes.push(`node ${p.name} (${p.role}) from the stack config${p.ips.length === 0 ? ", address unknown" : ""}`);
      return { name: p.name, ips: p.ips.length > 0 ? p.ips : (d?.ips ?? []), labels: p.labels, autoHostEndpoint: facts.autoHostEndpoints };
    });
  } else {
    nodes = declared.nodes.map((n, i) => {
      if (n.autoHostEndpoint && !facts.autoHostEndpoints) {
        problem(`nodes[${i}].autoHostEndpoint`, true, "claims an automatic host endpoint, but the stack turns them off (calico.autoHostEndpoints: false)", "remove autoHostEndpoint, or turn calico.autoHostEndpoints back on");
      }
      return { ...n, autoHostEndpoint: n.autoHostEndpoint || facts.autoHostEndpoints };
    });
  }

  // Namespaces the stack makes: the file may not claim labels they will not have.
  const byName = new Map(facts.namespaces.map((n) => [n.name, n]));
  declared.namespaces.forEach((n, i) => {
    const f = byName.get(n.name);
    if (f === undefined || f.owner !== "stack") return;
    for (const [k, v] of Object.entries(n.labels)) {
      if (f.labels[k] !== v) {
        problem(`namespaces[${i}].labels.${k}`, v, `is not a label ${f.by} gives namespace ${n.name} (${JSON.stringify(f.labels)})`, "remove it, or set it where the stack creates the namespace");
      }
    }
  });

  // Workloads in the namespaces the stack owns: exactly what it runs (plus the identities it grants).
  const owned = new Set(facts.namespaces.filter((n) => n.owner === "stack" || n.owner === "operator").map((n) => n.name));
  const running = new Map(facts.workloads.map((w) => [`${w.namespace}/${w.name}`, w]));
  const identities = new Set(facts.identities.map((s) => `${s.namespace}/${s.serviceAccount}`));
  const nsIndex = new Map(declared.namespaces.map((n, i) => [n.name, i]));
  const workloads: InventoryWorkload[] = [];
  const wlIndex = new Map<string, number>();
  for (const w of declared.workloads) {
    const j = wlIndex.get(w.namespace) ?? 0;
    wlIndex.set(w.namespace, j + 1);
    const at = `namespaces[${nsIndex.get(w.namespace) ?? "?"}].workloads[${j}]`;
    if (!owned.has(w.namespace)) {
      workloads.push(w);
      continue;
    }
    const f = running.get(`${w.namespace}/${w.name}`);
    if (f === undefined) {
      if (identities.has(`${w.namespace}/${w.serviceAccount}`)) {
        workloads.push(w);
        continue;
      }
      const here = facts.workloads.filter((x) => x.namespace === w.namespace).map((x) => x.name);
      problem(`${at}.name`, w.name, `is not a workload stack "${facts.stack}" runs in ${w.namespace}${here.length > 0 ? ` (it runs ${here.join(", ")})` : ""}`, identities.size > 0 ? `remove it; a workload of your own there must run as ${[...identities].join(" or ")}` : "remove it, or turn on the component that runs it in the stack config");
      continue;
    }
    if (w.kind !== f.kind) problem(`${at}.kind`, w.kind, `is not how ${f.by} runs ${f.name} (${f.kind})`, `write kind: ${f.kind}`);
    if (w.hostNetwork !== f.hostNetwork) problem(`${at}.hostNetwork`, w.hostNetwork, `${f.name} runs ${f.hostNetwork ? "on" : "off"} the host network`, `write hostNetwork: ${String(f.hostNetwork)}`);
    if (w.serviceAccount !== f.serviceAccount) problem(`${at}.serviceAccount`, w.serviceAccount, `${f.name} runs as ${f.serviceAccount}`, `write serviceAccount: ${f.serviceAccount}`);
    for (const [k, v] of Object.entries(f.labels)) {
      if (w.labels[k] !== v) problem(`${at}.labels.${k}`, w.labels[k], `${f.by} labels ${f.name}'s pods ${k}: ${v}`, `write ${k}: "${v}"`);
    }
    workloads.push(w);
  }
  for (const f of facts.workloads) {
    if (declared.workloads.some((w) => w.namespace === f.namespace && w.name === f.name)) continue;
    notes.push(`workload ${f.namespace}/${f.name} from the stack config (${f.by})`);
    workloads.push({ namespace: f.namespace, name: f.name, kind: f.kind, labels: f.labels, serviceAccount: f.serviceAccount, hostNetwork: f.hostNetwork, ports: [], ips: [] });
  }
  const namespaces = [...declared.namespaces];
  for (const w of workloads) if (!namespaces.some((n) => n.name === w.namespace)) namespaces.push({ name: w.namespace, labels: byName.get(w.namespace)?.labels ?? {} });

  return { inventory: { ...declared, nodes, namespaces, workloads }, problems, notes };
}
