/**
 * ObjectMeta checks every kind shares (libcalico-go validator.go validateObjectMeta,
 * validateObjectMetaLabels, validateObjectMetaAnnotations; k8s apimachinery ValidateObjectMeta).
 */
import { type ObjectMeta } from "../resources/meta.js";
import {
  DNS1123_SUBDOMAIN_MAX,
  isDns1123Label,
  isDns1123Subdomain,
  labelValueErrors,
  qualifiedNameErrors,
  type Reporter,
  sanitizeName,
} from "./context.js";

/** Kubernetes' limit on the summed size of all annotation keys and values. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

export function validateLabels(labels: Readonly<Record<string, string>> | undefined, path: string, r: Reporter): void {
  if (labels === undefined) return;
  for (const [k, v] of Object.entries(labels)) {
    const keyErrs = qualifiedNameErrors(k);
    if (keyErrs.length > 0) {
      r.add(`${path}.${k}`, k, `invalid label key: ${keyErrs.join("; ")}`, "label keys are [prefix/]name, e.g. app.kubernetes.io/name");
    }
    const valErrs = labelValueErrors(v);
    if (valErrs.length > 0) {
      r.add(`${path}.${k}`, v, `invalid label value: ${valErrs.join("; ")}`, "label values are at most 63 characters of letters, digits, '-', '_' and '.'");
    }
  }
}

export function validateAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
  path: string,
  r: Reporter,
): void {
  if (annotations === undefined) return;
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    // Calico lower-cases annotation keys before checking them (validateObjectMetaAnnotations).
    const errs = qualifiedNameErrors(k.toLowerCase());
    if (errs.length > 0) {
      r.add(`${path}.${k}`, k, `invalid annotation key: ${errs.join("; ")}`, "annotation keys are [prefix/]name, e.g. example.com/owner");
    }
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > ANNOTATIONS_MAX_BYTES) {
    r.add(path, undefined, `total size of annotations is too large by ${size - ANNOTATIONS_MAX_BYTES} bytes`, "annotations may hold at most 256 KiB in total");
  }
}

export interface NameRule {
  /** Checks the name's syntax; returns a message and hint, or undefined when valid. */
  readonly check?: (name: string) => { message: string; hint: string } | undefined;
}

/** Name present, a DNS-1123 subdomain of at most 253 characters; namespace a DNS-1123 label; labels; annotations. */
export function validateObjectMeta(meta: ObjectMeta, r: Reporter, opts: { allowGenerateName?: boolean } = {}): void {
  const name = meta.name;
  if (name === undefined || name === "") {
    if (!(opts.allowGenerateName === true && meta.generateName !== undefined && meta.generateName !== "")) {
      r.add("metadata.name", name, "name is required", "set metadata.name to a lower-case DNS name, e.g. allow-dns");
    }
  } else {
    if (name.length > DNS1123_SUBDOMAIN_MAX) {
      r.add("metadata.name", name, `name is too long by ${name.length - DNS1123_SUBDOMAIN_MAX} bytes`, `use at most ${DNS1123_SUBDOMAIN_MAX} characters`);
    } else if (!isDns1123Subdomain(name)) {
      r.add(
        "metadata.name",
        name,
        "name must consist of lower case alphanumeric characters, '-' or '.', and start and end with an alphanumeric character",
        `did you mean "${sanitizeName(name, true)}"?`,
      );
    }
  }
  if (meta.namespace !== undefined && meta.namespace !== "" && !isDns1123Label(meta.namespace)) {
    r.add(
      "metadata.namespace",
      meta.namespace,
      "namespace must be a DNS-1123 label (lower case alphanumeric characters or '-', at most 63)",
      `did you mean "${sanitizeName(meta.namespace, false)}"?`,
    );
  }
  validateLabels(meta.labels, "metadata.labels", r);
  validateAnnotations(meta.annotations, "metadata.annotations", r);
}
