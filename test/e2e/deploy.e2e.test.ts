/**
 * `pulumi up` of the project's program through the real Pulumi engine and the real Kubernetes provider
 * against a real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok) on
 * loopback, for the `e2e` stack (test/e2e/support/e2e-stack.ts): first with `install: helm` from the release's
 * local charts (the default path users take: every assertion), then a second, shorter run of the same stack
 * with `install: manifest` from the local manifests (up, the policies, destroy). The Tigera operator's status
 * reporting is played by test/e2e/support/operator-standin.ts (it checks the CRs first).
 *
 * Run by `npm run test:e2e` (test/e2e/run.sh), which builds the tools first.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EngineEvent, PulumiFn, Stack } from "@pulumi/pulumi/automation/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { RENDERERS, runProgram } from "../../src/deployment/program.js";
import type { Renderers, StackOutputs } from "../../src/deployment/stack.js";
import { SYNC_OWNERSHIP_POLICY } from "../../src/deployment/planners/networkset-sync.js";
import { crdSpecDefaults, liveObject, meta, pulumiManagers, readSynthOutput, specDifferences, stateObjects, type StateObject } from "./support/assertions.js";
import { startControlPlane, type ControlPlane } from "./support/control-plane.js";
import { E2E, STACK, clusterNetworkPolicyCrd, e2eStackConfig, e2eStackSecrets, missingSharedData, startPrefilledRegistry, writeChartDir, writeCrdManifest, type E2eStackInputs } from "./support/e2e-stack.js";
import { RESOURCES, type Kind, type Obj } from "./support/kube.js";
import { OperatorStandIn } from "./support/operator-standin.js";
import { e2eProject, e2eStack, selectStack, type E2eProject } from "./support/pulumi.js";
import { REPO, locateTools, toolVersions, type E2eTools } from "./support/tools.js";

const POLICY_KINDS = ["Tier", "GlobalNetworkPolicy", "StagedGlobalNetworkPolicy", "NetworkPolicy", "StagedNetworkPolicy", "GlobalNetworkSet", "NetworkSet", "ClusterNetworkPolicy"] as const;

/** The stack's outputs as the inline program returns them (undefined ones left out, as the engine would drop them). */
function outputsOf(o: StackOutputs): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

const program =
  (renderers: Renderers = RENDERERS): PulumiFn =>
  async () =>
    outputsOf(await runProgram(renderers));

/** A developer's edit of one policy: the first TCP destination port of the first egress rule that has one, plus one. */
function onePortChanged(): { renderers: Renderers; policy: string; from: number; to: number } {
  let changed: { policy: string; from: number; to: number } | undefined;
  const renderers: Renderers = {
    ...RENDERERS,
    synthBaseline: (settings) =>
      RENDERERS.synthBaseline(settings).map((chart) => {
        if (chart.group === "tiers") return chart;
        return {
          ...chart,
          objects: chart.objects.map((o) => {
            if (changed !== undefined && meta(o).name !== changed.policy) return o;
            const copy = structuredClone(o);
            const rules = ((copy["spec"] as Obj)["egress"] as Obj[] | undefined) ?? [];
            for (const r of rules) {
              const ports = (r["destination"] as Obj | undefined)?.["ports"];
              if (!Array.isArray(ports)) continue;
              const i = ports.findIndex((p) => typeof p === "number");
              if (i < 0) continue;
              const from = ports[i] as number;
              ports[i] = from + 1;
              changed = { policy: meta(o).name, from, to: from + 1 };
              return copy;
            }
            return o;
          }),
        };
      }),
  };
  return {
    renderers,
    get policy() {
      if (changed === undefined) throw new Error("no rendered policy has a numeric egress port to change");
      return changed.policy;
    },
    get from() {
      return changed?.from ?? NaN;
    },
    get to() {
      return changed?.to ?? NaN;
    },
  };
}

