/**
 * The Pulumi side of the stack config: builds the same raw object `loadStackConfig` reads from the stack
 * file, but from the engine's (decrypted) config, then validates it with the shared `parseStackConfig`.
 *
 * The engine reports secrecy per top-level key (`calico-baseline:registry` is secret when any field under it
 * was set with --secret). The schema's secret fields (`SECRET_FIELDS`) are handed to the parser as
 * `DecryptedSecret` only when their key is secret; a secret field under a non-secret key arrives as plain text
 * and the parser rejects it.
 */
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DecryptedSecret, isObj } from "../config/fields.js";
import { CONFIG_NAMESPACE, SECRET_FIELDS, parseStackConfig, type ConfigKey, type RawStackConfig } from "../config/parse.js";
import { checkLocalInputs, localInputsError } from "../config/local-inputs.js";
import type { SecretValue, StackConfig } from "../config/types.js";

/** Engine config arrives as strings; structured values are JSON. */
function decode(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export interface EngineConfig {
  readonly values: Readonly<Record<string, string>>;
  readonly isSecret: (key: string) => boolean;
}

/** Builds the raw config from the engine's view (exported for tests). */
export function rawFromEngine(engine: EngineConfig): RawStackConfig {
  const raw: Record<string, unknown> = {};
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const [key, text] of Object.entries(engine.values)) {
    if (!key.startsWith(prefix)) continue;
    let value = decode(text);
    const fields = SECRET_FIELDS[key.slice(prefix.length) as ConfigKey] ?? [];
    if (isObj(value) && fields.length > 0 && engine.isSecret(key)) {
      const copy: Record<string, unknown> = { ...value };
      for (const f of fields) {
        const v = copy[f];
        if (typeof v === "string") copy[f] = new DecryptedSecret(v);
      }
      value = copy;
    }
    raw[key] = value;
  }
  return raw;
}

/**
 * `isConfigSecret` is exported by the SDK's runtime (it reads the engine's PULUMI_CONFIG_SECRET_KEYS) but
 * marked internal, so it is missing from the type declarations.
 */
function isConfigSecret(key: string): boolean {
  const fn = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
  if (fn === undefined) throw new Error("this @pulumi/pulumi version does not expose runtime.isConfigSecret");
  return fn(key);
}

/**
 * Makes the config's local file paths (`cluster.kubeconfigPath`, `calico.manifests.*`, `calico.chartRepo`
 * and `monitoring.nodeExporter.chartRepo` when not URLs, the inventory) absolute against the project directory. Users write them relative to where Pulumi.yaml and the stack
 * files are, but the language host runs the program in the directory of `main` (src/deployment).
 */
export function resolveLocalPaths(config: StackConfig, projectDir: string): StackConfig {
  const local = (p: string): string => (/^[a-z][a-z0-9+.-]*:\/\//i.test(p) ? p : resolve(projectDir, p));
  const cluster =
    config.cluster.type === "kubeconfig" && config.cluster.kubeconfigPath !== undefined
      ? { ...config.cluster, kubeconfigPath: local(config.cluster.kubeconfigPath) }
      : config.cluster;
  const manifests = { crds: local(config.calico.manifests.crds), operator: local(config.calico.manifests.operator) };
  const nodeExporter = { ...config.monitoring.nodeExporter, chartRepo: local(config.monitoring.nodeExporter.chartRepo) };
  return {
    ...config,
    cluster,
    calico: { ...config.calico, manifests, chartRepo: local(config.calico.chartRepo) },
    monitoring: { ...config.monitoring, nodeExporter },
    inventory: { ...config.inventory, path: local(config.inventory.path) },
  };
}

/** Reads and validates this stack's config from the running Pulumi engine. Throws a `UserError`. */
export function readStackConfig(): StackConfig {
  const raw = rawFromEngine({ values: pulumi.runtime.allConfig(), isSecret: isConfigSecret });
  // The project root (Pulumi.yaml's directory); empty outside a real engine run (unit tests).
  const root = pulumi.getRootDirectory();
  const projectDir = root !== "" ? root : process.cwd();
  const config = parseStackConfig(raw, pulumi.getStack());
  // Local charts and manifests are checked before anything is planned, like the rest of the config.
  const local = checkLocalInputs(config, projectDir);
  if (local.length > 0) throw localInputsError(config.stack, local);
  return resolveLocalPaths(config, projectDir);
}

/** A config secret as a secret Output (never a plain string in the state). */
export function secretOutput(s: SecretValue | undefined): pulumi.Output<string> {
  return pulumi.secret(s?.value ?? "");
}
