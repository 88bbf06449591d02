/**
 * FelixConfiguration `defaultEndpointToHostAction` as Felix reads it (issue 11): case-insensitively
 * (felix/config/param_types.go OneofListParam lower-cases), so `drop` drops; it used to be read as Accept.
 * The Calico API server's validator stays case-sensitive (libcalico-go dropAcceptReturnRegex; its
 * validator_test.go rejects "drop"), and validateResource keeps reporting it.
 */
import { describe, expect, it } from "vitest";
import { readPolicies } from "../../src/analysis/policies.js";
import { validateResource } from "../../src/model/validate/index.js";

const felix = (action: unknown) => ({ apiVersion: "projectcalico.org/v3", kind: "FelixConfiguration", metadata: { name: "default" }, spec: { defaultEndpointToHostAction: action } });

describe("defaultEndpointToHostAction", () => {
  it.each([
    ["Drop", "Drop"],
    ["drop", "Drop"],
    ["DROP", "Drop"],
    ["accept", "Accept"],
    ["Return", "Accept"],
  ])("%s is read as %s", (value, read) => {
    expect(readPolicies([{ object: felix(value), file: "felix.yaml" }]).endpointToHostAction).toBe(read);
  });

  it("an unknown value is a visible problem, not a silent Accept", () => {
    const pm = readPolicies([{ object: felix("Dorp"), file: "felix.yaml" }]);
    expect(pm.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "spec.defaultEndpointToHostAction: not an action Felix knows (Drop, Accept or Return); Felix refuses to start with it, and the analysis assumes Accept",
    ]);
  });

  it("the validator still rejects the lower-case spelling, as the Calico API server does", () => {
    expect(validateResource(felix("drop")).map((p) => p.path)).toEqual(["spec.defaultEndpointToHostAction"]);
    expect(validateResource(felix("Drop"))).toEqual([]);
  });
});
