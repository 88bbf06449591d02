/**
 * The `e2e` stack: the one place that says what the end-to-end suite deploys. A `kubeconfig` cluster (the
 * loopback control plane), an external registry that a separate pipeline already filled (`registry.mirror:
 * false`, so the program creates no @pulumi/command resources: that provider is not on the Go module proxy and
 * cannot run here; the program checks every image is there over the registry API, against a loopback registry
 * holding exactly what the stack plans, test/support/fake-registry.ts),
 * Calico 3.32.1 in native v3 CRD mode (projectcalico.org/v3 kinds are CRDs the real API server serves and
 * validates with CEL; there is no Calico API server without a container runtime), and the dev inventory.
 *
 * Offline inputs come from the Calico release's files in ../shared/data (see its README): the CRDs and the
 * operator manifest for `install: manifest`, the unpacked charts for `install: helm`.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseStackConfig } from "../../../src/config/index.js";
import { planImages } from "../../../src/deployment/images.js";
import { startFakeRegistry, type FakeRegistry } from "../../support/fake-registry.js";
import { parse } from "yaml";
import { FAKE_NODE_ANNOTATION } from "./control-plane.js";
import { REPO } from "./tools.js";

export const STACK = "e2e";
export const SHARED_DATA = resolve(REPO, "..", "shared", "data");
const CALICO = join(SHARED_DATA, "calico-v3.32.1");

/** What the e2e stack configures, as literal values the assertions compare the cluster against. */
export const E2E = {
  calicoVersion: "3.32.1",
  registryUser: "calico-baseline",
  /** The loopback registry's address range (nodes and pods reach it there, as the policies say). */
  registryCidrs: ["127.0.0.1/32"],
  ipPools: [{ name: "default-ipv4-ippool", cidr: "10.42.0.0/16", encapsulation: "VXLANCrossSubnet", blockSize: 26 }],
  /** The pull Secret's name (src/deployment/planners/calico.ts PULL_SECRET_NAME). */
  pullSecret: "calico-baseline-registry",
  /** Metrics ports from docs.tigera.io calico/3.32 operations/monitor/monitor-component-metrics. */
  felixMetricsPort: 9091,
  typhaMetricsPort: 9093,
  kubeControllersMetricsPort: 9094,
  /** Namespaces that pull from the private registry with the stack's Secret. */
  pullSecretNamespaces: ["tigera-operator", "calico-monitoring"],
  /** The Prometheus identity the monitoring step creates (components/monitoring-rbac.ts). */
  prometheus: { namespace: "calico-monitoring", serviceAccount: "calico-prometheus-user" },
  /**
   * The Consul → GlobalNetworkSet controller (calico-baseline:networkSetSync), with dev's mappings. Its image is
   * the one built from this repository (checked in the registry like the others); Consul's address is a loopback
   * one nothing connects to: kwok's nodes run no containers.
   */
  networkSetSync: {
    namespace: "calico-baseline",
    image: "calico-baseline/networkset-sync:0.1.0",
    consulAddress: "http://127.0.0.1:8500",
    consulCidrs: ["127.0.0.1/32"],
    mappings: [
      { service: "prometheus", set: "consul-prometheus", labels: { "consul-service": "prometheus" } },
      { service: "postgres", set: "consul-postgres", tag: "primary", labels: { "consul-service": "postgres" } },
    ],
  },
} as const;

/** Files of ../shared/data the suite reads; each missing one is named by what it is and where it comes from. */
export function missingSharedData(): string[] {
  const need: [string, string][] = [
    [join(CALICO, "crds"), "Calico v3.32.1 api/config/crd/projectcalico.org_*.yaml"],
    [join(CALICO, "operator-crds"), "Calico v3.32.1 charts/projectcalico.org.v3/templates/operator.tigera.io_*.yaml"],
    [join(CALICO, "manifests", "tigera-operator.yaml"), "Calico v3.32.1 manifests/tigera-operator.yaml"],
    [join(CALICO, "charts", "tigera-operator", "Chart.yaml"), "Calico v3.32.1 charts/tigera-operator, Chart.yaml at v3.32.1"],
    [join(CALICO, "charts", "projectcalico.org.v3", "Chart.yaml"), "Calico v3.32.1 charts/projectcalico.org.v3, Chart.yaml at v3.32.1"],
    [join(SHARED_DATA, "charts", "prometheus-node-exporter", "Chart.yaml"), "prometheus-community prometheus-node-exporter 4.45.3 chart"],
  ];
  return need.filter(([p]) => !existsSync(p)).map(([p, what]) => `${p} (${what})`);
}

