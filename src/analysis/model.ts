/**
 * The analysed cluster: Calico endpoints built from the inventory, the policy model, tiers in Felix
 * order, and the per-endpoint lists of applicable policies (computed once per endpoint and cached).
 *
 * Endpoint label views are what Felix matches selectors against:
 * - workload endpoint: pod labels, plus `projectcalico.org/namespace`, `projectcalico.org/orchestrator:
 *   k8s`, `projectcalico.org/serviceaccount`, and the labels inherited from the namespace profile
 *   (`pcns.<label>`, including `pcns.projectcalico.org/name`) and the service-account profile
 *   (`pcsa.<label>`, including `pcsa.projectcalico.org/name`) (libcalico-go k8s conversion);
 * - host endpoint: its own labels (an automatic host endpoint copies the node's labels);
 * - NetworkSet: its labels plus the namespace label and namespace profile labels; GlobalNetworkSet: its labels.
 * A host-networked pod has no workload endpoint: for policy it is its node.
 */
import type { CalicoMinor } from "../config/types.js";
import { type IpVersion, parseIp } from "../model/net.js";
import type { Problem } from "../model/problem.js";
import type { Inventory, InventoryWorkload, Labels, NamedPort } from "./inventory.js";
import { ConnSet } from "./connset.js";
import { IpSet, coveredPiecesV4, cutBySets } from "./ipset.js";
import { LABEL_NAME, LABEL_NAMESPACE, LABEL_ORCHESTRATOR, LABEL_SERVICE_ACCOUNT, NS_PREFIX, SA_PREFIX, bestAnchor } from "./labels.js";
import { type Direction, type NetworkSet, type Policy, type PolicyModel, type Tier, sameJson, stagedView } from "./policies.js";

export interface Ip {
  readonly version: IpVersion;
  readonly value: bigint;
}

export interface Endpoint {
  /** Display identity: `ns/name[Kind]` (netpol-analyzer style) or `host:<node>`. */
  readonly id: string;
  /** Short reference used in cases files and the CLI: `ns/name` or `host:<node>`. */
  readonly ref: string;
  readonly kind: "workload" | "host";
  readonly namespace?: string;
  readonly name: string;
  /** Label view Felix matches selectors against. */
  readonly labels: Labels;
  readonly ports: readonly NamedPort[];
  readonly ips: readonly Ip[];
  /** For a pod with no known address: the pod networks it is somewhere in (Inventory.podNetworks). */
  readonly within?: IpSet;
  readonly node?: string;
  /**
   * For hosts: the host endpoint that polices the node's traffic, if any. With none, host traffic is
   * not policed by Calico at all.
   */
  readonly hostEndpoint?: { readonly name: string; readonly profileAllows: boolean; readonly auto: boolean };
  /**
   * Whether a rule selector that matches this endpoint's labels matches its traffic. Felix turns a rule
   * selector into an IP set of the matching endpoints' addresses: a workload's pod IPs, but for a host
   * endpoint only its `expectedIPs` (felix/labelindex/named_port_index.go extractCIDRsFromHostEndpoint).
   * So a node with no host endpoint, or whose host endpoint lists no expectedIPs, is never matched by a
   * selector (only by `nets` or a network set holding its address). Automatic host endpoints list the
   * node's addresses (kube-controllers), so they are selectable.
   */
  readonly selectable: boolean;
  readonly workload?: InventoryWorkload;
}

/** A network set with the label view selectors see. */
export interface NetworkSetView extends NetworkSet {
  readonly view: Labels;
}

export interface ServiceView {
  readonly members: ReadonlySet<Endpoint>;
  conns(e: Endpoint): ConnSet;
}

export interface TierPolicies {
  readonly tier: Tier;
  readonly policies: readonly Policy[];
}

/** Which policies Felix renders into which chain of an endpoint. */
export type Stage = "normal" | "untracked" | "preDNAT";

