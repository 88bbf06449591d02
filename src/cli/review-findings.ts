/**
 * The findings of a review (or of a stack that does not synthesise) with their source positions, for
 * `--format sarif`. A finding about an object points at the file that defines it in the repository: the
 * policy source (`policies/<tier>/<name>.ts`, from synth's record of which file built which object) for a
 * stack, or the line of the object (and field) in a manifest file given with --after/--manifests. What has
 * no object of its own (the upgrade) points at the stack file's line.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import type { Problem } from "../model/problem.js";
import type { FlowResult } from "../analysis/evaluate.js";
import { type Finding, type FindingLocation, type FindingRule, renderSarif } from "../analysis/formatters/sarif.js";
import { describeDecision } from "../analysis/formatters/text.js";
import { type Review, VIEW_TITLES, changedPairs } from "../analysis/review.js";
import { lineOf, locateConfigKey, locateInYaml } from "../analysis/source-map.js";
import { describeDifference } from "../analysis/upgrade.js";
import { failureCount } from "../analysis/invariants.js";

export interface FindingContext {
  readonly cwd: string;
  /** The stack whose file (`Pulumi.<stack>.yaml`) holds waivers and the Calico version; undefined for manifests. */
  readonly stack?: string;
  /** Object id → the repository file that built it (synth's record). */
  readonly sources?: ReadonlyMap<string, string>;
  /** Object id → the manifest file it was read from (relative to cwd), for --after / --manifests input. */
  readonly files?: ReadonlyMap<string, string>;
}

export const FINDING_RULES = {
  validation: { id: "validation", name: "invalid object", description: "An object Calico or the analysis rejects (validation problem)", help: "Fix the field named in the message; the hint says how.", level: "error" },
  notAnalysed: { id: "not-analysed", name: "not analysed", description: "An object or rule the offline analysis cannot evaluate faithfully", help: "Review it by hand, or express it in a form the analysis models (docs/analysis.md).", level: "warning" },
  upgrade: { id: "upgrade", name: "upgrade impact", description: "Flows the Calico version change alone changes", help: "Read the upgrade impact section of the review; replace objects the new version does not enforce.", level: "note" },
} as const satisfies Record<string, FindingRule>;

function lockoutRule(name: string, description: string): FindingRule {
  return { id: `lockout/${name}`, name: `lockout ${name}`, description: `Lockout invariant ${name}: ${description}`, help: "Fix the policy that denies the flow, or waive the invariant by name in the stack file (calico-baseline:policies.waivers) only if that is intended.", level: "error" };
}

class Locator {
  private readonly top: string;
  private readonly texts = new Map<string, string | undefined>();
  constructor(private readonly ctx: FindingContext) {
    let top = ctx.cwd;
    try {
      top = execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd: ctx.cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      // Not a git work tree: paths are relative to the working directory.
    }
    this.top = top;
  }

  private text(abs: string): string | undefined {
    if (!this.texts.has(abs)) this.texts.set(abs, existsSync(abs) ? readFileSync(abs, "utf8") : undefined);
    return this.texts.get(abs);
  }

  private at(file: string, line: (text: string) => number | undefined, message?: string): FindingLocation | undefined {
    const abs = isAbsolute(file) ? file : join(this.ctx.cwd, file);
    const text = this.text(abs);
    if (text === undefined) return undefined;
    return { file: relative(this.top, abs).split("\\").join("/"), line: line(text) ?? 1, ...(message === undefined ? {} : { message }) };
  }

  /** Where an object (and a field of it) is defined. */
  object(id: string, path = "", fileHint?: string, message?: string): FindingLocation | undefined {
    const source = this.ctx.sources?.get(id);
    if (source !== undefined) {
      const name = id.split("/").pop() ?? "";
      const short = name.includes(".") ? name.slice(name.indexOf(".") + 1) : name;
      const loc = this.at(source, (t) => [name, `"${short}"`, "definePolicy("].map((n) => (t.includes(n) ? lineOf(t, n) : undefined)).find((l) => l !== undefined), message);
      if (loc !== undefined) return loc;
    }
    for (const file of [this.ctx.files?.get(id), fileHint]) {
      if (file === undefined || !/\.(ya?ml|json)$/.test(file)) continue;
      const loc = this.at(file, (t) => locateInYaml(t, id, path), message);
      if (loc !== undefined) return loc;
    }
    if (fileHint !== undefined && !/\.(ya?ml|json)$/.test(fileHint)) return this.at(fileHint, (t) => (path === "" ? 1 : lineOf(t, path.split(/[.[\]]/).filter((x) => x !== "").pop() ?? "")), message);
    return undefined;
  }

  /** A key of the stack file (`calico-baseline:policies`, field `waivers`). */
  stackKey(key: string, field?: string, message?: string): FindingLocation | undefined {
    if (this.ctx.stack === undefined) return undefined;
    return this.at(`Pulumi.${this.ctx.stack}.yaml`, (t) => locateConfigKey(t, key, field), message);
  }
}

