import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cidrContains, formatCidr, formatIp, parseCidr, parseIp } from "../../src/model/net.js";

describe("parseIp", () => {
  it("parses IPv4 dotted quads and rejects leading zeros, short forms and out-of-range octets", () => {
    expect(parseIp("10.0.0.1")).toEqual({ version: 4, value: 0x0a000001n });
    for (const bad of ["010.0.0.1", "10.0.1", "256.0.0.1", "1.2.3.4.5", "", "a.b.c.d"]) {
      expect(parseIp(bad), bad).toBeUndefined();
    }
  });

  it("parses IPv6 with :: compression and an embedded IPv4 tail", () => {
    expect(parseIp("::1")).toEqual({ version: 6, value: 1n });
    expect(parseIp("::ffff:1.2.3.4")?.value).toBe(0xffff01020304n);
    expect(parseIp("2001:db8::1")?.value).toBe(0x20010db8000000000000000000000001n);
    for (const bad of ["1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0"]) {
      expect(parseIp(bad), bad).toBeUndefined();
    }
  });
});

describe("parseCidr", () => {
  it("clears host bits and remembers that they were set", () => {
    const c = parseCidr("10.1.2.3/8");
    expect(c && formatCidr(c)).toBe("10.0.0.0/8");
    expect(c?.hostBitsSet).toBe(true);
    expect(parseCidr("10.0.0.0/8")?.hostBitsSet).toBe(false);
  });

  it("takes a bare address as a host route", () => {
    expect(parseCidr("192.168.1.1")).toMatchObject({ prefix: 32, hadPrefix: false });
    expect(parseCidr("::1")).toMatchObject({ prefix: 128, version: 6 });
  });

  it("rejects prefixes out of range and malformed text", () => {
    for (const bad of ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0/8", "10.0.0.0/0033", "010.0.0.0/8", "172.16.0.0/ 12"]) {
      expect(parseCidr(bad), bad).toBeUndefined();
    }
  });

  // Go's net.ParseCIDR reads the prefix length with dtoi, which skips leading zeros; Calico
  // (libcalico-go lib/net ParseCIDROrIP, used by validator.go validateIPNetwork/validateCIDR) therefore
  // accepts them. Found by differential testing against v3.32.1.
  it("reads a prefix length with leading zeros as Go does", () => {
    expect(parseCidr("172.16.0.0/012")).toMatchObject({ prefix: 12, version: 4, hadPrefix: true });
    expect(parseCidr("fd12::/0064")).toMatchObject({ prefix: 64, version: 6 });
    expect(parseCidr("192.168.7.0/00")).toMatchObject({ prefix: 0 });
  });

  it("tests containment within one IP version only", () => {
    const outer = parseCidr("10.0.0.0/8")!;
    expect(cidrContains(outer, parseCidr("10.20.0.0/16")!)).toBe(true);
    expect(cidrContains(outer, parseCidr("11.0.0.0/16")!)).toBe(false);
    expect(cidrContains(parseCidr("::/0")!, parseCidr("10.0.0.0/8")!)).toBe(false);
  });
});

describe("formatIp", () => {
  it("prints IPv6 in RFC 5952 form", () => {
    expect(formatIp(6, 0n)).toBe("::");
    expect(formatIp(6, 1n)).toBe("::1");
    expect(formatIp(6, 0x20010db8000000000001000000000001n)).toBe("2001:db8::1:0:0:1");
  });
});

describe("IPv4 on plain numbers", () => {
  it("parseCidr and formatIp agree with bigint arithmetic on every prefix length and address", () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), fc.boolean(), (v, len, withPrefix) => {
        const text = `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
        const value = BigInt(v);
        const prefix = withPrefix ? len : 32;
        const hostMask = (1n << BigInt(32 - prefix)) - 1n;
        const first = value & ~hostMask;
        expect(parseCidr(withPrefix ? `${text}/${len}` : text)).toEqual({ version: 4, first, last: first | hostMask, prefix, address: value, hostBitsSet: (value & hostMask) !== 0n, hadPrefix: withPrefix });
        expect(formatIp(4, value)).toBe(text);
        expect(parseIp(text)).toEqual({ version: 4, value });
      }),
      { numRuns: 500 },
    );
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    expect(parseCidr("10.0.0.0/08")?.prefix).toBe(8);
    expect(parseCidr("255.255.255.255/0")).toMatchObject({ first: 0n, last: 0xffffffffn, hostBitsSet: true });
  });
});
