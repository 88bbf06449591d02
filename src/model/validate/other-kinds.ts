/**
 * Tier, NetworkSet, GlobalNetworkSet, HostEndpoint, FelixConfiguration, KubeControllersConfiguration and
 * the operator kinds. Sources (projectcalico/calico unless noted):
 * - libcalico-go/lib/validator/v3/validator.go: validateTier, validateNetworkSet, validateGlobalNetworkSet,
 *   validateHostEndpointSpec, validateEndpointPort, validateFelixConfigSpec, field validators `cidr`, `ip`,
 *   `interface`, `prometheusHost`, `createDefaultHostEndpoint`;
 * - api/pkg/apis/projectcalico/v3/tier.go (reserved tier orders per version);
 * - api/config/crd/*.yaml and charts/projectcalico.org.v3/templates/operator.tigera.io_*.yaml (v3.32.1): CEL rules;
 * - tigera/operator pkg/controller/installation/validation.go: Installation checks we rely on.
 */
import { parseCidr, parseIp } from "../net.js";
import { parseCalicoPort, parseProtocol, portNameErrors, protocolSupportsPorts } from "../ports.js";
import { type TierSpec } from "../resources/calico-policy.js";
import {
  type FelixConfigurationSpec,
  type HostEndpointSpec,
  type KubeControllersConfigurationSpec,
  type IPReservationSpec,
  type NetworkSetSpec,
} from "../resources/calico-other.js";
import { type ObjectMeta } from "../resources/meta.js";
import { isPlainObject } from "../resources/shape.js";
import { type InstallationSpec } from "../resources/operator.js";
import { atLeast, DNS1123_LABEL_MAX, isDns1123Label, isDns1123Subdomain, type Reporter, sanitizeName } from "./context.js";
import { validateFelixFields } from "./felix.js";
import { validateLabels } from "./meta.js";
import { RENAMED_TIER } from "./policy.js";
import { checkSelector } from "./selectors.js";

interface ReservedTier {
  readonly name: string;
  readonly order: number;
  /** Default action the 3.32 CRD requires (CEL); the CRD defaults an unset defaultAction to Deny. */
  readonly defaultAction?: "Deny" | "Pass";
}

/** The tiers Calico creates itself, with the order its validator insists on, per minor. */
export function reservedTiers(version: Reporter["version"]): readonly ReservedTier[] {
  const tiers: ReservedTier[] = [
    { name: "default", order: 1_000_000, ...(atLeast(version, "3.32") ? { defaultAction: "Deny" as const } : {}) },
  ];
  if (atLeast(version, "3.32")) {
    tiers.push({ name: "kube-admin", order: 1_000, defaultAction: "Pass" });
    tiers.push({ name: "kube-baseline", order: 10_000_000, defaultAction: "Pass" });
  } else {
    tiers.push({ name: "adminnetworkpolicy", order: 1_000 });
    if (atLeast(version, "3.30")) tiers.push({ name: "baselineadminnetworkpolicy", order: 10_000_000 });
  }
  return tiers;
}

export function validateTier(meta: ObjectMeta, spec: TierSpec, r: Reporter): void {
  const name = meta.name;
  if (name === undefined || name === "") return;
  if (name.length > DNS1123_LABEL_MAX) {
    r.add("metadata.name", name, `name is too long by ${name.length - DNS1123_LABEL_MAX} bytes`, "tier names are at most 63 characters (they are used as label values)");
  } else if (!isDns1123Label(name)) {
    r.add(
      "metadata.name",
      name,
      "name must consist of lower case alphanumeric characters or '-' (regex: [a-z0-9]([-a-z0-9]*[a-z0-9])?)",
      name.includes(".")
        ? `tier names cannot contain dots (they prefix policy names): did you mean "${sanitizeName(name.replace(/\./g, "-"), false)}"?`
        : `did you mean "${sanitizeName(name, false)}"?`,
    );
  }
  if (name === RENAMED_TIER.from && atLeast(r.version, "3.32")) r.add("metadata.name", name, RENAMED_TIER.message, RENAMED_TIER.tierHint);
  const reserved = reservedTiers(r.version).find((t) => t.name === name);
  if (reserved === undefined) return;
  if (spec.order !== reserved.order) {
    r.add(
      "spec.order",
      spec.order,
      `${name} tier order must be ${reserved.order}`,
      `"${name}" is a tier Calico manages; set order: ${reserved.order} or pick another tier name for your own policies`,
    );
  }
  if (reserved.defaultAction !== undefined && (spec.defaultAction ?? "Deny") !== reserved.defaultAction) {
    r.add(
      "spec.defaultAction",
      spec.defaultAction,
      `The '${name}' tier must have default action '${reserved.defaultAction}'`,
      `set defaultAction: ${reserved.defaultAction}`,
    );
  }
}

