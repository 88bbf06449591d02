/**
 * The calico-baseline CrossGuard policy pack: stack policies over the resources `pulumi preview` / `pulumi up`
 * is about to create, checked with the analysis engine (src/analysis/guardrails.ts):
 *
 * - `namespaces-default-deny`: every namespace is covered by a default deny;
 * - `egress-to-anywhere`: no policy allows egress to 0.0.0.0/0 or ::/0 outside the allow-list
 *   (config `egressAllowList`: policy ids, object ids or names);
 * - `images-from-private-registry`: every image comes from the stack's private registry;
 * - `lockout-invariants`: the lockout invariants hold on the planned objects (enforced and once the staged
 *   policies are enforced), with the stack's waivers.
 *
 * Mandatory or advisory is set per stack with Pulumi's own mechanism, the policy pack config:
 * `--policy-pack-config policy-pack/config/<stack>.json` (every policy defaults to mandatory).
 *
 * The stack comes from the resources' URNs (`urn:pulumi:<stack>::<project>::...`); its settings from
 * `Pulumi.<stack>.yaml` and its inventory from `policies/inventory[.<stack>].yaml` in the project
 * directory (the pack's parent), as synth reads them.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { PolicyPackArgs, PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { loadInventory } from "../src/analysis/analyse.js";
import {
  type FoundImage,
  type GuardrailInput,
  type GuardrailViolation,
  type RegistryPlace,
  checkDefaultDeny,
  checkEgressToAnywhere,
  checkImages,
  checkLockout,
  imagesIn,
} from "../src/analysis/guardrails.js";
import type { SourcedObject } from "../src/analysis/policies.js";
import { loadStackConfig } from "../src/config/index.js";
import type { StackConfig } from "../src/config/types.js";

export const PACK_NAME = "calico-baseline";

/** The project directory: where Pulumi.yaml, the stack files and policies/ are. */
export const PROJECT_DIR = join(import.meta.dirname, "..");

/** The stack of a resource URN, `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function stackOf(urn: string): string | undefined {
  const m = /^urn:pulumi:([^:]+)::/.exec(urn);
  return m?.[1];
}

const K8S_TYPE = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/;
const NOT_OBJECTS = new Set(["kubernetes:yaml/v2:ConfigGroup", "kubernetes:yaml/v2:ConfigFile", "kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"]);

/**
 * The Kubernetes objects among the planned resources: the `objs` of each ConfigGroup (how the program applies
 * the baseline) and every typed Kubernetes resource (`kubernetes:projectcalico.org/v3:GlobalNetworkPolicy`,
 * which is also how the provider registers a ConfigGroup's children); one object per identity.
 */
export function plannedObjects(resources: readonly PolicyResource[]): SourcedObject[] {
  const out = new Map<string, SourcedObject>();
  const add = (o: unknown, file: string): void => {
    if (typeof o !== "object" || o === null) return;
    const x = o as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    const id = [x.kind, x.metadata?.namespace, x.metadata?.name].filter((s) => typeof s === "string").join("/");
    if (!out.has(id)) out.set(id, { object: o, file });
  };
  for (const r of resources) {
    if (r.type === "kubernetes:yaml/v2:ConfigGroup") {
      const objs: unknown = r.props["objs"];
      if (Array.isArray(objs)) for (const o of objs as unknown[]) add(o, r.name);
      continue;
    }
    const m = K8S_TYPE.exec(r.type);
    if (m === null || NOT_OBJECTS.has(r.type) || r.type.startsWith("kubernetes:index:") || r.type.startsWith("pulumi:")) continue;
    const [group, version] = m[1]!.split("/");
    const apiVersion = group === "core" ? version : `${group}/${version}`;
    add({ apiVersion, kind: m[2], ...r.props }, r.name);
  }
  return [...out.values()];
}

/** Every image reference of the planned Kubernetes objects and Helm releases. */
export function plannedImages(resources: readonly PolicyResource[]): FoundImage[] {
  const out: FoundImage[] = [];
  for (const r of resources) {
    if (r.type === "kubernetes:helm.sh/v3:Release" || r.type === "kubernetes:helm.sh/v4:Chart") out.push(...imagesIn(r.props["values"], `${r.name} (values)`));
    else if (r.type === "kubernetes:yaml/v2:ConfigGroup") out.push(...imagesIn(r.props["objs"], r.name));
    else if (K8S_TYPE.test(r.type)) out.push(...imagesIn(r.props, r.name));
  }
  return out;
}

