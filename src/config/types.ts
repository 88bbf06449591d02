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

/** Marks a value that came from secret config; the Pulumi side turns it into a secret Output. */
export interface SecretValue {
  readonly secret: true;
  /** Plain text, available only inside the Pulumi program (undefined offline, where secrets are not decrypted). */
  readonly value: string | undefined;
}

export interface PolicySettings {
  readonly calicoMinor: CalicoMinor;
  /** Stack-wide mode; a tier may override it. */
  readonly mode: PolicyMode;
  readonly tiers: Readonly<Partial<Record<BaselineTier, { readonly mode?: PolicyMode }>>>;
  /** Namespaces the default-deny leaves alone. */
  readonly defaultDenyExcludedNamespaces: readonly string[];
  /** Emit IPv6 variants (::1/128 for localhost, ICMPv6 ...). */
  readonly ipv6: boolean;
  /** Where the private registry is reachable from nodes and pods: CIDRs and the TCP port. */
  readonly registry: { readonly cidrs: readonly string[]; readonly port: number };
  /** Names of lockout invariants this stack waives on purpose. */
  readonly waivers: readonly string[];
}

export type ClusterConfig = MultipassCluster | SshCluster | KubeconfigCluster;

export interface MultipassVm {
  readonly cpus: number;
  readonly memory: string;
  readonly disk: string;
}

export interface MultipassCluster {
  readonly type: "multipass";
  readonly image: string;
  readonly k3sVersion: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
  readonly workers: number;
  readonly controlPlane: MultipassVm;
  readonly worker: MultipassVm;
  readonly registryVm: MultipassVm;
}

export interface SshCluster {
  readonly type: "ssh";
  readonly k3sVersion: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
  readonly user: string;
  readonly controlPlane: string;
  readonly workers: readonly string[];
  readonly privateKey: SecretValue;
}

export interface KubeconfigCluster {
  readonly type: "kubeconfig";
  /** Either the kubeconfig content (secret) or a path to it. */
  readonly kubeconfig?: SecretValue;
  readonly kubeconfigPath?: string;
}
