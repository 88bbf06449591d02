/**
 * Every projectcalico.org/v3 and operator.tigera.io object used in the model's tests is checked against
 * the upstream v3.32.1 CRD schemas (strict: unknown fields are errors; int-or-string handled):
 * - an object validateResource accepts must be structurally valid for the API server;
 * - an object the schema rejects must be rejected by validateResource too.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateResource } from "../../src/model/validate/index.js";
import { type Obj } from "../support/calico-objects.js";
import { hasUpstreamCrd, validateAgainstUpstreamCrd } from "../support/crd-schema.js";
import { CEL_RULE_CASES } from "./cel-rules.js";
import { CONFIG_FIELD_CASES, INVALID_CASES, VALID_CASES } from "./validation-cases.js";

function crdBacked(obj: Obj): boolean {
  return typeof obj.apiVersion === "string" && typeof obj.kind === "string" && hasUpstreamCrd(obj.apiVersion, obj.kind);
}

const OBJECTS: { name: string; obj: Obj }[] = [
  ...VALID_CASES.map((c) => ({ name: `valid: ${c.name}`, obj: c.obj })),
  ...[...INVALID_CASES, ...CONFIG_FIELD_CASES].map((c) => ({ name: `invalid: ${c.name}`, obj: c.obj })),
  ...CEL_RULE_CASES.flatMap((c) => [
    { name: `CEL violating: ${c.crd} ${c.crdMessage}`, obj: c.violating },
    { name: `CEL satisfying: ${c.crd} ${c.crdMessage}`, obj: c.satisfying },
  ]),
].filter((o) => crdBacked(o.obj));

describe("test objects agree with the upstream CRD schemas (Calico 3.32)", () => {
  it("covers a meaningful number of CRD-backed objects", () => {
    expect(OBJECTS.length).toBeGreaterThan(150);
  });
  for (const { name, obj } of OBJECTS) {
    it(name, () => {
      const ours = validateResource(obj, { calicoVersion: "3.32" });
      const schema = validateAgainstUpstreamCrd(obj);
      if (ours.length === 0) expect(schema).toEqual([]);
      if (schema.length > 0) expect(ours.length).toBeGreaterThan(0);
    });
  }
});

describe("random rules: what validateResource accepts, the CRD accepts", () => {
  const port = fc.oneof(fc.integer({ min: -5, max: 70000 }), fc.constantFrom("http", "80:90", "90:80", "Metrics", "1:65535", "x y"));
  const entity = fc.record(
    {
      nets: fc.array(fc.constantFrom("10.0.0.0/8", "10.0.0.1/8", "::/0", "2001:db8::/32", "nope"), { maxLength: 2 }),
      notNets: fc.array(fc.constantFrom("0.0.0.0/0", "192.168.0.0/16"), { maxLength: 1 }),
      selector: fc.constantFrom("app == 'a'", "has(x)", "global()", "a ="),
      namespaceSelector: fc.constantFrom("global()", "all()", "global() || a == 'b'"),
      ports: fc.array(port, { maxLength: 3 }),
      notPorts: fc.array(port, { maxLength: 2 }),
      services: fc.record({ name: fc.constantFrom("svc", ""), namespace: fc.constantFrom("ns", "") }, { requiredKeys: [] }),
      serviceAccounts: fc.record({ names: fc.array(fc.constantFrom("sa1", "sa2"), { maxLength: 2 }), selector: fc.constantFrom("a == 'b'") }, { requiredKeys: [] }),
      bogus: fc.constant(1),
    },
    { requiredKeys: [] },
  );
  const rule = fc.record(
    {
      action: fc.constantFrom("Allow", "Deny", "Log", "Pass", "allow"),
      protocol: fc.oneof(fc.constantFrom("TCP", "UDP", "ICMP", "ICMPv6", "SCTP", "UDPLite", "tcp", "6"), fc.integer({ min: -1, max: 300 })),
      notProtocol: fc.constantFrom("TCP", "ICMP", 17),
      ipVersion: fc.constantFrom(4, 6, 5),
      icmp: fc.record({ type: fc.integer({ min: -1, max: 256 }), code: fc.integer({ min: -1, max: 256 }) }, { requiredKeys: [] }),
      source: entity,
      destination: entity,
      http: fc.record({ methods: fc.array(fc.constantFrom("GET", "POST"), { maxLength: 3 }) }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  );
  const spec = fc.record(
    {
      selector: fc.constantFrom("all()", "app == 'x'"),
      types: fc.array(fc.constantFrom("Ingress", "Egress", "Both"), { maxLength: 3 }),
      ingress: fc.array(rule, { maxLength: 2 }),
      egress: fc.array(rule, { maxLength: 2 }),
      order: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant("10")),
      preDNAT: fc.boolean(),
      doNotTrack: fc.boolean(),
      applyOnForward: fc.boolean(),
      namespaceSelector: fc.constantFrom("all()", "global()"),
    },
    { requiredKeys: [] },
  );

  it("GlobalNetworkPolicy and NetworkPolicy", () => {
    fc.assert(
      fc.property(spec, fc.boolean(), (s, global) => {
        const obj = global
          ? { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name: "random" }, spec: s }
          : { apiVersion: "projectcalico.org/v3", kind: "NetworkPolicy", metadata: { name: "random", namespace: "default" }, spec: s };
        const ours = validateResource(obj);
        const schema = validateAgainstUpstreamCrd(obj);
        if (ours.length === 0) expect(schema).toEqual([]);
        if (schema.length > 0) expect(ours.length).toBeGreaterThan(0);
      }),
      { numRuns: 400, seed: 20260821 },
    );
  });

  it("Tier, HostEndpoint, network sets, staged policies and Installation", () => {
    const text = fc.constantFrom("", "eth0", "*", "node1", "10.0.0.1", "10.0.0.0/8", "bad value", "Default");
    const objects = fc.oneof(
      fc.record({ order: fc.oneof(fc.integer(), fc.constant("1")), defaultAction: fc.constantFrom("Deny", "Pass", "Allow") }, { requiredKeys: [] }).map((spec) => ({
        kind: "Tier",
        name: "security",
        spec,
      })),
      fc.record({ node: text, interfaceName: text, expectedIPs: fc.array(text, { maxLength: 2 }), ports: fc.array(fc.record({ name: fc.constantFrom("web", "Web"), protocol: fc.constantFrom("TCP", "ICMP", 6), port: fc.integer({ min: -1, max: 70000 }) }, { requiredKeys: [] }), { maxLength: 2 }) }, { requiredKeys: [] }).map((spec) => ({
        kind: "HostEndpoint",
        name: "hep",
        spec,
      })),
      fc.record({ nets: fc.array(text, { maxLength: 3 }) }, { requiredKeys: [] }).map((spec) => ({ kind: "GlobalNetworkSet", name: "set", spec })),
      fc.record({ stagedAction: fc.constantFrom("Set", "Delete", "Learn", "Ignore", "Nope"), selector: fc.constantFrom("all()", "a =="), order: fc.integer() }, { requiredKeys: [] }).map((spec) => ({
        kind: "StagedGlobalNetworkPolicy",
        name: "staged",
        spec,
      })),
    );
    fc.assert(
      fc.property(objects, fc.constantFrom("default", "kube-admin", "security"), (o, name) => {
        const obj = { apiVersion: "projectcalico.org/v3", kind: o.kind, metadata: { name: o.kind === "Tier" ? name : o.name }, spec: o.spec };
        const ours = validateResource(obj);
        const schema = validateAgainstUpstreamCrd(obj);
        if (ours.length === 0) expect(schema).toEqual([]);
        if (schema.length > 0) expect(ours.length).toBeGreaterThan(0);
      }),
      { numRuns: 400, seed: 99 },
    );
    fc.assert(
      fc.property(
        fc.record({ registry: fc.constantFrom("r.example/", 5), variant: fc.constantFrom("Calico", "calico"), nodeMetricsPort: fc.constantFrom(9091, "9091"), calicoNetwork: fc.record({ bgp: fc.constantFrom("Enabled", "on"), ipPools: fc.array(fc.record({ cidr: fc.constantFrom("10.0.0.0/16", "x"), encapsulation: fc.constantFrom("VXLAN", "vxlan"), blockSize: fc.integer({ min: 0, max: 40 }) }, { requiredKeys: ["cidr"] }), { maxLength: 2 }) }, { requiredKeys: [] }), extra: fc.constant(true) }, { requiredKeys: [] }),
        (spec) => {
          const obj = { apiVersion: "operator.tigera.io/v1", kind: "Installation", metadata: { name: "default" }, spec };
          const ours = validateResource(obj);
          const schema = validateAgainstUpstreamCrd(obj);
          if (ours.length === 0) expect(schema).toEqual([]);
          if (schema.length > 0) expect(ours.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });
});
