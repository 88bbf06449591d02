/**
 * A recommendation plan as policy code: a TypeScript module built from the product's components
 * (components/network-policy.ts, network-set.ts, peer.ts, port.ts, rule.ts) and its cases file
 * (`{name, from, to, port?, protocol, expect}` entries, refs `<ns>/<workload>`, `host:<node>`, `net:<ip>`).
 * The generated code is meant to be read and committed: one statement per rule, names from identity.
 */
import { relative, sep } from "node:path";
import { stringify } from "yaml";
import type { PortRange } from "./ports.js";
import type { PlannedPeer, PlannedPolicy, PlannedRule, RecommendationPlan } from "./recommend.js";

export interface RenderOptions {
  /** Directory the files are written to. */
  readonly outDir: string;
  /** Repository root (where components/ and src/ are). */
  readonly root: string;
  /** Name of the flow file, quoted in the header. */
  readonly flowsFile: string;
}

export interface RenderedRecommendation {
  /** File names (no directory): `<base>.ts` and `<base>.cases.yaml`. */
  readonly tsFile: string;
  readonly casesFile: string;
  readonly ts: string;
  readonly cases: string;
  /** Name of the exported function that declares the policies. */
  readonly functionName: string;
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

function peerCode(p: PlannedPeer, setVars: ReadonlyMap<string, string>): string {
  switch (p.kind) {
    case "pods":
    case "networkSets":
      return `Peer.pods(${selectorCode(p.labels)}, { namespace: ${q(p.namespace)} })`;
    case "hosts":
      return `Peer.hosts(${selectorCode(p.labels)})`;
    case "globalNetworkSets":
      return `Peer.globalNetworkSets(${selectorCode(p.labels)})`;
    case "plannedNetworkSet":
      return `${setVars.get(p.name) as string}.asPeer()`;
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

function ruleLines(v: string, rules: readonly PlannedRule[], setVars: ReadonlyMap<string, string>): string[] {
  return rules.map((r) => {
    const method = r.direction === "ingress" ? "addIngress" : "addEgress";
    const flows = `${r.observed} observed flow${r.observed === 1 ? "" : "s"}`;
    return `  ${v}.${method}(...makeRules(${q(r.direction)}, ${q(r.action)}, ${peerCode(r.peer, setVars)}, ${portsCode(r)})); // ${flows}`;
  });
}

function policyLines(p: PlannedPolicy, v: string, setVars: ReadonlyMap<string, string>): string[] {
  const lines = [
    `  // ${p.description}`,
    `  const ${v} = new NetworkPolicy(scope, ${q(`${p.tier}-${p.name}`)}, {`,
    `    tier: tiers.${p.tier},`,
    `    namespace: NAMESPACE,`,
    `    name: ${q(p.name)},`,
    `    order: ${p.order},`,
    `    selector: ${selectorCode(p.selector)},`,
    `    mode,`,
    // Both directions governed even without rules: what was not observed is not allowed.
    `    ingress: [],`,
    `    egress: [],`,
    `  });`,
    ...ruleLines(v, p.ingress, setVars),
    ...ruleLines(v, p.egress, setVars),
  ];
  if (p.denyRest) lines.push(`  ${v}.setFinalIngress({ action: "Deny" });`, `  ${v}.setFinalEgress({ action: "Deny" });`);
  return lines;
}

function importPath(from: string, to: string): string {
  let r = relative(from, to).split(sep).join("/");
  if (!r.startsWith(".")) r = `./${r}`;
  return r;
}

export function renderRecommendation(plan: RecommendationPlan, opts: RenderOptions): RenderedRecommendation {
  const base = `recommended-${plan.namespace}`;
  const fn = `recommended${pascal(plan.namespace)}`;
  const tiersType = `${pascal(base)}Tiers`;
  const comp = (f: string): string => importPath(opts.outDir, `${opts.root}/components/${f}`);
  const src = (f: string): string => importPath(opts.outDir, `${opts.root}/src/${f}`);
  const usesSets = plan.networkSets.length > 0;
  const allRules = plan.policies.flatMap((p) => [...p.ingress, ...p.egress]);
  const usesProtocol = allRules.some((r) => !(r.protocol === "TCP" || r.protocol === "UDP") || r.ports.length === 0);
  const tiers = [...new Set(plan.policies.map((p) => p.tier))];

  const setVars = new Map<string, string>();
  const body: string[] = [];
  for (const s of plan.networkSets) {
    const v = `set${pascal(s.name)}`;
    setVars.set(s.name, v);
    body.push(
      `  const ${v} = new NetworkSet(scope, ${q(`net-${s.name}`)}, {`,
      `    name: ${q(s.name)},`,
      `    namespace: NAMESPACE,`,
      `    labels: { ${Object.keys(s.labels).sort().map((k) => `${q(k)}: ${q(s.labels[k] as string)}`).join(", ")} },`,
      `    nets: [${s.nets.map(q).join(", ")}],`,
      `  });`,
    );
  }
  plan.policies.forEach((p, i) => {
    if (body.length > 0) body.push("");
    body.push(...policyLines(p, i === 0 ? "namespacePolicy" : `policy${pascal(p.name.replace(/^recommended-/, ""))}`, setVars));
  });

  const header = [
    "/**",
    ` * Policies recommended by \`calico-baseline recommend\` for namespace ${plan.namespace}`,
    ` * from ${opts.flowsFile}: ${plan.planned.length} observed flow${plan.planned.length === 1 ? "" : "s"} allowed, ${plan.skipped.length} not (listed below).`,
    ` * Granularity: ${plan.perWorkload ? "per deployment (application-tier boundary + appsec-tier policies)" : "namespace (one application-tier policy)"}.`,
    " * Staged by default: Calico reports what these policies would do (Whisker, policies.pending) but does not",
    " * enforce them. Promote when `calico-baseline replay` says \"safe to promote\". Port merge rules: docs/flows.md.",
    ...plan.notes.map((n) => ` * NOTE: ${n}`),
    ...plan.skipped.map((s) => ` * NOT ALLOWED: ${describeFlowShort(s.flow)}: ${s.reason}`),
    " */",
  ].map((l) => l.replace(/\*\//g, "*\\/"));
  const imports = [
    `import type { Construct } from "constructs";`,
    `import { NetworkPolicy } from ${q(comp("network-policy.js"))};`,
    ...(usesSets ? [`import { NetworkSet } from ${q(comp("network-set.js"))};`] : []),
    `import { Peer } from ${q(comp("peer.js"))};`,
    `import { Port } from ${q(comp("port.js"))};`,
    ...(usesProtocol ? [`import { Protocol } from ${q(comp("protocol.js"))};`] : []),
    `import { makeRules } from ${q(comp("rule.js"))};`,
    `import type { Tier } from ${q(comp("tier.js"))};`,
    `import type { PolicyMode } from ${q(src("config/types.js"))};`,
    `import { sel } from ${q(src("model/selector/index.js"))};`,
  ];
  const ts = [
    ...header,
    ...imports,
    "",
    `export const NAMESPACE = ${q(plan.namespace)};`,
    "",
    `export interface ${tiersType} {`,
    ...tiers.map((t) => `  readonly ${t}: Tier;`),
    "}",
    "",
    `/** Declares the recommended policies${usesSets ? " and network sets" : ""} in \`scope\`. */`,
    `export function ${fn}(scope: Construct, tiers: ${tiersType}, mode: PolicyMode = "stage"): void {`,
    ...body,
    "}",
    "",
  ].join("\n");

  const cases = stringify(
    plan.cases.map((c) => ({ name: c.name, from: c.from, to: c.to, ...(c.port === undefined ? {} : { port: c.port }), protocol: c.protocol, expect: c.expect })),
    { lineWidth: 0 },
  );
  const casesHeader = `# Cases for ${base}.ts: every observed flow is allowed; the first port past each merged range is denied.\n`;
  return { tsFile: `${base}.ts`, casesFile: `${base}.cases.yaml`, ts, cases: casesHeader + cases, functionName: fn };
}

function describeFlowShort(f: RecommendationPlan["skipped"][number]["flow"]): string {
  const end = (e: typeof f.source): string => (e.kind === "workload" ? `${e.namespace}/${e.name ?? "*"}` : e.kind === "network" ? `net:${e.net ?? e.name ?? "?"}` : `${e.kind}:${e.name ?? "?"}`);
  return `${end(f.source)} -> ${end(f.destination)} ${f.protocol}${f.port === undefined ? "" : `/${f.port}`}`;
}
