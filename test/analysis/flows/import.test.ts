import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/model/problem.js";
import { importFlowFile, importFlowText, splitCsvLine, traceVerdict } from "../../../src/analysis/flows/import.js";

const fixtures = join(import.meta.dirname, "../../fixtures/flows");
const fixture = (f: string): string => readFileSync(join(fixtures, f), "utf8");

function problemsOf(fn: () => unknown): { file?: string; path: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return [...e.problems];
    throw e;
  }
  throw new Error("expected a UserError");
}

describe("Whisker JSON lines", () => {
  it("folds the source- and destination-reported records of one connection into one flow", () => {
    const r = importFlowText(fixture("whisker.jsonl"), "whisker.jsonl");
    expect(r.records).toBe(2);
    expect(r.flows).toHaveLength(1);
    const f = r.flows[0]!;
    expect(f.source).toEqual({ kind: "workload", namespace: "shop", name: "web-6d4cf56db6-*", labels: { app: "web", "pod-template-hash": "6d4cf56db6" } });
    expect(f.destination).toEqual({ kind: "workload", namespace: "data", name: "db-0", labels: { app: "db" } });
    expect(f.protocol).toBe("TCP");
    expect(f.port).toBe(5432);
    expect(f.action).toBe("Allow");
    // Counted once per reporter, not twice.
    expect(f.count).toBe(1);
    expect(f.firstLine).toBe(1);
  });

  it("reads the would-be verdict from the pending (staged) policy trace", () => {
    const [f] = importFlowText(fixture("whisker.jsonl"), "whisker.jsonl").flows;
    expect(f!.pendingAction).toBe("Deny");
  });
});

describe("Goldmane JSON lines", () => {
  it("accepts encoding/json (numeric enums, Key) and protojson (names, camelCase, FlowResult wrapper)", () => {
    const r = importFlowText(fixture("goldmane.jsonl"), "goldmane.jsonl");
    expect(r.flows).toHaveLength(2);
    const egress = r.flows.find((f) => f.destination.kind === "network")!;
    expect(egress.destination).toEqual({ kind: "network", name: "pub", labels: {} });
    expect(egress.count).toBe(3);
    expect(egress.action).toBe("Allow");
    const fromHost = r.flows.find((f) => f.source.kind === "host")!;
    expect(fromHost.source).toEqual({ kind: "host", name: "node1", labels: { "kubernetes.io/hostname": "node1" } });
    expect(fromHost.destination).toMatchObject({ kind: "workload", namespace: "shop", labels: { app: "api" } });
    expect(fromHost.action).toBe("Deny");
    expect(fromHost.port).toBe(8080);
  });

  it("a trace's verdict is its first Allow or Deny in policy order; Pass moves on", () => {
    const hit = (policyIndex: number, action: "Allow" | "Deny" | "Pass") => ({ kind: "GlobalNetworkPolicy", name: "p", tier: "t", action, policyIndex, ruleIndex: 0 });
    expect(traceVerdict([hit(1, "Deny"), hit(0, "Pass")])).toBe("Deny");
    expect(traceVerdict([hit(0, "Pass"), hit(1, "Allow"), hit(2, "Deny")])).toBe("Allow");
    expect(traceVerdict([hit(0, "Pass")])).toBeUndefined();
  });

  it("decodes Goldmane's numeric PolicyKind of 3.31 (7, 8) and 3.32 (11, ClusterNetworkPolicy) and reports an unknown kind by line", () => {
    const line = (kind: number) =>
      JSON.stringify({
        Key: {
          source_name: "a-*", source_namespace: "x", source_type: 1, dest_name: "b-*", dest_namespace: "y", dest_type: 1,
          dest_port: 80, proto: "tcp", reporter: 1, action: 1,
          policies: { enforced_policies: [], pending_policies: [{ kind, name: "kcnp.kube-admin.p", tier: "kube-admin", action: 2, policy_index: 0, rule_index: 0 }] },
        },
      });
    for (const kind of [7, 8, 11]) expect(importFlowText(line(kind), "f.jsonl").flows[0]!.pendingAction).toBe("Deny");
    expect(problemsOf(() => importFlowText(["", line(12)].join("\n"), "f.jsonl"))).toEqual([
      expect.objectContaining({ file: "f.jsonl:2", path: "policies.pending[0].kind", message: "unknown policy kind", value: 12 }),
    ]);
  });

  it("a flow denied by either reporter counts as denied today", () => {
    const line = (reporter: string, action: string) =>
      JSON.stringify({ source_name: "a-*", source_namespace: "x", dest_name: "b-*", dest_namespace: "y", protocol: "TCP", dest_port: 80, reporter, action });
    const r = importFlowText([line("Src", "Allow"), line("Dst", "Deny")].join("\n"), "f.jsonl");
    expect(r.flows).toHaveLength(1);
    expect(r.flows[0]!.action).toBe("Deny");
  });
});