describe("pulumi up of the e2e stack through the real engine and provider against a real control plane", () => {
  let dir: string;
  let tools: E2eTools;
  let cp: ControlPlane | undefined;
  let project: E2eProject;
  let stack: Stack;
  let manifestStack: Stack;
  let inputs: Omit<E2eStackInputs, "install" | "registryHost" | "registryCa">;
  let standIn: OperatorStandIn | undefined;
  let registry: Awaited<ReturnType<typeof startPrefilledRegistry>> | undefined;
  let registryHost = "";
  let deployed = false;
  let manifestDeployed = false;
  const MANIFEST_STACK = `${STACK}-manifest`;
  const registryPassword = `e2e-${Math.random().toString(36).slice(2)}`;
  const consulToken = randomUUID();
  const log: string[] = [];
  const engineLog = (line: string): void => {
    log.push(line);
  };
  const report = (line: string): void => {
    process.stdout.write(`e2e: ${line}\n`);
  };

  const run = async <T>(what: string, op: Promise<T>, on: Stack = stack): Promise<T> => {
    const t0 = Date.now();
    try {
      // A CR the stand-in refuses fails the step at once instead of after the provider's 15-minute await.
      const result = await Promise.race([op, ...(standIn !== undefined ? [standIn.failed] : [])]);
      report(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return result;
    } catch (e) {
      await on.cancel().catch(() => undefined);
      throw new Error(`${what} failed: ${(e as Error).message}\n--- engine output (last 80 lines)\n${log.slice(-80).join("")}`);
    }
  };

  beforeAll(async () => {
    const missing = missingSharedData();
    if (missing.length > 0) throw new Error(`the e2e suite needs the Calico release data in ../shared/data:\n- ${missing.join("\n- ")}`);
    tools = locateTools();
    for (const v of toolVersions(tools)) report(v);
    dir = mkdtempSync(join(tmpdir(), "calico-baseline-e2e-"));
    const t0 = Date.now();
    cp = await startControlPlane(tools, join(dir, "cluster"), { nodes: 1 });
    report(`control plane up in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${cp.processes.map((p) => `${p.name} (pid ${p.pid})`).join(", ")}`);
    inputs = { kubeconfigPath: cp.kubeconfigPath, crdManifest: writeCrdManifest(join(dir, "calico-v3-crds.yaml")), chartDir: writeChartDir(join(dir, "charts")) };
    registry = await startPrefilledRegistry(join(dir, "registry"), inputs, registryPassword);
    registryHost = registry.host;
    standIn = new OperatorStandIn(cp.kube, {
      registryHost,
      pullSecret: E2E.pullSecret,
      ipPools: E2E.ipPools,
      typhaMetricsPort: E2E.typhaMetricsPort,
      calicoVersion: `v${E2E.calicoVersion}`,
      operatorCrds: [clusterNetworkPolicyCrd()],
    });
    standIn.start();
    project = await e2eProject(tools, dir);
    const config = (install: "helm" | "manifest"): Record<string, unknown> => e2eStackConfig({ ...inputs, install, registryHost, registryCa: (registry as { ca: string }).ca });
    stack = await e2eStack(project, STACK, config("helm"), e2eStackSecrets(registryPassword, consulToken), program());
    manifestStack = await e2eStack(project, MANIFEST_STACK, config("manifest"), e2eStackSecrets(registryPassword, consulToken), program());
  });

  afterAll(async () => {
    standIn?.stop();
    if (standIn !== undefined) for (const a of standIn.actions) report(`operator stand-in: ${a}`);
    await cp?.stop();
    await registry?.close();
    writeFileSync(join(dir ?? tmpdir(), "engine.log"), log.join(""));
    if (process.env["E2E_KEEP"] === undefined && dir !== undefined) rmSync(dir, { recursive: true, force: true });
    else report(`kept ${dir}`);
  });

  const requireDeployed = (): void => {
    if (!deployed) throw new Error("pulumi up did not succeed (see the first failure)");
  };

  /** `pulumi up` of a fresh stack: only creates, and it succeeds. */
  const upFresh = async (on: Stack, what: string): Promise<void> => {
    const result = await run(what, on.up({ onOutput: engineLog, color: "never" }), on);
    expect(result.summary.result).toBe("succeeded");
    const changes = result.summary.resourceChanges ?? {};
    report(`${what}: ${JSON.stringify(changes)}`);
    expect(Object.keys(changes).sort()).toEqual(["create"]);
    expect(changes["create"]).toBeGreaterThan(0);
  };

  it("install: helm from the release's local charts: pulumi up creates the stack, every resource, nothing failing", async () => {
    await upFresh(stack, "pulumi up (install: helm)");
    deployed = true;
  });

  /** Every Tier and policy kind on the cluster against `calico-baseline synth --stack <name>`'s files. */
  const policiesAsSynthRenders = async (stackName: string): Promise<void> => {
    const kube = (cp as ControlPlane).kube;
    const out = join(dir, "synth");
    execFileSync(process.execPath, [join(REPO, "bin/calico-baseline.mjs"), "synth", "--stack", stackName, "--out", out], { cwd: project.workDir, stdio: ["ignore", "pipe", "pipe"] });
    const rendered = readSynthOutput(join(out, stackName)).filter(({ object }) => (POLICY_KINDS as readonly string[]).includes(String(object["kind"])));
    expect(rendered.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const kind of POLICY_KINDS) {
      const defaults = await crdSpecDefaults(kube, `${RESOURCES[kind].plural}.${RESOURCES[kind].apiVersion.split("/")[0] as string}`);
      const want = rendered.filter(({ object }) => object["kind"] === kind);
      const live = await kube.list(kind as Kind);
      const key = (o: Obj): string => `${meta(o).namespace ?? ""}/${meta(o).name}`;
      expect(live.map(key).sort(), `${kind} objects on the cluster`).toEqual(want.map(({ object }) => key(object)).sort());
      for (const { file, object } of want) {
        const l = live.find((x) => key(x) === key(object)) as Obj;
        for (const d of specDifferences(object["spec"], l["spec"], defaults)) problems.push(`${file} ${kind} ${key(object)}: ${d}`);
        for (const [k, v] of Object.entries(meta(object).labels ?? {})) {
          if (meta(l).labels?.[k] !== v) problems.push(`${file} ${kind} ${key(object)}: label ${k} is ${String(meta(l).labels?.[k])}, rendered ${v}`);
        }
      }
    }
    expect(problems).toEqual([]);
    report(`${stackName}: live Tiers and policies equal synth's: ${rendered.length} objects`);
  };

  it("every Tier and policy on the cluster is what calico-baseline synth renders for the stack, and no other", async () => {
    requireDeployed();
    await policiesAsSynthRenders(STACK);
  });

  it("FelixConfiguration and KubeControllersConfiguration default hold the metrics ports, WireGuard and automatic host endpoints", async () => {
    requireDeployed();
    const kube = (cp as ControlPlane).kube;
    const felix = (await kube.get("FelixConfiguration", "default"))?.["spec"] as Obj | undefined;
    const kcc = (await kube.get("KubeControllersConfiguration", "default"))?.["spec"] as Obj | undefined;
    expect(felix?.["prometheusMetricsEnabled"]).toBe(true);
    expect(felix?.["prometheusMetricsPort"]).toBe(E2E.felixMetricsPort);
    expect(kcc?.["prometheusMetricsPort"]).toBe(E2E.kubeControllersMetricsPort);
    // docs.tigera.io calico/3.32 network-policy/hosts/kubernetes-nodes: automatic host endpoints.
    expect((kcc?.["controllers"] as Obj | undefined)?.["node"]).toMatchObject({ hostEndpoint: { autoCreate: "Enabled" } });
    // East-west encryption is on by default (docs.tigera.io calico/3.32 network-policy/encrypt-cluster-pod-traffic):
    // the IPv4 switch on, the IPv6 one following the stack (off here). kwok nodes run no Felix, so no node reports
    // a WireGuard key: that wait applies to multipass and ssh clusters only.
    expect(felix?.["wireguardEnabled"]).toBe(true);
    expect(felix?.["wireguardEnabledV6"]).toBe(false);
    // And every field synth renders for them (calico-config.yaml), as rendered.
    const rendered = readSynthOutput(join(dir, "synth", STACK)).filter(({ file }) => file === "calico-config.yaml");
    expect(rendered.map(({ object }) => object["kind"]).sort()).toEqual(["FelixConfiguration", "KubeControllersConfiguration"]);
    for (const { object } of rendered) {
      const live = (await kube.get(object["kind"] as Kind, "default"))?.["spec"];
      expect(live).toMatchObject(object["spec"] as Obj);
    }
  });

  it("the registry's pull Secret is in each namespace that pulls from it, with the stack's registry credentials", async () => {
    requireDeployed();
    const kube = (cp as ControlPlane).kube;
    for (const ns of E2E.pullSecretNamespaces) {
      const s = await kube.get("Secret", E2E.pullSecret, ns);
      expect(s?.["type"], `${ns}/${E2E.pullSecret}`).toBe("kubernetes.io/dockerconfigjson");
      const config = JSON.parse(Buffer.from(String((s?.["data"] as Obj)[".dockerconfigjson"]), "base64").toString("utf8")) as { auths: Record<string, { username: string; password: string; auth: string }> };
      expect(Object.keys(config.auths)).toEqual([registryHost]);
      expect(config.auths[registryHost]).toMatchObject({ username: E2E.registryUser, password: registryPassword });
    }
  });

  it("the metrics Services select Felix, Typha and kube-controllers on their metrics ports", async () => {
    requireDeployed();
    const kube = (cp as ControlPlane).kube;
    const want = [
      { name: "felix-metrics-svc", app: "calico-node", port: E2E.felixMetricsPort },
      { name: "typha-metrics-svc", app: "calico-typha", port: E2E.typhaMetricsPort },
      { name: "kube-controllers-metrics-svc", app: "calico-kube-controllers", port: E2E.kubeControllersMetricsPort },
    ];
    for (const w of want) {
      const spec = (await kube.get("Service", w.name, "calico-system"))?.["spec"] as Obj | undefined;
      expect(spec?.["selector"], w.name).toEqual({ "k8s-app": w.app });
      expect(spec?.["clusterIP"], w.name).toBe("None");
      expect(((spec?.["ports"] as Obj[] | undefined) ?? []).map((p) => [p["port"], p["targetPort"], p["protocol"]]), w.name).toEqual([[w.port, w.port, "TCP"]]);
    }
  });

  it("Prometheus's service account may list endpointslices and services, and may not read secrets (SubjectAccessReview)", async () => {
    requireDeployed();
    const kube = (cp as ControlPlane).kube;
    const { namespace, serviceAccount } = E2E.prometheus;
    const user = `system:serviceaccount:${namespace}:${serviceAccount}`;
    const groups = ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"];
    expect(await kube.canI(user, groups, { verb: "list", resource: "endpointslices", group: "discovery.k8s.io", namespace: "calico-system" })).toBe(true);
    expect(await kube.canI(user, groups, { verb: "watch", resource: "services", namespace: "calico-system" })).toBe(true);
    expect(await kube.canI(user, groups, { verb: "get", resource: "secrets", namespace: "calico-system" })).toBe(false);
    expect(await kube.canI(user, groups, { verb: "list", resource: "secrets", namespace: "tigera-operator" })).toBe(false);
    // The control: the same review for the admin is allowed, so a "false" above is RBAC's answer, not a broken review.
    expect(await kube.canI("calico-baseline-e2e-admin", ["system:masters"], { verb: "get", resource: "secrets", namespace: "calico-system" })).toBe(true);
  });

  /** The controller's objects (src/deployment/planners/networkset-sync.ts), as the stack names them. */
  const SYNC = {
    ns: E2E.networkSetSync.namespace,
    name: "networkset-sync",
    tokenSecret: "networkset-sync-consul-token",
    service: "networkset-sync-metrics",
    clusterRole: "calico-baseline-networkset-sync",
    leaseRole: "networkset-sync-lease",
  } as const;

  it("the network-set sync controller runs from the private registry: Deployment, ServiceAccount, config, token and pull Secrets, metrics Service", async () => {
    requireDeployed();
    const kube = (cp as ControlPlane).kube;
    const image = `${registryHost}/${E2E.networkSetSync.image}`;
    const dep = await kube.get("Deployment", SYNC.name, SYNC.ns);
    const spec = (dep?.["spec"] as Obj | undefined) ?? {};
    const pod = ((spec["template"] as Obj)["spec"] as Obj) ?? {};
    const container = ((pod["containers"] as Obj[]) ?? [])[0] ?? {};
    expect(spec["replicas"]).toBe(2);
    expect(container["image"]).toBe(image);
    // The image's entrypoint is `calico-baseline sync-networksets`; the container gives its arguments.
    expect(container["args"]).toEqual(["--config", "/etc/networkset-sync/config.yaml"]);
    expect(pod["serviceAccountName"]).toBe(SYNC.name);
    expect(pod["imagePullSecrets"]).toEqual([{ name: E2E.pullSecret }]);
    expect(pod["securityContext"]).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    // The registry check found the image the site's pipeline pushed, with its digest, before anything was created.
    const outputs = await stack.outputs();
    expect(String(outputs["mirrorReport"]?.value)).toMatch(new RegExp(`^${image.replace(/[.]/g, "\\.")}@sha256:[0-9a-f]{64}$`, "m"));
    expect(await kube.get("ServiceAccount", SYNC.name, SYNC.ns)).toBeDefined();
    const config = parseYaml(String(((await kube.get("ConfigMap", SYNC.name, SYNC.ns))?.["data"] as Obj)["config.yaml"])) as { consul: Obj; mappings: Obj[]; kubernetes: Obj };
    expect(config.consul).toMatchObject({ address: E2E.networkSetSync.consulAddress, tokenFile: "/var/run/secrets/consul/token" });
    expect(config.mappings.map((m) => m["set"])).toEqual(E2E.networkSetSync.mappings.map((m) => m.set));
    expect(config.kubernetes).toEqual({ leaseNamespace: SYNC.ns, leaseName: SYNC.name });
    // The token only in its Secret, from the Pulumi secret.
    const token = await kube.get("Secret", SYNC.tokenSecret, SYNC.ns);
    expect(Buffer.from(String((token?.["data"] as Obj)["token"]), "base64").toString("utf8")).toBe(consulToken);
    expect(JSON.stringify(dep)).not.toContain(consulToken);
    expect(JSON.stringify(config)).not.toContain(consulToken);
    const pull = await kube.get("Secret", E2E.pullSecret, SYNC.ns);
    expect(pull?.["type"]).toBe("kubernetes.io/dockerconfigjson");
    const svc = (await kube.get("Service", SYNC.service, SYNC.ns))?.["spec"] as Obj | undefined;
    expect(svc?.["selector"]).toEqual({ "app.kubernetes.io/name": "networkset-sync" });
    expect(((svc?.["ports"] as Obj[] | undefined) ?? []).map((p) => [p["name"], p["port"], p["targetPort"]])).toEqual([["metrics", 9464, "metrics"]]);
  });

  it("the controller's RBAC covers its GlobalNetworkSets and its Lease, and nothing else (SubjectAccessReview)", async () => {
    requireDeployed();
    const kube = (cp as ControlPlane).kube;
    expect(await kube.get("ClusterRole", SYNC.clusterRole)).toBeDefined();
    expect(await kube.get("Role", SYNC.leaseRole, SYNC.ns)).toBeDefined();
    const user = `system:serviceaccount:${SYNC.ns}:${SYNC.name}`;
    const groups = ["system:serviceaccounts", `system:serviceaccounts:${SYNC.ns}`, "system:authenticated"];
    const can = (verb: string, resource: string, group: string, more: { namespace?: string; name?: string } = {}): Promise<boolean> => kube.canI(user, groups, { verb, resource, group, ...more });
    for (const verb of ["get", "list", "create", "update"]) expect(await can(verb, "globalnetworksets", "projectcalico.org"), `${verb} globalnetworksets`).toBe(true);
    expect(await can("get", "leases", "coordination.k8s.io", { namespace: SYNC.ns, name: SYNC.name })).toBe(true);
    expect(await can("update", "leases", "coordination.k8s.io", { namespace: SYNC.ns, name: SYNC.name })).toBe(true);
    expect(await can("create", "leases", "coordination.k8s.io", { namespace: SYNC.ns })).toBe(true);
    // It never deletes a set, and touches no other Lease, policy, pod or secret.
    expect(await can("delete", "globalnetworksets", "projectcalico.org")).toBe(false);
    expect(await can("update", "leases", "coordination.k8s.io", { namespace: SYNC.ns, name: "another-lease" })).toBe(false);
    expect(await can("update", "leases", "coordination.k8s.io", { namespace: "kube-system", name: SYNC.name })).toBe(false);
    expect(await can("update", "networkpolicies", "projectcalico.org", { namespace: "shop" })).toBe(false);
    expect(await can("update", "globalnetworkpolicies", "projectcalico.org")).toBe(false);
    expect(await can("delete", "pods", "", { namespace: SYNC.ns })).toBe(false);
    expect(await can("get", "secrets", "", { namespace: SYNC.ns })).toBe(false);
    // The control: the admin may, so a "false" above is RBAC's answer, not a broken review.
    expect(await kube.canI("calico-baseline-e2e-admin", ["system:masters"], { verb: "delete", resource: "globalnetworksets", group: "projectcalico.org" })).toBe(true);
    // RBAC cannot say "only its own sets"; with native v3 CRDs (this stack's crds: v3) the admission policy does,
    // for the controller's ServiceAccount only (what it refuses: test/e2e/networkset-sync.e2e.test.ts).
    const vap = await kube.get("ValidatingAdmissionPolicy", SYNC_OWNERSHIP_POLICY);
    expect((vap?.["spec"] as Obj | undefined)?.["matchConditions"]).toEqual([{ name: "is-networkset-sync", expression: `request.userInfo.username == '${user}'` }]);
    expect((await kube.get("ValidatingAdmissionPolicyBinding", SYNC_OWNERSHIP_POLICY))?.["spec"]).toMatchObject({ policyName: SYNC_OWNERSHIP_POLICY, validationActions: ["Deny"] });
  });

  it("a second pulumi up changes nothing", async () => {
    requireDeployed();
    const result = await run("second pulumi up", stack.up({ onOutput: engineLog, color: "never" }));
    const changes = result.summary.resourceChanges ?? {};
    report(`second up: ${JSON.stringify(changes)}`);
    expect(Object.keys(changes)).toEqual(["same"]);
  });

  it("changing one port of one policy shows as exactly one update, of that policy, in pulumi preview --diff", async () => {
    requireDeployed();
    const edit = onePortChanged();
    // The same stack and state, with the edited program.
    const s = await selectStack(project, STACK, program(edit.renderers));
    const updates: string[] = [];
    const onEvent = (e: EngineEvent): void => {
      const m = e.resourcePreEvent?.metadata;
      if (m !== undefined && m.op !== "same") updates.push(`${m.op} ${m.urn}`);
    };
    const result = await run("pulumi preview --diff (one port changed)", s.preview({ diff: true, onEvent, onOutput: engineLog, color: "never" }));
    report(`preview after the edit: ${JSON.stringify(result.changeSummary)}`);
    expect(updates).toHaveLength(1);
    // The URN's name part is `<ConfigGroup>:<policy name>` (yaml/v2 names objects after the group).
    expect(updates[0]).toMatch(new RegExp(`^update urn:pulumi:${STACK}::.*:projectcalico.org/v3:[A-Za-z]*NetworkPolicy::policies-[^:]+:${edit.policy.replace(/[.]/g, "\\.")}$`));
    expect(Object.entries(result.changeSummary).filter(([op]) => op !== "same")).toEqual([["update", 1]]);
    expect(result.stdout).toContain(String(edit.from));
    expect(result.stdout).toContain(String(edit.to));
  });

  /** `pulumi destroy`, then every Kubernetes object of the state before it is gone (a patch: its fields given back). */
  const destroyLeavesNothing = async (on: Stack, what: string): Promise<void> => {
    const kube = (cp as ControlPlane).kube;
    const before = stateObjects(await on.exportStack());
    expect(before.length).toBeGreaterThan(0);
    // The network-set sync controller's objects are among them, so the check below covers their removal.
    const ours = before.filter((o) => o.namespace === SYNC.ns || o.name === SYNC.clusterRole || o.name === SYNC_OWNERSHIP_POLICY || (o.kind === "Namespace" && o.name === SYNC.ns)).map((o) => `${o.kind}/${o.name}`);
    expect(ours).toEqual(
      expect.arrayContaining(["Namespace/" + SYNC.ns, `Deployment/${SYNC.name}`, `ServiceAccount/${SYNC.name}`, `Secret/${SYNC.tokenSecret}`, `Secret/${E2E.pullSecret}`, `Service/${SYNC.service}`, `ConfigMap/${SYNC.name}`, `Role/${SYNC.leaseRole}`, `RoleBinding/${SYNC.leaseRole}`, `ClusterRole/${SYNC.clusterRole}`, `ClusterRoleBinding/${SYNC.clusterRole}`, `ValidatingAdmissionPolicy/${SYNC_OWNERSHIP_POLICY}`, `ValidatingAdmissionPolicyBinding/${SYNC_OWNERSHIP_POLICY}`]),
    );
    const result = await run(what, on.destroy({ onOutput: engineLog, color: "never" }), on);
    expect(result.summary.result).toBe("succeeded");
    report(`${what}: ${JSON.stringify(result.summary.resourceChanges)}`);
    const left: string[] = [];
    for (const o of before as StateObject[]) {
      const live = await liveObject(kube, o);
      if (live === undefined) continue;
      // A patch (NamespacePatch, CustomResourcePatch) gives its fields back; the object itself was not the stack's.
      if (o.patch) {
        const managers = pulumiManagers(live);
        if (managers.length > 0) left.push(`${o.kind} ${o.namespace ?? ""}/${o.name}: fields still managed by ${managers.join(", ")}`);
      } else {
        left.push(`${o.kind} ${o.namespace ?? ""}/${o.name} (${o.urn})`);
      }
    }
    expect(left).toEqual([]);
    report(`${what} left none of the ${before.length} Kubernetes objects of the state`);
  };

  it("pulumi destroy leaves no object of the stack on the cluster", async () => {
    requireDeployed();
    await destroyLeavesNothing(stack, "pulumi destroy (install: helm)");
  });

  it("install: manifest from the local manifests, on the same cluster: pulumi up creates the stack", async () => {
    await upFresh(manifestStack, "pulumi up (install: manifest)");
    manifestDeployed = true;
  });

  it("install: manifest: every Tier and policy on the cluster is what synth renders", async () => {
    if (!manifestDeployed) throw new Error("pulumi up (install: manifest) did not succeed (see the first failure)");
    await policiesAsSynthRenders(MANIFEST_STACK);
  });

  it("install: manifest: pulumi destroy leaves no object of the stack on the cluster", async () => {
    if (!manifestDeployed) throw new Error("pulumi up (install: manifest) did not succeed (see the first failure)");
    await destroyLeavesNothing(manifestStack, "pulumi destroy (install: manifest)");
  });
});
