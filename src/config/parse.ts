/**
 * Parses and validates one stack's configuration into a fully defaulted `StackConfig`.
 *
 * Pure (no Pulumi, no file system): `loadStackConfig` feeds it the parsed `Pulumi.<stack>.yaml`, the Pulumi
 * program (`src/deployment/config.ts`) feeds it the engine's config. Both shapes are the same: keys
 * `calico-baseline:<key>` mapping to structured values, secret leaves as `{secure: ...}`.
 */
import { cidrContains, parseCidr } from "../model/net.js";
import { UserError, type Problem } from "../model/problem.js";
import { HOST_HINT, MULTIPASS_IMAGE, cidrsOverlap, isHostName, namePrefixProblem, tooWide, WIDEST_NETWORK_PREFIX } from "./checks.js";
import { Fields, checkCidr, isObj } from "./fields.js";
import { isLocalLocation } from "./local-charts.js";
import { parseNetworkSetSync } from "./networkset-sync.js";
import {
  CALICO_MINORS,
  DEFAULT_CALICO_VERSION,
  FELIX_DEFAULT_FAILSAFE_INBOUND,
  FELIX_DEFAULT_FAILSAFE_OUTBOUND,
  KNOWN_CALICO_RELEASES,
  NODE_EXPORTER_CHART_REPO,
  NODE_EXPORTER_CHART_VERSION,
  NODE_EXPORTER_IMAGE_TAG,
  TIGERA_CHART_REPO,
  defaultManifests,
} from "./releases.js";
import {
  BASELINE_TIERS,
  DEFAULT_DENY_EXCLUDED_NAMESPACES,
  type BaselineTier,
  type CalicoConfig,
  type CalicoMinor,
  type ClusterConfig,
  type FailsafePortConfig,
  type IpPoolConfig,
  type MonitoringConfig,
  type EncryptionConfig,
  type MultipassVm,
  type NorthSouthConfig,
  type Overlay,
  type PolicyMode,
  type PolicySettings,
  type RegistryConfig,
  type StackConfig,
} from "./types.js";

/** The Pulumi project name, which is also the config namespace (`calico-baseline:cluster`). */
export const CONFIG_NAMESPACE = "calico-baseline";

/** Top-level config keys, each a structured object. */
export const CONFIG_KEYS = ["cluster", "registry", "calico", "monitoring", "policies", "encryption", "northSouth", "networkSetSync"] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

/** Config as written in `Pulumi.<stack>.yaml` under `config:` (full keys, structured values). */
export type RawStackConfig = Readonly<Record<string, unknown>>;

/**
 * Fields that hold secrets, per top-level key. The Pulumi side uses this list to mark the decrypted values
 * it hands to the parser; the parser rejects them when they arrive in plain text.
 */
export const SECRET_FIELDS: Readonly<Record<ConfigKey, readonly string[]>> = {
  cluster: ["privateKey", "kubeconfig"],
  registry: ["password"],
  calico: [],
  monitoring: [],
  policies: [],
  encryption: [],
  northSouth: [],
  networkSetSync: ["token"],
};

const DNS_LABEL = { pattern: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, hint: "use lower-case letters, digits and '-' (a DNS label)" };
const HOST = { pattern: { test: isHostName }, hint: HOST_HINT };
const SIZE = { pattern: /^[1-9][0-9]*[KMG]?$/, hint: "use multipass size syntax, e.g. 4G or 2048M" };
const K3S_VERSION = { pattern: /^v[0-9]+\.[0-9]+\.[0-9]+\+k3s[0-9]+$/, hint: "use a k3s release tag such as v1.34.1+k3s1" };
/**
 * A chart location: a Helm repository (`https://…`), an OCI registry path (`oci://…`), or a local chart
 * directory, packaged chart or directory of charts (src/config/local-charts.ts), relative to the project
 * directory. What a local path holds is checked at config load (src/config/local-inputs.ts).
 */
const CHART_LOCATION = {
  pattern: { test: (t: string) => (isLocalLocation(t) ? t.trim() === t : /^(https?|oci):\/\/[^\s]+$/.test(t)) },
  hint: "give an https:// chart repository, an oci:// registry path, or a local chart directory or .tgz (relative to the project directory)",
};
const INVENTORY_PATH = {
  pattern: /^[^\s:][^\s]*\.(ya?ml|json)$/,
  hint: "give the inventory file relative to the project directory, e.g. policies/inventory.prod.yaml",
};
const IMAGE_TAG = { pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, hint: "give an image tag such as v1.9.1" };

