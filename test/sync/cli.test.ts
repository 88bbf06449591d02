import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

const dir = mkdtempSync(join(tmpdir(), "cb-sync-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), cwd: dir });
  return { code, out, err };
}

const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: local
contexts: [{name: local, context: {cluster: c, user: u}}]
clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: abc}}]
`;

describe("calico-baseline sync-networksets", () => {
  it("--check validates the config and the credentials it names, and exits 0", async () => {
    writeFileSync(join(dir, "kubeconfig"), KUBECONFIG);
    writeFileSync(join(dir, "token"), "t0ken\n");
    writeFileSync(join(dir, "sync.yaml"), `consul: {address: "http://127.0.0.1:8500", tokenFile: ${JSON.stringify(join(dir, "token"))}}\nmappings:\n  - {service: postgres, set: consul-postgres, labels: {role: db}}\n`);
    const r = await cli(["sync-networksets", "--config", "sync.yaml", "--kubeconfig", "kubeconfig", "--check"]);
    expect(r.err).toBe("");
    expect(r.out).toContain("sync.yaml: 1 mapping, valid");
    expect(r.code).toBe(0);
  });

  it("an invalid config exits 1 listing every problem with file, path and hint", async () => {
    writeFileSync(join(dir, "bad.yaml"), "consul: {address: nope}\nmappings:\n  - {service: a, set: x}\n  - {service: b, set: x}\n");
    const r = await cli(["sync-networksets", "--config", "bad.yaml", "--check"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("bad.yaml: 2 problems in the sync config");
    expect(r.err).toContain("bad.yaml: consul.address: is not an http:// or https:// URL");
    expect(r.err).toContain("bad.yaml: mappings[1].set: names the same GlobalNetworkSet as mappings[0]");
  });

  it("an unreadable token file, and no cluster without --kubeconfig, are user errors", async () => {
    writeFileSync(join(dir, "notoken.yaml"), `consul: {address: "http://127.0.0.1:8500", tokenFile: /nonexistent/token}\nmappings: [{service: a, set: a}]\n`);
    const r = await cli(["sync-networksets", "--config", "notoken.yaml", "--check"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("consul.tokenFile: cannot read the file: ENOENT");
    writeFileSync(join(dir, "ok.yaml"), `consul: {address: "http://127.0.0.1:8500"}\nmappings: [{service: a, set: a}]\n`);
    const saved = process.env["KUBERNETES_SERVICE_HOST"];
    delete process.env["KUBERNETES_SERVICE_HOST"];
    const r2 = await cli(["sync-networksets", "--config", "ok.yaml", "--check"]);
    if (saved !== undefined) process.env["KUBERNETES_SERVICE_HOST"] = saved;
    expect(r2.code).toBe(1);
    expect(r2.err).toContain("not running in a cluster");
  });

  it("--help prints the usage and exit codes", async () => {
    const r = await cli(["sync-networksets", "--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("--config FILE");
    expect(r.out).toContain("exit: 0 stopped by SIGTERM or SIGINT");
  });
});
