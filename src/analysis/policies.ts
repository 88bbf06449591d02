/**
 * Reads policy-side objects from manifests into the analysis form: tiers, policies with compiled
 * selectors and rules, network sets, host endpoints and the Felix settings that change verdicts.
 *
 * Semantics are Calico's conversion to Felix's data model (libcalico-go `updateprocessors`,
 * `k8s/conversion`), written down here and tested in test/analysis:
 * - policy `types` default: [Ingress] with no egress rules (even with no rules at all), [Egress] with only
 *   egress rules, both with both (api/pkg/defaults `defaultPolicyTypesField`);
 * - Kubernetes NetworkPolicy becomes a Calico policy in tier `default`, order 1000, keyed in Felix by its own
 *   name with kind KubernetesNetworkPolicy (v3.32 `K8sNetworkPolicyToCalico`; before 3.32 the key was
 *   `<ns>/knp.default.<name>`), every rule Allow, selectors restricted to pods (`projectcalico.org/orchestrator
 *   == "k8s"`), ipBlock `except` → `notNets`, named ports kept by name and resolved at the destination;
 *   `policyTypes` default: Ingress, plus Egress when egress rules exist;
 * - the `default` tier has order 1,000,000 and defaultAction Deny even when no Tier object is given.
 */
import type { CalicoMinor } from "../config/types.js";
import type { SelectorNode } from "../model/selector/index.js";
import { type AdminConversion, type AdminKind, adminKindEnforced, adminTierOf, convertAdminObject, failedRuleProblems, isAdminObject } from "./admin-policies.js";
import { SelectorError } from "../model/selector/index.js";
import { parseCidr } from "../model/net.js";
import { type Problem, joinPath } from "../model/problem.js";
import { ConnSet, ICMP_PROTOCOLS, RULE_PORT_PROTOCOLS, protocolNumber } from "./connset.js";
import { IpSet } from "./ipset.js";
import { flattenObjects, isObj, type Labels, strLabels } from "./inventory.js";
import {
  type CompiledSelector,
  HAS_NAMESPACE,
  HAS_SERVICE_ACCOUNT,
  LABEL_NAMESPACE,
  LABEL_ORCHESTRATOR,
  LABEL_SERVICE_ACCOUNT,
  NS_PREFIX,
  SA_PREFIX,
  and,
  compile,
  eqNode,
  k8sSelectorNode,
  type K8sLabelSelector,
  namespaceSelectorNode,
  node,
  rewrite,
} from "./labels.js";

export type Action = "Allow" | "Deny" | "Log" | "Pass";
export type Direction = "ingress" | "egress";
export type PolicyKind = "GlobalNetworkPolicy" | "NetworkPolicy" | "KubernetesNetworkPolicy" | AdminKind;
export type StagedAction = "Set" | "Delete" | "Learn" | "Ignore";

export const DEFAULT_TIER = "default";
export const DEFAULT_TIER_ORDER = 1_000_000;
export const KNP_ORDER = 1000;

export interface Tier {
  readonly name: string;
  /** Infinity when the Tier has no order (Felix sorts nil last); tiers with no object sort after all others. */
  readonly order: number;
  readonly defaultAction: "Deny" | "Pass";
  /** False when policies name a tier that has no Tier object (Felix: an invalid tier, sorted last). */
  readonly declared: boolean;
}

/** One destination port term: a numeric range or a named port, for one protocol. */
export type PortTerm =
  | { readonly protocol: number; readonly lo: number; readonly hi: number }
  | { readonly protocol: number; readonly name: string };

/** The non-port half of a rule's source or destination (what the peer must be). */
export interface PeerSpec {
  /** The combined positive selector Felix evaluates (namespace, service accounts, selector). */
  readonly selector?: CompiledSelector;
  readonly notSelector?: CompiledSelector;
  readonly nets?: IpSet;
  readonly notNets?: IpSet;
  /**
   * Set when the positive selector can only match entities of this namespace (a namespaced policy's
   * rule without namespaceSelector): lets the connectivity engine skip other namespaces.
   */
  readonly scopeNamespace?: string;
  /**
   * `services: {name, namespace}`: the peer must be one of the Service's endpoints; as a destination
   * the connections are also limited to the Service's target ports ("endpoint addresses and ports are
   * detected from the service", TD network-policy/policy-rules/service-policy).
   */
  readonly service?: string;
  /** Canonical text used in explanations and as an identity for de-duplication. */
  readonly key: string;
}

export interface Rule {
  readonly index: number;
  readonly action: Action;
  readonly source: PeerSpec;
  readonly destination: PeerSpec;
  /** Protocol, notProtocol, icmp and notICMP folded into one set (ports not yet applied). */
  readonly protocols: ConnSet;
  /** Destination ports; undefined = any port. */
  readonly ports?: readonly PortTerm[];
  readonly notPorts?: readonly PortTerm[];
  /** True when every port term is numeric, so `conns()` does not depend on the destination. */
  readonly portsAreNumeric: boolean;
  readonly ipVersion?: 4 | 6;
  /** The rule as written (for explanations). */
  readonly text: string;
  /** Set on the deny-all rule Calico puts in place of an admin-policy rule it cannot convert: why. */
  readonly failClosed?: string;
}

export interface Policy {
  /** `Kind/name` or `Kind/namespace/name`, the identity shown in reports. */
  readonly id: string;
  readonly kind: PolicyKind;
  /**
   * Name as Felix keys and orders it: the object's name, for Kubernetes policies too (v3.32
   * `K8sNetworkPolicyToCalico` keys them `{Name: np.Name, Kind: KubernetesNetworkPolicy}`; the
   * `knp.default.` prefix survives only in rule IDs and legacy keys).
   */
  readonly name: string;
  readonly namespace?: string;
  readonly tier: string;
  readonly order: number;
  readonly selector: CompiledSelector;
  /** Undefined when the policy does not govern that direction (`types`). */
  readonly ingress?: readonly Rule[];
  readonly egress?: readonly Rule[];
  readonly applyOnForward: boolean;
  readonly preDNAT: boolean;
  readonly doNotTrack: boolean;
  readonly staged?: StagedAction;
  /** The object it came from: `Kind/namespace/name` plus file when known. */
  readonly source: { readonly object: string; readonly file?: string };
}

export interface NetworkSet {
  readonly id: string;
  readonly namespace?: string;
  readonly name: string;
  readonly labels: Labels;
  readonly nets: IpSet;
}

export interface HostEndpointObject {
  readonly name: string;
  readonly node: string;
  readonly interfaceName?: string;
  readonly expectedIPs: readonly string[];
  readonly labels: Labels;
  readonly profiles: readonly string[];
  /** Named ports of the host endpoint (`spec.ports`), for rules that name them. */
  readonly ports: ReadonlyArray<{ readonly name: string; readonly port: number; readonly protocol: "TCP" | "UDP" | "SCTP" }>;
}

/** A Kubernetes Service, for rules that match `services`. */
export interface ServiceObject {
  readonly namespace: string;
  readonly name: string;
  /** Pod selector (matchLabels semantics); undefined for a Service without selector. */
  readonly selector?: Labels;
  /** Target ports: a number or a container port name, with the protocol. */
  readonly ports: ReadonlyArray<{ readonly protocol: number; readonly target: number | string }>;
  /** `spec.ports[].nodePort` of a NodePort or LoadBalancer Service, with the target it forwards to. */
  readonly nodePorts?: ReadonlyArray<{ readonly protocol: number; readonly nodePort: number; readonly target: number | string }>;
}