/** Namespaces the docs' default-deny leaves alone (docs.tigera.io network-policy/get-started/kubernetes-default-deny, `deny-app-policy`); 3.30 still has calico-apiserver. */
function defaultExcludedNamespaces(minor: CalicoMinor): string[] {
  // Up to 3.30 the Calico API server runs in its own namespace (calico-system from 3.31).
  return minor === "3.30" ? ["calico-apiserver", ...DEFAULT_DENY_EXCLUDED_NAMESPACES] : [...DEFAULT_DENY_EXCLUDED_NAMESPACES];
}

export interface ParseOptions {
  /**
   * Whether a missing secret is an error (default true, the Pulumi program). The offline loader passes
   * false: rendering policies needs no secret, and a fresh clone has none set yet. A secret given in plain
   * text is rejected either way.
   */
  readonly secretsRequired?: boolean;
}

/**
 * Parses one stack's raw config. Throws one `UserError` listing every problem, each with the key path
 * (`calico-baseline:cluster.workers`), the bad value and a hint.
 */
export function parseStackConfig(raw: RawStackConfig, stack: string, opts?: ParseOptions): StackConfig {
  const problems: Problem[] = [];
  const secretsRequired = opts?.secretsRequired ?? true;
  const ns = `${CONFIG_NAMESPACE}:`;
  for (const key of Object.keys(raw).sort()) {
    if (!key.startsWith(ns)) continue; // other namespaces (kubernetes:, pulumi:) are not ours
    const short = key.slice(ns.length);
    if (!(CONFIG_KEYS as readonly string[]).includes(short)) {
      problems.push({
        path: key,
        message: "is not a known setting",
        hint: `known settings: ${CONFIG_KEYS.map((k) => ns + k).join(", ")}`,
      });
    }
  }
  const top = (k: ConfigKey): Fields => Fields.of(problems, ns + k, raw[ns + k]);

  const clusterF = top("cluster");
  const cluster = parseCluster(clusterF, stack, secretsRequired);
  const calico = parseCalico(top("calico"), cluster);
  // Pulumi.yaml declares every key with `default: {}` (a declared key without a default is required in every
  // stack), so under the engine an unset registry arrives as an empty object: that means "not configured".
  const rawRegistry = raw[`${ns}registry`];
  const registryPresent = rawRegistry !== undefined && rawRegistry !== null && !(isObj(rawRegistry) && Object.keys(rawRegistry).length === 0);
  const registry = parseRegistry(top("registry"), cluster, registryPresent, secretsRequired);
  const monitoring = parseMonitoring(top("monitoring"));
  const policiesF = top("policies");
  const basePolicies = parsePolicies(policiesF, calico, registry);
  const encryption = parseEncryption(top("encryption"), basePolicies.ipv6);
  const northSouth = parseNorthSouth(top("northSouth"));
  const networkSetSync = parseNetworkSetSync(top("networkSetSync"), secretsRequired);
  const policies: PolicySettings = {
    ...basePolicies,
    encryption,
    northSouth,
    ...(networkSetSync.enabled ? { networkSetSync: { namespace: networkSetSync.namespace, consulCidrs: networkSetSync.consul.cidrs, consulPort: networkSetSync.consul.port } } : {}),
  };
  const inventoryPath = policiesF.string("inventory", undefined, INVENTORY_PATH);

  if (problems.length > 0) {
    throw new UserError(problems, `stack "${stack}": ${problems.length} configuration problem${problems.length === 1 ? "" : "s"}`);
  }
  const inventory = inventoryPath !== undefined ? { path: inventoryPath, source: "config" as const } : { path: `policies/inventory.${stack}.yaml`, source: "convention" as const };
  return { stack, cluster, registry, calico, monitoring, policies, encryption, northSouth, networkSetSync, inventory };
}

/**
 * `cluster.namePrefix`, default `cb-<stack>` (lower-cased, other characters as '-'). The default is checked
 * like a given value: a long stack name would otherwise make VM names multipass refuses.
 */
