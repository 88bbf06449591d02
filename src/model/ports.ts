/**
 * Ports and protocols as Calico and Kubernetes read them. Used by validation (is this port valid?),
 * components (build ports from values) and analysis (does this rule's port set contain 443?).
 *
 * Calico semantics (projectcalico/api `pkg/lib/numorstring/port.go`, `protocol.go`,
 * `uint8orstring.go`; libcalico-go `lib/validator/v3/validator.go` validatePort/validateProtocol):
 * - a port is an integer, a `"min:max"` range, or a named port; a string of digits is a number;
 * - numbers must be 1-65535 (0 is rejected: "port number must be between 1 and 65535");
 * - a range needs min <= max;
 * - a named port must match `[a-zA-Z0-9_.-]{1,128}` and be a valid Kubernetes port name
 *   (IANA_SVC_NAME: 1-15 lower-case letters, digits and '-', at least one letter, no "--",
 *   no leading or trailing '-');
 * - a protocol is 1-255 or one of TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite (case-sensitive); a string
 *   of digits is read as a number; only TCP, UDP and SCTP (6, 17, 132) carry ports.
 */
import { type Problem } from "./problem.js";

/** A port as written in a Calico rule: `80`, `"8080:8090"`, `"http"`. */
export type CalicoPortSpec = number | string;

export type CalicoPort =
  | { readonly kind: "single"; readonly port: number }
  | { readonly kind: "range"; readonly min: number; readonly max: number }
  | { readonly kind: "named"; readonly name: string };

export const PROTOCOL_NAMES = ["TCP", "UDP", "ICMP", "ICMPv6", "SCTP", "UDPLite"] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];

/** IANA protocol numbers of the named protocols. */
export const PROTOCOL_NUMBERS: Readonly<Record<ProtocolName, number>> = {
  TCP: 6,
  UDP: 17,
  ICMP: 1,
  ICMPv6: 58,
  SCTP: 132,
  UDPLite: 136,
};

/** A protocol as written in a Calico rule: a name or a number. */
export type CalicoProtocolSpec = ProtocolName | number | string;

export type CalicoProtocol =
  | { readonly kind: "name"; readonly name: ProtocolName }
  | { readonly kind: "number"; readonly number: number };

export interface ParseResult<T> {
  readonly value?: T;
  readonly problems: Problem[];
}

const MAX_PORT = 65535;
const CALICO_PORT_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;
const DIGITS = /^\d+$/;
const RANGE = /^(\d+):(\d+)$/;

/**
 * Kubernetes `IsValidPortName` (IANA_SVC_NAME, RFC 6335): the reasons a name is invalid, empty when valid.
 */
export function portNameErrors(name: string): string[] {
  const errs: string[] = [];
  if (name.length < 1 || name.length > 15) errs.push("must be 1 to 15 characters long");
  if (!/^[-a-z0-9]+$/.test(name)) errs.push("must contain only lower-case letters, digits and '-'");
  if (name.includes("--")) errs.push("must not contain consecutive '-'");
  if (name.startsWith("-") || name.endsWith("-")) errs.push("must not begin or end with '-'");
  if (!/[a-z]/.test(name)) errs.push("must contain at least one letter");
  return errs;
}

function portNumberProblem(path: string, value: unknown, n: number | bigint): Problem {
  return {
    path,
    value,
    message: `port number ${n} is out of range: must be between 1 and ${MAX_PORT}`,
    hint: n === 0 || n === 0n ? "port 0 is not a valid port; use 1-65535" : `use a port between 1 and ${MAX_PORT}`,
  };
}

function parseDigits(text: string): bigint {
  return BigInt(text);
}

