/**
 * Kubernetes' admin policy kinds in the analysis: ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2)
 * and AdminNetworkPolicy / BaselineAdminNetworkPolicy (v1alpha1) converted into Calico policies exactly as
 * Calico's conversion does, then evaluated in their tiers with everything else.
 *
 * Sources (projectcalico/calico):
 * - v3.32.1 libcalico-go/lib/backend/k8s/conversion/clusternetworkpolicy.go (K8sClusterNetworkPolicyToCalico):
 *   a GlobalNetworkPolicy in tier kube-admin (spec.tier Admin) or kube-baseline (Baseline), order =
 *   spec.priority, Accept → Allow, Deny and Pass kept; subject `namespaces` → namespaceSelector plus
 *   `projectcalico.org/orchestrator == 'k8s'` (never a host endpoint), `pods` → both selectors; one Calico
 *   rule per protocol × peer; named ports kept with no protocol (Felix's named-port IP set then matches any
 *   protocol, felix/calc/rule_scanner.go ProtocolAny); `types` only for directions that have rules; a rule
 *   that fails to convert becomes `{action: Deny}` for Deny/Pass and is dropped for Accept; a bad tier or no
 *   subject yields no policy at all (clusterNetworkPolicyTombstone). Felix keys it
 *   {Name: <name>, Kind: KubernetesClusterNetworkPolicy} (names.go: tiers kube-admin 1,000 / kube-baseline
 *   10,000,000, both created with defaultAction Pass by clientv3 ensureTierExists).
 * - v3.30.7/v3.31.7 libcalico-go/lib/backend/k8s/conversion/conversion.go: AdminNetworkPolicy → GNP
 *   `kanp.adminnetworkpolicy.<name>` in tier adminnetworkpolicy (1,000, Pass), order = priority;
 *   BaselineAdminNetworkPolicy → `kbanp.baselineadminnetworkpolicy.<name>` in baselineadminnetworkpolicy
 *   (10,000,000, Pass), order 1000; the same peers and fail-closed handling; `namedPort` is not converted and
 *   reads as "every port" (unpackANPPorts).
 * - v3.32.0 release notes (calico #11144): 3.32 no longer enforces ANP or BANP.
 */
import type { CalicoMinor } from "../config/types.js";
import { failClosedText } from "../model/admin-policy-support.js";
import { parseCidr } from "../model/net.js";
import type { Problem } from "../model/problem.js";
import { isObj } from "./inventory.js";

export type AdminKind = "ClusterNetworkPolicy" | "AdminNetworkPolicy" | "BaselineAdminNetworkPolicy";

export const ADMIN_KINDS: readonly AdminKind[] = ["ClusterNetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy"];

type Obj = Record<string, unknown>;

/** A tier Calico creates for these kinds (structurally a policies.ts Tier). */
export interface AdminTier {
  readonly name: string;
  readonly order: number;
  readonly defaultAction: "Pass";
  readonly declared: true;
}

/** The Calico tier each kind (and CNP spec.tier) lands in, with the tier Calico creates for it. */
export function adminTierOf(kind: AdminKind, cnpTier?: "Admin" | "Baseline"): AdminTier {
  if (kind === "ClusterNetworkPolicy") {
    return cnpTier === "Baseline"
      ? { name: "kube-baseline", order: 10_000_000, defaultAction: "Pass", declared: true }
      : { name: "kube-admin", order: 1_000, defaultAction: "Pass", declared: true };
  }
  return kind === "AdminNetworkPolicy"
    ? { name: "adminnetworkpolicy", order: 1_000, defaultAction: "Pass", declared: true }
    : { name: "baselineadminnetworkpolicy", order: 10_000_000, defaultAction: "Pass", declared: true };
}

/** Whether Calico of this minor enforces the kind (CNP: 3.32; ANP: up to 3.31; BANP: 3.30–3.31). */
export function adminKindEnforced(kind: AdminKind, minor: CalicoMinor): boolean {
  return kind === "ClusterNetworkPolicy" ? minor === "3.32" : minor !== "3.32";
}

/** Felix's key name (it orders ties by it): ANP/BANP carry the prefix Calico gives the GNP. */
const KEY_PREFIX: Readonly<Record<AdminKind, string>> = {
  ClusterNetworkPolicy: "",
  AdminNetworkPolicy: "kanp.adminnetworkpolicy.",
  BaselineAdminNetworkPolicy: "kbanp.baselineadminnetworkpolicy.",
};

/** A rule Calico cannot convert: its path, action and why. */
export interface FailedRule {
  readonly direction: "ingress" | "egress";
  readonly index: number;
  readonly path: string;
  readonly action: string;
  readonly outcome: "deny-all" | "dropped";
  readonly reason: string;
}

