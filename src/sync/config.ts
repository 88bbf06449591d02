/**
 * The config of `calico-baseline sync-networksets`: which Consul services feed which GlobalNetworkSets, how to
 * reach Consul and the Kubernetes API, and the controller's pacing. Parsed once at start-up; every problem is
 * reported at once with its key path and a hint (a `UserError`), before anything is watched or written.
 */
import { Fields, isObj } from "../config/fields.js";
import { joinPath, type Problem, UserError } from "../model/problem.js";
import { isDns1123Subdomain, labelValueErrors, qualifiedNameErrors, sanitizeName } from "../model/validate/context.js";
import { RESERVED_PREFIX } from "./labels.js";

export { DATACENTER_LABEL, OWNER_LABEL, OWNER_VALUE, PENDING_ANNOTATION, RESERVED_PREFIX, SERVICE_LABEL } from "./labels.js";

export interface SyncMapping {
  /** Consul service name. */
  readonly service: string;
  /** GlobalNetworkSet name. */
  readonly set: string;
  readonly datacenter?: string;
  readonly tag?: string;
  /** Only instances whose every health check passes (Consul's `passing` filter). */
  readonly passingOnly: boolean;
  /** How long an address that left Consul stays in the set. */
  readonly graceSeconds: number;
  /** Whether an empty answer from Consul may empty a set that has addresses. */
  readonly allowEmpty: boolean;
  /** Labels the set carries (what policies select it by). */
  readonly labels: Readonly<Record<string, string>>;
  /** Path of this mapping in the config file (`mappings[3]`), for log lines. */
  readonly path: string;
}

export interface ConsulTls {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serverName?: string;
  readonly insecureSkipVerify: boolean;
}

export interface ConsulSettings {
  /** `http://host:port` or `https://host:port`, no path. */
  readonly address: string;
  /** File holding the ACL token (the Secret mounted in the pod); `CONSUL_HTTP_TOKEN` is read when unset. */
  readonly tokenFile?: string;
  readonly tls: ConsulTls;
  /** `wait` of each blocking query. */
  readonly waitSeconds: number;
  /** Let any Consul server answer (`stale`): spreads the load off the leader; answers may lag by ~50 ms. */
  readonly stale: boolean;
  /** The least time between two queries of one watch when the index did not move (tight-loop guard). */
  readonly minQueryIntervalMillis: number;
}

export interface KubernetesSettings {
  /** Kubeconfig file for a local run; in-cluster credentials when unset. */
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Namespace and name of the coordination.k8s.io Lease used for leader election. */
  readonly leaseNamespace: string;
  readonly leaseName: string;
  readonly leaseDurationSeconds: number;
  readonly renewSeconds: number;
}

export interface Pacing {
  /** Changes to one set within this window become one write. */
  readonly debounceMillis: number;
  /** Global write budget (token bucket): sustained writes per minute, and the burst. */
  readonly writesPerMinute: number;
  readonly writeBurst: number;
  /** Full re-read and reconcile of every set. */
  readonly resyncSeconds: number;
  /** Exponential backoff on Consul and API errors, with full jitter. */
  readonly backoffInitialMillis: number;
  readonly backoffMaxMillis: number;
  /** Tries of one write on 409 Conflict before it is left to the next change or resync. */
  readonly conflictRetries: number;
}

export interface SyncConfig {
  readonly consul: ConsulSettings;
  readonly kubernetes: KubernetesSettings;
  readonly pacing: Pacing;
  /** `host:port` of the /metrics, /healthz and /readyz server. */
  readonly listen: string;
  readonly mappings: readonly SyncMapping[];
}

/** Default grace period: 30 minutes (issue 12). */
export const DEFAULT_GRACE_SECONDS = 1800;

