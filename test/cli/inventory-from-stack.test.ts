/**
 * `calico-baseline inventory --from-stack`: the node and registry addresses `pulumi up` reported (stack
 * outputs), written into the stack's own inventory, the rest of the file untouched.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { POLICIES_DIR } from "../../policies/catalog.js";
import { main, type CliIo } from "../../src/cli/main.js";

const ROOT = join(POLICIES_DIR, "..");
const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(): string {
  const d = mkdtempSync(join(tmpdir(), "cb-inv-"));
  temps.push(d);
  for (const f of readdirSync(ROOT).filter((x) => /^Pulumi(\..+)?\.yaml$/.test(x))) cpSync(join(ROOT, f), join(d, f));
  mkdirSync(join(d, "policies"));
  for (const f of readdirSync(POLICIES_DIR).filter((x) => /^inventory(\..+)?\.yaml$/.test(x))) cpSync(join(POLICIES_DIR, f), join(d, "policies", f));
  return d;
}

async function cli(cwd: string, args: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIo = { cwd, out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), ...(stdin !== undefined ? { readStdin: async () => stdin } : {}) };
  const code = await main(["inventory", ...args], io);
  return { code, out, err };
}

const NODES = [
  { name: "cb-dev-control", role: "control-plane", ips: ["10.91.52.23"] },
  { name: "cb-dev-worker-1", role: "worker", ips: ["10.91.52.24"] },
  { name: "cb-dev-worker-2", role: "worker", ips: ["10.91.52.25"] },
];
/** What `pulumi stack output --json` prints for a deployed dev stack (secrets masked, as the CLI does). */
const OUTPUTS = JSON.stringify({ controlPlaneIp: "10.91.52.23", kubeconfig: "[secret]", images: [], mirrorReport: "", nodes: NODES, registry: "10.91.52.7:5000", registryCaPem: "-----BEGIN CERTIFICATE-----\n..." }, null, 2);

describe("calico-baseline inventory --from-stack", () => {
  it("writes the reported addresses into the stack's inventory and changes nothing else of the file", async () => {
    const cwd = project();
    writeFileSync(join(cwd, "outputs.json"), OUTPUTS);
    const before = readFileSync(join(cwd, "policies", "inventory.yaml"), "utf8");
    const r = await cli(cwd, ["--from-stack", "dev", "--outputs", "outputs.json"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("node cb-dev-control: 10.91.52.10 -> 10.91.52.23");
    expect(r.out).toContain("external registry: 10.91.52.50/32 -> 10.91.52.7/32");
    expect(r.out).toContain("refreshed policies/inventory.yaml from outputs.json (4 changes)");
    const after = readFileSync(join(cwd, "policies", "inventory.yaml"), "utf8");
    const expected = before
      .replace("ips: [10.91.52.10]", "ips: [10.91.52.23]")
      .replace("ips: [10.91.52.11]", "ips: [10.91.52.24]")
      .replace("ips: [10.91.52.12]", "ips: [10.91.52.25]")
      .replace("cidr: 10.91.52.50/32", "cidr: 10.91.52.7/32");
    expect(after).toBe(expected);
    // Idempotent, and the refreshed inventory still fits the stack (synth accepts it).
    expect((await cli(cwd, ["--from-stack", "dev", "--outputs", "outputs.json"])).out).toContain("already has the addresses stack dev reports");
    const synth = await main(["synth", "--stack", "dev"], { cwd, out: () => undefined, err: () => undefined });
    expect(synth).toBe(0);
  });

  it("reads the outputs from standard input, and from a `pulumi stack export` document", async () => {
    const cwd = project();
    expect((await cli(cwd, ["--from-stack", "dev", "--outputs", "-", "--dry-run"], OUTPUTS)).out).toContain("(dry run: policies/inventory.yaml not written)");
    expect(readFileSync(join(cwd, "policies", "inventory.yaml"), "utf8")).toContain("ips: [10.91.52.10]");
    const exported = JSON.stringify({ version: 3, deployment: { manifest: {}, resources: [{ urn: "urn:pulumi:dev::calico-baseline::pulumi:pulumi:Stack::calico-baseline-dev", type: "pulumi:pulumi:Stack", outputs: { nodes: NODES, registry: "10.91.52.7:5000" } }] } });
    const r = await cli(cwd, ["--from-stack", "dev", "--outputs", "-"], exported);
    expect(r.code).toBe(0);
    expect(readFileSync(join(cwd, "policies", "inventory.yaml"), "utf8")).toContain("ips: [10.91.52.25]");
  });

  it("refuses outputs of another stack, addresses off the bridge, and outputs without nodes, writing nothing", async () => {
    const cwd = project();
    const before = readFileSync(join(cwd, "policies", "inventory.yaml"), "utf8");
    const other = JSON.stringify({ nodes: [{ name: "cb-staging-control", role: "control-plane", ips: ["10.91.52.23"] }, ...NODES.slice(1)] });
    const r1 = await cli(cwd, ["--from-stack", "dev", "--outputs", "-"], other);
    expect(r1.code).toBe(1);
    expect(r1.err).toContain('nodes[0].name: is not a node stack "dev" plans (cb-dev-control, cb-dev-worker-1, cb-dev-worker-2)');
    expect(r1.err).toContain("lists no node cb-dev-control, which the stack plans");
    const offBridge = JSON.stringify({ nodes: NODES.map((n) => ({ ...n, ips: ["192.168.64.5"] })) });
    const r2 = await cli(cwd, ["--from-stack", "dev", "--outputs", "-"], offBridge);
    expect(r2.err).toContain("is outside the multipass bridge 10.91.52.0/24 the stack's policies assume");
    expect(r2.err).toContain("registry.bridgeCidr");
    const r3 = await cli(cwd, ["--from-stack", "dev", "--outputs", "-"], JSON.stringify({ kubeconfig: "[secret]" }));
    expect(r3.err).toContain("the stack outputs have no `nodes`");
    const r4 = await cli(cwd, ["--from-stack", "dev", "--outputs", "-"], "not json");
    expect(r4.err).toContain("standard input: is not JSON");
    const r5 = await cli(cwd, ["--from-stack", "dev", "--outputs", "-"], JSON.stringify({ nodes: [{ name: "cb-dev-control", role: "boss", ips: ["x"] }] }));
    expect(r5.err).toContain("nodes[0]: must be {name, role: control-plane|worker, ips: [...]}");
    expect(readFileSync(join(cwd, "policies", "inventory.yaml"), "utf8")).toBe(before);
  });

  it("has nothing to refresh for an ssh stack (its nodes are its host list), and says where outputs come from without the Pulumi CLI", async () => {
    const cwd = project();
    const prod = await cli(cwd, ["--from-stack", "prod"]);
    expect(prod.code).toBe(0);
    expect(prod.out).toContain("nothing to refresh in policies/inventory.prod.yaml");
    // Without --outputs it runs `pulumi stack output`; with no Pulumi CLI on PATH it says how to pass them.
    const path = process.env["PATH"];
    process.env["PATH"] = mkdtempSync(join(tmpdir(), "cb-empty-path-"));
    temps.push(process.env["PATH"]);
    try {
      const r = await cli(cwd, ["--from-stack", "dev"]);
      expect(r.code).toBe(1);
      expect(r.err).toContain("no --outputs given and the Pulumi CLI is not on PATH");
      expect(r.err).toContain("pulumi stack output --json --stack dev > outputs.json");
    } finally {
      process.env["PATH"] = path;
    }
    expect((await cli(cwd, [])).err).toContain("--from-stack is required");
  });
});
