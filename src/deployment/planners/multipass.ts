/**
 * Scripts for one multipass VM (run by a local Command on the machine running `pulumi up`), and the parser
 * for `multipass info --format json`. Pure: tested as golden files.
 */
import type { MultipassVm } from "../../config/types.js";
import { sh } from "./shell.js";

export interface VmSpec extends MultipassVm {
  readonly name: string;
  readonly image: string;
}

/**
 * Launches the VM with the cloud-init user-data given on stdin, waits for cloud-init to finish (that is
 * where k3s or the registry gets installed) and prints `multipass info --format json` for the IP.
 * A VM left behind by an interrupted run is not in the Pulumi state; it is purged first so the launch
 * starts from a clean VM.
 */
export function launchScript(vm: VmSpec): string {
  const n = sh(vm.name);
  return [
    "set -euo pipefail",
    `command -v multipass >/dev/null || { echo "multipass is not installed (https://multipass.run/install)" >&2; exit 1; }`,
    `if multipass info ${n} >/dev/null 2>&1; then`,
    `  echo "removing VM ${vm.name} left by an interrupted run" >&2`,
    `  multipass delete --purge ${n}`,
    "fi",
    `multipass launch ${sh(vm.image)} --name ${n} --cpus ${sh(vm.cpus)} --memory ${sh(vm.memory)} --disk ${sh(vm.disk)} --timeout 1200 --cloud-init - >&2`,
    // cloud-init 23.4+ exits 2 for "degraded done" (recoverable: deprecation warnings and the like) and 1
    // for an error (a failed module, e.g. the install script in runcmd); only the latter stops the run.
    "rc=0",
    `multipass exec ${n} -- cloud-init status --wait >/dev/null || rc=$?`,
    'if [ "$rc" -eq 2 ]; then',
    `  echo "cloud-init on ${vm.name} finished with recoverable warnings (see: multipass exec ${vm.name} -- cloud-init status --long)" >&2`,
    'elif [ "$rc" -ne 0 ]; then',
    `  echo "cloud-init failed on ${vm.name}; last lines of its log:" >&2`,
    `  multipass exec ${n} -- sudo tail -n 40 /var/log/cloud-init-output.log >&2 || true`,
    "  exit 1",
    "fi",
    `multipass info ${n} --format json`,
    "",
  ].join("\n");
}

/** Removes the VM and its disk; succeeds when it is already gone (destroy after a manual delete). */
export function deleteScript(name: string): string {
  const n = sh(name);
  return ["set -euo pipefail", `if multipass info ${n} >/dev/null 2>&1; then`, `  multipass delete --purge ${n}`, "fi", ""].join("\n");
}

/** Runs a root script (given on stdin) inside the VM. */
export function execScript(name: string): string {
  return `multipass exec ${sh(name)} -- sudo bash -s`;
}

/** The VM's first IPv4 address from `multipass info <name> --format json`. */
export function parseMultipassIpv4(json: string, name: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new Error(`multipass info for ${name} is not JSON: ${json.slice(0, 200)}`);
  }
  const info = (doc as { info?: Record<string, { ipv4?: unknown }> }).info?.[name];
  const ipv4 = Array.isArray(info?.ipv4) ? (info.ipv4 as unknown[]) : [];
  const first = ipv4.find((a): a is string => typeof a === "string" && a !== "");
  if (first === undefined) throw new Error(`multipass reports no IPv4 address for VM ${name}; check "multipass info ${name}"`);
  return first;
}
