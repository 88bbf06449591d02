/**
 * IPPool, BGPPeer, BGPConfiguration and BGPFilter: the CEL rules (`x-kubernetes-validations`) of their
 * v3.32.1 CRDs (projectcalico/calico api/config/crd/projectcalico.org_{ippools,bgppeers,
 * bgpconfigurations,bgpfilters}.yaml), plus selector and CIDR syntax. The two IPPool transition rules
 * (`self == oldSelf` on cidr and blockSize: "cannot be changed") compare with the stored object and
 * cannot be judged from one manifest; `diff` reports such changes instead.
 */
import { type Cidr, formatCidr, parseCidr } from "../net.js";
import { type BGPConfigurationSpec, type BGPFilterRule, type BGPFilterSpec, type BGPPeerSpec, type IPPoolSpec } from "../resources/calico-network.js";
import { type Reporter } from "./context.js";
import { checkSelector } from "./selectors.js";

const set = (s: string | undefined): boolean => s !== undefined && s !== "";
const enabled = (mode: string | undefined): boolean => mode !== undefined && mode !== "" && mode !== "Never";

const V4_LINK_LOCAL = parseCidr("169.254.0.0/16");
const V6_LINK_LOCAL = parseCidr("fe80::/10");

function overlaps(a: Cidr, b: Cidr | undefined): boolean {
  return b !== undefined && a.version === b.version && a.first <= b.last && b.first <= a.last;
}

/** IPPool: validateIPPoolSpec (libcalico-go validator.go) and the CRD CEL rules. */
export function validateIPPool(spec: IPPoolSpec, r: Reporter): void {
  let cidr: Cidr | undefined;
  if (typeof spec.cidr === "string" && spec.cidr !== "") {
    cidr = parseCidr(spec.cidr);
    if (cidr === undefined) {
      r.add("spec.cidr", spec.cidr, "IPPool CIDR must be a valid subnet", "e.g. 192.168.0.0/16");
    } else {
      if (cidr.hostBitsSet) {
        r.add("spec.cidr", spec.cidr, "IP pool CIDR is not strictly masked", `did you mean ${formatCidr(cidr)}?`);
      }
      if (overlaps(cidr, V4_LINK_LOCAL)) {
        r.add("spec.cidr", spec.cidr, "IP pool range overlaps with IPv4 Link Local range 169.254.0.0/16", "pick a pool outside 169.254.0.0/16");
      }
      if (overlaps(cidr, V6_LINK_LOCAL)) {
        r.add("spec.cidr", spec.cidr, "IP pool range overlaps with IPv6 Link Local range fe80::/10", "pick a pool outside fe80::/10");
      }
      const blockSize = spec.blockSize ?? (cidr.version === 4 ? 26 : 122);
      if (spec.disabled !== true && cidr.prefix > blockSize) {
        r.add("spec.cidr", spec.cidr, "IP pool size is too small for use with Calico IPAM. It must be equal to or greater than the block size.", `use a pool of /${blockSize} or larger, or a smaller blockSize`);
      }
    }
  }
  checkSelector(spec.nodeSelector, "spec.nodeSelector", r);
  checkSelector(spec.namespaceSelector, "spec.namespaceSelector", r);
  if (spec.nodeSelector?.includes("global(") === true) {
    r.add("spec.nodeSelector", spec.nodeSelector, "global() selector is not valid for IPPool nodeSelector - use all() instead", "write nodeSelector: all()");
  }
  if (spec.namespaceSelector?.includes("global(") === true) {
    r.add("spec.namespaceSelector", spec.namespaceSelector, "global() selector is not valid for IPPool namespaceSelector - use all() instead", "write namespaceSelector: all()");
  }
  if (enabled(spec.ipipMode) && enabled(spec.vxlanMode)) {
    r.add("spec", undefined, "ipipMode and vxlanMode cannot both be enabled", "set one of them to Never");
  }
  const uses = spec.allowedUses ?? [];
  const lb = uses.includes("LoadBalancer");
  if (lb && (enabled(spec.ipipMode) || enabled(spec.vxlanMode))) {
    r.add("spec", undefined, "LoadBalancer IP pool cannot have IPIP or VXLAN enabled", "set ipipMode and vxlanMode to Never on a LoadBalancer pool");
  }
  if (lb && (uses.includes("Workload") || uses.includes("Tunnel"))) {
    r.add("spec.allowedUses", uses, "LoadBalancer cannot be combined with Workload or Tunnel allowed uses", "make a separate pool for LoadBalancer addresses");
  }
  if (lb && spec.disableBGPExport === true) {
    r.add("spec.disableBGPExport", true, "IP Pool with AllowedUse LoadBalancer must not have disableBGPExport set", "LoadBalancer addresses are advertised over BGP; drop disableBGPExport");
  }
  if (lb && spec.nodeSelector !== undefined && spec.nodeSelector !== "all()") {
    r.add("spec.nodeSelector", spec.nodeSelector, "IP Pool with AllowedUse LoadBalancer must have node selector set to all()", "write nodeSelector: all() or drop it");
  }
  if (uses.includes("Tunnel") && set(spec.namespaceSelector)) {
    r.add("spec.namespaceSelector", spec.namespaceSelector, "IP Pool with AllowedUse Tunnel cannot have namespaceSelector specified - tunnel IPs are not namespaced resources", "drop namespaceSelector");
  }
  if (typeof spec.cidr === "string" && spec.cidr.includes(":") && enabled(spec.ipipMode)) {
    r.add("spec.ipipMode", spec.ipipMode, "IPIP is not supported on IPv6 pools", "use vxlanMode for IPv6 pools, or ipipMode: Never");
  }
}

