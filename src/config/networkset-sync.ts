/**
 * `calico-baseline:networkSetSync`: the stack deploys the Consul → GlobalNetworkSet controller
 * (docs/networkset-sync.md). The mappings and pacing are validated by the controller's own parser
 * (src/sync/config.ts), so a stack that synthesises renders a config the controller accepts.
 */
import { UserError, type Problem } from "../model/problem.js";
import { parseSyncConfig } from "../sync/config.js";
import { isDns1123Label } from "../model/validate/context.js";
import { redact, type Fields } from "./fields.js";
import type { NetworkSetSyncConfig, SyncToleration } from "./types.js";

export const NETWORKSET_SYNC_KEYS = ["enabled", "namespace", "image", "replicas", "tolerations", "consul", "token", "sync", "mappings"] as const;
const IMAGE = { pattern: /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, hint: "give repository:tag as pushed to the private registry, e.g. calico-baseline/networkset-sync:0.1.0" };

/** The container's paths: where the stack mounts the config and the token. */
export const SYNC_CONFIG_PATH = "/etc/networkset-sync/config.yaml";
export const SYNC_TOKEN_PATH = "/var/run/secrets/consul/token";
export const SYNC_METRICS_PORT = 9464;

export function parseNetworkSetSync(f: Fields, secretsRequired: boolean): NetworkSetSyncConfig {
  f.rejectUnknown(NETWORKSET_SYNC_KEYS);
  const enabled = f.bool("enabled", false);
  const namespace = f.string("namespace", "calico-baseline");
  if (!isDns1123Label(namespace)) f.problem("namespace", namespace, "is not a namespace name", "use a lower-case DNS label, e.g. calico-baseline");
  const replicas = f.int("replicas", 2, 1, 10, "give 1 to 10 replicas (2 for leader election with a warm standby)");
  const tolerations = parseTolerations(f);
  const c = f.child("consul");
  c.rejectUnknown(["address", "cidrs", "datacenter", "tls"]);
  const address = enabled ? c.requireString("address", "give Consul's address, e.g. https://consul.example.com:8501") : c.string("address", "");
  const cidrs = c.cidrList("cidrs", []);
  if (enabled && cidrs.length === 0 && !c.has("cidrs")) c.problem("cidrs", undefined, "is required", "list the CIDRs Consul is reached at (Calico policies match addresses, not names), e.g. [10.0.5.10/32]");
  // A top-level field of the key, so the engine's decrypted value is marked (SECRET_FIELDS).
  const token = f.secret("token", enabled && secretsRequired, "set the Consul ACL token: pulumi config set --path --secret calico-baseline:networkSetSync.token <token>");
  let port = 0;
  try {
    const u = new URL(address);
    port = u.port !== "" ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
  } catch {
    port = 0; // reported by the controller's parser below
  }
  const image = enabled ? f.requireString("image", IMAGE.hint, IMAGE) : f.string("image", "", IMAGE);
  const controllerConfig: Record<string, unknown> = {
    consul: { address, tokenFile: SYNC_TOKEN_PATH, ...(c.has("datacenter") ? { datacenter: c.obj["datacenter"] } : {}), ...(c.has("tls") ? { tls: c.obj["tls"] } : {}) },
    kubernetes: { leaseNamespace: namespace, leaseName: "networkset-sync" },
    ...(f.has("sync") ? { sync: f.obj["sync"] } : {}),
    listen: `0.0.0.0:${SYNC_METRICS_PORT}`,
    mappings: f.obj["mappings"] ?? [],
  };
  if (enabled) {
    try {
      parseSyncConfig(controllerConfig, "networkSetSync");
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      for (const p of e.problems) f.problems.push(restate(p, f.path));
    }
  }
  return { enabled, namespace, image, replicas, tolerations, consul: { address, cidrs, port }, ...(token === undefined ? {} : { token }), controllerConfig };
}

const TOLERATION_HINT = "give core/v1 Tolerations, e.g. [{key: dedicated, operator: Equal, value: infra, effect: NoSchedule}]";

/** `tolerations`: a list of core/v1 Tolerations (Kubernetes API reference, Pod spec "tolerations"). */
function parseTolerations(f: Fields): SyncToleration[] {
  const v = f.obj["tolerations"];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    f.problem("tolerations", v, "is not a list", TOLERATION_HINT);
    return [];
  }
  const out: SyncToleration[] = [];
  v.forEach((item, i) => {
    const at = (k: string): string => `${f.at("tolerations")}[${i}].${k}`;
    const bad = (k: string, value: unknown, message: string, hint = TOLERATION_HINT): void => {
      f.problems.push({ path: at(k), value, message, hint });
    };
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      f.problems.push({ path: `${f.at("tolerations")}[${i}]`, value: item, message: "is not a toleration object", hint: TOLERATION_HINT });
      return;
    }
    const o = item as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!["key", "operator", "value", "effect", "tolerationSeconds"].includes(k)) bad(k, o[k], "is not a field of a Toleration", "use key, operator, value, effect, tolerationSeconds");
    const str = (k: string): string | undefined => {
      if (o[k] === undefined) return undefined;
      if (typeof o[k] !== "string") {
        bad(k, o[k], "is not a string");
        return undefined;
      }
      return o[k];
    };
    const key = str("key");
    const operator = str("operator");
    const value = str("value");
    const effect = str("effect");
    if (operator !== undefined && operator !== "Exists" && operator !== "Equal") bad("operator", operator, "is not Exists or Equal");
    if (effect !== undefined && !["NoSchedule", "PreferNoSchedule", "NoExecute"].includes(effect)) bad("effect", effect, "is not NoSchedule, PreferNoSchedule or NoExecute");
    if (operator === "Exists" && value !== undefined && value !== "") bad("value", value, "must be empty with operator Exists", "remove value, or use operator Equal");
    if (key === undefined && operator !== "Exists") bad("key", undefined, "is required unless operator is Exists", "give the taint's key, or operator: Exists to tolerate every taint");
    const secs = o["tolerationSeconds"];
    if (secs !== undefined && (typeof secs !== "number" || !Number.isInteger(secs))) bad("tolerationSeconds", secs, "is not a whole number of seconds");
    if (secs !== undefined && effect !== "NoExecute") bad("tolerationSeconds", secs, "applies only to effect NoExecute", "remove it, or set effect: NoExecute");
    out.push({
      ...(key !== undefined ? { key } : {}),
      ...(operator === "Exists" || operator === "Equal" ? { operator } : {}),
      ...(value !== undefined ? { value } : {}),
      ...(effect === "NoSchedule" || effect === "PreferNoSchedule" || effect === "NoExecute" ? { effect } : {}),
      ...(typeof secs === "number" ? { tolerationSeconds: secs } : {}),
    });
  });
  return out;
}

/**
 * A problem of the controller's parser, at its path under networkSetSync (kubernetes.* and listen are the stack's
 * own). Its value is redacted as the stack's own problems are: a secret-shaped map given where the controller
 * expects plain text (a label value, a mapping field) is never echoed.
 */
function restate(p: Problem, base: string): Problem {
  const { file: _file, value, ...rest } = p;
  return { ...rest, ...("value" in p ? { value: redact(value) } : {}), path: `${base}.${p.path}` };
}
