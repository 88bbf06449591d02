/**
 * The policy pack served for real: `@pulumi/pulumi/cmd/run-policy-pack` (what the Pulumi CLI's analyzer
 * plugin runs) loads policy-pack/ (index.cjs → tsx → pack.mts) and serves it over gRPC on loopback; this test
 * is the CLI's side of the protocol: GetAnalyzerInfo, Configure with the stack's policy pack config
 * (policy-pack/config/<stack>.json, what `--policy-pack-config` sends), AnalyzeStack with the resources the
 * program registers under Pulumi mocks. The same public-registry image is advisory for dev, mandatory for prod.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_SECRETS, engineConfig, installMocks, recorded, resolve, settle, type Recorded } from "../deployment/support/pulumi-mocks.js";
import { urnOf } from "./support.js";

const ROOT = join(import.meta.dirname, "../..");
const req = createRequire(import.meta.url);
const grpc = req("@grpc/grpc-js") as { credentials: { createInsecure(): unknown } };
const rpc = req("@pulumi/pulumi/proto/analyzer_grpc_pb") as { AnalyzerClient: new (addr: string, creds: unknown) => Record<string, (r: unknown, cb: (e: unknown, res: unknown) => void) => void> & { close(): void } };
const pb = req("@pulumi/pulumi/proto/analyzer_pb") as Record<string, new () => Record<string, (v?: unknown) => unknown>>;
const { Struct } = req(req.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [req.resolve("@pulumi/policy")] })) as { Struct: { fromJavaScript(o: unknown): unknown } };
const { Empty } = req(req.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [req.resolve("@pulumi/pulumi")] })) as { Empty: new () => unknown };

let child: ChildProcess | undefined;
let client: ReturnType<typeof connect> | undefined;

function connect(port: string) {
  return new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

function call<T>(method: string, request: unknown): Promise<T> {
  return new Promise((ok, fail) => client![method]!(request, (e, r) => (e ? fail(e as Error) : ok(r as T))));
}

beforeAll(async () => {
  await installMocks("dev");
  const { values, secretKeys } = engineConfig(join(ROOT, "Pulumi.dev.yaml"), DEV_SECRETS);
  pulumi.runtime.setAllConfig(values, secretKeys);
  const program = (await import("../../src/deployment/index.js")).default;
  await resolve(program.images);
  await settle();
  // The runner's arguments as the CLI passes them: the engine address (unused here) and the pack directory.
  child = spawn(process.execPath, [req.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:9", "."], { cwd: join(ROOT, "policy-pack"), stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const port = await new Promise<string>((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`the pack did not start: ${err}`)), 110_000);
    child!.stdout!.on("data", (d: Buffer) => {
      const m = /^(\d+)\s*$/m.exec(d.toString());
      if (m !== null) {
        clearTimeout(t);
        ok(m[1]!);
      }
    });
    child!.on("exit", (code) => fail(new Error(`the pack exited ${code}: ${err}`)));
  });
  client = connect(port);
}, 120_000);

afterAll(() => {
  client?.close();
  if (child !== undefined && child.exitCode === null) child.kill();
});

async function configure(stack: string): Promise<void> {
  const config = JSON.parse(readFileSync(join(ROOT, "policy-pack/config", `${stack}.json`), "utf8")) as Record<string, { enforcementLevel: string } & Record<string, unknown>>;
  const request = new pb["ConfigureAnalyzerRequest"]!();
  const map = request["getPolicyconfigMap"]!() as { set(k: string, v: unknown): void };
  const levels: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };
  for (const [name, { enforcementLevel, ...props }] of Object.entries(config)) {
    const c = new pb["PolicyConfig"]!();
    c["setEnforcementlevel"]!(levels[enforcementLevel]);
    c["setProperties"]!(Struct.fromJavaScript(props));
    map.set(name, c);
  }
  await call("configure", request);
}

async function analyze(stack: string, resources: readonly Recorded[]): Promise<Array<{ policy: string; level: number; message: string }>> {
  const request = new pb["AnalyzeStackRequest"]!();
  request["setResourcesList"]!(
    resources.map((r) => {
      const x = new pb["AnalyzerResource"]!();
      x["setType"]!(r.type);
      x["setUrn"]!(urnOf(stack, r));
      x["setName"]!(r.name);
      x["setProperties"]!(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.inputs)) as object));
      x["setOptions"]!(new pb["AnalyzerResourceOptions"]!());
      return x;
    }),
  );
  const resp = await call<{ getDiagnosticsList(): Array<{ getPolicyname(): string; getEnforcementlevel(): number; getMessage(): string }> }>("analyzeStack", request);
  return resp.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), level: d.getEnforcementlevel(), message: d.getMessage() }));
}

const publicImage = (): Recorded[] =>
  recorded.map((r) => (r.type === "kubernetes:helm.sh/v4:Chart" && r.name === "monitoring-node-exporter" ? { ...r, inputs: { ...r.inputs, values: { ...(r.inputs["values"] as object), image: { registry: "quay.io", repository: "prometheus/node-exporter" } } } } : r));

describe("the policy pack over gRPC, as the Pulumi CLI runs it", () => {
  it("serves the four policies, mandatory by default", async () => {
    const info = await call<{ getName(): string; getPoliciesList(): Array<{ getName(): string; getEnforcementlevel(): number }> }>("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("calico-baseline");
    expect(info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()])).toEqual([
      ["lockout-invariants", 1],
      ["namespaces-default-deny", 1],
      ["egress-to-anywhere", 1],
      ["images-from-private-registry", 1],
    ]);
  });

  it("passes the dev stack, and a public image is advisory under dev's config, mandatory under prod's", async () => {
    await configure("dev");
    expect(await analyze("dev", recorded)).toEqual([]);
    const dev = (await analyze("dev", publicImage())).filter((d) => d.policy === "images-from-private-registry");
    expect(dev.length).toBeGreaterThan(0);
    expect(dev.map((d) => d.level)).toEqual(dev.map(() => 0));
    expect(dev[0]!.message).toContain("image quay.io/prometheus/node-exporter is not from the stack's private registry");
    await configure("prod");
    const prod = (await analyze("dev", publicImage())).filter((d) => d.policy === "images-from-private-registry");
    expect(prod.map((d) => d.level)).toEqual(prod.map(() => 1));
  });
});
