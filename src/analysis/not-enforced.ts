/**
 * The flows that admin policies Calico does not enforce on the analysed minor would have decided: the
 * model as analysed against the same model with those policies enforced in their tiers (an
 * AdminNetworkPolicy on 3.32 as 3.31 enforced it; a ClusterNetworkPolicy on 3.30/3.31 as 3.32 does).
 * `removed` connections are the ones they would deny, `added` the ones they would allow.
 */
import type { CalicoMinor } from "../config/types.js";
import { adminTierOf, type AdminKind } from "./admin-policies.js";
import { type DiffOptions, type DiffResult, diffModels } from "./diff.js";
import { type Model, buildModel } from "./model.js";
import type { Tier } from "./policies.js";

export function notEnforcedFlows(model: Model, opts: DiffOptions & { readonly calicoMinor?: CalicoMinor } = {}): DiffResult {
  const pm = model.policyModel;
  const extra = pm.notEnforced ?? [];
  const tiers = new Map<string, Tier>(pm.tiers);
  for (const p of extra) {
    if (tiers.has(p.tier)) continue;
    const t = adminTierOf(p.kind as AdminKind, p.tier === "kube-baseline" ? "Baseline" : "Admin");
    tiers.set(t.name, t);
  }
  const enforced = buildModel(model.inventory, { ...pm, tiers, policies: [...pm.policies, ...extra], notEnforced: [] }, { view: model.view, ...(opts.calicoMinor === undefined ? {} : { calicoMinor: opts.calicoMinor }) });
  return diffModels(model, enforced, opts);
}