const TOP_KEYS = ["consul", "kubernetes", "sync", "listen", "mappings"] as const;
const CONSUL_KEYS = ["address", "token", "tokenFile", "tls", "waitSeconds", "stale", "minQueryIntervalMillis", "datacenter"] as const;
const TLS_KEYS = ["caFile", "certFile", "keyFile", "serverName", "insecureSkipVerify"] as const;
const KUBE_KEYS = ["kubeconfig", "context", "leaseNamespace", "leaseName", "leaseDurationSeconds", "renewSeconds"] as const;
const SYNC_KEYS = ["debounceMillis", "writesPerMinute", "writeBurst", "resyncSeconds", "backoffInitialMillis", "backoffMaxMillis", "conflictRetries"] as const;
const MAPPING_KEYS = ["service", "set", "datacenter", "tag", "passingOnly", "graceSeconds", "allowEmpty", "labels"] as const;

/** Consul service names: letters, digits, '-', '_' and '.', as its DNS interface can serve them. */
const SERVICE_NAME = { pattern: /^[A-Za-z0-9]([A-Za-z0-9._-]{0,254})$/, hint: "give the Consul service name, letters, digits, '-', '_' and '.' (e.g. postgres)" };
const DATACENTER = { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, hint: "give a Consul datacenter name such as dc1" };
const TAG = { pattern: /^[^\s/?#&=]{1,255}$/, hint: "give one Consul service tag, without spaces or URL characters" };
const LISTEN = { pattern: /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]*):[0-9]{1,5}$/, hint: "write host:port, e.g. 0.0.0.0:9464 or 127.0.0.1:9464 (or :9464)" };

function consulAddress(f: Fields): string {
  const text = f.requireString("address", "give Consul's HTTP(S) address, e.g. https://consul.service.consul:8501");
  if (text === "") return "";
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    f.problem("address", text, "is not an http:// or https:// URL", "write the scheme, host and port, e.g. https://consul.service.consul:8501");
    return "";
  }
  if (url.username !== "" || url.password !== "" || (url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.hash !== "") {
    f.problem("address", text, "must be scheme://host:port only (no user, path, query or fragment)", "put the token in consul.tokenFile; the controller adds the API paths itself");
    return "";
  }
  return `${url.protocol}//${url.host}`;
}

function labelsOf(f: Fields, key: string): Record<string, string> {
  const v = f.obj[key];
  if (v === undefined || v === null) return {};
  const path = f.at(key);
  if (!isObj(v)) {
    f.problem(key, v, "must be a map of label names to values", "write e.g. labels: {role: database}");
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, raw] of Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const p = joinPath(path, k);
    const keyErrs = qualifiedNameErrors(k);
    if (keyErrs.length > 0) {
      f.problems.push({ path: p, value: k, message: `is not a valid label name: ${keyErrs.join("; ")}`, hint: "use a Kubernetes label name such as role or example.com/tier" });
      continue;
    }
    if (k.startsWith(RESERVED_PREFIX)) {
      f.problems.push({ path: p, value: k, message: "is a label the controller sets itself", hint: `choose a label outside ${RESERVED_PREFIX}` });
      continue;
    }
    if (k === "projectcalico.org/namespace") {
      f.problems.push({ path: p, value: k, message: "is not a valid label name on a network set", hint: "Calico sets this label itself; choose another name" });
      continue;
    }
    const value = typeof raw === "number" || typeof raw === "boolean" ? String(raw) : raw;
    if (typeof value !== "string") {
      f.problems.push({ path: p, value: raw, message: "must be a text value", hint: "write a label value such as database" });
      continue;
    }
    const valErrs = labelValueErrors(value);
    if (valErrs.length > 0) {
      f.problems.push({ path: p, value, message: `is not a valid label value: ${valErrs.join("; ")}`, hint: "use at most 63 letters, digits, '-', '_' and '.', alphanumeric at both ends" });
      continue;
    }
    out[k] = value;
  }
  return out;
}