export interface Model {
  readonly view: "enforced" | "staged";
  readonly inventory: Inventory;
  readonly policyModel: PolicyModel;
  readonly policies: readonly Policy[];
  readonly tiers: readonly Tier[];
  readonly endpoints: readonly Endpoint[];
  readonly byRef: ReadonlyMap<string, readonly Endpoint[]>;
  readonly networkSets: readonly NetworkSetView[];
  readonly problems: readonly Problem[];
  /**
   * The subset of `problems` naming objects Calico would reject, which the analysis leaves out (a policy that
   * never applies): `rejected.length` is their count. expectFlow refuses a model with any (issue 11).
   */
  readonly rejected: readonly Problem[];
  /** Network sets containing an address (Felix adds a set's nets to every selector that matches the set). */
  networkSetsAt(ip: Ip): readonly NetworkSetView[];
  /** Network sets holding every address of `within` (a pod somewhere in the pod networks is in them). */
  networkSetsCovering(within: IpSet): readonly NetworkSetView[];
  /**
   * A Service's endpoints and, per endpoint, the connections its target ports allow; undefined when
   * the Service is unknown (then a `services` rule matches nothing, as in Calico).
   */
  service(key: string): ServiceView | undefined;
  /** Tiers (in order) with the policies that select `ep` and govern `dir`, for one stage. */
  applicable(ep: Endpoint, dir: Direction, stage: Stage): readonly TierPolicies[];
  /**
   * Every policy whose selector matches `ep`, in Felix order (all directions and stages: `applicable`
   * lists are these, filtered by direction and by `policyStage`).
   */
  selecting(ep: Endpoint): readonly Policy[];
}

const PROTO: Readonly<Record<string, number>> = { TCP: 6, UDP: 17, SCTP: 132 };

export function namespaceLabels(name: string, declared: Labels): Labels {
  return { ...declared, "kubernetes.io/metadata.name": name };
}

function prefixed(prefix: string, labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) out[prefix + k] = v;
  return out;
}

function ipsOf(texts: readonly string[]): Ip[] {
  const out: Ip[] = [];
  for (const t of texts) {
    const p = parseIp(t);
    if (p !== undefined) out.push(p);
  }
  return out;
}

