/** The deployment facts derived from the typed stack config, and the inventory held to them. */
import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/analyse.js";
import { EMPTY_INVENTORY, parseInventory, type Inventory } from "../../src/analysis/inventory.js";
import { parseStackConfig, type RawStackConfig } from "../../src/config/index.js";
import type { StackConfig } from "../../src/config/types.js";
import {
  autoHostEndpoint,
  calicoConfigObjects,
  deploymentFacts,
  knownNamespaces,
  namespacesFor,
  plannedNodes,
  stackInventory,
  stackWorkloads,
} from "../../src/facts/index.js";
import { validateResource } from "../../src/model/validate/index.js";

const NS = "calico-baseline";
const multipass: RawStackConfig = { [`${NS}:cluster`]: { type: "multipass", workers: 2 }, [`${NS}:registry`]: { bridgeCidr: "10.91.52.0/24" } };
const ssh: RawStackConfig = {
  [`${NS}:cluster`]: { type: "ssh", controlPlane: "10.0.0.10", workers: ["10.0.0.11", "Worker-B.example.com"], privateKey: { secure: "v1:x" } },
  [`${NS}:registry`]: { type: "external", host: "reg.example.com", username: "u", password: { secure: "v1:y" }, cidrs: ["10.0.1.5/32"] },
  [`${NS}:calico`]: { version: "3.30.7" },
};
const cfg = (raw: RawStackConfig, stack = "dev"): StackConfig => parseStackConfig(raw, stack, { secretsRequired: false });

describe("nodes", () => {
  it("multipass: the VM names k3s takes as node names, labels as k3s sets them, addresses unknown until launch", () => {
    const n = plannedNodes(cfg(multipass).cluster);
    expect(n).toMatchObject({ known: true, addresses: "stack-outputs" });
    expect(n.nodes.map((x) => [x.name, x.role, x.ips.length])).toEqual([
      ["cb-dev-control", "control-plane", 0],
      ["cb-dev-worker-1", "worker", 0],
      ["cb-dev-worker-2", "worker", 0],
    ]);
    expect(n.nodes[0]?.labels).toEqual({ "kubernetes.io/os": "linux", "kubernetes.io/hostname": "cb-dev-control", "node-role.kubernetes.io/control-plane": "true" });
    expect(n.nodes[1]?.labels).toEqual({ "kubernetes.io/os": "linux", "kubernetes.io/hostname": "cb-dev-worker-1" });
  });
  it("ssh: the host list, an IP host being the node's address; the hostname (node name) is not known", () => {
    const n = plannedNodes(cfg(ssh).cluster);
    expect(n.addresses).toBe("config");
    expect(n.nodes.map((x) => [x.name, x.role, x.ips])).toEqual([
      ["10.0.0.10", "control-plane", ["10.0.0.10"]],
      ["10.0.0.11", "worker", ["10.0.0.11"]],
      ["worker-b.example.com", "worker", []],
    ]);
    expect(n.nodes.every((x) => !x.nameIsNodeName && x.labels["kubernetes.io/hostname"] === undefined)).toBe(true);
  });
  it("kubeconfig: the stack knows no nodes", () => {
    expect(plannedNodes({ type: "kubeconfig", kubeconfigPath: "k" })).toEqual({ known: false, addresses: "inventory", nodes: [] });
  });
});

describe("Calico configuration", () => {
  it("turns automatic host endpoints on (with the default * endpoint) and writes the failsafe ports out", () => {
    const [felix, kcc] = calicoConfigObjects(cfg(multipass));
    expect(kcc).toEqual({
      apiVersion: "projectcalico.org/v3",
      kind: "KubeControllersConfiguration",
      metadata: { name: "default" },
      spec: { controllers: { node: { hostEndpoint: { autoCreate: "Enabled", createDefaultHostEndpoint: "Enabled" } } }, prometheusMetricsPort: 9094 },
    });
    expect((felix?.["spec"] as Record<string, unknown>)["failsafeInboundHostPorts"]).toHaveLength(9);
    for (const minor of ["3.30.7", "3.31.7", "3.32.1"]) {
      for (const o of calicoConfigObjects(cfg({ ...multipass, [`${NS}:calico`]: { version: minor } }))) expect(validateResource(o, { calicoVersion: minor.slice(0, 4) as "3.32" }), minor).toEqual([]);
    }
  });
  it("turns them off when the stack says so, and leaves the metrics out without monitoring", () => {
    const [felix, kcc] = calicoConfigObjects(cfg({ ...multipass, [`${NS}:calico`]: { autoHostEndpoints: false, failsafePorts: { inbound: [{ port: 22, net: "10.0.0.0/8" }] } }, [`${NS}:monitoring`]: { enabled: false } }));
    expect(kcc?.["spec"]).toEqual({ controllers: { node: { hostEndpoint: { autoCreate: "Disabled" } } } });
    expect(felix?.["spec"]).toMatchObject({ failsafeInboundHostPorts: [{ protocol: "TCP", port: 22, net: "10.0.0.0/8" }] });
    expect(felix?.["spec"]).not.toHaveProperty("prometheusMetricsEnabled");
  });
});

