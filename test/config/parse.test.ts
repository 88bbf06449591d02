import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultInvariants } from "../../src/analysis/invariants.js";
import { loadStackConfig, parseStackConfig, type RawStackConfig } from "../../src/config/index.js";
import { DecryptedSecret, isSecretLeaf } from "../../src/config/fields.js";
import { userErrorOf } from "../components/helpers.js";
import { UserError, type Problem } from "../../src/model/problem.js";

const NS = "calico-baseline";

function problemsOf(raw: RawStackConfig, opts?: { secretsRequired?: boolean }): Problem[] {
  try {
    parseStackConfig(raw, "test", opts);
  } catch (e) {
    if (e instanceof UserError) return [...e.problems];
    throw e;
  }
  throw new Error("expected a UserError");
}

const multipass: RawStackConfig = {
  [`${NS}:cluster`]: { type: "multipass", workers: 1 },
  [`${NS}:registry`]: { bridgeCidr: "10.91.52.0/24" },
};

const ssh: RawStackConfig = {
  [`${NS}:cluster`]: { type: "ssh", controlPlane: "10.0.0.10", workers: ["10.0.0.11"], privateKey: { secure: "v1:abc" } },
  [`${NS}:registry`]: {
    type: "external",
    host: "registry.example.com:5000",
    username: "u",
    password: { secure: "v1:def" },
    cidrs: ["10.0.1.5/32"],
  },
};

