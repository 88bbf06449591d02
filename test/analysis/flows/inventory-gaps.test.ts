// `recommend` and an inventory that does not declare every flow end: the cases keep those ends, the user is
// told the exact inventory entries to add (exit 4), and once pasted the cases pass the catalog's rules.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse, parseDocument } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { main, type CliIo } from "../../../src/cli/main.js";
import { formatEndpoint, parseCases, type CaseEndpoint } from "../../../src/model/cases.js";
import { CATALOG, loadCatalog } from "../../../policies/catalog.js";
import { analyse } from "../../../src/analysis/analyse.js";
import { expectFlow } from "../../../src/analysis/expect-flow.js";
import { loadStackConfig } from "../../../src/config/index.js";
import { BASELINE_TIERS } from "../../../src/config/types.js";
import { synthCharts } from "../../../src/rendering/synth.js";
import { type Inventory, EMPTY_INVENTORY, parseInventory } from "../../../src/analysis/inventory.js";
import { formatInventoryGaps, guessWorkloadKind, inventoryGaps } from "../../../src/analysis/flows/inventory-gaps.js";
import type { PlannedCase } from "../../../src/analysis/flows/recommend.js";
import type { FlowEndpoint } from "../../../src/analysis/flows/model.js";
import { type GenApp, type GenConnection, generateFlowLog } from "../../fixtures/flows/generate.js";

const root = resolve(import.meta.dirname, "../../..");
const work = mkdtempSync(join(tmpdir(), "flows-gaps-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// shop/frontend is declared (app=frontend); its pods carry a pod-template-hash the inventory does not.
// shop/checkout and the whole payments namespace are not declared.
const FRONTEND: GenApp = { namespace: "shop", app: "frontend", extra: { "pod-template-hash": "5c7d9f8b6d" } };
const CHECKOUT: GenApp = { namespace: "shop", app: "checkout", extra: { "pod-template-hash": "84f6c7b9d5", tier: "web" } };
const LEDGER: GenApp = { namespace: "payments", app: "ledger", extra: { "controller-revision-hash": "ledger-6b8f9c", "statefulset.kubernetes.io/pod-name": "ledger-0" } };
const COREDNS: GenApp = { namespace: "kube-system", app: "kube-dns", key: "k8s-app" };
const CONNECTIONS: GenConnection[] = [
  { from: FRONTEND, to: CHECKOUT, protocol: "TCP", port: 8080 },
  { from: CHECKOUT, to: LEDGER, protocol: "TCP", port: 5432 },
  { from: CHECKOUT, to: COREDNS, protocol: "UDP", port: 53 },
  { from: FRONTEND, to: COREDNS, protocol: "UDP", port: 53 },
];
const flowsFile = join(work, "shop.jsonl");
writeFileSync(flowsFile, `${generateFlowLog(CONNECTIONS, 120, 7).join("\n")}\n`);

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIo = { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), cwd: root };
  const code = await main(args, io);
  return { code, out, err };
}

/** A policies directory holding a copy of the dev inventory (what `npm test` resolves cases in). */
function policiesDir(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(root, "policies", "inventory.yaml"), join(dir, "inventory.yaml"));
  return dir;
}

/** The rule of test/policies/catalog.test.ts: a case endpoint must be declared in the inventory. */
function known(inv: Inventory, e: CaseEndpoint): boolean {
  switch (e.kind) {
    case "workload":
      return inv.workloads.some((w) => w.namespace === e.namespace && w.name === e.workload);
    case "host":
      return inv.nodes.some((n) => n.name === e.node);
    case "net":
      return true;
  }
}

/**
 * Applies the printed fix as a user would: each block goes where its header says (under a namespace's
 * workloads, under namespaces, under nodes).
 */
