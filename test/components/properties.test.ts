// Laws of the value objects and rule builder, over random inputs (fast-check).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GlobalNetworkPolicy } from "../../components/global-network-policy.js";
import { NetworkPolicy } from "../../components/network-policy.js";
import { Peer } from "../../components/peer.js";
import { Port } from "../../components/port.js";
import { Protocol } from "../../components/protocol.js";
import { makeRules, type RuleAction } from "../../components/rule.js";
import { sel } from "../../src/model/selector/index.js";
import { validateResource } from "../../src/model/validate/index.js";
import { fixture } from "./helpers.js";

const portNumber = fc.integer({ min: 1, max: 65535 });
const port: fc.Arbitrary<Port> = fc.oneof(
  portNumber.map((p) => Port.tcp(p)),
  portNumber.map((p) => Port.udp(p)),
  portNumber.map((p) => Port.sctp(p)),
  fc.tuple(portNumber, portNumber).map(([a, b]) => Port.tcpRange(Math.min(a, b), Math.max(a, b))),
  fc.constant(Port.allTcp()),
  fc.constant(Port.protocol(Protocol.IPIP)),
  fc.integer({ min: 0, max: 254 }).map((type) => Port.icmp({ type })),
);
const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
// A Calico selector value may hold ' or " but not both (no escapes); the builder rejects such values.
const value = fc.string({ maxLength: 12 }).filter((v) => !(v.includes("'") && v.includes('"')));
const ns = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
const octet = fc.integer({ min: 0, max: 255 });
const peer: fc.Arbitrary<Peer> = fc.oneof(
  ns.map((n) => Peer.namespace(n)),
  fc.tuple(label, value, ns).map(([k, v, n]) => Peer.pods(sel.eq(k, v), { namespace: n })),
  fc.tuple(label, value).map(([k, v]) => Peer.pods(sel.eq(k, v))),
  label.map((k) => Peer.hosts(sel.has(k))),
  fc.tuple(octet, octet).map(([a, b]) => Peer.nets(`10.${a}.${b}.0/24`)),
  fc.tuple(octet, octet).map(([a, b]) => Peer.nets(`fd00:${a}::${b}`)),
  fc.tuple(ns, ns).map(([n, s]) => Peer.serviceAccount(n, s)),
);
const action = fc.constantFrom<RuleAction>("Allow", "Deny", "Pass", "Log");

describe("value objects and rules, for any input", () => {
  it("Port accepts exactly 1-65535 and says so otherwise", () => {
    fc.assert(
      fc.property(fc.integer({ min: -100000, max: 200000 }), (p) => {
        const ok = p >= 1 && p <= 65535;
        let threw = false;
        try {
          Port.tcp(p);
        } catch (e) {
          threw = true;
          expect((e as Error).message).toContain(`(value: ${p})`);
        }
        expect(threw).toBe(!ok);
      }),
    );
  });
  it("makeRules never puts two protocols in one rule and always puts ports on the destination", () => {
    fc.assert(
      fc.property(fc.constantFrom("ingress" as const, "egress" as const), action, fc.option(peer, { nil: undefined }), fc.array(port, { maxLength: 6 }), (dir, act, p, ports) => {
        fc.pre(p?.ipVersion !== 6 || ports.every((x) => x.icmp === undefined));
        const rules = makeRules(dir, act, p, ports);
        expect(rules.length).toBeGreaterThan(0);
        for (const r of rules) {
          expect(r.action).toBe(act);
          expect(r.source?.ports).toBeUndefined();
          if (r.destination?.ports !== undefined) expect(["TCP", "UDP", "SCTP"]).toContain(r.protocol);
        }
        // Ports of one protocol are merged into one rule (ICMP type matches stay one rule each).
        const protocols = rules.filter((r) => r.icmp === undefined && r.protocol !== undefined).map((r) => r.protocol);
        expect(new Set(protocols).size).toBe(protocols.length);
      }),
    );
  });
  it("every policy built from any peers and ports is valid for Calico (validateResource)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(action, peer, fc.array(port, { maxLength: 4 })), { maxLength: 4 }),
        fc.array(fc.tuple(action, peer, fc.array(port, { maxLength: 4 })), { maxLength: 4 }),
        fc.boolean(),
        fc.constantFrom("3.30", "3.31", "3.32"),
        (ingress, egress, namespaced, version) => {
          const f = fixture();
          let props;
          try {
            props = {
              tier: f.tier,
              name: "p",
              ingress: ingress.flatMap(([a, p, ports]) => makeRules("ingress", a, p, ports)),
              egress: egress.flatMap(([a, p, ports]) => makeRules("egress", a, p, ports)),
            };
          } catch (e) {
            // The one combination the builder refuses up front: ICMP of one IP version with nets of the other.
            expect((e as Error).message).toMatch(/is IPv[46] but the peer's nets are IPv[46]/);
            return;
          }
          if (namespaced) new NetworkPolicy(f.chart, "p", { ...props, namespace: "app" });
          else new GlobalNetworkPolicy(f.chart, "p", props);
          for (const o of f.objects()) expect(validateResource(o, { calicoVersion: version })).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
