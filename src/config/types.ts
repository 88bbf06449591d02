/**
 * The typed stack configuration, shared by the Pulumi program (`pulumi up -s <stack>`) and the offline
 * synth (`npm start`). Parsed and validated once by `src/config/load.ts` (no Pulumi import there).
 *
 * Ownership: `PolicySettings` is what synth and analysis read; everything else is deployment.
 */

/** Calico minors the product targets. */
export type CalicoMinor = "3.30" | "3.31" | "3.32";

/** `enforce` writes NetworkPolicy/GlobalNetworkPolicy; `stage` writes the Staged* kinds. */
export type PolicyMode = "enforce" | "stage";

/** The baseline's tiers, in evaluation order. */
export const BASELINE_TIERS = ["security", "platform", "application", "appsec"] as const;
export type BaselineTier = (typeof BASELINE_TIERS)[number];

/**
 * The namespaces Calico's docs leave out of the default deny (`deny-app-policy`); the default of
 * `policies.defaultDenyExcludedNamespaces` (plus `calico-apiserver` on 3.30) and of `DefaultDeny`.
 */
export const DEFAULT_DENY_EXCLUDED_NAMESPACES: readonly string[] = ["calico-system", "kube-public", "kube-system", "tigera-operator"];

/** Marks a value that came from secret config; the Pulumi side turns it into a secret Output. */
export interface SecretValue {
  readonly secret: true;
  /** Plain text, available only inside the Pulumi program (undefined offline, where secrets are not decrypted). */
  readonly value: string | undefined;
}

/** An encapsulation protocol the pod network sends between hosts. */
export type Overlay = "IPIP" | "VXLAN";

export interface PolicySettings {
  readonly calicoMinor: CalicoMinor;
  /** Stack-wide mode; a tier may override it. */
  readonly mode: PolicyMode;
  readonly tiers: Readonly<Partial<Record<BaselineTier, { readonly mode?: PolicyMode }>>>;
  /** Namespaces the default-deny leaves alone. */
  readonly defaultDenyExcludedNamespaces: readonly string[];
  /**
   * The overlays the pod network uses between hosts, from the Calico IP pools' encapsulation (VXLAN and
   * VXLANCrossSubnet → VXLAN, UDP 4789; IPIP and IPIPCrossSubnet → IPIP, IP protocol 4; None → nothing),
   * sorted and de-duplicated. The control-plane policy opens exactly these between nodes.
   */
  readonly overlays: readonly Overlay[];
  /** Emit IPv6 variants (::1/128 for localhost, ICMPv6 ...). */
  readonly ipv6: boolean;
  /**
   * Where the private registry is reachable: CIDRs and the TCP port. `podPulls` (default false) says pods pull
   * from it too; otherwise only the nodes do (their container runtime pulls every image), and pods are denied.
   */
  readonly registry: { readonly cidrs: readonly string[]; readonly port: number; readonly podPulls?: boolean };
  /**
   * Whether the nodes peer over BGP (`calico.bgp`); the control-plane policy opens TCP 179 between nodes only
   * then. Undefined (settings built by hand) keeps it open.
   */
  readonly bgp?: boolean;
  /** Names of lockout invariants this stack waives on purpose. */
  readonly waivers: readonly string[];
  /**
   * East-west encryption (`calico-baseline:encryption`). With `wireguard`, the baseline opens the WireGuard
   * ports between nodes and the analysis checks the `wireguard-between-nodes` invariant. Undefined (settings
   * built by hand) means off.
   */
  readonly encryption?: EncryptionConfig;
  /** North-south guards (`calico-baseline:northSouth`); undefined (settings built by hand) emits no guard. */
  readonly northSouth?: NorthSouthConfig;
  /**
   * The Consul → GlobalNetworkSet controller, when the stack deploys it (`networkSetSync.enabled`): its namespace
   * and the Consul addresses it must reach (the lockout invariants `networkset-sync-consul` and
   * `networkset-sync-apiserver` check the baseline lets it).
   */
  readonly networkSetSync?: { readonly namespace: string; readonly consulCidrs: readonly string[]; readonly consulPort: number };
}