export interface FailsafePort {
  readonly protocol: number;
  readonly port: number;
  /**
   * `net`: the failsafe applies only to this remote address range, the source for inbound and the
   * destination for outbound (felix/rules/static.go failsafeInChain/failsafeOutChain: SourceNet/DestNet).
   */
  readonly net?: IpSet;
}

/** Felix defaults (FelixConfiguration failsafeInboundHostPorts / failsafeOutboundHostPorts). */
export const DEFAULT_FAILSAFE_INBOUND: readonly FailsafePort[] = [
  { protocol: 6, port: 22 },
  { protocol: 17, port: 68 },
  { protocol: 6, port: 179 },
  { protocol: 6, port: 2379 },
  { protocol: 6, port: 2380 },
  { protocol: 6, port: 5473 },
  { protocol: 6, port: 6443 },
  { protocol: 6, port: 6666 },
  { protocol: 6, port: 6667 },
];
export const DEFAULT_FAILSAFE_OUTBOUND: readonly FailsafePort[] = [
  { protocol: 17, port: 53 },
  { protocol: 17, port: 67 },
  { protocol: 6, port: 179 },
  { protocol: 6, port: 2379 },
  { protocol: 6, port: 2380 },
  { protocol: 6, port: 5473 },
  { protocol: 6, port: 6443 },
  { protocol: 6, port: 6666 },
  { protocol: 6, port: 6667 },
];

export interface PolicyModel {
  readonly tiers: ReadonlyMap<string, Tier>;
  /** Enforced policies. */
  readonly policies: readonly Policy[];
  /** Staged policies (their `staged` field is set). */
  readonly staged: readonly Policy[];
  readonly networkSets: readonly NetworkSet[];
  readonly hostEndpoints: readonly HostEndpointObject[];
  readonly services: readonly ServiceObject[];
  /** KubeControllersConfiguration `controllers.node.hostEndpoint.autoCreate: Enabled`. */
  readonly autoHostEndpoints: boolean;
  readonly failsafeInbound: readonly FailsafePort[];
  readonly failsafeOutbound: readonly FailsafePort[];
  /**
   * What happens to pod → own host traffic after the pod's egress policy (FelixConfiguration
   * `defaultEndpointToHostAction`). The Tigera operator sets ACCEPT (Felix's own default is Drop), so
   * Accept is assumed unless a FelixConfiguration says otherwise; Return continues to the host's
   * own INPUT rules, which Calico does not police, so it counts as Accept.
   */
  readonly endpointToHostAction: "Accept" | "Drop";
  /**
   * Admin policies (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy) that the Calico
   * minor read for does not enforce, converted as the minor that does would: src/analysis/admin-policies.ts
   * lists the flows they would have decided.
   */
  readonly notEnforced?: readonly Policy[];
  /** Objects that could not be read faithfully; analysis goes on without them. */
  readonly problems: readonly Problem[];
  /**
   * The subset of `problems` that Calico would reject outright (an object that cannot be read at all,
   * a policy in a tier with no Tier object): the CLI refuses such input instead of analysing without
   * it. The rest (an `http` or source-port rule left out) are warnings.
   */
  readonly rejected: readonly Problem[];
}

/** Wraps plain objects as SourcedObjects (all from one file, when given). */
export function sourced(objects: readonly unknown[], file?: string): SourcedObject[] {
  return objects.map((object) => ({ object, ...(file === undefined ? {} : { file }) }));
}

/** An object with the file it came from (for problem reports and explanations). */
export interface SourcedObject {
  readonly object: unknown;
  readonly file?: string;
}

type Obj = Record<string, unknown>;
const CALICO_GROUPS = new Set(["projectcalico.org/v3", "crd.projectcalico.org/v1"]);

class PolicyReadError extends Error {
  constructor(
    readonly path: string,
    readonly value: unknown,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

function fail(path: string, value: unknown, message: string, hint: string): never {
  throw new PolicyReadError(path, value, message, hint);
}

/** A rule that cannot be decided offline: it is left out (matches nothing) and reported. */
class RuleSkipped extends PolicyReadError {}

type Skipped = Array<{ path: string; value: unknown; message: string; hint: string }>;

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function parseSel(text: string, path: string): SelectorNode {
  try {
    return node(text);
  } catch (e) {
    if (e instanceof SelectorError) fail(path, text, `invalid selector: ${e.reason}`, e.hint);
    throw e;
  }
}

function parseNets(v: unknown, path: string): IpSet | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) fail(path, v, "must be a list of CIDRs", "write nets: [10.0.0.0/8]");
  const cidrs = v.map((t, i) => {
    const c = typeof t === "string" ? parseCidr(t) : undefined;
    if (c === undefined) fail(joinPath(path, i), t, "not a CIDR", "write 10.0.0.0/8 or 2001:db8::/32");
    return c;
  });
  return IpSet.fromCidrs(cidrs);
}

function protocolOf(v: unknown, path: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "string" || typeof v === "number" ? protocolNumber(v) : undefined;
  if (n === undefined) fail(path, v, "unknown protocol", "use TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or a number 1-255");
  return n;
}

function calicoPorts(v: unknown, protocol: number | undefined, path: string): PortTerm[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) fail(path, v, "must be a list", "write ports: [80, \"8000:8080\", http]");
  if (v.length === 0) return undefined;
  if (protocol === undefined || !RULE_PORT_PROTOCOLS.has(protocol)) {
    fail(path, v, "rules that specify ports must set protocol to TCP or UDP or SCTP", "add protocol: TCP to the rule");
  }
  return v.map((p, i) => {
    const pp = joinPath(path, i);
    if (typeof p === "number") {
      if (!Number.isInteger(p) || p < 0 || p > 65535) fail(pp, p, "port out of range", "use 0-65535");
      return { protocol, lo: p, hi: p };
    }
    if (typeof p !== "string") fail(pp, p, "a port is a number, \"start:end\" or a name", "write 443 or \"8000:8080\"");
    const m = /^([0-9]+):([0-9]+)$/.exec(p);
    if (m !== null) {
      const lo = Number(m[1]);
      const hi = Number(m[2]);
      if (lo > hi || hi > 65535) fail(pp, p, "bad port range", "write \"low:high\" with low <= high <= 65535");
      return { protocol, lo, hi };
    }
    if (/^[0-9]+$/.test(p)) return { protocol, lo: Number(p), hi: Number(p) };
    return { protocol, name: p };
  });
}

function icmpSet(protocol: number | undefined, v: unknown, path: string): ConnSet | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) fail(path, v, "icmp must be {type, code}", "write icmp: {type: 8}");
  if (protocol === undefined || !ICMP_PROTOCOLS.has(protocol)) fail(path, v, "icmp needs protocol ICMP or ICMPv6", "add protocol: ICMP");
  const type = v["type"];
  const code = v["code"];
  // Calico's validator: "ICMP code specified without an ICMP type" is rejected.
  if (type === undefined && code !== undefined) fail(joinPath(path, "code"), code, "an ICMP code needs a type", "add type, e.g. icmp: {type: 3, code: 4}");
  if (type === undefined) return ConnSet.protocol(protocol);
  if (typeof type !== "number" || type < 0 || type > 254) fail(joinPath(path, "type"), type, "ICMP type must be 0-254", "write type: 8");
  if (code !== undefined && (typeof code !== "number" || code < 0 || code > 255)) fail(joinPath(path, "code"), code, "ICMP code must be 0-255", "write code: 0");
  return ConnSet.icmp(protocol, type, code as number | undefined);
}