describe("automatic host endpoints", () => {
  it("are what the analysis models for an inventory node (name, interface, labels, profile)", () => {
    const node = { name: "cb-dev-worker-1", labels: { "kubernetes.io/os": "linux" }, ips: ["10.91.52.11"] };
    const hep = autoHostEndpoint(node);
    expect(hep).toEqual({
      apiVersion: "projectcalico.org/v3",
      kind: "HostEndpoint",
      metadata: { name: "cb-dev-worker-1-auto-hep", labels: { "kubernetes.io/os": "linux", "projectcalico.org/created-by": "calico-kube-controllers" } },
      spec: { node: "cb-dev-worker-1", interfaceName: "*", expectedIPs: ["10.91.52.11"], profiles: ["projectcalico-default-allow"] },
    });
    expect(validateResource(hep, { calicoVersion: "3.32" })).toEqual([]);
    // The analysis' automatic host endpoint for the same node is the same endpoint, and so is the analysis
    // of the HostEndpoint object itself.
    const inventory: Inventory = { ...EMPTY_INVENTORY, nodes: [{ ...node, autoHostEndpoint: true }] };
    const auto = analyse({ objects: [], inventory }).endpoints.find((e) => e.kind === "host");
    const explicit = analyse({ objects: [{ object: hep }], inventory: { ...inventory, nodes: [{ ...node, autoHostEndpoint: false }] } }).endpoints.find((e) => e.kind === "host");
    expect(auto?.hostEndpoint).toEqual({ name: "cb-dev-worker-1-auto-hep", profileAllows: true, auto: true });
    expect(explicit?.hostEndpoint).toMatchObject({ name: "cb-dev-worker-1-auto-hep", profileAllows: true });
    expect(auto?.labels).toEqual((hep["metadata"] as { labels: Record<string, string> }).labels);
    expect(explicit?.labels).toEqual(auto?.labels);
  });
});

describe("namespaces", () => {
  it("knows Kubernetes', the operator's (calico-apiserver only on 3.30) and the stack's own", () => {
    const names = (c: StackConfig): string[] => knownNamespaces(c).map((n) => n.name);
    expect(names(cfg(multipass))).toEqual(["calico-monitoring", "calico-system", "default", "kube-node-lease", "kube-public", "kube-system", "tigera-operator"]);
    expect(names(cfg(ssh))).toContain("calico-apiserver");
    expect(names(cfg({ ...multipass, [`${NS}:monitoring`]: { enabled: false } }))).not.toContain("calico-monitoring");
  });
  it("creates the inventory's namespaces that namespaced objects need, with its labels, and rejects unknown ones", () => {
    const obj = (kind: string, ns: string, name = "p"): { object: Record<string, unknown>; file: string } => ({ object: { kind, metadata: { name, namespace: ns } }, file: "30-application.yaml" });
    const inventory = { namespaces: [{ name: "shop", labels: { team: "web", "kubernetes.io/metadata.name": "shop" } }] };
    const r = namespacesFor([obj("NetworkPolicy", "shop"), obj("NetworkPolicy", "shop", "q"), obj("Service", "calico-system"), obj("NetworkPolicy", "pay"), obj("NetworkPolicy", "pay", "q")], knownNamespaces(cfg(multipass)), inventory, "policies/inventory.dev.yaml");
    expect(r.create).toEqual([{ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { team: "web" } } }]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ file: "30-application.yaml", object: "NetworkPolicy/pay/p", path: "metadata.namespace", value: "pay" });
    expect(r.problems[0]?.message).toContain("(2 objects)");
    expect(r.problems[0]?.hint).toContain("policies/inventory.dev.yaml");
  });
});

