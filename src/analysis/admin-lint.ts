/**
 * Lint for the Kubernetes admin policy kinds, on the analysed model:
 * - `equal-priority-overlap`: two policies of one admin tier with the same priority whose subjects select a
 *   common endpoint. The spec leaves the outcome undefined ("the implementation can apply any of the
 *   matching policies", kubernetes-sigs/network-policy-api v0.2.0 apis/v1alpha2 types.go Priority); Calico
 *   breaks the order tie by name (felix/calc/policy_sorter.go), other CNIs may not.
 * - `fail-closed-rule`: a rule Calico replaced by deny-all because it could not convert it
 *   (v3.32.1 clusternetworkpolicy.go k8sClusterNetPolHandleFailedRules; 3.30/3.31 k8sANPHandleFailedRules).
 * - `before-admin-tier`: a user tier with defaultAction Deny ordered before kube-admin/adminnetworkpolicy
 *   (order < 1,000) selecting endpoints an Admin policy selects: every flow of those endpoints is decided
 *   there (allowed by its rules or denied at its end) and never reaches the Admin policy.
 */
import type { Problem } from "../model/problem.js";
import { ADMIN_KINDS } from "./admin-policies.js";
import type { Endpoint, Model } from "./model.js";
import type { Policy } from "./policies.js";

export type AdminLintId = "equal-priority-overlap" | "fail-closed-rule" | "before-admin-tier";

export interface AdminLint extends Problem {
  readonly id: AdminLintId;
}

const ADMIN_TIERS = new Set(["kube-admin", "adminnetworkpolicy"]);

function isAdmin(p: Policy): boolean {
  return (ADMIN_KINDS as readonly string[]).includes(p.kind);
}

function where(p: Policy): { object: string; file?: string } {
  return { object: p.source.object, ...(p.source.file === undefined ? {} : { file: p.source.file }) };
}

function names(eps: readonly Endpoint[]): string {
  return `${eps.slice(0, 3).map((e) => e.id).join(", ")}${eps.length > 3 ? `, and ${eps.length - 3} more` : ""}`;
}

export function lintAdminPolicies(model: Model): AdminLint[] {
  const out: AdminLint[] = [];
  const admin = model.policies.filter(isAdmin);
  if (admin.length === 0) return out;
  const workloads = model.endpoints.filter((e) => e.kind === "workload");
  const selected = new Map<Policy, Endpoint[]>(admin.map((p) => [p, workloads.filter((e) => p.selector.match(e.labels))] as const));

  // Equal priority, overlapping subjects (model.policies is in Felix order: the first of a pair wins in Calico).
  for (let i = 0; i < admin.length; i++) {
    for (let j = i + 1; j < admin.length; j++) {
      const a = admin[i]!;
      const b = admin[j]!;
      if (a.tier !== b.tier || a.order !== b.order) continue;
      const inA = new Set(selected.get(a));
      const both = selected.get(b)!.filter((e) => inA.has(e));
      if (both.length === 0) continue;
      out.push({
        id: "equal-priority-overlap",
        path: a.kind === "BaselineAdminNetworkPolicy" ? "spec" : "spec.priority",
        value: a.order,
        message: `${a.id} and ${b.id} have the same priority ${a.order} in tier ${a.tier} and both select ${names(both)}: the spec leaves the result undefined (any of them may apply); Calico applies ${a.id} first (ties broken by name), other CNIs may not`,
        hint: `give them different priorities (e.g. ${b.id.split("/").pop() ?? "the second"}: ${a.order + 1}) so every implementation agrees`,
        ...where(a),
      });
    }
  }

  // Rules Calico converts to deny-all.
  for (const p of admin) {
    for (const dir of ["ingress", "egress"] as const) {
      for (const r of p[dir] ?? []) {
        if (r.failClosed === undefined) continue;
        out.push({
          id: "fail-closed-rule",
          path: `spec.${dir}[${r.index}]`,
          message: `Calico converts ${p.id} ${dir} rule ${r.index} to deny-all (${r.failClosed}): every ${dir} flow of ${names(selected.get(p) ?? [])} that reaches this rule is denied`,
          hint: "rewrite the rule with peers and ports Calico converts (namespaces, pods, networks; tcp/udp/sctp ports)",
          ...where(p),
        });
      }
    }
  }

  // User tiers that decide before the Admin tier.
  const adminOrder = Math.min(...[...model.policyModel.tiers.values()].filter((t) => ADMIN_TIERS.has(t.name)).map((t) => t.order));
  // Tiers ending in Deny: for the endpoints they select, no flow ever reaches the Admin tier (a Pass-default
  // tier's own rules decide only what they match, which is the point of ordering it first).
  const early = model.tiers.filter((t) => t.order < adminOrder && !ADMIN_TIERS.has(t.name) && t.defaultAction === "Deny");
  for (const p of admin.filter((x) => ADMIN_TIERS.has(x.tier))) {
    for (const t of early) {
      const tierPolicies = model.policies.filter((q) => q.tier === t.name);
      const shared = (selected.get(p) ?? []).filter((e) => tierPolicies.some((q) => q.selector.match(e.labels)));
      if (shared.length === 0) continue;
      out.push({
        id: "before-admin-tier",
        path: "spec.subject",
        message: `tier ${t.name} (order ${t.order}) runs before ${p.tier} (order ${adminOrder}) for ${names(shared)}, which ${p.id} selects: its rules and its end-of-tier Deny decide every flow before this policy is consulted`,
        hint: `order ${t.name} after ${adminOrder}, or Pass the flows the Admin policy must decide`,
        ...where(p),
      });
    }
  }
  return out;
}