function mappingOf(problems: Problem[], path: string, v: unknown, defaultDc: string | undefined): SyncMapping | undefined {
  if (!isObj(v)) {
    problems.push({ path, value: v, message: "must be a map with service and set", hint: "write e.g. - {service: postgres, set: consul-postgres}" });
    return undefined;
  }
  const f = new Fields(problems, path, v);
  f.rejectUnknown(MAPPING_KEYS);
  const before = problems.length;
  const service = f.requireString("service", "name the Consul service to mirror, e.g. service: postgres", SERVICE_NAME);
  const set = f.requireString("set", "name the GlobalNetworkSet to keep in step, e.g. set: consul-postgres");
  if (set !== "" && !isDns1123Subdomain(set)) {
    f.problem("set", set, "is not a valid GlobalNetworkSet name (a lower-case DNS subdomain, at most 253 characters)", `did you mean "${sanitizeName(set, true)}"?`);
  }
  const datacenter = f.string("datacenter", defaultDc, DATACENTER);
  const tag = f.string("tag", undefined, TAG);
  const passingOnly = f.bool("passingOnly", true);
  const graceSeconds = f.int("graceSeconds", DEFAULT_GRACE_SECONDS, 0, 7 * 24 * 3600, "give the grace period in seconds, from 0 to 604800 (a week); default 1800");
  const allowEmpty = f.bool("allowEmpty", false);
  const labels = labelsOf(f, "labels");
  if (problems.length > before) return undefined;
  return { service, set, ...(datacenter === undefined ? {} : { datacenter }), ...(tag === undefined ? {} : { tag }), passingOnly, graceSeconds, allowEmpty, labels, path };
}

