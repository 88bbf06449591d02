// Rules that refer to synced network sets (issue 12, src/analysis/synced-sets.ts). Semantics from Calico:
// - a rule selector matches the CIDRs of every network set whose labels it selects
//   (https://docs.tigera.io/calico/latest/reference/resources/globalnetworkset);
// - notSelector: "packets from all endpoints except a particular set"
//   (https://docs.tigera.io/calico-enterprise/latest/reference/clis/calicoq/selectors);
// - Allow/Deny decide, Pass skips to the next tier, Log logs and goes on to the next rule
//   (https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#rule);
// - a tier that selects the endpoint but takes no action drops the packet unless its defaultAction is Pass
//   (https://docs.tigera.io/calico/latest/reference/resources/tier);
// - staged policies do not enforce (https://docs.tigera.io/calico/latest/reference/resources/stagedglobalnetworkpolicy).
import { readFileSync } from "node:fs";
import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { analyse, inventoryFromText } from "../../src/analysis/analyse.js";
import { mergeInventories } from "../../src/analysis/inventory.js";
import { explain } from "../../src/analysis/evaluate.js";
import { reportJson } from "../../src/analysis/formatters/json.js";
import { renderMarkdownReport } from "../../src/analysis/formatters/md.js";
import { formatReportText } from "../../src/analysis/formatters/text.js";
import { buildReport } from "../../src/analysis/report.js";
import { type SyncedRuleMark, type SyncedSet } from "../../src/analysis/synced-sets.js";
import { declaredSyncedSets } from "../../src/analysis/synced-sets-declared.js";
import { UserError } from "../../src/model/problem.js";
import { OWNER_LABEL, PENDING_ANNOTATION, SERVICE_LABEL } from "../../src/sync/config.js";

type Obj = Record<string, unknown>;
const tier = (name: string, order: number, defaultAction?: "Pass") => ({ apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name }, spec: { order, ...(defaultAction === undefined ? {} : { defaultAction }) } });
const gnp = (name: string, tierName: string, spec: Obj, kind = "GlobalNetworkPolicy") => ({ apiVersion: "projectcalico.org/v3", kind, metadata: { name: `${tierName}.${name}` }, spec: { tier: tierName, order: 10, selector: "all()", ...spec } });
const staticSet = (name: string, labels: Record<string, string>, nets: string[]) => ({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name, labels }, spec: { nets } });
const dumped = (name: string, service: string, nets: string[], annotations?: Record<string, string>) => ({
  apiVersion: "projectcalico.org/v3",
  kind: "GlobalNetworkSet",
  metadata: { name, labels: { [OWNER_LABEL]: "calico-baseline", [SERVICE_LABEL]: service, "consul-service": service }, ...(annotations === undefined ? {} : { annotations }) },
  spec: { nets },
});
const POSTGRES = { name: "consul-postgres", labels: { "consul-service": "postgres" }, declared: true } as const;
const PG = 'consul-service == "postgres"';
const objs = (...o: unknown[]) => o.map((object) => ({ object }));
const marksOf = (objects: unknown[], declared: readonly SyncedSet[] = [POSTGRES]): readonly SyncedRuleMark[] => buildReport(objs(...objects), undefined, { syncedSets: declared }).synced?.marks ?? [];
const brief = (m: SyncedRuleMark) => `${m.policy} ${m.direction}[${m.rule}] ${m.action} ${m.side} ${m.match} ${m.set}: ${m.ifEmpty}`;