/** Parses one Calico port (`ports`/`notPorts` item, HostEndpoint port). */
export function parseCalicoPort(value: unknown, path: string): ParseResult<CalicoPort> {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) {
      return {
        problems: [{ path, value, message: "port must be an integer", hint: "use a whole number between 1 and 65535" }],
      };
    }
    if (value < 1 || value > MAX_PORT) return { problems: [portNumberProblem(path, value, value)] };
    return { value: { kind: "single", port: value }, problems: [] };
  }
  if (typeof value !== "string") {
    return {
      problems: [
        {
          path,
          value,
          message: `port must be a number or a string, not ${value === null ? "null" : Array.isArray(value) ? "a list" : typeof value}`,
          hint: 'write a port number (443), a range ("8000:8080") or a named port ("http")',
        },
      ],
    };
  }
  if (DIGITS.test(value)) {
    const n = parseDigits(value);
    if (n < 1n || n > BigInt(MAX_PORT)) return { problems: [portNumberProblem(path, value, n)] };
    return { value: { kind: "single", port: Number(n) }, problems: [] };
  }
  const m = RANGE.exec(value);
  if (m !== null) {
    const a = parseDigits(m[1] ?? "");
    const b = parseDigits(m[2] ?? "");
    const problems: Problem[] = [];
    if (a < 1n || a > BigInt(MAX_PORT)) problems.push(portNumberProblem(path, value, a));
    if (b < 1n || b > BigInt(MAX_PORT)) problems.push(portNumberProblem(path, value, b));
    if (problems.length === 0 && a > b) {
      problems.push({
        path,
        value,
        message: `port range start ${a} is greater than its end ${b}`,
        hint: `write the range low to high: "${b}:${a}"`,
      });
    }
    if (problems.length > 0) return { problems };
    return { value: { kind: "range", min: Number(a), max: Number(b) }, problems: [] };
  }
  if (/^\s*\d+\s*-\s*\d+\s*$/.test(value)) {
    const [a, b] = value.split("-").map((s) => s.trim());
    return {
      problems: [
        { path, value, message: "port ranges are written with a colon", hint: `write "${a}:${b}"` },
      ],
    };
  }
  if (!CALICO_PORT_NAME.test(value)) {
    return {
      problems: [
        {
          path,
          value,
          message: "invalid port: not a number, a \"min:max\" range or a port name",
          hint: 'write a port number (443), a range ("8000:8080") or a named port ("http")',
        },
      ],
    };
  }
  const errs = portNameErrors(value);
  if (errs.length > 0) {
    const lower = value.toLowerCase();
    return {
      problems: [
        {
          path,
          value,
          message: `invalid named port: ${errs.join("; ")}`,
          hint:
            lower !== value && portNameErrors(lower).length === 0
              ? `port names are lower case: did you mean "${lower}"?`
              : "a port name is 1-15 lower-case letters, digits and '-', with at least one letter",
        },
      ],
    };
  }
  return { value: { kind: "named", name: value }, problems: [] };
}

/** Parses a list of Calico ports, reporting every bad item. */
export function parseCalicoPorts(values: readonly unknown[], path: string): { ports: CalicoPort[]; problems: Problem[] } {
  const ports: CalicoPort[] = [];
  const problems: Problem[] = [];
  values.forEach((v, i) => {
    const r = parseCalicoPort(v, `${path}[${i}]`);
    problems.push(...r.problems);
    if (r.value !== undefined) ports.push(r.value);
  });
  return { ports, problems };
}

/** Canonical text of a Calico port: `80`, `8000:8080`, `http`. */
export function formatCalicoPort(p: CalicoPort): string {
  switch (p.kind) {
    case "single":
      return String(p.port);
    case "range":
      return p.min === p.max ? String(p.min) : `${p.min}:${p.max}`;
    case "named":
      return p.name;
  }
}

/** True when numeric port `n` is in `p`. Named ports need the endpoint's port map, so they never match here. */
export function calicoPortContains(p: CalicoPort, n: number): boolean {
  switch (p.kind) {
    case "single":
      return p.port === n;
    case "range":
      return p.min <= n && n <= p.max;
    case "named":
      return false;
  }
}

/** Parses a Calico protocol (`protocol`/`notProtocol`). */
export function parseProtocol(value: unknown, path: string): ParseResult<CalicoProtocol> {
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 1 || value > 255) {
      return {
        problems: [
          {
            path,
            value,
            message: "protocol number must be an integer between 1 and 255",
            hint: "use a protocol name (TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite) or a number 1-255",
          },
        ],
      };
    }
    return { value: { kind: "number", number: value }, problems: [] };
  }
  if (typeof value !== "string") {
    return {
      problems: [
        {
          path,
          value,
          message: "protocol must be a name or a number",
          hint: "use TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or a number 1-255",
        },
      ],
    };
  }
  // A quoted number is a number (Uint8OrString): "6" is protocol 6.
  if (DIGITS.test(value)) {
    const n = BigInt(value);
    if (n < 1n || n > 255n) {
      return {
        problems: [
          {
            path,
            value,
            message: "protocol number must be between 1 and 255",
            hint: "use a protocol name (TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite) or a number 1-255",
          },
        ],
      };
    }
    return { value: { kind: "number", number: Number(n) }, problems: [] };
  }
  if ((PROTOCOL_NAMES as readonly string[]).includes(value)) {
    return { value: { kind: "name", name: value as ProtocolName }, problems: [] };
  }
  const ci = PROTOCOL_NAMES.find((n) => n.toLowerCase() === value.toLowerCase());
  return {
    problems: [
      {
        path,
        value,
        message: `unknown protocol name "${value}"`,
        hint:
          ci !== undefined
            ? `protocol names are case-sensitive: did you mean "${ci}"?`
            : "use TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or a number 1-255",
      },
    ],
  };
}