/** Parses the sync config (the YAML document already read). Throws a UserError with every problem found. */
export function parseSyncConfig(raw: unknown, file: string, flags: { kubeconfig?: string } = {}): SyncConfig {
  const problems: Problem[] = [];
  const top = Fields.of(problems, "", raw);
  if (raw === undefined || raw === null) {
    problems.push({ path: "", message: "the config is empty", hint: "write consul.address and at least one entry under mappings (docs/networkset-sync.md)" });
  }
  top.rejectUnknown(TOP_KEYS);

  const c = top.child("consul");
  c.rejectUnknown(CONSUL_KEYS);
  const address = consulAddress(c);
  if (c.has("token")) {
    c.problem("token", "<redacted>", "a token in the config file is stored in clear text", "put it in a file (a mounted Secret) and set consul.tokenFile, or set CONSUL_HTTP_TOKEN");
  }
  const tokenFile = c.string("tokenFile");
  const defaultDc = c.string("datacenter", undefined, DATACENTER);
  const t = c.child("tls");
  t.rejectUnknown(TLS_KEYS);
  const tls: ConsulTls = {
    ...(t.string("caFile") === undefined ? {} : { caFile: t.string("caFile") as string }),
    ...(t.string("certFile") === undefined ? {} : { certFile: t.string("certFile") as string }),
    ...(t.string("keyFile") === undefined ? {} : { keyFile: t.string("keyFile") as string }),
    ...(t.string("serverName") === undefined ? {} : { serverName: t.string("serverName") as string }),
    insecureSkipVerify: t.bool("insecureSkipVerify", false),
  };
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    t.problem(tls.certFile === undefined ? "certFile" : "keyFile", undefined, "a client certificate needs both certFile and keyFile", "give both, or neither");
  }
  if (address.startsWith("http:") && (tls.caFile !== undefined || tls.certFile !== undefined || tls.insecureSkipVerify)) {
    c.problem("tls", undefined, "TLS settings are given but the address is http://", "use an https:// address, or remove consul.tls");
  }
  // Consul limits wait to 10 minutes (api-docs/features/blocking).
  const waitSeconds = c.int("waitSeconds", 300, 1, 600, "give the blocking-query wait in seconds, 1 to 600 (Consul caps it at 10 minutes); default 300");
  const stale = c.bool("stale", true);
  const minQueryIntervalMillis = c.int("minQueryIntervalMillis", 1000, 0, 600_000, "give the least time between two queries of a watch whose index did not move, in ms; default 1000");

  const k = top.child("kubernetes");
  k.rejectUnknown(KUBE_KEYS);
  const kubeconfig = flags.kubeconfig ?? k.string("kubeconfig");
  const context = k.string("context");
  const leaseNamespace = k.string("leaseNamespace", "calico-baseline");
  if (!isDns1123Subdomain(leaseNamespace) || leaseNamespace.length > 63) k.problem("leaseNamespace", leaseNamespace, "is not a namespace name", "use a lower-case DNS label, e.g. calico-baseline");
  const leaseName = k.string("leaseName", "networkset-sync");
  if (!isDns1123Subdomain(leaseName)) k.problem("leaseName", leaseName, "is not a Lease name", "use a lower-case DNS subdomain, e.g. networkset-sync");
  const leaseDurationSeconds = k.int("leaseDurationSeconds", 15, 2, 3600);
  const renewSeconds = k.int("renewSeconds", Math.max(1, Math.floor(leaseDurationSeconds / 3)), 1, 3600);
  if (renewSeconds >= leaseDurationSeconds) k.problem("renewSeconds", renewSeconds, "must be shorter than leaseDurationSeconds", `renew well within the lease, e.g. ${Math.max(1, Math.floor(leaseDurationSeconds / 3))}`);

  const s = top.child("sync");
  s.rejectUnknown(SYNC_KEYS);
  const pacing: Pacing = {
    debounceMillis: s.int("debounceMillis", 2000, 0, 600_000, "give the debounce window in ms, 0 to 600000; default 2000"),
    writesPerMinute: s.int("writesPerMinute", 120, 1, 60_000, "give the global write budget per minute, 1 to 60000; default 120"),
    writeBurst: s.int("writeBurst", 20, 1, 10_000, "give the burst of writes, 1 to 10000; default 20"),
    resyncSeconds: s.int("resyncSeconds", 300, 10, 86_400, "give the full resync period in seconds, 10 to 86400; default 300"),
    backoffInitialMillis: s.int("backoffInitialMillis", 500, 1, 600_000),
    backoffMaxMillis: s.int("backoffMaxMillis", 120_000, 1, 3_600_000),
    conflictRetries: s.int("conflictRetries", 5, 1, 100),
  };
  if (pacing.backoffMaxMillis < pacing.backoffInitialMillis) s.problem("backoffMaxMillis", pacing.backoffMaxMillis, "must not be below backoffInitialMillis", `give at least ${pacing.backoffInitialMillis}`);

  const listen = top.string("listen", "0.0.0.0:9464", LISTEN);
  const port = Number(listen.slice(listen.lastIndexOf(":") + 1));
  if (port > 65535) top.problem("listen", listen, "has a port above 65535", LISTEN.hint);

  const mappings: SyncMapping[] = [];
  const rawMappings = top.obj["mappings"];
  if (rawMappings === undefined || rawMappings === null) {
    top.problem("mappings", undefined, "is required", "list the services to mirror: mappings: [{service: postgres, set: consul-postgres}]");
  } else if (!Array.isArray(rawMappings)) {
    top.problem("mappings", rawMappings, "must be a list", "write mappings as a YAML list of {service, set} maps");
  } else {
    if (rawMappings.length === 0) top.problem("mappings", rawMappings, "is empty", "list at least one {service, set}");
    rawMappings.forEach((m: unknown, i) => {
      const parsed = mappingOf(problems, joinPath("mappings", i), m, defaultDc);
      if (parsed !== undefined) mappings.push(parsed);
    });
    // One set, one mapping: two writers of one set would undo each other's changes on every update.
    const bySet = new Map<string, SyncMapping[]>();
    for (const m of mappings) bySet.set(m.set, [...(bySet.get(m.set) ?? []), m]);
    for (const [set, ms] of [...bySet].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (ms.length < 2) continue;
      for (const m of ms.slice(1)) {
        problems.push({
          path: joinPath(m.path, "set"),
          value: set,
          message: `names the same GlobalNetworkSet as ${ms[0]?.path ?? "another mapping"} (${ms.length} mappings write "${set}")`,
          hint: "give each mapping its own set; a policy that needs several services selects their sets by a shared label",
        });
      }
    }
  }

  if (problems.length > 0) throw new UserError(problems.map((p) => ({ ...p, file })), `${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"} in the sync config`);
  return {
    consul: { address, ...(tokenFile === undefined ? {} : { tokenFile }), tls, waitSeconds, stale, minQueryIntervalMillis },
    kubernetes: { ...(kubeconfig === undefined ? {} : { kubeconfig }), ...(context === undefined ? {} : { context }), leaseNamespace, leaseName, leaseDurationSeconds, renewSeconds },
    pacing,
    listen,
    mappings,
  };
}
