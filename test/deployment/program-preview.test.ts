/**
 * Preview of the dev stack: no VM exists yet, so every command output (IPs, kubeconfig) is unknown.
 * The program must still build its whole graph without throwing.
 */
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type * as ProgramModule from "../../src/deployment/index.js";
import { DEV_SECRETS, engineConfig, installMocks, recorded, settle } from "./support/pulumi-mocks.js";

let program: typeof ProgramModule.default | undefined;
let failure: unknown;

beforeAll(async () => {
  await installMocks("dev", true);
  const { values, secretKeys } = engineConfig(join(process.cwd(), "Pulumi.dev.yaml"), DEV_SECRETS);
  pulumi.runtime.setAllConfig(values, secretKeys);
  try {
    program = (await import("../../src/deployment/index.js")).default;
  } catch (e) {
    failure = e;
  }
  await settle();
});

describe("preview with an unknown kubeconfig", () => {
  it("does not throw and still registers the whole chain", async () => {
    expect(failure).toBeUndefined();
    expect(program).toBeDefined();
    const names = recorded.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(["cluster-provider", "calico-operator", "calico-installation", "calico-apiserver", "policies-tiers"]));
    const known = await new Promise<boolean>((r) => (program?.kubeconfig as unknown as { isKnown: Promise<boolean> }).isKnown.then(r));
    expect(known).toBe(false);
  });
});
