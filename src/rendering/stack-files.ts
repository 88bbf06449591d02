/**
 * Everything `synth` writes for a stack, as objects, in apply order:
 *
 * - `00-namespaces.yaml`: the namespaces the namespaced policies need that nobody else creates (declared in
 *   the stack's inventory, created with its labels), when there are any;
 * - the tier charts (`00-tiers.yaml` ... `40-appsec.yaml`);
 * - `calico-config.yaml`: the FelixConfiguration and KubeControllersConfiguration fields `pulumi up` patches
 *   (automatic host endpoints, failsafe ports, metrics);
 * - `monitoring.yaml` when monitoring is enabled.
 *
 * `report`, `diff` and `explain` analyse the same set, and the Pulumi program deploys from the same facts
 * (src/facts), so what is analysed is what is applied.
 */
import type { Inventory } from "../analysis/inventory.js";
import type { StackConfig } from "../config/types.js";
import { deploymentFacts, namespacesFor, type DeploymentFacts } from "../facts/index.js";
import { type Problem, UserError } from "../model/problem.js";
import { validateResource } from "../model/validate/index.js";
import { MONITORING_FILE, synthMonitoring } from "./monitoring.js";
import { objectId, synthBaseline, type ObjectFile, type RenderedChart } from "./synth.js";

export const NAMESPACES_FILE = "00-namespaces.yaml";
export const CALICO_CONFIG_FILE = "calico-config.yaml";

/** Keys sorted at every level, as cdk8s writes its objects (lists keep their order). */
export function sortKeysDeep<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x: unknown) => sortKeysDeep(x)) as T;
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, sortKeysDeep(x)]),
    ) as T;
  }
  return v;
}

export interface StackFiles {
  /** The policy charts alone. */
  readonly charts: RenderedChart[];
  /** Every file in apply order (see above). */
  readonly files: ObjectFile[];
  /** The Namespace objects of `00-namespaces.yaml` (possibly none). */
  readonly namespaces: Record<string, unknown>[];
  /** The monitoring objects (empty when monitoring is off). */
  readonly monitoring: Record<string, unknown>[];
  readonly facts: DeploymentFacts;
}

/**
 * Renders the stack. `inventory` is the one the stack is analysed over (it names the namespaces the stack
 * creates); `inventoryFile` names it in problems. Throws one UserError listing every problem, writing nothing.
 */
export function synthStackFiles(config: StackConfig, inventory: Pick<Inventory, "namespaces">, inventoryFile: string = config.inventory.path): StackFiles {
  const facts = deploymentFacts(config);
  const charts = synthBaseline(config.policies);
  const monitoring = config.monitoring.enabled ? synthMonitoring() : [];
  const calicoConfig = facts.calicoConfig.map((o) => sortKeysDeep(o));
  const problems: Problem[] = calicoConfig.flatMap((o) => validateResource(o, { calicoVersion: config.policies.calicoMinor }).map((p) => ({ ...p, file: CALICO_CONFIG_FILE, object: objectId(o) })));
  const sourced = [
    ...charts.flatMap((c) => c.objects.map((object) => ({ object, file: c.file }))),
    ...monitoring.map((object) => ({ object, file: MONITORING_FILE })),
  ];
  const needs = namespacesFor(sourced, facts.namespaces, inventory, inventoryFile);
  problems.push(...needs.problems);
  if (problems.length > 0) throw new UserError(problems, `stack "${config.stack}": ${problems.length} problem${problems.length === 1 ? "" : "s"}, nothing written`);
  const namespaces = needs.create.map((o) => sortKeysDeep(o));
  const files: ObjectFile[] = [
    ...(namespaces.length > 0 ? [{ file: NAMESPACES_FILE, objects: namespaces }] : []),
    ...charts,
    { file: CALICO_CONFIG_FILE, objects: calicoConfig },
    ...(config.monitoring.enabled ? [{ file: MONITORING_FILE, objects: monitoring }] : []),
  ];
  return { charts, files, namespaces, monitoring, facts };
}