describe("report: rules that refer to synced network sets", () => {
  it("marks an Allow rule fails closed and a Deny rule fails open, with the set's current addresses from the dump", () => {
    const policy = gnp("db", "platform", {
      types: ["Egress"],
      egress: [
        { action: "Deny", protocol: "TCP", destination: { selector: 'consul-service == "blocked"', namespaceSelector: "global()" } },
        { action: "Allow", protocol: "TCP", destination: { selector: PG, namespaceSelector: "global()", ports: [5432] } },
        { action: "Allow", protocol: "TCP", destination: { nets: ["10.9.0.0/16"] } },
      ],
    });
    const r = buildReport(objs(tier("platform", 200), policy, dumped("consul-postgres", "postgres", ["10.0.0.1/32", "10.0.0.2/32"]), dumped("consul-blocked", "blocked", ["10.0.1.1/32"])), undefined);
    expect(r.synced?.sets.map((s) => [s.name, s.service, s.addresses, s.declared])).toEqual([
      ["consul-blocked", "blocked", 1, false],
      ["consul-postgres", "postgres", 2, false],
    ]);
    // Deny: the next rule (an Allow of 10.9.0.0/16, not covering every address) may allow them.
    expect(r.synced?.marks.map(brief)).toEqual([
      "GlobalNetworkPolicy/platform.db egress[0] Deny destination selector consul-blocked: fails open",
      "GlobalNetworkPolicy/platform.db egress[1] Allow destination selector consul-postgres: fails closed",
    ]);
    expect(r.synced?.marks[0]!.why).toBe("the set's addresses stop matching this Deny rule (denied) and fall to tier platform's end-of-tier Deny; egress[1] (Allow) may decide some of them first");
    const md = renderMarkdownReport(r);
    expect(md).toContain("### Synced network sets (Consul)");
    expect(md).toContain("| GlobalNetworkPolicy/platform.db | egress[1] Allow destination | consul-postgres | fails closed |");
  });

  it("adds nothing without synced sets: no section in md, text or JSON", () => {
    const objects = objs(tier("platform", 200), gnp("db", "platform", { types: ["Egress"], egress: [{ action: "Allow", destination: { selector: PG } }] }));
    const r = buildReport(objects, undefined);
    expect(r.synced).toBeUndefined();
    expect(renderMarkdownReport(r)).not.toContain("Synced network sets");
    expect(formatReportText(r)).not.toContain("synced network sets");
    expect(JSON.parse(reportJson(r))).not.toHaveProperty("syncedSets");
    // Declared: marked, addresses unknown.
    const d = buildReport(objects, undefined, { syncedSets: [POSTGRES] });
    expect(d.synced?.sets).toEqual([POSTGRES]);
    expect(d.synced?.marks.map((m) => m.ifEmpty)).toEqual(["fails closed"]);
    expect(formatReportText(d)).toContain("set consul-postgres (addresses unknown offline)");
  });

  it("notSelector inverts the effect: an emptied set makes the rule match more", () => {
    const marks = marksOf([
      tier("platform", 200),
      gnp("allow-all-but", "platform", { types: ["Ingress"], ingress: [{ action: "Allow", source: { notSelector: PG } }] }),
      gnp("deny-all-but", "platform", { types: ["Egress"], egress: [{ action: "Deny", destination: { notSelector: PG } }, { action: "Allow" }] }),
    ]);
    expect(marks.map(brief)).toEqual([
      // Everything but the set was allowed; the set fell to the end of tier (Deny). Emptied: allowed too.
      "GlobalNetworkPolicy/platform.allow-all-but ingress[0] Allow source notSelector consul-postgres: fails open",
      // Everything but the set was denied; the set reached egress[1] Allow. Emptied: denied too.
      "GlobalNetworkPolicy/platform.deny-all-but egress[0] Deny destination notSelector consul-postgres: fails closed",
    ]);
    expect(marks.every((m) => m.alsoSelects === 0)).toBe(true);
  });

  it("Pass: fails closed when the tier ends in Deny, no change when it ends in Pass; notSelector Pass fails open", () => {
    const pass = (name: string, t: string, peer: Obj) => gnp(name, t, { types: ["Ingress"], ingress: [{ action: "Pass", source: peer }] });
    const marks = marksOf([
      tier("security", 100, "Pass"),
      tier("platform", 200),
      pass("to-next-deny", "platform", { selector: PG }),
      pass("to-next-pass", "security", { selector: PG }),
      pass("all-but", "platform", { notSelector: PG }),
      gnp("guard", "security", { types: ["Ingress"], ingress: [{ action: "Pass", protocol: "TCP", source: { selector: PG } }, { action: "Pass", protocol: "UDP", source: { selector: PG } }, { action: "Deny", protocol: "TCP" }] }),
    ]);
    expect(marks.map(brief)).toEqual([
      "GlobalNetworkPolicy/platform.all-but ingress[0] Pass source notSelector consul-postgres: fails open",
      "GlobalNetworkPolicy/platform.to-next-deny ingress[0] Pass source selector consul-postgres: fails closed",
      // The TCP Pass falls to the TCP catch-all Deny (the UDP Pass never sees TCP); the UDP Pass to the tier's end (Pass).
      "GlobalNetworkPolicy/security.guard ingress[0] Pass source selector consul-postgres: fails closed",
      "GlobalNetworkPolicy/security.guard ingress[1] Pass source selector consul-postgres: no change",
      "GlobalNetworkPolicy/security.to-next-pass ingress[0] Pass source selector consul-postgres: no change",
    ]);
    expect(marks.find((m) => m.policy.endsWith("guard") && m.rule === 0)!.why).toBe("the set's addresses stop matching this Pass rule (passed to the next tier) and fall to ingress[2] (Deny)");
    expect(marks.find((m) => m.policy.endsWith("to-next-pass"))!.why).toBe("the set's addresses stop matching this Pass rule (passed to the next tier) and fall to tier security's end-of-tier Pass");
  });

  it("Log: no change (Calico logs and goes on); a later rule that covers the same packets decides what the set's addresses get", () => {
    const marks = marksOf([
      tier("platform", 200),
      gnp("log", "platform", { types: ["Ingress"], ingress: [{ action: "Log", source: { selector: PG } }, { action: "Allow", source: { selector: PG } }, { action: "Allow" }] }),
      gnp("deny-then-deny", "platform", { types: ["Egress"], egress: [{ action: "Deny", protocol: "TCP", destination: { selector: PG, ports: [5432] } }, { action: "Deny", protocol: "TCP", destination: { ports: [5432] } }] }),
    ]);
    expect(marks.map(brief)).toEqual([
      "GlobalNetworkPolicy/platform.deny-then-deny egress[0] Deny destination selector consul-postgres: no change",
      "GlobalNetworkPolicy/platform.log ingress[0] Log source selector consul-postgres: no change",
      // Covered by ingress[2], an Allow of everything: losing the set changes nothing.
      "GlobalNetworkPolicy/platform.log ingress[1] Allow source selector consul-postgres: no change",
    ]);
    expect(marks[1]!.why).toMatch(/^a Log rule decides nothing/);
  });

  it("a Deny at the end of its policy fails open when a later policy of the tier may allow the set's addresses", () => {
    const deny = gnp("deny", "platform", { types: ["Egress"], egress: [{ action: "Deny", destination: { selector: PG } }] });
    expect(marksOf([tier("platform", 200), deny]).map((m) => m.ifEmpty)).toEqual(["no change"]);
    const later = { ...gnp("later", "platform", { types: ["Egress"], egress: [{ action: "Allow", protocol: "TCP", destination: { ports: [5432] } }] }), spec: { tier: "platform", order: 20, selector: "all()", types: ["Egress"], egress: [{ action: "Allow", protocol: "TCP", destination: { ports: [5432] } }] } };
    const [m] = marksOf([tier("platform", 200), deny, later]);
    expect(m!.ifEmpty).toBe("fails open");
    expect(m!.why).toBe("the set's addresses stop matching this Deny rule (denied) and fall to tier platform's end-of-tier Deny; GlobalNetworkPolicy/platform.later egress[0] (Allow) may decide some of them first");
    // A policy without an order sorts after every ordered one (Felix): it comes later too.
    const unordered = { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name: "platform.unordered" }, spec: { tier: "platform", selector: "all()", types: ["Egress"], egress: [{ action: "Pass" }] } };
    expect(marksOf([tier("platform", 200), deny, unordered]).map((x) => [x.ifEmpty, x.why])).toEqual([["fails open", "the set's addresses stop matching this Deny rule (denied) and fall to tier platform's end-of-tier Deny; GlobalNetworkPolicy/platform.unordered egress[0] (Pass) may decide some of them first"]]);
  });

  it("a rule whose selector also matches a static set keeps matching it; a synced source and a static destination are one mark", () => {
    const marks = marksOf([
      tier("platform", 200),
      staticSet("db-static", { role: "db" }, ["10.1.0.0/24"]),
      staticSet("backup", { role: "backup" }, ["10.2.0.0/24"]),
      gnp("both", "platform", {
        types: ["Egress"],
        egress: [
          { action: "Allow", destination: { selector: `${PG} || role == "db"` } },
          { action: "Allow", destination: { selector: 'role == "backup"' }, source: { selector: PG } },
        ],
      }),
    ]);
    expect(marks.map((m) => [brief(m), m.alsoSelects])).toEqual([
      ["GlobalNetworkPolicy/platform.both egress[0] Allow destination selector consul-postgres: fails closed", 1],
      ["GlobalNetworkPolicy/platform.both egress[1] Allow source selector consul-postgres: fails closed", 0],
    ]);
    const d = buildReport(objs(tier("platform", 200), staticSet("db-static", { role: "db" }, ["10.1.0.0/24"]), gnp("both", "platform", { types: ["Egress"], egress: [{ action: "Allow", destination: { selector: `${PG} || role == "db"` } }] })), undefined, { syncedSets: [POSTGRES] });
    expect(formatReportText(d)).toContain("the selector also matches 1 other endpoint(s)/set(s), which it keeps matching");
  });

  it("staged policies (stagedAction Set) are marked as staged: nothing today, the effect once enforced", () => {
    const marks = marksOf([
      tier("platform", 200),
      gnp("db", "platform", { types: ["Egress"], egress: [{ action: "Allow", destination: { selector: PG } }] }, "StagedGlobalNetworkPolicy"),
      // A staged Delete is never enforced with its rules: not marked.
      gnp("gone", "platform", { stagedAction: "Delete", types: ["Egress"], egress: [{ action: "Allow", destination: { selector: PG } }] }, "StagedGlobalNetworkPolicy"),
    ]);
    expect(marks.map((m) => [m.policy, m.staged, m.ifEmpty])).toEqual([["StagedGlobalNetworkPolicy/platform.db", true, "fails closed"]]);
    expect(marks[0]!.why).toMatch(/^staged, so nothing today; once enforced: /);
  });

  it("a namespaced policy reaches a global set only through namespaceSelector global(); a set selected and excluded is not marked", () => {
    const np = (name: string, egress: unknown[]) => ({ apiVersion: "projectcalico.org/v3", kind: "NetworkPolicy", metadata: { name: `platform.${name}`, namespace: "shop" }, spec: { tier: "platform", order: 10, selector: "all()", types: ["Egress"], egress } });
    const marks = marksOf([
      tier("platform", 200),
      np("scoped", [{ action: "Allow", destination: { selector: PG } }]),
      np("global", [{ action: "Allow", destination: { selector: PG, namespaceSelector: "global()" } }]),
      np("not", [{ action: "Deny", destination: { notSelector: PG } }, { action: "Allow" }]),
      np("excluded", [{ action: "Allow", destination: { selector: "has(consul-service)", notSelector: PG, namespaceSelector: "global()" } }]),
      gnp("all-but", "platform", { types: ["Egress"], egress: [{ action: "Deny", destination: { notSelector: PG } }, { action: "Allow" }] }),
    ]);
    // `not`: its positive selector is the namespace (policies.ts calicoPeer, libcalico-go getEndpointSelector), which
    // the set's addresses never matched: excluding them changed nothing. `all-but`: no positive selector.
    expect(marks.map(brief)).toEqual([
      "GlobalNetworkPolicy/platform.all-but egress[0] Deny destination notSelector consul-postgres: fails closed",
      "NetworkPolicy/shop/platform.global egress[0] Allow destination selector consul-postgres: fails closed",
    ]);
  });

  it("marks are sorted and the outputs byte-identical whatever the order of the input", () => {
    const objects = [
      tier("platform", 200),
      gnp("b", "platform", { types: ["Ingress"], ingress: [{ action: "Allow", source: { selector: "has(consul-service)" } }] }),
      gnp("a", "platform", { types: ["Egress"], egress: [{ action: "Deny", destination: { selector: "has(consul-service)" } }] }),
    ];
    const declared = [{ name: "consul-web", labels: { "consul-service": "web" }, declared: true }, POSTGRES];
    const one = buildReport(objs(...objects), undefined, { syncedSets: declared });
    const two = buildReport(objs(...[...objects].reverse()), undefined, { syncedSets: [...declared].reverse() });
    expect(one.synced?.sets.map((s) => s.name)).toEqual(["consul-postgres", "consul-web"]);
    expect(one.synced?.marks.map((m) => `${m.policy} ${m.set}`)).toEqual([
      "GlobalNetworkPolicy/platform.a consul-postgres",
      "GlobalNetworkPolicy/platform.a consul-web",
      "GlobalNetworkPolicy/platform.b consul-postgres",
      "GlobalNetworkPolicy/platform.b consul-web",
    ]);
    expect(reportJson(two)).toBe(reportJson(one));
    expect(formatReportText(two)).toBe(formatReportText(one));
    expect(renderMarkdownReport(two)).toBe(renderMarkdownReport(one));
    const json = JSON.parse(reportJson(one)) as { syncedSets: { sets: unknown[]; rules: unknown[] } };
    expect(json.syncedSets.sets[0]).toEqual({ name: "consul-postgres", service: null, declared: true, labels: { "consul-service": "postgres" }, addresses: null, pendingRemovals: null });
    expect(json.syncedSets.rules[0]).toMatchObject({ policy: "GlobalNetworkPolicy/platform.a", tier: "platform", staged: false, direction: "egress", rule: 0, side: "destination", match: "selector", action: "Deny", set: "consul-postgres", ifEmpty: "no change", alsoSelects: 0 });
  });
});

