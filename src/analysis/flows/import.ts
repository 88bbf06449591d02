/**
 * Flow import: Calico Whisker / Goldmane JSON lines and a simple CSV, into deduplicated `ObservedFlow`s.
 * The formats are documented in docs/flows.md. Every malformed line is reported with its line number; the
 * import fails with one `UserError` carrying all of them rather than dropping anything silently.
 */
import { createReadStream } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";
import { parseCidr } from "../../model/net.js";
import { PORT_PROTOCOLS, protocolName, protocolNumber } from "../connset.js";
import { isFsError } from "../../io/fs-errors.js";
import { MAX_FLOW_LINE_CHARS, MAX_PROBLEMS_KEPT } from "../../model/limits.js";
import { type Problem, UserError } from "../../model/problem.js";
import { FIELD, type FieldTable, FlowLineScanner, SCAN_FIELDS, SIDE_FIELDS, ValueType } from "./import-scan.js";
import { parseLabelPairs, parseLabelString } from "./labels.js";
import {
  type FlowAction,
  type FlowEndpoint,
  type FlowEndpointKind,
  type FlowPolicyHit,
  type ObservedFlow,
  flowKey,
} from "./model.js";

export type FlowFormat = "json" | "csv";

/** One record before deduplication. */
export interface FlowRecord {
  readonly source: FlowEndpoint;
  readonly destination: FlowEndpoint;
  readonly protocol: string;
  readonly port?: number;
  readonly action?: FlowAction;
  readonly reporter?: "src" | "dst";
  readonly pendingAction?: FlowAction;
  readonly count: number;
}

export interface ImportResult {
  readonly flows: readonly ObservedFlow[];
  /** Non-blank lines read (header included for CSV). */
  readonly lines: number;
  /** Records accepted before deduplication. */
  readonly records: number;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

// ---------------------------------------------------------------------------------------------------------
// Enum decoding. Goldmane's emitter marshals protobuf structs with encoding/json (numbers, snake_case);
// protojson and Whisker use the enum names. Both are accepted, case-insensitively.

/**
 * A decoding table without a prototype: a value such as "constructor" or "toString" is unknown, not
 * Object.prototype's member.
 */
function enumTable<T>(entries: Record<string, T>): Record<string, T> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

const ACTIONS: Record<string, FlowAction | "unspecified"> = enumTable({
  "0": "unspecified", actionunspecified: "unspecified", unspecified: "unspecified",
  "1": "Allow", allow: "Allow",
  "2": "Deny", deny: "Deny",
  "3": "Pass", pass: "Pass",
});
const REPORTERS: Record<string, "src" | "dst" | "unspecified"> = enumTable({
  "0": "unspecified", reporterunspecified: "unspecified", unspecified: "unspecified",
  "1": "src", src: "src", source: "src",
  "2": "dst", dst: "dst", destination: "dst", dest: "dst",
});
const ENDPOINT_TYPES: Record<string, FlowEndpointKind | "unspecified"> = enumTable({
  "0": "unspecified", endpointtypeunspecified: "unspecified",
  "1": "workload", workloadendpoint: "workload", wep: "workload", workload: "workload",
  "2": "host", hostendpoint: "host", hep: "host", host: "host",
  "3": "networkset", networkset: "networkset", ns: "networkset",
  "4": "network", network: "network", net: "network",
});
/**
 * goldmane/proto/api.proto `PolicyKind` numbers. 7 and 8 were AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy up to 3.31 and are reserved in 3.32, which adds ClusterNetworkPolicy as 11
 * (kube-admin / kube-baseline tiers); exports from either version decode.
 */
const POLICY_KINDS: Readonly<Record<number, string>> = {
  0: "KindUnspecified", 1: "CalicoNetworkPolicy", 2: "GlobalNetworkPolicy", 3: "StagedNetworkPolicy",
  4: "StagedGlobalNetworkPolicy", 5: "StagedKubernetesNetworkPolicy", 6: "NetworkPolicy",
  7: "AdminNetworkPolicy", 8: "BaselineAdminNetworkPolicy", 9: "Profile", 10: "EndOfTier",
  11: "ClusterNetworkPolicy",
};

function enumKey(v: Json | undefined): string | undefined {
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return v.toLowerCase();
  return undefined;
}

/** Calico's protocol spelling, or undefined if not a protocol. Numbers 1-255 are kept as numbers. */
export function normaliseProtocol(v: string | number): string | undefined {
  const n = protocolNumber(v);
  return n === undefined ? undefined : protocolName(n);
}

/**
 * ICMP and ICMPv6 have no ports. Felix still fills a Goldmane flow's `dest_port` for ICMP: with the ICMP type
 * and code, `type << 8 | code` (felix/collector/iptables.go, extractTupleFromNflogTuple and
 * extractTupleFromCtEntryTuple; felix/collector/goldmane/client.go copies it to `FlowKey.dest_port`). So the JSON
 * import validates the field and then drops it for these protocols: an echo request (2048) and an echo reply (0)
 * are one flow, as Calico's ICMP rules without `icmp.type` see them. A CSV row is ours, not Felix's: a port on an
 * ICMP row is refused.
 */
export function isIcmp(protocol: string): boolean {
  const n = protocolNumber(protocol);
  return n === 1 || n === 58;
}

/** Protocols whose flows carry a destination port (TCP, UDP, SCTP, UDPLite). */
export function protocolHasPorts(protocol: string): boolean {
  const n = protocolNumber(protocol);
  return n !== undefined && PORT_PROTOCOLS.has(n);
}

// ---------------------------------------------------------------------------------------------------------

/** camelCase spellings, computed once per field name (this runs millions of times on large exports). */
const CAMEL = new Map<string, string>();

/**
 * Whether the line being decoded uses protojson's camelCase names; set once per line so the common
 * snake_case lines never pay for the second lookup of absent optional fields.
 */
let camelStyle = false;

/** Reads `snake_case` or `camelCase` (protojson) spelling of a field. */
function field(o: JsonObject, snake: string): Json | undefined {
  const direct = o[snake];
  if (direct !== undefined || !camelStyle) return direct;
  let camel = CAMEL.get(snake);
  if (camel === undefined) {
    camel = snake.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    CAMEL.set(snake, camel);
  }
  return camel === snake ? undefined : o[camel];
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Felix writes `-` for fields it did not include. */
function text(v: Json | undefined): string | undefined {
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  return t === "" || t === "-" ? undefined : t;
}

/**
 * A text field that must be a string when present (absent, null, "" and "-" are "not given"): any other type is
 * a problem with its line and field, never read as absent, which would change the endpoint silently
 * (`"dest_namespace": 5` used to turn a workload into a host; issue 11, defect 6).
 */
function textField(v: Json | undefined, path: string, line: number, problems: LineProblems): string | undefined {
  if (v !== undefined && v !== null && typeof v !== "string") {
    problems.add(line, path, `${path.split(".").pop() ?? path} must be a string`, "write it as a JSON string, e.g. \"shop\"", v);
    return undefined;
  }
  return text(v);
}

/** An integer field (policy_index, rule_index); absent or null gives `dflt`, any other non-integer is a problem. */
function intField(v: Json | undefined, dflt: number, path: string, line: number, problems: LineProblems): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "number" || !Number.isSafeInteger(v)) {
    problems.add(line, path, `${path.split(".").pop() ?? path} must be an integer`, "write it as a JSON number, e.g. 0", v);
    return dflt;
  }
  return v;
}

/**
 * The problems of one import: the first MAX_PROBLEMS_KEPT are kept, the rest only counted, so a file of
 * millions of bad lines costs constant memory (compare `count`, never `list.length`, to see new problems).
 */
class LineProblems {
  readonly list: Problem[] = [];
  /** Every problem recorded, kept or not. */
  count = 0;
  /** Lines with at least one problem. */
  lines = 0;
  private lastLine = -1;
  /** Path of the flow inside the line when a line holds several (`items[3]` of a Whisker list). */
  prefix = "";
  constructor(private readonly file: string) {}
  add(line: number, path: string, message: string, hint: string, value?: unknown): void {
    this.count++;
    if (line !== this.lastLine) {
      this.lines++;
      this.lastLine = line;
    }
    if (this.list.length >= MAX_PROBLEMS_KEPT) return;
    const full = this.prefix === "" ? path : path === "" ? this.prefix : `${this.prefix}.${path}`;
    this.list.push({ file: line > 0 ? `${this.file}:${line}` : this.file, path: full, message, hint, ...(value === undefined ? {} : { value }) });
  }
}