/** Port terms resolved against a destination's named ports (a name + protocol must both match). */
export function resolvePorts(terms: readonly PortTerm[], named: ReadonlyArray<{ name?: string; port: number; protocol: string }>): ConnSet {
  let s = ConnSet.EMPTY;
  for (const t of terms) {
    if ("lo" in t) s = s.union(ConnSet.ports(t.protocol, t.lo, t.hi));
    else for (const p of named) if (p.name === t.name && protocolNumber(p.protocol) === t.protocol) s = s.union(ConnSet.ports(t.protocol, p.port, p.port));
  }
  return s;
}

/** The connections a rule matches towards a destination with these named ports. */
export function ruleConns(rule: Rule, named: ReadonlyArray<{ name?: string; port: number; protocol: string }>): ConnSet {
  let s = rule.protocols;
  if (rule.ports !== undefined) s = s.intersect(resolvePorts(rule.ports, named));
  if (rule.notPorts !== undefined) s = s.subtract(resolvePorts(rule.notPorts, named));
  return s;
}

function termText(t: PortTerm): string {
  return "lo" in t ? (t.lo === t.hi ? `${t.lo}` : `${t.lo}:${t.hi}`) : t.name;
}

function peerKey(parts: Record<string, string | undefined>): string {
  // The defined parts in their order, `k=v` joined by "; " (a loop: two of these per rule).
  let out = "";
  for (const k of Object.keys(parts)) {
    const v = parts[k];
    if (v === undefined) continue;
    out += out === "" ? `${k}=${v}` : `; ${k}=${v}`;
  }
  return out === "" ? "any" : out;
}

/**
 * A Calico EntityRule → PeerSpec, following `getEndpointSelector`: the namespace restriction
 * (namespaceSelector, or the policy's own namespace) is added only when some selector field is used.
 */
function calicoPeer(er: unknown, policyNs: string | undefined, path: string): { peer: PeerSpec; ports?: PortTerm[]; notPorts?: PortTerm[]; raw: Obj } {
  const e: Obj = isObj(er) ? er : {};
  const selText = str(e["selector"]);
  const notSelText = str(e["notSelector"]);
  const nsSelText = str(e["namespaceSelector"]);
  const sa = isObj(e["serviceAccounts"]) ? e["serviceAccounts"] : undefined;
  let service: string | undefined;
  if (e["services"] !== undefined) {
    const sv = e["services"];
    if (!isObj(sv) || typeof sv["name"] !== "string") fail(joinPath(path, "services"), sv, "services needs a name", "write services: {name: kubernetes, namespace: default}");
    service = `${typeof sv["namespace"] === "string" ? sv["namespace"] : (policyNs ?? "default")}/${sv["name"]}`;
  }
  let saNode: SelectorNode | undefined;
  if (sa !== undefined) {
    const saSel = str(sa["selector"]);
    const names = Array.isArray(sa["names"]) ? sa["names"].filter((n): n is string => typeof n === "string") : [];
    const s = saSel === undefined ? undefined : rewrite(parseSel(saSel, joinPath(path, "serviceAccounts.selector")), SA_PREFIX, undefined, undefined);
    const n: SelectorNode | undefined = names.length === 0 ? undefined : { kind: "in", key: LABEL_SERVICE_ACCOUNT, values: [...new Set(names)].sort() };
    saNode = and(s, n);
  }
  const selNode = selText === undefined ? undefined : parseSel(selText, joinPath(path, "selector"));
  let nsNode: SelectorNode | undefined;
  let scopeNamespace: string | undefined;
  if (nsSelText !== undefined) {
    parseSel(nsSelText, joinPath(path, "namespaceSelector"));
    nsNode = namespaceSelectorNode(nsSelText);
  } else if (policyNs !== undefined) nsNode = eqNode(LABEL_NAMESPACE, policyNs);
  const positive = and(saNode, selNode);
  let combined: SelectorNode | undefined = positive;
  if (nsNode !== undefined && (positive !== undefined || notSelText !== undefined || nsSelText !== undefined)) {
    combined = positive === undefined ? nsNode : and(nsNode, positive);
    if (nsSelText === undefined) scopeNamespace = policyNs;
  }
  const nets = parseNets(e["nets"], joinPath(path, "nets"));
  const notNets = parseNets(e["notNets"], joinPath(path, "notNets"));
  const notSel = notSelText === undefined ? undefined : compile(parseSel(notSelText, joinPath(path, "notSelector")));
  const text = peerKey({
    selector: selText,
    notSelector: notSelText,
    namespaceSelector: nsSelText,
    serviceAccounts: sa === undefined ? undefined : JSON.stringify(sa),
    service,
    nets: Array.isArray(e["nets"]) ? (e["nets"] as unknown[]).join(",") : undefined,
    notNets: Array.isArray(e["notNets"]) ? (e["notNets"] as unknown[]).join(",") : undefined,
    scope: combined !== undefined && nsSelText === undefined && policyNs !== undefined ? `namespace ${policyNs}` : undefined,
  });
  return {
    peer: {
      ...(combined === undefined ? {} : { selector: compile(combined) }),
      ...(notSel === undefined ? {} : { notSelector: notSel }),
      ...(nets === undefined ? {} : { nets }),
      ...(notNets === undefined ? {} : { notNets }),
      ...(scopeNamespace === undefined ? {} : { scopeNamespace }),
      ...(service === undefined ? {} : { service }),
      key: text,
    },
    raw: e,
  };
}

const ACTIONS: readonly Action[] = ["Allow", "Deny", "Log", "Pass"];

