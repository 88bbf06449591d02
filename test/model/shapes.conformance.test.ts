/**
 * The field shapes the product embeds (src/model/resources: generated-shapes.ts for the configuration and
 * operator kinds, calico-policy.ts / calico-other.ts / k8s-networkpolicy.ts for the rest) and the Go field
 * types in src/model/validate/go-field-types.ts are copies of what the Calico v3.32.1 CRDs say. This test
 * walks each CRD's `spec` openAPIV3Schema and the product's shape side by side, so a regenerated CRD set
 * (or a hand edit of a shape) cannot drift silently: same property names at every object level, same JSON
 * types, same enums, same required fields, same string/integer/array bounds and string patterns.
 *
 * Differences the product makes on purpose are listed below with the reason; every listed exception must
 * still be needed (a stale exception fails the test too).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { KINDS, type KindInfo } from "../../src/model/resources/resource.js";
import { type Shape, type ShapeDescription } from "../../src/model/resources/shape.js";
import { GO_FIELD_TYPES } from "../../src/model/validate/go-field-types.js";
import { UPSTREAM_DATA_DIR } from "../support/crd-schema.js";

/** The subset of OpenAPI v3 (structural schema) the Calico CRDs use. */
interface Schema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: Schema | boolean;
  readonly items?: Schema;
  readonly required?: readonly string[];
  readonly enum?: readonly (string | number)[];
  readonly allOf?: readonly Schema[];
  readonly anyOf?: readonly Schema[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly pattern?: string;
  readonly "x-kubernetes-int-or-string"?: boolean;
  readonly "x-kubernetes-preserve-unknown-fields"?: boolean;
}

interface Crd {
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string };
    readonly versions: readonly { readonly name: string; readonly schema: { readonly openAPIV3Schema: Schema } }[];
  };
}

/** Kinds `parseResource` supports that have no CRD upstream (built into the Kubernetes API server). */
const KINDS_WITHOUT_CRD: Readonly<Record<string, string>> = {
  "networking.k8s.io/v1 NetworkPolicy": "a built-in Kubernetes kind: its schema is in k8s.io/api, not in a Calico CRD",
  "policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy": "a kubernetes-sigs/network-policy-api v0.2.0 CRD, not one of Calico's (shape from apis/v1alpha2 types.go, tested in test/model/admin-policy.test.ts)",
  "policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy": "a kubernetes-sigs/network-policy-api v0.1.5 CRD, not one of Calico's (shape from apis/v1alpha1 types.go, tested in test/model/admin-policy.test.ts)",
  "policy.networking.k8s.io/v1alpha1 BaselineAdminNetworkPolicy": "a kubernetes-sigs/network-policy-api v0.1.5 CRD, not one of Calico's (shape from apis/v1alpha1 types.go, tested in test/model/admin-policy.test.ts)",
};

/**
 * Subtrees the shapes accept as any value although the CRD defines their structure, by `<kind> <path>`
 * (`[]` = a list item, `{}` = a map value). Only these may be `any()`. Installation `typhaAffinity` is not
 * among them: its generated shape models the CRD's nodeAffinity subtree fully and is compared like the rest.
 */
const ANY_VALUE_SUBTREES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    [
      "Installation calicoKubeControllersDeployment",
      "Installation calicoNodeDaemonSet",
      "Installation calicoNodeWindowsDaemonSet",
      "Installation calicoWindowsUpgradeDaemonSet",
      "Installation csiNodeDriverDaemonSet",
      "Installation typhaDeployment",
      "APIServer apiServerDeployment",
      "APIServer calicoWebhooksDeployment",
      "Goldmane goldmaneDeployment",
      "Whisker whiskerDeployment",
    ].map((k) => [
      k.replace(" ", " spec."),
      "operator pod-template override (thousands of core/v1 PodSpec fields); the product never writes it and the " +
        "API server validates it against the CRD on apply",
    ]),
  ),
};

/**
 * Deliberate differences between a shape and its CRD: each exact difference message this test would
 * report, with the reason the product accepts it. Anything not listed word for word still fails, and an
 * entry that no longer occurs fails the "still needed" test, so the list cannot go stale.
 */