function namePrefixOf(f: Fields, stack: string): string {
  const given = f.has("namePrefix");
  const prefix = given ? f.string("namePrefix", "", DNS_LABEL) : `cb-${stack}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  const problem = prefix === "" ? undefined : namePrefixProblem(prefix);
  if (problem !== undefined) {
    f.problem(
      "namePrefix",
      prefix,
      given ? problem : `defaults to cb-<stack>, which ${problem.replace(/^is/, "is")}`,
      "set cluster.namePrefix to a short lower-case name such as cb-dev (multipass instance names are host names of at most 63 characters)",
    );
  }
  return prefix;
}

function parseVm(f: Fields, dflt: MultipassVm): MultipassVm {
  f.rejectUnknown(["cpus", "memory", "disk"]);
  return {
    cpus: f.int("cpus", dflt.cpus, 1, 64),
    memory: f.string("memory", dflt.memory, SIZE),
    disk: f.string("disk", dflt.disk, SIZE),
  };
}

function parseCluster(f: Fields, stack: string, secretsRequired: boolean): ClusterConfig {
  if (!f.has("type")) {
    f.problem("type", undefined, "is required", "set it to multipass (local VMs), ssh (existing hosts) or kubeconfig (existing cluster)");
  }
  const type = f.oneOf("type", ["multipass", "ssh", "kubeconfig"] as const, "multipass");
  const k3s = (): { k3sVersion: string; podCidr: string; serviceCidr: string } => {
    const podCidr = f.cidr("podCidr", "10.42.0.0/16");
    const serviceCidr = f.cidr("serviceCidr", "10.43.0.0/16");
    const p = parseCidr(podCidr);
    const s = parseCidr(serviceCidr);
    if (p !== undefined && s !== undefined && p.version === s.version && (cidrContains(p, s) || cidrContains(s, p))) {
      f.problem("serviceCidr", serviceCidr, `overlaps the pod CIDR ${podCidr}`, "give pods and services disjoint blocks, e.g. 10.42.0.0/16 and 10.43.0.0/16");
    }
    if (p !== undefined && s !== undefined && p.version !== s.version) {
      // A single-stack k3s cluster uses one family for both (dual-stack takes a pair of lists, which this config does not offer).
      f.problem("serviceCidr", serviceCidr, `is IPv${s.version} but the pod CIDR ${podCidr} is IPv${p.version}`, "give pods and services blocks of the same IP family, e.g. 10.42.0.0/16 and 10.43.0.0/16, or fd00:42::/56 and fd00:43::/112");
    }
    return { k3sVersion: f.string("k3sVersion", "v1.34.1+k3s1", K3S_VERSION), podCidr, serviceCidr };
  };
  switch (type) {
    case "multipass": {
      f.rejectUnknown(["type", "image", "k3sVersion", "podCidr", "serviceCidr", "namePrefix", "workers", "controlPlane", "worker"]);
      return {
        type,
        image: f.string("image", "24.04", MULTIPASS_IMAGE),
        ...k3s(),
        namePrefix: namePrefixOf(f, stack),
        workers: f.int("workers", 2, 0, 50, "use 0 (control plane only) or more workers, at most 50"),
        controlPlane: parseVm(f.child("controlPlane"), { cpus: 2, memory: "4G", disk: "20G" }),
        worker: parseVm(f.child("worker"), { cpus: 2, memory: "4G", disk: "20G" }),
      };
    }
    case "ssh": {
      f.rejectUnknown(["type", "k3sVersion", "podCidr", "serviceCidr", "user", "port", "controlPlane", "workers", "privateKey"]);
      const privateKey = f.secret("privateKey", secretsRequired, 'set it with "pulumi config set --path --secret cluster.privateKey -- "$(cat ~/.ssh/id_ed25519)""');
      return {
        type,
        ...k3s(),
        user: f.string("user", "ubuntu", { pattern: /^[a-z_][a-z0-9_-]*$/, hint: "give a Unix user name" }),
        port: f.int("port", 22, 1, 65535),
        controlPlane: f.requireString("controlPlane", "give the control-plane host, e.g. 10.0.0.10", HOST),
        workers: f.stringList("workers", [], HOST),
        privateKey: privateKey ?? { secret: true, value: undefined },
      };
    }
    case "kubeconfig": {
      f.rejectUnknown(["type", "kubeconfig", "kubeconfigPath"]);
      const hasContent = f.has("kubeconfig");
      const kubeconfig = f.secret("kubeconfig", false, "");
      const kubeconfigPath = f.string("kubeconfigPath");
      if (!hasContent && kubeconfigPath === undefined) {
        f.problem(
          "",
          undefined,
          "needs one of kubeconfig (secret content) or kubeconfigPath",
          'run "pulumi config set --path --secret cluster.kubeconfig -- "$(cat ~/.kube/config)"" or set cluster.kubeconfigPath',
        );
      } else if (hasContent && kubeconfigPath !== undefined) {
        f.problem("kubeconfigPath", kubeconfigPath, "is set together with kubeconfig", "keep only one of the two");
      }
      return {
        type,
        ...(kubeconfig !== undefined ? { kubeconfig } : {}),
        ...(kubeconfigPath !== undefined ? { kubeconfigPath } : {}),
      };
    }
  }
}

function parseRegistry(f: Fields, cluster: ClusterConfig, present: boolean, secretsRequired: boolean): RegistryConfig {
  if (!present && cluster.type !== "multipass") {
    f.problem(
      "",
      undefined,
      `is required for cluster type ${cluster.type} (every image is pulled from a private registry)`,
      "set calico-baseline:registry with type: external, host, username, password (secret) and cidrs",
    );
    return { type: "external", host: "", port: 443, username: "", password: { secret: true, value: undefined }, cidrs: [], podPulls: false, mirror: true };
  }
  const type = f.oneOf("type", ["multipass", "external"] as const, cluster.type === "multipass" ? "multipass" : "external");
  if (type === "multipass") {
    if (f.has("mirror")) {
      f.problem("mirror", f.obj["mirror"], "is a setting of an external registry: the registry VM starts empty and the program always fills it", "remove registry.mirror, or use registry type external for a registry a separate pipeline fills");
    }
    f.rejectUnknown(["type", "vm", "port", "username", "bridgeCidr", "podPulls", "mirror"]);
    if (cluster.type !== "multipass") {
      f.problem("type", type, `needs cluster type multipass (the registry VM is a multipass VM), not ${cluster.type}`, "use registry type external with host, username, password and cidrs");
    }
    const bridgeCidr = f.has("bridgeCidr")
      ? f.cidr("bridgeCidr", "", 4)
      : (f.problem(
          "bridgeCidr",
          undefined,
          "is required: policies allow the registry by address and its VM address is only known after launch",
          'give the multipass bridge subnet: on Linux "ip -4 addr show mpqemubr0" (e.g. 10.91.52.0/24), on macOS 192.168.64.0/24',
        ),
        "");
    if (bridgeCidr !== "") checkNetworkBlock(f, "bridgeCidr", bridgeCidr, cluster, "the multipass bridge subnet");
    return {
      type,
      vm: parseVm(f.child("vm"), { cpus: 1, memory: "1G", disk: "20G" }),
      port: f.int("port", 5000, 1, 65535),
      username: f.string("username", "calico-baseline", { pattern: /^[A-Za-z0-9._-]+$/, hint: "use letters, digits, '.', '_' or '-'" }),
      bridgeCidr,
      podPulls: f.bool("podPulls", false),
    };
  }
  f.rejectUnknown(["type", "host", "username", "password", "ca", "cidrs", "podPulls", "mirror"]);
  const hostPort = f.requireString("host", "give the registry as host[:port], e.g. registry.example.com:5000", {
    pattern: { test: (t: string) => /^[^:]+(:[0-9]{1,5})?$/.test(t) && isHostName(t.split(":")[0] as string) },
    hint: "give host[:port] without scheme or path, e.g. registry.example.com:5000 (a host name or an IPv4 address)",
  });
  const [host = "", portText] = hostPort.split(":");
  const port = portText === undefined ? 443 : Number(portText);
  if (port < 1 || port > 65535) f.problem("host", hostPort, "has a port outside 1-65535", "fix the port number");
  const ca = f.string("ca");
  if (ca !== undefined && !ca.includes("-----BEGIN CERTIFICATE-----")) {
    f.problem("ca", ca.slice(0, 40), "is not a PEM certificate", "paste the CA certificate including the BEGIN/END CERTIFICATE lines");
  }
  const cidrs = f.cidrList("cidrs", []);
  if (Array.isArray(f.obj["cidrs"])) (f.obj["cidrs"] as unknown[]).forEach((c, i) => typeof c === "string" && cidrs.includes(c) && checkNetworkBlock(f, `cidrs[${i}]`, c, cluster, "the registry's addresses"));
  if (!f.has("cidrs")) {
    f.problem("cidrs", undefined, "is required: Calico OSS policies match registry traffic by address, not by name", "list the registry's address blocks, e.g. [10.0.0.5/32]");
  }
  const password = f.secret("password", secretsRequired, 'run "pulumi config set --path --secret registry.password <password>"');
  return {
    type,
    host: hostPort === "" ? host : hostPort,
    port,
    username: f.requireString("username", "give the registry user name"),
    password: password ?? { secret: true, value: undefined },
    ...(ca !== undefined ? { caPem: ca } : {}),
    cidrs,
    podPulls: f.bool("podPulls", false),
    mirror: f.bool("mirror", true),
  };
}

/**
 * A block the policies allow by address (the registry, the multipass bridge) must name one network: not
 * wider than WIDEST_NETWORK_PREFIX (0.0.0.0/0 would allow every address), and never inside the cluster's pod
 * or service CIDR (the rule would then open traffic to pods or Services instead).
 */
function checkNetworkBlock(f: Fields, key: string, text: string, cluster: ClusterConfig, what: string): void {
  const c = parseCidr(text);
  if (c === undefined) return;
  if (tooWide(c)) {
    f.problem(key, text, `is wider than /${WIDEST_NETWORK_PREFIX[c.version]}: the policies would allow ${c.prefix === 0 ? "every address" : "a whole range of networks"} as ${what}`, `give ${what} only, e.g. 10.91.52.0/24 or 10.0.1.5/32`);
  }
  if (cluster.type === "kubeconfig") return;
  for (const [name, block] of [["pod CIDR (cluster.podCidr)", cluster.podCidr], ["service CIDR (cluster.serviceCidr)", cluster.serviceCidr]] as const) {
    const b = parseCidr(block);
    if (b !== undefined && cidrsOverlap(b, c)) {
      f.problem(key, text, `overlaps the cluster's ${name} ${block}`, `${what} must lie outside the pod and service blocks, which k3s routes inside the cluster`);
    }
  }
}

