/**
 * Laws of the indexes the engine uses for speed (fast-check), each against the plain definition:
 * - applicable policies (global policies indexed under their most selective label anchor) equal the
 *   policies whose selector matches, in Felix order, tier by tier;
 * - the namespace roll-up read three ways (matrix rows built on first read, `at`, `idAt`) equals the
 *   union of allowed connections over every pair of different members;
 * - the shared rows toward external peers give, for every class pair, what the class's own evaluation gives
 *   (the per-pair brute force in connectivity.property.test.ts covers the values; here the lookups agree);
 * - the IPv4 cut of the address space covers it without gaps and each piece lists exactly the sets that
 *   contain its first and last address.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConnSet } from "../../src/analysis/connset.js";
import { computeConnectivity } from "../../src/analysis/connectivity.js";
import { IpSet, coveredPiecesV4, cutBySets, groupV4BySets } from "../../src/analysis/ipset.js";
import { buildModel } from "../../src/analysis/model.js";
import { readPolicies, sourced } from "../../src/analysis/policies.js";
import { anchorsOf, bestAnchor, compile, keysOf } from "../../src/analysis/labels.js";
import { parseSelector } from "../../src/model/selector/index.js";
import { inventoryArb, manifestsArb } from "./arbitraries.js";

describe("engine indexes", () => {
  it("applicable policies equal the matching policies in Felix order, whatever the anchor index picks", () => {
    fc.assert(
      fc.property(inventoryArb, manifestsArb, (inv, objs) => {
        const model = buildModel(inv, readPolicies(sourced(objs)));
        for (const e of model.endpoints) {
          for (const dir of ["ingress", "egress"] as const) {
            for (const stage of ["normal", "untracked", "preDNAT"] as const) {
              const got = model.applicable(e, dir, stage).flatMap((t) => t.policies.map((p) => `${t.tier.name}/${p.id}`));
              const want = model.policies
                .filter((p) => (dir === "ingress" ? p.ingress : p.egress) !== undefined)
                .filter((p) => (e.kind === "workload" ? stage === "normal" && !p.doNotTrack && !p.preDNAT : p.doNotTrack ? stage === "untracked" : p.preDNAT ? stage === "preDNAT" : stage === "normal"))
                .filter((p) => p.selector.match(e.labels))
                .map((p) => `${p.tier}/${p.id}`);
              expect(got).toEqual(want);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("the roll-up read as matrix rows, at() and idAt() equals the union over member pairs", () => {
    fc.assert(
      fc.property(inventoryArb, manifestsArb, (inv, objs) => {
        const conn = computeConnectivity(buildModel(inv, readPolicies(sourced(objs))));
        const g = conn.groups();
        const want = g.names.map(() => g.names.map(() => ConnSet.EMPTY));
        for (const p of conn.pairs()) {
          const i = g.names.indexOf(p.src.group);
          const j = g.names.indexOf(p.dst.group);
          want[i]![j] = want[i]![j]!.union(p.conns);
        }
        g.names.forEach((s, i) =>
          g.names.forEach((d, j) => {
            const w = `${s}->${d}: ${want[i]![j]!.toString()}`;
            expect(`${s}->${d}: ${g.at(i, j).toString()}`).toBe(w);
            expect(`${s}->${d}: ${conn.interner.get(g.idAt(i, j)).toString()}`).toBe(w);
            expect(`${s}->${d}: ${g.matrix[i]![j]!.toString()}`).toBe(w);
          }),
        );
      }),
      { numRuns: 50 },
    );
  });

  it("override lookups agree with forEach over each row, shared rows included", () => {
    fc.assert(
      fc.property(inventoryArb, manifestsArb, (inv, objs) => {
        const conn = computeConnectivity(buildModel(inv, readPolicies(sourced(objs))));
        for (const o of [conn.rows.egress, conn.rows.ingress]) {
          let n = 0;
          for (let c = 0; c < conn.classCount; c++) {
            const seen = new Map<number, number>();
            o.forEach(c, (peer, id) => {
              expect(seen.has(peer)).toBe(false);
              seen.set(peer, id);
            });
            n += seen.size;
            for (let pc = 0; pc < conn.classCount; pc++) expect(o.get(c, pc)).toBe(seen.get(pc));
          }
          expect(o.size).toBe(n);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("the most selective anchor is a conjunct the selector cannot match without", () => {
    const sel = 'app == "web" && role in {"a", "b"} && has(x)';
    const anchors = anchorsOf(parseSelector(sel).ast);
    expect(anchors).toEqual([
      { key: "app", values: ["web"] },
      { key: "role", values: ["a", "b"] },
    ]);
    expect(bestAnchor(anchors, (k) => (k === "app" ? 100 : 3))).toEqual({ key: "role", values: ["a", "b"] });
    expect(anchorsOf(parseSelector('app == "web" || role == "a"').ast)).toEqual([]);
  });

  it("a selector reads exactly its keys: views that agree on them get its answer, whatever else they carry", () => {
    expect(keysOf(parseSelector('!(app == "web" || has(zone)) && role in {"a"} && all() && tier not in {"x"}').ast)).toEqual(["app", "role", "tier", "zone"]);
    expect(keysOf(parseSelector("all()").ast)).toEqual([]);
    const texts = ['app == "web"', '!has(role) || app != "db"', 'role in {"a", "b"} && zone contains "eu"', 'app starts with "w" && !(role ends with "b")', "all()"];
    const labelArb = fc.dictionary(fc.constantFrom("app", "role", "zone", "other", "toString", "__proto__"), fc.constantFrom("web", "db", "a", "b", "eu-1", ""), { maxKeys: 5 });
    fc.assert(
      fc.property(fc.constantFrom(...texts), labelArb, labelArb, (text, x, y) => {
        const sel = compile(parseSelector(text).ast);
        // y takes x's value (or absence) on every key the selector reads, and keeps its own elsewhere.
        const z: Record<string, string> = { ...y };
        for (const k of sel.keys) {
          if (Object.hasOwn(x, k)) Object.defineProperty(z, k, { value: x[k], enumerable: true, configurable: true, writable: true });
          else delete z[k];
        }
        expect(sel.match(z)).toBe(sel.match(x));
      }),
      { numRuns: 300 },
    );
  });

  it("the IPv4 cut covers the space without gaps and lists exactly the sets holding each piece", () => {
    const cidr = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.constantFrom(8, 16, 24, 30, 32)).map(([a, b, len]) => `${a}.${b}.${len >= 24 ? a : 0}.${len === 32 ? b : 0}/${len}`);
    fc.assert(
      fc.property(fc.array(fc.array(cidr, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), (texts) => {
        const sets = texts.map((t) => IpSet.parse(t));
        let next = 0n;
        for (const piece of cutBySets(sets, 4)) {
          expect(piece.first).toBe(next);
          expect(piece.last >= piece.first).toBe(true);
          for (const at of [piece.first, piece.last]) {
            expect(piece.covering).toEqual(sets.flatMap((s, i) => (s.contains(4, at) ? [i] : [])));
          }
          next = piece.last + 1n;
        }
        expect(next).toBe(1n << 32n);
      }),
      { numRuns: 150 },
    );
  });

  it("grouping the IPv4 pieces by covering sets on numbers equals grouping cutBySets' pieces, single skipped addresses left out", () => {
    const cidr = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.constantFrom(8, 16, 24, 30, 32)).map(([a, b, len]) => `${a}.${b}.${len >= 24 ? a : 0}.${len === 32 ? b : 0}/${len}`);
    fc.assert(
      fc.property(fc.array(fc.array(cidr, { minLength: 1, maxLength: 4 }), { maxLength: 6 }), fc.array(cidr.filter((c) => c.endsWith("/32")), { maxLength: 3 }), (texts, skipped) => {
        const sets = texts.map((t) => IpSet.parse(t));
        const skip = IpSet.parse(skipped);
        const want = new Map<string, { covering: number[]; ranges: IpSet }>();
        for (const p of cutBySets(sets, 4)) {
          if (p.first === p.last && skip.contains(4, p.first)) continue;
          const k = p.covering.join(",");
          const piece = IpSet.fromRanges([{ version: 4, first: p.first, last: p.last }]);
          const g = want.get(k);
          want.set(k, { covering: [...p.covering], ranges: g === undefined ? piece : g.ranges.union(piece) });
        }
        const got = groupV4BySets(sets, skip);
        expect(got.map((g) => [...g.covering].sort((a, b) => a - b).join(","))).toEqual([...want.keys()]);
        for (const g of got) {
          const w = want.get([...g.covering].sort((a, b) => a - b).join(","))!;
          expect(IpSet.fromSortedFlat(g.flat.map((x) => BigInt(x)), []).toString()).toBe(w.ranges.toString());
        }
      }),
      { numRuns: 150 },
    );
    expect(() => IpSet.fromSortedFlat([5n, 9n, 10n, 12n], [])).toThrow(/not sorted, disjoint and non-adjacent/);
    expect(() => IpSet.fromSortedFlat([5n, 4n], [])).toThrow(/not sorted/);
    expect(() => IpSet.fromSortedFlat([5n], [])).toThrow(/odd number/);
    expect(IpSet.fromSortedFlat([], []).isEmpty()).toBe(true);
  });

  it("the covered IPv4 pieces on numbers are cutBySets' pieces that some set holds, equal covering lists shared", () => {
    const cidr = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.constantFrom(8, 16, 24, 30, 32)).map(([a, b, len]) => `${a}.${b}.${len >= 24 ? a : 0}.${len === 32 ? b : 0}/${len}`);
    fc.assert(
      fc.property(fc.array(fc.array(cidr, { minLength: 1, maxLength: 4 }), { maxLength: 6 }), (texts) => {
        const sets = texts.map((t) => IpSet.parse(t));
        const want = [...cutBySets(sets, 4)].filter((p) => p.covering.length > 0);
        const got = coveredPiecesV4(sets);
        expect([...got.starts].map((x) => BigInt(x))).toEqual(want.map((p) => p.first));
        expect([...got.ends].map((x) => BigInt(x))).toEqual(want.map((p) => p.last));
        expect(got.covering.map((c) => [...c])).toEqual(want.map((p) => p.covering));
        const byKey = new Map<string, readonly number[]>();
        for (const c of got.covering) expect(byKey.get(c.join(",")) ?? byKey.set(c.join(","), c).get(c.join(","))).toBe(c);
      }),
      { numRuns: 150 },
    );
  });
});
