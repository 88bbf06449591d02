/**
 * Runs the real Pulumi program under `pulumi.runtime.setMocks` and records every registered resource with
 * its parent, dependencies, additional secret outputs and raw inputs (secret markers kept).
 *
 * The mock monitor's `registerResource` is wrapped because `MockResourceArgs` carries neither dependencies
 * nor secrecy; both are what these tests are about.
 */
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks.js";
import * as pulumiState from "@pulumi/pulumi/runtime/state.js";
import { parse as parseYaml } from "yaml";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface Recorded {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly parent: string;
  /** URNs this resource depends on (explicit dependsOn, expanded, plus property dependencies). */
  readonly dependencies: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  /** Provider reference (`<urn>::<id>`) the resource was registered with, "" for the default provider. */
  readonly provider: string;
  /** The `providers` map (package → provider reference), for components. */
  readonly providers: Readonly<Record<string, string>>;
  /** Inputs as sent to the engine: secrets are `{<sig>: ..., value}` objects. */
  readonly raw: Record<string, unknown>;
  /** Inputs with secrets unwrapped. */
  readonly inputs: Record<string, unknown>;
  /** Aliases as sent to the engine: alias specs (`{name, parentUrn, ...}`) or full alias URNs. */
  readonly aliases: readonly unknown[];
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getProvider(): string;
  getProvidersMap(): { toObject(): [string, string][] };
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getAliasesList?(): { toObject(): unknown }[];
  getAliasurnsList?(): string[];
}

export const recorded: Recorded[] = [];

/** Removes secret markers, keeping values. */
export function unwrap(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrap);
  if (typeof v === "object" && v !== null) {
    const o = v as Record<string, unknown>;
    if (o[SECRET_SIG] !== undefined) return unwrap(o["value"]);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrap(x)]));
  }
  return v;
}

export function isSecretValue(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG] !== undefined;
}

/** multipass VM addresses the fake `multipass info` reports. */
export const VM_IPS: Record<string, string> = {
  "cb-dev-registry": "10.91.52.7",
  "cb-dev-control": "10.91.52.10",
  "cb-dev-worker-1": "10.91.52.11",
  "cb-dev-worker-2": "10.91.52.12",
};

export const K3S_KUBECONFIG = [
  "apiVersion: v1",
  "clusters:",
  "- cluster:",
  "    certificate-authority-data: Zm9v",
  "    server: https://127.0.0.1:6443",
  "  name: default",
  "kind: Config",
  "",
].join("\n");

/** Provider-computed outputs the real providers would return. */
function fabricate(type: string, name: string, inputs: Record<string, unknown>, preview: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (preview) return out; // nothing computed is known during a preview
  const create = typeof inputs["create"] === "string" ? inputs["create"] : "";
  switch (type) {
    case "command:local:Command":
    case "command:remote:Command": {
      const vm = /multipass launch \S+ --name (\S+)/.exec(create)?.[1];
      if (vm !== undefined) out["stdout"] = JSON.stringify({ errors: [], info: { [vm]: { ipv4: [VM_IPS[vm] ?? "10.91.52.99"], state: "Running" } } });
      else if (create.includes("/etc/rancher/k3s/k3s.yaml")) out["stdout"] = K3S_KUBECONFIG;
      else out["stdout"] = `${name} done`;
      out["stderr"] = "";
      break;
    }
    case "random:index/randomPassword:RandomPassword":
      out["result"] = `generated-${name}`;
      out["bcryptHash"] = `$2a$10$fakehashfor${name.replace(/[^a-z]/g, "")}`;
      break;
    case "tls:index/privateKey:PrivateKey":
      // A real throw-away key, generated per run (the tls provider would generate one too); none is committed.
      out["privateKeyPem"] = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      break;
    case "tls:index/selfSignedCert:SelfSignedCert":
    case "tls:index/locallySignedCert:LocallySignedCert":
      out["certPem"] = `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`;
      break;
    case "tls:index/certRequest:CertRequest":
      out["certRequestPem"] = `-----BEGIN CERTIFICATE REQUEST-----\n${name}\n-----END CERTIFICATE REQUEST-----\n`;
      break;
  }
  return out;
}

