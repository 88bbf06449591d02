/**
 * The Consul → GlobalNetworkSet controller (src/sync, `calico-baseline sync-networksets`) against a real
 * kube-apiserver (etcd and kube-apiserver from build-tools.sh's cache, test/e2e/support/control-plane.ts with
 * `components: "apiserver"`) serving Calico 3.32.1's native projectcalico.org/v3 GlobalNetworkSet CRD, and a
 * real Consul 1.16.3 agent (test/sync/support/consul-agent.ts). The controller talks to the API server through its
 * own HTTP client (src/sync/kube.ts httpTransport) with a ServiceAccount token from the TokenRequest API, and that
 * ServiceAccount has exactly the RBAC the stack deploys (src/deployment/planners/networkset-sync.ts, rendered
 * from a stack config with networkSetSync enabled): the real authorizer decides what it may do.
 *
 * The scenarios of test/sync/support/scenarios.ts (shared with the integration test, which runs them against
 * the test stand-in) run here unchanged; the tests below them need the real server: its RBAC, its optimistic
 * concurrency, its schema validation and pruning, a competing writer that really updates the object.
 *
 * Needs: build-tools.sh's cache (etcd, kube, consul: `npm run test:e2e` builds them), openssl, and the CRD
 * from the Calico v3.32.1 release (api/config/crd/projectcalico.org_globalnetworksets.yaml) in
 * ../shared/data/calico-v3.32.1/crds, where test/e2e/support/e2e-stack.ts reads the release's CRDs from.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStackConfig } from "../../src/config/index.js";
import { networkSetSyncObjects, SYNC_NAME, SYNC_OWNERSHIP_POLICY } from "../../src/deployment/planners/networkset-sync.js";
import { OWNER_LABEL, OWNER_VALUE, PENDING_ANNOTATION } from "../../src/sync/config.js";
import { METRICS } from "../../src/sync/controller.js";
import { GNS_PATH, KubeApi, KubeError as SyncKubeError, httpTransport, kubeconfigCredentials, type KubeRequest, type KubeTransport } from "../../src/sync/kube.js";
import type { GlobalNetworkSet } from "../../src/sync/networkset.js";
import { sortNets } from "../../src/sync/reconcile.js";
import type { RunningSync } from "../../src/sync/service.js";
import { startConsul, type ConsulAgent } from "../sync/support/consul-agent.js";
import { SHARED_SCENARIOS, netsOf, rawSyncConfig, same, sleep, startController, syncConfig, waitFor, type SyncBackend } from "../sync/support/scenarios.js";
import { startControlPlane, type ControlPlane } from "./support/control-plane.js";
import { SHARED_DATA } from "./support/e2e-stack.js";
import { KubeError, waitFor as waitForValue, type Kind, type Obj } from "./support/kube.js";
import { REPO, cachedToolDirs } from "./support/tools.js";

const GNS_CRD = join(SHARED_DATA, "calico-v3.32.1", "crds", "projectcalico.org_globalnetworksets.yaml");
const report = (line: string): void => void process.stdout.write(`e2e: ${line}\n`);
const secs = (t0: number): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

let dir = "";
let cp: ControlPlane | undefined;
let consul: ConsulAgent | undefined;
/** The stack's networkSetSync namespace and Lease name, as the stack renders the controller's config. */
let ns = "";
let leaseName = "";
let token = "";
let saKubeconfig = "";
const running: RunningSync[] = [];

/** The controller's transport: the ServiceAccount's token, the cluster CA, the real HTTP client. */
const saTransport = (): KubeTransport => httpTransport({ server: cp?.creds.server ?? "", tls: { ca: cp?.creds.ca ?? "" }, token });
const saUser = (): string => `system:serviceaccount:${ns}:${SYNC_NAME}`;
const admin = (): NonNullable<ControlPlane>["kube"] => {
  if (cp === undefined) throw new Error("the control plane did not start");
  return cp.kube;
};

