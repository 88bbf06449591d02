import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EMPTY_INVENTORY, type InventoryWorkload } from "../../../src/analysis/inventory.js";
import { evaluatorForManifests } from "../../../src/analysis/flows/evaluator-adapter.js";
import { importFlowText } from "../../../src/analysis/flows/import.js";
import { identityLabels, labelsMatch } from "../../../src/analysis/flows/labels.js";
import type { FlowEndpoint, FlowQuery, ObservedFlow } from "../../../src/analysis/flows/model.js";
import { mergePorts, portInRanges } from "../../../src/analysis/flows/ports.js";
import { checkPlanAgainstStack, planRecommendation, workloadName } from "../../../src/analysis/flows/recommend.js";
import { planToManifests } from "../../../src/analysis/flows/recommend-manifests.js";
import { replayFlows } from "../../../src/analysis/flows/replay.js";
import { generateFlowLog, shopConnections } from "../../fixtures/flows/generate.js";

const flows = importFlowText(generateFlowLog(shopConnections(), 2000, 7).join("\n"), "gen.jsonl").flows;

describe("recommend then replay", () => {
  for (const perWorkload of [false, true]) {
    it(`the same flows replay with zero denials (${perWorkload ? "per workload" : "per namespace"}, staged, would-be view)`, () => {
      const plan = planRecommendation(flows, "shop", { perWorkload });
      expect(plan.skipped).toEqual([]);
      const evaluator = evaluatorForManifests(planToManifests(plan, "stage"), { flows });
      const wouldBe = replayFlows(flows, evaluator, { view: "would-be" });
      expect(wouldBe.totals.denied).toBe(0);
      expect(wouldBe.totals.undecidable).toBe(0);
      expect(wouldBe.totals.allowed).toBe(flows.length);
      // Staged means not enforced: the enforced view has no policy at all and allows by profile.
      const enforced = replayFlows(flows, evaluator, { view: "enforced" });
      expect(enforced.ruleHits.filter((h) => h.flows > 0)).toEqual([]);
    });
  }

  it("writes staged kinds, tier-prefixed names, both policy types and a final Deny", () => {
    const plan = planRecommendation(flows, "shop", { perWorkload: true });
    const m = planToManifests(plan, "stage");
    const policies = m.filter((o) => o.kind === "StagedNetworkPolicy");
    expect(policies.map((p) => p.metadata.name)).toEqual([
      "application.recommended-namespace",
      "appsec.recommended-api",
      "appsec.recommended-web",
      "appsec.recommended-worker",
      "appsec.recommended-default-deny",
    ]);
    for (const p of policies) expect(p.spec["types"]).toEqual(["Ingress", "Egress"]);
    const ns = policies[0]!;
    expect((ns.spec["egress"] as unknown[]).at(-1)).toEqual({ action: "Deny" });
    expect((ns.spec["egress"] as { action: string }[]).slice(0, -1).every((r) => r.action === "Pass")).toBe(true);
    // Only staged policies: an external address is a rule's nets, never an (enforced) NetworkSet.
    expect(m.length).toBe(policies.length);
    expect((ns.spec["egress"] as { destination?: { nets?: string[] } }[]).filter((r) => r.destination?.nets !== undefined).map((r) => r.destination!.nets)).toEqual([["203.0.113.10/32"]]);
  });

  it("selects peers by identity labels, never by pod-template-hash or version", () => {
    const plan = planRecommendation(flows, "shop");
    const text = JSON.stringify(planToManifests(plan));
    expect(text).not.toContain("pod-template-hash");
    expect(text).not.toContain("version");
    expect(text).toContain(`app == \\"db\\"`);
  });

  it("does not recommend flows the cluster denied, or external flows without an address, and says why", () => {
    const extra = [
      JSON.stringify({ source_name: "web-*", source_namespace: "shop", source_labels: "app=web", dest_name: "db-*", dest_namespace: "data", dest_labels: "app=db", protocol: "TCP", dest_port: 22, action: "Deny", reporter: "Src" }),
      JSON.stringify({ source_name: "web-*", source_namespace: "shop", source_labels: "app=web", dest_name: "pub", dest_namespace: "-", protocol: "TCP", dest_port: 443, action: "Allow", reporter: "Src" }),
    ];
    const more = importFlowText(extra.join("\n"), "extra.jsonl").flows;
    const plan = planRecommendation(more, "shop");
    expect(plan.planned).toEqual([]);
    const reasons = plan.skipped.map((s) => `${s.flow.port}: ${s.reason}`).sort();
    expect(reasons).toEqual([
      "22: denied when recorded: a recommendation does not open traffic the cluster blocked",
      expect.stringContaining("443: Goldmane records no address"),
    ]);
  });

  it("does not recommend UDPLite flows: Calico rejects ports on a UDPLite rule and no ports would open them all", () => {
    const line = JSON.stringify({ source_name: "web-*", source_namespace: "shop", source_labels: "app=web", dest_name: "db-*", dest_namespace: "shop", dest_labels: "app=db", protocol: "UDPLite", dest_port: 5000, action: "Allow", reporter: "Dst" });
    const plan = planRecommendation(importFlowText(line, "udplite.jsonl").flows, "shop");
    expect(plan.planned).toEqual([]);
    expect(plan.policies.flatMap((p) => [...p.ingress, ...p.egress])).toEqual([]);
    expect(plan.skipped.map((s) => `${s.flow.protocol} ${s.flow.port}: ${s.reason}`)).toEqual([
      "UDPLite 5000: Calico rules cannot match UDPLite ports, and allowing every UDPLite port would open more than was observed",
    ]);
  });
});

