/**
 * The baseline's tiers: evaluation order and what each does with flows it does not decide.
 *
 * - security (200, Pass): guarantees first: host loopback, control-plane and Calico component access,
 *   monitoring ports only for Prometheus. Allows what must never break, denies what must never happen,
 *   passes everything else.
 * - platform (300, Pass): shared services for every namespace: DNS, the private registry.
 * - application (400, Deny): namespace boundaries. Calico's default deny selects every pod outside the system
 *   namespaces, so a pod's flows end here in Deny unless a namespace isolation policy passes them on.
 * - appsec (500, Pass): workload-level rules inside a namespace (AppConnections). Workloads it does not
 *   mention pass through to the default tier and their namespace profile (allow).
 *
 * Orders avoid the operator's calico-system tier (100) and kube-admin (1000) and stay below the default tier
 * (1,000,000). Host endpoints are only selected by Pass tiers, so the baseline can never end a host's flow
 * in Deny except by an explicit rule: nodes keep their auto host endpoints' default-allow profile.
 */
import type { TierDefaultAction } from "../components/tier.js";
import type { BaselineTier } from "../src/config/types.js";

export interface TierDefinition {
  readonly order: number;
  readonly defaultAction: TierDefaultAction;
  /** Where the tier's chart is written, in apply order after `00-tiers.yaml`. */
  readonly file: string;
}

export const TIER_DEFINITIONS: Readonly<Record<BaselineTier, TierDefinition>> = {
  security: { order: 200, defaultAction: "Pass", file: "10-security.yaml" },
  platform: { order: 300, defaultAction: "Pass", file: "20-platform.yaml" },
  application: { order: 400, defaultAction: "Deny", file: "30-application.yaml" },
  appsec: { order: 500, defaultAction: "Pass", file: "40-appsec.yaml" },
};

export const TIERS_FILE = "00-tiers.yaml";