function parseCalico(f: Fields, cluster: ClusterConfig): CalicoConfig {
  f.rejectUnknown([
    "version",
    "operatorVersion",
    "install",
    "chartRepo",
    "manifests",
    "crds",
    "apiServer",
    "goldmane",
    "whisker",
    "csi",
    "flexVolume",
    "bgp",
    "linuxDataplane",
    "ipPools",
    "autoHostEndpoints",
    "failsafePorts",
  ]);
  const known = Object.keys(KNOWN_CALICO_RELEASES);
  const rawVersion = f.obj["version"];
  if (typeof rawVersion === "string" && rawVersion.startsWith("v")) {
    f.problem("version", rawVersion, "must not start with v", `write ${rawVersion.slice(1)}`);
  }
  const version = f.string("version", DEFAULT_CALICO_VERSION, { pattern: /^[0-9]+\.[0-9]+\.[0-9]+$/, hint: `use a Calico release such as ${known.join(", ")}` });
  const minorText = version.split(".").slice(0, 2).join(".");
  let minor: CalicoMinor = "3.32";
  if ((CALICO_MINORS as readonly string[]).includes(minorText)) {
    minor = minorText as CalicoMinor;
  } else {
    f.problem("version", version, `is not a supported Calico minor (${CALICO_MINORS.join(", ")})`, `use one of ${known.join(", ")}`);
  }
  const operatorVersion = f.string("operatorVersion", KNOWN_CALICO_RELEASES[version], {
    pattern: /^v[0-9]+\.[0-9]+\.[0-9]+$/,
    hint: "use the operator release tag, e.g. v1.42.3",
  });
  if (operatorVersion === undefined) {
    f.problem(
      "operatorVersion",
      undefined,
      `is required for Calico ${version}, which is not in the known-release table`,
      `use one of ${known.join(", ")}, or set the Tigera operator version this release ships (charts/tigera-operator/values.yaml)`,
    );
  }
  const crds = f.oneOf("crds", ["v1", "v3"] as const, "v1");
  if (crds === "v3" && minor !== "3.32") {
    f.problem("crds", crds, `native projectcalico.org/v3 CRDs need Calico 3.32, not ${version}`, "use crds: v1 (the Calico API server)");
  }
  if (version === "3.32.0" && crds === "v1") {
    // The Kubernetes provider applies server-side; the 3.32.0 API server answered a server-side apply that
    // creates a (Staged)(Global)NetworkPolicy with NotFound (projectcalico/calico#12841, fixed in 3.32.1).
    f.problem(
      "version",
      version,
      "cannot create policies by server-side apply through its API server (projectcalico/calico#12841)",
      "use 3.32.1 or newer, or crds: v3 (native CRDs, no API server)",
    );
  }
  // Native v3 mode defaults fields with MutatingAdmissionPolicy, which Kubernetes serves from 1.34 on
  // (docs.tigera.io calico/3.32 operations/native-v3-crds); the program switches it on for the k3s it installs.
  const k3sVersion = cluster.type === "kubeconfig" ? undefined : cluster.k3sVersion;
  const k8sMinor = k3sVersion === undefined ? undefined : /^v1\.([0-9]+)\./.exec(k3sVersion)?.[1];
  if (crds === "v3" && k8sMinor !== undefined && Number(k8sMinor) < 34) {
    f.problem(
      "crds",
      crds,
      `native projectcalico.org/v3 CRDs need Kubernetes 1.34 or newer (MutatingAdmissionPolicy), not k3s ${k3sVersion ?? ""}`,
      "use crds: v1, or a cluster.k3sVersion of v1.34 or newer",
    );
  }
  const apiServer = f.bool("apiServer", true);
  if (!apiServer) {
    f.problem("apiServer", false, "must stay enabled: the baseline is applied as projectcalico.org/v3 objects, served by it", "remove calico.apiServer or set it to true");
  }
  const goldmane = f.bool("goldmane", true);
  const whisker = f.bool("whisker", true);
  if (whisker && !goldmane) {
    f.problem("whisker", true, "needs goldmane: Whisker shows the flows Goldmane aggregates", "enable goldmane or disable whisker");
  }
  const install = f.oneOf("install", ["helm", "manifest"] as const, "helm");
  const m = f.child("manifests");
  m.rejectUnknown(["crds", "operator"]);
  const dm = defaultManifests(version, minor, crds);
  const location = { pattern: /^(https:\/\/\S+|[^:\s][^\s]*)$/, hint: "give a local path or an https:// URL" };

  const podCidr = cluster.type === "kubeconfig" ? undefined : cluster.podCidr;
  const ipPools = parseIpPools(f, podCidr);
  return {
    version,
    minor,
    operatorVersion: operatorVersion ?? "",
    install,
    chartRepo: f.string("chartRepo", TIGERA_CHART_REPO, CHART_LOCATION),
    manifests: { crds: m.string("crds", dm.crds, location), operator: m.string("operator", dm.operator, location) },
    crds,
    apiServer,
    goldmane,
    whisker,
    // Upstream defaults differ by install path: the 3.31+ tigera-operator chart sets
    // installation.kubeletVolumePluginPath None (CSI off, calico #10400), while custom-resources.yaml (the
    // manifest path) and the 3.30 chart leave it at /var/lib/kubelet (CSI on). The program writes the
    // Installation itself, so it follows the same defaults explicitly.
    csi: f.bool("csi", !(install === "helm" && minor !== "3.30")),
    flexVolume: f.bool("flexVolume", true),
    bgp: f.oneOf("bgp", ["Enabled", "Disabled"] as const, "Disabled"),
    linuxDataplane: f.oneOf("linuxDataplane", ["Iptables", "BPF", "Nftables"] as const, "Iptables"),
    ipPools,
    autoHostEndpoints: f.bool("autoHostEndpoints", true),
    failsafePorts: parseFailsafePorts(f.child("failsafePorts")),
  };
}

