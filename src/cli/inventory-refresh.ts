/**
 * Refreshing a stack's inventory from what `pulumi up` learnt: the stack outputs `nodes` (each node with the
 * address it got; multipass assigns them at launch) and `registry` (`host:port`; for a multipass registry
 * VM, its address). Reads either `pulumi stack output --json` or a `pulumi stack export` deployment, and
 * rewrites only the inventory's node addresses and its `registry` external, keeping everything else of the
 * file (comments, order, the other entries) as it is. Pure: text in, text out.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap } from "yaml";
import type { DeploymentFacts } from "../facts/index.js";
import type { NodeRole, StackNodeOutput } from "../facts/nodes.js";
import { cidrContains, parseCidr, parseIp } from "../model/net.js";
import { type Problem, UserError } from "../model/problem.js";

export interface StackOutputs {
  readonly nodes?: readonly StackNodeOutput[];
  /** `host:port` of the registry. */
  readonly registry?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Parses `pulumi stack output --json` (an object of outputs) or `pulumi stack export` (a deployment whose
 * `pulumi:pulumi:Stack` resource holds the outputs). `source` names the input in problems.
 */
export function parseStackOutputs(text: string, source: string): StackOutputs {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UserError([{ path: "", file: source, message: `is not JSON: ${(e as Error).message}`, hint: "pass the output of `pulumi stack output --json` (or `pulumi stack export`)" }]);
  }
  if (!isObj(doc)) throw new UserError([{ path: "", file: source, value: doc, message: "is not a JSON object of stack outputs", hint: "pass the output of `pulumi stack output --json`" }]);
  let outputs: Obj = doc;
  const deployment = doc["deployment"];
  if (isObj(deployment)) {
    const resources = Array.isArray(deployment["resources"]) ? deployment["resources"] : [];
    const stack = resources.find((r): r is Obj => isObj(r) && r["type"] === "pulumi:pulumi:Stack");
    if (stack === undefined || !isObj(stack["outputs"])) {
      throw new UserError([{ path: "deployment.resources", file: source, message: "holds no pulumi:pulumi:Stack resource with outputs", hint: "export a stack that `pulumi up` has deployed" }]);
    }
    outputs = stack["outputs"];
  }
  const problems: Problem[] = [];
  let nodes: StackNodeOutput[] | undefined;
  const raw = outputs["nodes"];
  if (raw !== undefined) {
    if (!Array.isArray(raw)) problems.push({ path: "nodes", file: source, value: raw, message: "must be a list of {name, role, ips}", hint: "pass the stack's own outputs" });
    else {
      nodes = [];
      raw.forEach((n: unknown, i) => {
        const at = `nodes[${i}]`;
        if (!isObj(n) || typeof n["name"] !== "string" || (n["role"] !== "control-plane" && n["role"] !== "worker") || !Array.isArray(n["ips"])) {
          problems.push({ path: at, file: source, value: n, message: "must be {name, role: control-plane|worker, ips: [...]}", hint: "pass the stack's own outputs" });
          return;
        }
        const ips = (n["ips"] as unknown[]).filter((ip): ip is string => typeof ip === "string");
        const bad = (n["ips"] as unknown[]).filter((ip) => typeof ip !== "string" || parseIp(ip) === undefined);
        if (bad.length > 0) problems.push({ path: `${at}.ips`, file: source, value: bad, message: "holds something that is not an IP address", hint: "pass the stack's own outputs" });
        nodes!.push({ name: n["name"], role: n["role"] as NodeRole, ips });
      });
    }
  }
  const registry = outputs["registry"];
  if (registry !== undefined && typeof registry !== "string") problems.push({ path: "registry", file: source, value: registry, message: "must be host:port", hint: "pass the stack's own outputs" });
  if (problems.length > 0) throw new UserError(problems, `${source}: not the outputs of a calico-baseline stack`);
  return { ...(nodes !== undefined ? { nodes } : {}), ...(typeof registry === "string" ? { registry } : {}) };
}