export interface AdminConversion {
  /** The plain GlobalNetworkPolicy Calico would build (rule index map alongside), for calicoPolicy(). */
  readonly gnp?: Obj;
  readonly ruleIndex?: { readonly ingress: readonly number[]; readonly egress: readonly number[] };
  readonly failed: readonly FailedRule[];
  /** Why no policy was made (the object is then reported as rejected). */
  readonly malformed?: { readonly path: string; readonly value: unknown; readonly message: string; readonly hint: string };
  readonly tier?: AdminTier;
}

class RuleFailed extends Error {}

function quote(v: unknown): string {
  return `'${String(v)}'`;
}

/** libcalico-go k8sSelectorToCalico, as text; pods get `projectcalico.org/orchestrator == 'k8s'`. */
export function k8sSelectorText(s: unknown, type: "pod" | "namespace"): string {
  const parts: string[] = type === "pod" ? ["projectcalico.org/orchestrator == 'k8s'"] : [];
  if (s === undefined || s === null) return parts.join(" && ");
  const o: Obj = isObj(s) ? s : {};
  const ml: Obj = isObj(o["matchLabels"]) ? o["matchLabels"] : {};
  const me = Array.isArray(o["matchExpressions"]) ? o["matchExpressions"] : [];
  if (type === "namespace" && Object.keys(ml).length === 0 && me.length === 0) return "all()";
  for (const k of Object.keys(ml).sort()) parts.push(`${k} == ${quote(ml[k])}`);
  for (const e of me) {
    if (!isObj(e) || typeof e["key"] !== "string") continue;
    const values = Array.isArray(e["values"]) ? e["values"].map(String) : [];
    const list = `{ ${values.map(quote).join(", ")} }`;
    if (e["operator"] === "In") parts.push(`${e["key"]} in ${list}`);
    else if (e["operator"] === "NotIn") parts.push(`${e["key"]} not in ${list}`);
    else if (e["operator"] === "Exists") parts.push(`has(${e["key"]})`);
    else if (e["operator"] === "DoesNotExist") parts.push(`! has(${e["key"]})`);
  }
  return parts.join(" && ");
}

interface PortSet {
  /** "" = any protocol (no protocols given), else TCP/UDP/SCTP; value undefined = every port. */
  readonly byProtocol: Map<string, Array<number | string> | undefined>;
}

