/**
 * Calico Rule and EntityRule semantics (projectcalico/calico libcalico-go/lib/validator/v3/validator.go:
 * validateRule, validateEntityRule, validateICMPFields, validatePort, validateProtocol,
 * validateHTTPRule; CRD CEL rules on Rule/ICMPFields in api/config/crd/projectcalico.org_*policies.yaml).
 */
import { type Cidr, formatCidr, parseCidr } from "../net.js";
import {
  type CalicoPort,
  type CalicoProtocol,
  isProtocolName,
  parseCalicoPort,
  parseProtocol,
  protocolSupportsPorts,
} from "../ports.js";
import { type CalicoRule, type EntityRule, type HTTPMatch, type ICMPFields } from "../resources/calico-policy.js";
import { atLeast, isDns1123Subdomain, type Reporter } from "./context.js";
import { validateAnnotations } from "./meta.js";
import { checkGlobalAlone, checkNoGlobal, checkSelector } from "./selectors.js";

export type Direction = "ingress" | "egress";

const PORTS_MSG = "rules that specify ports must set protocol to TCP or UDP or SCTP";
const NUMERIC_PORTS_MSG = "rules with numeric port or port range must set protocol to TCP or UDP or SCTP";

function parsePortList(ports: readonly (number | string)[] | undefined, path: string, r: Reporter): CalicoPort[] {
  const out: CalicoPort[] = [];
  (ports ?? []).forEach((p, i) => {
    const res = parseCalicoPort(p, `${path}[${i}]`);
    r.addAll(res.problems);
    if (res.value !== undefined) out.push(res.value);
  });
  return out;
}

function checkIcmp(icmp: ICMPFields | undefined, path: string, r: Reporter): void {
  if (icmp === undefined) return;
  // Kernel limitation: a code can only be matched together with a type (validateICMPFields; CRD CEL).
  if (icmp.code !== undefined && icmp.type === undefined) {
    r.add(`${path}.code`, icmp.code, "ICMP code specified without an ICMP type", "add the ICMP type the code belongs to (e.g. type: 3 for destination-unreachable codes)");
  }
}

/** Go's net.ParseCIDR: an address with an explicit /prefix. */
function parseRuleCidr(text: string): Cidr | undefined {
  const c = parseCidr(text);
  return c !== undefined && c.hadPrefix ? c : undefined;
}

/**
 * The IP version Calico assigns a rule network: libcalico-go net IPNet.Version() is 4 whenever the
 * masked network address has a 4-byte form (Go's IP.To4), so an IPv4-mapped IPv6 network
 * (`::ffff:192.0.2.1/128`, `::ffff:0:0/96`) counts as IPv4 for ipVersion and IPv4/IPv6 mixing.
 */
function goNetVersion(c: Cidr): 4 | 6 {
  return c.version === 6 && c.first >> 32n === 0xffffn ? 4 : c.version;
}

function isCatchAll(text: string, c: Cidr): boolean {
  // Calico compares the IPv4 text literally ("0.0.0.0/0") and the IPv6 network by value (::/0).
  return (c.version === 4 && text === "0.0.0.0/0") || (c.version === 6 && c.prefix === 0 && c.first === 0n);
}

interface NetScan {
  v4: boolean;
  v6: boolean;
}

function scanNets(
  nets: readonly string[] | undefined,
  path: string,
  negated: boolean,
  rule: CalicoRule,
  seen: NetScan,
  r: Reporter,
): void {
  if (nets === undefined || nets.length === 0) return;
  let v4 = false;
  let v6 = false;
  nets.forEach((n, i) => {
    const itemPath = `${path}[${i}]`;
    const c = parseRuleCidr(n);
    if (c === undefined) {
      const bare = parseCidr(n);
      r.add(
        itemPath,
        n,
        "invalid CIDR",
        bare !== undefined ? `write the prefix length explicitly: "${n}/${bare.version === 4 ? 32 : 128}"` : "write an IPv4 or IPv6 network in CIDR notation, e.g. 10.0.0.0/8",
      );
      return;
    }
    if (c.hostBitsSet) {
      // The `net` field validator requires strictly masked networks.
      const masked = formatCidr(c);
      r.add(itemPath, n, "network is not strictly masked (host bits are set below the prefix)", `did you mean ${masked}?`);
    }
    const version = goNetVersion(c);
    v4 = v4 || version === 4;
    v6 = v6 || version === 6;
    if (negated && isCatchAll(n, c)) {
      r.add(
        itemPath,
        n,
        "catch-all CIDR in negation creates logical contradiction (matches no traffic)",
        "remove it: a rule that excludes every address never matches",
      );
    }
  });
  if (rule.ipVersion !== undefined && ((v4 && rule.ipVersion !== 4) || (v6 && rule.ipVersion !== 6))) {
    r.add(path, nets, "rule IP version doesn't match CIDR version", `use IPv${rule.ipVersion} networks here or change ipVersion`);
  }
  if ((v4 && seen.v6) || (v6 && seen.v4) || (v4 && v6)) {
    r.add(path, nets, "rule contains both IPv4 and IPv6 CIDRs", "split the rule in two: one for IPv4 networks, one for IPv6");
  }
  seen.v4 = seen.v4 || v4;
  seen.v6 = seen.v6 || v6;
}

