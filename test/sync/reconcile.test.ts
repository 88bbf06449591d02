import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { desiredNets, hostCidr, instanceAddress, reconcile, type ConsulInstance, type SetState } from "../../src/sync/reconcile.js";

const MIN = 60_000;
const GRACE = 30 * MIN;
const T0 = Date.UTC(2026, 0, 1);

function inst(node: string, nodeAddress: string, serviceAddress = "", checks: string[] = ["passing"]): ConsulInstance {
  return { node, nodeAddress, serviceId: `svc-${node}`, serviceAddress, checks };
}

describe("addresses from Consul", () => {
  it("takes the service address, and the node address when the service has none (Consul's rule)", () => {
    expect(instanceAddress({ nodeAddress: "10.0.0.1", serviceAddress: "" })).toBe("10.0.0.1");
    expect(instanceAddress({ nodeAddress: "10.0.0.1", serviceAddress: "192.0.2.7" })).toBe("192.0.2.7");
  });

  it("writes /32 for IPv4 and /128 for IPv6, in canonical form", () => {
    expect(hostCidr("10.0.0.1")).toBe("10.0.0.1/32");
    expect(hostCidr("2001:DB8:0:0::1")).toBe("2001:db8::1/128");
    expect(hostCidr("[2001:db8::1]")).toBe("2001:db8::1/128");
    expect(hostCidr("db.example.com")).toBeUndefined();
  });

  it("keeps only instances whose every check passes when passingOnly, all of them otherwise", () => {
    const all = [inst("a", "10.0.0.1"), inst("b", "10.0.0.2", "", ["passing", "warning"]), inst("c", "10.0.0.3", "", ["critical"]), inst("d", "10.0.0.4", "", [])];
    expect(desiredNets(all, true).nets).toEqual(["10.0.0.1/32", "10.0.0.4/32"]);
    expect(desiredNets(all, false).nets).toEqual(["10.0.0.1/32", "10.0.0.2/32", "10.0.0.3/32", "10.0.0.4/32"]);
  });

  it("reports an instance whose address is a host name instead of writing it, and merges duplicates", () => {
    const r = desiredNets([inst("a", "10.0.0.1"), inst("b", "10.0.0.1"), inst("c", "10.0.0.3", "db.internal"), inst("d", "fe80::1")], true);
    expect(r.nets).toEqual(["10.0.0.1/32", "fe80::1/128"]);
    expect(r.problems).toEqual([{ instance: "c/svc-c", address: "db.internal", reason: "is not an IP address (a GlobalNetworkSet holds CIDRs)" }]);
  });

  it("sorts IPv4 before IPv6 and by numeric address, not text", () => {
    expect(desiredNets([inst("a", "10.0.0.10"), inst("b", "::1"), inst("c", "10.0.0.9"), inst("d", "9.0.0.1")], false).nets).toEqual(["9.0.0.1/32", "10.0.0.9/32", "10.0.0.10/32", "::1/128"]);
  });
});

describe("reconcile: the grace period", () => {
  const start: SetState = { nets: ["10.0.0.1/32", "10.0.0.2/32"], pending: new Map() };

  it("adds a new address at once", () => {
    const r = reconcile({ current: start, observed: ["10.0.0.1/32", "10.0.0.2/32", "10.0.0.3/32"], now: T0, graceMs: GRACE, allowEmpty: false });
    expect(r.changed).toBe(true);
    expect(r.added).toEqual(["10.0.0.3/32"]);
    expect(r.next.nets).toEqual(["10.0.0.1/32", "10.0.0.2/32", "10.0.0.3/32"]);
  });

  it("keeps a removed address through the grace period, cancels the removal when it returns", () => {
    const gone = reconcile({ current: start, observed: ["10.0.0.1/32"], now: T0, graceMs: GRACE, allowEmpty: false });
    expect(gone.next.nets).toEqual(start.nets);
    expect([...gone.next.pending]).toEqual([["10.0.0.2/32", T0]]);
    expect(gone.startedGrace).toEqual(["10.0.0.2/32"]);
    expect(gone.nextDeadline).toBe(T0 + GRACE);
    const stillGone = reconcile({ current: gone.next, observed: ["10.0.0.1/32"], now: T0 + 29 * MIN, graceMs: GRACE, allowEmpty: false });
    expect(stillGone.changed).toBe(false);
    expect([...stillGone.next.pending]).toEqual([["10.0.0.2/32", T0]]);
    const back = reconcile({ current: stillGone.next, observed: ["10.0.0.1/32", "10.0.0.2/32"], now: T0 + 29 * MIN, graceMs: GRACE, allowEmpty: false });
    expect(back.cancelled).toEqual(["10.0.0.2/32"]);
    expect(back.next.pending.size).toBe(0);
    expect(back.next.nets).toEqual(start.nets);
    expect(back.changed).toBe(true);
  });

  it("removes an address once it has been missing for the whole grace period", () => {
    const gone = reconcile({ current: start, observed: ["10.0.0.1/32"], now: T0, graceMs: GRACE, allowEmpty: false });
    const due = reconcile({ current: gone.next, observed: ["10.0.0.1/32"], now: T0 + GRACE, graceMs: GRACE, allowEmpty: false });
    expect(due.removed).toEqual(["10.0.0.2/32"]);
    expect(due.next).toEqual({ nets: ["10.0.0.1/32"], pending: new Map() });
    expect(due.nextDeadline).toBeUndefined();
  });

  it("counts a first-missing time in the future from now (the grace period never shrinks)", () => {
    const skewed: SetState = { nets: ["10.0.0.1/32"], pending: new Map([["10.0.0.1/32", T0 + 10 * GRACE]]) };
    const r = reconcile({ current: skewed, observed: ["10.0.0.9/32"], now: T0, graceMs: GRACE, allowEmpty: false });
    expect(r.next.pending.get("10.0.0.1/32")).toBe(T0);
    expect(reconcile({ current: r.next, observed: ["10.0.0.9/32"], now: T0 + GRACE, graceMs: GRACE, allowEmpty: false }).removed).toEqual(["10.0.0.1/32"]);
  });

  it("with a grace period of 0 removes a missing address at once", () => {
    expect(reconcile({ current: start, observed: ["10.0.0.1/32"], now: T0, graceMs: 0, allowEmpty: false }).next.nets).toEqual(["10.0.0.1/32"]);
  });
});

