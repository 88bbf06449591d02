/** Inventory from the declared file, from manifests (netpol-analyzer naming) and from kubectl dumps. */
import { describe, expect, it } from "vitest";
import { inventoryFromObjects, mergeInventories, parseInventory } from "../../src/analysis/inventory.js";
import { UserError } from "../../src/model/problem.js";

describe("declared inventory", () => {
  it("reports every problem at once with path, value and hint", () => {
    let err: UserError | undefined;
    try {
      parseInventory({ namespaces: [{ name: "Bad_NS" }, { name: "ok", workloads: [{ name: "w", kind: "Deploy", labels: { a: 1 } }, { name: "x", ports: [{ port: 70000 }] }] }], nodes: [{ name: "n", ips: ["10.0.0.300"] }], externals: [{ name: "e", cidr: "10.0.0.0/33" }], extra: 1 }, "policies/inventory.yaml");
    } catch (e) {
      err = e as UserError;
    }
    expect(err).toBeInstanceOf(UserError);
    expect(err!.problems.map((p) => p.path)).toEqual(["extra", "namespaces[0].name", "namespaces[1].workloads[0].kind", "namespaces[1].workloads[1].ports[0].port", "nodes[0].ips[0]", "externals[0].cidr"]);
    expect(err!.problems.every((p) => p.file === "policies/inventory.yaml" && p.hint.length > 0)).toBe(true);
  });
});

describe("inventory from manifests and dumps", () => {
  it("names pods after their controlling owner and follows ReplicaSet → Deployment when both are present", () => {
    const inv = inventoryFromObjects([
      { kind: "PodList", apiVersion: "v1", items: [
        { metadata: { name: "web-abc-1", namespace: "shop", labels: { app: "web" }, ownerReferences: [{ kind: "ReplicaSet", name: "web-abc", controller: true }] }, spec: { serviceAccountName: "web", nodeName: "n1", containers: [{ ports: [{ name: "http", containerPort: 8080 }] }] }, status: { podIP: "192.168.1.5" } },
        { metadata: { name: "lonely", namespace: "shop", labels: { app: "x" } }, spec: { containers: [] } },
      ] },
      { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "web-abc", namespace: "shop", ownerReferences: [{ kind: "Deployment", name: "web", controller: true }] }, spec: { template: { metadata: { labels: { app: "web" } }, spec: {} } } },
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" }, spec: { template: { metadata: { labels: { app: "web" } }, spec: { serviceAccountName: "web", containers: [{ ports: [{ name: "http", containerPort: 8080 }] }] } } } },
      { apiVersion: "v1", kind: "Node", metadata: { name: "n1", labels: { zone: "a" } }, status: { addresses: [{ type: "InternalIP", address: "10.0.0.1" }, { type: "Hostname", address: "n1" }] } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { team: "s" } } },
    ]);
    expect(inv.workloads.map((w) => `${w.namespace}/${w.name}[${w.kind}] ${w.ips.join(",")}`)).toEqual(["shop/lonely[Pod] ", "shop/web[Deployment] 192.168.1.5"]);
    expect(inv.nodes).toEqual([{ name: "n1", ips: ["10.0.0.1"], labels: { zone: "a" }, autoHostEndpoint: false }]);
    expect(inv.namespaces).toEqual([{ name: "shop", labels: { team: "s" } }]);
  });

  it("puts objects without a namespace in default and merges declared + discovered inventories", () => {
    const found = inventoryFromObjects([{ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "agent" }, spec: { template: { metadata: { labels: { a: "b" } }, spec: { hostNetwork: true } } } }]);
    expect(found.workloads[0]).toMatchObject({ namespace: "default", name: "agent", kind: "DaemonSet", hostNetwork: true });
    const merged = mergeInventories(parseInventory({ namespaces: [{ name: "default", labels: { x: "y" } }] }), found);
    expect(merged.namespaces).toEqual([{ name: "default", labels: { x: "y" } }]);
    expect(merged.workloads).toHaveLength(1);
  });

  it("a declared entry keeps what it declares and takes the addresses and node it leaves out from a dump", () => {
    const declared = parseInventory({
      namespaces: [{ name: "shop", workloads: [{ name: "web", labels: { app: "web" }, serviceAccount: "web" }] }],
      nodes: [{ name: "n1", labels: { role: "worker" } }],
    });
    const dump = inventoryFromObjects([
      { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "shop", labels: { app: "web", extra: "1" } }, spec: { nodeName: "n1", containers: [] }, status: { podIP: "192.168.1.5" } },
      { apiVersion: "v1", kind: "Node", metadata: { name: "n1", labels: { zone: "a" } }, status: { addresses: [{ type: "InternalIP", address: "10.0.0.1" }] } },
    ]);
    const merged = mergeInventories(declared, dump);
    expect(merged.workloads).toEqual([expect.objectContaining({ name: "web", labels: { app: "web" }, serviceAccount: "web", ips: ["192.168.1.5"], node: "n1" })]);
    expect(merged.nodes).toEqual([{ name: "n1", ips: ["10.0.0.1"], labels: { zone: "a", role: "worker" }, autoHostEndpoint: false }]);
  });
});