/** The stack's objects for the controller (a dev stack with networkSetSync enabled), as the program deploys them. */
function stackObjects(consulAddress: string): { objects: Obj[]; kubernetes: { leaseNamespace: string; leaseName: string } } {
  const devRaw = (parse(readFileSync(join(REPO, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
  const cfg = parseStackConfig(
    {
      ...devRaw,
      "calico-baseline:networkSetSync": {
        enabled: true,
        image: "calico-baseline/networkset-sync:0.1.0",
        consul: { address: consulAddress, cidrs: ["127.0.0.1/32"] },
        mappings: [{ service: "web", set: "consul-web" }],
      },
    },
    "dev",
    { secretsRequired: false },
  );
  const k = cfg.networkSetSync.controllerConfig["kubernetes"] as { leaseNamespace: string; leaseName: string };
  return { objects: networkSetSyncObjects(cfg.networkSetSync, "127.0.0.1:5000", { nativeV3Crds: true }) as Obj[], kubernetes: k };
}

beforeAll(async () => {
  const t0 = Date.now();
  if (!existsSync(GNS_CRD)) throw new Error(`${GNS_CRD} is missing: the Calico v3.32.1 release's api/config/crd/projectcalico.org_globalnetworksets.yaml (../shared/data, see its README)`);
  const tool = cachedToolDirs(["etcd", "kube", "consul"]);
  dir = mkdtempSync(join(tmpdir(), "calico-baseline-e2e-sync-"));
  const bins = { etcd: join(tool("etcd"), "etcd"), kubeApiserver: join(tool("kube"), "kube-apiserver"), consul: join(tool("consul"), "consul") };
  for (const [name, bin, arg] of [["etcd", bins.etcd, "--version"], ["kube-apiserver", bins.kubeApiserver, "--version"], ["consul", bins.consul, "version"]] as const) {
    report(`${name}: ${execFileSync(bin, [arg], { encoding: "utf8" }).split("\n")[0]?.trim() ?? ""}`);
  }
  const [p, a] = await Promise.allSettled([startControlPlane(bins, join(dir, "cluster"), { components: "apiserver" }), startConsul(bins.consul)]);
  // Whatever started is stopped by afterAll, also when the other failed.
  if (p.status === "fulfilled") cp = p.value;
  if (a.status === "fulfilled") consul = a.value;
  if (p.status === "rejected") throw p.reason;
  if (a.status === "rejected") throw a.reason;
  const plane = p.value;
  const agent = a.value;
  report(`etcd + kube-apiserver and consul up in ${secs(t0)}: ${plane.processes.map((p) => `${p.name} (pid ${p.pid})`).join(", ")}, consul at ${agent.url}`);
  const kube = plane.kube;

  const t1 = Date.now();
  await kube.create("CustomResourceDefinition", parse(readFileSync(GNS_CRD, "utf8")) as Obj);
  await waitForValue("the GlobalNetworkSet CRD to be Established", async () => {
    const crd = await kube.get("CustomResourceDefinition", "globalnetworksets.projectcalico.org");
    const conds = ((crd?.["status"] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
    return conds.some((c) => c.type === "Established" && c.status === "True") ? true : undefined;
  }, 60_000, 200);
  // Established can come a moment before the REST path answers.
  await waitForValue("the globalnetworksets REST path", async () => ((await kube.raw("GET", GNS_PATH)) !== undefined ? true : undefined), 30_000, 200);

  const { objects, kubernetes } = stackObjects(agent.url);
  ns = kubernetes.leaseNamespace;
  leaseName = kubernetes.leaseName;
  // The RBAC and, as with native v3 CRDs (this server's), the ownership admission policy and its binding.
  const rbacKinds = new Set(["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"]);
  const applied: string[] = [];
  for (const o of objects.filter((x) => rbacKinds.has(x["kind"] as string))) {
    const kind = o["kind"] as Kind;
    await kube.create(kind, o, (o["metadata"] as { namespace?: string }).namespace);
    applied.push(`${kind} ${(o["metadata"] as { name: string }).name}`);
  }
  const tr = (await kube.raw("POST", `/api/v1/namespaces/${ns}/serviceaccounts/${SYNC_NAME}/token`, { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } })) as { status: { token: string } };
  token = tr.status.token;
  // The same token as a local run's kubeconfig (what `sync-networksets --kubeconfig` reads).
  saKubeconfig = join(dir, "networkset-sync.kubeconfig");
  writeFileSync(
    saKubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "e2e", cluster: { server: plane.creds.server, "certificate-authority-data": Buffer.from(plane.creds.ca).toString("base64") } }],
      users: [{ name: "networkset-sync", user: { token } }],
      contexts: [{ name: "networkset-sync", context: { cluster: "e2e", user: "networkset-sync" } }],
      "current-context": "networkset-sync",
    }),
    { mode: 0o600 },
  );
  report(`CRD globalnetworksets.projectcalico.org (Calico v3.32.1), the stack's ${applied.join(", ")} and a ServiceAccount token in ${secs(t1)}`);
}, 600_000);

// Each test's controllers stop with it; the Lease goes too, so the next test's replicas need not wait it out.
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  if (cp !== undefined && ns !== "") await cp.kube.delete("Lease", leaseName, ns);
});

