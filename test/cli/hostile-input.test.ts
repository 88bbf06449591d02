// The reproducers of issue 11 that reach the CLI (defects 1, 7 and 13): each is a clear UserError with the
// file or flag, the reason and a hint, exit 1, and nothing written or deleted.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { POLICIES_DIR } from "../../policies/catalog.js";
import { main } from "../../src/cli/main.js";
import { platformInventory } from "../support/platform-inventory.js";

const ROOT = join(POLICIES_DIR, "..");
const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), "cb-hostile-"));
  temps.push(d);
  return d;
}
/** A project directory with the repository's stack files and inventory. */
function project(): string {
  const d = temp();
  for (const f of readdirSync(ROOT).filter((x) => /^Pulumi(\..+)?\.yaml$/.test(x))) cpSync(join(ROOT, f), join(d, f));
  cpSync(join(POLICIES_DIR, "inventory.yaml"), join(d, "policies", "inventory.yaml"));
  return d;
}
async function cli(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { cwd, out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}
const POLICY = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: allow-all }
spec: { selector: all(), types: [Ingress], ingress: [{ action: Allow }] }
`;

describe("synth --stack is a Pulumi stack name, never a path (defect 1)", () => {
  it("the reproducer: a traversal in --stack is refused and the directory it names keeps its files", async () => {
    const cwd = project();
    const victim = join(temp(), "v");
    mkdirSync(victim);
    writeFileSync(join(victim, "keep"), "x");
    cpSync(join(cwd, "Pulumi.dev.yaml"), `${victim}.yaml`);
    const r = await cli(cwd, "synth", "--stack", `x/../../../../../../..${victim}`);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`--stack: is not a bare stack name (it contains '/') (value: "x/../../../../../../..${victim}"). Hint: give only the stack's own name, the part after the last '/'`);
    expect(readdirSync(victim)).toEqual(["keep"]);
    expect(existsSync(join(cwd, "dist"))).toBe(false);
  });
  for (const bad of [".", "..", "a b", "dev;rm", "org/project/dev", "", "x".repeat(101), ".hidden", "dév"]) {
    it(`refuses ${JSON.stringify(bad.length > 20 ? `${bad.slice(0, 10)}…(${bad.length})` : bad)}`, async () => {
      const cwd = project();
      const r = await cli(cwd, "synth", `--stack=${bad}`);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(bad === "" ? /--stack needs a value/ : /--stack: is not (a valid|a bare) stack name .*Hint: .*a stack name is 1-100 letters, digits, '-', '_' or '\.'/s);
      expect(existsSync(join(cwd, "dist"))).toBe(false);
    });
  }
  it("accepts what Pulumi accepts: letters, digits, '-', '_', '.'", async () => {
    const cwd = project();
    // Same VM names as dev (they default to cb-<stack>), so the dev inventory's nodes fit.
    writeFileSync(join(cwd, "Pulumi.Dev_2.eu-1.yaml"), readFileSync(join(cwd, "Pulumi.dev.yaml"), "utf8").replace("  calico-baseline:cluster:\n", "  calico-baseline:cluster:\n    namePrefix: cb-dev\n"));
    cpSync(join(cwd, "policies", "inventory.yaml"), join(cwd, "policies", "inventory.Dev_2.eu-1.yaml"));
    const r = await cli(cwd, "synth", "--stack", "Dev_2.eu-1");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(existsSync(join(cwd, "dist", "Dev_2.eu-1", "00-tiers.yaml"))).toBe(true);
  });
  it("the other commands check --stack too", async () => {
    const cwd = project();
    for (const cmd of ["report", "explain", "replay", "recommend"]) {
      const extra = cmd === "explain" ? ["--from", "a/b", "--to", "c/d"] : cmd === "replay" ? ["--flows", "f.jsonl"] : cmd === "recommend" ? ["--flows", "f.jsonl", "--namespace", "shop"] : [];
      writeFileSync(join(cwd, "f.jsonl"), '{"source_name":"a","source_namespace":"shop","dest_name":"b","dest_namespace":"shop","protocol":"TCP","dest_port":80,"action":"Allow","reporter":"Src"}\n');
      const r = await cli(cwd, cmd, "--stack", "../etc", ...extra);
      expect(r.code, cmd).toBe(1);
      expect(r.err, cmd).toContain("--stack: is not a bare stack name");
    }
  });
  it("synth never replaces an output directory it did not write", async () => {
    const cwd = project();
    mkdirSync(join(cwd, "dist", "dev"), { recursive: true });
    writeFileSync(join(cwd, "dist", "dev", "notes.txt"), "mine");
    const r = await cli(cwd, "synth", "--stack", "dev");
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${join(cwd, "dist", "dev")}: --out: exists as a directory, not written by calico-baseline synth (no .calico-baseline-synth marker); nothing was written`);
    expect(readdirSync(join(cwd, "dist", "dev"))).toEqual(["notes.txt"]);
  });
});

describe("output paths that cannot be written (defect 7)", () => {
  it("synth --out naming a file: a UserError, the file untouched", async () => {
    const cwd = project();
    writeFileSync(join(cwd, "README.md"), "# mine\n");
    const r = await cli(cwd, "synth", "--stack", "dev", "--out", "README.md");
    expect(r.code).toBe(1);
    expect(r.err).toContain(`--out: cannot create the directory ${join(cwd, "README.md")}: ${join(cwd, "README.md")} is not a directory. Hint: choose an output path whose parents are directories`);
    expect(readFileSync(join(cwd, "README.md"), "utf8")).toBe("# mine\n");
  });
  it("synth --out /proc/x fails at once instead of spinning (Node's recursive mkdir loops there)", async () => {
    const cwd = project();
    const t0 = Date.now();
    const r = await cli(cwd, "synth", "--stack", "dev", "--out", "/proc/x");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\/proc\/x: --out: cannot create the directory \/proc\/x: .*\((ENOENT|EACCES|EPERM|EROFS)\)\. Hint: /);
    expect(Date.now() - t0).toBeLessThan(60_000);
  });
  it("report --out over an existing file is refused without --force, and replaces it with --force", async () => {
    const cwd = temp();
    writeFileSync(join(cwd, "p.yaml"), POLICY);
    // An inventory every invariant checks flows in (one that checks none fails, exit 3).
    mkdirSync(join(cwd, "policies"));
    writeFileSync(join(cwd, "policies", "inventory.yaml"), platformInventory(""));
    writeFileSync(join(cwd, "README.md"), "# mine\n");
    const r = await cli(cwd, "report", "--manifests", "p.yaml", "--format", "md", "--out", "README.md");
    expect(r.code).toBe(1);
    expect(r.err).toContain("README.md: --out: already exists; nothing was written. Hint: pass --force to replace it, or give another file name");
    expect(readFileSync(join(cwd, "README.md"), "utf8")).toBe("# mine\n");
    const f = await cli(cwd, "report", "--manifests", "p.yaml", "--format", "md", "--out", "README.md", "--force");
    expect(f.code).toBe(0);
    expect(readFileSync(join(cwd, "README.md"), "utf8")).toContain("lockout");
    expect(readdirSync(cwd).sort()).toEqual(["README.md", "p.yaml", "policies"]);
  });
  it("report --out /nonexistent/x.md names the missing directory", async () => {
    const cwd = temp();
    writeFileSync(join(cwd, "p.yaml"), POLICY);
    const r = await cli(cwd, "report", "--manifests", "p.yaml", "--out", "/nonexistent/x.md");
    expect(r.code).toBe(1);
    expect(r.err).toContain("/nonexistent: --out: cannot write /nonexistent/x.md: no such file or directory (ENOENT). Hint: the directory /nonexistent does not exist or cannot be read: create it first, or write somewhere else");
  });
  it("report --out into /proc, onto a directory, onto a FIFO: UserErrors", async () => {
    const cwd = temp();
    writeFileSync(join(cwd, "p.yaml"), POLICY);
    const proc = await cli(cwd, "report", "--manifests", "p.yaml", "--out", "/proc/x");
    expect(proc.code).toBe(1);
    expect(proc.err).toMatch(/\/proc\/x: --out: cannot write \/proc\/x: .*\(E[A-Z]+\)\. Hint: /);
    mkdirSync(join(cwd, "out"));
    expect((await cli(cwd, "report", "--manifests", "p.yaml", "--out", "out")).err).toContain("out: --out: is a directory. Hint: give a file name, e.g. report.md");
    execFileSync("mkfifo", [join(cwd, "fifo")]);
    expect((await cli(cwd, "report", "--manifests", "p.yaml", "--out", "fifo", "--force")).err).toContain("fifo: --out: is not a regular file (a FIFO, socket or device)");
  });
});

describe("hostile manifests and inventories (defect 7)", () => {
  const LAUGHS = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`;
  const cases: [string, string, RegExp][] = [
    ["a billion-laughs file", LAUGHS, /laughs\.yaml:1: its YAML aliases expand beyond 100 copies \("billion laughs"\)\. Hint: write the values out/],
    ["a cyclic alias", "kind: GlobalNetworkPolicy\nmetadata: &m { name: x, self: *m }\n", /cyclic\.yaml:2: has a YAML alias inside the node it refers to \(a cycle\) \(value: "\*m"\)\. Hint: Kubernetes objects are trees/],
    ["150,000 documents", "kind: X\n---\n".repeat(150_000), /many\.yaml: holds more than 10000 YAML documents\. Hint: split the file, or give a kubectl dump as one List document/],
    ["a document nested 100,000 deep", `${"[".repeat(100_000)}${"]".repeat(100_000)}\n`, /deep\.yaml: nests maps and lists more than 200 levels deep\. Hint: /],
    ["a YAML syntax error", "kind: [\nmetadata: x\n", /bad\.yaml:2: not valid YAML: .*Hint: fix the YAML syntax/],
  ];
  const names = ["laughs.yaml", "cyclic.yaml", "many.yaml", "deep.yaml", "bad.yaml"];
  cases.forEach(([what, text, expected], i) => {
    it(`${what}: report --manifests and --inventory give a UserError with the file`, async () => {
      const cwd = temp();
      writeFileSync(join(cwd, names[i] as string), text);
      const r = await cli(cwd, "report", "--manifests", names[i] as string);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(expected);
      writeFileSync(join(cwd, "p.yaml"), POLICY);
      const inv = await cli(cwd, "report", "--manifests", "p.yaml", "--inventory", names[i] as string);
      expect(inv.code).toBe(1);
      expect(inv.err).toMatch(expected);
    }, 60_000);
  });
  it("a symbolic-link loop in a manifest directory", async () => {
    const cwd = temp();
    mkdirSync(join(cwd, "m", "sub"), { recursive: true });
    writeFileSync(join(cwd, "m", "p.yaml"), POLICY);
    symlinkSync("..", join(cwd, "m", "sub", "up"));
    const r = await cli(cwd, "report", "--manifests", "m");
    expect(r.code).toBe(1);
    expect(r.err).toContain("m/sub/up: is a symbolic link back to a directory that contains it (a loop)");
    symlinkSync("self", join(cwd, "self"));
    const self = await cli(cwd, "report", "--manifests", "self");
    expect(self.code).toBe(1);
    expect(self.err).toContain("self: cannot read the manifests: symbolic links loop (ELOOP). Hint: fix the symbolic link");
  });
  it("a missing path, a FIFO and a directory as --inventory", async () => {
    const cwd = temp();
    writeFileSync(join(cwd, "p.yaml"), POLICY);
    expect((await cli(cwd, "report", "--manifests", "nope")).err).toContain("nope: cannot read the manifests: no such file or directory (ENOENT). Hint: pass a manifest file or a directory of YAML files");
    execFileSync("mkfifo", [join(cwd, "fifo.yaml")]);
    expect((await cli(cwd, "report", "--manifests", "fifo.yaml")).err).toContain("fifo.yaml: the manifest is not a regular file (a FIFO, socket or device)");
    mkdirSync(join(cwd, "inv"));
    expect((await cli(cwd, "report", "--manifests", "p.yaml", "--inventory", "inv")).err).toContain("inv: the inventory file is a directory");
  });
  it("a stack file beyond the limits or with two documents", async () => {
    const cwd = project();
    writeFileSync(join(cwd, "Pulumi.dev.yaml"), `config:\n  calico-baseline:cluster: &c { type: multipass, x: *c }\n`);
    expect((await cli(cwd, "synth", "--stack", "dev")).err).toContain("Pulumi.dev.yaml:2: has a YAML alias inside the node it refers to (a cycle)");
    writeFileSync(join(cwd, "Pulumi.dev.yaml"), `config: {}\n---\nconfig: {}\n`);
    expect((await cli(cwd, "synth", "--stack", "dev")).err).toContain("Pulumi.dev.yaml:2: holds more than one YAML document");
  });
});

