/**
 * The networkset-sync controller's image, built from this repository without a container daemon
 * (scripts/build-controller-image.mjs) and pushed by the very script the Pulumi ControllerImage runs
 * (planners/controller-image.ts) into a real registry: Debian's docker-registry with TLS and htpasswd on
 * loopback. Then read back with skopeo (entrypoint, user, labels, digest stable across builds), pulled into an
 * OCI layout, its layers unpacked, and the unpacked filesystem run on its own: under chroot as the image's user
 * when the test runs as root (CI does), else with the image's node binary on the host's loader.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTROLLER_IMAGE_COMMAND, CONTROLLER_IMAGE_SCRIPT, controllerImageEnvironment } from "../../src/deployment/planners/controller-image.js";
import type { BuiltImage } from "../../scripts/build-controller-image.mjs";
import { freePort, generateTls, mustRun, remoteDigest, startRegistry, type RunningRegistry } from "./support/registries.js";

const REPO = process.cwd();
const USER = "pusher";
const PASSWORD = "pu5h-Pa55";
const TAG = "0.1.0-test";
const SOURCE = "https://git.example.com/platform/calico-baseline";
const EPOCH = "1780000000";

let dir = "";
let registry: RunningRegistry;
let caPem = "";
let trustDir = "";
let target = "";
let pushed = { code: -1, stdout: "", stderr: "" };

const sha256 = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env["PATH"] ?? "/usr/bin:/bin",
  HOME: dir,
  SOURCE_DATE_EPOCH: EPOCH,
  CALICO_BASELINE_IMAGE_SOURCE: SOURCE,
  ...extra,
});

/** What the builder prints on stdout (its declaration beside the script). */
type Built = BuiltImage;

