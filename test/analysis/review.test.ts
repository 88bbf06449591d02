/**
 * The review `diff` shows by default, on the dev stack's real objects: a change to a staged policy shows
 * in the would-be view, removed objects are listed even when no flow changes, a lockout fails the review,
 * moving objects between files is no change, a promotion is one changed object; and the Markdown of a
 * large change stays under GitHub's comment limit.
 */
import { describe, expect, it } from "vitest";
import { loadInventory } from "../../src/analysis/analyse.js";
import { defaultInvariants } from "../../src/analysis/invariants.js";
import { type Inventory, parseInventory } from "../../src/analysis/inventory.js";
import type { SourcedObject } from "../../src/analysis/policies.js";
import { type Review, buildReview } from "../../src/analysis/review.js";
import { formatReviewText, reviewSummary } from "../../src/analysis/formatters/review-text.js";
import { GITHUB_COMMENT_LIMIT, renderReviewMarkdown } from "../../src/analysis/formatters/review-md.js";
import { reviewJson } from "../../src/analysis/formatters/review-json.js";
import { loadStackConfig } from "../../src/config/index.js";
import { synthStackFiles } from "../../src/rendering/stack-files.js";
import { minorVersion } from "../../src/cli/calico-version.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const config = loadStackConfig("dev", { cwd: ROOT });
const inventory = loadInventory("policies/inventory.yaml", ROOT);
const v332 = { label: "3.32.1", minor: "3.32" } as const;

function devObjects(): SourcedObject[] {
  return synthStackFiles(config, inventory).files.flatMap((f) => f.objects.map((o) => ({ object: structuredClone(o), file: f.file })));
}

type Obj = { kind: string; metadata: { name: string; namespace?: string }; spec: Record<string, unknown> };
const find = (objects: SourcedObject[], kind: string, name: string): Obj => {
  const o = objects.find((x) => (x.object as Obj).kind === kind && (x.object as Obj).metadata.name === name);
  if (o === undefined) throw new Error(`no ${kind}/${name} in the dev stack`);
  return o.object as Obj;
};

function review(before: SourcedObject[], after: SourcedObject[], extra: Partial<Parameters<typeof buildReview>[0]> = {}): Review {
  return buildReview({
    before,
    after,
    inventory,
    beforeLabel: "base",
    afterLabel: "change",
    beforeVersion: v332,
    afterVersion: v332,
    invariants: defaultInvariants(config.policies),
    waivers: config.policies.waivers,
    ...extra,
  });
}

