/**
 * The nodes reach the private registry on its TCP port, and nothing else of it; pods do not reach it at all,
 * unless `podPulls` says they pull too. Image pulls are made by the node's container runtime (kubelet asks
 * containerd, which connects from the host), never by a pod, so a pod talking to the registry is not a
 * pull: at best a tool pushing images, at worst a compromised workload reading every image.
 *
 * - `<name>` selects the host endpoints (every endpoint with `podPulls`) and allows the registry's CIDRs on
 *   the port, then (when the CIDRs hold only the registry, see `exclusive`) denies every other flow to them.
 * - `<name>-pods` (without `podPulls`) selects every workload endpoint (a `namespaceSelector`, which never
 *   selects a host endpoint) and denies the registry: its port (the whole address when `exclusive`).
 *
 * Flows to other destinations are left to the tier's default (Pass in the baseline).
 *
 * When a CIDR is a subnet rather than the registry's own address (multipass: the VM bridge, which the nodes
 * share), the rules would also speak for the registry port of every node. So a `Pass` rule for the host
 * endpoints on that port comes first in both policies: flows to a node's port 5000 are not this policy's
 * business and go on to later tiers (an application pod's then ends in its default deny), exactly as if the
 * registry rules did not exist. Pass, not Allow or Deny, because the node port was never the registry's.
 */
import { Construct } from "constructs";
import { UserError, type Problem } from "../src/model/problem.js";
import { sel, type Selector } from "../src/model/selector/index.js";
import { GlobalNetworkPolicy } from "./global-network-policy.js";
import { NAMESPACE_NAME_LABEL, NODE_OS_LABEL, parseNet, Peer } from "./peer.js";
import { Port } from "./port.js";
import { makeRules } from "./rule.js";
import type { Tier } from "./tier.js";

export interface PrivateRegistryEgressProps {
  readonly tier: Tier;
  /** @default "registry-egress" */
  readonly name?: string;
  /** Where the registry is: one or more CIDRs (IPv4 and/or IPv6). */
  readonly cidrs: readonly string[];
  /** The registry's TCP port (e.g. 5000 or 443). */
  readonly port: number;
  /**
   * Pods pull from the registry too (e.g. an in-cluster build pushing images): one policy then selects every
   * endpoint, pods included, and no pod is denied.
   * @default false: only the nodes
   */
  readonly podPulls?: boolean;
  /**
   * The host endpoints that pull (the nodes).
   * @default has(kubernetes.io/os): every auto host endpoint
   */
  readonly hosts?: Selector;
  /**
   * Deny every other flow to the registry's CIDRs ("nothing else of it"). Only safe when the CIDRs hold
   * the registry alone: a subnet shared with the nodes (e.g. a VM bridge) would also cut pods off from the
   * API server and kubelet on those nodes.
   * @default true when every CIDR is a single address (/32 or /128), false otherwise
   */
  readonly exclusive?: boolean;
  /**
   * The node host endpoints the registry is not on: flows to them on the registry port are passed on
   * before the Allow, so a subnet-wide registry CIDR does not open that port on the nodes.
   * @default has(kubernetes.io/os) (every auto host endpoint) when a CIDR is wider than one address, else none
   */
  readonly notOnHosts?: Selector | false;
  /** @default 50 */
  readonly order?: number;
}

export class PrivateRegistryEgress extends Construct {
  /** The nodes' (with `podPulls`, every endpoint's) access to the registry. */
  readonly policy: GlobalNetworkPolicy;
  /** The pods' denial (absent with `podPulls`). */
  readonly pods?: GlobalNetworkPolicy;

  constructor(scope: Construct, id: string, props: PrivateRegistryEgressProps) {
    super(scope, id);
    // Validate all CIDRs at once (typos report every bad entry), then split by IP version: one rule may
    // not mix IPv4 and IPv6 nets.
    const problems: Problem[] = [];
    const byVersion = new Map<4 | 6, string[]>();
    if (props.cidrs.length === 0) {
      problems.push({
        path: "registry.cidrs",
        value: [],
        message: "no registry CIDRs given",
        hint: "set the registry's addresses in the stack config (calico-baseline:registry cidrs, or bridgeCidr with multipass), e.g. 10.0.0.50/32",
      });
    }
    props.cidrs.forEach((c, i) => {
      const r = parseNet(c, `registry.cidrs[${i}]`);
      if ("message" in r) problems.push(r);
      else byVersion.set(r.version, [...(byVersion.get(r.version) ?? []), r.net]);
    });
    let port: Port | undefined;
    try {
      port = Port.tcp(props.port);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      problems.push(...e.problems.map((p) => ({ ...p, path: "registry.port" })));
    }
    if (problems.length > 0 || port === undefined) throw new UserError(problems);
    const registryPort = port;
    const singleHosts = [...byVersion.values()].flat().every((n) => n.endsWith("/32") || n.endsWith("/128"));
    const exclusive = props.exclusive ?? singleHosts;
    const peers = [...byVersion.keys()].sort().map((v) => Peer.nets(...(byVersion.get(v) ?? [])));
    const notOnHosts = props.notOnHosts ?? (singleHosts ? false : sel.has(NODE_OS_LABEL));
    const passNodePort = notOnHosts === false ? [] : makeRules("egress", "Pass", Peer.hosts(notOnHosts), [registryPort]);
    const name = props.name ?? "registry-egress";
    const order = props.order ?? 50;
    const podPulls = props.podPulls ?? false;
    this.policy = new GlobalNetworkPolicy(this, "Default", {
      tier: props.tier,
      name,
      order,
      selector: podPulls ? sel.all() : (props.hosts ?? sel.has(NODE_OS_LABEL)),
      egress: [
        ...passNodePort,
        ...peers.flatMap((p) => makeRules("egress", "Allow", p, [registryPort])),
        ...(exclusive ? peers.flatMap((p) => makeRules("egress", "Deny", p)) : []),
      ],
    });
    if (!podPulls) {
      this.pods = new GlobalNetworkPolicy(this, "Pods", {
        tier: props.tier,
        name: `${name}-pods`,
        order,
        // Every workload endpoint, in every namespace (system namespaces too: none of them pulls).
        namespaceSelector: sel.has(NAMESPACE_NAME_LABEL),
        egress: exclusive ? peers.flatMap((p) => makeRules("egress", "Deny", p)) : [...passNodePort, ...peers.flatMap((p) => makeRules("egress", "Deny", p, [registryPort]))],
      });
    }
  }
}
