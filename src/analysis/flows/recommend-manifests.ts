/**
 * A recommendation plan as Calico `projectcalico.org/v3` manifests: the same objects the generated TypeScript
 * file synthesises through the components, produced directly so replay can check a plan without running cdk8s
 * (and so tests can compare both).
 *
 * Calico details that shape the output:
 * - policies in a non-default tier are named `<tier>.<name>` (required up to 3.31, accepted by 3.32) with
 *   `spec.tier` set;
 * - staged mode writes `StagedNetworkPolicy` (OSS 3.30+), not enforced until promoted;
 * - in a namespaced policy a rule selector without namespaceSelector means "this namespace"; peers here always
 *   carry a namespaceSelector so the text reads the same in any kind; host endpoints and global network sets
 *   need `namespaceSelector: global()`;
 * - an external address is the rule's own `nets`, never a created NetworkSet (see PlannedPeer "nets").
 */
import { type Selector, sel } from "../../model/selector/index.js";
import type { PolicyMode } from "../../config/types.js";
import { formatPortRange } from "./ports.js";
import type { PlannedPeer, PlannedPolicy, PlannedRule, RecommendationPlan } from "./recommend.js";

/** The label every namespace carries (Kubernetes 1.21+). */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec: Record<string, unknown> };

export function labelsSelector(labels: Readonly<Record<string, string>>): Selector {
  const keys = Object.keys(labels).sort();
  return sel.and(...keys.map((k) => sel.eq(k, labels[k] as string)));
}

export function peerEntity(p: Exclude<PlannedPeer, { kind: "nets" }>): Record<string, string> {
  switch (p.kind) {
    case "pods":
      return { namespaceSelector: sel.eq(NAMESPACE_NAME_LABEL, p.namespace).toString(), selector: labelsSelector(p.labels).toString() };
    case "networkSets":
      return { namespaceSelector: sel.eq(NAMESPACE_NAME_LABEL, p.namespace).toString(), selector: labelsSelector(p.labels).toString() };
    case "hosts":
    case "globalNetworkSets":
      return { namespaceSelector: "global()", selector: labelsSelector(p.labels).toString() };
  }
}

/** A rule peer as a Calico EntityRule. */
export function peerRule(p: PlannedPeer): Record<string, unknown> {
  return p.kind === "nets" ? { nets: [p.cidr] } : peerEntity(p);
}

function rule(r: PlannedRule): Record<string, unknown> {
  const scoped = peerRule(r.peer);
  const ports = r.ports.map((p) => (p.from === p.to ? p.from : formatPortRange(p)));
  const protocol = /^[0-9]+$/.test(r.protocol) ? Number(r.protocol) : r.protocol;
  const out: Record<string, unknown> = { action: r.action, protocol };
  // No ipVersion: Calico requires it only with icmp type/code matches, which flows do not carry.
  if (r.direction === "ingress") {
    out["source"] = scoped;
    if (ports.length > 0) out["destination"] = { ports };
  } else {
    out["destination"] = ports.length > 0 ? { ...scoped, ports } : scoped;
  }
  return out;
}

function policy(p: PlannedPolicy, mode: PolicyMode): Manifest {
  const ingress = p.ingress.map((r) => rule(r));
  const egress = p.egress.map((r) => rule(r));
  if (p.denyRest) {
    ingress.push({ action: "Deny" });
    egress.push({ action: "Deny" });
  }
  return {
    apiVersion: "projectcalico.org/v3",
    kind: mode === "stage" ? "StagedNetworkPolicy" : "NetworkPolicy",
    metadata: { name: `${p.tier}.${p.name}`, namespace: p.namespace },
    spec: {
      tier: p.tier,
      order: p.order,
      selector: labelsSelector(p.selector).toString(),
      types: ["Ingress", "Egress"],
      ingress,
      egress,
    },
  };
}

/** The plan as manifests: its policies in plan order (nothing else: see PlannedPeer "nets"). */
export function planToManifests(plan: RecommendationPlan, mode: PolicyMode = "stage"): Manifest[] {
  return plan.policies.map((p) => policy(p, mode));
}