/**
 * The release's native-v3 CRD manifest, assembled from its parts: every projectcalico.org v3 CRD
 * (api/config/crd/) and the operator's CRDs (operator.tigera.io_*), as the release's
 * manifests/v3_projectcalico_org.yaml bundles them (that bundle is not in ../shared/data). Without the
 * bundle's MutatingAdmissionPolicies (api/admission/, also absent), so the API server applies no
 * admission defaults beyond the CRD schemas' own.
 */
export function writeCrdManifest(path: string): string {
  const docs: string[] = [];
  for (const d of [join(CALICO, "crds"), join(CALICO, "operator-crds")]) {
    for (const f of readdirSync(d).filter((x) => x.endsWith(".yaml")).sort()) docs.push(readFileSync(join(d, f), "utf8").replace(/^---\s*\n/, ""));
  }
  writeFileSync(path, docs.join("\n---\n"));
  return path;
}

/**
 * The release's three charts as `make chart` packages them, in a directory of charts for `calico.chartRepo`.
 * In the source tree (and so in ../shared/data) `projectcalico.org.v3/templates/calico` is a git symbolic link
 * to `api/config/crd/`, stored as a text file naming its target; here it becomes that directory's files (the
 * CRDs in ../shared/data/calico-v3.32.1/crds). Its `templates/admission` link (to `api/admission/`, the
 * MutatingAdmissionPolicies) has no copy in ../shared/data and is left out, as in writeCrdManifest. The v1
 * chart (not used with crds: v3) is left out for the same reason.
 */
export function writeChartDir(dir: string): string {
  const charts = join(CALICO, "charts");
  cpSync(join(charts, "tigera-operator"), join(dir, "tigera-operator"), { recursive: true });
  const v3 = join(dir, "projectcalico.org.v3");
  cpSync(join(charts, "projectcalico.org.v3"), v3, { recursive: true, filter: (src) => !/\/templates\/(calico|admission)$/.test(src) });
  cpSync(join(CALICO, "crds"), join(v3, "templates", "calico"), { recursive: true });
  return dir;
}

export interface E2eStackInputs {
  readonly kubeconfigPath: string;
  /** The prefilled registry, `127.0.0.1:<port>`, and the CA its certificate chains to. */
  readonly registryHost: string;
  readonly registryCa: string;
  readonly crdManifest: string;
  /** writeChartDir's directory. */
  readonly chartDir: string;
  readonly install: "manifest" | "helm";
}

/** The stack file's `config:` map (plain values; the registry password is set as a secret separately). */
export function e2eStackConfig(i: E2eStackInputs): Record<string, unknown> {
  return {
    "calico-baseline:cluster": { type: "kubeconfig", kubeconfigPath: i.kubeconfigPath },
    "calico-baseline:registry": {
      type: "external",
      host: i.registryHost,
      username: E2E.registryUser,
      ca: i.registryCa,
      cidrs: [...E2E.registryCidrs],
      // Filled by a separate mirror pipeline: the program checks nothing is missing from it and copies nothing.
      mirror: false,
    },
    "calico-baseline:calico": {
      version: E2E.calicoVersion,
      crds: "v3",
      install: i.install,
      ...(i.install === "manifest"
        ? { manifests: { crds: i.crdManifest, operator: join(CALICO, "manifests", "tigera-operator.yaml") } }
        : { chartRepo: i.chartDir }),
      ipPools: E2E.ipPools.map((p) => ({ ...p })),
    },
    "calico-baseline:monitoring": {
      enabled: true,
      nodeExporter: { enabled: true, chartRepo: join(SHARED_DATA, "charts", "prometheus-node-exporter") },
    },
    "calico-baseline:policies": { inventory: join(REPO, "policies", "inventory.yaml"), mode: "enforce", tiers: { appsec: { mode: "stage" } } },
    "calico-baseline:networkSetSync": {
      enabled: true,
      namespace: E2E.networkSetSync.namespace,
      image: E2E.networkSetSync.image,
      consul: { address: E2E.networkSetSync.consulAddress, cidrs: [...E2E.networkSetSync.consulCidrs] },
      mappings: E2E.networkSetSync.mappings.map((m) => ({ ...m, labels: { ...m.labels } })),
      // kwok's nodes are tainted so that only tolerating pods land there (control-plane.ts fakeNode).
      tolerations: [{ key: FAKE_NODE_ANNOTATION, operator: "Exists", effect: "NoSchedule" }],
    },
  };
}