export function validateNetworkSet(meta: ObjectMeta, spec: NetworkSetSpec, r: Reporter): void {
  if (meta.labels !== undefined && Object.prototype.hasOwnProperty.call(meta.labels, "projectcalico.org/namespace")) {
    r.add(
      "metadata.labels.projectcalico.org/namespace",
      "projectcalico.org/namespace",
      "projectcalico.org/namespace is not a valid label name",
      "Calico sets this label itself; select a namespaced network set with namespaceSelector instead",
    );
  }
  (spec.nets ?? []).forEach((n, i) => {
    // The `cidr` field validator: a CIDR (host bits allowed) or a bare address. go-playground's validator
    // skips custom tags on an empty string (`omitempty,dive,cidr`), so Calico accepts "" here, unlike in
    // a rule's nets where validateRule rejects it (checked against v3.32.1 by differential testing).
    if (n !== "" && parseCidr(n) === undefined) {
      r.add(`spec.nets[${i}]`, n, "invalid CIDR or IP address", "write an IPv4/IPv6 address or network, e.g. 192.0.2.0/24 or 2001:db8::/32");
    }
  });
}

/**
 * IPReservation `reservedCIDRs`: `validate:"cidrs,omitempty"` (projectcalico/api ipreservation.go), libcalico-go's
 * validateCIDRs: every entry a CIDR (host bits allowed) or an address (cnet.ParseCIDROrIP). The tag runs on the
 * list, not on each item (no `dive`), so an empty string is not skipped and is rejected.
 */
export function validateIPReservation(spec: IPReservationSpec, r: Reporter): void {
  (spec.reservedCIDRs ?? []).forEach((n, i) => {
    if (typeof n === "string" && parseCidr(n) === undefined) {
      r.add(`spec.reservedCIDRs[${i}]`, n, "invalid CIDR or IP address", "write an IPv4/IPv6 address or network, e.g. 10.0.0.10 or 192.0.2.0/28");
    }
  });
}

const INTERFACE_NAME = /^[a-zA-Z0-9_.-]{1,15}$/;

export function validateHostEndpoint(spec: HostEndpointSpec, r: Reporter): void {
  if (spec.node === undefined || spec.node === "") {
    r.add("spec.node", spec.node, "node must be specified", "set spec.node to the Kubernetes node name the endpoint belongs to");
  } else if (!isDns1123Subdomain(spec.node)) {
    r.add("spec.node", spec.node, "node must be a lower-case DNS name (the node's name)", `did you mean "${sanitizeName(spec.node, true)}"?`);
  }
  const hasIface = spec.interfaceName !== undefined && spec.interfaceName !== "";
  const hasIps = (spec.expectedIPs?.length ?? 0) > 0;
  if (!hasIface && !hasIps) {
    r.add(
      "spec.interfaceName",
      spec.interfaceName,
      "at least one of interfaceName or expectedIPs must be specified",
      'set interfaceName (e.g. eth0, or "*" for all interfaces) and/or expectedIPs',
    );
  }
  if (hasIface && spec.interfaceName !== "*" && !INTERFACE_NAME.test(spec.interfaceName ?? "")) {
    r.add("spec.interfaceName", spec.interfaceName, "invalid interface name", 'use a Linux interface name (1-15 of [a-zA-Z0-9_.-]) or "*" for all interfaces');
  }
  (spec.expectedIPs ?? []).forEach((ip, i) => {
    if (parseIp(ip) === undefined) {
      const c = parseCidr(ip);
      r.add(
        `spec.expectedIPs[${i}]`,
        ip,
        "expectedIPs must be IP addresses",
        c !== undefined ? `drop the prefix length: "${ip.split("/")[0] ?? ip}"` : "write an IPv4 or IPv6 address of the host",
      );
    }
  });
  (spec.profiles ?? []).forEach((p, i) => {
    if (!isDns1123Subdomain(p)) {
      r.add(`spec.profiles[${i}]`, p, "profile name must be a lower-case DNS name", "e.g. projectcalico-default-allow");
    }
  });
  (spec.ports ?? []).forEach((port, i) => {
    const path = `spec.ports[${i}]`;
    const errs = portNameErrors(port.name ?? "");
    if (errs.length > 0) {
      r.add(`${path}.name`, port.name, `invalid port name: ${errs.join("; ")}`, "a port name is 1-15 lower-case letters, digits and '-', with at least one letter");
    }
    if (port.protocol !== undefined) {
      const proto = parseProtocol(port.protocol, `${path}.protocol`);
      r.addAll(proto.problems);
      if (proto.value !== undefined && !protocolSupportsPorts(proto.value)) {
        r.add(`${path}.protocol`, port.protocol, "EndpointPort protocol does not support ports.", "use TCP, UDP or SCTP");
      }
    }
  });
}

