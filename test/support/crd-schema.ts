/**
 * Upstream CRD schemas as strict JSON Schemas, for conformance tests.
 *
 * `validateAgainstUpstreamCrd(obj)` picks the CustomResourceDefinition that serves `obj.apiVersion` /
 * `obj.kind` from `../shared/data/calico-v3.32.1/{crds,operator-crds}` and validates the object against
 * its `openAPIV3Schema`, converted to JSON Schema (draft-07) for ajv. It returns one string per
 * error, `"<field path>: <message>"` (e.g. `spec.ingress[0].action: must be equal to one of the
 * allowed values`), or `[]` when the object is structurally valid.
 *
 * The conversion is strict on purpose, as the API server is with `kubectl apply --validate=strict`:
 * - every object schema that lists `properties` gets `additionalProperties: false` (unknown fields are
 *   errors), unless it is marked `x-kubernetes-preserve-unknown-fields`;
 * - `x-kubernetes-int-or-string` becomes `anyOf: [integer, string]`;
 * - `nullable: true` also admits `null`;
 * - the root `metadata` (which CRDs leave as a bare `type: object`) gets the ObjectMeta fields;
 *   `x-kubernetes-embedded-resource` objects get apiVersion/kind/metadata;
 * - formats: int32/int64 bounds are enforced, `date-time` is checked, others (cidr, byte) are not.
 * CEL rules (`x-kubernetes-validations`) are NOT evaluated here: `validateResource` enforces them and
 * the model's tests cover each rule. Only test code may use this (it reads ../shared).
 *
 * Usage from any conformance test:
 *   import { validateAgainstUpstreamCrd, hasUpstreamCrd } from "../support/crd-schema.js";
 *   expect(validateAgainstUpstreamCrd(obj)).toEqual([]);
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { parse } from "yaml";

type JsonSchema = Record<string, unknown>;

const HERE = dirname(fileURLToPath(import.meta.url));
/** `../shared/data/calico-v3.32.1` relative to the repository root. */
export const UPSTREAM_DATA_DIR = resolve(HERE, "../../../shared/data/calico-v3.32.1");
const CRD_DIRS = ["crds", "operator-crds"];

const OBJECT_META_SCHEMA: JsonSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    name: { type: "string" },
    generateName: { type: "string" },
    namespace: { type: "string" },
    labels: { type: "object", additionalProperties: { type: "string" } },
    annotations: { type: "object", additionalProperties: { type: "string" } },
    uid: { type: "string" },
    resourceVersion: { type: "string" },
    generation: { type: "integer" },
    creationTimestamp: { type: ["string", "null"] },
    deletionTimestamp: { type: ["string", "null"] },
    deletionGracePeriodSeconds: { type: "integer" },
    finalizers: { type: "array", items: { type: "string" } },
    ownerReferences: { type: "array", items: { type: "object" } },
    managedFields: { type: "array", items: { type: "object" } },
    selfLink: { type: "string" },
  },
};

const INT_BOUNDS: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Converts one openAPIV3Schema node (structural schema) to a strict JSON Schema node. */
export function toJsonSchema(node: JsonSchema, isRoot = false): JsonSchema {
  const out: JsonSchema = {};
  const preserve = node["x-kubernetes-preserve-unknown-fields"] === true;
  if (node["x-kubernetes-int-or-string"] === true) {
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  } else if (typeof node.type === "string") {
    out.type = node.nullable === true ? [node.type, "null"] : node.type;
  }
  for (const key of ["enum", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "pattern", "required", "minProperties", "maxProperties"]) {
    if (node[key] !== undefined) out[key] = node[key];
  }
  if (Array.isArray(out.enum) && node.nullable === true) out.enum = [...(out.enum as unknown[]), null];
  if (typeof node.format === "string") {
    const bounds = INT_BOUNDS[node.format];
    if (bounds !== undefined) {
      out.minimum = Math.max(bounds[0], (node.minimum as number | undefined) ?? bounds[0]);
      out.maximum = Math.min(bounds[1], (node.maximum as number | undefined) ?? bounds[1]);
    } else if (node.format === "date-time") {
      out.format = "date-time";
    }
  }
  if (node.items !== undefined && typeof node.items === "object") out.items = toJsonSchema(node.items as JsonSchema);
  for (const key of ["allOf", "oneOf"]) {
    if (Array.isArray(node[key])) out[key] = (node[key] as JsonSchema[]).map((s) => toJsonSchema(s));
  }
  if (Array.isArray(node.anyOf) && out.anyOf === undefined) {
    out.anyOf = (node.anyOf as JsonSchema[]).map((s) => toJsonSchema(s));
  }
  const props = node.properties as Record<string, JsonSchema> | undefined;
  if (props !== undefined) {
    const converted: Record<string, JsonSchema> = {};
    for (const [k, v] of Object.entries(props)) {
      converted[k] = isRoot && k === "metadata" ? OBJECT_META_SCHEMA : toJsonSchema(v);
    }
    if (node["x-kubernetes-embedded-resource"] === true) {
      converted.apiVersion ??= { type: "string" };
      converted.kind ??= { type: "string" };
      converted.metadata ??= OBJECT_META_SCHEMA;
    }
    out.properties = converted;
    if (!preserve) out.additionalProperties = false;
  } else if (node.additionalProperties !== undefined && typeof node.additionalProperties === "object") {
    out.additionalProperties = toJsonSchema(node.additionalProperties as JsonSchema);
  } else if (node["x-kubernetes-embedded-resource"] === true) {
    out.properties = { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: OBJECT_META_SCHEMA };
  }
  if (isRoot && out.properties !== undefined) {
    const p = out.properties as Record<string, JsonSchema>;
    p.metadata ??= OBJECT_META_SCHEMA;
  }
  return out;
}

