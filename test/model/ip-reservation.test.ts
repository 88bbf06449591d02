/** IPReservation is a known kind (issue 11): reservedCIDRs as libcalico-go's `cidrs` validator reads them. */
import { describe, expect, it } from "vitest";
import { validateResource } from "../../src/model/validate/index.js";

const res = (spec: unknown, name = "reserved") => ({ apiVersion: "projectcalico.org/v3", kind: "IPReservation", metadata: { name }, spec });

describe("IPReservation", () => {
  it("accepts CIDRs (host bits allowed) and bare addresses of both families", () => {
    expect(validateResource(res({ reservedCIDRs: ["10.0.0.0/24", "10.0.1.5/24", "192.168.0.7", "fd00::/64", "fd00::1"] }))).toEqual([]);
    expect(validateResource(res({}))).toEqual([]);
  });

  it("rejects a bad entry (and the empty string: the tag runs on the list, not per item) by index, with the value and a hint", () => {
    const p = validateResource(res({ reservedCIDRs: ["10.0.0.0/33", "", "nope"] }));
    expect(p.map((x) => [x.path, x.value, x.message])).toEqual([
      ["spec.reservedCIDRs[0]", "10.0.0.0/33", "invalid CIDR or IP address"],
      ["spec.reservedCIDRs[1]", "", "invalid CIDR or IP address"],
      ["spec.reservedCIDRs[2]", "nope", "invalid CIDR or IP address"],
    ]);
    expect(p.every((x) => x.hint.length > 0)).toBe(true);
  });

  it("needs a spec and knows only reservedCIDRs", () => {
    expect(validateResource({ apiVersion: "projectcalico.org/v3", kind: "IPReservation", metadata: { name: "r" } }).map((x) => x.path)).toContain("spec");
    expect(validateResource(res({ reservedCidrs: ["10.0.0.0/24"] })).map((x) => x.message)).toEqual(['unknown field "reservedCidrs"']);
  });
});
