/**
 * The Kubernetes API as the sync controller uses it: GlobalNetworkSets (projectcalico.org/v3, cluster-scoped)
 * and one coordination.k8s.io/v1 Lease, over plain REST with optimistic concurrency (a PUT carries the
 * resourceVersion it read; the API server answers 409 Conflict when the object changed in between).
 *
 * Credentials: in-cluster (the pod's service-account token, re-read on every request since bound tokens rotate,
 * its CA and KUBERNETES_SERVICE_HOST/PORT), or a kubeconfig file for a local run (token, token file or client
 * certificate; exec and auth-provider plugins are not supported).
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { UserError } from "../model/problem.js";
import { OWNER_LABEL, OWNER_VALUE } from "./config.js";
import { httpClient, type Answer, type TlsOptions } from "./http.js";
import type { GlobalNetworkSet } from "./networkset.js";

export interface KubeRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  readonly path: string;
  readonly body?: unknown;
}

export type KubeTransport = (req: KubeRequest, signal?: AbortSignal) => Promise<{ status: number; body: string }>;

export type KubeErrorKind = "kube_unreachable" | "kube_auth" | "kube_status" | "kube_body";

export class KubeError extends Error {
  constructor(
    readonly kind: KubeErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "KubeError";
  }
}

export const GNS_PATH = "/apis/projectcalico.org/v3/globalnetworksets";

export interface Lease {
  apiVersion: "coordination.k8s.io/v1";
  kind: "Lease";
  metadata: { name: string; namespace: string; resourceVersion?: string; [k: string]: unknown };
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

/** The outcome of a create or an update: written (with the server's copy), or refused with 409. */
export type WriteResult<T> = { readonly ok: true; readonly object: T } | { readonly ok: false; readonly conflict: true };

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new KubeError("kube_body", `the API server's answer for ${what} is not JSON`);
  }
}

function statusError(status: number, body: string, what: string): KubeError {
  let message = body.trim().slice(0, 300);
  try {
    const s = JSON.parse(body) as { message?: unknown };
    if (typeof s.message === "string") message = s.message;
  } catch {
    // not a Status object: keep the text
  }
  return new KubeError(status === 401 || status === 403 ? "kube_auth" : "kube_status", `${what}: the API server answered ${status}: ${message}`, status);
}

export class KubeApi {
  constructor(private readonly transport: KubeTransport) {}

  private async call(req: KubeRequest, what: string, signal?: AbortSignal): Promise<{ status: number; body: string }> {
    try {
      return await this.transport(req, signal);
    } catch (e) {
      throw new KubeError("kube_unreachable", `${what}: ${(e as Error).message}`);
    }
  }

  async getSet(name: string, signal?: AbortSignal): Promise<GlobalNetworkSet | undefined> {
    const what = `GET globalnetworkset ${name}`;
    const a = await this.call({ method: "GET", path: `${GNS_PATH}/${encodeURIComponent(name)}` }, what, signal);
    if (a.status === 404) return undefined;
    if (a.status !== 200) throw statusError(a.status, a.body, what);
    return parseJson<GlobalNetworkSet>(a.body, what);
  }

  /** Every set carrying the owner label (one list call). */
  async listOwnedSets(signal?: AbortSignal): Promise<GlobalNetworkSet[]> {
    const what = "LIST globalnetworksets";
    const a = await this.call({ method: "GET", path: `${GNS_PATH}?labelSelector=${encodeURIComponent(`${OWNER_LABEL}=${OWNER_VALUE}`)}` }, what, signal);
    if (a.status !== 200) throw statusError(a.status, a.body, what);
    const list = parseJson<{ items?: GlobalNetworkSet[] }>(a.body, what);
    return list.items ?? [];
  }

