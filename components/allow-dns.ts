/**
 * Allows every pod in every namespace to query the cluster DNS on UDP and TCP 53, on both ends:
 * egress from all pods, and ingress at the DNS pods, so DNS keeps working even if kube-system is isolated.
 *
 * Both policies select pods through a namespaceSelector, so host endpoints are not touched.
 */
import { Construct } from "constructs";
import { sel, type Selector } from "../src/model/selector/index.js";
import { GlobalNetworkPolicy } from "./global-network-policy.js";
import { NAMESPACE_NAME_LABEL, Peer } from "./peer.js";
import { Port } from "./port.js";
import { makeRules } from "./rule.js";
import type { Tier } from "./tier.js";

export interface AllowDnsProps {
  readonly tier: Tier;
  /** @default "allow-dns" (policies `<name>-egress` and `<name>-ingress`) */
  readonly name?: string;
  /**
   * The DNS pods.
   * @default `k8s-app == "kube-dns"`, the label CoreDNS carries in kube-system
   */
  readonly dnsSelector?: Selector;
  /**
   * The DNS pods' namespace.
   * @default "kube-system"
   */
  readonly dnsNamespace?: string;
  /** @default 100 */
  readonly order?: number;
}

export class AllowDns extends Construct {
  readonly egress: GlobalNetworkPolicy;
  readonly ingress: GlobalNetworkPolicy;

  constructor(scope: Construct, id: string, props: AllowDnsProps) {
    super(scope, id);
    const name = props.name ?? "allow-dns";
    const dnsSelector = props.dnsSelector ?? sel.eq("k8s-app", "kube-dns");
    const dnsNamespace = props.dnsNamespace ?? "kube-system";
    const dns = Peer.pods(dnsSelector, { namespace: dnsNamespace });
    const everyNamespace = sel.has(NAMESPACE_NAME_LABEL);
    const dnsPorts = [Port.DNS_UDP, Port.DNS_TCP];
    this.egress = new GlobalNetworkPolicy(this, "Egress", {
      tier: props.tier,
      name: `${name}-egress`,
      order: props.order ?? 100,
      namespaceSelector: everyNamespace,
      egress: makeRules("egress", "Allow", dns, dnsPorts),
    });
    this.ingress = new GlobalNetworkPolicy(this, "Ingress", {
      tier: props.tier,
      name: `${name}-ingress`,
      order: props.order ?? 100,
      selector: dnsSelector,
      namespaceSelector: sel.eq(NAMESPACE_NAME_LABEL, dnsNamespace),
      ingress: makeRules("ingress", "Allow", Peer.namespaces(everyNamespace), dnsPorts),
    });
  }
}