/**
 * The documented contract as an oracle, written from docs/flows.md and not from the planner: a flow with an
 * end in the namespace is allowed at that end iff some observed flow of the same direction, the same local
 * class (namespace, or deployment identity with --per-workload), a peer whose identity labels the flow's
 * peer carries, and the same protocol has a port whose merged group (rules R1/R2, applied per observed
 * local deployment) contains the flow's port.
 */
function oracle(observed: readonly ObservedFlow[], ns: string, perWorkload: boolean): (f: FlowQuery) => boolean {
  type G = { dir: string; local: Record<string, string>; peer: FlowEndpoint; protocol: string; ports: number[] };
  const groups = new Map<string, G>();
  // Groups always per observed deployment (R2 is applied per deployment); in namespace mode any pod of
  // the namespace may use any deployment's group.
  const add = (dir: string, l: FlowEndpoint, peer: FlowEndpoint, f: ObservedFlow) => {
    const peerId = `${peer.kind}|${peer.namespace ?? ""}|${peer.net ?? ""}|${JSON.stringify(identityLabels(peer.labels))}`;
    const key = `${dir}|${JSON.stringify(identityLabels(l.labels))}|${peerId}|${f.protocol}`;
    const g = groups.get(key) ?? { dir, local: perWorkload ? identityLabels(l.labels) : {}, peer, protocol: f.protocol, ports: [] };
    if (f.port !== undefined) g.ports.push(f.port);
    groups.set(key, g);
  };
  const inNs = (e: FlowEndpoint) => e.kind === "workload" && e.namespace === ns;
  for (const f of observed) {
    if (inNs(f.source)) add("egress", f.source, f.destination, f);
    if (inNs(f.destination)) add("ingress", f.destination, f.source, f);
  }
  const peerMatches = (planned: FlowEndpoint, actual: FlowEndpoint): boolean =>
    planned.kind === actual.kind &&
    planned.namespace === actual.namespace &&
    (planned.kind === "network" ? planned.net === actual.net : labelsMatch(identityLabels(planned.labels), actual.labels));
  const sideAllows = (dir: string, l: FlowEndpoint, peer: FlowEndpoint, f: FlowQuery): boolean => {
    for (const g of groups.values()) {
      if (g.dir !== dir || g.protocol !== f.protocol || !labelsMatch(g.local, l.labels) || !peerMatches(g.peer, peer)) continue;
      if (f.port === undefined || g.ports.length === 0 || portInRanges(f.port, mergePorts(g.ports))) return true;
    }
    return false;
  };
  return (f) => (!inNs(f.source) || sideAllows("egress", f.source, f.destination, f)) && (!inNs(f.destination) || sideAllows("ingress", f.destination, f.source, f));
}

