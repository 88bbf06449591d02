/**
 * The policy pack blocks a stack whose baseline breaks DNS: the dev stack with the default deny extended to
 * every namespace (kube-system included), so CoreDNS stops accepting queries from host-networked pods. The
 * real program plans it under Pulumi mocks (the program itself does not check invariants); the pack's
 * lockout policy reports each broken DNS invariant as mandatory, as policy-pack/config/dev.json sets it.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packPolicies } from "../../policy-pack/pack.mjs";
import { DEV_SECRETS, engineConfig, installMocks, recorded, resolve, settle } from "../deployment/support/pulumi-mocks.js";
import { analyzeStack, withStackConfig } from "./support.js";

const ROOT = join(import.meta.dirname, "../..");
const project = mkdtempSync(join(tmpdir(), "cb-pack-"));
afterAll(() => rmSync(project, { recursive: true, force: true }));

beforeAll(async () => {
  cpSync(join(ROOT, "policies", "inventory.yaml"), join(project, "policies", "inventory.yaml"));
  const stack = readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8").replace("  calico-baseline:policies:\n", "  calico-baseline:policies:\n    defaultDenyExcludedNamespaces: []\n");
  writeFileSync(join(project, "Pulumi.dev.yaml"), stack);
  await installMocks("dev");
  const { values, secretKeys } = engineConfig(join(project, "Pulumi.dev.yaml"), DEV_SECRETS);
  pulumi.runtime.setAllConfig(values, secretKeys);
  const program = (await import("../../src/deployment/index.js")).default;
  await resolve(program.images);
  await settle();
});

describe("policy pack on a stack whose baseline breaks DNS", () => {
  it("blocks it: mandatory lockout violations for DNS, with the denied flow and the rule that denies it", async () => {
    const d = await analyzeStack("dev", recorded, withStackConfig(packPolicies({ projectDir: project }), "dev", ROOT));
    const lockout = d.filter((x) => x.policy === "lockout-invariants");
    expect(lockout.map((x) => x.level)).toEqual(lockout.map(() => "mandatory"));
    expect(lockout.map((x) => x.message.split(":")[0])).toEqual(expect.arrayContaining(["lockout invariant dns-udp is broken", "lockout invariant dns-tcp is broken"]));
    expect(lockout.find((x) => x.message.startsWith("lockout invariant dns-udp"))!.message).toMatch(/e\.g\. host:[^ ]+ -> kube-system\/coredns\[Deployment\]: Deny at the end of tier application/);
    // Nothing else is wrong with it: every namespace is covered by the default deny now.
    expect(d.filter((x) => x.policy === "namespaces-default-deny")).toEqual([]);
    expect(d.some((x) => x.level === "mandatory")).toBe(true);
  });

  it("with the DNS invariants waived only the other broken one is left (waivers are the stack's own)", async () => {
    const stack = readFileSync(join(project, "Pulumi.dev.yaml"), "utf8");
    writeFileSync(join(project, "Pulumi.dev.yaml"), stack.replace("    defaultDenyExcludedNamespaces: []\n", "    defaultDenyExcludedNamespaces: []\n    waivers: [dns-udp, dns-tcp]\n"));
    const d = await analyzeStack("dev", recorded, withStackConfig(packPolicies({ projectDir: project }), "dev", ROOT));
    expect(d.filter((x) => x.policy === "lockout-invariants" && x.message.includes(" dns-"))).toEqual([]);
    expect(d.filter((x) => x.policy === "lockout-invariants").map((x) => x.message.split(":")[0])).toEqual(["lockout invariant apiserver-from-calico is broken"]);
    writeFileSync(join(project, "Pulumi.dev.yaml"), stack);
  });
});
