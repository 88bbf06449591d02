/**
 * The check of a registry a separate pipeline fills (`registry.mirror: false`), over HTTPS against registries
 * on loopback (test/support/fake-registry.ts) that ask for credentials as Distribution with htpasswd does
 * (Basic) and as token-auth registries do (Bearer), with a CA from openssl the check must trust.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mirrorTargets, planImages } from "../../src/deployment/images.js";
import { parseStackConfig } from "../../src/config/index.js";
import { MANIFEST_ACCEPT, checkPrefilledImages, parseChallenge } from "../../src/deployment/registry/prefilled-registry.js";
import { UserError } from "../../src/model/problem.js";
import { startFakeRegistry, type FakeRegistry } from "../support/fake-registry.js";
import { freePort, generateTls } from "./support/registries.js";

const USER = "puller";
const PASSWORD = "pull-Pa55";
let dir = "";
let caPem = "";
let cert = "";
let key = "";
const running: FakeRegistry[] = [];

const planned = planImages(parseStackConfig({ "calico-baseline:cluster": { type: "multipass" }, "calico-baseline:registry": { bridgeCidr: "10.91.52.0/24" } }, "dev", { secretsRequired: false }));
const withController = planImages(
  parseStackConfig(
    {
      "calico-baseline:cluster": { type: "multipass" },
      "calico-baseline:registry": { bridgeCidr: "10.91.52.0/24" },
      "calico-baseline:networkSetSync": { enabled: true, image: "calico-baseline/networkset-sync:0.1.0", consul: { address: "https://10.91.52.20:8501", cidrs: ["10.91.52.20/32"] }, mappings: [{ service: "postgres", set: "consul-postgres" }] },
    },
    "dev",
    { secretsRequired: false },
  ),
);
const digestOf = (ref: string): string => `sha256:${Buffer.from(ref).toString("hex").padEnd(64, "0").slice(0, 64)}`;

async function registry(auth: "none" | "basic" | "bearer", leaveOut: readonly string[] = []): Promise<FakeRegistry> {
  const manifests = new Map(planned.filter((p) => !leaveOut.includes(p.repository)).map((p) => [`${p.repository}:${p.tag}`, digestOf(`${p.repository}:${p.tag}`)]));
  const r = await startFakeRegistry({ cert, key, auth, username: USER, password: PASSWORD, manifests });
  running.push(r);
  return r;
}

async function failure(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error("expected a UserError");
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cb-prefilled-"));
  const tls = generateTls(dir);
  caPem = readFileSync(tls.caFile, "utf8");
  cert = readFileSync(tls.certFile, "utf8");
  key = readFileSync(tls.keyFile, "utf8");
});

afterAll(async () => {
  for (const r of running) await r.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("checking a prefilled registry over its HTTP API", () => {
  it("finds every planned image with its digest through Basic auth, asking for indexes and manifests", async () => {
    const r = await registry("basic");
    const targets = mirrorTargets(planned, r.host);
    const present = await checkPrefilledImages({ host: r.host, username: USER, password: PASSWORD, caPem }, targets);
    expect(present).toEqual(targets.map((t) => ({ target: t.target, digest: digestOf(`${t.repository}:${t.tag}`) })));
    const heads = r.requests.filter((q) => q.method === "HEAD");
    expect(heads.map((q) => q.path)).toEqual(targets.map((t) => `/v2/${t.repository}/manifests/${t.tag}`));
    expect(heads.every((q) => q.accept === MANIFEST_ACCEPT && q.authorization === `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`)).toBe(true);
  });

  it("gets a pull token per repository from the Bearer realm", async () => {
    const r = await registry("bearer");
    const targets = mirrorTargets(planned, r.host);
    expect(await checkPrefilledImages({ host: r.host, username: USER, password: PASSWORD, caPem }, targets)).toHaveLength(targets.length);
    const tokens = r.requests.filter((q) => q.path.startsWith("/token"));
    expect(tokens.map((q) => new URL(q.path, "https://x").searchParams.get("scope"))).toEqual(targets.map((t) => `repository:${t.repository}:pull`));
    expect(r.requests.find((q) => q.path === "/v2/calico/node/manifests/v3.32.1")?.authorization).toBe("Bearer pull:calico/node");
  });

  it("names every missing image at once, with its public source, and says how to fill the registry", async () => {
    const r = await registry("none", ["calico/node", "calico/typha"]);
    const e = await failure(checkPrefilledImages({ host: r.host, username: USER, password: PASSWORD, caPem }, mirrorTargets(planned, r.host)));
    expect(e.problems.map((p) => p.value)).toEqual([`${r.host}/calico/node:v3.32.1`, `${r.host}/calico/typha:v3.32.1`]);
    expect(e.problems[0]?.message).toBe("is not in the registry (HEAD /v2/calico/node/manifests/v3.32.1: 404); its public source is quay.io/calico/node:v3.32.1");
    expect(e.problems[0]?.hint).toContain("registry.mirror is false");
    expect(e.message).toContain(`registry ${r.host} (registry.mirror: false) lacks 2 of the ${planned.length} images the stack pulls; nothing was created`);
  });

  it("reports a missing controller image with the commands that build and push it (it has no upstream source)", async () => {
    const r = await registry("none");
    const e = await failure(checkPrefilledImages({ host: r.host, username: USER, password: PASSWORD, caPem }, mirrorTargets(withController, r.host)));
    const target = `${r.host}/calico-baseline/networkset-sync:0.1.0`;
    expect(e.problems).toEqual([
      {
        path: "calico-baseline:networkSetSync.image",
        value: target,
        message: "is not in the registry (HEAD /v2/calico-baseline/networkset-sync/manifests/0.1.0: 404); it is built from this repository, not mirrored from upstream",
        hint: `build and push it before pulumi runs: node scripts/build-controller-image.mjs --tag 0.1.0 --out lib/image/networkset-sync && skopeo copy oci:lib/image/networkset-sync:0.1.0 docker://${target} (docs/networkset-sync.md, "Image")`,
      },
    ]);
  });

  it("refuses wrong credentials, for Basic and for Bearer, naming registry.username", async () => {
    const basic = await registry("basic");
    const e1 = await failure(checkPrefilledImages({ host: basic.host, username: USER, password: "wrong", caPem }, mirrorTargets(planned.slice(0, 1), basic.host)));
    expect(e1.problems).toEqual([expect.objectContaining({ path: "calico-baseline:registry.username", message: "cannot be read with these credentials (HTTP 401)" })]);
    const bearer = await registry("bearer");
    const e2 = await failure(checkPrefilledImages({ host: bearer.host, username: USER, password: "wrong", caPem }, mirrorTargets(planned.slice(0, 1), bearer.host)));
    expect(e2.problems[0]?.message).toBe(`got no pull token for tigera/operator from https://${bearer.host}/token (HTTP 401)`);
  });

  it("says the registry cannot be reached when nothing listens, or when its CA is not given", async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    const e1 = await failure(checkPrefilledImages({ host: closed, username: USER, password: PASSWORD, caPem }, mirrorTargets(planned, closed)));
    expect(e1.problems).toEqual([expect.objectContaining({ path: "calico-baseline:registry.host", value: closed, message: expect.stringMatching(/^cannot be reached to check the prefilled images \(GET \/v2\/\): ECONNREFUSED/) })]);
    const r = await registry("none");
    const e2 = await failure(checkPrefilledImages({ host: r.host, username: USER, password: PASSWORD }, mirrorTargets(planned, r.host)));
    expect(e2.problems[0]?.message).toMatch(/cannot be reached .*(SELF_SIGNED|UNABLE_TO_VERIFY|self-signed|unable to verify)/i);
    expect(e2.problems[0]?.hint).toContain("registry.ca");
  });
});

describe("WWW-Authenticate challenges", () => {
  it("reads the scheme and quoted or bare parameters", () => {
    expect(parseChallenge('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:calico/node:pull"')).toEqual({
      scheme: "bearer",
      params: { realm: "https://auth.example.com/token", service: "registry.example.com", scope: "repository:calico/node:pull" },
    });
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: "basic", params: { realm: "Registry Realm" } });
    expect(parseChallenge("Bearer realm=https://a/t, service=x")).toEqual({ scheme: "bearer", params: { realm: "https://a/t", service: "x" } });
    expect(parseChallenge("")).toBeUndefined();
  });
});
