/**
 * What GlobalNetworkPolicy and NetworkPolicy share: the tier, the `<tier>.<name>` naming, order, selector,
 * rules per direction, and the enforce/stage switch that picks the Staged* kind. Internal to components/.
 */
import { ApiObject, Lazy } from "cdk8s";
import { Construct } from "constructs";
import type { PolicyMode } from "../src/config/types.js";
import { UserError } from "../src/model/problem.js";
import { isDns1123Label } from "../src/model/validate/context.js";
import { sel, type Selector } from "../src/model/selector/index.js";
import type { RuleSpec } from "./rule.js";
import type { Tier } from "./tier.js";

export interface PolicyBaseProps {
  /** The tier the policy belongs to; the policy is named `<tier>.<name>` and sets `spec.tier`. */
  readonly tier: Tier;
  /** The policy's own name (a DNS label), without the tier prefix. */
  readonly name: string;
  /**
   * Order within the tier, lower first.
   * @default undefined: Calico treats a missing order as infinite (last in the tier; ties broken by name)
   */
  readonly order?: number;
  /**
   * The endpoints the policy applies to.
   * @default all()
   */
  readonly selector?: Selector;
  /**
   * Ingress rules. `undefined` leaves ingress alone (no `Ingress` type); `[]` governs ingress with no rule,
   * so the selected endpoints get the tier's default action for ingress.
   * @default undefined
   */
  readonly ingress?: readonly RuleSpec[];
  /**
   * Egress rules, as for `ingress`.
   * @default undefined
   */
  readonly egress?: readonly RuleSpec[];
  /**
   * `stage` writes the Staged* kind, which Calico evaluates and reports but does not enforce.
   * @default the tier's mode
   */
  readonly mode?: PolicyMode;
}

/** Base of the two policy constructs. `kind` decides global vs namespaced. */
export abstract class PolicyBase extends Construct {
  readonly tier: Tier;
  /** The full Calico name, `<tier>.<name>`. */
  readonly policyName: string;
  readonly mode: PolicyMode;
  readonly resource: ApiObject;
  private ingressRules: RuleSpec[] | undefined;
  private egressRules: RuleSpec[] | undefined;
  private ingressTail: RuleSpec | undefined;
  private egressTail: RuleSpec | undefined;

  protected constructor(
    scope: Construct,
    id: string,
    props: PolicyBaseProps,
    kinds: { readonly enforced: string; readonly staged: string },
    extra: { readonly namespace?: string; readonly spec: Record<string, unknown> },
  ) {
    super(scope, id);
    if (!isDns1123Label(props.name)) {
      throw new UserError([
        {
          path: "name",
          value: props.name,
          message: "not a valid policy name",
          hint: "a policy name is a DNS label (lowercase letters, digits, '-'), without the tier prefix: the product adds `<tier>.`",
        },
      ]);
    }
    if (props.order !== undefined && !Number.isFinite(props.order)) {
      throw new UserError([{ path: "order", value: props.order, message: "order must be a finite number", hint: "e.g. 100" }]);
    }
    this.tier = props.tier;
    this.policyName = `${props.tier.name}.${props.name}`;
    this.mode = props.mode ?? props.tier.mode;
    this.ingressRules = props.ingress === undefined ? undefined : [...props.ingress];
    this.egressRules = props.egress === undefined ? undefined : [...props.egress];
    const selector = props.selector ?? sel.all();
    this.resource = new ApiObject(this, "Resource", {
      apiVersion: "projectcalico.org/v3",
      kind: this.mode === "stage" ? kinds.staged : kinds.enforced,
      metadata: extra.namespace === undefined ? { name: this.policyName } : { name: this.policyName, namespace: extra.namespace },
      spec: Lazy.any({
        produce: () => ({
          tier: this.tier.name,
          order: props.order,
          selector: selector.toString(),
          ...extra.spec,
          types: this.types(),
          ingress: this.rendered(this.ingressRules, this.ingressTail),
          egress: this.rendered(this.egressRules, this.egressTail),
        }),
      }),
    });
  }

  /** Appends ingress rules (and makes the policy govern ingress). */
  addIngress(...rules: RuleSpec[]): this {
    this.ingressRules = [...(this.ingressRules ?? []), ...rules];
    return this;
  }

  /** Appends egress rules (and makes the policy govern egress). */
  addEgress(...rules: RuleSpec[]): this {
    this.egressRules = [...(this.egressRules ?? []), ...rules];
    return this;
  }

  /**
   * Sets the rule that always comes after every added ingress rule (e.g. an explicit final Deny), and makes
   * the policy govern ingress.
   */
  setFinalIngress(rule: RuleSpec): this {
    this.ingressRules ??= [];
    this.ingressTail = rule;
    return this;
  }

  /** As `setFinalIngress`, for egress. */
  setFinalEgress(rule: RuleSpec): this {
    this.egressRules ??= [];
    this.egressTail = rule;
    return this;
  }

  private rendered(rules: RuleSpec[] | undefined, tail: RuleSpec | undefined): RuleSpec[] | undefined {
    if (rules === undefined) return undefined;
    return tail === undefined ? [...rules] : [...rules, tail];
  }

  /**
   * Calico infers `types` when omitted (Egress only if there are egress rules), which would silently drop an
   * egress lock-down with no rules; so types are always written out.
   */
  private types(): ("Ingress" | "Egress")[] {
    const types: ("Ingress" | "Egress")[] = [];
    if (this.ingressRules !== undefined || this.ingressTail !== undefined) types.push("Ingress");
    if (this.egressRules !== undefined || this.egressTail !== undefined) types.push("Egress");
    return types;
  }
}
