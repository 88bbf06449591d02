/**
 * A real Consul v1.16.3 agent (`consul agent -dev`, the last MPL-2.0 release) on loopback with free ports, for the
 * integration tests. The binary comes from the tools cache that test/e2e/tools/build-tools.sh fills (built from Go
 * modules; built here on first use when it is missing). ACLs are on with default policy "allow": requests
 * without a token work, and a token Consul does not know is refused with 403 "ACL not found".
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../deployment/support/registries.js";

const ROOT = join(import.meta.dirname, "../../..");

function cacheDir(): string {
  return process.env["CALICO_BASELINE_TOOLS"] ?? join(process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache"), "calico-baseline-tools");
}

/** The consul binary from the tools cache, building it (cached) when it is missing; throws with the reason when it cannot. */
export function consulBinary(): string {
  const versions = readFileSync(join(ROOT, "test/e2e/tools/versions.env"), "utf8");
  const version = /^CONSUL_VERSION=(\S+)/m.exec(versions)?.[1] ?? "v1.16.3";
  const gov = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" });
  const find = (): string | undefined => {
    if (gov.status === 0) {
      const p = join(cacheDir(), `consul-${version}-${gov.stdout.trim()}`, "bin", "consul");
      if (existsSync(p)) return p;
    }
    return undefined;
  };
  const found = find();
  if (found !== undefined) return found;
  const r = spawnSync("bash", [join(ROOT, "test/e2e/tools/build-tools.sh"), "consul"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const built = find();
  if (built === undefined) throw new Error(`consul ${version} is not in the tools cache and build-tools.sh consul failed (exit ${String(r.status)}): ${(r.stderr || r.stdout).trim().slice(-2000)}`);
  return built;
}

export interface ConsulAgent {
  readonly url: string;
  readonly port: number;
  /** Registers (or updates) an external node with one instance of `service`. */
  register(i: { node: string; address: string; service: string; id?: string; serviceAddress?: string; status?: "passing" | "warning" | "critical" }): Promise<void>;
  deregister(node: string): Promise<void>;
  /** Many register/deregister operations in transactions of 64 operations. */
  bulk(set: { node: string; address: string; service: string }[], remove: string[]): Promise<void>;
  stop(): Promise<void>;
  /** Stops and starts the agent on the same ports (a dev agent keeps nothing: its index starts again). */
  restart(): Promise<void>;
  log(): string;
}

export async function startConsul(binary: string): Promise<ConsulAgent> {
  const ports = { http: await freePort(), dns: await freePort(), serfLan: await freePort(), serfWan: await freePort(), server: await freePort(), grpc: await freePort() };
  const url = `http://127.0.0.1:${ports.http}`;
  let child: ChildProcess | undefined;
  let output = "";
  const args = [
    "agent", "-dev", "-bind", "127.0.0.1", "-client", "127.0.0.1", "-advertise", "127.0.0.1",
    "-http-port", String(ports.http), "-dns-port", String(ports.dns), "-serf-lan-port", String(ports.serfLan), "-serf-wan-port", String(ports.serfWan),
    "-server-port", String(ports.server), "-grpc-port", String(ports.grpc), "-grpc-tls-port", "-1",
    "-hcl", "disable_update_check = true", "-hcl", 'acl { enabled = true\n default_policy = "allow" }',
  ];
  const call = async (method: string, path: string, body?: unknown): Promise<Response> => fetch(`${url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const launch = async (): Promise<void> => {
    child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`consul exited with ${child.exitCode}:\n${output.slice(-3000)}`);
      try {
        const r = await call("GET", "/v1/status/leader");
        if (r.ok && (await r.text()).replace(/"/g, "") !== "") return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`consul elected no leader within 60 s:\n${output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stop = async (): Promise<void> => {
    const c = child;
    if (c === undefined || c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill("SIGINT");
    const t = setTimeout(() => c.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(t);
  };
  const must = async (r: Promise<Response>, what: string): Promise<void> => {
    const a = await r;
    if (!a.ok) throw new Error(`${what}: ${a.status} ${await a.text()}`);
  };
  await launch();
  return {
    url,
    port: ports.http,
    async register(i) {
      const id = i.id ?? `${i.service}-${i.node}`;
      await must(
        call("PUT", "/v1/catalog/register", {
          Node: i.node,
          Address: i.address,
          Service: { ID: id, Service: i.service, Address: i.serviceAddress ?? "" },
          ...(i.status === undefined ? {} : { Check: { CheckID: `${id}-check`, Name: "probe", ServiceID: id, Status: i.status } }),
        }),
        `register ${i.node}`,
      );
    },
    async deregister(node) {
      await must(call("PUT", "/v1/catalog/deregister", { Node: node }), `deregister ${node}`);
    },
    async bulk(set, remove) {
      const ops: unknown[] = [];
      for (const s of set) {
        ops.push({ Node: { Verb: "set", Node: { Node: s.node, Address: s.address } } });
        ops.push({ Service: { Verb: "set", Node: s.node, Service: { ID: `${s.service}-${s.node}`, Service: s.service } } });
      }
      for (const n of remove) ops.push({ Node: { Verb: "delete", Node: { Node: n } } });
      for (let i = 0; i < ops.length; i += 64) await must(call("PUT", "/v1/txn", ops.slice(i, i + 64)), "txn");
    },
    stop,
    async restart() {
      await stop();
      await launch();
    },
    log: () => output,
  };
}
