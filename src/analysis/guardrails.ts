/**
 * Guardrails over the objects a stack is about to apply, evaluated with the analysis engine; the Pulumi
 * policy pack (policy-pack/) runs them on `pulumi preview` / `pulumi up`, on the planned resources.
 *
 * - default deny: every namespace (planned or in the inventory, except those the stack excludes on
 *   purpose) is covered by a default deny: a new, unlabelled workload there gets no traffic from outside
 *   and sends none, and it is a policy (a rule or a tier's end) that denies it, not the absence of one;
 * - egress to anywhere: no Allow egress rule reaches every address (0.0.0.0/0 or ::/0, or no destination
 *   at all), unless the policy is on the allow-list;
 * - private registry: every image reference comes from the stack's private registry;
 * - lockout: the lockout invariants hold on the planned objects, enforced and once the staged policies are
 *   enforced (the same check as synth and report).
 */
import type { CalicoMinor, PolicySettings } from "../config/types.js";
import { analyse } from "./analyse.js";
import { type FlowResult, evaluateFlow, resolvePeers } from "./evaluate.js";
import { describeDecision } from "./formatters/text.js";
import { checkInvariants, defaultInvariants, failureCount } from "./invariants.js";
import { type Inventory, flattenObjects, isObj, mergeInventories, parseInventory } from "./inventory.js";
import { IpSet } from "./ipset.js";
import type { Policy, SourcedObject } from "./policies.js";
import { parseCidr } from "../model/net.js";

export type GuardrailCheck = "default-deny" | "egress-to-anywhere" | "private-registry" | "lockout";

export interface GuardrailViolation {
  readonly check: GuardrailCheck;
  readonly message: string;
  /** The object (`Kind/namespace/name`) or namespace it is about. */
  readonly subject?: string;
}

export interface GuardrailInput {
  readonly objects: readonly SourcedObject[];
  readonly inventory: Inventory;
  readonly settings: PolicySettings;
  readonly calicoMinor?: CalicoMinor;
}

/** The workload the default-deny check adds to each namespace: no labels, like a newly deployed one. */
export const PROBE_WORKLOAD = "calico-baseline-probe";
/** An outside address (TEST-NET-3, RFC 5737) and a port nothing uses on purpose. */
const PROBE_NET = "net:203.0.113.10";
const PROBE_PORT = 64999;

function decidedBy(r: FlowResult): string {
  const side = r.egress.allowed ? r.ingress : r.egress;
  return describeDecision(side.decision);
}

/** Namespaces of the planned Namespace objects and of the inventory, sorted. */
export function namespacesOf(objects: readonly SourcedObject[], inventory: Inventory): string[] {
  const out = new Set(inventory.namespaces.map((n) => n.name));
  for (const x of objects) {
    for (const o of flattenObjects([x.object])) {
      const m = isObj(o["metadata"]) ? o["metadata"] : {};
      if (o["kind"] === "Namespace" && typeof m["name"] === "string") out.add(m["name"]);
    }
  }
  return [...out].sort();
}

export function checkDefaultDeny(input: GuardrailInput): GuardrailViolation[] {
  const excluded = new Set(input.settings.defaultDenyExcludedNamespaces);
  const namespaces = namespacesOf(input.objects, input.inventory).filter((n) => !excluded.has(n));
  if (namespaces.length === 0) return [];
  const probes = parseInventory({ namespaces: namespaces.map((name) => ({ name, workloads: [{ name: PROBE_WORKLOAD, labels: {} }] })) }, "default-deny probes");
  const model = analyse({ objects: input.objects, inventory: mergeInventories(input.inventory, probes) }, "enforced", input.calicoMinor ?? input.settings.calicoMinor);
  const out: GuardrailViolation[] = [];
  for (const ns of namespaces) {
    const [probe] = resolvePeers(model, `${ns}/${PROBE_WORKLOAD}`);
    const [outside] = resolvePeers(model, PROBE_NET);
    if (probe === undefined || outside === undefined) continue;
    for (const [src, dst, what] of [
      [outside, probe, "accepts traffic from outside"],
      [probe, outside, "sends traffic to outside"],
    ] as const) {
      const r = evaluateFlow(model, { src, dst, protocol: 6, port: PROBE_PORT });
      const side = src === outside ? r.ingress : r.egress;
      if (r.allowed || side.decision.by === "profile" || side.decision.by === "not-policed") {
        out.push({ check: "default-deny", subject: ns, message: `namespace ${ns} is not covered by a default deny: a new workload there ${what} (TCP ${PROBE_PORT}: ${r.allowed ? "allowed" : "denied"} by ${decidedBy(r)}); add it to the default deny, or exclude it on purpose in calico-baseline:policies.defaultDenyExcludedNamespaces` });
        break;
      }
    }
  }
  return out;
}

const ALL_V4 = IpSet.fromCidrs([parseCidr("0.0.0.0/0")!]);
const ALL_V6 = IpSet.fromCidrs([parseCidr("::/0")!]);

