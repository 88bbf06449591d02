/**
 * networking.k8s.io/v1 NetworkPolicy and Calico's StagedKubernetesNetworkPolicy (which embeds the same
 * spec). Rules follow kubernetes pkg/apis/networking/validation ValidateNetworkPolicySpec,
 * ValidateNetworkPolicyPeer, ValidateIPBlock and apimachinery ValidateLabelSelector; the staged
 * Delete rule follows libcalico-go validator.go validateStagedKubernetesNetworkPolicy.
 */
import { parseCidr } from "../net.js";
import { parseK8sPort } from "../ports.js";
import {
  type K8sNetworkPolicyPeer,
  type LabelSelector,
  type StagedKubernetesNetworkPolicySpec,
} from "../resources/k8s-networkpolicy.js";
import { labelValueErrors, qualifiedNameErrors, type Reporter } from "./context.js";

export function validateLabelSelector(s: LabelSelector | undefined, path: string, r: Reporter): void {
  if (s === undefined) return;
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) {
    const ke = qualifiedNameErrors(k);
    if (ke.length > 0) r.add(`${path}.matchLabels.${k}`, k, `invalid label key: ${ke.join("; ")}`, "label keys are [prefix/]name");
    const ve = labelValueErrors(v);
    if (ve.length > 0) r.add(`${path}.matchLabels.${k}`, v, `invalid label value: ${ve.join("; ")}`, "label values are at most 63 of [A-Za-z0-9_.-]");
  }
  (s.matchExpressions ?? []).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    // A missing key is already reported by the structural pass (required), which keeps the item.
    const ke = typeof e.key === "string" ? qualifiedNameErrors(e.key) : [];
    if (ke.length > 0) r.add(`${p}.key`, e.key, `invalid label key: ${ke.join("; ")}`, "label keys are [prefix/]name");
    const values = e.values ?? [];
    if ((e.operator === "In" || e.operator === "NotIn") && values.length === 0) {
      r.add(`${p}.values`, e.values, "must be specified when `operator` is 'In' or 'NotIn'", "list at least one value");
    }
    if ((e.operator === "Exists" || e.operator === "DoesNotExist") && values.length > 0) {
      r.add(`${p}.values`, e.values, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'", "remove values");
    }
    values.forEach((v, j) => {
      const ve = labelValueErrors(v);
      if (ve.length > 0) r.add(`${p}.values[${j}]`, v, `invalid label value: ${ve.join("; ")}`, "label values are at most 63 of [A-Za-z0-9_.-]");
    });
  });
}

function validatePeer(peer: K8sNetworkPolicyPeer, path: string, r: Reporter): void {
  const n = [peer.podSelector, peer.namespaceSelector, peer.ipBlock].filter((x) => x !== undefined).length;
  if (n === 0) {
    r.add(path, peer, "must specify a peer", "set podSelector, namespaceSelector and/or ipBlock");
  } else if (peer.ipBlock !== undefined && n > 1) {
    r.add(path, peer, "may not specify both ipBlock and another peer", "write the ipBlock as its own peer entry");
  }
  validateLabelSelector(peer.podSelector, `${path}.podSelector`, r);
  validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`, r);
  const block = peer.ipBlock;
  // Without a string cidr the shape has already reported it (required by Kubernetes' ValidateIPBlock,
  // pkg/apis/networking/validation/validation.go); there is nothing to hold the except entries against.
  if (block === undefined || typeof block.cidr !== "string") return;
  const cidr = block.cidr === "" ? undefined : parseCidr(block.cidr);
  if (cidr === undefined || !cidr.hadPrefix) {
    r.add(`${path}.ipBlock.cidr`, block.cidr, "must be a valid CIDR", "e.g. 10.0.0.0/8");
    return;
  }
  (block.except ?? []).forEach((e, i) => {
    if (typeof e !== "string") return;
    const ec = parseCidr(e);
    const ep = `${path}.ipBlock.except[${i}]`;
    if (ec === undefined || !ec.hadPrefix) {
      r.add(ep, e, "must be a valid CIDR", "e.g. 10.1.0.0/16");
    } else if (!(ec.version === cidr.version && cidr.first <= ec.address && ec.address <= cidr.last && ec.prefix > cidr.prefix)) {
      r.add(ep, e, "must be a strict subset of `cidr`", `use a network inside ${block.cidr} with a longer prefix`);
    }
  });
}

export function validateK8sNetworkPolicySpec(spec: StagedKubernetesNetworkPolicySpec, r: Reporter): void {
  validateLabelSelector(spec.podSelector, "spec.podSelector", r);
  (spec.ingress ?? []).forEach((rule, i) => {
    (rule.ports ?? []).forEach((p, j) => r.addAll(parseK8sPort(p, `spec.ingress[${i}].ports[${j}]`).problems));
    (rule.from ?? []).forEach((peer, j) => validatePeer(peer, `spec.ingress[${i}].from[${j}]`, r));
  });
  (spec.egress ?? []).forEach((rule, i) => {
    (rule.ports ?? []).forEach((p, j) => r.addAll(parseK8sPort(p, `spec.egress[${i}].ports[${j}]`).problems));
    (rule.to ?? []).forEach((peer, j) => validatePeer(peer, `spec.egress[${i}].to[${j}]`, r));
  });
  const types = spec.policyTypes ?? [];
  if (types.length > 2) {
    r.add("spec.policyTypes", types, "may not specify more than two policyTypes", "use [Ingress], [Egress] or [Ingress, Egress]");
  }
}

export function validateStagedK8sSpec(spec: StagedKubernetesNetworkPolicySpec, r: Reporter): void {
  if (spec.stagedAction === "Delete") {
    // Calico compares the spec with reflect.DeepEqual against an empty one: a JSON `[]` or `{}` decodes
    // to a non-nil empty slice or map, which is NOT zero. Only `podSelector: {}` (a struct) is, so
    // `ingress: []` or `podSelector: {matchLabels: {}}` make a staged Delete invalid (checked against
    // v3.32.1 validator.go validateStagedKubernetesNetworkPolicy).
    const sel = spec.podSelector;
    const empty =
      (sel === undefined || (sel.matchLabels === undefined && sel.matchExpressions === undefined)) &&
      spec.ingress === undefined &&
      spec.egress === undefined &&
      spec.policyTypes === undefined;
    if (!empty) {
      r.add("spec", undefined, "Spec fields should all be zero-value if stagedAction is Delete", "a staged Delete carries no selector, rules or policyTypes: keep only stagedAction");
    }
    return;
  }
  validateK8sNetworkPolicySpec(spec, r);
}
