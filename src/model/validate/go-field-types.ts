/**
 * Go types of projectcalico.org/v3 spec fields that the CRD schemas type only loosely (generated from the
 * api Go types of projectcalico/calico v3.32.1 by reflection; `[]` marks a list item). The API server
 * decodes into these types before validating, so a value that does not fit is rejected there:
 * `metav1.Duration` needs Go duration syntax (time.ParseDuration), and sized integers must fit their width
 * (`ttlSecurity: 300` does not fit a uint8). Plain `int` fields are left out: JSON numbers always fit.
 */
export type GoFieldType = "duration" | "uint8" | "uint16" | "uint32" | "int32";

export const GO_FIELD_TYPES: Readonly<Record<string, Readonly<Record<string, GoFieldType>>>> = {
  BGPConfiguration: {
    "asNumber": "uint32",
    "listenPort": "uint16",
    "nodeMeshMaxRestartTime": "duration",
  },
  BGPFilter: {
    "exportV4[].asPathPrefix[]": "uint32",
    "exportV4[].operations[].prependASPath.prefix[]": "uint32",
    "exportV4[].prefixLength.max": "int32",
    "exportV4[].prefixLength.min": "int32",
    "exportV6[].asPathPrefix[]": "uint32",
    "exportV6[].operations[].prependASPath.prefix[]": "uint32",
    "exportV6[].prefixLength.max": "int32",
    "exportV6[].prefixLength.min": "int32",
    "importV4[].asPathPrefix[]": "uint32",
    "importV4[].operations[].prependASPath.prefix[]": "uint32",
    "importV4[].prefixLength.max": "int32",
    "importV4[].prefixLength.min": "int32",
    "importV6[].asPathPrefix[]": "uint32",
    "importV6[].operations[].prependASPath.prefix[]": "uint32",
    "importV6[].prefixLength.max": "int32",
    "importV6[].prefixLength.min": "int32",
  },
  BGPPeer: {
    "asNumber": "uint32",
    "keepaliveTime": "duration",
    "localASNumber": "uint32",
    "maxRestartTime": "duration",
    "numAllowedLocalASNumbers": "int32",
    "ttlSecurity": "uint8",
  },
  FelixConfiguration: {
    "bpfKubeProxyMinSyncPeriod": "duration",
    "dataplaneWatchdogTimeout": "duration",
    "debugSimulateCalcGraphHangAfter": "duration",
    "debugSimulateDataplaneApplyDelay": "duration",
    "debugSimulateDataplaneHangAfter": "duration",
    "endpointReportingDelay": "duration",
    "failsafeInboundHostPorts[].port": "uint16",
    "failsafeOutboundHostPorts[].port": "uint16",
    "flowLogsFlushInterval": "duration",
    "healthTimeoutOverrides[].timeout": "duration",
    "interfaceRefreshInterval": "duration",
    "ipsetsRefreshInterval": "duration",
    "iptablesLockProbeInterval": "duration",
    "iptablesMarkMask": "uint32",
    "iptablesPostWriteCheckInterval": "duration",
    "iptablesRefreshInterval": "duration",
    "liveMigrationRouteConvergenceTime": "duration",
    "netlinkTimeout": "duration",
    "nftablesMarkMask": "uint32",
    "nftablesRefreshInterval": "duration",
    "reportingInterval": "duration",
    "reportingTTL": "duration",
    "routeRefreshInterval": "duration",
    "usageReportingInitialDelay": "duration",
    "usageReportingInterval": "duration",
    "wireguardKeepAlive": "duration",
    "xdpRefreshInterval": "duration",
  },
  HostEndpoint: {
    "ports[].port": "uint16",
  },
  KubeControllersConfiguration: {
    "controllers.namespace.reconcilerPeriod": "duration",
    "controllers.node.leakGracePeriod": "duration",
    "controllers.node.reconcilerPeriod": "duration",
    "controllers.policy.reconcilerPeriod": "duration",
    "controllers.serviceAccount.reconcilerPeriod": "duration",
    "controllers.workloadEndpoint.reconcilerPeriod": "duration",
    "debugProfilePort": "int32",
    "etcdV3CompactionPeriod": "duration",
  },
};

/** Go time.ParseDuration: an optional sign, then "0" or one or more <decimal><unit> with ns/us/µs/μs/ms/s/m/h. */
const GO_DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

const INT_RANGES: Readonly<Record<Exclude<GoFieldType, "duration">, readonly [number, number]>> = {
  uint8: [0, 0xff],
  uint16: [0, 0xffff],
  uint32: [0, 0xffffffff],
  int32: [-0x80000000, 0x7fffffff],
};

interface GoTypeReporter {
  add(path: string, value: unknown, message: string, hint: string): void;
}

function checkValue(value: unknown, type: GoFieldType, path: string, r: GoTypeReporter): void {
  if (type === "duration") {
    // metav1.Duration unmarshals only a JSON string in Go duration syntax ("" and "30" fail).
    if (typeof value === "string" && !GO_DURATION.test(value)) {
      r.add(path, value, `invalid duration ${JSON.stringify(value)}`, "write a Go duration such as 30s, 1m30s or 500ms (a number needs a unit)");
    }
    return;
  }
  // Only JSON numbers are checked: string forms (numorstring.ASNumber "64512.1") have their own rules.
  if (typeof value !== "number" || !Number.isInteger(value)) return;
  const [min, max] = INT_RANGES[type];
  if (value < min || value > max) {
    r.add(path, value, `value ${value} does not fit the field's Go type ${type} (${min} to ${max})`, `use a whole number from ${min} to ${max}`);
  }
}

function walk(node: unknown, segments: readonly string[], path: string, type: GoFieldType, r: GoTypeReporter): void {
  if (node === undefined || node === null) return;
  if (segments.length === 0) {
    checkValue(node, type, path, r);
    return;
  }
  const [head, ...rest] = segments as [string, ...string[]];
  if (head === "[]") {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, rest, `${path}[${i}]`, type, r));
    return;
  }
  if (typeof node !== "object" || Array.isArray(node) || !Object.prototype.hasOwnProperty.call(node, head)) return;
  walk((node as Record<string, unknown>)[head], rest, `${path}.${head}`, type, r);
}

/** Splits `a[].b.c[]` into ["a", "[]", "b", "c", "[]"]. */
function splitPath(p: string): string[] {
  return p.split(".").flatMap((part) => {
    const name = part.replace(/(\[\])+$/, "");
    const lists = (part.length - name.length) / 2;
    return [name, ...Array<string>(lists).fill("[]")];
  });
}

const SPLIT = new Map<string, string[]>();

/** Reports spec values the API server could not decode into the Go type of their field. */
export function validateGoFieldTypes(kind: string, spec: unknown, r: GoTypeReporter): void {
  const fields = GO_FIELD_TYPES[kind];
  if (fields === undefined) return;
  for (const [p, type] of Object.entries(fields)) {
    let segs = SPLIT.get(p);
    if (segs === undefined) {
      segs = splitPath(p);
      SPLIT.set(p, segs);
    }
    walk(spec, segs, "spec", type, r);
  }
}