afterAll(async () => {
  await consul?.stop();
  await cp?.stop();
  if (dir !== "" && process.env["E2E_KEEP"] !== "1") rmSync(dir, { recursive: true, force: true });
}, 120_000);

const backend: SyncBackend = {
  apiServer: "a real kube-apiserver",
  get consul() {
    if (consul === undefined) throw new Error("the Consul agent did not start");
    return consul;
  },
  transport: saTransport,
  kubernetes: () => ({ leaseNamespace: ns, leaseName }),
  getSet: async (name) => (await admin().get("GlobalNetworkSet", name)) as GlobalNetworkSet | undefined,
  running,
};

/** A request as the controller's client sends it, with the ServiceAccount's token; the status and body as answered. */
async function asController(method: KubeRequest["method"], path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return saTransport()({ method, path, ...(body === undefined ? {} : { body }) });
}

const gns = (name: string, nets: string[], labels: Record<string, string> = {}): GlobalNetworkSet => ({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name, labels }, spec: { nets } });

describe("sync-networksets against a real kube-apiserver (Calico 3.32.1 v3 CRD, the stack's RBAC) and a real Consul 1.16.3 agent", () => {
  it("the stack's RBAC is enough for the controller and no more: the real authorizer allows its calls and refuses the rest with 403", async () => {
    const kube = admin();
    const user = saUser();
    const groups = ["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"];
    const gnsAttr = (verb: string) => ({ verb, resource: "globalnetworksets", group: "projectcalico.org" });
    for (const verb of ["get", "list", "create", "update"]) expect(await kube.canI(user, groups, gnsAttr(verb)), `${verb} globalnetworksets`).toBe(true);
    for (const verb of ["delete", "patch", "watch", "deletecollection"]) expect(await kube.canI(user, groups, gnsAttr(verb)), `${verb} globalnetworksets`).toBe(false);
    for (const [verb, resource, group] of [["create", "globalnetworkpolicies", "projectcalico.org"], ["update", "networksets", "projectcalico.org"], ["get", "secrets", ""], ["list", "configmaps", ""], ["create", "pods", ""]] as const) {
      expect(await kube.canI(user, groups, { verb, resource, group, namespace: ns }), `${verb} ${resource}`).toBe(false);
    }
    expect(await kube.canI(user, groups, { verb: "create", resource: "leases", group: "coordination.k8s.io", namespace: ns })).toBe(true);
    expect(await kube.canI(user, groups, { verb: "create", resource: "leases", group: "coordination.k8s.io", namespace: "kube-system" })).toBe(false);

    // The same through the controller's own client and token: what it calls works...
    const api = new KubeApi(saTransport());
    expect(await api.listOwnedSets()).toEqual([]);
    const created = await api.createSet(gns("rbac-probe", ["192.0.2.1/32"], { [OWNER_LABEL]: OWNER_VALUE }));
    expect(created.ok).toBe(true);
    const lease = await api.createLease({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: leaseName, namespace: ns }, spec: { holderIdentity: "rbac-probe", leaseDurationSeconds: 3 } });
    expect(lease.ok).toBe(true);
    // ...and everything else is refused by the server.
    const refused: [string, Promise<{ status: number; body: string }>][] = [
      ["DELETE the set it created", asController("DELETE", `${GNS_PATH}/rbac-probe`)],
      ["POST a GlobalNetworkPolicy", asController("POST", "/apis/projectcalico.org/v3/globalnetworkpolicies", { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name: "rbac-probe" }, spec: {} })],
      ["GET the Secrets of its namespace", asController("GET", `/api/v1/namespaces/${ns}/secrets`)],
      ["GET a Lease of another name", asController("GET", `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/someone-else`)],
      ["POST a Lease in kube-system", asController("POST", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases", { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: leaseName }, spec: {} })],
      ["DELETE its own Lease", asController("DELETE", `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/${leaseName}`)],
    ];
    for (const [what, p] of refused) {
      const a = await p;
      expect(`${what}: ${a.status}`).toBe(`${what}: 403`);
      expect(a.body).toContain(user);
    }
    // The controller's error for a refusal says what it is (kind kube_auth, the server's message).
    const err = await new KubeApi(httpTransport({ server: cp?.creds.server ?? "", tls: { ca: cp?.creds.ca ?? "" }, token: "not-a-token" })).getSet("rbac-probe").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyncKubeError);
    expect((err as SyncKubeError).kind).toBe("kube_auth");
    expect((err as SyncKubeError).status).toBe(401);

    // A local run's kubeconfig with the same token (kubeconfigCredentials, what --kubeconfig reads) works alike.
    expect((await new KubeApi(httpTransport(kubeconfigCredentials(saKubeconfig))).getSet("rbac-probe"))?.spec?.nets).toEqual(["192.0.2.1/32"]);
    await kube.delete("GlobalNetworkSet", "rbac-probe");
  });

  it("optimistic concurrency is the server's: a stale resourceVersion gets 409, none gets 422, an existing name 409", async () => {
    const api = new KubeApi(saTransport());
    const first = await api.createSet(gns("rv-probe", ["192.0.2.2/32"], { [OWNER_LABEL]: OWNER_VALUE }));
    if (!first.ok) throw new Error("the first create of rv-probe conflicted");
    const rv = first.object.metadata.resourceVersion;
    expect(rv).toMatch(/^\d+$/);
    // Another client changes it: its resourceVersion moves on.
    const other = await admin().mergePatch("GlobalNetworkSet", "rv-probe", { metadata: { annotations: { "example.com/other": "1" } } });
    expect((other["metadata"] as { resourceVersion: string }).resourceVersion).not.toBe(rv);
    expect(await api.updateSet({ ...first.object, spec: { nets: ["192.0.2.3/32"] } })).toEqual({ ok: false, conflict: true });
    const noRv = await api.updateSet({ ...first.object, metadata: { ...first.object.metadata, resourceVersion: "" }, spec: { nets: ["192.0.2.3/32"] } }).catch((e: unknown) => e);
    expect(noRv).toBeInstanceOf(SyncKubeError);
    expect((noRv as SyncKubeError).status).toBe(422);
    expect((noRv as SyncKubeError).message).toContain("resourceVersion");
    expect(await api.createSet(gns("rv-probe", ["192.0.2.4/32"], { [OWNER_LABEL]: OWNER_VALUE }))).toEqual({ ok: false, conflict: true });
    // Re-read and retry: it lands, and the other client's annotation stays.
    const fresh = await api.getSet("rv-probe");
    if (fresh === undefined) throw new Error("rv-probe vanished");
    const second = await api.updateSet({ ...fresh, spec: { nets: ["192.0.2.3/32"] } });
    expect(second.ok).toBe(true);
    expect((await backend.getSet("rv-probe"))?.metadata.annotations).toEqual({ "example.com/other": "1" });
    expect(await netsOf(backend, "rv-probe")).toEqual(["192.0.2.3/32"]);
    // The Lease likewise: two replicas racing on one resourceVersion, one wins.
    const lease = await api.createLease({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: leaseName, namespace: ns }, spec: { holderIdentity: "a", leaseDurationSeconds: 3 } });
    if (!lease.ok) throw new Error("the Lease exists before the test");
    const [x, y] = await Promise.all([api.updateLease({ ...lease.object, spec: { ...lease.object.spec, holderIdentity: "x" } }), api.updateLease({ ...lease.object, spec: { ...lease.object.spec, holderIdentity: "y" } })]);
    expect([x.ok, y.ok].sort()).toEqual([false, true]);
    await admin().delete("GlobalNetworkSet", "rv-probe");
  });

  it("the CRD's schema takes what the controller writes (labels, the pending annotation, /32 and /128 nets) unchanged, and the server does validate", async () => {
    const c = backend.consul;
    await c.register({ node: "sch-1", address: "10.90.0.1", service: "schema" });
    await c.register({ node: "sch-2", address: "2001:db8::90", service: "schema" });
    await c.register({ node: "sch-3", address: "10.90.0.3", service: "schema" });
    const writes: { sent: GlobalNetworkSet; stored: GlobalNetworkSet }[] = [];
    const inner = saTransport();
    // Records what the controller sent and what the server answered (the stored object); changes nothing.
    const recording: KubeTransport = async (req, signal) => {
      const a = await inner(req, signal);
      if ((req.method === "POST" || req.method === "PUT") && req.path.startsWith(GNS_PATH) && (a.status === 200 || a.status === 201)) writes.push({ sent: req.body as GlobalNetworkSet, stored: JSON.parse(a.body) as GlobalNetworkSet });
      return a;
    };
    const labels = { team: "data", "example.com/tier": "db" };
    await startController(backend, syncConfig(backend, [{ service: "schema", set: "consul-schema", graceSeconds: 600, labels }]), { transport: recording });
    await waitFor("the set", async () => same(await netsOf(backend, "consul-schema"), ["10.90.0.1/32", "10.90.0.3/32", "2001:db8::90/128"]));
    await c.deregister("sch-3");
    await waitFor("the pending removal", async () => (await backend.getSet("consul-schema"))?.metadata.annotations?.[PENDING_ANNOTATION] !== undefined);
    expect(writes.length).toBeGreaterThanOrEqual(2);
    for (const w of writes) {
      expect(w.stored.spec).toEqual(w.sent.spec);
      expect(w.stored.metadata.labels).toEqual(w.sent.metadata.labels);
      expect(w.stored.metadata.annotations ?? {}).toEqual(w.sent.metadata.annotations ?? {});
      expect(Object.keys(w.stored).sort()).toEqual(Object.keys(w.sent).sort());
    }
    const stored = await backend.getSet("consul-schema");
    expect(stored?.metadata.labels).toMatchObject({ ...labels, [OWNER_LABEL]: OWNER_VALUE });
    expect(JSON.parse(stored?.metadata.annotations?.[PENDING_ANNOTATION] ?? "{}")).toHaveProperty(["10.90.0.3/32"]);
    // The server validates against the schema: a duplicate in spec.nets (x-kubernetes-list-type: set) and a
    // number are refused; a field the schema does not know is pruned (so a controller writing one would lose it).
    const refused = async (body: unknown): Promise<string> => {
      try {
        await admin().create("GlobalNetworkSet", body as Obj);
      } catch (e) {
        if (e instanceof KubeError && e.status === 422) return e.body;
        throw e;
      }
      throw new Error(`the server accepted ${JSON.stringify(body)}`);
    };
    expect(await refused({ ...gns("bad-dup", ["10.0.0.1/32", "10.0.0.1/32"]) })).toContain("Duplicate value");
    expect(await refused({ ...gns("bad-type", []), spec: { nets: [42] } })).toContain("spec.nets[0]");
    await admin().create("GlobalNetworkSet", { ...gns("pruned", ["10.0.0.1/32"]), spec: { nets: ["10.0.0.1/32"], bogus: true } } as Obj);
    expect((await backend.getSet("pruned"))?.spec).toEqual({ nets: ["10.0.0.1/32"] });
    await admin().delete("GlobalNetworkSet", "pruned");
  });

  it("the API server itself keeps the controller to its own sets (the stack's ValidatingAdmissionPolicy); nobody else is affected", async () => {
    const kube = admin();
    await kube.create("GlobalNetworkSet", gns("vap-theirs", ["198.51.100.8/32"], { team: "theirs" }) as unknown as Obj);
    const theirs = (await kube.get("GlobalNetworkSet", "vap-theirs")) as unknown as GlobalNetworkSet;
    // Adopting another owner's set (adding the owner label in an update): RBAC allows the update, the policy does not.
    const adopt = () => asController("PUT", `${GNS_PATH}/vap-theirs`, { ...theirs, metadata: { ...theirs.metadata, labels: { team: "theirs", [OWNER_LABEL]: OWNER_VALUE } } });
    // A new policy takes effect once the server has loaded it and its binding.
    await waitForValue("the ownership policy in force", async () => ((await adopt()).status === 403 ? true : undefined), 60_000, 250);
    const adopted = await adopt();
    expect(adopted.body).toContain(SYNC_OWNERSHIP_POLICY);
    expect(adopted.body).toContain("it never adopts another owner's set");
    // A set created without the owner label.
    const unlabelled = await asController("POST", GNS_PATH, gns("vap-unlabelled", ["192.0.2.9/32"]));
    expect(`${unlabelled.status} ${unlabelled.body}`).toMatch(/^403 .*writes only sets labelled networkset-sync\.calico-baseline\.io\/owner=calico-baseline/);
    // Its own set: created and updated as always; dropping the label is refused.
    const own = await asController("POST", GNS_PATH, gns("vap-own", ["192.0.2.10/32"], { [OWNER_LABEL]: OWNER_VALUE }));
    expect(own.status, own.body).toBe(201);
    const updated = await asController("PUT", `${GNS_PATH}/vap-own`, { ...(JSON.parse(own.body) as GlobalNetworkSet), spec: { nets: ["192.0.2.11/32"] } });
    expect(updated.status, updated.body).toBe(200);
    const u = JSON.parse(updated.body) as GlobalNetworkSet;
    const dropped = await asController("PUT", `${GNS_PATH}/vap-own`, { ...u, metadata: { ...u.metadata, labels: {} } });
    expect(`${dropped.status} ${dropped.body}`).toMatch(/^403 .*writes only sets labelled/);
    // The policy matches the controller's ServiceAccount only: the administrator still edits the other team's set.
    const now = (await kube.get("GlobalNetworkSet", "vap-theirs")) as unknown as GlobalNetworkSet;
    await kube.raw("PUT", `${GNS_PATH}/vap-theirs`, { ...now, spec: { nets: ["198.51.100.9/32"] } });
    const after = (await kube.get("GlobalNetworkSet", "vap-theirs")) as unknown as GlobalNetworkSet;
    expect(after.spec?.nets).toEqual(["198.51.100.9/32"]);
    expect(after.metadata.labels).toEqual({ team: "theirs" });
    expect(((await kube.get("GlobalNetworkSet", "vap-own")) as unknown as GlobalNetworkSet).spec?.nets).toEqual(["192.0.2.11/32"]);
    expect(await kube.get("GlobalNetworkSet", "vap-unlabelled")).toBeUndefined();
    for (const n of ["vap-theirs", "vap-own"]) await kube.delete("GlobalNetworkSet", n);
  });

  it("a set of the same name that someone else owns is never touched; the controller's own set beside it is written", async () => {
    const c = backend.consul;
    await c.register({ node: "own-1", address: "10.91.0.1", service: "theirs" });
    await c.register({ node: "own-2", address: "10.91.0.2", service: "mine" });
    const theirs = await admin().create("GlobalNetworkSet", { ...gns("team-theirs", ["198.51.100.7/32"], { team: "theirs" }) } as Obj);
    const s = await startController(backend, syncConfig(backend, [{ service: "theirs", set: "team-theirs" }, { service: "mine", set: "consul-mine" }], { resyncSeconds: 10 }));
    await waitFor("the controller's own set", async () => same(await netsOf(backend, "consul-mine"), ["10.91.0.2/32"]));
    await waitFor("not_owned reported", () => s.sync.metrics.get(METRICS.errors, { kind: "not_owned" }) >= 1);
    // A full resync (every 10 s) re-reads the set by name: still not the controller's, still untouched.
    const resynced = s.sync.metrics.get(METRICS.lastResync);
    await waitFor("a full resync", () => s.sync.metrics.get(METRICS.lastResync) > resynced, 20_000);
    await sleep(1000);
    expect(await admin().get("GlobalNetworkSet", "team-theirs")).toEqual(theirs);
    expect(s.sync.metrics.get(METRICS.writes, { set: "team-theirs" })).toBe(0);
    await admin().delete("GlobalNetworkSet", "team-theirs");
  });

  it("a real 409 storm: a competing writer keeps updating the set; every write of the controller is re-read and retried until it lands", async () => {
    const c = backend.consul;
    await c.register({ node: "storm-0", address: "10.92.0.100", service: "storm" });
    const s = await startController(backend, syncConfig(backend, [{ service: "storm", set: "consul-storm" }], { conflictRetries: 50 }));
    await waitFor("the set", async () => same(await netsOf(backend, "consul-storm"), ["10.92.0.100/32"]));
    // Two competing clients (the admin's certificate), each updating the set back to back: real writes, each moving
    // its resourceVersion on, so the controller's write with the version it read gets the server's 409.
    let competing = true;
    let competitorWrites = 0;
    const competitor = async (id: number): Promise<void> => {
      while (competing) {
        await admin().mergePatch("GlobalNetworkSet", "consul-storm", { metadata: { annotations: { [`example.com/competitor-${id}`]: String(++competitorWrites) } } });
      }
    };
    const competitors = [competitor(1), competitor(2)];
    const t0 = Date.now();
    let next = 1;
    try {
      // New addresses until the storm has refused the controller several times.
      await waitFor("5 conflicts", async () => {
        if (s.sync.metrics.get(METRICS.conflicts, { set: "consul-storm" }) >= 5) return true;
        await c.register({ node: `storm-${next}`, address: `10.92.0.${next}`, service: "storm" });
        next++;
        await sleep(300);
        return false;
      }, 90_000, 0);
    } finally {
      competing = false;
      await Promise.all(competitors);
    }
    const conflicts = s.sync.metrics.get(METRICS.conflicts, { set: "consul-storm" });
    report(`409 storm: ${conflicts} conflicts from the real server in ${secs(t0)} while 2 competitors wrote ${competitorWrites} times`);
    const want = sortNets([...Array.from({ length: next - 1 }, (_, i) => `10.92.0.${i + 1}/32`), "10.92.0.100/32"]);
    await waitFor("every address after the storm", async () => same(await netsOf(backend, "consul-storm"), want), 30_000);
    const stored = await backend.getSet("consul-storm");
    // The competitors' annotations survive: the controller replaces only its own keys.
    expect(Object.keys(stored?.metadata.annotations ?? {}).filter((k) => k.startsWith("example.com/competitor-")).sort()).toEqual(["example.com/competitor-1", "example.com/competitor-2"]);
    expect(s.sync.metrics.get(METRICS.errors, { kind: "kube_status" })).toBe(0);
  });

  it("the real command as the leader, SIGKILLed mid-grace: the other replica takes the Lease over and removes at the original deadline", async () => {
    const c = backend.consul;
    await c.register({ node: "kill-1", address: "10.93.0.1", service: "kill" });
    await c.register({ node: "kill-2", address: "10.93.0.2", service: "kill" });
    const mappings = [{ service: "kill", set: "consul-kill", graceSeconds: 8 }];
    const cfgFile = join(dir, "kill-sync.yaml");
    writeFileSync(cfgFile, JSON.stringify(rawSyncConfig(backend, mappings)));
    // `calico-baseline sync-networksets` from the sources (tsx's loader in the one node process, so the pid killed
    // is the controller's own), with the ServiceAccount's kubeconfig.
    const t0 = Date.now();
    let output = "";
    const child = spawn(process.execPath, ["--import", pathToFileURL(join(REPO, "node_modules", "tsx", "dist", "loader.mjs")).href, join(REPO, "src", "cli", "main.ts"), "sync-networksets", "--config", cfgFile, "--kubeconfig", saKubeconfig], {
      cwd: dir,
      env: { ...process.env, POD_NAME: "replica-process" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once("exit", (code, signal) => r({ code, signal })));
    try {
      const holder = async (): Promise<string | undefined> => ((await admin().get("Lease", leaseName, ns))?.["spec"] as { holderIdentity?: string } | undefined)?.holderIdentity;
      await waitFor("the command to hold the Lease", async () => {
        if (child.exitCode !== null) throw new Error(`sync-networksets exited with ${child.exitCode}:\n${output}`);
        return (await holder()) === "replica-process";
      }, 60_000, 200);
      report(`sync-networksets (pid ${child.pid}) holds the Lease ${secs(t0)} after it was started`);
      const follower = await startController(backend, syncConfig(backend, mappings), { identity: "replica-in-process" });
      await waitFor("the set from the command", async () => same(await netsOf(backend, "consul-kill"), ["10.93.0.1/32", "10.93.0.2/32"]));
      await c.deregister("kill-2");
      await waitFor("the pending removal", async () => (await backend.getSet("consul-kill"))?.metadata.annotations?.[PENDING_ANNOTATION] !== undefined);
      const pending = (await backend.getSet("consul-kill"))?.metadata.annotations?.[PENDING_ANNOTATION];
      expect(follower.sync.elector.isLeader()).toBe(false);
      expect(follower.sync.metrics.get(METRICS.writes, { set: "consul-kill" })).toBe(0);
      child.kill("SIGKILL");
      expect(await exited).toEqual({ code: null, signal: "SIGKILL" });
      await waitFor("the other replica takes over", () => follower.sync.elector.isLeader(), 15_000);
      const tookOver = Date.now();
      expect(await holder()).toBe("replica-in-process");
      expect((await backend.getSet("consul-kill"))?.metadata.annotations?.[PENDING_ANNOTATION]).toBe(pending);
      await waitFor("the removal", async () => same(await netsOf(backend, "consul-kill"), ["10.93.0.1/32"]), 20_000);
      const removed = Date.now();
      const firstMissing = Date.parse((JSON.parse(pending ?? "{}") as Record<string, string>)["10.93.0.2/32"] ?? "");
      expect(removed).toBeGreaterThanOrEqual(firstMissing + 8000);
      expect(removed).toBeLessThan(tookOver + 8000);
      expect(output).toContain('"became leader"');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    }
  });

  for (const sc of SHARED_SCENARIOS) it(sc.title, () => sc.run(backend));
});
