/**
 * A test API server for the sync: the REST paths the controller uses (projectcalico.org/v3 globalnetworksets,
 * coordination.k8s.io/v1 leases) with the API server's optimistic concurrency: every write bumps a global
 * resourceVersion; a PUT whose metadata.resourceVersion is not the stored one is 409 Conflict ("the object has
 * been modified"); a PUT without one is 422 (custom resources allow no unconditional update); a POST of an
 * existing name is 409 AlreadyExists; a missing object is 404. It serves the same store in process (a
 * KubeTransport) and over HTTP (for the controller's real HTTP client). A stand-in for kube-apiserver, labelled so.
 */
import { createServer, type Server } from "node:http";
import type { KubeRequest, KubeTransport } from "../../../src/sync/kube.js";

type Obj = { metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string>; [k: string]: unknown }; [k: string]: unknown };

export interface Interceptor {
  (req: KubeRequest): { status: number; body: string } | undefined;
}

const GNS = /^\/apis\/projectcalico\.org\/v3\/globalnetworksets(?:\/([^/?]+))?(?:\?(.*))?$/;
const LEASE = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/?]+))?$/;

function status(code: number, reason: string, message: string): { status: number; body: string } {
  return { status: code, body: JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason, message, code }) };
}

export class FakeKube {
  private rv = 100;
  readonly store = new Map<string, Obj>();
  readonly requests: KubeRequest[] = [];
  interceptors: Interceptor[] = [];
  /** Writes (POST/PUT) that succeeded, per object key. */
  readonly writes = new Map<string, number>();

  key(kind: "gns" | "lease", name: string, ns = ""): string {
    return `${kind}/${ns}/${name}`;
  }

  getSet(name: string): Obj | undefined {
    return this.store.get(this.key("gns", name));
  }

  /** Writes an object as another client would (bumps its resourceVersion). */
  put(kind: "gns" | "lease", obj: Obj): Obj {
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(++this.rv);
    this.store.set(this.key(kind, obj.metadata.name, obj.metadata.namespace ?? ""), stored);
    return stored;
  }

  handle(req: KubeRequest): { status: number; body: string } {
    this.requests.push(req);
    for (const i of this.interceptors) {
      const r = i(req);
      if (r !== undefined) return r;
    }
    let m = GNS.exec(req.path);
    if (m !== null) return this.crud("gns", req, m[1] === undefined ? undefined : decodeURIComponent(m[1]), "", m[2]);
    m = LEASE.exec(req.path);
    if (m !== null) return this.crud("lease", req, m[2] === undefined ? undefined : decodeURIComponent(m[2]), decodeURIComponent(m[1] ?? ""), undefined);
    return status(404, "NotFound", `the server could not find the requested resource (${req.method} ${req.path})`);
  }

  private crud(kind: "gns" | "lease", req: KubeRequest, name: string | undefined, ns: string, query: string | undefined): { status: number; body: string } {
    const body = req.body as Obj | undefined;
    if (req.method === "GET" && name === undefined) {
      const sel = new URLSearchParams(query ?? "").get("labelSelector");
      const [lk, lv] = sel === null ? [undefined, undefined] : sel.split("=");
      const items = [...this.store.entries()].filter(([k]) => k.startsWith(`${kind}/${ns}/`)).map(([, o]) => o).filter((o) => lk === undefined || o.metadata.labels?.[lk] === lv);
      return { status: 200, body: JSON.stringify({ kind: "List", metadata: { resourceVersion: String(this.rv) }, items }) };
    }
    if (req.method === "POST") {
      if (body === undefined) return status(400, "BadRequest", "no body");
      const key = this.key(kind, body.metadata.name, ns);
      if (this.store.has(key)) return status(409, "AlreadyExists", `${kind} "${body.metadata.name}" already exists`);
      if (body.metadata.resourceVersion !== undefined) return status(500, "InternalError", "resourceVersion should not be set on objects to be created");
      const stored = this.put(kind, { ...body, metadata: { ...body.metadata, ...(kind === "lease" ? { namespace: ns } : {}), uid: `uid-${this.rv}` } });
      this.writes.set(key, (this.writes.get(key) ?? 0) + 1);
      return { status: 201, body: JSON.stringify(stored) };
    }
    if (name === undefined) return status(405, "MethodNotAllowed", "method not allowed on a collection");
    const key = this.key(kind, name, ns);
    const cur = this.store.get(key);
    if (req.method === "GET") return cur === undefined ? status(404, "NotFound", `${kind} "${name}" not found`) : { status: 200, body: JSON.stringify(cur) };
    if (req.method === "PUT") {
      if (body === undefined) return status(400, "BadRequest", "no body");
      if (cur === undefined) return status(404, "NotFound", `${kind} "${name}" not found`);
      if (body.metadata.resourceVersion === undefined || body.metadata.resourceVersion === "") return status(422, "Invalid", "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
      if (body.metadata.resourceVersion !== cur.metadata.resourceVersion) return status(409, "Conflict", `Operation cannot be fulfilled on ${kind} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
      const stored = this.put(kind, { ...body, metadata: { ...body.metadata, uid: cur.metadata["uid"] } });
      this.writes.set(key, (this.writes.get(key) ?? 0) + 1);
      return { status: 200, body: JSON.stringify(stored) };
    }
    if (req.method === "DELETE") {
      if (cur === undefined) return status(404, "NotFound", `${kind} "${name}" not found`);
      this.store.delete(key);
      return { status: 200, body: JSON.stringify(cur) };
    }
    return status(405, "MethodNotAllowed", req.method);
  }

  transport(): KubeTransport {
    return async (req) => this.handle(structuredClone(req));
  }

  /** Serves the store over HTTP on loopback; resolves with the base URL. */
  async listen(): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
    const server = createServer((rq, rs) => {
      const chunks: Buffer[] = [];
      rq.on("data", (c: Buffer) => chunks.push(c));
      rq.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const r = this.handle({ method: (rq.method ?? "GET") as KubeRequest["method"], path: rq.url ?? "/", ...(text === "" ? {} : { body: JSON.parse(text) as unknown }) });
        rs.writeHead(r.status, { "content-type": "application/json" });
        rs.end(r.body);
      });
    });
    await new Promise<void>((res) => server.listen(0, "127.0.0.1", () => res()));
    const addr = server.address();
    const port = typeof addr === "object" && addr !== null ? addr.port : 0;
    return { url: `http://127.0.0.1:${port}`, server, close: () => new Promise<void>((res) => { server.closeAllConnections(); server.close(() => res()); }) };
  }
}
