// synth and report mark the rules that refer to the sets a stack's networkSetSync mappings keep in step with Consul
// (issue 12, src/analysis/synced-sets.ts), end to end through the CLI, on a stack config of the test's own (a copy of
// dev with networkSetSync, never Pulumi.dev.yaml itself). The baseline selects external sets by the label
// calico-baseline.io/external (policies/externals.ts); a mapping that puts that label on its set makes every rule
// that selects the external select the synced set too: Calico matches the CIDRs of every network set a rule's
// selector matches (https://docs.tigera.io/calico/latest/reference/resources/globalnetworkset).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { POLICIES_DIR } from "../../policies/catalog.js";
import { main, type CliIo } from "../../src/cli/main.js";
import { OWNER_LABEL, PENDING_ANNOTATION, SERVICE_LABEL } from "../../src/sync/config.js";

const ROOT = join(POLICIES_DIR, "..");
const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

const SYNC = {
  enabled: true,
  image: "calico-baseline/networkset-sync:0.1.0",
  consul: { address: "https://consul.example.com:8501", cidrs: ["192.0.2.10/32"] },
  mappings: [
    // The office VPN's gateways come from Consul: the node-port guard's Pass rules select them with the static office set.
    { service: "office-vpn", set: "consul-office", labels: { "calico-baseline.io/external": "office" } },
    // The FME database moves between VMs: the staged appsec policy allows the engine to reach it.
    { service: "fme-db", set: "consul-fme-db", labels: { "calico-baseline.io/external": "fme-database" } },
    // Nothing selects it.
    { service: "postgres", set: "consul-postgres", labels: { "consul-service": "postgres" } },
  ],
};

/**
 * A project with the dev stack (as it is) and `synctest` (dev's config plus networkSetSync, dev's node names), over
 * dev's inventory plus the controller's pod (so the networkset-sync lockout invariants check real flows).
 */
function project(sync: unknown = SYNC): string {
  const d = mkdtempSync(join(tmpdir(), "cb-synced-"));
  temps.push(d);
  cpSync(join(ROOT, "Pulumi.yaml"), join(d, "Pulumi.yaml"));
  cpSync(join(ROOT, "Pulumi.dev.yaml"), join(d, "Pulumi.dev.yaml"));
  const doc = parse(readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, Record<string, unknown>> };
  doc.config["calico-baseline:cluster"] = { ...doc.config["calico-baseline:cluster"], namePrefix: "cb-dev" };
  doc.config["calico-baseline:networkSetSync"] = sync as Record<string, unknown>;
  writeFileSync(join(d, "Pulumi.synctest.yaml"), stringify(doc));
  mkdirSync(join(d, "policies"));
  const inv = parse(readFileSync(join(POLICIES_DIR, "inventory.yaml"), "utf8")) as { namespaces: Record<string, unknown>[] };
  // Dev's inventory lists the controller's pod since dev deploys it; add it only if it does not.
  if (!inv.namespaces.some((n) => n.name === "calico-baseline")) inv.namespaces.push({ name: "calico-baseline", labels: {}, workloads: [{ name: "networkset-sync", kind: "Deployment", labels: { "app.kubernetes.io/name": "networkset-sync" }, serviceAccount: "networkset-sync", hostNetwork: false, ports: [{ name: "metrics", port: 9464, protocol: "TCP" }] }] });
  writeFileSync(join(d, "policies", "inventory.yaml"), stringify(inv));
  return d;
}

async function cli(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIo = { cwd, out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) };
  const code = await main(args, io);
  return { code, out, err };
}

const ROWS = [
  "| GlobalNetworkPolicy/security.node-port-guard | ingress[4] Pass source | consul-office | fails closed | the set's addresses stop matching this Pass rule (passed to the next tier) and fall to ingress[6] (Deny) (the selector keeps matching 1 other endpoint(s)/set(s)) |",
  "| GlobalNetworkPolicy/security.node-port-guard | ingress[5] Pass source | consul-office | fails closed | the set's addresses stop matching this Pass rule (passed to the next tier) and fall to ingress[7] (Deny) (the selector keeps matching 1 other endpoint(s)/set(s)) |",
];