/** The IANA number of a protocol. */
export function protocolNumber(p: CalicoProtocol): number {
  return p.kind === "number" ? p.number : PROTOCOL_NUMBERS[p.name];
}

/** Calico `Protocol.SupportsPorts`: TCP, UDP, SCTP by name, or 6, 17, 132 by number. UDPLite does not. */
export function protocolSupportsPorts(p: CalicoProtocol): boolean {
  if (p.kind === "number") return p.number === 6 || p.number === 17 || p.number === 132;
  return p.name === "TCP" || p.name === "UDP" || p.name === "SCTP";
}

/** True when the protocol was written as exactly this name (Calico compares names, not numbers, here). */
export function isProtocolName(p: CalicoProtocol | undefined, name: ProtocolName): boolean {
  return p !== undefined && p.kind === "name" && p.name === name;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes NetworkPolicyPort (networking.k8s.io/v1), validated as
// k8s.io/kubernetes pkg/apis/networking/validation ValidateNetworkPolicyPort does.

export const K8S_PROTOCOLS = ["TCP", "UDP", "SCTP"] as const;
export type K8sProtocol = (typeof K8S_PROTOCOLS)[number];

export interface K8sNetworkPolicyPortSpec {
  readonly protocol?: K8sProtocol;
  readonly port?: number | string;
  readonly endPort?: number;
}

export type K8sPort =
  | { readonly kind: "all"; readonly protocol: K8sProtocol }
  | { readonly kind: "range"; readonly protocol: K8sProtocol; readonly min: number; readonly max: number }
  | { readonly kind: "named"; readonly protocol: K8sProtocol; readonly name: string };

/** Validates and interprets one k8s NetworkPolicyPort (protocol defaults to TCP). */
export function parseK8sPort(spec: K8sNetworkPolicyPortSpec, path: string): ParseResult<K8sPort> {
  const problems: Problem[] = [];
  const protocol = spec.protocol ?? "TCP";
  if (!(K8S_PROTOCOLS as readonly string[]).includes(protocol)) {
    problems.push({
      path: `${path}.protocol`,
      value: spec.protocol,
      message: "protocol must be TCP, UDP or SCTP",
      hint: "Kubernetes NetworkPolicy ports support TCP, UDP and SCTP only; use a Calico policy for other protocols",
    });
  }
  const port = spec.port;
  if (port === undefined) {
    if (spec.endPort !== undefined) {
      problems.push({
        path: `${path}.endPort`,
        value: spec.endPort,
        message: "endPort may not be specified when port is not specified",
        hint: "set port to the first port of the range",
      });
    }
    return problems.length > 0 ? { problems } : { value: { kind: "all", protocol }, problems };
  }
  if (typeof port === "number") {
    if (!Number.isInteger(port) || port < 1 || port > MAX_PORT) {
      problems.push(portNumberProblem(`${path}.port`, port, port));
    }
    if (spec.endPort !== undefined) {
      if (!Number.isInteger(spec.endPort) || spec.endPort < 1 || spec.endPort > MAX_PORT) {
        problems.push(portNumberProblem(`${path}.endPort`, spec.endPort, spec.endPort));
      } else if (spec.endPort < port) {
        problems.push({
          path: `${path}.endPort`,
          value: spec.endPort,
          message: `endPort ${spec.endPort} must be greater than or equal to port ${port}`,
          hint: `set endPort to at least ${port}`,
        });
      }
    }
    if (problems.length > 0) return { problems };
    return { value: { kind: "range", protocol, min: port, max: spec.endPort ?? port }, problems };
  }
  const errs = portNameErrors(port);
  if (errs.length > 0) {
    problems.push({
      path: `${path}.port`,
      value: port,
      message: `invalid port name: ${errs.join("; ")}`,
      hint: "a port name is 1-15 lower-case letters, digits and '-', with at least one letter",
    });
  }
  if (spec.endPort !== undefined) {
    problems.push({
      path: `${path}.endPort`,
      value: spec.endPort,
      message: "endPort may not be specified when port is a named port",
      hint: "use a numeric port with endPort, or drop endPort",
    });
  }
  if (problems.length > 0) return { problems };
  return { value: { kind: "named", protocol, name: port }, problems };
}
