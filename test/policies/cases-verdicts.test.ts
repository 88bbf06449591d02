// Every case of every baseline policy gets the verdict it states, evaluated by the analysis engine on the
// dev stack's baseline with every tier enforced (cases state the enforced verdict; dev stages appsec).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, it } from "vitest";
import { CATALOG, POLICIES_DIR, loadCases } from "../../policies/catalog.js";
import { analyse } from "../../src/analysis/analyse.js";
import { expectFlow } from "../../src/analysis/expect-flow.js";
import { parseInventory } from "../../src/analysis/inventory.js";
import { loadStackConfig } from "../../src/config/index.js";
import { BASELINE_TIERS } from "../../src/config/types.js";
import { formatEndpoint } from "../../src/model/cases.js";
import { synthBaseline } from "../../src/rendering/synth.js";
import { calicoConfigObjects } from "../../src/facts/index.js";

const ROOT = join(POLICIES_DIR, "..");
const config = loadStackConfig("dev", { cwd: ROOT });
const settings = config.policies;
// Every tier is enforced *explicitly*: policy files that stage themselves unless their tier's mode is set
// (what `recommend` writes: "staged by default, promoted by the tier setting") must be enforced here too.
const enforceAll = Object.fromEntries(BASELINE_TIERS.map((t) => [t, { mode: "enforce" as const }]));
// Plus the Calico configuration the stack deploys (calico-config.yaml): its failsafe ports and automatic host
// endpoints are the ones the cases are evaluated with.
const objects = [
  ...synthBaseline({ ...settings, mode: "enforce", tiers: enforceAll }).flatMap((c) => c.objects.map((object) => ({ object, file: c.file }))),
  ...calicoConfigObjects(config).map((object) => ({ object, file: "calico-config.yaml" })),
];
const inventory = parseInventory(parse(readFileSync(join(POLICIES_DIR, "inventory.yaml"), "utf8")), "policies/inventory.yaml");
const model = analyse({ objects, inventory });

for (const entry of CATALOG) {
  describe(entry.casesFile, () => {
    for (const c of loadCases(entry).cases) {
      it(`${c.name} (${formatEndpoint(c.from)} -> ${formatEndpoint(c.to)} ${String(c.protocol)}${c.port === undefined ? "" : ` ${c.port}`}: ${c.expect})`, () => {
        const flow = expectFlow(model).from(formatEndpoint(c.from)).to(formatEndpoint(c.to));
        if (c.port === undefined) flow.protocol(c.protocol);
        else flow.port(c.port, c.protocol);
        if (c.expect === "allow") flow.toBeAllowed();
        else flow.toBeDenied();
      });
    }
  });
}

describe("stage, then enforce (dev stages appsec)", () => {
  const dev = analyse({ objects: synthBaseline(settings).flatMap((c) => c.objects.map((object) => ({ object }))), inventory });
  const devStaged = analyse({ objects: synthBaseline(settings).flatMap((c) => c.objects.map((object) => ({ object }))), inventory }, "staged");
  it("while staged, appsec does not yet deny engine -> queue", () => {
    expectFlow(dev).from("fme/engine").to("fme/queue").port(6379).toBeAllowed();
  });
  it("the staged view shows what appsec will deny once enforced", () => {
    expectFlow(devStaged).from("fme/engine").to("fme/queue").port(6379).toBeDenied();
    expectFlow(devStaged).from("fme/core").to("fme/queue").port(6379).toBeAllowed();
  });
});

// Cases files cannot place a pod on a node, so the own-node path is checked here: Felix accepts pod -> own
// host after the pod's egress policy (DefaultEndpointToHostAction ACCEPT), skipping the host endpoint guard.
describe("a pod and its own node's metrics ports", () => {
  const doc = parse(readFileSync(join(POLICIES_DIR, "inventory.yaml"), "utf8")) as {
    namespaces: { name: string; workloads: { name: string; node?: string }[] }[];
  };
  for (const ns of doc.namespaces) for (const w of ns.workloads) w.node = "cb-dev-worker-1";
  const placed = analyse({ objects, inventory: parseInventory(doc, "inventory with every pod on cb-dev-worker-1") });
  it("only Prometheus scrapes its own node's Felix, Typha and node-exporter", () => {
    for (const port of [9091, 9093, 9100]) {
      expectFlow(placed).from("calico-monitoring/prometheus").to("host:cb-dev-worker-1").port(port).toBeAllowed();
      expectFlow(placed).from("kube-system/coredns").to("host:cb-dev-worker-1").port(port).toBeDenied();
      expectFlow(placed).from("calico-system/whisker").to("host:cb-dev-worker-1").port(port).toBeDenied();
    }
  });
  it("other traffic of a system pod to its own node is untouched", () => {
    expectFlow(placed).from("kube-system/coredns").to("host:cb-dev-worker-1").port(6443).toBeAllowed();
  });
});

// Staging is per tier; staging one tier must not take a lockout-critical flow with it. DNS is allowed in
// the platform tier *and* by the default deny in the application tier, so with the platform tier staged
// the default deny's DNS rules must still be reached before a namespace isolation's final Deny.
describe("DNS with the platform tier staged", () => {
  const staged = analyse({
    objects: synthBaseline({ ...settings, mode: "enforce", tiers: { platform: { mode: "stage" } } }).flatMap((c) => c.objects.map((object) => ({ object }))),
    inventory,
  });
  it("isolated and non-isolated namespaces still resolve names through kube-dns", () => {
    for (const from of ["fme/core", "fme/queue", "shop/frontend", "sandbox/toolbox"]) {
      expectFlow(staged).from(from).to("kube-system/coredns").port(53, "UDP").toBeAllowed();
      expectFlow(staged).from(from).to("kube-system/coredns").port(53, "TCP").toBeAllowed();
    }
  });
});
