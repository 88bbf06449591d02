import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluatorForManifests } from "../../../src/analysis/flows/evaluator-adapter.js";
import { importFlowText } from "../../../src/analysis/flows/import.js";
import { flowKey, type ObservedFlow } from "../../../src/analysis/flows/model.js";
import { assessPromotion, stagedScopes, tiersWithStagedPolicies } from "../../../src/analysis/flows/promotion.js";
import { planRecommendation } from "../../../src/analysis/flows/recommend.js";
import { type Manifest, planToManifests } from "../../../src/analysis/flows/recommend-manifests.js";
import { replayFlows } from "../../../src/analysis/flows/replay.js";
import { formatReplay } from "../../../src/analysis/flows/replay-format.js";
import { generateFlowLog, shopConnections } from "../../fixtures/flows/generate.js";

const lines = generateFlowLog(shopConnections(), 3000, 11);
const flows = importFlowText(lines.join("\n"), "gen.jsonl").flows;
const plan = planRecommendation(flows, "shop", { perWorkload: true });
const before = planToManifests(plan, "enforce");

/** A policy change: drop every rule of one policy whose destination names `match` (e.g. DNS or the db). */
function dropRules(manifests: Manifest[], policy: string, match: string): Manifest[] {
  return manifests.map((m) => {
    if (m.metadata.name !== policy) return m;
    const keep = (rules: unknown) => (rules as object[]).filter((r) => !JSON.stringify(r).includes(match));
    return { ...m, spec: { ...m.spec, ingress: keep(m.spec["ingress"]), egress: keep(m.spec["egress"]) } };
  });
}

/** The oracle: each flow evaluated on its own by a fresh engine adapter, no dedupe or cache. */
function deniedByEngine(manifests: Manifest[], fs: readonly ObservedFlow[]): string[] {
  return fs
    .filter((f) => !evaluatorForManifests(manifests, { flows: [f] }).evaluate(f, "would-be").allowed)
    .map(flowKey)
    .sort();
}

const deniedByReplay = (r: ReturnType<typeof replayFlows>): string[] => r.denied.flatMap((g) => g.flows.map((d) => flowKey(d.flow))).sort();

describe("replay finds exactly the flows a policy change breaks", () => {
  it("before the change nothing is denied", () => {
    const r = replayFlows(flows, evaluatorForManifests(before, { flows }));
    expect(r.totals.denied).toBe(0);
    expect(r.totals.breaking).toBe(0);
  });

  it("dropping the DNS rule of one deployment breaks exactly its DNS flows, as the engine says flow by flow", () => {
    const after = dropRules(before, "appsec.recommended-web", "kube-dns");
    const r = replayFlows(flows, evaluatorForManifests(after, { flows }));
    const expected = deniedByEngine(after, flows);
    expect(deniedByReplay(r)).toEqual(expected);
    expect(expected).toHaveLength(1);
    const [group] = r.denied;
    expect(group).toMatchObject({ namespace: "shop", app: "web" });
    expect(group!.flows[0]!.flow.destination.labels).toEqual({ "k8s-app": "kube-dns" });
    expect(group!.flows[0]!.deniedAt).toBe("egress");
    expect(r.totals.breaking).toBe(1);
  });

  it("narrowing the namespace boundary breaks the flows of every deployment behind it", () => {
    const after = dropRules(before, "application.recommended-namespace", `app == \\"cache\\"`);
    const r = replayFlows(flows, evaluatorForManifests(after, { flows }));
    const expected = deniedByEngine(after, flows);
    expect(deniedByReplay(r)).toEqual(expected);
    // api and worker both talk to the cache.
    expect(r.denied.map((g) => g.app)).toEqual(["api", "worker"]);
    // The trail names the boundary's final Deny.
    const trail = r.denied[0]!.flows[0]!.verdict.egress.trail.map((s) => s.outcome).join(" | ");
    expect(trail).toContain("application.recommended-namespace");
  });

  it("flows denied when recorded are listed but do not fail the gate", () => {
    const denied = lines.map((l) => l.replace('"action":"Allow"', '"action":"Deny"'));
    const deniedFlows = importFlowText(denied.join("\n"), "denied.jsonl").flows;
    const after = dropRules(before, "appsec.recommended-web", "kube-dns");
    const r = replayFlows(deniedFlows, evaluatorForManifests(after, { flows: deniedFlows }));
    expect(r.totals.denied).toBe(1);
    expect(r.totals.breaking).toBe(0);
    expect(r.denied[0]!.flows[0]!.allowedToday).toBe(false);
  });

  it("counts rule hits per policy and lists the rules no flow used", () => {
    const extra: Manifest = {
      apiVersion: "projectcalico.org/v3",
      kind: "NetworkPolicy",
      metadata: { name: "appsec.unused", namespace: "shop" },
      spec: { tier: "appsec", order: 1, selector: "app == 'nobody'", types: ["Ingress"], ingress: [{ action: "Allow" }] },
    };
    const r = replayFlows(flows, evaluatorForManifests([...before, extra], { flows }));
    expect(r.unusedRules.map((u) => `${u.policy} ${u.direction}[${u.index}]`)).toContain("NetworkPolicy/shop/appsec.unused ingress[0]");
    const dns = r.ruleHits.find((h) => h.rule.policy === "NetworkPolicy/shop/appsec.recommended-web" && h.flows > 0 && h.rule.direction === "egress");
    expect(dns).toBeDefined();
    // Connections add up: every allowed flow's deciding egress rule is counted once per connection.
    const total = r.ruleHits.filter((h) => h.rule.tier === "appsec" && h.rule.direction === "egress" && h.rule.action === "Allow").reduce((a, h) => a + h.connections, 0);
    const egressFromShop = flows.filter((f) => f.source.namespace === "shop").reduce((a, f) => a + f.count, 0);
    expect(total).toBe(egressFromShop);
  });

  it("evaluates each endpoint class and port once, however many names share it", () => {
    const line = (name: string) =>
      JSON.stringify({ source_name: name, source_namespace: "shop", source_labels: "app=web", dest_name: "db-*", dest_namespace: "data", dest_labels: "app=db", protocol: "TCP", dest_port: 5432, action: "Allow" });
    const fs = importFlowText([line("web-aaa-*"), line("web-bbb-*"), line("web-ccc-*")].join("\n"), "x.jsonl").flows;
    expect(fs).toHaveLength(3);
    const r = replayFlows(fs, evaluatorForManifests(before, { flows: fs }));
    expect(r.totals.evaluations).toBe(1);
  });
});