describe("reconcile: the empty-service guard", () => {
  const start: SetState = { nets: ["10.0.0.1/32"], pending: new Map() };

  it("holds the last good set when Consul answers with no instances", () => {
    const r = reconcile({ current: start, observed: [], now: T0, graceMs: GRACE, allowEmpty: false });
    expect(r).toMatchObject({ held: true, changed: false, next: start });
  });

  it("lets the set age out normally when the mapping allows empty answers", () => {
    const r = reconcile({ current: start, observed: [], now: T0, graceMs: GRACE, allowEmpty: true });
    expect(r.held).toBe(false);
    expect(r.startedGrace).toEqual(["10.0.0.1/32"]);
    expect(reconcile({ current: r.next, observed: [], now: T0 + GRACE, graceMs: GRACE, allowEmpty: true }).next.nets).toEqual([]);
  });

  it("decides nothing before Consul has answered, and creates a missing set (empty if Consul knows no instance)", () => {
    expect(reconcile({ current: start, observed: undefined, now: T0, graceMs: GRACE, allowEmpty: false }).changed).toBe(false);
    expect(reconcile({ current: undefined, observed: [], now: T0, graceMs: GRACE, allowEmpty: false })).toMatchObject({ changed: true, held: false, next: { nets: [] } });
  });
});

// A run: a sequence of steps, each advancing the clock and giving Consul's answer (from a small address pool).
const POOL = ["10.0.0.1/32", "10.0.0.2/32", "10.0.0.3/32", "2001:db8::1/128", "2001:db8::2/128"];
const step = fc.record({ advanceMs: fc.integer({ min: 0, max: 2 * GRACE }), answer: fc.subarray(POOL) });

describe("reconcile: properties over random runs", () => {
  it("never drops an address before it has been missing from every answer for the whole grace period, and never keeps one longer", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), fc.boolean(), (steps, allowEmpty) => {
        let state: SetState | undefined;
        let now = T0;
        const lastSeen = new Map<string, number>(); // address -> time of the last answer that had it
        const missingSince = new Map<string, number>(); // address -> time of the first answer without it
        for (const s of steps) {
          now += s.advanceMs;
          const r = reconcile({ current: state, observed: s.answer, now, graceMs: GRACE, allowEmpty });
          if (r.held) {
            expect(s.answer).toEqual([]);
            expect(r.next).toBe(state);
          } else {
            for (const a of s.answer) {
              lastSeen.set(a, now);
              missingSince.delete(a);
            }
            for (const a of state?.nets ?? []) if (!s.answer.includes(a) && !missingSince.has(a)) missingSince.set(a, now);
          }
          // Every address in the answer is in the set at once.
          if (!r.held) for (const a of s.answer) expect(r.next.nets).toContain(a);
          for (const a of state?.nets ?? []) {
            const since = missingSince.get(a);
            if (r.next.nets.includes(a)) {
              // kept: either present, or missing for less than the grace period
              if (since !== undefined && !r.held) expect(now - since).toBeLessThan(GRACE);
            } else {
              // dropped: missing for at least the grace period
              expect(since).toBeDefined();
              expect(now - (since ?? now)).toBeGreaterThanOrEqual(GRACE);
              missingSince.delete(a);
            }
          }
          // Pending removals are exactly the held addresses missing from the answer.
          if (!r.held) expect([...r.next.pending.keys()].sort()).toEqual(r.next.nets.filter((n) => !s.answer.includes(n)).sort());
          state = r.next;
        }
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  it("is idempotent: reconciling the result again with the same answer at the same time changes nothing", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 15 }), fc.boolean(), (steps, allowEmpty) => {
        let state: SetState | undefined;
        let now = T0;
        for (const s of steps) {
          now += s.advanceMs;
          state = reconcile({ current: state, observed: s.answer, now, graceMs: GRACE, allowEmpty }).next;
          const again = reconcile({ current: state, observed: s.answer, now, graceMs: GRACE, allowEmpty });
          expect(again.changed).toBe(false);
          expect(again.next).toEqual(state);
        }
      }),
      { seed: 13, numRuns: 200 },
    );
  });

  it("a restart that keeps only the set (nets + first-missing times) decides exactly as the running controller would", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 2, maxLength: 20 }), fc.nat(), (steps, cut) => {
        const k = cut % steps.length;
        let a: SetState | undefined;
        let b: SetState | undefined;
        let now = T0;
        steps.forEach((s, i) => {
          now += s.advanceMs;
          a = reconcile({ current: a, observed: s.answer, now, graceMs: GRACE, allowEmpty: false }).next;
          // b "restarts" at step k: its state is rebuilt from a copy (as read back from the annotation).
          if (i === k && b !== undefined) b = { nets: [...b.nets], pending: new Map(b.pending) };
          b = reconcile({ current: b, observed: s.answer, now, graceMs: GRACE, allowEmpty: false }).next;
          expect(b).toEqual(a);
        });
      }),
      { seed: 14, numRuns: 200 },
    );
  });
});
