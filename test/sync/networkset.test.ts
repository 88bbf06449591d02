import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OWNER_LABEL, PENDING_ANNOTATION, SERVICE_LABEL, type SyncMapping } from "../../src/sync/config.js";
import { desiredObject, formatPending, isOwned, parsePending, stateOf, upToDate, type GlobalNetworkSet } from "../../src/sync/networkset.js";

const m: SyncMapping = { service: "postgres", set: "consul-postgres", passingOnly: true, graceSeconds: 1800, allowEmpty: false, labels: { role: "db" }, path: "mappings[0]" };

describe("GlobalNetworkSet objects of the sync", () => {
  it("a new set carries the mapping's labels, the owner label and the service, and its nets", () => {
    const o = desiredObject(m, { nets: ["10.0.0.1/32"], pending: new Map() }, undefined);
    expect(o).toEqual({
      apiVersion: "projectcalico.org/v3",
      kind: "GlobalNetworkSet",
      metadata: { name: "consul-postgres", labels: { [OWNER_LABEL]: "calico-baseline", [SERVICE_LABEL]: "postgres", role: "db" } },
      spec: { nets: ["10.0.0.1/32"] },
    });
    expect(isOwned(o)).toBe(true);
  });

  it("an update keeps the resourceVersion (so a concurrent change is a 409) and other annotations, and replaces the pending ones", () => {
    const existing: GlobalNetworkSet = { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name: "consul-postgres", resourceVersion: "41", labels: { [OWNER_LABEL]: "calico-baseline" }, annotations: { note: "keep", [PENDING_ANNOTATION]: "{}" } }, spec: { nets: [] } };
    const t = Date.UTC(2026, 0, 1);
    const o = desiredObject(m, { nets: ["10.0.0.1/32"], pending: new Map([["10.0.0.1/32", t]]) }, existing);
    expect(o.metadata.resourceVersion).toBe("41");
    expect(o.metadata.annotations).toEqual({ note: "keep", [PENDING_ANNOTATION]: '{"10.0.0.1/32":"2026-01-01T00:00:00.000Z"}' });
    expect(upToDate(m, stateOf(o) ?? { nets: [], pending: new Map() }, o)).toBe(true);
    expect(upToDate(m, { nets: [], pending: new Map() }, o)).toBe(false);
  });

  it("a set without the owner label is not the controller's", () => {
    expect(isOwned({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name: "x", labels: { [OWNER_LABEL]: "someone-else" } } })).toBe(false);
    expect(isOwned({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name: "x" } })).toBe(false);
  });

  it("the pending annotation round-trips any set of times, and a damaged one is dropped entry by entry", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.ipV4().map((a) => `${a}/32`), fc.integer({ min: 0, max: 4_102_444_800_000 })), (d) => {
        const pending = new Map(Object.entries(d));
        const text = formatPending(pending);
        expect(parsePending(text).pending).toEqual(new Map([...pending].sort(([a], [b]) => (a < b ? -1 : 1))));
      }),
      { seed: 7, numRuns: 200 },
    );
    expect(parsePending('{"10.0.0.1/32":"yesterday","10.0.0.2/32":"2026-01-01T00:00:00Z"}')).toEqual({ pending: new Map([["10.0.0.2/32", Date.UTC(2026, 0, 1)]]), bad: 1 });
    expect(parsePending("not json")).toEqual({ pending: new Map(), bad: 1 });
  });

  it("reads a hand-written bare address as its host CIDR and drops pending entries for nets the set lacks", () => {
    const s = stateOf({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name: "x", annotations: { [PENDING_ANNOTATION]: '{"10.0.0.9/32":"2026-01-01T00:00:00Z"}' } }, spec: { nets: ["10.0.0.1", "10.1.0.0/16"] } });
    expect(s).toEqual({ nets: ["10.0.0.1/32", "10.1.0.0/16"], pending: new Map() });
  });
});