export function validateFelixConfiguration(meta: ObjectMeta, spec: FelixConfigurationSpec, r: Reporter): void {
  const name = meta.name ?? "";
  if ((name === "default" || name.startsWith("node.")) && spec.nodeSelector !== undefined) {
    r.add(
      "spec.nodeSelector",
      spec.nodeSelector,
      "nodeSelector must not be set on the 'default' or per-node ('node.*') FelixConfiguration",
      "remove nodeSelector, or give this configuration its own name",
    );
  }
  if (spec.routeTableRange !== undefined && spec.routeTableRanges !== undefined) {
    r.add("spec.routeTableRanges", spec.routeTableRanges, "routeTableRange and routeTableRanges cannot both be set", "keep only routeTableRanges");
  }
  if (typeof spec.nodeSelector === "string") checkSelector(spec.nodeSelector, "spec.nodeSelector", r);
  validateFelixFields(spec, r);
  for (const field of ["failsafeInboundHostPorts", "failsafeOutboundHostPorts"] as const) {
    (spec[field] ?? []).forEach((pp, i) => {
      if (pp.protocol !== undefined && pp.protocol !== "TCP" && pp.protocol !== "UDP" && pp.protocol !== "SCTP") {
        r.add(`spec.${field}[${i}].protocol`, pp.protocol, "protocol must be 'TCP' or 'UDP' or 'SCTP'.", "failsafe ports are TCP, UDP or SCTP");
      }
      if (pp.net !== undefined && pp.net !== "" && parseCidr(pp.net) === undefined) {
        r.add(`spec.${field}[${i}].net`, pp.net, "invalid CIDR", "write a network such as 10.0.0.0/8");
      }
    });
  }
  const ranges = spec.kubeNodePortRanges;
  if (Array.isArray(ranges) && ranges.length > 7) {
    r.add("spec.kubeNodePortRanges", ranges, "node port ranges list is too long (max 7)", "merge ranges; iptables multiport accepts at most 15 ports");
  }
  validateFelixSpecStruct(spec, r);
}

/** A Go `time.Duration` text (`-1ns`, `-1m30s`) that is below zero: a leading `-` and some non-zero digit. */
function isNegativeDuration(v: unknown): boolean {
  return typeof v === "string" && v.startsWith("-") && /[1-9]/.test(v);
}

const HEALTH_OVERRIDE_NAME = /^[a-zA-Z0-9_ -]+$/;
/** Felix's `RouteTableRanges` may designate at most 0xffff tables in total; each index fits in a uint32. */
const ROUTE_TABLES_MAX = 0xffff;
const ROUTE_TABLE_INDEX_MAX = 0xffffffff;
/** OpenStack region names become namespace names `openstack-region-<region>` (a DNS-1123 label, <= 63). */
const OPENSTACK_REGION_MAX = DNS1123_LABEL_MAX - "openstack-region-".length;

/**
 * The struct-level rules of libcalico-go validator.go `validateFelixConfigSpec`, `validateRouteTableRange`,
 * `validateRouteTableIDRange` and `validateHealthTimeoutOverride` (v3.32.1), for the fields the CRD only
 * types loosely.
 */