describe("parseStackConfig defaults and derived settings", () => {
  it("fills every default for a minimal multipass stack", () => {
    const c = parseStackConfig(multipass, "dev");
    expect(c.cluster).toMatchObject({ type: "multipass", namePrefix: "cb-dev", workers: 1, podCidr: "10.42.0.0/16", image: "24.04" });
    expect(c.registry).toMatchObject({ type: "multipass", port: 5000, username: "calico-baseline", bridgeCidr: "10.91.52.0/24" });
    expect(c.calico).toMatchObject({ version: "3.32.1", minor: "3.32", operatorVersion: "v1.42.3", install: "helm", crds: "v1" });
    expect(c.calico.ipPools).toEqual([
      { name: "default-ipv4-ippool", cidr: "10.42.0.0/16", encapsulation: "VXLANCrossSubnet", natOutgoing: "Enabled", blockSize: 26 },
    ]);
    expect(c.policies.registry).toEqual({ cidrs: ["10.91.52.0/24"], port: 5000, podPulls: false });
    expect(c.policies.calicoMinor).toBe("3.32");
    expect(c.policies.bgp).toBe(false);
    // Automatic host endpoints on, Felix's own failsafe ports written out, the inventory by convention.
    expect(c.calico.autoHostEndpoints).toBe(true);
    expect(c.calico.failsafePorts.inbound.map((p) => `${p.protocol}:${p.port}`)).toEqual(["TCP:22", "UDP:68", "TCP:179", "TCP:2379", "TCP:2380", "TCP:5473", "TCP:6443", "TCP:6666", "TCP:6667"]);
    expect(c.calico.failsafePorts.outbound.map((p) => `${p.protocol}:${p.port}`)).toEqual(["UDP:53", "UDP:67", "TCP:179", "TCP:2379", "TCP:2380", "TCP:5473", "TCP:6443", "TCP:6666", "TCP:6667"]);
    expect(c.inventory).toEqual({ path: "policies/inventory.dev.yaml", source: "convention" });
  });

  it("takes the inventory, pod pulls, BGP, automatic host endpoints and failsafe ports from the stack", () => {
    const c = parseStackConfig(
      {
        ...multipass,
        [`${NS}:registry`]: { bridgeCidr: "10.91.52.0/24", podPulls: true },
        [`${NS}:calico`]: { bgp: "Enabled", autoHostEndpoints: false, failsafePorts: { inbound: [{ port: 22, net: "10.0.0.0/8" }], outbound: [] } },
        [`${NS}:policies`]: { inventory: "inventories/dev.yaml" },
      },
      "dev",
    );
    expect(c.inventory).toEqual({ path: "inventories/dev.yaml", source: "config" });
    expect(c.policies.registry.podPulls).toBe(true);
    expect(c.policies.bgp).toBe(true);
    expect(c.calico.autoHostEndpoints).toBe(false);
    // A list replaces the default of its direction; an empty list closes every failsafe port.
    expect(c.calico.failsafePorts).toEqual({ inbound: [{ protocol: "TCP", port: 22, net: "10.0.0.0/8" }], outbound: [] });
  });

  it("derives the overlays the policies open from the IP pools' encapsulation", () => {
    const overlays = (...encapsulation: string[]): readonly string[] =>
      parseStackConfig(
        { ...multipass, [`${NS}:calico`]: { ipPools: encapsulation.map((e, i) => ({ name: `p${i}`, cidr: `10.42.${i * 64}.0/18`, encapsulation: e })) } },
        "dev",
      ).policies.overlays;
    expect(overlays("VXLANCrossSubnet")).toEqual(["VXLAN"]);
    expect(overlays("IPIP", "VXLAN")).toEqual(["IPIP", "VXLAN"]);
    expect(overlays("IPIPCrossSubnet", "IPIP")).toEqual(["IPIP"]);
    expect(overlays("None")).toEqual([]);
  });

  it("maps each known Calico release to the operator release it ships", () => {
    const op = (version: string): string =>
      parseStackConfig({ ...multipass, [`${NS}:calico`]: { version } }, "dev").calico.operatorVersion;
    expect(op("3.32.1")).toBe("v1.42.3");
    expect(op("3.31.7")).toBe("v1.40.15");
    expect(op("3.30.7")).toBe("v1.38.13");
  });

  it("accepts an unknown patch release only with an explicit operator version", () => {
    const c = parseStackConfig({ ...multipass, [`${NS}:calico`]: { version: "3.31.9", operatorVersion: "v1.40.99" } }, "dev");
    expect(c.calico.operatorVersion).toBe("v1.40.99");
    const p = problemsOf({ ...multipass, [`${NS}:calico`]: { version: "3.31.9" } });
    expect(p.map((x) => x.path)).toEqual([`${NS}:calico.operatorVersion`]);
  });

  it("keeps secrets as SecretValue without plain text offline, and takes the decrypted value from the Pulumi side", () => {
    const c = parseStackConfig(ssh, "prod");
    expect(c.cluster.type === "ssh" && c.cluster.privateKey).toEqual({ secret: true, value: undefined });
    const withValue = parseStackConfig(
      { ...ssh, [`${NS}:registry`]: { ...(ssh[`${NS}:registry`] as object), password: new DecryptedSecret("pw") } },
      "prod",
    );
    expect(withValue.registry.type === "external" && withValue.registry.password).toEqual({ secret: true, value: "pw" });
    expect(withValue.policies.registry).toEqual({ cidrs: ["10.0.1.5/32"], port: 5000, podPulls: false });
  });

  it("takes a secret only as Pulumi writes one, {secure: <ciphertext>} alone: {secure: '', value: hunter2} is plain text (defect 9)", () => {
    const withPassword = (password: unknown): Record<string, unknown> => ({ ...ssh, [`${NS}:registry`]: { ...(ssh[`${NS}:registry`] as object), password } });
    for (const forged of [{ secure: "", value: "hunter2" }, { secure: "v1:abc", value: "hunter2" }, { secure: "" }, { secure: "v1:abc", note: "hunter2" }]) {
      for (const secretsRequired of [true, false]) {
        const e = userErrorOf(() => parseStackConfig(withPassword(forged), "prod", { secretsRequired }));
        expect(e).toContain(`${NS}:registry.password: is not a Pulumi secret: a secret is {secure: <ciphertext>} and nothing else, so this map is stored in plain text (value: "<redacted>")`);
        expect(e).toContain('Hint: remove it from the stack file and run "pulumi config set --path --secret registry.password <value>"');
        expect(e).not.toContain("hunter2");
      }
    }
    // Also in a setting that is not secret, the forged map is not echoed.
    const e = userErrorOf(() => parseStackConfig({ ...ssh, [`${NS}:registry`]: { ...(ssh[`${NS}:registry`] as object), username: { secure: "", value: "hunter2" } } }, "prod"));
    expect(e).toContain(`${NS}:registry.username: is a secret but this setting is not secret`);
    expect(e).not.toContain("hunter2");
    // The engine's decrypted values are a class no YAML or JSON file produces.
    expect(parseStackConfig(withPassword(new DecryptedSecret("pw")), "prod").registry).toMatchObject({ password: { secret: true, value: "pw" } });
    expect(isSecretLeaf({ secure: "v1:abc" })).toBe(true);
    expect(isSecretLeaf(new DecryptedSecret("x"))).toBe(false);
  });

  it("excludes calico-apiserver from the default deny only on 3.30, where that namespace still exists", () => {
    const ns = (version: string): readonly string[] =>
      parseStackConfig({ ...multipass, [`${NS}:calico`]: { version } }, "dev").policies.defaultDenyExcludedNamespaces;
    expect(ns("3.30.7")).toContain("calico-apiserver");
    expect(ns("3.31.7")).not.toContain("calico-apiserver");
  });
});

