/**
 * Calico 3.32's renames in validation: tier allow-tigera → calico-system (v3.32.0 release notes, calico #11842)
 * and the relaxed `<tier>.` name prefix (calico #11232), for both versions.
 */
import { describe, expect, it } from "vitest";
import { validateResource } from "../../src/model/validate/index.js";

const gnp = (name: string, tier: string): unknown => ({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name }, spec: { tier, selector: "all()", types: ["Ingress"] } });

describe("3.32 renames in validation", () => {
  it("a policy in tier allow-tigera is valid on 3.31 and reported on 3.32 with the new tier as the hint", () => {
    expect(validateResource(gnp("allow-tigera.cluster-dns", "allow-tigera"), { calicoVersion: "3.31" })).toEqual([]);
    const p = validateResource(gnp("allow-tigera.cluster-dns", "allow-tigera"), { calicoVersion: "3.32" });
    expect(p.map((x) => [x.path, x.value])).toEqual([["spec.tier", "allow-tigera"]]);
    expect(p[0]!.message).toContain("renamed calico-system");
    expect(p[0]!.hint).toContain("tier: calico-system");
  });

  it("a Tier named allow-tigera is reported on 3.32 only", () => {
    const tier = { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "allow-tigera" }, spec: { order: 100 } };
    expect(validateResource(tier, { calicoVersion: "3.31" })).toEqual([]);
    expect(validateResource(tier, { calicoVersion: "3.32" }).map((x) => x.path)).toEqual(["metadata.name"]);
  });

  it("calico-system policies: 3.32 takes the name with or without the prefix; 3.31 requires calico-system.<name>", () => {
    expect(validateResource(gnp("cluster-dns", "calico-system"), { calicoVersion: "3.32" })).toEqual([]);
    expect(validateResource(gnp("calico-system.cluster-dns", "calico-system"), { calicoVersion: "3.32" })).toEqual([]);
    expect(validateResource(gnp("cluster-dns", "calico-system"), { calicoVersion: "3.31" }).map((x) => x.path)).toEqual(["metadata.name"]);
  });
});
