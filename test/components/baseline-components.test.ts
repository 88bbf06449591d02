import { App, Chart } from "cdk8s";
import { describe, expect, it } from "vitest";
import { AllowDns } from "../../components/allow-dns.js";
import { AppConnections } from "../../components/app-connections.js";
import { ControlPlaneAccess } from "../../components/control-plane-access.js";
import { DefaultDeny } from "../../components/default-deny.js";
import { HostLocalhost } from "../../components/host-localhost.js";
import { MetricsServices } from "../../components/metrics-services.js";
import { MonitoringAccess } from "../../components/monitoring-access.js";
import { MonitoringRbac } from "../../components/monitoring-rbac.js";
import { NamespaceIsolation } from "../../components/namespace-isolation.js";
import { Peer } from "../../components/peer.js";
import { Port } from "../../components/port.js";
import { PrivateRegistryEgress } from "../../components/private-registry-egress.js";
import { sel } from "../../src/model/selector/index.js";
import { fixture, userErrorOf, type Obj } from "./helpers.js";

const DNS_EGRESS = [
  {
    action: "Allow",
    protocol: "UDP",
    destination: { selector: 'k8s-app == "kube-dns"', namespaceSelector: 'kubernetes.io/metadata.name == "kube-system"', ports: [53] },
  },
  {
    action: "Allow",
    protocol: "TCP",
    destination: { selector: 'k8s-app == "kube-dns"', namespaceSelector: 'kubernetes.io/metadata.name == "kube-system"', ports: [53] },
  },
];

function specOf(o: Obj): Record<string, unknown> {
  return o["spec"] as Record<string, unknown>;
}

describe("DefaultDeny", () => {
  it("is Calico's deny-app-policy: system namespaces excluded, DNS allowed on UDP and TCP 53, nothing else", () => {
    const f = fixture({ defaultAction: "Deny" });
    new DefaultDeny(f.chart, "dd", { tier: f.tier });
    expect(f.byName("t.default-deny")).toMatchObject({
      kind: "GlobalNetworkPolicy",
      spec: {
        tier: "t",
        selector: "all()",
        namespaceSelector: 'kubernetes.io/metadata.name not in {"calico-system", "kube-public", "kube-system", "tigera-operator"}',
        types: ["Ingress", "Egress"],
        ingress: [],
        egress: DNS_EGRESS,
        // First in its tier, so no later explicit Deny shadows its DNS rules.
        order: 10,
      },
    });
  });
  it("takes the excluded namespaces from configuration and selects pods only (never host endpoints)", () => {
    const f = fixture({ defaultAction: "Deny" });
    new DefaultDeny(f.chart, "dd", { tier: f.tier, excludedNamespaces: ["kube-system", "calico-apiserver"] });
    expect(specOf(f.byName("t.default-deny"))["namespaceSelector"]).toBe(
      'kubernetes.io/metadata.name not in {"calico-apiserver", "kube-system"}',
    );
  });
  it("refuses a tier that ends in Pass, where selecting without allowing would deny nothing", () => {
    const f = fixture({ defaultAction: "Pass" });
    expect(userErrorOf(() => new DefaultDeny(f.chart, "dd", { tier: f.tier }))).toContain(
      'tier: tier t ends in Pass, so a default deny in it would deny nothing (value: "t")',
    );
  });
  it("rejects a bad namespace in the exclusion list with its index", () => {
    const f = fixture({ defaultAction: "Deny" });
    expect(userErrorOf(() => new DefaultDeny(f.chart, "dd", { tier: f.tier, excludedNamespaces: ["kube-system", 'x" || all()'] }))).toContain(
      "excludedNamespaces[1]: not a valid namespace name",
    );
  });
});

