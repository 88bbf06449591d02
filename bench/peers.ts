/**
 * `npm run bench:peers`: ours against the tools that answer the same question for Kubernetes
 * NetworkPolicy, side by side on the same inputs:
 * - netpol-analyzer v1.4.4 (Go; `netpolicy list --dirpath D -o json`), built by test/e2e/tools/build-tools.sh
 *   into the tool cache when Go is present;
 * - network-config-analyzer 2.1.0 (Python; `nca --connectivity D --resource_list D --output_format
 *   txt_no_fw_rules`), installed with pip into a venv in the tool cache when Python is present;
 * - ours: the compiled CLI, `calico-baseline report --manifests D --format json` (the report-equivalent of
 *   their connectivity lists), run from an empty directory so that no inventory of this repository is read.
 *
 * Inputs: generated pure-NetworkPolicy clusters of 100, 1k, 5k and 20k pods (N/20 namespaces, N/5 policies
 * with pod and namespace selectors, ipBlocks with except, named ports), and netpol-analyzer's 12 scenarios
 * (../shared/data/netpol-conformance, when present). Every tool runs as its own process; CPU (user + system)
 * and peak RSS are the process's own (GNU time, else Python's resource module), wall time beside them.
 * Agreement: every ordered pair of different workloads is compared, ours against each peer that ran (a pair
 * a tool does not list allows nothing); a difference from netpol-analyzer (whose own suite the scenarios
 * come from) fails the run, a difference from NCA is listed.
 *
 * A peer that cannot be built or installed, or that runs past the time limit, is skipped with a line saying
 * why; that never fails the run. PEERS_SIZES=100,1000 picks sizes; PEERS_TIMEOUT (seconds, default 300)
 * limits one run; a peer that timed out is not run on larger sizes; PEERS_TOOLS=netpol,nca (the default)
 * picks the peers.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { ConnSet, protocolNumber } from "../src/analysis/connset.js";
import { loadManifests } from "../src/analysis/analyse.js";
import { inventoryFromObjects } from "../src/analysis/inventory.js";
import { buildModel } from "../src/analysis/model.js";
import { readPolicies } from "../src/analysis/policies.js";
import { computeConnectivity } from "../src/analysis/connectivity.js";
import { exponent, loadNote } from "./measure.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const SIZES = (process.env["PEERS_SIZES"] ?? "100,1000,5000,20000").split(",").map(Number);
const TIMEOUT = Number(process.env["PEERS_TIMEOUT"] ?? "300");
const cache = process.env["CALICO_BASELINE_TOOLS"] ?? join(process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache"), "calico-baseline-tools");
const scenariosDir = join(root, "..", "shared", "data", "netpol-conformance");
const out = (s: string): void => void process.stdout.write(`${s}\n`);

interface Run {
  readonly ok: boolean;
  readonly timedOut: boolean;
  readonly cpuS: number;
  readonly wallS: number;
  readonly rssMiB: number;
  readonly stdout: string;
  readonly note?: string;
}

/** Runs a command and measures its own CPU and peak RSS (GNU time or Python's getrusage of the child). */
const measurer = ((): ((cmd: string, args: string[], cwd: string) => Run) | undefined => {
  const probe = (c: string, a: string[]): boolean => spawnSync(c, a, { stdio: "ignore" }).status === 0;
  const resFile = join(mkdtempSync(join(tmpdir(), "peers-rusage-")), "r");
  let wrap: ((cmd: string, args: string[]) => [string, string[]]) | undefined;
  if (existsSync("/usr/bin/time") && probe("/usr/bin/time", ["-f", "%e", "true"])) wrap = (cmd, args) => ["/usr/bin/time", ["-o", resFile, "-f", "%e %U %S %M", cmd, ...args]];
  else if (probe("python3", ["-c", "import resource"])) {
    const py = `import resource,subprocess,sys,time
t=time.time(); p=subprocess.run(sys.argv[2:]); w=time.time()-t
r=resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1],"w").write("%f %f %f %d" % (w, r.ru_utime, r.ru_stime, r.ru_maxrss)); sys.exit(p.returncode)`;
    wrap = (cmd, args) => ["python3", ["-c", py, resFile, cmd, ...args]];
  }
  if (wrap === undefined) return undefined;
  const w = wrap;
  return (cmd, args, cwd) => {
    rmSync(resFile, { force: true });
    const [c, a] = w(cmd, args);
    const r = spawnSync(c, a, { cwd, encoding: "utf8", maxBuffer: 1 << 30, timeout: TIMEOUT * 1000, killSignal: "SIGKILL" });
    const timedOut = r.signal === "SIGKILL" || (r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT";
    const fields = existsSync(resFile) ? readFileSync(resFile, "utf8").trim().split(/\s+/).slice(-4).map(Number) : [];
    const [wall, user, sys, rssKiB] = fields.length === 4 ? fields : [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
    // Our report exits 3 when a lockout invariant of the Calico baseline fails (these inputs have no Calico policies).
    const ok = !timedOut && (r.status === 0 || (cmd === process.execPath && r.status === 3));
    return { ok, timedOut, cpuS: user! + sys!, wallS: wall!, rssMiB: rssKiB! / 1024, stdout: r.stdout ?? "", ...(ok ? {} : { note: (r.stderr ?? "").split("\n").filter((l) => l.trim() !== "").slice(-3).join(" | ") }) };
  };
})();

// ---------------------------------------------------------------------------------------------------
// Tools

interface Tool {
  readonly name: string;
  /** Why the tool is not available, or undefined. */
  readonly missing?: string;
  run(dir: string): Run;
  /** Workload pair → connections ("ns/name[Kind] => ns/name[Kind]"), from the tool's output. */
  pairs(stdout: string): Map<string, ConnSet>;
}

function ours(): Tool {
  const bin = join(root, "bin", "calico-baseline.mjs");
  const built = existsSync(join(root, "lib", "cli", "main.js"));
  const empty = mkdtempSync(join(tmpdir(), "peers-ours-"));
  return {
    name: "calico-baseline",
    ...(built ? {} : { missing: "the compiled CLI is missing: run npm run build:cli" }),
    run: (dir) => measurer!(process.execPath, [bin, "report", "--manifests", dir, "--format", "json"], empty),
    pairs: (stdout) => {
      const m = new Map<string, ConnSet>();
      const j = JSON.parse(stdout) as { connectivity: Array<{ src: string; dst: string; srcKind: string; dstKind: string; allowed: unknown }> };
      for (const c of j.connectivity) if (c.srcKind === "workload" && c.dstKind === "workload") m.set(`${c.src} => ${c.dst}`, fromJson(c.allowed));
      return m;
    },
  };
}

function netpolAnalyzer(): Tool {
  const name = "netpol-analyzer v1.4.4";
  const script = join(root, "test", "e2e", "tools", "build-tools.sh");
  let binary: string | undefined;
  let missing: string | undefined;
  if (spawnSync("go", ["version"], { stdio: "ignore" }).status !== 0) missing = "no Go toolchain on PATH";
  else {
    const r = spawnSync("bash", [script, "netpol"], { encoding: "utf8" });
    const m = /tool netpol \S+: (?:cached|built in \d+ s \(\d+ MB in) ([^)\s]+)/.exec(r.stdout ?? "");
    if (r.status === 0 && m !== null) binary = join(m[1]!, "netpolicy");
    else missing = `build-tools.sh netpol failed (exit ${r.status}): ${(r.stderr ?? "").trim().split("\n").slice(-2).join(" | ")}`;
  }
  return {
    name,
    ...(missing === undefined ? {} : { missing }),
    run: (dir) => measurer!(binary!, ["list", "--dirpath", dir, "-o", "json"], dir),
    pairs: (stdout) => {
      const m = new Map<string, ConnSet>();
      const start = stdout.indexOf("[");
      if (start < 0) return m;
      for (const c of JSON.parse(stdout.slice(start)) as Array<{ src: string; dst: string; conn: string }>) {
        // Workloads are `ns/name[Kind]`; external ranges (`a-b` or `a-b[External]`) are not compared.
        if (!isWorkload(c.src) || !isWorkload(c.dst)) continue;
        m.set(`${c.src} => ${c.dst}`, fromText(c.conn));
      }
      return m;
    },
  };
}

function networkConfigAnalyzer(): Tool {
  const name = "network-config-analyzer 2.1.0";
  const venv = join(cache, "nca-2.1.0", "venv");
  const nca = join(venv, "bin", "nca");
  let missing: string | undefined;
  if (!existsSync(nca)) {
    if (spawnSync("python3", ["-c", "import venv"], { stdio: "ignore" }).status !== 0) missing = "no python3 with venv on PATH";
    else {
      mkdirSync(dirname(venv), { recursive: true });
      const a = spawnSync("python3", ["-m", "venv", venv], { encoding: "utf8" });
      const b = a.status === 0 ? spawnSync(join(venv, "bin", "pip"), ["install", "-q", "network-config-analyzer==2.1.0"], { encoding: "utf8" }) : a;
      if (b.status !== 0 || !existsSync(nca)) missing = `pip install network-config-analyzer==2.1.0 failed: ${(b.stderr ?? "").trim().split("\n").slice(-2).join(" | ")}`;
    }
  }
  return {
    name,
    ...(missing === undefined ? {} : { missing }),
    run: (dir) => measurer!(nca, ["--connectivity", dir, "--resource_list", dir, "--output_format", "txt_no_fw_rules"], dir),
    pairs: (stdout) => {
      // Lines `src => dst : connections`, workloads as `ns/name[Kind]`; other lines are headers.
      const m = new Map<string, ConnSet>();
      for (const line of stdout.split("\n")) {
        const x = /^\s*(\S+\[[A-Za-z]+\]) => (\S+\[[A-Za-z]+\]) : (.+?)\s*$/.exec(line);
        if (x === null || x[1]!.endsWith("[External]") || x[2]!.endsWith("[External]")) continue;
        m.set(`${x[1]} => ${x[2]}`, fromNca(x[3]!));
      }
      return m;
    },
  };
}

/** NCA's connection text: `All connections`, `No connections`, `{protocols:TCP,UDP,dst_ports:53,8000-8080};{...}`. */
function fromNca(text: string): ConnSet {
  const t = text.trim();
  if (/^all connections$/i.test(t)) return ConnSet.ALL;
  if (/^no connections$/i.test(t) || t === "") return ConnSet.EMPTY;
  let s = ConnSet.EMPTY;
  for (const item of t.replace(/^\{|\}$/g, "").split(/\}\s*[;,]?\s*\{/)) {
    const m = /^protocols:([A-Za-z0-9,]+?)(?:,dst_ports:([0-9,-]+))?$/.exec(item.trim());
    if (m === null) throw new Error(`cannot read connections "${text}"`);
    for (const p of m[1]!.split(",")) {
      const proto = protocolNumber(p);
      if (proto === undefined) throw new Error(`unknown protocol in "${text}"`);
      if (m[2] === undefined) s = s.union(ConnSet.protocol(proto));
      else for (const r of m[2].split(",")) {
        const [lo, hi] = r.split("-").map(Number);
        s = s.union(ConnSet.ports(proto, lo!, hi ?? lo!));
      }
    }
  }
  return s;
}

const isWorkload = (id: string): boolean => /\[[A-Za-z]+\]$/.test(id) && !id.endsWith("[External]");

/** netpol-analyzer's connection text: `All Connections`, `No Connections`, `TCP 80,8080-8090,UDP 53`, `SCTP`. */
function fromText(text: string): ConnSet {
  const t = text.trim();
  if (t === "All Connections") return ConnSet.ALL;
  if (t === "No Connections" || t === "") return ConnSet.EMPTY;
  let s = ConnSet.EMPTY;
  let proto: number | undefined;
  for (const tok of t.split(/[,;]\s*/)) {
    const m = /^(?:([A-Za-z]+)\s*)?([0-9]+)?(?:-([0-9]+))?$/.exec(tok.trim());
    if (m === null) throw new Error(`cannot read connections "${text}"`);
    if (m[1] !== undefined) {
      proto = protocolNumber(m[1]);
      if (proto === undefined) throw new Error(`unknown protocol in "${text}"`);
      if (m[2] === undefined) s = s.union(ConnSet.protocol(proto));
    }
    if (m[2] !== undefined) s = s.union(ConnSet.ports(proto!, Number(m[2]), Number(m[3] ?? m[2])));
  }
  return s;
}

function fromJson(a: unknown): ConnSet {
  if (a === "all") return ConnSet.ALL;
  const o = a as Record<string, Array<[number, number]>> & { allExcept?: Record<string, Array<[number, number]>> };
  const ranges = (r: Record<string, Array<[number, number]>>): ConnSet => {
    let s = ConnSet.EMPTY;
    for (const [p, rs] of Object.entries(r)) for (const [lo, hi] of rs) s = s.union(ConnSet.ports(protocolNumber(p)!, lo, hi));
    return s;
  };
  return o.allExcept !== undefined ? ConnSet.ALL.subtract(ranges(o.allExcept)) : ranges(o);
}

// ---------------------------------------------------------------------------------------------------
// Inputs

/** A pure-NetworkPolicy cluster of n pods: n/20 namespaces of 20 pods, n/5 policies. */
function generate(n: number, dir: string): void {
  const nsCount = Math.max(1, Math.round(n / 20));
  const per = Math.round(n / nsCount);
  const roles = ["frontend", "frontend", "backend", "backend", "backend", "db", "cache"];
  const docs: unknown[] = [];
  for (let i = 0; i < nsCount; i++) {
    const ns = `ns-${i}`;
    docs.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: { team: `team-${i % 10}`, env: i % 3 === 0 ? "prod" : "dev" } } });
    for (let j = 0; j < per; j++) {
      const role = roles[j % roles.length]!;
      docs.push({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `pod-${j}`, namespace: ns, labels: { app: `app-${j % 5}`, role } },
        spec: { containers: [{ name: "c", image: "nginx", ports: role === "db" ? [{ name: "pg", containerPort: 5432, protocol: "TCP" }] : [{ name: "http", containerPort: 8080, protocol: "TCP" }, { name: "metrics", containerPort: 9090, protocol: "TCP" }] }] },
      });
    }
  }
  for (let i = 0; i < nsCount; i++) {
    const ns = `ns-${i}`;
    // Four policies per namespace (n/5 in all).
    docs.push({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "backend-from-frontend", namespace: ns }, spec: { podSelector: { matchLabels: { role: "backend" } }, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: { role: "frontend" } } }], ports: [{ port: "http", protocol: "TCP" }] }] } });
    docs.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "db", namespace: ns },
      spec: {
        podSelector: { matchLabels: { role: "db" } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { role: "backend" } } }], ports: [{ port: 5432, protocol: "TCP" }] }],
        egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }], ports: [{ port: 443, protocol: "TCP" }] }, { ports: [{ port: 53, protocol: "UDP" }] }],
      },
    });
    docs.push({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "cache-from-team", namespace: ns }, spec: { podSelector: { matchLabels: { role: "cache" } }, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: `team-${(i + 1) % 10}` } }, podSelector: { matchLabels: { role: "backend" } } }], ports: [{ port: 8080, protocol: "TCP" }, { port: 9090, endPort: 9099, protocol: "TCP" }] }] } });
    docs.push({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "frontend-from-prod", namespace: ns }, spec: { podSelector: { matchExpressions: [{ key: "role", operator: "In", values: ["frontend"] }] }, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: "prod" } } }, { ipBlock: { cidr: "192.168.0.0/16" } }] }] } });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "cluster.yaml"), docs.map((d) => stringify(d)).join("---\n"));
}