/** Sorts tiers as Felix does: declared before undeclared, then order (nil last), then name. */
export function sortTiers(tiers: Iterable<Tier>): Tier[] {
  return [...tiers].sort((a, b) => {
    if (a.declared !== b.declared) return a.declared ? -1 : 1;
    if (a.order !== b.order) return a.order < b.order ? -1 : 1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

/**
 * Felix's PolKVLess: order (nil = +Inf), then a tie-break string (felix/calc/policy_sorter.go):
 * - v3.32: `name/namespace/kind` of the policy key (a Kubernetes policy is keyed by its own name);
 * - v3.30/v3.31: the v1 key name only, `<namespace>/<name>` for namespaced policies (Kubernetes ones
 *   `<namespace>/knp.default.<name>`) and `<name>` for global ones (updateprocessors
 *   convertNetworkPolicyV3ToV1Key, k8s conversion K8sNetworkPolicyNamePrefix).
 */
export function comparePolicies(a: Policy, b: Policy, calicoMinor: CalicoMinor = "3.32"): number {
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  const tie = (p: Policy): string => {
    // A ClusterNetworkPolicy is keyed {Name, Kind: KubernetesClusterNetworkPolicy} (v3.32.1 clusternetworkpolicy.go).
    if (calicoMinor === "3.32") return `${p.name}/${p.namespace ?? ""}/${p.kind === "ClusterNetworkPolicy" ? "KubernetesClusterNetworkPolicy" : p.kind}`;
    const name = p.kind === "KubernetesNetworkPolicy" ? `knp.default.${p.name}` : p.name;
    return p.namespace === undefined ? name : `${p.namespace}/${name}`;
  };
  const ka = tie(a);
  const kb = tie(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export interface BuildOptions {
  /** `staged` evaluates the "would be" view with staged policies applied. */
  readonly view?: "enforced" | "staged";
  /** The Calico minor whose Felix orders the policies (tie-breaks differ before 3.32); default 3.32. */
  readonly calicoMinor?: CalicoMinor;
  /**
   * A model of an earlier version over the same inventory (a diff's other side): its endpoints, network set
   * views and Services are taken over when what they are built from is the same (an equal inventory, equal
   * host endpoints, the same network set objects and equal Services), so that identical endpoints are the same
   * objects on both sides (connectivity.ts reuses work by identity).
   */
  readonly base?: Model;
}

/** What a model was built from and what of it another model may take over (see BuildOptions.base). */
interface ModelParts {
  readonly inventory: Inventory;
  readonly hostEndpoints: PolicyModel["hostEndpoints"];
  readonly autoHostEndpoints: boolean;
  readonly endpoints: Endpoint[];
  readonly byRef: Map<string, Endpoint[]>;
  readonly hosts: Map<string, Endpoint>;
  readonly sets: readonly NetworkSet[];
  readonly networkSets: NetworkSetView[];
  readonly index: (ip: Ip) => readonly NetworkSetView[];
  readonly covering: Map<IpSet, NetworkSetView[]>;
  readonly serviceObjects: PolicyModel["services"];
  readonly services: Map<string, ServiceView>;
  readonly globalPolicies: readonly Policy[];
  readonly nsPolicies: ReadonlyMap<string, readonly Policy[]>;
  readonly selecting: (ep: Endpoint) => Policy[];
  readonly tierNames: readonly string[];
  readonly calicoMinor: CalicoMinor | undefined;
}
const modelParts = new WeakMap<Model, ModelParts>();

export function buildModel(inventory: Inventory, policyModel: PolicyModel, opts: BuildOptions = {}): Model {
  const view = opts.view ?? "enforced";
  const pm = view === "staged" ? stagedView(policyModel) : policyModel;
  const nsLabels = new Map<string, Labels>();
  for (const n of inventory.namespaces) nsLabels.set(n.name, namespaceLabels(n.name, n.labels));
  const saLabels = new Map<string, Labels>();
  for (const s of inventory.serviceAccounts) saLabels.set(`${s.namespace}/${s.name}`, s.labels);
  // A namespace's profile labels, built once per namespace (read-only: callers spread them).
  const nsProfiles = new Map<string, Readonly<Record<string, string>>>();
  const nsProfile = (ns: string): Readonly<Record<string, string>> => {
    let r = nsProfiles.get(ns);
    if (r === undefined) {
      r = { ...prefixed(NS_PREFIX, nsLabels.get(ns) ?? namespaceLabels(ns, {})), [NS_PREFIX + LABEL_NAME]: ns };
      nsProfiles.set(ns, r);
    }
    return r;
  };

  const prior = opts.base === undefined ? undefined : modelParts.get(opts.base);
  const sameEndpoints = prior !== undefined && (prior.inventory === inventory || sameJson(prior.inventory, inventory)) && prior.autoHostEndpoints === pm.autoHostEndpoints && sameJson(prior.hostEndpoints, pm.hostEndpoints);
  const endpoints: Endpoint[] = sameEndpoints ? prior.endpoints : [];
  const byRef = sameEndpoints ? prior.byRef : new Map<string, Endpoint[]>();
  const add = (ref: string, e: Endpoint): void => {
    const l = byRef.get(ref);
    if (l === undefined) byRef.set(ref, [e]);
    else l.push(e);
  };

  // Hosts: one endpoint per node (the `*` host endpoint, or the first by name, or the automatic one).
  const nodeNames = new Set<string>(inventory.nodes.map((n) => n.name));
  for (const h of pm.hostEndpoints) nodeNames.add(h.node);
  const hosts = sameEndpoints ? prior.hosts : new Map<string, Endpoint>();
  for (const nodeName of sameEndpoints ? [] : [...nodeNames].sort()) {
    const node = inventory.nodes.find((n) => n.name === nodeName);
    const heps = pm.hostEndpoints.filter((h) => h.node === nodeName).sort((a, b) => (a.name < b.name ? -1 : 1));
    const hep = heps.find((h) => h.interfaceName === "*") ?? heps[0];
    let ep: Endpoint;
    if (hep !== undefined) {
      ep = {
        id: `host:${nodeName}`,
        ref: `host:${nodeName}`,
        kind: "host",
        name: nodeName,
        labels: hep.labels,
        ports: heps.flatMap((h) => h.ports),
        ips: ipsOf([...hep.expectedIPs, ...(node?.ips ?? [])]),
        node: nodeName,
        hostEndpoint: { name: hep.name, profileAllows: hep.profiles.includes("projectcalico-default-allow"), auto: false },
        selectable: ipsOf(hep.expectedIPs).length > 0,
      };
    } else if (node !== undefined && (node.autoHostEndpoint || pm.autoHostEndpoints)) {
      // kube-controllers (controllers/node/hostendpoints.go generateAutoHostEndpoint): `<node>-auto-hep`,
      // interface `*`, the node's labels plus projectcalico.org/created-by, profile projectcalico-default-allow.
      ep = {
        id: `host:${nodeName}`,
        ref: `host:${nodeName}`,
        kind: "host",
        name: nodeName,
        labels: { ...node.labels, "projectcalico.org/created-by": "calico-kube-controllers" },
        ports: [],
        ips: ipsOf(node.ips),
        node: nodeName,
        hostEndpoint: { name: `${nodeName}-auto-hep`, profileAllows: true, auto: true },
        selectable: true,
      };
    } else {
      // Not a Calico endpoint: no policy applies and no selector matches it (only its addresses count).
      ep = { id: `host:${nodeName}`, ref: `host:${nodeName}`, kind: "host", name: nodeName, labels: node?.labels ?? {}, ports: [], ips: ipsOf(node?.ips ?? []), node: nodeName, selectable: false };
    }
    hosts.set(nodeName, ep);
    endpoints.push(ep);
    add(ep.ref, ep);
  }

  const podNetworks = inventory.podNetworks === undefined || inventory.podNetworks.length === 0 ? undefined : IpSet.parse(inventory.podNetworks);
  for (const w of sameEndpoints ? [] : inventory.workloads) {
    const ref = `${w.namespace}/${w.name}`;
    if (w.hostNetwork) {
      // No workload endpoint: the pod is its node. Known node → that host; otherwise every node.
      const targets = w.node !== undefined ? [hosts.get(w.node)].filter((h): h is Endpoint => h !== undefined) : [...hosts.values()];
      for (const h of targets) add(ref, h);
      continue;
    }
    // Profile labels (inherited) first, then the pod's own labels, then the labels the k8s conversion
    // sets over them (workload_endpoint_default.go: namespace, orchestrator, and the service account
    // "if less than 63 characters"): a pod cannot relabel itself into another namespace.
    const labels: Record<string, string> = {
      ...nsProfile(w.namespace),
      ...prefixed(SA_PREFIX, saLabels.get(`${w.namespace}/${w.serviceAccount}`) ?? {}),
      [SA_PREFIX + LABEL_NAME]: w.serviceAccount,
      ...w.labels,
      [LABEL_NAMESPACE]: w.namespace,
      [LABEL_ORCHESTRATOR]: "k8s",
      ...(w.serviceAccount.length < 63 ? { [LABEL_SERVICE_ACCOUNT]: w.serviceAccount } : {}),
    };
    const ep: Endpoint = {
      id: `${w.namespace}/${w.name}[${w.kind}]`,
      ref,
      kind: "workload",
      namespace: w.namespace,
      name: w.name,
      labels,
      ports: w.ports,
      ips: ipsOf(w.ips),
      ...(w.ips.length === 0 && podNetworks !== undefined ? { within: podNetworks } : {}),
      ...(w.node === undefined ? {} : { node: w.node }),
      selectable: true,
      workload: w,
    };
    endpoints.push(ep);
    add(ref, ep);
    add(ep.id, ep);
  }

  // The synced GlobalNetworkSets a cluster dump shows (inventory.syncedSets) hold addresses the manifests cannot:
  // the controller writes them at run time. One the manifests also define is the manifests' (policies.ts).
  const manifestSets = new Set(pm.networkSets.filter((s) => s.namespace === undefined).map((s) => s.name));
  const dumpedSets: NetworkSet[] = (inventory.syncedSets ?? [])
    .filter((s) => !manifestSets.has(s.name))
    .map((s) => ({ id: `GlobalNetworkSet/${s.name}`, name: s.name, labels: s.labels, nets: IpSet.parse(s.nets) }));
  // Same endpoints means the same inventory (namespace labels and synced sets): equal network sets give equal views.
  const sameSets = sameEndpoints && prior.sets.length === pm.networkSets.length && prior.sets.every((x, i) => x === pm.networkSets[i]);
  const networkSets: NetworkSetView[] = sameSets
    ? prior.networkSets
    : [...pm.networkSets, ...dumpedSets].map((s) => ({
        ...s,
        // networksetprocessor.go: own labels, then the namespace label over them; namespace profile inherited.
        view: s.namespace === undefined ? s.labels : { ...nsProfile(s.namespace), ...s.labels, [LABEL_NAMESPACE]: s.namespace },
      }));
  const index = sameSets ? prior.index : buildNetsetIndex(networkSets);
  const covering = sameSets ? prior.covering : new Map<IpSet, NetworkSetView[]>();

  const sameServices = sameEndpoints && sameJson(prior.serviceObjects, pm.services);
  const services = sameServices ? prior.services : new Map<string, ServiceView>();
  for (const svc of sameServices ? [] : pm.services) {
    const members = new Set<Endpoint>();
    if (svc.selector !== undefined) {
      const sel = Object.entries(svc.selector);
      for (const e of endpoints) {
        if (e.kind === "workload" && e.namespace === svc.namespace && sel.every(([k, v]) => e.workload!.labels[k] === v)) members.add(e);
      }
    }
    services.set(`${svc.namespace}/${svc.name}`, {
      members,
      conns: (e) => {
        let c = ConnSet.EMPTY;
        for (const p of svc.ports) {
          if (typeof p.target === "number") c = c.union(ConnSet.ports(p.protocol, p.target, p.target));
          else for (const np of e.ports) if (np.name === p.target && PROTO[np.protocol] === p.protocol) c = c.union(ConnSet.ports(p.protocol, np.port, np.port));
        }
        return c;
      },
    });
  }
  if (!sameServices && !services.has("default/kubernetes")) {
    // The API server Service every cluster has: its endpoints are the control-plane nodes on TCP 6443
    // (k3s and kubeadm serve the API on the node address).
    const cp = [...hosts.values()].filter((h) => {
      const l = inventory.nodes.find((n) => n.name === h.name)?.labels ?? {};
      return "node-role.kubernetes.io/control-plane" in l || "node-role.kubernetes.io/master" in l;
    });
    services.set("default/kubernetes", { members: new Set(cp), conns: () => ConnSet.ports(6, 6443, 6443) });
  }

  const tiers = sortTiers(pm.tiers.values());
  const tierRank = new Map(tiers.map((t, i) => [t.name, i] as const));
  const policies = [...pm.policies].sort((a, b) => {
    const ta = tierRank.get(a.tier)!;
    const tb = tierRank.get(b.tier)!;
    return ta !== tb ? ta - tb : comparePolicies(a, b, opts.calicoMinor);
  });
  // Per endpoint, the applicable lists by slot (direction × stage, see `slotOf`).
  // (Keyed by the endpoint's selecting list and kind: policyStage reads nothing else of the endpoint.)
  const cache = { workload: new Map<readonly Policy[], Array<TierPolicies[] | undefined>>(), host: new Map<readonly Policy[], Array<TierPolicies[] | undefined>>() };
  const slotOf = (dir: Direction, stage: Stage): number => (dir === "ingress" ? 0 : 3) + (stage === "normal" ? 0 : stage === "untracked" ? 1 : 2);
  // Namespaced policies only select endpoints of their namespace: index them so an endpoint
  // checks the global policies plus its own namespace's, keeping Felix order by merging on rank.
  const rank = new Map(policies.map((p, i) => [p, i] as const));
  const globalPolicies: Policy[] = [];
  const nsPolicies = new Map<string, Policy[]>();
  for (const p of policies) {
    if (p.namespace === undefined) globalPolicies.push(p);
    else {
      const l = nsPolicies.get(p.namespace);
      if (l === undefined) nsPolicies.set(p.namespace, [p]);
      else l.push(p);
    }
  }
  // Global policies whose selector is anchored on a label value (`k == v`, `k in {...}`) can only
  // select endpoints with that label value: index them by it, so an endpoint tries the unanchored
  // ones plus those under its own label values instead of every global policy.
  const unanchored: Policy[] = [];
  const anchored = new Map<string, Map<string, Policy[]>>();
  // Each policy goes under its most selective anchor: the one fewest endpoints carry.
  const anchorKeys = new Set(globalPolicies.flatMap((p) => p.selector.anchors.map((a) => a.key)));
  const freq = new Map<string, Map<string, number>>([...anchorKeys].map((k) => [k, new Map()]));
  if (anchorKeys.size > 0) {
    for (const e of endpoints) {
      for (const [k, m] of freq) if (Object.hasOwn(e.labels, k)) m.set(e.labels[k]!, (m.get(e.labels[k]!) ?? 0) + 1);
    }
  }
  for (const p of globalPolicies) {
    const a = bestAnchor(p.selector.anchors, (k, v) => freq.get(k)?.get(v) ?? 0);
    if (a === undefined) {
      unanchored.push(p);
      continue;
    }
    let m = anchored.get(a.key);
    if (m === undefined) anchored.set(a.key, (m = new Map()));
    for (const v of new Set(a.values)) {
      const l = m.get(v);
      if (l === undefined) m.set(v, [p]);
      else l.push(p);
    }
  }
  // The global policies selecting a label view depend only on the view's values of the keys their
  // selectors read: computed once per distinct such signature (thousands of endpoints share one).
  const globalKeys = [...new Set(globalPolicies.flatMap((p) => p.selector.keys))].sort();
  const globalsBySignature = new Map<string, Policy[]>();
  const selectingGlobals = (labels: Labels): Policy[] => {
    let sig = "";
    for (const k of globalKeys) {
      const v = Object.hasOwn(labels, k) ? labels[k] : undefined;
      // A key's value (length-prefixed, so the signature reads back one way) or its absence.
      sig += typeof v === "string" ? `${v.length}:${v}` : "-";
    }
    let r = globalsBySignature.get(sig);
    if (r === undefined) {
      const out: Policy[] = [...unanchored];
      for (const [k, m] of anchored) {
        if (!Object.hasOwn(labels, k)) continue;
        const l = m.get(labels[k]!);
        if (l !== undefined) for (const p of l) out.push(p);
      }
      r = out.filter((p) => p.selector.match(labels)).sort((x, y) => rank.get(x)! - rank.get(y)!);
      globalsBySignature.set(sig, r);
    }
    return r;
  };
  // The policies whose selector matches an endpoint, in Felix order (computed once per endpoint): the
  // matching global ones and the matching ones of its namespace, merged by rank.
  const selectingCache = new Map<Endpoint, Policy[]>();
  // Merged lists by their global list (numbered) and the ranks of their namespace's policies.
  const globalsId = new Map<readonly Policy[], number>();
  const mergedLists = new Map<string, Policy[]>();
  // Over a base with the same endpoints: an endpoint whose namespace's policies and the global ones are the
  // same objects, in the same order, is selected as there (the base's list, computed once).
  const sameList = (x: readonly Policy[] | undefined, y: readonly Policy[] | undefined): boolean => (x ?? []).length === (y ?? []).length && (x ?? []).every((p, i) => p === y![i]);
  // (The tiers in the same order too: a global and a namespaced policy of two tiers are ordered by their tiers.)
  const tierNames = tiers.map((t) => t.name);
  // (And the same minor: it breaks ties of Felix's order.)
  const inherit = sameEndpoints && prior.calicoMinor === opts.calicoMinor && sameJson(prior.tierNames, tierNames) && sameList(prior.globalPolicies, globalPolicies) ? prior : undefined;
  const nsSame = new Map<string, boolean>();
  const selecting = (ep: Endpoint): Policy[] => {
    const cached = selectingCache.get(ep);
    if (cached !== undefined) return cached;
    if (inherit !== undefined) {
      const ns = ep.namespace ?? "";
      let same = nsSame.get(ns);
      if (same === undefined) nsSame.set(ns, (same = ep.namespace === undefined || sameList(inherit.nsPolicies.get(ns), nsPolicies.get(ns))));
      if (same) {
        const list = inherit.selecting(ep);
        selectingCache.set(ep, list);
        return list;
      }
    }
    const globals = selectingGlobals(ep.labels);
    const local = ep.namespace === undefined ? [] : (nsPolicies.get(ep.namespace) ?? []).filter((p) => p.selector.match(ep.labels));
    let matching: Policy[];
    if (local.length === 0) matching = globals;
    else {
      // Endpoints selected alike share one list (callers key their work on it).
      let ids = globalsId.get(globals);
      if (ids === undefined) globalsId.set(globals, (ids = globalsId.size));
      let key = `${ids}`;
      for (const p of local) key += `,${rank.get(p)!}`;
      const shared = mergedLists.get(key);
      if (shared !== undefined) {
        selectingCache.set(ep, shared);
        return shared;
      }
      matching = merge(globals, local);
      mergedLists.set(key, matching);
    }
    selectingCache.set(ep, matching);
    return matching;
  };
  const merge = (globals: readonly Policy[], local: readonly Policy[]): Policy[] => {
    let matching: Policy[];
    if (globals.length === 0) matching = [...local];
    else {
      matching = [];
      let i = 0;
      let j = 0;
      while (i < globals.length || j < local.length) {
        if (j === local.length || (i < globals.length && rank.get(globals[i]!)! < rank.get(local[j]!)!)) matching.push(globals[i++]!);
        else matching.push(local[j++]!);
      }
    }
    return matching;
  };

  const model: Model = {
    view,
    inventory,
    policyModel,
    policies,
    tiers,
    endpoints,
    byRef,
    networkSets,
    problems: pm.problems,
    rejected: pm.rejected,
    networkSetsAt: index,
    networkSetsCovering: (within) => {
      let r = covering.get(within);
      if (r === undefined) {
        r = networkSets.filter((n) => within.subtract(n.nets).isEmpty());
        covering.set(within, r);
      }
      return r;
    },
    service: (key) => services.get(key),
    selecting,
    applicable(ep, dir, stage) {
      const list = selecting(ep);
      let m = cache[ep.kind].get(list);
      if (m === undefined) {
        m = [undefined, undefined, undefined, undefined, undefined, undefined];
        cache[ep.kind].set(list, m);
      }
      const slot = slotOf(dir, stage);
      let r = m[slot];
      if (r === undefined) {
        r = [];
        let current: { tier: Tier; policies: Policy[] } | undefined;
        for (const p of selecting(ep)) {
          if ((dir === "ingress" ? p.ingress : p.egress) === undefined) continue;
          if (!policyInStage(p, ep, stage)) continue;
          if (current === undefined || current.tier.name !== p.tier) {
            current = { tier: pm.tiers.get(p.tier)!, policies: [] };
            r.push(current);
          }
          current.policies.push(p);
        }
        m[slot] = r;
      }
      return r;
    },
  };
  modelParts.set(model, { inventory, hostEndpoints: pm.hostEndpoints, autoHostEndpoints: pm.autoHostEndpoints, endpoints, byRef, hosts, sets: pm.networkSets, networkSets, index, covering, serviceObjects: pm.services, services, globalPolicies, nsPolicies, selecting, tierNames, calicoMinor: opts.calicoMinor });
  return model;
}

/**
 * Which chain a policy is rendered into. Workload endpoints get only normal policies; host
 * endpoints get doNotTrack policies in the untracked (raw) chains, preDNAT policies in the
 * pre-DNAT (mangle) chains (ingress only), and the rest in the normal (filter) chains.
 */
function policyInStage(p: Policy, ep: Endpoint, stage: Stage): boolean {
  return policyStage(p, ep) === stage;
}

/** The one chain stage a policy is rendered into at an endpoint, or undefined when none (see policyInStage). */
export function policyStage(p: Policy, ep: Endpoint): Stage | undefined {
  if (ep.kind === "workload") return p.doNotTrack || p.preDNAT ? undefined : "normal";
  if (p.doNotTrack) return "untracked";
  if (p.preDNAT) return "preDNAT";
  return "normal";
}

/** Elementary address ranges with the network sets covering each, for O(log n) lookups. */
function buildNetsetIndex(sets: readonly NetworkSetView[]): (ip: Ip) => readonly NetworkSetView[] {
  if (sets.length === 0) return () => [];
  const nets = sets.map((s) => s.nets);
  // IPv4 on numbers (exact below 2^53); pieces covered by the same sets share one member list.
  const v4 = coveredPiecesV4(nets);
  const v4Members = new Map<readonly number[], NetworkSetView[]>();
  const v4Of = v4.covering.map((c) => {
    let m = v4Members.get(c);
    if (m === undefined) v4Members.set(c, (m = c.map((k) => sets[k]!)));
    return m;
  });
  const starts: bigint[] = [];
  const ends: bigint[] = [];
  const members: NetworkSetView[][] = [];
  for (const { first, last, covering } of cutBySets(nets, 6)) {
    if (covering.length === 0) continue;
    starts.push(first);
    ends.push(last);
    members.push(covering.map((k) => sets[k]!));
  }
  return (ip) => {
    if (ip.version === 4) {
      const x = Number(ip.value);
      let lo = 0;
      let hi = v4.starts.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (x < v4.starts[mid]!) hi = mid - 1;
        else if (x > v4.ends[mid]!) lo = mid + 1;
        else return v4Of[mid]!;
      }
      return [];
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ip.value < starts[mid]!) hi = mid - 1;
      else if (ip.value > ends[mid]!) lo = mid + 1;
      else return members[mid]!;
    }
    return [];
  };
}
