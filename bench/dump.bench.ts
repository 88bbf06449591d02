/**
 * Dump parsing benchmark (issue 11, defect 5): a `kubectl get -A -o json` List of 40,000 items (10,000
 * Deployments, their ReplicaSets and two pods each) read by inventoryFromText, then inventoryFromObjects on
 * 20,000 items again to show the cost grows linearly. Reading was quadratic (40k items: 6.4 s) because each
 * ReplicaSet searched every item for its owner and every pod copied its workload's address list.
 * Prints CPU time and peak RSS; exits non-zero when 40k items take more than 5 s of CPU.
 */
import { inventoryFromText } from "../src/analysis/analyse.js";
import { inventoryFromObjects } from "../src/analysis/inventory.js";
import { fmtSeconds, measure } from "./measure.js";

const TARGET_CPU_MS = 5_000;

function dump(deployments: number): unknown[] {
  const items: unknown[] = [];
  for (let i = 0; i < deployments; i++) {
    const ns = `ns-${i % 50}`;
    const labels = { app: `app-${i}` };
    const tmpl = { metadata: { labels }, spec: { containers: [{ name: "c", ports: [{ containerPort: 8080 }] }] } };
    items.push({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: `app-${i}`, namespace: ns }, spec: { template: tmpl } });
    items.push({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: `app-${i}-h`, namespace: ns, ownerReferences: [{ kind: "Deployment", name: `app-${i}`, controller: true }] }, spec: { template: tmpl } });
    for (let p = 0; p < 2; p++) {
      items.push({ apiVersion: "v1", kind: "Pod", metadata: { name: `app-${i}-h-${p}`, namespace: ns, labels, ownerReferences: [{ kind: "ReplicaSet", name: `app-${i}-h`, controller: true }] }, spec: tmpl.spec, status: { podIP: `10.${(i >> 8) & 255}.${i & 255}.${p + 1}` } });
    }
  }
  return items;
}

const big = JSON.stringify({ apiVersion: "v1", kind: "List", items: dump(10_000) });
const half = dump(5_000);
const a = measure("inventoryFromText, 40,000 items (JSON text)", () => inventoryFromText(big, "dump.json"));
const b = measure("inventoryFromObjects, 20,000 items", () => inventoryFromObjects(half));
const c = measure("inventoryFromObjects, 40,000 items", () => inventoryFromObjects(dump(10_000)));
for (const { figure: f } of [a, b, c]) console.log(`${f.label}: ${fmtSeconds(f.cpuMs)} CPU (${fmtSeconds(f.wallMs)} wall), peak RSS ${f.peakMiB.toFixed(0)} MiB`);
console.log(`workloads: ${a.value.workloads.length}; 40k/20k CPU ratio ${(c.figure.cpuMs / b.figure.cpuMs).toFixed(2)} (linear ≈ 2)`);
if (a.figure.cpuMs > TARGET_CPU_MS) {
  console.error(`FAIL: ${fmtSeconds(a.figure.cpuMs)} CPU > target ${fmtSeconds(TARGET_CPU_MS)}`);
  process.exitCode = 1;
}