/**
 * `calico-baseline:encryption`. `wireguard` (default true) sets FelixConfiguration `wireguardEnabled`, and
 * `wireguardEnabledV6` too when the stack runs IPv6 (`policies.ipv6`)
 * (https://docs.tigera.io/calico/3.32/network-policy/encrypt-cluster-pod-traffic).
 */
export interface EncryptionConfig {
  readonly wireguard: boolean;
  /** `wireguard && policies.ipv6`: IPv6 follows the stack. */
  readonly wireguardV6: boolean;
}

/** Felix's WireGuard listening ports (FelixConfiguration `wireguardListeningPort` / `wireguardListeningPortV6` defaults, felix/config/config_params.go 3.30-3.32). */
export const WIREGUARD_PORTS = { v4: 51820, v6: 51821 } as const;

/**
 * `calico-baseline:northSouth`: who may reach the node ports from outside the cluster
 * (https://docs.tigera.io/calico/3.32/network-policy/services/kubernetes-node-ports).
 */
export interface NorthSouthConfig {
  /** The kube-apiserver `--service-node-port-range` (default 30000-32767). */
  readonly nodePortRange: { readonly from: number; readonly to: number };
  /** Sources allowed from outside: CIDRs, or names of the baseline's external GlobalNetworkSets (policies/externals.ts). */
  readonly allowFrom: readonly string[];
}

/** How the cluster is obtained. */
export type ClusterConfig = MultipassCluster | SshCluster | KubeconfigCluster;
export type ClusterType = ClusterConfig["type"];

/** Size and image of one multipass VM. */
export interface MultipassVm {
  readonly cpus: number;
  /** multipass size syntax: `2G`, `2048M`. */
  readonly memory: string;
  readonly disk: string;
}

/** Settings shared by the clusters this program installs k3s on (multipass and ssh). */
export interface K3sSettings {
  /** A k3s release, `v1.34.1+k3s1`; pinned so re-runs install the same Kubernetes. */
  readonly k3sVersion: string;
  /** `--cluster-cidr`; also the default Calico IP pool. */
  readonly podCidr: string;
  /** `--service-cidr`. */
  readonly serviceCidr: string;
}

/** Local dev cluster: one control-plane VM and N worker VMs launched with multipass, k3s via cloud-init. */
export interface MultipassCluster extends K3sSettings {
  readonly type: "multipass";
  /** Ubuntu image for `multipass launch` (`24.04`). */
  readonly image: string;
  /** VM names are `<namePrefix>-control`, `<namePrefix>-worker-<i>`, `<namePrefix>-registry`. */
  readonly namePrefix: string;
  readonly workers: number;
  readonly controlPlane: MultipassVm;
  readonly worker: MultipassVm;
}

/** Existing hosts reached over SSH; k3s is installed on them the same way as on the multipass VMs. */
export interface SshCluster extends K3sSettings {
  readonly type: "ssh";
  readonly user: string;
  readonly port: number;
  /** Host (IP or DNS name) of the control-plane node; also the address written into the kubeconfig. */
  readonly controlPlane: string;
  readonly workers: readonly string[];
  readonly privateKey: SecretValue;
}

/** An existing (managed) cluster. */
export interface KubeconfigCluster {
  readonly type: "kubeconfig";
  /** Either the kubeconfig content (secret) or a path to it; exactly one is set. */
  readonly kubeconfig?: SecretValue;
  readonly kubeconfigPath?: string;
}

/**
 * The private registry every image is pulled from.
 * - `multipass`: a registry VM this program creates (Distribution, TLS from a generated CA, htpasswd auth).
 * - `external`: a registry that already exists; URL, credentials and CA come from config.
 */