// ---------------------------------------------------------------------------------------------------

/** Workload pairs where a tool's answer differs from ours (a pair a tool does not list allows nothing). */
function disagreements(mine: Map<string, ConnSet>, theirs: Map<string, ConnSet>, name: string): string[] {
  const problems: string[] = [];
  for (const k of [...new Set([...mine.keys(), ...theirs.keys()])].sort()) {
    const a = mine.get(k) ?? ConnSet.EMPTY;
    const b = theirs.get(k) ?? ConnSet.EMPTY;
    if (!a.equals(b)) problems.push(`${k}: ours ${a.toString()}, ${name} ${b.toString()}`);
  }
  return problems;
}

const fmt = (r: Run | undefined): string => (r === undefined ? "-" : r.timedOut ? `> ${TIMEOUT} s (stopped)` : !r.ok ? "failed" : `${r.cpuS.toFixed(2)} s / ${r.rssMiB.toFixed(0)} MiB / ${r.wallS.toFixed(2)} s`);

if (measurer === undefined) {
  out("bench:peers: neither GNU time (/usr/bin/time) nor python3 is available to measure a process's CPU and peak RSS; nothing measured");
} else {
  out(`machine: ${loadNote()}; figures per process: cpu (user+sys) / peak rss / wall; limit ${TIMEOUT} s per run`);
  const node = measurer(process.execPath, ["-e", "0"], tmpdir());
  out(`node start-up (node -e 0): ${fmt(node)}: the floor of any command of ours`);
  const want = (process.env["PEERS_TOOLS"] ?? "netpol,nca").split(",");
  const tools = [ours(), ...(want.includes("netpol") ? [netpolAnalyzer()] : []), ...(want.includes("nca") ? [networkConfigAnalyzer()] : [])];
  for (const t of tools) if (t.missing !== undefined) out(`skipping ${t.name}: ${t.missing}`);
  const available = tools.filter((t) => t.missing === undefined);
  const oursTool = available.find((t) => t.name === "calico-baseline");
  const stopped = new Set<string>();
  let failures = 0;
  const work = mkdtempSync(join(tmpdir(), "peers-"));
  const rows: Array<{ input: string; size?: number; runs: Map<string, Run> }> = [];
  try {
    const inputs: Array<{ name: string; dir: string; size?: number }> = [];
    if (existsSync(scenariosDir)) {
      for (const s of readdirSync(scenariosDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) inputs.push({ name: s, dir: join(scenariosDir, s, "input") });
    } else out(`(no scenarios: ${scenariosDir} is missing)`);
    for (const n of SIZES) {
      const dir = join(work, `gen-${n}`);
      generate(n, dir);
      inputs.push({ name: `generated ${n} pods`, dir, size: n });
    }
    for (const input of inputs) {
      const runs = new Map<string, Run>();
      const results: Array<{ tool: Tool; pairs: Map<string, ConnSet> }> = [];
      for (const t of available) {
        if (input.size !== undefined && stopped.has(t.name)) continue;
        const r = t.run(input.dir);
        runs.set(t.name, r);
        if (r.timedOut && input.size !== undefined) stopped.add(t.name);
        if (!r.ok) continue;
        try {
          results.push({ tool: t, pairs: t.pairs(r.stdout) });
        } catch (e) {
          out(`  ${t.name} on ${input.name}: output not understood (${(e as Error).message})`);
        }
      }
      // Ours in-process too, to check our CLI's list (capped at 100,000 pairs) covers every pair.
      if (oursTool !== undefined) {
        // Host-networked pods compared as pods, as netpol-analyzer and NCA see them (in Calico they are
        // their node; test/analysis/netpol-conformance.conformance.test.ts does the same).
        const objects = loadManifests([input.dir]);
        const inv = inventoryFromObjects(objects.map((o) => o.object));
        const c = computeConnectivity(buildModel({ ...inv, workloads: inv.workloads.map((w) => ({ ...w, hostNetwork: false })) }, readPolicies(objects)));
        const mine = new Map<string, ConnSet>();
        for (const p of c.pairs()) if (p.src.kind === "workload" && p.dst.kind === "workload") mine.set(`${p.src.id} => ${p.dst.id}`, p.conns);
        const i = results.findIndex((r) => r.tool === oursTool);
        if (i >= 0) results[i] = { tool: oursTool, pairs: mine };
      }
      const mine = results.find((r) => r.tool === oursTool);
      const verdicts: string[] = [];
      const detail: string[] = [];
      for (const r of results) {
        if (r.tool === oursTool || mine === undefined) continue;
        const d = disagreements(mine.pairs, r.pairs, r.tool.name);
        if (d.length === 0) verdicts.push(`agrees with ${r.tool.name} on every workload pair`);
        else {
          verdicts.push(`${d.length} pairs DIFFER from ${r.tool.name}`);
          detail.push(...d.slice(0, 5).map((x) => `  ${x}`));
          // netpol-analyzer's own suite is the reference: a difference from it fails the run; NCA's
          // differences are reported (it ignores pods whose named ports it cannot resolve, for one).
          if (r.tool.name.startsWith("netpol-analyzer")) failures += d.length;
        }
      }
      for (const t of available) if (t !== oursTool && runs.get(t.name)?.ok === true && !results.some((r) => r.tool === t)) verdicts.push(`${t.name}'s output was not understood`);
      out(`\n${input.name}: ${verdicts.length === 0 ? "(no peer answer to compare)" : verdicts.join("; ")}`);
      for (const x of detail) out(x);
      for (const t of available) {
        const r = runs.get(t.name);
        const mine = runs.get("calico-baseline");
        const ratio = r !== undefined && mine !== undefined && r !== mine && r.ok && mine.ok ? `  ours/theirs cpu ${(mine.cpuS / r.cpuS).toFixed(2)}` : "";
        out(`  ${t.name.padEnd(32)} ${fmt(r)}${ratio}${r?.note === undefined ? "" : `  (${r.note})`}`);
      }
      rows.push({ input: input.name, ...(input.size === undefined ? {} : { size: input.size }), runs });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  out("\n== side by side: cpu seconds (peak rss MiB); ratio = ours / theirs");
  out(`${"input".padEnd(56)} ${available.map((t) => t.name.padEnd(32)).join(" ")}`);
  for (const row of rows) {
    const mine = row.runs.get("calico-baseline");
    const cells = available.map((t) => {
      const r = row.runs.get(t.name);
      const base = r === undefined ? "-" : r.timedOut ? `>${TIMEOUT}` : !r.ok ? "failed" : `${r.cpuS.toFixed(2)} (${r.rssMiB.toFixed(0)})`;
      const ratio = t.name !== "calico-baseline" && r?.ok === true && mine?.ok === true ? ` x${(mine.cpuS / r.cpuS).toFixed(2)}` : r?.timedOut === true && mine?.ok === true ? ` <x${(mine.cpuS / TIMEOUT).toFixed(3)}` : "";
      return `${base}${ratio}`.padEnd(32);
    });
    out(`${row.input.padEnd(56)} ${cells.join(" ")}`);
  }
  out("\n== growth exponents over the generated sizes (cpu)");
  for (const t of available) {
    const pts = rows.filter((r) => r.size !== undefined && r.runs.get(t.name)?.ok === true).map((r) => [r.size!, r.runs.get(t.name)!.cpuS] as const);
    const parts: string[] = [];
    for (let i = 1; i < pts.length; i++) parts.push(`${pts[i - 1]![0]}->${pts[i]![0]}: n^${exponent(pts[i - 1]![0], pts[i - 1]![1], pts[i]![0], pts[i]![1]).toFixed(2)}`);
    out(`  ${t.name.padEnd(32)} ${parts.length === 0 ? "(fewer than two sizes ran)" : parts.join(", ")}`);
  }
  if (node.ok && oursTool !== undefined) {
    const tiny = rows.filter((r) => r.size === undefined).map((r) => r.runs.get("calico-baseline")).filter((r): r is Run => r?.ok === true);
    if (tiny.length > 0) {
      const worst = Math.max(...tiny.map((r) => r.cpuS));
      out(`\nnode start-up floor: ${node.cpuS.toFixed(3)} s cpu; our slowest scenario ${worst.toFixed(3)} s cpu = ${(worst / node.cpuS).toFixed(2)}x node's own start-up`);
    }
  }
  if (failures > 0) {
    out(`\nFAIL: ${failures} workload pairs where ours and netpol-analyzer disagree`);
    process.exitCode = 1;
  }
}