function build(out: string, extra: Record<string, string> = {}): Built {
  const r = spawnSync(process.execPath, ["scripts/build-controller-image.mjs", "--out", out, "--tag", TAG], { cwd: REPO, env: env(extra), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build-controller-image exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Built;
}

const creds = (): string[] => ["--cert-dir", trustDir, "--creds", `${USER}:${PASSWORD}`];

function inspect(extra: string[] = []): Record<string, unknown> {
  return JSON.parse(mustRun("skopeo", ["inspect", ...extra, ...creds(), `docker://${target}`])) as Record<string, unknown>;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cb-controller-image-"));
  const tls = generateTls(dir);
  trustDir = tls.trustDir;
  caPem = readFileSync(tls.caFile, "utf8");
  const htpasswd = join(dir, "htpasswd");
  mustRun("htpasswd", ["-Bbc", htpasswd, USER, PASSWORD]);
  registry = await startRegistry({ dir: join(dir, "registry"), tls: { certificate: tls.certFile, key: tls.keyFile }, htpasswd, caFile: tls.caFile });
  target = `${registry.host}/calico-baseline/networkset-sync:${TAG}`;
  // As the ControllerImage resource runs it: the short command, the script on stdin, in the repository's root.
  const r = spawnSync("/bin/bash", ["-c", CONTROLLER_IMAGE_COMMAND], {
    cwd: REPO,
    input: CONTROLLER_IMAGE_SCRIPT,
    encoding: "utf8",
    env: env(controllerImageEnvironment({ target, tag: TAG, registry: registry.host, username: USER, password: PASSWORD, caPem })),
  });
  pushed = { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
});

afterAll(async () => {
  await registry?.stop();
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

describe("the controller image, built and pushed without a daemon", () => {
  it("is built and pushed by the ControllerImage script, which checks the registry's digest against the build's", () => {
    expect(pushed.stderr).toBe("");
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toMatch(new RegExp(`^built and pushed ${target.replace(/[.]/g, "\\.")}@sha256:[0-9a-f]{64}\\n$`));
  });

  it("runs calico-baseline sync-networksets as the non-root user 65532, with the OCI labels", () => {
    const cfg = inspect(["--config"]) as { architecture: string; os: string; config: Record<string, unknown>; rootfs: { diff_ids: string[] } };
    expect(cfg.os).toBe("linux");
    expect(cfg.architecture).toBe(process.arch === "x64" ? "amd64" : process.arch);
    expect(cfg.config["Entrypoint"]).toEqual(["/usr/local/bin/calico-baseline", "sync-networksets"]);
    expect(cfg.config["Cmd"]).toEqual(["--config", "/etc/networkset-sync/config.yaml"]);
    expect(cfg.config["User"]).toBe("65532:65532");
    expect(cfg.config["ExposedPorts"]).toEqual({ "9464/tcp": {} });
    expect(cfg.rootfs.diff_ids).toHaveLength(2);
    const labels = cfg.config["Labels"] as Record<string, string>;
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };
    expect(labels["org.opencontainers.image.source"]).toBe(SOURCE);
    expect(labels["org.opencontainers.image.version"]).toBe(pkg.version);
    const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: REPO, encoding: "utf8" }).stdout.trim();
    expect(labels["org.opencontainers.image.revision"]).toMatch(new RegExp(`^${head}(-dirty)?$`));
    expect(labels["org.opencontainers.image.created"]).toBe(new Date(Number(EPOCH) * 1000).toISOString());
    const info = inspect();
    expect(info["Digest"]).toBe(remoteDigest(target, creds()));
    expect(pushed.stdout).toContain(`@${String(info["Digest"])}`);
  });

  it("gives the same digest when built again from the same tree, and another when the build time differs", () => {
    const again = build(join(dir, "again"));
    expect(again.digest).toBe(remoteDigest(target, creds()));
    // Not a constant: the digest follows the inputs (here every file's mtime).
    const later = build(join(dir, "later"), { SOURCE_DATE_EPOCH: String(Number(EPOCH) + 1) });
    expect(later.digest).not.toBe(again.digest);
    expect(later.layers).not.toEqual(again.layers);
  });

  describe("its filesystem alone runs the controller", () => {
    let root = "";
    let layerFiles: string[] = [];
    const asImageUser = process.getuid?.() === 0 && existsSync("/usr/sbin/chroot");

    beforeAll(() => {
      // Pull it back from the registry and unpack its layers in order, as a container runtime would.
      const pulled = join(dir, "pulled");
      mustRun("skopeo", ["copy", "--src-cert-dir", trustDir, "--src-creds", `${USER}:${PASSWORD}`, `docker://${target}`, `oci:${pulled}:${TAG}`]);
      const blob = (digest: string): Buffer => readFileSync(join(pulled, "blobs", "sha256", digest.replace(/^sha256:/, "")));
      const index = JSON.parse(readFileSync(join(pulled, "index.json"), "utf8")) as { manifests: { digest: string }[] };
      const manifest = JSON.parse(blob(index.manifests[0]?.digest ?? "").toString()) as { config: { digest: string }; layers: { digest: string }[] };
      const config = JSON.parse(blob(manifest.config.digest).toString()) as { rootfs: { diff_ids: string[] } };
      root = join(dir, "rootfs");
      mkdirSync(root);
      layerFiles = manifest.layers.map((l) => join(pulled, "blobs", "sha256", l.digest.replace(/^sha256:/, "")));
      for (const [i, layer] of manifest.layers.entries()) {
        const gz = blob(layer.digest);
        // The config's diff_ids are the digests of the uncompressed layers (OCI image-spec config.md).
        expect(`sha256:${sha256(gunzipSync(gz))}`).toBe(config.rootfs.diff_ids[i]);
        mustRun("tar", ["-xzf", join(pulled, "blobs", "sha256", layer.digest.replace(/^sha256:/, "")), "-C", root, "--same-owner", "--same-permissions"]);
      }
      mkdirSync(join(root, "work"), { recursive: true });
      chmodSync(join(root, "work"), 0o777);
    });

    /** Runs the image's entrypoint with `args`, with an empty environment (nothing of this machine's). */
    function entrypoint(args: string[]): [string, string[]] {
      return asImageUser
        ? ["/usr/sbin/chroot", ["--userspec=65532:65532", root, "/usr/local/bin/calico-baseline", "sync-networksets", ...args]]
        : [join(root, "usr/local/bin/node"), [join(root, "app/bin/calico-baseline.mjs"), "sync-networksets", ...args]];
    }
    const inImage = (p: string): string => (asImageUser ? p : join(root, p));

    it("ships this machine's node binary, every library ldd lists for it, and files owned by root with the build's mtime", () => {
      expect(sha256(readFileSync(join(root, "usr/local/bin/node")))).toBe(sha256(readFileSync(process.execPath)));
      const ldd = mustRun("ldd", [process.execPath]);
      for (const m of ldd.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)) expect(existsSync(join(root, m[1] ?? "")), m[1]).toBe(true);
      expect(readFileSync(join(root, "etc/passwd"), "utf8")).toContain("nonroot:x:65532:65532:");
      const list = (file: string): string[] => spawnSync("tar", ["--numeric-owner", "-tvzf", file], { env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", TZ: "UTC" }, encoding: "utf8" }).stdout.trim().split("\n");
      const [runtime, app] = [list(layerFiles[0] ?? ""), list(layerFiles[1] ?? "")];
      expect(app.some((l) => / app\/lib\/cli\/main\.mjs$/.test(l))).toBe(true);
      expect(app.some((l) => / usr\/local\/bin\/calico-baseline$/.test(l) && l.startsWith("-rwxr-xr-x"))).toBe(true);
      expect(runtime.some((l) => / usr\/local\/bin\/node$/.test(l))).toBe(true);
      // Every entry root-owned (the user's home excepted), every mtime the build's SOURCE_DATE_EPOCH.
      const day = new Date(Number(EPOCH) * 1000).toISOString().slice(0, 10);
      for (const l of [...runtime, ...app]) {
        expect(l.includes(" 0/0 ") || / home\/nonroot\/$/.test(l), l).toBe(true);
        expect(l, l).toContain(day);
      }
    });

    it("answers --help, and refuses a bad config naming every problem (exit 1)", () => {
      const [cmd, args] = entrypoint(["--help"]);
      const help = spawnSync(cmd, args, { env: {}, encoding: "utf8" });
      expect(help.stderr).toBe("");
      expect(help.status).toBe(0);
      expect(help.stdout).toContain("usage: calico-baseline sync-networksets --config FILE");
      writeFileSync(join(root, "work", "bad.yaml"), "consul: {address: nope}\nmappings:\n  - {service: a, set: x}\n  - {service: b, set: x}\n");
      const [c2, a2] = entrypoint(["--config", inImage("/work/bad.yaml"), "--check"]);
      const bad = spawnSync(c2, a2, { env: {}, encoding: "utf8" });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain("bad.yaml: 2 problems in the sync config");
      expect(bad.stderr).toContain("consul.address");
    });

    it("starts the controller: /healthz 200, /readyz 503 while Consul is down, /metrics served; SIGTERM stops it with 0", async () => {
      const port = await freePort();
      const closed = await freePort();
      writeFileSync(join(root, "work", "token"), "t0ken\n");
      writeFileSync(
        join(root, "work", "kubeconfig"),
        `apiVersion: v1\nkind: Config\ncurrent-context: l\ncontexts: [{name: l, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:${closed}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: abc}}]\n`,
      );
      writeFileSync(
        join(root, "work", "sync.yaml"),
        `consul: {address: "http://127.0.0.1:${closed}", tokenFile: ${inImage("/work/token")}}\nlisten: 127.0.0.1:${port}\nmappings:\n  - {service: postgres, set: consul-postgres, labels: {consul-service: postgres}}\n`,
      );
      const [cmd, args] = entrypoint(["--config", inImage("/work/sync.yaml"), "--kubeconfig", inImage("/work/kubeconfig")]);
      const child = spawn(cmd, args, { env: {}, stdio: ["ignore", "ignore", "pipe"] });
      let logs = "";
      child.stderr.on("data", (c: Buffer) => (logs += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const get = (path: string): Promise<{ status: number; body: string }> =>
        new Promise((resolve, reject) => {
          const req = request({ host: "127.0.0.1", port, path, timeout: 2000 }, (res) => {
            let body = "";
            res.on("data", (c: Buffer) => (body += c.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on("error", reject);
          req.end();
        });
      try {
        let health: { status: number; body: string } | undefined;
        for (let i = 0; i < 100 && health === undefined; i++) {
          health = await get("/healthz").catch(() => undefined);
          if (health === undefined) await new Promise((r) => setTimeout(r, 100));
        }
        expect(health?.status, logs).toBe(200);
        expect((await get("/readyz")).status).toBe(503);
        const metrics = await get("/metrics");
        expect(metrics.status).toBe(200);
        expect(metrics.body).toContain("networkset_sync_consul_requests_total");
      } finally {
        child.kill("SIGTERM");
      }
      expect(await exited).toBe(0);
      // Structured JSON logs on standard error.
      const first = logs.split("\n").find((l) => l.trim() !== "");
      expect(JSON.parse(first ?? "null")).toMatchObject({ level: expect.any(String), msg: expect.any(String) });
    });
  });
});
