// The stack's east-west encryption and north-south settings (calico-baseline:encryption, calico-baseline:northSouth).
import { describe, expect, it } from "vitest";
import { parseStackConfig, type RawStackConfig } from "../../src/config/index.js";
import { UserError, type Problem } from "../../src/model/problem.js";

const NS = "calico-baseline";
const base: RawStackConfig = {
  [`${NS}:cluster`]: { type: "multipass", workers: 1 },
  [`${NS}:registry`]: { bridgeCidr: "10.91.52.0/24" },
};

function problemsOf(raw: RawStackConfig): Problem[] {
  try {
    parseStackConfig(raw, "test");
  } catch (e) {
    if (e instanceof UserError) return [...e.problems];
    throw e;
  }
  throw new Error("expected a UserError");
}

describe("calico-baseline:encryption", () => {
  it("turns WireGuard on for a new stack, IPv4 only unless the stack runs IPv6", () => {
    const c = parseStackConfig(base, "dev");
    expect(c.encryption).toEqual({ wireguard: true, wireguardV6: false });
    expect(c.policies.encryption).toEqual(c.encryption);
  });

  it("IPv6 WireGuard follows policies.ipv6", () => {
    const c = parseStackConfig({ ...base, [`${NS}:policies`]: { ipv6: true } }, "dev");
    expect(c.encryption).toEqual({ wireguard: true, wireguardV6: true });
  });

  it("wireguard: false turns both off", () => {
    const c = parseStackConfig({ ...base, [`${NS}:encryption`]: { wireguard: false }, [`${NS}:policies`]: { ipv6: true } }, "dev");
    expect(c.encryption).toEqual({ wireguard: false, wireguardV6: false });
  });

  it("rejects a non-boolean and an unknown key", () => {
    const p = problemsOf({ ...base, [`${NS}:encryption`]: { wireguard: "yes", ipsec: true } });
    expect(p.map((x) => x.path).sort()).toEqual([`${NS}:encryption.ipsec`, `${NS}:encryption.wireguard`]);
  });
});

describe("calico-baseline:northSouth", () => {
  it("defaults to the Kubernetes node port range and nobody allowed from outside", () => {
    const c = parseStackConfig(base, "dev");
    expect(c.northSouth).toEqual({ nodePortRange: { from: 30000, to: 32767 }, allowFrom: [] });
  });

  it("reads the kube-apiserver range syntax and Calico's, and CIDRs and network set names", () => {
    const c = parseStackConfig({ ...base, [`${NS}:northSouth`]: { nodePortRange: "30000:31000", allowFrom: ["198.51.100.0/24", "office", "2001:db8::/32"] } }, "dev");
    expect(c.northSouth).toMatchObject({ nodePortRange: { from: 30000, to: 31000 }, allowFrom: ["198.51.100.0/24", "office", "2001:db8::/32"] });
    expect(parseStackConfig({ ...base, [`${NS}:northSouth`]: { nodePortRange: "30100-30200" } }, "dev").northSouth.nodePortRange).toEqual({ from: 30100, to: 30200 });
  });

  it("reports every bad entry at once with its path: reversed range, host bits, catch-all, bad name", () => {
    const p = problemsOf({ ...base, [`${NS}:northSouth`]: { nodePortRange: "32767-30000", allowFrom: ["198.51.100.1/24", "0.0.0.0/0", "Not_A_Name", 7] } });
    expect(p.map((x) => `${x.path}: ${x.message}`)).toEqual([
      `${NS}:northSouth.nodePortRange: is not a port range`,
      `${NS}:northSouth.allowFrom[0]: has host bits set below the prefix length`,
      `${NS}:northSouth.allowFrom[1]: allows every address: the guard would guard nothing`,
      `${NS}:northSouth.allowFrom[2]: is neither a CIDR nor a network set name`,
      `${NS}:northSouth.allowFrom[3]: must be a CIDR or a network set name`,
    ]);
    expect(p[1]!.hint).toBe("did you mean 198.51.100.0/24?");
  });
});