describe("AllowDns", () => {
  it("allows every namespace's pods to reach kube-dns, on both ends", () => {
    const f = fixture();
    new AllowDns(f.chart, "dns", { tier: f.tier });
    expect(f.byName("t.allow-dns-egress")).toMatchObject({
      spec: { namespaceSelector: "has(kubernetes.io/metadata.name)", types: ["Egress"], egress: DNS_EGRESS },
    });
    expect(f.byName("t.allow-dns-ingress")).toMatchObject({
      spec: {
        selector: 'k8s-app == "kube-dns"',
        namespaceSelector: 'kubernetes.io/metadata.name == "kube-system"',
        types: ["Ingress"],
        ingress: [
          { action: "Allow", protocol: "UDP", source: { namespaceSelector: "has(kubernetes.io/metadata.name)" }, destination: { ports: [53] } },
          { action: "Allow", protocol: "TCP", source: { namespaceSelector: "has(kubernetes.io/metadata.name)" }, destination: { ports: [53] } },
        ],
      },
    });
  });
});

describe("HostLocalhost", () => {
  it("lets auto host endpoints reach loopback in and out", () => {
    const f = fixture();
    new HostLocalhost(f.chart, "lo", { tier: f.tier });
    expect(f.byName("t.host-localhost")).toMatchObject({
      spec: {
        selector: "has(kubernetes.io/os)",
        types: ["Ingress", "Egress"],
        ingress: [{ action: "Allow", destination: { nets: ["127.0.0.0/8"] } }],
        egress: [{ action: "Allow", destination: { nets: ["127.0.0.0/8"] } }],
      },
    });
  });
  it("adds ::1/128 as a separate rule with IPv6 (rules do not mix IP versions)", () => {
    const f = fixture();
    new HostLocalhost(f.chart, "lo", { tier: f.tier, ipv6: true, hosts: sel.eq("role", "gateway") });
    const spec = specOf(f.byName("t.host-localhost"));
    expect(spec["selector"]).toBe('role == "gateway"');
    expect(spec["ingress"]).toEqual([
      { action: "Allow", destination: { nets: ["127.0.0.0/8"] } },
      { action: "Allow", destination: { nets: ["::1/128"] } },
    ]);
  });
});

describe("ControlPlaneAccess", () => {
  it("opens the control-plane ports between hosts, and the API server port to pods", () => {
    const f = fixture();
    new ControlPlaneAccess(f.chart, "cp", { tier: f.tier });
    const hosts = { selector: "has(kubernetes.io/os)", namespaceSelector: "global()" };
    expect(f.byName("t.control-plane-hosts")).toMatchObject({
      spec: {
        selector: "has(kubernetes.io/os)",
        types: ["Ingress", "Egress"],
        ingress: [
          { action: "Allow", protocol: "TCP", source: hosts, destination: { ports: [6443, 10250, 5473, 179] } },
          { action: "Allow", protocol: "UDP", source: hosts, destination: { ports: [4789] } },
          { action: "Allow", protocol: "TCP", source: { namespaceSelector: "has(kubernetes.io/metadata.name)" }, destination: { ports: [6443] } },
        ],
      },
    });
  });
  it("lets Calico components reach the API server and kube-apiserver reach the Calico API server on 5443", () => {
    const f = fixture();
    new ControlPlaneAccess(f.chart, "cp", { tier: f.tier, calicoApiServerNamespace: "calico-apiserver", encapsulation: "IPIP", bgp: false });
    expect(f.byName("t.control-plane-calico-api-clients")).toMatchObject({
      spec: {
        selector: 'k8s-app in {"calico-apiserver", "calico-kube-controllers"}',
        namespaceSelector: 'kubernetes.io/metadata.name in {"calico-apiserver", "calico-system"}',
        egress: [
          {
            action: "Allow",
            protocol: "TCP",
            destination: { selector: "has(node-role.kubernetes.io/control-plane)", namespaceSelector: "global()", ports: [6443] },
          },
          { action: "Allow", destination: { services: { name: "kubernetes", namespace: "default" } } },
        ],
      },
    });
    expect(f.byName("t.control-plane-calico-apiserver")).toMatchObject({
      spec: {
        namespaceSelector: 'kubernetes.io/metadata.name == "calico-apiserver"',
        ingress: [{ action: "Allow", protocol: "TCP", destination: { ports: [5443] } }],
      },
    });
    // IPIP is IP protocol 4 (no ports); BGP left out when disabled.
    const ingress = specOf(f.byName("t.control-plane-hosts"))["ingress"] as Obj[];
    expect(ingress).toContainEqual(expect.objectContaining({ protocol: 4 }));
    expect(JSON.stringify(ingress)).not.toContain("179");
  });
  it("opens every overlay the pools use, and none with encapsulation None", () => {
    const ports = (encapsulation: "None" | readonly ("VXLAN" | "IPIP")[]): unknown[] => {
      const f = fixture();
      new ControlPlaneAccess(f.chart, "cp", { tier: f.tier, encapsulation });
      const ingress = specOf(f.byName("t.control-plane-hosts"))["ingress"] as Obj[];
      return ingress.filter((r) => r["protocol"] === 4 || r["protocol"] === "UDP").map((r) => r["protocol"]);
    };
    expect(ports(["IPIP", "VXLAN"])).toEqual([4, "UDP"]);
    expect(ports(["IPIP"])).toEqual([4]);
    expect(ports("None")).toEqual([]);
  });
});

