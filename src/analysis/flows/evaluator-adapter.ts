/**
 * The one bridge from flow replay to the analysis engine (src/analysis/evaluate.ts): it turns flow ends into
 * the engine's endpoints and its `FlowResult` trail into replay's `FlowVerdict`. No policy semantics live here.
 *
 * How flow ends become endpoints (docs/flows.md, "How flows are evaluated"):
 * - workload: the inventory workload of that namespace whose labels include every non-volatile label of the
 *   flow end (Goldmane records the intersection of the pods' labels; pods add `pod-template-hash` and the
 *   like to their template's labels), when exactly one matches: its service account
 *   and named ports then count. Otherwise a synthetic workload with the flow's labels and the `default`
 *   service account. Either way the engine builds the label view Felix matches (namespace profile labels,
 *   `projectcalico.org/*`).
 * - host: the model's host endpoint for the node (by HostEndpoint name, `<node>-auto-hep`, node name or the
 *   `kubernetes.io/hostname` label); otherwise a node with an automatic host endpoint and the flow's labels.
 * - network with an address: that address. Without one (Goldmane's `pub`/`pvt`): Goldmane reports type
 *   Network only for addresses outside every network set and endpoint, so no selector can match it; only
 *   `nets`/`notNets` depend on the address. The flow is evaluated without an address and reported
 *   undecidable when a policy governing the local end in that direction has address-based rules.
 * - network set: evaluated at the first address of the set of that name/namespace in the policy set
 *   (undecidable when the set is not there).
 */
import type { Inventory, InventoryNode, InventoryWorkload } from "../inventory.js";
import { EMPTY_INVENTORY } from "../inventory.js";
import { type Endpoint, type Ip, type Model, buildModel } from "../model.js";
import { type Peer as EnginePeer, type DirectionResult, endpointPeer, evaluateFlow } from "../evaluate.js";
import { protocolNumber } from "../connset.js";
import { type PolicyModel, readPolicies, sourced } from "../policies.js";
import { parseCidr } from "../../model/net.js";
import {
  type DirectionVerdict,
  type FlowEndpoint,
  type FlowEvaluator,
  type FlowQuery,
  type FlowVerdict,
  type PolicyView,
  type RuleRef,
  type TrailStep,
  endpointKey,
  labelsKey,
} from "./model.js";
import { labelsMatch, stableLabels } from "./labels.js";
import { workloadName } from "./recommend.js";

export interface AdapterOptions {
  /** Namespaces (labels), nodes and workloads the flows refer to. @default empty */
  readonly inventory?: Inventory;
  /** Flows whose ends should be known up front (more can be added later, at the cost of a model rebuild). */
  readonly flows?: readonly FlowQuery[];
}

type Resolved =
  | { kind: "workload"; ref: string }
  | { kind: "host"; node: string }
  | { kind: "ip"; ip: Ip; display: string }
  | { kind: "address-unknown"; display: string }
  | { kind: "missing"; reason: string };

const SYNTHETIC_SA = "default";

/** A FlowEvaluator over policy manifests (any mix of enforced and Staged* kinds) and an inventory. */
export function evaluatorForManifests(manifests: readonly unknown[], options: AdapterOptions = {}): FlowEvaluator {
  return new EngineFlowEvaluator(readPolicies(sourced(manifests)), options.inventory ?? EMPTY_INVENTORY, options.flows ?? []);
}

class EngineFlowEvaluator implements FlowEvaluator {
  private readonly resolved = new Map<string, Resolved>();
  private readonly extraWorkloads: InventoryWorkload[] = [];
  private readonly extraNodes: InventoryNode[] = [];
  private readonly usedNames = new Set<string>();
  /** Synthetic workload ref per (namespace, labels). */
  private readonly synthetic = new Map<string, string>();
  private models: { enforced?: Model; "would-be"?: Model } = {};
  private allRules: RuleRef[] | undefined;

  constructor(
    private readonly pm: PolicyModel,
    private readonly inventory: Inventory,
    flows: readonly FlowQuery[],
  ) {
    for (const w of inventory.workloads) this.usedNames.add(`${w.namespace}/${w.name}`);
    for (const f of flows) {
      this.resolve(f.source);
      this.resolve(f.destination);
    }
  }

  private model(view: PolicyView): Model {
    let m = this.models[view];
    if (m === undefined) {
      const inv: Inventory = {
        ...this.inventory,
        workloads: [...this.inventory.workloads, ...this.extraWorkloads],
        nodes: [...this.inventory.nodes, ...this.extraNodes],
      };
      m = buildModel(inv, this.pm, { view: view === "would-be" ? "staged" : "enforced" });
      this.models[view] = m;
    }
    return m;
  }

