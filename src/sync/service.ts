/**
 * The running sync service: Consul and Kubernetes clients from the config, leader election, the controller, and
 * the HTTP server of /metrics (Prometheus text), /healthz (the process runs) and /readyz (every watch answered and
 * the API works; 503 with the reasons otherwise). `startSync` is what `calico-baseline sync-networksets` runs; the
 * integration tests run it in process.
 */
import { setMaxListeners } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { UserError, type Problem } from "../model/problem.js";
import type { SyncConfig } from "./config.js";
import { METRICS, SyncController } from "./controller.js";
import type { ConsulGet } from "./consul.js";
import { headerOf, httpClient, type TlsOptions } from "./http.js";
import { KubeApi, httpTransport, inClusterCredentials, kubeconfigCredentials, type KubeTransport } from "./kube.js";
import { LeaderElector } from "./leader.js";
import { Metrics, realClock, type Clock, type Logger } from "./runtime.js";

/** Reads the Consul token (tokenFile, else CONSUL_HTTP_TOKEN) and TLS files; every unreadable file is a problem. */
export function consulClient(cfg: SyncConfig, env: NodeJS.ProcessEnv = process.env): ConsulGet {
  const problems: Problem[] = [];
  const read = (path: string | undefined, key: string): string | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, "utf8");
    } catch (e) {
      problems.push({ path: key, value: path, message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, hint: "give a readable file (a mounted Secret)" });
      return undefined;
    }
  };
  const token = (read(cfg.consul.tokenFile, "consul.tokenFile") ?? env["CONSUL_HTTP_TOKEN"] ?? "").trim();
  const t = cfg.consul.tls;
  const ca = read(t.caFile, "consul.tls.caFile");
  const cert = read(t.certFile, "consul.tls.certFile");
  const key = read(t.keyFile, "consul.tls.keyFile");
  if (problems.length > 0) throw new UserError(problems);
  const tls: TlsOptions = { ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }), ...(t.serverName === undefined ? {} : { serverName: t.serverName }), insecureSkipVerify: t.insecureSkipVerify };
  const client = httpClient(cfg.consul.address, tls);
  // Consul adds up to wait/16 to a blocking query's wait; allow that and the network on top.
  const timeoutMs = cfg.consul.waitSeconds * 1000 * (17 / 16) + 30_000;
  return async (pathAndQuery, signal) => {
    const a = await client(pathAndQuery, { method: "GET", headers: token === "" ? {} : { "x-consul-token": token }, signal, timeoutMs });
    return { status: a.status, body: a.body, header: (n) => headerOf(a, n) };
  };
}

export function kubeTransport(cfg: SyncConfig): KubeTransport {
  const creds = cfg.kubernetes.kubeconfig !== undefined ? kubeconfigCredentials(cfg.kubernetes.kubeconfig, cfg.kubernetes.context) : inClusterCredentials();
  return httpTransport(creds);
}

export interface StartOptions {
  readonly consul?: ConsulGet;
  readonly kube?: KubeTransport;
  readonly clock?: Clock;
  readonly logger: Logger;
  /** The replica's name in the Lease (the pod name in a cluster). */
  readonly identity?: string;
  /** Listen address override (tests: 127.0.0.1:0). */
  readonly listen?: string;
}

export interface RunningSync {
  readonly controller: SyncController;
  readonly elector: LeaderElector;
  readonly metrics: Metrics;
  /** `http://host:port` of the metrics server. */
  readonly url: string;
  /** Stops the watches, the elector and the server; resolves when everything has ended. */
  stop(): Promise<void>;
  /** Resolves when the service has stopped (after `stop`). */
  readonly done: Promise<void>;
}

function listenOn(server: Server, listen: string): Promise<string> {
  const i = listen.lastIndexOf(":");
  const host = listen.slice(0, i).replace(/^\[|\]$/g, "") || "0.0.0.0";
  const port = Number(listen.slice(i + 1));
  return new Promise((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => reject(new UserError([{ path: "listen", value: listen, message: `cannot listen: ${e.code ?? e.message}`, hint: "choose a free port, or another address" }])));
    server.listen(port, host, () => {
      const a = server.address();
      const p = typeof a === "object" && a !== null ? a.port : port;
      resolve(`http://${host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host}:${p}`);
    });
  });
}

export async function startSync(cfg: SyncConfig, o: StartOptions): Promise<RunningSync> {
  const clock = o.clock ?? realClock;
  const consul = o.consul ?? consulClient(cfg);
  const api = new KubeApi(o.kube ?? kubeTransport(cfg));
  const metrics = new Metrics();
  const identity = o.identity ?? process.env["POD_NAME"] ?? `${hostname()}-${randomBytes(3).toString("hex")}`;
  const k = cfg.kubernetes;
  const ref: { controller?: SyncController } = {};
  const elector = new LeaderElector(api, { namespace: k.leaseNamespace, name: k.leaseName, identity, leaseDurationSeconds: k.leaseDurationSeconds, renewSeconds: k.renewSeconds }, clock, o.logger, (leader) => ref.controller?.leadershipChanged(leader));
  const c = new SyncController({ config: cfg, consul, kube: api, clock, logger: o.logger, metrics, isLeader: () => elector.isLeader() });
  ref.controller = c;
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/metrics") {
      metrics.set(METRICS.leader, {}, elector.isLeader() ? 1 : 0);
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(metrics.render());
    } else if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok\n");
    } else if (path === "/readyz") {
      const r = c.readiness();
      res.writeHead(r.ready ? 200 : 503, { "content-type": "text/plain" });
      res.end(r.ready ? "ready\n" : `${r.reasons.join("\n")}\n`);
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found: /metrics, /healthz, /readyz\n");
    }
  });
  const url = await listenOn(server, o.listen ?? cfg.listen);
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  o.logger.log("info", "starting", { identity, mappings: cfg.mappings.length, consul: cfg.consul.address, metrics: url });
  await elector.tryOnce(ac.signal);
  let stopping: Promise<void> | undefined;
  const done = Promise.all([elector.run(ac.signal), c.run(ac.signal)]).then(() => undefined);
  return {
    controller: c,
    elector,
    metrics,
    url,
    done,
    stop() {
      stopping ??= (async () => {
        ac.abort();
        await done;
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
        o.logger.log("info", "stopped", { identity });
      })();
      return stopping;
    },
  };
}
