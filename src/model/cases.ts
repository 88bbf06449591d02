/**
 * The cases-file format: flows a baseline policy must allow or deny, next to the policy as
 * `policies/<tier>/<policy>.cases.yaml`. Pure (no cdk8s); the analysis engine evaluates the parsed cases.
 *
 * ```yaml
 * cases:
 *   - name: core reaches queue on redis
 *     from: fme/core            # <namespace>/<workload>, host:<node>, net:<ip or cidr>
 *     to: fme/queue
 *     port: 6379                # omit for protocols without ports
 *     protocol: TCP             # TCP|UDP|SCTP|ICMP|ICMPv6|UDPLite|<1-255>
 *     expect: allow             # allow | deny
 * ```
 *
 * Parsing reports every problem at once, each with the file and line (`file:12`), the field path
 * (`cases[3].port`), the bad value and a hint.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node as YamlNode } from "yaml";
import { parseYamlDocuments } from "../io/yaml.js";
import { formatCidr, parseCidr } from "./net.js";
import { PROTOCOL_NAMES, PROTOCOL_NUMBERS, type ProtocolName } from "./ports.js";
import { UserError, type Problem } from "./problem.js";
import { isDns1123Label } from "./validate/context.js";

export type CaseEndpoint =
  | { readonly kind: "workload"; readonly namespace: string; readonly workload: string }
  | { readonly kind: "host"; readonly node: string }
  | { readonly kind: "net"; readonly cidr: string };

export type Expectation = "allow" | "deny";

export interface FlowCase {
  readonly name: string;
  readonly from: CaseEndpoint;
  readonly to: CaseEndpoint;
  /** Destination port; present exactly when the protocol has ports (TCP, UDP, SCTP). */
  readonly port?: number;
  /** A Calico protocol name or an IP protocol number without a name. */
  readonly protocol: ProtocolName | number;
  readonly expect: Expectation;
  /** 1-based line of the case in its file. */
  readonly line: number;
}

export interface CasesFile {
  readonly file: string;
  readonly cases: readonly FlowCase[];
}

const CASE_KEYS = ["name", "from", "to", "port", "protocol", "expect"] as const;
const WORKLOAD_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const PORT_PROTOCOLS: readonly ProtocolName[] = ["TCP", "UDP", "SCTP"];
const ENDPOINT_HINT = "write <namespace>/<workload> (e.g. fme/core), host:<node> (e.g. host:control) or net:<ip or cidr> (e.g. net:10.0.0.50/32)";

/** `fme/core`, `host:control`, `net:10.0.0.50/32`: the same text the file uses. */
export function formatEndpoint(e: CaseEndpoint): string {
  switch (e.kind) {
    case "workload":
      return `${e.namespace}/${e.workload}`;
    case "host":
      return `host:${e.node}`;
    case "net":
      return `net:${e.cidr}`;
  }
}

/** Parses one endpoint; returns a problem message and hint instead when it is not valid. */
export function parseEndpoint(text: string): CaseEndpoint | { error: string; hint: string } {
  if (text.startsWith("host:")) {
    const node = text.slice(5);
    if (node.length === 0 || node.length > 253 || !WORKLOAD_NAME.test(node)) {
      return { error: "not a valid node name", hint: "a node name is lowercase letters, digits, '-' and '.', e.g. host:control" };
    }
    return { kind: "host", node };
  }
  if (text.startsWith("net:")) {
    const c = parseCidr(text.slice(4));
    if (c === undefined) return { error: "not a valid IP address or CIDR", hint: "e.g. net:10.0.0.50 or net:10.0.0.0/24" };
    if (c.hostBitsSet) return { error: "CIDR has host bits set", hint: `Did you mean net:${formatCidr(c)}?` };
    return { kind: "net", cidr: formatCidr(c) };
  }
  const parts = text.split("/");
  if (parts.length === 2) {
    const [namespace, workload] = parts as [string, string];
    if (!isDns1123Label(namespace)) {
      return { error: `"${namespace}" is not a valid namespace name`, hint: ENDPOINT_HINT };
    }
    if (workload.length === 0 || workload.length > 253 || !WORKLOAD_NAME.test(workload)) {
      return { error: `"${workload}" is not a valid workload name`, hint: ENDPOINT_HINT };
    }
    return { kind: "workload", namespace, workload };
  }
  return { error: "not an endpoint", hint: ENDPOINT_HINT };
}

