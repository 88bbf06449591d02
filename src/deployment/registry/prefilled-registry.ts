/**
 * An external registry that a separate pipeline fills (`registry.mirror: false`): the program copies nothing
 * (no command resource, so nothing of @pulumi/command in the stack) and checks, before planning the install,
 * that every planned image is in the registry. The check runs in the program itself, over the registry's HTTP
 * API, on `pulumi preview` and `pulumi up` alike:
 *
 * - `HEAD /v2/<name>/manifests/<tag>` answers 200 with the manifest's `Docker-Content-Digest` when the image is
 *   there and 404 when it is not (OCI distribution-spec, "Checking if content exists in the registry";
 *   distribution/distribution docs/spec/api.md). The Accept header lists the index and manifest media types, so
 *   a multi-arch index is found as an index.
 * - Authentication follows the registry's `WWW-Authenticate` challenge on `GET /v2/`: `Basic` (Distribution
 *   with htpasswd) sends the credentials directly; `Bearer realm=…,service=…` (token auth: Harbor, Quay, GitLab,
 *   Distribution's token auth) gets a pull token for each repository from the realm with the credentials
 *   (distribution/distribution docs/spec/auth/token.md; the token is `token` or `access_token`).
 * - TLS: the registry's CA (`registry.ca`) is trusted besides the public roots, as the mirror and the nodes
 *   trust it.
 * - The networkset-sync controller's image (`built`) is checked like the others, but a missing one is reported
 *   with the build and push commands: no upstream source exists to mirror it from.
 */
import { request } from "node:https";
import { rootCertificates } from "node:tls";
import { UserError, type Problem } from "../../model/problem.js";
import type { MirroredImage } from "../images.js";

export interface RegistryAccess {
  /** `host[:port]`, as image references name the registry. */
  readonly host: string;
  readonly username: string;
  readonly password: string;
  readonly caPem?: string;
  /** Per request (default 15 s). */
  readonly timeoutMs?: number;
}

export interface PresentImage {
  readonly target: string;
  /** `sha256:…`, from Docker-Content-Digest (absent when the registry does not send it). */
  readonly digest?: string;
}

/** Checks that every image is in the registry; throws a UserError naming each one missing or unreadable. */
export type CheckImages = (access: RegistryAccess, images: readonly MirroredImage[]) => Promise<PresentImage[]>;

/** Media types of the manifests an image tag may name (OCI image-spec, Docker manifest v2 schema 2). */
export const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Parses a `WWW-Authenticate` header (RFC 7235 auth-param list, quoted or token values) into its first challenge. */
export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s*(.*)$/s.exec(header);
  if (m === null) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy;
  const rest = m[2] ?? "";
  let p: RegExpExecArray | null;
  while ((p = re.exec(rest)) !== null && p[0] !== "") {
    params[(p[1] ?? "").toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : (p[3] ?? "");
  }
  return { scheme: (m[1] ?? "").toLowerCase(), params };
}

interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

const MAX_BODY = 1024 * 1024;

