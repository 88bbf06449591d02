/**
 * A namespace talks to itself and to what is listed, and nothing else: a NetworkPolicy in the namespace
 * that selects all its pods, lets same-namespace and listed flows through, and ends with an explicit Deny.
 *
 * By default the flows it lets through are *passed* (`Pass`) rather than allowed, so a later tier (appsec)
 * can still narrow them to single workloads; with no later policy selecting the pods they reach the pods'
 * namespace profile, which allows. Set `permit: "Allow"` to end evaluation here instead.
 */
import type { Construct } from "constructs";
import { NetworkPolicy } from "./network-policy.js";
import { Peer } from "./peer.js";
import type { Port } from "./port.js";
import { makeRules } from "./rule.js";
import type { Tier } from "./tier.js";

/** A peer and, optionally, the ports it may use (all traffic when omitted). */
export interface Allowance {
  readonly peer: Peer;
  /** @default every protocol and port */
  readonly ports?: readonly Port[];
}

export interface NamespaceIsolationProps {
  readonly tier: Tier;
  /** The namespace to isolate. */
  readonly namespace: string;
  /** @default "namespace-isolation" */
  readonly name?: string;
  /**
   * Who else may connect in.
   * @default nobody outside the namespace
   */
  readonly allowFrom?: readonly Allowance[];
  /**
   * Where else pods may connect to.
   * @default nothing outside the namespace
   */
  readonly allowTo?: readonly Allowance[];
  /**
   * The action for permitted flows: `Pass` hands them to the next tier, `Allow` accepts them now.
   * @default "Pass"
   */
  readonly permit?: "Pass" | "Allow";
  /** @default 100 */
  readonly order?: number;
}

export class NamespaceIsolation extends NetworkPolicy {
  constructor(scope: Construct, id: string, props: NamespaceIsolationProps) {
    const permit = props.permit ?? "Pass";
    const self = Peer.namespace(props.namespace);
    super(scope, id, {
      tier: props.tier,
      namespace: props.namespace,
      name: props.name ?? "namespace-isolation",
      order: props.order ?? 100,
      ingress: [
        ...makeRules("ingress", permit, self),
        ...(props.allowFrom ?? []).flatMap((a) => makeRules("ingress", permit, a.peer, a.ports)),
      ],
      egress: [
        ...makeRules("egress", permit, self),
        ...(props.allowTo ?? []).flatMap((a) => makeRules("egress", permit, a.peer, a.ports)),
      ],
    });
    // Explicit, so the namespace stays closed whatever the tier's default action is.
    this.setFinalIngress({ action: "Deny" });
    this.setFinalEgress({ action: "Deny" });
  }
}
