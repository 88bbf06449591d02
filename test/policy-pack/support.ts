/**
 * Runs the policy pack through @pulumi/policy's own analyzer code: the SDK's `makeAnalyzeStackRpcFun` (what
 * the pack's gRPC server answers the CLI's AnalyzeStack with), fed a real `AnalyzeStackRequest` built from
 * the resources the program registers under Pulumi mocks (test/deployment/support/pulumi-mocks.ts). The
 * enforcement levels are the stack's policy pack config (policy-pack/config/<stack>.json), as the CLI's
 * `--policy-pack-config` would set them.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { StackValidationPolicy } from "@pulumi/policy";
import type { Recorded } from "../deployment/support/pulumi-mocks.js";

const req = createRequire(import.meta.url);
const analyzer = req("@pulumi/pulumi/proto/analyzer_pb") as {
  AnalyzeStackRequest: new () => { setResourcesList(l: unknown[]): void };
  AnalyzerResource: new () => { setType(t: string): void; setUrn(u: string): void; setName(n: string): void; setProperties(p: unknown): void; setOptions(o: unknown): void };
  AnalyzerResourceOptions: new () => unknown;
};
const { Struct } = req(req.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [req.resolve("@pulumi/policy")] })) as { Struct: { fromJavaScript(o: unknown): unknown } };
const server = req("@pulumi/policy/server") as {
  makeAnalyzeStackRpcFun(name: string, version: string, level: string, policies: StackValidationPolicy[]): (call: { request: unknown }, cb: (err: unknown, resp?: AnalyzeResponse) => void) => Promise<void>;
};

interface AnalyzeResponse {
  getDiagnosticsList(): Array<{ getPolicyname(): string; getMessage(): string; getEnforcementlevel(): number }>;
  getNotApplicableList?(): Array<{ getPolicyName(): string; getReason(): string }>;
}

export interface Diagnostic {
  readonly policy: string;
  readonly level: "advisory" | "mandatory" | "disabled" | "remediate";
  readonly message: string;
}

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;

/** The recorded resources with the URNs the engine gives them. */
export function urnOf(stack: string, r: Recorded): string {
  return `urn:pulumi:${stack}::calico-baseline::${r.type}::${r.name}`;
}

/** The policies with the enforcement levels of policy-pack/config/<stack>.json. */
export function withStackConfig(policies: StackValidationPolicy[], stack: string, root: string): StackValidationPolicy[] {
  const config = JSON.parse(readFileSync(join(root, "policy-pack", "config", `${stack}.json`), "utf8")) as Record<string, { enforcementLevel?: StackValidationPolicy["enforcementLevel"] }>;
  return policies.map((p) => ({ ...p, enforcementLevel: config[p.name]?.enforcementLevel ?? p.enforcementLevel }));
}

export async function analyzeStack(stack: string, resources: readonly Recorded[], policies: StackValidationPolicy[]): Promise<Diagnostic[]> {
  const request = new analyzer.AnalyzeStackRequest();
  request.setResourcesList(
    resources.map((r) => {
      const x = new analyzer.AnalyzerResource();
      x.setType(r.type);
      x.setUrn(urnOf(stack, r));
      x.setName(r.name);
      // The options a current CLI always sends (the SDK refuses a request without them).
      x.setOptions(new analyzer.AnalyzerResourceOptions());
      x.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.inputs)) as object));
      return x;
    }),
  );
  const rpc = server.makeAnalyzeStackRpcFun("calico-baseline", "0.1.0", "mandatory", policies);
  const resp = await new Promise<AnalyzeResponse>((resolve, reject) => {
    void rpc({ request }, (err, r) => (err !== null && err !== undefined ? reject(err as Error) : resolve(r!)));
  });
  // The SDK sends the policy's description, a newline, then the violation's message.
  const descriptions = new Map(policies.map((p) => [p.name, `${p.description}\n`] as const));
  return resp.getDiagnosticsList().map((d) => {
    const m = d.getMessage();
    const prefix = descriptions.get(d.getPolicyname()) ?? "";
    return { policy: d.getPolicyname(), level: LEVELS[d.getEnforcementlevel()] ?? "advisory", message: m.startsWith(prefix) ? m.slice(prefix.length) : m };
  });
}