let installed = false;

/** Installs the recording monitor and the mocks; call once per test file, before importing the program. */
export async function installMocks(stack: string, preview = false): Promise<void> {
  if (!installed) {
    const proto = MockMonitor.prototype as unknown as { registerResource(req: RegisterRequest, cb: unknown): Promise<void> };
    const original = proto.registerResource;
    proto.registerResource = async function (this: unknown, req: RegisterRequest, cb: unknown): Promise<void> {
      const raw = req.getObject()?.toJavaScript() ?? {};
      recorded.push({
        type: req.getType(),
        name: req.getName(),
        urn: "",
        parent: req.getParent(),
        dependencies: req.getDependenciesList(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        provider: req.getProvider(),
        providers: Object.fromEntries(req.getProvidersMap().toObject()),
        raw,
        inputs: unwrap(raw) as Record<string, unknown>,
        aliases: [...(req.getAliasesList?.() ?? []).map((a) => a.toObject()), ...(req.getAliasurnsList?.() ?? [])],
      });
      return original.call(this, req, cb);
    };
    installed = true;
  }
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, ...fabricate(args.type, args.name, unwrap(args.inputs) as Record<string, unknown>, preview) } }),
      call: (args) => args.inputs,
    },
    "calico-baseline",
    stack,
    preview,
  );
  // Mocks report the placeholder root directory "rootDirectory"; a real engine reports the project directory
  // (Pulumi.yaml's), against which the program resolves the stack's local paths (its inventory, manifests).
  // `getStore` is internal (not in the type declarations).
  (pulumiState as unknown as { getStore(): { settings: { options: { rootDirectory?: string } } } }).getStore().settings.options.rootDirectory = process.cwd();
}

/**
 * The secret dev's stack file leaves to `pulumi config set --path --secret` (Pulumi.dev.yaml's header): the
 * network-set sync controller's Consul token. A test value, not a credential.
 */
export const DEV_SECRETS: Record<string, Record<string, string>> = { "calico-baseline:networkSetSync": { token: "c0ffee00-0000-4000-8000-000000000001" } };

/** Stack config for the engine, from the committed stack file plus test secrets. */
export function engineConfig(
  stackFile: string,
  secrets: Record<string, Record<string, string>> = {},
): { values: Record<string, string>; secretKeys: string[] } {
  const doc = parseYaml(readFileSync(stackFile, "utf8")) as { config: Record<string, unknown> };
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(doc.config)) {
    const extra = secrets[key];
    const merged = extra !== undefined ? { ...(value as Record<string, unknown>), ...extra } : value;
    if (extra !== undefined) secretKeys.push(key);
    values[key] = typeof merged === "string" ? merged : JSON.stringify(merged);
  }
  return { values, secretKeys };
}

/** Waits until the program has stopped registering resources. */
export async function settle(): Promise<void> {
  let last = -1;
  let stable = 0;
  while (stable < 5) {
    await new Promise((r) => setTimeout(r, 20));
    if (recorded.length === last) stable++;
    else {
      stable = 0;
      last = recorded.length;
    }
  }
}

export function resolve<T>(o: pulumi.Output<T> | undefined): Promise<T | undefined> {
  if (o === undefined) return Promise.resolve(undefined);
  return new Promise((r) => o.apply((v) => r(v)));
}

export function byName(name: string): Recorded {
  const r = recorded.find((x) => x.name === name);
  if (r === undefined) throw new Error(`no resource named ${name}; have ${recorded.map((x) => x.name).join(", ")}`);
  return r;
}

/** URN → name, from the URN's last segment. */
function nameOfUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** Transitive dependency names of `name`, following recorded dependencies only (not parents). */
export function dependsTransitively(name: string): Set<string> {
  const seen = new Set<string>();
  const stack = [name];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    const r = recorded.find((x) => x.name === n);
    if (r === undefined) continue;
    const next = r.dependencies.map(nameOfUrn);
    for (const d of next) {
      if (!seen.has(d)) {
        seen.add(d);
        stack.push(d);
      }
    }
  }
  return seen;
}