export interface RefreshResult {
  /** The new inventory text (equal to the input when nothing changed). */
  readonly text: string;
  /** One line per change, for the user. */
  readonly changes: readonly string[];
}

function inside(ip: string, cidr: string): boolean {
  const a = parseIp(ip);
  const c = parseCidr(cidr);
  return a !== undefined && c !== undefined && a.version === c.version && cidrContains(c, { version: a.version, first: a.value, last: a.value });
}

function seqOfMaps(doc: Document, key: string): YAMLMap[] {
  const node = doc.get(key, true);
  if (node === undefined || node === null) return [];
  if (!isSeq(node)) throw new UserError([{ path: key, message: `${key} is not a list`, hint: `write ${key}: [ ... ]` }]);
  return node.items.filter((x): x is YAMLMap => isMap(x));
}

/**
 * Writes the outputs' node addresses (and the registry VM's address) into the inventory `text` of a stack
 * whose nodes the facts know. Every node the outputs list must be one the stack plans, at an address inside
 * the multipass bridge when there is one; nodes the file declares beyond the stack's are removed.
 */
export function refreshInventory(text: string, file: string, facts: DeploymentFacts, outputs: StackOutputs, source: string): RefreshResult {
  if (!facts.nodes.known) {
    throw new UserError([{ path: "--from-stack", value: facts.stack, message: `stack "${facts.stack}" uses an existing cluster, whose nodes the stack does not know`, hint: "declare its nodes in the inventory, or pass a kubectl dump with --inventory (kubectl get nodes,pods -A -o json)" }]);
  }
  if (facts.nodes.addresses === "config") {
    return { text, changes: [] };
  }
  if (outputs.nodes === undefined) {
    throw new UserError([{ path: "nodes", file: source, message: "the stack outputs have no `nodes`", hint: `run pulumi up with this version of the program (it exports nodes), then pulumi stack output --json --stack ${facts.stack}` }]);
  }
  const problems: Problem[] = [];
  const planned = new Map(facts.nodes.nodes.map((n) => [n.name, n]));
  const seen = new Set<string>();
  outputs.nodes.forEach((n, i) => {
    const p = planned.get(n.name);
    if (p === undefined) problems.push({ path: `nodes[${i}].name`, file: source, value: n.name, message: `is not a node stack "${facts.stack}" plans (${[...planned.keys()].join(", ")})`, hint: "pass this stack's outputs (pulumi stack output --json --stack <the same stack>), after the config change was deployed" });
    else if (p.role !== n.role) problems.push({ path: `nodes[${i}].role`, file: source, value: n.role, message: `is not the role the stack gives ${n.name} (${p.role})`, hint: "pass this stack's outputs" });
    if (n.ips.length === 0) problems.push({ path: `nodes[${i}].ips`, file: source, value: [], message: `reports no address for ${n.name}`, hint: `check the VM: multipass info ${n.name}` });
    for (const ip of n.ips) {
      if (facts.bridgeCidr !== undefined && !inside(ip, facts.bridgeCidr)) {
        problems.push({ path: `nodes[${i}].ips`, file: source, value: ip, message: `is outside the multipass bridge ${facts.bridgeCidr} the stack's policies assume`, hint: "set calico-baseline:registry.bridgeCidr to the bridge multipass really uses (ip -4 addr show mpqemubr0) and pulumi up again" });
      }
    }
    seen.add(n.name);
  });
  for (const name of planned.keys()) if (!seen.has(name)) problems.push({ path: "nodes", file: source, value: name, message: `lists no node ${name}, which the stack plans`, hint: "pass the outputs of a completed pulumi up of this stack" });
  let registryIp: string | undefined;
  if (outputs.registry !== undefined) {
    const host = outputs.registry.replace(/:[0-9]+$/, "");
    if (parseIp(host) !== undefined) {
      registryIp = host;
      if (facts.bridgeCidr !== undefined && !inside(host, facts.bridgeCidr)) problems.push({ path: "registry", file: source, value: outputs.registry, message: `is outside the multipass bridge ${facts.bridgeCidr}`, hint: "fix calico-baseline:registry.bridgeCidr and pulumi up again" });
    }
  }
  if (problems.length > 0) throw new UserError(problems, `${source}: cannot refresh ${file}`);

  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new UserError([{ path: "", file, message: `is not valid YAML: ${doc.errors[0]?.message ?? ""}`, hint: "fix the YAML syntax" }]);
  const changes: string[] = [];
  // In-place edits of the values that change (byte offsets into `text`), so the rest of the file, its
  // comments and its layout stay exactly as written; a node added or removed re-serialises the document.
  const edits: { start: number; end: number; text: string }[] = [];
  let structural = false;
  const flowList = (ips: readonly string[]): string => `[${ips.join(", ")}]`;
  const declared = seqOfMaps(doc, "nodes");
  const byName = new Map(declared.map((m) => [String(m.get("name")), m]));
  const items: YAMLMap[] = [];
  for (const n of outputs.nodes) {
    const p = planned.get(n.name)!;
    const m = byName.get(n.name);
    if (m === undefined) {
      const created = doc.createNode({ name: n.name, ips: [...n.ips], labels: { ...p.labels }, autoHostEndpoint: facts.autoHostEndpoints }) as YAMLMap;
      for (const k of ["ips", "labels"]) {
        const x = created.get(k, true);
        if (isSeq(x) || isMap(x)) x.flow = true;
      }
      items.push(created);
      structural = true;
      changes.push(`node ${n.name}: added at ${n.ips.join(", ")}`);
      continue;
    }
    items.push(m);
    const node = m.get("ips", true);
    const old = isSeq(node) ? node.items.map((x) => String(isScalar(x) ? x.value : x)) : [];
    if (old.join(",") === n.ips.join(",")) continue;
    changes.push(`node ${n.name}: ${old.length > 0 ? old.join(", ") : "(no address)"} -> ${n.ips.join(", ")}`);
    if (isSeq(node) && node.range !== undefined && node.range !== null) edits.push({ start: node.range[0], end: node.range[1], text: flowList(n.ips) });
    else {
      const ips = doc.createNode([...n.ips]);
      if (isSeq(ips)) ips.flow = true;
      m.set("ips", ips);
      structural = true;
    }
  }
  for (const [name] of byName) {
    if (!planned.has(name)) {
      changes.push(`node ${name}: removed (the stack does not build it)`);
      structural = true;
    }
  }
  if (structural) {
    const seq = doc.get("nodes", true);
    if (isSeq(seq)) seq.items = items;
    else doc.set("nodes", doc.createNode(items));
  }
  if (registryIp !== undefined) {
    const externals = seqOfMaps(doc, "externals");
    const entry = externals.find((m) => m.get("name") === "registry");
    const cidr = `${registryIp}/${registryIp.includes(":") ? 128 : 32}`;
    if (entry === undefined) {
      changes.push(`external registry: added at ${cidr}`);
      const seq = doc.get("externals", true);
      if (isSeq(seq)) seq.items.push(doc.createNode({ name: "registry", cidr }));
      else doc.set("externals", doc.createNode([{ name: "registry", cidr }]));
      structural = true;
    } else if (entry.get("cidr") !== cidr) {
      changes.push(`external registry: ${String(entry.get("cidr"))} -> ${cidr}`);
      const node = entry.get("cidr", true);
      if (isScalar(node) && node.range !== undefined && node.range !== null) edits.push({ start: node.range[0], end: node.range[1], text: cidr });
      else {
        entry.set("cidr", cidr);
        structural = true;
      }
    }
  }
  if (changes.length === 0) return { text, changes };
  if (structural) return { text: doc.toString({ lineWidth: 0 }), changes };
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { text: out, changes };
}
