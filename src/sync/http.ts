/**
 * Plain HTTP(S) requests for the sync controller (node:http and node:https, no client library): custom CA,
 * client certificates and server name for both Consul and the Kubernetes API, a timeout, and abort.
 */
import { request as httpRequest } from "node:http";
import { Agent, request as httpsRequest } from "node:https";

export interface TlsOptions {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly serverName?: string;
  readonly insecureSkipVerify?: boolean;
}

export interface RequestOptions {
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
  /** The whole request, answer included; a blocking query needs more than its wait. */
  readonly timeoutMs: number;
}

export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** Largest answer read (a list of 5,000 instances is a few MB). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** A requester bound to a base URL and TLS settings, keeping connections alive. */
export function httpClient(base: string, tls: TlsOptions = {}): (path: string, o: RequestOptions) => Promise<Answer> {
  const url = new URL(base);
  const secure = url.protocol === "https:";
  const agent = secure
    ? new Agent({
        keepAlive: true,
        ...(tls.ca === undefined ? {} : { ca: tls.ca }),
        ...(tls.cert === undefined ? {} : { cert: tls.cert }),
        ...(tls.key === undefined ? {} : { key: tls.key }),
        ...(tls.serverName === undefined ? {} : { servername: tls.serverName }),
        rejectUnauthorized: tls.insecureSkipVerify !== true,
      })
    : undefined;
  return (path, o) =>
    new Promise<Answer>((resolve, reject) => {
      if (o.signal?.aborted === true) {
        reject(new Error("aborted"));
        return;
      }
      const target = new URL(path, url);
      const headers: Record<string, string> = { accept: "application/json", ...o.headers };
      if (o.body !== undefined) headers["content-length"] = String(Buffer.byteLength(o.body));
      const req = (secure ? httpsRequest : httpRequest)(target, { method: o.method, headers, ...(agent === undefined ? {} : { agent }) }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) {
            req.destroy(new Error(`answer larger than ${MAX_BODY_BYTES} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      const onAbort = (): void => void req.destroy(new Error("aborted"));
      o.signal?.addEventListener("abort", onAbort, { once: true });
      req.setTimeout(o.timeoutMs, () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
      req.on("error", (e) => {
        o.signal?.removeEventListener("abort", onAbort);
        reject(e);
      });
      req.on("close", () => o.signal?.removeEventListener("abort", onAbort));
      if (o.body !== undefined) req.write(o.body);
      req.end();
    });
}

export function headerOf(a: Answer, name: string): string | undefined {
  const v = a.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