describe("promotion", () => {
  const settings = { mode: "enforce" as const, tiers: {} };
  const staged = planToManifests(plan, "stage");

  it("is safe with zero would-be denials, and names the config key per staged tier", () => {
    const r = replayFlows(flows, evaluatorForManifests(staged, { flows }), { view: "would-be" });
    const p = assessPromotion(flows, r, settings, "dev", tiersWithStagedPolicies(staged));
    expect(p.safe).toBe(true);
    expect(p.verdict).toMatch(/^safe to promote/);
    expect(p.staged.map((s) => s.command)).toEqual([
      "pulumi config set --stack dev --path 'calico-baseline:policies.tiers.application.mode' enforce",
      "pulumi config set --stack dev --path 'calico-baseline:policies.tiers.appsec.mode' enforce",
    ]);
  });

  it("is not safe when the offline replay denies a flow allowed today", () => {
    const broken = dropRules(staged, "appsec.recommended-web", "kube-dns");
    const r = replayFlows(flows, evaluatorForManifests(broken, { flows }), { view: "would-be" });
    const p = assessPromotion(flows, r, settings, "dev", ["appsec"]);
    expect(p.safe).toBe(false);
    expect(p.verdict).toBe("NOT safe to promote: 1 flow allowed today would be denied by the proposed policies");
  });

  it("is not safe when a recorded pending (staged) trace ended in Deny, even if the offline replay is clean", () => {
    const withPending = lines.map((l, i) =>
      i === 0 ? l.replace('"pending":[]', '"pending":[{"kind":"EndOfTier","name":"","namespace":"","tier":"appsec","action":"Deny","policy_index":0,"rule_index":-1,"trigger":null}]') : l,
    );
    const fs = importFlowText(withPending.join("\n"), "p.jsonl").flows;
    const r = replayFlows(fs, evaluatorForManifests(staged, { flows: fs }), { view: "would-be" });
    const p = assessPromotion(fs, r, settings, "dev", ["application", "appsec"]);
    expect(p.recordedPendingDenials).toBe(1);
    expect(p.safe).toBe(false);
  });

  it("a stack-wide stage is promoted with policies.mode; explicit stage tiers each get their command", () => {
    expect(stagedScopes({ mode: "stage", tiers: { appsec: { mode: "stage" } } }, "prod", ["platform", "appsec"]).map((s) => s.path)).toEqual(["mode", "tiers.appsec.mode"]);
    expect(stagedScopes({ mode: "enforce", tiers: {} }, "prod", [])).toEqual([]);
  });
});