/** The secrets the stack needs, as `pulumi config set --path --secret` keys. */
export function e2eStackSecrets(registryPassword: string, consulToken: string): Record<string, string> {
  return { "calico-baseline:registry.password": registryPassword, "calico-baseline:networkSetSync.token": consulToken };
}

/** A CA and a serving certificate for 127.0.0.1, for the loopback registry (generated per run, never committed). */
function registryTls(dir: string): { ca: string; cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  const ssl = (args: string[]): void => {
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  };
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  ssl(["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=calico-baseline-e2e-registry-ca", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"]);
  ssl(["req", "-new", ...ec, "-keyout", "tls.key", "-out", "tls.csr", "-subj", "/CN=127.0.0.1"]);
  writeFileSync(join(dir, "tls.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  ssl(["x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "tls.crt", "-days", "2", "-extfile", "tls.ext"]);
  const r = (f: string): string => readFileSync(join(dir, f), "utf8");
  return { ca: r("ca.crt"), cert: r("tls.crt"), key: r("tls.key") };
}

/**
 * The registry a site's own pipeline filled: a loopback registry (Basic auth, TLS from its own CA) holding a
 * manifest for every image the stack plans (`planImages` of the stack's config, what the program checks), no
 * more. Nothing pulls from it: kwok's nodes run no containers.
 */
export async function startPrefilledRegistry(dir: string, inputs: Omit<E2eStackInputs, "registryHost" | "registryCa" | "install">, password: string): Promise<FakeRegistry & { ca: string }> {
  const tls = registryTls(dir);
  const manifests = new Map<string, string>();
  // Both installs' images: the site's pipeline fills the registry for every stack that uses it.
  for (const install of ["helm", "manifest"] as const) {
    const raw = e2eStackConfig({ ...inputs, install, registryHost: "127.0.0.1:1", registryCa: tls.ca });
    // The controller's image among them: the site's pipeline built and pushed it (scripts/build-controller-image.mjs).
    const planned = parseStackConfig({ ...raw, "calico-baseline:registry": { ...(raw["calico-baseline:registry"] as object), password: { secure: "v1:planned" } } }, STACK, { secretsRequired: false });
    for (const i of planImages(planned)) manifests.set(`${i.repository}:${i.tag}`, `sha256:${(manifests.size + 1).toString(16).padStart(64, "0")}`);
  }
  const registry = await startFakeRegistry({ cert: tls.cert, key: tls.key, auth: "basic", username: E2E.registryUser, password, manifests });
  return Object.assign(registry, { ca: tls.ca });
}

/** The network-policy-api release whose ClusterNetworkPolicy (v1alpha2) the baseline renders (components/cluster-network-policy.ts). */
export const NETWORK_POLICY_API_VERSION = "v0.2.0";

/**
 * The ClusterNetworkPolicy CRD (standard channel) from sigs.k8s.io/network-policy-api in the Go module cache
 * (test/e2e/run.sh downloads the module). The Tigera operator installs and owns this CRD in Calico 3.32
 * (`-manage-crds=true`; its ClusterRole in manifests/tigera-operator.yaml names
 * clusternetworkpolicies.policy.networking.k8s.io), so the operator stand-in creates it.
 */
export function clusterNetworkPolicyCrd(): Record<string, unknown> {
  const modcache = execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();
  const file = join(modcache, `sigs.k8s.io/network-policy-api@${NETWORK_POLICY_API_VERSION}`, "config", "crd", "standard", "policy.networking.k8s.io_clusternetworkpolicies.yaml");
  if (!existsSync(file)) throw new Error(`${file} is missing: go mod download sigs.k8s.io/network-policy-api@${NETWORK_POLICY_API_VERSION} (test/e2e/run.sh does)`);
  return parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}
