/**
 * The policy pack on the dev stack's planned resources (the real program under Pulumi mocks): it passes, no
 * violation of any level; and the same resources with one image from docker.io or an Allow to 0.0.0.0/0 are
 * reported at the dev stack's levels (policy-pack/config/dev.json: advisory for both).
 */
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { packPolicies, plannedImages, plannedObjects, stackOf } from "../../policy-pack/pack.mjs";
import { DEV_SECRETS, engineConfig, installMocks, recorded, resolve, settle, type Recorded } from "../deployment/support/pulumi-mocks.js";
import { analyzeStack, urnOf, withStackConfig } from "./support.js";

const ROOT = join(import.meta.dirname, "../..");

beforeAll(async () => {
  await installMocks("dev");
  const { values, secretKeys } = engineConfig(join(ROOT, "Pulumi.dev.yaml"), DEV_SECRETS);
  pulumi.runtime.setAllConfig(values, secretKeys);
  const program = (await import("../../src/deployment/index.js")).default;
  await resolve(program.images);
  await settle();
});

const policies = (): ReturnType<typeof packPolicies> => withStackConfig(packPolicies(), "dev", ROOT);

describe("policy pack on the dev stack", () => {
  it("finds the baseline, the namespaces and the images among the planned resources", () => {
    const resources = recorded.map((r) => ({ type: r.type, name: r.name, urn: urnOf("dev", r), props: r.inputs }) as unknown as Parameters<typeof plannedObjects>[0][number]);
    const objects = plannedObjects(resources);
    const kinds = new Set(objects.map((o) => (o.object as { kind: string }).kind));
    for (const k of ["Tier", "GlobalNetworkPolicy", "StagedNetworkPolicy", "Namespace"]) expect(kinds).toContain(k);
    const images = plannedImages(resources).map((i) => i.image);
    expect(images.length).toBeGreaterThan(2);
    for (const i of images) expect(i.startsWith("10.91.52.7:5000/")).toBe(true);
    expect(stackOf(urnOf("dev", recorded[0]!))).toBe("dev");
  });

  it("passes: no violation at all", async () => {
    const d = await analyzeStack("dev", recorded, policies());
    expect(d).toEqual([]);
  });

  it("without the default deny, every namespace it covered is reported, mandatory, with what a new workload there would get", async () => {
    const changed: Recorded[] = recorded.map((r) =>
      r.type === "kubernetes:yaml/v2:ConfigGroup" && r.name.includes("30-application")
        ? { ...r, inputs: { ...r.inputs, objs: (r.inputs["objs"] as Array<{ metadata: { name: string } }>).filter((o) => o.metadata.name !== "application.default-deny") } }
        : r,
    );
    const d = (await analyzeStack("dev", changed, policies())).filter((x) => x.policy === "namespaces-default-deny");
    expect(d.map((x) => x.level)).toEqual(d.map(() => "mandatory"));
    const namespaces = d.map((x) => /^namespace (\S+) is not covered/.exec(x.message)?.[1]);
    expect(namespaces).toEqual(expect.arrayContaining(["calico-monitoring", "sandbox"]));
    expect(namespaces).not.toContain("kube-system"); // excluded on purpose by the stack
    expect(d.find((x) => x.message.startsWith("namespace sandbox"))!.message).toContain("a new workload there accepts traffic from outside (TCP 64999: allowed by Allow by profile kns.sandbox");
  });

  it("reports an image from a public registry and an egress Allow to 0.0.0.0/0, at dev's (advisory) level", async () => {
    const changed: Recorded[] = recorded.map((r) => {
      if (r.type === "kubernetes:yaml/v2:ConfigGroup" && r.name.includes("20-platform")) {
        const objs = structuredClone(r.inputs["objs"]) as Array<Record<string, unknown>>;
        objs.push({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name: "platform.internet" }, spec: { tier: "platform", order: 500, selector: "app == 'web'", types: ["Egress"], egress: [{ action: "Allow", destination: { nets: ["0.0.0.0/0"] } }] } });
        return { ...r, inputs: { ...r.inputs, objs } };
      }
      if (r.type === "kubernetes:helm.sh/v4:Chart" && r.name === "monitoring-node-exporter") {
        return { ...r, inputs: { ...r.inputs, values: { ...(r.inputs["values"] as object), image: { registry: "quay.io", repository: "prometheus/node-exporter" } } } };
      }
      return r;
    });
    const d = await analyzeStack("dev", changed, policies());
    const egress = d.filter((x) => x.policy === "egress-to-anywhere");
    expect(egress).toHaveLength(1);
    expect(egress[0]!.level).toBe("advisory");
    expect(egress[0]!.message).toContain("GlobalNetworkPolicy/platform.internet egress rule 0 allows 0.0.0.0/0");
    const images = d.filter((x) => x.policy === "images-from-private-registry");
    expect(images.length).toBeGreaterThan(0);
    expect(images[0]!.level).toBe("advisory");
    expect(images[0]!.message).toContain("image quay.io/prometheus/node-exporter is not from the stack's private registry");
    // The allow-list exempts the policy (policy pack config egressAllowList).
    const listed = policies().map((p) => (p.name === "egress-to-anywhere" ? { ...p, validateStack: (args: Parameters<NonNullable<typeof p.validateStack>>[0], rv: Parameters<NonNullable<typeof p.validateStack>>[1]) => p.validateStack!({ ...args, getConfig: <T extends object>() => ({ egressAllowList: ["GlobalNetworkPolicy/platform.internet"] }) as T }, rv) } : p));
    expect((await analyzeStack("dev", changed, listed)).filter((x) => x.policy === "egress-to-anywhere")).toEqual([]);
  });
});