/**
 * `calico.failsafePorts: {inbound, outbound}`, each a list of `{protocol, port, net?}` as FelixConfiguration
 * writes them; a list replaces Felix's default for its direction (an empty list closes every failsafe).
 */
function parseFailsafePorts(f: Fields): { inbound: FailsafePortConfig[]; outbound: FailsafePortConfig[] } {
  f.rejectUnknown(["inbound", "outbound"]);
  const list = (key: "inbound" | "outbound", dflt: readonly FailsafePortConfig[]): FailsafePortConfig[] => {
    const raw = f.obj[key];
    if (raw === undefined || raw === null) return [...dflt];
    if (!Array.isArray(raw)) {
      f.problem(key, raw, "must be a list of {protocol, port, net}", "write e.g. [{protocol: TCP, port: 22}]");
      return [...dflt];
    }
    const out: FailsafePortConfig[] = [];
    const seen = new Set<string>();
    raw.forEach((item: unknown, i) => {
      const p = Fields.of(f.problems, `${f.at(key)}[${i}]`, item);
      p.rejectUnknown(["protocol", "port", "net"]);
      if (!p.has("port")) p.problem("port", undefined, "is required", "give the port number, e.g. port: 22");
      const port = p.int("port", 0, 1, 65535);
      const protocol = p.oneOf("protocol", ["TCP", "UDP", "SCTP"] as const, "TCP");
      const net = p.cidr("net", undefined);
      const id = `${protocol}/${port}/${net ?? ""}`;
      if (seen.has(id)) p.problem("", item, "is listed twice", "remove the duplicate entry");
      seen.add(id);
      if (port !== 0) out.push({ protocol, port, ...(net !== undefined ? { net } : {}) });
    });
    return out;
  };
  return { inbound: list("inbound", FELIX_DEFAULT_FAILSAFE_INBOUND), outbound: list("outbound", FELIX_DEFAULT_FAILSAFE_OUTBOUND) };
}

