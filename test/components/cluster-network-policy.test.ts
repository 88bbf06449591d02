/**
 * The ClusterNetworkPolicy component: the object it writes per Calico minor (ClusterNetworkPolicy v1alpha2
 * on 3.32, AdminNetworkPolicy / BaselineAdminNetworkPolicy v1alpha1 on 3.30/3.31), validated on
 * construction, and analysed as Calico enforces it.
 */
import { describe, expect, it } from "vitest";
import { ClusterNetworkPolicy, type ClusterNetworkPolicyProps } from "../../components/cluster-network-policy.js";
import { explain } from "../../src/analysis/evaluate.js";
import { parseInventory } from "../../src/analysis/inventory.js";
import { buildModel } from "../../src/analysis/model.js";
import { readPolicies, sourced } from "../../src/analysis/policies.js";
import type { CalicoMinor } from "../../src/config/types.js";
import { validateResource } from "../../src/model/validate/index.js";
import { fixture, userErrorOf } from "./helpers.js";

const guard: ClusterNetworkPolicyProps = {
  name: "no-metadata",
  tier: "Admin",
  priority: 10,
  subject: { namespaces: { matchLabels: { team: "shop" } } },
  egress: [{ name: "metadata", action: "Deny", peers: [{ networks: ["169.254.169.254/32"] }], ports: [{ protocol: "TCP", port: 80 }, { protocol: "TCP", port: 8000, endPort: 8100 }] }],
  ingress: [{ action: "Accept", peers: [{ pods: { podSelector: { matchLabels: { app: "web" } } } }] }],
};

function render(props: ClusterNetworkPolicyProps): Record<string, unknown> {
  const f = fixture();
  new ClusterNetworkPolicy(f.chart, "p", props);
  return f.byName(props.name);
}

describe("ClusterNetworkPolicy component", () => {
  it("writes a valid ClusterNetworkPolicy for Calico 3.32: tier, priority, protocols with ports and ranges, pods peers with every namespace", () => {
    const o = render(guard);
    expect(validateResource(o)).toEqual([]);
    expect(o).toEqual({
      apiVersion: "policy.networking.k8s.io/v1alpha2",
      kind: "ClusterNetworkPolicy",
      metadata: { name: "no-metadata" },
      spec: {
        tier: "Admin",
        priority: 10,
        subject: { namespaces: { matchLabels: { team: "shop" } } },
        ingress: [{ action: "Accept", from: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: "web" } } } }] }],
        egress: [{ name: "metadata", action: "Deny", to: [{ networks: ["169.254.169.254/32"] }], protocols: [{ tcp: { destinationPort: { number: 80 } } }, { tcp: { destinationPort: { range: { start: 8000, end: 8100 } } } }] }],
      },
    });
  });

  it("writes the AdminNetworkPolicy equivalent for 3.31 (Accept → Allow, portNumber/portRange), valid there", () => {
    const o = render({ ...guard, calicoMinor: "3.31" });
    expect(validateResource(o, { calicoVersion: "3.31" })).toEqual([]);
    expect(o["kind"]).toBe("AdminNetworkPolicy");
    const spec = o["spec"] as { tier?: string; ingress: Array<{ action: string }>; egress: Array<{ ports: unknown[] }> };
    expect(spec.tier).toBeUndefined();
    expect(spec.ingress[0]!.action).toBe("Allow");
    expect(spec.egress[0]!.ports).toEqual([{ portNumber: { protocol: "TCP", port: 80 } }, { portRange: { protocol: "TCP", start: 8000, end: 8100 } }]);
  });

  it("a Baseline policy on 3.31 must be the one BaselineAdminNetworkPolicy named default", () => {
    expect(userErrorOf(() => render({ ...guard, tier: "Baseline", ingress: [], calicoMinor: "3.31" }))).toContain("metadata.name");
    expect(render({ ...guard, name: "default", tier: "Baseline", ingress: [], calicoMinor: "3.31" })["kind"]).toBe("BaselineAdminNetworkPolicy");
  });

  it("reports every problem at once, with paths and hints: priority out of range, a Calico-unsupported peer shape, a bad CIDR", () => {
    const msg = userErrorOf(() => render({ ...guard, priority: 2000, egress: [{ action: "Deny", peers: [{ networks: ["169.254.169.254"] }] }] }));
    expect(msg).toContain("spec.priority");
    expect(msg).toContain("spec.egress[0].to[0].networks[0]");
    expect(msg).toContain("Hint:");
  });

  it("the same props give the same verdict on 3.32 (ClusterNetworkPolicy) and 3.31 (AdminNetworkPolicy)", () => {
    const inventory = parseInventory({ namespaces: [{ name: "shop", labels: { team: "shop" }, workloads: [{ name: "web", labels: { app: "web" } }] }] });
    const verdict = (minor: CalicoMinor): boolean => {
      const m = buildModel(inventory, readPolicies(sourced([render({ ...guard, calicoMinor: minor })]), { calicoMinor: minor }), { calicoMinor: minor });
      return explain(m, { from: "shop/web", to: "net:169.254.169.254", protocol: "TCP", port: 80 }).every((r) => r.allowed);
    };
    expect(verdict("3.32")).toBe(false);
    expect(verdict("3.31")).toBe(false);
  });
});
