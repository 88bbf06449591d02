import { describe, expect, it } from "vitest";
import { renderMarkdownReport } from "../../src/analysis/formatters/md.js";
import { buildReport } from "../../src/analysis/report.js";
import { OWNER_LABEL, SERVICE_LABEL } from "../../src/sync/config.js";

const gnp = {
  apiVersion: "projectcalico.org/v3",
  kind: "GlobalNetworkPolicy",
  metadata: { name: "platform.db" },
  spec: {
    tier: "platform",
    order: 10,
    selector: "all()",
    types: ["Egress"],
    egress: [
      { action: "Deny", protocol: "TCP", destination: { selector: 'consul-service == "blocked"', namespaceSelector: "global()" } },
      { action: "Allow", protocol: "TCP", destination: { selector: 'consul-service == "postgres"', namespaceSelector: "global()", ports: [5432] } },
      { action: "Allow", protocol: "TCP", destination: { nets: ["10.9.0.0/16"] } },
    ],
  },
};
const tier = { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "platform" }, spec: { order: 200 } };
const dumped = (name: string, service: string, nets: string[]) => ({
  apiVersion: "projectcalico.org/v3",
  kind: "GlobalNetworkSet",
  metadata: { name, labels: { [OWNER_LABEL]: "calico-baseline", [SERVICE_LABEL]: service, "consul-service": service } },
  spec: { nets },
});

describe("report: rules that refer to synced network sets", () => {
  it("marks an Allow rule fails closed and a Deny rule fails open, with the set's current addresses from the dump", () => {
    const objects = [tier, gnp, dumped("consul-postgres", "postgres", ["10.0.0.1/32", "10.0.0.2/32"]), dumped("consul-blocked", "blocked", ["10.0.1.1/32"])].map((object) => ({ object }));
    const r = buildReport(objects, undefined);
    expect(r.synced?.sets.map((s) => [s.name, s.service, s.addresses])).toEqual([
      ["consul-blocked", "blocked", 1],
      ["consul-postgres", "postgres", 2],
    ]);
    expect(r.synced?.marks.map((m) => [m.rule, m.action, m.set, m.ifEmpty])).toEqual([
      [0, "Deny", "consul-blocked", "fails open"],
      [1, "Allow", "consul-postgres", "fails closed"],
    ]);
    const md = renderMarkdownReport(r);
    expect(md).toContain("### Synced network sets (Consul)");
    expect(md).toContain("| egress[1] Allow destination | consul-postgres | fails closed |");
  });

  it("marks rules for sets the stack only declares (no addresses offline), and adds nothing without synced sets", () => {
    const objects = [tier, gnp].map((object) => ({ object }));
    expect(buildReport(objects, undefined).synced).toBeUndefined();
    const r = buildReport(objects, undefined, { syncedSets: [{ name: "consul-postgres", labels: { "consul-service": "postgres" }, declared: true }] });
    expect(r.synced?.marks.map((m) => [m.set, m.ifEmpty])).toEqual([["consul-postgres", "fails closed"]]);
    expect(renderMarkdownReport(buildReport(objects, undefined))).not.toContain("Synced network sets");
  });
});
