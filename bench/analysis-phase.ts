/**
 * One phase of the analysis benchmark on the generated cluster at one scale, in a process of its own so
 * that its peak RSS is its own (bench/analysis.bench.ts runs every phase and judges the targets):
 *
 *   analysis-phase.ts SCALE parse|connectivity|diff|explain|dump
 *
 * - parse: the cluster's manifests as multi-document YAML files (5,000 documents each), parsed as `--manifests` reads them.
 * - connectivity: read policies + model + classes for every pair + namespace roll-up, on fresh objects;
 *   then (not timed) 2,000 random pairs × 5 ports checked against the reference evaluator.
 * - diff: two versions, each read and modelled, compared (with up to 1,000 explained pair changes), as a
 *   review reads them: one read memo, the second model and connectivity built over the first's.
 * - explain: the first explain on a fresh model (cold: no connectivity ran, no endpoint cache; measured
 *   after the model's garbage is collected and V8's background threads are idle), then
 *   200 explains of random pairs whose endpoints are each seen for the first time.
 * - dump: a `kubectl get ... -A -o json` dump of the cluster (Namespaces, Nodes, ServiceAccounts,
 *   Deployments, ReplicaSets, Pods with managedFields and status) read as `--inventory` reads it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadInventory, parseManifestText } from "../src/analysis/analyse.js";
import { computeConnectivity } from "../src/analysis/connectivity.js";
import { diffModels } from "../src/analysis/diff.js";
import { endpointPeer, evaluateFlow, type Peer } from "../src/analysis/evaluate.js";
import { buildModel } from "../src/analysis/model.js";
import { PolicyReadMemo, readPolicies, sourced } from "../src/analysis/policies.js";
import { benchCluster, seeded } from "./cluster.js";
import { emitFigure, measure } from "./measure.js";

const scale = Number(process.argv[2]);
const phase = process.argv[3];
const b = benchCluster(scale);
const rnd = seeded(7);

switch (phase) {
  case "parse": {
    // In files of at most 5,000 documents (a file may hold MAX_DOCUMENTS_PER_FILE), as a manifests
    // directory would be split.
    const docs = b.manifests("a").map((o) => stringify(o));
    const files: string[] = [];
    for (let i = 0; i < docs.length; i += 5000) files.push(docs.slice(i, i + 5000).join("---\n"));
    const { value, figure } = measure("parse YAML manifests", () => files.flatMap((text, i) => parseManifestText(text, `bench-${i}.yaml`)));
    emitFigure({ ...figure, notes: [`${value.length} objects in ${files.length} files, ${(files.reduce((n, t) => n + t.length, 0) / 1e6).toFixed(1)} MB of YAML`] });
    break;
  }
  case "connectivity": {
    const objs = b.manifests("a");
    const { value, figure } = measure("connectivity (read policies + model + classes for every pair + namespace roll-up)", () => {
      const model = buildModel(b.inventory, readPolicies(sourced(objs)));
      const c = computeConnectivity(model);
      const g = c.groups();
      return { model, c, g };
    });
    const { model, c, g } = value;
    // Spot check (not timed): random peer pairs agree with the reference evaluator.
    const n = c.peers.length;
    let mismatches = 0;
    let checked = 0;
    const view = (p: (typeof c.peers)[number]): Peer => (p.endpoint !== undefined ? endpointPeer(p.endpoint) : { ip: { version: [...p.ips!.ranges()][0]!.version, value: [...p.ips!.ranges()][0]!.first }, display: p.id });
    for (let k = 0; k < 2000; k++) {
      const s = Math.floor(rnd() * n);
      const d = Math.floor(rnd() * n);
      const ps = c.peers[s]!;
      const pd = c.peers[d]!;
      if (s === d || (ps.kind === "external" && pd.kind === "external")) continue;
      checked++;
      for (const [protocol, port] of [[6, 8080], [6, 5432], [6, 443], [17, 53], [6, 22]] as const) {
        if (evaluateFlow(model, { src: view(ps), dst: view(pd), protocol, port }).allowed !== c.allowed(s, d).contains(protocol, port)) mismatches++;
      }
    }
    // A few namespace cells against the union over their member pairs (not timed).
    let cellMismatches = 0;
    const names = g.names;
    const members = new Map<string, number[]>();
    c.peers.forEach((p, i) => (members.get(p.group) ?? members.set(p.group, []).get(p.group)!).push(i));
    for (let k = 0; k < 20; k++) {
      const gs = Math.floor(rnd() * (names.length - 2));
      const gd = k % 4 === 0 ? gs : Math.floor(rnd() * (names.length - 2));
      let want = 0;
      for (const s of members.get(names[gs]!)!) for (const d of members.get(names[gd]!)!) if (s !== d) want = c.interner.unionIds(want, c.allowedId(s, d));
      if (want !== g.idAt(gs, gd)) cellMismatches++;
    }
    emitFigure({
      ...figure,
      notes: [
        `${c.peers.length} peers in ${c.classCount} classes; ${c.rows.egress.size + c.rows.ingress.size} class-pair overrides; ${names.length} groups, ${g.corrected} group pairs from special class pairs, ${g.profiles} default profiles`,
        `spot check: ${checked} random pairs x 5 ports against the reference evaluator: ${mismatches} mismatches; 20 namespace cells against the union of their pairs: ${cellMismatches} mismatches`,
      ],
    });
    if (mismatches + cellMismatches > 0) process.exitCode = 1;
    break;
  }
  case "diff": {
    const a = b.manifests("a");
    const bb = b.manifests("b");
    // As review.ts reads two versions: one read memo, the second model built over the first.
    const { value, figure } = measure("diff of two versions (read + model both, compare, explain up to 1,000 changes)", () => {
      const memo = new PolicyReadMemo();
      const before = buildModel(b.inventory, readPolicies(sourced(a), { memo }));
      return diffModels(before, buildModel(b.inventory, readPolicies(sourced(bb), { memo }), { base: before }), { maxChanges: 1000 });
    });
    emitFigure({ ...figure, notes: [`${value.changes.length + value.omitted} changed pairs (${value.changes.length} listed and explained), ${value.groups.length} namespace pairs changed`] });
    break;
  }
  case "explain": {
    const model = buildModel(b.inventory, readPolicies(sourced(b.manifests("a"))));
    const src = model.byRef.get(`${b.ns(7)}/pod-1`)![0]!;
    const dst = model.byRef.get(`${b.ns(7)}/pod-4`)![0]!;
    // Collect the garbage of reading and modelling, then let V8's concurrent sweeper and compiler
    // threads finish (idle): process CPU counts every thread, and their left-over work is not the
    // explain's. The model stays fresh: nothing has evaluated a flow on it.
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 500));
    // The first JavaScript after the idle wait pays V8's pending housekeeping (measured: ~4 ms of CPU on
    // an empty loop at 100k pods, 0.02 ms on the next): two throwaway measurements of nothing take it,
    // touching neither the model nor the explain code.
    for (let k = 0; k < 2; k++) measure("nothing", () => 0, { gc: false });
    const { value, figure } = measure("explain one flow, cold (fresh model, nothing cached)", () => evaluateFlow(model, { src: endpointPeer(src), dst: endpointPeer(dst), protocol: 6, port: 8080 }), { gc: false });
    emitFigure({ ...figure, notes: [`${value.src} -> ${value.dst}: ${value.allowed ? "allowed" : "denied"}`] });
    const samples: number[] = [];
    for (let i = 0; i < 200; i++) {
      const x = model.byRef.get(`${b.ns(Math.floor(rnd() * b.namespaces))}/pod-${Math.floor(rnd() * b.podsPerNamespace)}`)?.[0];
      const y = model.byRef.get(`${b.ns(Math.floor(rnd() * b.namespaces))}/pod-${Math.floor(rnd() * b.podsPerNamespace)}`)?.[0];
      if (x === undefined || y === undefined) continue;
      const c0 = process.cpuUsage();
      evaluateFlow(model, { src: endpointPeer(x), dst: endpointPeer(y), protocol: 6, port: 8080 });
      const c = process.cpuUsage(c0);
      samples.push((c.user + c.system) / 1000);
    }
    samples.sort((p, q) => p - q);
    const pct = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
    emitFigure({ label: "explain p95 of 200 random flows (endpoints first seen)", wallMs: Number.NaN, cpuMs: pct(0.95), peakMiB: process.resourceUsage().maxRSS / 1024, notes: [`cpu median ${pct(0.5).toFixed(3)} ms, p95 ${pct(0.95).toFixed(3)} ms, max ${samples[samples.length - 1]!.toFixed(3)} ms`] });
    break;
  }
  case "dump": {
    const dir = mkdtempSync(join(tmpdir(), "dump-bench-"));
    try {
      const file = join(dir, "dump.json");
      const text = JSON.stringify(kubectlDump(b), null, 4);
      writeFileSync(file, text);
      const { value, figure } = measure("read a kubectl JSON dump (--inventory)", () => loadInventory(file));
      emitFigure({ ...figure, notes: [`${(text.length / 1e6).toFixed(0)} MB, ${value.workloads.length} workloads, ${value.namespaces.length} namespaces, ${value.nodes.length} nodes`] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    break;
  }
  default:
    process.stderr.write(`unknown phase ${phase}\n`);
    process.exitCode = 2;
}

/**
 * The cluster as `kubectl get ns,nodes,sa,deploy,rs,pods -A -o json` prints it, about 5 kB per pod
 * (Deployments and ReplicaSets without their pod templates, which the inventory does not read).
 */
