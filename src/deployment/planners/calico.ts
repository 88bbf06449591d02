/**
 * What the Calico install asks of the operator: chart values, the Installation spec, the readiness
 * annotation, and the rewrite of the upstream operator manifest. Pure functions of the stack config and
 * the private registry's host; every image reference they produce lies in that registry.
 */
import { parseAllDocuments } from "yaml";
import { UserError, type Problem } from "../../model/problem.js";
import type { CalicoConfig } from "../../config/types.js";
import { METRICS_PORTS } from "../../facts/calico-config.js";
import { isInRegistry, type PlannedImage } from "../images.js";

/** Name of the dockerconfigjson pull Secret in tigera-operator and calico-monitoring. */
export const PULL_SECRET_NAME = "calico-baseline-registry";

/**
 * The operator copies a component's TigeraStatus conditions onto its CR as `status.conditions`, with
 * Available renamed to `Ready` (tigera/operator `status.UpdateStatusCondition`). Only the Installation
 * (`calico`) and APIServer (`apiserver`) controllers do that (v1.38.13, v1.40.15 and v1.42.3 alike). Pulumi
 * waits on it (`pulumi.com/waitFor`), so nothing that needs projectcalico.org/v3 is applied before the API
 * server serves it.
 */
export const WAIT_READY = { "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": "900" } as const;

/**
 * The Goldmane and Whisker controllers never write `status.conditions` on their CRs (their state is only in
 * TigeraStatus `goldmane`/`whisker`), so a `condition=Ready` wait on them would time out on every
 * `pulumi up`. Nothing in the stack depends on them, so they are applied without an await.
 */
export const NO_AWAIT = { "pulumi.com/skipAwait": "true" } as const;

/** `.dockerconfigjson` content for the registry. */
export function dockerConfigJson(host: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  return JSON.stringify({ auths: { [host]: { username, password, auth } } });
}

/** Installation `default` spec (operator.tigera.io/v1). */
export function installationSpec(calico: CalicoConfig, registryHost: string): Record<string, unknown> {
  return {
    variant: "Calico",
    // Trailing slash: v1.40 appends one when missing, v1.42 joins paths; with it both compose
    // `<host>/calico/<name>:<tag>` (tigera/operator api/v1/installation_types.go, pkg/components/references.go).
    registry: `${registryHost}/`,
    imagePath: "calico",
    imagePullSecrets: [{ name: PULL_SECRET_NAME }],
    calicoNetwork: {
      bgp: calico.bgp,
      linuxDataplane: calico.linuxDataplane,
      ipPools: calico.ipPools.map((p) => ({
        name: p.name,
        cidr: p.cidr,
        encapsulation: p.encapsulation,
        natOutgoing: p.natOutgoing,
        blockSize: p.blockSize,
        nodeSelector: "all()",
      })),
    },
    // Metrics ports from the monitoring docs: Felix 9091, Typha 9093 (both host-networked, so they must
    // differ). nodeMetricsPort makes the operator enable Felix metrics itself; the FelixConfiguration patch
    // says the same thing for clusters where the Installation is later edited by hand.
    nodeMetricsPort: METRICS_PORTS.felix,
    typhaMetricsPort: METRICS_PORTS.typha,
    kubeletVolumePluginPath: calico.csi ? "/var/lib/kubelet" : "None",
    ...(calico.flexVolume ? {} : { flexVolumePath: "None" }),
  };
}

/**
 * tigera-operator chart values. The chart's own Installation/APIServer/Goldmane/Whisker are disabled: the
 * program creates them as separate resources so it can wait on each. `installation.imagePullSecrets` is
 * still read by the chart when the Installation is disabled: it lands on the tigera-operator ServiceAccount
 * (charts 3.30-3.32 `_helpers.tpl` "tigera-operator.imagePullSecrets"), so the operator pod pulls its image
 * with the pull Secret the program creates. No secret content goes into the values.
 */
export function operatorChartValues(calico: CalicoConfig, registryHost: string): Record<string, unknown> {
  return {
    installation: { enabled: false, imagePullSecrets: [{ name: PULL_SECRET_NAME }] },
    apiServer: { enabled: false },
    goldmane: { enabled: false },
    whisker: { enabled: false },
    defaultFelixConfiguration: { enabled: false },
    tigeraOperator: { registry: registryHost, image: "tigera/operator", version: calico.operatorVersion },
    // Used only by the chart's OpenShift init container, but pointed at the mirror so no value names a
    // public registry.
    calicoctl: { image: `${registryHost}/calico/ctl`, tag: `v${calico.version}` },
  };
}