function parseIpPools(f: Fields, podCidr: string | undefined): IpPoolConfig[] {
  const raw = f.obj["ipPools"];
  const podV6 = podCidr !== undefined && parseCidr(podCidr)?.version === 6;
  const dflt: IpPoolConfig = {
    name: podV6 ? "default-ipv6-ippool" : "default-ipv4-ippool",
    // Calico's own default when the cluster does not dictate one (custom-resources.yaml).
    cidr: podCidr ?? "192.168.0.0/16",
    encapsulation: "VXLANCrossSubnet",
    natOutgoing: "Enabled",
    // Calico's default block sizes: /26 for IPv4, /122 for IPv6 (IPPool reference).
    blockSize: podV6 ? 122 : 26,
  };
  if (raw === undefined || raw === null) return [dflt];
  if (!Array.isArray(raw) || raw.length === 0) {
    f.problem("ipPools", raw, "must be a non-empty list of pools", "write e.g. [{cidr: 10.42.0.0/16}]");
    return [dflt];
  }
  const pools: IpPoolConfig[] = [];
  const blocks: (ReturnType<typeof parseCidr> | undefined)[] = [];
  const names = new Set<string>();
  raw.forEach((item: unknown, i) => {
    const p = Fields.of(f.problems, `${f.at("ipPools")}[${i}]`, item);
    p.rejectUnknown(["name", "cidr", "encapsulation", "natOutgoing", "blockSize"]);
    const cidr = p.has("cidr") ? p.cidr("cidr", "") : (p.problem("cidr", undefined, "is required", "give the pool's block, e.g. 10.42.0.0/16"), "");
    const parsed = parseCidr(cidr);
    const name = p.string("name", i === 0 ? dflt.name : `pool-${i}`, DNS_LABEL);
    if (names.has(name)) p.problem("name", name, "is used by another pool", "give each pool its own name");
    names.add(name);
    const v6 = parsed?.version === 6;
    const blockSize = p.int("blockSize", v6 ? 122 : 26, v6 ? 116 : 20, v6 ? 128 : 32);
    if (parsed !== undefined && blockSize < parsed.prefix) {
      p.problem("blockSize", blockSize, `is larger than the pool ${cidr}`, `use a block size of at least /${parsed.prefix}`);
    }
    if (parsed !== undefined && podCidr !== undefined) {
      const pod = parseCidr(podCidr);
      if (pod !== undefined && pod.version === parsed.version && !cidrContains(pod, parsed)) {
        p.problem("cidr", cidr, `is outside the cluster pod CIDR ${podCidr}`, "k3s routes only its --cluster-cidr: put the pool inside cluster.podCidr");
      }
      if (pod !== undefined && pod.version !== parsed.version) {
        p.problem("cidr", cidr, `is IPv${parsed.version} but the cluster pod CIDR ${podCidr} is IPv${pod.version}`, "k3s routes only its --cluster-cidr: give the pools the pod CIDR's IP family, inside cluster.podCidr");
      }
    }
    // Calico refuses a pool whose CIDR overlaps another pool's.
    const other = parsed === undefined ? -1 : blocks.findIndex((b) => b !== undefined && cidrsOverlap(b, parsed));
    if (parsed !== undefined && other >= 0) {
      p.problem("cidr", cidr, `overlaps ipPools[${other}] (${pools[other]?.cidr ?? ""})`, "give each pool its own block: Calico refuses overlapping IP pools");
    }
    blocks.push(parsed);
    pools.push({
      name,
      cidr,
      encapsulation: p.oneOf("encapsulation", ["IPIPCrossSubnet", "IPIP", "VXLAN", "VXLANCrossSubnet", "None"] as const, "VXLANCrossSubnet"),
      natOutgoing: p.oneOf("natOutgoing", ["Enabled", "Disabled"] as const, "Enabled"),
      blockSize,
    });
  });
  return pools;
}