function applyFix(inventoryText: string, message: string): string {
  const doc = parseDocument(inventoryText);
  const lines = message.split("\n");
  let target: string[] | undefined;
  const blocks: { where: string[]; text: string[] }[] = [];
  for (const line of lines) {
    const under = /^under namespace (\S+), add to its workloads:$/.exec(line);
    if (under !== null) target = ["namespace", under[1] as string];
    else if (line.startsWith("add to namespaces:")) target = ["namespaces"];
    else if (line === "add to nodes:") target = ["nodes"];
    else if (target !== undefined && line.startsWith("  ")) {
      const last = blocks[blocks.length - 1];
      if (last !== undefined && last.where === target) last.text.push(line);
      else blocks.push({ where: target, text: [line] });
    } else target = undefined;
  }
  const json = doc.toJS() as { namespaces: { name: string; workloads: unknown[] }[]; nodes: unknown[] };
  for (const b of blocks) {
    const items = parse(b.text.join("\n")) as unknown[];
    if (b.where[0] === "namespace") json.namespaces.find((n) => n.name === b.where[1])?.workloads.push(...items);
    else if (b.where[0] === "namespaces") json.namespaces.push(...(items as { name: string; workloads: unknown[] }[]));
    else json.nodes.push(...items);
  }
  expect(blocks.length).toBeGreaterThan(0);
  return JSON.stringify(json);
}

describe("recommend with flow ends the inventory does not declare", () => {
  it("writes the cases, names each missing workload with the entry to add, exits 4; after the fix exits 0", async () => {
    const out = policiesDir("policies");
    const r = await cli(["recommend", "--flows", flowsFile, "--namespace", "shop", "--out", out]);
    expect(r.code).toBe(4);
    // The recommended policy still allows every observed flow, the undeclared ones included.
    expect(r.out).toMatch(/self-check: replaying the \d+ allowed flow\(s\) against the recommendation gives zero denials/);
    expect(r.out).toMatch(/, 0 not allowed/);
    expect(r.err).toContain("files written, but the cases name 2 endpoint(s) that");
    expect(r.err).toContain("inventory.yaml does not declare, so `npm test` rejects the cases file until they are added:");
    expect(r.err).toContain("  shop/checkout (Deployment, used by");
    expect(r.err).toContain("  payments/ledger (StatefulSet, used by 1 case)");
    expect(r.err).not.toContain("shop/frontend (");
    expect(r.err).toContain("fix: add these entries to");
    expect(r.err).toContain("shop/checkout, payments/ledger say `default`");
    // The exact YAML, at policies/inventory.yaml's indentation; volatile pod labels are left out.
    expect(r.err).toContain(
      [
        "under namespace shop, add to its workloads:",
        "      - name: checkout",
        "        kind: Deployment",
        "        labels: { app: checkout, tier: web }",
        "        serviceAccount: default",
        "        hostNetwork: false",
        "        ports: []",
      ].join("\n"),
    );
    expect(r.err).toContain(["  - name: payments", "    labels: {}", "    workloads:", "      - name: ledger", "        kind: StatefulSet", "        labels: { app: ledger }"].join("\n"));

    // The cases file parses and holds the observed flows under the inventory's and the printed names.
    const casesPath = join(out, "application", "recommended-shop.cases.yaml");
    const text = readFileSync(casesPath, "utf8");
    const { cases } = parseCases(text, casesPath);
    const names = cases.map((c) => c.name);
    expect(names).toContain("observed shop/frontend to shop/checkout TCP/8080");
    // dev isolates shop, so checkout -> ledger is denied by the stack (a warning, no allow case); the
    // first port past the observed one is still a true deny case naming payments/ledger.
    expect(r.err).toContain("warning: stack dev denies 1 observed flow(s)");
    expect(names).not.toContain("observed shop/checkout to payments/ledger TCP/5432");
    expect(names).toContain("unobserved port shop/checkout to payments/ledger TCP/5433");
    expect(names).toContain("observed shop/checkout to kube-system/coredns UDP/53");

    // Before the fix the catalog rule rejects exactly the reported endpoints; after it, none.
    const before = parseInventory(parse(readFileSync(join(out, "inventory.yaml"), "utf8")), "inventory.yaml");
    const unknownBefore = new Set(cases.flatMap((c) => [c.from, c.to]).filter((e) => !known(before, e)).map((e) => (e.kind === "workload" ? `${e.namespace}/${e.workload}` : e.kind)));
    expect([...unknownBefore].sort()).toEqual(["payments/ledger", "shop/checkout"]);
    const fixed = applyFix(readFileSync(join(out, "inventory.yaml"), "utf8"), r.err);
    const after = parseInventory(JSON.parse(fixed), "inventory.yaml");
    for (const c of cases) {
      expect(known(after, c.from), `${c.name}: from`).toBe(true);
      expect(known(after, c.to), `${c.name}: to`).toBe(true);
    }

    // The catalog's verdict rule (test/policies/cases-verdicts.test.ts): on the dev baseline plus the written
    // policy file, every tier enforced, with the fixed inventory, each case gets the verdict it states.
    copyFileSync(join(root, "policies", "types.ts"), join(out, "types.ts"));
    const entries = await loadCatalog(out);
    expect(entries.map((e) => e.policy.name)).toEqual(["recommended-shop"]);
    const settings = loadStackConfig("dev", { cwd: root }).policies;
    const enforceAll = Object.fromEntries(BASELINE_TIERS.map((t) => [t, { mode: "enforce" as const }]));
    const objects = synthCharts({ ...settings, mode: "enforce", tiers: enforceAll }, [...CATALOG, ...entries]).flatMap((c) => c.objects.map((object) => ({ object })));
    const model = analyse({ objects, inventory: after });
    for (const c of cases) {
      const flow = expectFlow(model).from(formatEndpoint(c.from)).to(formatEndpoint(c.to));
      if (c.port === undefined) flow.protocol(c.protocol);
      else flow.port(c.port, c.protocol);
      if (c.expect === "allow") flow.toBeAllowed();
      else flow.toBeDenied();
    }

    // With the entries pasted in, the same run resolves every end in the inventory and exits 0.
    writeFileSync(join(out, "inventory.yaml"), fixed);
    const again = await cli(["recommend", "--flows", flowsFile, "--namespace", "shop", "--out", out, "--force"]);
    expect(again.code).toBe(0);
    expect(again.err).not.toContain("does not declare");
    expect(parseCases(readFileSync(casesPath, "utf8"), casesPath).cases.map((c) => c.name)).toEqual(names);
  });

  it("reports the gaps on --dry-run too, without writing", async () => {
    const out = policiesDir("dry");
    const r = await cli(["recommend", "--flows", flowsFile, "--namespace", "shop", "--out", out, "--dry-run"]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/^the cases name 2 endpoint\(s\)/m);
    expect(r.err).not.toContain("files written");
    expect(r.out).toContain("recommended-shop.cases.yaml");
  });
});

