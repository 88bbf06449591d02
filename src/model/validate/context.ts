/**
 * Shared plumbing for validation: the Calico minor being targeted, a problem collector, and the
 * Kubernetes name/label syntax rules that every kind uses (k8s.io/apimachinery
 * `pkg/util/validation/validation.go`: IsDNS1123Label, IsDNS1123Subdomain, IsQualifiedName,
 * IsValidLabelValue).
 */
import { type Problem } from "../problem.js";

export type CalicoVersion = "3.29" | "3.30" | "3.31" | "3.32";
export const CALICO_VERSIONS: readonly CalicoVersion[] = ["3.29", "3.30", "3.31", "3.32"];
/** The newest minor; also the version of the CRDs in the reference data. */
export const DEFAULT_CALICO_VERSION: CalicoVersion = "3.32";

export interface ValidateOptions {
  /** Calico minor whose rules apply (names, reserved tiers, port rules). Default: 3.32. */
  readonly calicoVersion?: CalicoVersion;
}

/** Version comparison on minors: `atLeast("3.31", "3.30")` is true. */
export function atLeast(v: CalicoVersion, min: CalicoVersion): boolean {
  return CALICO_VERSIONS.indexOf(v) >= CALICO_VERSIONS.indexOf(min);
}

export class Reporter {
  readonly problems: Problem[] = [];
  readonly version: CalicoVersion;

  constructor(version: CalicoVersion) {
    this.version = version;
  }

  add(path: string, value: unknown, message: string, hint: string): void {
    this.problems.push(value === undefined ? { path, message, hint } : { path, value, message, hint });
  }

  addAll(problems: readonly Problem[]): void {
    this.problems.push(...problems);
  }
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;

export function isDns1123Label(s: string): boolean {
  return s.length <= DNS1123_LABEL_MAX && DNS1123_LABEL.test(s);
}

export function isDns1123Subdomain(s: string): boolean {
  return s.length <= DNS1123_SUBDOMAIN_MAX && DNS1123_SUBDOMAIN.test(s);
}

/** A close valid spelling of a name (lower-cased, invalid characters turned into '-'), for hints. */
export function sanitizeName(s: string, allowDots: boolean): string {
  let out = s.toLowerCase().replace(allowDots ? /[^a-z0-9.-]+/g : /[^a-z0-9-]+/g, "-");
  out = out.replace(/-+/g, "-").replace(/\.+/g, ".");
  out = out.replace(/(^[-.]+)|([-.]+$)/g, "");
  out = out.replace(/-\./g, ".").replace(/\.-/g, ".");
  return out === "" ? "my-name" : out;
}

const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** IsQualifiedName: `[prefix/]name`, prefix a DNS-1123 subdomain, name at most 63 characters. */
export function qualifiedNameErrors(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split("/");
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? "";
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    name = parts[1] ?? "";
    if (prefix.length === 0) errs.push("prefix part must be non-empty");
    else if (!isDns1123Subdomain(prefix)) errs.push("prefix part must be a lower-case DNS subdomain");
  } else {
    return ["a qualified name must have at most one '/'"];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (name.length > 63) errs.push("name part must be no more than 63 characters");
  else if (!QUALIFIED_NAME_PART.test(name)) {
    errs.push("name part must consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character");
  }
  return errs;
}

/** IsValidLabelValue: empty, or at most 63 characters of `[A-Za-z0-9_.-]` starting and ending alphanumeric. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push("must be no more than 63 characters");
  if (!LABEL_VALUE.test(value)) {
    errs.push("must be empty or consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character");
  }
  return errs;
}
