/**
 * k3s installation, the same script on multipass VMs (through cloud-init) and on SSH hosts (through
 * `sudo bash -s`). Pure: the scripts are golden files in the tests.
 *
 * k3s is started without flannel, without its network-policy controller (Calico enforces policy), and
 * without traefik and servicelb (not part of the baseline); the pod CIDR is Calico's IP pool.
 */
import { stringify } from "yaml";
import type { K3sSettings } from "../../config/types.js";
import { sh, writeFile } from "./shell.js";

/** How a node reaches and trusts the private registry. */
export interface NodeRegistryTrust {
  /** `host:port` as images reference it. */
  readonly host: string;
  readonly username: string;
  readonly password: string;
  /** PEM CA, when the registry's certificate is not publicly trusted. */
  readonly caPem?: string;
}

export type K3sRole =
  | {
      readonly role: "server";
      readonly tlsSan?: string;
      /**
       * Serve MutatingAdmissionPolicy, which Calico 3.32's native projectcalico.org/v3 CRD mode uses for
       * defaulting (docs.tigera.io calico/3.32 operations/native-v3-crds).
       */
      readonly mutatingAdmissionPolicy?: boolean;
    }
  | { readonly role: "agent"; readonly serverUrl: string };

/** `v1.34.1+k3s1` → 34 (the Kubernetes minor); undefined for anything else. */
export function k3sKubernetesMinor(k3sVersion: string): number | undefined {
  const m = /^v1\.([0-9]+)\./.exec(k3sVersion);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

export interface K3sInstall {
  readonly k3s: K3sSettings;
  readonly node: K3sRole;
  /** Shared cluster secret: the server is started with it, agents join with it. */
  readonly token: string;
  readonly registry: NodeRegistryTrust;
}

export const REGISTRY_CA_PATH = "/etc/rancher/k3s/calico-baseline-registry-ca.crt";

/**
 * k3s `registries.yaml` (docs.k3s.io/installation/private-registry): `mirrors` names the private registry
 * and its https endpoint, `configs` (keyed by the same host:port) gives containerd the credentials and the
 * CA to verify it. Every image is referenced by the registry's own host (`<host>/calico/node:...`), so no
 * public registry (docker.io, quay.io) is rewritten to it.
 */
export function registriesYaml(r: NodeRegistryTrust): string {
  const cfg: Record<string, unknown> = { auth: { username: r.username, password: r.password } };
  if (r.caPem !== undefined) cfg["tls"] = { ca_file: REGISTRY_CA_PATH };
  return stringify({ mirrors: { [r.host]: { endpoint: [`https://${r.host}`] } }, configs: { [r.host]: cfg } });
}

export function k3sFlags(i: K3sInstall): string[] {
  if (i.node.role === "agent") return ["agent"];
  const flags = [
    "server",
    "--flannel-backend=none",
    "--disable-network-policy",
    "--disable=traefik,servicelb",
    `--cluster-cidr=${i.k3s.podCidr}`,
    `--service-cidr=${i.k3s.serviceCidr}`,
    "--write-kubeconfig-mode=0600",
  ];
  if (i.node.tlsSan !== undefined) flags.push(`--tls-san=${i.node.tlsSan}`);
  const minor = k3sKubernetesMinor(i.k3s.k3sVersion);
  if (i.node.mutatingAdmissionPolicy === true && minor !== undefined && minor < 36) {
    // Beta in Kubernetes 1.34/1.35 and off by default: the feature gate plus the v1beta1 API. GA (on) from 1.36.
    flags.push(
      "--kube-apiserver-arg=feature-gates=MutatingAdmissionPolicy=true",
      "--kube-apiserver-arg=runtime-config=admissionregistration.k8s.io/v1beta1=true",
    );
  }
  return flags;
}

/** Root script that trusts the registry, writes registries.yaml and installs k3s at the pinned version. */
export function k3sInstallScript(i: K3sInstall): string {
  const lines = ["#!/bin/bash", "set -euo pipefail", "umask 077"];
  if (i.registry.caPem !== undefined) {
    lines.push(
      writeFile(REGISTRY_CA_PATH, i.registry.caPem, "0644"),
      // System trust too, so `crictl pull` and curl on the node accept the registry as containerd does.
      `install -m 0644 ${REGISTRY_CA_PATH} /usr/local/share/ca-certificates/calico-baseline-registry.crt`,
      "update-ca-certificates >/dev/null",
    );
  }
  lines.push(writeFile("/etc/rancher/k3s/registries.yaml", registriesYaml(i.registry), "0600"));
  const env = [`INSTALL_K3S_VERSION=${sh(i.k3s.k3sVersion)}`, `K3S_TOKEN=${sh(i.token)}`];
  if (i.node.role === "agent") env.push(`K3S_URL=${sh(i.node.serverUrl)}`);
  lines.push(
    `curl -sfL https://get.k3s.io | ${env.join(" ")} sh -s - ${k3sFlags(i).map(sh).join(" ")}`,
    "",
  );
  return lines.join("\n");
}

/** cloud-init user-data for a multipass VM that runs the k3s install script at first boot. */
export function k3sCloudInit(i: K3sInstall): string {
  const path = "/var/lib/calico-baseline/install-k3s.sh";
  return `#cloud-config\n${stringify({
    write_files: [{ path, permissions: "0700", owner: "root:root", content: k3sInstallScript(i) }],
    runcmd: [["bash", path]],
  }, { blockQuote: "literal", lineWidth: 0 })}`;
}

/**
 * Waits (on the control plane, as root) until the API server answers /readyz and every node has
 * registered. Nodes stay NotReady until Calico is installed (no CNI yet), so readiness is not awaited here.
 */
export function k3sReadyScript(expectedNodes: number, timeoutSeconds = 600): string {
  return [
    "set -euo pipefail",
    `deadline=$(( $(date +%s) + ${timeoutSeconds} ))`,
    "while :; do",
    "  if k3s kubectl get --raw=/readyz >/dev/null 2>&1; then",
    "    n=$(k3s kubectl get nodes --no-headers 2>/dev/null | wc -l)",
    `    if [ "$n" -ge ${expectedNodes} ]; then echo "k3s API ready, $n nodes registered"; exit 0; fi`,
    "  fi",
    '  if [ "$(date +%s)" -ge "$deadline" ]; then',
    `    echo "k3s did not become ready with ${expectedNodes} nodes within ${timeoutSeconds}s" >&2`,
    "    k3s kubectl get nodes >&2 || true",
    "    exit 1",
    "  fi",
    "  sleep 5",
    "done",
    "",
  ].join("\n");
}

/**
 * Waits (on the control plane, as root) until every node publishes its WireGuard public key, which Felix does
 * once FelixConfiguration `wireguardEnabled` (or `wireguardEnabledV6`) is on and the node's kernel has
 * WireGuard. With the Kubernetes datastore the key is the Node annotation `projectcalico.org/WireguardPublicKey`
 * (`...V6` for IPv6), the same value `calicoctl get node -o yaml` shows as `status.wireguardPublicKey`
 * (libcalico-go/lib/backend/k8s/resources/node.go, v3.30-v3.32; docs.tigera.io calico/3.32
 * network-policy/encrypt-cluster-pod-traffic, "Verify configuration"). A node whose kernel lacks WireGuard
 * never publishes one (Felix keeps running; its traffic would go unencrypted), so the wait fails after
 * `timeoutSeconds` naming those nodes rather than reporting an encrypted cluster that is not.
 */
export function wireguardKeysScript(expectedNodes: number, v6: boolean, timeoutSeconds = 300): string {
  const key = v6 ? "WireguardPublicKeyV6" : "WireguardPublicKey";
  const jsonpath = `{range .items[*]}{.metadata.name}{" "}{.metadata.annotations.projectcalico\\.org/${key}}{"\\n"}{end}`;
  return [
    "set -euo pipefail",
    `deadline=$(( $(date +%s) + ${timeoutSeconds} ))`,
    "while :; do",
    `  out=$(k3s kubectl get nodes -o jsonpath=${sh(jsonpath)} 2>/dev/null || true)`,
    `  total=$(printf '%s\\n' "$out" | awk 'NF >= 1' | wc -l)`,
    `  keyed=$(printf '%s\\n' "$out" | awk 'NF >= 2' | wc -l)`,
    `  if [ "$total" -ge ${expectedNodes} ] && [ "$keyed" -eq "$total" ]; then echo "WireGuard: $keyed nodes publish projectcalico.org/${key}"; exit 0; fi`,
    '  if [ "$(date +%s)" -ge "$deadline" ]; then',
    `    echo "WireGuard is on (calico-baseline:encryption.wireguard) but these nodes published no projectcalico.org/${key} within ${timeoutSeconds}s:" >&2`,
    `    printf '%s\\n' "$out" | awk 'NF == 1 { print "  " $1 }' >&2`,
    `    echo "Their kernel probably lacks WireGuard (Linux 5.6+ has it; check 'modprobe wireguard' and the calico-node logs): install it, or set calico-baseline:encryption.wireguard to false." >&2`,
    "    exit 1",
    "  fi",
    "  sleep 5",
    "done",
    "",
  ].join("\n");
}

/** Prints the admin kubeconfig (root only). */
export const READ_KUBECONFIG = "cat /etc/rancher/k3s/k3s.yaml";

/** k3s writes its kubeconfig for 127.0.0.1; point it at the control plane's reachable address instead. */
export function rewriteKubeconfig(kubeconfig: string, host: string): string {
  const h = host.includes(":") ? `[${host}]` : host;
  if (!/https:\/\/127\.0\.0\.1:6443/.test(kubeconfig)) {
    throw new Error("the k3s kubeconfig has no https://127.0.0.1:6443 server entry; is this a k3s server?");
  }
  return kubeconfig.replace(/https:\/\/127\.0\.0\.1:6443/g, `https://${h}:6443`);
}

/** Uninstall on destroy (ssh hosts; multipass VMs are simply purged). */
export function k3sUninstallScript(role: "server" | "agent"): string {
  const s = role === "server" ? "/usr/local/bin/k3s-uninstall.sh" : "/usr/local/bin/k3s-agent-uninstall.sh";
  return `if [ -x ${s} ]; then ${s}; fi\n`;
}