function httpsRequest(url: URL, method: "GET" | "HEAD", headers: Record<string, string>, access: RegistryAccess): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers,
        ...(access.caPem !== undefined ? { ca: [...rootCertificates, access.caPem] } : {}),
        timeout: access.timeoutMs ?? 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size <= MAX_BODY) chunks.push(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${(access.timeoutMs ?? 15_000) / 1000} s`)));
    req.on("error", reject);
    req.end();
  });
}

const header = (r: Reply, name: string): string | undefined => {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Splits `host:port/calico/node:v3.32.1` into the repository path and the tag. */
function repositoryAndTag(target: string, host: string): { repository: string; tag: string } {
  const rest = target.slice(host.length + 1);
  const colon = rest.lastIndexOf(":");
  return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1) };
}

function cause(e: unknown): string {
  const err = e as { code?: string; message?: string };
  return err.code !== undefined ? `${err.code}${err.message !== undefined && !err.message.includes(err.code) ? ` (${err.message})` : ""}` : String(err.message ?? e);
}

const HOST_KEY = "calico-baseline:registry.host";
const MIRROR_HINT = "registry.mirror is false, so the site's own mirror pipeline must copy it there before pulumi runs; or set registry.mirror to true to let the program copy the images with skopeo";

/** The real check over HTTPS (see the module comment). */
export const checkPrefilledImages: CheckImages = async (access, images) => {
  const base = new URL(`https://${access.host}/`);
  const basic = `Basic ${Buffer.from(`${access.username}:${access.password}`).toString("base64")}`;
  const unreachable = (e: unknown, what: string): UserError =>
    new UserError([
      {
        path: HOST_KEY,
        value: access.host,
        message: `cannot be reached to check the prefilled images (${what}): ${cause(e)}`,
        hint: "run pulumi from a machine that reaches the registry, check registry.host and registry.ca (the registry's CA)",
      },
    ]);

  let ping: Reply;
  try {
    ping = await httpsRequest(new URL("/v2/", base), "GET", {}, access);
  } catch (e) {
    throw unreachable(e, "GET /v2/");
  }
  let challenge: Challenge | undefined;
  if (ping.status === 401) {
    challenge = parseChallenge(header(ping, "www-authenticate") ?? "");
    if (challenge === undefined || (challenge.scheme !== "basic" && challenge.scheme !== "bearer")) {
      throw new UserError([{ path: HOST_KEY, value: access.host, message: `asks for an authentication scheme this check does not speak (${header(ping, "www-authenticate") ?? "no WWW-Authenticate header"})`, hint: "use a registry with Basic or Bearer token authentication (Distribution, Harbor, Quay)" }]);
    }
  } else if (ping.status !== 200) {
    throw new UserError([{ path: HOST_KEY, value: access.host, message: `answered HTTP ${ping.status} on GET /v2/, not the registry API`, hint: "give the registry's host[:port] (the Docker Registry HTTP API v2 / OCI distribution endpoint)" }]);
  }

  const authFor = async (repository: string): Promise<Record<string, string>> => {
    if (challenge === undefined) return {};
    if (challenge.scheme === "basic") return { authorization: basic };
    const realm = challenge.params["realm"];
    if (realm === undefined) throw new UserError([{ path: HOST_KEY, value: access.host, message: "sent a Bearer challenge without a realm", hint: "check the registry's token authentication setup" }]);
    const url = new URL(realm);
    if (challenge.params["service"] !== undefined) url.searchParams.set("service", challenge.params["service"]);
    url.searchParams.set("scope", `repository:${repository}:pull`);
    let reply: Reply;
    try {
      reply = await httpsRequest(url, "GET", { authorization: basic }, access);
    } catch (e) {
      throw unreachable(e, `token from ${url.origin}${url.pathname}`);
    }
    let token: unknown;
    try {
      const body = JSON.parse(reply.body) as { token?: unknown; access_token?: unknown };
      token = body.token ?? body.access_token;
    } catch {
      token = undefined;
    }
    if (reply.status !== 200 || typeof token !== "string") {
      throw new UserError([
        {
          path: "calico-baseline:registry.username",
          value: access.username,
          message: `got no pull token for ${repository} from ${url.origin}${url.pathname} (HTTP ${reply.status})`,
          hint: "check registry.username and the registry.password secret, and that the user may pull these repositories",
        },
      ]);
    }
    return { authorization: `Bearer ${token}` };
  };

  const problems: Problem[] = [];
  const present: PresentImage[] = [];
  for (const image of images) {
    const { repository, tag } = repositoryAndTag(image.target, access.host);
    const auth = await authFor(repository);
    let reply: Reply;
    try {
      reply = await httpsRequest(new URL(`/v2/${repository}/manifests/${encodeURIComponent(tag)}`, base), "HEAD", { accept: MANIFEST_ACCEPT, ...auth }, access);
    } catch (e) {
      throw unreachable(e, `HEAD /v2/${repository}/manifests/${tag}`);
    }
    if (reply.status === 200) {
      const digest = header(reply, "docker-content-digest");
      present.push({ target: image.target, ...(digest !== undefined ? { digest } : {}) });
    } else if (reply.status === 404 && image.built === true) {
      problems.push({
        path: "calico-baseline:networkSetSync.image",
        value: image.target,
        message: `is not in the registry (HEAD /v2/${repository}/manifests/${tag}: 404); it is built from this repository, not mirrored from upstream`,
        hint: `build and push it before pulumi runs: ${image.source} --out lib/image/networkset-sync && skopeo copy oci:lib/image/networkset-sync:${tag} docker://${image.target} (docs/networkset-sync.md, "Image")`,
      });
    } else if (reply.status === 404) {
      problems.push({ path: "calico-baseline:registry", value: image.target, message: `is not in the registry (HEAD /v2/${repository}/manifests/${tag}: 404); its public source is ${image.source}`, hint: MIRROR_HINT });
    } else if (reply.status === 401 || reply.status === 403) {
      problems.push({ path: "calico-baseline:registry.username", value: image.target, message: `cannot be read with these credentials (HTTP ${reply.status})`, hint: "check registry.username and the registry.password secret, and that the user may pull this repository" });
    } else {
      problems.push({ path: "calico-baseline:registry", value: image.target, message: `could not be checked (HEAD /v2/${repository}/manifests/${tag}: HTTP ${reply.status})`, hint: MIRROR_HINT });
    }
  }
  if (problems.length > 0) {
    throw new UserError(problems, `registry ${access.host} (registry.mirror: false) lacks ${problems.length} of the ${images.length} images the stack pulls; nothing was created`);
  }
  return present;
};

/** The report output of a prefilled registry: one `target@digest` line per image, then a summary. */
export function prefilledReport(host: string, present: readonly PresentImage[]): string {
  return [...present.map((p) => (p.digest !== undefined ? `${p.target}@${p.digest}` : p.target)), `checked ${present.length} images present in ${host} (filled by a separate pipeline, registry.mirror: false)`].join("\n");
}