describe("parseStackConfig errors name the key, the value and a hint", () => {
  it("missing registry for a non-multipass cluster", () => {
    const p = problemsOf({ [`${NS}:cluster`]: ssh[`${NS}:cluster`] });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ path: `${NS}:registry`, message: expect.stringContaining("is required for cluster type ssh") });
    expect(p[0]?.hint).toContain("type: external");
    // Under the engine an unset key arrives as the project default {} (Pulumi.yaml): same problem.
    expect(problemsOf({ [`${NS}:cluster`]: ssh[`${NS}:cluster`], [`${NS}:registry`]: {} })).toEqual(p);
  });

  it("bad CIDR, with the canonical block suggested when only host bits are wrong", () => {
    const p = problemsOf({ ...multipass, [`${NS}:cluster`]: { type: "multipass", podCidr: "10.42.0.1/16", serviceCidr: "banana" } });
    expect(p).toContainEqual(
      expect.objectContaining({ path: `${NS}:cluster.podCidr`, value: "10.42.0.1/16", hint: "did you mean 10.42.0.0/16?" }),
    );
    expect(p).toContainEqual(expect.objectContaining({ path: `${NS}:cluster.serviceCidr`, value: "banana", message: "is not a CIDR" }));
  });

  it("negative workers", () => {
    const p = problemsOf({ ...multipass, [`${NS}:cluster`]: { type: "multipass", workers: -1 } });
    expect(p).toEqual([
      expect.objectContaining({ path: `${NS}:cluster.workers`, value: -1, message: "must be a whole number from 0 to 50" }),
    ]);
  });

  it("unknown cluster type, with a did-you-mean", () => {
    const p = problemsOf({ ...multipass, [`${NS}:cluster`]: { type: "multipas" } });
    expect(p[0]).toMatchObject({ path: `${NS}:cluster.type`, value: "multipas", hint: 'did you mean "multipass"?' });
    expect(p[0]?.message).toBe("must be one of multipass, ssh, kubeconfig");
  });

  it("a secret given in plain text is rejected without echoing it", () => {
    const p = problemsOf({
      ...ssh,
      [`${NS}:registry`]: { ...(ssh[`${NS}:registry`] as object), password: "hunter2" },
    });
    expect(p).toEqual([
      expect.objectContaining({
        path: `${NS}:registry.password`,
        value: "<redacted>",
        message: "is a secret but was given in plain text",
        hint: expect.stringContaining("pulumi config set --path --secret registry.password"),
      }),
    ]);
    expect(JSON.stringify(p)).not.toContain("hunter2");
  });

  it("a missing secret is an error for the Pulumi program but not for offline rendering", () => {
    const noKey = { ...ssh, [`${NS}:cluster`]: { type: "ssh", controlPlane: "10.0.0.10" } };
    expect(problemsOf(noKey).map((x) => x.path)).toEqual([`${NS}:cluster.privateKey`]);
    expect(() => parseStackConfig(noKey, "prod", { secretsRequired: false })).not.toThrow();
  });

  it("reports every problem at once, including unknown keys with suggestions", () => {
    const p = problemsOf({
      [`${NS}:cluster`]: { type: "multipass", worker: { cpus: 0 }, wrkers: 3 },
      [`${NS}:registry`]: {},
      [`${NS}:polices`]: {},
      [`${NS}:calico`]: { version: "v3.32.1", crds: "v3", apiServer: false },
    });
    const paths = p.map((x) => x.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        `${NS}:polices`,
        `${NS}:cluster.wrkers`,
        `${NS}:cluster.worker.cpus`,
        `${NS}:registry.bridgeCidr`,
        `${NS}:calico.version`,
        `${NS}:calico.apiServer`,
      ]),
    );
    expect(p.find((x) => x.path === `${NS}:cluster.wrkers`)?.hint).toBe('did you mean "workers"?');
  });

  it("native v3 CRDs need 3.32, pools must sit inside the k3s pod CIDR, pod and service CIDRs must not overlap", () => {
    const p = problemsOf({
      ...multipass,
      [`${NS}:cluster`]: { type: "multipass", podCidr: "10.42.0.0/16", serviceCidr: "10.42.128.0/17" },
      [`${NS}:calico`]: { version: "3.31.7", crds: "v3", ipPools: [{ cidr: "192.168.0.0/16" }] },
    });
    expect(p.map((x) => x.path).sort()).toEqual([
      `${NS}:calico.crds`,
      `${NS}:calico.ipPools[0].cidr`,
      `${NS}:cluster.serviceCidr`,
    ]);
  });

  it("Calico 3.32.0 with its API server is refused: it rejects server-side apply creates of policies", () => {
    const p = problemsOf({ ...multipass, [`${NS}:calico`]: { version: "3.32.0", operatorVersion: "v1.42.0" } });
    expect(p).toEqual([expect.objectContaining({ path: `${NS}:calico.version`, value: "3.32.0", message: expect.stringContaining("server-side apply") })]);
    expect(parseStackConfig({ ...multipass, [`${NS}:calico`]: { version: "3.32.0", operatorVersion: "v1.42.0", crds: "v3" } }, "dev").calico.version).toBe("3.32.0");
  });

  it("native v3 CRDs need a k3s on Kubernetes 1.34+ (MutatingAdmissionPolicy)", () => {
    const p = problemsOf({
      ...multipass,
      [`${NS}:cluster`]: { type: "multipass", k3sVersion: "v1.33.5+k3s1" },
      [`${NS}:calico`]: { crds: "v3" },
    });
    expect(p).toEqual([
      expect.objectContaining({ path: `${NS}:calico.crds`, value: "v3", message: expect.stringContaining("need Kubernetes 1.34 or newer") }),
    ]);
    expect(parseStackConfig({ ...multipass, [`${NS}:calico`]: { crds: "v3" } }, "dev").calico.crds).toBe("v3");
  });

  it("a malformed waiver's hint names invariants that exist", () => {
    const p = problemsOf({ ...multipass, [`${NS}:policies`]: { waivers: ["Monitoring_Felix"] } });
    expect(p).toEqual([expect.objectContaining({ path: `${NS}:policies.waivers[0]`, value: "Monitoring_Felix" })]);
    const named = (p[0]?.hint ?? "").match(/[a-z0-9]+(?:-[a-z0-9]+)+/g) ?? [];
    expect(named.length).toBeGreaterThan(0);
    const known = defaultInvariants().map((i) => i.name);
    for (const n of named.filter((x) => x !== "calico-baseline")) expect(known).toContain(n);
  });

  it("a multipass registry on an ssh cluster, and kubeconfig clusters without any kubeconfig", () => {
    const p = problemsOf({ ...ssh, [`${NS}:registry`]: { type: "multipass", bridgeCidr: "10.0.0.0/24" } });
    expect(p[0]).toMatchObject({ path: `${NS}:registry.type`, message: expect.stringContaining("needs cluster type multipass") });
    const k = problemsOf({ [`${NS}:cluster`]: { type: "kubeconfig" }, [`${NS}:registry`]: ssh[`${NS}:registry`] });
    expect(k[0]).toMatchObject({ path: `${NS}:cluster`, message: expect.stringContaining("kubeconfigPath") });
  });
});

