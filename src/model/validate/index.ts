/**
 * `validateResource`: every problem Calico (or the Kubernetes API server, or the Tigera operator's CRDs)
 * would report for one object, at once, each with its field path, the bad value, a message and a hint.
 * See docs/validation.md for the rules per Calico version and their upstream sources.
 */
import { type Problem, UserError } from "../problem.js";
import { parseResource, type Resource } from "../resources/resource.js";
import { DEFAULT_CALICO_VERSION, Reporter, type ValidateOptions } from "./context.js";
import { validateAdminPolicy } from "./admin-policy.js";
import { validateK8sNetworkPolicySpec, validateStagedK8sSpec } from "./k8s.js";
import { validateAnnotations, validateLabels, validateObjectMeta } from "./meta.js";
import {
  validateFelixConfiguration,
  validateHostEndpoint,
  validateInstallation,
  validateKubeControllersConfiguration,
  validateIPReservation,
  validateNetworkSet,
  validateOperatorName,
  validateTier,
} from "./other-kinds.js";
import { validateBGPConfiguration, validateBGPFilter, validateBGPPeer, validateIPPool } from "./network-kinds.js";
import { validateGoFieldTypes } from "./go-field-types.js";
import { validatePolicyName, validatePolicySpec } from "./policy.js";

export { CALICO_VERSIONS, type CalicoVersion, DEFAULT_CALICO_VERSION, type ValidateOptions } from "./context.js";
export { reservedTiers } from "./other-kinds.js";