function calicoRule(r: unknown, index: number, policyNs: string | undefined, path: string): Rule {
  if (!isObj(r)) fail(path, r, "a rule must be a map", "write { action: Allow, ... }");
  const action = r["action"];
  if (typeof action !== "string" || !(ACTIONS as readonly string[]).includes(action)) {
    fail(joinPath(path, "action"), action, "action must be Allow, Deny, Log or Pass", "write action: Allow");
  }
  if (r["http"] !== undefined) {
    throw new RuleSkipped(joinPath(path, "http"), r["http"], "HTTP match rules need the application layer; this rule is left out of the analysis (it matches nothing here)", "review this rule by hand");
  }
  const protocol = protocolOf(r["protocol"], joinPath(path, "protocol"));
  const notProtocol = protocolOf(r["notProtocol"], joinPath(path, "notProtocol"));
  let protocols = protocol === undefined ? ConnSet.ALL : ConnSet.protocol(protocol);
  if (notProtocol !== undefined) protocols = protocols.subtract(ConnSet.protocol(notProtocol));
  const icmp = icmpSet(protocol, r["icmp"], joinPath(path, "icmp"));
  if (icmp !== undefined) protocols = protocols.intersect(icmp);
  const notIcmp = icmpSet(protocol, r["notICMP"], joinPath(path, "notICMP"));
  if (notIcmp !== undefined) protocols = protocols.subtract(notIcmp);
  const src = calicoPeer(r["source"], policyNs, joinPath(path, "source"));
  const dst = calicoPeer(r["destination"], policyNs, joinPath(path, "destination"));
  const ports = calicoPorts(dst.raw["ports"], protocol, joinPath(path, "destination.ports"));
  const notPorts = calicoPorts(dst.raw["notPorts"], protocol, joinPath(path, "destination.notPorts"));
  const srcPorts = calicoPorts(src.raw["ports"], protocol, joinPath(path, "source.ports"));
  const srcNotPorts = calicoPorts(src.raw["notPorts"], protocol, joinPath(path, "source.notPorts"));
  if (srcPorts !== undefined || srcNotPorts !== undefined) {
    // Flows are analysed by destination port; an ephemeral source port is unknown, so a rule that
    // depends on it cannot be decided offline.
    throw new RuleSkipped(joinPath(path, "source.ports"), src.raw["ports"] ?? src.raw["notPorts"], "source ports are not analysed (a flow's source port is ephemeral); this rule is left out of the analysis (it matches nothing here)", "match on destination ports, or review this rule by hand");
  }
  const ipVersion = r["ipVersion"] === 4 || r["ipVersion"] === 6 ? r["ipVersion"] : undefined;
  const all = [...(ports ?? []), ...(notPorts ?? [])];
  const text = [
    `${action}`,
    protocol === undefined ? undefined : `protocol ${String(r["protocol"])}`,
    notProtocol === undefined ? undefined : `notProtocol ${String(r["notProtocol"])}`,
    icmp === undefined ? undefined : `icmp ${JSON.stringify(r["icmp"])}`,
    notIcmp === undefined ? undefined : `notICMP ${JSON.stringify(r["notICMP"])}`,
    // Peers in parentheses so their `;`-separated fields do not run into the ports.
    src.peer.key === "any" ? undefined : `from (${src.peer.key})`,
    dst.peer.key === "any" ? undefined : `to (${dst.peer.key})`,
    ports === undefined ? undefined : `on ports ${ports.map(termText).join(",")}`,
    notPorts === undefined ? undefined : `not on ports ${notPorts.map(termText).join(",")}`,
  ]
    .filter((x) => x !== undefined)
    .join(" ");
  return {
    index,
    action: action as Action,
    source: src.peer,
    destination: dst.peer,
    protocols,
    ...(ports === undefined ? {} : { ports }),
    ...(notPorts === undefined ? {} : { notPorts }),
    portsAreNumeric: all.every((t) => "lo" in t) && dst.peer.service === undefined,
    ...(ipVersion === undefined ? {} : { ipVersion }),
    text,
  };
}

function rulesOf(spec: Obj, key: "ingress" | "egress", ns: string | undefined, base: string, skipped: Skipped): Rule[] {
  const v = spec[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(joinPath(base, key), v, `${key} must be a list of rules`, `write ${key}: [ ... ]`);
  const out: Rule[] = [];
  v.forEach((r, i) => {
    try {
      out.push(calicoRule(r, i, ns, joinPath(joinPath(base, key), i)));
    } catch (e) {
      if (!(e instanceof RuleSkipped)) throw e;
      skipped.push({ path: e.path, value: e.value, message: e.message, hint: e.hint });
    }
  });
  return out;
}

function typesOf(spec: Obj, hasIngress: boolean, hasEgress: boolean, path: string): { ingress: boolean; egress: boolean } {
  const t = spec["types"];
  if (Array.isArray(t) && t.length > 0) {
    for (const x of t) if (x !== "Ingress" && x !== "Egress") fail(path, t, "types must hold Ingress and/or Egress", "write types: [Ingress, Egress]");
    return { ingress: t.includes("Ingress"), egress: t.includes("Egress") };
  }
  // api/pkg/defaults defaultPolicyTypesField.
  if (!hasEgress) return { ingress: true, egress: false };
  if (!hasIngress) return { ingress: false, egress: true };
  return { ingress: true, egress: true };
}

function calicoPolicy(o: Obj, kind: "GlobalNetworkPolicy" | "NetworkPolicy", staged: StagedAction | undefined, source: { object: string; file?: string }, skipped: Skipped): Policy {
  const m = isObj(o["metadata"]) ? o["metadata"] : {};
  const name = str(m["name"]) ?? fail("metadata.name", m["name"], "name is required", "set metadata.name");
  const ns = kind === "NetworkPolicy" ? (str(m["namespace"]) ?? "default") : undefined;
  const spec: Obj = isObj(o["spec"]) ? o["spec"] : {};
  const tier = str(spec["tier"]) ?? DEFAULT_TIER;
  const order = typeof spec["order"] === "number" ? spec["order"] : Infinity;
  const ingress = rulesOf(spec, "ingress", ns, "spec", skipped);
  const egress = rulesOf(spec, "egress", ns, "spec", skipped);
  // Defaulting looks at the rules as written, including any left out of the analysis.
  const written = (k: string): boolean => Array.isArray(spec[k]) && (spec[k] as unknown[]).length > 0;
  const types = typesOf(spec, written("ingress"), written("egress"), "spec.types");
  // Policy selector as libcalico-go builds it (updateprocessors, ConvertGlobalNetworkPolicyV3ToV1Value and
  // ConvertNetworkPolicyV3ToV1Value, v3.29-v3.32): the extra selectors are prefixed (pcns./pcsa.) and appended
  // as "(<selector>) && <prefixed>"; for a GlobalNetworkPolicy, every literal "all()" in the combined text is
  // then replaced by has(projectcalico.org/namespace) (namespaceSelector) or has(projectcalico.org/serviceaccount)
  // (serviceAccountSelector). So `selector: all()` plus a namespaceSelector never selects host endpoints, while an
  // omitted selector (the Calico docs' deny-app-policy) with `name not in {...}` DOES select them: host endpoints
  // carry no pcns.* labels, so `not in` is true. A NetworkPolicy is ANDed with its namespace and gets no replacement.
  const selText = str(spec["selector"]);
  let sel: SelectorNode | undefined = selText === undefined || selText === "" ? undefined : parseSel(selText, "spec.selector");
  const saSel = str(spec["serviceAccountSelector"]);
  if (kind === "NetworkPolicy") {
    sel = and(sel, eqNode(LABEL_NAMESPACE, ns!));
    if (saSel !== undefined && saSel !== "") sel = and(sel, rewrite(parseSel(saSel, "spec.serviceAccountSelector"), SA_PREFIX, undefined, undefined));
  } else {
    const replaceAll = (n: SelectorNode | undefined, to: SelectorNode): SelectorNode | undefined => (n === undefined ? undefined : rewrite(n, "", to, undefined));
    const nsSel = str(spec["namespaceSelector"]);
    if (nsSel !== undefined && nsSel !== "") {
      sel = and(replaceAll(sel, HAS_NAMESPACE), rewrite(parseSel(nsSel, "spec.namespaceSelector"), NS_PREFIX, HAS_NAMESPACE, undefined));
    }
    if (saSel !== undefined && saSel !== "") {
      sel = and(replaceAll(sel, HAS_SERVICE_ACCOUNT), rewrite(parseSel(saSel, "spec.serviceAccountSelector"), SA_PREFIX, HAS_SERVICE_ACCOUNT, undefined));
    }
  }
  const selector = compile(sel ?? { kind: "all" }, selText ?? "all()");
  const doNotTrack = spec["doNotTrack"] === true;
  const preDNAT = spec["preDNAT"] === true;
  return {
    id: ns === undefined ? `${staged === undefined ? "" : "Staged"}${kind}/${name}` : `${staged === undefined ? "" : "Staged"}${kind}/${ns}/${name}`,
    kind,
    name,
    ...(ns === undefined ? {} : { namespace: ns }),
    tier,
    order,
    selector,
    ...(types.ingress ? { ingress } : {}),
    ...(types.egress ? { egress } : {}),
    applyOnForward: spec["applyOnForward"] === true || doNotTrack || preDNAT,
    preDNAT,
    doNotTrack,
    ...(staged === undefined ? {} : { staged }),
    source,
  };
}

function asK8sSelector(v: unknown, path: string): K8sLabelSelector | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) fail(path, v, "a label selector must be a map", "write { matchLabels: { app: web } }");
  const exprs = v["matchExpressions"];
  if (exprs !== undefined && !Array.isArray(exprs)) fail(joinPath(path, "matchExpressions"), exprs, "must be a list", "write matchExpressions: [{key, operator, values}]");
  const out: Array<{ key: string; operator: string; values?: string[] }> = [];
  (exprs ?? []).forEach((e: unknown, i: number) => {
    const p = joinPath(joinPath(path, "matchExpressions"), i);
    if (!isObj(e) || typeof e["key"] !== "string") fail(p, e, "an expression needs key and operator", "write {key: app, operator: In, values: [web]}");
    const op = e["operator"];
    if (op !== "In" && op !== "NotIn" && op !== "Exists" && op !== "DoesNotExist") fail(joinPath(p, "operator"), op, "unknown operator", "use In, NotIn, Exists or DoesNotExist");
    const values = Array.isArray(e["values"]) ? e["values"].filter((x): x is string => typeof x === "string") : [];
    out.push({ key: e["key"], operator: op, values });
  });
  return { matchLabels: strLabels(v["matchLabels"]), matchExpressions: out };
}