export { crdChartName } from "../../config/releases.js";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses a multi-document manifest, dropping empty documents. */
export function parseManifest(text: string, source: string): Obj[] {
  const out: Obj[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new UserError([{ path: "", file: source, message: `is not valid YAML: ${doc.errors[0]?.message ?? ""}`, hint: "check the manifest location in calico.manifests" }]);
    }
    const v: unknown = doc.toJS();
    if (v === null || v === undefined) continue;
    if (!isObj(v)) throw new UserError([{ path: "", file: source, message: "holds a document that is not an object", hint: "give a Kubernetes manifest" }]);
    out.push(v);
  }
  return out;
}

/**
 * Moves the upstream operator manifest onto the private registry: every container image is re-pointed at
 * `registryHost` (keeping its repository path and tag) and must be one the mirror copies; pod specs get
 * the pull Secret. Throws a `UserError` naming each image the mirror does not hold.
 */
export function rewriteOperatorManifest(objects: readonly Obj[], registryHost: string, planned: readonly PlannedImage[], source: string): Obj[] {
  const problems: Problem[] = [];
  const known = new Set(planned.map((p) => `${p.repository}:${p.tag}`));
  const result = objects.map((o) => structuredClone(o));
  for (const o of result) {
    const podSpec = podSpecOf(o);
    if (podSpec === undefined) continue;
    const name = `${String(o["kind"])}/${String((o["metadata"] as Obj | undefined)?.["name"])}`;
    for (const field of ["initContainers", "containers"] as const) {
      const containers = podSpec[field];
      if (!Array.isArray(containers)) continue;
      for (const [i, c] of containers.entries()) {
        if (!isObj(c) || typeof c["image"] !== "string") continue;
        const image = c["image"];
        const ref = stripRegistry(image);
        if (!known.has(ref)) {
          problems.push({
            path: `spec.template.spec.${field}[${i}].image`,
            file: source,
            object: name,
            value: image,
            message: "is not an image the mirror copies",
            hint: "use the operator manifest of the configured Calico version (calico.version / calico.manifests.operator)",
          });
          continue;
        }
        c["image"] = `${registryHost}/${ref}`;
      }
    }
    const secrets = Array.isArray(podSpec["imagePullSecrets"]) ? (podSpec["imagePullSecrets"] as unknown[]) : [];
    podSpec["imagePullSecrets"] = [...secrets.filter((s) => !(isObj(s) && s["name"] === PULL_SECRET_NAME)), { name: PULL_SECRET_NAME }];
  }
  if (problems.length > 0) throw new UserError(problems, `the operator manifest ${source} cannot be served from ${registryHost}`);
  return result;
}

function podSpecOf(o: Obj): Obj | undefined {
  const spec = o["spec"];
  if (!isObj(spec)) return undefined;
  if (o["kind"] === "Pod") return spec;
  const tmpl = spec["template"];
  return isObj(tmpl) && isObj(tmpl["spec"]) ? tmpl["spec"] : undefined;
}

/** `quay.io/tigera/operator:v1` → `tigera/operator:v1`; a first segment without `.`/`:` is a path, not a host. */
export function stripRegistry(image: string): string {
  const first = image.split("/")[0] ?? "";
  const hasHost = image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return hasHost ? image.slice(first.length + 1) : image;
}

/**
 * Every image reference in a JSON-like value (manifests, chart values, CR specs), composed the way charts
 * and the operator compose them: a full `image` string; `registry` + `image` (tigera-operator chart);
 * `registry` + `repository` (prometheus charts). Bare `registry`/`imageRegistry` settings are included as
 * `<registry>/`, since they decide where images come from.
 */
export function collectImages(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => collectImages(x, out));
  else if (isObj(v)) {
    const registry = typeof v["registry"] === "string" ? v["registry"].replace(/\/+$/, "") : undefined;
    if (typeof v["image"] === "string") {
      out.push(registry !== undefined ? `${registry}/${v["image"]}` : v["image"]);
    } else if (typeof v["repository"] === "string" && registry !== undefined) {
      out.push(`${registry}/${v["repository"]}`);
    } else if (registry !== undefined) {
      out.push(`${registry}/`);
    }
    if (typeof v["imageRegistry"] === "string") out.push(`${v["imageRegistry"].replace(/\/+$/, "")}/`);
    for (const x of Object.values(v)) {
      if (typeof x === "object" && x !== null) collectImages(x, out);
    }
  }
  return out;
}

/** Image references in `v` that the private registry `registryHost` does not serve. */
export function foreignImages(v: unknown, registryHost: string): string[] {
  return collectImages(v).filter((i) => !isInRegistry(i, registryHost));
}