describe("the inventory held to the facts", () => {
  const dev = deploymentFacts(cfg(multipass));
  const inv = (doc: unknown): Inventory => parseInventory(doc, "inv.yaml");
  const messages = (i: Inventory, facts = dev): string[] => stackInventory(facts, i, "inv.yaml").problems.map((p) => `${p.path}: ${p.message}`);

  it("takes the nodes from the stack, their addresses from the file", () => {
    const r = stackInventory(dev, inv({ nodes: [{ name: "cb-dev-worker-1", ips: ["10.91.52.30"] }] }), "inv.yaml");
    expect(r.problems).toEqual([]);
    expect(r.inventory.nodes.map((n) => [n.name, n.ips, n.autoHostEndpoint])).toEqual([
      ["cb-dev-control", [], true],
      ["cb-dev-worker-1", ["10.91.52.30"], true],
      ["cb-dev-worker-2", [], true],
    ]);
    expect(r.notes).toContain("node cb-dev-control (control-plane) from the stack config, address unknown");
    // The workloads the stack runs are there too, whether the file lists them or not.
    expect(r.inventory.workloads.map((w) => `${w.namespace}/${w.name}`)).toEqual(expect.arrayContaining(stackWorkloads(cfg(multipass)).map((w) => `${w.namespace}/${w.name}`)));
  });
  it("ssh: nodes and addresses from the host list", () => {
    const f = deploymentFacts(cfg(ssh, "prod"));
    const r = stackInventory(f, EMPTY_INVENTORY, "inv.yaml");
    expect(r.inventory.nodes.map((n) => [n.name, n.ips])).toEqual([["10.0.0.10", ["10.0.0.10"]], ["10.0.0.11", ["10.0.0.11"]], ["worker-b.example.com", []]]);
    expect(messages(inv({ nodes: [{ name: "10.0.0.11", ips: ["10.0.0.99"] }] }), f)).toEqual(["nodes[0].ips: differs from the host the stack installs k3s on (10.0.0.11)"]);
  });
  it("rejects nodes the stack does not build, other labels, addresses off the bridge, and auto host endpoints turned off", () => {
    expect(
      messages(
        inv({
          nodes: [
            { name: "node1", ips: ["10.91.52.11"] },
            { name: "cb-dev-worker-1", ips: ["192.168.1.4"], labels: { "kubernetes.io/os": "linux", "node-role.kubernetes.io/control-plane": "true" } },
          ],
        }),
      ),
    ).toEqual([
      "nodes[0].name: names a node stack \"dev\" does not build (its nodes: cb-dev-control, cb-dev-worker-1, cb-dev-worker-2)",
      'nodes[1].labels: differs from the labels k3s gives worker node cb-dev-worker-1 ({"kubernetes.io/os":"linux","kubernetes.io/hostname":"cb-dev-worker-1"})',
      "nodes[1].ips[0]: is outside the multipass bridge 10.91.52.0/24 the VMs get their addresses from",
    ]);
    const off = deploymentFacts(cfg({ ...multipass, [`${NS}:calico`]: { autoHostEndpoints: false } }));
    expect(messages(inv({ nodes: [{ name: "cb-dev-control", autoHostEndpoint: true }] }), off)).toEqual([
      "nodes[0].autoHostEndpoint: claims an automatic host endpoint, but the stack turns them off (calico.autoHostEndpoints: false)",
    ]);
    expect(stackInventory(off, EMPTY_INVENTORY, "inv.yaml").inventory.nodes.every((n) => !n.autoHostEndpoint)).toBe(true);
  });
  it("rejects workloads the stack does not run in its namespaces, and ones it runs otherwise; accepts Prometheus by its account", () => {
    const m = messages(
      inv({
        namespaces: [
          {
            name: "calico-system",
            workloads: [
              { name: "csi-node-driver", kind: "DaemonSet", labels: { "k8s-app": "csi-node-driver" }, serviceAccount: "csi-node-driver" },
              { name: "calico-node", kind: "Deployment", labels: { "k8s-app": "node" }, serviceAccount: "node", hostNetwork: false },
            ],
          },
          { name: "calico-monitoring", labels: { app: "ns-calico-monitoring", team: "x" }, workloads: [{ name: "prometheus", kind: "Pod", serviceAccount: "calico-prometheus-user" }, { name: "grafana", kind: "Pod" }] },
          { name: "shop", workloads: [{ name: "anything", kind: "Pod" }] },
        ],
      }),
    );
    expect(m).toEqual([
      'namespaces[1].labels.team: is not a label the monitoring step (monitoring.yaml) gives namespace calico-monitoring ({"app":"ns-calico-monitoring","role":"monitoring","pod-security.kubernetes.io/enforce":"privileged"})',
      "namespaces[0].workloads[0].name: is not a workload stack \"dev\" runs in calico-system (it runs calico-node, calico-typha, calico-kube-controllers, calico-apiserver, goldmane, whisker)",
      "namespaces[0].workloads[1].kind: is not how the operator, from the Installation runs calico-node (DaemonSet)",
      "namespaces[0].workloads[1].hostNetwork: calico-node runs on the host network",
      "namespaces[0].workloads[1].serviceAccount: calico-node runs as calico-node",
      "namespaces[0].workloads[1].labels.k8s-app: the operator, from the Installation labels calico-node's pods k8s-app: calico-node",
      "namespaces[1].workloads[1].name: is not a workload stack \"dev\" runs in calico-monitoring (it runs prometheus-node-exporter)",
    ]);
  });
  it("kubeconfig clusters keep the file's nodes; the stack's switch decides their host endpoints", () => {
    const f = deploymentFacts(cfg({ [`${NS}:cluster`]: { type: "kubeconfig", kubeconfigPath: "k" }, [`${NS}:registry`]: ssh[`${NS}:registry`] }, "eks"));
    const r = stackInventory(f, inv({ nodes: [{ name: "ip-10-0-0-1", ips: ["10.0.0.1"] }] }), "inv.yaml");
    expect(r.problems).toEqual([]);
    expect(r.inventory.nodes).toEqual([{ name: "ip-10-0-0-1", ips: ["10.0.0.1"], labels: {}, autoHostEndpoint: true }]);
  });
});