function validateFelixSpecStruct(spec: FelixConfigurationSpec, r: Reporter): void {
  if (spec.bpfExportBufferSizeMB !== undefined && spec.bpfExportBufferSizeMB !== null && atLeast(r.version, "3.30")) {
    // felixconfig.go (3.30.x-3.32.1) tags this *int field `cidrs`, whose validator type-asserts []string:
    // any value panics in validator.Validate, so the Calico API server and calicoctl fail the request
    // (differential testing against v3.32.1). Only native-v3-CRD mode (3.32) would store it.
    r.add(
      "spec.bpfExportBufferSizeMB",
      spec.bpfExportBufferSizeMB,
      "Calico's validator crashes on bpfExportBufferSizeMB (upstream bug: the field is tagged as a CIDR list), so the API server rejects any value",
      "leave bpfExportBufferSizeMB unset (Felix uses its default)",
    );
  }
  const ranges = spec.kubeNodePortRanges;
  if (Array.isArray(ranges)) {
    ranges.forEach((p, i) => {
      // numorstring.Port: a number or "a:b" is numeric; any other string is a port name.
      if (typeof p === "string" && !/^[0-9]+(:[0-9]+)?$/.test(p)) {
        r.add(`spec.kubeNodePortRanges[${i}]`, p, "node port ranges should not contain named ports", "write a port number or a range such as 30000:32767");
      }
    });
  }
  // numorstring.Port values get validator.go validatePort (1-65535, min <= max, port names) wherever they
  // sit: natPortRange and bpfPSNATPorts directly, kubeNodePortRanges per item (`dive`).
  for (const field of ["natPortRange", "bpfPSNATPorts"] as const) {
    if (spec[field] !== undefined) r.addAll(parseCalicoPort(spec[field], `spec.${field}`).problems);
  }
  if (Array.isArray(ranges)) {
    ranges.forEach((p, i) => {
      const parsed = parseCalicoPort(p, `spec.kubeNodePortRanges[${i}]`);
      if (parsed.value?.kind !== "named") r.addAll(parsed.problems);
    });
  }
  // numorstring.DSCP decodes a number into a uint8 (the validator checks nothing more; Felix limits it to 0-63).
  const dscp = spec.istioDSCPMark;
  if (typeof dscp === "number" && Number.isInteger(dscp) && (dscp < 0 || dscp > 255)) {
    r.add("spec.istioDSCPMark", dscp, `value ${dscp} does not fit the field's Go type uint8 (0 to 255)`, "use a DSCP value from 0 to 63 or a class name such as AF11");
  }
  const ext = spec.externalNodesList;
  if (Array.isArray(ext)) {
    ext.forEach((c, i) => {
      if (typeof c !== "string") return;
      const parsed = parseCidr(c);
      if (parsed === undefined) {
        r.add(`spec.externalNodesList[${i}]`, c, "externalNodesList has an invalid CIDR", "write an IPv4 address or CIDR such as 192.0.2.0/24");
      } else if (parsed.version !== 4) {
        r.add(`spec.externalNodesList[${i}]`, c, "externalNodesList only takes IPv4 CIDRs", "write an IPv4 address or CIDR such as 192.0.2.0/24");
      }
    });
  }
  const region = spec.openstackRegion;
  if (typeof region === "string" && region !== "") {
    if (region.length > OPENSTACK_REGION_MAX) {
      r.add("spec.openstackRegion", region, `openstackRegion is too long (at most ${OPENSTACK_REGION_MAX} characters)`, "use a shorter region name");
    } else if (!isDns1123Label(region)) {
      r.add("spec.openstackRegion", region, "openstackRegion must be a valid DNS label", "use lower case letters, digits and '-'");
    }
  }
  for (const [field, version] of [["natOutgoingAddress", 4], ["deviceRouteSourceAddress", 4], ["deviceRouteSourceAddressIPv6", 6]] as const) {
    const v = spec[field];
    // cnet.ParseIP: a plain address, no prefix length.
    if (typeof v === "string" && v !== "" && parseIp(v)?.version !== version) {
      r.add(`spec.${field}`, v, `${field} is not a valid IPv${version} address`, `write a single IPv${version} address without a prefix length`);
    }
  }
  const single = spec.routeTableRange;
  if (isPlainObject(single)) {
    const { min, max } = single;
    if (typeof min === "number" && typeof max === "number" && !(min >= 1 && max >= min && max <= 250)) {
      r.add("spec.routeTableRange", single, "routeTableRange must be a range of route table indices within 1..250", "use min >= 1, max >= min and max <= 250 (or routeTableRanges for more tables)");
    }
  }
  const multi = spec.routeTableRanges;
  if (Array.isArray(multi)) {
    let total = 0;
    multi.forEach((rg: unknown, i) => {
      if (!isPlainObject(rg) || typeof rg.min !== "number" || typeof rg.max !== "number") return;
      const path = `spec.routeTableRanges[${i}]`;
      if (rg.min > rg.max) r.add(path, rg, "routeTableRanges min value cannot be greater than max value", "swap min and max");
      if (rg.min <= 0) r.add(`${path}.min`, rg.min, "routeTableRanges cannot target indices < 1", "start the range at 1 or above");
      if (rg.max > ROUTE_TABLE_INDEX_MAX) r.add(`${path}.max`, rg.max, "routeTableRanges max index too high", `use at most ${ROUTE_TABLE_INDEX_MAX}`);
      total += rg.max - rg.min + 1;
    });
    if (total > ROUTE_TABLES_MAX) {
      r.add("spec.routeTableRanges", multi, `routeTableRanges targets too many tables (${total}; at most ${ROUTE_TABLES_MAX})`, "narrow the ranges");
    }
  }
  const htos = spec.healthTimeoutOverrides;
  if (Array.isArray(htos)) {
    htos.forEach((h: unknown, i) => {
      if (!isPlainObject(h)) return;
      if (typeof h.name === "string" && !HEALTH_OVERRIDE_NAME.test(h.name)) {
        r.add(`spec.healthTimeoutOverrides[${i}].name`, h.name, "health timeout override name must match ^[a-zA-Z0-9_ -]+$", "name a Felix health reporter, e.g. InternalDataplaneMainLoop");
      }
      if (isNegativeDuration(h.timeout)) {
        r.add(`spec.healthTimeoutOverrides[${i}].timeout`, h.timeout, "health timeout override must not be negative", "use a duration such as 30s");
      }
    });
  }
}

