// The wait for the nodes' WireGuard public keys (Node annotation projectcalico.org/WireguardPublicKey, which
// libcalico-go's Kubernetes backend maps to the Calico Node's status.wireguardPublicKey), run against a fake
// `k3s kubectl` that prints what the real jsonpath query prints: one "<node> <key>" line per node.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { wireguardKeysScript } from "../../src/deployment/planners/k3s.js";

function run(script: string, nodesOutput: string): { status: number | null; stdout: string; stderr: string } {
  const bin = mkdtempSync(join(tmpdir(), "wg-keys-"));
  const fake = join(bin, "k3s");
  writeFileSync(join(bin, "nodes.txt"), nodesOutput);
  writeFileSync(fake, `#!/bin/bash\ncat ${JSON.stringify(join(bin, "nodes.txt"))}\n`);
  chmodSync(fake, 0o755);
  const r = spawnSync("bash", ["-c", script], { env: { ...process.env, PATH: `${bin}:${process.env["PATH"] ?? ""}` }, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("wireguardKeysScript", () => {
  it("queries the IPv4 or the IPv6 key annotation", () => {
    expect(wireguardKeysScript(3, false)).toContain("projectcalico\\.org/WireguardPublicKey}");
    expect(wireguardKeysScript(3, true)).toContain("projectcalico\\.org/WireguardPublicKeyV6}");
  });

  it("succeeds once every expected node publishes a key", () => {
    const r = run(wireguardKeysScript(3, false, 0), "cb-dev-control AAA=\ncb-dev-worker-1 BBB=\ncb-dev-worker-2 CCC=\n");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("WireGuard: 3 nodes publish projectcalico.org/WireguardPublicKey");
  });

  it("fails at the deadline naming the nodes without a key (a kernel without WireGuard) and what to do", () => {
    const r = run(wireguardKeysScript(3, false, 0), "cb-dev-control AAA=\ncb-dev-worker-1\ncb-dev-worker-2 CCC=\n");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("these nodes published no projectcalico.org/WireguardPublicKey within 0s:\n  cb-dev-worker-1\n");
    expect(r.stderr).toContain("set calico-baseline:encryption.wireguard to false");
  });

  it("does not count fewer nodes than expected as done", () => {
    expect(run(wireguardKeysScript(3, false, 0), "cb-dev-control AAA=\n").status).toBe(1);
  });
});
