/**
 * Egress of the Consul → GlobalNetworkSet controller (docs/networkset-sync.md): its pods reach Consul (its CIDRs on
 * its port) and the Kubernetes API server (the control-plane hosts on TCP 6443, and the `default/kubernetes`
 * Service a pod's in-cluster client dials), and nothing else is decided here (later tiers decide the rest).
 * The lockout invariants `networkset-sync-consul` and `networkset-sync-apiserver` check that the baseline as a
 * whole lets these flows through.
 */
import { Construct } from "constructs";
import { sel, type Selector } from "../src/model/selector/index.js";
import { GlobalNetworkPolicy } from "./global-network-policy.js";
import { checkDnsLabel, checkNets, NAMESPACE_NAME_LABEL, Peer } from "./peer.js";
import { Port } from "./port.js";
import { makeRules } from "./rule.js";
import type { Tier } from "./tier.js";

export interface NetworkSetSyncEgressProps {
  readonly tier: Tier;
  /** @default "networkset-sync-egress" */
  readonly name?: string;
  /** The controller's namespace. */
  readonly namespace: string;
  /** Where Consul is reached: CIDRs (one IP family per rule, split here). */
  readonly consulCidrs: readonly string[];
  readonly consulPort: number;
  /** The controller's pods. @default app.kubernetes.io/name == "networkset-sync" */
  readonly selector?: Selector;
  /** @default has(node-role.kubernetes.io/control-plane) */
  readonly controlPlane?: Selector;
  /** @default 40 */
  readonly order?: number;
}

export class NetworkSetSyncEgress extends Construct {
  readonly policy: GlobalNetworkPolicy;

  constructor(scope: Construct, id: string, props: NetworkSetSyncEgressProps) {
    super(scope, id);
    checkDnsLabel(props.namespace, "networkSetSync.namespace");
    const v4 = props.consulCidrs.filter((c) => !c.includes(":"));
    const v6 = props.consulCidrs.filter((c) => c.includes(":"));
    const consulRules = [v4, v6]
      .filter((cs) => cs.length > 0)
      .flatMap((cs) => makeRules("egress", "Allow", Peer.nets(...checkNets(cs, "networkSetSync.consul.cidrs").nets), [Port.tcp(props.consulPort)]));
    this.policy = new GlobalNetworkPolicy(this, "Policy", {
      tier: props.tier,
      name: props.name ?? "networkset-sync-egress",
      order: props.order ?? 40,
      selector: props.selector ?? sel.eq("app.kubernetes.io/name", "networkset-sync"),
      namespaceSelector: sel.eq(NAMESPACE_NAME_LABEL, props.namespace),
      egress: [
        ...consulRules,
        ...makeRules("egress", "Allow", Peer.hosts(props.controlPlane ?? sel.has("node-role.kubernetes.io/control-plane")), [Port.KUBE_APISERVER]),
        ...makeRules("egress", "Allow", Peer.service("default", "kubernetes")),
      ],
    });
  }
}
