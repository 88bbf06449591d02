/**
 * The Tigera operator's part in the e2e suite, played by a small controller in the test process.
 *
 * Why: the real operator (and every Calico component it rolls out) is a container image; kwok's fake nodes
 * run no containers, so nothing would ever report the Installation or APIServer Ready, and `pulumi up` waits
 * on exactly that (`pulumi.com/waitFor: condition=Ready`, src/deployment/planners/calico.ts WAIT_READY).
 *
 * What it stands in for, and nothing else (tigera/operator v1.42, the version Calico 3.32.1 pins):
 * - the Installation controller's status reporting: it writes TigeraStatus `calico` with Available=True and
 *   copies it onto Installation `default` as `status.conditions` type Ready (the operator's
 *   `status.UpdateStatusCondition` renames Available to Ready), with `status.variant` and `status.calicoVersion`;
 * - the CRDs the operator installs and owns besides Calico's own (`-manage-crds=true`): in 3.32 the
 *   ClusterNetworkPolicy CRD of sigs.k8s.io/network-policy-api (`StandInExpectations.operatorCrds`);
 * - the namespace that controller creates for the Calico components, `calico-system`
 *   (the metrics Services of the monitoring step live there);
 * - the `default` FelixConfiguration the operator creates and the `default` KubeControllersConfiguration
 *   kube-controllers creates on start (the program's configuration patches take fields of these objects);
 * - the APIServer controller's status reporting: TigeraStatus `apiserver` Available=True and APIServer
 *   `default` Ready, once the Installation is Ready (as the operator only starts the API server, or in
 *   native-v3 mode its webhooks, after the Installation).
 * It does not deploy any component, copy pull Secrets, render Calico's own tier or policies, or reconcile
 * later changes beyond re-checking a changed Installation.
 *
 * Before it reports anything it checks the CRs it got the way the operator would consume them: the
 * Installation's registry (the private registry, with the trailing `/`), imagePullSecrets (the pull Secret,
 * which must exist in tigera-operator as a dockerconfigjson for that registry), ipPools (the stack's pools)
 * and typhaMetricsPort. A mismatch is a test failure (`failed` rejects), and it then reports nothing, so
 * nothing that depends on the Calico API server is applied.
 */
import { KubeError, type Kube, type Obj } from "./kube.js";

