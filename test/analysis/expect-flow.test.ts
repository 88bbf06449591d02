/** The user-facing expectFlow helper: passes silently, fails with the explain trail. */
import { describe, expect, it } from "vitest";
import { FlowExpectationError, expectFlow } from "../../src/analysis/expect-flow.js";
import { parseInventory } from "../../src/analysis/inventory.js";
import { yamlObjects } from "./helpers.js";
import { analyse } from "../../src/analysis/analyse.js";
import { UserError } from "../../src/model/problem.js";

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

describe("expectFlow refuses objects Calico would reject (issue 11)", () => {
  // A deny policy with an out-of-range port: Calico rejects it, so it never applies; a test that the flow is
  // denied must not pass because the analysis silently left the policy out.
  const broken = yamlObjects(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: deny-db }
spec: { selector: app == "db", ingress: [{ action: Deny, protocol: TCP, destination: { ports: [99999] } }] }
`).map((object) => ({ object, file: "deny.yaml" }));

  it("throws a UserError naming the file, object and field instead of evaluating without it", () => {
    let err: unknown;
    try {
      expectFlow({ objects: [...objects, ...broken], inventory });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).problems.map((p) => `${p.file} ${p.object} ${p.path}`)).toEqual(["deny.yaml GlobalNetworkPolicy/deny-db spec.ingress[0].destination.ports[0]"]);
    expect((err as UserError).problems[0]!.hint).toContain("allowRejected: true");
  });

  it("the model counts them; { allowRejected: true } evaluates without them", () => {
    const model = analyse({ objects: [...objects, ...broken], inventory });
    expect(model.rejected.length).toBe(1);
    expect(() => expectFlow(model)).toThrow(UserError);
    expectFlow(model, { allowRejected: true }).from("shop/web").to("shop/db").port(5432).toBeAllowed();
    expect(analyse({ objects, inventory }).rejected).toEqual([]);
  });
});
