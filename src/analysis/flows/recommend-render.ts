/**
 * A recommendation plan as policy code: a TypeScript module built from the product's components
 * (components/network-policy.ts, network-set.ts, peer.ts, port.ts, rule.ts) and its cases file
 * (`{name, from, to, port?, protocol, expect}` entries, refs `<ns>/<workload>`, `host:<node>`, `net:<ip>`).
 * The generated code is meant to be read and committed: one statement per rule, names from identity.
 */
import { relative, sep } from "node:path";
import { stringify } from "yaml";
import type { PortRange } from "./ports.js";
import { type PlannedPeer, type PlannedPolicy, type PlannedRule, type RecommendationPlan } from "./recommend.js";

export interface RenderOptions {
  /** The policies directory (holding `<tier>/` folders) the files go to, e.g. `<repo>/policies`. */
  readonly policiesDir: string;
  /** Repository root (where components/ and src/ are). */
  readonly root: string;
  /** Name of the flow file, quoted in the header. */
  readonly flowsFile: string;
}

export interface RenderedFile {
  /** Path relative to the policies directory: `<tier>/recommended-<ns>.ts` or `.cases.yaml`. */
  readonly path: string;
  readonly content: string;
}

/**
 * One policy file per tier the plan uses (the catalog gives a file only its own tier), each with its
 * cases file. Files follow policies/types.ts: `export default definePolicy({ tier, name, build })`.
 */
export interface RenderedRecommendation {
  readonly files: readonly RenderedFile[];
}

/** `shop-api` → `ShopApi`. */
function pascal(s: string): string {
  return s
    .split(/[^a-zA-Z0-9]+/)
    .filter((p) => p !== "")
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join("");
}

const q = (s: string): string => JSON.stringify(s);

function selectorCode(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "sel.all()";
  const parts = keys.map((k) => `sel.eq(${q(k)}, ${q(labels[k] as string)})`);
  return parts.length === 1 ? (parts[0] as string) : `sel.and(${parts.join(", ")})`;
}

function peerCode(p: PlannedPeer): string {
  switch (p.kind) {
    case "pods":
      return `Peer.pods(${selectorCode(p.labels)}, { namespace: ${q(p.namespace)} })`;
    case "networkSets":
      return `Peer.networkSets(${selectorCode(p.labels)}, ${q(p.namespace)})`;
    case "hosts":
      return `Peer.hosts(${selectorCode(p.labels)})`;
    case "globalNetworkSets":
      return `Peer.globalNetworkSets(${selectorCode(p.labels)})`;
    case "nets":
      // The rule's own nets, never a created NetworkSet: the baseline's selectors would select a set (PlannedPeer).
      return `Peer.nets(${q(p.cidr)})`;
  }
}

const PROTOCOL_CONST: Readonly<Record<string, string>> = {
  TCP: "Protocol.TCP",
  UDP: "Protocol.UDP",
  SCTP: "Protocol.SCTP",
  ICMP: "Protocol.ICMP",
  ICMPv6: "Protocol.ICMPV6",
  UDPLite: "Protocol.UDPLITE",
};

function protocolCode(protocol: string): string {
  return PROTOCOL_CONST[protocol] ?? `Protocol.of(${/^[0-9]+$/.test(protocol) ? protocol : q(protocol)})`;
}

function portCode(protocol: string, r: PortRange): string {
  if (protocol === "TCP") return r.from === r.to ? `Port.tcp(${r.from})` : `Port.tcpRange(${r.from}, ${r.to})`;
  if (protocol === "UDP") return r.from === r.to ? `Port.udp(${r.from})` : `Port.udpRange(${r.from}, ${r.to})`;
  return r.from === r.to ? `Port.of(${protocolCode(protocol)}, ${r.from})` : `Port.of(${protocolCode(protocol)}, ${r.from}, ${r.to})`;
}

function portsCode(r: PlannedRule): string {
  if (r.ports.length === 0) return `[Port.protocol(${protocolCode(r.protocol)})]`;
  return `[${r.ports.map((p) => portCode(r.protocol, p)).join(", ")}]`;
}

function ruleLines(v: string, rules: readonly PlannedRule[]): string[] {
  return rules.map((r) => {
    const method = r.direction === "ingress" ? "addIngress" : "addEgress";
    const flows = `${r.observed} observed flow${r.observed === 1 ? "" : "s"}`;
    return `    ${v}.${method}(...makeRules(${q(r.direction)}, ${q(r.action)}, ${peerCode(r.peer)}, ${portsCode(r)})); // ${flows}`;
  });
}

function policyLines(p: PlannedPolicy, v: string): string[] {
  const lines = [
    `    // ${p.description}`,
    `    const ${v} = new NetworkPolicy(scope, ${q(p.name)}, {`,
    `      tier,`,
    `      namespace: NAMESPACE,`,
    `      name: ${q(p.name)},`,
    `      order: ${p.order},`,
    `      selector: ${selectorCode(p.selector)},`,
    `      mode,`,
    // Both directions governed even without rules: what was not observed is not allowed.
    `      ingress: [],`,
    `      egress: [],`,
    `    });`,
    ...ruleLines(v, p.ingress),
    ...ruleLines(v, p.egress),
  ];
  if (p.denyRest) lines.push(`    ${v}.setFinalIngress({ action: "Deny" });`, `    ${v}.setFinalEgress({ action: "Deny" });`);
  return lines;
}