function dedupe(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const p of problems) {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/** Length of `spec.types` as written (the parsed list leaves out invalid items). */
function rawTypesLength(obj: unknown): number | undefined {
  if (typeof obj !== "object" || obj === null) return undefined;
  const spec = (obj as { spec?: unknown }).spec;
  if (typeof spec !== "object" || spec === null) return undefined;
  const types = (spec as { types?: unknown }).types;
  return Array.isArray(types) ? types.length : undefined;
}

const STAGED_KINDS = new Set(["StagedNetworkPolicy", "StagedGlobalNetworkPolicy", "StagedKubernetesNetworkPolicy"]);

/**
 * Validates one object (parsed YAML/JSON). Returns every problem found; an empty list means valid for
 * the targeted Calico version (default 3.32). Never throws on bad input.
 */
export function validateResource(obj: unknown, opts: ValidateOptions = {}): Problem[] {
  const r = new Reporter(opts.calicoVersion ?? DEFAULT_CALICO_VERSION);
  const parsed = parseResource(obj);
  r.addAll(parsed.problems);
  const res = parsed.resource;
  if (res === undefined) return dedupe(r.problems);
  if (STAGED_KINDS.has(res.kind) && r.version === "3.29") {
    r.add("kind", res.kind, `${res.kind} needs Calico 3.30 or newer (staged policies are open source since 3.30)`, "target Calico 3.30+, or write the enforced kind");
  }
  if (res.apiVersion === "operator.tigera.io/v1") {
    // The name rule is the CRD's CEL rule (it also covers a missing name).
    validateOperatorName(res.kind, res.metadata, r);
    validateLabels(res.metadata.labels, "metadata.labels", r);
    validateAnnotations(res.metadata.annotations, "metadata.annotations", r);
    if (res.kind === "Installation") validateInstallation(res.spec, r);
    return dedupe(r.problems);
  }
  validateObjectMeta(res.metadata, r, { allowGenerateName: res.apiVersion === "networking.k8s.io/v1" });
  switch (res.kind) {
    case "Tier":
      validateTier(res.metadata, res.spec, r);
      break;
    case "NetworkPolicy":
      if (res.apiVersion === "networking.k8s.io/v1") {
        validateK8sNetworkPolicySpec(res.spec, r);
      } else {
        validatePolicyName(res.metadata.name, res.kind, res.spec, r);
        validatePolicySpec(res.spec, res.kind, r, { typesLength: rawTypesLength(obj) });
      }
      break;
    case "GlobalNetworkPolicy":
    case "StagedNetworkPolicy":
    case "StagedGlobalNetworkPolicy":
      validatePolicyName(res.metadata.name, res.kind, res.spec, r);
      validatePolicySpec(res.spec, res.kind, r, { typesLength: rawTypesLength(obj) });
      break;
    case "StagedKubernetesNetworkPolicy":
      validateStagedK8sSpec(res.spec, r);
      break;
    case "NetworkSet":
    case "GlobalNetworkSet":
      validateNetworkSet(res.metadata, res.spec, r);
      break;
    case "HostEndpoint":
      validateHostEndpoint(res.spec, r);
      break;
    case "FelixConfiguration":
      validateFelixConfiguration(res.metadata, res.spec, r);
      break;
    case "KubeControllersConfiguration":
      validateKubeControllersConfiguration(res.spec, r);
      break;
    case "IPPool":
      validateIPPool(res.spec, r);
      break;
    case "IPReservation":
      validateIPReservation(res.spec, r);
      break;
    case "BGPPeer":
      validateBGPPeer(res.spec, r);
      break;
    case "BGPConfiguration":
      validateBGPConfiguration(res.spec, r);
      break;
    case "BGPFilter":
      validateBGPFilter(res.spec, r);
      break;
    case "ClusterNetworkPolicy":
    case "AdminNetworkPolicy":
    case "BaselineAdminNetworkPolicy":
      validateAdminPolicy(res.kind, res.metadata.name, res.spec, r);
      break;
  }
  if (res.apiVersion === "projectcalico.org/v3") {
    // Read from the object as written: the parsed spec leaves out items that failed the structural pass.
    // A field already reported (e.g. by a CRD bound) is not reported twice.
    const reported = new Set(r.problems.map((p) => p.path));
    validateGoFieldTypes(res.kind, (obj as { spec?: unknown }).spec, {
      add: (path, value, message, hint) => {
        if (!reported.has(path)) r.add(path, value, message, hint);
      },
    });
  }
  return dedupe(r.problems);
}

/** `Kind/namespace/name` or `Kind/name` of a plain object, for `Problem.object`; undefined when it has no kind. */
export function describeObject(obj: unknown): string | undefined {
  if (typeof obj !== "object" || obj === null) return undefined;
  const o = obj as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  if (typeof o.kind !== "string") return undefined;
  const meta = typeof o.metadata === "object" && o.metadata !== null ? o.metadata : {};
  const parts = [o.kind, meta.namespace, meta.name].filter((s): s is string => typeof s === "string" && s !== "");
  return parts.join("/");
}

/**
 * Validates many objects (e.g. every document of a synthesised chart) and returns all problems, each
 * with `object` set to `Kind/namespace/name` (and `file` when given), in input order.
 */
export function validateResources(objects: readonly unknown[], opts: ValidateOptions & { file?: string } = {}): Problem[] {
  const out: Problem[] = [];
  objects.forEach((obj, i) => {
    const object = describeObject(obj) ?? `#${i}`;
    for (const p of validateResource(obj, opts)) {
      out.push(opts.file === undefined ? { ...p, object } : { ...p, object, file: opts.file });
    }
  });
  return out;
}

/**
 * Validates `obj` and returns it as a typed `Resource`; throws one `UserError` carrying every problem
 * (with `object` set) when it is not valid for the targeted Calico version.
 */
export function requireValidResource(obj: unknown, opts: ValidateOptions & { file?: string } = {}): Resource {
  const problems = validateResources([obj], opts);
  const parsed = parseResource(obj);
  if (problems.length > 0 || parsed.resource === undefined) {
    throw new UserError(problems, `${describeObject(obj) ?? "object"} is not valid for Calico ${opts.calicoVersion ?? DEFAULT_CALICO_VERSION}`);
  }
  return parsed.resource;
}