export type RegistryConfig = MultipassRegistry | ExternalRegistry;

export interface MultipassRegistry {
  readonly type: "multipass";
  readonly vm: MultipassVm;
  /** TCP port the registry listens on (TLS). */
  readonly port: number;
  readonly username: string;
  /**
   * The multipass bridge subnet (`ip -4 addr show mpqemubr0` on Linux, 192.168.64.0/24 on macOS).
   * The registry VM's address is only known after launch, but the policies are rendered offline, so they
   * allow the whole bridge subnet on the registry port; the program checks at deploy time that the VM's
   * address really lies inside it.
   */
  readonly bridgeCidr: string;
  /** Pods pull from the registry too (default false: only the nodes' container runtime does). */
  readonly podPulls: boolean;
}

export interface ExternalRegistry {
  readonly type: "external";
  /** `host[:port]`, no scheme and no path: the mirror keeps upstream paths (`calico/node`, `tigera/operator`). */
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: SecretValue;
  /** PEM CA bundle the registry's certificate chains to; omitted when it is publicly trusted. */
  readonly caPem?: string;
  /** Addresses the registry is reached at from nodes and pods (Calico OSS policies match CIDRs, not names). */
  readonly cidrs: readonly string[];
  /** Pods pull from the registry too (default false: only the nodes' container runtime does). */
  readonly podPulls: boolean;
  /**
   * Whether the program copies the images into the registry (default true: `skopeo copy` on the machine
   * running Pulumi). `false` is for sites whose mirror pipeline is separate: the registry is already filled,
   * the program creates no copy command and checks before the install that every planned image is there
   * (src/deployment/registry/prefilled-registry.ts).
   */
  readonly mirror: boolean;
}

/** One Felix failsafe port (FelixConfiguration `failsafeInboundHostPorts` / `failsafeOutboundHostPorts` entry). */
export interface FailsafePortConfig {
  readonly protocol: "TCP" | "UDP" | "SCTP";
  readonly port: number;
  /** Only from (inbound) or to (outbound) this CIDR; every address when absent. */
  readonly net?: string;
}

/** How the Tigera operator is installed. */
export type OperatorInstall = "helm" | "manifest";

/** Which CRD flavour a 3.32 cluster uses (docs.tigera.io calico/3.32 operations/native-v3-crds); earlier minors always use `v1` + API server. */
export type CalicoCrds = "v1" | "v3";

export type IpPoolEncapsulation = "IPIPCrossSubnet" | "IPIP" | "VXLAN" | "VXLANCrossSubnet" | "None";

export interface IpPoolConfig {
  readonly name: string;
  readonly cidr: string;
  readonly encapsulation: IpPoolEncapsulation;
  readonly natOutgoing: "Enabled" | "Disabled";
  readonly blockSize: number;
}

export interface CalicoConfig {
  /** Full Calico release, `3.32.1`. */
  readonly version: string;
  readonly minor: CalicoMinor;
  /** Tigera operator release matching `version` (from the known-release table or config). */
  readonly operatorVersion: string;
  readonly install: OperatorInstall;
  /**
   * Where the tigera-operator chart (and, 3.32, the CRD chart) come from: a Helm repository (`https://`, the
   * public one or a mirror of it), an OCI registry path (`oci://`), or a local path (src/config/local-charts.ts):
   * a chart directory or .tgz, or a directory holding the charts. Relative to the project directory.
   */
  readonly chartRepo: string;
  /** Operator (and, 3.30/3.31, CRD) manifest locations for `install: manifest`: a local path or an https URL. */
  readonly manifests: { readonly crds: string; readonly operator: string };
  readonly crds: CalicoCrds;
  readonly apiServer: boolean;
  readonly goldmane: boolean;
  readonly whisker: boolean;
  /** Calico CSI driver (`calico/csi`, `calico/node-driver-registrar`); `false` sets kubeletVolumePluginPath None. */
  readonly csi: boolean;
  /** FlexVolume driver init container (`calico/pod2daemon-flexvol`); `false` sets flexVolumePath None. */
  readonly flexVolume: boolean;
  readonly bgp: "Enabled" | "Disabled";
  readonly linuxDataplane: "Iptables" | "BPF" | "Nftables";
  readonly ipPools: readonly IpPoolConfig[];
  /**
   * kube-controllers creates a `<node>-auto-hep` host endpoint (interface `*`) per node
   * (KubeControllersConfiguration `controllers.node.hostEndpoint.autoCreate`). The baseline's host policies
   * select those endpoints: without them they protect nothing. Default true.
   */
  readonly autoHostEndpoints: boolean;
  /** Felix failsafe ports, written explicitly into FelixConfiguration `default` (default: Felix's own list). */
  readonly failsafePorts: { readonly inbound: readonly FailsafePortConfig[]; readonly outbound: readonly FailsafePortConfig[] };
}

