/**
 * The drift check for the dev stack: the real program (src/deployment/index.ts) under mocks, against what
 * `synth --stack dev` analyses. It fails when the analysis assumes something no resource provides: a host
 * endpoint, a namespace, a metrics port or a failsafe port. (On the program before automatic host endpoints
 * were deployed, it reported every node's `<node>-auto-hep`.)
 */
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { formatDrift } from "../../src/facts/drift.js";
import { driftOf, namespaceOrderProblems, providedObjects, stackAssumptions } from "./support/drift.js";
import { DEV_SECRETS, engineConfig, installMocks, resolve, settle } from "./support/pulumi-mocks.js";

beforeAll(async () => {
  await installMocks("dev");
  const { values, secretKeys } = engineConfig(join(process.cwd(), "Pulumi.dev.yaml"), DEV_SECRETS);
  pulumi.runtime.setAllConfig(values, secretKeys);
  const program = (await import("../../src/deployment/index.js")).default;
  await resolve(program.images);
  await settle();
});

describe("dev: what pulumi up deploys is what the analysis assumes", () => {
  it("the analysis assumes host endpoints, namespaces, metrics and failsafe ports (the check has something to check)", () => {
    const a = stackAssumptions("dev");
    expect(a.hostEndpoints.map((h) => h.name)).toEqual(["cb-dev-control-auto-hep", "cb-dev-worker-1-auto-hep", "cb-dev-worker-2-auto-hep"]);
    expect(a.hostEndpoints.every((h) => h.auto)).toBe(true);
    expect(a.namespaces.map((n) => n.name)).toEqual(["calico-monitoring", "calico-system", "fme", "shop"]);
    expect(a.metrics.map((m) => `${m.component}:${m.port}`)).toEqual(["felix:9091", "typha:9093", "kubeControllers:9094", "nodeExporter:9100"]);
    expect(a.failsafe.inbound).toHaveLength(9);
    expect(a.workloads.length).toBeGreaterThan(5);
  });

  it("no resource is missing for anything the analysis assumes", () => {
    const drift = driftOf("dev", "calico-system");
    expect(formatDrift(drift)).toBe("");
  });

  it("every namespaced object waits for the resource that creates its namespace (no namespaces \"x\" not found)", () => {
    expect(namespaceOrderProblems()).toEqual([]);
    // The application namespaces are among them: the policies there wait for their NamespacePatch.
    const namespaced = providedObjects().filter((p) => (p.object["metadata"] as { namespace?: string } | undefined)?.namespace === "fme");
    expect(namespaced.length).toBeGreaterThan(0);
  });

  it("applies every object synth renders, from the same facts", async () => {
    const { loadStack } = await import("../../src/cli/stack-input.js");
    const rendered = loadStack("dev", process.cwd()).files.flatMap((f) => f.objects);
    const provided = providedObjects().map((p) => p.object);
    const key = (o: Record<string, unknown>): string => {
      const m = (o["metadata"] ?? {}) as { name?: string; namespace?: string };
      return `${String(o["kind"])}/${m.namespace ?? ""}/${m.name ?? ""}`;
    };
    const have = new Set(provided.map(key));
    expect(rendered.map(key).filter((k) => !have.has(k))).toEqual([]);
    // The configuration objects are patched with exactly the rendered specs.
    for (const kind of ["FelixConfiguration", "KubeControllersConfiguration"]) {
      const r = rendered.find((o) => o["kind"] === kind);
      const p = provided.find((o) => o["kind"] === kind);
      expect(p?.["spec"], kind).toEqual(r?.["spec"]);
    }
  });
});
