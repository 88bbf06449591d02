/**
 * Lets host endpoints talk to their own loopback: ingress and egress to 127.0.0.0/8 (and ::1/128 with
 * IPv6), as in Calico's host-protection docs. Without it, a policy that selects a host endpoint and ends in
 * Deny would cut kubelet, the container runtime and local agents off from services on localhost.
 */
import type { Construct } from "constructs";
import { sel, type Selector } from "../src/model/selector/index.js";
import { GlobalNetworkPolicy } from "./global-network-policy.js";
import { NODE_OS_LABEL, Peer } from "./peer.js";
import { makeRules } from "./rule.js";
import type { Tier } from "./tier.js";

export interface HostLocalhostProps {
  readonly tier: Tier;
  /** @default "host-localhost" */
  readonly name?: string;
  /**
   * The host endpoints.
   * @default has(kubernetes.io/os): every auto host endpoint (kube-controllers copies node labels onto it)
   */
  readonly hosts?: Selector;
  /**
   * Also allow ::1/128.
   * @default false
   */
  readonly ipv6?: boolean;
  /** @default 10 (first in its tier: nothing should shadow loopback) */
  readonly order?: number;
}

export class HostLocalhost extends GlobalNetworkPolicy {
  constructor(scope: Construct, id: string, props: HostLocalhostProps) {
    const loopbacks = [Peer.nets("127.0.0.0/8"), ...(props.ipv6 === true ? [Peer.nets("::1/128")] : [])];
    super(scope, id, {
      tier: props.tier,
      name: props.name ?? "host-localhost",
      order: props.order ?? 10,
      selector: props.hosts ?? sel.has(NODE_OS_LABEL),
      // Loopback is the destination in both directions: ingress arriving for 127.x, egress leaving for it.
      ingress: loopbacks.map((lo) => ({ action: "Allow" as const, destination: lo.toEntityRule() })),
      egress: loopbacks.flatMap((lo) => makeRules("egress", "Allow", lo)),
    });
  }
}
