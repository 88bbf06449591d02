/**
 * Dump reading benchmark (issue 11 defect 5, issue 15 item 3): a `kubectl get ns,nodes,deploy,rs,pods -A -o
 * json` List at 5k, 10k and 20k pods (Deployments with two pods each and their ReplicaSets, without the pod
 * templates the inventory does not read; pods as kubectl prints them: annotations, container specs and status,
 * no managedFields, which `kubectl get` leaves out since 1.21). About 8 kB a pod with its share of the
 * Deployment and ReplicaSet, ~155 MB at 20k pods: more than the issue's ~100 MB, so the target is not met on
 * a lean dump. Read as `--inventory` reads it. Reading was quadratic (40k items: 6.4 s) because each
 * ReplicaSet searched every item for its owner and every pod copied its workload's address list.
 *
 * Each size is written to a file first (not timed), then read in a process of its own (bench/dump-phase.ts),
 * so the figure's peak RSS is the read's own, not the generator's. A second process times the steps apart:
 * reading the text, parsing the JSON, building the inventory. Every figure shows CPU (user + system), wall and
 * true peak RSS (maxRSS). Targets, judged on CPU, printed PASS/MISS: the 20k read <= 3 s; growth exponent
 * 5k -> 20k <= 1.2 (linear). Exits non-zero on a miss.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Figure, compilePhase, exponent, fmtSeconds, formatFigure, judge, loadNote, runPhase } from "./measure.js";

const SIZES = [5_000, 10_000, 20_000];
const TARGET_CPU_S = 3;
const TARGET_EXPONENT = 1.2;
const here = dirname(fileURLToPath(import.meta.url));
const out = (s: string): void => void process.stdout.write(`${s}\n`);

/** The dump of a cluster of `pods` pods as kubectl prints it (4-space indented, like `kubectl -o json`). */
function dumpText(pods: number): string {
  const ts = "2026-01-01T00:00:00Z";
  const items: unknown[] = [];
  const nsCount = Math.max(1, Math.round(pods / 400));
  const nodes = Math.max(3, Math.round(pods / 100));
  const meta = (name: string, namespace: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    name,
    ...(namespace === undefined ? {} : { namespace }),
    uid: `${name}-0000-4000-8000-${(name.length * 7919).toString(16).padStart(12, "0")}`,
    resourceVersion: String(100000 + items.length),
    creationTimestamp: ts,
    ...extra,
  });
  for (let n = 0; n < nsCount; n++) items.push({ apiVersion: "v1", kind: "Namespace", metadata: meta(`ns-${n}`, undefined, { labels: { "kubernetes.io/metadata.name": `ns-${n}`, team: `t${n % 7}` } }), spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } });
  for (let n = 0; n < nodes; n++) {
    items.push({ apiVersion: "v1", kind: "Node", metadata: meta(`node-${n}`, undefined, { labels: { "kubernetes.io/hostname": `node-${n}`, "kubernetes.io/os": "linux" } }), spec: { podCIDR: `10.42.${n & 255}.0/24` }, status: { addresses: [{ type: "InternalIP", address: `10.255.${n >> 8}.${n & 255}` }, { type: "Hostname", address: `node-${n}` }] } });
  }
  for (let i = 0; i < pods / 2; i++) {
    const ns = `ns-${i % nsCount}`;
    const labels = { app: `app-${i}`, tier: ["web", "api", "db"][i % 3] as string };
    const hash = `${(i * 2654435761).toString(16).slice(-10).padStart(10, "0")}`;
    const podLabels = { ...labels, "pod-template-hash": hash };
    const containers = [
      {
        name: "app",
        image: `registry.example.com/app-${i}:1.2.3`,
        ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }, { name: "metrics", containerPort: 9090, protocol: "TCP" }],
        resources: { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "100m", memory: "128Mi" } },
        env: [{ name: "LOG_LEVEL", value: "info" }],
        volumeMounts: [{ name: "kube-api-access", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true }],
        livenessProbe: { httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" }, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 },
        terminationMessagePath: "/dev/termination-log",
        imagePullPolicy: "IfNotPresent",
      },
    ];
    items.push({ apiVersion: "apps/v1", kind: "Deployment", metadata: meta(`app-${i}`, ns, { labels, generation: 1 }), spec: { replicas: 2, selector: { matchLabels: labels } }, status: { replicas: 2, readyReplicas: 2 } });
    const rs = `app-${i}-${hash}`;
    items.push({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: meta(rs, ns, { labels: podLabels, ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: `app-${i}`, uid: "d", controller: true, blockOwnerDeletion: true }] }), spec: { replicas: 2, selector: { matchLabels: podLabels } }, status: { replicas: 2 } });
    for (let p = 0; p < 2; p++) {
      const k = 2 * i + p;
      const ip = `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;
      items.push({
        apiVersion: "v1",
        kind: "Pod",
        metadata: meta(`${rs}-${k.toString(36).padStart(5, "x")}`, ns, {
          generateName: `${rs}-`,
          labels: podLabels,
          annotations: { "cni.projectcalico.org/podIP": `${ip}/32`, "cni.projectcalico.org/podIPs": `${ip}/32`, "cni.projectcalico.org/containerID": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
          ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: rs, uid: "r", controller: true, blockOwnerDeletion: true }],
        }),
        spec: {
          serviceAccountName: "default",
          nodeName: `node-${k % nodes}`,
          containers,
          volumes: [{ name: "kube-api-access", projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: "token" } }] } }],
          restartPolicy: "Always",
          dnsPolicy: "ClusterFirst",
          schedulerName: "default-scheduler",
          tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }],
        },
        status: {
          phase: "Running",
          podIP: ip,
          podIPs: [{ ip }],
          hostIP: `10.255.${(k % nodes) >> 8}.${(k % nodes) & 255}`,
          conditions: ["Initialized", "Ready", "PodScheduled"].map((type) => ({ type, status: "True", lastProbeTime: null, lastTransitionTime: ts })),
          containerStatuses: [{ name: "app", ready: true, restartCount: 0, image: containers[0]!.image, imageID: `registry.example.com/app-${i}@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef`, containerID: "containerd://0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", started: true, state: { running: { startedAt: ts } } }],
          qosClass: "Burstable",
          startTime: ts,
        },
      });
    }
  }
  return JSON.stringify({ apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items }, null, 4);
}

out(`machine: ${loadNote()} (targets are judged on CPU)`);
const phase = await compilePhase(join(here, "dump-phase.ts"));
const dir = mkdtempSync(join(tmpdir(), "dump-bench-"));
const whole = new Map<number, Figure>();
let failed = 0;
try {
  for (const pods of SIZES) {
    const file = join(dir, `dump-${pods}.json`);
    const t = performance.now();
    writeFileSync(file, dumpText(pods));
    out(`\n-- ${pods.toLocaleString("en")} pods: ${(statSync(file).size / 1e6).toFixed(0)} MB written in ${((performance.now() - t) / 1000).toFixed(1)} s (not timed); ${loadNote()}`);
    for (const mode of ["whole", "parts"]) {
      const r = runPhase(phase, [file, mode]);
      if (r.output !== "") out(r.output);
      if (!r.ok) {
        failed++;
        out("  (phase process failed)");
      }
      if (mode === "whole" && r.figures[0] !== undefined) whole.set(pods, r.figures[0]);
    }
    rmSync(file, { force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

out("\n== summary: the read as --inventory does it (cpu / wall / peak rss)");
for (const pods of SIZES) {
  const f = whole.get(pods);
  out(`  ${pods.toLocaleString("en")} pods: ${f === undefined ? "-" : formatFigure(f)}`);
}
const [small, , big] = SIZES as [number, number, number];
const f1 = whole.get(small);
const f2 = whole.get(big);
const k = (y: (f: Figure) => number): number => (f1 === undefined || f2 === undefined ? Number.NaN : exponent(small, y(f1), big, y(f2)));
out(`  growth ${small / 1000}k -> ${big / 1000}k pods: cpu n^${k((f) => f.cpuMs).toFixed(2)}, wall n^${k((f) => f.wallMs).toFixed(2)}, peak rss n^${k((f) => f.peakMiB).toFixed(2)}`);
out(`  (${fmtSeconds(f2?.cpuMs ?? Number.NaN)} of CPU at ${big / 1000}k pods)`);
out("\n== targets");
const ok = judge([
  { what: `dump read at ${big / 1000}k pods, cpu`, value: (f2?.cpuMs ?? Number.NaN) / 1000, limit: TARGET_CPU_S, unit: "s" },
  { what: `dump read growth exponent ${small / 1000}k -> ${big / 1000}k pods, cpu`, value: k((f) => f.cpuMs), limit: TARGET_EXPONENT, unit: "" },
]);
process.exitCode = ok && failed === 0 ? 0 : 1;
