/**
 * What a rule matches beyond the peer: a protocol and, for TCP/UDP/SCTP, destination ports; for ICMP a
 * type/code. Value objects with static factories (`Port.tcp(6379)`, `Port.tcpRange(4500, 4800)`,
 * `Port.udp(53)`, `Port.protocol(Protocol.IPIP)`), so no component writes port strings by hand.
 *
 * Calico semantics: ports are always matched on the *destination* side of a flow (for ingress and egress
 * rules alike); a range is written `"from:to"`; a named port is a string and is resolved per endpoint.
 */
import { portNameErrors } from "../src/model/ports.js";
import { UserError } from "../src/model/problem.js";
import { Protocol } from "./protocol.js";

/** One Calico port entry: a number, `"from:to"`, or a named port. */
export type CalicoPort = number | string;

const PORT_HINT = "TCP, UDP and SCTP ports are integers 1-65535; for a range use Port.tcpRange(from, to)";

function checkPort(value: number, path: string): void {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new UserError([{ path, value, message: "port out of range 1-65535", hint: PORT_HINT }]);
  }
}

function checkPortProtocol(protocol: Protocol): void {
  if (!protocol.hasPorts) {
    throw new UserError([
      {
        path: "protocol",
        value: protocol.toString(),
        message: "only TCP, UDP and SCTP carry ports",
        hint: "use Port.protocol(p) to match every packet of another protocol, or Port.icmp() for ICMP",
      },
    ]);
  }
}

export interface IcmpMatch {
  /** ICMP type 0-254. */
  readonly type: number;
  /** ICMP code 0-255; needs a type. */
  readonly code?: number;
}

export class Port {
  /** Every TCP port 1-65535 (the rule sets the protocol and no ports). */
  static allTcp(): Port {
    return new Port(Protocol.TCP, undefined, undefined);
  }

  static allUdp(): Port {
    return new Port(Protocol.UDP, undefined, undefined);
  }

  static tcp(port: number): Port {
    return Port.single(Protocol.TCP, port);
  }

  static udp(port: number): Port {
    return Port.single(Protocol.UDP, port);
  }

  static sctp(port: number): Port {
    return Port.single(Protocol.SCTP, port);
  }

  static tcpRange(from: number, to: number): Port {
    return Port.range(Protocol.TCP, from, to);
  }

  static udpRange(from: number, to: number): Port {
    return Port.range(Protocol.UDP, from, to);
  }

  /** One port (or a `from`..`to` range when `to` is given) of a port-carrying protocol. */
  static of(protocol: Protocol, port: number, to?: number): Port {
    return to === undefined ? Port.single(protocol, port) : Port.range(protocol, port, to);
  }

  /** A named container port (`containerPort` name), resolved by Calico per destination endpoint. */
  static named(protocol: Protocol, name: string): Port {
    checkPortProtocol(protocol);
    // Kubernetes IsValidPortName (IANA_SVC_NAME), as Calico validates a rule's named port.
    const errors = portNameErrors(name);
    if (errors.length > 0) {
      throw new UserError([
        {
          path: "port",
          value: name,
          message: `not a valid named port: ${errors.join("; ")}`,
          hint: "a port name is 1-15 lowercase letters, digits and '-', with at least one letter, as in a Pod's ports[].name",
        },
      ]);
    }
    return new Port(protocol, name, undefined);
  }

  /** Every packet of a protocol that has no ports, e.g. `Port.protocol(Protocol.IPIP)`. */
  static protocol(protocol: Protocol): Port {
    return new Port(protocol, undefined, undefined);
  }

  /** ICMP (IPv4), optionally one type and code. */
  static icmp(match?: IcmpMatch): Port {
    return Port.icmpOf(Protocol.ICMP, match);
  }

  /** ICMPv6, optionally one type and code. */
  static icmpv6(match?: IcmpMatch): Port {
    return Port.icmpOf(Protocol.ICMPV6, match);
  }

  // Well-known ports of the cluster's control plane and of Calico (Calico docs: getting-started/kubernetes/requirements, "Network requirements"; operations/monitor/monitor-component-metrics).
  static readonly DNS_UDP = Port.udp(53);
  static readonly DNS_TCP = Port.tcp(53);
  static readonly KUBE_APISERVER = Port.tcp(6443);
  static readonly KUBELET = Port.tcp(10250);
  static readonly TYPHA = Port.tcp(5473);
  static readonly BGP = Port.tcp(179);
  static readonly VXLAN = Port.udp(4789);
  /** Felix's WireGuard listening ports: FelixConfiguration `wireguardListeningPort` (51820) and `wireguardListeningPortV6` (51821) defaults. */
  static readonly WIREGUARD = Port.udp(51820);
  static readonly WIREGUARD_V6 = Port.udp(51821);
  static readonly CALICO_APISERVER = Port.tcp(5443);
  static readonly FELIX_METRICS = Port.tcp(9091);
  static readonly TYPHA_METRICS = Port.tcp(9093);
  static readonly KUBE_CONTROLLERS_METRICS = Port.tcp(9094);
  static readonly NODE_EXPORTER = Port.tcp(9100);

  private static single(protocol: Protocol, port: number): Port {
    checkPortProtocol(protocol);
    checkPort(port, "port");
    return new Port(protocol, port, undefined);
  }

  private static range(protocol: Protocol, from: number, to: number): Port {
    checkPortProtocol(protocol);
    checkPort(from, "port.from");
    checkPort(to, "port.to");
    if (from > to) {
      throw new UserError([
        {
          path: "port",
          value: `${from}:${to}`,
          message: "port range is reversed",
          hint: `write the lower port first: Port.of(${protocol.toString()}, ${to}, ${from})`,
        },
      ]);
    }
    return new Port(protocol, from === to ? from : `${from}:${to}`, undefined);
  }

  private static icmpOf(protocol: Protocol, match: IcmpMatch | undefined): Port {
    if (match !== undefined) {
      if (!Number.isInteger(match.type) || match.type < 0 || match.type > 254) {
        throw new UserError([
          { path: "icmp.type", value: match.type, message: "ICMP type out of range 0-254", hint: "e.g. 8 for echo request" },
        ]);
      }
      if (match.code !== undefined && (!Number.isInteger(match.code) || match.code < 0 || match.code > 255)) {
        throw new UserError([
          { path: "icmp.code", value: match.code, message: "ICMP code out of range 0-255", hint: "omit the code to match every code of the type" },
        ]);
      }
    }
    return new Port(protocol, undefined, match);
  }

  readonly protocol: Protocol;
  /** The Calico port entry, or undefined for "every port of the protocol". */
  readonly port: CalicoPort | undefined;
  readonly icmp: IcmpMatch | undefined;

  private constructor(protocol: Protocol, port: CalicoPort | undefined, icmp: IcmpMatch | undefined) {
    this.protocol = protocol;
    this.port = port;
    this.icmp = icmp;
  }

  /** `TCP 6379`, `TCP 4500-4800`, `TCP metrics`, `all UDP`, `ICMP type 8 code 0`, `protocol 4`. */
  toString(): string {
    if (this.icmp !== undefined) {
      return `${this.protocol.toString()} type ${this.icmp.type}${this.icmp.code === undefined ? "" : ` code ${this.icmp.code}`}`;
    }
    if (this.port === undefined) return this.protocol.hasPorts ? `all ${this.protocol.toString()}` : this.protocol.toString();
    return `${this.protocol.toString()} ${String(this.port).replace(":", "-")}`;
  }
}
