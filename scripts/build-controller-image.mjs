/**
 * Builds the Consul → GlobalNetworkSet controller's container image without a container daemon: an OCI image
 * layout (OCI image-spec: image-layout.md, manifest.md, config.md; layers are gzip'd tar, layer.md) that
 * `skopeo copy oci:<dir>:<tag> docker://<registry>/<repository>:<tag>` pushes. The Dockerfile beside the repo
 * root builds the same layout of files from node:20 for teams with Docker or buildah (docs/networkset-sync.md).
 *
 *   node scripts/build-controller-image.mjs [--out DIR] [--tag TAG] [--source URL] [--node PATH]
 *
 * The image is "distroless-style": no shell, no package manager, no base image (none can be pulled here).
 *   layer 1, runtime: this machine's node binary at /usr/local/bin/node and every shared library `ldd` lists
 *     for it, at the paths ldd names (the dynamic loader included), /etc/passwd and /etc/group with the
 *     non-root user 65532, /etc/nsswitch.conf (hosts: files dns), /tmp (1777).
 *   layer 2, app: the esbuild bundle of the CLI (scripts/build-cli.mjs) at /app/lib/cli, bin/calico-baseline.mjs
 *     at /app/bin, a package.json saying `"type": "module"`, and /usr/local/bin/calico-baseline, a launcher
 *     whose `#!/usr/local/bin/node` line needs no /usr/bin/env.
 * Limits of that choice: the image runs on the CPU architecture and the C library of the machine that built it
 * (linux only; the config's `architecture` says which); the node version is the builder's (at least
 * package.json's engines, checked); a Node built against the system's OpenSSL or ICU brings those libraries
 * along through ldd, but no file they read at run time outside the binary (a system CA bundle): Node's own
 * bundled root certificates are used, and a private CA comes through the config's `consul.tls.caFile`.
 *
 * Deterministic: every file has the mtime SOURCE_DATE_EPOCH (default: the commit time of HEAD), uid/gid 0
 * (65532 for the user's home), fixed modes, sorted entries, gzip without a name or time; so two builds of the
 * same tree give the same manifest digest. Prints one JSON line: {layout, ref, digest, config, layers, size}.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { buildCli } from "./build-cli.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const IMAGE_REPOSITORY = "calico-baseline/networkset-sync";
export const IMAGE_USER = 65532;
/** Where the stack mounts the config (src/config/networkset-sync.ts SYNC_CONFIG_PATH). */
const CONFIG_PATH = "/etc/networkset-sync/config.yaml";
const METRICS_PORT = 9464;

const MEDIA = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layer: "application/vnd.oci.image.layer.v1.tar+gzip",
};

class BuildError extends Error {}

// ---------------------------------------------------------------------------------------------- tar (ustar)

/**
 * One ustar header (POSIX.1-1988, as pax/GNU tar read it): name split into prefix/name when longer than 100
 * bytes, octal fields, checksum over the header with the checksum field as spaces.
 */