describe("the deployment-fact settings are validated like every other", () => {
  it("failsafe ports: protocol, port range, CIDR, duplicates and unknown keys, all at once", () => {
    const p = problemsOf({
      ...multipass,
      [`${NS}:calico`]: {
        autoHostEndpoints: "yes",
        failsafePorts: { inbound: [{ protocol: "tcp", port: 22 }, { port: 70000 }, { protocol: "UDP" }, { port: 22, net: "10.0.0.1/8" }, { port: 22, net: "10.0.0.1/8" }], outbound: "53", sideways: [] },
      },
    });
    const at = (path: string): Problem | undefined => p.find((x) => x.path === `${NS}:calico.${path}`);
    expect(at("autoHostEndpoints")?.message).toBe("must be true or false");
    expect(at("failsafePorts.sideways")?.message).toBe("is not a known setting");
    expect(at("failsafePorts.inbound[0].protocol")).toMatchObject({ value: "tcp", hint: 'did you mean "TCP"?' });
    expect(at("failsafePorts.inbound[1].port")?.message).toBe("must be a whole number from 1 to 65535");
    expect(at("failsafePorts.inbound[2].port")?.message).toBe("is required");
    expect(at("failsafePorts.inbound[3].net")?.hint).toContain("10.0.0.0/8");
    expect(at("failsafePorts.outbound")?.message).toContain("must be a list");
  });
  it("registry.podPulls and policies.inventory", () => {
    const p = problemsOf({ ...multipass, [`${NS}:registry`]: { bridgeCidr: "10.91.52.0/24", podPulls: 1 }, [`${NS}:policies`]: { inventory: "inventory dev.txt" } });
    expect(p.map((x) => x.path).sort()).toEqual([`${NS}:policies.inventory`, `${NS}:registry.podPulls`]);
    expect(p.find((x) => x.path === `${NS}:policies.inventory`)?.hint).toContain("policies/inventory.prod.yaml");
  });

  it("registry.mirror: an external registry is mirrored by default, false says a separate pipeline fills it; a registry VM is always filled", () => {
    const external = ssh[`${NS}:registry`] as Record<string, unknown>;
    expect(parseStackConfig(ssh, "prod").registry).toMatchObject({ type: "external", mirror: true });
    expect(parseStackConfig({ ...ssh, [`${NS}:registry`]: { ...external, mirror: false } }, "prod").registry).toMatchObject({ type: "external", mirror: false });
    const p = problemsOf({ ...multipass, [`${NS}:registry`]: { bridgeCidr: "10.91.52.0/24", mirror: false } });
    expect(p).toEqual([expect.objectContaining({ path: `${NS}:registry.mirror`, value: false, message: expect.stringContaining("the registry VM starts empty") })]);
    expect(problemsOf({ ...ssh, [`${NS}:registry`]: { ...external, mirror: "no" } }).map((x) => x.path)).toEqual([`${NS}:registry.mirror`]);
  });
});

