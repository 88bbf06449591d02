/**
 * Calico rules as plain data, and the one place that turns (action, peer, ports) into rules.
 *
 * Calico semantics that shape this file:
 * - ports always sit on the *destination* entity, for ingress and egress rules alike;
 * - a rule with ports must name TCP, UDP or SCTP, so ports of different protocols become separate rules;
 * - ICMP type/code needs `ipVersion` consistent with the protocol (4 for ICMP, 6 for ICMPv6).
 */
import { UserError } from "../src/model/problem.js";
import type { Peer } from "./peer.js";
import type { CalicoPort, Port } from "./port.js";
import type { ProtocolName } from "./protocol.js";

export type RuleAction = "Allow" | "Deny" | "Pass" | "Log";
export type Direction = "ingress" | "egress";

/** The subset of Calico's EntityRule this product writes. */
export interface EntityRuleSpec {
  readonly selector?: string;
  readonly namespaceSelector?: string;
  readonly nets?: readonly string[];
  readonly ports?: readonly CalicoPort[];
  readonly serviceAccounts?: { readonly names?: readonly string[]; readonly selector?: string };
  readonly services?: { readonly name: string; readonly namespace: string };
}

/** The subset of Calico's Rule this product writes. */
export interface RuleSpec {
  readonly action: RuleAction;
  readonly protocol?: ProtocolName | number;
  readonly icmp?: { readonly type: number; readonly code?: number };
  readonly ipVersion?: 4 | 6;
  readonly source?: EntityRuleSpec;
  readonly destination?: EntityRuleSpec;
}

/** Ports grouped so each group is one rule: same protocol, no ICMP match, port lists merged in order. */
interface PortGroup {
  readonly protocol: ProtocolName | number | undefined;
  readonly ports: CalicoPort[];
  readonly icmp?: Port["icmp"];
  readonly ipVersion?: 4 | 6;
  /** True when the group means "every port of the protocol": an explicit list must not narrow it. */
  allPorts: boolean;
}

function groupPorts(ports: readonly Port[]): PortGroup[] {
  const groups: PortGroup[] = [];
  for (const p of ports) {
    if (p.icmp !== undefined) {
      groups.push({
        protocol: p.protocol.value,
        ports: [],
        icmp: p.icmp,
        ipVersion: p.protocol.value === "ICMPv6" ? 6 : 4,
        allPorts: true,
      });
      continue;
    }
    const existing = groups.find((g) => g.icmp === undefined && g.protocol === p.protocol.value);
    if (existing === undefined) {
      groups.push({ protocol: p.protocol.value, ports: p.port === undefined ? [] : [p.port], allPorts: p.port === undefined });
    } else if (p.port === undefined) {
      existing.allPorts = true;
      existing.ports.length = 0;
    } else if (!existing.allPorts && !existing.ports.includes(p.port)) {
      existing.ports.push(p.port);
    }
  }
  return groups;
}

function withPorts(entity: EntityRuleSpec | undefined, ports: readonly CalicoPort[]): EntityRuleSpec | undefined {
  if (ports.length === 0) return entity;
  return { ...(entity ?? {}), ports: [...ports] };
}

/**
 * The rules for `action` between the policy's endpoints and `peer` on `ports` (any traffic when empty).
 * Ingress: the peer is the source. Egress: the peer is the destination. Either way ports go on the destination.
 * `peer` undefined means any source/destination.
 */
export function makeRules(direction: Direction, action: RuleAction, peer: Peer | undefined, ports: readonly Port[] = []): RuleSpec[] {
  const entity = peer?.toEntityRule();
  if (entity?.services !== undefined && direction === "egress") {
    // Calico takes the ports of a `services` destination from the Service itself and rejects explicit ports.
    return [clean({ action, destination: entity })];
  }
  const groups = groupPorts(ports);
  if (groups.length === 0) {
    return [direction === "ingress" ? clean({ action, source: entity }) : clean({ action, destination: entity })];
  }
  const conflict = groups.find((g) => g.ipVersion !== undefined && peer?.ipVersion !== undefined && g.ipVersion !== peer.ipVersion);
  if (conflict !== undefined) {
    throw new UserError([
      {
        path: "ports",
        value: `${String(conflict.protocol)} with ${peer?.toString() ?? ""}`,
        message: `${String(conflict.protocol)} is IPv${conflict.ipVersion ?? ""} but the peer's nets are IPv${peer?.ipVersion ?? ""}`,
        hint: conflict.ipVersion === 4 ? "use Port.icmpv6() for IPv6 peers" : "use Port.icmp() for IPv4 peers",
      },
    ]);
  }
  return groups.map((g) => {
    const base = {
      action,
      protocol: g.protocol,
      icmp: g.icmp,
      ipVersion: g.ipVersion,
    };
    return direction === "ingress"
      ? clean({ ...base, source: entity, destination: withPorts(undefined, g.ports) })
      : clean({ ...base, destination: withPorts(entity, g.ports) });
  });
}

/** Drops undefined fields so the rendered YAML has no `null`s and the golden files stay small. */
function clean(rule: { [K in keyof RuleSpec]: RuleSpec[K] | undefined }): RuleSpec {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rule)) if (v !== undefined) out[k] = v;
  return out as unknown as RuleSpec;
}