/** unpackCNPProtocols / unpackANPPorts: protocol → ports, sorted by protocol name. */
function portSet(kind: AdminKind, rule: Obj): PortSet {
  const list = kind === "ClusterNetworkPolicy" ? rule["protocols"] : rule["ports"];
  const items: unknown[] = Array.isArray(list) && list.length > 0 ? list : [{}];
  const byProtocol = new Map<string, Array<number | string> | undefined>();
  for (const it of items) {
    const p: Obj = isObj(it) ? it : {};
    let protocol: string | undefined;
    let port: number | string | undefined;
    if (kind === "ClusterNetworkPolicy") {
      const key = (["tcp", "udp", "sctp"] as const).find((k) => p[k] !== undefined);
      if (key !== undefined) {
        protocol = key.toUpperCase();
        const dp = isObj(p[key]) && isObj((p[key] as Obj)["destinationPort"]) ? ((p[key] as Obj)["destinationPort"] as Obj) : undefined;
        port = dp === undefined ? undefined : portOf(dp["number"], dp["range"], "start", "end");
      } else if (typeof p["destinationNamedPort"] === "string" && p["destinationNamedPort"] !== "") {
        protocol = "";
        port = p["destinationNamedPort"];
      }
    } else {
      const pn = isObj(p["portNumber"]) ? p["portNumber"] : undefined;
      const pr = isObj(p["portRange"]) ? p["portRange"] : undefined;
      if (pn !== undefined) {
        protocol = typeof pn["protocol"] === "string" && pn["protocol"] !== "" ? pn["protocol"] : "TCP";
        port = typeof pn["port"] === "number" && pn["port"] !== 0 ? pn["port"] : undefined;
      } else if (pr !== undefined) {
        protocol = typeof pr["protocol"] === "string" && pr["protocol"] !== "" ? pr["protocol"] : "TCP";
        port = portOf(undefined, pr, "start", "end");
      }
      // namedPort: not converted (no protocol, no port) — read as "no ports" below.
    }
    if (protocol === undefined && port === undefined) {
      // "no ports were specified, or an empty port struct was provided, which we translate to allowing all"
      byProtocol.clear();
      byProtocol.set("", undefined);
      break;
    }
    const key = protocol ?? "";
    if (port === undefined) byProtocol.set(key, undefined);
    else if (!byProtocol.has(key)) byProtocol.set(key, [port]);
    else byProtocol.get(key)?.push(port);
  }
  return { byProtocol: new Map([...byProtocol.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

function portOf(num: unknown, range: unknown, lo: string, hi: string): number | string | undefined {
  if (typeof num === "number" && num !== 0) return num;
  if (isObj(range)) {
    const s = range[lo];
    const e = range[hi];
    if (typeof s !== "number" || typeof e !== "number") return undefined;
    // numorstring.PortFromRange: "minimum port number is greater than maximum port number".
    if (s > e) throw new RuleFailed(`port range ${s}-${e}: the start is above the end`);
    return s === e ? s : `${s}:${e}`;
  }
  return undefined;
}

/** Egress/ingress peers → Calico entity rules (namespaces, pods, networks); anything else fails the rule. */
function peerEntity(p: unknown, egress: boolean): Obj {
  const o: Obj = isObj(p) ? p : {};
  let selector = "";
  let nsSelector = "";
  let nets: string[] | undefined;
  let found = false;
  if (o["namespaces"] !== undefined && o["namespaces"] !== null) {
    nsSelector = k8sSelectorText(o["namespaces"], "namespace");
    found = true;
  }
  if (isObj(o["pods"])) {
    selector = k8sSelectorText(o["pods"]["podSelector"] ?? {}, "pod");
    nsSelector = k8sSelectorText(o["pods"]["namespaceSelector"] ?? {}, "namespace");
    found = true;
  }
  if (egress && Array.isArray(o["networks"]) && o["networks"].length > 0) {
    nets = o["networks"].map((n) => {
      const c = typeof n === "string" ? parseCidr(n) : undefined;
      if (c === undefined || !c.hadPrefix) throw new RuleFailed(`invalid CIDR in the rule: ${JSON.stringify(n)}`);
      return n as string;
    });
    found = true;
  }
  if (!found) {
    const fields = Object.keys(o).filter((k) => o[k] !== undefined);
    throw new RuleFailed(`none of the peer fields Calico supports is set (${fields.length === 0 ? "an empty peer" : fields.join(", ")}; Calico converts namespaces, pods${egress ? " and networks" : ""})`);
  }
  return {
    ...(selector === "" ? {} : { selector }),
    ...(nsSelector === "" ? {} : { namespaceSelector: nsSelector }),
    ...(nets === undefined ? {} : { nets }),
  };
}

const ACTION_MAP: Readonly<Record<AdminKind, Readonly<Record<string, string>>>> = {
  ClusterNetworkPolicy: { Accept: "Allow", Deny: "Deny", Pass: "Pass" },
  AdminNetworkPolicy: { Allow: "Allow", Deny: "Deny", Pass: "Pass" },
  BaselineAdminNetworkPolicy: { Allow: "Allow", Deny: "Deny" },
};

/** One admin-policy rule → the plain Calico rules Calico makes of it. */
function convertRule(kind: AdminKind, rule: Obj, egress: boolean): Obj[] {
  const action = ACTION_MAP[kind][String(rule["action"])];
  if (action === undefined) throw new RuleFailed(`unsupported action ${JSON.stringify(rule["action"])}`);
  const ports = portSet(kind, rule);
  const peersRaw = rule[egress ? "to" : "from"];
  const peers = Array.isArray(peersRaw) ? peersRaw : [];
  const out: Obj[] = [];
  for (const [protocol, list] of ports.byProtocol) {
    for (const p of peers) {
      const entity = peerEntity(p, egress);
      const numeric = list?.filter((x) => typeof x === "number" || /^[0-9]+:[0-9]+$/.test(String(x)));
      const named = list?.filter((x) => typeof x === "string" && !/^[0-9]+:[0-9]+$/.test(x));
      const make = (proto: string | undefined, portList: Array<number | string> | undefined): Obj => {
        const dstPorts = portList === undefined || portList.length === 0 ? {} : { ports: portList };
        return {
          action,
          ...(proto === undefined || proto === "" ? {} : { protocol: proto }),
          source: egress ? {} : entity,
          destination: egress ? { ...entity, ...dstPorts } : dstPorts,
        };
      };
      if (protocol === "" && named !== undefined && named.length > 0) {
        // A named port with no protocol: Felix's named-port IP set matches the port of any protocol
        // (ProtocolAny); container ports are TCP, UDP or SCTP, so one rule per protocol is the same match.
        for (const proto of ["SCTP", "TCP", "UDP"]) out.push(make(proto, named));
        if (numeric !== undefined && numeric.length > 0) out.push(make(undefined, numeric));
      } else out.push(make(protocol, list));
    }
  }
  return out;
}

/**
 * Converts one admin policy object as Calico does. The caller turns `gnp` into a Policy with the usual
 * GlobalNetworkPolicy reader, then relabels it (see readPolicies).
 */
export function convertAdminObject(kind: AdminKind, o: Obj): AdminConversion {
  const m: Obj = isObj(o["metadata"]) ? o["metadata"] : {};
  const name = typeof m["name"] === "string" ? m["name"] : "";
  const spec: Obj = isObj(o["spec"]) ? o["spec"] : {};
  const failed: FailedRule[] = [];
  let cnpTier: "Admin" | "Baseline" | undefined;
  if (kind === "ClusterNetworkPolicy") {
    const t = spec["tier"];
    if (t !== "Admin" && t !== "Baseline") {
      return { failed, malformed: { path: "spec.tier", value: t, message: "invalid cluster network policy tier: Calico makes no policy of it", hint: "set tier: Admin or tier: Baseline" } };
    }
    cnpTier = t;
  }
  const subject: Obj = isObj(spec["subject"]) ? spec["subject"] : {};
  let selector: string;
  let namespaceSelector: string;
  if (subject["namespaces"] !== undefined && subject["namespaces"] !== null) {
    namespaceSelector = k8sSelectorText(subject["namespaces"], "namespace");
    selector = k8sSelectorText(undefined, "pod");
  } else if (isObj(subject["pods"])) {
    namespaceSelector = k8sSelectorText(subject["pods"]["namespaceSelector"] ?? {}, "namespace");
    selector = k8sSelectorText(subject["pods"]["podSelector"] ?? {}, "pod");
  } else {
    return { failed, malformed: { path: "spec.subject", value: spec["subject"], message: "no subject selector specified: Calico makes no policy of it", hint: "set subject.namespaces or subject.pods" } };
  }
  const rules = (dir: "ingress" | "egress"): { list: Obj[]; index: number[] } => {
    const raw = spec[dir];
    const list: Obj[] = [];
    const index: number[] = [];
    (Array.isArray(raw) ? raw : []).forEach((r: unknown, i: number) => {
      const rule: Obj = isObj(r) ? r : {};
      try {
        for (const c of convertRule(kind, rule, dir === "egress")) {
          list.push(c);
          index.push(i);
        }
      } catch (e) {
        if (!(e instanceof RuleFailed)) throw e;
        const action = String(rule["action"]);
        const denyAll = action === "Deny" || (action === "Pass" && kind !== "BaselineAdminNetworkPolicy");
        failed.push({ direction: dir, index: i, path: `spec.${dir}[${i}]`, action, outcome: denyAll ? "deny-all" : "dropped", reason: e.message });
        if (denyAll) {
          list.push({ action: "Deny" });
          index.push(i);
        }
      }
    });
    return { list, index };
  };
  const ingress = rules("ingress");
  const egress = rules("egress");
  const tier = adminTierOf(kind, cnpTier);
  const order = kind === "BaselineAdminNetworkPolicy" ? 1000 : typeof spec["priority"] === "number" ? spec["priority"] : 0;
  const types = [...(ingress.list.length > 0 ? ["Ingress"] : []), ...(egress.list.length > 0 ? ["Egress"] : [])];
  const gnp: Obj = {
    apiVersion: "projectcalico.org/v3",
    kind: "GlobalNetworkPolicy",
    metadata: { name: `${KEY_PREFIX[kind]}${name}` },
    spec: {
      tier: tier.name,
      order,
      selector,
      namespaceSelector,
      ...(types.length === 0 ? {} : { types }),
      ingress: ingress.list,
      egress: egress.list,
    },
  };
  return { gnp, ruleIndex: { ingress: ingress.index, egress: egress.index }, failed, tier };
}

/** Problems for the rules Calico converts to deny-all or drops (lint: fail-closed conversions). */
export function failedRuleProblems(kind: AdminKind, failed: readonly FailedRule[], source: { object: string; file?: string }): Problem[] {
  return failed.map((f) => ({
    path: f.path,
    message: `Calico cannot convert this rule (${f.reason}). ${failClosedText(f.action)}`,
    hint: kind === "ClusterNetworkPolicy" ? "use namespaces, pods or networks peers and tcp/udp/sctp ports Calico converts" : "use namespaces, pods or networks peers and portNumber/portRange ports",
    ...source,
  }));
}

export function isAdminObject(api: unknown, kind: unknown): kind is AdminKind {
  return (
    (api === "policy.networking.k8s.io/v1alpha2" && kind === "ClusterNetworkPolicy") ||
    (api === "policy.networking.k8s.io/v1alpha1" && (kind === "AdminNetworkPolicy" || kind === "BaselineAdminNetworkPolicy"))
  );
}