function header(e) {
  const h = Buffer.alloc(512);
  let name = e.path;
  let prefix = "";
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf("/", 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new BuildError(`path too long for a ustar header: ${e.path}`);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  const oct = (v, len) => `${v.toString(8).padStart(len - 1, "0")}\0`;
  h.write(name, 0, 100, "utf8");
  h.write(oct(e.mode, 8), 100, 8, "ascii");
  h.write(oct(e.uid, 8), 108, 8, "ascii");
  h.write(oct(e.gid, 8), 116, 8, "ascii");
  h.write(oct(e.type === "file" ? e.data.length : 0, 12), 124, 12, "ascii");
  h.write(oct(e.mtime, 12), 136, 12, "ascii");
  h.write("        ", 148, 8, "ascii");
  h.write(e.type === "file" ? "0" : e.type === "dir" ? "5" : "2", 156, 1, "ascii");
  if (e.type === "symlink") h.write(e.target, 157, 100, "utf8");
  h.write("ustar\0", 257, 6, "ascii");
  h.write("00", 263, 2, "ascii");
  h.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return h;
}

/** A tar of `entries` (sorted by path, parents before children), ending with two zero blocks. */
export function tar(entries) {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const parts = [];
  for (const e of sorted) {
    parts.push(header(e));
    if (e.type === "file") {
      parts.push(e.data);
      const pad = (512 - (e.data.length % 512)) % 512;
      if (pad > 0) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** Adds the parent directories every entry needs (mode 0755, root-owned) that `entries` does not list. */
function withParents(entries, mtime) {
  const have = new Set(entries.map((e) => e.path.replace(/\/$/, "")));
  const dirs = [];
  for (const e of entries) {
    let p = posix.dirname(e.path.replace(/\/$/, ""));
    while (p !== "." && p !== "/" && !have.has(p)) {
      have.add(p);
      dirs.push({ type: "dir", path: `${p}/`, mode: 0o755, uid: 0, gid: 0, mtime });
      p = posix.dirname(p);
    }
  }
  return [...entries, ...dirs];
}

// ----------------------------------------------------------------------------------------------- runtime

/** The shared libraries `ldd` lists for `binary`: absolute paths, the dynamic loader included, sorted. */
export function sharedLibraries(binary) {
  let out;
  try {
    out = execFileSync("ldd", [binary], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const text = `${e.stdout ?? ""}${e.stderr ?? ""}`;
    if (/not a dynamic executable|statically linked/.test(text)) return [];
    throw new BuildError(`ldd ${binary} failed: ${text.trim() || e.message}`);
  }
  const libs = new Set();
  for (const line of out.split("\n")) {
    const t = line.trim();
    if (t === "" || t.startsWith("linux-vdso") || t.startsWith("linux-gate")) continue;
    if (/=> not found/.test(t)) throw new BuildError(`ldd ${binary}: ${t} (the node binary needs a library this machine lacks)`);
    const m = /=>\s*(\/\S+)/.exec(t) ?? /^(\/\S+)\s+\(/.exec(t);
    if (m === null) {
      if (/statically linked/.test(t)) continue;
      throw new BuildError(`ldd ${binary}: cannot read the line "${t}"`);
    }
    libs.add(m[1]);
  }
  return [...libs].sort();
}

const ARCH = { x64: "amd64", arm64: "arm64", arm: "arm", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };

function nodeVersionOf(node) {
  return execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
}

/** True when `version` (v20.19.0) is at least `min` (20.19). */
function atLeast(version, min) {
  const v = version.replace(/^v/, "").split(".").map(Number);
  const m = min.replace(/^[>=^~ ]+/, "").split(".").map(Number);
  for (let i = 0; i < m.length; i++) {
    if ((v[i] ?? 0) !== (m[i] ?? 0)) return (v[i] ?? 0) > (m[i] ?? 0);
  }
  return true;
}

function runtimeEntries(node, mtime) {
  const file = (path, data, mode = 0o644) => ({ type: "file", path, data, mode, uid: 0, gid: 0, mtime });
  const entries = [file("usr/local/bin/node", readFileSync(realpathSync(node)), 0o755)];
  for (const lib of sharedLibraries(node)) entries.push(file(lib.slice(1), readFileSync(realpathSync(lib)), 0o755));
  entries.push(
    file("etc/passwd", Buffer.from(`root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${IMAGE_USER}:${IMAGE_USER}:nonroot:/home/nonroot:/sbin/nologin\n`)),
    file("etc/group", Buffer.from(`root:x:0:\nnonroot:x:${IMAGE_USER}:\n`)),
    file("etc/nsswitch.conf", Buffer.from("hosts: files dns\n")),
    { type: "dir", path: "tmp/", mode: 0o1777, uid: 0, gid: 0, mtime },
    { type: "dir", path: "home/nonroot/", mode: 0o750, uid: IMAGE_USER, gid: IMAGE_USER, mtime },
  );
  return withParents(entries, mtime);
}

// ------------------------------------------------------------------------------------------------------ app

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function appEntries(cliDir, pkg, mtime) {
  const file = (path, data, mode = 0o644) => ({ type: "file", path, data, mode, uid: 0, gid: 0, mtime });
  const entries = [
    // lib/cli/*.mjs are ES modules by their extension; "type": "module" for any other .js (the bundle is plain JavaScript, no deps).
    file("app/package.json", Buffer.from(`${JSON.stringify({ name: pkg.name, version: pkg.version, license: pkg.license, private: true, type: "module" }, null, 2)}\n`)),
    file("app/bin/calico-baseline.mjs", readFileSync(join(root, "bin", "calico-baseline.mjs")), 0o755),
    // A CommonJS launcher (no extension, outside /app): node runs it and it imports the ES module entry.
    file("usr/local/bin/calico-baseline", Buffer.from('#!/usr/local/bin/node\n"use strict";\nimport("/app/bin/calico-baseline.mjs").catch((e) => {\n  process.stderr.write(`calico-baseline: ${e && e.stack ? e.stack : e}\\n`);\n  process.exit(1);\n});\n'), 0o755),
  ];
  for (const f of listFiles(cliDir)) entries.push(file(`app/lib/cli/${relative(cliDir, f).split("\\").join("/")}`, readFileSync(f)));
  return withParents(entries, mtime);
}

// ------------------------------------------------------------------------------------------------ git facts

function git(args) {
  try {
    return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

/** HEAD's commit, with `-dirty` when tracked files differ from it (the image then holds uncommitted code). */
function revision() {
  const head = git(["rev-parse", "HEAD"]);
  if (head === undefined) return undefined;
  const dirty = git(["status", "--porcelain", "--untracked-files=no"]);
  return dirty !== undefined && dirty !== "" ? `${head}-dirty` : head;
}

function sourceDateEpoch() {
  const env = process.env["SOURCE_DATE_EPOCH"];
  if (env !== undefined && env !== "") {
    if (!/^\d+$/.test(env)) throw new BuildError(`SOURCE_DATE_EPOCH=${env} is not a number of seconds`);
    return Number(env);
  }
  const t = git(["log", "-1", "--format=%ct"]);
  return t !== undefined && /^\d+$/.test(t) ? Number(t) : 0;
}

// ----------------------------------------------------------------------------------------------------- build

const sha256 = (b) => createHash("sha256").update(b).digest("hex");

/**
 * Builds the layout into `out` (emptied first). Options: tag, source (org.opencontainers.image.source), node
 * (the binary to ship, default this process's). Returns what it wrote.
 */
export async function buildControllerImage(o = {}) {
  if (process.platform !== "linux") throw new BuildError(`the image ships this machine's node binary, and this is ${process.platform}, not linux: build it on Linux (CI), or with the Dockerfile (docs/networkset-sync.md)`);
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const out = o.out ?? join(root, "lib", "image", "networkset-sync");
  const tag = o.tag ?? pkg.version;
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) throw new BuildError(`--tag ${tag} is not an image tag (letters, digits, _ . -, at most 128, not starting with . or -)`);
  const node = o.node ?? process.execPath;
  if (!existsSync(node)) throw new BuildError(`--node ${node} does not exist`);
  const nodeVersion = nodeVersionOf(node);
  const engines = pkg.engines?.node ?? ">=20";
  if (!atLeast(nodeVersion, engines)) throw new BuildError(`node ${nodeVersion} (${node}) is older than package.json's engines (${engines}): build with a newer node (--node PATH)`);
  const architecture = ARCH[process.arch];
  if (architecture === undefined) throw new BuildError(`no OCI architecture name for ${process.arch}`);
  const mtime = sourceDateEpoch();
  const rev = revision();
  const source = o.source ?? process.env["CALICO_BASELINE_IMAGE_SOURCE"] ?? git(["config", "--get", "remote.origin.url"]);

  const work = mkdtempSync(join(tmpdir(), "cb-controller-image-"));
  let cli;
  try {
    const cliDir = join(work, "lib", "cli");
    await buildCli(cliDir);
    cli = tar(appEntries(cliDir, pkg, mtime));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const runtime = tar(runtimeEntries(node, mtime));

  rmSync(out, { recursive: true, force: true });
  const blobs = join(out, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const put = (buf) => {
    const hex = sha256(buf);
    writeFileSync(join(blobs, hex), buf);
    return { digest: `sha256:${hex}`, size: buf.length };
  };
  const layers = [runtime, cli].map((t) => ({ diffId: `sha256:${sha256(t)}`, blob: put(gzipSync(t, { level: 6 })) }));
  const created = new Date(mtime * 1000).toISOString();
  const labels = {
    "org.opencontainers.image.title": "calico-baseline networkset-sync",
    "org.opencontainers.image.description": "Consul to Calico GlobalNetworkSet controller (calico-baseline sync-networksets)",
    "org.opencontainers.image.version": pkg.version,
    "org.opencontainers.image.licenses": pkg.license,
    "org.opencontainers.image.created": created,
    ...(rev !== undefined ? { "org.opencontainers.image.revision": rev } : {}),
    ...(source !== undefined && source !== "" ? { "org.opencontainers.image.source": source } : {}),
    "io.calico-baseline.runtime": `node ${nodeVersion} and its shared libraries (ldd), no base image`,
  };
  if (labels["org.opencontainers.image.source"] === undefined) process.stderr.write("build-controller-image: no --source, CALICO_BASELINE_IMAGE_SOURCE or git remote origin: the image has no org.opencontainers.image.source label\n");
  const config = put(
    Buffer.from(
      JSON.stringify({
        created,
        architecture,
        os: "linux",
        config: {
          User: `${IMAGE_USER}:${IMAGE_USER}`,
          Entrypoint: ["/usr/local/bin/calico-baseline", "sync-networksets"],
          Cmd: ["--config", CONFIG_PATH],
          Env: ["PATH=/usr/local/bin:/usr/bin:/bin", "NODE_ENV=production"],
          WorkingDir: "/app",
          ExposedPorts: { [`${METRICS_PORT}/tcp`]: {} },
          Labels: labels,
        },
        rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
        history: [
          { created, created_by: `runtime: node ${nodeVersion} and ldd's shared libraries (scripts/build-controller-image.mjs)` },
          { created, created_by: "app: lib/cli bundle (scripts/build-cli.mjs)" },
        ],
      }),
    ),
  );
  const manifest = put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.manifest,
        config: { mediaType: MEDIA.config, ...config },
        layers: layers.map((l) => ({ mediaType: MEDIA.layer, ...l.blob })),
        annotations: { "org.opencontainers.image.created": created, ...(rev !== undefined ? { "org.opencontainers.image.revision": rev } : {}) },
      }),
    ),
  );
  writeFileSync(join(out, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(out, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.index,
      manifests: [{ mediaType: MEDIA.manifest, ...manifest, platform: { architecture, os: "linux" }, annotations: { "org.opencontainers.image.ref.name": tag } }],
    }),
  );
  const size = config.size + manifest.size + layers.reduce((n, l) => n + l.blob.size, 0);
  return { layout: out, ref: `oci:${out}:${tag}`, tag, digest: manifest.digest, config: config.digest, layers: layers.map((l) => l.blob.digest), size, architecture, node: nodeVersion };
}

const USAGE = `usage: node scripts/build-controller-image.mjs [--out DIR] [--tag TAG] [--source URL] [--node PATH]

  --out DIR     the OCI image layout to write (default lib/image/networkset-sync; emptied first)
  --tag TAG     its tag (default package.json's version)
  --source URL  org.opencontainers.image.source (default CALICO_BASELINE_IMAGE_SOURCE, else git's remote origin)
  --node PATH   the node binary to ship (default the one running this script)
Then push it:  skopeo copy oci:DIR:TAG docker://REGISTRY/${IMAGE_REPOSITORY}:TAG`;

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let v;
  try {
    ({ values: v } = parseArgs({ options: { out: { type: "string" }, tag: { type: "string" }, source: { type: "string" }, node: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true }));
  } catch (e) {
    process.stderr.write(`build-controller-image: ${e.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  try {
    const r = await buildControllerImage({ ...(v.out !== undefined ? { out: v.out } : {}), ...(v.tag !== undefined ? { tag: v.tag } : {}), ...(v.source !== undefined ? { source: v.source } : {}), ...(v.node !== undefined ? { node: v.node } : {}) });
    process.stdout.write(`${JSON.stringify(r)}\n`);
  } catch (e) {
    if (!(e instanceof BuildError)) throw e;
    process.stderr.write(`build-controller-image: ${e.message}\n`);
    process.exit(1);
  }
}