describe("explain --port (defect 13)", () => {
  for (const bad of ["0x50", "1e2", "80.0", " 80", "+80", "0", "65536", "-1", "80abc"]) {
    it(`refuses ${JSON.stringify(bad)}`, async () => {
      const cwd = temp();
      writeFileSync(join(cwd, "p.yaml"), POLICY);
      const r = await cli(cwd, "explain", "--manifests", "p.yaml", "--from", "net:10.0.0.1", "--to", "net:10.0.0.2", `--port=${bad}`);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`--port: not a port number (value: ${JSON.stringify(bad)}). Hint: give a decimal port number from 1 to 65535`);
    });
  }
});

describe("every problem of a rejected manifest object (defect 13)", () => {
  it("report lists all of them, not only the first the analysis met", async () => {
    const cwd = temp();
    writeFileSync(
      join(cwd, "bad.yaml"),
      `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: bad }
spec:
  selector: all(
  ingress:
    - { action: Allow, protocol: TCP, destination: { ports: [99999] } }
    - { action: Jump }
`,
    );
    const r = await cli(cwd, "report", "--manifests", "bad.yaml");
    expect(r.code).toBe(1);
    expect(r.err).toContain("3 problems found");
    expect(r.err).toContain("bad.yaml: GlobalNetworkPolicy/bad: spec.selector: invalid selector");
    expect(r.err).toContain("bad.yaml: GlobalNetworkPolicy/bad: spec.ingress[0].destination.ports[0]: port number 99999 is out of range");
    expect(r.err).toContain('bad.yaml: GlobalNetworkPolicy/bad: spec.ingress[1].action: must be one of Allow, Deny, Log, Pass (value: "Jump")');
  });
});

describe("a file-system failure no command anticipated (defect 7)", () => {
  it("is a UserError naming the path, not a stack trace: diff --base with a missing temporary directory", async () => {
    const saved = process.env["TMPDIR"];
    process.env["TMPDIR"] = "/nonexistent-tmp-for-calico-baseline";
    try {
      const r = await cli(ROOT, "diff", "--base", "HEAD");
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/\/nonexistent-tmp-for-calico-baseline\/calico-baseline-base-\w+: cannot mkdtemp .*: no such file or directory \(ENOENT\)\. Hint: /);
    } finally {
      if (saved === undefined) delete process.env["TMPDIR"];
      else process.env["TMPDIR"] = saved;
    }
  }, 60_000);
});
