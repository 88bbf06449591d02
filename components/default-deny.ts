/**
 * Calico's documented default deny (`deny-app-policy`): every pod outside the system namespaces is selected,
 * DNS to kube-dns is allowed on UDP and TCP 53, and everything else those pods send or receive ends in the
 * tier's default Deny.
 *
 * Calico semantics: the policy denies by *selecting without allowing*: it must live in a tier whose
 * defaultAction is Deny, and its order does not matter for what it denies. It does matter for what it
 * allows: a policy whose rules match nothing hands the flow to the next policy of the tier, but a later
 * policy's explicit Deny (e.g. NamespaceIsolation's final rule) would end DNS before a last-ordered default
 * deny's DNS rules are reached. So it comes first in its tier by default: DNS is decided here, everything
 * else goes on to the tier's other policies and then to the tier's Deny.
 * It uses `namespaceSelector`, so it selects workload endpoints only — never host endpoints — and cannot
 * lock nodes out.
 */
import type { Construct } from "constructs";
import { DEFAULT_DENY_EXCLUDED_NAMESPACES } from "../src/config/types.js";
import { UserError } from "../src/model/problem.js";
import { sel, type Selector } from "../src/model/selector/index.js";
import { GlobalNetworkPolicy } from "./global-network-policy.js";
import { checkDnsLabel, NAMESPACE_NAME_LABEL, Peer } from "./peer.js";
import { Port } from "./port.js";
import { makeRules } from "./rule.js";
import type { Tier } from "./tier.js";

export { DEFAULT_DENY_EXCLUDED_NAMESPACES };

/** The cluster DNS pods: `k8s-app == "kube-dns"` in kube-system. */
export function kubeDnsPeer(): Peer {
  return Peer.pods(sel.eq("k8s-app", "kube-dns"), { namespace: "kube-system" });
}

export interface DefaultDenyProps {
  readonly tier: Tier;
  /** @default "default-deny" */
  readonly name?: string;
  /**
   * Namespaces left alone.
   * @default calico-system, kube-public, kube-system, tigera-operator (as in Calico's docs)
   */
  readonly excludedNamespaces?: readonly string[];
  /**
   * Where DNS is served.
   * @default pods `k8s-app == "kube-dns"` in kube-system
   */
  readonly dns?: Peer;
  /**
   * Order in the tier. Keep it before any policy of the tier that ends in an explicit Deny, or that
   * policy cuts DNS off first.
   * @default 10 (before NamespaceIsolation and AppConnections, which default to 100)
   */
  readonly order?: number;
}

export class DefaultDeny extends GlobalNetworkPolicy {
  /** The namespaces the policy applies to, as a namespace selector. */
  readonly namespaces: Selector;

  constructor(scope: Construct, id: string, props: DefaultDenyProps) {
    if (props.tier.defaultAction !== "Deny") {
      // The policy only allows DNS; the deny is the tier's end. In a Pass tier it would deny nothing at all.
      throw new UserError([
        {
          path: "tier",
          value: props.tier.name,
          message: `tier ${props.tier.name} ends in ${props.tier.defaultAction}, so a default deny in it would deny nothing`,
          hint: "put DefaultDeny in a tier whose defaultAction is Deny (the baseline's application tier)",
        },
      ]);
    }
    const excluded = [...(props.excludedNamespaces ?? DEFAULT_DENY_EXCLUDED_NAMESPACES)];
    excluded.forEach((ns, i) => checkDnsLabel(ns, `excludedNamespaces[${i}]`));
    const namespaces =
      excluded.length === 0 ? sel.has(NAMESPACE_NAME_LABEL) : sel.notIn(NAMESPACE_NAME_LABEL, excluded);
    const dns = props.dns ?? kubeDnsPeer();
    super(scope, id, {
      tier: props.tier,
      name: props.name ?? "default-deny",
      order: props.order ?? 10,
      namespaceSelector: namespaces,
      ingress: [],
      egress: makeRules("egress", "Allow", dns, [Port.DNS_UDP, Port.DNS_TCP]),
    });
    this.namespaces = namespaces;
  }
}
