/**
 * ExternalPeersCache (src/analysis/connectivity.ts): a second analysis with the same address predicates
 * (by identity) and the same endpoint addresses, pod networks and declared externals reuses the external
 * peers of the first; with any of those different it cuts the address space itself. Either way every
 * external peer and every pair's answer equals an analysis without the cache.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Connectivity, ExternalPeersCache, computeConnectivity, ipPredicatesOf } from "../../src/analysis/connectivity.js";
import type { Inventory } from "../../src/analysis/inventory.js";
import { buildModel } from "../../src/analysis/model.js";
import { readPolicies, sourced } from "../../src/analysis/policies.js";
import { inventoryArb, manifestsArb } from "./arbitraries.js";

const answers = (c: Connectivity): string[] => {
  const out: string[] = [];
  for (let s = 0; s < c.peers.length; s++) for (let d = 0; d < c.peers.length; d++) out.push(`${c.peers[s]!.id} -> ${c.peers[d]!.id}: ${c.allowed(s, d).toString()}`);
  return out;
};
const externals = (c: Connectivity): string[] => c.peers.filter((p) => p.kind === "external").map((p) => `${p.id} = ${p.ips!.toString()}`);

describe("external peers cache", () => {
  it("reuses the cut for equal inputs and gives the answers of an analysis without it", () => {
    fc.assert(
      fc.property(inventoryArb, manifestsArb, manifestsArb, (inv, objsA, objsB) => {
        const a = buildModel(inv, readPolicies(sourced(objsA)));
        const b = buildModel(inv, readPolicies(sourced(objsB)));
        const ipPredicates = [...ipPredicatesOf(a), ...ipPredicatesOf(b)];
        const cache = new ExternalPeersCache();
        const ca = computeConnectivity(a, { ipPredicates, externalCache: cache });
        const cb = computeConnectivity(b, { ipPredicates, externalCache: cache });
        const plainB = computeConnectivity(b, { ipPredicates });
        // Same inventory and predicates: b's external peers are a's objects.
        const extA = ca.peers.filter((p) => p.kind === "external");
        const extB = cb.peers.filter((p) => p.kind === "external");
        expect(extB.length).toBe(extA.length);
        extB.forEach((p, i) => expect(p).toBe(extA[i]));
        expect(externals(cb)).toEqual(externals(plainB));
        expect(answers(cb)).toEqual(answers(plainB));
      }),
      { numRuns: 40 },
    );
  });

  it("cuts again when the pod networks, the predicates or the declared externals differ", () => {
    fc.assert(
      fc.property(inventoryArb, manifestsArb, (inv, objs) => {
        const other: Inventory = { ...inv, podNetworks: inv.podNetworks === undefined ? ["10.9.0.0/16"] : undefined, externals: [{ name: "partner", cidr: "203.0.113.0/24" }] };
        const pm = readPolicies(sourced(objs));
        const a = buildModel(inv, pm);
        const b = buildModel(other, pm);
        const ipPredicates = [...ipPredicatesOf(a), ...ipPredicatesOf(b)];
        const cache = new ExternalPeersCache();
        const ca = computeConnectivity(a, { ipPredicates, externalCache: cache });
        const cb = computeConnectivity(b, { ipPredicates, externalCache: cache });
        const plainB = computeConnectivity(b, { ipPredicates });
        const extA = new Set(ca.peers.filter((p) => p.kind === "external"));
        for (const p of cb.peers) if (p.kind === "external") expect(extA.has(p)).toBe(false);
        expect(externals(cb)).toEqual(externals(plainB));
        expect(answers(cb)).toEqual(answers(plainB));
        // Other predicates (a new array, even with equal content) are not taken for the same ones.
        const again = computeConnectivity(a, { ipPredicates: [...ipPredicates], externalCache: cache });
        for (const p of again.peers) if (p.kind === "external") expect(extA.has(p)).toBe(false);
        expect(externals(again)).toEqual(externals(ca));
      }),
      { numRuns: 40 },
    );
  });
});