export function checkEgressToAnywhere(input: GuardrailInput, allowList: readonly string[] = []): GuardrailViolation[] {
  const model = analyse({ objects: input.objects, inventory: input.inventory }, "enforced", input.calicoMinor ?? input.settings.calicoMinor);
  const allowed = new Set(allowList);
  const out: GuardrailViolation[] = [];
  const policies: Policy[] = [...model.policyModel.policies, ...model.policyModel.staged];
  for (const p of policies) {
    if (allowed.has(p.id) || allowed.has(p.source.object) || allowed.has(p.name)) continue;
    for (const r of p.egress ?? []) {
      if (r.action !== "Allow") continue;
      const d = r.destination;
      if (d.selector !== undefined || d.notSelector !== undefined || d.service !== undefined) continue;
      const nets = d.nets;
      const everyV4 = nets === undefined || nets.intersect(ALL_V4).equals(ALL_V4);
      const everyV6 = nets === undefined || nets.intersect(ALL_V6).equals(ALL_V6);
      if (!everyV4 && !everyV6) continue;
      const to = nets === undefined ? "any destination" : [everyV4 ? "0.0.0.0/0" : undefined, everyV6 ? "::/0" : undefined].filter((x) => x !== undefined).join(" and ");
      out.push({ check: "egress-to-anywhere", subject: p.source.object, message: `${p.id} egress rule ${r.index} allows ${to}${d.notNets === undefined ? "" : ` except ${d.notNets.describe()}`} (${r.text}); name the destinations, or put the policy on the allow-list (egressAllowList)` });
    }
  }
  return out;
}

export function checkLockout(input: GuardrailInput): GuardrailViolation[] {
  const invariants = defaultInvariants(input.settings);
  const out: GuardrailViolation[] = [];
  const seen = new Set<string>();
  for (const view of ["enforced", "staged"] as const) {
    const model = analyse({ objects: input.objects, inventory: input.inventory }, view, input.calicoMinor ?? input.settings.calicoMinor);
    if (view === "staged" && model.policyModel.staged.length === 0) continue;
    for (const r of checkInvariants(model, invariants, input.settings.waivers)) {
      if (r.status !== "fail" || seen.has(r.invariant.name)) continue;
      seen.add(r.invariant.name);
      const f = r.failures[0];
      const example = f === undefined ? "" : `, e.g. ${f.src} -> ${f.dst}: ${decidedBy(f)}`;
      out.push({
        check: "lockout",
        subject: r.invariant.name,
        message: `lockout invariant ${r.invariant.name} is broken${view === "staged" ? " once the staged policies are enforced" : ""}: ${r.invariant.description} (${r.invariant.protocol} ${r.invariant.port}); ${failureCount(r)}${example}. Fix the policy, or waive it by name in calico-baseline:policies.waivers`,
      });
    }
  }
  return out;
}

/** An image reference found in planned objects, with where it was found. */
export interface FoundImage {
  readonly image: string;
  readonly where: string;
}

/**
 * Image references in any JSON value: strings under an `image` key; `{registry, image|repository}` objects
 * (Helm values such as the tigera-operator chart's `tigeraOperator` and node-exporter's `image`); the
 * Tigera Installation's `{registry, imagePath}`.
 */
export function imagesIn(value: unknown, where: string): FoundImage[] {
  const out: FoundImage[] = [];
  const visit = (v: unknown, path: string): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => visit(x, `${path}[${i}]`));
    if (!isObj(v)) return;
    const reg = typeof v["registry"] === "string" ? v["registry"].replace(/\/+$/, "") : undefined;
    const repo = typeof v["image"] === "string" ? v["image"] : typeof v["repository"] === "string" ? v["repository"] : undefined;
    if (reg !== undefined && reg !== "" && repo !== undefined) out.push({ image: `${reg}/${repo.replace(/^\/+/, "")}`, where: path });
    else if (reg !== undefined && reg !== "" && typeof v["imagePath"] === "string") out.push({ image: `${reg}/${v["imagePath"]}`, where: `${path}.registry` });
    else if (typeof v["image"] === "string" && /[/:]/.test(v["image"])) out.push({ image: v["image"], where: `${path}.image` });
    // Helm charts' global override (`global.imageRegistry`), the registry of every image they render.
    if (typeof v["imageRegistry"] === "string" && v["imageRegistry"] !== "") out.push({ image: `${v["imageRegistry"].replace(/\/+$/, "")}/(every image of the chart)`, where: `${path}.imageRegistry` });
    for (const [k, x] of Object.entries(v)) if (typeof x === "object" && x !== null) visit(x, path === "" ? k : `${path}.${k}`);
  };
  visit(value, where);
  return out;
}

/** Where the stack's registry is: a host name (external) or the addresses and port (a multipass VM). */
export interface RegistryPlace {
  readonly hosts: readonly string[];
  readonly cidrs: readonly string[];
  readonly port: number;
}

/** The registry host of an image reference (`docker.io` when it names none), with the port if given. */
export function registryOf(image: string): string {
  const first = image.split("/")[0] ?? "";
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : "docker.io";
}

function inRegistry(host: string, place: RegistryPlace): boolean {
  if (place.hosts.includes(host) || place.hosts.includes(host.replace(/:443$/, ""))) return true;
  const m = /^\[?([0-9a-fA-F:.]+?)\]?(?::([0-9]+))?$/.exec(host);
  if (m === null) return false;
  const port = m[2] === undefined ? 443 : Number(m[2]);
  const ip = IpSet.fromCidrs(place.cidrs.map((c) => parseCidr(c)).filter((c) => c !== undefined));
  return port === place.port && ip.containsText(m[1]!);
}

export function checkImages(images: readonly FoundImage[], place: RegistryPlace): GuardrailViolation[] {
  return images
    .filter((i) => !inRegistry(registryOf(i.image), place))
    .map((i) => ({ check: "private-registry" as const, subject: i.where, message: `${i.where}: image ${i.image} is not from the stack's private registry (${[...place.hosts, ...place.cidrs.map((c) => `${c} port ${place.port}`)].join(", ")}); mirror it and pull it from there` }));
}
