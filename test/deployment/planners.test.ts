/**
 * The pure planners: image lists per Calico version and components, manifest rewrite, kubeconfig rewrite,
 * multipass parsing, and the generated scripts as golden files (UPDATE_GOLDEN=1 rewrites them).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseStackConfig, type RawStackConfig } from "../../src/config/index.js";
import { calicoImageNames, mirrorList, mirrorTargets, planImages } from "../../src/deployment/images.js";
import { collectImages, foreignImages, installationSpec, parseManifest, rewriteOperatorManifest, stripRegistry } from "../../src/deployment/planners/calico.js";
import { k3sCloudInit, k3sFlags, k3sInstallScript, k3sReadyScript, k3sUninstallScript, registriesYaml, rewriteKubeconfig } from "../../src/deployment/planners/k3s.js";
import { MIRROR_COMMAND, MIRROR_SCRIPT } from "../../src/deployment/planners/mirror.js";
import { deleteScript, launchScript, parseMultipassIpv4 } from "../../src/deployment/planners/multipass.js";
import { registryCloudInit, registryConfigYaml, registrySetupScript } from "../../src/deployment/planners/registry.js";
import { chartSource } from "../../src/deployment/planners/helm.js";
import { sh, writeFile } from "../../src/deployment/planners/shell.js";
import { checkRegistryAddress } from "../../src/deployment/registry/multipass-registry.js";
import { UserError } from "../../src/model/problem.js";

const FIXTURES = join(process.cwd(), "test/fixtures/deployment");
const NS = "calico-baseline";

function config(calico: Record<string, unknown> = {}, monitoring: Record<string, unknown> = {}): ReturnType<typeof parseStackConfig> {
  const raw: RawStackConfig = {
    [`${NS}:cluster`]: { type: "multipass" },
    [`${NS}:registry`]: { bridgeCidr: "10.91.52.0/24" },
    [`${NS}:calico`]: calico,
    [`${NS}:monitoring`]: monitoring,
  };
  return parseStackConfig(raw, "dev");
}

function golden(name: string, actual: string): void {
  const file = join(FIXTURES, "golden", name);
  if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(file, actual);
  expect(existsSync(file), `golden file ${name} is missing; run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(actual, `golden file ${name}`).toBe(readFileSync(file, "utf8"));
}

describe("planImages", () => {
  it("lists the operator, every default Calico component and node-exporter for 3.32.1 (manifest install: CSI on)", () => {
    const images = planImages(config({ install: "manifest" }));
    expect(images.map((i) => i.source)).toEqual([
      "quay.io/tigera/operator:v1.42.3",
      "quay.io/calico/node:v3.32.1",
      "quay.io/calico/cni:v3.32.1",
      "quay.io/calico/kube-controllers:v3.32.1",
      "quay.io/calico/typha:v3.32.1",
      "quay.io/calico/pod2daemon-flexvol:v3.32.1",
      "quay.io/calico/csi:v3.32.1",
      "quay.io/calico/node-driver-registrar:v3.32.1",
      "quay.io/calico/apiserver:v3.32.1",
      "quay.io/calico/goldmane:v3.32.1",
      "quay.io/calico/whisker:v3.32.1",
      "quay.io/calico/whisker-backend:v3.32.1",
      "quay.io/prometheus/node-exporter:v1.9.1",
    ]);
  });

  it("leaves CSI out by default where the upstream chart does (helm, 3.31+), keeps it for 3.30 helm", () => {
    const names = (calico: Record<string, unknown>): string[] => planImages(config(calico)).map((i) => i.repository);
    for (const version of ["3.32.1", "3.31.7"]) {
      const c = config({ version });
      expect(c.calico.csi, version).toBe(false);
      expect(names({ version }), version).not.toContain("calico/csi");
      expect(names({ version }), version).not.toContain("calico/node-driver-registrar");
      expect(installationSpec(c.calico, "r:5000")["kubeletVolumePluginPath"], version).toBe("None");
    }
    expect(names({ version: "3.30.7" })).toEqual(expect.arrayContaining(["calico/csi", "calico/node-driver-registrar"]));
    expect(names({ version: "3.32.1", csi: true })).toEqual(expect.arrayContaining(["calico/csi", "calico/node-driver-registrar"]));
  });

  it("follows the version's operator and drops components that are switched off", () => {
    const images = planImages(config({ version: "3.30.7", csi: false, flexVolume: false, goldmane: false, whisker: false }, { nodeExporter: { enabled: false } }));
    expect(images.map((i) => `${i.repository}:${i.tag}`)).toEqual([
      "tigera/operator:v1.38.13",
      "calico/node:v3.30.7",
      "calico/cni:v3.30.7",
      "calico/kube-controllers:v3.30.7",
      "calico/typha:v3.30.7",
      "calico/apiserver:v3.30.7",
    ]);
  });

  it("uses the webhooks image instead of the API server with 3.32 native v3 CRDs", () => {
    const names = calicoImageNames(config({ crds: "v3" }).calico);
    expect(names).toContain("webhooks");
    expect(names).not.toContain("apiserver");
  });

  it("places every target in the private registry under the upstream path", () => {
    const t = mirrorTargets(planImages(config()), "10.0.0.5:5000");
    expect(t[1]).toMatchObject({ source: "quay.io/calico/node:v3.32.1", target: "10.0.0.5:5000/calico/node:v3.32.1" });
    expect(mirrorList(t).split("\n")[0]).toBe("quay.io/tigera/operator:v1.42.3 10.0.0.5:5000/tigera/operator:v1.42.3");
  });

  it("agrees with the Installation: every image the operator composes from it is in the plan", () => {
    const c = config({ csi: true });
    const spec = installationSpec(c.calico, "10.0.0.5:5000");
    const planned = new Set(mirrorTargets(planImages(c), "10.0.0.5:5000").map((i) => i.target));
    for (const name of calicoImageNames(c.calico)) {
      // <registry><imagePath>/<name>:<tag> (tigera/operator pkg/components/references.go).
      expect(planned.has(`${String(spec["registry"])}${String(spec["imagePath"])}/${name}:v${c.calico.version}`)).toBe(true);
    }
    expect(spec["kubeletVolumePluginPath"]).toBe("/var/lib/kubelet");
    expect(spec).not.toHaveProperty("flexVolumePath");
  });
});

describe("operator manifest rewrite", () => {
  const c = config({ install: "manifest" });
  const objs = parseManifest(readFileSync(join(FIXTURES, "tigera-operator.yaml"), "utf8"), "tigera-operator.yaml");

  it("re-points the operator image at the mirror and adds the pull Secret", () => {
    const out = rewriteOperatorManifest(objs, "10.0.0.5:5000", planImages(c), "tigera-operator.yaml");
    const dep = out.find((o) => o["kind"] === "Deployment") as { spec: { template: { spec: Record<string, unknown> } } };
    expect(collectImages(dep)).toEqual(["10.0.0.5:5000/tigera/operator:v1.42.3"]);
    expect(dep.spec.template.spec["imagePullSecrets"]).toEqual([{ name: "calico-baseline-registry" }]);
    expect(foreignImages(out, "10.0.0.5:5000")).toEqual([]);
    // The input is not modified.
    expect(collectImages(objs)).toEqual(["quay.io/tigera/operator:v1.42.3"]);
  });

  it("rejects a manifest whose image the mirror does not copy (another Calico version)", () => {
    const other = planImages(config({ version: "3.31.7", install: "manifest" }));
    expect(() => rewriteOperatorManifest(objs, "10.0.0.5:5000", other, "tigera-operator.yaml")).toThrow(UserError);
    try {
      rewriteOperatorManifest(objs, "10.0.0.5:5000", other, "tigera-operator.yaml");
    } catch (e) {
      expect((e as UserError).problems[0]).toMatchObject({
        object: "Deployment/tigera-operator",
        path: "spec.template.spec.containers[0].image",
        value: "quay.io/tigera/operator:v1.42.3",
      });
    }
  });

  it("strips registry hosts but not path segments", () => {
    expect(stripRegistry("quay.io/calico/node:v1")).toBe("calico/node:v1");
    expect(stripRegistry("10.0.0.5:5000/calico/node:v1")).toBe("calico/node:v1");
    expect(stripRegistry("calico/node:v1")).toBe("calico/node:v1");
    expect(foreignImages({ tigeraOperator: { registry: "quay.io", image: "tigera/operator" } }, "10.0.0.5:5000")).toEqual(["quay.io/tigera/operator"]);
    expect(foreignImages({ global: { imageRegistry: "docker.io" } }, "10.0.0.5:5000")).toEqual(["docker.io/"]);
  });
});

describe("chart sources", () => {
  it("uses a classic repository as repositoryOpts and names an OCI chart by its full reference", () => {
    expect(chartSource("https://docs.tigera.io/calico/charts", "tigera-operator", "v3.32.1")).toEqual({
      chart: "tigera-operator",
      version: "v3.32.1",
      repositoryOpts: { repo: "https://docs.tigera.io/calico/charts" },
    });
    expect(chartSource("oci://registry.example.com/charts/", "tigera-operator", "v3.32.1")).toEqual({ chart: "oci://registry.example.com/charts/tigera-operator", version: "v3.32.1" });
  });

  it("names a local chart by its path, without repository or version, and refuses one that went missing", () => {
    const dir = mkdtempSync(join(tmpdir(), "cb-chart-"));
    try {
      mkdirSync(join(dir, "tigera-operator"));
      writeFileSync(join(dir, "tigera-operator", "Chart.yaml"), "apiVersion: v2\nname: tigera-operator\nversion: v3.32.1\n");
      expect(chartSource(dir, "tigera-operator", "v3.32.1")).toEqual({ chart: join(dir, "tigera-operator") });
      expect(() => chartSource(dir, "crd.projectcalico.org.v1", "v3.32.1", "calico-baseline:calico.chartRepo")).toThrow(/calico-baseline:calico.chartRepo: holds no chart crd.projectcalico.org.v1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the image mirror command", () => {
  it("runs the script from stdin, so a failure prints its cause and not the script", () => {
    // A PATH with cat but no skopeo: the script's first check fails. HOME is empty: bash reads ~/.bashrc when
    // its stdin is a socket (Node's pipes are), as it does under rshd.
    const bin = mkdtempSync(join(tmpdir(), "cb-mirror-bin-"));
    try {
      symlinkSync(spawnSync("bash", ["-c", "command -v cat"], { encoding: "utf8" }).stdout.trim(), join(bin, "cat"));
      const r = spawnSync("/bin/bash", ["-c", MIRROR_COMMAND], { input: MIRROR_SCRIPT, encoding: "utf8", env: { PATH: bin, HOME: bin } });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe("image mirror: skopeo is not installed on this machine; install it (apt-get install skopeo, brew install skopeo)\n");
      expect(MIRROR_COMMAND.length).toBeLessThan(100);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});

describe("k3s, multipass and registry helpers", () => {
  it("rewrites the k3s kubeconfig to the control plane, bracketing IPv6", () => {
    const kc = "server: https://127.0.0.1:6443\n";
    expect(rewriteKubeconfig(kc, "10.0.0.10")).toBe("server: https://10.0.0.10:6443\n");
    expect(rewriteKubeconfig(kc, "fd00::10")).toBe("server: https://[fd00::10]:6443\n");
    expect(() => rewriteKubeconfig("server: https://example:6443\n", "10.0.0.10")).toThrow(/no https:\/\/127\.0\.0\.1:6443/);
  });

  it("reads the VM address from multipass info and explains a missing one", () => {
    expect(parseMultipassIpv4('{"info":{"vm":{"ipv4":["10.1.2.3","10.42.0.1"]}}}', "vm")).toBe("10.1.2.3");
    expect(() => parseMultipassIpv4('{"info":{"vm":{"ipv4":[]}}}', "vm")).toThrow(/no IPv4 address for VM vm/);
    expect(() => parseMultipassIpv4("launch failed", "vm")).toThrow(/not JSON/);
  });

  it("stops when the registry VM lands outside the configured bridge subnet", () => {
    expect(checkRegistryAddress("10.91.52.7", "10.91.52.0/24")).toBe("10.91.52.7");
    expect(() => checkRegistryAddress("10.77.1.7", "10.91.52.0/24")).toThrow(/does not contain the registry VM's address 10\.77\.1\.7.*10\.77\.1\.0\/24/s);
  });

  it("quotes shell words", () => {
    expect(sh("cb-dev-control")).toBe("cb-dev-control");
    expect(sh("it's")).toBe(`'it'"'"'s'`);
    expect(sh("a b")).toBe("'a b'");
  });

  it("writeFile puts content in place verbatim, with its mode, through a rename (bash, for real)", () => {
    const dir = mkdtempSync(join(tmpdir(), "cb-writefile-"));
    try {
      const target = join(dir, "sub dir", "it's.yaml");
      // Nothing is expanded, the delimiter inside the content is avoided, quotes survive.
      const content = "a: $HOME `id` $(id)\nCALICO_BASELINE_EOF\nb: 'x' \"y\"\n";
      const r = spawnSync("bash", ["-c", `set -euo pipefail\n${writeFile(target, content, "0640")}`], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(readFileSync(target, "utf8")).toBe(content);
      expect(statSync(target).mode & 0o777).toBe(0o640);
      expect(readdirSync(join(dir, "sub dir"))).toEqual(["it's.yaml"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the launch script, run against a fake multipass: purges a leftover VM, accepts cloud-init's degraded status, stops on its error", () => {
    const dir = mkdtempSync(join(tmpdir(), "cb-multipass-"));
    try {
      // A fake multipass: logs its arguments, `info` succeeds only when FAKE_EXISTS=1 (or after launch),
      // `cloud-init status --wait` exits FAKE_CLOUD_INIT_RC.
      writeFileSync(
        join(dir, "multipass"),
        [
          "#!/bin/bash",
          'echo "$*" >> "$FAKE_LOG"',
          'case "$1" in',
          '  info) if [ "${FAKE_EXISTS:-0}" = 1 ] || [ -e "$FAKE_LOG.launched" ]; then [ "${3:-}" = "--format" ] && echo \'{"info":{}}\'; exit 0; fi; exit 1 ;;',
          '  launch) cat > /dev/null; touch "$FAKE_LOG.launched" ;;',
          '  exec) case "$*" in *"cloud-init status"*) exit "${FAKE_CLOUD_INIT_RC:-0}" ;; esac ;;',
          "esac",
          "",
        ].join("\n"),
        { mode: 0o755 },
      );
      const script = launchScript({ name: "cb-t-control", image: "24.04", cpus: 1, memory: "1G", disk: "5G" });
      const runWith = (env: Record<string, string>): { status: number | null; stdout: string; stderr: string; log: string[] } => {
        const log = join(dir, `log-${Object.values(env).join("-")}`);
        const r = spawnSync("bash", ["-c", script], {
          encoding: "utf8",
          input: "#cloud-config\n",
          env: { PATH: `${dir}:${process.env["PATH"] ?? ""}`, FAKE_LOG: log, ...env },
        });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr, log: readFileSync(log, "utf8").trim().split("\n") };
      };

      const fresh = runWith({ FAKE_CLOUD_INIT_RC: "0" });
      expect(fresh.status).toBe(0);
      expect(fresh.stdout).toBe('{"info":{}}\n');
      expect(fresh.log.some((l) => l.startsWith("delete"))).toBe(false);

      const leftover = runWith({ FAKE_EXISTS: "1", FAKE_CLOUD_INIT_RC: "0" });
      expect(leftover.status).toBe(0);
      expect(leftover.log).toContain("delete --purge cb-t-control");
      expect(leftover.log.indexOf("delete --purge cb-t-control")).toBeLessThan(leftover.log.findIndex((l) => l.startsWith("launch")));

      const degraded = runWith({ FAKE_CLOUD_INIT_RC: "2" });
      expect(degraded.status).toBe(0);
      expect(degraded.stderr).toContain("finished with recoverable warnings");

      const failed = runWith({ FAKE_CLOUD_INIT_RC: "1" });
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain("cloud-init failed on cb-t-control");
      expect(failed.stdout).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes registries.yaml with credentials and the CA file only when a CA is given", () => {
    expect(parseYaml(registriesYaml({ host: "r:5000", username: "u", password: "p" }))).toEqual({
      mirrors: { "r:5000": { endpoint: ["https://r:5000"] } },
      configs: { "r:5000": { auth: { username: "u", password: "p" } } },
    });
    expect(registriesYaml({ host: "r:5000", username: "u", password: "p", caPem: "x" })).toContain("ca_file: /etc/rancher/k3s/calico-baseline-registry-ca.crt");
  });
});

describe("generated scripts (golden files)", () => {
  const k3s = { k3sVersion: "v1.34.1+k3s1", podCidr: "10.42.0.0/16", serviceCidr: "10.43.0.0/16" };
  const registry = { host: "10.91.52.7:5000", username: "calico-baseline", password: "PASSWORD", caPem: "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----" };

  it("multipass launch and delete", () => {
    golden("multipass-launch.sh", launchScript({ name: "cb-dev-control", image: "24.04", cpus: 2, memory: "4G", disk: "20G" }));
    golden("multipass-delete.sh", deleteScript("cb-dev-control"));
  });

  it("k3s server and agent install, cloud-init, readiness, uninstall", () => {
    golden("k3s-server-install.sh", k3sInstallScript({ k3s, node: { role: "server", tlsSan: "10.20.0.10" }, token: "TOKEN", registry }));
    golden("k3s-agent-install.sh", k3sInstallScript({ k3s, node: { role: "agent", serverUrl: "https://10.91.52.10:6443" }, token: "TOKEN", registry }));
    golden("k3s-server-cloud-init.yaml", k3sCloudInit({ k3s, node: { role: "server" }, token: "TOKEN", registry }));
    // Calico native v3 CRDs: MutatingAdmissionPolicy (beta, off by default on 1.34/1.35) is switched on.
    const mapFlags = ["--kube-apiserver-arg=feature-gates=MutatingAdmissionPolicy=true", "--kube-apiserver-arg=runtime-config=admissionregistration.k8s.io/v1beta1=true"];
    const serverFlags = (k3sVersion: string, on: boolean): string[] =>
      k3sFlags({ k3s: { ...k3s, k3sVersion }, node: { role: "server", mutatingAdmissionPolicy: on }, token: "T", registry });
    expect(serverFlags("v1.34.1+k3s1", true)).toEqual(expect.arrayContaining(mapFlags));
    expect(serverFlags("v1.35.2+k3s1", true)).toEqual(expect.arrayContaining(mapFlags));
    expect(serverFlags("v1.36.0+k3s1", true).filter((f) => f.includes("MutatingAdmissionPolicy") || f.includes("runtime-config"))).toEqual([]);
    expect(serverFlags("v1.34.1+k3s1", false).filter((f) => f.includes("MutatingAdmissionPolicy"))).toEqual([]);
    golden("k3s-ready.sh", k3sReadyScript(3));
    golden("k3s-uninstall-server.sh", k3sUninstallScript("server"));
  });

  it("registry VM cloud-init, setup and config", () => {
    golden("registry-cloud-init.yaml", registryCloudInit());
    golden(
      "registry-setup.sh",
      registrySetupScript({ port: 5000, caPem: registry.caPem, certPem: "-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----", keyPem: "KEY", htpasswdLine: "calico-baseline:$2a$10$hash", address: "10.91.52.7" }),
    );
    golden("registry-config.yml", registryConfigYaml({ addr: ":5000", rootDirectory: "/var/lib/docker-registry", tls: { certificate: "/c", key: "/k" }, htpasswd: { realm: "r", path: "/h" } }));
  });

  it("image mirror", () => {
    golden("mirror.sh", MIRROR_SCRIPT);
  });
});