const DELIBERATE: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    ["NetworkPolicy", "GlobalNetworkPolicy", "StagedNetworkPolicy", "StagedGlobalNetworkPolicy"].flatMap((kind) => [
      [
        `${kind} spec.types: minItems is 1 in the CRD, undefined in the shape`,
        "the structural layer is version-neutral: an empty `types` is rejected only from 3.32 (native v3 CRDs), " +
          "so src/model/validate/policy.ts checks it per Calico version with a hint",
      ],
      [
        `${kind} spec.types: maxItems is 2 in the CRD, undefined in the shape`,
        "with the enum Ingress/Egress a third item is always a duplicate, which validate/policy.ts reports " +
          "(\"'X' type specified more than once\", Calico's own message)",
      ],
    ]),
  ),
  ...Object.fromEntries(
    [
      "podSelector",
      "ingress[].from[].podSelector",
      "ingress[].from[].namespaceSelector",
      "egress[].to[].podSelector",
      "egress[].to[].namespaceSelector",
    ].map((p) => [
      `StagedKubernetesNetworkPolicy spec.${p}.matchExpressions[].operator: the CRD has string, the shape enum`,
      "stricter than the CRD on purpose: a LabelSelectorRequirement operator is one of In, NotIn, Exists, " +
        "DoesNotExist (k8s.io/apimachinery); anything else fails when Calico converts the selector",
    ]),
  ),
  "StagedKubernetesNetworkPolicy spec.policyTypes[]: the CRD has string, the shape enum":
    "stricter than the CRD on purpose: Kubernetes NetworkPolicy policyTypes are Ingress or Egress; the shape is " +
    "shared with networking.k8s.io/v1 NetworkPolicy, whose API server rejects anything else",
  "StagedKubernetesNetworkPolicy spec.policyTypes: maxItems is 2 in the CRD, undefined in the shape":
    "src/model/validate/k8s.ts reports more than two policyTypes (the Kubernetes message)",
  "StagedKubernetesNetworkPolicy spec.policyTypes: minItems is 1 in the CRD, undefined in the shape":
    "the shape is shared with networking.k8s.io/v1 NetworkPolicy, where an empty policyTypes is valid; the " +
    "3.32 native CRD rejects it for the staged kind only. KNOWN GAP: src/model/validate/k8s.ts does not yet " +
    "report it for StagedKubernetesNetworkPolicy (owner to add, version-aware like Calico `types`)",
};

/** Schema keywords the walk compares with the shapes (see `compare`). */
const COMPARED_KEYWORDS: ReadonlySet<string> = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "enum",
  "allOf",
  "anyOf",
  "x-kubernetes-int-or-string",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "minItems",
  "maxItems",
]);

/**
 * Schema keywords the shapes do not model, with the reason. `at` pins a keyword to the exact places it
 * may occur (`<kind> <path>`), so a regenerated CRD that adds it elsewhere is noticed.
 */
const NOT_COMPARED_KEYWORDS: Readonly<Record<string, { readonly reason: string; readonly at?: readonly string[] }>> = {
  description: { reason: "documentation only" },
  default: {
    reason: "defaulting is done by the API server (3.32: MutatingAdmissionPolicy); the shapes validate what is written",
  },
  format: {
    reason:
      "int32/int64 integer formats are not enforced by Kubernetes; the Go widths the API server decodes into are " +
      "checked by go-field-types.ts (tested below)",
  },
  "x-kubernetes-validations": { reason: "CEL rules: covered rule by rule by cel.conformance.test.ts" },
  "x-kubernetes-map-type": { reason: "server-side-apply merge strategy only; no effect on what is valid" },
  "x-kubernetes-list-type=atomic": { reason: "server-side-apply merge strategy only; no effect on what is valid" },
  "minProperties": {
    reason: "exactly one operation per item: src/model/validate/network-kinds.ts reports \"exactly one operation must be set\"",
    at: ["exportV4", "exportV6", "importV4", "importV6"].map((d) => `BGPFilter spec.${d}[].operations[]`),
  },
  "maxProperties": {
    reason: "exactly one operation per item: src/model/validate/network-kinds.ts reports \"exactly one operation must be set\"",
    at: ["exportV4", "exportV6", "importV4", "importV6"].map((d) => `BGPFilter spec.${d}[].operations[]`),
  },
  "x-kubernetes-list-type=map": {
    reason:
      "claims must have unique names; an operator resource-override subtree the product never writes, and the " +
      "API server checks it on apply. Not checked by the product (known, minor)",
    at: ["Installation spec.componentResources[].resourceRequirements.claims"],
  },
  "x-kubernetes-list-map-keys": {
    reason: "goes with x-kubernetes-list-type=map above",
    at: ["Installation spec.componentResources[].resourceRequirements.claims"],
  },
  "x-kubernetes-list-type=set": {
    reason:
      "items must be unique, enforced by the API server only with the 3.32 native v3 CRDs (3.31's aggregated API " +
      "server accepts duplicates), so the version-neutral shapes do not check it. `types` duplicates are reported by " +
      "src/model/validate/policy.ts; for the other lists duplicates are a KNOWN GAP of the product (owner of " +
      "src/model/validate to add a version-aware check)",
    at: [
      ...["NetworkPolicy", "GlobalNetworkPolicy", "StagedNetworkPolicy", "StagedGlobalNetworkPolicy"].flatMap((kind) => [
        `${kind} spec.types`,
        ...["egress", "ingress"].flatMap((dir) =>
          ["destination", "source"].flatMap((end) => [
            `${kind} spec.${dir}[].${end}.nets`,
            `${kind} spec.${dir}[].${end}.serviceAccounts.names`,
          ]),
        ),
      ]),
      "StagedKubernetesNetworkPolicy spec.policyTypes",
      "NetworkSet spec.nets",
      "GlobalNetworkSet spec.nets",
      "HostEndpoint spec.expectedIPs",
      "HostEndpoint spec.profiles",
      "KubeControllersConfiguration spec.controllers.node.hostEndpoint.templates[].interfaceCIDRs",
      "IPPool spec.allowedUses",
      "IPReservation spec.reservedCIDRs",
      "BGPConfiguration spec.ignoredInterfaces",
    ],
  },
};

