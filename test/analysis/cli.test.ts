/** The report, explain and diff commands end to end on manifests in a temporary directory. */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { platformInventory } from "../support/platform-inventory.js";

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "cb-analysis-"));
  mkdirSync(join(dir, "policies"));
  // The platform too: an invariant that checks no flow fails.
  writeFileSync(join(dir, "policies/inventory.yaml"), platformInventory(`  - name: shop
    workloads:
      - { name: web, labels: { app: web } }
      - { name: db, labels: { app: db }, ports: [{ name: pg, port: 5432 }] }
`));
  mkdirSync(join(dir, "old"));
  mkdirSync(join(dir, "new"));
  const policy = (ports: string) => `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec:
  selector: app == "db"
  ingress: [{ action: Allow, protocol: TCP, source: { selector: app == "web" }, destination: { ports: [${ports}] } }]
`;
  writeFileSync(join(dir, "old/db.yaml"), policy("5432"));
  writeFileSync(join(dir, "new/db.yaml"), policy("5432, 5433"));
  return dir;
}

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), cwd });
  return { code, out, err };
}

describe("calico-baseline report | explain | diff", () => {
  it("report --format json is the documented format and exit 0 when invariants hold", async () => {
    const dir = workspace();
    const r = await cli(["report", "--manifests", "new", "--format", "json"], dir);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { format: string; version: number; invariants: Array<{ name: string; status: string }>; connectivity: Array<{ src: string; dst: string; allowed: unknown }> };
    expect(json.format).toBe("calico-baseline/report");
    expect(json.version).toBe(1);
    expect(json.invariants.find((i) => i.name === "dns-udp")!.status).toBe("pass");
    expect(json.connectivity.find((c) => c.src === "shop/web[Deployment]" && c.dst === "shop/db[Deployment]")!.allowed).toEqual({ TCP: [[5432, 5433]] });
  });

  it("report exits 3 when a lockout invariant breaks and shows it in the PR comment", async () => {
    const dir = workspace();
    writeFileSync(join(dir, "new/isolate.yaml"), `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: isolate-shop }
spec: { namespaceSelector: projectcalico.org/name == "shop", types: [Egress] }
`);
    const r = await cli(["report", "--manifests", "new", "--format", "md", "--out", "report.md"], dir);
    expect(r.code).toBe(3);
    const md = readFileSync(join(dir, "report.md"), "utf8");
    // The summary line names what broke (a reviewer reads only the first lines of a PR comment).
    expect(md.split("\n")[2]).toContain("❌ **2 lockout invariants broken**: `dns-udp`, `dns-tcp`");
    expect(md).toContain("| `dns-udp` | ❌ fail | 6 |");
  });

  it("report --format md and svg", async () => {
    const dir = workspace();
    expect((await cli(["report", "--manifests", "new", "--format", "md"], dir)).out).toContain("```mermaid");
    expect((await cli(["report", "--manifests", "new", "--format", "svg"], dir)).out).toMatch(/^<svg /);
  });

  it("explain exits 0 when allowed, 2 when denied, and prints both directions", async () => {
    const dir = workspace();
    const ok = await cli(["explain", "--manifests", "new", "--from", "shop/web", "--to", "shop/db", "--port", "5433"], dir);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("ALLOWED");
    const no = await cli(["explain", "--manifests", "old", "--from", "shop/web", "--to", "shop/db", "--port", "5433"], dir);
    expect(no.code).toBe(2);
    expect(no.out).toContain("ingress at shop/db[Deployment]: DENY — Deny at the end of tier default");
  });

  it("diff --before/--after lists the newly allowed port with the rule that allows it", async () => {
    const dir = workspace();
    const r = await cli(["diff", "--before", "old", "--after", "new"], dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain("+ shop/web[Deployment] => shop/db[Deployment] : TCP 5433");
    expect(r.out).toContain("after allowed (ingress: Allow by NetworkPolicy/shop/db rule 0");
    const same = await cli(["diff", "--before", "old", "--after", "old", "--format", "json"], dir);
    expect(JSON.parse(same.out)).toMatchObject({ format: "calico-baseline/diff", version: 1, changes: [], omitted: 0 });
  });

  it("explain: ICMP has no ports (--port is refused, issue 11); --icmp-type/--icmp-code name the message", async () => {
    const dir = workspace();
    const r = await cli(["explain", "--manifests", "new", "--from", "shop/web", "--to", "shop/db", "--protocol", "ICMP", "--port", "80"], dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain("--port: ICMP has no ports (value: \"80\"). Hint: name the ICMP message with --icmp-type");
    const ping = await cli(["explain", "--manifests", "new", "--from", "shop/web", "--to", "shop/web", "--protocol", "ICMP", "--format", "json"], dir);
    const unreachable = await cli(["explain", "--manifests", "new", "--from", "shop/web", "--to", "shop/web", "--protocol", "ICMP", "--icmp-type", "3", "--icmp-code", "4", "--format", "json"], dir);
    expect(ping.code).toBe(0);
    expect(unreachable.code).toBe(0);
    expect(JSON.stringify(JSON.parse(ping.out))).toContain(`"port":${8 * 256}`);
    expect(JSON.stringify(JSON.parse(unreachable.out))).toContain(`"port":${3 * 256 + 4}`);
    expect((await cli(["explain", "--manifests", "new", "--from", "shop/web", "--to", "shop/db", "--icmp-type", "8", "--port", "5432"], dir)).err).toContain("--icmp-type and --icmp-code are for ICMP and ICMPv6, not TCP");
    expect((await cli(["explain", "--manifests", "new", "--from", "shop/web", "--to", "shop/db", "--protocol", "ICMP", "--icmp-type", "256"], dir)).err).toContain("--icmp-type: not an ICMP type or code");
  });

  it("the lockout gate never passes on nothing (issue 11): an empty or misread inventory is exit 1, an inventory without the platform exit 3", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cb-empty-"));
    writeFileSync(join(dir, "p.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: { name: a }\n");
    writeFileSync(join(dir, "empty.yaml"), "");
    writeFileSync(join(dir, "list.json"), "[1,2,3]");
    writeFileSync(join(dir, "two.yaml"), "namespaces: [{ name: shop }]\n---\nfoo: 1\n");
    for (const [f, msg] of [["empty.yaml", "empty.yaml: the inventory file is empty"], ["list.json", "list.json: [0]: not a Kubernetes object (no kind)"], ["two.yaml", "two.yaml: (document at line 1): a declared inventory must be the only document of its file"]] as const) {
      const r = await cli(["report", "--manifests", "p.yaml", "--inventory", f], dir);
      expect(r.code, f).toBe(1);
      expect(r.err, f).toContain(msg);
    }
    writeFileSync(join(dir, "shop.yaml"), "namespaces: [{ name: shop, workloads: [{ name: web }] }]\n");
    const r = await cli(["report", "--manifests", "p.yaml", "--inventory", "shop.yaml"], dir);
    expect(r.code).toBe(3);
    expect(r.out).toContain("FAIL           typha-from-nodes — calico-node on every node reaches Typha (checks no flow: the inventory has no hosts and no workloads (namespace calico-system, k8s-app=calico-typha))");
  });

  it("bad input is a user error with a hint", async () => {
    const dir = workspace();
    // Every problem of the query at once: the unknown endpoint and the missing TCP port.
    const r = await cli(["explain", "--manifests", "new", "--from", "shop/nope", "--to", "shop/db"], dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain("2 problems found");
    expect(r.err).toContain("from: no such endpoint in the inventory");
    expect(r.err).toContain("port: a TCP flow needs a destination port");
    expect((await cli(["report", "--format", "pdf", "--manifests", "new"], dir)).err).toContain("unknown format");
    expect((await cli(["report", "--calico-minor", "3.29", "--manifests", "new"], dir)).err).toContain('--calico-minor: unknown Calico minor (value: "3.29"). Hint: use one of 3.30, 3.31, 3.32');
  });

  it("--inventory reads a kubectl dump (a JSON List) by content: pod addresses make nets rules decidable", async () => {
    const dir = workspace();
    writeFileSync(join(dir, "new/db.yaml"), `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec:
  selector: app == "db"
  ingress: [{ action: Allow, protocol: TCP, source: { nets: [192.168.1.0/24] }, destination: { ports: [5432] } }]
`);
    const dump = {
      apiVersion: "v1",
      kind: "List",
      items: [
        { apiVersion: "v1", kind: "Pod", metadata: { name: "web-7d-x", namespace: "shop", labels: { app: "web" }, ownerReferences: [{ kind: "ReplicaSet", name: "web-7d", controller: true }] }, spec: { containers: [] }, status: { podIP: "192.168.1.5" } },
        { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "web-7d", namespace: "shop", ownerReferences: [{ kind: "Deployment", name: "web", controller: true }] }, spec: { template: { metadata: { labels: { app: "web" } }, spec: {} } } },
      ],
    };
    writeFileSync(join(dir, "dump.json"), JSON.stringify(dump));
    const q = ["explain", "--manifests", "new", "--from", "shop/web", "--to", "shop/db", "--port", "5432"];
    expect((await cli(q, dir)).code).toBe(2); // the declared web has no known address: outside every nets
    const r = await cli([...q, "--inventory", "dump.json", "--format", "json"], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).flows.map((f: { src: string }) => f.src)).toEqual(["shop/web[Deployment]"]);
  });

  it("--calico-minor picks Felix's order tie-break", async () => {
    const dir = workspace();
    writeFileSync(join(dir, "new/tie.yaml"), `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: r-deny }
spec: { order: 1000, selector: app == "db", ingress: [{ action: Deny }] }
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: a-allow, namespace: shop }
spec: { order: 1000, selector: app == "db", ingress: [{ action: Allow }] }
`);
    const q = ["explain", "--manifests", "new", "--from", "shop/web", "--to", "shop/db", "--port", "5432"];
    expect((await cli(q, dir)).code).toBe(0);
    expect((await cli([...q, "--calico-minor", "3.31"], dir)).code).toBe(2);
  });

  it("refuses manifests Calico would reject, naming file, object and field, instead of analysing without them", async () => {
    const dir = workspace();
    writeFileSync(join(dir, "new/broken.yaml"), `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: bad-port }
spec: { selector: all(), ingress: [{ action: Allow, protocol: TCP, destination: { ports: [99999] } }] }
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: lost, namespace: shop }
spec: { tier: nope, selector: all(), ingress: [{ action: Allow }] }
`);
    for (const args of [["report", "--manifests", "new"], ["explain", "--manifests", "new", "--from", "shop/web", "--to", "shop/db", "--port", "5432"], ["diff", "--before", "old", "--after", "new"]]) {
      const r = await cli(args, dir);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.err).toContain("2 problems found");
      expect(r.err).toContain("new/broken.yaml: GlobalNetworkPolicy/bad-port: spec.ingress[0].destination.ports[0]: port number 99999 is out of range: must be between 1 and 65535 (value: 99999). Hint: use a port between 1 and 65535");
      expect(r.err).toContain('new/broken.yaml: NetworkPolicy/shop/lost: spec.tier: tier "nope" has no Tier object');
    }
    // A rule the engine cannot decide offline is not a user error: it is reported in the output.
    writeFileSync(join(dir, "new/broken.yaml"), `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: l7 }
spec: { selector: app == "db", ingress: [{ action: Allow, http: { methods: [GET] } }] }
`);
    const ok = await cli(["report", "--manifests", "new", "--format", "md"], dir);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("### Not analysed");
  });
});
