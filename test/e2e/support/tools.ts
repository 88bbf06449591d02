/**
 * The real binaries the e2e suite runs, as test/e2e/tools/build-tools.sh left them in its cache (one directory
 * per tool, keyed by the pinned version and the Go version). The suite never builds: `npm run test:e2e`
 * (test/e2e/run.sh) builds first, within its budget, and runs the suite only when every tool is cached.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const REPO = new URL("../../../", import.meta.url).pathname.replace(/\/$/, "");
const BUILD_TOOLS = join(REPO, "test/e2e/tools/build-tools.sh");

export interface E2eTools {
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly kubeScheduler: string;
  readonly kwok: string;
  /**
   * kwok's "fast" Stage documents, from the kwok module in the Go module cache (`go env GOMODCACHE`, where the
   * build left it): kustomize/stage/node/fast, node/heartbeat-with-lease and pod/fast. (The pod/general set
   * waits for init-container stages and leaves pods Pending.)
   */
  readonly kwokStages: readonly string[];
  /** Directory holding the `pulumi` CLI (put first on PATH). */
  readonly pulumiBin: string;
  readonly provider: string;
  /** The provider's Go module and pseudo-version (its commit), as build-tools.sh recorded it. */
  readonly providerModule: string;
  /** The plugin version it was built as: the one the installed @pulumi/kubernetes asks for. */
  readonly providerVersion: string;
}

/** A tool of build-tools.sh (its TOOL argument). */
export type ToolName = "kube" | "etcd" | "kwok" | "pulumi" | "provider" | "consul";

/**
 * The cache directory of each tool, from `build-tools.sh --list <tools>` (which never builds): every tool must be
 * cached, else the message names the missing ones and how to build them.
 */
export function cachedToolDirs(tools: readonly ToolName[]): (t: ToolName) => string {
  let out: string;
  try {
    out = execFileSync("bash", [BUILD_TOOLS, "--list", ...tools], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    throw new Error(`build-tools.sh --list ${tools.join(" ")} failed: ${(e as { stderr?: string }).stderr ?? String(e)}`);
  }
  const dirs = new Map<string, string>();
  const missing: string[] = [];
  for (const line of out.split("\n")) {
    const cached = /^tool (\S+) (\S+): cached (\S+)$/.exec(line);
    if (cached !== null) dirs.set(cached[1] as string, cached[3] as string);
    const miss = /^tool (\S+) (\S+): missing$/.exec(line);
    if (miss !== null) missing.push(`${miss[1]} ${miss[2]}`);
  }
  if (missing.length > 0) {
    throw new Error(`the e2e tools are not built: ${missing.join(", ")} (run npm run test:e2e, which builds them with test/e2e/tools/build-tools.sh)`);
  }
  return (t) => {
    const d = dirs.get(t);
    if (d === undefined) throw new Error(`build-tools.sh --list ${tools.join(" ")} printed no line for ${t}:\n${out}`);
    return d;
  };
}

/** The tools of the full control plane and the Pulumi engine: every one must be cached, else the message says which is missing. */
export function locateTools(): E2eTools {
  const dir = cachedToolDirs(["kube", "etcd", "kwok", "pulumi", "provider"]);
  const provider = dir("provider");
  const kwokVersion = /^KWOK_VERSION=(\S+)$/m.exec(readFileSync(join(REPO, "test/e2e/tools/versions.env"), "utf8"))?.[1];
  if (kwokVersion === undefined) throw new Error("test/e2e/tools/versions.env has no KWOK_VERSION");
  const modcache = execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();
  const stageDir = join(modcache, `sigs.k8s.io/kwok@${kwokVersion}`, "kustomize", "stage");
  const kwokStages = ["node/fast/node-initialize.yaml", "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml", "pod/fast/pod-ready.yaml", "pod/fast/pod-complete.yaml", "pod/fast/pod-delete.yaml"].map((f) => join(stageDir, f));
  const noStage = kwokStages.filter((f) => !existsSync(f));
  if (noStage.length > 0) throw new Error(`kwok's stage documents are missing from the Go module cache: ${noStage.join(", ")} (go mod download sigs.k8s.io/kwok@${kwokVersion})`);
  return {
    etcd: join(dir("etcd"), "etcd"),
    kubeApiserver: join(dir("kube"), "kube-apiserver"),
    kubeControllerManager: join(dir("kube"), "kube-controller-manager"),
    kubeScheduler: join(dir("kube"), "kube-scheduler"),
    kwok: join(dir("kwok"), "kwok"),
    kwokStages,
    pulumiBin: dir("pulumi"),
    provider: join(provider, "pulumi-resource-kubernetes"),
    providerModule: readFileSync(join(provider, "MODULE"), "utf8").trim(),
    providerVersion: readFileSync(join(provider, "VERSION"), "utf8").trim(),
  };
}

/** What a control plane of etcd and kube-apiserver alone needs (startControlPlane's `components: "apiserver"`). */
export type ApiServerTools = Pick<E2eTools, "etcd" | "kubeApiserver">;

export function locateApiServerTools(): ApiServerTools {
  const dir = cachedToolDirs(["etcd", "kube"]);
  return { etcd: join(dir("etcd"), "etcd"), kubeApiserver: join(dir("kube"), "kube-apiserver") };
}

function firstLine(cmd: string, args: readonly string[]): string {
  try {
    const out = execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return out.split("\n").find((l) => l.trim() !== "")?.trim() ?? "(no output)";
  } catch (e) {
    return `(${cmd} ${args.join(" ")} failed: ${String(e).split("\n")[0]})`;
  }
}

/**
 * The module the provider binary really embeds, from its Go build information (`go version -m`): the
 * pseudo-version names the pulumi-kubernetes commit. Falls back to what build-tools.sh recorded.
 */
function providerBuildInfo(t: E2eTools): string {
  try {
    const out = execFileSync("go", ["version", "-m", t.provider], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const dep = out.split("\n").map((l) => l.trim().split(/\s+/)).find((f) => f[0] === "dep" && f[1] === "github.com/pulumi/pulumi-kubernetes/provider/v4");
    if (dep !== undefined) return `${dep[1]}@${dep[2]}`;
  } catch {
    // no Go toolchain: the recorded module below
  }
  return `${t.providerModule} (recorded by build-tools.sh)`;
}

/** One line per binary: what it says its version is (the provider: the commit its Go module pins). */
export function toolVersions(t: E2eTools): string[] {
  const module = providerBuildInfo(t);
  const commit = /-([0-9a-f]{12})$/.exec(module.split(" ")[0] ?? "")?.[1];
  return [
    `etcd: ${firstLine(t.etcd, ["--version"])}`,
    `kube-apiserver: ${firstLine(t.kubeApiserver, ["--version"])}`,
    `kube-controller-manager: ${firstLine(t.kubeControllerManager, ["--version"])}`,
    `kube-scheduler: ${firstLine(t.kubeScheduler, ["--version"])}`,
    `kwok: ${firstLine(t.kwok, ["--version"])}`,
    `pulumi: ${firstLine(join(t.pulumiBin, "pulumi"), ["version"])}`,
    `pulumi-resource-kubernetes: plugin v${t.providerVersion}, module ${module}${commit !== undefined ? ` (pulumi/pulumi-kubernetes commit ${commit})` : ""}`,
  ];
}
