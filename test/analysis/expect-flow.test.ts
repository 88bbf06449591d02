/** The user-facing expectFlow helper: passes silently, fails with the explain trail. */
import { describe, expect, it } from "vitest";
import { FlowExpectationError, expectFlow } from "../../src/analysis/expect-flow.js";
import { parseInventory } from "../../src/analysis/inventory.js";
import { yamlObjects } from "./helpers.js";

const inventory = parseInventory({ namespaces: [{ name: "shop", workloads: [{ name: "web", labels: { app: "web" } }, { name: "db", labels: { app: "db" } }] }] });
const objects = yamlObjects(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: web } } }], ports: [{ port: 5432 }] }]
`).map((object) => ({ object, file: "db.yaml" }));

describe("expectFlow", () => {
  it("accepts allowed and denied flows", () => {
    expectFlow({ objects, inventory }).from("shop/web").to("shop/db").port(5432, "TCP").toBeAllowed();
    expectFlow({ objects, inventory }).from("shop/web").to("shop/db").port(5433).toBeDenied();
    expectFlow({ objects, inventory }).from("shop/db").to("shop/web").protocol("ICMP").toBeAllowed();
  });

  it("fails with the tier → policy → rule trail of both directions", () => {
    let err: unknown;
    try {
      expectFlow({ objects, inventory }).from("shop/web").to("shop/db").port(22).toBeAllowed();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FlowExpectationError);
    const msg = (err as Error).message;
    expect(msg).toContain("expected shop/web -> shop/db TCP 22 to be allowed, but it is denied");
    expect(msg).toContain("ingress at shop/db[Deployment]: DENY — Deny at the end of tier default");
    expect(msg).toContain("KubernetesNetworkPolicy/shop/db: no ingress rule matched");
  });

  it("names an unknown endpoint with a hint", () => {
    expect(() => expectFlow({ objects, inventory }).from("shop/wbe").to("shop/db").port(1).toBeAllowed()).toThrow(/no such endpoint in the inventory/);
  });
});
