/**
 * Observed flows and the evaluator contract that replay and recommendation are written against.
 *
 * A flow here is what Calico's flow pipeline (Felix → Goldmane → Whisker, OSS 3.30+) records: endpoints are
 * identified by kind, namespace, aggregated name and labels, NOT by IP address. Goldmane never carries pod or
 * host IPs; traffic to addresses Calico does not know is reported as type `Network` with the name `pub` or
 * `pvt`. Only the CSV import (and an optional `*_ip`/`*_net` extension field on JSON lines) can carry an
 * address. Everything below is pure data so it can be deduplicated, cached and compared cheaply.
 */

/** What kind of endpoint a flow end is, mirroring Goldmane's `EndpointType`. */
export type FlowEndpointKind = "workload" | "host" | "networkset" | "network";

export interface FlowEndpoint {
  readonly kind: FlowEndpointKind;
  /** Namespace of a workload or a namespaced NetworkSet; undefined for host endpoints, global sets, networks. */
  readonly namespace?: string;
  /**
   * Goldmane's aggregated name: pod generateName prefix (`web-7d9c5b-*`) for workloads, HostEndpoint name,
   * NetworkSet name, or `pub`/`pvt` for unknown networks. Undefined when the source (e.g. CSV) does not say.
   */
  readonly name?: string;
  /** Labels as recorded (Goldmane records the intersection of labels over the aggregated pods). */
  readonly labels: Readonly<Record<string, string>>;
  /** An address or CIDR, only when the import format carries one. */
  readonly net?: string;
}

/** Layer-4 protocol as Calico names it in rules (`TCP`, `UDP`, `SCTP`, `ICMP`, `ICMPv6`, `UDPLite`) or a number. */
export type FlowProtocol = string;

export type FlowAction = "Allow" | "Deny" | "Pass";

/** One policy hit of a Goldmane policy trace (`PolicyHit` in goldmane/proto/api.proto). */
export interface FlowPolicyHit {
  /** Goldmane `PolicyKind` name: CalicoNetworkPolicy, GlobalNetworkPolicy, Staged*, NetworkPolicy, Profile, EndOfTier. */
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly tier: string;
  readonly action: FlowAction;
  /** Position of the policy among all policies the flow traversed (lower first). */
  readonly policyIndex: number;
  /** Index of the rule inside the policy; -1 for end-of-tier and profile hits. */
  readonly ruleIndex: number;
  /** For kind EndOfTier: the first policy of the tier that selected the endpoint. */
  readonly trigger?: FlowPolicyHit;
  /**
   * The tier and name as one identity across Calico 3.31 and 3.32 exports (canonicalPolicyHit: allow-tigera →
   * calico-system, no `<tier>.` prefix), when it differs from what was logged.
   */
  readonly canonical?: { readonly tier: string; readonly name: string };
}

/**
 * One deduplicated flow: every imported record with the same source, destination, protocol and port folds
 * into one of these (reporter and time are not part of the key: replay asks what the policy says about the
 * connection, not who saw it).
 */
export interface ObservedFlow {
  readonly source: FlowEndpoint;
  readonly destination: FlowEndpoint;
  readonly protocol: FlowProtocol;
  /** Destination port; undefined for protocols without ports (ICMP) or when the record has port 0. */
  readonly port?: number;
  /**
   * What the cluster did when the flow was recorded, folded over all records of the key: `Deny` if any record
   * (from either reporter) was denied, `Allow` if all allowed. Undefined when the format does not say
   * (CSV without an action column means "observed traffic", treated as allowed today).
   */
  readonly action?: FlowAction;
  /**
   * Would-be action recorded by the cluster with staged policies included (the final Allow/Deny of Goldmane's
   * `pending_policies` trace), folded like `action`. Undefined when no record carried a pending trace.
   */
  readonly pendingAction?: FlowAction;
  /** Number of connections (JSON: num_connections_started, else 1 per record; CSV: the count column). */
  readonly count: number;
  /** 1-based line numbers of the first record of this key, for reports that point back into the file. */
  readonly firstLine: number;
}

/** Which policy set an evaluation asks about. */
export type PolicyView =
  /** What the dataplane enforces: staged policies ignored. */
  | "enforced"
  /** What it would enforce if every staged policy were promoted (Calico's `pending` view). */
  | "would-be";

/** A single rule of one policy, stable across runs so hit counts can be keyed on it. */
export interface RuleRef {
  /** `Kind/namespace/name` or `Kind/name` of the policy object. */
  readonly policy: string;
  readonly tier: string;
  readonly direction: "ingress" | "egress";
  /** Index of the rule in `spec.ingress` / `spec.egress`. */
  readonly index: number;
  readonly action: string;
}

