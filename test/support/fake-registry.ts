/**
 * A small HTTPS server speaking the part of the registry API a prefilled-registry check reads (OCI
 * distribution-spec: `GET /v2/`, `HEAD /v2/<name>/manifests/<reference>`), with the two ways registries ask for
 * credentials (distribution/distribution docs/spec/auth/token.md): `Basic` directly, or `Bearer` with a token
 * endpoint. It holds manifests by `repository:tag` and digest only (no blobs): enough for tests that must show
 * what is in a registry, not a registry to pull from. TLS material comes from the caller (openssl in tests).
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";

export interface FakeRegistryOptions {
  readonly cert: string;
  readonly key: string;
  readonly auth: "none" | "basic" | "bearer";
  readonly username: string;
  readonly password: string;
  /** `repository:tag` → manifest digest (`sha256:…`). */
  readonly manifests: ReadonlyMap<string, string>;
}

export interface FakeRegistry {
  /** `127.0.0.1:<port>`, as registry.host takes it. */
  readonly host: string;
  /** Every request: method, path with query, and the Authorization and Accept headers. */
  readonly requests: { method: string; path: string; authorization?: string; accept?: string }[];
  close(): Promise<void>;
}

const INDEX_TYPE = "application/vnd.oci.image.index.v1+json";

export async function startFakeRegistry(o: FakeRegistryOptions): Promise<FakeRegistry> {
  const requests: FakeRegistry["requests"] = [];
  const basic = `Basic ${Buffer.from(`${o.username}:${o.password}`).toString("base64")}`;
  let host = "";
  const server: Server = createServer({ cert: o.cert, key: o.key }, (req, res) => {
    const url = new URL(req.url ?? "/", `https://${host}`);
    const authorization = req.headers.authorization;
    requests.push({ method: req.method ?? "", path: `${url.pathname}${url.search}`, ...(authorization !== undefined ? { authorization } : {}), ...(req.headers.accept !== undefined ? { accept: req.headers.accept } : {}) });
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(req.method === "HEAD" ? undefined : JSON.stringify(body));
    };
    const challenge = (scope?: string): Record<string, string> =>
      o.auth === "basic"
        ? { "www-authenticate": 'Basic realm="fake-registry"' }
        : { "www-authenticate": `Bearer realm="https://${host}/token",service="fake-registry"${scope !== undefined ? `,scope="${scope}"` : ""}` };
    const allowed = (repository?: string): boolean => {
      if (o.auth === "none") return true;
      if (o.auth === "basic") return authorization === basic;
      // A bearer token is good for the one repository it was issued for (or for /v2/ itself).
      const token = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
      return token !== undefined && (repository === undefined || token === `pull:${repository}`);
    };

    if (url.pathname === "/token" && o.auth === "bearer") {
      if (authorization !== basic) return json(401, { errors: [{ code: "UNAUTHORIZED" }] });
      const scope = url.searchParams.get("scope") ?? "";
      const repository = /^repository:(.+):pull$/.exec(scope)?.[1];
      if (url.searchParams.get("service") !== "fake-registry" || repository === undefined) return json(400, { errors: [{ code: "DENIED" }] });
      return json(200, { token: `pull:${repository}` });
    }
    if (url.pathname === "/v2/" && req.method === "GET") {
      return allowed() ? json(200, {}) : json(401, { errors: [{ code: "UNAUTHORIZED" }] }, challenge());
    }
    const m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (m !== null && (req.method === "HEAD" || req.method === "GET")) {
      const repository = m[1] ?? "";
      if (!allowed(repository)) return json(401, { errors: [{ code: "UNAUTHORIZED" }] }, challenge(`repository:${repository}:pull`));
      const digest = o.manifests.get(`${repository}:${decodeURIComponent(m[2] ?? "")}`);
      if (digest === undefined) return json(404, { errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] });
      res.writeHead(200, { "content-type": INDEX_TYPE, "docker-content-digest": digest });
      return res.end();
    }
    json(404, { errors: [{ code: "NOT_FOUND" }] });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
