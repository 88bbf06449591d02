/**
 * The real Pulumi engine for the e2e suite, through the Automation API with an inline program
 * (`LocalWorkspace` + `program:`): the engine (the pulumi CLI built from pulumi/pulumi) talks to the program
 * running in this process, so no Node.js language host is needed (its Go module is not on the module proxy).
 *
 * Everything is private to the run: a file:// backend and PULUMI_HOME in the run's directory, the provider
 * built from pulumi-kubernetes installed there as the plugin version @pulumi/kubernetes asks for, ambient
 * plugins ignored and automatic plugin downloads off (the run is offline: any other provider the program
 * asked for would fail the run instead of being fetched).
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation/index.js";
import { parse, stringify } from "yaml";
import { REPO, type E2eTools } from "./tools.js";

export const PROJECT = "calico-baseline";

export interface E2eProject {
  /** The project directory: Pulumi.yaml (the repository's) and Pulumi.<stack>.yaml files. */
  readonly workDir: string;
  readonly pulumiHome: string;
  readonly env: Readonly<Record<string, string>>;
  readonly command: PulumiCommand;
}

/** A private PULUMI_HOME with the built provider as `resource-kubernetes-v<version>`, a file:// backend, a project dir. */
export async function e2eProject(tools: E2eTools, dir: string): Promise<E2eProject> {
  const workDir = join(dir, "project");
  const pulumiHome = join(dir, "pulumi-home");
  const state = join(dir, "state");
  for (const d of [workDir, pulumiHome, state]) mkdirSync(d, { recursive: true });
  const plugin = join(pulumiHome, "plugins", `resource-kubernetes-v${tools.providerVersion}`);
  mkdirSync(plugin, { recursive: true });
  symlinkSync(tools.provider, join(plugin, "pulumi-resource-kubernetes"));
  // The repository's project file: name, runtime, config schema (each key's default) and description. Without
  // `main`: the engine checks that the file exists in the project directory, and an inline program has none.
  const projectFile = parse(readFileSync(join(REPO, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
  delete projectFile["main"];
  writeFileSync(join(workDir, "Pulumi.yaml"), stringify(projectFile));
  const env: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: randomBytes(18).toString("base64"),
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PATH: `${tools.pulumiBin}:${process.env["PATH"] ?? ""}`,
  };
  // The CLI the cache holds (<root>/bin/pulumi), checked against the SDK's minimum version.
  const command = await PulumiCommand.get({ root: dirname(tools.pulumiBin) });
  return { workDir, pulumiHome, env, command };
}

/**
 * Writes `Pulumi.<stack>.yaml` with `config` (plain values, as a user writes the file), creates or selects the
 * stack on the file backend with `program` inline, and sets each of `secrets` (`<key>.<path>` → value) with
 * `pulumi config set --path --secret`, as the stack files' comments tell users to.
 */
export async function e2eStack(
  project: E2eProject,
  stackName: string,
  config: Readonly<Record<string, unknown>>,
  secrets: Readonly<Record<string, string>>,
  program: PulumiFn,
): Promise<Stack> {
  const file = join(project.workDir, `Pulumi.${stackName}.yaml`);
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, projectName: PROJECT, program },
    { workDir: project.workDir, pulumiHome: project.pulumiHome, envVars: { ...project.env }, pulumiCommand: project.command, secretsProvider: "passphrase" },
  );
  // `stack init` wrote the passphrase's salt into the stack file: keep it, and write the config beside it.
  const written = existsSync(file) ? ((parse(readFileSync(file, "utf8")) as Record<string, unknown> | null) ?? {}) : {};
  writeFileSync(file, stringify({ ...written, config }));
  for (const [key, value] of Object.entries(secrets)) await stack.setConfig(key, { value, secret: true }, true);
  return stack;
}

/**
 * Installs test/e2e/support/preview-only-provider.mjs as the plugin `resource-<pkg>-v<version the SDK asks for>`:
 * a stand-in for a provider the Go module proxy does not serve, good for `preview` only (it refuses to create).
 * Returns the version installed.
 */
export function installPreviewOnlyPlugin(project: E2eProject, pkg: "command" | "random" | "tls"): string {
  const sdk = JSON.parse(readFileSync(join(REPO, "node_modules", "@pulumi", pkg, "package.json"), "utf8")) as { version: string; pulumi?: { version?: string } };
  const version = (sdk.pulumi?.version ?? sdk.version).replace(/^v/, "");
  const dir = join(project.pulumiHome, "plugins", `resource-${pkg}-v${version}`);
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, `pulumi-resource-${pkg}`);
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${join(REPO, "test/e2e/support/preview-only-provider.mjs")}" ${pkg} ${version} "$@"\n`);
  chmodSync(bin, 0o755);
  return version;
}

/** An existing stack of the project with another inline program (its config and state as they are). */
export async function selectStack(project: E2eProject, stackName: string, program: PulumiFn): Promise<Stack> {
  return LocalWorkspace.selectStack(
    { stackName, projectName: PROJECT, program },
    { workDir: project.workDir, pulumiHome: project.pulumiHome, envVars: { ...project.env }, pulumiCommand: project.command },
  );
}

/** The stack file as the workspace left it (secrets encrypted). */
export function stackFile(project: E2eProject, stackName: string): string {
  return readFileSync(join(project.workDir, `Pulumi.${stackName}.yaml`), "utf8");
}