describe("MonitoringAccess", () => {
  const prometheus = {
    namespaceSelector: 'kubernetes.io/metadata.name == "calico-monitoring"',
    serviceAccounts: { names: ["calico-prometheus-user"] },
  };
  it("lets only Prometheus scrape Felix, Typha and node-exporter on the hosts (and the nodes probe node-exporter)", () => {
    const f = fixture();
    new MonitoringAccess(f.chart, "m", { tier: f.tier });
    expect(f.byName("t.monitoring-host-metrics")).toMatchObject({
      spec: {
        selector: "has(kubernetes.io/os)",
        types: ["Ingress"],
        ingress: [
          { action: "Allow", protocol: "TCP", source: prometheus, destination: { ports: [9091, 9093, 9100] } },
          {
            action: "Allow",
            protocol: "TCP",
            source: { selector: "has(kubernetes.io/os)", namespaceSelector: "global()" },
            destination: { ports: [9100] },
          },
          { action: "Deny", protocol: "TCP", destination: { ports: [9091, 9093, 9100] } },
        ],
      },
    });
  });
  it("guards kube-controllers' 9094 the same way and gives Prometheus its egress", () => {
    const f = fixture();
    new MonitoringAccess(f.chart, "m", { tier: f.tier });
    expect(f.byName("t.monitoring-kube-controllers-metrics")).toMatchObject({
      spec: {
        selector: 'k8s-app == "calico-kube-controllers"',
        namespaceSelector: 'kubernetes.io/metadata.name == "calico-system"',
        ingress: [
          { action: "Allow", source: prometheus, destination: { ports: [9094] } },
          { action: "Deny", destination: { ports: [9094] } },
        ],
      },
    });
    expect(f.byName("t.monitoring-prometheus")).toMatchObject({
      spec: {
        namespaceSelector: 'kubernetes.io/metadata.name == "calico-monitoring"',
        serviceAccountSelector: 'projectcalico.org/name == "calico-prometheus-user"',
        types: ["Egress"],
      },
    });
  });
  it("denies every pod's egress to the hosts' metrics ports right after Prometheus' own egress policy", () => {
    const f = fixture();
    new MonitoringAccess(f.chart, "m", { tier: f.tier, order: 40 });
    expect(f.byName("t.monitoring-prometheus")).toMatchObject({ spec: { order: 40 } });
    expect(f.byName("t.monitoring-pod-egress")).toMatchObject({
      spec: {
        order: 41,
        selector: "all()",
        namespaceSelector: "has(kubernetes.io/metadata.name)",
        types: ["Egress"],
        egress: [
          {
            action: "Deny",
            protocol: "TCP",
            destination: { selector: "has(kubernetes.io/os)", namespaceSelector: "global()", ports: [9091, 9093, 9100] },
          },
        ],
      },
    });
  });
});