function parseMonitoring(f: Fields): MonitoringConfig {
  f.rejectUnknown(["enabled", "nodeExporter"]);
  const n = f.child("nodeExporter");
  n.rejectUnknown(["enabled", "chartRepo", "chartVersion", "imageTag"]);
  const enabled = f.bool("enabled", true);
  return {
    enabled,
    nodeExporter: {
      enabled: n.bool("enabled", enabled),
      chartRepo: n.string("chartRepo", NODE_EXPORTER_CHART_REPO, CHART_LOCATION),
      chartVersion: n.string("chartVersion", NODE_EXPORTER_CHART_VERSION, { pattern: /^[0-9]+\.[0-9]+\.[0-9]+$/, hint: "use a chart version such as 4.45.3" }),
      imageTag: n.string("imageTag", NODE_EXPORTER_IMAGE_TAG, IMAGE_TAG),
    },
  };
}

/** The overlays the pools send between hosts (PolicySettings.overlays). */
export function overlaysOf(pools: readonly { readonly encapsulation: string }[]): Overlay[] {
  const out = new Set<Overlay>();
  for (const p of pools) {
    if (p.encapsulation.startsWith("VXLAN")) out.add("VXLAN");
    else if (p.encapsulation.startsWith("IPIP")) out.add("IPIP");
  }
  return [...out].sort();
}