const K8S_POD = eqNode(LABEL_ORCHESTRATOR, "k8s");

function k8sPeer(p: unknown, ns: string, path: string): PeerSpec {
  if (!isObj(p)) fail(path, p, "a peer must be a map", "write { podSelector: {...} }");
  const ipBlock = p["ipBlock"];
  if (isObj(ipBlock)) {
    const cidr = typeof ipBlock["cidr"] === "string" ? parseCidr(ipBlock["cidr"]) : undefined;
    if (cidr === undefined) fail(joinPath(path, "ipBlock.cidr"), ipBlock["cidr"], "not a CIDR", "write cidr: 10.0.0.0/8");
    const except = parseNets(ipBlock["except"], joinPath(path, "ipBlock.except"));
    return {
      nets: IpSet.fromCidrs([cidr]),
      ...(except === undefined || except.isEmpty() ? {} : { notNets: except }),
      key: peerKey({ ipBlock: String(ipBlock["cidr"]), except: Array.isArray(ipBlock["except"]) ? ipBlock["except"].join(",") : undefined }),
    };
  }
  const podSel = asK8sSelector(p["podSelector"], joinPath(path, "podSelector"));
  const nsSel = asK8sSelector(p["namespaceSelector"], joinPath(path, "namespaceSelector"));
  // k8sSelectorToCalico: pods only; an empty namespaceSelector means every namespace (has(projectcalico.org/namespace)).
  const podNode = and(K8S_POD, podSel === undefined ? undefined : k8sSelectorNode(podSel));
  let nsNode: SelectorNode;
  if (nsSel === undefined) nsNode = eqNode(LABEL_NAMESPACE, ns);
  else if ((nsSel.matchExpressions?.length ?? 0) === 0 && Object.keys(nsSel.matchLabels ?? {}).length === 0) nsNode = HAS_NAMESPACE;
  else nsNode = k8sSelectorNode(nsSel, NS_PREFIX);
  return {
    selector: compile(and(nsNode, podNode)!),
    ...(nsSel === undefined ? { scopeNamespace: ns } : {}),
    key: peerKey({
      podSelector: p["podSelector"] === undefined ? undefined : JSON.stringify(p["podSelector"]),
      namespaceSelector: p["namespaceSelector"] === undefined ? undefined : JSON.stringify(p["namespaceSelector"]),
      scope: nsSel === undefined ? `namespace ${ns}` : undefined,
    }),
  };
}

