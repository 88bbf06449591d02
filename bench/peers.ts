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
 * (bash's `times` of its one child) and peak RSS (GNU time's %M) are the process's own, wall time beside them.
 * Agreement: every ordered pair of different workloads is compared, ours against each peer that ran (a pair
 * a tool does not list allows nothing); a difference from netpol-analyzer (whose own suite the scenarios
 * come from) fails the run, a difference from NCA is listed.
 *
 * A peer that cannot be built or installed gets a line saying why and is left out; that never fails the run.
 * Before a peer runs at a generated size, its CPU there is predicted from its last two sizes (n^k, k at least
 * 1; k = 2 after one size); over PEERS_SKIP_ABOVE seconds (default 300) it is skipped from that size on, with
 * the prediction printed (netpol-analyzer took 44 s at 1k pods and grows about n^2.2, so 5k would take
 * half an hour). A run that goes beyond its prediction is stopped after PEERS_CPU_LIMIT seconds of CPU (ulimit -t;
 * default: PEERS_SKIP_ABOVE) or PEERS_TIMEOUT seconds of wall time (default 900), and the peer is not run on
 * larger sizes.
 * PEERS_SIZES=100,1000 picks sizes; PEERS_TOOLS=netpol,nca (the default) picks the peers; PEERS_REPEAT
 * (default 5) is how many runs the scenarios and the 100-pod input take, the median CPU reported.
 *
 * The verdict per input: ours faster than each peer, or within 2x of node's own start-up (`node -e 0`,
 * measured first) where that is the floor, or on the scenarios within 2x of netpol-analyzer's CPU.
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
const TIMEOUT = Number(process.env["PEERS_TIMEOUT"] ?? "900");
const SKIP_ABOVE = Number(process.env["PEERS_SKIP_ABOVE"] ?? "300");
const REPEAT = Number(process.env["PEERS_REPEAT"] ?? "5");
/** CPU seconds after which a tool is stopped: the same ~5 minutes a predicted run may take. */
const CPU_LIMIT = Number(process.env["PEERS_CPU_LIMIT"] ?? String(SKIP_ABOVE));
const cache = process.env["CALICO_BASELINE_TOOLS"] ?? join(process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache"), "calico-baseline-tools");
const scenariosDir = join(root, "..", "shared", "data", "netpol-conformance");
const out = (s: string): void => void process.stdout.write(`${s}\n`);
/** Temporary directories, removed when the bench ends. */
const scratch: string[] = [];
const tempDir = (prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(d);
  return d;
};
process.on("exit", () => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

interface Run {
  readonly ok: boolean;
  /** Stopped at a limit: CPU_LIMIT seconds of CPU, or TIMEOUT seconds of wall time. */
  readonly timedOut: boolean;
  /** The exit status of the tool (through its wrappers), null when it got no status. */
  readonly status: number | null;
  /** Which limit stopped it. */
  readonly stoppedBy?: string;
  readonly cpuS: number;
  readonly wallS: number;
  readonly rssMiB: number;
  readonly stdout: string;
  readonly note?: string;
}

/**
 * Runs a command and measures its own CPU and peak RSS. CPU is what bash's `times` says its one waited-for
 * child used (user + system, milliseconds; GNU time's %U and %S come in 10 ms steps, too coarse for the
 * scenarios' few milliseconds, and Python's getrusage(RUSAGE_CHILDREN) reads some 50 ms high here), peak RSS is
 * GNU time's %M (the largest of bash and the tool: the tool). Neither wrapper's own CPU is counted.
 */
const measurer = ((): { name: string; run: (cmd: string, args: string[], cwd: string) => Run } | undefined => {
  const probe = (c: string, a: string[]): boolean => spawnSync(c, a, { stdio: "ignore" }).status === 0;
  if (!probe("bash", ["-c", "times"]) || !probe("timeout", ["10", "true"])) return undefined;
  const dir = tempDir("peers-rusage-");
  const timesFile = join(dir, "times");
  const timeFile = join(dir, "time");
  const gnuTime = existsSync("/usr/bin/time") && probe("/usr/bin/time", ["-f", "%e", "true"]);
  // ulimit -t: the kernel stops the tool after CPU_LIMIT seconds of CPU, whatever the machine's load.
  const script = `ulimit -t ${CPU_LIMIT}; "$@"; rc=$?; times > ${JSON.stringify(timesFile)}; exit $rc`;
  const seconds = (t: string): number => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m === null ? Number.NaN : Number(m[1]) * 60 + Number(m[2]);
  };
  const run = (cmd: string, args: string[], cwd: string): Run => {
    rmSync(timesFile, { force: true });
    rmSync(timeFile, { force: true });
    const inner = ["bash", "-c", script, "bash", cmd, ...args];
    const wrapped = gnuTime ? ["/usr/bin/time", "-o", timeFile, "-f", "%e %M", ...inner] : inner;
    const t0 = performance.now();
    // GNU timeout signals its whole process group (the wrappers and the tool) and exits 124 when the limit hit.
    const r = spawnSync("timeout", ["--signal=TERM", "--kill-after=10", String(TIMEOUT), ...wrapped], { cwd, encoding: "utf8", maxBuffer: 1 << 30 });
    const wallS = (performance.now() - t0) / 1000;
    // 124: timeout's wall limit; 137 or 152: SIGKILL or SIGXCPU, the CPU limit (a tool killed otherwise has not
    // used CPU_LIMIT seconds).
    // `times`: the shell's own user and system time on the first line, its children's on the second.
    const children = existsSync(timesFile) ? (readFileSync(timesFile, "utf8").trim().split("\n")[1] ?? "").trim().split(/\s+/) : [];
    const cpuS = children.length === 2 ? seconds(children[0]!) + seconds(children[1]!) : Number.NaN;
    const timeFields = existsSync(timeFile) ? readFileSync(timeFile, "utf8").trim().split("\n").pop()!.trim().split(/\s+/).map(Number) : [];
    const rssMiB = timeFields.length === 2 ? timeFields[1]! / 1024 : Number.NaN;
    // Our report exits 3 when a lockout invariant of the Calico baseline fails (these inputs have no Calico policies).
    // (The kernel checks the limit on its scheduler ticks: allow 10% below it.)
    const cpuLimited = (r.status === 137 || r.status === 152) && cpuS >= CPU_LIMIT * 0.9;
    const stoppedBy = r.status === 124 ? `${TIMEOUT} s wall` : cpuLimited ? `${CPU_LIMIT} s cpu` : undefined;
    const timedOut = stoppedBy !== undefined;
    const ok = !timedOut && (r.status === 0 || (cmd === process.execPath && r.status === 3));
    return { ok, timedOut, status: r.status, ...(stoppedBy === undefined ? {} : { stoppedBy }), cpuS, wallS, rssMiB, stdout: r.stdout ?? "", ...(ok ? {} : { note: (r.stderr ?? "").split("\n").filter((l) => l.trim() !== "").slice(-3).join(" | ") }) };
  };
  return { name: `bash's times for cpu${gnuTime ? ", GNU time's %M for peak rss" : " (no GNU time: no peak rss)"}`, run };
})();

/** The run with the median CPU of `times` runs (the scenarios take milliseconds: one run is noise). */
function medianRun(times: number, f: () => Run): Run {
  const runs: Run[] = [];
  for (let i = 0; i < times; i++) {
    const r = f();
    runs.push(r);
    if (!r.ok) return r;
  }
  runs.sort((a, b) => a.cpuS - b.cpuS);
  return runs[Math.floor(runs.length / 2)]!;
}

// ---------------------------------------------------------------------------------------------------
// Tools

interface Tool {
  readonly name: string;
  /** Why the tool is not available, or undefined. */
  readonly missing?: string;
  run(dir: string): Run;
  /**
   * Workload pair → connections ("ns/name[Kind] => ns/name[Kind]"), from a peer's output. Ours has none: our
   * pairs come from the engine in-process (ourPairs), since the CLI's JSON lists at most 100,000 pairs.
   */
  pairs?(stdout: string): Map<string, ConnSet>;
}

function ours(): Tool {
  const bin = join(root, "bin", "calico-baseline.mjs");
  const built = existsSync(join(root, "lib", "cli", "main.mjs"));
  const empty = tempDir("peers-ours-");
  return {
    name: "calico-baseline",
    ...(built ? {} : { missing: "the compiled CLI is missing: run npm run build:cli" }),
    run: (dir) => measurer!.run(process.execPath, [bin, "report", "--manifests", dir, "--format", "json"], empty),
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
    run: (dir) => measurer!.run(binary!, ["list", "--dirpath", dir, "-o", "json"], dir),
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

/**
 * The venv's cache key beside the tool's version: the interpreter's minor version (`python3.11`), as
 * build-tools.sh keys a Go tool by the Go version; a venv does not survive a change of interpreter.
 */
function pythonKey(): string {
  const r = spawnSync("python3", ["-c", "import sys; print('python%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "python3";
}

function networkConfigAnalyzer(): Tool {
  const name = "network-config-analyzer 2.1.0";
  const venv = join(cache, `nca-2.1.0-${pythonKey()}`, "venv");
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
    run: (dir) => measurer!.run(nca, ["--connectivity", dir, "--resource_list", dir, "--output_format", "txt_no_fw_rules"], dir),
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
  // Files of at most 5,000 documents: a file of more than MAX_DOCUMENTS_PER_FILE (10,000) is refused by ours.
  for (let i = 0; i * 5000 < docs.length; i++) writeFileSync(join(dir, `cluster-${String(i).padStart(2, "0")}.yaml`), docs.slice(i * 5000, (i + 1) * 5000).map((d) => stringify(d)).join("---\n"));
}

// ---------------------------------------------------------------------------------------------------

/**
 * Workload pairs where a tool's answer differs from ours. Ours is streamed (at 5k pods it has 25M pairs,
 * most of them allowing nothing); theirs is the tool's list, where a pair it does not list allows nothing.
 */
function disagreements(mine: Iterable<[string, ConnSet]>, theirs: ReadonlyMap<string, ConnSet>, name: string): { count: number; examples: string[] } {
  let count = 0;
  const examples: string[] = [];
  const seen = new Set<string>();
  const differ = (k: string, a: ConnSet, b: ConnSet): void => {
    count++;
    if (examples.length < 5) examples.push(`${k}: ours ${a.toString()}, ${name} ${b.toString()}`);
  };
  for (const [k, a] of mine) {
    const b = theirs.get(k);
    if (b !== undefined) seen.add(k);
    if (!a.equals(b ?? ConnSet.EMPTY)) differ(k, a, b ?? ConnSet.EMPTY);
  }
  for (const [k, b] of theirs) if (!seen.has(k) && !b.equals(ConnSet.EMPTY)) differ(k, ConnSet.EMPTY, b);
  return { count, examples };
}

/** Our engine's workload pairs, in-process (the CLI's JSON lists at most 100,000 pairs; the engine is the same). */
function* ourPairs(dir: string): Generator<[string, ConnSet]> {
  // Host-networked pods compared as pods, as netpol-analyzer and NCA see them (in Calico they are their
  // node; test/analysis/netpol-conformance.conformance.test.ts does the same).
  const objects = loadManifests([dir]);
  const inv = inventoryFromObjects(objects.map((o) => o.object));
  const c = computeConnectivity(buildModel({ ...inv, workloads: inv.workloads.map((w) => ({ ...w, hostNetwork: false })) }, readPolicies(objects)));
  for (const p of c.pairs()) if (p.src.kind === "workload" && p.dst.kind === "workload") yield [`${p.src.id} => ${p.dst.id}`, p.conns];
}

const fmt = (r: Run | undefined): string => (r === undefined ? "-" : r.timedOut ? `stopped at the limit of ${r.stoppedBy ?? ""}` : !r.ok ? `failed (exit ${r.status}) after ${r.cpuS.toFixed(1)} s cpu` : `${r.cpuS.toFixed(3)} s / ${r.rssMiB.toFixed(0)} MiB / ${r.wallS.toFixed(2)} s`);
const cpuCell = (s: number): string => (s < 1 ? s.toFixed(3) : s.toFixed(s < 10 ? 2 : 1));

if (measurer === undefined) {
  out("bench:peers: bash and GNU timeout are needed to run and measure the tools; nothing measured");
} else {
  out(`machine: ${loadNote()}; node ${process.version}`);
  out(`figures per process: cpu (user+sys of the whole process) / peak rss / wall, by ${measurer.name}; limits per run ${CPU_LIMIT} s cpu and ${TIMEOUT} s wall; a peer whose predicted cpu at the next size is over ${SKIP_ABOVE} s is skipped there`);
  const node = medianRun(REPEAT, () => measurer.run(process.execPath, ["-e", "0"], tmpdir()));
  out(`node start-up (node -e 0, median of ${REPEAT}): ${fmt(node)}: the floor of any command of ours`);
  const want = (process.env["PEERS_TOOLS"] ?? "netpol,nca").split(",");
  const tools = [ours(), ...(want.includes("netpol") ? [netpolAnalyzer()] : []), ...(want.includes("nca") ? [networkConfigAnalyzer()] : [])];
  for (const t of tools) if (t.missing !== undefined) out(`skipping ${t.name}: ${t.missing}`);
  const available = tools.filter((t) => t.missing === undefined);
  const oursTool = available.find((t) => t.name === "calico-baseline");
  const peers = available.filter((t) => t !== oursTool);
  /** Per tool, the generated sizes it ran and their cpu, for the growth exponents and the skip prediction. */
  const history = new Map<string, Array<readonly [number, number]>>(available.map((t) => [t.name, []]));
  const skipped = new Map<string, string>();
  let failures = 0;
  const work = tempDir("peers-");
  const rows: Array<{ input: string; size?: number; runs: Map<string, Run> }> = [];
  try {
    const inputs: Array<{ name: string; dir: string; size?: number }> = [];
    if (existsSync(scenariosDir)) {
      for (const s of readdirSync(scenariosDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) inputs.push({ name: s, dir: join(scenariosDir, s, "input") });
    } else out(`skipping netpol-analyzer's 12 scenarios: ${scenariosDir} is missing (the copy of shared/ beside the clone)`);
    for (const n of SIZES) inputs.push({ name: `generated ${n} pods`, dir: join(work, `gen-${n}`), size: n });
    for (const input of inputs) {
      if (input.size !== undefined) generate(input.size, input.dir);
      const runs = new Map<string, Run>();
      const answers: Array<{ tool: Tool; pairs: Map<string, ConnSet> }> = [];
      const repeat = input.size === undefined || input.size <= 100 ? REPEAT : 1;
      const lines: string[] = [];
      for (const t of available) {
        if (input.size !== undefined && t !== oursTool) {
          const h = history.get(t.name)!;
          const last = h[h.length - 1];
          if (skipped.has(t.name)) continue;
          if (last !== undefined) {
            const k = h.length >= 2 ? exponent(h[h.length - 2]![0], h[h.length - 2]![1], last[0], last[1]) : 2;
            const predicted = last[1] * (input.size / last[0]) ** Math.max(k, 1);
            if (predicted > SKIP_ABOVE) {
              const why = `predicted ${predicted.toFixed(0)} s cpu at ${input.size} pods (${last[0]} pods took ${last[1].toFixed(1)} s, growth n^${Math.max(k, 1).toFixed(2)}) > ${SKIP_ABOVE} s`;
              skipped.set(t.name, why);
              lines.push(`  skipping ${t.name} from ${input.size} pods on: ${why}`);
              continue;
            }
          }
        }
        const r = medianRun(repeat, () => t.run(input.dir));
        runs.set(t.name, r);
        if (r.timedOut && input.size !== undefined) skipped.set(t.name, `stopped at the limit of ${r.stoppedBy ?? ""} at ${input.size} pods`);
        if (!r.ok) continue;
        if (input.size !== undefined) history.get(t.name)!.push([input.size, r.cpuS]);
        if (t === oursTool) continue;
        try {
          if (t.pairs !== undefined) answers.push({ tool: t, pairs: t.pairs(r.stdout) });
        } catch (e) {
          lines.push(`  ${t.name}: output not understood (${(e as Error).message})`);
        }
      }
      const verdicts: string[] = [];
      const detail: string[] = [];
      if (oursTool !== undefined && runs.get(oursTool.name)?.ok !== true) verdicts.push(`ours FAILED: ${runs.get(oursTool.name)?.note ?? ""}`);
      if (oursTool !== undefined) {
        for (const a of answers) {
          const d = disagreements(ourPairs(input.dir), a.pairs, a.tool.name);
          if (d.count === 0) verdicts.push(`agrees with ${a.tool.name} on all ${a.pairs.size} pairs it lists`);
          else {
            verdicts.push(`${d.count} pairs DIFFER from ${a.tool.name}`);
            detail.push(...d.examples.map((x) => `    ${x}`));
            // netpol-analyzer's own suite is the reference: a difference from it fails the run; NCA's
            // differences are reported.
            if (a.tool.name.startsWith("netpol-analyzer")) failures += d.count;
          }
        }
      }
      out(`\n${input.name}: ${verdicts.length === 0 ? "(no peer answer to compare)" : verdicts.join("; ")}`);
      for (const x of [...detail, ...lines]) out(x);
      const mine = oursTool === undefined ? undefined : runs.get(oursTool.name);
      for (const t of available) {
        const r = runs.get(t.name);
        if (r === undefined) continue;
        const ratio = t !== oursTool && r.ok && mine?.ok === true ? `  ours/theirs cpu ${(mine.cpuS / r.cpuS).toFixed(2)}` : "";
        out(`  ${t.name.padEnd(32)} ${fmt(r)}${repeat > 1 ? ` (median of ${repeat})` : ""}${ratio}${r.note === undefined ? "" : `  (${r.note})`}`);
      }
      rows.push({ input: input.name, ...(input.size === undefined ? {} : { size: input.size }), runs });
      if (input.size !== undefined) rmSync(input.dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const floor = node.ok ? node.cpuS : Number.NaN;
  out(`\n== side by side: cpu seconds (peak rss MiB); xR = ours / theirs; node -e 0 takes ${cpuCell(floor)} s`);
  out(`${"input".padEnd(56)} ${available.map((t) => t.name.padEnd(30)).join(" ")} verdict`);
  let misses = 0;
  for (const row of rows) {
    const mine = oursTool === undefined ? undefined : row.runs.get(oursTool.name);
    const cells = available.map((t) => {
      const r = row.runs.get(t.name);
      const base = r === undefined ? (row.size !== undefined && skipped.has(t.name) ? "skipped" : "-") : r.timedOut ? `>${(r.stoppedBy ?? "").replace(/ s /, "s ")}` : !r.ok ? "failed" : `${cpuCell(r.cpuS)} (${r.rssMiB.toFixed(0)})`;
      const ratio = t !== oursTool && r?.ok === true && mine?.ok === true ? ` x${(mine.cpuS / r.cpuS).toFixed(2)}` : "";
      return `${base}${ratio}`.padEnd(30);
    });
    // Done when: ours is faster than each peer that ran, or (where node's own start-up is the floor) within 2x of
    // node -e 0; on the 12 scenarios also the start-up target, <= 2x netpol-analyzer's cpu or 2x node's floor.
    const verdict: string[] = [];
    if (mine?.ok === true) {
      for (const t of peers) {
        const r = row.runs.get(t.name);
        const short = t.name.split(" ")[0]!;
        // A peer stopped at its limit, or skipped because its predicted CPU is over the limit, is slower than ours.
        if (r?.timedOut === true || (r === undefined && row.size !== undefined && skipped.has(t.name))) {
          verdict.push(`faster than ${short} (${r === undefined ? "skipped: predicted" : "stopped"} over its limit)`);
          continue;
        }
        if (r?.ok !== true) continue;
        if (mine.cpuS < r.cpuS) verdict.push(`faster than ${short}`);
        else if (mine.cpuS <= 2 * floor) verdict.push(`within 2x node vs ${short}`);
        else if (row.size === undefined && mine.cpuS <= 2 * r.cpuS) verdict.push(`within 2x ${short}`);
        else {
          verdict.push(`MISS vs ${short}`);
          misses++;
        }
      }
    }
    out(`${row.input.padEnd(56)} ${cells.join(" ")} ${verdict.join(", ")}`);
  }
  out("\n== growth exponents over the generated sizes (cpu; peak rss)");
  for (const t of available) {
    const pts = rows.filter((r) => r.size !== undefined && r.runs.get(t.name)?.ok === true).map((r) => [r.size!, r.runs.get(t.name)!] as const);
    const parts: string[] = [];
    for (let i = 1; i < pts.length; i++) {
      const [n0, a] = pts[i - 1]!;
      const [n1, b] = pts[i]!;
      parts.push(`${n0}->${n1}: n^${exponent(n0, a.cpuS, n1, b.cpuS).toFixed(2)}; n^${exponent(n0, a.rssMiB, n1, b.rssMiB).toFixed(2)}`);
    }
    const skip = skipped.get(t.name);
    out(`  ${t.name.padEnd(32)} ${parts.length === 0 ? "(fewer than two sizes ran)" : parts.join(", ")}${skip === undefined ? "" : `  [skipped after: ${skip}]`}`);
  }
  if (node.ok && oursTool !== undefined) {
    const tiny = rows.filter((r) => r.size === undefined).map((r) => r.runs.get(oursTool.name)).filter((r): r is Run => r?.ok === true);
    if (tiny.length > 0) {
      const cpus = tiny.map((r) => r.cpuS);
      out(`\nstart-up: node -e 0 ${floor.toFixed(3)} s cpu; ours on the scenarios ${Math.min(...cpus).toFixed(3)}-${Math.max(...cpus).toFixed(3)} s cpu = ${(Math.min(...cpus) / floor).toFixed(2)}-${(Math.max(...cpus) / floor).toFixed(2)}x node's own start-up`);
    }
  }
  out(misses === 0 ? "\nPASS: ours is faster than each peer at every input, or within 2x where node's start-up is the floor" : `\nMISS: ${misses} input/peer cells where ours is slower than the peer and more than 2x node's start-up`);
  if (failures > 0) {
    out(`\nFAIL: ${failures} workload pairs where ours and netpol-analyzer disagree`);
    process.exitCode = 1;
  }
}