export interface StackContext {
  readonly stack: string;
  readonly config: StackConfig;
  readonly input: Omit<GuardrailInput, "objects">;
  readonly registry: RegistryPlace;
}

/** The stack's settings and inventory (as synth reads them), from the project directory. */
export function stackContext(stack: string, projectDir = PROJECT_DIR): StackContext {
  const config = loadStackConfig(stack, { cwd: projectDir });
  const perStack = join("policies", `inventory.${stack}.yaml`);
  const inventory = loadInventory(existsSync(join(projectDir, perStack)) ? perStack : join("policies", "inventory.yaml"), projectDir);
  const r = config.registry;
  const registry: RegistryPlace = r.type === "external" ? { hosts: [r.host, `${r.host}:${r.port}`], cidrs: r.cidrs, port: r.port } : { hosts: [], cidrs: [r.bridgeCidr], port: r.port };
  return { stack, config, input: { inventory, settings: config.policies, calicoMinor: config.calico.minor }, registry };
}

function contextOf(args: StackValidationArgs, projectDir: string): StackContext {
  const stack = args.resources.map((r) => stackOf(r.urn)).find((s) => s !== undefined);
  if (stack === undefined) args.notApplicable("no resource names its stack");
  return stackContext(stack!, projectDir);
}

/** Violations are reported against the stack: the planned objects are spread over several resources. */
function report(violations: readonly GuardrailViolation[], reportViolation: ReportViolation): void {
  for (const v of violations) reportViolation(v.message);
}

export interface PackOptions {
  /** Where Pulumi.<stack>.yaml and policies/ are (default: the pack's parent directory). */
  readonly projectDir?: string;
}

export function packPolicies(opts: PackOptions = {}): StackValidationPolicy[] {
  const projectDir = opts.projectDir ?? PROJECT_DIR;
  const objectsOf = (args: StackValidationArgs): GuardrailInput & { ctx: StackContext } => {
    const ctx = contextOf(args, projectDir);
    return { ...ctx.input, objects: plannedObjects(args.resources), ctx };
  };
  return [
    {
      name: "lockout-invariants",
      description: "The lockout invariants (DNS, API server, Typha, kubelet, monitoring scrapes, registry pulls) hold on the planned objects, enforced and once the staged policies are enforced.",
      enforcementLevel: "mandatory",
      validateStack: (args, reportViolation) => report(checkLockout(objectsOf(args)), reportViolation),
    },
    {
      name: "namespaces-default-deny",
      description: "Every namespace (planned or in the inventory, except those the stack excludes on purpose) is covered by a default deny.",
      enforcementLevel: "mandatory",
      validateStack: (args, reportViolation) => report(checkDefaultDeny(objectsOf(args)), reportViolation),
    },
    {
      name: "egress-to-anywhere",
      description: "No policy allows egress to 0.0.0.0/0 or ::/0 (or to any destination) unless it is on the allow-list.",
      enforcementLevel: "mandatory",
      configSchema: { properties: { egressAllowList: { type: "array", items: { type: "string" }, default: [] } } },
      validateStack: (args, reportViolation) => {
        const allow = args.getConfig<{ egressAllowList?: string[] }>().egressAllowList ?? [];
        report(checkEgressToAnywhere(objectsOf(args), allow), reportViolation);
      },
    },
    {
      name: "images-from-private-registry",
      description: "Every image the stack deploys comes from the stack's private registry.",
      enforcementLevel: "mandatory",
      validateStack: (args, reportViolation) => {
        const ctx = contextOf(args, projectDir);
        report(checkImages(plannedImages(args.resources), ctx.registry), reportViolation);
      },
    },
  ];
}

export function packArgs(opts: PackOptions = {}): PolicyPackArgs {
  return { policies: packPolicies(opts) };
}

/**
 * The project directory the served pack reads: `CALICO_BASELINE_PROJECT_DIR` when set (a project whose stack
 * files are elsewhere than the pack's parent, as a test's temporary project), else PROJECT_DIR. The CLI starts
 * the pack with its own environment, so the variable set for `pulumi preview` reaches it.
 */
export function servedProjectDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env["CALICO_BASELINE_PROJECT_DIR"];
  return dir !== undefined && dir !== "" ? dir : PROJECT_DIR;
}

/** Serves the pack to the Pulumi CLI (policy-pack/index.cjs calls this). */
export async function servePack(): Promise<void> {
  const { PolicyPack } = await import("@pulumi/policy");
  new PolicyPack(PACK_NAME, packArgs({ projectDir: servedProjectDir() }));
}
