/**
 * Reading, modelling and evaluating a second version over the first (readPolicies' `memo`, buildModel's
 * `base`, computeConnectivity's `base`, as a review and the diff do) gives exactly the answers of analysing
 * it from scratch, whatever changed; and what did not change is not evaluated again.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeConnectivity } from "../../src/analysis/connectivity.js";
import { ConnInterner } from "../../src/analysis/connset.js";
import { type DiffResult, diffModels } from "../../src/analysis/diff.js";
import type { Inventory } from "../../src/analysis/inventory.js";
import { buildModel } from "../../src/analysis/model.js";
import { PolicyReadMemo, readPolicies, sameJson } from "../../src/analysis/policies.js";
import { inventoryArb, manifestsArb } from "./arbitraries.js";

const fresh = (inv: Inventory, objs: unknown[]) => buildModel(inv, readPolicies(objs.map((object) => ({ object, file: "p.yaml" }))));
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/**
 * Version b: version a (as fresh copies, so the memo must compare content) with some objects replaced,
 * dropped or added; its tiers and network sets (the first four objects) change in one run of four.
 */
const versionsArb = fc
  .tuple(inventoryArb, manifestsArb, manifestsArb, fc.array(fc.constantFrom("keep", "keep", "keep", "keep", "keep", "replace", "drop"), { minLength: 20, maxLength: 20 }), fc.boolean(), fc.integer({ min: 0, max: 3 }))
  .map(([inv, a, other, edits, add, frame]) => {
    const b: unknown[] = [];
    a.forEach((o, i) => {
      const e = i < 4 && frame !== 0 ? "keep" : edits[i % edits.length]!;
      if (e === "keep") b.push(clone(o));
      else if (e === "replace" && other[i] !== undefined) b.push(clone(other[i]));
    });
    if (add) for (const o of other.slice(a.length)) b.push(clone(o));
    return { inv, a, b };
  });

const summary = (d: DiffResult) => ({
  changes: d.changes.map((c) => `${c.src} -> ${c.dst}: ${c.before.toString()} => ${c.after.toString()} (${c.explanation?.before.allowed}/${c.explanation?.after.allowed})`),
  omitted: d.omitted,
  groups: d.groups.map((g) => `${g.src} -> ${g.dst}: +${g.added.toString()} -${g.removed.toString()} ${g.pairs}`),
});

describe("analysing a second version over the first", () => {
  it("the diff is the diff of two fresh analyses, capped or not", () => {
    fc.assert(
      fc.property(versionsArb, fc.constantFrom(3, 1_000_000), ({ inv, a, b }, maxChanges) => {
        const want = diffModels(fresh(inv, a), fresh(inv, b), { maxChanges });
        const memo = new PolicyReadMemo();
        const ma = buildModel(inv, readPolicies(a.map((object) => ({ object, file: "p.yaml" })), { memo }));
        const mb = buildModel(inv, readPolicies(b.map((object) => ({ object, file: "p.yaml" })), { memo }), { base: ma });
        expect(summary(diffModels(ma, mb, { maxChanges }))).toEqual(summary(want));
      }),
      { numRuns: 80 },
    );
  });

  it("connectivity over a base answers every pair as a fresh one, and takes over every row of an unchanged version", () => {
    let reusedSome = 0;
    let partly = 0;
    fc.assert(
      fc.property(versionsArb, ({ inv, a, b }) => {
        const memo = new PolicyReadMemo();
        const ma = buildModel(inv, readPolicies(a.map((object) => ({ object })), { memo }));
        const interner = new ConnInterner();
        const ca = computeConnectivity(ma, { interner, reusable: true });
        // The same version again (fresh copies): nothing is evaluated twice but what is not policed.
        const again = buildModel(inv, readPolicies(a.map((object) => ({ object: clone(object) })), { memo }), { base: ma });
        expect(again.endpoints).toBe(ma.endpoints);
        const cc = computeConnectivity(again, { interner, base: ca });
        const policed = ca.reps.filter((r) => ca.peers[r]!.endpoint !== undefined && (ca.peers[r]!.endpoint!.kind === "workload" || ca.peers[r]!.endpoint!.hostEndpoint !== undefined)).length;
        expect(cc.reusedRows).toBe(2 * policed);
        // A changed version: the answers of a fresh analysis.
        const mb = buildModel(inv, readPolicies(b.map((object) => ({ object })), { memo }), { base: ma });
        const cb = computeConnectivity(mb, { interner, base: ca });
        const want = computeConnectivity(fresh(inv, b));
        expect(cb.peers.map((p) => p.id)).toEqual(want.peers.map((p) => p.id));
        for (let s = 0; s < cb.peers.length; s++) {
          for (let d = 0; d < cb.peers.length; d++) expect(cb.allowed(s, d).toString()).toBe(want.allowed(s, d).toString());
        }
        const rows = cb.rows.egressDefault.length * 2;
        if (cb.reusedRows > 0) reusedSome++;
        if (process.env["REUSE_STATS"]) process.stdout.write(`${cb.reusedRows}/${rows} `);
        if (cb.reusedRows > 0 && cb.reusedRows < rows) partly++;
      }),
      { numRuns: 100 },
    );
    // Not vacuous: rows were taken over, and in some runs only some of them (a real change next to unchanged rows).
    expect(reusedSome).toBeGreaterThan(10);
    expect(partly).toBeGreaterThan(5);
  });

  it("the memo gives the same readings for equal objects, and a fresh one for a changed or repeated object", () => {
    const policy = (order: number) => ({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name: "p" }, spec: { order, selector: "all()", ingress: [{ action: "Allow" }] } });
    const memo = new PolicyReadMemo();
    const first = readPolicies([{ object: policy(10), file: "a.yaml" }], { memo });
    const same = readPolicies([{ object: policy(10), file: "a.yaml" }], { memo });
    expect(same.policies[0]).toBe(first.policies[0]);
    const changed = readPolicies([{ object: policy(20), file: "a.yaml" }], { memo });
    expect(changed.policies[0]).not.toBe(first.policies[0]);
    expect(changed.policies[0]!.order).toBe(20);
    const moved = readPolicies([{ object: policy(20), file: "b.yaml" }], { memo });
    expect(moved.policies[0]!.source.file).toBe("b.yaml");
    // Two equal objects in one read are two policies, as without the memo.
    const twice = readPolicies([{ object: policy(20), file: "b.yaml" }, { object: policy(20), file: "b.yaml" }], { memo });
    expect(twice.policies).toHaveLength(2);
    expect(twice.policies[0]).not.toBe(twice.policies[1]);
  });

  it("sameJson compares values deeply, key order included", () => {
    expect(sameJson({ a: [1, { b: "x" }], c: null }, { a: [1, { b: "x" }], c: null })).toBe(true);
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(sameJson([1, 2], [1, 2, 3])).toBe(false);
    expect(sameJson({ a: [] }, { a: {} })).toBe(false);
    expect(sameJson({ a: undefined }, {})).toBe(false);
    expect(sameJson("1", 1)).toBe(false);
  });
});