function importPath(from: string, to: string): string {
  let r = relative(from, to).split(sep).join("/");
  if (!r.startsWith(".")) r = `./${r}`;
  return r;
}

function tierFile(plan: RecommendationPlan, tier: "application" | "appsec", opts: RenderOptions): RenderedFile {
  const dir = `${opts.policiesDir}/${tier}`;
  const name = `recommended-${plan.namespace}`;
  const comp = (f: string): string => importPath(dir, `${opts.root}/components/${f}`);
  const policies = plan.policies.filter((p) => p.tier === tier);
  const rules = policies.flatMap((p) => [...p.ingress, ...p.egress]);
  const usesProtocol = rules.some((r) => !(r.protocol === "TCP" || r.protocol === "UDP") || r.ports.length === 0);

  const body: string[] = [];
  for (const p of policies) {
    if (body.length > 0) body.push("");
    body.push(...policyLines(p, `p${pascal(p.name.replace(/^recommended-/, ""))}`));
  }
  const header = [
    "/**",
    ` * ${tier === "application" ? (plan.perWorkload ? "Namespace boundary" : "Policy") : "Per-deployment policies"} recommended by \`calico-baseline recommend\` for namespace ${plan.namespace}`,
    ` * from ${opts.flowsFile}: ${plan.planned.length} observed flow${plan.planned.length === 1 ? "" : "s"} allowed, ${plan.skipped.length} not${plan.skipped.length > 0 ? " (listed in the application-tier file)" : ""}.`,
    ` * Granularity: ${plan.perWorkload ? "per deployment (application-tier boundary passes, appsec-tier policies allow)" : "namespace (one application-tier policy)"}.`,
    " * Staged unless the stack config sets this tier's mode explicitly (calico-baseline:policies.tiers.<tier>.mode):",
    " * Calico reports what staged policies would do (Whisker, policies.pending) but does not enforce them.",
    " * Promote when `calico-baseline replay --flows <flows collected while staged>` says \"safe to promote\".",
    " * Port merge rules: docs/flows.md.",
    ...plan.notes.map((n) => ` * NOTE: ${n}`),
    ...(tier === "application" ? plan.skipped.map((s) => ` * NOT ALLOWED: ${describeFlowShort(s.flow)}: ${s.reason}`) : []),
  ].map((l) => l.replace(/\*\//g, "*\\/"));
  header.push(" */");
  const imports = [
    `import { NetworkPolicy } from ${q(comp("network-policy.js"))};`,
    ...(rules.length > 0 ? [`import { Peer } from ${q(comp("peer.js"))};`, `import { Port } from ${q(comp("port.js"))};`] : []),
    ...(usesProtocol ? [`import { Protocol } from ${q(comp("protocol.js"))};`] : []),
    ...(rules.length > 0 ? [`import { makeRules } from ${q(comp("rule.js"))};`] : []),
    `import { sel } from ${q(importPath(dir, `${opts.root}/src/model/selector/index.js`))};`,
    `import { definePolicy } from ${q(importPath(dir, `${opts.policiesDir}/types.js`))};`,
  ];
  const content = [
    ...header,
    ...imports,
    "",
    `const NAMESPACE = ${q(plan.namespace)};`,
    "",
    "export default definePolicy({",
    `  tier: ${q(tier)},`,
    `  name: ${q(name)},`,
    "  build(scope, { tier, settings }) {",
    "    // Staged by default; an explicit tier mode in the stack config promotes (or keeps staging) it.",
    `    const mode = settings.tiers.${tier}?.mode ?? "stage";`,
    ...body,
    "  },",
    "});",
    "",
  ].join("\n");
  return { path: `${tier}/${name}.ts`, content };
}

/** The cases file (src/model/cases.ts format), or undefined when no case can be written (no refs). */
function casesFile(plan: RecommendationPlan, tier: "application" | "appsec", onlyAllow: boolean): RenderedFile | undefined {
  const cases = plan.cases.filter((c) => !onlyAllow || c.expect === "allow");
  if (cases.length === 0) return undefined;
  const text = stringify(
    { cases: cases.map((c) => ({ name: c.name, from: c.from, to: c.to, ...(c.port === undefined ? {} : { port: c.port }), protocol: c.protocol, expect: c.expect })) },
    { lineWidth: 0 },
  );
  const what = onlyAllow ? "every observed flow passes the namespace boundary" : "every observed flow is allowed; the first port past each merged range is denied";
  return { path: `${tier}/recommended-${plan.namespace}.cases.yaml`, content: `# Cases for recommended-${plan.namespace}.ts: ${what}.\n${text}` };
}

export function renderRecommendation(plan: RecommendationPlan, opts: RenderOptions): RenderedRecommendation {
  const files: (RenderedFile | undefined)[] = [tierFile(plan, "application", opts), casesFile(plan, "application", plan.perWorkload)];
  if (plan.perWorkload) files.push(tierFile(plan, "appsec", opts), casesFile(plan, "appsec", false));
  return { files: files.filter((f): f is RenderedFile => f !== undefined) };
}

function describeFlowShort(f: RecommendationPlan["skipped"][number]["flow"]): string {
  const end = (e: typeof f.source): string => (e.kind === "workload" ? `${e.namespace}/${e.name ?? "*"}` : e.kind === "network" ? `net:${e.net ?? e.name ?? "?"}` : `${e.kind}:${e.name ?? "?"}`);
  return `${end(f.source)} -> ${end(f.destination)} ${f.protocol}${f.port === undefined ? "" : `/${f.port}`}`;
}