/**
 * Cache of parsed label texts and of endpoints: flows repeat, so the same label string is parsed once and
 * records of the same endpoint share one (frozen) object, which also memoises its dedupe key.
 */
class LabelCache {
  private readonly cache = new Map<string, Record<string, string> | string>();
  private readonly endpoints = new Map<string, FlowEndpoint>();
  private readonly labelIds = new WeakMap<object, number>();
  private nextLabelId = 0;

  endpoint(kind: FlowEndpointKind, namespace: string | undefined, name: string | undefined, labels: Record<string, string>, net: string | undefined): FlowEndpoint {
    let id = this.labelIds.get(labels);
    if (id === undefined) {
      id = this.nextLabelId++;
      this.labelIds.set(labels, id);
    }
    const key = `${kind}\u0000${namespace ?? ""}\u0000${name ?? ""}\u0000${net ?? ""}\u0000${id}`;
    let e = this.endpoints.get(key);
    if (e === undefined) {
      e = Object.freeze({
        kind,
        ...(namespace === undefined ? {} : { namespace }),
        ...(name === undefined ? {} : { name }),
        labels,
        ...(net === undefined ? {} : { net }),
      });
      // Bounded: a pathological file with millions of distinct endpoints still imports, just uncached.
      if (this.endpoints.size < 200_000) this.endpoints.set(key, e);
    }
    return e;
  }

  parse(raw: string, split: (t: string) => ReturnType<typeof parseLabelString>): Record<string, string> | string {
    let hit = this.cache.get(raw);
    if (hit === undefined) {
      const r = split(raw);
      hit = r.ok ? Object.freeze(r.labels) : `${r.message}: "${r.value}"`;
      if (this.cache.size < 100_000) this.cache.set(raw, hit);
    }
    return hit;
  }
}

