/**
 * IPPool, BGPPeer, BGPConfiguration and BGPFilter: the CEL rules (`x-kubernetes-validations`) of their
 * v3.32.1 CRDs (projectcalico/calico api/config/crd/projectcalico.org_{ippools,bgppeers,
 * bgpconfigurations,bgpfilters}.yaml), plus selector and CIDR syntax. The two IPPool transition rules
 * (`self == oldSelf` on cidr and blockSize: "cannot be changed") compare with the stored object and
 * cannot be judged from one manifest; `diff` reports such changes instead.
 */
import { type Cidr, formatCidr, parseCidr, parseIp } from "../net.js";
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
  if (spec.cidr === "") {
    // validateIPPoolSpec; the CRD's `required` is satisfied by an empty string.
    r.add("spec.cidr", spec.cidr, "IPPool CIDR must be specified", "e.g. 192.168.0.0/16");
  }
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

/** validator processIPPort: `<IP>`, `<IPv4>:<port>` or `[<IPv6>]:<port>`; returns the address part. */
export function parsePeerIP(text: string): { ip: string; port?: number } | undefined {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+):(\d+)$/.exec(text);
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(text);
  let host = text;
  let port: number | undefined;
  if (v4 !== null || v6 !== null) {
    const portText = v4 !== null ? (v4[5] ?? "") : (v6?.[2] ?? "");
    host = v4 !== null ? text.slice(0, text.lastIndexOf(":")) : (v6?.[1] ?? "");
    port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  }
  if (parseIp(host) === undefined) return undefined;
  return port === undefined ? { ip: host } : { ip: host, port };
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function validateBGPPeer(spec: BGPPeerSpec, r: Reporter): void {
  if (set(spec.node) && !NAME.test(spec.node ?? "")) {
    r.add("spec.node", spec.node, "node must be a lower-case DNS name (the node's name)", "use the Kubernetes node name");
  }
  const filters = Array.isArray(spec.filters) ? (spec.filters as unknown[]) : [];
  filters.forEach((f, i) => {
    if (typeof f === "string" && !NAME.test(f)) r.add(`spec.filters[${i}]`, f, "filter name must be a lower-case DNS name", "name a BGPFilter resource");
  });
  let peer: { ip: string } | undefined;
  if (set(spec.peerIP)) {
    peer = parsePeerIP(spec.peerIP ?? "");
    if (peer === undefined) {
      r.add("spec.peerIP", spec.peerIP, "peerIP must be <IP>, <IPv4>:<port> or [<IPv6>]:<port>", 'e.g. 192.0.2.10, 192.0.2.10:179 or "[2001:db8::1]:179"');
    }
  }
  const reachableBy = typeof spec.reachableBy === "string" ? spec.reachableBy : "";
  if (reachableBy !== "") {
    const via = parseIp(reachableBy);
    if (!set(spec.peerIP)) {
      r.add("spec.reachableBy", reachableBy, "ReachablyBy field must be empty when PeerIP is empty", "set peerIP, or drop reachableBy");
    } else if (via === undefined) {
      r.add("spec.reachableBy", reachableBy, "ReachableBy is invalid address", "write the gateway's IP address");
    } else if (peer !== undefined && parseIp(peer.ip)?.version !== via.version) {
      r.add("spec.reachableBy", reachableBy, "ReachableBy and PeerIP address family mismatched", "use a gateway of the peer's IP family");
    }
  }
  if (spec.keepOriginalNextHop === true && spec.nextHopMode !== undefined) {
    r.add("spec.keepOriginalNextHop", true, "The KeepOriginalNextHop field is deprecated. It must not be set to true when NextHopMode is configured.", "use nextHopMode: Keep instead");
  }
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

const STANDARD_COMMUNITY = /^(\d+):(\d+)$/;
const LARGE_COMMUNITY = /^(\d+):(\d+):(\d+)$/;

/** A BGP community `aa:nn` (16-bit parts) or large community `aa:nn:mm` (32-bit parts); undefined when not one. */
function communityProblem(v: string): string | undefined | "not-a-community" {
  const std = STANDARD_COMMUNITY.exec(v);
  const large = LARGE_COMMUNITY.exec(v);
  if (std === null && large === null) return "not-a-community";
  const max = std !== null ? 0xffff : 0xffffffff;
  const parts = (std ?? large ?? []).slice(1);
  return parts.every((p) => Number(p) <= max) ? undefined : `invalid community value, expected ${std !== null ? 16 : 32} bit value`;
}

function strictNet(text: string): boolean {
  const c = parseCidr(text);
  return c !== undefined && !c.hostBitsSet;
}

export function validateBGPConfiguration(spec: BGPConfigurationSpec, r: Reporter): void {
  // `omitempty,logLevel` on a plain string: "" skips the check (and the CRD pattern allows it). Case-sensitive
  // although the CRD pattern is `^(?i)(...)$`: the API server applies libcalico-go's logLevel regex, which is not.
  if (typeof spec.logSeverityScreen === "string" && spec.logSeverityScreen !== "" && !/^(Trace|Debug|Info|Warning|Error|Fatal)$/.test(spec.logSeverityScreen)) {
    r.add("spec.logSeverityScreen", spec.logSeverityScreen, "invalid logSeverityScreen", "use Trace, Debug, Info, Warning, Error or Fatal (case-sensitive)");
  }
  if (typeof spec.listenPort === "number" && spec.listenPort <= 0) {
    r.add("spec.listenPort", spec.listenPort, "listenPort must be greater than 0", "BGP listens on 179 by default");
  }
  const ignored = Array.isArray(spec.ignoredInterfaces) ? (spec.ignoredInterfaces as unknown[]) : [];
  ignored.forEach((n, i) => {
    if (typeof n === "string" && (n === "*" || !/^[a-zA-Z0-9_.*-]{1,15}$/.test(n))) {
      r.add(`spec.ignoredInterfaces[${i}]`, n, "invalid ignored interface", "an interface name or pattern (1-15 of [a-zA-Z0-9_.*-]), not *");
    }
  });
  for (const [field, version] of [["localWorkloadPeeringIPV4", 4], ["localWorkloadPeeringIPV6", 6]] as const) {
    const v = spec[field];
    if (typeof v === "string" && v !== "" && parseIp(v)?.version !== version) {
      r.add(`spec.${field}`, v, `${field} must be an IPv${version} address`, `write an IPv${version} address`);
    }
  }
  for (const field of ["serviceClusterIPs", "serviceExternalIPs", "serviceLoadBalancerIPs"] as const) {
    const list = Array.isArray(spec[field]) ? (spec[field] as { cidr?: unknown }[]) : [];
    list.forEach((b, i) => {
      if (typeof b.cidr === "string" && !strictNet(b.cidr)) {
        r.add(`spec.${field}[${i}].cidr`, b.cidr, "invalid CIDR: must be a strictly masked network or an address", "e.g. 10.96.0.0/12");
      }
    });
  }
  const communities = Array.isArray(spec.communities) ? (spec.communities as { name?: string; value?: string }[]) : [];
  communities.forEach((c, i) => {
    // Community.Name and .Value carry `validate:"required"` (the CRD does not require them).
    if (c.name === undefined || c.name === "") {
      r.add(`spec.communities[${i}].name`, c.name, "community name is required", "name the community so prefixAdvertisements can refer to it");
    }
    if (c.value === undefined) {
      r.add(`spec.communities[${i}].value`, c.value, "community value is required", "write aa:nn (16-bit numbers) or aa:nn:mm (32-bit numbers)");
    }
    if (typeof c.name === "string" && c.name !== "" && !NAME.test(c.name)) {
      r.add(`spec.communities[${i}].name`, c.name, "community name must be a lower-case DNS name", "e.g. my-community");
    }
    if (typeof c.value === "string") {
      const p = communityProblem(c.value);
      if (p !== undefined) {
        r.add(`spec.communities[${i}].value`, c.value, p === "not-a-community" ? "invalid community value or format used." : p, "write aa:nn (16-bit numbers) or aa:nn:mm (32-bit numbers)");
      }
    }
  });
  const adverts = Array.isArray(spec.prefixAdvertisements) ? (spec.prefixAdvertisements as { cidr?: string; communities?: string[] }[]) : [];
  if (adverts.length === 0 && communities.length > 0) {
    r.add("spec.communities", communities, "communities are defined but not used in Spec.PrefixAdvertisement[].", "reference them from prefixAdvertisements, or remove them");
  }
  adverts.forEach((a, i) => {
    // PrefixAdvertisement.CIDR and .Communities carry `validate:"required"`: a missing list fails, an
    // empty one (non-nil in Go) passes.
    if (a.cidr === undefined || a.cidr === "") {
      r.add(`spec.prefixAdvertisements[${i}].cidr`, a.cidr, "prefix advertisement cidr is required", "e.g. 192.168.0.0/16");
    }
    if (a.communities === undefined) {
      r.add(`spec.prefixAdvertisements[${i}].communities`, undefined, "prefix advertisement communities are required", "list community names or aa:nn values to attach");
    }
    if (typeof a.cidr === "string" && a.cidr !== "" && parseCidr(a.cidr) === undefined) {
      r.add(`spec.prefixAdvertisements[${i}].cidr`, a.cidr, "invalid CIDR value.", "e.g. 192.168.0.0/16");
    }
    (a.communities ?? []).forEach((v, j) => {
      const p = communityProblem(v);
      if (p === "not-a-community" && !communities.some((c) => c.name === v)) {
        r.add(`spec.prefixAdvertisements[${i}].communities[${j}]`, v, "community used is invalid or not defined.", "use aa:nn, aa:nn:mm or the name of a community in spec.communities");
      } else if (p !== undefined && p !== "not-a-community") {
        r.add(`spec.prefixAdvertisements[${i}].communities[${j}]`, v, p, "write aa:nn (16-bit numbers) or aa:nn:mm (32-bit numbers)");
      }
    });
  });
  const meshOff = spec.nodeToNodeMeshEnabled === false;
  if (meshOff && spec.nodeMeshPassword !== undefined) {
    r.add("spec.nodeMeshPassword", undefined, "nodeMeshPassword cannot be set when nodeToNodeMeshEnabled is false", "drop nodeMeshPassword, or enable the node-to-node mesh");
  }
  if (meshOff && spec.nodeMeshMaxRestartTime !== undefined) {
    r.add("spec.nodeMeshMaxRestartTime", spec.nodeMeshMaxRestartTime, "nodeMeshMaxRestartTime cannot be set when nodeToNodeMeshEnabled is false", "drop nodeMeshMaxRestartTime, or enable the node-to-node mesh");
  }
}

function checkFilterRule(rule: BGPFilterRule, path: string, r: Reporter, version: 4 | 6): void {
  if (set(rule.cidr)) {
    const c = parseCidr(rule.cidr ?? "");
    if (c !== undefined && (c.version !== version || c.hostBitsSet)) {
      r.add(`${path}.cidr`, rule.cidr, `cidr must be a strictly masked IPv${version} network`, c.version !== version ? `put IPv${c.version} networks in the ${c.version === 4 ? "V4" : "V6"} lists` : `did you mean ${formatCidr(c)}?`);
    }
  }
  if (typeof rule.interface === "string" && rule.interface !== "*" && !/^[a-zA-Z0-9_.*-]{1,15}$/.test(rule.interface)) {
    r.add(`${path}.interface`, rule.interface, "invalid interface", "an interface name or pattern (1-15 of [a-zA-Z0-9_.*-]) or *");
  }
  (rule.operations ?? []).forEach((op, i) => {
    const o = (typeof op === "object" && op !== null ? op : {}) as Record<string, unknown>;
    const n = ["addCommunity", "prependASPath", "setPriority"].filter((k) => o[k] !== undefined).length;
    if (n !== 1) r.add(`${path}.operations[${i}]`, op, "exactly one operation must be set", "set one of addCommunity, prependASPath or setPriority per item");
  });
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
    (spec[list] ?? []).forEach((rule, i) => checkFilterRule(rule, `spec.${list}[${i}]`, r, list.endsWith("V4") ? 4 : 6));
  }
}