describe("review of a policy change (dev stack objects)", () => {
  it("opening a port in a staged policy: no enforced change, the flow change in the would-be view with the deciding rule, the changed field", () => {
    const before = devObjects();
    const after = devObjects();
    const engine = find(after, "StagedNetworkPolicy", "appsec.engine");
    const rules = engine.spec["ingress"] as Array<{ destination?: { ports?: unknown[] } }>;
    const i = rules.findIndex((r) => Array.isArray(r.destination?.ports));
    expect(i).toBeGreaterThanOrEqual(0);
    rules[i]!.destination!.ports!.push(9999);
    const r = review(before, after);
    const [enforced, staged] = r.views;
    expect(enforced!.view).toBe("enforced");
    expect(enforced!.diff.changes).toEqual([]);
    expect(staged!.view).toBe("staged");
    expect(staged!.sameAsEnforced).toBeUndefined();
    const opened = staged!.diff.changes.filter((c) => c.dst.startsWith("fme/engine"));
    expect(opened.length).toBeGreaterThan(0);
    for (const c of opened) {
      expect(c.added.toString()).toBe("TCP 9999");
      expect(c.removed.isEmpty()).toBe(true);
      expect(c.explanation!.port).toBe(9999);
      expect(c.explanation!.before.allowed).toBe(false);
      expect(c.explanation!.after.allowed).toBe(true);
      expect(c.explanation!.after.ingress.decision).toMatchObject({ by: "rule", policy: "StagedNetworkPolicy/fme/appsec.engine", rule: i, action: "Allow" });
    }
    expect(r.objects.changed).toHaveLength(1);
    expect(r.objects.changed[0]!.after.id).toBe("StagedNetworkPolicy/fme/appsec.engine");
    expect(r.objects.changed[0]!.fields).toEqual([{ path: `spec.ingress[${i}].destination.ports[${rules[i]!.destination!.ports!.length - 1}]`, after: 9999 }]);
    expect(r.status).toBe("changed");
    const text = formatReviewText(r);
    expect(text.split("\n")[0]).toBe(reviewSummary(r));
    expect(text).toMatch(/flows once the staged policies are enforced:\n {2}\d+ endpoint pairs change\n {2}\+ [^\n]+ => fme\/engine\[Deployment\] : TCP 9999\n {6}TCP 9999: before denied \(ingress: Deny by StagedNetworkPolicy\/fme\/appsec\.engine rule 1[^\n]* → after allowed \(ingress: Allow by StagedNetworkPolicy\/fme\/appsec\.engine rule 0/);
  });

  it("deleting allow-DNS: the two removed objects are listed although no flow changes (the default deny also allows DNS)", () => {
    const before = devObjects();
    const after = before.filter((x) => !(x.object as Obj).metadata.name.startsWith("platform.allow-dns"));
    const r = review(before, after);
    expect(r.objects.removed.map((o) => o.id)).toEqual(["GlobalNetworkPolicy/platform.allow-dns-egress", "GlobalNetworkPolicy/platform.allow-dns-ingress"]);
    expect(r.objects.removed[0]!.file).toBe("20-platform.yaml");
    expect(r.views.every((v) => v.diff.changes.length === 0)).toBe(true);
    expect(r.views[0]!.invariantsAfter.find((x) => x.invariant.name === "dns-udp")!.status).toBe("pass");
    expect(r.status).toBe("changed");
    expect(reviewSummary(r)).toBe("safe: every lockout invariant holds · objects: 2 removed, 0 added, 0 changed · no flow changes");
    const md = renderReviewMarkdown(r);
    expect(md).toContain("| removed | `GlobalNetworkPolicy/platform.allow-dns-egress` | 20-platform.yaml | |");
  });

  it("deleting allow-DNS where it is the only DNS allow (a node-local DNS default deny): the DNS invariants newly fail and the review is unsafe", () => {
    // The default deny lets pods reach a node-local DNS cache instead of kube-dns (a real setup), so
    // allow-dns is what lets them reach kube-dns.
    const nodeLocal = (objects: SourcedObject[]): SourcedObject[] => {
      const dd = find(objects, "GlobalNetworkPolicy", "application.default-deny");
      for (const rule of dd.spec["egress"] as Array<{ destination: { selector: string } }>) rule.destination.selector = 'k8s-app == "node-local-dns"';
      return objects;
    };
    const before = nodeLocal(devObjects());
    const after = before.filter((x) => !(x.object as Obj).metadata.name.startsWith("platform.allow-dns"));
    const r = review(before, after);
    expect(r.views[0]!.invariantsBefore.find((x) => x.invariant.name === "dns-udp")!.status).toBe("pass");
    expect(r.status).toBe("unsafe");
    const broken = r.broken.map((b) => `${b.view}:${b.result.invariant.name}:${b.alreadyBroken}`);
    expect(broken).toEqual(expect.arrayContaining(["enforced:dns-udp:false", "enforced:dns-tcp:false", "staged:dns-udp:false"]));
    expect(r.objects.removed).toHaveLength(2);
    // The flows that lose DNS, with the rule deciding them now.
    const lost = r.views[0]!.diff.changes.filter((c) => c.dst.startsWith("kube-system/coredns"));
    expect(lost.length).toBeGreaterThan(0);
    expect(lost[0]!.explanation!.before.allowed).toBe(true);
    expect(lost[0]!.explanation!.after.allowed).toBe(false);
    expect(reviewSummary(r)).toMatch(/^unsafe: 2 lockout invariants broken \(dns-udp, both views; dns-tcp, both views\) · objects: 2 removed, 0 added, 0 changed · flows: /);
    const md = renderReviewMarkdown(r);
    expect(md.split("\n")[0]).toMatch(/^### ❌ Calico policy review: unsafe: /);
    expect(md).toContain("#### ❌ Lockout invariants broken after the change");
    expect(md).toMatch(/\| `dns-udp` \| enforced now \| \*\*newly broken\*\* \|/);
  });

  it("moving objects between files (and reordering them) is no change at all", () => {
    const before = devObjects();
    const after = [...devObjects()].reverse().map((x, i) => ({ ...x, file: `moved-${i % 3}.yaml` }));
    const r = review(before, after);
    expect(r.objects).toEqual({ added: [], removed: [], changed: [], unchanged: before.length });
    expect(r.views.every((v) => v.diff.changes.length === 0 && v.diff.omitted === 0)).toBe(true);
    expect(r.status).toBe("no-change");
    expect(reviewSummary(r)).toBe("no change");
    expect(JSON.parse(reviewJson(r, 0))).toMatchObject({ status: "no-change", exitCode: 0, changes: [], omitted: 0, namespaces: [] });
  });

  it("promoting a staged policy is one changed object (kind), and its flows change in the enforced view only", () => {
    const before = devObjects();
    const after = devObjects().map((x) => {
      const o = x.object as Obj;
      return o.kind === "StagedNetworkPolicy" && o.metadata.name === "appsec.engine" ? { ...x, object: { ...o, kind: "NetworkPolicy", spec: Object.fromEntries(Object.entries(o.spec).filter(([k]) => k !== "stagedAction")) } } : x;
    });
    const r = review(before, after);
    expect(r.objects.added).toEqual([]);
    expect(r.objects.removed).toEqual([]);
    expect(r.objects.changed).toHaveLength(1);
    const c = r.objects.changed[0]!;
    expect(c.promotion).toBe("promotion");
    expect(c.fields[0]).toEqual({ path: "kind", before: "StagedNetworkPolicy", after: "NetworkPolicy" });
    expect(r.views[0]!.diff.changes.length).toBeGreaterThan(0);
    expect(r.views[1]!.diff.changes).toEqual([]);
  });

  it("without staged policies on either side the would-be view is the enforced view, said once", () => {
    const noStaged = devObjects().filter((x) => !(x.object as Obj).kind.startsWith("Staged"));
    const r = review(noStaged, noStaged);
    expect(r.views[1]!.sameAsEnforced).toBe(true);
    expect(renderReviewMarkdown(r)).toContain("#### Flows once the staged policies are enforced: no staged policy on either side (the same as enforced now)");
  });

  it("a minor version change brings the upgrade impact of the after side's objects", () => {
    const r = review(devObjects(), devObjects(), { beforeVersion: { label: "3.31.7", minor: "3.31" } });
    expect(r.upgrade?.map((u) => [u.view, u.from.label, u.to.label])).toEqual([
      ["enforced", "3.31.7", "3.32.1"],
      ["staged", "3.31.7", "3.32.1"],
    ]);
    expect(r.status).toBe("changed");
    // The dev baseline's no-cloud-metadata guardrail is a ClusterNetworkPolicy: 3.31 does not enforce the kind,
    // 3.32 does (tier kube-admin), so the upgrade alone closes exactly the pairs it decides, and nothing else.
    const up = r.upgrade![0]!;
    expect(up.unexplained).toBe(0);
    const explaining = up.reasons.flat().map((i) => up.differences[i]!);
    expect(new Set(explaining.map((d) => ("object" in d ? d.object : "")))).toEqual(new Set(["ClusterNetworkPolicy/no-cloud-metadata"]));
    expect(explaining.some((d) => d.kind === "newly-enforced" && d.change === "cluster-network-policy")).toBe(true);
    expect(up.diff.changes.length).toBe(5);
    expect(reviewSummary(r)).toContain("Calico 3.31.7 → 3.32.1 (the upgrade alone changes 5 pairs)");
    // A patch upgrade: same minor, no semantic change.
    const patch = review(devObjects(), devObjects(), { beforeVersion: { label: "3.32.0", minor: "3.32" } });
    expect(patch.upgrade?.[0]!.versionChanges).toEqual([]);
    expect(renderReviewMarkdown(patch)).toContain("- Same minor (3.32): no semantic change.");
    expect(minorVersion("3.31")).toEqual({ label: "3.31", minor: "3.31" });
  });
});

describe("Markdown size", () => {
  /** `n` workloads in namespace a, `m` in b; before: nothing allowed between them, after: a → b on 80. */
  function large(n: number, m: number, changedSets = 300): { before: SourcedObject[]; after: SourcedObject[]; inv: Inventory } {
    const workloads = (ns: string, count: number): unknown[] =>
      Array.from({ length: count }, (_, i) => ({ name: `w${String(i).padStart(3, "0")}-with-a-long-descriptive-name`, labels: { app: `${ns}-${i}` } }));
    const inv = parseInventory({ namespaces: [{ name: "alpha-namespace", workloads: workloads("a", n) }, { name: "beta-namespace", workloads: workloads("b", m) }] }, "test inventory");
    const tier = { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "application" }, spec: { order: 400, defaultAction: "Deny" } };
    const policy = (ports: number[]): unknown => ({
      apiVersion: "projectcalico.org/v3",
      kind: "GlobalNetworkPolicy",
      metadata: { name: "application.isolate" },
      spec: {
        tier: "application",
        order: 10,
        selector: "all()",
        namespaceSelector: "has(kubernetes.io/metadata.name)",
        types: ["Ingress", "Egress"],
        ingress: ports.length === 0 ? [] : [{ action: "Allow", protocol: "TCP", source: { namespaceSelector: 'kubernetes.io/metadata.name == "alpha-namespace"' }, destination: { ports } }],
        egress: ports.length === 0 ? [] : [{ action: "Allow", protocol: "TCP", destination: { namespaceSelector: 'kubernetes.io/metadata.name == "beta-namespace"', ports } }],
      },
    });
    // Many objects too: 300 network sets, each changed.
    const sets = (v: string): unknown[] => Array.from({ length: changedSets }, (_, i) => ({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name: `set-${i}`, labels: { v } }, spec: { nets: [`10.${i % 250}.0.0/24`] } }));
    return {
      before: [tier, policy([]), ...sets("1")].map((object) => ({ object, file: "before.yaml" })),
      after: [tier, policy([80, 443, 8080]), ...sets("2")].map((object) => ({ object, file: "after.yaml" })),
      inv,
    };
  }

  it("a 500-pair change (plus 300 changed objects) stays under 65,536 characters, with trimmed tables saying how much they show", () => {
    const { before, after, inv } = large(25, 20);
    const r = buildReview({ before, after, inventory: inv, beforeLabel: "main", afterLabel: "pr", beforeVersion: v332, afterVersion: v332, invariants: [], waivers: [] });
    expect(r.views[0]!.diff.changes.length + r.views[0]!.diff.omitted).toBe(500);
    const md = renderReviewMarkdown(r, { maxChars: GITHUB_COMMENT_LIMIT, artifact: "policy-review-dev" });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md.split("\n")[0]).toMatch(/^### 📝 Calico policy review: safe: every lockout invariant holds · objects: 0 removed, 0 added, 301 changed · flows: endpoint pairs changing: 500 enforced now$/);
    expect(md).toMatch(/_Showing \d+ of 500 endpoint pairs; the full list is in the complete report\._/);
    expect(md).toMatch(/_Showing \d+ of 301 objects; the full list is in the complete report\._/);
    expect(md).toContain("<details><summary>First ");
    expect(md).toContain("The complete report is the workflow artifact `policy-review-dev`");
    // The default limit leaves room for the comment header and other stacks.
    expect(renderReviewMarkdown(r).length).toBeLessThanOrEqual(60_000);
    // A tiny limit is a hard limit too.
    const tiny = renderReviewMarkdown(r, { maxChars: 3000 });
    expect(tiny.length).toBeLessThanOrEqual(3000);
    expect(tiny.split("\n")[0]).toBe(md.split("\n")[0]);
    // Deterministic.
    expect(renderReviewMarkdown(r, { maxChars: GITHUB_COMMENT_LIMIT, artifact: "policy-review-dev" })).toBe(md);
  });

  it("a change small enough is not trimmed: every pair with its deciding rule", () => {
    const { before, after, inv } = large(3, 2, 0);
    const r = buildReview({ before, after, inventory: inv, beforeLabel: "main", afterLabel: "pr", beforeVersion: v332, afterVersion: v332, invariants: [], waivers: [], views: ["enforced"] });
    const md = renderReviewMarkdown(r);
    expect(md).not.toContain("_Showing");
    expect(md).toContain("<details><summary>All 6 endpoint pairs, with the rule deciding each before and after</summary>");
    expect(md).toContain("Opened (gain connections): 6; closed (lose connections): 0.");
    expect(md).toMatch(/\| alpha-namespace\/w000-with-a-long-descriptive-name\[Deployment\] \| beta-namespace\/w000-with-a-long-descriptive-name\[Deployment\] \| TCP 80,443,8080 \| {2}\| TCP 80: before denied \(egress: Deny at the end of tier application[^|]*\) → after allowed \(ingress: Allow by GlobalNetworkPolicy\/application\.isolate rule 0/);
  });
});