  async createSet(obj: GlobalNetworkSet, signal?: AbortSignal): Promise<WriteResult<GlobalNetworkSet>> {
    const what = `POST globalnetworkset ${obj.metadata.name}`;
    const body = { ...obj, metadata: { ...obj.metadata } };
    delete body.metadata.resourceVersion;
    const a = await this.call({ method: "POST", path: GNS_PATH, body }, what, signal);
    if (a.status === 409) return { ok: false, conflict: true };
    if (a.status !== 201 && a.status !== 200) throw statusError(a.status, a.body, what);
    return { ok: true, object: parseJson<GlobalNetworkSet>(a.body, what) };
  }

  async updateSet(obj: GlobalNetworkSet, signal?: AbortSignal): Promise<WriteResult<GlobalNetworkSet>> {
    const what = `PUT globalnetworkset ${obj.metadata.name}`;
    const a = await this.call({ method: "PUT", path: `${GNS_PATH}/${encodeURIComponent(obj.metadata.name)}`, body: obj }, what, signal);
    if (a.status === 409) return { ok: false, conflict: true };
    if (a.status !== 200) throw statusError(a.status, a.body, what);
    return { ok: true, object: parseJson<GlobalNetworkSet>(a.body, what) };
  }

  private leasePath(namespace: string, name?: string): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases${name === undefined ? "" : `/${encodeURIComponent(name)}`}`;
  }

  async getLease(namespace: string, name: string, signal?: AbortSignal): Promise<Lease | undefined> {
    const what = `GET lease ${namespace}/${name}`;
    const a = await this.call({ method: "GET", path: this.leasePath(namespace, name) }, what, signal);
    if (a.status === 404) return undefined;
    if (a.status !== 200) throw statusError(a.status, a.body, what);
    return parseJson<Lease>(a.body, what);
  }

  async createLease(lease: Lease, signal?: AbortSignal): Promise<WriteResult<Lease>> {
    const what = `POST lease ${lease.metadata.namespace}/${lease.metadata.name}`;
    const a = await this.call({ method: "POST", path: this.leasePath(lease.metadata.namespace), body: lease }, what, signal);
    if (a.status === 409) return { ok: false, conflict: true };
    if (a.status !== 201 && a.status !== 200) throw statusError(a.status, a.body, what);
    return { ok: true, object: parseJson<Lease>(a.body, what) };
  }

  async updateLease(lease: Lease, signal?: AbortSignal): Promise<WriteResult<Lease>> {
    const what = `PUT lease ${lease.metadata.namespace}/${lease.metadata.name}`;
    const a = await this.call({ method: "PUT", path: this.leasePath(lease.metadata.namespace, lease.metadata.name), body: lease }, what, signal);
    if (a.status === 409) return { ok: false, conflict: true };
    if (a.status !== 200) throw statusError(a.status, a.body, what);
    return { ok: true, object: parseJson<Lease>(a.body, what) };
  }
}

export interface KubeCredentials {
  readonly server: string;
  readonly tls: TlsOptions;
  /** A fixed bearer token, or a file read on every request (in-cluster, rotating). */
  readonly token?: string;
  readonly tokenFile?: string;
}

/** A transport over HTTP(S) for the given credentials. */
export function httpTransport(creds: KubeCredentials, timeoutMs = 30_000): KubeTransport {
  const client = httpClient(creds.server, creds.tls);
  return async (req, signal) => {
    const token = creds.tokenFile !== undefined ? readFileSync(creds.tokenFile, "utf8").trim() : creds.token;
    const headers: Record<string, string> = { ...(token === undefined || token === "" ? {} : { authorization: `Bearer ${token}` }) };
    if (req.body !== undefined) headers["content-type"] = "application/json";
    const a: Answer = await client(req.path, { method: req.method, headers, ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }), ...(signal === undefined ? {} : { signal }), timeoutMs });
    return { status: a.status, body: a.body };
  };
}

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** The pod's own credentials (what client-go's rest.InClusterConfig reads). */
export function inClusterCredentials(env: NodeJS.ProcessEnv = process.env, saDir = SA_DIR): KubeCredentials {
  const host = env["KUBERNETES_SERVICE_HOST"];
  const port = env["KUBERNETES_SERVICE_PORT"];
  if (host === undefined || host === "" || port === undefined || port === "") {
    throw new UserError([{ path: "--kubeconfig", message: "not running in a cluster (KUBERNETES_SERVICE_HOST/PORT are not set) and no kubeconfig given", hint: "pass --kubeconfig FILE for a local run, or set kubernetes.kubeconfig in the config" }]);
  }
  let ca: string;
  try {
    ca = readFileSync(join(saDir, "ca.crt"), "utf8");
  } catch (e) {
    throw new UserError([{ path: "", file: join(saDir, "ca.crt"), message: `cannot read the service-account CA: ${(e as Error).message}`, hint: "mount the service-account token (automountServiceAccountToken: true), or pass --kubeconfig" }]);
  }
  const hostPart = host.includes(":") ? `[${host}]` : host;
  return { server: `https://${hostPart}:${port}`, tls: { ca }, tokenFile: join(saDir, "token") };
}