const end = (namespace: string, labels: Record<string, string>, name?: string): FlowEndpoint => ({ kind: "workload", namespace, labels, ...(name === undefined ? {} : { name }) });
const plannedCase = (from: string, to: string, source: FlowEndpoint, destination: FlowEndpoint): PlannedCase => ({
  flow: { source, destination, protocol: "TCP", port: 80 },
  name: `observed ${from} to ${to} TCP/80`,
  from,
  to,
  port: 80,
  protocol: "TCP",
  expect: "allow",
});

describe("inventoryGaps", () => {
  it("guesses the controller kind from the labels it stamps on pods", () => {
    expect(guessWorkloadKind({ app: "a", "pod-template-hash": "x" })).toBe("Deployment");
    expect(guessWorkloadKind({ app: "a", "controller-revision-hash": "x", "pod-template-generation": "3" })).toBe("DaemonSet");
    expect(guessWorkloadKind({ app: "a", "controller-revision-hash": "x", "apps.kubernetes.io/pod-index": "0" })).toBe("StatefulSet");
    expect(guessWorkloadKind({ "batch.kubernetes.io/job-name": "j", "job-name": "j" })).toBe("Job");
    expect(guessWorkloadKind({ app: "a" })).toBe("Deployment");
  });

  it("takes kind, service account and ports from --inventory, and hosts from the flow", () => {
    const described = parseInventory(
      { namespaces: [{ name: "shop", labels: {}, workloads: [{ name: "api", kind: "StatefulSet", labels: { app: "api" }, serviceAccount: "api-sa", ports: [{ name: "http", port: 80, protocol: "TCP" }] }] }] },
      "extra",
    );
    const api = end("shop", { app: "api" }, "api-*");
    const host: FlowEndpoint = { kind: "host", name: "node9", labels: { "kubernetes.io/hostname": "node9", "kubernetes.io/os": "linux" }, net: "10.0.0.9/32" };
    const gaps = inventoryGaps([plannedCase("host:node9", "shop/api", host, api)], EMPTY_INVENTORY, described);
    expect(gaps).toEqual([
      { kind: "host", ref: "host:node9", entry: { name: "node9", ips: ["10.0.0.9"], labels: { "kubernetes.io/hostname": "node9", "kubernetes.io/os": "linux" }, autoHostEndpoint: true }, cases: ["observed host:node9 to shop/api TCP/80"] },
      {
        kind: "workload",
        ref: "shop/api",
        namespace: "shop",
        namespaceDeclared: false,
        entry: { name: "api", kind: "StatefulSet", labels: { app: "api" }, serviceAccount: "api-sa", hostNetwork: false, ports: [{ name: "http", port: 80, protocol: "TCP" }] },
        serviceAccountGuessed: false,
        cases: ["observed host:node9 to shop/api TCP/80"],
      },
    ]);
    const text = formatInventoryGaps(gaps, "policies/inventory.yaml");
    expect(text).not.toContain("say `default`");
    expect(text).toContain(["add to nodes:", "  - name: node9", "    ips: [ 10.0.0.9 ]"].join("\n"));
    // Every printed block is YAML the inventory parser accepts.
    const nodes = parse(text.slice(text.indexOf("add to nodes:\n") + "add to nodes:\n".length)) as unknown[];
    expect(parseInventory({ namespaces: [], nodes }, "x").nodes.map((n) => n.name)).toEqual(["node9"]);
  });

  it("uses a service account Calico recorded as a label, and finds nothing when everything is declared", () => {
    const declared = parseInventory({ namespaces: [{ name: "shop", labels: {}, workloads: [{ name: "web", labels: { app: "web" } }] }] }, "inv");
    const web = end("shop", { app: "web" });
    const pay = end("shop", { app: "pay", "projectcalico.org/serviceaccount": "pay-sa" });
    expect(inventoryGaps([plannedCase("shop/web", "shop/web", web, web)], declared)).toEqual([]);
    const [gap] = inventoryGaps([plannedCase("shop/web", "shop/pay", web, pay)], declared);
    expect(gap).toMatchObject({ kind: "workload", ref: "shop/pay", namespaceDeclared: true, serviceAccountGuessed: false, entry: { serviceAccount: "pay-sa", labels: { app: "pay" } } });
  });
});

describe("matching flow ends to inventory workloads", () => {
  it("ignores labels a rollout changes: a pod's pod-template-hash is not in its Deployment's template", async () => {
    const { evaluatorForManifests } = await import("../../../src/analysis/flows/evaluator-adapter.js");
    const inventory = parseInventory({ namespaces: [{ name: "shop", labels: {}, workloads: [{ name: "storefront", labels: { app: "web" }, serviceAccount: "web" }] }] }, "inv");
    const evaluator = evaluatorForManifests([], { inventory });
    expect(evaluator.inventoryRef?.(end("shop", { app: "web", "pod-template-hash": "6d4cf56db6" }, "web-6d4cf56db6-*"))).toBe("shop/storefront");
    // A label the template does not have still keeps the end apart (Goldmane records only shared labels).
    expect(evaluator.inventoryRef?.(end("shop", { app: "web", version: "v2" }, "web-*"))).toBeUndefined();
  });
});