function decodeEndpoint(
  side: "source" | "dest",
  o: JsonObject,
  key: JsonObject,
  labelsOwner: JsonObject,
  line: number,
  problems: LineProblems,
  labels: LabelCache,
): FlowEndpoint | undefined {
  const before = problems.count;
  const name = textField(field(key, `${side}_name`), `${side}_name`, line, problems);
  const namespace = textField(field(key, `${side}_namespace`), `${side}_namespace`, line, problems);
  if (problems.count !== before) return undefined;
  const typeRaw = field(key, `${side}_type`);
  let kind: FlowEndpointKind | undefined;
  if (typeRaw !== undefined) {
    const t = ENDPOINT_TYPES[enumKey(typeRaw) ?? ""];
    if (t === undefined) {
      problems.add(line, `${side}_type`, "unknown endpoint type", "use WorkloadEndpoint, HostEndpoint, NetworkSet or Network (or 1-4)", typeRaw);
      return undefined;
    }
    if (t !== "unspecified") kind = t;
  }
  // Whisker's API drops the type; infer it the way Goldmane names things (docs/flows.md, "Endpoint kinds").
  if (kind === undefined) kind = name === "pub" || name === "pvt" ? "network" : namespace !== undefined ? "workload" : "host";

  const labelsRaw = field(labelsOwner, `${side}_labels`) ?? field(key, `${side}_labels`);
  let parsed: Record<string, string> | string = {};
  if (typeof labelsRaw === "string") parsed = labels.parse(labelsRaw, parseLabelString);
  else if (Array.isArray(labelsRaw)) {
    if (labelsRaw.every((l): l is string => typeof l === "string")) {
      parsed = labels.parse(labelsRaw.join("|"), (t) => parseLabelPairs(t.split("|")));
    } else parsed = "labels must be strings";
  } else if (isObject(labelsRaw)) {
    const pairs: string[] = [];
    for (const [k, v] of Object.entries(labelsRaw)) pairs.push(`${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
    parsed = Object.values(labelsRaw).every((v) => typeof v === "string") ? labels.parse(pairs.join("|"), (t) => parseLabelPairs(t.split("|"))) : "label values must be strings";
  } else if (labelsRaw !== undefined && labelsRaw !== null) parsed = "labels must be a string, a list or a map";
  if (typeof parsed === "string") {
    problems.add(line, `${side}_labels`, parsed, 'write labels as "key=value | key=value" or ["key=value", ...]', labelsRaw);
    return undefined;
  }

  // Extension: an address, when the exporter knows it (Goldmane does not).
  const netRaw = field(o, `${side}_ip`) ?? field(o, `${side}_net`) ?? field(key, `${side}_ip`) ?? field(key, `${side}_net`);
  let net: string | undefined;
  if (netRaw !== undefined && netRaw !== null) {
    if (typeof netRaw !== "string" || parseCidr(netRaw) === undefined) {
      problems.add(line, `${side}_net`, "not an IP address or CIDR", "write 10.0.0.5 or 10.0.0.0/24", netRaw);
      return undefined;
    }
    net = netRaw;
  }
  if (name === undefined && namespace === undefined && net === undefined && Object.keys(parsed).length === 0) {
    problems.add(line, `${side}_name`, `the ${side} is empty`, `give ${side}_name and ${side}_namespace (workload), or ${side}_type with a name (host, network set, network)`, field(key, `${side}_name`) ?? null);
    return undefined;
  }
  if (kind === "workload" && namespace === undefined) {
    problems.add(line, `${side}_namespace`, "a workload endpoint needs its namespace", "set the namespace, or the type for hosts and networks", field(key, `${side}_namespace`) ?? null);
    return undefined;
  }
  if (kind === "network" && name === undefined && net === undefined) {
    problems.add(line, `${side}_name`, "a network endpoint needs a name (pub/pvt) or an address", "set the name or the address", null);
    return undefined;
  }
  return labels.endpoint(kind, kind === "host" || kind === "network" ? undefined : namespace, name, parsed, net);
}

function decodeAction(v: Json | undefined): FlowAction | "unspecified" | undefined {
  return ACTIONS[enumKey(v) ?? ""];
}

/** Kinds whose names carry the `<tier>.` prefix before 3.32 (names.ValidateTieredPolicyName, 3.29-3.31). */
const TIERED_KINDS = new Set(["CalicoNetworkPolicy", "GlobalNetworkPolicy", "StagedNetworkPolicy", "StagedGlobalNetworkPolicy"]);

/**
 * A policy hit's tier and name as one identity for exports of 3.31 and 3.32 alike: 3.32 renames the operator's
 * tier allow-tigera to calico-system (calico #11842) and no longer requires the `<tier>.` name prefix (calico
 * #11232), so `allow-tigera` / `allow-tigera.cluster-dns` (3.31) and `calico-system` / `cluster-dns` (3.32) are
 * the same policy: tier `calico-system`, name `cluster-dns`. Other names lose a leading `<tier>.` of their own tier.
 */
export function canonicalPolicyHit(hit: { readonly kind: string; readonly tier: string; readonly name: string }): { readonly tier: string; readonly name: string } {
  const tier = hit.tier === "allow-tigera" ? "calico-system" : hit.tier;
  if (!TIERED_KINDS.has(hit.kind)) return { tier, name: hit.name };
  for (const prefix of new Set([`${hit.tier}.`, `${tier}.`])) {
    if (hit.tier !== "" && hit.name.startsWith(prefix) && hit.name.length > prefix.length) return { tier, name: hit.name.slice(prefix.length) };
  }
  return { tier, name: hit.name };
}

function decodeHit(v: Json, path: string, line: number, problems: LineProblems): FlowPolicyHit | undefined {
  if (!isObject(v)) {
    problems.add(line, path, "a policy hit must be an object", "see docs/flows.md for the PolicyHit fields", v);
    return undefined;
  }
  const kindRaw = v["kind"];
  const kind = typeof kindRaw === "number" ? POLICY_KINDS[kindRaw] : typeof kindRaw === "string" ? kindRaw : kindRaw === undefined || kindRaw === null ? "KindUnspecified" : undefined;
  const action = decodeAction(v["action"]);
  if (kind === undefined) {
    problems.add(line, `${path}.kind`, "unknown policy kind", "use a PolicyKind name or number 0-11 from goldmane/proto/api.proto", kindRaw ?? null);
    return undefined;
  }
  if (action === undefined || action === "unspecified") {
    problems.add(line, `${path}.action`, "policy hit without a valid action", "action is Allow, Deny or Pass", v["action"] ?? null);
    return undefined;
  }
  const before = problems.count;
  const trig = v["trigger"];
  if (trig !== undefined && trig !== null && !isObject(trig)) problems.add(line, `${path}.trigger`, "a trigger must be a policy hit object", "see docs/flows.md for the PolicyHit fields", trig);
  const trigger = isObject(trig) ? decodeHit(trig, `${path}.trigger`, line, problems) : undefined;
  const ns = textField(v["namespace"], `${path}.namespace`, line, problems);
  const name = textField(v["name"], `${path}.name`, line, problems) ?? "";
  const tier = textField(v["tier"], `${path}.tier`, line, problems) ?? "";
  const policyIndex = intField(field(v, "policy_index"), 0, `${path}.policy_index`, line, problems);
  const ruleIndex = intField(field(v, "rule_index"), -1, `${path}.rule_index`, line, problems);
  if (problems.count !== before) return undefined;
  const canonical = canonicalPolicyHit({ kind, name, tier });
  return {
    kind,
    ...(ns === undefined ? {} : { namespace: ns }),
    name,
    tier,
    ...(canonical.tier === tier && canonical.name === name ? {} : { canonical }),
    action,
    policyIndex,
    ruleIndex,
    ...(trigger === undefined ? {} : { trigger }),
  };
}

/**
 * The final verdict of a policy trace: hits in policy order, the first Allow or Deny decides (Pass moves on to
 * the next tier; an end-of-tier hit carries the tier's default action, a profile hit the profile's).
 */
export function traceVerdict(hits: readonly FlowPolicyHit[]): FlowAction | undefined {
  const sorted = [...hits].sort((a, b) => a.policyIndex - b.policyIndex);
  for (const h of sorted) if (h.action === "Allow" || h.action === "Deny") return h.action;
  return undefined;
}

/**
 * Decodes one line: a flow object; a Whisker list response `{"total": ..., "items": [flow, ...]}`; or a line
 * of Whisker's event stream (`?watch=true`: `data: {flow}` lines, blank separators, `error: ...` lines).
 * Returns the records; problems are recorded, never thrown.
 */
export function decodeJsonLine(lineText: string, line: number, problems: LineProblems, labels: LabelCache): FlowRecord[] {
  let text = lineText;
  if (text.startsWith("data:")) text = text.slice(5);
  else if (/^(event|id|retry):|^:/.test(text)) return [];
  else if (text.startsWith("error:")) {
    problems.add(line, "", `the flow stream reported an error: ${text.slice(6).trim()}`, "re-export the flows; the export is incomplete");
    return [];
  }
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch (e) {
    problems.add(line, "", `not valid JSON (${(e as Error).message})`, "each line must be one JSON object (JSON lines)");
    return [];
  }
  if (isObject(parsed) && Array.isArray(parsed["items"])) {
    const out: FlowRecord[] = [];
    parsed["items"].forEach((item, i) => {
      problems.prefix = `items[${i}]`;
      const r = decodeJsonFlow(item, line, problems, labels);
      if (r !== undefined) out.push(r);
    });
    problems.prefix = "";
    return out;
  }
  const r = decodeJsonFlow(parsed, line, problems, labels);
  return r === undefined ? [] : [r];
}

/**
 * A flow's policy trace (`policies`): validates both traces, returns the would-be verdict of the pending one.
 * Problems are recorded, never thrown.
 */
function decodePolicies(policies: Json | undefined, line: number, problems: LineProblems): FlowAction | undefined {
  let pendingAction: FlowAction | undefined;
  if (policies !== undefined && policies !== null) {
    if (!isObject(policies)) {
      problems.add(line, "policies", "policies must be an object", "use {enforced: [...], pending: [...]}", policies);
    } else {
      const pend = policies["pending"] ?? field(policies, "pending_policies");
      if (pend !== undefined && pend !== null) {
        if (!Array.isArray(pend)) problems.add(line, "policies.pending", "must be a list of policy hits", "see docs/flows.md", pend);
        else {
          const hits: FlowPolicyHit[] = [];
          pend.forEach((h, i) => {
            const hit = decodeHit(h, `policies.pending[${i}]`, line, problems);
            if (hit !== undefined) hits.push(hit);
          });
          pendingAction = traceVerdict(hits);
        }
      }
      const enf = policies["enforced"] ?? field(policies, "enforced_policies");
      if (enf !== undefined && enf !== null) {
        if (!Array.isArray(enf)) problems.add(line, "policies.enforced", "must be a list of policy hits", "see docs/flows.md", enf);
        else enf.forEach((h, i) => void decodeHit(h, `policies.enforced[${i}]`, line, problems));
      }
    }
  }

  return pendingAction;
}

/** Decodes one parsed flow object into a record, or records problems and returns undefined. */
function decodeJsonFlow(parsed: Json, line: number, problems: LineProblems, labels: LabelCache): FlowRecord | undefined {
  if (!isObject(parsed)) {
    problems.add(line, "", "a flow line must be a JSON object", "each line must be one JSON object (JSON lines)", parsed);
    return undefined;
  }
  // Goldmane FlowResult `{id, flow: {...}}` and Flow `{Key: {...}, ...}` (encoding/json) / `{key: ...}` (protojson).
  let o: JsonObject = parsed;
  const wrapped = o["flow"];
  if (isObject(wrapped)) o = wrapped;
  else if (wrapped !== undefined && wrapped !== null) {
    problems.add(line, "flow", "flow must be an object", "write the FlowResult as {id, flow: {key: {...}, ...}}", wrapped);
    return undefined;
  }
  const keyRaw = o["Key"] ?? o["key"];
  if (keyRaw !== undefined && keyRaw !== null && !isObject(keyRaw)) {
    problems.add(line, o["Key"] !== undefined ? "Key" : "key", "the flow key must be an object", "write the Goldmane Flow as {Key: {source_name, ...}, ...}", keyRaw);
    return undefined;
  }
  const key: JsonObject = isObject(keyRaw) ? keyRaw : o;
  camelStyle = key["source_name"] === undefined && key["dest_name"] === undefined;
  const before = problems.count;

  const source = decodeEndpoint("source", o, key, o, line, problems, labels);
  const destination = decodeEndpoint("dest", o, key, o, line, problems, labels);

  const protoRaw = field(key, "proto") ?? field(key, "protocol");
  const protocol = typeof protoRaw === "string" || typeof protoRaw === "number" ? normaliseProtocol(protoRaw) : undefined;
  if (protocol === undefined) {
    problems.add(line, "protocol", "missing or unknown protocol", "use TCP, UDP, SCTP, ICMP, ICMPv6, UDPLite or 1-255", protoRaw ?? null);
  }
  const portRaw = field(key, "dest_port");
  let port: number | undefined;
  if (portRaw !== undefined && portRaw !== null) {
    const n = typeof portRaw === "string" && /^[0-9]+$/.test(portRaw) ? Number(portRaw) : portRaw;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 65535) {
      problems.add(line, "dest_port", "port must be an integer 0-65535", "write the destination port number", portRaw);
    } else if (n !== 0) port = n;
  }
  if (protocol !== undefined && protocolHasPorts(protocol) && port === undefined && problems.count === before) {
    problems.add(line, "dest_port", `a ${protocol} flow needs a destination port`, "write the destination port number", portRaw ?? null);
  }
  if (protocol !== undefined && isIcmp(protocol)) port = undefined;

  let action: FlowAction | undefined;
  const actionRaw = field(key, "action");
  if (actionRaw !== undefined) {
    const a = decodeAction(actionRaw);
    if (a === undefined) problems.add(line, "action", "unknown action", "use Allow, Deny or Pass (or 1-3)", actionRaw);
    else if (a !== "unspecified") action = a;
  }
  let reporter: "src" | "dst" | undefined;
  const reporterRaw = field(key, "reporter");
  if (reporterRaw !== undefined) {
    const r = REPORTERS[enumKey(reporterRaw) ?? ""];
    if (r === undefined) problems.add(line, "reporter", "unknown reporter", "use src or dst (or 1-2)", reporterRaw);
    else if (r !== "unspecified") reporter = r;
  }

  // Policy trace: Whisker {enforced, pending}, Goldmane {enforced_policies, pending_policies}.
  const pendingAction = decodePolicies(field(key, "policies"), line, problems);

  const started = field(o, "num_connections_started");
  let count = 1;
  if (started !== undefined && started !== null) {
    // Beyond 2^53 - 1 a JSON number is no longer an exact integer (JSON.parse already rounded it): refused,
    // never counted wrong (issue 11).
    if (typeof started !== "number" || !Number.isSafeInteger(started) || started < 0) {
      problems.add(line, "num_connections_started", Number.isInteger(started) && (started as number) > 0 ? "is larger than 2^53 - 1, the largest count kept exactly" : "must be a non-negative integer", "write the connection count", started);
    } else if (started > 0) count = started;
  }

  if (problems.count !== before) return undefined;
  return flowRecord({ source, destination, protocol, port, action, reporter, pendingAction, count });
}

/**
 * A record from what a line gave, or undefined when an end or the protocol is missing (its problem is
 * already recorded). Optional fields are left out rather than set to undefined, so records compare equal
 * whichever format they came from.
 */
function flowRecord(r: { [K in keyof FlowRecord]: FlowRecord[K] | undefined }): FlowRecord | undefined {
  const { source, destination, protocol, count } = r;
  if (source === undefined || destination === undefined || protocol === undefined || count === undefined) return undefined;
  return {
    source,
    destination,
    protocol,
    ...(r.port === undefined ? {} : { port: r.port }),
    ...(r.action === undefined ? {} : { action: r.action }),
    ...(r.reporter === undefined ? {} : { reporter: r.reporter }),
    ...(r.pendingAction === undefined ? {} : { pendingAction: r.pendingAction }),
    count,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The fast path for JSON lines of the common shapes (a Whisker flow, a Goldmane `{Key: {...}, ...}` Flow, both
// snake_case): the line's bytes are scanned in place (import-scan.ts) and each value the importer reads is looked
// up by its raw text in a cache of what the full validator made of it. So a record costs one pass over its bytes
// and a few map lookups; the validator runs once per distinct value. A line the scanner does not read exactly,
// or whose values the validator refused, goes through `decodeJsonLine` like every line did before, which then
// reports its problems; the fast path never records a problem itself.

const bit = (f: number): number => 1 << f;
/** Fields of an end read from the outer object when the flow has a `Key` (labels, ip, net). */
const OUTER_END_FIELDS = 0b111000;
const ALL_END_FIELDS = 0b111111;
/** Distinct raw values kept per cache; beyond it values are validated each time (still correct, slower). */
const FAST_CACHE_ENTRIES = 100_000;

/** Buffer's own slicers (what `toString("latin1" | "utf8", start, end)` calls, without its argument checks). */
interface Slicers {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

function latin1(b: Buffer, start: number, end: number): string {
  return (b as unknown as Slicers).latin1Slice(start, end);
}

function utf8(b: Buffer, start: number, end: number): string {
  return (b as unknown as Slicers).utf8Slice(start, end);
}

class FastJsonDecoder {
  private readonly scanner = new FlowLineScanner();
  /** Ends by the raw text of their fields: per side, flat flows by one text, Goldmane Flows by outer then Key text. */
  private readonly flatEnds = [new Map<string, EndEntry | null>(), new Map<string, EndEntry | null>()] as const;
  private readonly keyedEnds = [new Map<string, Map<string, EndEntry | null>>(), new Map<string, Map<string, EndEntry | null>>()] as const;
  private endEntries = 0;
  private readonly protocols = new Map<string, { readonly protocol: string; readonly ports: boolean; readonly icmp: boolean; readonly id: number } | null>();
  private readonly actions = new Map<string, FlowAction | "none" | null>();
  private readonly reporters = new Map<string, "src" | "dst" | "none" | null>();
  private readonly traces = new Map<string, { readonly pending: FlowAction | undefined } | null>();
  /**
   * Records by the values of every field read but the count (templateRuns), hashed: most lines hit here. A
   * bucket holds the templates whose bytes hash alike, each checked byte for byte.
   */
  private readonly templates = new Map<number, TemplateEntry>();
  private templateCount = 0;
  private view: DataView | undefined;
  private readonly runs = new Int32Array(4 * SCAN_FIELDS.length);
  private readonly runFields = new Int8Array(2 * SCAN_FIELDS.length);
  /** The packed keys of all templates, one after the other (an entry holds where its key starts). */
  private arena = new Int32Array(1 << 16);
  private arenaUsed = 0;

  constructor(
    private readonly labels: LabelCache,
    private readonly aggregator: FlowAggregator,
  ) {}

  /** Decodes bytes [start, end) of `b` (one line, without its line break) and adds the record; false: not read here. */
  decode(b: Buffer, start: number, end: number, line: number): boolean {
    let p = start;
    // Whisker's event stream: `data: {flow}`.
    if (end - p > 5 && b[p] === 0x64 && b[p + 1] === 0x61 && b[p + 2] === 0x74 && b[p + 3] === 0x61 && b[p + 4] === 0x3a) p += 5;
    const scanner = this.scanner;
    if (!scanner.scan(b, p, end)) return false;
    const top = scanner.top;
    if ((top.seen & (bit(FIELD.flow) | bit(FIELD.key) | bit(FIELD.items))) !== 0) return false;
    let key = top;
    if (top.has(FIELD.Key)) {
      if (top.type[FIELD.Key] !== ValueType.Object) return false;
      key = scanner.key;
    }
    // protojson's camelCase names are left to the full path.
    if (!key.has(FIELD.source_name) && !key.has(FIELD.dest_name)) return false;

    const t = this.templateOf(b, top, key);
    if (t === null) return false;

    let count = 1;
    if (top.has(FIELD.num_connections_started)) {
      const ct = top.type[FIELD.num_connections_started];
      if (ct === ValueType.Number) {
        const n = top.int[FIELD.num_connections_started] as number;
        if (n < 0) return false;
        if (n > 0) count = n;
      } else if (ct !== ValueType.Null) return false;
    }
    const agg = this.aggregator;
    agg.records++;
    t.acc ??= agg.accFor(t.source.endpoint, t.destination.endpoint, t.protocol, t.port, line, t.source.id, t.destination.id, t.protocolId);
    agg.count(t.acc, t.action, t.reporter, t.pendingAction, count);
    return true;
  }

  /** The template of the line just scanned (null: the full path decides it). */
  private templateOf(b: Buffer, top: FieldTable, key: FieldTable): TemplateEntry | null {
    let view = this.view;
    if (view === undefined || view.buffer !== b.buffer) view = this.view = new DataView(b.buffer);
    const runs = this.runs;
    const fields = this.runFields;
    const n = templateRuns(top, key, runs, fields);
    const h = hashRuns(view, b.byteOffset, runs, fields, n);
    const first = this.templates.get(h);
    let chain = 0;
    const arena = this.arena;
    for (let e = first; e !== undefined; e = e.next, chain++) if (sameRuns(arena, e.at, view, b.byteOffset, runs, fields, n)) return e.ok ? e : null;
    const template = this.template(b, top, key);
    const entry = new TemplateEntry(this.pack(view, b.byteOffset, runs, fields, n), template, first);
    if (this.templateCount < FAST_CACHE_ENTRIES && chain < 8) {
      this.templates.set(h, entry);
      this.templateCount++;
    }
    return entry.ok ? entry : null;
  }

  /** Packs the runs into the arena (packRuns); returns where. */
  private pack(view: DataView, offset: number, runs: Int32Array, fields: Int8Array, n: number): number {
    const words = packedWords(runs, n);
    if (this.arenaUsed + words > this.arena.length) {
      const bigger = new Int32Array(Math.max(2 * this.arena.length, this.arenaUsed + words));
      bigger.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = bigger;
    }
    const at = this.arenaUsed;
    packRuns(this.arena, at, view, offset, runs, fields, n);
    this.arenaUsed += words;
    return at;
  }

  /** Everything of a record but its count, from the fields of its line; null when the validator refuses any. */
  private template(b: Buffer, top: FieldTable, key: FieldTable): Template | null {
    const source = this.end(0, b, top, key);
    if (source === null) return null;
    const destination = this.end(1, b, top, key);
    if (destination === null) return null;

    const pf = key.has(FIELD.proto) && key.type[FIELD.proto] !== ValueType.Null ? FIELD.proto : key.has(FIELD.protocol) ? FIELD.protocol : -1;
    if (pf < 0) return null;
    const proto = this.cached(this.protocols, b, key, pf, (v) => {
      const protocol = typeof v === "string" || typeof v === "number" ? normaliseProtocol(v) : undefined;
      return protocol === undefined ? null : { protocol, ports: protocolHasPorts(protocol), icmp: isIcmp(protocol), id: this.aggregator.protocolId(protocol) };
    });
    if (proto === null) return null;

    let port: number | undefined;
    if (key.has(FIELD.dest_port)) {
      const t = key.type[FIELD.dest_port];
      if (t === ValueType.Number) {
        const n = key.int[FIELD.dest_port] as number;
        if (n < 0 || n > 65535) return null;
        if (n !== 0) port = n;
      } else if (t !== ValueType.Null) return null;
    }
    if (proto.ports && port === undefined) return null;
    if (proto.icmp) port = undefined;

    let action: FlowAction | undefined;
    if (key.has(FIELD.action)) {
      const a = this.cached(this.actions, b, key, FIELD.action, (v) => {
        const d = decodeAction(v);
        return d === "unspecified" ? "none" : d === "Allow" || d === "Deny" || d === "Pass" ? d : null;
      });
      if (a === null) return null;
      if (a !== "none") action = a;
    }
    let reporter: "src" | "dst" | undefined;
    if (key.has(FIELD.reporter)) {
      const r = this.cached(this.reporters, b, key, FIELD.reporter, (v) => {
        const d = Object.hasOwn(REPORTERS, enumKey(v) ?? "") ? REPORTERS[enumKey(v) ?? ""] : undefined;
        return d === "unspecified" ? "none" : d === "src" || d === "dst" ? d : null;
      });
      if (r === null) return null;
      if (r !== "none") reporter = r;
    }
    let pendingAction: FlowAction | undefined;
    if (key.has(FIELD.policies) && key.type[FIELD.policies] !== ValueType.Null) {
      const t = this.cached(this.traces, b, key, FIELD.policies, (v) => {
        const scratch = new LineProblems("");
        camelStyle = false;
        const pending = decodePolicies(v, 0, scratch);
        return scratch.count === 0 ? { pending } : null;
      });
      if (t === null) return null;
      pendingAction = t.pending;
    }

    return { source, destination, protocol: proto.protocol, protocolId: proto.id, port, action, reporter, pendingAction };
  }

  /** What the validator makes of one field's value, by its raw text. */
  private cached<T>(cache: Map<string, T | null>, b: Buffer, t: FieldTable, f: number, decode: (v: Json) => T | null): T | null {
    const raw = latin1(b, t.valueStart[f] as number, t.valueEnd[f] as number);
    let v = cache.get(raw);
    if (v === undefined) {
      v = decode(JSON.parse(utf8(b, t.valueStart[f] as number, t.valueEnd[f] as number)) as Json);
      if (cache.size < FAST_CACHE_ENTRIES) cache.set(raw, v);
    }
    return v;
  }

  /** One end (0 source, 1 destination), by the raw text of its fields; null when the validator refuses it. */
  private end(side: 0 | 1, b: Buffer, top: FieldTable, key: FieldTable): EndEntry | null {
    const base = side === 0 ? FIELD.source_name : FIELD.dest_name;
    let cache: Map<string, EndEntry | null>;
    let k: string;
    if (key === top) {
      cache = this.flatEnds[side];
      k = region(b, top, base, ALL_END_FIELDS);
    } else {
      const outer = region(b, top, base, OUTER_END_FIELDS);
      let inner = this.keyedEnds[side].get(outer);
      if (inner === undefined) {
        inner = new Map();
        if (this.endEntries < FAST_CACHE_ENTRIES) this.keyedEnds[side].set(outer, inner);
      }
      cache = inner;
      k = region(b, key, base, ALL_END_FIELDS);
    }
    let e = cache.get(k);
    if (e === undefined) {
      const o = members(b, top, base, key === top ? ALL_END_FIELDS : OUTER_END_FIELDS);
      const inner = key === top ? o : members(b, key, base, ALL_END_FIELDS);
      const scratch = new LineProblems("");
      camelStyle = false;
      const endpoint = decodeEndpoint(side === 0 ? "source" : "dest", o, inner, o, 0, scratch, this.labels);
      e = endpoint === undefined || scratch.count !== 0 ? null : { endpoint, id: this.aggregator.endpointId(endpoint) };
      if (this.endEntries < FAST_CACHE_ENTRIES) {
        cache.set(k, e);
        this.endEntries++;
      }
    }
    return e;
  }
}

/** What a line says but its count. */
interface Template {
  readonly source: EndEntry;
  readonly destination: EndEntry;
  readonly protocol: string;
  readonly protocolId: number;
  readonly port: number | undefined;
  readonly action: FlowAction | undefined;
  readonly reporter: "src" | "dst" | undefined;
  readonly pendingAction: FlowAction | undefined;
}

/**
 * A template (its fields in the entry itself: one object to reach per record), its key (packRuns), the
 * accumulator of its flow once its first record made it, and `next`: the template whose key hashed alike.
 * `ok` false: the validator refused what the key says (the fields are then placeholders, never read).
 */
class TemplateEntry implements Template {
  readonly ok: boolean;
  readonly source: EndEntry;
  readonly destination: EndEntry;
  readonly protocol: string;
  readonly protocolId: number;
  readonly port: number | undefined;
  readonly action: FlowAction | undefined;
  readonly reporter: "src" | "dst" | undefined;
  readonly pendingAction: FlowAction | undefined;
  acc: Acc | undefined = undefined;

  constructor(
    /** Where its key starts in the decoder's arena. */
    readonly at: number,
    t: Template | null,
    readonly next: TemplateEntry | undefined,
  ) {
    this.ok = t !== null;
    this.source = t?.source ?? NO_END;
    this.destination = t?.destination ?? NO_END;
    this.protocol = t?.protocol ?? "";
    this.protocolId = t?.protocolId ?? -1;
    this.port = t?.port;
    this.action = t?.action;
    this.reporter = t?.reporter;
    this.pendingAction = t?.pendingAction;
  }
}

const NO_END: EndEntry = { endpoint: { kind: "host", labels: {} }, id: -1 };

/**
 * The key of a template: the values of the fields the importer reads, but the count, each with its field id, in
 * member order: the top level's, then (a Goldmane Flow) its `Key` object's, their ids offset by 32. Their names
 * are known (the scanner checked them), and neither what lies between members nor a member the importer does
 * not read (a `Key`'s service fields) changes what they say, so equal keys make equal records. Writes field ids
 * into `fields` and [start, end) value ranges into `runs`; returns how many.
 */
function templateRuns(top: FieldTable, key: FieldTable, runs: Int32Array, fields: Int8Array): number {
  let n = 0;
  for (let j = 0; j < top.seenCount; j++) {
    const f = top.fields[j] as number;
    if (f === FIELD.num_connections_started || (f === FIELD.Key && key !== top)) continue;
    fields[n] = f;
    runs[2 * n] = top.valueStart[f] as number;
    runs[2 * n + 1] = top.valueEnd[f] as number;
    n++;
  }
  if (key !== top) {
    for (let j = 0; j < key.seenCount; j++) {
      const f = key.fields[j] as number;
      fields[n] = f + 32;
      runs[2 * n] = key.valueStart[f] as number;
      runs[2 * n + 1] = key.valueEnd[f] as number;
      n++;
    }
  }
  return n;
}

/** A 32-bit hash of the runs (field id, length, bytes), four bytes at a time. */
function hashRuns(view: DataView, offset: number, runs: Int32Array, fields: Int8Array, n: number): number {
  let h = n;
  for (let r = 0; r < n; r++) {
    let p = offset + (runs[2 * r] as number);
    const end = offset + (runs[2 * r + 1] as number);
    h = Math.imul(h ^ (((fields[r] as number) << 24) | (end - p)), 0x9e3779b1);
    for (; p + 4 <= end; p += 4) h = Math.imul(h ^ view.getInt32(p, true), 0x85ebca6b);
    for (; p < end; p++) h = Math.imul(h ^ view.getUint8(p), 0xc2b2ae35);
  }
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 16)) | 0;
}

/** The words packRuns takes for these runs. */
function packedWords(runs: Int32Array, n: number): number {
  let words = 1;
  for (let r = 0; r < n; r++) words += 2 + (((runs[2 * r + 1] as number) - (runs[2 * r] as number) + 3) >> 2);
  return words;
}

/**
 * The runs as 32-bit words into d from `at`: their number, then per run its field id, its length and its bytes
 * four at a time (little-endian, the last word padded with zeros).
 */
function packRuns(d: Int32Array, at: number, view: DataView, offset: number, runs: Int32Array, fields: Int8Array, n: number): void {
  d[at] = n;
  let o = at + 1;
  for (let r = 0; r < n; r++) {
    let p = offset + (runs[2 * r] as number);
    const end = offset + (runs[2 * r + 1] as number);
    d[o++] = fields[r] as number;
    d[o++] = end - p;
    for (; p + 4 <= end; p += 4) d[o++] = view.getInt32(p, true);
    if (p < end) d[o++] = lastWord(view, p, end);
  }
}

/** The 1-3 bytes from p to end as a little-endian word padded with zeros. */
function lastWord(view: DataView, p: number, end: number): number {
  let w = 0;
  for (let k = 0; p + k < end; k++) w |= view.getUint8(p + k) << (8 * k);
  return w;
}

/** Whether the runs are the ones packed in d at `at` (packRuns). */
function sameRuns(d: Int32Array, at: number, view: DataView, offset: number, runs: Int32Array, fields: Int8Array, n: number): boolean {
  if (d[at] !== n) return false;
  let o = at + 1;
  for (let r = 0; r < n; r++) {
    let p = offset + (runs[2 * r] as number);
    const end = offset + (runs[2 * r + 1] as number);
    if (d[o] !== fields[r] || d[o + 1] !== end - p) return false;
    o += 2;
    for (; p + 4 <= end; p += 4) if (view.getInt32(p, true) !== d[o++]) return false;
    if (p < end && lastWord(view, p, end) !== d[o++]) return false;
  }
  return true;
}

interface EndEntry {
  readonly endpoint: FlowEndpoint;
  /** The aggregator's id of the endpoint object. */
  readonly id: number;
}

/**
 * The raw text of an end's fields in one object, as a cache key: one slice when they are adjacent members (the
 * usual case), else each member's text. Member texts are JSON and hold no control characters, so the separators
 * keep keys apart.
 */
function region(b: Buffer, t: FieldTable, base: number, mask: number): string {
  let n = 0;
  let minOrder = Infinity;
  let maxOrder = -1;
  let first = -1;
  let last = -1;
  for (let i = 0; i < SIDE_FIELDS; i++) {
    const f = base + i;
    if ((mask & (1 << i)) === 0 || !t.has(f)) continue;
    n++;
    const o = t.order[f] as number;
    if (o < minOrder) {
      minOrder = o;
      first = f;
    }
    if (o > maxOrder) {
      maxOrder = o;
      last = f;
    }
  }
  if (n === 0) return "";
  if (maxOrder - minOrder + 1 === n) return latin1(b, t.memberStart[first] as number, t.valueEnd[last] as number);
  let out = "\u0003";
  for (let i = 0; i < SIDE_FIELDS; i++) {
    const f = base + i;
    if ((mask & (1 << i)) !== 0 && t.has(f)) out += `${latin1(b, t.memberStart[f] as number, t.valueEnd[f] as number)}\u0001`;
  }
  return out;
}

/** An object of just an end's fields, parsed from their member texts (what JSON.parse of the line gives them). */
function members(b: Buffer, t: FieldTable, base: number, mask: number): JsonObject {
  const parts: string[] = [];
  for (let i = 0; i < SIDE_FIELDS; i++) {
    const f = base + i;
    if ((mask & (1 << i)) !== 0 && t.has(f)) parts.push(utf8(b, t.memberStart[f] as number, t.valueEnd[f] as number));
  }
  return JSON.parse(`{${parts.join(",")}}`) as JsonObject;
}

// ---------------------------------------------------------------------------------------------------------
// CSV

export const CSV_REQUIRED_COLUMNS = [
  "source_namespace", "source_labels", "dest_namespace", "dest_labels", "port", "protocol", "count",
] as const;
export const CSV_OPTIONAL_COLUMNS = [
  "source_name", "source_type", "source_net", "dest_name", "dest_type", "dest_net", "action",
] as const;

/** Splits one CSV line (RFC 4180 quoting: `"a,b"`, `""` for a quote). Returns undefined on an open quote. */
export function splitCsvLine(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  let cur = "";
  let quoted = false;
  while (i < line.length) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else cur += c;
    } else if (c === '"' && cur.trim() === "") {
      quoted = true;
      cur = "";
    } else if (c === ",") {
      out.push(cur.trim());
      cur = "";
    } else cur += c;
    i++;
  }
  if (quoted) return undefined;
  out.push(cur.trim());
  return out;
}

class CsvDecoder {
  private columns: Map<string, number> | undefined;
  constructor(
    private readonly problems: LineProblems,
    private readonly labels: LabelCache,
  ) {}

  /** Returns a record, `"header"` for the header line, or undefined after recording problems. */
  decode(lineText: string, line: number): FlowRecord | "header" | undefined {
    const cells = splitCsvLine(lineText);
    if (cells === undefined) {
      this.problems.add(line, "", "unterminated quoted field", 'close the quote: "..."');
      return undefined;
    }
    if (this.columns === undefined) {
      const cols = new Map<string, number>();
      cells.forEach((c, i) => cols.set(c.toLowerCase(), i));
      const known = new Set<string>([...CSV_REQUIRED_COLUMNS, ...CSV_OPTIONAL_COLUMNS]);
      const missing = CSV_REQUIRED_COLUMNS.filter((c) => !cols.has(c));
      const unknown = [...cols.keys()].filter((c) => !known.has(c));
      if (missing.length > 0) this.problems.add(line, "header", `missing column(s) ${missing.join(", ")}`, `the first line names the columns: ${CSV_REQUIRED_COLUMNS.join(",")}`, lineText);
      if (unknown.length > 0) this.problems.add(line, "header", `unknown column(s) ${unknown.join(", ")}`, `optional columns are ${CSV_OPTIONAL_COLUMNS.join(", ")}`, unknown);
      this.columns = cols;
      return "header";
    }
    const cols = this.columns;
    if (cells.length !== cols.size) {
      this.problems.add(line, "", `expected ${cols.size} fields, found ${cells.length}`, "quote fields that contain commas", lineText);
      return undefined;
    }
    const get = (c: string): string => {
      const i = cols.get(c);
      return i === undefined ? "" : (cells[i] as string);
    };
    const before = this.problems.count;
    const source = this.endpoint("source", get, line);
    const destination = this.endpoint("dest", get, line);
    const protocol = get("protocol") === "" ? undefined : normaliseProtocol(get("protocol"));
    if (protocol === undefined) this.problems.add(line, "protocol", "missing or unknown protocol", "use TCP, UDP, SCTP, ICMP, ICMPv6, UDPLite or 1-255", get("protocol"));
    const portText = get("port");
    let port: number | undefined;
    if (portText !== "") {
      const n = /^[0-9]+$/.test(portText) ? Number(portText) : NaN;
      if (!Number.isInteger(n) || n < 0 || n > 65535) this.problems.add(line, "port", "port must be an integer 0-65535", "write the destination port number", portText);
      else if (n !== 0) port = n;
    }
    if (protocol !== undefined && protocolHasPorts(protocol) && port === undefined && portText === "") {
      this.problems.add(line, "port", `a ${protocol} flow needs a destination port`, "write the destination port number", portText);
    }
    if (protocol !== undefined && isIcmp(protocol) && portText !== "") {
      this.problems.add(line, "port", `an ${protocol} flow has no destination port`, "leave port empty on ICMP and ICMPv6 rows (the ICMP type is not a port)", portText);
    }
    const countText = get("count");
    const count = countText === "" ? 1 : /^[0-9]+$/.test(countText) ? Number(countText) : NaN;
    if (!Number.isSafeInteger(count)) this.problems.add(line, "count", /^[0-9]+$/.test(countText) ? "count is larger than 2^53 - 1, the largest count kept exactly" : "count must be a non-negative integer", "write how many connections were seen", countText);
    let action: FlowAction | undefined;
    const actionText = get("action");
    if (actionText !== "") {
      const a = decodeAction(actionText);
      if (a === undefined || a === "unspecified") this.problems.add(line, "action", "unknown action", "use Allow, Deny or Pass", actionText);
      else action = a;
    }
    if (this.problems.count !== before) return undefined;
    return flowRecord({ source, destination, protocol, port, action, reporter: undefined, pendingAction: undefined, count });
  }

  private endpoint(side: "source" | "dest", get: (c: string) => string, line: number): FlowEndpoint | undefined {
    const namespace = get(`${side}_namespace`) || undefined;
    const name = get(`${side}_name`) || undefined;
    const netText = get(`${side}_net`);
    const typeText = get(`${side}_type`);
    const before = this.problems.count;
    let net: string | undefined;
    if (netText !== "") {
      if (parseCidr(netText) === undefined) this.problems.add(line, `${side}_net`, "not an IP address or CIDR", "write 10.0.0.5 or 10.0.0.0/24", netText);
      else net = netText;
    }
    let kind: FlowEndpointKind | undefined;
    if (typeText !== "") {
      const t = ENDPOINT_TYPES[typeText.toLowerCase()];
      if (t === undefined || t === "unspecified") this.problems.add(line, `${side}_type`, "unknown endpoint type", "use workload, host, networkset or network", typeText);
      else kind = t;
    }
    const labels = this.labels.parse(get(`${side}_labels`), parseLabelString);
    if (typeof labels === "string") this.problems.add(line, `${side}_labels`, labels, 'write labels as "key=value;key=value"', get(`${side}_labels`));
    if (this.problems.count !== before || typeof labels === "string") return undefined;
    kind ??= net !== undefined ? "network" : namespace !== undefined ? "workload" : name !== undefined || Object.keys(labels).length > 0 ? "host" : undefined;
    if (kind === undefined) {
      this.problems.add(line, `${side}_namespace`, `the ${side} is empty`, `give a namespace (workload), a ${side}_net (external address) or a ${side}_type`, "");
      return undefined;
    }
    if (kind === "workload" && namespace === undefined) {
      this.problems.add(line, `${side}_namespace`, "a workload needs its namespace", `set ${side}_namespace`, "");
      return undefined;
    }
    if (kind === "network" && net === undefined && name === undefined) {
      this.problems.add(line, `${side}_net`, "a network endpoint needs an address", `set ${side}_net`, "");
      return undefined;
    }
    return this.labels.endpoint(kind, kind === "host" || kind === "network" ? undefined : namespace, name, labels, net);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Deduplication

export interface Acc {
  source: FlowEndpoint;
  destination: FlowEndpoint;
  protocol: string;
  port?: number;
  denied: boolean;
  allowed: boolean;
  passed: boolean;
  pendingDenied: boolean;
  pendingAllowed: boolean;
  src: number;
  dst: number;
  other: number;
  firstLine: number;
}

/** Whether a flow's count is still exact: connection counts are numbers, exact up to 2^53 - 1. */
function exactCount(a: Acc): boolean {
  return Number.isSafeInteger(Math.max(a.src, a.dst) + a.other);
}

/**
 * Folds records into one `ObservedFlow` per flow key. The same connection is usually reported twice (by the
 * source and by the destination node), so the count is max(src-reported, dst-reported) + unreported.
 */
export class FlowAggregator {
  private readonly byKey = new Map<string, Acc>();
  records = 0;
  /** Line of the first record of each flow whose summed count went past 2^53 - 1 (no longer exact). */
  readonly inexact: number[] = [];

  /**
   * The same flow again, found without building its key: by the identity of its (interned) end objects, its
   * protocol and port. A miss falls back to `byKey`, so ends that are equal but not the same object still meet.
   */
  private readonly byIds = new Map<number, Acc>();
  private readonly endpointIds = new WeakMap<FlowEndpoint, number>();
  private readonly protocolIds = new Map<string, number>();
  private nextEndpointId = 0;

  add(r: FlowRecord, line: number): void {
    this.addParts(r.source, r.destination, r.protocol, r.port, r.action, r.reporter, r.pendingAction, r.count, line);
  }

  /**
   * `add` without a record object (the fast JSON path has the parts at hand, and the ids of its ends and
   * protocol: `endpointId`, `protocolId`).
   */
  addParts(
    source: FlowEndpoint,
    destination: FlowEndpoint,
    protocol: string,
    port: number | undefined,
    action: FlowAction | undefined,
    reporter: "src" | "dst" | undefined,
    pendingAction: FlowAction | undefined,
    count: number,
    line: number,
    sourceId = this.endpointId(source),
    destinationId = this.endpointId(destination),
    protocolId = this.protocolId(protocol),
  ): void {
    this.records++;
    this.count(this.accFor(source, destination, protocol, port, line, sourceId, destinationId, protocolId), action, reporter, pendingAction, count);
  }

  /** The accumulator of a flow, made on its first record (`line`). */
  accFor(source: FlowEndpoint, destination: FlowEndpoint, protocol: string, port: number | undefined, line: number, sourceId: number, destinationId: number, protocolId: number): Acc {
    // 16 + 16 + 5 + 16 bits: exact in a double. Ends or protocols beyond them take the keyed path only.
    const small = sourceId < 65536 && destinationId < 65536 && protocolId < 32;
    const id = small ? ((sourceId * 65536 + destinationId) * 32 + protocolId) * 65536 + (port ?? 0) : -1;
    let acc = small ? this.byIds.get(id) : undefined;
    if (acc === undefined) {
      const key = flowKey({ source, destination, protocol, ...(port === undefined ? {} : { port }) });
      acc = this.byKey.get(key);
      if (acc === undefined) {
        acc = {
          source,
          destination,
          protocol,
          ...(port === undefined ? {} : { port }),
          denied: false,
          allowed: false,
          passed: false,
          pendingDenied: false,
          pendingAllowed: false,
          src: 0,
          dst: 0,
          other: 0,
          firstLine: line,
        };
        this.byKey.set(key, acc);
      }
      if (small) this.byIds.set(id, acc);
    }
    return acc;
  }

  /** Folds one record's verdicts and count into its flow (`records` counts it separately). */
  count(acc: Acc, action: FlowAction | undefined, reporter: "src" | "dst" | undefined, pendingAction: FlowAction | undefined, count: number): void {
    if (action === "Deny") acc.denied = true;
    else if (action === "Allow") acc.allowed = true;
    else if (action === "Pass") acc.passed = true;
    if (pendingAction === "Deny") acc.pendingDenied = true;
    else if (pendingAction === "Allow") acc.pendingAllowed = true;
    // Far below 2^53 before and after (the usual case), the count is exact either way: no need to check.
    if (acc.src + acc.dst + acc.other + count < 2 ** 52) {
      if (reporter === "src") acc.src += count;
      else if (reporter === "dst") acc.dst += count;
      else acc.other += count;
      return;
    }
    const wasExact = exactCount(acc);
    if (reporter === "src") acc.src += count;
    else if (reporter === "dst") acc.dst += count;
    else acc.other += count;
    if (wasExact && !exactCount(acc)) this.inexact.push(acc.firstLine);
  }

  /** A number per endpoint object (equal ends that are different objects get different ids). */
  endpointId(e: FlowEndpoint): number {
    let id = this.endpointIds.get(e);
    if (id === undefined) {
      id = this.nextEndpointId++;
      this.endpointIds.set(e, id);
    }
    return id;
  }

  /** A number per protocol name. */
  protocolId(protocol: string): number {
    let id = this.protocolIds.get(protocol);
    if (id === undefined) {
      id = this.protocolIds.size;
      this.protocolIds.set(protocol, id);
    }
    return id;
  }

  /** The flows, sorted by key so every output built from them is deterministic. */
  flows(): ObservedFlow[] {
    const keys = [...this.byKey.keys()].sort();
    return keys.map((k) => {
      const a = this.byKey.get(k) as Acc;
      const action: FlowAction | undefined = a.denied ? "Deny" : a.allowed ? "Allow" : a.passed ? "Pass" : undefined;
      const pendingAction: FlowAction | undefined = a.pendingDenied ? "Deny" : a.pendingAllowed ? "Allow" : undefined;
      return {
        source: a.source,
        destination: a.destination,
        protocol: a.protocol,
        ...(a.port === undefined ? {} : { port: a.port }),
        ...(action === undefined ? {} : { action }),
        ...(pendingAction === undefined ? {} : { pendingAction }),
        count: Math.max(a.src, a.dst) + a.other,
        firstLine: a.firstLine,
      };
    });
  }
}

export interface ImportOptions {
  /**
   * false: every JSON line goes through JSON.parse and the full validator, and the file is streamed through a
   * StringDecoder, as before the fast path existed (the reference the differential test compares against).
   * @default true
   */
  readonly fastPath?: boolean;
}

/** A line the fast path may take: printable ASCII but `\`, so its latin1 bytes are the line. */
const FAST_LINE = /^[\x20-\x5b\x5d-\x7e]*\r?$/;

/** Incremental importer: feed lines in order, then `finish()`. Used by both the file and the string entry. */
export class FlowImporter {
  private readonly problems: LineProblems;
  private readonly labels = new LabelCache();
  private readonly aggregator = new FlowAggregator();
  private readonly csv: CsvDecoder;
  private readonly fast: FastJsonDecoder | undefined;
  private lines = 0;

  constructor(
    private readonly format: FlowFormat,
    readonly file: string,
    options: ImportOptions = {},
  ) {
    this.problems = new LineProblems(file);
    this.csv = new CsvDecoder(this.problems, this.labels);
    this.fast = format === "json" && options.fastPath !== false ? new FastJsonDecoder(this.labels, this.aggregator) : undefined;
  }

  line(raw: string, lineNumber: number): void {
    if (this.fast !== undefined && FAST_LINE.test(raw)) {
      const b = Buffer.from(raw, "latin1");
      if (this.fast.decode(b, 0, b.length > 0 && b[b.length - 1] === 0x0d ? b.length - 1 : b.length, lineNumber)) {
        this.lines++;
        return;
      }
    }
    this.fullLine(raw, lineNumber);
  }

  /**
   * The line held by bytes [start, end) of `b` (without its `\n`): the fast path when it can, else the line
   * decoded as UTF-8 (as a StringDecoder over the file decodes it: a line break never splits a character).
   */
  lineBytes(b: Buffer, start: number, end: number, lineNumber: number): void {
    if (this.fast !== undefined && this.fast.decode(b, start, end > start && b[end - 1] === 0x0d ? end - 1 : end, lineNumber)) {
      this.lines++;
      return;
    }
    this.fullLine(b.toString("utf8", start, end), lineNumber);
  }

  private fullLine(raw: string, lineNumber: number): void {
    const t = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    // Blank lines are skipped (not malformed); the test stops at the first non-space character.
    if (/^\s*$/.test(t)) return;
    this.lines++;
    if (this.format === "json") {
      for (const r of decodeJsonLine(t, lineNumber, this.problems, this.labels)) this.aggregator.add(r, lineNumber);
    } else {
      const r = this.csv.decode(t, lineNumber);
      if (r !== undefined && r !== "header") this.aggregator.add(r, lineNumber);
    }
  }

  /** Throws one `UserError` listing every malformed line; otherwise returns the deduplicated flows. */
  finish(): ImportResult {
    for (const line of this.aggregator.inexact) {
      this.problems.add(line, "", "the connection counts of this flow's records add up to more than 2^53 - 1, the largest count kept exactly", "split the export into smaller files, or check the counts");
    }
    if (this.aggregator.records === 0 && this.problems.count === 0) {
      this.problems.add(0, "", "the file holds no flows", this.format === "csv" ? "add rows below the header line" : "export flows as JSON lines (one flow object per line)");
    }
    if (this.problems.count > 0) {
      const { lines, count, list } = this.problems;
      throw new UserError(list, `${this.file}: ${lines} malformed line${lines === 1 ? "" : "s"} (${count} problem${count === 1 ? "" : "s"})`, count - list.length);
    }
    return { flows: this.aggregator.flows(), lines: this.lines, records: this.aggregator.records };
  }
}

/** Picks the format from the file name, else from the first non-blank line (`{` or `data:` means JSON lines). */
export function detectFormat(file: string, firstLine: string | undefined): FlowFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (/\.(jsonl|ndjson|json)$/.test(lower)) return "json";
  const first = firstLine?.trimStart() ?? "";
  return first.startsWith("{") || first.startsWith("data:") ? "json" : "csv";
}

/** Imports flows from text (tests, small inputs). `name` is what problems call the file. */
export function importFlowText(text: string, name: string, format?: FlowFormat, options: ImportOptions = {}): ImportResult {
  const lines = text.split("\n");
  const fmt = format ?? detectFormat(name, lines.find((l) => l.trim() !== ""));
  const imp = new FlowImporter(fmt, name, options);
  lines.forEach((l, i) => imp.line(l, i + 1));
  return imp.finish();
}

/** Bytes read from a flow file at a time. */
const READ_CHUNK_BYTES = 8 * 1024 * 1024;

function readError(e: unknown, path: string): unknown {
  if (e instanceof UserError || !isFsError(e)) return e;
  return new UserError([{ path: "--flows", value: path, message: `cannot read the flow file (${e.code ?? e.message})`, hint: "check the path given to --flows" }]);
}

/**
 * Imports a flow file. Flow exports are large (1M Goldmane records are ~500 MB, beyond what one JavaScript
 * string may hold), so the file is read in chunks of bytes and each line is handed over as a range of them: no
 * string is made for a line the fast path reads.
 */
export async function importFlowFile(path: string, format?: FlowFormat, displayName: string = path, options: ImportOptions = {}): Promise<ImportResult> {
  if (options.fastPath === false) return importFlowFileStreamed(path, format, displayName, options);
  let handle: FileHandle | undefined;
  let result: ImportResult | undefined;
  try {
    handle = await open(path, "r");
    result = await importFlowChunks(handle, path, format, displayName, options);
  } catch (e) {
    throw readError(e, path);
  } finally {
    await handle?.close();
  }
  // A line longer than MAX_FLOW_LINE_CHARS bytes may be too long in characters: the streamed reader decides
  // exactly as it always did (such files are pathological; reading them twice costs nothing that matters).
  return result ?? importFlowFileStreamed(path, format, displayName, options);
}

/** The chunked reader; undefined when a line has more than MAX_FLOW_LINE_CHARS bytes. */
async function importFlowChunks(handle: FileHandle, path: string, format: FlowFormat | undefined, displayName: string, options: ImportOptions): Promise<ImportResult | undefined> {
  let buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  let filled = 0;
  let lineNumber = 0;
  let importer: FlowImporter | undefined;
  const feed = (b: Buffer, start: number, end: number): void => {
    lineNumber++;
    if (importer === undefined) {
      const l = b.toString("utf8", start, end);
      if (l.trim() === "") return;
      importer = new FlowImporter(format ?? detectFormat(path, l), displayName, options);
      importer.line(l, lineNumber);
      return;
    }
    importer.lineBytes(b, start, end, lineNumber);
  };
  for (;;) {
    const { bytesRead } = await handle.read(buf, filled, buf.length - filled, null);
    filled += bytesRead;
    const view = buf.subarray(0, filled);
    let start = 0;
    let nl = view.indexOf(0x0a, start);
    while (nl !== -1) {
      if (nl - start > MAX_FLOW_LINE_CHARS) return undefined;
      feed(view, start, nl);
      start = nl + 1;
      nl = view.indexOf(0x0a, start);
    }
    if (bytesRead === 0) {
      if (filled - start > MAX_FLOW_LINE_CHARS) return undefined;
      if (start < filled) feed(view, start, filled);
      break;
    }
    // Keep the unfinished line at the front; a line longer than the buffer makes it grow.
    const rest = filled - start;
    if (rest > MAX_FLOW_LINE_CHARS) return undefined;
    if (start > 0) buf.copyWithin(0, start, filled);
    filled = rest;
    if (filled === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, filled);
      buf = bigger;
    }
  }
  importer ??= new FlowImporter(format ?? detectFormat(path, undefined), displayName, options);
  return importer.finish();
}

/**
 * Streams a flow file line by line through a StringDecoder: the reader before the chunked one, kept as the
 * reference (`fastPath: false`) and for files with a line too long for the chunked reader to judge.
 */
async function importFlowFileStreamed(path: string, format: FlowFormat | undefined, displayName: string, options: ImportOptions): Promise<ImportResult> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  const decoder = new StringDecoder("utf8");
  let importer: FlowImporter | undefined;
  // The unfinished line, in pieces: a long line costs its length once, not once per chunk.
  let rest: string[] = [];
  let restLength = 0;
  let lineNumber = 0;
  const feed = (l: string): void => {
    lineNumber++;
    if (importer === undefined) {
      if (l.trim() === "") return;
      importer = new FlowImporter(format ?? detectFormat(path, l), displayName, options);
    }
    importer.line(l, lineNumber);
  };
  try {
    for await (const chunk of stream) {
      const s = decoder.write(chunk as Buffer);
      let start = 0;
      let nl = s.indexOf("\n", start);
      while (nl !== -1) {
        if (rest.length === 0) feed(s.slice(start, nl));
        else {
          rest.push(s.slice(start, nl));
          feed(rest.join(""));
          rest = [];
          restLength = 0;
        }
        start = nl + 1;
        nl = s.indexOf("\n", start);
      }
      if (start < s.length) {
        rest.push(s.slice(start));
        restLength += s.length - start;
      }
      if (restLength > MAX_FLOW_LINE_CHARS) {
        throw new UserError([
          {
            path: "--flows",
            file: `${displayName}:${lineNumber + 1}`,
            message: `the line is longer than ${MAX_FLOW_LINE_CHARS / 1024 / 1024} Mi characters`,
            hint: 'export one flow per line (JSON lines) or split the list (limit MAX_FLOW_LINE_CHARS, README "Limits")',
          },
        ]);
      }
    }
  } catch (e) {
    throw readError(e, path);
  }
  const last = rest.join("") + decoder.end();
  if (last !== "") feed(last);
  importer ??= new FlowImporter(format ?? detectFormat(path, undefined), displayName, options);
  return importer.finish();
}
