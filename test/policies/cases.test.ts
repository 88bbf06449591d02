import { describe, expect, it } from "vitest";
import { formatEndpoint, parseCases, parseEndpoint } from "../../src/model/cases.js";
import { userErrorOf } from "../components/helpers.js";

const GOOD = `cases:
  - name: core reaches queue on redis
    from: fme/core
    to: fme/queue
    port: 6379
    protocol: TCP
    expect: allow
  - name: ping a host
    from: net:10.0.0.1
    to: host:control
    protocol: icmp
    expect: deny
`;

describe("parseCases", () => {
  it("parses workload, host and net endpoints, ports, protocols and lines", () => {
    const { cases } = parseCases(GOOD, "x.cases.yaml");
    expect(cases).toEqual([
      {
        name: "core reaches queue on redis",
        from: { kind: "workload", namespace: "fme", workload: "core" },
        to: { kind: "workload", namespace: "fme", workload: "queue" },
        port: 6379,
        protocol: "TCP",
        expect: "allow",
        line: 2,
      },
      {
        name: "ping a host",
        from: { kind: "net", cidr: "10.0.0.1/32" },
        to: { kind: "host", node: "control" },
        protocol: "ICMP",
        expect: "deny",
        line: 8,
      },
    ]);
  });
  it("accepts IP protocol numbers and names them when Calico has a name", () => {
    const text = `cases:\n  - { name: a, from: a/b, to: c/d, protocol: 4, expect: allow }\n  - { name: b, from: a/b, to: c/d, protocol: 17, port: 53, expect: allow }\n`;
    expect(parseCases(text, "f").cases.map((c) => c.protocol)).toEqual([4, "UDP"]);
  });
  it("reports every problem with file:line, field path, value and hint", () => {
    const text = `cases:
  - name: one
    from: fme/core
    to: fme/queue
    port: 70000
    protocol: TCP
    expect: allow
  - name: one
    from: fme core
    to: net:10.0.0.1/8
    protocol: UDP
    expect: maybe
    colour: blue
`;
    const msg = userErrorOf(() => parseCases(text, "p.cases.yaml"));
    expect(msg).toContain("p.cases.yaml:5: cases[0].port: port out of range 1-65535 (value: 70000)");
    expect(msg).toContain('p.cases.yaml:8: cases[1].name: duplicate case name (first at cases[0]) (value: "one")');
    expect(msg).toContain('p.cases.yaml:9: cases[1].from: not an endpoint (value: "fme core")');
    expect(msg).toContain("Did you mean net:10.0.0.0/8?");
    expect(msg).toContain("cases[1].port: missing port for UDP");
    expect(msg).toContain('cases[1].expect: expect must be allow or deny (value: "maybe")');
    expect(msg).toContain('p.cases.yaml:13: cases[1].colour: unknown field (value: "colour")');
  });
  it("rejects ports on protocols without ports, and missing fields", () => {
    const msg = userErrorOf(() => parseCases("cases:\n  - { name: a, from: a/b, to: c/d, protocol: ICMP, port: 8 }\n", "f"));
    expect(msg).toContain("cases[0].port: ICMP has no ports");
    expect(msg).toContain("cases[0].expect: missing expect");
  });
  it("rejects YAML errors and a file without a cases list", () => {
    expect(userErrorOf(() => parseCases("cases: [\n", "f"))).toMatch(/f:\d+: not valid YAML/);
    expect(userErrorOf(() => parseCases("flows: []\n", "f"))).toMatch(/a cases file is a map with a `cases:` list/);
  });
});

describe("endpoints", () => {
  it("round-trip through formatEndpoint", () => {
    for (const text of ["fme/core", "host:node1", "net:10.0.0.0/24", "net:fd00::/64"]) {
      const e = parseEndpoint(text);
      expect("error" in e).toBe(false);
      if (!("error" in e)) expect(formatEndpoint(e)).toBe(text);
    }
  });
  it("explain what is wrong", () => {
    expect(parseEndpoint("Fme/core")).toMatchObject({ error: '"Fme" is not a valid namespace name' });
    expect(parseEndpoint("net:10.0.0.256")).toMatchObject({ error: "not a valid IP address or CIDR" });
  });
});
