/**
 * The real program with a broken stack config: `pulumi up` must stop before creating anything, with the
 * problem list (key path, value, hint) as the message and no stack trace (pulumi.RunError).
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, recorded, settle } from "./support/pulumi-mocks.js";

let failure: unknown;

beforeAll(async () => {
  await installMocks("broken");
  pulumi.runtime.setAllConfig({
    "calico-baseline:cluster": JSON.stringify({ type: "multipas", workers: -1 }),
    "calico-baseline:registry": JSON.stringify({ bridgeCidr: "10.91.52.1/24" }),
  });
  try {
    await import("../../src/deployment/index.js");
  } catch (e) {
    failure = e;
  }
  await settle();
});

describe("a stack config with mistakes", () => {
  it("stops with a RunError listing every problem, before any resource is registered", () => {
    expect(pulumi.RunError.isInstance(failure)).toBe(true);
    const message = (failure as Error).message;
    expect(message).toContain('stack "broken": 3 configuration problems');
    expect(message).toContain('calico-baseline:cluster.type: must be one of multipass, ssh, kubeconfig (value: "multipas"). Hint: did you mean "multipass"?');
    expect(message).toContain("calico-baseline:cluster.workers: must be a whole number from 0 to 50 (value: -1)");
    expect(message).toContain("calico-baseline:registry.bridgeCidr: has host bits set below the prefix length");
    expect(recorded).toEqual([]);
  });
});
