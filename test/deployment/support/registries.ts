/**
 * Real registries for the integration tests: Debian's `docker-registry` (Distribution) on loopback ports,
 * plus generated OCI images and a generated CA. Nothing here leaves 127.0.0.1.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { registryConfigYaml } from "../../../src/deployment/planners/registry.js";

export const REGISTRY_BINARY = "/usr/bin/docker-registry";

export function run(cmd: string, args: readonly string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { input: opts.input, env: opts.env ?? process.env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function mustRun(cmd: string, args: readonly string[], opts: { input?: string } = {}): string {
  const r = run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** A port that nothing listens on right now (bound once by the OS, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningRegistry {
  readonly host: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  readonly dir: string;
  readonly tls?: { certificate: string; key: string };
  readonly htpasswd?: string;
  /** CA used to probe a TLS registry while waiting for it. */
  readonly caFile?: string;
}

/** Starts `docker-registry serve` with a config written into `dir` and waits until it answers /v2/. */
export async function startRegistry(o: RegistryOptions): Promise<RunningRegistry> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  mkdirSync(join(o.dir, "storage"), { recursive: true });
  const configPath = join(o.dir, "config.yml");
  writeFileSync(
    configPath,
    registryConfigYaml({
      addr: host,
      rootDirectory: join(o.dir, "storage"),
      ...(o.tls !== undefined ? { tls: o.tls } : {}),
      ...(o.htpasswd !== undefined ? { htpasswd: { realm: "test", path: o.htpasswd } } : {}),
    }),
  );
  // Logs go to a file, not a pipe: the tests block the event loop in spawnSync, and a registry writing into
  // a full pipe would stall.
  const logFile = join(o.dir, "registry.log");
  const logFd = openSync(logFile, "a");
  const child = spawn(REGISTRY_BINARY, ["serve", configPath], { stdio: ["ignore", logFd, logFd] });
  closeSync(logFd);
  const url = `${o.tls !== undefined ? "https" : "http"}://${host}/v2/`;
  for (let i = 0; i < 100; i++) {
    const args = ["-s", "-o", "/dev/null", "-w", "%{http_code}", ...(o.caFile !== undefined ? ["--cacert", o.caFile] : []), url];
    const code = run("curl", args).stdout;
    if (code === "200" || code === "401") {
      return {
        host,
        process: child,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
          }),
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`docker-registry on ${host} did not start: ${readFileSync(logFile, "utf8").slice(-2000)}`);
}

/** A CA and a server certificate for 127.0.0.1, generated with openssl in `dir`. */
export function generateTls(dir: string): { caFile: string; certFile: string; keyFile: string; trustDir: string } {
  const ca = join(dir, "ca.crt");
  const caKey = join(dir, "ca.key");
  const key = join(dir, "server.key");
  const csr = join(dir, "server.csr");
  const cert = join(dir, "server.crt");
  const ext = join(dir, "server.ext");
  mustRun("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", ca, "-days", "1", "-subj", "/CN=calico-baseline test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  mustRun("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"]);
  writeFileSync(ext, "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
  mustRun("openssl", ["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-out", cert, "-days", "1", "-extfile", ext]);
  // A containers-style cert dir holding only the CA (skopeo would read *.key files there as client keys).
  const trustDir = join(dir, "trust");
  mkdirSync(trustDir, { recursive: true });
  copyFileSync(ca, join(trustDir, "ca.crt"));
  return { caFile: ca, certFile: cert, keyFile: key, trustDir };
}

function sha256(b: Buffer | string): string {
  return createHash("sha256").update(b).digest("hex");
}

/** A minimal ustar archive holding one regular file. */
function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, "utf8");
  header.write("0000644\0", 100, 8, "ascii");
  header.write("0000000\0", 108, 8, "ascii");
  header.write("0000000\0", 116, 8, "ascii");
  header.write(`${content.length.toString(8).padStart(11, "0")}\0`, 124, 12, "ascii");
  header.write("00000000000\0", 136, 12, "ascii");
  header.write("        ", 148, 8, "ascii");
  header.write("0", 156, 1, "ascii");
  header.write("ustar\0", 257, 6, "ascii");
  header.write("00", 263, 2, "ascii");
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, pad, Buffer.alloc(1024)]);
}

/**
 * Writes an OCI image layout at `dir` whose tag `ref` is a two-platform image index (linux/amd64 and
 * linux/arm64), each platform a one-layer image whose file names `label`. Returns the index digest.
 */
export function writeOciIndex(dir: string, ref: string, label: string): string {
  const blobs = join(dir, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const put = (b: Buffer | string): { digest: string; size: number } => {
    const buf = typeof b === "string" ? Buffer.from(b) : b;
    const hex = sha256(buf);
    writeFileSync(join(blobs, hex), buf);
    return { digest: `sha256:${hex}`, size: buf.length };
  };
  const manifests = ["amd64", "arm64"].map((arch) => {
    const tar = tarOneFile("image.txt", Buffer.from(`${label} ${arch}\n`));
    const layer = put(gzipSync(tar));
    const config = put(
      JSON.stringify({ architecture: arch, os: "linux", rootfs: { type: "layers", diff_ids: [`sha256:${sha256(tar)}`] }, config: {} }),
    );
    const manifest = put(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...layer }],
      }),
    );
    return { mediaType: "application/vnd.oci.image.manifest.v1+json", ...manifest, platform: { architecture: arch, os: "linux" } };
  });
  const index = put(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests }));
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: "application/vnd.oci.image.index.v1+json", ...index, annotations: { "org.opencontainers.image.ref.name": ref } }],
    }),
  );
  return index.digest;
}

/** Digest of the top-level manifest (or index) of `ref`, from its raw bytes. */
export function remoteDigest(ref: string, args: readonly string[]): string {
  const r = spawnSync("skopeo", ["inspect", "--raw", ...args, `docker://${ref}`], { maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`skopeo inspect ${ref} failed: ${r.stderr.toString()}`);
  return `sha256:${sha256(r.stdout)}`;
}
