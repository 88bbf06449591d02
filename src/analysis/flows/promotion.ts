/**
 * Promotion gate: stage → enforce.
 *
 * Calico (OSS 3.30+) evaluates Staged* policies beside the enforced ones and records their would-be verdict in
 * each flow's `policies.pending` trace. A stack or tier in `stage` mode may be promoted when the flows collected
 * while it was staged show no would-be denial, judged two ways:
 *   1. offline: replaying the flows against the synthesised policies in the would-be view denies none of the
 *      flows the cluster allowed (and none is undecidable);
 *   2. live: no flow the cluster allowed carries a pending trace that ended in Deny.
 * Only when both hold does the report say "safe to promote".
 *
 * The switch is the stack config: key `calico-baseline:policies` in `Pulumi.<stack>.yaml`, field `mode`
 * (stack-wide) or `tiers.<tier>.mode` (one tier), values `stage` | `enforce` (`PolicySettings` in
 * src/config/types.ts, parsed by src/config/parse.ts).
 */
import { BASELINE_TIERS, type BaselineTier, type PolicySettings } from "../../config/types.js";
import type { ObservedFlow } from "./model.js";
import type { ReplayResult } from "./replay.js";

export const POLICIES_CONFIG_KEY = "calico-baseline:policies";

export interface StagedScope {
  /** `stack` or a tier name. */
  readonly scope: "stack" | BaselineTier;
  /** Config path inside `calico-baseline:policies`: `mode` or `tiers.<tier>.mode`. */
  readonly path: string;
  /** The command that promotes it. */
  readonly command: string;
}

export interface PromotionAssessment {
  readonly safe: boolean;
  /** One line: "safe to promote" or why not. */
  readonly verdict: string;
  /** What is staged now and how to promote it; empty when nothing is staged. */
  readonly staged: readonly StagedScope[];
  /** Flows allowed by the cluster that the offline would-be replay denies. */
  readonly offlineWouldBeDenials: number;
  readonly undecidable: number;
  /** Flows allowed by the cluster whose recorded pending (staged) verdict was Deny. */
  readonly recordedPendingDenials: number;
  /** Flows that carried a pending trace at all: 0 means the live check had nothing to look at. */
  readonly flowsWithPendingTrace: number;
}

/**
 * How to promote what is staged. `stagedTiers` are the tiers that hold Staged* objects in the synthesised
 * policies: setting `tiers.<tier>.mode: enforce` promotes them (baseline policies follow their tier's mode;
 * recommended files follow an explicit tier mode and are staged without one). A stack-wide `mode: stage`
 * is promoted with `mode: enforce`.
 */
export function stagedScopes(settings: Pick<PolicySettings, "mode" | "tiers">, stack: string, stagedTiers: readonly string[] = []): StagedScope[] {
  const cmd = (path: string): string => `pulumi config set --stack ${stack} --path '${POLICIES_CONFIG_KEY}.${path}' enforce`;
  const out: StagedScope[] = [];
  if (settings.mode === "stage") out.push({ scope: "stack", path: "mode", command: cmd("mode") });
  for (const tier of BASELINE_TIERS) {
    const explicit = settings.tiers[tier]?.mode;
    // A tier that only inherits the stack-wide stage is promoted with the stack.
    const inheritsStage = settings.mode === "stage" && explicit === undefined;
    if (explicit === "stage" || (stagedTiers.includes(tier) && !inheritsStage)) {
      out.push({ scope: tier, path: `tiers.${tier}.mode`, command: cmd(`tiers.${tier}.mode`) });
    }
  }
  return out;
}

/** Tiers that hold Staged* policy objects, from synthesised manifests. */
export function tiersWithStagedPolicies(manifests: readonly unknown[]): string[] {
  const tiers = new Set<string>();
  for (const m of manifests) {
    if (typeof m !== "object" || m === null) continue;
    const o = m as { kind?: unknown; spec?: { tier?: unknown } };
    if (typeof o.kind === "string" && o.kind.startsWith("Staged")) tiers.add(typeof o.spec?.tier === "string" ? o.spec.tier : "default");
  }
  return [...tiers].sort();
}

export function assessPromotion(
  flows: readonly ObservedFlow[],
  replay: ReplayResult,
  settings: Pick<PolicySettings, "mode" | "tiers">,
  stack: string,
  stagedTiers: readonly string[] = [],
): PromotionAssessment {
  if (replay.view !== "would-be") throw new Error("promotion must be assessed on a would-be replay");
  let recordedPendingDenials = 0;
  let flowsWithPendingTrace = 0;
  for (const f of flows) {
    if (f.pendingAction === undefined) continue;
    flowsWithPendingTrace++;
    if (f.pendingAction === "Deny" && f.action !== "Deny") recordedPendingDenials++;
  }
  const staged = stagedScopes(settings, stack, stagedTiers);
  const offline = replay.totals.breaking;
  const undecidable = replay.totals.undecidable;
  const reasons: string[] = [];
  if (offline > 0) reasons.push(`${offline} flow${offline === 1 ? "" : "s"} allowed today would be denied by the proposed policies`);
  if (recordedPendingDenials > 0) reasons.push(`${recordedPendingDenials} flow${recordedPendingDenials === 1 ? "" : "s"} recorded a staged (pending) Deny`);
  if (undecidable > 0) reasons.push(`${undecidable} flow${undecidable === 1 ? "" : "s"} could not be decided offline`);
  if (flows.length === 0) reasons.push("no flows were replayed");
  const safe = reasons.length === 0;
  let verdict: string;
  if (!safe) verdict = `NOT safe to promote: ${reasons.join("; ")}`;
  else if (staged.length === 0) verdict = "safe to promote (nothing is staged: the policies are already enforced)";
  else verdict = `safe to promote: zero would-be denials over ${flows.length} flow${flows.length === 1 ? "" : "s"}`;
  return { safe, verdict, staged, offlineWouldBeDenials: offline, undecidable, recordedPendingDenials, flowsWithPendingTrace };
}