describe("a recommendation allows nothing that was not observed (beyond the port-merge rules)", () => {
  // Grid: every observed endpoint plus unobserved ones, every observed port plus neighbours, three protocols.
  const ends = new Map<string, FlowEndpoint>();
  for (const f of flows) for (const e of [f.source, f.destination]) ends.set(JSON.stringify(e), e);
  const unobserved: FlowEndpoint[] = [
    { kind: "workload", namespace: "shop", name: "admin-*", labels: { app: "admin" } },
    { kind: "workload", namespace: "data", name: "db-*", labels: { app: "db", "app.kubernetes.io/instance": "replica" } },
    { kind: "workload", namespace: "other", name: "db-*", labels: { app: "db" } },
    { kind: "network", labels: {}, net: "198.51.100.7" },
  ];
  const endpoints = [...ends.values(), ...unobserved];
  const ports = new Set<number>();
  for (const f of flows) if (f.port !== undefined) for (const d of [-1, 0, 1]) ports.add(f.port + d);
  ports.add(31005); // inside the R2 window of the dynamic-port app, never observed
  ports.add(20000); // between web's exact 8443 and worker's R2 window: must stay closed for web

  for (const perWorkload of [false, true]) {
    it(`grid of ${endpoints.length}x${endpoints.length} endpoints x ${ports.size} ports (${perWorkload ? "per workload" : "per namespace"}) matches the documented rules`, () => {
      const plan = planRecommendation(flows, "shop", { perWorkload });
      const grid: FlowQuery[] = [];
      for (const s of endpoints) {
        for (const d of endpoints) {
          if (s === d || (s.kind !== "workload" && d.kind !== "workload")) continue;
          if (!(s.namespace === "shop" && s.kind === "workload") && !(d.namespace === "shop" && d.kind === "workload")) continue;
          for (const p of ports) for (const protocol of ["TCP", "UDP"]) grid.push({ source: s, destination: d, protocol, port: p });
          grid.push({ source: s, destination: d, protocol: "ICMP" });
        }
      }
      const evaluator = evaluatorForManifests(planToManifests(plan, "stage"), { flows: grid });
      const expected = oracle(flows, "shop", perWorkload);
      const wrong: string[] = [];
      let allowedCount = 0;
      for (const q of grid) {
        const v = evaluator.evaluate(q, "would-be");
        if (v.allowed) allowedCount++;
        if (v.allowed !== expected(q)) wrong.push(`${workloadName(q.source)} -> ${workloadName(q.destination)} ${q.protocol}/${q.port ?? ""}: engine ${v.allowed}`);
      }
      expect(wrong).toEqual([]);
      // The grid is not vacuous: it holds allowed and denied flows.
      expect(allowedCount).toBeGreaterThan(0);
      expect(allowedCount).toBeLessThan(grid.length);
    });
  }
});

describe("recommend from CSV", () => {
  it("turns external addresses into rules on their own nets (no created network set) and replays clean", () => {
    const csv = readFileSync(join(import.meta.dirname, "../../fixtures/flows/flows.csv"), "utf8");
    const fs = importFlowText(csv, "flows.csv").flows;
    const plan = planRecommendation(fs, "shop");
    expect(plan.skipped).toEqual([]);
    expect(planToManifests(plan).map((m) => m.kind)).toEqual(["StagedNetworkPolicy"]);
    const egress = plan.policies[0]!.egress.map((r) => `${r.peer.kind} ${r.protocol} ${r.ports.map((p) => p.from).join(",")}`);
    expect(egress).toEqual(["nets TCP 443", "pods TCP 5432", "pods UDP 53"]);
    expect(plan.policies[0]!.egress[0]!.peer).toEqual({ kind: "nets", cidr: "203.0.113.10/32" });
    const r = replayFlows(fs, evaluatorForManifests(planToManifests(plan), { flows: fs }));
    expect(r.totals.denied).toBe(0);
    // The case refs: the CSV has no names, so workloads are named by their app label.
    expect(plan.cases.filter((c) => c.expect === "allow").map((c) => `${c.from} -> ${c.to}`)).toEqual([
      "shop/web -> data/db",
      "shop/web -> kube-system/kube-dns",
      "shop/web -> net:203.0.113.10",
    ]);
  });
});

