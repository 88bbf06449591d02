/**
 * `pulumi preview --policy-pack policy-pack` through the real Pulumi CLI, the real Kubernetes provider and the
 * pack served as the CLI serves a Node.js pack (issue 13, "once the real engine exists"). The program is the
 * project's own (`runProgram`, an Automation API inline program: the Node.js language host is not on the Go
 * module proxy) for a `kubeconfig` stack whose registry a separate pipeline fills (`registry.mirror: false`),
 * with the release's charts from ../shared/data as local chart paths.
 *
 * What is real: the pulumi CLI and pulumi-resource-kubernetes from build-tools.sh's cache; the policy analyzer,
 * which the CLI starts as `pulumi-analyzer-policy-nodejs <engine> .` in the pack's directory when there is no
 * Node.js language plugin (pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go NewPolicyAnalyzer). That
 * plugin is a shell script in Pulumi's Node.js SDK distribution (`node …/@pulumi/pulumi/cmd/run-policy-pack`);
 * the test installs the same one-liner as a plugin in its private PULUMI_HOME. The registry check runs over
 * HTTPS against a loopback registry (test/support/fake-registry.ts). The cluster is a real, empty control plane
 * (test/e2e/support/control-plane.ts): the provider reads its schema to expand ConfigGroups, and a preview
 * applies nothing; applying them is the deploy suite's part.
 *
 * Needs: build-tools.sh's cache (the e2e tools), the network-policy-api module in the Go module cache (run.sh
 * downloads it), openssl, and ../shared/data/calico-v3.32.1/{charts,crds} and
 * ../shared/data/charts/prometheus-node-exporter.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parseStackConfig } from "../../src/config/index.js";
import { mirrorTargets, planImages } from "../../src/deployment/images.js";
import { runProgram } from "../../src/deployment/program.js";
import { startFakeRegistry, type FakeRegistry } from "../support/fake-registry.js";
import { startControlPlane, type ControlPlane } from "./support/control-plane.js";
import { writeChartDir } from "./support/e2e-stack.js";
import { locateTools } from "./support/tools.js";

const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const SHARED = join(REPO, "..", "shared", "data");
const CALICO_CHARTS = join(SHARED, "calico-v3.32.1", "charts");
const NODE_EXPORTER_CHART = join(SHARED, "charts", "prometheus-node-exporter");
const PROJECT = "calico-baseline";
const STACK = "packcheck";
const USER = "puller";
const PASSWORD = "pack-check-Pa55";

/** The cached tools, from build-tools.sh --list (the suite never builds). */
function cachedTools(): { pulumiBin: string; provider: string; providerVersion: string } {
  const out = execFileSync("bash", [join(REPO, "test/e2e/tools/build-tools.sh"), "--list", "pulumi", "provider"], { encoding: "utf8" });
  const dir = (tool: string): string => {
    const m = new RegExp(`^tool ${tool} \\S+: cached (\\S+)$`, "m").exec(out);
    if (m === null) throw new Error(`the ${tool} tool is not built (run npm run test:e2e, which builds it):\n${out}`);
    return m[1] as string;
  };
  const provider = dir("provider");
  return { pulumiBin: dir("pulumi"), provider: join(provider, "pulumi-resource-kubernetes"), providerVersion: readFileSync(join(provider, "VERSION"), "utf8").trim() };
}