/** One step of the decision trail inside one direction. */
export interface TrailStep {
  readonly tier: string;
  /** Policy that produced the step; undefined for end-of-tier and profile steps. */
  readonly policy?: string;
  readonly rule?: RuleRef;
  /** `Allow`, `Deny`, `Pass`, `Log`, `end-of-tier Deny`, `end-of-tier Pass`, `profile Allow`, `no policy` ... */
  readonly outcome: string;
}

export interface DirectionVerdict {
  readonly allowed: boolean;
  /** The trail that decided, in evaluation order; the last step is the deciding one. */
  readonly trail: readonly TrailStep[];
  /** Every rule that matched the flow on its way (Log, Pass and the deciding rule), for hit counts. */
  readonly hits: readonly RuleRef[];
}

export interface FlowVerdict {
  readonly allowed: boolean;
  /** Egress at the source endpoint. */
  readonly egress: DirectionVerdict;
  /** Ingress at the destination endpoint. */
  readonly ingress: DirectionVerdict;
  /**
   * Set when the policy set cannot decide the flow from what the record carries, e.g. a rule with `nets`
   * and a flow to `pub` without an address. Replay reports such flows instead of guessing.
   */
  readonly undecidable?: string;
}

export interface FlowQuery {
  readonly source: FlowEndpoint;
  readonly destination: FlowEndpoint;
  readonly protocol: FlowProtocol;
  readonly port?: number;
}

/**
 * What replay needs from the analysis engine. The adapter in `evaluator-adapter.ts` builds one from the
 * analysis evaluator; tests may pass any implementation.
 */
export interface FlowEvaluator {
  evaluate(flow: FlowQuery, view: PolicyView): FlowVerdict;
  /** Every rule of the evaluated policy set (both views), so replay can list the rules no flow used. */
  rules(): readonly RuleRef[];
  /**
   * A key such that two endpoints with the same key get the same verdicts, e.g. namespace + labels for
   * workloads. Replay caches verdicts per (source class, destination class, protocol, port).
   */
  endpointClass(endpoint: FlowEndpoint): string;
  /**
   * The cases-file reference (`<namespace>/<workload>`, `host:<node>`) of an endpoint the inventory declares,
   * or undefined: a flow end is matched to an inventory workload by labels, so the inventory's name can differ
   * from the name the flow export carries (a Deployment named otherwise, a ReplicaSet hash left in the name).
   */
  inventoryRef?(endpoint: FlowEndpoint): string | undefined;
}

/** Label maps from the importer are shared and frozen, so their canonical text is computed once each. */
const LABELS_KEY = new WeakMap<object, string>();

/** Canonical text of a label map: keys sorted, `k=v` joined by `,`. */
export function labelsKey(labels: Readonly<Record<string, string>>): string {
  let out = LABELS_KEY.get(labels);
  if (out !== undefined) return out;
  out = "";
  for (const k of Object.keys(labels).sort()) out += (out === "" ? "" : ",") + k + "=" + labels[k];
  if (Object.isFrozen(labels)) LABELS_KEY.set(labels, out);
  return out;
}

const ENDPOINT_KEY = new WeakMap<FlowEndpoint, string>();

/** Identity of an endpoint as far as a flow record knows it (memoised: the importer shares endpoint objects). */
export function endpointKey(e: FlowEndpoint): string {
  let k = ENDPOINT_KEY.get(e);
  if (k === undefined) {
    k = `${e.kind}|${e.namespace ?? ""}|${e.name ?? ""}|${e.net ?? ""}|${labelsKey(e.labels)}`;
    ENDPOINT_KEY.set(e, k);
  }
  return k;
}

/** Key of a flow without action and counts: the unit replay deduplicates on. */
export function flowKey(f: FlowQuery): string {
  return `${endpointKey(f.source)}>${endpointKey(f.destination)}>${f.protocol}>${f.port ?? ""}`;
}

/** Human-readable endpoint: `ns/name {labels}`, `host:name`, `net:1.2.3.4/32`, `networkset:ns/name`. */
export function formatEndpoint(e: FlowEndpoint): string {
  const labels = labelsKey(e.labels);
  const lab = labels === "" ? "" : ` {${labels}}`;
  switch (e.kind) {
    case "workload":
      return `${e.namespace ?? "?"}/${e.name ?? "*"}${lab}`;
    case "host":
      return `host:${e.name ?? "?"}${lab}`;
    case "networkset":
      return `networkset:${e.namespace === undefined ? "" : `${e.namespace}/`}${e.name ?? "?"}${e.net === undefined ? "" : ` ${e.net}`}`;
    case "network":
      return `net:${e.net ?? e.name ?? "?"}`;
  }
}

export function formatFlow(f: FlowQuery): string {
  const port = f.port === undefined ? "" : `:${f.port}`;
  return `${formatEndpoint(f.source)} -> ${formatEndpoint(f.destination)} ${f.protocol}${port}`;
}
