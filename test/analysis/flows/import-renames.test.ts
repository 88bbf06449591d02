/**
 * Flow-log import across the 3.32 renames: 3.31 exports name the operator's tier allow-tigera and prefix
 * policy names with `<tier>.`; 3.32 exports name calico-system and may drop the prefix (v3.32.0 release
 * notes: calico #11842, #11232). Both decode to one identity.
 */
import { describe, expect, it } from "vitest";
import { canonicalPolicyHit, importFlowText } from "../../../src/analysis/flows/import.js";

describe("policy hits of 3.31 and 3.32 exports", () => {
  it("allow-tigera.cluster-dns in allow-tigera (3.31) and cluster-dns in calico-system (3.32) are the same policy", () => {
    const old = canonicalPolicyHit({ kind: "GlobalNetworkPolicy", tier: "allow-tigera", name: "allow-tigera.cluster-dns" });
    const now = canonicalPolicyHit({ kind: "GlobalNetworkPolicy", tier: "calico-system", name: "cluster-dns" });
    const prefixed = canonicalPolicyHit({ kind: "GlobalNetworkPolicy", tier: "calico-system", name: "calico-system.cluster-dns" });
    expect(old).toEqual({ tier: "calico-system", name: "cluster-dns" });
    expect(now).toEqual(old);
    expect(prefixed).toEqual(old);
  });

  it("the prefix is dropped only for the hit's own tier and for Calico policy kinds", () => {
    expect(canonicalPolicyHit({ kind: "CalicoNetworkPolicy", tier: "security", name: "platform.x" })).toEqual({ tier: "security", name: "platform.x" });
    expect(canonicalPolicyHit({ kind: "NetworkPolicy", tier: "default", name: "default.x" })).toEqual({ tier: "default", name: "default.x" });
    expect(canonicalPolicyHit({ kind: "StagedGlobalNetworkPolicy", tier: "appsec", name: "appsec.core" })).toEqual({ tier: "appsec", name: "core" });
  });

  it("exports of both versions import, with the same pending verdict", () => {
    const line = (tier: string, name: string): string =>
      JSON.stringify({
        source_name: "a-*", source_namespace: "x", dest_name: "b-*", dest_namespace: "y", protocol: "TCP", dest_port: 53, reporter: "Src", action: "Allow",
        policies: { enforced: [], pending: [{ kind: "GlobalNetworkPolicy", name, tier, action: "Deny", policy_index: 0, rule_index: 0 }] },
      });
    const a = importFlowText(line("allow-tigera", "allow-tigera.cluster-dns"), "a.jsonl").flows[0]!;
    const b = importFlowText(line("calico-system", "cluster-dns"), "b.jsonl").flows[0]!;
    expect(a.pendingAction).toBe("Deny");
    expect(b.pendingAction).toBe(a.pendingAction);
  });
});