function k8sRules(spec: Obj, key: "ingress" | "egress", ns: string): Rule[] {
  const v = spec[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(joinPath("spec", key), v, `${key} must be a list`, `write ${key}: [ ... ]`);
  const peerField = key === "ingress" ? "from" : "to";
  const out: Rule[] = [];
  v.forEach((r: unknown, i: number) => {
    const path = joinPath(joinPath("spec", key), i);
    const rule: Obj = isObj(r) ? r : {};
    const peersRaw = rule[peerField];
    const peers: Array<PeerSpec | undefined> =
      Array.isArray(peersRaw) && peersRaw.length > 0 ? peersRaw.map((p, j) => k8sPeer(p, ns, joinPath(joinPath(path, peerField), j))) : [undefined];
    const portsRaw = rule["ports"];
    let ports: PortTerm[] | undefined;
    let protocols = ConnSet.ALL;
    if (Array.isArray(portsRaw) && portsRaw.length > 0) {
      ports = [];
      let protos = ConnSet.EMPTY;
      portsRaw.forEach((pp: unknown, j: number) => {
        const ppath = joinPath(joinPath(path, "ports"), j);
        const po: Obj = isObj(pp) ? pp : {};
        const proto = protocolOf(po["protocol"] ?? "TCP", joinPath(ppath, "protocol"))!;
        const port = po["port"];
        const endPort = po["endPort"];
        if (port === undefined || port === null) {
          ports!.push({ protocol: proto, lo: 0, hi: 65535 });
        } else if (typeof port === "number") {
          const hi = typeof endPort === "number" ? endPort : port;
          if (hi < port) fail(joinPath(ppath, "endPort"), endPort, "endPort is below port", "set endPort >= port");
          ports!.push({ protocol: proto, lo: port, hi });
        } else if (typeof port === "string") {
          if (/^[0-9]+$/.test(port)) ports!.push({ protocol: proto, lo: Number(port), hi: Number(port) });
          else ports!.push({ protocol: proto, name: port });
        } else fail(joinPath(ppath, "port"), port, "port must be a number or a name", "write port: 443 or port: https");
        protos = protos.union(ConnSet.protocol(proto));
      });
      protocols = protos;
    }
    const text = (peer: PeerSpec | undefined): string =>
      [`Allow`, peer === undefined ? undefined : `${key === "ingress" ? "from" : "to"} (${peer.key})`, ports === undefined ? undefined : `on ports ${ports.map((t) => `${termText(t)}/${t.protocol === 6 ? "TCP" : t.protocol === 17 ? "UDP" : "SCTP"}`).join(",")}`]
        .filter((x) => x !== undefined)
        .join(" ");
    // One Calico rule per peer (Calico's conversion does the same), all with index i of the k8s rule.
    for (const peer of peers) {
      const anyPeer: PeerSpec = { key: "any" };
      out.push({
        index: i,
        action: "Allow",
        source: key === "ingress" ? (peer ?? anyPeer) : anyPeer,
        destination: key === "egress" ? (peer ?? anyPeer) : anyPeer,
        protocols,
        ...(ports === undefined ? {} : { ports }),
        portsAreNumeric: (ports ?? []).every((t) => "lo" in t),
        text: text(peer),
      });
    }
  });
  return out;
}

function k8sPolicy(o: Obj, staged: StagedAction | undefined, source: { object: string; file?: string }): Policy {
  const m = isObj(o["metadata"]) ? o["metadata"] : {};
  const name = str(m["name"]) ?? fail("metadata.name", m["name"], "name is required", "set metadata.name");
  const ns = str(m["namespace"]) ?? "default";
  const spec: Obj = isObj(o["spec"]) ? o["spec"] : {};
  const podSel = asK8sSelector(spec["podSelector"], "spec.podSelector") ?? {};
  const ingress = k8sRules(spec, "ingress", ns);
  const egress = k8sRules(spec, "egress", ns);
  const pt = spec["policyTypes"];
  let types: { ingress: boolean; egress: boolean };
  if (Array.isArray(pt) && pt.length > 0) types = { ingress: pt.includes("Ingress"), egress: pt.includes("Egress") };
  else types = { ingress: true, egress: Array.isArray(spec["egress"]) && spec["egress"].length > 0 };
  const selector = compile(and(eqNode(LABEL_NAMESPACE, ns), K8S_POD, k8sSelectorNode(podSel))!, JSON.stringify(spec["podSelector"] ?? {}));
  return {
    id: `${staged === undefined ? "" : "Staged"}KubernetesNetworkPolicy/${ns}/${name}`,
    kind: "KubernetesNetworkPolicy",
    name,
    namespace: ns,
    tier: DEFAULT_TIER,
    order: KNP_ORDER,
    selector,
    ...(types.ingress ? { ingress } : {}),
    ...(types.egress ? { egress } : {}),
    applyOnForward: false,
    preDNAT: false,
    doNotTrack: false,
    ...(staged === undefined ? {} : { staged }),
    source,
  };
}

/**
 * Relabels the GlobalNetworkPolicy Calico would build as the admin policy it came from: its id
 * (`ClusterNetworkPolicy/<name>`), kind, rule indices (the admin policy's rule, not Calico's expansion)
 * and directions (only those with rules, as Calico's `types`).
 */
function relabel(kind: AdminKind, objectName: string, p: Policy, conv: AdminConversion, o: Obj): Policy {
  const spec: Obj = isObj(o["spec"]) ? o["spec"] : {};
  const fix = (dir: "ingress" | "egress", rules: readonly Rule[] | undefined): readonly Rule[] | undefined => {
    const idx = conv.ruleIndex?.[dir] ?? [];
    if (idx.length === 0 || rules === undefined) return undefined;
    const raw = Array.isArray(spec[dir]) ? (spec[dir] as unknown[]) : [];
    return rules.map((r, k) => {
      const i = idx[k] ?? r.index;
      const orig: Obj = isObj(raw[i]) ? (raw[i] as Obj) : {};
      const f = conv.failed.find((x) => x.direction === dir && x.index === i);
      const name = typeof orig["name"] === "string" && orig["name"] !== "" ? ` "${orig["name"]}"` : "";
      const action = String(orig["action"]);
      const text = f !== undefined ? `Deny all (fail-closed: rule ${i}${name}, ${action}, could not be converted: ${f.reason})` : `${action}${action === r.action ? "" : ` (Calico ${r.action})`}${name}: ${r.text.replace(/^(Allow|Deny|Pass)\s*/, "")}`;
      return { ...r, index: i, text, ...(f === undefined ? {} : { failClosed: f.reason }) };
    });
  };
  const ingress = fix("ingress", p.ingress);
  const egress = fix("egress", p.egress);
  const rest: Policy = { ...p };
  delete (rest as { ingress?: unknown }).ingress;
  delete (rest as { egress?: unknown }).egress;
  return {
    ...rest,
    id: `${kind}/${objectName}`,
    kind,
    ...(ingress === undefined ? {} : { ingress }),
    ...(egress === undefined ? {} : { egress }),
  };
}

function failsafes(v: unknown, dflt: readonly FailsafePort[], path: string): readonly FailsafePort[] {
  if (!Array.isArray(v)) return dflt;
  return v.map((p, i) => {
    const pp = joinPath(path, i);
    if (!isObj(p) || typeof p["port"] !== "number" || !Number.isInteger(p["port"]) || p["port"] < 0 || p["port"] > 65535) fail(joinPath(pp, "port"), isObj(p) ? p["port"] : p, "a failsafe port needs a port number 0-65535", "write { protocol: TCP, port: 22 }");
    const proto = protocolNumber(typeof p["protocol"] === "string" ? p["protocol"] : "TCP");
    if (proto === undefined) fail(joinPath(pp, "protocol"), p["protocol"], "unknown protocol", "use TCP, UDP or SCTP");
    let net: IpSet | undefined;
    if (p["net"] !== undefined && p["net"] !== "") {
      const c = typeof p["net"] === "string" ? parseCidr(p["net"]) : undefined;
      if (c === undefined) fail(joinPath(pp, "net"), p["net"], "not a CIDR", "write net: 10.0.0.0/8");
      net = IpSet.fromCidrs([c]);
    }
    return { protocol: proto, port: p["port"], ...(net === undefined ? {} : { net }) };
  });
}

function builtInAdminTiers(minor: CalicoMinor): Tier[] {
  return minor === "3.32"
    ? [adminTierOf("ClusterNetworkPolicy", "Admin"), adminTierOf("ClusterNetworkPolicy", "Baseline")]
    : [adminTierOf("AdminNetworkPolicy"), adminTierOf("BaselineAdminNetworkPolicy")];
}

export interface ReadOptions {
  /**
   * The Calico minor whose conversion applies to the Kubernetes admin policy kinds (default 3.32): 3.32
   * enforces ClusterNetworkPolicy and ignores AdminNetworkPolicy/BaselineAdminNetworkPolicy, 3.30/3.31 the
   * reverse. Calico's own kinds read the same on every minor.
   */
  readonly calicoMinor?: CalicoMinor;
  /**
   * What earlier reads made of each object: an object deeply equal to one read before (same identity,
   * file and minor) gives the very same Policy or NetworkSet, so that a second version of the manifests
   * (a diff, a review) is recognised as unchanged by identity downstream (model.ts, connectivity.ts).
   */
  readonly memo?: PolicyReadMemo;
}

/** One object's reading, kept for the next read of the same object. */
interface MemoEntry {
  readonly raw: unknown;
  readonly kind: "policy" | "staged" | "networkSet";
  readonly value: Policy | NetworkSet;
  readonly skipped: Skipped;
}

/**
 * Remembers, per object (by its minor, file, apiVersion, kind, namespace and name), the object as read and
 * what readPolicies made of it. It keeps references to the objects read: they must not be changed
 * afterwards. Only objects read without an error are remembered (an error is reported again).
 */
export class PolicyReadMemo {
  private readonly entries = new Map<string, MemoEntry>();

  /** The reading of `raw` under `key` when an equal object was read before. */
  lookup(key: string, raw: unknown): MemoEntry | undefined {
    const e = this.entries.get(key);
    return e !== undefined && sameJson(e.raw, raw) ? e : undefined;
  }

  remember(key: string, entry: MemoEntry): void {
    this.entries.set(key, entry);
  }
}

/** Deep equality of parsed YAML/JSON values, key order included (a reading may follow key order). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Reads every policy-side object. Objects that cannot be read become problems, not crashes. */
export function readPolicies(input: ReadonlyArray<SourcedObject>, opts: ReadOptions = {}): PolicyModel {
  const minor = opts.calicoMinor ?? "3.32";
  const memo = opts.memo;
  // Readings taken from the memo in this read (one object, one reading).
  const used = new Set<Policy | NetworkSet>();
  const notEnforced: Policy[] = [];
  const sourced: Array<{ o: Obj; file?: string }> = [];
  for (const x of input) {
    for (const o of flattenObjects([x.object])) sourced.push({ o, ...(x.file === undefined ? {} : { file: x.file }) });
  }
  const tiers = new Map<string, Tier>();
  const policies: Policy[] = [];
  const staged: Policy[] = [];
  const networkSets: NetworkSet[] = [];
  const hostEndpoints: HostEndpointObject[] = [];
  const services: ServiceObject[] = [];
  const problems: Problem[] = [];
  const rejected: Problem[] = [];
  let autoHostEndpoints = false;
  let failsafeInbound = DEFAULT_FAILSAFE_INBOUND;
  let failsafeOutbound = DEFAULT_FAILSAFE_OUTBOUND;
  let endpointToHostAction: "Accept" | "Drop" = "Accept";
  for (const { o, file } of sourced) {
    const kind = o["kind"];
    const api = o["apiVersion"];
    const m = isObj(o["metadata"]) ? o["metadata"] : {};
    const name = str(m["name"]) ?? "";
    const ns = str(m["namespace"]);
    const object = `${String(kind)}/${ns === undefined ? "" : `${ns}/`}${name}`;
    const source = { object, ...(file === undefined ? {} : { file }) };
    const spec: Obj = isObj(o["spec"]) ? o["spec"] : {};
    const skipped: Skipped = [];
    // Policies, staged policies and network sets read before, unchanged: the same objects again (each once
    // per read: a duplicate object gets a reading of its own).
    const memoKey = memo === undefined ? "" : `${minor}\u0000${file ?? ""}\u0000${String(api)}\u0000${String(kind)}\u0000${ns ?? ""}\u0000${name}`;
    const known = memo?.lookup(memoKey, o);
    if (known !== undefined && !used.has(known.value)) {
      used.add(known.value);
      if (known.kind === "policy") policies.push(known.value as Policy);
      else if (known.kind === "staged") staged.push(known.value as Policy);
      else networkSets.push(known.value as NetworkSet);
      for (const k of known.skipped) problems.push({ ...k, object, ...(file === undefined ? {} : { file }) });
      continue;
    }
    // A repeated object (`known`, but taken in this read) keeps the first one's reading in the memo.
    const keep = (kind: MemoEntry["kind"], value: Policy | NetworkSet): void => {
      if (memo === undefined || known !== undefined) return;
      used.add(value);
      memo.remember(memoKey, { raw: o, kind, value, skipped });
    };
    try {
      if (api === "networking.k8s.io/v1" && kind === "NetworkPolicy") {
        const p = k8sPolicy(o, undefined, source);
        policies.push(p);
        keep("policy", p);
        continue;
      }
      if (isAdminObject(api, kind)) {
        // ClusterNetworkPolicy (tiers kube-admin / kube-baseline, 3.32) and AdminNetworkPolicy /
        // BaselineAdminNetworkPolicy (adminnetworkpolicy / baselineadminnetworkpolicy, 3.29-3.31).
        const conv = convertAdminObject(kind, o);
        if (conv.malformed !== undefined) fail(conv.malformed.path, conv.malformed.value, conv.malformed.message, conv.malformed.hint);
        const gnpSkipped: Skipped = [];
        const policy = relabel(kind, name, calicoPolicy(conv.gnp!, "GlobalNetworkPolicy", undefined, source, gnpSkipped), conv, o);
        for (const k of gnpSkipped) problems.push({ ...k, ...source });
        for (const f of failedRuleProblems(kind, conv.failed, source)) problems.push(f);
        if (adminKindEnforced(kind, minor)) {
          policies.push(policy);
          if (!tiers.has(conv.tier!.name)) tiers.set(conv.tier!.name, conv.tier!);
        } else {
          notEnforced.push(policy);
          problems.push({
            path: "kind",
            value: kind,
            message:
              kind === "ClusterNetworkPolicy"
                ? `Calico ${minor} does not enforce ClusterNetworkPolicy (3.32 is the first that does); the flows it would decide are listed as not enforced`
                : `Calico ${minor} does not enforce ${kind} (removed in 3.32: "must be removed or replaced by ClusterNetworkPolicy before upgrade"); the flows it would decide are listed as not enforced`,
            hint: kind === "ClusterNetworkPolicy" ? "target Calico 3.32, or write the AdminNetworkPolicy equivalent" : `rewrite it as a ClusterNetworkPolicy (tier: ${kind === "AdminNetworkPolicy" ? "Admin" : "Baseline"}, Allow → Accept)`,
            ...source,
          });
        }
        continue;
      }
      if (typeof api === "string" && api.startsWith("policy.networking.k8s.io/")) {
        // Another version or kind of the network-policy-api group (e.g. a v1alpha1 ClusterNetworkPolicy).
        problems.push({ path: "apiVersion", value: api, message: `${String(kind)} of ${api} is not analysed (Calico converts ClusterNetworkPolicy v1alpha2 on 3.32, AdminNetworkPolicy/BaselineAdminNetworkPolicy v1alpha1 before); flows it allows or denies are not shown`, hint: "write policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy (or v1alpha1 AdminNetworkPolicy for Calico 3.30/3.31)", ...source });
        continue;
      }
      if (api === "v1" && kind === "Service") {
        const ports = (Array.isArray(spec["ports"]) ? spec["ports"] : []).filter(isObj).map((p) => ({
          protocol: protocolNumber(typeof p["protocol"] === "string" ? p["protocol"] : "TCP") ?? 6,
          target: typeof p["targetPort"] === "number" || typeof p["targetPort"] === "string" ? p["targetPort"] : typeof p["port"] === "number" ? p["port"] : 0,
        }));
        const sel = isObj(spec["selector"]) ? strLabels(spec["selector"]) : undefined;
        // Node ports (the Service's type NodePort or LoadBalancer): what the north-south report lists.
        const nodePorts = spec["type"] === "NodePort" || spec["type"] === "LoadBalancer"
          ? (Array.isArray(spec["ports"]) ? spec["ports"] : []).filter(isObj).flatMap((p, i) => (typeof p["nodePort"] === "number" ? [{ protocol: ports[i]?.protocol ?? 6, nodePort: p["nodePort"], target: ports[i]?.target ?? 0 }] : []))
          : [];
        services.push({ namespace: ns ?? "default", name, ...(sel === undefined ? {} : { selector: sel }), ports, ...(nodePorts.length === 0 ? {} : { nodePorts }) });
        continue;
      }
      if (typeof api !== "string" || !CALICO_GROUPS.has(api)) continue;
      const stagedAction = (): StagedAction => {
        const a = spec["stagedAction"] ?? "Set";
        if (a !== "Set" && a !== "Delete" && a !== "Learn" && a !== "Ignore") fail("spec.stagedAction", a, "unknown stagedAction", "use Set, Delete, Learn or Ignore");
        return a;
      };
      switch (kind) {
        case "Tier": {
          const da = spec["defaultAction"] ?? "Deny";
          if (da !== "Deny" && da !== "Pass") fail("spec.defaultAction", da, "defaultAction must be Deny or Pass", "write defaultAction: Pass");
          // The default tier's order is fixed by Calico whatever the object says.
          const order = name === DEFAULT_TIER ? DEFAULT_TIER_ORDER : typeof spec["order"] === "number" ? spec["order"] : Infinity;
          tiers.set(name, { name, order, defaultAction: da, declared: true });
          break;
        }
        case "GlobalNetworkPolicy":
        case "NetworkPolicy": {
          const p = calicoPolicy(o, kind, undefined, source, skipped);
          policies.push(p);
          keep("policy", p);
          break;
        }
        case "StagedGlobalNetworkPolicy":
        case "StagedNetworkPolicy":
        case "StagedKubernetesNetworkPolicy": {
          const p = kind === "StagedKubernetesNetworkPolicy" ? k8sPolicy(o, stagedAction(), source) : calicoPolicy(o, kind === "StagedNetworkPolicy" ? "NetworkPolicy" : "GlobalNetworkPolicy", stagedAction(), source, skipped);
          staged.push(p);
          keep("staged", p);
          break;
        }
        case "GlobalNetworkSet":
        case "NetworkSet": {
          const nets = parseNets(spec["nets"], "spec.nets") ?? IpSet.EMPTY;
          const namespace = kind === "NetworkSet" ? (ns ?? "default") : undefined;
          const set: NetworkSet = { id: object, name, ...(namespace === undefined ? {} : { namespace }), labels: strLabels(m["labels"]), nets };
          networkSets.push(set);
          keep("networkSet", set);
          break;
        }
        case "HostEndpoint": {
          const node = str(spec["node"]) ?? fail("spec.node", spec["node"], "a HostEndpoint needs its node", "set spec.node");
          const iface = str(spec["interfaceName"]);
          for (const [i, prof] of (Array.isArray(spec["profiles"]) ? spec["profiles"] : []).entries()) {
            if (prof !== "projectcalico-default-allow") {
              skipped.push({ path: `spec.profiles[${i}]`, value: prof, message: "only the projectcalico-default-allow profile is modelled; this one is treated as absent (no allow)", hint: "use projectcalico-default-allow, or policies selecting the host endpoint" });
            }
          }
          hostEndpoints.push({
            name,
            node,
            ...(iface === undefined ? {} : { interfaceName: iface }),
            expectedIPs: Array.isArray(spec["expectedIPs"]) ? spec["expectedIPs"].filter((x): x is string => typeof x === "string") : [],
            labels: strLabels(m["labels"]),
            profiles: Array.isArray(spec["profiles"]) ? spec["profiles"].filter((x): x is string => typeof x === "string") : [],
            ports: (Array.isArray(spec["ports"]) ? spec["ports"] : []).filter(isObj).flatMap((p) => {
              const protocol = p["protocol"] ?? "TCP";
              return typeof p["name"] === "string" && typeof p["port"] === "number" && (protocol === "TCP" || protocol === "UDP" || protocol === "SCTP") ? [{ name: p["name"], port: p["port"], protocol }] : [];
            }),
          });
          break;
        }
        case "KubeControllersConfiguration": {
          const c = isObj(spec["controllers"]) ? spec["controllers"] : {};
          const n = isObj(c["node"]) ? c["node"] : {};
          const h = isObj(n["hostEndpoint"]) ? n["hostEndpoint"] : {};
          if (h["autoCreate"] === "Enabled") autoHostEndpoints = true;
          break;
        }
        case "FelixConfiguration":
          if (name === "default") {
            failsafeInbound = failsafes(spec["failsafeInboundHostPorts"], failsafeInbound, "spec.failsafeInboundHostPorts");
            failsafeOutbound = failsafes(spec["failsafeOutboundHostPorts"], failsafeOutbound, "spec.failsafeOutboundHostPorts");
            // Felix reads the value case-insensitively (felix/config/config_params.go `oneof(DROP,RETURN,ACCEPT)`,
            // parsed by OneofListParam in felix/config/param_types.go, which lower-cases it), and the v3.32 CRD pattern is `^(?i)(Drop|Accept|Return)?$`, so a
            // `drop` that reaches Felix drops; it used to be read as Accept (issue 11). The Calico API server's
            // validator is case-sensitive (libcalico-go dropAcceptReturnRegex) and validateResource reports it.
            const a = spec["defaultEndpointToHostAction"];
            const upper = typeof a === "string" ? a.toUpperCase() : undefined;
            if (upper === "DROP") endpointToHostAction = "Drop";
            else if (upper === "ACCEPT" || upper === "RETURN") endpointToHostAction = "Accept";
            else if (a !== undefined && a !== null && a !== "") {
              skipped.push({ path: "spec.defaultEndpointToHostAction", value: a, message: "not an action Felix knows (Drop, Accept or Return); Felix refuses to start with it, and the analysis assumes Accept", hint: "write Drop, Accept or Return" });
            }
          }
          break;
        case "Profile":
          // User Profiles carry rules that apply after every tier; only the built-in ones are modelled.
          skipped.push({ path: "kind", value: kind, message: "Profile rules are not analysed; host endpoints naming this profile are treated as having no profile", hint: "review it by hand, or use a GlobalNetworkPolicy" });
          break;
        default:
          break;
      }
    } catch (e) {
      if (!(e instanceof PolicyReadError)) throw e;
      const p: Problem = { path: e.path, value: e.value, message: e.message, hint: e.hint, object, ...(file === undefined ? {} : { file }) };
      problems.push({ ...p, message: `${e.message}; the object is left out of the analysis` });
      rejected.push(p);
    }
    for (const k of skipped) problems.push({ ...k, object, ...(file === undefined ? {} : { file }) });
  }
  if (!tiers.has(DEFAULT_TIER)) tiers.set(DEFAULT_TIER, { name: DEFAULT_TIER, order: DEFAULT_TIER_ORDER, defaultAction: "Deny", declared: true });
  // Calico creates its admin tiers itself (clientv3 client.go ensureTierExists: kube-admin and kube-baseline on
  // 3.32, adminnetworkpolicy and baselineadminnetworkpolicy before): a policy may name them without a Tier object.
  for (const t of builtInAdminTiers(minor)) if (!tiers.has(t.name) && [...policies, ...staged].some((p) => p.tier === t.name)) tiers.set(t.name, t);
  for (const p of [...policies, ...staged]) {
    if (!tiers.has(p.tier)) {
      tiers.set(p.tier, { name: p.tier, order: Infinity, defaultAction: "Deny", declared: false });
    }
    if (!tiers.get(p.tier)!.declared) {
      const problem: Problem = { path: "spec.tier", value: p.tier, message: `tier "${p.tier}" has no Tier object`, hint: "add the Tier (Calico rejects policies in a missing tier)", object: p.source.object, ...(p.source.file === undefined ? {} : { file: p.source.file }) };
      problems.push(problem);
      rejected.push(problem);
    }
  }
  return { tiers, policies, staged, networkSets, hostEndpoints, services, autoHostEndpoints, failsafeInbound, failsafeOutbound, endpointToHostAction, ...(notEnforced.length === 0 ? {} : { notEnforced }), problems, rejected };
}

/**
 * The "would be" view: staged policies applied over the enforced ones. A staged policy with
 * stagedAction Set replaces its enforced namesake (same kind, namespace and name) or is added;
 * Delete removes the namesake; Learn and Ignore change nothing.
 */
export function stagedView(model: PolicyModel): PolicyModel {
  const key = (p: Policy): string => `${p.kind}/${p.namespace ?? ""}/${p.name}`;
  const byKey = new Map(model.policies.map((p) => [key(p), p] as const));
  for (const s of model.staged) {
    if (s.staged === "Set") byKey.set(key(s), s);
    else if (s.staged === "Delete") byKey.delete(key(s));
  }
  return { ...model, policies: [...byKey.values()], staged: [] };
}