describe("CSV", () => {
  it("reads namespaces, labels, CIDR destinations, counts and an optional action column", () => {
    const r = importFlowText(fixture("flows.csv"), "flows.csv");
    expect(r.flows).toHaveLength(3);
    const ext = r.flows.find((f) => f.destination.kind === "network")!;
    expect(ext.destination).toEqual({ kind: "network", labels: {}, net: "203.0.113.10" });
    expect(ext.count).toBe(7);
    expect(ext.action).toBe("Allow");
    const dns = r.flows.find((f) => f.protocol === "UDP")!;
    expect(dns.source.labels).toEqual({ app: "web", tier: "frontend" });
    expect(dns.destination).toEqual({ kind: "workload", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } });
    expect(dns.count).toBe(400);
    expect(dns.action).toBeUndefined();
  });

  it("splits quoted fields with commas and doubled quotes", () => {
    expect(splitCsvLine('a,"b,c", "d""e" ,f')).toEqual(["a", "b,c", 'd"e', "f"]);
    expect(splitCsvLine('a,"open')).toBeUndefined();
  });
});

describe("malformed input", () => {
  it("reports every malformed JSON line by number and keeps none of the file", () => {
    const problems = problemsOf(() => importFlowText(fixture("malformed.jsonl"), "malformed.jsonl"));
    const lines = [...new Set(problems.map((p) => p.file))];
    expect(lines).toEqual(["malformed.jsonl:2", "malformed.jsonl:3", "malformed.jsonl:5", "malformed.jsonl:6", "malformed.jsonl:7"]);
    const messages = problems.map((p) => `${p.file} ${p.path}: ${p.message}`);
    expect(messages).toContain("malformed.jsonl:3 dest_port: port must be an integer 0-65535");
    expect(messages).toContain("malformed.jsonl:5 protocol: missing or unknown protocol");
    expect(messages).toContain("malformed.jsonl:5 action: unknown action");
    expect(messages).toContain("malformed.jsonl:6 : a flow line must be a JSON object");
    expect(messages.some((m) => m.startsWith("malformed.jsonl:7 source_labels:"))).toBe(true);
  });

  it("reports every malformed CSV row by number", () => {
    const problems = problemsOf(() => importFlowText(fixture("malformed.csv"), "malformed.csv"));
    const byLine = new Map<string, string[]>();
    for (const p of problems) byLine.set(p.file!, [...(byLine.get(p.file!) ?? []), `${p.path}: ${p.message}`]);
    expect([...byLine.keys()]).toEqual(["malformed.csv:3", "malformed.csv:4", "malformed.csv:5", "malformed.csv:6", "malformed.csv:7"]);
    expect(byLine.get("malformed.csv:3")).toEqual(["port: port must be an integer 0-65535"]);
    expect(byLine.get("malformed.csv:4")).toEqual([": expected 7 fields, found 3"]);
    expect(byLine.get("malformed.csv:5")).toEqual(["source_namespace: the source is empty"]);
    expect(byLine.get("malformed.csv:6")).toEqual(["count: count must be a non-negative integer"]);
    expect(byLine.get("malformed.csv:7")).toEqual([": unterminated quoted field"]);
  });

  it("rejects a CSV header that lacks required columns or names unknown ones", () => {
    const problems = problemsOf(() => importFlowText("source_namespace,dest,port\nshop,data,80\n", "x.csv"));
    expect(problems[0]).toMatchObject({ file: "x.csv:1", path: "header" });
    expect(problems.map((p) => p.message).join("\n")).toMatch(/missing column\(s\) source_labels, dest_namespace, dest_labels, protocol, count/);
    expect(problems.map((p) => p.message).join("\n")).toMatch(/unknown column\(s\) dest/);
  });

  it("an empty file is an error, not an empty replay", () => {
    expect(problemsOf(() => importFlowText("\n\n", "empty.jsonl"))[0]!.message).toBe("the file holds no flows");
  });

  it("a TCP flow without a port is reported, an ICMP flow without one is fine", () => {
    const base = { source_name: "a-*", source_namespace: "x", dest_name: "b-*", dest_namespace: "y" };
    const problems = problemsOf(() => importFlowText(JSON.stringify({ ...base, protocol: "TCP" }), "p.jsonl"));
    expect(problems[0]).toMatchObject({ file: "p.jsonl:1", path: "dest_port", message: "a TCP flow needs a destination port" });
    const ok = importFlowText(JSON.stringify({ ...base, protocol: 1 }), "p.jsonl");
    expect(ok.flows[0]).toMatchObject({ protocol: "ICMP" });
    expect(ok.flows[0]!.port).toBeUndefined();
  });

  it("an ICMP flow's dest_port (Felix writes type << 8 | code there) is validated, then not kept as a port", () => {
    const base = { source_name: "a-*", source_namespace: "x", dest_name: "b-*", dest_namespace: "y" };
    // Echo request (8 << 8) and echo reply (0), ICMPv6 echo request (128 << 8): one flow per protocol, no port.
    const lines = [
      { ...base, protocol: "ICMP", dest_port: 2048, reporter: "Src" },
      { ...base, protocol: "icmp", dest_port: 0, reporter: "Dst" },
      { ...base, protocol: 58, dest_port: 32768 },
      { Key: { ...base, proto: "icmp", dest_port: 771, reporter: 1, action: 2 }, num_connections_started: 4 },
    ].map((l) => JSON.stringify(l));
    const r = importFlowText(lines.join("\n"), "icmp.jsonl");
    expect(r.flows.map((f) => [f.protocol, f.port, f.count])).toEqual([
      ["ICMP", undefined, 5],
      ["ICMPv6", undefined, 1],
    ]);
    // Still validated: not a number 0-65535 is refused with its line and field.
    const bad = problemsOf(() => importFlowText(JSON.stringify({ ...base, protocol: "ICMP", dest_port: 70000 }), "icmp.jsonl"));
    expect(bad).toEqual([expect.objectContaining({ file: "icmp.jsonl:1", path: "dest_port", message: "port must be an integer 0-65535" })]);
  });

  it("a CSV row of ICMP with a port is refused with its line, the field and a hint", () => {
    const csv = "source_namespace,source_labels,dest_namespace,dest_labels,port,protocol,count\nx,app=a,y,app=b,,ICMP,1\nx,app=a,y,app=b,8,ICMP,1\n";
    expect(problemsOf(() => importFlowText(csv, "f.csv"))).toEqual([
      { file: "f.csv:3", path: "port", message: "an ICMP flow has no destination port", hint: "leave port empty on ICMP and ICMPv6 rows (the ICMP type is not a port)", value: "8" },
    ]);
  });
});

