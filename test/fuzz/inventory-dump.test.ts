// Fuzz target: the inventory and dump loaders (inventoryFromText: a declared inventory or a kubectl dump, by
// content; inventoryFromObjects on the objects of a dump). Seeds: the repository's inventories and a generated
// dump of Deployments, ReplicaSets and Pods with ownerReferences; mutations replace a subtree with a hostile
// value or point ownerReferences anywhere (cycles included). Property: an Inventory or a UserError naming the
// file, never another exception and never an empty inventory (issue 11, defect 2); at most CPU_MS_PER_CASE CPU
// ms per case for inputs up to ~200 KB (test/fuzz/support.ts). FUZZ_RUNS=20000 for longer runs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { POLICIES_DIR } from "../../policies/catalog.js";
import { inventoryFromText } from "../../src/analysis/analyse.js";
import { type Inventory, inventoryFromObjects } from "../../src/analysis/inventory.js";
import { UserError } from "../../src/model/problem.js";
import { expectResultOrUserError, params, paths, replaceAt, timeout } from "./support.js";
import { anyYaml } from "./yaml-arbitraries.js";

const DECLARED = ["inventory.yaml", "inventory.prod.yaml"].map((f) => parse(readFileSync(join(POLICIES_DIR, f), "utf8")) as unknown);

function dump(n: number): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { team: "s" } } }];
  for (let i = 0; i < n; i++) {
    const tmpl = { metadata: { labels: { app: `a${i}` } }, spec: { containers: [{ name: "c", ports: [{ name: "http", containerPort: 8080 }] }] } };
    items.push({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: `a${i}`, namespace: "shop" }, spec: { template: tmpl } });
    items.push({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: `a${i}-h`, namespace: "shop", ownerReferences: [{ kind: "Deployment", name: `a${i}`, controller: true }] }, spec: { template: tmpl } });
    items.push({ apiVersion: "v1", kind: "Pod", metadata: { name: `a${i}-h-1`, namespace: "shop", labels: { app: `a${i}` }, ownerReferences: [{ kind: "ReplicaSet", name: `a${i}-h`, controller: true }] }, spec: tmpl.spec, status: { podIP: `192.168.0.${i + 1}` } });
  }
  items.push({ apiVersion: "v1", kind: "Node", metadata: { name: "n1" }, status: { addresses: [{ type: "InternalIP", address: "10.0.0.1" }] } });
  return items;
}

const HOSTILE = fc.oneof(
  fc.constantFrom<unknown>(null, 0, -1, 1.5, true, "", "x", [], {}, [{}], [1, 2, 3], { kind: 5 }, { kind: "List", items: 5 }, { metadata: [] }, { ownerReferences: {} }),
  fc.jsonValue({ maxDepth: 3 }),
);

const PATH_LIMIT = 300;

function loads(text: string): Inventory | UserError {
  const r = expectResultOrUserError(text.length, () => inventoryFromText(text, "fuzz.yaml"), () => JSON.stringify(text.slice(0, 200)));
  if (r instanceof UserError) for (const p of r.problems) expect(p.file ?? "", "every problem names the file").toMatch(/^fuzz\.yaml(:\d+)?$/);
  else expect(r.namespaces.length + r.workloads.length + r.nodes.length + r.externals.length, "never an empty inventory").toBeGreaterThan(0);
  return r;
}

describe("fuzz: inventoryFromText and inventoryFromObjects", { timeout: timeout(800, 300) }, () => {
  it("arbitrary YAML text (soup, aliases, deep nesting, many documents)", () => {
    fc.assert(fc.property(anyYaml, (text) => void loads(text)), params(400));
  });

  it("mutated declared inventories, as YAML and as JSON", () => {
    fc.assert(
      fc.property(fc.nat(DECLARED.length - 1), fc.nat(), HOSTILE, fc.boolean(), (i, j, v, json) => {
        const seed = DECLARED[i];
        const ps = paths(seed, PATH_LIMIT);
        const doc = replaceAt(seed, ps[j % ps.length]!, v);
        void loads(json ? JSON.stringify(doc) : JSON.stringify(doc, null, 1));
      }),
      params(600),
    );
  });

  it("mutated dumps with ownerReferences pointing anywhere (cycles included) terminate", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom("Deployment", "ReplicaSet", "Pod", "Job")), { maxLength: 10 }), fc.nat(), HOSTILE, (n, rewires, j, v) => {
        const items = dump(n);
        for (const [a, b, kind] of rewires) {
          const from = items[a % items.length]!;
          const to = items[b % items.length]!;
          const meta = (from["metadata"] ?? {}) as Record<string, unknown>;
          meta["ownerReferences"] = [{ kind, name: (to["metadata"] as { name?: string } | undefined)?.name ?? "x", controller: true }];
        }
        const list = { apiVersion: "v1", kind: "List", items };
        const ps = paths(list, PATH_LIMIT);
        const mutated = j % 3 === 0 ? replaceAt(list, ps[j % ps.length]!, v) : list;
        void loads(JSON.stringify(mutated));
        expectResultOrUserError(0, () => inventoryFromObjects([mutated]), () => "inventoryFromObjects");
      }),
      params(400),
    );
  });
});
