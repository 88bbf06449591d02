/**
 * Laws of the semantic diff (fast-check): diff(a, a) is empty; diff(a, b) is diff(b, a) mirrored;
 * moving objects between files or reordering them changes nothing; a real change is listed with the
 * rules that explain it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConnSet } from "../../src/analysis/connset.js";
import { diffModels } from "../../src/analysis/diff.js";
import { parseInventory } from "../../src/analysis/inventory.js";
import { buildModel } from "../../src/analysis/model.js";
import { readPolicies } from "../../src/analysis/policies.js";
import { inventoryArb, manifestsArb } from "./arbitraries.js";
import { modelOf } from "./helpers.js";

const build = (inv: Parameters<typeof buildModel>[0], objs: unknown[], files?: string[]) =>
  buildModel(inv, readPolicies(objs.map((object, i) => ({ object, ...(files === undefined ? {} : { file: files[i % files.length]! }) }))));

describe("diff", () => {
  it("diff(a, a) is empty, also when objects are reordered and spread over other files", () => {
    fc.assert(
      fc.property(inventoryArb, manifestsArb, fc.integer({ min: 0, max: 1000 }), (inv, objs, seed) => {
        const shuffled = [...objs].sort((x, y) => ((JSON.stringify(x).length * 31 + seed) % 7) - ((JSON.stringify(y).length * 31 + seed) % 7));
        const d = diffModels(build(inv, objs, ["a.yaml"]), build(inv, shuffled, ["x.yaml", "y.yaml", "z.yaml"]));
        expect(d.changes).toEqual([]);
        expect(d.omitted).toBe(0);
        expect(d.groups).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("diff(a, b) mirrors diff(b, a): added and removed swap, pair by pair", () => {
    fc.assert(
      fc.property(inventoryArb, manifestsArb, manifestsArb, (inv, objsA, objsB) => {
        const a = build(inv, objsA);
        const b = build(inv, objsB);
        const ab = diffModels(a, b, { explain: false });
        const ba = diffModels(b, a, { explain: false });
        const key = (c: { src: string; dst: string }): string => `${c.src} -> ${c.dst}`;
        const forward = new Map(ab.changes.map((c) => [key(c), c] as const));
        expect(ba.changes.map(key).sort()).toEqual([...forward.keys()].sort());
        for (const c of ba.changes) {
          const f = forward.get(key(c))!;
          expect(c.added.equals(f.removed)).toBe(true);
          expect(c.removed.equals(f.added)).toBe(true);
          expect(c.before.equals(f.after)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("the namespace roll-up and the counts agree with the listed pairs, also when the list is capped", () => {
    fc.assert(
      fc.property(inventoryArb, manifestsArb, manifestsArb, (inv, objsA, objsB) => {
        const a = build(inv, objsA);
        const b = build(inv, objsB);
        const full = diffModels(a, b, { explain: false, maxChanges: 1_000_000 });
        expect(full.omitted).toBe(0);
        const want = new Map<string, { added: string; removed: string; pairs: number }>();
        const acc = new Map<string, { added: ConnSet; removed: ConnSet; pairs: number }>();
        for (const c of full.changes) {
          const k = `${c.srcGroup}->${c.dstGroup}`;
          const g = acc.get(k) ?? { added: ConnSet.EMPTY, removed: ConnSet.EMPTY, pairs: 0 };
          acc.set(k, { added: g.added.union(c.added), removed: g.removed.union(c.removed), pairs: g.pairs + 1 });
        }
        for (const [k, g] of acc) want.set(k, { added: g.added.toString(), removed: g.removed.toString(), pairs: g.pairs });
        const got = new Map(full.groups.map((g) => [`${g.src}->${g.dst}`, { added: g.added.toString(), removed: g.removed.toString(), pairs: g.pairs }] as const));
        expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
        const capped = diffModels(a, b, { explain: false, maxChanges: 3 });
        expect(capped.changes.length + capped.omitted).toBe(full.changes.length);
      }),
      { numRuns: 60 },
    );
  });

  it("lists a newly denied flow with the rule that denies it after and the one that allowed it before", () => {
    const inv = parseInventory({ namespaces: [{ name: "shop", workloads: [{ name: "web", labels: { app: "web" } }, { name: "db", labels: { app: "db" } }] }] });
    const before = modelOf("", inv);
    const after = modelOf(`
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec:
  selector: app == "db"
  ingress: [{ action: Allow, protocol: TCP, source: { selector: app == "web" }, destination: { ports: [5432] } }]
`, inv);
    const d = diffModels(before, after);
    expect(d.changes.filter((c) => c.srcGroup === "shop").map((c) => [c.src, c.dst, c.added.toString(), c.removed.toString()])).toEqual([
      ["shop/web[Deployment]", "shop/db[Deployment]", "No Connections", "All Connections except TCP 5432"],
    ]);
    const e = d.changes.find((c) => c.srcGroup === "shop")!.explanation!;
    expect(e.before.allowed).toBe(true);
    expect(e.after.allowed).toBe(false);
    expect(e.after.ingress.decision).toEqual({ by: "end-of-tier", tier: "default" });
    // External sources lose access too; they are listed as address ranges.
    expect(d.groups.map((g) => `${g.src}->${g.dst}`)).toEqual(["shop->shop", "(external)->shop"]);
  });
});