export function validateBGPPeer(spec: BGPPeerSpec, r: Reporter): void {
  checkSelector(spec.nodeSelector, "spec.nodeSelector", r);
  checkSelector(spec.peerSelector, "spec.peerSelector", r);
  checkSelector(spec.localWorkloadSelector, "spec.localWorkloadSelector", r);
  if (set(spec.node) && set(spec.nodeSelector)) {
    r.add("spec", undefined, "node and nodeSelector cannot both be set", "peer from one node (node) or from the nodes a selector picks (nodeSelector)");
  }
  if (set(spec.peerIP) && set(spec.peerSelector)) {
    r.add("spec", undefined, "peerIP and peerSelector cannot both be set", "peer with one address (peerIP) or with the nodes a selector picks (peerSelector)");
  }
  if (set(spec.peerSelector) && spec.asNumber !== undefined && spec.asNumber !== 0) {
    r.add("spec.asNumber", spec.asNumber, "asNumber must be empty when peerSelector is set", "selected peers use their own node AS numbers; drop asNumber");
  }
  if (set(spec.localWorkloadSelector)) {
    if (set(spec.peerIP)) r.add("spec.peerIP", spec.peerIP, "peerIP must be empty when localWorkloadSelector is set", "drop peerIP");
    if (set(spec.peerSelector)) r.add("spec.peerSelector", spec.peerSelector, "peerSelector must be empty when localWorkloadSelector is set", "drop peerSelector");
    if (spec.asNumber === undefined || spec.asNumber === 0) {
      r.add("spec.asNumber", spec.asNumber, "asNumber is required when localWorkloadSelector is set", "set the AS number of the workloads");
    }
  }
}

export function validateBGPConfiguration(spec: BGPConfigurationSpec, r: Reporter): void {
  const meshOff = spec.nodeToNodeMeshEnabled === false;
  if (meshOff && spec.nodeMeshPassword !== undefined) {
    r.add("spec.nodeMeshPassword", undefined, "nodeMeshPassword cannot be set when nodeToNodeMeshEnabled is false", "drop nodeMeshPassword, or enable the node-to-node mesh");
  }
  if (meshOff && spec.nodeMeshMaxRestartTime !== undefined) {
    r.add("spec.nodeMeshMaxRestartTime", spec.nodeMeshMaxRestartTime, "nodeMeshMaxRestartTime cannot be set when nodeToNodeMeshEnabled is false", "drop nodeMeshMaxRestartTime, or enable the node-to-node mesh");
  }
}

function checkFilterRule(rule: BGPFilterRule, path: string, r: Reporter): void {
  const hasCidr = set(rule.cidr);
  const hasOp = set(rule.matchOperator);
  if (hasCidr !== hasOp) {
    r.add(path, undefined, "cidr and matchOperator must both be set or both be empty", hasCidr ? "add matchOperator (Equal, NotEqual, In, NotIn)" : "add the cidr the operator applies to");
  }
  if (rule.prefixLength !== undefined && !hasCidr) {
    r.add(`${path}.prefixLength`, rule.prefixLength, "cidr is required when prefixLength is set", "add cidr and matchOperator");
  }
  if ((rule.operations?.length ?? 0) > 0 && rule.action !== "Accept") {
    r.add(`${path}.operations`, rule.operations, "operations may only be used with action Accept", "use action: Accept, or drop operations");
  }
  if (hasCidr && parseCidr(rule.cidr ?? "") === undefined) {
    r.add(`${path}.cidr`, rule.cidr, "invalid CIDR", "e.g. 10.0.0.0/8");
  }
}

export function validateBGPFilter(spec: BGPFilterSpec, r: Reporter): void {
  for (const list of ["exportV4", "importV4", "exportV6", "importV6"] as const) {
    (spec[list] ?? []).forEach((rule, i) => checkFilterRule(rule, `spec.${list}[${i}]`, r));
  }
}