export function validateKubeControllersConfiguration(spec: KubeControllersConfigurationSpec, r: Reporter): void {
  const hep = spec.controllers?.node?.hostEndpoint;
  if (hep?.createDefaultHostEndpoint !== undefined && hep.createDefaultHostEndpoint !== "Enabled" && hep.createDefaultHostEndpoint !== "Disabled") {
    r.add(
      "spec.controllers.node.hostEndpoint.createDefaultHostEndpoint",
      hep.createDefaultHostEndpoint,
      "createDefaultHostEndpoint must be Enabled or Disabled",
      "write Enabled or Disabled",
    );
  }
  if (hep?.createDefaultHostEndpoint !== undefined && !atLeast(r.version, "3.30")) {
    r.add("spec.controllers.node.hostEndpoint.createDefaultHostEndpoint", hep.createDefaultHostEndpoint, "createDefaultHostEndpoint needs Calico 3.30 or newer", "remove it, or target Calico 3.30+");
  }
  if (spec.logSeverityScreen !== undefined && !/^(Trace|Debug|Info|Warning|Error|Fatal)$/.test(spec.logSeverityScreen)) {
    // The CRD enum (None...Panic) and the validator's logLevel (Trace...Fatal) overlap in Debug-Fatal.
    r.add("spec.logSeverityScreen", spec.logSeverityScreen, "invalid logSeverityScreen", "use Debug, Info, Warning, Error or Fatal");
  }
  (hep?.templates ?? []).forEach((t, i) => {
    const path = `spec.controllers.node.hostEndpoint.templates[${i}]`;
    if (t.generateName !== undefined && t.generateName !== "" && !isDns1123Subdomain(t.generateName)) {
      r.add(`${path}.generateName`, t.generateName, "generateName must be a lower-case DNS name", `did you mean "${sanitizeName(t.generateName, true)}"?`);
    }
    validateLabels(t.labels, `${path}.labels`, r);
    checkSelector(t.nodeSelector, `${path}.nodeSelector`, r);
    (t.interfaceCIDRs ?? []).forEach((c, j) => {
      if (parseCidr(c) === undefined) r.add(`${path}.interfaceCIDRs[${j}]`, c, "invalid CIDR", "write a network such as 10.0.0.0/8");
    });
    if (t.interfacePattern !== undefined && !atLeast(r.version, "3.31")) {
      r.add(`${path}.interfacePattern`, t.interfacePattern, "interfacePattern needs Calico 3.31 or newer", "remove it, or target Calico 3.31+");
    }
  });
  if (hep?.templates !== undefined && !atLeast(r.version, "3.30")) {
    r.add("spec.controllers.node.hostEndpoint.templates", hep.templates, "host endpoint templates need Calico 3.30 or newer", "remove them, or target Calico 3.30+");
  }
}

/** Operator singletons: the CRDs' CEL rules on metadata.name. */
export const OPERATOR_NAMES: Readonly<Record<"Installation" | "APIServer" | "Goldmane" | "Whisker", readonly string[]>> = {
  Installation: ["default", "tigera-secure", "overlay"],
  APIServer: ["default", "tigera-secure"],
  Goldmane: ["default"],
  Whisker: ["default"],
};

