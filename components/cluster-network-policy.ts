/**
 * A Kubernetes ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2, kubernetes-sigs/network-policy-api
 * v0.2.0): a cluster administrator's guardrail in the portable, cross-CNI API (Calico 3.32, Cilium,
 * Antrea, kube-network-policies).
 *
 * Calico semantics (projectcalico/calico v3.32.1 libcalico-go/lib/backend/k8s/conversion/clusternetworkpolicy.go):
 * tier Admin is Calico tier `kube-admin` (order 1,000), Baseline is `kube-baseline` (order 10,000,000), both
 * ending in Pass; `priority` is the order inside the tier; host-networked pods are never selected. Calico
 * tiers with a lower order (this baseline's own: 200–500) run first, so an Admin policy decides only what
 * they pass on (docs/policies.md "ClusterNetworkPolicy or a Calico tier?").
 *
 * For a stack on Calico 3.30/3.31 the same props render the AdminNetworkPolicy (Admin tier; Accept becomes
 * Allow) or BaselineAdminNetworkPolicy (Baseline tier, named `default`, no Pass) those versions enforce.
 * Every object is validated for the target version when constructed: all problems, one UserError.
 */
import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import type { CalicoMinor } from "../src/config/types.js";
import { UserError } from "../src/model/problem.js";
import { validateResource } from "../src/model/validate/index.js";

/** A Kubernetes label selector: `{}` selects everything. */
export interface AdminLabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; readonly values?: readonly string[] }>;
}

/** Pods by namespace and pod labels (`namespaceSelector` defaults to every namespace). */
export interface AdminPodsSelector {
  readonly namespaceSelector?: AdminLabelSelector;
  readonly podSelector: AdminLabelSelector;
}

export type AdminSubject = { readonly namespaces: AdminLabelSelector } | { readonly pods: AdminPodsSelector };

/** A rule peer; `networks` only in egress rules. */
export type AdminPeer = { readonly namespaces: AdminLabelSelector } | { readonly pods: AdminPodsSelector } | { readonly networks: readonly string[] };

/** A destination port: one port, a range (`port`..`endPort`), every port of a protocol, or a container port name. */
export type AdminPort = { readonly protocol: "TCP" | "UDP" | "SCTP"; readonly port?: number; readonly endPort?: number } | { readonly namedPort: string };

export interface AdminRule {
  /** Shown in flow logs and explanations (at most 100 characters). */
  readonly name?: string;
  readonly action: "Accept" | "Deny" | "Pass";
  /** `from` for ingress rules, `to` for egress rules. */
  readonly peers: readonly AdminPeer[];
  /** @default every protocol and port */
  readonly ports?: readonly AdminPort[];
}

export interface ClusterNetworkPolicyProps {
  /** The object's name (a DNS subdomain). */
  readonly name: string;
  readonly tier: "Admin" | "Baseline";
  /** 0–1000, lower first inside the tier; give overlapping policies distinct priorities. */
  readonly priority: number;
  readonly subject: AdminSubject;
  readonly ingress?: readonly AdminRule[];
  readonly egress?: readonly AdminRule[];
  /**
   * The stack's Calico minor: 3.32 renders a ClusterNetworkPolicy; 3.30/3.31 the AdminNetworkPolicy or
   * BaselineAdminNetworkPolicy equivalent.
   * @default "3.32"
   */
  readonly calicoMinor?: CalicoMinor;
}

type Obj = Record<string, unknown>;

function cnpPort(p: AdminPort): Obj {
  if ("namedPort" in p) return { destinationNamedPort: p.namedPort };
  const key = p.protocol.toLowerCase();
  const dp = p.port === undefined ? { range: { start: 1, end: 65535 } } : p.endPort === undefined || p.endPort === p.port ? { number: p.port } : { range: { start: p.port, end: p.endPort } };
  return { [key]: { destinationPort: dp } };
}

function anpPort(p: AdminPort): Obj {
  if ("namedPort" in p) return { namedPort: p.namedPort };
  if (p.port === undefined) return { portRange: { protocol: p.protocol, start: 1, end: 65535 } };
  if (p.endPort === undefined || p.endPort === p.port) return { portNumber: { protocol: p.protocol, port: p.port } };
  return { portRange: { protocol: p.protocol, start: p.port, end: p.endPort } };
}

function peer(p: AdminPeer): Obj {
  if ("pods" in p) return { pods: { namespaceSelector: p.pods.namespaceSelector ?? {}, podSelector: p.pods.podSelector } };
  return { ...p };
}

export class ClusterNetworkPolicy extends Construct {
  readonly resource: ApiObject;
  /** The kind written for the stack's Calico minor. */
  readonly kind: "ClusterNetworkPolicy" | "AdminNetworkPolicy" | "BaselineAdminNetworkPolicy";

  constructor(scope: Construct, id: string, props: ClusterNetworkPolicyProps) {
    super(scope, id);
    const minor = props.calicoMinor ?? "3.32";
    const native = minor === "3.32";
    this.kind = native ? "ClusterNetworkPolicy" : props.tier === "Admin" ? "AdminNetworkPolicy" : "BaselineAdminNetworkPolicy";
    const action = (a: AdminRule["action"]): string => (native || a !== "Accept" ? a : "Allow");
    const rule = (r: AdminRule, dir: "ingress" | "egress"): Obj => ({
      ...(r.name === undefined ? {} : { name: r.name }),
      action: action(r.action),
      [dir === "ingress" ? "from" : "to"]: r.peers.map(peer),
      ...(r.ports === undefined || r.ports.length === 0 ? {} : native ? { protocols: r.ports.map(cnpPort) } : { ports: r.ports.map(anpPort) }),
    });
    const subject = "pods" in props.subject ? { pods: { namespaceSelector: props.subject.pods.namespaceSelector ?? {}, podSelector: props.subject.pods.podSelector } } : { namespaces: props.subject.namespaces };
    const spec: Obj = {
      ...(native ? { tier: props.tier } : {}),
      ...(this.kind === "BaselineAdminNetworkPolicy" ? {} : { priority: props.priority }),
      subject,
      ...(props.ingress === undefined ? {} : { ingress: props.ingress.map((r) => rule(r, "ingress")) }),
      ...(props.egress === undefined ? {} : { egress: props.egress.map((r) => rule(r, "egress")) }),
    };
    const obj = {
      apiVersion: native ? "policy.networking.k8s.io/v1alpha2" : "policy.networking.k8s.io/v1alpha1",
      kind: this.kind,
      metadata: { name: props.name },
      spec,
    };
    const problems = validateResource(obj, { calicoVersion: minor });
    if (problems.length > 0) throw new UserError(problems.map((p) => ({ ...p, object: `${this.kind}/${props.name}` })), `${this.kind}/${props.name} is not valid for Calico ${minor}`);
    this.resource = new ApiObject(this, "Resource", obj);
  }
}
