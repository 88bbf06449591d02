/**
 * `pulumi preview` of the dev and prod stacks, with their own stack files' config, through the real Pulumi
 * engine and the real Kubernetes provider (prod with dummy secrets for the SSH key and the registry password).
 *
 * What is not real: their graphs hold @pulumi/command, @pulumi/random and @pulumi/tls resources (multipass VMs,
 * the k3s install over SSH, the registry VM's password and CA, the image mirror), and those providers are not
 * on the Go module proxy. They are served by a preview-only stand-in (test/e2e/support/preview-only-provider.mjs:
 * inputs as given, nothing created). Their outputs, the kubeconfig among them, stay unknown, so the Kubernetes
 * provider previews without a cluster and the Charts and ConfigGroups are not expanded: these previews show that
 * the real engine accepts both stacks' config and resource graphs, not what lands in a cluster (the deploy suite
 * does that for the e2e stack).
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runProgram } from "../../src/deployment/program.js";
import { e2eProject, e2eStack, installPreviewOnlyPlugin, type E2eProject } from "./support/pulumi.js";
import { REPO, locateTools } from "./support/tools.js";

/** The committed stack file's config map. */
function committedConfig(stack: string): Record<string, unknown> {
  return (parse(readFileSync(join(REPO, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;
}

const program = async (): Promise<Record<string, unknown>> => ({ ...(await runProgram()) });

describe("pulumi preview of the dev and prod stacks through the real engine and Kubernetes provider", () => {
  let dir: string;
  let project: E2eProject;
  const stand = new Map<string, string>();

  beforeAll(async () => {
    // The committed stack files name paths relative to the project directory (the repository), which the
    // Node.js language host passes as PULUMI_NODEJS_ROOT_DIRECTORY. An inline program has no language host,
    // and @pulumi/pulumi then reports the literal "rootDirectory" (runtime/state.js LocalStore), so say it here.
    process.env["PULUMI_NODEJS_ROOT_DIRECTORY"] = REPO;
    const tools = locateTools();
    dir = mkdtempSync(join(tmpdir(), "calico-baseline-e2e-previews-"));
    project = await e2eProject(tools, dir);
    for (const pkg of ["command", "random", "tls"] as const) stand.set(pkg, installPreviewOnlyPlugin(project, pkg));
    process.stdout.write(`e2e: preview-only stand-ins: ${[...stand].map(([p, v]) => `${p} v${v}`).join(", ")}\n`);
  });

  afterAll(() => {
    if (dir !== undefined && process.env["E2E_KEEP"] === undefined) rmSync(dir, { recursive: true, force: true });
  });

  const preview = async (stackName: string, secrets: Record<string, string>): Promise<{ creates: string[]; output: string; summary: Record<string, number> }> => {
    const stack = await e2eStack(project, stackName, committedConfig(stackName), secrets, program);
    let output = "";
    const creates: string[] = [];
    const onEvent = (e: EngineEvent): void => {
      const m = e.resourcePreEvent?.metadata;
      if (m !== undefined && m.op === "create") creates.push(m.type);
    };
    try {
      const r = await stack.preview({ onEvent, onOutput: (s) => (output += s), color: "never" });
      process.stdout.write(`e2e: preview ${stackName}: ${JSON.stringify(r.changeSummary)}\n`);
      return { creates, output, summary: r.changeSummary as Record<string, number> };
    } catch (e) {
      throw new Error(`pulumi preview of ${stackName} failed: ${(e as Error).message}\n${output.split("\n").slice(-60).join("\n")}`);
    }
  };

  it("dev (multipass VMs, registry VM, k3s, Helm install) previews: a graph of creates only, with the Kubernetes provider and the VMs' commands", async () => {
    // Dev deploys the network-set sync controller: its Consul token is the one secret dev's stack file leaves out.
    const r = await preview("dev", { "calico-baseline:networkSetSync.token": "dummy-consul-token" });
    expect(Object.keys(r.summary)).toEqual(["create"]);
    expect(r.creates).toContain("pulumi:providers:kubernetes");
    expect(r.creates).toContain("command:local:Command");
    expect(r.creates).toContain("calico-baseline:calico:CalicoInstall");
    // The controller's image is built and pushed by the program (no upstream image to mirror), then deployed.
    expect(r.creates).toContain("calico-baseline:registry:ControllerImage");
    expect(r.creates).toContain("calico-baseline:sync:NetworkSetSync");
    expect(r.output).not.toContain("Undefined value");
  });

  it("prod (SSH hosts, external registry, Helm install) previews with dummy secrets: the same, k3s over SSH", async () => {
    const r = await preview("prod", {
      // A throwaway key made here (nothing is committed); the preview never connects with it.
      "calico-baseline:cluster.privateKey": generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      "calico-baseline:registry.password": "dummy-registry-password",
    });
    expect(Object.keys(r.summary)).toEqual(["create"]);
    expect(r.creates).toContain("pulumi:providers:kubernetes");
    expect(r.creates).toContain("command:remote:Command");
    expect(r.creates).toContain("calico-baseline:calico:CalicoInstall");
    expect(r.output).not.toContain("Undefined value");
  });
});