function parseProtocol(v: unknown): ProtocolName | number | { error: string } {
  if (typeof v === "number") {
    if (!Number.isInteger(v) || v < 1 || v > 255) return { error: "IP protocol number out of range 1-255" };
    const named = PROTOCOL_NAMES.find((n) => PROTOCOL_NUMBERS[n] === v);
    return named ?? v;
  }
  if (typeof v === "string") {
    const named = PROTOCOL_NAMES.find((n) => n.toLowerCase() === v.toLowerCase());
    if (named !== undefined) return named;
    if (/^[0-9]+$/.test(v)) return parseProtocol(Number(v));
  }
  return { error: "unknown protocol" };
}

/**
 * Parses a cases file. Throws one UserError with every problem; `file` is used in the problems' location.
 */
export function parseCases(text: string, file: string): CasesFile {
  const lines = new LineCounter();
  // Under the input limits (aliases, documents, nesting); syntax errors come back with their lines.
  const docs = parseYamlDocuments(text, file, { lineCounter: lines, syntaxHint: "fix the YAML syntax (indentation, quotes, colons)" });
  const problems: Problem[] = [];
  const at = (node: YamlNode | null | undefined): string => {
    const offset = node?.range?.[0];
    return offset === undefined ? file : `${file}:${lines.linePos(offset).line}`;
  };
  if (docs.length > 1) {
    throw new UserError([{ file: `${file}:${docs[1]?.line ?? 1}`, path: "", message: "holds more than one YAML document", hint: "a cases file is one map with a `cases:` list; remove the extra --- document" }], `${file}: invalid cases file`);
  }
  const root = docs[0]?.doc.contents ?? null;
  if (!isMap(root) || !isSeq(root.get("cases", true))) {
    throw new UserError(
      [{ file: at(root), path: "cases", message: "a cases file is a map with a `cases:` list", hint: "start the file with `cases:` and list flows under it" }],
      `${file}: invalid cases file`,
    );
  }
  for (const item of root.items) {
    const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
    if (key !== "cases") {
      problems.push({ file: at(item.key as YamlNode), path: key, value: key, message: "unknown key", hint: "a cases file has only `cases:`" });
    }
  }
  const seq = root.get("cases", true);
  const cases: FlowCase[] = [];
  const names = new Map<string, number>();
  if (isSeq(seq)) {
    if (seq.items.length === 0) {
      problems.push({ file: at(seq as YamlNode), path: "cases", value: [], message: "no cases", hint: "list at least one flow the policy must allow or deny" });
    }
    seq.items.forEach((node, i) => {
      const path = `cases[${i}]`;
      const where = at(node as YamlNode);
      const line = Number(where.slice(file.length + 1)) || 1;
      if (!isMap(node)) {
        problems.push({ file: where, path, message: "a case is a map", hint: `give ${CASE_KEYS.join(", ")}` });
        return;
      }
      const fieldAt = (k: string): string => at((node.get(k, true) as YamlNode | undefined) ?? (node as YamlNode));
      const raw: Record<string, unknown> = {};
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (!(CASE_KEYS as readonly string[]).includes(k)) {
          problems.push({ file: at(pair.key as YamlNode), path: `${path}.${k}`, value: k, message: "unknown field", hint: `a case has ${CASE_KEYS.join(", ")}` });
          continue;
        }
        raw[k] = isScalar(pair.value) ? pair.value.value : (pair.value as { toJSON?: () => unknown } | null)?.toJSON?.();
      }
      const before = problems.length;
      const need = (k: string): void => {
        if (raw[k] === undefined || raw[k] === null) {
          problems.push({ file: where, path: `${path}.${k}`, message: `missing ${k}`, hint: `every case has ${CASE_KEYS.filter((c) => c !== "port").join(", ")}` });
        }
      };
      ["name", "from", "to", "protocol", "expect"].forEach(need);

      let name = "";
      if (raw["name"] !== undefined && raw["name"] !== null) {
        if (typeof raw["name"] !== "string" || raw["name"].trim() === "") {
          problems.push({ file: fieldAt("name"), path: `${path}.name`, value: raw["name"], message: "name must be a non-empty string", hint: "say what the flow is, e.g. core reaches queue on redis" });
        } else {
          name = raw["name"];
          const first = names.get(name);
          if (first !== undefined) {
            problems.push({ file: fieldAt("name"), path: `${path}.name`, value: name, message: `duplicate case name (first at cases[${first}])`, hint: "give each case a unique name" });
          } else {
            names.set(name, i);
          }
        }
      }
      const endpoint = (k: "from" | "to"): CaseEndpoint | undefined => {
        const v = raw[k];
        if (v === undefined || v === null) return undefined;
        if (typeof v !== "string") {
          problems.push({ file: fieldAt(k), path: `${path}.${k}`, value: v, message: "endpoint must be a string", hint: ENDPOINT_HINT });
          return undefined;
        }
        const e = parseEndpoint(v);
        if ("error" in e) {
          problems.push({ file: fieldAt(k), path: `${path}.${k}`, value: v, message: e.error, hint: e.hint });
          return undefined;
        }
        return e;
      };
      const from = endpoint("from");
      const to = endpoint("to");

      let protocol: ProtocolName | number | undefined;
      if (raw["protocol"] !== undefined && raw["protocol"] !== null) {
        const p = parseProtocol(raw["protocol"]);
        if (typeof p === "object") {
          problems.push({ file: fieldAt("protocol"), path: `${path}.protocol`, value: raw["protocol"], message: p.error, hint: `use one of ${PROTOCOL_NAMES.join(", ")} or a number 1-255` });
        } else {
          protocol = p;
        }
      }
      let port: number | undefined;
      const rawPort = raw["port"];
      if (rawPort !== undefined && rawPort !== null) {
        if (typeof rawPort !== "number" || !Number.isInteger(rawPort) || rawPort < 1 || rawPort > 65535) {
          problems.push({ file: fieldAt("port"), path: `${path}.port`, value: rawPort, message: "port out of range 1-65535", hint: "a destination port is an integer 1-65535" });
        } else {
          port = rawPort;
        }
      }
      if (protocol !== undefined) {
        const hasPorts = typeof protocol === "string" && PORT_PROTOCOLS.includes(protocol);
        if (hasPorts && (rawPort === undefined || rawPort === null)) {
          problems.push({ file: where, path: `${path}.port`, message: `missing port for ${String(protocol)}`, hint: "TCP, UDP and SCTP flows need a destination port" });
        }
        if (!hasPorts && rawPort !== undefined && rawPort !== null) {
          problems.push({ file: fieldAt("port"), path: `${path}.port`, value: rawPort, message: `${String(protocol)} has no ports`, hint: "omit port for protocols other than TCP, UDP and SCTP" });
        }
      }
      const expect = raw["expect"];
      if (expect !== undefined && expect !== null && expect !== "allow" && expect !== "deny") {
        problems.push({ file: fieldAt("expect"), path: `${path}.expect`, value: expect, message: "expect must be allow or deny", hint: "write expect: allow or expect: deny" });
      }
      if (problems.length > before || from === undefined || to === undefined || protocol === undefined) return;
      cases.push({
        name,
        from,
        to,
        ...(port === undefined ? {} : { port }),
        protocol,
        expect: expect as Expectation,
        line,
      });
    });
  }
  if (problems.length > 0) throw new UserError(problems, `${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"} in cases`);
  return { file, cases };
}
