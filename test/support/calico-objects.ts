/**
 * Builders for Calico and Kubernetes objects in tests, so each case states only what it is about.
 * Shared by the model's unit tests and conformance tests (and usable by other areas' tests).
 */

export type Obj = Record<string, unknown>;

/** A projectcalico.org/v3 GlobalNetworkPolicy. */
export function gnp(name: string, spec: Obj, metadata: Obj = {}): Obj {
  return { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name, ...metadata }, spec };
}

/** A projectcalico.org/v3 NetworkPolicy in namespace `default` unless metadata says otherwise. */
export function cnp(name: string, spec: Obj, metadata: Obj = {}): Obj {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "NetworkPolicy",
    metadata: { name, namespace: "default", ...metadata },
    spec,
  };
}

/** A projectcalico.org/v3 object of any kind. */
export function calico(kind: string, name: string, spec: Obj, metadata: Obj = {}): Obj {
  return { apiVersion: "projectcalico.org/v3", kind, metadata: { name, ...metadata }, spec };
}

/** An operator.tigera.io/v1 object. */
export function operator(kind: string, name: string, spec: Obj = {}): Obj {
  return { apiVersion: "operator.tigera.io/v1", kind, metadata: { name }, spec };
}

/** A networking.k8s.io/v1 NetworkPolicy. */
export function k8sNp(name: string, spec: Obj, namespace = "default"): Obj {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec };
}

/** A GlobalNetworkPolicy holding one ingress rule (the usual shape of a rule test). */
export function withIngressRule(rule: Obj): Obj {
  return gnp("rule-test", { selector: "all()", ingress: [rule] });
}

/** A GlobalNetworkPolicy holding one egress rule. */
export function withEgressRule(rule: Obj): Obj {
  return gnp("rule-test", { selector: "all()", egress: [rule] });
}