function checkEntityRule(e: EntityRule | undefined, path: string, r: Reporter): void {
  if (e === undefined) return;
  checkSelector(e.selector, `${path}.selector`, r);
  checkSelector(e.notSelector, `${path}.notSelector`, r);
  checkSelector(e.namespaceSelector, `${path}.namespaceSelector`, r);
  checkSelector(e.serviceAccounts?.selector, `${path}.serviceAccounts.selector`, r);
  checkNoGlobal(e.selector, `${path}.selector`, r);
  if (r.version === "3.29") {
    // 3.29 canonicalised the selector and looked for global() joined by && or || (globalSelectorRegex).
    if (e.namespaceSelector !== undefined && /(&&|\|\|)\s*global\(\s*\)|global\(\s*\)\s*(&&|\|\|)/.test(e.namespaceSelector)) {
      checkGlobalAlone(e.namespaceSelector, `${path}.namespaceSelector`, r);
    }
  } else {
    checkGlobalAlone(e.namespaceSelector, `${path}.namespaceSelector`, r);
  }
  const svc = e.services;
  if (svc !== undefined) {
    const sp = `${path}.services`;
    if (svc.name === undefined || svc.name === "") {
      r.add(`${sp}.name`, svc.name, "must specify a service name", "set services.name to the Service's name");
    } else if (!isDns1123Subdomain(svc.name)) {
      r.add(`${sp}.name`, svc.name, "service name must be a lower-case DNS name", "use the Service's metadata.name");
    }
    if (svc.namespace !== undefined && svc.namespace !== "" && !isDns1123Subdomain(svc.namespace)) {
      r.add(`${sp}.namespace`, svc.namespace, "service namespace must be a lower-case DNS name", "use the Service's namespace");
    }
    if (e.namespaceSelector !== undefined && e.namespaceSelector !== "") {
      r.add(sp, svc, "cannot specify NamespaceSelector and Services on the same rule", "name the namespace in services.namespace and drop namespaceSelector");
    }
    if ((e.selector !== undefined && e.selector !== "") || (e.notSelector !== undefined && e.notSelector !== "")) {
      r.add(sp, svc, "cannot specify Selector/NotSelector and Services on the same rule", "a services match selects the Service's endpoints; drop selector/notSelector or write a second rule");
    }
    if (e.serviceAccounts !== undefined) {
      r.add(sp, svc, "cannot specify ServiceAccounts and Services on the same rule", "write two rules, one per kind of match");
    }
    if ((e.nets?.length ?? 0) > 0 || (e.notNets?.length ?? 0) > 0) {
      r.add(sp, svc, "cannot specify Nets/NotNets and Services on the same rule", "Service rules use the addresses of the Service's endpoints; drop nets/notNets");
    }
  }
}

