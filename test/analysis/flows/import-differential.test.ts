// Differential test of the fast flow import (byte scanner, template cache, chunked reader) against the reference
// path (`fastPath: false`: every line through JSON.parse and the full validator, the file streamed through a
// StringDecoder, as the import worked before). The same generated and hostile inputs go through both, as text and
// as a file; the flows or the error (message, every problem, the omitted count) must be byte-identical.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { type ImportOptions, type ImportResult, importFlowFile, importFlowText } from "../../../src/analysis/flows/import.js";
import { UserError } from "../../../src/model/problem.js";
import { type GenConnection, DATA, SHOP, flowLine, generateFlowLog, prng, shopConnections } from "../../fixtures/flows/generate.js";
import { params, timeout } from "../../fuzz/support.js";

const dir = mkdtempSync(join(tmpdir(), "cb-flows-diff-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FAST: ImportOptions = {};
const REFERENCE: ImportOptions = { fastPath: false };

/** What an import gives, as text: the flows and counts, or the error with every problem. */
function outcome(f: () => ImportResult): string {
  try {
    return JSON.stringify({ ok: f() });
  } catch (e) {
    if (e instanceof UserError) return JSON.stringify({ error: e.message, problems: e.problems, omitted: e.omitted });
    throw e;
  }
}

async function outcomeAsync(f: () => Promise<ImportResult>): Promise<string> {
  try {
    return JSON.stringify({ ok: await f() });
  } catch (e) {
    if (e instanceof UserError) return JSON.stringify({ error: e.message, problems: e.problems, omitted: e.omitted });
    throw e;
  }
}

function expectSameText(text: string, name = "flows.jsonl"): string {
  const fast = outcome(() => importFlowText(text, name, undefined, FAST));
  const reference = outcome(() => importFlowText(text, name, undefined, REFERENCE));
  expect(fast, `importFlowText of ${JSON.stringify(text.slice(0, 200))}`).toBe(reference);
  return fast;
}

let files = 0;
async function expectSameFile(bytes: Buffer | string, name = "flows.jsonl"): Promise<string> {
  const path = join(dir, `${files++}-${name}`);
  writeFileSync(path, bytes);
  const fast = await outcomeAsync(() => importFlowFile(path, undefined, name, FAST));
  const reference = await outcomeAsync(() => importFlowFile(path, undefined, name, REFERENCE));
  expect(fast, `importFlowFile of ${JSON.stringify(bytes.toString().slice(0, 200))}`).toBe(reference);
  return fast;
}

/** A Goldmane emitter Flow (encoding/json of goldmane/proto Flow: `Key` with numeric enums, labels as lists). */
function goldmaneLine(c: GenConnection, reporter: 1 | 2, window: number, extra: Record<string, unknown> = {}): string {
  const end = (side: "source" | "dest", e: GenConnection["from"]): [Record<string, unknown>, string[]] => {
    if ("net" in e) return [{ [`${side}_name`]: "pub", [`${side}_namespace`]: "-", [`${side}_type`]: 4 }, []];
    if ("host" in e) return [{ [`${side}_name`]: e.host, [`${side}_namespace`]: "-", [`${side}_type`]: 2 }, [`kubernetes.io/hostname=${e.host}`]];
    return [{ [`${side}_name`]: `${e.app}-*`, [`${side}_namespace`]: e.namespace, [`${side}_type`]: 1 }, [`${e.key ?? "app"}=${e.app}`, ...Object.entries(e.extra ?? {}).map(([k, v]) => `${k}=${v}`)]];
  };
  const [src, srcLabels] = end("source", c.from);
  const [dst, dstLabels] = end("dest", c.to);
  const hit = { kind: 3, name: "staged-default-deny", namespace: "shop", tier: "default", action: window % 3 === 0 ? 2 : 1, policy_index: 0, rule_index: -1 };
  return JSON.stringify({
    Key: { ...src, ...dst, proto: c.protocol.toLowerCase(), dest_port: c.port ?? 0, reporter, action: c.action === "Deny" ? 2 : 1, policies: { enforced_policies: [{ kind: 10, name: "", tier: "default", action: 2, policy_index: 1, rule_index: -1, trigger: { kind: 1, name: "default.x", namespace: "shop", tier: "default", action: 1, policy_index: 0, rule_index: 0 } }], pending_policies: [hit] } },
    start_time: 1763632800 + window * 15,
    end_time: 1763632815 + window * 15,
    source_labels: srcLabels,
    dest_labels: dstLabels,
    packets_in: 3,
    bytes_in: 300,
    num_connections_started: 1 + (window % 5),
    ...extra,
  });
}

const CONNS = shopConnections();
const WHISKER = generateFlowLog(CONNS, 400, 3);
const GOLDMANE = Array.from({ length: 400 }, (_, i) => goldmaneLine(CONNS[i % CONNS.length] as GenConnection, i % 2 === 0 ? 1 : 2, i));
const [web, api] = SHOP as [(typeof SHOP)[number], (typeof SHOP)[number]];
const BASE = flowLine({ from: web, to: api, protocol: "TCP", port: 8080 }, "Src", 0);
const BASE_OBJ = JSON.parse(BASE) as Record<string, unknown>;
const G_BASE = goldmaneLine({ from: web, to: DATA[0]!, protocol: "TCP", port: 5432 }, 1, 0);
const G_OBJ = JSON.parse(G_BASE) as Record<string, unknown>;
const with_ = (o: Record<string, unknown>, patch: Record<string, unknown>): string => JSON.stringify({ ...o, ...patch });
const withKey = (patch: Record<string, unknown>): string => JSON.stringify({ ...G_OBJ, Key: { ...(G_OBJ["Key"] as object), ...patch } });

/** Hostile lines, each imported after a good line (so that the import's outcome is the line's). */
const HOSTILE: readonly string[] = [
  "",
  "   ",
  "\t",
  "\r",
  "\uFEFF",
  `\uFEFF${BASE}`,
  `${BASE}\r`,
  `${BASE}\r\r`,
  `${BASE} `,
  `${BASE} x`,
  `${BASE}}`,
  `${BASE},`,
  `${BASE}${BASE}`,
  ` ${BASE}`,
  `\t${BASE}`,
  BASE.slice(0, -1),
  BASE.slice(0, 40),
  BASE.replace('"Src"', '"Src\u0001"'),
  BASE.replace('"Src"', '"Src\t"'),
  BASE.replace("{", "{ \t\r "),
  BASE.replaceAll(",", " ,\t"),
  BASE.replaceAll(":", " : "),
  BASE.replace('"shop"', '"sh\\u006fp"'),
  BASE.replace('"shop"', '"sh\\op"'),
  BASE.replace('"shop"', '" shop "'),
  BASE.replace('"shop"', '"-"'),
  BASE.replace('"shop"', '""'),
  BASE.replace('"shop"', '"shöp"'),
  BASE.replace('"shop"', '"sh\u00a0op"'),
  BASE.replace('"shop"', '"shop\u2028"'),
  BASE.replace('"start_time":"', '"start_time":"ü'),
  BASE.replace('"start_time":"', '"start_time":"\\n\\"'),
  BASE.replace('"start_time":"', '"start_time":"\u{1F600}'),
  BASE.replace('"start_time":"', '"start_time\u00e9":"'),
  with_(BASE_OBJ, { source_name: "x", dest_name: "y" }).replace('"source_name":"x"', '"source_name":"x","source_name":"z"'),
  `${BASE.slice(0, -1)},"source_namespace":"other"}`,
  `${BASE.slice(0, -1)},"dest_port":9090}`,
  `${BASE.slice(0, -1)},"start_time":"again"}`,
  `${BASE.slice(0, -1)},"__proto__":{"source_name":"p"}}`,
  `${BASE.slice(0, -1)},"constructor":1}`,
  `${BASE.slice(0, -1)},"deep":${"[".repeat(70)}${"]".repeat(70)}}`,
  `${BASE.slice(0, -1)},"deep":${"[".repeat(30)}${"]".repeat(30)}}`,
  `${BASE.slice(0, -1)},"deep":${"[".repeat(30)}${"]".repeat(29)}}`,
  `${BASE.slice(0, -1)},"nested":{"a":[1,{"b":null,"c":[true,false,-0.5e+3,"x"]}],"d":{}}}`,
  `${BASE.slice(0, -1)},"nested":{"a":[1,]}}`,
  `${BASE.slice(0, -1)},"nested":{"a" 1}}`,
  `${BASE.slice(0, -1)},"n":01}`,
  `${BASE.slice(0, -1)},"n":-}`,
  `${BASE.slice(0, -1)},"n":1.}`,
  `${BASE.slice(0, -1)},"n":1e}`,
  `${BASE.slice(0, -1)},"n":.5}`,
  `${BASE.slice(0, -1)},"n":+1}`,
  `${BASE.slice(0, -1)},"n":NaN}`,
  `${BASE.slice(0, -1)},"n":tru}`,
  `${BASE.slice(0, -1)},"n":nulls}`,
  `${BASE.slice(0, -1)},"sourceName":"camel"}`,
  `${BASE.slice(0, -1)},"items":[]}`,
  `${BASE.slice(0, -1)},"items":null}`,
  `${BASE.slice(0, -1)},"flow":null}`,
  `${BASE.slice(0, -1)},"key":null}`,
  `${BASE.slice(0, -1)},"Key":null}`,
  `${BASE.slice(0, -1)},"Key":[]}`,
  `data: ${BASE}`,
  `data:${BASE}`,
  `data:`,
  "event: flow",
  "id: 7",
  ": keep-alive",
  "error: stream reset",
  "[]",
  "{}",
  "null",
  '"text"',
  "{",
  '{"items":[' + BASE + "," + BASE + "]}",
  ...[
    ["dest_port", 65535],
    ["dest_port", 65536],
    ["dest_port", 0],
    ["dest_port", -1],
    ["dest_port", 80.5],
    ["dest_port", "8080"],
    ["dest_port", "08080"],
    ["dest_port", null],
    ["dest_port", true],
    ["dest_port", [80]],
    ["num_connections_started", 0],
    ["num_connections_started", 7],
    ["num_connections_started", 2 ** 53 - 1],
    ["num_connections_started", 2 ** 53],
    ["num_connections_started", -3],
    ["num_connections_started", 1.5],
    ["num_connections_started", "5"],
    ["num_connections_started", null],
    ["protocol", "icmp"],
    ["protocol", "ICMPv6"],
    ["protocol", 6],
    ["protocol", "6"],
    ["protocol", 256],
    ["protocol", "gre"],
    ["protocol", null],
    ["protocol", ["TCP"]],
    ["proto", "udp"],
    ["proto", null],
    ["action", "deny"],
    ["action", "PASS"],
    ["action", 2],
    ["action", 0],
    ["action", 4],
    ["action", null],
    ["action", "constructor"],
    ["action", "toString"],
    ["action", "__proto__"],
    ["reporter", "dst"],
    ["reporter", 2],
    ["reporter", 0],
    ["reporter", "hasOwnProperty"],
    ["reporter", null],
    ["source_namespace", 5],
    ["source_namespace", null],
    ["source_namespace", {}],
    ["source_name", "pub"],
    ["source_name", ["a"]],
    ["source_type", "HostEndpoint"],
    ["source_type", 3],
    ["source_type", 9],
    ["source_type", "constructor"],
    ["source_type", null],
    ["source_labels", ["app=web", "tier=fe"]],
    ["source_labels", ["app=web", 5]],
    ["source_labels", { app: "web" }],
    ["source_labels", { app: 5 }],
    ["source_labels", "app=web | app=api"],
    ["source_labels", "app=web;;x=y"],
    ["source_labels", "bad label"],
    ["source_labels", 7],
    ["source_labels", null],
    ["dest_net", "203.0.113.7"],
    ["dest_net", "203.0.113.0/24"],
    ["dest_net", "2001:db8::1"],
    ["dest_net", "300.1.1.1"],
    ["dest_ip", "10.0.0.1"],
    ["dest_net", 5],
    ["policies", null],
    ["policies", []],
    ["policies", { pending: [{ kind: 3, name: "x", tier: "t", action: "Deny", policy_index: 0, rule_index: 0 }] }],
    ["policies", { pending: [{ kind: 99, name: "x", tier: "t", action: "Deny" }] }],
    ["policies", { pending: [{ kind: 3, name: "x", tier: "t", action: "Deny", policy_index: 1.5 }] }],
    ["policies", { pending: "x" }],
    ["policies", { enforced: [5] }],
    ["policies", { enforced: [{ kind: "EndOfTier", tier: "t", action: "Pass", trigger: 5 }] }],
  ].map(([k, v]) => with_(BASE_OBJ, { [k as string]: v })),
  with_(BASE_OBJ, { protocol: "ICMP", dest_port: 0 }),
  with_(BASE_OBJ, { protocol: "ICMP", dest_port: 8 }),
  with_(BASE_OBJ, { protocol: 1, dest_port: 3 }),
  with_(BASE_OBJ, { protocol: "ICMPv6", dest_port: 128 }),
  with_(BASE_OBJ, { protocol: "ICMP", dest_port: null }),
  with_(BASE_OBJ, { source_name: "", source_namespace: "", source_labels: "" }),
  with_(BASE_OBJ, { source_name: undefined, dest_name: undefined }),
  with_(BASE_OBJ, { source_name: null, dest_name: null }),
  with_(BASE_OBJ, { source_name: "pub", source_namespace: "", source_labels: "", source_net: "203.0.113.1" }),
  with_(BASE_OBJ, { source_name: "pvt", source_namespace: "-", source_labels: "" }),
  G_BASE,
  `${G_BASE.slice(0, -1)},"Key":{}}`,
  G_BASE.replace('"Key":{', '"Key":{"source_name":"dup",'),
  withKey({ proto: null, protocol: "udp", dest_port: 53 }),
  withKey({ source_type: "WorkloadEndpoint" }),
  withKey({ dest_type: 7 }),
  withKey({ reporter: 3 }),
  withKey({ dest_port: 70000 }),
  withKey({ num_connections_started: 9 }),
  withKey({ source_labels: ["app=inner"] }),
  withKey({ source_name: undefined, dest_name: undefined, sourceName: "camel" }),
  withKey({ policies: { enforced_policies: [], pending_policies: [{ kind: 11, name: "cnp", tier: "kube-admin", action: 2, policy_index: 0, rule_index: 0 }] } }),
  withKey({ policies: { enforced_policies: [], pending_policies: [{ kind: 12, name: "x", tier: "t", action: 2 }] } }),
  withKey({ policies: { pending_policies: [{ kind: 1, name: "allow-tigera.cluster-dns", tier: "allow-tigera", action: 1, policy_index: 0, rule_index: 0 }] } }),
  with_(G_OBJ, { source_labels: "app=web" }),
  with_(G_OBJ, { source_labels: null }),
  `${G_BASE.slice(0, -1)},"num_connections_started":12345678901234567890}`,
  with_(G_OBJ, { num_connections_started: 2 ** 53 + 2 }),
  with_(G_OBJ, { source_ip: "10.1.2.3" }),
  JSON.stringify({ Key: G_OBJ["Key"] }),
  JSON.stringify({ key: G_OBJ["Key"], source_labels: ["app=web"] }),
  JSON.stringify({ id: 1, flow: G_OBJ }),
  JSON.stringify({ id: 1, flow: 5 }),
  "9007199254740993",
  `${BASE.slice(0, -1)},"count":1e400}`,
  with_(BASE_OBJ, { num_connections_started: 1e300 }),
  BASE.replace('"dest_port":8080', '"dest_port":8080.0'),
  BASE.replace('"dest_port":8080', '"dest_port":8.08e3'),
  BASE.replace('"dest_port":8080', '"dest_port":-0'),
  BASE.replace('"dest_port":8080', '"dest_port":0000'),
  BASE.replace('"dest_port":8080', '"dest_port":080'),
  BASE.replace('"dest_port":8080', '"dest_port":9007199254740993'),
  BASE.replace('"dest_port":8080', '"dest_port":123456789012345678'),
];

describe("fast flow import against the reference path: byte-identical flows and errors", { timeout: timeout(1000, 60) }, () => {
  it("generated Whisker, Goldmane and event-stream exports, as text and as files", async () => {
    for (const lines of [WHISKER, GOLDMANE, WHISKER.map((l) => `data: ${l}\n`), [...WHISKER.slice(0, 50), ...GOLDMANE.slice(0, 50)]]) {
      const text = `${lines.join("\n")}\n`;
      const out = expectSameText(text);
      expect(JSON.parse(out).ok.records, "the generated export imports").toBeGreaterThan(0);
      await expectSameFile(text);
      await expectSameFile(text.replaceAll("\n", "\r\n"));
      await expectSameFile(text.slice(0, -1));
    }
  });

  it("every hostile line, alone, after a good line, and before one, as text and as files", async () => {
    let refused = 0;
    for (const h of HOSTILE) {
      for (const text of [h, `${BASE}\n${h}`, `${h}\n${BASE}\n`, `${G_BASE}\n${h}\n${h}`]) {
        if (expectSameText(text).startsWith('{"error"')) refused++;
        await expectSameFile(text);
      }
    }
    // The list is not all good or all bad: both outcomes are compared.
    expect(refused).toBeGreaterThan(HOSTILE.length);
    expect(refused).toBeLessThan(4 * HOSTILE.length);
  });

  it("counts that add up past 2^53 - 1 over records the fast path reads (15-digit counts)", async () => {
    const big = with_(BASE_OBJ, { num_connections_started: 999_999_999_999_999 });
    for (const n of [4, 9, 10, 12]) {
      const text = `${Array.from({ length: n }, () => big).join("\n")}\n${BASE}\n`;
      const out = expectSameText(text);
      expect(out, `${n} records of 10^15 - 1`).toContain(n >= 10 ? "add up to more than 2^53 - 1" : '"ok"');
      await expectSameFile(text);
    }
  });

  it("bad UTF-8 and a BOM in the bytes of a file", async () => {
    const bad = [Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xe2, 0x82]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from([0xc0, 0xaf]), Buffer.from([0x80, 0x80])];
    const base = Buffer.from(BASE);
    const at = [BASE.indexOf("start_time") + 14, BASE.indexOf('"shop"') + 2, BASE.indexOf("app=web") + 3, BASE.indexOf('"Src"') + 1, BASE.indexOf('"start_time"') + 1, BASE.indexOf(":") + 1, base.length];
    for (const b of bad) {
      for (const i of at) {
        const line = Buffer.concat([base.subarray(0, i), b, base.subarray(i)]);
        await expectSameFile(Buffer.concat([Buffer.from(`${BASE}\n`), line, Buffer.from("\n")]));
        await expectSameFile(Buffer.concat([line, Buffer.from(`\n${BASE}`)]));
      }
      await expectSameFile(Buffer.concat([Buffer.from(`${BASE}\n`), b]));
    }
    await expectSameFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${BASE}\n${BASE}\n`)]));
    await expectSameFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`\n${BASE}\n`)]));
    await expectSameFile(Buffer.concat([Buffer.from(`${BASE}\n`), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${BASE}\n`)]));
  });

  it("empty, blank-only and CSV files, and files that cannot be read", async () => {
    for (const text of ["", "\n", "\n\n  \r\n", "\uFEFF\n", `\n\n${BASE}`]) await expectSameFile(text);
    const csv = "source_namespace,source_labels,dest_namespace,dest_labels,dest_net,port,protocol,count\nshop,app=web,data,app=db,,5432,TCP,120\nshop,app=wéb,,,203.0.113.10,443,TCP,7\n";
    await expectSameFile(csv, "flows.csv");
    await expectSameFile(csv.replaceAll("\n", "\r\n"), "flows.csv");
    await expectSameFile(`${csv}shop,app=web,data,app=db,,99999,TCP,1\n`, "flows.csv");
    const missing = join(dir, "missing.jsonl");
    expect(await outcomeAsync(() => importFlowFile(missing, undefined, "missing.jsonl"))).toBe(await outcomeAsync(() => importFlowFile(missing, undefined, "missing.jsonl", REFERENCE)));
    expect(await outcomeAsync(() => importFlowFile(dir, undefined, "dir"))).toBe(await outcomeAsync(() => importFlowFile(dir, undefined, "dir", REFERENCE)));
    expect(await outcomeAsync(() => importFlowFile(dir, undefined, "dir"))).toContain("cannot read the flow file (EISDIR)");
  });

  it("lines across the readers' chunk boundaries (1 MiB streamed, 8 MiB chunks), with characters of 2-4 bytes cut there", async () => {
    const rnd = prng(11);
    const lines: string[] = [];
    let size = 0;
    const value = BASE.indexOf('"start_time":"') + '"start_time":"'.length;
    // Lines until just before a boundary, then one whose emoji (4 bytes) starts 2 bytes before it.
    const boundaries = [2 ** 20, 3 * 2 ** 20, 8 * 2 ** 20, 16 * 2 ** 20];
    for (let i = 0; size < 19 * 2 ** 20; i++) {
      const boundary = boundaries.find((b) => b > size);
      if (boundary !== undefined && size > boundary - 2000) {
        const pad = boundary - 2 - size - value;
        const l = `${BASE.slice(0, value)}${"x".repeat(pad)}😀${BASE.slice(value)}`;
        lines.push(l);
        size += Buffer.byteLength(l) + 1;
        boundaries.shift();
        continue;
      }
      let l = flowLine(CONNS[Math.floor(rnd() * CONNS.length)] as GenConnection, i % 2 === 0 ? "Src" : "Dst", i);
      if (i % 97 === 0) l = l.replace('"start_time":"', '"start_time":"é€😀');
      if (i % 389 === 0) l = goldmaneLine(CONNS[i % CONNS.length] as GenConnection, 1, i);
      lines.push(l);
      size += Buffer.byteLength(l) + 1;
    }
    expect(boundaries, "a line straddles every boundary").toEqual([]);
    const out = await expectSameFile(`${lines.join("\n")}\n`);
    expect(JSON.parse(out).ok.records).toBe(lines.length);
    // One bad line far into the file: its number and problem are the same.
    lines[lines.length - 3] = (lines[lines.length - 3] as string).replace('"dest_port":', '"dest_port":"x",');
    expect(await expectSameFile(`${lines.join("\n")}\n`)).toContain(`flows.jsonl:${lines.length - 2}`);
  });

  it("property: generated lines with a field replaced, deleted or duplicated, bytes cut or inserted", () => {
    const pool = [...WHISKER.slice(0, 40), ...GOLDMANE.slice(0, 40), BASE, G_BASE];
    const value = fc.oneof(
      fc.constantFrom<unknown>(null, 0, -1, 1.5, 2 ** 53, 2 ** 53 + 2, 65536, true, "", "-", " x ", "TCP", "icmp", "Allow", "dst", "app=web", ["app=web"], {}, [], { enforced: [] }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const edit = fc.record({ line: fc.nat(pool.length - 1), key: fc.nat(), value, how: fc.constantFrom("set", "delete", "duplicate", "cut", "insert", "set-in-key"), at: fc.nat(), junk: fc.constantFrom("}", "{", ",", '"', "\\", " ", "\r", "\t", "\u0000", "é", "]", ":", "1", "e", "-") });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        const lines = edits.map((e) => {
          const text = pool[e.line] as string;
          if (e.how === "cut") return text.slice(0, e.at % (text.length + 1));
          if (e.how === "insert") {
            const i = e.at % (text.length + 1);
            return text.slice(0, i) + e.junk + text.slice(i);
          }
          const o = JSON.parse(text) as Record<string, unknown>;
          const target = e.how === "set-in-key" && typeof o["Key"] === "object" ? (o["Key"] as Record<string, unknown>) : o;
          const keys = Object.keys(target);
          const k = keys[e.key % keys.length] as string;
          if (e.how === "delete") delete target[k];
          else if (e.how === "duplicate") return `${JSON.stringify(o).slice(0, -1)},${JSON.stringify(k)}:${JSON.stringify(e.value)}}`;
          else target[k] = e.value;
          return JSON.stringify(o);
        });
        expectSameText(`${[...lines, BASE].join("\n")}\n`);
        expectSameText(`${lines.join("\r\n")}`);
      }),
      params(1500),
    );
  });
});


