// `--inventory` means the same in every command (report, diff, explain, replay, recommend): a declared
// inventory file or a kubectl dump, merged after policies/inventory.yaml. replay and recommend used to read
// it as manifests only, so a declared inventory given there added nothing, silently.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadInventories } from "../../src/cli/commands/report.js";

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "cb-inv-"));
  temps.push(d);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(d, f, ".."), { recursive: true });
    writeFileSync(join(d, f), text);
  }
  return d;
}

const DECLARED = `namespaces:
  - name: payments
    labels: { team: pay }
    workloads:
      - name: api
        kind: Deployment
        labels: { app: payments-api }
        serviceAccount: payments-api
        hostNetwork: false
        ports: [{ name: https, port: 8443, protocol: TCP }]
nodes: []
`;

const DUMP = JSON.stringify({
  apiVersion: "v1",
  kind: "List",
  items: [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "ledger", labels: { "kubernetes.io/metadata.name": "ledger" } } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "books", namespace: "ledger" },
      spec: { template: { metadata: { labels: { app: "books" } }, spec: { containers: [{ name: "books" }] } } },
    },
  ],
});

describe("--inventory", () => {
  it("reads a declared inventory file and adds it to policies/inventory.yaml", () => {
    const d = dir({ "policies/inventory.yaml": "namespaces: []\nnodes: [{ name: control, ips: [10.0.0.10] }]\n", "extra.yaml": DECLARED });
    const inv = loadInventories(d, "extra.yaml");
    expect(inv.workloads.map((w) => `${w.namespace}/${w.name}`)).toEqual(["payments/api"]);
    expect(inv.namespaces.find((n) => n.name === "payments")?.labels).toMatchObject({ team: "pay" });
  });

  it("reads a kubectl -o json List dump", () => {
    const d = dir({ "dump.json": DUMP });
    const inv = loadInventories(d, "dump.json");
    expect(inv.workloads.map((w) => `${w.namespace}/${w.name}`)).toEqual(["ledger/books"]);
  });

  it("reads a bare JSON array of manifests as a dump", () => {
    const d = dir({ "objects.json": JSON.stringify((JSON.parse(DUMP) as { items: unknown[] }).items) });
    const inv = loadInventories(d, "objects.json");
    expect(inv.workloads.map((w) => `${w.namespace}/${w.name}`)).toEqual(["ledger/books"]);
  });

  it("without policies/inventory.yaml and --inventory is empty", () => {
    const inv = loadInventories(dir({}), undefined);
    expect(inv.workloads).toEqual([]);
    expect(inv.namespaces).toEqual([]);
  });
});