interface CrdEntry {
  readonly apiVersion: string;
  readonly kind: string;
  readonly file: string;
  readonly schema: JsonSchema;
}

let cache: Map<string, CrdEntry> | undefined;
const compiled = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

function loadCrds(): Map<string, CrdEntry> {
  if (cache !== undefined) return cache;
  cache = new Map();
  for (const dir of CRD_DIRS) {
    const full = join(UPSTREAM_DATA_DIR, dir);
    for (const f of readdirSync(full).filter((n) => n.endsWith(".yaml")).sort()) {
      const doc = parse(readFileSync(join(full, f), "utf8")) as {
        spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: JsonSchema } }[] };
      };
      for (const v of doc.spec.versions) {
        const apiVersion = `${doc.spec.group}/${v.name}`;
        const kind = doc.spec.names.kind;
        cache.set(`${apiVersion}|${kind}`, { apiVersion, kind, file: join(dir, f), schema: v.schema.openAPIV3Schema });
      }
    }
  }
  return cache;
}

/** True when an upstream CRD serves this apiVersion/kind. */
export function hasUpstreamCrd(apiVersion: string, kind: string): boolean {
  return loadCrds().has(`${apiVersion}|${kind}`);
}

/** The strict JSON Schema for an apiVersion/kind (for tests that want to inspect it). */
export function upstreamJsonSchema(apiVersion: string, kind: string): JsonSchema | undefined {
  const e = loadCrds().get(`${apiVersion}|${kind}`);
  return e === undefined ? undefined : toJsonSchema(e.schema, true);
}

function validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
  const key = `${apiVersion}|${kind}`;
  const hit = compiled.get(key);
  if (hit !== undefined) return hit;
  const schema = upstreamJsonSchema(apiVersion, kind);
  if (schema === undefined) return undefined;
  if (ajv === undefined) {
    ajv = new Ajv({ allErrors: true, strict: false, code: { regExp: goRegExp } });
    // date-time only; the rest of ajv-formats is not needed for CRDs.
    ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i);
  }
  const fn = ajv.compile(schema);
  compiled.set(key, fn);
  return fn;
}

/**
 * CRD patterns are Go RE2 expressions; the only RE2-only syntax in the Calico CRDs is the `(?i)`
 * case-insensitivity flag, which becomes the JS `i` flag. (No `u` flag: RE2 and JS agree on the rest.)
 */
function goRegExp(source: string, flags: string): RegExp {
  const ci = source.includes("(?i)");
  return new RegExp(source.replace(/\(\?i\)/g, ""), flags.replace("u", "") + (ci ? "i" : ""));
}
goRegExp.code = "goRegExp";

/** `/spec/ingress/0/action` → `spec.ingress[0].action`. */
export function pointerToPath(pointer: string): string {
  let out = "";
  for (const raw of pointer.split("/").slice(1)) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    out += /^\d+$/.test(seg) ? `[${seg}]` : out === "" ? seg : `.${seg}`;
  }
  return out;
}

function formatError(e: ErrorObject): string {
  let path = pointerToPath(e.instancePath);
  let message = e.message ?? "is invalid";
  if (e.keyword === "additionalProperties") {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    path = path === "" ? extra : `${path}.${extra}`;
    message = "unknown field";
  } else if (e.keyword === "required") {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    path = path === "" ? missing : `${path}.${missing}`;
    message = "required field is missing";
  } else if (e.keyword === "enum") {
    message = `must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
  }
  return `${path === "" ? "(root)" : path}: ${message}`;
}

/**
 * Validates `obj` against the upstream CRD for its apiVersion/kind. Returns `[]` when valid, else one
 * `"<path>: <message>"` per error (sorted, de-duplicated). An object whose apiVersion/kind has no
 * upstream CRD returns a single explanatory error.
 */
export function validateAgainstUpstreamCrd(obj: unknown): string[] {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return ["(root): must be an object"];
  const o = obj as Record<string, unknown>;
  const apiVersion = typeof o.apiVersion === "string" ? o.apiVersion : "";
  const kind = typeof o.kind === "string" ? o.kind : "";
  const fn = validatorFor(apiVersion, kind);
  if (fn === undefined) return [`(root): no upstream CRD serves ${apiVersion}/${kind}`];
  if (fn(obj)) return [];
  return [...new Set((fn.errors ?? []).map(formatError))].sort();
}
