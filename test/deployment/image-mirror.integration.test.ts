/**
 * The real image mirror: the same command and script the Pulumi ImageMirror runs, copying the computed image list from a
 * source registry (standing in for quay.io) into a TLS + htpasswd registry, both Debian docker-registry
 * servers on loopback.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadStackConfig } from "../../src/config/load.js";
import { mirrorList, mirrorTargets, planImages, upstreamImages, type MirroredImage } from "../../src/deployment/images.js";
import { MIRROR_COMMAND, MIRROR_SCRIPT, mirrorEnvironment } from "../../src/deployment/planners/mirror.js";
import { checkPrefilledImages } from "../../src/deployment/registry/prefilled-registry.js";
import { freePort, generateTls, mustRun, remoteDigest, run, startRegistry, writeOciIndex, type RunningRegistry } from "./support/registries.js";

const USER = "mirror";
const PASSWORD = "s3cret-Pa55";

let dir = "";
let source: RunningRegistry;
let dest: RunningRegistry;
let caPem = "";
let caFile = "";
let trustDir = "";
let images: MirroredImage[] = [];
const sourceDigests = new Map<string, string>();

function runMirror(env: Record<string, string>): { code: number; stdout: string; stderr: string } {
  // As the ImageMirror resource runs it: the short command, the script on stdin.
  return run("/bin/bash", ["-c", MIRROR_COMMAND], { input: MIRROR_SCRIPT, env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir, ...env } });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cb-mirror-"));
  const tls = generateTls(dir);
  caFile = tls.caFile;
  trustDir = tls.trustDir;
  caPem = mustRun("cat", [tls.caFile]);
  const htpasswd = join(dir, "htpasswd");
  mustRun("htpasswd", ["-Bbc", htpasswd, USER, PASSWORD]);
  source = await startRegistry({ dir: join(dir, "source") });
  dest = await startRegistry({
    dir: join(dir, "dest"),
    tls: { certificate: tls.certFile, key: tls.keyFile },
    htpasswd,
    caFile: tls.caFile,
  });

  // The dev stack's computed list; each public source is replaced by the same path in the local source.
  // The images with a public source (the controller's is built from this repository: controller-image.integration.test.ts).
  const planned = upstreamImages(planImages(loadStackConfig("dev", { cwd: process.cwd() })));
  images = mirrorTargets(planned, dest.host).map((i) => ({ ...i, source: `${source.host}/${i.repository}:${i.tag}` }));
  for (const [n, img] of images.entries()) {
    const layout = join(dir, `oci-${n}`);
    const digest = writeOciIndex(layout, "v1", img.repository);
    mustRun("skopeo", ["copy", "--all", "--preserve-digests", "--dest-tls-verify=false", `oci:${layout}:v1`, `docker://${img.source}`]);
    sourceDigests.set(img.source, digest);
  }
});

afterAll(async () => {
  await source?.stop();
  await dest?.stop();
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

describe("ImageMirror script against real registries", () => {
  it("copies every computed image into the TLS + htpasswd registry with its digest unchanged", () => {
    expect(images.map((i) => i.repository)).toEqual(
      expect.arrayContaining(["tigera/operator", "calico/node", "calico/apiserver", "calico/whisker-backend", "prometheus/node-exporter"]),
    );
    const r = runMirror(
      mirrorEnvironment({ images: mirrorList(images), registry: dest.host, username: USER, password: PASSWORD, caPem, sourceTlsVerify: false }),
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`mirrored ${images.length} images into ${dest.host}`);
    for (const img of images) {
      const expected = sourceDigests.get(img.source);
      const got = remoteDigest(img.target, ["--cert-dir", trustDir, "--creds", `${USER}:${PASSWORD}`]);
      expect(got, img.target).toBe(expected);
      expect(r.stdout).toContain(`${img.source} -> ${img.target}@${expected}`);
    }
    // Both platforms of the index arrived, not just the host's.
    const index = JSON.parse(
      mustRun("skopeo", ["inspect", "--raw", "--cert-dir", trustDir, "--creds", `${USER}:${PASSWORD}`, `docker://${images[0]?.target}`]),
    ) as { manifests: { platform: { architecture: string } }[] };
    expect(index.manifests.map((m) => m.platform.architecture)).toEqual(["amd64", "arm64"]);
  });

  it("leaves a registry that the prefilled check (registry.mirror: false) finds complete, with the same digests", async () => {
    // The same real Distribution registry (TLS, htpasswd: Basic auth) a site's own pipeline would fill.
    const present = await checkPrefilledImages({ host: dest.host, username: USER, password: PASSWORD, caPem }, images);
    expect(present).toEqual(images.map((i) => ({ target: i.target, digest: sourceDigests.get(i.source) })));
    const missing = { ...(images[0] as MirroredImage), repository: "calico/not-published", tag: "v0.0.0", target: `${dest.host}/calico/not-published:v0.0.0` };
    await expect(checkPrefilledImages({ host: dest.host, username: USER, password: PASSWORD, caPem }, [missing])).rejects.toThrow(/calico-baseline:registry: is not in the registry \(HEAD \/v2\/calico\/not-published\/manifests\/v0\.0\.0: 404\)/);
  });

  it("is idempotent: a second run copies nothing new and keeps the digests", () => {
    const r = runMirror(
      mirrorEnvironment({ images: mirrorList(images.slice(0, 2)), registry: dest.host, username: USER, password: PASSWORD, caPem, sourceTlsVerify: false }),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("mirrored 2 images");
  });

  it("a wrong password fails before copying, naming the registry, the user and the settings to check", () => {
    const r = runMirror(
      mirrorEnvironment({ images: mirrorList(images), registry: dest.host, username: USER, password: "wrong", caPem, sourceTlsVerify: false }),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`image mirror: cannot log in to ${dest.host}: registry ${dest.host} rejected the credentials of user ${USER}`);
    expect(r.stderr).toContain("registry.password");
    expect(r.stderr).not.toContain("wrong\n");
  });

  it("an unreachable registry fails with a clear cause", async () => {
    const nowhere = `127.0.0.1:${await freePort()}`;
    const r = runMirror(
      mirrorEnvironment({ images: mirrorList(images), registry: nowhere, username: USER, password: PASSWORD, caPem, sourceTlsVerify: false }),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`image mirror: cannot log in to ${nowhere}: registry unreachable`);
  });

  it("an image missing at its source stops the mirror, naming that image", () => {
    const missing = `${source.host}/calico/not-published:v0.0.0 ${dest.host}/calico/not-published:v0.0.0`;
    const r = runMirror(
      mirrorEnvironment({ images: `${mirrorList(images.slice(0, 1))}\n${missing}`, registry: dest.host, username: USER, password: PASSWORD, caPem, sourceTlsVerify: false }),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`image mirror: copying ${source.host}/calico/not-published:v0.0.0 to ${dest.host}/calico/not-published:v0.0.0 failed`);
    // The images before it were copied and reported.
    expect(r.stdout).toContain(`${images[0]?.source} -> ${images[0]?.target}@`);
  });

  it("a registry certificate from another CA is reported as untrusted", () => {
    const other = generateTls(mkdtempSync(join(dir, "other-")));
    const r = runMirror(
      mirrorEnvironment({ images: mirrorList(images), registry: dest.host, username: USER, password: PASSWORD, caPem: mustRun("cat", [other.caFile]), sourceTlsVerify: false }),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("TLS certificate is not trusted");
    expect(caFile).not.toBe(other.caFile);
  });
});
