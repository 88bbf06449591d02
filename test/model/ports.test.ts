import { describe, expect, it } from "vitest";
import {
  calicoPortContains,
  formatCalicoPort,
  parseCalicoPort,
  parseCalicoPorts,
  parseK8sPort,
  parseProtocol,
  portNameErrors,
  protocolNumber,
  protocolSupportsPorts,
} from "../../src/model/ports.js";

describe("parseCalicoPort (numorstring.Port semantics)", () => {
  it("reads numbers, digit strings, ranges and named ports", () => {
    expect(parseCalicoPort(443, "p").value).toEqual({ kind: "single", port: 443 });
    expect(parseCalicoPort("8080", "p").value).toEqual({ kind: "single", port: 8080 });
    expect(parseCalicoPort("8000:8080", "p").value).toEqual({ kind: "range", min: 8000, max: 8080 });
    expect(parseCalicoPort("80:80", "p").value).toEqual({ kind: "range", min: 80, max: 80 });
    expect(parseCalicoPort("http-alt", "p").value).toEqual({ kind: "named", name: "http-alt" });
  });

  it("rejects 0 and numbers above 65535 with the path and the value", () => {
    expect(parseCalicoPort(0, "spec.ports[0]").problems).toEqual([
      { path: "spec.ports[0]", value: 0, message: "port number 0 is out of range: must be between 1 and 65535", hint: "port 0 is not a valid port; use 1-65535" },
    ]);
    expect(parseCalicoPort("65536", "x").problems[0]?.message).toBe("port number 65536 is out of range: must be between 1 and 65535");
    expect(parseCalicoPort("99999999999999999999", "x").problems[0]?.message).toContain("out of range");
    expect(parseCalicoPort("0:10", "x").problems[0]?.message).toBe("port number 0 is out of range: must be between 1 and 65535");
  });

  it("rejects inverted ranges and suggests the right order", () => {
    const p = parseCalicoPort("9000:8000", "x").problems[0];
    expect(p?.message).toBe("port range start 9000 is greater than its end 8000");
    expect(p?.hint).toBe('write the range low to high: "8000:9000"');
  });

  it("rejects non-integers, negative numbers and other JSON types", () => {
    expect(parseCalicoPort(80.5, "x").problems[0]?.message).toBe("port must be an integer");
    expect(parseCalicoPort(-1, "x").problems[0]?.message).toContain("out of range");
    expect(parseCalicoPort(null, "x").problems[0]?.message).toBe("port must be a number or a string, not null");
    expect(parseCalicoPort([80], "x").problems[0]?.message).toBe("port must be a number or a string, not a list");
  });

  it("rejects named ports that are not Kubernetes port names, hinting the lower-case form", () => {
    const upper = parseCalicoPort("HTTPS", "x").problems[0];
    expect(upper?.hint).toBe('port names are lower case: did you mean "https"?');
    expect(parseCalicoPort("a--b", "x").problems[0]?.message).toBe("invalid named port: must not contain consecutive '-'");
    expect(parseCalicoPort("-web", "x").problems[0]?.message).toBe("invalid named port: must not begin or end with '-'");
    expect(parseCalicoPort("this-is-way-too-long", "x").problems[0]?.message).toBe("invalid named port: must be 1 to 15 characters long");
    expect(parseCalicoPort("web port", "x").problems[0]?.message).toBe('invalid port: not a number, a "min:max" range or a port name');
  });

  it("reports every bad item of a list at its own index", () => {
    const r = parseCalicoPorts([80, 0, "x:y", "dns"], "spec.egress[0].destination.ports");
    expect(r.ports).toEqual([{ kind: "single", port: 80 }, { kind: "named", name: "dns" }]);
    expect(r.problems.map((p) => p.path)).toEqual(["spec.egress[0].destination.ports[1]", "spec.egress[0].destination.ports[2]"]);
  });

  it("formats and matches ports", () => {
    expect(formatCalicoPort({ kind: "range", min: 1, max: 2 })).toBe("1:2");
    expect(formatCalicoPort({ kind: "range", min: 5, max: 5 })).toBe("5");
    expect(calicoPortContains({ kind: "range", min: 8000, max: 8080 }, 8080)).toBe(true);
    expect(calicoPortContains({ kind: "single", port: 53 }, 54)).toBe(false);
    expect(calicoPortContains({ kind: "named", name: "dns" }, 53)).toBe(false);
  });
});

