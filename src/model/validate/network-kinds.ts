/**
 * IPPool, BGPPeer, BGPConfiguration and BGPFilter: the CEL rules (`x-kubernetes-validations`) of their
 * v3.32.1 CRDs (projectcalico/calico api/config/crd/projectcalico.org_{ippools,bgppeers,
 * bgpconfigurations,bgpfilters}.yaml), plus selector and CIDR syntax. The two IPPool transition rules
 * (`self == oldSelf` on cidr and blockSize: "cannot be changed") compare with the stored object and
 * cannot be judged from one manifest; `diff` reports such changes instead.
 */
import { parseCidr } from "../net.js";
import { type BGPConfigurationSpec, type BGPFilterRule, type BGPFilterSpec, type BGPPeerSpec, type IPPoolSpec } from "../resources/calico-network.js";
import { type Reporter } from "./context.js";
import { checkSelector } from "./selectors.js";

const set = (s: string | undefined): boolean => s !== undefined && s !== "";
const enabled = (mode: string | undefined): boolean => mode !== undefined && mode !== "" && mode !== "Never";

export function validateIPPool(spec: IPPoolSpec, r: Reporter): void {
  if (typeof spec.cidr === "string" && spec.cidr !== "" && parseCidr(spec.cidr) === undefined) {
    r.add("spec.cidr", spec.cidr, "IPPool CIDR must be a valid subnet", "e.g. 192.168.0.0/16");
  }
  checkSelector(spec.nodeSelector, "spec.nodeSelector", r);
  checkSelector(spec.namespaceSelector, "spec.namespaceSelector", r);
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