function kubectlDump(cluster: ReturnType<typeof benchCluster>): unknown {
  const items: unknown[] = [];
  const ts = "2026-01-01T00:00:00Z";
  const meta = (kind: string, name: string, namespace: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    name,
    ...(namespace === undefined ? {} : { namespace }),
    uid: `${kind}-${namespace ?? ""}-${name}`.replace(/[^a-z0-9-]/gi, "-"),
    resourceVersion: "12345",
    creationTimestamp: ts,
    ...extra,
  });
  for (const n of cluster.inventory.namespaces) items.push({ apiVersion: "v1", kind: "Namespace", metadata: meta("ns", n.name, undefined, { labels: { ...n.labels, "kubernetes.io/metadata.name": n.name } }), spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } });
  for (const n of cluster.inventory.nodes) {
    items.push({ apiVersion: "v1", kind: "Node", metadata: meta("node", n.name, undefined, { labels: n.labels }), spec: { podCIDR: "10.42.0.0/24" }, status: { addresses: [...n.ips.map((address) => ({ type: "InternalIP", address })), { type: "Hostname", address: n.name }] } });
  }
  for (const n of cluster.inventory.namespaces) for (const sa of ["sa-frontend", "sa-backend", "sa-db", "sa-cache"]) items.push({ apiVersion: "v1", kind: "ServiceAccount", metadata: meta("sa", sa, n.name) });
  cluster.inventory.workloads.forEach((w, i) => {
    const deploy = w.name;
    const rs = `${deploy}-7d9f8b6c5d`;
    const podLabels = { ...w.labels, "pod-template-hash": "7d9f8b6c5d" };
    const containers = [
      {
        name: "app",
        image: `registry.example.com/${w.labels["app"]}:1.2.3`,
        ports: w.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })),
        resources: { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "100m", memory: "128Mi" } },
        env: [{ name: "LOG_LEVEL", value: "info" }, { name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } }],
        volumeMounts: [{ name: "kube-api-access", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true }],
        livenessProbe: { httpGet: { path: "/healthz", port: w.ports[0]!.port, scheme: "HTTP" }, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 },
        terminationMessagePath: "/dev/termination-log",
        imagePullPolicy: "IfNotPresent",
      },
    ];
    items.push({ apiVersion: "apps/v1", kind: "Deployment", metadata: meta("deploy", deploy, w.namespace, { labels: w.labels, generation: 1 }), spec: { replicas: 1, selector: { matchLabels: w.labels } }, status: { replicas: 1, readyReplicas: 1 } });
    items.push({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: meta("rs", rs, w.namespace, { labels: podLabels, ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: deploy, uid: `deploy-${w.namespace}-${deploy}`, controller: true, blockOwnerDeletion: true }] }), spec: { replicas: 1, selector: { matchLabels: podLabels } }, status: { replicas: 1 } });
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    items.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: meta("pod", `${rs}-x${i.toString(36)}`, w.namespace, {
        labels: podLabels,
        annotations: { "cni.projectcalico.org/podIP": `${ip}/32`, "cni.projectcalico.org/containerID": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
        ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: rs, uid: `rs-${w.namespace}-${rs}`, controller: true, blockOwnerDeletion: true }],
        managedFields: [
          { manager: "kube-controller-manager", operation: "Update", apiVersion: "v1", time: ts, fieldsType: "FieldsV1", fieldsV1: { "f:metadata": { "f:generateName": {}, "f:labels": { ".": {}, "f:app": {}, "f:role": {} }, "f:ownerReferences": {} }, "f:spec": { "f:containers": {} } } },
          { manager: "kubelet", operation: "Update", apiVersion: "v1", time: ts, fieldsType: "FieldsV1", subresource: "status", fieldsV1: { "f:status": { "f:conditions": {}, "f:containerStatuses": {}, "f:podIP": {}, "f:podIPs": {} } } },
        ],
      }),
      spec: { serviceAccountName: w.serviceAccount, nodeName: `node-${i % 50}`, containers, restartPolicy: "Always", dnsPolicy: "ClusterFirst", schedulerName: "default-scheduler", tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }] },
      status: {
        phase: "Running",
        podIP: ip,
        podIPs: [{ ip }],
        hostIP: `10.255.0.${(i % 50) + 1}`,
        conditions: ["Initialized", "Ready", "ContainersReady", "PodScheduled"].map((type) => ({ type, status: "True", lastProbeTime: null, lastTransitionTime: ts })),
        containerStatuses: [{ name: "app", ready: true, restartCount: 0, image: containers[0]!.image, imageID: `registry.example.com/${w.labels["app"]}@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef`, containerID: "containerd://0123456789abcdef", started: true, state: { running: { startedAt: ts } } }],
        qosClass: "Burstable",
        startTime: ts,
      },
    });
  });
  return { apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items };
}
