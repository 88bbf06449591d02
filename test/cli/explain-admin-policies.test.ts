/**
 * `calico-baseline explain` on issue 14's fixture (test/fixtures/admin-policies): an Admin-tier Deny of
 * web → db and an allow in our application tier (ordered after kube-admin). 3.32 with the
 * ClusterNetworkPolicy and 3.31 with the AdminNetworkPolicy equivalent give the same verdict; the
 * AdminNetworkPolicy under 3.32 is reported as not enforced (calico #11144) and the allow decides.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/admin-policies");

async function explain(dir: "cnp" | "anp", minor: string): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(
    ["explain", "--manifests", dir, "--inventory", "inventory.yaml", "--from", "shop/web", "--to", "shop/db", "--port", "5432", "--calico-minor", minor],
    { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), cwd: FIXTURE },
  );
  return { code, out, err };
}

describe("explain with Kubernetes admin policies", () => {
  it("3.32: the ClusterNetworkPolicy Deny decides, named kube-admin › ClusterNetworkPolicy/<name> rule N", async () => {
    const r = await explain("cnp", "3.32");
    expect(r.err).toBe("");
    expect(r.out).toContain("TCP 5432: DENIED");
    expect(r.out).toContain("Deny by kube-admin › ClusterNetworkPolicy/deny-web-to-db rule 0");
  });

  it("3.31: the AdminNetworkPolicy equivalent gives the same verdict", async () => {
    const [a, b] = [await explain("anp", "3.31"), await explain("cnp", "3.32")];
    expect(a.out).toContain("Deny by adminnetworkpolicy › AdminNetworkPolicy/deny-web-to-db rule 0");
    expect(a.code).toBe(b.code);
  });

  it("3.32: the AdminNetworkPolicy is reported as not enforced and the application tier's allow decides", async () => {
    const r = await explain("anp", "3.32");
    expect(r.err).toContain("Calico 3.32 does not enforce AdminNetworkPolicy");
    expect(r.out).toContain("TCP 5432: ALLOWED");
    expect(r.code).toBe(0);
  });
});