describe("parseProtocol (numorstring.Protocol semantics)", () => {
  it("accepts names case-sensitively, numbers 1-255 and quoted numbers", () => {
    expect(parseProtocol("ICMPv6", "p").value).toEqual({ kind: "name", name: "ICMPv6" });
    expect(parseProtocol(255, "p").value).toEqual({ kind: "number", number: 255 });
    expect(parseProtocol("1", "p").value).toEqual({ kind: "number", number: 1 });
  });

  it("rejects 0, 256, fractional numbers and unknown names", () => {
    expect(parseProtocol(0, "p").problems[0]?.message).toBe("protocol number must be an integer between 1 and 255");
    expect(parseProtocol(256, "p").problems).toHaveLength(1);
    expect(parseProtocol(6.5, "p").problems).toHaveLength(1);
    expect(parseProtocol("256", "p").problems[0]?.message).toBe("protocol number must be between 1 and 255");
    expect(parseProtocol("Udp", "p").problems[0]?.hint).toBe('protocol names are case-sensitive: did you mean "UDP"?');
    expect(parseProtocol("GRE", "p").problems[0]?.hint).toContain("1-255");
  });

  it("knows which protocols carry ports (TCP, UDP, SCTP; not UDPLite)", () => {
    const supports = (v: unknown): boolean | undefined => {
      const p = parseProtocol(v, "p").value;
      return p === undefined ? undefined : protocolSupportsPorts(p);
    };
    expect([supports("TCP"), supports("UDP"), supports("SCTP"), supports(6), supports(17), supports(132)]).toEqual([true, true, true, true, true, true]);
    expect([supports("UDPLite"), supports("ICMP"), supports(136), supports(1)]).toEqual([false, false, false, false]);
    const icmpv6 = parseProtocol("ICMPv6", "p").value;
    expect(icmpv6 && protocolNumber(icmpv6)).toBe(58);
  });
});

describe("parseK8sPort (Kubernetes NetworkPolicyPort)", () => {
  it("defaults the protocol to TCP and reads ranges", () => {
    expect(parseK8sPort({ port: 443 }, "p").value).toEqual({ kind: "range", protocol: "TCP", min: 443, max: 443 });
    expect(parseK8sPort({ protocol: "UDP", port: 30000, endPort: 32767 }, "p").value).toEqual({ kind: "range", protocol: "UDP", min: 30000, max: 32767 });
    expect(parseK8sPort({ protocol: "SCTP" }, "p").value).toEqual({ kind: "all", protocol: "SCTP" });
    expect(parseK8sPort({ port: "metrics" }, "p").value).toEqual({ kind: "named", protocol: "TCP", name: "metrics" });
  });

  it("reports a string of digits as an invalid port name (Kubernetes keeps int and string apart)", () => {
    expect(parseK8sPort({ port: "80" }, "spec.ingress[0].ports[0]").problems[0]).toEqual({
      path: "spec.ingress[0].ports[0].port",
      value: "80",
      message: "invalid port name: must contain at least one letter",
      hint: "a port name is 1-15 lower-case letters, digits and '-', with at least one letter",
    });
  });

  it("rejects endPort with a named port", () => {
    expect(parseK8sPort({ port: "web", endPort: 90 }, "p").problems[0]?.message).toBe("endPort may not be specified when port is a named port");
  });
});

describe("portNameErrors (IANA_SVC_NAME)", () => {
  it("accepts typical names and lists every reason a name is invalid", () => {
    expect(portNameErrors("http")).toEqual([]);
    expect(portNameErrors("h2c-9")).toEqual([]);
    expect(portNameErrors("123")).toEqual(["must contain at least one letter"]);
    expect(portNameErrors("")).toEqual(["must be 1 to 15 characters long", "must contain only lower-case letters, digits and '-'", "must contain at least one letter"]);
  });
});