/** The object a denied flow's deciding policy or tier is defined by. */
function decidingObject(f: FlowResult): string | undefined {
  const side = !f.egress.allowed ? f.egress : f.ingress;
  const d = side.decision;
  // A policy's id is its object's id, except that a Kubernetes NetworkPolicy is told apart from Calico's.
  if (d.by === "rule") return d.policy.startsWith("KubernetesNetworkPolicy/") ? `NetworkPolicy/${d.policy.slice("KubernetesNetworkPolicy/".length)}` : d.policy;
  if (d.by === "end-of-tier") return `Tier/${d.tier}`;
  return undefined;
}

export function problemFindings(problems: readonly Problem[], ctx: FindingContext, rule: FindingRule = FINDING_RULES.validation): Finding[] {
  const loc = new Locator(ctx);
  return problems.map((p) => {
    const file = p.file;
    const l = (p.object === undefined ? undefined : loc.object(p.object, p.path, file)) ?? (file === undefined ? undefined : loc.object("", p.path, file)) ?? (p.file !== undefined && /^Pulumi\.[^/]+\.ya?ml$/.test(p.file) ? loc.stackKey(p.path.split(".")[0] ?? "", p.path.split(".")[1]) : undefined);
    const value = p.value === undefined ? "" : ` (value: ${JSON.stringify(p.value)})`;
    return {
      ruleId: rule.id,
      level: rule.level,
      message: `${[p.object, p.path].filter((x) => x !== undefined && x !== "").join(": ")}${p.object !== undefined || p.path !== "" ? ": " : ""}${p.message}${value}. Hint: ${p.hint}`,
      ...(l === undefined ? {} : { location: l }),
      ...(p.object === undefined ? {} : { object: p.object }),
    };
  });
}

export function reviewFindings(r: Review, ctx: FindingContext): { findings: Finding[]; rules: FindingRule[] } {
  const loc = new Locator(ctx);
  const findings: Finding[] = [];
  const rules: FindingRule[] = [FINDING_RULES.validation, FINDING_RULES.notAnalysed, FINDING_RULES.upgrade];
  for (const inv of r.views[0]?.invariantsAfter ?? []) rules.push(lockoutRule(inv.invariant.name, inv.invariant.description));
  const waivers = loc.stackKey("calico-baseline:policies", "waivers", "waive an invariant here only if that is intended");
  for (const b of r.broken) {
    const f = b.result.failures[0];
    const inv = b.result.invariant;
    const object = f === undefined ? undefined : decidingObject(f);
    const why = f === undefined ? "" : ` e.g. ${f.src} → ${f.dst} ${f.protocol} ${f.port}: ${describeDecision(!f.egress.allowed ? f.egress.decision : f.ingress.decision)}.`;
    const removed = r.objects.removed.length === 0 ? "" : ` Objects this change removes: ${r.objects.removed.map((o) => o.id).join(", ")}.`;
    const location = (object === undefined ? undefined : loc.object(object, "", undefined, "decides the denied flow")) ?? waivers;
    findings.push({
      ruleId: `lockout/${inv.name}`,
      level: "error",
      message: `Lockout invariant "${inv.name}" is broken ${VIEW_TITLES[b.view]} (${b.alreadyBroken ? "already broken before this change" : "broken by this change"}): ${inv.description} (${inv.protocol} ${inv.port}); ${failureCount(b.result)}.${why}${removed}`,
      ...(location === undefined ? {} : { location }),
      ...(waivers === undefined || location === waivers ? {} : { related: [waivers] }),
      ...(object === undefined ? {} : { object }),
    });
  }
  findings.push(...problemFindings(r.problems, ctx, FINDING_RULES.notAnalysed));
  for (const u of r.upgrade ?? []) {
    const n = changedPairs(u.diff);
    if (n === 0 && u.differences.length === 0) continue;
    const at = loc.stackKey("calico-baseline:calico", "version", `Calico ${u.from.label} → ${u.to.label}`);
    findings.push({
      ruleId: FINDING_RULES.upgrade.id,
      level: "note",
      message: `Calico ${u.from.label} → ${u.to.label} changes ${n} endpoint pair${n === 1 ? "" : "s"} ${VIEW_TITLES[u.view]}: ${u.differences.slice(0, 10).map((d) => describeDifference(d, u.from, u.to)).join("; ") || "no difference in the compiled policies"}.`,
      ...(at === undefined ? {} : { location: at }),
    });
  }
  return { findings, rules };
}

export function sarifOf(findings: readonly Finding[], rules: readonly FindingRule[], version: string, category?: string): string {
  return renderSarif(findings, { toolVersion: version, rules, ...(category === undefined ? {} : { category }) });
}