describe("loadStackConfig", () => {
  it("loads the committed dev and prod stacks", () => {
    const dev = loadStackConfig("dev", { cwd: process.cwd() });
    expect(dev.cluster.type).toBe("multipass");
    const prod = loadStackConfig("prod", { cwd: process.cwd() });
    expect(prod.cluster.type).toBe("ssh");
    expect(prod.calico.operatorVersion).toBe("v1.40.15");
  });

  it("names the missing file and lists the stacks that exist", () => {
    const dir = mkdtempSync(join(tmpdir(), "cb-config-"));
    writeFileSync(join(dir, "Pulumi.alpha.yaml"), "config: {}\n");
    writeFileSync(join(dir, "Pulumi.beta.yaml"), "config: {}\n");
    expect(() => loadStackConfig("gamma", { cwd: dir })).toThrow(/Pulumi\.gamma\.yaml: stack "gamma" has no configuration file.*existing stacks: alpha, beta/);
  });

  it("adds the file to every problem and turns {secure} leaves into undecrypted secrets", () => {
    const dir = mkdtempSync(join(tmpdir(), "cb-config-"));
    writeFileSync(
      join(dir, "Pulumi.x.yaml"),
      [
        "config:",
        "  calico-baseline:cluster:",
        "    type: kubeconfig",
        "    kubeconfig:",
        "      secure: v1:AAAA",
        "  calico-baseline:registry:",
        "    type: external",
        "    host: reg.example.com",
        "    username: u",
        "    cidrs: [10.1.0.0/24]",
        "",
      ].join("\n"),
    );
    const c = loadStackConfig("x", { cwd: dir });
    expect(c.cluster).toEqual({ type: "kubeconfig", kubeconfig: { secret: true, value: undefined } });
    expect(c.registry).toMatchObject({ host: "reg.example.com", port: 443 });
    writeFileSync(join(dir, "Pulumi.y.yaml"), "config:\n  calico-baseline:cluster:\n    type: nope\n");
    try {
      loadStackConfig("y", { cwd: dir });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).problems.every((p) => p.file === join(dir, "Pulumi.y.yaml"))).toBe(true);
    }
  });
});