const CRD_BY_KIND: ReadonlyMap<string, Schema> = loadCrds();

function loadCrds(): Map<string, Schema> {
  const out = new Map<string, Schema>();
  for (const dir of ["crds", "operator-crds"]) {
    for (const f of readdirSync(join(UPSTREAM_DATA_DIR, dir)).filter((n) => n.endsWith(".yaml")).sort()) {
      const crd = parse(readFileSync(join(UPSTREAM_DATA_DIR, dir, f), "utf8")) as Crd;
      for (const v of crd.spec.versions) {
        out.set(`${crd.spec.group}/${v.name} ${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
      }
    }
  }
  return out;
}

function key(info: KindInfo): string {
  return `${info.apiVersion} ${info.kind}`;
}

/** What a CRD schema node amounts to, in the shape vocabulary; `undefined` means "any value". */
function crdView(s: Schema): string {
  if (s["x-kubernetes-int-or-string"] === true) return "intOrString";
  const enums = enumValues(s);
  if (enums !== undefined) return s.type === "integer" ? "intEnum" : "enum";
  switch (s.type) {
    case "string":
    case "number":
    case "integer":
    case "boolean":
    case "array":
      return s.type;
    case "object":
      if (s.properties !== undefined) return "object";
      if (typeof s.additionalProperties === "object") return "map";
      return "any";
    default:
      return "any";
  }
}

/** A plain `enum`, or the intersection of `allOf` enums (BGPPeer reversePeering lists its enum twice). */
function enumValues(s: Schema): readonly (string | number)[] | undefined {
  if (s.enum !== undefined) return s.enum;
  const lists = (s.allOf ?? []).map((a) => a.enum).filter((e): e is readonly (string | number)[] => e !== undefined);
  if (lists.length === 0) return undefined;
  return lists.reduce((acc, l) => acc.filter((v) => l.includes(v)));
}

function shapeView(d: ShapeDescription): string {
  return d.kind === "custom" ? `custom (${d.expected})` : d.kind;
}

function sorted<T extends string | number>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => String(a).localeCompare(String(b)));
}

interface Walk {
  readonly kind: string;
  readonly diffs: string[];
  /** ANY_VALUE_SUBTREES keys and DELIBERATE differences this walk met. */
  readonly used: Set<string>;
  /** Schema keywords met on compared nodes (list types as `x-kubernetes-list-type=<value>`), with paths. */
  readonly keywords: Map<string, string[]>;
  /** Paths compared, for the "the walk saw something" sanity check. */
  count: number;
}

function compareBound(w: Walk, path: string, what: string, crd: number | string | undefined, shape: number | string | undefined): void {
  if (crd !== shape) w.diffs.push(`${w.kind} ${path}: ${what} is ${String(crd)} in the CRD, ${String(shape)} in the shape`);
}

function compare(w: Walk, s: Schema, shape: Shape<unknown>, path: string): void {
  w.count++;
  const exceptionKey = `${w.kind} ${path}`;
  const d = shape.describe?.();
  if (d === undefined) {
    w.diffs.push(`${w.kind} ${path}: the shape has no describe(); it cannot be compared with the CRD`);
    return;
  }
  const cv = crdView(s);
  // anyOf is understood only as the int-or-string pair, allOf only as a list of enums (see crdView).
  if (s.anyOf !== undefined && s["x-kubernetes-int-or-string"] !== true) {
    w.diffs.push(`${w.kind} ${path}: anyOf without x-kubernetes-int-or-string: the test cannot compare it`);
  }
  if (s.allOf !== undefined && s.allOf.some((a) => Object.keys(a).some((k) => k !== "enum"))) {
    w.diffs.push(`${w.kind} ${path}: allOf with more than enums: the test cannot compare it`);
  }
  if (ANY_VALUE_SUBTREES[exceptionKey] !== undefined) {
    w.used.add(exceptionKey);
    if (d.kind !== "any") w.diffs.push(`${exceptionKey}: listed as an any-value subtree but the shape is ${shapeView(d)}`);
    if (cv === "any") w.diffs.push(`${exceptionKey}: listed as an any-value subtree but the CRD leaves it open too`);
    return;
  }
  for (const [k, v] of Object.entries(s)) {
    const kw = k === "x-kubernetes-list-type" ? `${k}=${String(v)}` : k;
    w.keywords.set(kw, [...(w.keywords.get(kw) ?? []), `${w.kind} ${path}`]);
  }
  if (cv === "any") {
    if (d.kind !== "any") w.diffs.push(`${w.kind} ${path}: the CRD accepts any value, the shape only ${shapeView(d)}`);
    return;
  }
  if (d.kind !== cv) {
    w.diffs.push(`${w.kind} ${path}: the CRD has ${cv}, the shape ${shapeView(d)}`);
    return;
  }
  switch (d.kind) {
    case "string":
      compareBound(w, path, "minLength", s.minLength, d.minLength);
      compareBound(w, path, "maxLength", s.maxLength, d.maxLength);
      compareBound(w, path, "pattern", s.pattern, d.pattern);
      return;
    case "integer":
      compareBound(w, path, "minimum", s.minimum, d.min);
      compareBound(w, path, "maximum", s.maximum, d.max);
      return;
    case "enum":
    case "intEnum": {
      const want = sorted(enumValues(s) ?? []);
      const got = sorted<string | number>(d.values);
      if (JSON.stringify(want) !== JSON.stringify(got)) {
        w.diffs.push(`${w.kind} ${path}: enum is ${JSON.stringify(want)} in the CRD, ${JSON.stringify(got)} in the shape`);
      }
      return;
    }
    case "array":
      compareBound(w, path, "minItems", s.minItems, d.minItems);
      compareBound(w, path, "maxItems", s.maxItems, d.maxItems);
      if (s.items === undefined) {
        w.diffs.push(`${w.kind} ${path}: the CRD array has no items schema`);
        return;
      }
      compare(w, s.items, d.item, `${path}[]`);
      return;
    case "map":
      compare(w, s.additionalProperties as Schema, d.value, `${path}{}`);
      return;
    case "object": {
      const crdProps = s.properties ?? {};
      const crdNames = Object.keys(crdProps).sort();
      const shapeNames = Object.keys(d.fields).sort();
      const missing = crdNames.filter((n) => !shapeNames.includes(n));
      const extra = shapeNames.filter((n) => !crdNames.includes(n));
      if (missing.length > 0) w.diffs.push(`${w.kind} ${path}: CRD fields missing from the shape: ${missing.join(", ")}`);
      if (extra.length > 0) w.diffs.push(`${w.kind} ${path}: shape fields the CRD does not have: ${extra.join(", ")}`);
      const want = sorted(s.required ?? []);
      const got = sorted(d.required);
      if (JSON.stringify(want) !== JSON.stringify(got)) {
        w.diffs.push(`${w.kind} ${path}: required is ${JSON.stringify(want)} in the CRD, ${JSON.stringify(got)} in the shape`);
      }
      for (const name of shapeNames) {
        const sub = crdProps[name];
        const field = d.fields[name];
        if (sub !== undefined && field !== undefined) compare(w, sub, field, `${path}.${name}`);
      }
      return;
    }
    default:
      // number, boolean, intOrString: the CRD has no bounds the shapes model for these.
      return;
  }
}

function walkKind(
  info: KindInfo,
  used: Set<string>,
): { diffs: string[]; count: number; keywords: ReadonlyMap<string, readonly string[]> } {
  const root = CRD_BY_KIND.get(key(info));
  const spec = root?.properties?.spec;
  if (root === undefined || spec === undefined) {
    return { diffs: [`${key(info)}: no CRD spec schema`], count: 0, keywords: new Map() };
  }
  const w: Walk = { kind: info.kind, diffs: [], used, keywords: new Map(), count: 0 };
  compare(w, spec, info.spec, "spec");
  const specRequired = (root.required ?? []).includes("spec");
  if (specRequired !== info.specRequired) {
    w.diffs.push(`${info.kind}: the CRD ${specRequired ? "requires" : "does not require"} spec, KINDS says specRequired: ${info.specRequired}`);
  }
  const hasStatus = root.properties?.status !== undefined;
  if (hasStatus !== (info.hasStatus === true)) {
    w.diffs.push(`${info.kind}: the CRD ${hasStatus ? "has" : "has no"} status, KINDS says hasStatus: ${info.hasStatus === true}`);
  }
  const unexpected = w.diffs.filter((d) => {
    if (DELIBERATE[d] === undefined) return true;
    used.add(d);
    return false;
  });
  return { diffs: unexpected, count: w.count, keywords: w.keywords };
}

const WITH_CRD = KINDS.filter((k) => KINDS_WITHOUT_CRD[key(k)] === undefined);

describe("embedded shapes match the Calico v3.32.1 CRDs", () => {
  it("every kind parseResource supports has an upstream CRD, or is listed as built-in with the reason", () => {
    for (const info of KINDS) {
      const hasCrd = CRD_BY_KIND.has(key(info));
      expect({ kind: key(info), hasCrd }).toEqual({ kind: key(info), hasCrd: KINDS_WITHOUT_CRD[key(info)] === undefined });
    }
  });

  it.each(WITH_CRD.map((k) => [key(k), k] as const))("%s: names, types, enums, required and bounds", (_, info) => {
    const { diffs, count } = walkKind(info, new Set());
    expect(diffs).toEqual([]);
    expect(count).toBeGreaterThan(1);
  });

  it("every schema keyword on the compared nodes is compared, or listed (and pinned) with the reason", () => {
    const all = new Map<string, string[]>();
    for (const info of WITH_CRD) {
      for (const [k, at] of walkKind(info, new Set()).keywords) all.set(k, [...(all.get(k) ?? []), ...at]);
    }
    const unknown = [...all.keys()].filter((k) => !COMPARED_KEYWORDS.has(k) && NOT_COMPARED_KEYWORDS[k] === undefined);
    expect(unknown).toEqual([]);
    for (const [k, { at }] of Object.entries(NOT_COMPARED_KEYWORDS)) {
      expect({ keyword: k, seen: all.has(k) }).toEqual({ keyword: k, seen: true });
      if (at !== undefined) expect({ keyword: k, at: sorted(all.get(k) ?? []) }).toEqual({ keyword: k, at: sorted(at) });
    }
  });

  it("every listed exception is still needed", () => {
    // Walk again so this test does not depend on the others having run.
    const fresh = new Set<string>();
    for (const info of WITH_CRD) walkKind(info, fresh);
    expect(sorted([...fresh])).toEqual(sorted([...Object.keys(ANY_VALUE_SUBTREES), ...Object.keys(DELIBERATE)]));
  });
});

/** The CRD schema node at a go-field-types.ts path (`a[].b.c[]`), or undefined. */
function crdNodeAt(spec: Schema, path: string): Schema | undefined {
  let node: Schema | undefined = spec;
  for (const part of path.split(".")) {
    const name = part.replace(/(\[\])+$/, "");
    node = node?.properties?.[name];
    for (let lists = (part.length - name.length) / 2; lists > 0; lists--) node = node?.type === "array" ? node.items : undefined;
  }
  return node;
}

describe("go-field-types.ts names fields of the CRDs", () => {
  const cases = Object.entries(GO_FIELD_TYPES).flatMap(([kind, fields]) =>
    Object.entries(fields).map(([path, goType]) => [kind, path, goType] as const),
  );

  it("has entries to check", () => {
    expect(cases.length).toBeGreaterThan(10);
  });

  it.each(cases)("%s %s (%s) exists in the CRD with a JSON type that Go type decodes from", (kind, path, goType) => {
    const infos = KINDS.filter((k) => k.kind === kind && CRD_BY_KIND.has(key(k)));
    expect(infos.map(key)).toHaveLength(1);
    const spec = CRD_BY_KIND.get(key(infos[0] as KindInfo))?.properties?.spec;
    const node = spec === undefined ? undefined : crdNodeAt(spec, path);
    // metav1.Duration is a JSON string; the sized integers are JSON integers (or int-or-string where the CRD
    // allows both, e.g. numorstring.ASNumber is not among them).
    const want = goType === "duration" ? "string" : "integer";
    expect({ path, type: node?.type }).toEqual({ path, type: want });
  });
});