describe("importFlowFile", () => {
  it("streams a file and gives the same flows as the text import", async () => {
    const fromFile = await importFlowFile(join(fixtures, "goldmane.jsonl"));
    expect(fromFile.flows).toEqual(importFlowText(fixture("goldmane.jsonl"), join(fixtures, "goldmane.jsonl")).flows);
  });

  it("reports malformed lines with the file's line numbers", async () => {
    await expect(importFlowFile(join(fixtures, "malformed.csv"), undefined, "malformed.csv")).rejects.toThrow(/malformed\.csv:3: port/);
  });

  it("a missing file is a user error naming --flows", async () => {
    await expect(importFlowFile(join(fixtures, "nope.jsonl"))).rejects.toBeInstanceOf(UserError);
  });
});

describe("Whisker API exports", () => {
  it("reads the event stream (watch=true: `data:` lines)", () => {
    const r = importFlowText(fixture("whisker-stream.txt"), "whisker-stream.txt");
    expect(r.flows.map((f) => f.port)).toEqual([5432, 5433]);
  });

  it("reads a list response and reports a bad item by line and index", () => {
    const problems = problemsOf(() => importFlowText(fixture("whisker-list.json"), "whisker-list.json"));
    expect(problems.map((p) => `${p.file} ${p.path}: ${p.message}`)).toEqual(["whisker-list.json:1 items[2].dest_port: port must be an integer 0-65535"]);
    const ok = fixture("whisker-list.json").replace(/,\{[^{}]*"dest_port":"x"[^]*?\}\]/, "]");
    expect(importFlowText(ok, "ok.json").flows).toHaveLength(2);
  });

  it("reports a stream error line instead of ending quietly", () => {
    const problems = problemsOf(() => importFlowText(`${fixture("whisker-stream.txt")}error: goldmane unavailable\n`, "s.txt"));
    expect(problems[0]).toMatchObject({ file: "s.txt:5", message: "the flow stream reported an error: goldmane unavailable" });
  });
});