  private invalidate(): void {
    this.models = {};
  }

  endpointClass(e: FlowEndpoint): string {
    const r = this.resolve(e);
    switch (r.kind) {
      case "workload":
        return `w:${r.ref}`;
      case "host":
        return `h:${r.node}`;
      case "ip":
        return `i:${r.ip.version}:${r.ip.value}`;
      case "address-unknown":
        return `u:${r.display}`;
      case "missing":
        return `m:${endpointKey(e)}`;
    }
  }

  inventoryRef(e: FlowEndpoint): string | undefined {
    const r = this.resolve(e);
    if (r.kind === "workload") return this.extraWorkloads.some((w) => `${w.namespace}/${w.name}` === r.ref) ? undefined : r.ref;
    if (r.kind === "host") return this.extraNodes.some((n) => n.name === r.node) ? undefined : `host:${r.node}`;
    return undefined;
  }

  private resolve(e: FlowEndpoint): Resolved {
    const key = endpointKey(e);
    let r = this.resolved.get(key);
    if (r === undefined) {
      r = this.resolveNew(e);
      this.resolved.set(key, r);
    }
    return r;
  }

  private uniqueName(namespace: string, base: string): string {
    let name = base;
    for (let i = 2; this.usedNames.has(`${namespace}/${name}`); i++) name = `${base}-${i}`;
    this.usedNames.add(`${namespace}/${name}`);
    return name;
  }

  private resolveNew(e: FlowEndpoint): Resolved {
    switch (e.kind) {
      case "workload": {
        const ns = e.namespace as string;
        // Matched by the labels that outlive a rollout: the inventory holds template labels, a pod adds
        // `pod-template-hash` and the like (which Goldmane records when every aggregated pod shares them).
        const stable = stableLabels(e.labels);
        if (Object.keys(stable).length > 0) {
          const matches = this.inventory.workloads.filter((w) => w.namespace === ns && !w.hostNetwork && labelsMatch(stable, w.labels));
          if (matches.length === 1) return { kind: "workload", ref: `${ns}/${(matches[0] as InventoryWorkload).name}` };
        }
        // Endpoints that differ only by aggregated name share one synthetic workload: policy sees labels.
        const classKey = `${ns}|${labelsKey(e.labels)}`;
        const known = this.synthetic.get(classKey);
        if (known !== undefined) return { kind: "workload", ref: known };
        const name = this.uniqueName(ns, workloadName(e));
        this.synthetic.set(classKey, `${ns}/${name}`);
        this.extraWorkloads.push({ namespace: ns, name, kind: "Pod", labels: e.labels, serviceAccount: SYNTHETIC_SA, hostNetwork: false, ports: [], ips: [] });
        this.invalidate();
        return { kind: "workload", ref: `${ns}/${name}` };
      }
      case "host": {
        const hostname = e.labels["kubernetes.io/hostname"];
        const hep = this.pm.hostEndpoints.find((h) => h.name === e.name);
        const candidates = [hep?.node, e.name?.replace(/-auto-hep$/, ""), hostname].filter((n): n is string => n !== undefined);
        const known = new Set([...this.inventory.nodes.map((n) => n.name), ...this.pm.hostEndpoints.map((h) => h.node), ...this.extraNodes.map((n) => n.name)]);
        const node = candidates.find((n) => known.has(n));
        if (node !== undefined) return { kind: "host", node };
        const name = candidates[0] ?? `host-${labelsKey(e.labels).replace(/[^a-z0-9]+/gi, "-")}`;
        this.extraNodes.push({ name, ips: e.net === undefined ? [] : [e.net.replace(/\/.*$/, "")], labels: e.labels, autoHostEndpoint: true });
        this.invalidate();
        return { kind: "host", node: name };
      }
      case "network": {
        if (e.net === undefined) return { kind: "address-unknown", display: `net:${e.name ?? "?"}` };
        const c = parseCidr(e.net);
        if (c === undefined) return { kind: "missing", reason: `"${e.net}" is not an address` };
        return { kind: "ip", ip: { version: c.version, value: c.first }, display: `net:${e.net}` };
      }
      case "networkset": {
        const set = this.pm.networkSets.find((s) => s.name === e.name && s.namespace === e.namespace);
        const first = set === undefined ? undefined : set.nets.v4.length > 0 ? { version: 4 as const, value: set.nets.v4[0] as bigint } : set.nets.v6.length > 0 ? { version: 6 as const, value: set.nets.v6[0] as bigint } : undefined;
        if (set === undefined || first === undefined) {
          return { kind: "missing", reason: `network set ${e.namespace === undefined ? "" : `${e.namespace}/`}${e.name ?? "?"} is not in the policy set (or holds no address)` };
        }
        return { kind: "ip", ip: first, display: `networkset:${set.id}` };
      }
    }
  }