function openssl(args: string[]): void {
  execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/** A CA and a certificate for 127.0.0.1, for the loopback registry. */
function loopbackTls(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string): string => join(dir, n);
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f("ca.key"), "-out", f("ca.crt"), "-days", "1", "-subj", "/CN=pack-check CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"]);
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", f("tls.key"), "-out", f("tls.csr"), "-subj", "/CN=127.0.0.1"]);
  writeFileSync(f("tls.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  openssl(["x509", "-req", "-in", f("tls.csr"), "-CA", f("ca.crt"), "-CAkey", f("ca.key"), "-CAcreateserial", "-out", f("tls.crt"), "-days", "1", "-extfile", f("tls.ext")]);
  return { ca: readFileSync(f("ca.crt"), "utf8"), cert: readFileSync(f("tls.crt"), "utf8"), key: readFileSync(f("tls.key"), "utf8") };
}

let dir = "";
let cp: ControlPlane | undefined;
let chartDir = "";
let work = "";
let registry: FakeRegistry;
let stack: Stack;
let caPem = "";
let env: Record<string, string> = {};

function stackConfig(extra: { policies?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    "calico-baseline:cluster": { type: "kubeconfig", kubeconfigPath: "kubeconfig" },
    "calico-baseline:registry": { type: "external", host: registry.host, username: USER, ca: caPem, cidrs: ["127.0.0.1/32"], mirror: false },
    // crds: v3 with the release's charts as make chart packages them (writeChartDir): in ../shared/data the CRD
    // charts' templates/calico are git links to CRD folders, and only the v3 CRDs are there to fill them.
    "calico-baseline:calico": { chartRepo: chartDir, crds: "v3" },
    "calico-baseline:monitoring": { nodeExporter: { chartRepo: NODE_EXPORTER_CHART } },
    "calico-baseline:policies": { inventory: `policies/inventory.${STACK}.yaml`, ...(extra.policies ?? {}) },
  };
}

/** Rewrites the stack file's config as a user edits it (keeping the passphrase salt `stack init` wrote), then sets the secret. */
async function writeStack(config: Record<string, unknown>): Promise<void> {
  const file = join(work, `Pulumi.${STACK}.yaml`);
  const salt = (parse(readFileSync(file, "utf8")) as { encryptionsalt?: string } | null)?.encryptionsalt;
  writeFileSync(file, stringify({ ...(salt !== undefined ? { encryptionsalt: salt } : {}), config }));
  await stack.setConfig("calico-baseline:registry.password", { value: PASSWORD, secret: true }, true);
}

interface Preview {
  readonly ok: boolean;
  readonly output: string;
}

async function preview(): Promise<Preview> {
  let output = "";
  try {
    await stack.preview({
      policyPacks: [join(REPO, "policy-pack")],
      policyPackConfigs: [join(REPO, "policy-pack", "config", "prod.json")],
      onOutput: (s) => {
        output += s;
      },
    });
    return { ok: true, output };
  } catch (e) {
    return { ok: false, output: `${output}\n${String(e)}` };
  }
}

beforeAll(async () => {
  for (const p of [CALICO_CHARTS, NODE_EXPORTER_CHART]) if (!existsSync(p)) throw new Error(`this suite needs ${p} (the release's charts, see ../shared/data/*/README.md)`);
  const tools = cachedTools();
  dir = mkdtempSync(join(tmpdir(), "cb-pack-e2e-"));
  const tls = loopbackTls(dir);
  caPem = tls.ca;
  const cfg = parseStackConfig({ "calico-baseline:cluster": { type: "kubeconfig", kubeconfigPath: "k" }, "calico-baseline:registry": { type: "external", host: "r.example", username: "u", password: { secure: "v1:x" }, cidrs: ["192.0.2.1/32"] }, "calico-baseline:calico": { crds: "v3" } }, STACK, { secretsRequired: false });
  // The registry holds exactly what the stack plans (the site's pipeline filled it).
  const manifests = new Map(mirrorTargets(planImages(cfg), "x").map((i) => [`${i.repository}:${i.tag}`, `sha256:${"ab".repeat(32)}`]));
  registry = await startFakeRegistry({ cert: tls.cert, key: tls.key, auth: "basic", username: USER, password: PASSWORD, manifests });

  const home = join(dir, "pulumi-home");
  work = join(dir, "project");
  const state = join(dir, "state");
  for (const d of [home, work, state, join(work, "policies")]) mkdirSync(d, { recursive: true });
  const plugin = join(home, "plugins", `resource-kubernetes-v${tools.providerVersion}`);
  mkdirSync(plugin, { recursive: true });
  symlinkSync(tools.provider, join(plugin, "pulumi-resource-kubernetes"));
  // The policy analyzer plugin of Pulumi's Node.js SDK distribution: a script that runs the SDK's policy pack runner.
  const analyzer = join(home, "plugins", "analyzer-policy-nodejs-v3.248.0");
  mkdirSync(analyzer, { recursive: true });
  writeFileSync(join(analyzer, "pulumi-analyzer-policy-nodejs"), `#!/bin/sh\nexec node ${join(REPO, "node_modules/@pulumi/pulumi/cmd/run-policy-pack")} "$@"\n`);
  chmodSync(join(analyzer, "pulumi-analyzer-policy-nodejs"), 0o755);

  // The project directory the stack file's paths are relative to: the Node.js language host would pass it;
  // for an inline program @pulumi/pulumi otherwise reports the literal "rootDirectory" (runtime/state.js).
  process.env["PULUMI_NODEJS_ROOT_DIRECTORY"] = work;
  // Without `main`: the engine checks the file exists in the project directory, and an inline program has none.
  const projectFile = parse(readFileSync(join(REPO, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
  delete projectFile["main"];
  writeFileSync(join(work, "Pulumi.yaml"), stringify(projectFile));
  // A kubeconfig stack takes its nodes from its inventory (no ssh hosts in the config): the dev inventory, which declares them.
  copyFileSync(join(REPO, "policies", "inventory.yaml"), join(work, "policies", `inventory.${STACK}.yaml`));
  // A real, empty API server: yaml/v2 ConfigGroups read its schema even in a preview (with nothing listening
  // the provider fails "configured Kubernetes cluster is unreachable"); nothing is applied.
  chartDir = writeChartDir(join(dir, "charts"));
  cp = await startControlPlane(locateTools(), join(dir, "cluster"), { nodes: 0 });
  copyFileSync(cp.kubeconfigPath, join(work, "kubeconfig"));
  // A fresh cluster: Calico is not installed, so the ClusterNetworkPolicy CRD the Tigera operator creates once it
  // runs is absent. The program applies that kind as a CustomResource, not through a yaml/v2 ConfigGroup (which
  // would stop with "failed to determine if the following GVK is namespaced"), so the preview still plans it.
  env = {
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: "pack-check",
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // The pack reads the stack file and inventory from this project, not from the repository.
    CALICO_BASELINE_PROJECT_DIR: work,
    PATH: `${tools.pulumiBin}:${process.env["PATH"] ?? ""}`,
  };
  const command = await PulumiCommand.get({ root: join(tools.pulumiBin, "..") });
  writeFileSync(join(work, `Pulumi.${STACK}.yaml`), stringify({ config: {} }));
  stack = await LocalWorkspace.createOrSelectStack({ stackName: STACK, projectName: PROJECT, program: () => runProgram() }, { workDir: work, pulumiHome: home, envVars: env, pulumiCommand: command, secretsProvider: "passphrase" });
});

afterAll(async () => {
  await registry?.close();
  await cp?.stop();
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

describe("pulumi preview --policy-pack policy-pack, real CLI and provider", () => {
  it("passes the stack: the pack ran, every policy mandatory (prod.json), no violation", async () => {
    await writeStack(stackConfig());
    const r = await preview();
    expect(r.output, r.output).toMatch(/Policies:\s*\n\s*✅ calico-baseline@v0\.1\.0 \(local: /);
    expect(r.ok, r.output).toBe(true);
    expect(r.output).not.toMatch(/\[mandatory\]|\[advisory\]/);
    // The program checked the registry (Basic auth) for every image before planning, and copied nothing.
    expect(registry.requests.filter((q) => q.method === "HEAD").length).toBeGreaterThan(8);
    expect(r.output).not.toContain("command:local:Command");
    expect(r.output).not.toContain("Undefined value");
    // On this fresh cluster (no ClusterNetworkPolicy CRD yet) the guardrail is planned, not a GVK error.
    expect(r.output).not.toContain("failed to determine if the following GVK is namespaced");
    expect(r.output).toMatch(/ClusterNetworkPolicy\s+policies-10-security:no-cloud-metadata\s+create/);
  });

  it("blocks a stack whose baseline breaks DNS, with the mandatory lockout violations", async () => {
    await writeStack(stackConfig({ policies: { defaultDenyExcludedNamespaces: [] } }));
    const r = await preview();
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/❌ calico-baseline@v0\.1\.0/);
    expect(r.output).toMatch(/\[mandatory\]\s+lockout-invariants/);
    expect(r.output).toContain("lockout invariant dns-udp is broken");
    expect(r.output).toContain("lockout invariant dns-tcp is broken");
  });
});
