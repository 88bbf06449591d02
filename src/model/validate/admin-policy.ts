/**
 * ClusterNetworkPolicy (v1alpha2), AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1): the
 * upstream CRDs' rules the structural pass does not cover (kubernetes-sigs/network-policy-api v0.2.0 and
 * v0.1.5 `apis/*_types.go`: "exactly one field" min/maxProperties, CIDR and domain-name formats, the CEL
 * rules on port ranges, named ports and the BANP name), and what Calico cannot enforce on the targeted
 * minor (src/model/admin-policy-support.ts), each reported with what Calico does instead.
 */
import { ADMIN_POLICY_MINORS, CALICO_EGRESS_PEER_FIELDS, failClosedText } from "../admin-policy-support.js";
import { parseCidr } from "../net.js";
import { portNameErrors } from "../ports.js";
import type {
  AdminPolicySubject,
  AnpPort,
  CnpProtocol,
  NamespacedPod,
} from "../resources/k8s-admin-policy.js";
import type { LabelSelector } from "../resources/k8s-networkpolicy.js";
import type { Reporter } from "./context.js";
import { validateLabelSelector } from "./k8s.js";

type AdminKind = "ClusterNetworkPolicy" | "AdminNetworkPolicy" | "BaselineAdminNetworkPolicy";

