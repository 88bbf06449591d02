/** fast-check generators of small random clusters and policy sets (shared by the property tests). */
import fc from "fast-check";
import type { Inventory } from "../../src/analysis/inventory.js";

const APPS = ["web", "db", "api"];
const NAMESPACES = ["a", "b", "c"];
const PORTS = [53, 80, 443, 5432];
const TIERS = ["t1", "t2"];

const labelsArb = fc.record({ app: fc.constantFrom(...APPS), tier: fc.option(fc.constantFrom("front", "back"), { nil: undefined }) });

export const inventoryArb: fc.Arbitrary<Inventory> = fc
  .record({
    workloads: fc.array(
      fc.record({
        namespace: fc.constantFrom(...NAMESPACES),
        labels: labelsArb,
        sa: fc.constantFrom("default", "svc"),
        port: fc.option(fc.record({ name: fc.constantFrom("http", "pg"), port: fc.constantFrom(...PORTS), protocol: fc.constantFrom("TCP" as const, "UDP" as const) }), { nil: undefined }),
        node: fc.option(fc.constantFrom("n1", "n2"), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    nsLabels: fc.array(fc.constantFrom("prod", "dev"), { minLength: 3, maxLength: 3 }),
    auto: fc.boolean(),
    podNetworks: fc.constantFrom<string[] | undefined>(undefined, ["10.0.0.0/16"], ["192.168.1.0/24"]),
  })
  .map(({ workloads, nsLabels, auto, podNetworks }) => ({
    ...(podNetworks === undefined ? {} : { podNetworks }),
    namespaces: NAMESPACES.map((n, i) => ({ name: n, labels: { env: nsLabels[i]! } })),
    workloads: workloads.map((w, i) => ({
      namespace: w.namespace,
      name: `w${i}`,
      kind: "Deployment" as const,
      labels: Object.fromEntries(Object.entries(w.labels).filter(([, v]) => v !== undefined)) as Record<string, string>,
      serviceAccount: w.sa,
      hostNetwork: false,
      ports: w.port === undefined ? [] : [w.port],
      ...(w.node === undefined ? {} : { node: w.node }),
      ips: [],
    })),
    nodes: [
      { name: "n1", ips: ["10.0.0.1"], labels: { role: "n1" }, autoHostEndpoint: auto },
      { name: "n2", ips: ["10.0.0.2"], labels: { role: "n2" }, autoHostEndpoint: false },
    ],
    externals: [],
    serviceAccounts: [],
  }));

const selectorArb = fc.constantFrom("all()", 'app == "web"', 'app == "db"', "has(tier)", 'app in {"api", "db"}', 'tier != "front"', 'role == "n1"', 'set == "x"');
const nsSelectorArb = fc.option(fc.constantFrom("all()", 'env == "prod"', "global()", 'projectcalico.org/name == "b"'), { nil: undefined });
const netsArb = fc.option(fc.constantFrom(["10.0.0.0/8"], ["192.168.0.0/16", "10.0.0.2/32"], ["0.0.0.0/0"], ["172.16.0.0/12"]), { nil: undefined });

/** Mostly absent: a rule side with every field set would almost never match anything. */
function rarely<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
}

const entityArb = fc.record({
  selector: rarely(selectorArb),
  notSelector: rarely(selectorArb),
  namespaceSelector: rarely(nsSelectorArb),
  nets: rarely(netsArb),
  notNets: rarely(fc.constantFrom(["10.1.0.0/16"], ["10.0.0.1/32"])),
  serviceAccounts: rarely(fc.constantFrom({ names: ["svc"] }, { selector: "all()" })),
});

function clean<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const ruleArb = fc
  .record({
    action: fc.constantFrom("Allow", "Deny", "Pass", "Log", "Allow"),
    proto: fc.option(fc.constantFrom("TCP", "UDP", "ICMP"), { nil: undefined }),
    ports: fc.option(fc.array(fc.constantFrom<number | string>(53, 80, "400:500", "http", "pg"), { minLength: 1, maxLength: 2 }), { nil: undefined }),
    notPorts: fc.option(fc.constantFrom<Array<number | string>>([443], ["pg"]), { nil: undefined }),
    source: entityArb,
    destination: entityArb,
  })
  .map((r) => {
    const portful = r.proto === "TCP" || r.proto === "UDP";
    return clean({
      action: r.action,
      protocol: r.proto,
      source: clean(r.source),
      destination: clean({ ...r.destination, ...(portful && r.ports !== undefined ? { ports: r.ports } : {}), ...(portful && r.notPorts !== undefined ? { notPorts: r.notPorts } : {}) }),
    });
  });

const calicoPolicyArb = fc
  .record({
    global: fc.boolean(),
    ns: fc.constantFrom(...NAMESPACES),
    tier: fc.constantFrom("default", ...TIERS),
    order: fc.option(fc.constantFrom(1, 5, 5, 100), { nil: undefined }),
    selector: selectorArb,
    ingress: fc.array(ruleArb, { maxLength: 3 }),
    egress: fc.array(ruleArb, { maxLength: 3 }),
    types: fc.option(fc.constantFrom(["Ingress"], ["Egress"], ["Ingress", "Egress"]), { nil: undefined }),
    extra: fc.constantFrom("none", "doNotTrack", "preDNAT"),
    staged: fc.constantFrom(false, false, false, true),
  })
  .map((p) => p);

const k8sPolicyArb = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  app: fc.option(fc.constantFrom(...APPS), { nil: undefined }),
  types: fc.option(fc.constantFrom(["Ingress"], ["Egress"], ["Ingress", "Egress"]), { nil: undefined }),
  ingress: fc.option(
    fc.array(
      fc.record({
        from: fc.option(fc.array(fc.oneof(fc.record({ podSelector: fc.record({ matchLabels: fc.record({ app: fc.constantFrom(...APPS) }) }) }), fc.record({ namespaceSelector: fc.constantFrom({}, { matchLabels: { env: "prod" } }) }), fc.record({ ipBlock: fc.constant({ cidr: "10.0.0.0/8", except: ["10.0.0.0/24"] }) })), { maxLength: 2 }), { nil: undefined }),
        ports: fc.option(fc.array(fc.record({ protocol: fc.constantFrom("TCP", "UDP"), port: fc.constantFrom<number | string>(80, 53, "http", "pg") }), { maxLength: 2 }), { nil: undefined }),
      }),
      { maxLength: 2 },
    ),
    { nil: undefined },
  ),
  egress: fc.option(fc.array(fc.record({ to: fc.option(fc.array(fc.record({ podSelector: fc.constant({}) }), { maxLength: 1 }), { nil: undefined }) }), { maxLength: 2 }), { nil: undefined }),
});

export const manifestsArb = fc
  .record({
    calico: fc.array(calicoPolicyArb, { maxLength: 6 }),
    k8s: fc.array(k8sPolicyArb, { maxLength: 3 }),
    t2Pass: fc.boolean(),
    // A host endpoint with expectedIPs is in selector IP sets; one without is not.
    hep: fc.constantFrom<"none" | "ips" | "noIps">("none", "ips", "noIps"),
    finalDeny: fc.constantFrom<"none" | "t2" | "default">("none", "t2", "default"),
    endpointToHost: fc.constantFrom<"default" | "Drop" | "Accept">("default", "Drop", "Accept"),
    // Failsafe entries limited to a remote net (FelixConfiguration failsafe*HostPorts[].net).
    failsafeNets: fc.boolean(),
  })
  .map(({ calico, k8s, t2Pass, hep, finalDeny, endpointToHost, failsafeNets }) => {
    const objs: unknown[] = [
      { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "t1" }, spec: { order: 10 } },
      { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "t2" }, spec: { order: 20, defaultAction: t2Pass ? "Pass" : "Deny" } },
      { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name: "gns", labels: { set: "x" } }, spec: { nets: ["10.0.0.0/24", "192.168.1.0/24"] } },
      { apiVersion: "projectcalico.org/v3", kind: "NetworkSet", metadata: { name: "ns", namespace: "b", labels: { set: "x" } }, spec: { nets: ["172.16.5.0/24"] } },
    ];
    if (finalDeny !== "none") {
      // A catch-all deny in a later tier makes Pass and defaultAction Pass observable.
      objs.push({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name: finalDeny === "t2" ? "t2.zz-deny" : "zz-deny" }, spec: { tier: finalDeny, order: 5000, selector: "all()", types: ["Ingress", "Egress"], ingress: [{ action: "Deny", protocol: "TCP" }], egress: [{ action: "Deny", protocol: "UDP" }] } });
    }
    const felix: Record<string, unknown> = {};
    if (endpointToHost !== "default") felix["defaultEndpointToHostAction"] = endpointToHost;
    if (failsafeNets) {
      felix["failsafeInboundHostPorts"] = [{ protocol: "TCP", port: 80, net: "10.0.0.0/24" }, { protocol: "UDP", port: 53 }];
      felix["failsafeOutboundHostPorts"] = [{ protocol: "TCP", port: 443, net: "192.168.1.0/24" }];
    }
    if (Object.keys(felix).length > 0) objs.push({ apiVersion: "projectcalico.org/v3", kind: "FelixConfiguration", metadata: { name: "default" }, spec: felix });
    if (hep !== "none") objs.push({ apiVersion: "projectcalico.org/v3", kind: "HostEndpoint", metadata: { name: "n2-hep", labels: { role: "n2" } }, spec: { node: "n2", interfaceName: "*", expectedIPs: hep === "ips" ? ["10.0.0.2"] : [] } });
    calico.forEach((p, i) => {
      const isGlobal = p.global || p.extra !== "none";
      const spec: Record<string, unknown> = clean({
        tier: p.tier,
        order: p.order,
        selector: p.selector,
        types: p.extra === "preDNAT" ? ["Ingress"] : p.types,
        ingress: p.ingress,
        egress: p.extra === "preDNAT" ? undefined : p.egress,
      });
      if (p.extra === "doNotTrack") Object.assign(spec, { doNotTrack: true, applyOnForward: true });
      if (p.extra === "preDNAT") Object.assign(spec, { preDNAT: true, applyOnForward: true });
      const kind = `${p.staged ? "Staged" : ""}${isGlobal ? "GlobalNetworkPolicy" : "NetworkPolicy"}`;
      const name = p.tier === "default" ? `p${i}` : `${p.tier}.p${i}`;
      objs.push({ apiVersion: "projectcalico.org/v3", kind, metadata: clean({ name, namespace: isGlobal ? undefined : p.ns }), spec });
    });
    k8s.forEach((p, i) => {
      objs.push({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: `k${i}`, namespace: p.ns },
        spec: clean({ podSelector: p.app === undefined ? {} : { matchLabels: { app: p.app } }, policyTypes: p.types, ingress: p.ingress?.map((r) => clean(r)), egress: p.egress?.map((r) => clean(r)) }),
      });
    });
    return objs;
  });