describe("declared synced sets (the stack's networkSetSync mappings)", () => {
  const controllerConfig = {
    consul: { address: "https://consul.example.com:8501" },
    kubernetes: { leaseNamespace: "calico-baseline", leaseName: "networkset-sync" },
    mappings: [
      { service: "web", set: "consul-web", labels: { tier: "frontend" } },
      { service: "postgres", set: "consul-postgres", datacenter: "dc1", labels: { "consul-service": "postgres" } },
    ],
  };

  it("none without the section or when it is disabled; else one per mapping, labelled as the controller labels it", () => {
    expect(declaredSyncedSets(undefined)).toEqual([]);
    expect(declaredSyncedSets({ enabled: false, controllerConfig })).toEqual([]);
    const sets = declaredSyncedSets({ enabled: true, controllerConfig });
    expect(sets.map((s) => s.name)).toEqual(["consul-postgres", "consul-web"]);
    expect(sets[0]).toEqual({
      name: "consul-postgres",
      service: "postgres",
      declared: true,
      labels: { "consul-service": "postgres", [OWNER_LABEL]: "calico-baseline", "networkset-sync.calico-baseline.io/datacenter": "dc1", [SERVICE_LABEL]: "postgres" },
    });
  });

  it("a selector on a label the controller adds (the service label, the owner label) refers to the set too", () => {
    const declared = declaredSyncedSets({ enabled: true, controllerConfig });
    const marks = marksOf(
      [
        tier("platform", 200),
        gnp("by-service", "platform", { types: ["Egress"], egress: [{ action: "Allow", destination: { selector: `${SERVICE_LABEL} == "web"` } }] }),
        gnp("every-synced", "platform", { types: ["Egress"], egress: [{ action: "Deny", destination: { selector: `has(${OWNER_LABEL})` } }] }),
      ],
      declared,
    );
    expect(marks.map(brief)).toEqual([
      "GlobalNetworkPolicy/platform.by-service egress[0] Allow destination selector consul-web: fails closed",
      "GlobalNetworkPolicy/platform.every-synced egress[0] Deny destination selector consul-postgres: no change",
      "GlobalNetworkPolicy/platform.every-synced egress[0] Deny destination selector consul-web: no change",
    ]);
  });

  it("a mapping onto a set the input defines without the owner label is reported: the controller never writes it", () => {
    const r = buildReport(objs(tier("platform", 200), staticSet("consul-postgres", { "consul-service": "postgres" }, ["10.0.0.9/32"])), undefined, { syncedSets: [{ ...POSTGRES, service: "postgres" }] });
    expect(r.problems).toEqual([expect.objectContaining({ object: "GlobalNetworkSet/consul-postgres", path: "metadata.labels", message: expect.stringContaining("the controller leaves a set it does not own alone") })]);
  });
});

