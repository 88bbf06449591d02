/**
 * The controller image's two builds agree (the Dockerfile for Docker/buildah and the daemonless builder,
 * scripts/build-controller-image.mjs), and the stack plans the image as built here, not mirrored. The builder's
 * output itself is tested against a real registry in controller-image.integration.test.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SYNC_CONFIG_PATH, SYNC_METRICS_PORT } from "../../src/config/networkset-sync.js";
import { controllerImage, mirrorList, mirrorTargets, planImages, upstreamImages } from "../../src/deployment/images.js";
import { controllerImageEnvironment } from "../../src/deployment/planners/controller-image.js";
import { repositoryRoot } from "../../src/deployment/registry/controller-image.js";
import { parseStackConfig } from "../../src/config/index.js";
import { tar } from "../../scripts/build-controller-image.mjs";

const ROOT = process.cwd();
const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const builder = readFileSync(join(ROOT, "scripts", "build-controller-image.mjs"), "utf8");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; engines: { node: string } };
const instr = (name: string): string[] => dockerfile.split("\n").filter((l) => l.startsWith(`${name} `)).map((l) => l.slice(name.length + 1).trim());

describe("the Dockerfile", () => {
  it("is multi-stage on one node:20 base pinned by its full version tag, at least package.json's engines", () => {
    const froms = instr("FROM");
    expect(froms).toHaveLength(2);
    const bases = new Set(froms.map((f) => f.split(" ")[0]));
    expect(bases.size).toBe(1);
    const base = [...bases][0] ?? "";
    const m = /^node:(20)\.(\d+)\.(\d+)-[a-z]+(-slim)?$/.exec(base);
    expect(m, base).not.toBeNull();
    const min = pkg.engines.node.replace(/^>=/, "").split(".").map(Number);
    expect(Number(m?.[2])).toBeGreaterThanOrEqual(min[1] ?? 0);
  });

  it("runs the bundle as the same user, entrypoint and command as the daemonless image and the Deployment", () => {
    expect(instr("USER")).toEqual(["65532:65532"]);
    expect(instr("ENTRYPOINT")).toEqual(['["/usr/local/bin/calico-baseline", "sync-networksets"]']);
    expect(builder).toContain('Entrypoint: ["/usr/local/bin/calico-baseline", "sync-networksets"]');
    expect(instr("CMD")).toEqual([`["--config", "${SYNC_CONFIG_PATH}"]`]);
    expect(builder).toContain(`const CONFIG_PATH = "${SYNC_CONFIG_PATH}";`);
    expect(instr("EXPOSE")).toEqual([String(SYNC_METRICS_PORT)]);
    expect(builder).toContain(`const METRICS_PORT = ${SYNC_METRICS_PORT};`);
    expect(dockerfile).toContain(`org.opencontainers.image.version="${pkg.version}"`);
    expect(dockerfile).toContain("RUN node scripts/build-cli.mjs");
    expect(dockerfile).toContain("COPY --from=build /src/lib/cli /app/lib/cli");
  });
});

describe("the builder's tar", () => {
  it("writes ustar headers with the given owner, mode and mtime, sorted, long paths split into prefix and name", () => {
    const long = `app/${"d".repeat(80)}/${"f".repeat(60)}.js`;
    const t: Buffer = tar([
      { type: "file", path: "b.txt", data: Buffer.from("bee\n"), mode: 0o644, uid: 0, gid: 0, mtime: 1780000000 },
      { type: "dir", path: "a/", mode: 0o1777, uid: 65532, gid: 65532, mtime: 1780000000 },
      { type: "file", path: long, data: Buffer.alloc(513, 1), mode: 0o755, uid: 0, gid: 0, mtime: 1780000000 },
    ]);
    const field = (off: number, len: number): string => t.subarray(off, off + len).toString("latin1").replace(/\0.*$/s, "");
    // First header: the directory (sorted first).
    expect(field(0, 100)).toBe("a/");
    expect(field(100, 8)).toBe("0001777");
    expect(field(108, 8)).toBe("0177774");
    expect(field(156, 1)).toBe("5");
    expect(field(257, 6)).toBe("ustar");
    expect(parseInt(field(136, 12), 8)).toBe(1780000000);
    // The checksum: the header's bytes summed with the checksum field as spaces.
    const h = Buffer.from(t.subarray(0, 512));
    h.fill(0x20, 148, 156);
    expect(parseInt(field(148, 8), 8)).toBe(h.reduce((a, b) => a + b, 0));
    // Second: the long path, split at a slash into prefix (345) and name (0).
    expect(field(512 + 345, 155) + "/" + field(512, 100)).toBe(long);
    expect(parseInt(field(512 + 124, 12), 8)).toBe(513);
    // Its data padded to two blocks, then b.txt, then the two zero blocks.
    expect(field(512 * 4, 100)).toBe("b.txt");
    expect(t.length).toBe(512 * 5 + 512 + 1024);
  });
});

describe("the stack's plan for the controller image", () => {
  const sync = { enabled: true, image: "calico-baseline/networkset-sync:0.2.0", consul: { address: "https://10.91.52.20:8501", cidrs: ["10.91.52.20/32"] }, mappings: [{ service: "postgres", set: "consul-postgres" }] };
  const cfg = parseStackConfig({ "calico-baseline:cluster": { type: "multipass" }, "calico-baseline:registry": { bridgeCidr: "10.91.52.0/24" }, "calico-baseline:networkSetSync": sync }, "dev", { secretsRequired: false });

  it("plans it as built from this repository, last, and the mirror list leaves it out", () => {
    const images = planImages(cfg);
    expect(images.at(-1)).toEqual({ role: "networkset-sync", repository: "calico-baseline/networkset-sync", tag: "0.2.0", source: "node scripts/build-controller-image.mjs --tag 0.2.0", built: true });
    expect(upstreamImages(images)).toHaveLength(images.length - 1);
    const targets = mirrorTargets(images, "10.91.52.7:5000");
    expect(targets.at(-1)?.target).toBe("10.91.52.7:5000/calico-baseline/networkset-sync:0.2.0");
    expect(mirrorList(targets)).not.toContain("networkset-sync");
    expect(mirrorList(targets).split("\n")).toHaveLength(images.length - 1);
  });

  it("plans nothing when networkSetSync is off", () => {
    expect(controllerImage({ enabled: false, image: "" })).toBeUndefined();
    const off = parseStackConfig({ "calico-baseline:cluster": { type: "multipass" }, "calico-baseline:registry": { bridgeCidr: "10.91.52.0/24" } }, "dev", { secretsRequired: false });
    expect(planImages(off).some((i) => i.role === "networkset-sync")).toBe(false);
  });

  it("pushes from the repository root; its environment carries target, tag, registry, credentials, and the CA only when given", () => {
    expect(repositoryRoot()).toBe(ROOT);
    expect(() => repositoryRoot("/")).toThrow(/runs from a calico-baseline checkout/);
    const env = controllerImageEnvironment({ target: "r:5000/x:1", tag: "1", registry: "r:5000", username: "u", password: "p" });
    expect(env).toEqual({ IMAGE_TARGET: "r:5000/x:1", IMAGE_TAG: "1", IMAGE_REGISTRY: "r:5000", IMAGE_USERNAME: "u", IMAGE_PASSWORD: "p" });
    expect(controllerImageEnvironment({ target: "r:5000/x:1", tag: "1", registry: "r:5000", username: "u", password: "p", caPem: "PEM" })["IMAGE_CA_PEM"]).toBe("PEM");
  });
});