describe("synth and report mark the rules that refer to the stack's synced sets", () => {
  it("synth --stack writes the marks into report.md; the dev stack's own sets are selected by no rule", async () => {
    const cwd = project();
    const r = await cli(cwd, "synth", "--stack", "synctest");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const md = readFileSync(join(cwd, "dist", "synctest", "report.md"), "utf8");
    expect(md).toContain("### Synced network sets (Consul)");
    expect(md).toContain("Sets kept in step with Consul: `consul-fme-db` (Consul fme-db, addresses unknown offline); `consul-office` (Consul office-vpn, addresses unknown offline); `consul-postgres` (Consul postgres, addresses unknown offline).");
    for (const row of ROWS) expect(md).toContain(row);
    expect(md).toMatch(/\| StagedNetworkPolicy\/fme\/appsec\.engine \(staged\) \| egress\[0\] Allow destination \| consul-fme-db \| fails closed \| staged, so nothing today; once enforced: /);
    expect(md).not.toMatch(/\| consul-postgres \|/);
    const dev = await cli(cwd, "synth", "--stack", "dev");
    expect(dev.code).toBe(0);
    // Dev deploys the controller too (Pulumi.dev.yaml): its sets are listed, and no rule of its baseline selects them.
    const devMd = readFileSync(join(cwd, "dist", "dev", "report.md"), "utf8");
    expect(devMd).toContain("Sets kept in step with Consul: `consul-postgres` (Consul postgres, addresses unknown offline); `consul-prometheus` (Consul prometheus, addresses unknown offline).\n\nNo rule refers to them.");
  });

  it("report --stack: the same marks in text and JSON, sorted and byte-identical run to run", async () => {
    const cwd = project();
    const text = await cli(cwd, "report", "--stack", "synctest");
    expect(text.code).toBe(0);
    expect(text.out).toContain("synced network sets (kept in step with Consul; what each rule does if its set empties):\n  set consul-fme-db (Consul fme-db, addresses unknown offline)\n");
    expect(text.out).toContain("  GlobalNetworkPolicy/security.node-port-guard ingress[4] Pass source selector → consul-office: fails closed (");
    const a = await cli(cwd, "report", "--stack", "synctest", "--format", "json");
    const b = await cli(cwd, "report", "--stack", "synctest", "--format", "json");
    expect(a.out).toBe(b.out);
    const json = JSON.parse(a.out) as { syncedSets: { sets: Array<{ name: string; labels: Record<string, string> }>; rules: Array<{ policy: string; direction: string; rule: number; set: string; ifEmpty: string; staged: boolean }> } };
    expect(json.syncedSets.sets.map((s) => s.name)).toEqual(["consul-fme-db", "consul-office", "consul-postgres"]);
    // The labels the controller writes: the mapping's plus its own.
    expect(json.syncedSets.sets[1]!.labels).toEqual({ "calico-baseline.io/external": "office", [OWNER_LABEL]: "calico-baseline", [SERVICE_LABEL]: "office-vpn" });
    const rules = json.syncedSets.rules.map((m) => `${m.policy} ${m.direction}[${m.rule}] ${m.set}: ${m.ifEmpty}${m.staged ? " (staged)" : ""}`);
    expect(rules).toEqual([...rules].sort());
    expect(rules).toEqual(expect.arrayContaining(["GlobalNetworkPolicy/security.node-port-guard ingress[4] consul-office: fails closed", "StagedNetworkPolicy/fme/appsec.engine egress[0] consul-fme-db: fails closed (staged)"]));
    const dev = await cli(cwd, "report", "--stack", "dev", "--format", "json");
    const devSets = (JSON.parse(dev.out) as { syncedSets: { sets: { name: string }[]; rules: unknown[] } }).syncedSets;
    expect(devSets.sets.map((x) => x.name)).toEqual(["consul-postgres", "consul-prometheus"]);
    expect(devSets.rules).toEqual([]);
  });

  it("a disabled networkSetSync section marks nothing", async () => {
    const cwd = project({ ...SYNC, enabled: false });
    const r = await cli(cwd, "report", "--stack", "synctest", "--format", "md");
    expect(r.code).toBe(0);
    expect(r.out).not.toContain("Synced network sets");
  });

  it("diff marks the rules of the policies the change adds or changes, and only those", async () => {
    const cwd = project();
    expect((await cli(cwd, "synth", "--stack", "synctest")).code).toBe(0);
    // Before: the stack's output without the appsec tier (the change under review adds its staged policies).
    mkdirSync(join(cwd, "before"));
    for (const f of readdirSync(join(cwd, "dist", "synctest")).filter((x) => x.endsWith(".yaml") && x !== "40-appsec.yaml")) cpSync(join(cwd, "dist", "synctest", f), join(cwd, "before", f));
    const text = await cli(cwd, "diff", "--stack", "synctest", "--before", "before", "--format", "text");
    expect(text.code).toBe(0);
    const section = text.out.slice(text.out.indexOf("rules of this change that refer to synced network sets"));
    expect(section.split("\n").slice(0, 3)).toEqual([
      "rules of this change that refer to synced network sets (what each does if its set empties):",
      "  set consul-fme-db (Consul fme-db, addresses unknown offline)",
      expect.stringMatching(/^ {2}StagedNetworkPolicy\/fme\/appsec\.engine \(staged\) egress\[0\] Allow destination selector → consul-fme-db: fails closed \(staged, so nothing today; once enforced: /),
    ]);
    // The node-port guard is unchanged: not marked in the review (the report marks it).
    expect(section).not.toContain("node-port-guard");
    const md = await cli(cwd, "diff", "--stack", "synctest", "--before", "before", "--format", "md");
    expect(md.out).toContain("#### Rules of this change that refer to synced network sets (1)");
    const json = JSON.parse((await cli(cwd, "diff", "--stack", "synctest", "--before", "before", "--format", "json")).out) as { syncedSets: { rules: Array<{ policy: string }> } };
    expect(json.syncedSets.rules.map((m) => m.policy)).toEqual(["StagedNetworkPolicy/fme/appsec.engine"]);
    // No change to a rule that names a synced set: no section.
    const same = await cli(cwd, "diff", "--stack", "synctest", "--before", join("dist", "synctest"), "--format", "text");
    expect(same.out).not.toContain("synced network sets");
  });

  it("report --inventory with a globalnetworksets dump: the synced sets' current addresses, pending removals counted as present", async () => {
    const cwd = project();
    // `kubectl get globalnetworksets -o json`: the controller's set (one gateway inside its grace period) and the
    // baseline's own office set (not the controller's: read from the manifests, not from the dump).
    const dump = {
      apiVersion: "v1",
      kind: "List",
      items: [
        {
          apiVersion: "projectcalico.org/v3",
          kind: "GlobalNetworkSet",
          metadata: {
            name: "consul-office",
            labels: { "calico-baseline.io/external": "office", [OWNER_LABEL]: "calico-baseline", [SERVICE_LABEL]: "office-vpn" },
            annotations: { [PENDING_ANNOTATION]: JSON.stringify({ "203.0.113.7/32": "2026-12-04T10:00:00.000Z" }) },
          },
          spec: { nets: ["203.0.113.6/32", "203.0.113.7/32"] },
        },
        { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name: "office", labels: { "calico-baseline.io/external": "office" } }, spec: { nets: ["198.51.100.0/24"] } },
      ],
    };
    writeFileSync(join(cwd, "sets.json"), JSON.stringify(dump));
    const r = await cli(cwd, "report", "--stack", "synctest", "--inventory", "sets.json");
    expect(r.code).toBe(0);
    expect(r.out).toContain("  set consul-office (Consul office-vpn, 2 addresses, 1 pending removal)\n");
    // The dump's addresses are analysed: the office gateways reach the node port through the synced set.
    expect(r.out).toMatch(/NodePort TCP 30080 [^\n]*:\n(?: {4}[^\n]*\n)*? {4}reachable from consul-office \(GlobalNetworkSet\)\n/);
    const json = JSON.parse((await cli(cwd, "report", "--stack", "synctest", "--inventory", "sets.json", "--format", "json")).out) as { syncedSets: { sets: Array<{ name: string; addresses: number | null; pendingRemovals: number | null }> } };
    expect(json.syncedSets.sets.find((s) => s.name === "consul-office")).toMatchObject({ addresses: 2, pendingRemovals: 1 });
    expect(json.syncedSets.sets.find((s) => s.name === "consul-postgres")).toMatchObject({ addresses: null, pendingRemovals: null });
  });
});