describe("mergeInventories keys workloads by kind (issue 11)", () => {
  it("a Deployment and a StatefulSet both named web stay two workloads; a bare Pod named web still adds its address to the one web", () => {
    const declared = parseInventory({ namespaces: [{ name: "shop", workloads: [{ name: "web", kind: "Deployment", labels: { app: "web" } }] }] });
    const manifests = inventoryFromObjects([{ apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "web", namespace: "shop" }, spec: { template: { metadata: { labels: { app: "web-db" } }, spec: {} } } }]);
    const merged = mergeInventories(declared, manifests);
    expect(merged.workloads.map((w) => `${w.kind}/${w.name} ${JSON.stringify(w.labels)}`)).toEqual(['Deployment/web {"app":"web"}', 'StatefulSet/web {"app":"web-db"}']);
    const pod = inventoryFromObjects([{ apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "shop", labels: { app: "web" } }, spec: { containers: [] }, status: { podIP: "192.168.1.9" } }]);
    // Two earlier workloads of that name: the bare pod is neither, and stays its own.
    expect(mergeInventories(merged, pod).workloads.map((w) => `${w.kind}/${w.name} ${w.ips.join(",")}`)).toEqual(["Deployment/web ", "StatefulSet/web ", "Pod/web 192.168.1.9"]);
    expect(mergeInventories(declared, pod).workloads.map((w) => `${w.kind}/${w.name} ${w.ips.join(",")}`)).toEqual(["Deployment/web 192.168.1.9"]);
  });
});

describe("ownerReferences cycles (issue 11, defect 5: the owner walk spun forever)", () => {
  const rs = (name: string, owner: string) => ({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name, namespace: "shop", ownerReferences: [{ kind: "ReplicaSet", name: owner, controller: true }] }, spec: { template: { metadata: { labels: { app: name } }, spec: {} } } });
  const pod = (name: string, owner: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "shop", labels: { app: "p" }, ownerReferences: [{ kind: "ReplicaSet", name: owner, controller: true }] }, spec: { containers: [] } });

  it("a ReplicaSet that owns itself is one workload, and its pods are named after it", () => {
    const inv = inventoryFromObjects([rs("loop", "loop"), pod("loop-1", "loop")]);
    expect(inv.workloads.map((w) => `${w.kind}/${w.name}`)).toEqual(["ReplicaSet/loop"]);
  });

  it("a → b → a ends at the cycle's smallest member, whichever object the pods name", () => {
    const inv = inventoryFromObjects([rs("b", "a"), rs("a", "b"), pod("p1", "a"), pod("p2", "b")]);
    expect(inv.workloads.map((w) => `${w.kind}/${w.name}`)).toEqual(["ReplicaSet/a"]);
  });

  it("a longer cycle through a Pod terminates too", () => {
    const inv = inventoryFromObjects([rs("a", "b"), rs("b", "c"), rs("c", "a"), pod("x", "c")]);
    expect(inv.workloads.map((w) => `${w.kind}/${w.name}`)).toEqual(["ReplicaSet/a"]);
  });

  it("many pods of one Deployment accumulate every address (once each)", () => {
    const pods = Array.from({ length: 2000 }, (_, i) => ({ ...pod(`web-${i}`, "web-abc"), status: { podIP: `192.168.${i >> 8}.${i & 255}` } }));
    const inv = inventoryFromObjects([{ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "web-abc", namespace: "shop", ownerReferences: [{ kind: "Deployment", name: "web", controller: true }] }, spec: { template: { metadata: { labels: { app: "web" } }, spec: {} } } }, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" }, spec: { template: { metadata: { labels: { app: "web" } }, spec: {} } } }, ...pods]);
    expect(inv.workloads.map((w) => `${w.kind}/${w.name}`)).toEqual(["Deployment/web"]);
    expect(new Set(inv.workloads[0]!.ips).size).toBe(2000);
  });
});
