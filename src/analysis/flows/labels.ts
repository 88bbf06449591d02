/**
 * Label text as flow records carry it, and the labels that identify an application.
 *
 * Goldmane stores labels as `key=value` strings (proto `repeated string source_labels`); Whisker's HTTP API
 * joins them with ` | ` into one string. The CSV format uses `;` or `|` between pairs. Kubernetes label keys
 * and values can contain neither `;`, `|` nor whitespace, so splitting on them is unambiguous.
 */

/** Kubernetes label key: optional DNS-subdomain prefix + `/` + name of at most 63 characters. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export type LabelParse = { ok: true; labels: Record<string, string> } | { ok: false; message: string; value: string };

/** Parses a list of `key=value` pairs; empty items are ignored, a bad pair or a repeated key is an error. */
export function parseLabelPairs(pairs: readonly string[]): LabelParse {
  const labels: Record<string, string> = {};
  for (const raw of pairs) {
    const pair = raw.trim();
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    if (eq <= 0) return { ok: false, message: "a label must be written key=value", value: pair };
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (!LABEL_KEY.test(key)) return { ok: false, message: "not a valid Kubernetes label key", value: key };
    if (!LABEL_VALUE.test(value)) return { ok: false, message: "not a valid Kubernetes label value", value };
    if (Object.prototype.hasOwnProperty.call(labels, key) && labels[key] !== value) {
      return { ok: false, message: "label key given twice with different values", value: key };
    }
    labels[key] = value;
  }
  return { ok: true, labels };
}

/** Parses the one-string form: `a=b | c=d` (Whisker) or `a=b;c=d` (CSV). */
export function parseLabelString(text: string): LabelParse {
  return parseLabelPairs(text.split(/[|;]/));
}

/**
 * Labels that differ between pods of the same application and so must never end up in a recommended
 * selector: they would pin a policy to one rollout or one pod.
 */
export const VOLATILE_LABEL_KEYS: ReadonlySet<string> = new Set([
  "pod-template-hash",
  "controller-revision-hash",
  "pod-template-generation",
  "statefulset.kubernetes.io/pod-name",
  "apps.kubernetes.io/pod-index",
  "controller-uid",
  "job-name",
  "batch.kubernetes.io/controller-uid",
  "batch.kubernetes.io/job-name",
  "batch.kubernetes.io/job-completion-index",
]);

/**
 * Keys that name an application. When a flow end carries any of the primary keys, the recommended selector
 * uses exactly the identity keys present (so a new version or replica keeps matching); otherwise it falls
 * back to the stable labels (`stableLabels`: every label but the volatile ones and `projectcalico.org/*`).
 */
export const PRIMARY_IDENTITY_KEYS = ["app.kubernetes.io/name", "app", "k8s-app"] as const;
export const IDENTITY_KEYS = [
  "app.kubernetes.io/name",
  "app.kubernetes.io/instance",
  "app.kubernetes.io/component",
  "app",
  "k8s-app",
  "component",
] as const;

/** The labels a recommendation selects an endpoint by (see docs/flows.md, "Peers"). */
export function identityLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  if (PRIMARY_IDENTITY_KEYS.some((k) => labels[k] !== undefined)) {
    for (const k of IDENTITY_KEYS) {
      const v = labels[k];
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  return stableLabels(labels);
}

/**
 * The labels that outlive a rollout: every label except the volatile ones and Calico's own
 * `projectcalico.org/*`. A pod carries e.g. `pod-template-hash`, its workload's template (what an inventory
 * declares) does not, so flow ends are matched to inventory workloads, and inventory entries are written, by these.
 */
export function stableLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) {
    if (!VOLATILE_LABEL_KEYS.has(k) && !k.startsWith("projectcalico.org/")) out[k] = labels[k] as string;
  }
  return out;
}

/** True when every label of `selector` is on `labels` with the same value. */
export function labelsMatch(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  for (const k of Object.keys(selector)) if (labels[k] !== selector[k]) return false;
  return true;
}