export interface StandInExpectations {
  /** The private registry, `host[:port]`. */
  readonly registryHost: string;
  /** The pull Secret's name (in tigera-operator). */
  readonly pullSecret: string;
  /** The stack's IP pools as its config states them. */
  readonly ipPools: readonly { readonly name: string; readonly cidr: string; readonly encapsulation: string; readonly blockSize: number }[];
  readonly typhaMetricsPort: number;
  /** What status.calicoVersion reports. */
  readonly calicoVersion: string;
  /** CRDs the operator itself installs (created once the Installation passes the checks). */
  readonly operatorCrds?: readonly Obj[];
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every way `spec` (Installation default) differs from what the stack must ask the operator for; [] when it fits. */
export function checkInstallationSpec(spec: unknown, want: StandInExpectations): string[] {
  if (!isObj(spec)) return ["Installation default has no spec"];
  const problems: string[] = [];
  if (spec["registry"] !== `${want.registryHost}/`) {
    problems.push(`spec.registry is ${JSON.stringify(spec["registry"])}, not the private registry "${want.registryHost}/"`);
  }
  const secrets = Array.isArray(spec["imagePullSecrets"]) ? spec["imagePullSecrets"] : [];
  if (!secrets.some((s) => isObj(s) && s["name"] === want.pullSecret)) {
    problems.push(`spec.imagePullSecrets ${JSON.stringify(spec["imagePullSecrets"])} does not name the pull Secret ${want.pullSecret}`);
  }
  const network = isObj(spec["calicoNetwork"]) ? spec["calicoNetwork"] : {};
  const pools = Array.isArray(network["ipPools"]) ? network["ipPools"] : [];
  if (pools.length !== want.ipPools.length) {
    problems.push(`spec.calicoNetwork.ipPools has ${pools.length} pool(s), the stack configures ${want.ipPools.length}`);
  }
  for (const w of want.ipPools) {
    const p = pools.find((x): x is Obj => isObj(x) && x["name"] === w.name);
    if (p === undefined) {
      problems.push(`spec.calicoNetwork.ipPools has no pool ${w.name}`);
      continue;
    }
    for (const field of ["cidr", "encapsulation", "blockSize"] as const) {
      if (p[field] !== w[field]) problems.push(`spec.calicoNetwork.ipPools[${w.name}].${field} is ${JSON.stringify(p[field])}, the stack configures ${JSON.stringify(w[field])}`);
    }
  }
  if (spec["typhaMetricsPort"] !== want.typhaMetricsPort) {
    problems.push(`spec.typhaMetricsPort is ${JSON.stringify(spec["typhaMetricsPort"])}, not ${want.typhaMetricsPort}`);
  }
  return problems;
}

/** Problems with the pull Secret the Installation names (in tigera-operator, where the operator reads it). */
export function checkPullSecret(secret: Obj | undefined, want: StandInExpectations): string[] {
  if (secret === undefined) return [`the pull Secret tigera-operator/${want.pullSecret} does not exist`];
  if (secret["type"] !== "kubernetes.io/dockerconfigjson") return [`the pull Secret has type ${JSON.stringify(secret["type"])}, not kubernetes.io/dockerconfigjson`];
  const data = isObj(secret["data"]) ? secret["data"] : {};
  const encoded = data[".dockerconfigjson"];
  if (typeof encoded !== "string") return ["the pull Secret has no .dockerconfigjson"];
  let auths: unknown;
  try {
    auths = (JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as { auths?: unknown }).auths;
  } catch {
    return ["the pull Secret's .dockerconfigjson is not JSON"];
  }
  return isObj(auths) && isObj(auths[want.registryHost]) ? [] : [`the pull Secret holds no credentials for ${want.registryHost}`];
}

/**
 * The `default` KubeControllersConfiguration as kube-controllers creates it on start (the sample of
 * docs.tigera.io calico/3.32 reference/resources/kubecontrollersconfig, "Calico automatically creates a resource
 * named default"): the program's patch takes some of these fields and gives them back on destroy.
 */
const KUBE_CONTROLLERS_DEFAULT = {
  logSeverityScreen: "Info",
  healthChecks: "Enabled",
  etcdV3CompactionPeriod: "10m",
  prometheusMetricsPort: 9094,
  controllers: {
    node: { reconcilerPeriod: "5m", syncLabels: "Enabled", hostEndpoint: { autoCreate: "Disabled" } },
    policy: { reconcilerPeriod: "5m" },
    workloadEndpoint: { reconcilerPeriod: "5m" },
    serviceAccount: { reconcilerPeriod: "5m" },
    namespace: { reconcilerPeriod: "5m" },
  },
};

function condition(type: string, status: "True" | "False", reason: string, message: string, generation: unknown): Obj {
  return { type, status, reason, message, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"), ...(typeof generation === "number" ? { observedGeneration: generation } : {}) };
}

export class OperatorStandIn {
  /** What it did, in order (the suite prints it). */
  readonly actions: string[] = [];
  /** Rejects with the first problem found in a CR; never resolves. */
  readonly failed: Promise<never>;
  private fail!: (e: Error) => void;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private stopped = false;
  private installationGeneration: number | undefined;
  private apiServerGeneration: number | undefined;

  constructor(
    private readonly kube: Kube,
    private readonly want: StandInExpectations,
  ) {
    this.failed = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    // A rejection nobody awaited yet must not crash the runner before the suite races it.
    this.failed.catch(() => undefined);
  }

  start(everyMs = 500): void {
    this.timer = setInterval(() => {
      if (this.busy || this.stopped) return;
      this.busy = true;
      this.tick()
        .catch((e: unknown) => {
          // Transient API errors (a CRD not yet established) are retried; anything else fails the test.
          if (e instanceof KubeError && (e.status === 404 || e.status === 409 || e.status >= 500)) return;
          this.stopped = true;
          this.fail(e instanceof Error ? e : new Error(String(e)));
        })
        .finally(() => {
          this.busy = false;
        });
    }, everyMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    const installation = await this.kube.get("Installation", "default");
    if (installation === undefined) {
      this.installationGeneration = undefined;
      this.apiServerGeneration = undefined;
      return;
    }
    const generation = (installation["metadata"] as { generation?: number }).generation;
    if (generation !== this.installationGeneration) {
      const problems = [
        ...checkInstallationSpec(installation["spec"], this.want),
        ...checkPullSecret(await this.kube.get("Secret", this.want.pullSecret, "tigera-operator"), this.want),
      ];
      if (problems.length > 0) {
        this.stopped = true;
        this.fail(new Error(`operator stand-in: the Installation the stack created would not install Calico as configured:\n- ${problems.join("\n- ")}`));
        return;
      }
      for (const crd of this.want.operatorCrds ?? []) await this.kube.ensure("CustomResourceDefinition", crd);
      await this.kube.ensure("Namespace", { apiVersion: "v1", kind: "Namespace", metadata: { name: "calico-system", labels: { name: "calico-system", "pod-security.kubernetes.io/enforce": "privileged" } } });
      await this.kube.ensure("FelixConfiguration", { apiVersion: "projectcalico.org/v3", kind: "FelixConfiguration", metadata: { name: "default" }, spec: {} });
      await this.kube.ensure("KubeControllersConfiguration", { apiVersion: "projectcalico.org/v3", kind: "KubeControllersConfiguration", metadata: { name: "default" }, spec: KUBE_CONTROLLERS_DEFAULT });
      await this.reportAvailable("calico");
      await this.kube.patchStatus("Installation", "default", {
        variant: "Calico",
        calicoVersion: this.want.calicoVersion,
        conditions: [condition("Ready", "True", "AllObjectsAvailable", "All objects are available (e2e operator stand-in)", generation)],
      });
      this.installationGeneration = generation;
      this.actions.push(`Installation default (generation ${String(generation)}) checked; ${String(this.want.operatorCrds?.length ?? 0)} operator CRD(s), calico-system, FelixConfiguration and KubeControllersConfiguration default created; TigeraStatus calico and Installation Ready`);
    }
    const apiServer = await this.kube.get("APIServer", "default");
    if (apiServer === undefined) {
      this.apiServerGeneration = undefined;
      return;
    }
    const apiGeneration = (apiServer["metadata"] as { generation?: number }).generation;
    if (apiGeneration !== this.apiServerGeneration) {
      await this.reportAvailable("apiserver");
      await this.kube.patchStatus("APIServer", "default", {
        state: "Ready",
        conditions: [condition("Ready", "True", "AllObjectsAvailable", "All objects are available (e2e operator stand-in)", apiGeneration)],
      });
      this.apiServerGeneration = apiGeneration;
      this.actions.push(`APIServer default (generation ${String(apiGeneration)}): TigeraStatus apiserver and APIServer Ready`);
    }
  }

  private async reportAvailable(name: string): Promise<void> {
    await this.kube.ensure("TigeraStatus", { apiVersion: "operator.tigera.io/v1", kind: "TigeraStatus", metadata: { name }, spec: {} });
    await this.kube.patchStatus("TigeraStatus", name, {
      conditions: [
        condition("Available", "True", "AllObjectsAvailable", "All objects are available (e2e operator stand-in)", undefined),
        condition("Progressing", "False", "AllObjectsAvailable", "", undefined),
        condition("Degraded", "False", "AllObjectsAvailable", "", undefined),
      ],
    });
  }
}
