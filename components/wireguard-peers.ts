/**
 * Host endpoint rules between nodes for Calico's WireGuard tunnels (UDP 51820, IPv6 UDP 51821: Felix's
 * `wireguardListeningPort` / `wireguardListeningPortV6` defaults), for stacks that turn encryption on
 * (https://docs.tigera.io/calico/3.32/network-policy/encrypt-cluster-pod-traffic). Two global policies:
 *
 * - `<name>`: preDNAT (and applyOnForward, as Calico requires), ingress Allow from the nodes. Felix accepts
 *   WireGuard packets in the filter table before normal host endpoint policy (felix/rules/static.go
 *   filterInputChain/filterOutputChain, "auto-allow Wireguard traffic", 3.30-3.32), but untracked and
 *   pre-DNAT policies run earlier and can still drop them; a pre-DNAT Allow here, early in the first tier,
 *   accepts them before any later pre-DNAT deny (such as a north-south guard) can.
 * - `<name>-egress`: egress Allow to the nodes (pre-DNAT policy has no egress), so a later egress deny on the
 *   host endpoints does not cut the tunnel in the analysis either.
 *
 * Without tunnels nothing here is needed: build it only when encryption is on.
 */
import { Construct } from "constructs";
import { sel, type Selector } from "../src/model/selector/index.js";
import { GlobalNetworkPolicy } from "./global-network-policy.js";
import { NODE_OS_LABEL, Peer } from "./peer.js";
import { Port } from "./port.js";
import { makeRules, type RuleSpec } from "./rule.js";
import type { Tier } from "./tier.js";

export interface WireguardPeersProps {
  readonly tier: Tier;
  /** @default "wireguard-peers" */
  readonly name?: string;
  /**
   * The nodes' host endpoints (the tunnel ends).
   * @default has(kubernetes.io/os): every auto host endpoint
   */
  readonly hosts?: Selector;
  /**
   * Open the IPv6 tunnel port too (FelixConfiguration `wireguardEnabledV6`).
   * @default false
   */
  readonly ipv6?: boolean;
  /** Order of the ingress policy; the egress one is next (order + 1). @default 15 (after host loopback, before the control-plane and north-south policies) */
  readonly order?: number;
}

export class WireguardPeers extends Construct {
  /** The pre-DNAT ingress policy. */
  readonly ingress: GlobalNetworkPolicy;
  /** The egress policy. */
  readonly egress: GlobalNetworkPolicy;

  constructor(scope: Construct, id: string, props: WireguardPeersProps) {
    super(scope, id);
    const name = props.name ?? "wireguard-peers";
    const hostSel = props.hosts ?? sel.has(NODE_OS_LABEL);
    const nodes = Peer.hosts(hostSel);
    // Each port is pinned to its IP version: 51820 carries the IPv4 tunnel, 51821 the IPv6 one.
    const tunnels: Array<{ port: Port; ipVersion: 4 | 6 }> = [{ port: Port.WIREGUARD, ipVersion: 4 }, ...(props.ipv6 === true ? [{ port: Port.WIREGUARD_V6, ipVersion: 6 as const }] : [])];
    const rules = (direction: "ingress" | "egress"): RuleSpec[] =>
      tunnels.flatMap((t) => makeRules(direction, "Allow", nodes, [t.port]).map((r) => ({ ...r, ipVersion: t.ipVersion })));
    this.ingress = new GlobalNetworkPolicy(this, "Ingress", {
      tier: props.tier,
      name,
      order: props.order ?? 15,
      selector: hostSel,
      preDNAT: true,
      applyOnForward: true,
      ingress: rules("ingress"),
    });
    this.egress = new GlobalNetworkPolicy(this, "Egress", {
      tier: props.tier,
      name: `${name}-egress`,
      // One after the ingress policy: a tie would be broken by name, differently before and after 3.32.
      order: (props.order ?? 15) + 1,
      selector: hostSel,
      egress: rules("egress"),
    });
  }
}
