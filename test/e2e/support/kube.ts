/**
 * A minimal Kubernetes REST client for the e2e suite: JSON over HTTPS with the admin client certificate the
 * control plane generated. Only what the tests and the operator stand-in need (get, list, create, merge-patch,
 * status patch, delete, SubjectAccessReview). Paths follow the Kubernetes API conventions
 * (kubernetes.io/docs/reference/using-api/api-concepts).
 */
import { request } from "node:https";

export type Obj = Record<string, unknown>;

export interface KubeCredentials {
  readonly server: string;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export class KubeError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: string,
  ) {
    super(`${method} ${path}: HTTP ${status}: ${body.slice(0, 500)}`);
  }
}

/** Where a kind lives: `/api/v1` or `/apis/<group>/<version>`, its plural and whether it is namespaced. */
export interface ResourceRef {
  readonly apiVersion: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

export const RESOURCES = {
  Namespace: { apiVersion: "v1", plural: "namespaces", namespaced: false },
  Secret: { apiVersion: "v1", plural: "secrets", namespaced: true },
  Service: { apiVersion: "v1", plural: "services", namespaced: true },
  ServiceAccount: { apiVersion: "v1", plural: "serviceaccounts", namespaced: true },
  ConfigMap: { apiVersion: "v1", plural: "configmaps", namespaced: true },
  Node: { apiVersion: "v1", plural: "nodes", namespaced: false },
  Pod: { apiVersion: "v1", plural: "pods", namespaced: true },
  Deployment: { apiVersion: "apps/v1", plural: "deployments", namespaced: true },
  DaemonSet: { apiVersion: "apps/v1", plural: "daemonsets", namespaced: true },
  ClusterRole: { apiVersion: "rbac.authorization.k8s.io/v1", plural: "clusterroles", namespaced: false },
  ClusterRoleBinding: { apiVersion: "rbac.authorization.k8s.io/v1", plural: "clusterrolebindings", namespaced: false },
  Role: { apiVersion: "rbac.authorization.k8s.io/v1", plural: "roles", namespaced: true },
  RoleBinding: { apiVersion: "rbac.authorization.k8s.io/v1", plural: "rolebindings", namespaced: true },
  Lease: { apiVersion: "coordination.k8s.io/v1", plural: "leases", namespaced: true },
  ValidatingAdmissionPolicy: { apiVersion: "admissionregistration.k8s.io/v1", plural: "validatingadmissionpolicies", namespaced: false },
  ValidatingAdmissionPolicyBinding: { apiVersion: "admissionregistration.k8s.io/v1", plural: "validatingadmissionpolicybindings", namespaced: false },
  CustomResourceDefinition: { apiVersion: "apiextensions.k8s.io/v1", plural: "customresourcedefinitions", namespaced: false },
  Installation: { apiVersion: "operator.tigera.io/v1", plural: "installations", namespaced: false },
  APIServer: { apiVersion: "operator.tigera.io/v1", plural: "apiservers", namespaced: false },
  Goldmane: { apiVersion: "operator.tigera.io/v1", plural: "goldmanes", namespaced: false },
  Whisker: { apiVersion: "operator.tigera.io/v1", plural: "whiskers", namespaced: false },
  TigeraStatus: { apiVersion: "operator.tigera.io/v1", plural: "tigerastatuses", namespaced: false },
  Tier: { apiVersion: "projectcalico.org/v3", plural: "tiers", namespaced: false },
  GlobalNetworkPolicy: { apiVersion: "projectcalico.org/v3", plural: "globalnetworkpolicies", namespaced: false },
  StagedGlobalNetworkPolicy: { apiVersion: "projectcalico.org/v3", plural: "stagedglobalnetworkpolicies", namespaced: false },
  NetworkPolicy: { apiVersion: "projectcalico.org/v3", plural: "networkpolicies", namespaced: true },
  StagedNetworkPolicy: { apiVersion: "projectcalico.org/v3", plural: "stagednetworkpolicies", namespaced: true },
  GlobalNetworkSet: { apiVersion: "projectcalico.org/v3", plural: "globalnetworksets", namespaced: false },
  NetworkSet: { apiVersion: "projectcalico.org/v3", plural: "networksets", namespaced: true },
  ClusterNetworkPolicy: { apiVersion: "policy.networking.k8s.io/v1alpha2", plural: "clusternetworkpolicies", namespaced: false },
  FelixConfiguration: { apiVersion: "projectcalico.org/v3", plural: "felixconfigurations", namespaced: false },
  KubeControllersConfiguration: { apiVersion: "projectcalico.org/v3", plural: "kubecontrollersconfigurations", namespaced: false },
} as const satisfies Record<string, ResourceRef>;

export type Kind = keyof typeof RESOURCES;

export function resourcePath(kind: Kind, name?: string, namespace?: string): string {
  const r: ResourceRef = RESOURCES[kind];
  const base = r.apiVersion.includes("/") ? `/apis/${r.apiVersion}` : `/api/${r.apiVersion}`;
  const ns = r.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${r.plural}${name !== undefined ? `/${encodeURIComponent(name)}` : ""}`;
}

export class Kube {
  constructor(readonly creds: KubeCredentials) {}

  /** One request; resolves with the parsed body (undefined for an empty one), rejects with KubeError on >= 300. */
  raw(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<unknown> {
    const url = new URL(path, this.creds.server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          method,
          hostname: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          ca: this.creds.ca,
          cert: this.creds.cert,
          key: this.creds.key,
          headers: { accept: "application/json", ...(payload !== undefined ? { "content-type": contentType, "content-length": Buffer.byteLength(payload) } : {}) },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = res.statusCode ?? 0;
            if (status >= 300) {
              reject(new KubeError(status, method, path, text));
              return;
            }
            try {
              resolve(text === "" ? undefined : (JSON.parse(text) as unknown));
            } catch {
              resolve(text);
            }
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  async get(kind: Kind, name: string, namespace?: string): Promise<Obj | undefined> {
    try {
      return (await this.raw("GET", resourcePath(kind, name, namespace))) as Obj;
    } catch (e) {
      if (e instanceof KubeError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** Every object of `kind` (in `namespace`, or across all namespaces), a 404 (kind not served) as none. */
  async list(kind: Kind, namespace?: string, labelSelector?: string): Promise<Obj[]> {
    const q = labelSelector !== undefined ? `?labelSelector=${encodeURIComponent(labelSelector)}` : "";
    try {
      const l = (await this.raw("GET", `${resourcePath(kind, undefined, namespace)}${q}`)) as { items?: Obj[] };
      return l.items ?? [];
    } catch (e) {
      if (e instanceof KubeError && e.status === 404) return [];
      throw e;
    }
  }

  async create(kind: Kind, obj: Obj, namespace?: string): Promise<Obj> {
    return (await this.raw("POST", resourcePath(kind, undefined, namespace), obj)) as Obj;
  }

  /** Creates the object; an existing one (409) is left as it is. */
  async ensure(kind: Kind, obj: Obj, namespace?: string): Promise<void> {
    try {
      await this.create(kind, obj, namespace);
    } catch (e) {
      if (!(e instanceof KubeError && e.status === 409)) throw e;
    }
  }

  async mergePatch(kind: Kind, name: string, patch: Obj, namespace?: string): Promise<Obj> {
    return (await this.raw("PATCH", resourcePath(kind, name, namespace), patch, "application/merge-patch+json")) as Obj;
  }

  /** A merge patch of the status subresource (what a controller writes). */
  async patchStatus(kind: Kind, name: string, status: Obj, namespace?: string): Promise<Obj> {
    return (await this.raw("PATCH", `${resourcePath(kind, name, namespace)}/status`, { status }, "application/merge-patch+json")) as Obj;
  }

  async delete(kind: Kind, name: string, namespace?: string): Promise<void> {
    try {
      await this.raw("DELETE", resourcePath(kind, name, namespace));
    } catch (e) {
      if (!(e instanceof KubeError && e.status === 404)) throw e;
    }
  }

  /**
   * Whether `user` (a ServiceAccount as `system:serviceaccount:<ns>:<name>`) may do `verb` on a resource, by a
   * SubjectAccessReview: the API server's own RBAC evaluation (kubernetes.io/docs/reference/access-authn-authz/authorization,
   * "Checking API access").
   */
  async canI(user: string, groups: readonly string[], attrs: { verb: string; resource: string; group?: string; namespace?: string; name?: string }): Promise<boolean> {
    const review = (await this.raw("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      spec: {
        user,
        groups: [...groups],
        resourceAttributes: { verb: attrs.verb, resource: attrs.resource, group: attrs.group ?? "", ...(attrs.namespace !== undefined ? { namespace: attrs.namespace } : {}), ...(attrs.name !== undefined ? { name: attrs.name } : {}) },
      },
    })) as { status?: { allowed?: boolean } };
    return review.status?.allowed === true;
  }
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last !== undefined ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