describe("PrivateRegistryEgress", () => {
  it("lets the nodes reach a single-host registry's port and nothing else of it, and denies the pods all of it", () => {
    const f = fixture();
    new PrivateRegistryEgress(f.chart, "r", { tier: f.tier, cidrs: ["10.0.0.50/32"], port: 5000 });
    expect(f.byName("t.registry-egress")).toMatchObject({
      spec: {
        selector: "has(kubernetes.io/os)",
        types: ["Egress"],
        egress: [
          { action: "Allow", protocol: "TCP", destination: { nets: ["10.0.0.50/32"], ports: [5000] } },
          { action: "Deny", destination: { nets: ["10.0.0.50/32"] } },
        ],
      },
    });
    // Pods: every workload endpoint (a namespaceSelector never selects a host endpoint), denied the registry.
    expect(specOf(f.byName("t.registry-egress-pods"))).toMatchObject({
      namespaceSelector: "has(kubernetes.io/metadata.name)",
      selector: "all()",
      types: ["Egress"],
      egress: [{ action: "Deny", destination: { nets: ["10.0.0.50/32"] } }],
    });
  });
  it("with podPulls, one policy lets every endpoint reach the registry port and denies none", () => {
    const f = fixture();
    new PrivateRegistryEgress(f.chart, "r", { tier: f.tier, cidrs: ["10.0.0.50/32"], port: 5000, podPulls: true });
    expect(specOf(f.byName("t.registry-egress"))["selector"]).toBe("all()");
    expect(f.objects().map((o) => (o["metadata"] as { name: string }).name)).not.toContain("t.registry-egress-pods");
  });
  it("does not deny a subnet shared with nodes, and passes the nodes' registry port on before allowing or denying the subnet", () => {
    const f = fixture();
    new PrivateRegistryEgress(f.chart, "r", { tier: f.tier, cidrs: ["10.91.52.0/24"], port: 5000 });
    const pass = { action: "Pass", protocol: "TCP", destination: { selector: "has(kubernetes.io/os)", namespaceSelector: "global()", ports: [5000] } };
    expect(specOf(f.byName("t.registry-egress"))["egress"]).toEqual([pass, { action: "Allow", protocol: "TCP", destination: { nets: ["10.91.52.0/24"], ports: [5000] } }]);
    // Pods lose the registry port of the subnet only, not the nodes' API server or kubelet in it.
    expect(specOf(f.byName("t.registry-egress-pods"))["egress"]).toEqual([pass, { action: "Deny", protocol: "TCP", destination: { nets: ["10.91.52.0/24"], ports: [5000] } }]);
  });
  it("takes the hosts to pass from notOnHosts, or none with false", () => {
    const f = fixture();
    new PrivateRegistryEgress(f.chart, "r", { tier: f.tier, cidrs: ["10.91.52.0/24"], port: 5000, notOnHosts: sel.has("node-role.kubernetes.io/worker") });
    new PrivateRegistryEgress(f.chart, "r2", { tier: f.tier, name: "registry-2", cidrs: ["10.91.52.0/24"], port: 5000, notOnHosts: false });
    expect((specOf(f.byName("t.registry-egress"))["egress"] as Obj[])[0]).toMatchObject({
      action: "Pass",
      destination: { selector: "has(node-role.kubernetes.io/worker)" },
    });
    expect((specOf(f.byName("t.registry-2"))["egress"] as Obj[]).map((r) => r["action"])).toEqual(["Allow"]);
    expect((specOf(f.byName("t.registry-2-pods"))["egress"] as Obj[]).map((r) => r["action"])).toEqual(["Deny"]);
  });
  it("splits IPv4 and IPv6 registry addresses into separate rules", () => {
    const f = fixture();
    new PrivateRegistryEgress(f.chart, "r", { tier: f.tier, cidrs: ["fd00::50/128", "10.0.0.50/32"], port: 443 });
    const egress = specOf(f.byName("t.registry-egress"))["egress"] as Obj[];
    expect(egress.map((r) => (r["destination"] as { nets: string[] }).nets)).toEqual([["10.0.0.50/32"], ["fd00::50/128"], ["10.0.0.50/32"], ["fd00::50/128"]]);
  });
  it("reports a CIDR typo and port 70000 together", () => {
    const f = fixture();
    const msg = userErrorOf(() => new PrivateRegistryEgress(f.chart, "r", { tier: f.tier, cidrs: ["10.0.0.5O/32"], port: 70000 }));
    expect(msg).toContain('registry.cidrs[0]: not a valid CIDR (value: "10.0.0.5O/32")');
    expect(msg).toContain("registry.port: port out of range 1-65535 (value: 70000)");
  });
});

