/**
 * A Calico Tier (projectcalico.org/v3, cluster-scoped): a named, ordered group of policies.
 *
 * Calico semantics: tiers are evaluated by ascending `order`. A tier is skipped for an endpoint when none of
 * its (enforced) policies selects it. When some policy selects it and no rule decides, the tier's
 * `defaultAction` applies: `Deny` (Calico's default) or `Pass` (to the next tier; supported from Calico 3.30).
 * Reserved orders: the operator's `calico-system` tier sits at 100 (3.32), `kube-admin`/`adminnetworkpolicy`
 * at 1,000 and the `default` tier at 1,000,000, so user tiers avoid the first two and stay below the last.
 */
import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import type { PolicyMode } from "../src/config/types.js";
import { UserError, type Problem } from "../src/model/problem.js";
import { isDns1123Label } from "../src/model/validate/context.js";

export type TierDefaultAction = "Deny" | "Pass";

/** Tier orders taken by Calico or the operator; a user tier at the same order would tie with them. */
export const RESERVED_TIER_ORDERS: ReadonlyMap<number, string> = new Map([
  [100, "calico-system (operator tier, Calico 3.32+)"],
  [1000, "kube-admin / adminnetworkpolicy"],
]);

/** The default tier's fixed order: user tiers must come before it. */
export const DEFAULT_TIER_ORDER = 1_000_000;

/** Names Calico or the operator own. */
export const RESERVED_TIER_NAMES: readonly string[] = [
  "default",
  "calico-system",
  "allow-tigera",
  "kube-admin",
  "kube-baseline",
  "adminnetworkpolicy",
  "baselineadminnetworkpolicy",
];

/** True when `calicoVersion` (e.g. "3.30", "3.32.1") supports Tier `defaultAction` (3.30+, calico #9232). */
export function supportsTierDefaultAction(calicoVersion: string): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(calicoVersion);
  if (m === null) return true;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 3 || (major === 3 && minor >= 30);
}

export interface TierProps {
  /** The tier's name: a DNS label without dots (policies in it are named `<tier>.<policy>`). */
  readonly name: string;
  /** Evaluation order, lower first; must avoid 100 and 1000 and stay below 1,000,000. */
  readonly order: number;
  /**
   * What happens when a policy in this tier selects an endpoint and no rule decides.
   * Use `Pass` for a tier that must not deny flows it does not own.
   * @default "Deny"
   */
  readonly defaultAction?: TierDefaultAction;
  /**
   * Whether the tier's policies are enforced or written as Staged* kinds (not enforced; Calico reports
   * what they would do). A policy may still override it.
   * @default "enforce"
   */
  readonly mode?: PolicyMode;
  /**
   * Target Calico version; below 3.30 `defaultAction: Pass` is written as a final Pass policy instead.
   * @default "3.32"
   */
  readonly calicoVersion?: string;
}

function checkTierProps(props: TierProps): void {
  const problems: Problem[] = [];
  if (!isDns1123Label(props.name)) {
    problems.push({
      path: "name",
      value: props.name,
      message: "not a valid tier name",
      hint: "a tier name is a DNS label: at most 63 lowercase letters, digits and '-', and no dots (policies are named <tier>.<name>)",
    });
  } else if (RESERVED_TIER_NAMES.includes(props.name)) {
    problems.push({
      path: "name",
      value: props.name,
      message: "tier name is reserved by Calico or the operator",
      hint: "choose another name, e.g. security, platform, application or appsec",
    });
  }
  if (!Number.isFinite(props.order) || props.order <= 0 || props.order >= DEFAULT_TIER_ORDER) {
    problems.push({
      path: "order",
      value: props.order,
      message: `tier order must be greater than 0 and below the default tier (${DEFAULT_TIER_ORDER})`,
      hint: "a tier at or after the default tier would only see flows the default tier passes; pick e.g. 200-900",
    });
  } else if (RESERVED_TIER_ORDERS.has(props.order)) {
    problems.push({
      path: "order",
      value: props.order,
      message: `tier order is taken by ${RESERVED_TIER_ORDERS.get(props.order) ?? "a built-in tier"}`,
      hint: "equal orders are broken by name, which is fragile; pick a free order such as 200 or 1100",
    });
  }
  if (problems.length > 0) throw new UserError(problems);
}

export class Tier extends Construct {
  readonly name: string;
  readonly order: number;
  readonly defaultAction: TierDefaultAction;
  readonly mode: PolicyMode;
  readonly calicoVersion: string;
  /** The Tier object itself. */
  readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: TierProps) {
    super(scope, id);
    checkTierProps(props);
    this.name = props.name;
    this.order = props.order;
    this.defaultAction = props.defaultAction ?? "Deny";
    this.mode = props.mode ?? "enforce";
    this.calicoVersion = props.calicoVersion ?? "3.32";
    const native = supportsTierDefaultAction(this.calicoVersion);
    this.resource = new ApiObject(this, "Resource", {
      apiVersion: "projectcalico.org/v3",
      kind: "Tier",
      metadata: { name: this.name },
      spec: native ? { order: this.order, defaultAction: this.defaultAction } : { order: this.order },
    });
    if (!native && this.defaultAction === "Pass") {
      // Before 3.30 a tier always ends in Deny; a last policy that Passes everything it sees gives the same
      // result: it selects every endpoint, so any endpoint the tier applies to reaches it and is passed on.
      new ApiObject(this, "FinalPass", {
        apiVersion: "projectcalico.org/v3",
        kind: this.mode === "stage" ? "StagedGlobalNetworkPolicy" : "GlobalNetworkPolicy",
        metadata: { name: `${this.name}.pass-remaining` },
        spec: {
          tier: this.name,
          // Calico's largest float order would do; this is far after any policy the product writes.
          order: 1e9,
          selector: "all()",
          types: ["Ingress", "Egress"],
          ingress: [{ action: "Pass" }],
          egress: [{ action: "Pass" }],
        },
      });
    }
  }
}
