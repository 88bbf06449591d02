/**
 * The shape of one baseline policy file. Each file in `policies/<tier>/<name>.ts` default-exports
 * `definePolicy({ tier, name, build })`, next to a `<name>.cases.yaml` of flows it must allow or deny.
 */
import type { Construct } from "constructs";
import type { Tier } from "../components/tier.js";
import type { PolicySettings } from "../src/config/types.js";

export interface PolicyContext {
  /** The tier the policy was filed under, already configured with the stack's mode for that tier. */
  readonly tier: Tier;
  /** The stack's policy settings (Calico version, registry, excluded namespaces, IPv6...). */
  readonly settings: PolicySettings;
}

export interface BaselinePolicy {
  /** The tier folder the policy belongs to (`security`, `platform`, `application`, `appsec`). */
  readonly tier: string;
  /** The file's name without extension; also the name of its cases file. */
  readonly name: string;
  /** Adds the policy's constructs to `scope` (the tier's chart). */
  build(scope: Construct, ctx: PolicyContext): void;
}

/** Identity function that gives a policy file its type. */
export function definePolicy(policy: BaselinePolicy): BaselinePolicy {
  return policy;
}
