/**
 * FelixConfiguration field validators (projectcalico/calico libcalico-go validator.go field validators
 * registered for the `validate:"..."` tags of api felixconfig.go, listed in felix-field-tags.ts).
 * The CRD is looser than the validator in places (its enums patterns are case-insensitive, the
 * validator's are not), so both are applied.
 */
import { parseCidr } from "../net.js";
import { FELIX_FIELD_TAGS } from "./felix-field-tags.js";
import { type Reporter } from "./context.js";

const NAMED: Readonly<Record<string, { test: (v: unknown) => boolean; hint: string }>> = {
  logLevel: enumRe(/^(Trace|Debug|Info|Warning|Error|Fatal)$/, "Trace, Debug, Info, Warning, Error or Fatal (case-sensitive)"),
  acceptReturn: enumRe(/^(Accept|Return)$/, "Accept or Return (case-sensitive)"),
  dropReject: enumRe(/^(Drop|Reject)$/, "Drop or Reject (case-sensitive)"),
  // Case-sensitive although the CRD pattern is `^(?i)(...)$`: the API server's validator is libcalico-go's
  // dropAcceptReturnRegex `^(Drop|Accept|Return)$`, and its validator_test.go rejects "drop" (lower case).
  dropAcceptReturn: enumRe(/^(Drop|Accept|Return)$/, "Drop, Accept or Return (case-sensitive)"),
  iptablesBackend: enumRe(/^(|Auto|NFT|Legacy)$/, "Auto, NFT or Legacy"),
  bpfServiceMode: enumRe(/^(Tunnel|DSR)$/, "Tunnel or DSR (case-sensitive)"),
  interface: enumRe(/^(\*|[a-zA-Z0-9_.-]{1,15})$/, "an interface name (1-15 of [a-zA-Z0-9_.-])"),
  ifaceFilter: enumRe(/^[a-zA-Z0-9:._+-]{1,15}$/, "an interface name or prefix ending in + (1-15 of [a-zA-Z0-9:._+-])"),
  prometheusHost: enumRe(/^[a-zA-Z0-9:._+-]{1,64}$/, "an IP address or host name (up to 64 of [a-zA-Z0-9:._+-])"),
  ifaceFilterSlice: {
    test: (v) => Array.isArray(v) && v.every((s) => typeof s === "string" && /^[a-zA-Z0-9:._+-]{1,15}$/.test(s)),
    hint: "list interface names or prefixes ending in + (1-15 of [a-zA-Z0-9:._+-] each)",
  },
  keyValueList: {
    test: (v) => typeof v === "string" && v.split(",").every((item) => item === "" || /^\s*\w+=.*$/.test(item)),
    hint: "write comma-separated key=value pairs, e.g. feature=true,other=false",
  },
  regexp: { test: compiles, hint: "write a valid regular expression" },
  routeSource: { test: compiles, hint: "write WorkloadIPs or CalicoIPAM" },
  cidrs: {
    // (The tag also sits on a numeric field upstream; only lists of strings are checked.)
    test: (v) => !Array.isArray(v) || v.every((s) => typeof s === "string" && parseCidr(s) !== undefined),
    hint: "list networks in CIDR notation, e.g. 10.0.0.0/8",
  },
  bpfLogFilters: {
    test: (v) => typeof v !== "object" || v === null || Object.keys(v).every((k) => /^[a-zA-Z0-9_.-]{1,15}$/.test(k)),
    hint: "keys are interface names (or all)",
  },
};

function enumRe(re: RegExp, hint: string): { test: (v: unknown) => boolean; hint: string } {
  return { test: (v) => typeof v === "string" && re.test(v), hint: `use ${hint}` };
}

function compiles(v: unknown): boolean {
  if (typeof v !== "string") return false;
  try {
    new RegExp(v);
    return true;
  } catch {
    return false;
  }
}

function checkBound(field: string, v: unknown, cond: string, r: Reporter): void {
  const m = /^(gte|lte|gt|lt)=(-?\d+)$/.exec(cond);
  if (m === null || typeof v !== "number") return;
  const n = Number(m[2]);
  const ok = m[1] === "gte" ? v >= n : m[1] === "lte" ? v <= n : m[1] === "gt" ? v > n : v < n;
  const words: Record<string, string> = { gte: "at least", lte: "at most", gt: "greater than", lt: "less than" };
  if (!ok) r.add(`spec.${field}`, v, `${field} must be ${words[m[1] ?? "gte"]} ${n}`, `use a value ${words[m[1] ?? "gte"]} ${n}`);
}

/**
 * Fields whose Go type is a plain `string` (not a pointer): their tags start with `omitempty`, which makes
 * go-playground skip every check on "" (Calico accepts `logSeverityScreen: ""` and the CRD patterns allow
 * it too). Pointer-typed fields (`*IptablesBackend`, ...) are validated even when "". v3.32.1 felixconfig.go.
 */
const PLAIN_STRING_FIELDS: ReadonlySet<string> = new Set([
  "featureDetectOverride", "featureGates", "defaultEndpointToHostAction", "iptablesFilterAllowAction",
  "iptablesMangleAllowAction", "iptablesFilterDenyAction", "logSeverityFile", "logSeverityScreen", "logSeveritySys",
  "logDebugFilenameRegex", "prometheusMetricsHost", "iptablesNATOutgoingInterfaceFilter", "nftablesFilterAllowAction",
  "nftablesMangleAllowAction", "nftablesFilterDenyAction", "bpfLogLevel", "bpfConntrackLogLevel", "bpfCTLBLogFilter",
  "bpfDataIfacePattern", "bpfL3IfacePattern", "bpfExternalServiceMode", "bpfDisableGROForIfaces", "routeSource",
  "wireguardInterfaceName", "wireguardInterfaceNameV6", "serviceLoopPrevention", "workloadSourceSpoofing", "mtuIfacePattern",
]);

/** Applies the struct-tag validators of FelixConfigurationSpec to the fields present. */
export function validateFelixFields(spec: Readonly<Record<string, unknown>>, r: Reporter): void {
  for (const [field, tag] of Object.entries(FELIX_FIELD_TAGS)) {
    const v = spec[field];
    if (v === undefined) continue;
    if (v === "" && PLAIN_STRING_FIELDS.has(field)) continue;
    for (const cond of tag.split(",")) {
      if (cond.startsWith("oneof=")) {
        const allowed = cond.slice("oneof=".length).split(" ");
        if (typeof v === "string" && !allowed.includes(v)) {
          r.add(`spec.${field}`, v, `${field} must be one of ${allowed.join(", ")}`, `use ${allowed.join(", ")} (case-sensitive)`);
        }
      } else if (/^(gte|lte|gt|lt)=/.test(cond)) {
        checkBound(field, v, cond, r);
      } else {
        const named = NAMED[cond];
        if (named !== undefined && !named.test(v)) r.add(`spec.${field}`, v, `invalid ${field}`, named.hint);
      }
    }
  }
}
