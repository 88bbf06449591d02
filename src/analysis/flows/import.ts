/**
 * Flow import: Calico Whisker / Goldmane JSON lines and a simple CSV, into deduplicated `ObservedFlow`s.
 * The formats are documented in docs/flows.md. Every malformed line is reported with its line number; the
 * import fails with one `UserError` carrying all of them rather than dropping anything silently.
 */
import { createReadStream } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { parseCidr } from "../../model/net.js";
import { PORT_PROTOCOLS, protocolName, protocolNumber } from "../connset.js";
import { isFsError } from "../../io/fs-errors.js";
import { MAX_FLOW_LINE_CHARS, MAX_PROBLEMS_KEPT } from "../../model/limits.js";
import { type Problem, UserError } from "../../model/problem.js";
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

const ACTIONS: Record<string, FlowAction | "unspecified"> = {
  "0": "unspecified", actionunspecified: "unspecified", unspecified: "unspecified",
  "1": "Allow", allow: "Allow",
  "2": "Deny", deny: "Deny",
  "3": "Pass", pass: "Pass",
};
const REPORTERS: Record<string, "src" | "dst" | "unspecified"> = {
  "0": "unspecified", reporterunspecified: "unspecified", unspecified: "unspecified",
  "1": "src", src: "src", source: "src",
  "2": "dst", dst: "dst", destination: "dst", dest: "dst",
};
const ENDPOINT_TYPES: Record<string, FlowEndpointKind | "unspecified"> = {
  "0": "unspecified", endpointtypeunspecified: "unspecified",
  "1": "workload", workloadendpoint: "workload", wep: "workload", workload: "workload",
  "2": "host", hostendpoint: "host", hep: "host", host: "host",
  "3": "networkset", networkset: "networkset", ns: "networkset",
  "4": "network", network: "network", net: "network",
};
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
  let pendingAction: FlowAction | undefined;
  const policies = field(key, "policies");
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

interface Acc {
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

  add(r: FlowRecord, line: number): void {
    this.records++;
    const key = flowKey(r);
    let acc = this.byKey.get(key);
    if (acc === undefined) {
      acc = {
        source: r.source,
        destination: r.destination,
        protocol: r.protocol,
        ...(r.port === undefined ? {} : { port: r.port }),
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
    if (r.action === "Deny") acc.denied = true;
    else if (r.action === "Allow") acc.allowed = true;
    else if (r.action === "Pass") acc.passed = true;
    if (r.pendingAction === "Deny") acc.pendingDenied = true;
    else if (r.pendingAction === "Allow") acc.pendingAllowed = true;
    const wasExact = exactCount(acc);
    if (r.reporter === "src") acc.src += r.count;
    else if (r.reporter === "dst") acc.dst += r.count;
    else acc.other += r.count;
    if (wasExact && !exactCount(acc)) this.inexact.push(acc.firstLine);
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

/** Incremental importer: feed lines in order, then `finish()`. Used by both the file and the string entry. */
export class FlowImporter {
  private readonly problems: LineProblems;
  private readonly labels = new LabelCache();
  private readonly aggregator = new FlowAggregator();
  private readonly csv: CsvDecoder;
  private lines = 0;

  constructor(
    private readonly format: FlowFormat,
    readonly file: string,
  ) {
    this.problems = new LineProblems(file);
    this.csv = new CsvDecoder(this.problems, this.labels);
  }

  line(raw: string, lineNumber: number): void {
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
export function importFlowText(text: string, name: string, format?: FlowFormat): ImportResult {
  const lines = text.split("\n");
  const fmt = format ?? detectFormat(name, lines.find((l) => l.trim() !== ""));
  const imp = new FlowImporter(fmt, name);
  lines.forEach((l, i) => imp.line(l, i + 1));
  return imp.finish();
}

/**
 * Streams a flow file line by line: flow exports are large (1M Goldmane records are ~500 MB, beyond what one
 * JavaScript string may hold), so the file is never read whole.
 */
export async function importFlowFile(path: string, format?: FlowFormat, displayName: string = path): Promise<ImportResult> {
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
      importer = new FlowImporter(format ?? detectFormat(path, l), displayName);
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
    if (e instanceof UserError || !isFsError(e)) throw e;
    throw new UserError([{ path: "--flows", value: path, message: `cannot read the flow file (${e.code ?? e.message})`, hint: "check the path given to --flows" }]);
  }
  const last = rest.join("") + decoder.end();
  if (last !== "") feed(last);
  importer ??= new FlowImporter(format ?? detectFormat(path, undefined), displayName);
  return importer.finish();
}
