/**
 * Workload-to-workload connections in one namespace, written on both ends (the aws-cdk `Connections`
 * idea): `core.allowTo(queue, Port.tcp(6379))` adds an egress Allow on core *and* an ingress Allow on queue.
 * Each workload gets one NetworkPolicy `<tier>.<workload>` in the namespace, selecting its pods.
 *
 * A workload is *isolated* in a direction when only what is declared may pass: its policy then ends with an
 * explicit Deny in that direction (so the tier may keep `defaultAction: Pass` for workloads it does not
 * own). `queue.isolate({ egress: true })` with no egress allowances means "no egress at all".
 */
import { Construct } from "constructs";
import { UserError } from "../src/model/problem.js";
import type { Selector } from "../src/model/selector/index.js";
import { NetworkPolicy } from "./network-policy.js";
import { checkDnsLabel, Peer } from "./peer.js";
import type { Port } from "./port.js";
import { makeRules } from "./rule.js";
import type { Tier } from "./tier.js";

export interface AppConnectionsProps {
  readonly tier: Tier;
  /** The namespace the workloads run in. */
  readonly namespace: string;
  /** @default 100 */
  readonly order?: number;
}

export interface AppWorkloadProps {
  /** The workload's pods (a selector over pod labels). */
  readonly selector: Selector;
  /**
   * Only declared ingress may reach the workload.
   * @default false
   */
  readonly isolateIngress?: boolean;
  /**
   * Only declared egress may leave the workload.
   * @default false
   */
  readonly isolateEgress?: boolean;
}

/** One workload of an `AppConnections`, with its policy. Create with `AppConnections.workload()`. */
export class AppWorkload {
  readonly name: string;
  readonly namespace: string;
  readonly selector: Selector;
  readonly policy: NetworkPolicy;

  /** @internal */
  constructor(scope: Construct, tier: Tier, namespace: string, name: string, props: AppWorkloadProps, order: number) {
    this.name = name;
    this.namespace = namespace;
    this.selector = props.selector;
    this.policy = new NetworkPolicy(scope, name, { tier, namespace, name, order, selector: props.selector });
    this.isolate({ ingress: props.isolateIngress ?? false, egress: props.isolateEgress ?? false });
  }

  /** This workload's pods as a rule peer. */
  asPeer(): Peer {
    return Peer.pods(this.selector, { namespace: this.namespace });
  }

  /** Only declared flows may pass in the given directions (an explicit final Deny). */
  isolate(directions: { readonly ingress?: boolean; readonly egress?: boolean }): this {
    if (directions.ingress === true) this.policy.setFinalIngress({ action: "Deny" });
    if (directions.egress === true) this.policy.setFinalEgress({ action: "Deny" });
    return this;
  }

  /**
   * This workload may connect to `target` on `ports` (all traffic when none). With a workload target both
   * ends are written: egress here, ingress there.
   */
  allowTo(target: AppWorkload | Peer, ...ports: Port[]): this {
    const peer = target instanceof AppWorkload ? target.asPeer() : target;
    this.policy.addEgress(...makeRules("egress", "Allow", peer, ports));
    if (target instanceof AppWorkload) target.policy.addIngress(...makeRules("ingress", "Allow", this.asPeer(), ports));
    return this;
  }

  /** `source` may connect to this workload on `ports`; with a workload source both ends are written. */
  allowFrom(source: AppWorkload | Peer, ...ports: Port[]): this {
    if (source instanceof AppWorkload) {
      source.allowTo(this, ...ports);
      return this;
    }
    this.policy.addIngress(...makeRules("ingress", "Allow", source, ports));
    return this;
  }

  /** `workload fme/queue`. */
  toString(): string {
    return `workload ${this.namespace}/${this.name}`;
  }
}

export class AppConnections extends Construct {
  readonly namespace: string;
  private readonly tier: Tier;
  private readonly order: number;
  private readonly workloads = new Map<string, AppWorkload>();

  constructor(scope: Construct, id: string, props: AppConnectionsProps) {
    super(scope, id);
    checkDnsLabel(props.namespace, "namespace");
    this.namespace = props.namespace;
    this.tier = props.tier;
    this.order = props.order ?? 100;
  }

  /** Declares a workload (its name becomes the policy name `<tier>.<name>`). */
  workload(name: string, props: AppWorkloadProps): AppWorkload {
    if (this.workloads.has(name)) {
      throw new UserError([
        {
          path: "workload",
          value: name,
          message: `workload declared twice in namespace ${this.namespace}`,
          hint: "declare each workload once and reuse the returned object",
        },
      ]);
    }
    const w = new AppWorkload(this, this.tier, this.namespace, name, props, this.order);
    this.workloads.set(name, w);
    return w;
  }
}