describe("NamespaceIsolation", () => {
  it("passes same-namespace and listed flows, then denies", () => {
    const f = fixture({ defaultAction: "Deny" });
    new NamespaceIsolation(f.chart, "iso", {
      tier: f.tier,
      namespace: "shop",
      allowFrom: [{ peer: Peer.namespace("ingress"), ports: [Port.tcp(8080)] }],
      allowTo: [{ peer: Peer.nets("10.0.0.60/32"), ports: [Port.tcp(5432)] }],
    });
    const self = { namespaceSelector: 'kubernetes.io/metadata.name == "shop"' };
    expect(f.byName("t.namespace-isolation")).toMatchObject({
      kind: "NetworkPolicy",
      metadata: { namespace: "shop" },
      spec: {
        selector: "all()",
        types: ["Ingress", "Egress"],
        ingress: [
          { action: "Pass", source: self },
          { action: "Pass", protocol: "TCP", source: { namespaceSelector: 'kubernetes.io/metadata.name == "ingress"' }, destination: { ports: [8080] } },
          { action: "Deny" },
        ],
        egress: [
          { action: "Pass", destination: self },
          { action: "Pass", protocol: "TCP", destination: { nets: ["10.0.0.60/32"], ports: [5432] } },
          { action: "Deny" },
        ],
      },
    });
  });
  it("can allow instead of pass", () => {
    const f = fixture();
    new NamespaceIsolation(f.chart, "iso", { tier: f.tier, namespace: "a", permit: "Allow" });
    expect((specOf(f.byName("t.namespace-isolation"))["ingress"] as Obj[])[0]).toMatchObject({ action: "Allow" });
  });
});

describe("AppConnections", () => {
  it("writes a connection on both ends: egress on the client, ingress on the server", () => {
    const f = fixture();
    const app = new AppConnections(f.chart, "app", { tier: f.tier, namespace: "fme" });
    const a = app.workload("a", { selector: sel.eq("app", "a") });
    const b = app.workload("b", { selector: sel.eq("app", "b"), isolateIngress: true });
    a.allowTo(b, Port.tcp(6379));
    expect(f.byName("t.a")).toMatchObject({
      metadata: { namespace: "fme" },
      spec: {
        selector: 'app == "a"',
        types: ["Egress"],
        egress: [{ action: "Allow", protocol: "TCP", destination: { selector: 'app == "b"', ports: [6379] } }],
      },
    });
    expect(f.byName("t.b")).toMatchObject({
      spec: {
        selector: 'app == "b"',
        types: ["Ingress"],
        ingress: [
          { action: "Allow", protocol: "TCP", source: { selector: 'app == "a"', namespaceSelector: 'kubernetes.io/metadata.name == "fme"' }, destination: { ports: [6379] } },
          { action: "Deny" },
        ],
      },
    });
  });
  it("allowFrom a workload is the same as allowTo from it", () => {
    const f = fixture();
    const app = new AppConnections(f.chart, "app", { tier: f.tier, namespace: "fme" });
    const a = app.workload("a", { selector: sel.eq("app", "a") });
    const b = app.workload("b", { selector: sel.eq("app", "b") });
    b.allowFrom(a, Port.tcp(1));
    expect(specOf(f.byName("t.a"))["egress"]).toHaveLength(1);
    expect(specOf(f.byName("t.b"))["ingress"]).toHaveLength(1);
  });
  it("an egress-isolated workload with no allowances has no egress at all", () => {
    const f = fixture();
    const app = new AppConnections(f.chart, "app", { tier: f.tier, namespace: "fme" });
    app.workload("q", { selector: sel.eq("app", "q"), isolateEgress: true });
    expect(specOf(f.byName("t.q"))).toMatchObject({ types: ["Egress"], egress: [{ action: "Deny" }] });
  });
  it("rejects a workload declared twice", () => {
    const f = fixture();
    const app = new AppConnections(f.chart, "app", { tier: f.tier, namespace: "fme" });
    app.workload("a", { selector: sel.eq("app", "a") });
    expect(userErrorOf(() => app.workload("a", { selector: sel.eq("app", "a") }))).toMatch(/workload declared twice/);
  });
});