function checkHttp(http: HTTPMatch, path: string, r: Reporter): void {
  const methods = http.methods ?? [];
  if (new Set(methods).size !== methods.length) {
    r.add(`${path}.methods`, methods, "Invalid methods (duplicates)", "list each HTTP method once");
  }
  (http.paths ?? []).forEach((p, i) => {
    const pp = `${path}.paths[${i}]`;
    const exact = p.exact ?? "";
    const prefix = p.prefix ?? "";
    if (exact !== "" && prefix !== "") {
      r.add(pp, p, "Invalid path match. Both 'exact' and 'prefix' are set", "set either exact or prefix");
      return;
    }
    const v = exact !== "" ? exact : prefix;
    if (v === "") {
      r.add(pp, p, "Invalid path match. Either 'exact' or 'prefix' must be set", "set exact: /path or prefix: /path");
      return;
    }
    if (!v.startsWith("/") || /[? #]/.test(v)) {
      r.add(pp, v, `Invalid path ${v}. (must start with \`/\` and not contain \`?\` or \`#\`)`, "write an absolute path without query or fragment, e.g. /api/v1");
    }
  });
}

/** Validates one rule at `path` (e.g. `spec.ingress[0]`). */
export function validateRule(rule: CalicoRule, path: string, direction: Direction, r: Reporter): void {
  let protocol: CalicoProtocol | undefined;
  let notProtocol: CalicoProtocol | undefined;
  if (rule.protocol !== undefined) {
    const p = parseProtocol(rule.protocol, `${path}.protocol`);
    r.addAll(p.problems);
    protocol = p.value;
  }
  if (rule.notProtocol !== undefined) {
    const p = parseProtocol(rule.notProtocol, `${path}.notProtocol`);
    r.addAll(p.problems);
    notProtocol = p.value;
  }
  checkIcmp(rule.icmp, `${path}.icmp`, r);
  checkIcmp(rule.notICMP, `${path}.notICMP`, r);

  const src = rule.source ?? {};
  const dst = rule.destination ?? {};
  const portLists: [string, readonly (number | string)[] | undefined][] = [
    [`${path}.source.ports`, src.ports],
    [`${path}.source.notPorts`, src.notPorts],
    [`${path}.destination.ports`, dst.ports],
    [`${path}.destination.notPorts`, dst.notPorts],
  ];
  for (const [p, list] of portLists) {
    if (list === undefined || list.length === 0) continue;
    const parsed = parsePortList(list, p, r);
    const protoHint = "add protocol: TCP (or UDP or SCTP) to the rule";
    if (rule.protocol === undefined) {
      if (atLeast(r.version, "3.32")) {
        // 3.32 lets named ports stand without a protocol (they resolve per endpoint port); numbers need one.
        // (Items that failed to parse are already reported; Calico would not have unmarshalled them.)
        if (!parsed.every((x) => x.kind === "named")) r.add(p, list, NUMERIC_PORTS_MSG, protoHint);
      } else {
        r.add(p, list, PORTS_MSG, protoHint);
      }
    } else if (protocol !== undefined && !protocolSupportsPorts(protocol)) {
      r.add(p, list, PORTS_MSG, `protocol ${rule.protocol} has no ports: drop the ports or use TCP, UDP or SCTP`);
    }
  }

  if (rule.http !== undefined) {
    // The validator compares with the protocol *name* TCP (the CRD's CEL also accepts 6; both must pass).
    if (rule.protocol !== undefined && !isProtocolName(protocol, "TCP")) {
      r.add(`${path}.protocol`, rule.protocol, "rules that specify HTTP fields must set protocol to TCP or empty", "write protocol: TCP or leave protocol unset");
    }
    if (rule.action !== "Allow") {
      r.add(`${path}.http`, rule.http, "HTTP match is only valid on Allow rules", "use action: Allow, or drop the http match");
    }
    if (direction === "egress") {
      r.add(`${path}.http`, rule.http, "HTTP match is not allowed in egress rules", "application-layer (HTTP) matches apply to ingress rules only");
    }
    checkHttp(rule.http, `${path}.http`, r);
  }

  if (rule.icmp !== undefined && !(isProtocolName(protocol, "ICMP") || isProtocolName(protocol, "ICMPv6"))) {
    r.add(`${path}.icmp`, rule.icmp, "rules that specify ICMP fields must set protocol to ICMP", "add protocol: ICMP (IPv4) or protocol: ICMPv6 (IPv6)");
  }
  const icmp4 = isProtocolName(protocol, "ICMP") || isProtocolName(notProtocol, "ICMP");
  const icmp6 = isProtocolName(protocol, "ICMPv6") || isProtocolName(notProtocol, "ICMPv6");
  if (icmp4 && rule.ipVersion !== undefined && rule.ipVersion !== 4) {
    r.add(`${path}.ipVersion`, rule.ipVersion, "must set ipversion to '4' with protocol icmp", "ICMP is IPv4; use ipVersion: 4 or protocol ICMPv6");
  }
  if (icmp6 && rule.ipVersion !== undefined && rule.ipVersion !== 6) {
    r.add(`${path}.ipVersion`, rule.ipVersion, "must set ipversion to '6' with protocol icmpv6", "ICMPv6 is IPv6; use ipVersion: 6 or protocol ICMP");
  }

  const seen: NetScan = { v4: false, v6: false };
  scanNets(src.nets, `${path}.source.nets`, false, rule, seen, r);
  scanNets(src.notNets, `${path}.source.notNets`, true, rule, seen, r);
  scanNets(dst.nets, `${path}.destination.nets`, false, rule, seen, r);
  scanNets(dst.notNets, `${path}.destination.notNets`, true, rule, seen, r);

  if (dst.services !== undefined && (dst.ports?.length ?? 0) > 0) {
    r.add(`${path}.destination.ports`, dst.ports, "cannot specify ports with a service selector", "a services match uses the Service's endpoint ports; drop destination.ports");
  }
  if (dst.services !== undefined && (dst.notPorts?.length ?? 0) > 0) {
    r.add(`${path}.destination.notPorts`, dst.notPorts, "cannot specify notports with a service selector", "drop destination.notPorts, or match the pods by selector instead of services");
  }

  checkEntityRule(rule.source, `${path}.source`, r);
  checkEntityRule(rule.destination, `${path}.destination`, r);
  validateAnnotations(rule.metadata?.annotations, `${path}.metadata.annotations`, r);
}
