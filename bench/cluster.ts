/**
 * The benchmarks' generated Calico-tier cluster, one shape at any size: per 1.0 of scale 2,000 namespaces
 * of 10 pods (20,000 pods), 5,000 Calico policies over 4 tiers (2% security guards, 8% team-wide platform
 * allowances, 90% per-namespace application/appsec allow lists), 1,000 Kubernetes NetworkPolicies and
 * 500 GlobalNetworkSets of 100 CIDRs each. Scale 5 is the 100k-pod cluster. Deterministic (seeded).
 *
 * Variant "b" is the same cluster with 1 in 97 application rules flipped to Deny and 1 in 50 Kubernetes
 * policies admitting frontends instead of backends: the diff benchmark compares "a" with "b".
 */
import type { Inventory, InventoryWorkload } from "../src/analysis/inventory.js";

export interface BenchCluster {
  readonly scale: number;
  readonly namespaces: number;
  readonly podsPerNamespace: number;
  readonly calico: number;
  readonly k8s: number;
  readonly sets: number;
  readonly cidrsPerSet: number;
  readonly inventory: Inventory;
  manifests(variant: "a" | "b"): unknown[];
  /** Namespace name of index i. */
  ns(i: number): string;
  describe(): string;
}

/** mulberry32: a tiny seeded PRNG so every run measures the same cluster. */
export function seeded(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROLES = ["frontend", "frontend", "frontend", "backend", "backend", "backend", "backend", "db", "db", "cache"];
const NODES = 50;

export function benchCluster(scale: number): BenchCluster {
  const NAMESPACES = Math.round(2000 * scale);
  const PODS_PER_NS = 10;
  const CALICO = Math.round(5000 * scale);
  const K8S = Math.round(1000 * scale);
  const SETS = Math.max(1, Math.round(500 * scale));
  const CIDRS_PER_SET = 100;
  const width = Math.max(4, String(NAMESPACES - 1).length);
  const ns = (i: number): string => `ns-${String(i).padStart(width, "0")}`;

  const workloads: InventoryWorkload[] = [];
  for (let i = 0; i < NAMESPACES; i++) {
    for (let j = 0; j < PODS_PER_NS; j++) {
      const role = ROLES[j]!;
      workloads.push({
        namespace: ns(i),
        name: `pod-${j}`,
        kind: "Pod",
        labels: { app: `app-${j}`, role },
        serviceAccount: `sa-${role}`,
        hostNetwork: false,
        ports: role === "db" ? [{ name: "pg", port: 5432, protocol: "TCP" }] : [{ name: "http", port: 8080, protocol: "TCP" }, { name: "metrics", port: 9090, protocol: "TCP" }],
        ips: [],
      });
    }
  }
  const inventory: Inventory = {
    namespaces: Array.from({ length: NAMESPACES }, (_, i) => ({ name: ns(i), labels: { team: `team-${i % 40}`, env: i % 3 === 0 ? "prod" : "dev" } })),
    workloads,
    nodes: Array.from({ length: NODES }, (_, i) => ({ name: `node-${i}`, ips: [`10.255.0.${i + 1}`], labels: { "kubernetes.io/os": "linux", ...(i === 0 ? { "node-role.kubernetes.io/control-plane": "true" } : {}) }, autoHostEndpoint: true })),
    externals: [],
    serviceAccounts: [],
  };

  function manifests(variant: "a" | "b"): unknown[] {
    const rnd = seeded(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const objs: unknown[] = [];
    const tiers: Array<[string, number, string]> = [["security", 100, "Deny"], ["platform", 200, "Pass"], ["application", 300, "Deny"], ["appsec", 400, "Pass"]];
    for (const [name, order, da] of tiers) objs.push({ apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name }, spec: { order, defaultAction: da } });
    for (let k = 0; k < SETS; k++) {
      const nets: string[] = [];
      for (let c = 0; c < CIDRS_PER_SET; c++) {
        const a = 11 + Math.floor(rnd() * 200);
        nets.push(`${a}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.0/${pick([24, 24, 28, 32])}`.replace(/\.0\/32$/, ".1/32").replace(/\.0\/28$/, ".16/28"));
      }
      objs.push({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name: `feed-${k}`, labels: { feed: `feed-${k % 50}`, verdict: k % 5 === 0 ? "block" : "allow" } }, spec: { nets } });
    }
    let made = 0;
    const gnp = (name: string, spec: Record<string, unknown>): void => {
      objs.push({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name }, spec });
      made++;
    };
    const np = (namespace: string, name: string, spec: Record<string, unknown>): void => {
      objs.push({ apiVersion: "projectcalico.org/v3", kind: "NetworkPolicy", metadata: { name, namespace }, spec });
      made++;
    };
    // security: blocked feeds, DNS, pass the rest (2% of the policies).
    const security = Math.round(CALICO * 0.02);
    for (let i = 0; i < security; i++) {
      gnp(`security.guard-${i}`, {
        tier: "security",
        order: 10 + i,
        selector: `role == "${pick(ROLES)}"`,
        namespaceSelector: `team == "team-${i % 40}"`,
        types: ["Egress"],
        egress: [{ action: "Deny", destination: { selector: 'verdict == "block"' } }, { action: "Allow", protocol: "UDP", destination: { ports: [53] } }, { action: "Pass" }],
      });
    }
    // platform: team-wide allowances to feeds and from other teams (8%).
    const platform = Math.round(CALICO * 0.08);
    for (let i = 0; i < platform; i++) {
      gnp(`platform.team-${i}`, {
        tier: "platform",
        order: 100 + (i % 10),
        selector: `app == "app-${i % 10}"`,
        namespaceSelector: `team == "team-${i % 40}"`,
        ingress: [{ action: "Allow", protocol: "TCP", source: { namespaceSelector: `team == "team-${(i + 1) % 40}"`, selector: 'role == "frontend"' }, destination: { ports: ["http"] } }],
        egress: [{ action: "Allow", protocol: "TCP", destination: { selector: `feed == "feed-${i % 50}"`, ports: [443] } }],
      });
    }
    // application: per-namespace allow lists (the rest, 90%).
    let i = 0;
    while (made < CALICO) {
      const n = ns(i % NAMESPACES);
      const j = Math.floor(i / NAMESPACES);
      const flip = variant === "b" && i % 97 === 0;
      np(n, `application.allow-${j}`, {
        tier: j % 2 === 0 ? "application" : "appsec",
        order: 10 + j,
        selector: `role == "${j % 2 === 0 ? "backend" : "db"}"`,
        ingress: [{ action: flip ? "Deny" : "Allow", protocol: "TCP", source: { selector: `role == "${j % 2 === 0 ? "frontend" : "backend"}"` }, destination: { ports: [j % 2 === 0 ? "http" : "pg"] } }],
        egress: [{ action: "Allow", protocol: "TCP", destination: { selector: 'role == "db"' } }, { action: "Allow", protocol: "UDP", destination: { ports: [53] } }],
      });
      i++;
    }
    for (let k = 0; k < K8S; k++) {
      objs.push({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: `cache-${k}`, namespace: ns(k % NAMESPACES) },
        spec: { podSelector: { matchLabels: { role: "cache" } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: variant === "b" && k % 50 === 0 ? "frontend" : "backend" } } }], ports: [{ port: 8080, protocol: "TCP" }] }] },
      });
    }
    return objs;
  }

  return {
    scale,
    namespaces: NAMESPACES,
    podsPerNamespace: PODS_PER_NS,
    calico: CALICO,
    k8s: K8S,
    sets: SETS,
    cidrsPerSet: CIDRS_PER_SET,
    inventory,
    manifests,
    ns,
    describe: () =>
      `${workloads.length} pods, ${NAMESPACES} namespaces, ${CALICO} Calico policies over 4 tiers, ${K8S} k8s NetworkPolicies, ${SETS} network sets with ${SETS * CIDRS_PER_SET} CIDRs`,
  };
}