describe("parseStackConfig refuses what the target would refuse (issue 11, defect 11)", () => {
  const msg = (raw: RawStackConfig, stack = "dev"): string => userErrorOf(() => parseStackConfig(raw, stack, { secretsRequired: false }));
  const withCalico = (calico: unknown): RawStackConfig => ({ ...multipass, [`${NS}:calico`]: calico });

  it("overlapping IP pools", () => {
    const m = msg(withCalico({ ipPools: [{ cidr: "10.42.0.0/17" }, { name: "b", cidr: "10.42.64.0/18" }, { name: "c", cidr: "10.42.128.0/17" }] }));
    expect(m).toContain(`${NS}:calico.ipPools[1].cidr: overlaps ipPools[0] (10.42.0.0/17) (value: "10.42.64.0/18"). Hint: give each pool its own block: Calico refuses overlapping IP pools`);
    expect(m).not.toContain("ipPools[2]");
  });
  it("an IPv6 pod CIDR with an IPv4 service CIDR, or with IPv4 pools", () => {
    const v6 = { ...multipass, [`${NS}:cluster`]: { type: "multipass", podCidr: "fd00:42::/56" } };
    expect(msg(v6)).toContain(`${NS}:cluster.serviceCidr: is IPv4 but the pod CIDR fd00:42::/56 is IPv6 (value: "10.43.0.0/16"). Hint: give pods and services blocks of the same IP family`);
    const both = { ...multipass, [`${NS}:cluster`]: { type: "multipass", podCidr: "fd00:42::/56", serviceCidr: "fd00:43::/112" } };
    // The default pool follows the pod CIDR's family, with Calico's IPv6 block size.
    expect(parseStackConfig(both, "dev").calico.ipPools).toEqual([{ name: "default-ipv6-ippool", cidr: "fd00:42::/56", encapsulation: "VXLANCrossSubnet", natOutgoing: "Enabled", blockSize: 122 }]);
    expect(msg({ ...both, [`${NS}:calico`]: { ipPools: [{ cidr: "10.42.0.0/16" }] } })).toContain(
      `${NS}:calico.ipPools[0].cidr: is IPv4 but the cluster pod CIDR fd00:42::/56 is IPv6 (value: "10.42.0.0/16")`,
    );
  });
  it("a bridgeCidr inside the pod or service CIDR, or 0.0.0.0/0", () => {
    const bridge = (bridgeCidr: string): RawStackConfig => ({ ...multipass, [`${NS}:registry`]: { bridgeCidr } });
    expect(msg(bridge("10.42.7.0/24"))).toContain(`${NS}:registry.bridgeCidr: overlaps the cluster's pod CIDR (cluster.podCidr) 10.42.0.0/16 (value: "10.42.7.0/24")`);
    expect(msg(bridge("10.43.0.0/24"))).toContain(`${NS}:registry.bridgeCidr: overlaps the cluster's service CIDR (cluster.serviceCidr) 10.43.0.0/16`);
    expect(msg(bridge("0.0.0.0/0"))).toContain(`${NS}:registry.bridgeCidr: is wider than /8: the policies would allow every address as the multipass bridge subnet (value: "0.0.0.0/0")`);
    expect(msg(bridge("0.0.0.0/0"))).toContain("overlaps the cluster's pod CIDR");
    expect(parseStackConfig(bridge("10.91.52.0/24"), "dev").policies.registry.cidrs).toEqual(["10.91.52.0/24"]);
  });
  it("external registry cidrs of 0.0.0.0/0 or inside the pod CIDR", () => {
    const reg = (cidrs: string[]): RawStackConfig => ({ ...ssh, [`${NS}:registry`]: { ...(ssh[`${NS}:registry`] as object), cidrs } });
    const m = msg(reg(["10.0.1.5/32", "0.0.0.0/0", "::/0"]), "prod");
    expect(m).toContain(`${NS}:registry.cidrs[1]: is wider than /8: the policies would allow every address as the registry's addresses`);
    expect(m).toContain(`${NS}:registry.cidrs[2]: is wider than /16`);
    expect(m).not.toContain("cidrs[0]");
    expect(msg(reg(["10.42.0.9/32"]), "prod")).toContain(`${NS}:registry.cidrs[0]: overlaps the cluster's pod CIDR (cluster.podCidr) 10.42.0.0/16`);
  });
  it("a default namePrefix longer than multipass allows (a long stack name), and a given one that is no instance name", () => {
    const stack = `s${"x".repeat(60)}`;
    expect(msg(multipass, stack)).toContain(`${NS}:cluster.namePrefix: defaults to cb-<stack>, which is 64 characters long; VM names (<namePrefix>-worker-50) must fit in 63 (value: "cb-${stack}"). Hint: set cluster.namePrefix`);
    expect(msg({ ...multipass, [`${NS}:cluster`]: { type: "multipass", namePrefix: "1cb" } })).toContain(`${NS}:cluster.namePrefix: is not a multipass instance name prefix`);
    expect(msg(multipass, "dev-")).toContain(`${NS}:cluster.namePrefix: defaults to cb-<stack>, which is not a multipass instance name prefix`);
    expect(parseStackConfig({ ...multipass, [`${NS}:cluster`]: { type: "multipass", namePrefix: "cb-long" } }, stack).cluster).toMatchObject({ namePrefix: "cb-long" });
    expect(parseStackConfig(multipass, "Dev_2.eu").cluster).toMatchObject({ namePrefix: "cb-dev-2-eu" });
  });
  it("hosts '-', '.', '..' and other non-hosts for ssh and the registry", () => {
    const sshWith = (cluster: object): RawStackConfig => ({ ...ssh, [`${NS}:cluster`]: { ...(ssh[`${NS}:cluster`] as object), ...cluster } });
    for (const bad of ["-", ".", "..", "-oProxyCommand=x", "a..b", "host-", "999.1.1.1", "10.0.0.256", "a_b", "x".repeat(64)]) {
      expect(msg(sshWith({ controlPlane: bad }), "prod"), bad).toContain(`${NS}:cluster.controlPlane: has an invalid format (value: ${JSON.stringify(bad)}). Hint: give a host name`);
      expect(msg(sshWith({ workers: ["10.0.0.11", bad] }), "prod"), bad).toContain(`${NS}:cluster.workers[1]: has an invalid format`);
      const reg = { ...ssh, [`${NS}:registry`]: { ...(ssh[`${NS}:registry`] as object), host: `${bad}:5000` } };
      expect(msg(reg, "prod"), bad).toContain(`${NS}:registry.host: has an invalid format`);
    }
    for (const good of ["10.0.0.5", "node1", "node-1.example.com", "n.example.com."]) {
      expect(parseStackConfig(sshWith({ controlPlane: good }), "prod", { secretsRequired: false }).cluster).toMatchObject({ controlPlane: good });
    }
  });
  it("a cluster.image that multipass would read as an option (--bridged)", () => {
    const img = (image: string): RawStackConfig => ({ ...multipass, [`${NS}:cluster`]: { type: "multipass", image } });
    for (const bad of ["--bridged", "-n", "24.04 --bridged", ":24.04"]) {
      expect(msg(img(bad)), bad).toContain(`${NS}:cluster.image: has an invalid format (value: ${JSON.stringify(bad)}). Hint: use a multipass image name such as 24.04`);
    }
    for (const good of ["24.04", "noble", "daily:24.04", "file:///var/images/noble.img", "https://cloud-images.ubuntu.com/noble/current/noble.img"]) {
      expect(parseStackConfig(img(good), "dev").cluster).toMatchObject({ image: good });
    }
  });
});