describe("docs/networkset-sync.md's example", () => {
  it("marks both Allow rules of the example fails closed", () => {
    const text = readFileSync(new URL("../../docs/networkset-sync.md", import.meta.url), "utf8");
    const example = text.slice(text.indexOf("## Example:"));
    const blocks = [...example.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const { mappings } = parse(blocks[0]!) as { mappings: unknown[] };
    const policies = parseAllDocuments(blocks[1]!).map((d) => d.toJS() as unknown);
    const declared = declaredSyncedSets({ enabled: true, controllerConfig: { consul: { address: "https://consul.example.com:8501" }, kubernetes: { leaseNamespace: "calico-baseline", leaseName: "networkset-sync" }, mappings } });
    // The example's tier, as policies/tiers.ts declares it (platform ends in Pass).
    const marks = marksOf([tier("platform", 300, "Pass"), ...policies], declared);
    expect(marks.map(brief)).toEqual([
      "GlobalNetworkPolicy/platform.database-egress egress[0] Allow destination selector consul-postgres: fails closed",
      "GlobalNetworkPolicy/platform.prometheus-scrape ingress[0] Allow source selector consul-prometheus: fails closed",
    ]);
  });
});

describe("the inventory reads the synced sets' current addresses from a cluster dump", () => {
  // `kubectl get globalnetworksets -o json`: a List, items typed. 10.0.0.2 left Consul and is inside its grace
  // period: the controller keeps it in spec.nets and records when it went missing (docs/networkset-sync.md).
  const dump = JSON.stringify({
    apiVersion: "v1",
    kind: "List",
    items: [
      dumped("consul-postgres", "postgres", ["10.0.0.1/32", "10.0.0.2/32"], { [PENDING_ANNOTATION]: JSON.stringify({ "10.0.0.2/32": "2026-12-04T10:00:00.000Z", "10.0.0.9/32": "2026-12-04T09:00:00.000Z" }) }),
      staticSet("office", { "calico-baseline.io/external": "office" }, ["198.51.100.0/24"]),
    ],
  });
  const workloads = { namespaces: [{ name: "shop", workloads: [{ name: "api", kind: "Deployment", labels: { app: "api" }, ports: [] }] }] };

  it("keeps owner-labelled sets only; an address pending removal is still in the set and counts as present", () => {
    const inv = inventoryFromText(dump, "sets.json");
    expect(inv.syncedSets).toEqual([{ name: "consul-postgres", labels: expect.objectContaining({ [OWNER_LABEL]: "calico-baseline" }), nets: ["10.0.0.1/32", "10.0.0.2/32"], pending: ["10.0.0.2/32"] }]);
    const declaredInv = inventoryFromText(JSON.stringify(workloads), "inventory.yaml");
    const policy = gnp("db", "platform", { types: ["Egress"], egress: [{ action: "Allow", protocol: "TCP", destination: { selector: PG, namespaceSelector: "global()", ports: [5432] } }] });
    const objects = objs(tier("platform", 200), policy);
    const inventory = mergeInventories(declaredInv, inv);
    const r = buildReport(objects, inventory, { syncedSets: [POSTGRES] });
    expect(r.synced?.sets).toEqual([{ name: "consul-postgres", labels: { "consul-service": "postgres" }, observedLabels: expect.objectContaining({ [SERVICE_LABEL]: "postgres" }), service: "postgres", declared: true, addresses: 2, pendingRemovals: 1 }]);
    expect(formatReportText(r)).toContain("set consul-postgres (Consul postgres, 2 addresses, 1 pending removal)");
    // The pending address is matched by the Allow rule (it is in the set); an address that already left is not.
    const model = analyse({ objects, inventory });
    const flow = (ip: string) => explain(model, { from: "shop/api", to: `net:${ip}`, protocol: "TCP", port: 5432 })[0]!;
    expect(flow("10.0.0.2").egress.allowed).toBe(true);
    expect(flow("10.0.0.9").egress.allowed).toBe(false);
  });

  it("a dump of the synced sets alone is an inventory; a net that is not a CIDR is an error naming file, object and field", () => {
    expect(() => inventoryFromText(JSON.stringify({ apiVersion: "v1", kind: "List", items: [staticSet("office", {}, ["198.51.100.0/24"])] }), "sets.json")).toThrow(/no namespace, workload, node or synced GlobalNetworkSet/);
    const bad = JSON.stringify({ apiVersion: "v1", kind: "List", items: [dumped("consul-postgres", "postgres", ["10.0.0.1/32", "not-an-ip"])] });
    try {
      inventoryFromText(bad, "sets.json");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).problems).toEqual([expect.objectContaining({ file: "sets.json", object: "GlobalNetworkSet/consul-postgres", path: "spec.nets[1]", value: "not-an-ip", message: "not a CIDR" })]);
    }
  });
});