function parsePolicies(f: Fields, calico: CalicoConfig, registry: RegistryConfig): PolicySettings {
  f.rejectUnknown(["mode", "tiers", "defaultDenyExcludedNamespaces", "ipv6", "waivers", "inventory"]);
  const minor = calico.minor;
  const overlays = overlaysOf(calico.ipPools);
  const modes = ["enforce", "stage"] as const;
  const mode: PolicyMode = f.oneOf("mode", modes, "enforce");
  const t = f.child("tiers");
  t.rejectUnknown(BASELINE_TIERS);
  const tiers: Partial<Record<BaselineTier, { mode?: PolicyMode }>> = {};
  for (const tier of BASELINE_TIERS) {
    if (!t.has(tier)) continue;
    const tf = t.child(tier);
    tf.rejectUnknown(["mode"]);
    tiers[tier] = tf.has("mode") ? { mode: tf.oneOf("mode", modes, mode) } : {};
  }
  return {
    calicoMinor: minor,
    mode,
    tiers,
    defaultDenyExcludedNamespaces: f.stringList("defaultDenyExcludedNamespaces", defaultExcludedNamespaces(minor), DNS_LABEL),
    overlays,
    ipv6: f.bool("ipv6", false),
    registry:
      registry.type === "multipass"
        ? { cidrs: registry.bridgeCidr === "" ? [] : [registry.bridgeCidr], port: registry.port, podPulls: registry.podPulls }
        : { cidrs: registry.cidrs, port: registry.port, podPulls: registry.podPulls },
    bgp: calico.bgp === "Enabled",
    waivers: f.stringList("waivers", [], { pattern: /^[a-z0-9][a-z0-9-]*$/, hint: "use a lockout invariant name as calico-baseline report lists it, e.g. dns-udp or monitoring-felix" }),
  };
}

/** `calico-baseline:encryption`: WireGuard on by default for new stacks; IPv6 follows `policies.ipv6`. */
function parseEncryption(f: Fields, ipv6: boolean): EncryptionConfig {
  f.rejectUnknown(["wireguard"]);
  const wireguard = f.bool("wireguard", true);
  return { wireguard, wireguardV6: wireguard && ipv6 };
}

/** The Kubernetes default `--service-node-port-range`. */
export const DEFAULT_NODE_PORT_RANGE = { from: 30000, to: 32767 } as const;

const EXTERNAL_SET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `calico-baseline:northSouth`: the node port range (`30000-32767`, or Calico's `30000:32767`) and who may reach it from outside. */
function parseNorthSouth(f: Fields): NorthSouthConfig {
  f.rejectUnknown(["nodePortRange", "allowFrom"]);
  let nodePortRange: { from: number; to: number } = { ...DEFAULT_NODE_PORT_RANGE };
  const text = f.string("nodePortRange", undefined);
  if (text !== undefined) {
    const m = /^([0-9]{1,5})\s*[-:]\s*([0-9]{1,5})$/.exec(text);
    const from = m === null ? NaN : Number(m[1]);
    const to = m === null ? NaN : Number(m[2]);
    if (!(from >= 1 && to <= 65535 && from <= to)) {
      f.problem("nodePortRange", text, "is not a port range", "write the kube-apiserver --service-node-port-range, e.g. 30000-32767 (first <= last, 1-65535)");
    } else nodePortRange = { from, to };
  }
  const allowFrom: string[] = [];
  const raw = f.obj["allowFrom"];
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) {
    f.problem("allowFrom", raw, "must be a list", "write allowFrom: [198.51.100.0/24, office] (CIDRs or external network set names)");
  } else if (Array.isArray(raw)) {
    raw.forEach((item: unknown, i) => {
      const path = `${f.at("allowFrom")}[${i}]`;
      if (typeof item !== "string" || item === "") {
        f.problems.push({ path, value: item, message: "must be a CIDR or a network set name", hint: "e.g. 198.51.100.0/24 or office" });
        return;
      }
      if (/[/:]/.test(item) || /^[0-9.]+$/.test(item)) {
        const ok = checkCidr(f.problems, path, item);
        if (ok === undefined) return;
        if (parseCidr(ok)?.prefix === 0) {
          f.problems.push({ path, value: item, message: "allows every address: the guard would guard nothing", hint: "list the networks that may reach the node ports; leave allowFrom empty to allow none from outside" });
        } else allowFrom.push(item);
        return;
      }
      if (!EXTERNAL_SET_NAME.test(item)) {
        f.problems.push({ path, value: item, message: "is neither a CIDR nor a network set name", hint: "give a CIDR (198.51.100.0/24) or the name of an external network in policies/externals.ts" });
        return;
      }
      allowFrom.push(item);
    });
  }
  return { nodePortRange, allowFrom };
}
