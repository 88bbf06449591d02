/**
 * Local charts and manifests (offline installs): what `calico.chartRepo`, `monitoring.nodeExporter.chartRepo`
 * and `calico.manifests.*` may name besides URLs, and the problems a wrong path gives at config load. Charts
 * are made here (a Chart.yaml; archives packed by the system's tar, laid out as `helm package` lays them out:
 * one top folder `<chart>/`, helm.sh/helm/v3 pkg/chart/loader).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadStackConfig, parseStackConfig, type RawStackConfig } from "../../src/config/index.js";
import { isLocalLocation, locateLocalChart, readTarEntry } from "../../src/config/local-charts.js";
import { checkLocalInputs } from "../../src/config/local-inputs.js";
import { UserError, type Problem } from "../../src/model/problem.js";

const NS = "calico-baseline";
const root = mkdtempSync(join(tmpdir(), "cb-local-inputs-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function chartDir(dir: string, name: string, version: string): string {
  mkdirSync(join(dir, "templates"), { recursive: true });
  writeFileSync(join(dir, "Chart.yaml"), `apiVersion: v2\nname: ${name}\nversion: ${version}\n`);
  writeFileSync(join(dir, "templates", "x.yaml"), "# none\n");
  return dir;
}

/** Packs `<parent>/<name>/` as `<out>` with the top folder `<name>/`, as helm package does. */
function pack(parent: string, name: string, out: string): string {
  execFileSync("tar", ["-czf", out, "-C", parent, name]);
  return out;
}

const kubeconfigStack = (calico: Record<string, unknown>, monitoring: Record<string, unknown> = { nodeExporter: { enabled: false } }): RawStackConfig => ({
  [`${NS}:cluster`]: { type: "kubeconfig", kubeconfigPath: "kubeconfig" },
  [`${NS}:registry`]: { type: "external", host: "registry.example.com", username: "u", password: { secure: "v1:x" }, cidrs: ["192.0.2.10/32"] },
  [`${NS}:calico`]: calico,
  [`${NS}:monitoring`]: monitoring,
});

function localProblems(raw: RawStackConfig, dir = root): Problem[] {
  return checkLocalInputs(parseStackConfig(raw, "offline", { secretsRequired: false }), dir);
}