export function validateOperatorName(kind: keyof typeof OPERATOR_NAMES, meta: ObjectMeta, r: Reporter): void {
  const allowed = OPERATOR_NAMES[kind];
  const name = meta.name ?? "";
  if (!allowed.includes(name)) {
    const list = allowed.map((a) => `'${a}'`);
    const joined = list.length === 1 ? list[0] : `${list.slice(0, -1).join(", ")}${list.length > 2 ? "," : ""} or ${list[list.length - 1]}`;
    r.add("metadata.name", meta.name, `resource name must be ${joined}`, `the operator only reads the ${kind} named "default"`);
  }
  if ((kind === "Goldmane" || kind === "Whisker") && !atLeast(r.version, "3.30")) {
    r.add("kind", kind, `${kind} needs Calico 3.30 or newer`, "remove it, or target Calico 3.30+");
  }
}

function checkMetricsPort(v: unknown, path: string, r: Reporter): void {
  if (typeof v === "number" && (v < 1 || v > 65535)) {
    r.add(path, v, "metrics port must be between 1 and 65535", "Felix uses 9091, Typha 9093 by convention");
  }
}

export function validateInstallation(spec: InstallationSpec, r: Reporter): void {
  checkMetricsPort(spec.nodeMetricsPort, "spec.nodeMetricsPort", r);
  checkMetricsPort(spec.typhaMetricsPort, "spec.typhaMetricsPort", r);
  if (typeof spec.nodeMetricsPort === "number" && spec.nodeMetricsPort === spec.typhaMetricsPort) {
    // Felix and Typha are both host-networked: one port cannot serve both.
    r.add("spec.typhaMetricsPort", spec.typhaMetricsPort, "typhaMetricsPort must differ from nodeMetricsPort", "use e.g. nodeMetricsPort: 9091 and typhaMetricsPort: 9093");
  }
  (spec.imagePullSecrets ?? []).forEach((s, i) => {
    if (s.name === undefined || s.name === "") {
      r.add(`spec.imagePullSecrets[${i}].name`, s.name, "image pull secret name is required", "name a Secret in the tigera-operator namespace");
    } else if (!isDns1123Subdomain(s.name)) {
      r.add(`spec.imagePullSecrets[${i}].name`, s.name, "secret name must be a lower-case DNS name", `did you mean "${sanitizeName(s.name, true)}"?`);
    }
  });
  const names = new Set<string>();
  (spec.calicoNetwork?.ipPools ?? []).forEach((pool, i) => {
    const path = `spec.calicoNetwork.ipPools[${i}]`;
    const cidr = typeof pool.cidr === "string" ? parseCidr(pool.cidr) : undefined;
    if (cidr === undefined || !cidr.hadPrefix) {
      r.add(`${path}.cidr`, pool.cidr, "IP pool cidr must be a network in CIDR notation", "e.g. 192.168.0.0/16");
    } else {
      if (cidr.version === 6 && (pool.encapsulation === "IPIP" || pool.encapsulation === "IPIPCrossSubnet")) {
        r.add(`${path}.encapsulation`, pool.encapsulation, "IPIP is not supported on IPv6 pools", "use VXLAN, VXLANCrossSubnet or None for IPv6");
      }
      if (pool.blockSize !== undefined) {
        const bits = cidr.version === 4 ? 32 : 128;
        if (pool.blockSize > bits) {
          r.add(`${path}.blockSize`, pool.blockSize, `blockSize must be at most ${bits} for an IPv${cidr.version} pool`, `the default is ${cidr.version === 4 ? 26 : 122}`);
        } else if (cidr.prefix > pool.blockSize) {
          // The IPPool the operator creates is checked by Calico's validateIPPoolSpec.
          r.add(
            `${path}.cidr`,
            pool.cidr,
            "IP pool size is too small for use with Calico IPAM. It must be equal to or greater than the block size.",
            `use a pool of /${pool.blockSize} or larger, or a blockSize of at least ${cidr.prefix}`,
          );
        }
      }
    }
    if (pool.nodeSelector !== undefined) checkSelector(pool.nodeSelector, `${path}.nodeSelector`, r);
    if (pool.name !== undefined) {
      if (names.has(pool.name)) r.add(`${path}.name`, pool.name, "IP pool names must be unique", "give each pool its own name");
      names.add(pool.name);
    }
  });
}