describe("checking a plan against the stack", () => {
  it("reports observed flows an earlier tier denies and drops deny probes an earlier tier allows", () => {
    const plan = planRecommendation(flows, "shop");
    const tiers = [
      { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "platform" }, spec: { order: 300, defaultAction: "Pass" } },
      { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "application" }, spec: { order: 400 } },
    ];
    // Earlier tier: denies web -> api 8443, allows UDP 54 to kube-dns (the deny probe of the DNS group).
    const platform = {
      apiVersion: "projectcalico.org/v3",
      kind: "GlobalNetworkPolicy",
      metadata: { name: "platform.rules" },
      spec: {
        tier: "platform",
        order: 1,
        selector: "all()",
        types: ["Egress"],
        egress: [
          { action: "Deny", protocol: "TCP", source: { selector: "app == 'web'" }, destination: { selector: "app == 'api'", ports: [8443] } },
          { action: "Allow", protocol: "UDP", destination: { selector: "k8s-app == 'kube-dns'", ports: [54] } },
        ],
      },
    };
    const probes = plan.cases.map((c) => c.flow);
    const ev = evaluatorForManifests([...tiers, platform, ...planToManifests(plan, "enforce")], { flows: [...flows, ...probes] });
    const checked = checkPlanAgainstStack(plan, ev);
    expect(checked.deniedByStack.map((d) => `${d.flow.protocol}/${d.flow.port}`)).toEqual(["TCP/8443"]);
    expect(checked.droppedProbes.map((c) => c.name)).toEqual(expect.arrayContaining([expect.stringMatching(/kube-dns UDP\/54$/)]));
    expect(checked.plan.cases.some((c) => c.name.endsWith("TCP/8443"))).toBe(false);
    expect(checked.plan.cases.length).toBe(plan.cases.length - checked.deniedByStack.length - checked.droppedProbes.length);
  });

  it("names case endpoints as the inventory does, whatever name the export carries", () => {
    // The Deployment is web-frontend in the export (its ReplicaSet hash not among the recorded labels); the
    // inventory declares the same pods as shop/frontend. The cases test resolves refs in the inventory.
    const text = [
      '{"action":"Allow","source_name":"web-frontend-6d4cf56db6-*","source_namespace":"shop","source_labels":"app=frontend","dest_name":"backend-*","dest_namespace":"shop","dest_labels":"app=backend","protocol":"tcp","dest_port":8080,"reporter":"Src"}',
      '{"action":"Allow","source_name":"frontend-*","source_namespace":"shop","source_labels":"app=frontend","dest_name":"backend-*","dest_namespace":"shop","dest_labels":"app=backend","protocol":"tcp","dest_port":8080,"reporter":"Src"}',
      '{"action":"Allow","source_name":"stray-*","source_namespace":"shop","source_labels":"app=stray","dest_name":"backend-*","dest_namespace":"shop","dest_labels":"app=backend","protocol":"tcp","dest_port":8080,"reporter":"Src"}',
    ].join("\n");
    const observed = importFlowText(text, "named.jsonl").flows;
    const plan = planRecommendation(observed, "shop");
    expect(plan.cases.map((c) => c.from)).toContain("shop/web-frontend-6d4cf56db6");
    const workload = (name: string, app: string): InventoryWorkload => ({ namespace: "shop", name, kind: "Deployment", labels: { app }, serviceAccount: name, hostNetwork: false, ports: [], ips: [] });
    const inventory = { ...EMPTY_INVENTORY, workloads: [workload("frontend", "frontend"), workload("backend", "backend")] };
    const tier = { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "application" }, spec: { order: 400 } };
    const probes = plan.cases.map((c) => c.flow);
    const ev = evaluatorForManifests([tier, ...planToManifests(plan, "enforce")], { inventory, flows: [...observed, ...probes] });
    const cases = checkPlanAgainstStack(plan, ev).plan.cases;
    const allows = cases.filter((c) => c.expect === "allow");
    // Both export names of the inventory's frontend are one case under the inventory name; the workload the
    // inventory does not declare keeps the export's name.
    expect(allows.map((c) => `${c.from} -> ${c.to}`)).toEqual(["shop/frontend -> shop/backend", "shop/stray -> shop/backend"]);
    expect(allows.map((c) => c.name)).toEqual(["observed shop/frontend to shop/backend TCP/8080", "observed shop/stray to shop/backend TCP/8080"]);
  });
});