export interface NodeExporterConfig {
  readonly enabled: boolean;
  /** A Helm repository, an OCI registry path or a local chart location, as `CalicoConfig.chartRepo`. */
  readonly chartRepo: string;
  readonly chartVersion: string;
  /** node-exporter image tag, mirrored as `prometheus/node-exporter:<imageTag>`. */
  readonly imageTag: string;
}

export interface MonitoringConfig {
  /** Felix/Typha/kube-controllers metrics, the RBAC and metrics Services. */
  readonly enabled: boolean;
  readonly nodeExporter: NodeExporterConfig;
}

/** `networkSetSync`: the controller of docs/networkset-sync.md, deployed by the stack. */
/** A core/v1 Toleration as the stack passes it to the controller's pods. */
export interface SyncToleration {
  readonly key?: string;
  readonly operator?: "Exists" | "Equal";
  readonly value?: string;
  readonly effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
  readonly tolerationSeconds?: number;
}

export interface NetworkSetSyncConfig {
  readonly enabled: boolean;
  /** Namespace of the controller (its Deployment, ServiceAccount, Lease, Secret, metrics Service). */
  readonly namespace: string;
  /** `repository:tag` in the private registry (the image built from this repository, docs/networkset-sync.md). */
  readonly image: string;
  readonly replicas: number;
  /** Consul's address, the CIDRs it is reached at (policies match CIDRs) and its port (from the address). */
  readonly consul: { readonly address: string; readonly cidrs: readonly string[]; readonly port: number };
  /** The Consul ACL token (a Pulumi secret), mounted as the controller's consul.tokenFile. */
  readonly token?: SecretValue;
  /** Tolerations of the controller's pods (core/v1 Toleration), e.g. to run on tainted infrastructure nodes. */
  readonly tolerations: readonly SyncToleration[];
  /**
   * The controller's config file as the stack renders it (consul, kubernetes, sync, listen, mappings), validated
   * by the controller's own parser; the token is not in it (a Secret mounted as consul.tokenFile).
   */
  readonly controllerConfig: Readonly<Record<string, unknown>>;
}

/** The whole validated, defaulted configuration of one stack. */
export interface StackConfig {
  readonly stack: string;
  readonly cluster: ClusterConfig;
  readonly registry: RegistryConfig;
  readonly calico: CalicoConfig;
  readonly monitoring: MonitoringConfig;
  readonly policies: PolicySettings;
  readonly encryption: EncryptionConfig;
  readonly northSouth: NorthSouthConfig;
  readonly networkSetSync: NetworkSetSyncConfig;
  /**
   * The inventory the stack is analysed over (`calico-baseline:policies.inventory`, else the convention
   * `policies/inventory.<stack>.yaml`), relative to the project directory. No stack falls back to another's.
   */
  readonly inventory: { readonly path: string; readonly source: "config" | "convention" };
}
