/**
 * A Calico rule protocol as a value object: `Protocol.TCP`, `Protocol.of("UDP")`, `Protocol.of(4)` (IP-in-IP).
 *
 * Calico accepts the names TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite and any IP protocol number 1-255
 * (the rule reference); only TCP, UDP and SCTP carry ports, and a rule that names ports must set one of those.
 */
import { PROTOCOL_NUMBERS, type ProtocolName } from "../src/model/ports.js";
import { UserError } from "../src/model/problem.js";

/** Protocol names exactly as Calico spells them in a rule's `protocol` field (the model's list). */
export type { ProtocolName };

/** In the order the hints list them: the port-carrying protocols first. */
const NAMES: readonly ProtocolName[] = ["TCP", "UDP", "SCTP", "ICMP", "ICMPv6", "UDPLite"];

export class Protocol {
  static readonly TCP = new Protocol("TCP");
  static readonly UDP = new Protocol("UDP");
  static readonly SCTP = new Protocol("SCTP");
  static readonly ICMP = new Protocol("ICMP");
  static readonly ICMPV6 = new Protocol("ICMPv6");
  static readonly UDPLITE = new Protocol("UDPLite");
  /** IP-in-IP encapsulation (IP protocol 4), used by Calico's IPIP overlay. */
  static readonly IPIP = new Protocol(4);

  /**
   * A protocol by name (case-insensitive, printed in Calico's spelling) or by IP protocol number 1-255.
   * Numbers of named protocols (6, 17, 132, 1, 58, 136) become the named protocol.
   */
  static of(value: string | number): Protocol {
    if (typeof value === "number") {
      if (!Number.isInteger(value) || value < 1 || value > 255) {
        throw new UserError([
          {
            path: "protocol",
            value,
            message: "IP protocol number out of range",
            hint: "use an integer 1-255 or one of TCP, UDP, SCTP, ICMP, ICMPv6, UDPLite",
          },
        ]);
      }
      const named = NAMES.find((n) => PROTOCOL_NUMBERS[n] === value);
      return named === undefined ? new Protocol(value) : Protocol.of(named);
    }
    const trimmed = value.trim();
    if (/^[0-9]+$/.test(trimmed)) return Protocol.of(Number(trimmed));
    const named = NAMES.find((n) => n.toLowerCase() === trimmed.toLowerCase());
    if (named === undefined) {
      throw new UserError([
        {
          path: "protocol",
          value,
          message: "unknown protocol",
          hint: `use one of ${NAMES.join(", ")} or an IP protocol number 1-255`,
        },
      ]);
    }
    switch (named) {
      case "TCP":
        return Protocol.TCP;
      case "UDP":
        return Protocol.UDP;
      case "SCTP":
        return Protocol.SCTP;
      case "ICMP":
        return Protocol.ICMP;
      case "ICMPv6":
        return Protocol.ICMPV6;
      case "UDPLite":
        return Protocol.UDPLITE;
    }
  }

  /** The value for a Calico rule's `protocol` field: a name, or a number for unnamed protocols. */
  readonly value: ProtocolName | number;

  private constructor(value: ProtocolName | number) {
    this.value = value;
  }

  /** Only TCP, UDP and SCTP rules may name ports (Calico rejects `ports` with any other protocol). */
  get hasPorts(): boolean {
    return this.value === "TCP" || this.value === "UDP" || this.value === "SCTP";
  }

  /** ICMP and ICMPv6 carry type/code matches instead of ports. */
  get isIcmp(): boolean {
    return this.value === "ICMP" || this.value === "ICMPv6";
  }

  /** The IANA protocol number. */
  get number(): number {
    return typeof this.value === "number" ? this.value : PROTOCOL_NUMBERS[this.value];
  }

  equals(other: Protocol): boolean {
    return this.number === other.number;
  }

  /** `TCP`, `ICMPv6`, `protocol 4`. */
  toString(): string {
    return typeof this.value === "number" ? `protocol ${this.value}` : this.value;
  }
}
