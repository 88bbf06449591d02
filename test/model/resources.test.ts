import { describe, expect, it } from "vitest";
import {
  effectivePolicyTypes,
  KINDS,
  parseResource,
  policyTier,
  type Resource,
} from "../../src/model/resources/index.js";
import { closest } from "../../src/model/resources/shape.js";
import { calico, gnp, k8sNp, operator } from "../support/calico-objects.js";

function kindOf(r: Resource | undefined): string {
  return r === undefined ? "none" : `${r.apiVersion}/${r.kind}`;
}

describe("parseResource", () => {
  it("returns a typed resource discriminated by apiVersion and kind", () => {
    const calicoNp = parseResource(calico("NetworkPolicy", "a", { selector: "all()" }, { namespace: "x" })).resource;
    const kubeNp = parseResource(k8sNp("a", { podSelector: {} })).resource;
    expect(kindOf(calicoNp)).toBe("projectcalico.org/v3/NetworkPolicy");
    expect(kindOf(kubeNp)).toBe("networking.k8s.io/v1/NetworkPolicy");
    if (calicoNp?.kind === "NetworkPolicy" && calicoNp.apiVersion === "projectcalico.org/v3") {
      expect(calicoNp.spec.selector).toBe("all()");
    }
    if (kubeNp?.kind === "NetworkPolicy" && kubeNp.apiVersion === "networking.k8s.io/v1") {
      expect(kubeNp.spec.podSelector).toEqual({});
    }
  });

  it("keeps values as written so a parsed object prints back the same", () => {
    const obj = gnp("keep", { selector: "all()", egress: [{ action: "Allow", protocol: "UDP", destination: { ports: [53, "dns", "1000:2000"] } }] });
    expect(parseResource(obj)).toEqual({ resource: obj, problems: [] });
  });

  it("reports unknown fields at every level with a did-you-mean hint", () => {
    const { problems } = parseResource({ ...gnp("x", { selectr: "all()", ingress: [{ action: "Allow", sorce: {} }] }), extra: 1 });
    expect(problems).toEqual([
      { path: "extra", value: 1, message: 'unknown field "extra"', hint: "remove it; known fields here: apiVersion, kind, metadata, spec" },
      { path: "spec.selectr", value: "all()", message: 'unknown field "selectr"', hint: 'did you mean "selector"?' },
      { path: "spec.ingress[0].sorce", value: {}, message: 'unknown field "sorce"', hint: 'did you mean "source"?' },
    ]);
  });

  it("reports wrong JSON types with the expected type", () => {
    const { problems } = parseResource(gnp("x", { order: "100", doNotTrack: "true", ingress: { action: "Allow" } }));
    expect(problems).toEqual([
      { path: "spec.order", value: "100", message: "must be a number, not string", hint: "remove the quotes" },
      { path: "spec.doNotTrack", value: "true", message: "must be a boolean, not string", hint: "remove the quotes: true" },
      { path: "spec.ingress", value: { action: "Allow" }, message: "must be a list, not object", hint: 'write a YAML list, e.g. [{"action":"Allow"}]' },
    ]);
  });

  it("names the right apiVersion for a known kind and the closest kind for a typo", () => {
    expect(parseResource({ apiVersion: "projectcalico.org/v1", kind: "Tier", metadata: { name: "a" }, spec: {} }).problems[0]).toEqual({
      path: "apiVersion",
      value: "projectcalico.org/v1",
      message: "unsupported apiVersion for kind Tier",
      hint: "Tier is served as apiVersion projectcalico.org/v3",
    });
    expect(parseResource({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicies", metadata: {}, spec: {} }).problems[0]?.hint).toBe(
      'did you mean "GlobalNetworkPolicy"?',
    );
  });

  it("accepts status only on kinds whose controller writes one", () => {
    expect(parseResource({ ...gnp("x", {}), status: {} }).problems).toEqual([
      { path: "status", value: {}, message: 'unknown field "status"', hint: "GlobalNetworkPolicy has no status; remove it" },
    ]);
    expect(parseResource({ ...operator("Installation", "default"), status: { variant: "Calico" } }).problems).toEqual([]);
  });

  it("reports a missing metadata and spec, and non-object input", () => {
    expect(parseResource({ apiVersion: "projectcalico.org/v3", kind: "Tier" }).problems.map((p) => p.message)).toEqual([
      "metadata is missing",
      "spec is missing",
    ]);
    expect(parseResource("kind: Tier").problems[0]?.message).toBe("a resource must be an object with apiVersion, kind, metadata and spec");
    expect(parseResource({}).problems.map((p) => p.path)).toEqual(["apiVersion", "kind"]);
  });

  it("accepts server-populated metadata and status from a live cluster dump", () => {
    const dumped = {
      ...calico("Tier", "security", { order: 100, defaultAction: "Deny" }, { uid: "u", resourceVersion: "12", creationTimestamp: "2026-01-01T00:00:00Z", generation: 1 }),
      status: { conditions: [] },
    };
    expect(parseResource(dumped).problems).toEqual([]);
  });

  it("checks configuration kinds against the fields of their CRD, including CRD patterns", () => {
    const felix = parseResource(calico("FelixConfiguration", "default", { reportingInterval: "30 seconds", logSeverityScreen: "verbose" }));
    expect(felix.problems.map((p) => [p.path, p.hint])).toEqual([
      ["spec.reportingInterval", 'write a duration such as "90s", "5m" or "1h30m"'],
      ["spec.logSeverityScreen", "use one of Trace, Debug, Info, Warning, Error, Fatal"],
    ]);
    const install = parseResource(operator("Installation", "default", { typhaMetricsPort: "9093" }));
    expect(install.problems[0]).toMatchObject({ path: "spec.typhaMetricsPort", message: "must be an integer, not string" });
  });

  it("supports every kind it lists", () => {
    for (const k of KINDS) {
      const r = parseResource({ apiVersion: k.apiVersion, kind: k.kind, metadata: { name: "default" }, spec: {} });
      expect(kindOf(r.resource)).toBe(`${k.apiVersion}/${k.kind}`);
    }
  });
});

describe("policy helpers", () => {
  it("default policy types the way Calico does", () => {
    expect(effectivePolicyTypes({})).toEqual(["Ingress"]);
    expect(effectivePolicyTypes({ ingress: [{ action: "Allow" }] })).toEqual(["Ingress"]);
    expect(effectivePolicyTypes({ egress: [{ action: "Allow" }] })).toEqual(["Egress"]);
    expect(effectivePolicyTypes({ ingress: [{ action: "Allow" }], egress: [{ action: "Allow" }] })).toEqual(["Ingress", "Egress"]);
    expect(effectivePolicyTypes({ types: ["Egress"], ingress: [{ action: "Allow" }] })).toEqual(["Egress"]);
  });

  it("put policies without a tier in the default tier", () => {
    expect(policyTier({})).toBe("default");
    expect(policyTier({ tier: "" })).toBe("default");
    expect(policyTier({ tier: "security" })).toBe("security");
  });

  it("suggest close names only", () => {
    expect(closest("ingres", ["ingress", "egress"])).toBe("ingress");
    expect(closest("zzzzzz", ["ingress", "egress"])).toBeUndefined();
    expect(closest("SELECTOR", ["selector"])).toBe("selector");
  });
});