interface KubeconfigFile {
  "current-context"?: string;
  contexts?: { name?: string; context?: { cluster?: string; user?: string } }[];
  clusters?: { name?: string; cluster?: { server?: string; "certificate-authority"?: string; "certificate-authority-data"?: string; "insecure-skip-tls-verify"?: boolean; "tls-server-name"?: string } }[];
  users?: { name?: string; user?: { token?: string; tokenFile?: string; "client-certificate"?: string; "client-certificate-data"?: string; "client-key"?: string; "client-key-data"?: string; exec?: unknown; "auth-provider"?: unknown } }[];
}

/** Credentials from a kubeconfig file (its current context, or `context`); relative paths are relative to the file. */
export function kubeconfigCredentials(file: string, context?: string): KubeCredentials {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UserError([{ path: "--kubeconfig", file, message: `cannot read the kubeconfig: ${(e as Error).message}`, hint: "give the path of a kubeconfig file" }]);
  }
  let kc: KubeconfigFile;
  try {
    kc = (parseYaml(text) ?? {}) as KubeconfigFile;
  } catch (e) {
    throw new UserError([{ path: "", file, message: `the kubeconfig is not YAML: ${(e as Error).message}`, hint: "give a kubeconfig written by kubectl or k3s" }]);
  }
  const ctxName = context ?? kc["current-context"];
  const ctx = kc.contexts?.find((c) => c.name === ctxName)?.context;
  if (ctx === undefined) throw new UserError([{ path: context === undefined ? "current-context" : "kubernetes.context", file, value: ctxName, message: "names no context of the kubeconfig", hint: `contexts: ${(kc.contexts ?? []).map((c) => c.name).join(", ") || "none"}` }]);
  const cluster = kc.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  const user = kc.users?.find((u) => u.name === ctx.user)?.user ?? {};
  if (cluster?.server === undefined) throw new UserError([{ path: `clusters`, file, value: ctx.cluster, message: "the context's cluster has no server", hint: "give the cluster a server: https://host:6443" }]);
  if (user.exec !== undefined || user["auth-provider"] !== undefined) throw new UserError([{ path: `users`, file, value: ctx.user, message: "exec and auth-provider credentials are not supported", hint: "use a kubeconfig with a token or a client certificate (e.g. a service account's)" }]);
  const rel = (p: string): string => (isAbsolute(p) ? p : join(dirname(file), p));
  const read = (p: string | undefined, data: string | undefined): string | undefined => (data !== undefined ? Buffer.from(data, "base64").toString("utf8") : p !== undefined ? readFileSync(rel(p), "utf8") : undefined);
  const ca = read(cluster["certificate-authority"], cluster["certificate-authority-data"]);
  const cert = read(user["client-certificate"], user["client-certificate-data"]);
  const key = read(user["client-key"], user["client-key-data"]);
  return {
    server: cluster.server,
    tls: { ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }), ...(cluster["tls-server-name"] === undefined ? {} : { serverName: cluster["tls-server-name"] }), insecureSkipVerify: cluster["insecure-skip-tls-verify"] === true },
    ...(user.token === undefined ? {} : { token: user.token }),
    ...(user.tokenFile === undefined ? {} : { tokenFile: rel(user.tokenFile) }),
  };
}