describe("MonitoringRbac and MetricsServices", () => {
  function objects(build: (c: Chart) => void): Obj[] {
    const chart = new Chart(new App(), "m", { disableResourceNameHashes: true });
    build(chart);
    return chart.toJson() as Obj[];
  }
  it("creates the calico-monitoring namespace, the Prometheus role, account and binding as in Calico's docs", () => {
    const objs = objects((c) => new MonitoringRbac(c, "rbac"));
    expect(objs).toContainEqual(
      expect.objectContaining({ kind: "Namespace", metadata: { name: "calico-monitoring", labels: { app: "ns-calico-monitoring", role: "monitoring" } } }),
    );
    const role = objs.find((o) => o["kind"] === "ClusterRole") as Obj;
    expect(role).toMatchObject({ metadata: { name: "calico-prometheus-user" } });
    const rules = role["rules"] as { apiGroups?: string[]; resources?: string[]; verbs: string[]; nonResourceURLs?: string[] }[];
    expect(rules.flatMap((r) => r.resources ?? []).sort()).toEqual(["endpoints", "endpointslices", "pods", "services"]);
    // Current Prometheus service discovery reads discovery.k8s.io EndpointSlices; v1 Endpoints stays for the
    // `role: endpoints` scrape configuration of Calico's docs (the same facts, so no more access).
    expect(rules).toContainEqual(expect.objectContaining({ apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] }));
    expect(rules.find((r) => r.resources?.includes("endpoints"))?.apiGroups).toEqual([""]);
    // Read only, and nothing secret.
    expect(rules.flatMap((r) => r.verbs).every((v) => v === "get" || v === "list" || v === "watch")).toBe(true);
    expect(rules.flatMap((r) => r.resources ?? [])).not.toContain("secrets");
    expect(rules.filter((r) => r.resources !== undefined).every((r) => r.verbs.join() === "get,list,watch")).toBe(true);
    expect(rules).toContainEqual(expect.objectContaining({ nonResourceURLs: ["/metrics"], verbs: ["get"] }));
    expect(objs.find((o) => o["kind"] === "ServiceAccount")).toMatchObject({
      metadata: { name: "calico-prometheus-user", namespace: "calico-monitoring" },
      automountServiceAccountToken: true,
    });
    expect(objs.find((o) => o["kind"] === "ClusterRoleBinding")).toMatchObject({
      roleRef: { kind: "ClusterRole", name: "calico-prometheus-user" },
      subjects: [{ kind: "ServiceAccount", name: "calico-prometheus-user", namespace: "calico-monitoring" }],
    });
  });
  it("creates the three headless metrics Services in calico-system", () => {
    const objs = objects((c) => new MetricsServices(c, "svc"));
    expect(objs.map((o) => [(o["metadata"] as { name: string }).name, (o["spec"] as { selector: Obj }).selector["k8s-app"]])).toEqual([
      ["felix-metrics-svc", "calico-node"],
      ["typha-metrics-svc", "calico-typha"],
      ["kube-controllers-metrics-svc", "calico-kube-controllers"],
    ]);
    expect(objs[1]).toMatchObject({
      metadata: { namespace: "calico-system" },
      spec: { clusterIP: "None", ports: [{ port: 9093, targetPort: 9093, protocol: "TCP" }] },
    });
  });
});