/** The CRD's DomainName pattern (v1alpha2 types.go, kubebuilder Pattern). */
const DOMAIN_NAME = /^(\*\.)?([a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$/;

function setFields(o: object): string[] {
  return Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
}

/** min/maxProperties 1: exactly one of `fields` (a present but unknown field is reported by the shape). */
function exactlyOne(o: object, fields: readonly string[], path: string, noun: string, r: Reporter): void {
  const set = setFields(o).filter((k) => fields.includes(k));
  if (set.length === 0) r.add(path, o, `${noun} must set exactly one of ${fields.join(", ")}`, `set one of ${fields.join(", ")}`);
  else if (set.length > 1) r.add(path, o, `${noun} must set exactly one of ${fields.join(", ")} (has ${set.join(", ")})`, `split it into one ${noun} per field`);
}

function namespacedPod(p: NamespacedPod, path: string, r: Reporter): void {
  validateLabelSelector(p.namespaceSelector, `${path}.namespaceSelector`, r);
  validateLabelSelector(p.podSelector, `${path}.podSelector`, r);
}

function subject(s: AdminPolicySubject | undefined, r: Reporter): void {
  if (s === undefined) return; // required: reported by the structural pass
  exactlyOne(s, ["namespaces", "pods"], "spec.subject", "a subject", r);
  validateLabelSelector(s.namespaces, "spec.subject.namespaces", r);
  if (s.pods !== undefined) namespacedPod(s.pods, "spec.subject.pods", r);
}

interface PeerLike {
  readonly namespaces?: LabelSelector;
  readonly pods?: NamespacedPod;
  readonly nodes?: LabelSelector;
  readonly networks?: readonly string[];
  readonly domainNames?: readonly string[];
}

function peer(p: PeerLike, path: string, fields: readonly string[], r: Reporter): void {
  exactlyOne(p, fields, path, "a peer", r);
  validateLabelSelector(p.namespaces, `${path}.namespaces`, r);
  if (p.pods !== undefined) namespacedPod(p.pods, `${path}.pods`, r);
  validateLabelSelector(p.nodes, `${path}.nodes`, r);
  (p.networks ?? []).forEach((n, i) => {
    const c = parseCidr(n);
    if (c === undefined || !c.hadPrefix) r.add(`${path}.networks[${i}]`, n, "Invalid CIDR format provided", "write a CIDR such as 10.0.0.0/8 or fd00::/8");
  });
  (p.domainNames ?? []).forEach((d, i) => {
    if (!DOMAIN_NAME.test(d)) r.add(`${path}.domainNames[${i}]`, d, "not a domain name (a '*.' wildcard may only lead)", "write kubernetes.io or *.kubernetes.io");
  });
}

function cnpProtocol(p: CnpProtocol, path: string, r: Reporter): void {
  exactlyOne(p, ["tcp", "udp", "sctp", "destinationNamedPort"], path, "a protocol", r);
  for (const k of ["tcp", "udp", "sctp"] as const) {
    const v = p[k];
    if (v === undefined) continue;
    const pp = `${path}.${k}`;
    if (v.destinationPort === undefined) {
      r.add(pp, v, `${k} must set destinationPort`, `write ${k}: {destinationPort: {number: 443}}, or drop protocols to match every port`);
      continue;
    }
    const port = v.destinationPort;
    exactlyOne(port, ["number", "range"], `${pp}.destinationPort`, "a destinationPort", r);
    if (port.range !== undefined && !(port.range.start < port.range.end)) {
      r.add(`${pp}.destinationPort.range`, port.range, "Start port must be less than End port", "write start below end, or use number: for a single port");
    }
  }
  if (p.destinationNamedPort !== undefined) {
    const errs = portNameErrors(p.destinationNamedPort);
    if (errs.length > 0) r.add(`${path}.destinationNamedPort`, p.destinationNamedPort, `not a container port name: ${errs.join("; ")}`, "use the name of a containerPort, e.g. http");
  }
}

function anpPort(p: AnpPort, path: string, r: Reporter): void {
  exactlyOne(p, ["portNumber", "namedPort", "portRange"], path, "a port", r);
  const proto = (v: string | undefined, pp: string): void => {
    if (v !== undefined && v !== "TCP" && v !== "UDP" && v !== "SCTP") r.add(pp, v, "protocol must be TCP, UDP or SCTP", "write protocol: TCP");
  };
  if (p.portNumber !== undefined) proto(p.portNumber.protocol, `${path}.portNumber.protocol`);
  if (p.portRange !== undefined) {
    proto(p.portRange.protocol, `${path}.portRange.protocol`);
    // numorstring.PortFromRange rejects start > end: the rule fails to convert.
    if (p.portRange.start > p.portRange.end) r.add(`${path}.portRange`, p.portRange, "start is above end", "write start <= end");
  }
}

function versionCheck(kind: AdminKind, r: Reporter): void {
  if (ADMIN_POLICY_MINORS[kind].includes(r.version)) return;
  if (kind === "ClusterNetworkPolicy") {
    r.add("kind", kind, `Calico ${r.version} does not enforce ClusterNetworkPolicy (Calico 3.32 is the first that does)`, "target Calico 3.32, or write the AdminNetworkPolicy / BaselineAdminNetworkPolicy equivalent for 3.29–3.31");
  } else if (r.version === "3.32") {
    r.add(
      "kind",
      kind,
      `Calico 3.32 no longer enforces ${kind}: it "must be removed or replaced by ClusterNetworkPolicy before upgrade" (calico #11144)`,
      kind === "AdminNetworkPolicy" ? "rewrite it as a ClusterNetworkPolicy with tier: Admin and the same priority (Allow becomes Accept)" : "rewrite it as a ClusterNetworkPolicy with tier: Baseline (Allow becomes Accept)",
    );
  } else {
    r.add("kind", kind, `Calico ${r.version} does not enforce ${kind} (BaselineAdminNetworkPolicy needs Calico 3.30 or newer)`, "target Calico 3.30+, or express the baseline as a Calico tier");
  }
}

interface RuleLike {
  readonly action: string;
  readonly from?: readonly PeerLike[];
  readonly to?: readonly PeerLike[];
  readonly protocols?: readonly CnpProtocol[];
  readonly ports?: readonly AnpPort[];
}

interface SpecLike {
  readonly subject?: AdminPolicySubject;
  readonly ingress?: readonly RuleLike[];
  readonly egress?: readonly RuleLike[];
}

/** Every problem of a ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy spec. */
export function validateAdminPolicy(kind: AdminKind, name: string | undefined, spec: SpecLike, r: Reporter): void {
  versionCheck(kind, r);
  if (kind === "BaselineAdminNetworkPolicy" && name !== undefined && name !== "default") {
    r.add("metadata.name", name, 'Only one baseline admin network policy with metadata.name="default" can be created in the cluster', 'name it "default"');
  }
  subject(spec.subject, r);
  const cnp = kind === "ClusterNetworkPolicy";
  const enforced = ADMIN_POLICY_MINORS[kind].includes(r.version);
  (spec.ingress ?? []).forEach((rule, i) => {
    const path = `spec.ingress[${i}]`;
    (rule.from ?? []).forEach((p, j) => peer(p, `${path}.from[${j}]`, ["namespaces", "pods"], r));
    (rule.protocols ?? []).forEach((p, j) => cnpProtocol(p, `${path}.protocols[${j}]`, r));
    (rule.ports ?? []).forEach((p, j) => anpPort(p, `${path}.ports[${j}]`, r));
    if (!cnp && enforced) namedPortNotConverted(rule, path, r);
  });
  (spec.egress ?? []).forEach((rule, i) => {
    const path = `spec.egress[${i}]`;
    const fields = cnp ? ["namespaces", "pods", "nodes", "networks", "domainNames"] : ["namespaces", "pods", "nodes", "networks"];
    (rule.to ?? []).forEach((p, j) => peer(p, `${path}.to[${j}]`, fields, r));
    (rule.protocols ?? []).forEach((p, j) => cnpProtocol(p, `${path}.protocols[${j}]`, r));
    (rule.ports ?? []).forEach((p, j) => anpPort(p, `${path}.ports[${j}]`, r));
    const nonPod = (rule.to ?? []).some((p) => p.networks !== undefined || p.nodes !== undefined || p.domainNames !== undefined);
    const named = cnp ? (rule.protocols ?? []).some((p) => p.destinationNamedPort !== undefined) : (rule.ports ?? []).some((p) => p.namedPort !== undefined);
    if (nonPod && named) {
      r.add(
        path,
        undefined,
        cnp
          ? "networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames"
          : "networks/nodes peer cannot be set with namedPorts since there are no namedPorts for networks/nodes",
        "put the named ports in a rule of their own with pods or namespaces peers",
      );
    }
    if (enforced) {
      // What Calico's conversion of this minor cannot enforce (src/model/admin-policy-support.ts).
      (rule.to ?? []).forEach((p, j) => {
        const unsupported = setFields(p).filter((k) => !CALICO_EGRESS_PEER_FIELDS.includes(k));
        for (const k of unsupported) {
          r.add(
            `${path}.to[${j}].${k}`,
            (p as Record<string, unknown>)[k],
            `Calico ${r.version} cannot enforce a ${k} peer: the whole rule fails to convert. ${failClosedText(rule.action)}`,
            k === "nodes" ? "select the nodes by address with a networks peer, or with a Calico policy on host endpoints" : "use a networks peer with the service's addresses, or a Calico policy with a GlobalNetworkSet",
          );
        }
      });
      if (!cnp) namedPortNotConverted(rule, path, r);
    }
  });
}

/** ANP/BANP on 3.29–3.31: a namedPort is not converted, and the rule then matches every port and protocol. */
function namedPortNotConverted(rule: RuleLike, path: string, r: Reporter): void {
  (rule.ports ?? []).forEach((p, j) => {
    if (p.namedPort === undefined) return;
    r.add(
      `${path}.ports[${j}].namedPort`,
      p.namedPort,
      `Calico ${r.version} does not convert named ports of AdminNetworkPolicy/BaselineAdminNetworkPolicy: this rule then matches every protocol and port (${rule.action} all)`,
      "use portNumber or portRange, or a ClusterNetworkPolicy on Calico 3.32 (destinationNamedPort is supported there)",
    );
  });
}
