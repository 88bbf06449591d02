/**
 * Laws of the connectivity engine on random small clusters (fast-check):
 * the class-based, symbolic computation equals a brute-force evaluation of every pair of peers with
 * the reference flow evaluator, at sample connections covering every port edge the policies use.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConnSet } from "../../src/analysis/connset.js";
import { computeConnectivity } from "../../src/analysis/connectivity.js";
import { type Peer, endpointPeer, evaluateFlow } from "../../src/analysis/evaluate.js";
import { buildModel } from "../../src/analysis/model.js";
import { readPolicies, sourced } from "../../src/analysis/policies.js";
import { inventoryArb, manifestsArb } from "./arbitraries.js";

function samples(): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const proto of [6, 17]) for (const port of [0, 1, 52, 53, 54, 79, 80, 81, 399, 400, 443, 450, 500, 501, 5432, 65535]) out.push([proto, port]);
  out.push([1, 8 << 8], [132, 80], [47, 0]);
  return out;
}

describe("connectivity engine", () => {
  it("the namespace roll-up equals the union over every pair of different peers", () => {
    fc.assert(
      fc.property(inventoryArb, manifestsArb, (inv, objs) => {
        const conn = computeConnectivity(buildModel(inv, readPolicies(sourced(objs))));
        const { names, matrix } = conn.groups();
        const want = names.map(() => names.map(() => ConnSet.EMPTY));
        for (const p of conn.pairs()) {
          const i = names.indexOf(p.src.group);
          const j = names.indexOf(p.dst.group);
          want[i]![j] = want[i]![j]!.union(p.conns);
        }
        names.forEach((s, i) => names.forEach((d, j) => expect(`${s}->${d}: ${matrix[i]![j]!.toString()}`).toBe(`${s}->${d}: ${want[i]![j]!.toString()}`)));
      }),
      { numRuns: 100 },
    );
  });

  it("equals a brute-force per-pair evaluation on random small clusters (enforced and staged views)", () => {
    fc.assert(
      fc.property(inventoryArb, manifestsArb, fc.constantFrom("enforced" as const, "staged" as const), (inv, objs, view) => {
        const pm = readPolicies(sourced(objs));
        expect(pm.problems).toEqual([]);
        const model = buildModel(inv, pm, { view });
        const conn = computeConnectivity(model);
        const views: Peer[][] = conn.peers.map((p) => {
          if (p.endpoint !== undefined) return [endpointPeer(p.endpoint)];
          // Both ends of every range of an external group: the grouping must not hide a difference.
          return [...p.ips!.ranges()].flatMap((r) => [r.first, r.last].map((v) => ({ ip: { version: r.version, value: v }, display: p.id })));
        });
        for (let s = 0; s < conn.peers.length; s++) {
          for (let d = 0; d < conn.peers.length; d++) {
            if (s === d) continue;
            if (conn.peers[s]!.kind === "external" && conn.peers[d]!.kind === "external") continue;
            const fast = conn.allowed(s, d);
            for (const src of views[s]!) {
              for (const dst of views[d]!) {
                for (const [protocol, port] of samples()) {
                  const slow = evaluateFlow(model, { src, dst, protocol, port }).allowed;
                  if (slow !== fast.contains(protocol, port)) {
                    throw new Error(`${src.display} -> ${dst.display} ${protocol}/${port}: brute force ${slow}, engine ${fast.toString()}`);
                  }
                }
              }
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