  private peer(model: Model, r: Resolved): EnginePeer {
    switch (r.kind) {
      case "workload":
        return endpointPeer((model.byRef.get(r.ref) as readonly Endpoint[])[0] as Endpoint);
      case "host":
        return endpointPeer((model.byRef.get(`host:${r.node}`) as readonly Endpoint[])[0] as Endpoint);
      case "ip":
        return { ip: r.ip, display: r.display };
      case "address-unknown":
      case "missing":
        return { display: r.kind === "address-unknown" ? r.display : "?" };
    }
  }

  evaluate(flow: FlowQuery, view: PolicyView): FlowVerdict {
    const src = this.resolve(flow.source);
    const dst = this.resolve(flow.destination);
    const model = this.model(view);
    for (const r of [src, dst]) if (r.kind === "missing") return undecided(r.reason);
    const protocol = protocolNumber(flow.protocol);
    if (protocol === undefined) return undecided(`unknown protocol ${flow.protocol}`);
    const s = this.peer(model, src);
    const d = this.peer(model, dst);
    // An address-less external end: only nets/notNets of the local end's policies could tell.
    if (src.kind === "address-unknown" && d.endpoint !== undefined && this.usesRemoteNets(model, d.endpoint, "ingress")) {
      return undecided(`${src.display} has no address and ingress policy of ${d.display} matches on nets`);
    }
    if (dst.kind === "address-unknown" && s.endpoint !== undefined && this.usesRemoteNets(model, s.endpoint, "egress")) {
      return undecided(`${dst.display} has no address and egress policy of ${s.display} matches on nets`);
    }
    const result = evaluateFlow(model, { src: s, dst: d, protocol, port: flow.port ?? 0 });
    return { allowed: result.allowed, egress: direction(result.egress), ingress: direction(result.ingress) };
  }

  private usesRemoteNets(model: Model, ep: Endpoint, dir: "ingress" | "egress"): boolean {
    for (const stage of ["untracked", "preDNAT", "normal"] as const) {
      for (const tp of model.applicable(ep, dir, stage)) {
        for (const p of tp.policies) {
          for (const r of (dir === "ingress" ? p.ingress : p.egress) ?? []) {
            const remote = dir === "ingress" ? r.source : r.destination;
            if (remote.nets !== undefined || remote.notNets !== undefined) return true;
          }
        }
      }
    }
    return false;
  }

  rules(): readonly RuleRef[] {
    if (this.allRules === undefined) {
      const out = new Map<string, RuleRef>();
      for (const p of [...this.pm.policies, ...this.pm.staged]) {
        for (const direction of ["ingress", "egress"] as const) {
          for (const r of (direction === "ingress" ? p.ingress : p.egress) ?? []) {
            const ref: RuleRef = { policy: p.id, tier: p.tier, direction, index: r.index, action: r.action };
            out.set(`${p.id} ${direction}[${r.index}]`, ref);
          }
        }
      }
      this.allRules = [...out.values()];
    }
    return this.allRules;
  }
}

function undecided(reason: string): FlowVerdict {
  const none: DirectionVerdict = { allowed: false, trail: [], hits: [] };
  return { allowed: false, egress: none, ingress: none, undecidable: reason };
}

function direction(d: DirectionResult): DirectionVerdict {
  const trail: TrailStep[] = [];
  const hits: RuleRef[] = [];
  for (const s of d.steps) {
    if (s.action === "enter" || s.action === "no-match") continue;
    const rule: RuleRef | undefined =
      s.rule !== undefined && s.policy !== undefined && s.tier !== undefined
        ? { policy: s.policy, tier: s.tier, direction: d.direction, index: s.rule, action: s.action }
        : undefined;
    if (rule !== undefined) hits.push(rule);
    trail.push({
      tier: s.tier ?? s.stage,
      ...(s.policy === undefined ? {} : { policy: s.policy }),
      ...(rule === undefined ? {} : { rule }),
      outcome: s.text,
    });
  }
  if (trail.length === 0) {
    const dec = d.decision;
    const text =
      dec.by === "not-policed" ? `not policed: ${dec.reason}` : dec.by === "profile" ? `profile ${dec.profile} ${dec.allow ? "allows" : "denies"}` : dec.by === "failsafe" ? `failsafe port ${dec.port}` : dec.by === "end-of-tier" ? `end of tier ${dec.tier}` : `${dec.policy} ${dec.action}`;
    trail.push({ tier: "-", outcome: text });
  }
  return { allowed: d.allowed, trail, hits };
}
