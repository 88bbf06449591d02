import { describe, expect, it } from "vitest";
import { Peer } from "../../components/peer.js";
import { FmeFlow } from "../../examples/fme-flow/index.js";
import { fixture, type Obj } from "../components/helpers.js";

function build(): { byName: (n: string) => Obj } {
  const f = fixture({ name: "appsec", order: 500 });
  new FmeFlow(f.chart, "fme", { tier: f.tier, database: Peer.nets("10.0.0.60/32"), fileShare: Peer.nets("10.0.0.61/32") });
  return f;
}

const core = { selector: 'app == "fme-core"', namespaceSelector: 'kubernetes.io/metadata.name == "fme"' };

describe("FME Flow example", () => {
  it("queue accepts Redis 6379 from core only and has no egress", () => {
    expect(build().byName("appsec.queue")).toMatchObject({
      kind: "NetworkPolicy",
      metadata: { namespace: "fme" },
      spec: {
        tier: "appsec",
        selector: 'app == "fme-queue"',
        types: ["Ingress", "Egress"],
        ingress: [{ action: "Allow", protocol: "TCP", source: core, destination: { ports: [6379] } }, { action: "Deny" }],
        egress: [{ action: "Deny" }],
      },
    });
  });
  it("engine accepts 7500, 7501 and 4500-4800 from core and egresses only to the database and the file share", () => {
    expect(build().byName("appsec.engine")).toMatchObject({
      spec: {
        selector: 'app == "fme-engine"',
        ingress: [{ action: "Allow", protocol: "TCP", source: core, destination: { ports: [7500, 7501, "4500:4800"] } }, { action: "Deny" }],
        egress: [
          { action: "Allow", protocol: "TCP", destination: { nets: ["10.0.0.60/32"], ports: [5432] } },
          { action: "Allow", protocol: "TCP", destination: { nets: ["10.0.0.61/32"], ports: [445] } },
          { action: "Deny" },
        ],
      },
    });
  });
  it("core's side of both connections is written as egress, without isolating core", () => {
    const spec = build().byName("appsec.core")["spec"] as { types: string[]; egress: Obj[] };
    expect(spec.types).toEqual(["Egress"]);
    expect(spec.egress).toEqual([
      { action: "Allow", protocol: "TCP", destination: { selector: 'app == "fme-queue"', namespaceSelector: core.namespaceSelector, ports: [6379] } },
      { action: "Allow", protocol: "TCP", destination: { selector: 'app == "fme-engine"', namespaceSelector: core.namespaceSelector, ports: [7500, 7501, "4500:4800"] } },
    ]);
  });
});