describe("local chart locations", () => {
  const repo = join(root, "repo");
  chartDir(join(repo, "tigera-operator"), "tigera-operator", "v3.32.1");
  chartDir(join(repo, "crd.projectcalico.org.v1"), "crd.projectcalico.org.v1", "v3.32.1");
  const packed = join(root, "packed");
  mkdirSync(packed);
  chartDir(join(root, "src", "prometheus-node-exporter"), "prometheus-node-exporter", "4.45.3");
  pack(join(root, "src"), "prometheus-node-exporter", join(packed, "prometheus-node-exporter-4.45.3.tgz"));

  it("tells local paths from URLs", () => {
    expect(["charts", "./charts", "/abs/charts", "../x.tgz", "C-drive"].every(isLocalLocation)).toBe(true);
    expect(["https://docs.tigera.io/calico/charts", "oci://r/x", "file:///x"].some(isLocalLocation)).toBe(false);
  });

  it("finds a chart in a directory of unpacked charts, a chart directory itself, and a packaged chart", () => {
    expect(locateLocalChart(repo, "tigera-operator", "v3.32.1")).toEqual({ path: join(repo, "tigera-operator"), kind: "directory" });
    expect(locateLocalChart(join(repo, "tigera-operator"), "tigera-operator", "v3.32.1")).toEqual({ path: join(repo, "tigera-operator"), kind: "directory" });
    const tgz = join(packed, "prometheus-node-exporter-4.45.3.tgz");
    expect(locateLocalChart(packed, "prometheus-node-exporter", "4.45.3")).toEqual({ path: tgz, kind: "archive" });
    expect(locateLocalChart(tgz, "prometheus-node-exporter", "4.45.3")).toEqual({ path: tgz, kind: "archive" });
  });

  it("refuses another chart, another version, a missing path and a file that is no chart archive, saying where it looked", () => {
    expect(locateLocalChart(join(repo, "tigera-operator"), "crd.projectcalico.org.v1", "v3.32.1")).toMatchObject({ message: `holds chart tigera-operator v3.32.1 (${join(repo, "tigera-operator")}), not crd.projectcalico.org.v1` });
    expect(locateLocalChart(repo, "tigera-operator", "v3.31.7")).toMatchObject({
      message: `holds tigera-operator v3.32.1 (${join(repo, "tigera-operator")}), but the stack needs v3.31.7`,
      hint: expect.stringContaining("Helm ignores the version of a local chart"),
    });
    expect(locateLocalChart(join(root, "nope"), "tigera-operator", "v3.32.1")).toMatchObject({ message: `does not exist (resolved to ${join(root, "nope")})`, hint: expect.stringContaining("relative to the project directory") });
    expect(locateLocalChart(packed, "tigera-operator", "v3.32.1")).toMatchObject({ message: expect.stringContaining("no Chart.yaml, tigera-operator/Chart.yaml or tigera-operator-v3.32.1.tgz") });
    const notGz = join(root, "broken.tgz");
    writeFileSync(notGz, "not gzip");
    expect(locateLocalChart(notGz, "tigera-operator", "v3.32.1")).toMatchObject({ message: expect.stringContaining("is not a gzipped tar archive") });
    const yaml = join(root, "values.yaml");
    writeFileSync(yaml, "a: 1\n");
    expect(locateLocalChart(yaml, "tigera-operator", "v3.32.1")).toMatchObject({ message: expect.stringContaining("is a file but not a packaged chart (.tgz)") });
  });

  it("reads a tar entry under a PAX long path and skips other entries", () => {
    const long = `${"d".repeat(120)}/Chart.yaml`;
    const block = (name: string, type: string, body: Buffer): Buffer => {
      const h = Buffer.alloc(512);
      h.write(name.slice(0, 100), 0);
      h.write(body.length.toString(8).padStart(11, "0"), 124);
      h.write(type, 156);
      h.write("ustar\u000000", 257);
      return Buffer.concat([h, body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
    };
    // A PAX record is "<length> <key>=<value>\n", the length counting its own digits.
    const rest = ` path=${long}\n`;
    let n = rest.length + 1;
    while (String(n).length + rest.length !== n) n++;
    const paxText = `${n}${rest}`;
    const tar = Buffer.concat([
      block("other.txt", "0", Buffer.from("x")),
      block("PaxHeader", "x", Buffer.from(paxText)),
      block("short-name", "0", Buffer.from("name: c\n")),
      Buffer.alloc(1024),
    ]);
    expect(readTarEntry(tar, (p) => p === long, 1024)).toEqual({ path: long, data: Buffer.from("name: c\n") });
    expect(readTarEntry(tar, (p) => p === "missing", 1024)).toBeUndefined();
    expect(() => readTarEntry(tar.subarray(0, 512), () => true, 1024)).toThrow(/truncated tar archive/);
  });
});

describe("local inputs at config load", () => {
  const repo = join(root, "calico-charts");
  chartDir(join(repo, "tigera-operator"), "tigera-operator", "v3.32.1");
  chartDir(join(repo, "crd.projectcalico.org.v1"), "crd.projectcalico.org.v1", "v3.32.1");
  chartDir(join(root, "ne"), "prometheus-node-exporter", "4.45.3");

  it("accepts a directory of the release's charts and a node-exporter chart, relative to the project directory", () => {
    expect(localProblems(kubeconfigStack({ chartRepo: "calico-charts" }, { nodeExporter: { chartRepo: "./ne" } }))).toEqual([]);
  });

  it("needs both 3.32 charts from one calico.chartRepo: a single chart directory names the one missing", () => {
    const problems = localProblems(kubeconfigStack({ chartRepo: "calico-charts/tigera-operator" }));
    expect(problems).toEqual([
      {
        path: `${NS}:calico.chartRepo`,
        value: "calico-charts/tigera-operator",
        message: `holds chart tigera-operator v3.32.1 (${join(repo, "tigera-operator")}), not crd.projectcalico.org.v1`,
        hint: expect.stringContaining("a directory holding crd.projectcalico.org.v1/Chart.yaml"),
      },
    ]);
  });

  it("reports every unusable local input at once, with the key, the value as written and the resolved path", () => {
    const problems = localProblems(kubeconfigStack({ chartRepo: "calico-charts", version: "3.31.7" }, { nodeExporter: { chartRepo: "missing-ne" } }));
    expect(problems.map((p) => [p.path, p.value])).toEqual([
      [`${NS}:calico.chartRepo`, "calico-charts"],
      [`${NS}:monitoring.nodeExporter.chartRepo`, "missing-ne"],
    ]);
    expect(problems[0]?.message).toContain("but the stack needs v3.31.7");
    expect(problems[1]?.message).toBe(`does not exist (resolved to ${join(root, "missing-ne")})`);
  });

  it("checks local manifests of install: manifest, and leaves URLs and an unused chartRepo alone", () => {
    writeFileSync(join(root, "operator.yaml"), "kind: List\n");
    const problems = localProblems(kubeconfigStack({ install: "manifest", chartRepo: "nowhere", manifests: { crds: "crds-missing.yaml", operator: "operator.yaml" } }));
    expect(problems).toEqual([
      {
        path: `${NS}:calico.manifests.crds`,
        value: "crds-missing.yaml",
        message: `does not exist (resolved to ${join(root, "crds-missing.yaml")})`,
        hint: expect.stringContaining("CRD manifest of Calico 3.32.1"),
      },
    ]);
    expect(localProblems(kubeconfigStack({ install: "manifest", manifests: { crds: "calico-charts", operator: "operator.yaml" } }))[0]?.message).toContain("is not a regular file");
    expect(localProblems(kubeconfigStack({}))).toEqual([]);
  });

  it("makes loadStackConfig fail with the stack file named", () => {
    const dir = mkdtempSync(join(root, "project-"));
    writeFileSync(join(dir, "Pulumi.offline.yaml"), "config:\n  calico-baseline:cluster: {type: kubeconfig, kubeconfigPath: kc}\n  calico-baseline:registry: {type: external, host: r.example.com, username: u, password: {secure: v1:x}, cidrs: [192.0.2.1/32]}\n  calico-baseline:calico: {chartRepo: charts}\n");
    let err: unknown;
    try {
      loadStackConfig("offline", { cwd: dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const problems = (err as UserError).problems;
    expect(problems.map((p) => [p.file, p.path])).toEqual([[join(dir, "Pulumi.offline.yaml"), `${NS}:calico.chartRepo`]]);
    expect((err as UserError).message).toContain('stack "offline": 1 local input is not usable');
  });

  it("accepts chart paths in the config syntax, refusing only other URL schemes and surrounding spaces", () => {
    expect(() => parseStackConfig(kubeconfigStack({ chartRepo: "../offline/charts" }), "x", { secretsRequired: false })).not.toThrow();
    for (const bad of ["ftp://charts.example.com", " charts"]) {
      expect(() => parseStackConfig(kubeconfigStack({ chartRepo: bad }), "x", { secretsRequired: false })).toThrow(/chartRepo: has an invalid format/);
    }
  });
});