describe("report formats", () => {
  const after = dropRules(before, "appsec.recommended-web", "kube-dns");
  const r = replayFlows(flows, evaluatorForManifests(after, { flows }));
  const input = { replay: r, flowsFile: "gen.jsonl", stack: "dev" };

  it("json is versioned, stable and carries the trail", () => {
    const doc = JSON.parse(formatReplay(input, "json")) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(["version", "flowsFile", "stack", "view", "totals", "breaking", "denied", "undecidable", "ruleHits", "unusedRules", "promotion"]);
    expect(doc["breaking"]).toBe(true);
    const denied = doc["denied"] as { namespace: string; app: string; flows: { egress: { trail: { text: string }[] } }[] }[];
    expect(denied[0]!.flows[0]!.egress.trail.at(-1)!.text).toContain("appsec");
    expect(formatReplay(input, "json")).toBe(formatReplay(input, "json"));
  });

  it("markdown is a PR comment with a table per group and the rule-hit table", () => {
    const md = formatReplay(input, "md");
    expect(md).toMatch(/^### Flow replay \(dev\)/);
    expect(md).toContain("<summary>shop / web (1)</summary>");
    expect(md).toContain("| tier | rule | action | connections | flows |");
  });

  it("text says FAIL with the count", () => {
    expect(formatReplay(input, "text")).toContain("FAIL: 1 flow(s) allowed today would be denied");
  });
});

describe("flows to addresses Goldmane did not record", () => {
  const pub = importFlowText(
    JSON.stringify({ source_name: "web-*", source_namespace: "shop", source_labels: "app=web", dest_name: "pub", dest_namespace: "-", protocol: "TCP", dest_port: 443, action: "Allow", reporter: "Src" }),
    "pub.jsonl",
  ).flows;
  const policy = (egress: unknown[]): Manifest => ({
    apiVersion: "projectcalico.org/v3",
    kind: "NetworkPolicy",
    metadata: { name: "application.web-out", namespace: "shop" },
    spec: { tier: "application", order: 10, selector: "app == 'web'", types: ["Egress"], egress },
  });

  it("are undecidable when the local end's policy matches on nets, and not counted as denied", () => {
    const r = replayFlows(pub, evaluatorForManifests([policy([{ action: "Allow", protocol: "TCP", destination: { nets: ["198.51.100.0/24"] } }])], { flows: pub }));
    expect(r.totals.undecidable).toBe(1);
    expect(r.totals.denied).toBe(0);
    expect(r.undecidable[0]!.reason).toContain("matches on nets");
  });

  it("are decided when no address-based rule applies (selectors cannot match an unknown network)", () => {
    const r = replayFlows(pub, evaluatorForManifests([policy([{ action: "Allow", protocol: "TCP", destination: { selector: "app == 'db'" } }])], { flows: pub }));
    expect(r.totals.undecidable).toBe(0);
    expect(r.totals.denied).toBe(1);
  });
});

describe("property: replay with dedupe and verdict cache equals the engine flow by flow", () => {
  it("for any set of dropped rules", () => {
    const ruleSlots: { policy: string; dir: "ingress" | "egress"; index: number }[] = [];
    for (const m of before) {
      for (const dir of ["ingress", "egress"] as const) {
        ((m.spec[dir] as unknown[] | undefined) ?? []).forEach((_r, index) => ruleSlots.push({ policy: m.metadata.name, dir, index }));
      }
    }
    fc.assert(
      fc.property(fc.subarray(ruleSlots, { maxLength: 6 }), (drop) => {
        const after = before.map((m) => {
          const gone = drop.filter((d) => d.policy === m.metadata.name);
          if (gone.length === 0) return m;
          const keep = (dir: "ingress" | "egress") => ((m.spec[dir] as unknown[] | undefined) ?? []).filter((_r, i) => !gone.some((g) => g.dir === dir && g.index === i));
          return { ...m, spec: { ...m.spec, ingress: keep("ingress"), egress: keep("egress") } };
        });
        const r = replayFlows(flows, evaluatorForManifests(after, { flows }));
        expect(deniedByReplay(r)).toEqual(deniedByEngine(after, flows));
        expect(r.totals.breaking).toBe(r.totals.denied);
      }),
      { numRuns: 25 },
    );
  });
});
