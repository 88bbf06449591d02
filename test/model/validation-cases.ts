/**
 * Validation cases: one object each, with every problem `validateResource` must report (none for valid
 * objects). Valid objects are taken from the Calico documentation (docs.tigera.io/calico/3.3x, source
 * tigera/docs calico_versioned_docs) and adapted; invalid ones break one documented rule each, the rule
 * being cited from projectcalico/calico libcalico-go/lib/validator/v3/validator.go (PC validator), the
 * CRDs' CEL rules (PC api/config/crd) or Kubernetes' NetworkPolicy validation. Written for this
 * project; not copied from upstream test tables.
 *
 * validation.test.ts asserts them; validation.conformance.test.ts checks the projectcalico.org/v3 and
 * operator.tigera.io objects against the upstream CRD schemas.
 */
import { type CalicoVersion } from "../../src/model/validate/index.js";
import { calico, cnp, gnp, k8sNp, type Obj, operator, withEgressRule, withIngressRule } from "../support/calico-objects.js";

export interface ExpectedProblem {
  readonly path: string;
  /** The bad value reported (undefined when the problem is about a missing or whole-object field). */
  readonly value: unknown;
  readonly message: string;
  /** Substring or pattern the hint must contain. */
  readonly hint: string | RegExp;
}

export interface ValidationCase {
  readonly name: string;
  readonly obj: Obj;
  /** Versions the expectation holds for (default: all of 3.29-3.32). */
  readonly versions?: readonly CalicoVersion[];
  readonly problems: readonly ExpectedProblem[];
}

const ALL: readonly CalicoVersion[] = ["3.29", "3.30", "3.31", "3.32"];
const FROM_330: readonly CalicoVersion[] = ["3.30", "3.31", "3.32"];
const UP_TO_331: readonly CalicoVersion[] = ["3.29", "3.30", "3.31"];
const ONLY_332: readonly CalicoVersion[] = ["3.32"];

const dnsEgress = (proto: string): Obj => ({
  action: "Allow",
  protocol: proto,
  destination: { selector: 'k8s-app == "kube-dns"', ports: [53] },
});

export const VALID_CASES: readonly ValidationCase[] = [
  {
    // docs: network-policy/get-started/kubernetes-default-deny
    name: "docs deny-app-policy GlobalNetworkPolicy",
    obj: gnp("deny-app-policy", {
      namespaceSelector: 'kubernetes.io/metadata.name not in {"calico-system", "kube-public", "kube-system", "tigera-operator"}',
      types: ["Ingress", "Egress"],
      egress: [dnsEgress("UDP"), dnsEgress("TCP")],
    }),
    problems: [],
  },
  {
    // docs: reference/resources/networkpolicy (sample YAML)
    name: "docs allow-tcp-6379 NetworkPolicy with rule metadata",
    obj: cnp(
      "allow-tcp-6379",
      {
        selector: "role == 'database'",
        types: ["Ingress", "Egress"],
        ingress: [
          {
            action: "Allow",
            metadata: { annotations: { from: "frontend", to: "database" } },
            protocol: "TCP",
            source: { selector: "role == 'frontend'" },
            destination: { ports: [6379] },
          },
        ],
        egress: [{ action: "Allow" }],
      },
      { namespace: "production" },
    ),
    problems: [],
  },
  {
    // docs: network-policy/policy-tiers/tiered-policy
    name: "docs Tier internal-access",
    obj: calico("Tier", "internal-access", { order: 100 }),
    problems: [],
  },
  {
    name: "Tier with defaultAction Pass",
    obj: calico("Tier", "platform", { order: 200, defaultAction: "Pass" }),
    problems: [],
  },
  {
    name: "tiered NetworkPolicy named <tier>.<name> (portable across 3.29-3.32)",
    obj: cnp("internal-access.allow-db", { tier: "internal-access", selector: "app == 'db'", ingress: [{ action: "Pass" }] }),
    problems: [],
  },
  {
    name: "default-tier policy with the default. prefix",
    obj: gnp("default.allow-ping", {
      selector: "all()",
      ingress: [{ action: "Allow", protocol: "ICMP", icmp: { type: 8 } }],
    }),
    problems: [],
  },
  {
    // docs: network-policy/hosts/kubernetes-nodes (localhost access on host endpoints)
    name: "docs ingress-k8s-masters host endpoint policy",
    obj: gnp("ingress-k8s-masters", {
      selector: "has(node-role.kubernetes.io/master)",
      ingress: [
        { action: "Allow", destination: { nets: ["127.0.0.0/8"] } },
        { action: "Allow", protocol: "TCP", destination: { ports: [10250, "2379:2380", 6443] } },
      ],
    }),
    problems: [],
  },
  {
    // docs: network-policy/extreme-traffic/high-connection-workloads
    name: "docs doNotTrack memcached policy",
    obj: gnp("memcached-server", {
      selector: "role == 'memcached'",
      applyOnForward: true,
      doNotTrack: true,
      order: 10,
      ingress: [
        { action: "Allow", protocol: "TCP", source: { selector: "role == 'memcached'" }, destination: { ports: [12211] } },
      ],
      egress: [{ action: "Allow", protocol: "TCP", source: { ports: [12211] }, destination: { selector: "role == 'memcached'" } }],
    }),
    problems: [],
  },
  {
    // docs: network-policy/extreme-traffic/defend-dos
    name: "docs preDNAT deny-list policy",
    obj: gnp("dos-mitigation", {
      preDNAT: true,
      applyOnForward: true,
      order: 10,
      selector: "all()",
      ingress: [{ action: "Deny", source: { selector: "dos-deny-list == 'true'" } }],
    }),
    problems: [],
  },
  {
    // docs: reference/resources/globalnetworkset
    name: "docs GlobalNetworkSet with CIDRs and a bare address",
    obj: calico("GlobalNetworkSet", "a-name-for-the-set", { nets: ["198.51.100.0/28", "203.0.113.0/24", "192.0.2.1"] }, {
      labels: { role: "external-database" },
    }),
    problems: [],
  },
  {
    // Differential testing against v3.32.1: validateNetworkSet's `omitempty,dive,cidr` tag skips an empty
    // string (go-playground runs custom tags only on non-zero values), and Go's net.ParseCIDR takes a
    // prefix length with leading zeros.
    name: "GlobalNetworkSet with an empty entry and a zero-padded prefix length",
    obj: calico("GlobalNetworkSet", "padded-prefixes", { nets: ["", "198.51.100.0/024", "2001:db8::/032"] }),
    problems: [],
  },
  {
    // Differential testing against v3.32.1: an empty podSelector struct is Go's zero value, so this
    // staged Delete is valid (a non-empty or explicitly empty matchLabels map would not be).
    name: "staged Kubernetes Delete with an empty podSelector",
    versions: FROM_330,
    obj: calico("StagedKubernetesNetworkPolicy", "retire-me", { stagedAction: "Delete", podSelector: {} }, { namespace: "billing" }),
    problems: [],
  },
  {
    // docs: reference/resources/networkset
    name: "docs NetworkSet",
    obj: calico("NetworkSet", "external-database", { nets: ["198.51.100.0/28", "2001:db8::/32"] }, {
      namespace: "staging",
      labels: { role: "db" },
    }),
    problems: [],
  },
  {
    // docs: reference/resources/hostendpoint
    name: "docs HostEndpoint with ports and profiles",
    obj: calico(
      "HostEndpoint",
      "some.name",
      {
        interfaceName: "eth0",
        node: "myhost",
        expectedIPs: ["192.168.0.1", "192.168.0.2"],
        profiles: ["profile1", "profile2"],
        ports: [
          { name: "some-port", port: 1234, protocol: "TCP" },
          { name: "another-port", port: 5432, protocol: "UDP" },
        ],
      },
      { labels: { type: "production" } },
    ),
    problems: [],
  },
  {
    name: "HostEndpoint for all interfaces of a node",
    obj: calico("HostEndpoint", "node1-all", { interfaceName: "*", node: "node1" }),
    problems: [],
  },
  {
    // docs: reference/resources/networkpolicy (services match)
    name: "egress to a Service by name",
    obj: cnp("allow-kube-api", {
      selector: "all()",
      egress: [{ action: "Allow", destination: { services: { name: "kubernetes", namespace: "default" } } }],
    }),
    problems: [],
  },
  {
    name: "ingress from a Service's pods with ports in source",
    obj: gnp("from-frontend-svc", {
      selector: "app == 'api'",
      ingress: [{ action: "Allow", protocol: "TCP", source: { services: { name: "frontend", namespace: "web" }, ports: [8080] } }],
    }),
    problems: [],
  },
  {
    // docs: network-policy/policy-rules/service-accounts
    name: "docs service account match",
    obj: cnp("demo-calico", {
      ingress: [{ action: "Allow", source: { serviceAccounts: { names: ["api-service", "user-auth-service"] } } }],
      selector: "app == 'db'",
    }),
    problems: [],
  },
  {
    name: "ICMPv6 echo with ipVersion 6",
    obj: withIngressRule({ action: "Allow", protocol: "ICMPv6", ipVersion: 6, icmp: { type: 128, code: 0 } }),
    problems: [],
  },
  {
    name: "numeric protocol and a quoted protocol number",
    obj: gnp("protocols", {
      selector: "all()",
      ingress: [
        { action: "Allow", protocol: 6, destination: { ports: [443] } },
        { action: "Allow", protocol: "17", destination: { ports: ["5000:5010"] } },
        { action: "Allow", protocol: 255 },
      ],
    }),
    problems: [],
  },
  {
    name: "global() alone as a rule namespaceSelector",
    obj: cnp("calico-apiserver-to-kapi", {
      selector: "all()",
      egress: [{ action: "Allow", protocol: "TCP", destination: { namespaceSelector: "global()", selector: "has(kubernetes.io/os)", ports: [6443] } }],
    }),
    problems: [],
  },
  {
    name: "notNets with a specific network",
    obj: withEgressRule({ action: "Allow", destination: { notNets: ["10.0.0.0/8"] } }),
    problems: [],
  },
  {
    name: "HTTP match on an Allow ingress rule",
    obj: withIngressRule({ action: "Allow", protocol: "TCP", http: { methods: ["GET"], paths: [{ prefix: "/api" }, { exact: "/healthz" }] } }),
    problems: [],
  },
  {
    name: "StagedNetworkPolicy (Set)",
    versions: FROM_330,
    obj: calico("StagedNetworkPolicy", "staged-allow", { stagedAction: "Set", selector: "app == 'web'", ingress: [{ action: "Allow" }] }, {
      namespace: "default",
    }),
    problems: [],
  },
  {
    name: "StagedGlobalNetworkPolicy Delete with only tier",
    versions: FROM_330,
    obj: calico("StagedGlobalNetworkPolicy", "security.old-rule", { stagedAction: "Delete", tier: "security" }),
    problems: [],
  },
  {
    name: "StagedKubernetesNetworkPolicy",
    versions: FROM_330,
    obj: calico(
      "StagedKubernetesNetworkPolicy",
      "allow-frontend",
      { stagedAction: "Set", podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }], policyTypes: ["Ingress"] },
      { namespace: "default" },
    ),
    problems: [],
  },
  {
    name: "FelixConfiguration enabling Prometheus metrics",
    obj: calico("FelixConfiguration", "default", { prometheusMetricsEnabled: true, prometheusMetricsPort: 9091, bpfEnabled: false, logSeverityScreen: "Info" }),
    problems: [],
  },
  {
    name: "KubeControllersConfiguration enabling auto host endpoints",
    obj: calico("KubeControllersConfiguration", "default", {
      controllers: { node: { hostEndpoint: { autoCreate: "Enabled" }, syncLabels: "Enabled" } },
      prometheusMetricsPort: 9094,
    }),
    problems: [],
  },
  {
    // docs/manifests custom-resources.yaml (3.31/3.32) plus the private-registry fields
    name: "Installation with a private registry and the default pool",
    obj: operator("Installation", "default", {
      registry: "registry.example.com:5000/",
      imagePath: "calico",
      imagePullSecrets: [{ name: "registry-pull" }],
      variant: "Calico",
      nodeMetricsPort: 9091,
      typhaMetricsPort: 9093,
      kubeletVolumePluginPath: "None",
      flexVolumePath: "None",
      calicoNetwork: {
        bgp: "Disabled",
        ipPools: [{ name: "default-ipv4-ippool", blockSize: 26, cidr: "192.168.0.0/16", encapsulation: "VXLANCrossSubnet", natOutgoing: "Enabled", nodeSelector: "all()" }],
      },
    }),
    problems: [],
  },
  { name: "APIServer default", obj: operator("APIServer", "default"), problems: [] },
  { name: "Goldmane default", versions: FROM_330, obj: operator("Goldmane", "default"), problems: [] },
  { name: "Whisker default", versions: FROM_330, obj: operator("Whisker", "default"), problems: [] },
  {
    name: "Kubernetes NetworkPolicy with ipBlock except and an endPort range",
    obj: k8sNp("allow-egress", {
      podSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["web"] }] },
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }], ports: [{ protocol: "TCP", port: 32000, endPort: 32768 }] }],
    }),
    problems: [],
  },
  {
    name: "IPPool with VXLAN",
    obj: calico("IPPool", "default-ipv4-ippool", { cidr: "192.168.0.0/16", vxlanMode: "CrossSubnet", ipipMode: "Never", natOutgoing: true, nodeSelector: "all()" }),
    problems: [],
  },
];

export const INVALID_CASES: readonly ValidationCase[] = [
  // ---- names (PC validator validateObjectMeta / networkPolicyNameRegex / globalNetworkPolicyNameRegex; names/policy.go)
  {
    name: "upper-case policy name",
    obj: gnp("Allow-DNS", { selector: "all()" }),
    problems: [
      { path: "metadata.name", value: "Allow-DNS", message: "name must consist of lower case alphanumeric characters, '-' or '.', and start and end with an alphanumeric character", hint: '"allow-dns"' },
    ],
  },
  {
    name: "policy name with two dots",
    obj: gnp("security.allow.dns", { tier: "security", selector: "all()" }),
    problems: [{ path: "metadata.name", value: "security.allow.dns", message: "policy name may contain at most one dot (<tier>.<name>)", hint: "security.dns" }],
  },
  {
    name: "GlobalNetworkPolicy may not use the knp.default. prefix",
    obj: gnp("knp.default.foo", { selector: "all()" }),
    problems: [{ path: "metadata.name", value: "knp.default.foo", message: "policy name may contain at most one dot (<tier>.<name>)", hint: "foo" }],
  },
  {
    name: "non-default tier without the <tier>. prefix (3.29-3.31)",
    versions: UP_TO_331,
    obj: gnp("allow-dns", { tier: "security", selector: "all()" }),
    problems: [
      {
        path: "metadata.name",
        value: "allow-dns",
        message: 'Incorrectly formatted policy name allow-dns: on Calico VERSION a policy in tier "security" must be named "security.<name>"',
        hint: 'rename it to "security.allow-dns"',
      },
    ],
  },
  {
    name: "non-default tier without the prefix is fine on 3.32",
    versions: ONLY_332,
    obj: gnp("allow-dns", { tier: "security", selector: "all()" }),
    problems: [],
  },
  {
    name: "prefix naming another tier (3.29-3.31)",
    versions: UP_TO_331,
    obj: cnp("platform.allow-dns", { tier: "security" }),
    problems: [
      {
        path: "metadata.name",
        value: "platform.allow-dns",
        message: 'Incorrectly formatted policy name platform.allow-dns: on Calico VERSION a policy in tier "security" must be named "security.<name>"',
        hint: "or set spec.tier: platform",
      },
    ],
  },
  {
    name: "default-tier policy with a foreign prefix (3.29-3.31)",
    versions: UP_TO_331,
    obj: cnp("security.allow-dns", {}),
    problems: [
      {
        path: "metadata.name",
        value: "security.allow-dns",
        message: 'Incorrectly formatted policy name security.allow-dns: on Calico VERSION a policy in tier "default" must be named "default.<name>"',
        hint: 'rename it to "default.allow-dns"',
      },
    ],
  },
  {
    name: "StagedNetworkPolicy with the knp.default. prefix (3.30-3.31)",
    versions: ["3.30", "3.31"],
    obj: calico("StagedNetworkPolicy", "knp.default.web", {}, { namespace: "default" }),
    problems: [
      { path: "metadata.name", value: "knp.default.web", message: "Cannot create a StagedNetworkPolicy with the knp.default. name prefix", hint: "StagedKubernetesNetworkPolicy" },
    ],
  },
  {
    name: "name missing",
    obj: { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: {}, spec: {} },
    problems: [{ path: "metadata.name", value: undefined, message: "name is required", hint: "metadata.name" }],
  },
  {
    name: "invalid label key and value on metadata",
    obj: calico("GlobalNetworkSet", "set", { nets: [] }, { labels: { "bad key": "ok", role: "-bad-" } }),
    problems: [
      { path: "metadata.labels.bad key", value: "bad key", message: "invalid label key: name part must consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character", hint: "[prefix/]name" },
      { path: "metadata.labels.role", value: "-bad-", message: "invalid label value: must be empty or consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character", hint: "63 characters" },
    ],
  },
  // ---- Tier (PC validator validateTier; v3 tier.go orders; 3.32 CRD CEL)
  {
    name: "tier name with a dot",
    obj: calico("Tier", "my.tier", { order: 100 }),
    problems: [
      { path: "metadata.name", value: "my.tier", message: "name must consist of lower case alphanumeric characters or '-' (regex: [a-z0-9]([-a-z0-9]*[a-z0-9])?)", hint: '"my-tier"' },
    ],
  },
  {
    name: "default tier with a wrong order",
    obj: calico("Tier", "default", { order: 100 }),
    problems: [{ path: "spec.order", value: 100, message: "default tier order must be 1000000", hint: "order: 1000000" }],
  },
  {
    name: "default tier with defaultAction Pass (3.32 CEL)",
    versions: ONLY_332,
    obj: calico("Tier", "default", { order: 1000000, defaultAction: "Pass" }),
    problems: [{ path: "spec.defaultAction", value: "Pass", message: "The 'default' tier must have default action 'Deny'", hint: "defaultAction: Deny" }],
  },
  {
    name: "kube-admin tier needs order 1000 and defaultAction Pass (3.32)",
    versions: ONLY_332,
    obj: calico("Tier", "kube-admin", { order: 5 }),
    problems: [
      { path: "spec.order", value: 5, message: "kube-admin tier order must be 1000", hint: "order: 1000" },
      { path: "spec.defaultAction", value: undefined, message: "The 'kube-admin' tier must have default action 'Pass'", hint: "defaultAction: Pass" },
    ],
  },
  {
    name: "kube-baseline tier with Deny (3.32)",
    versions: ONLY_332,
    obj: calico("Tier", "kube-baseline", { order: 10000000, defaultAction: "Deny" }),
    problems: [{ path: "spec.defaultAction", value: "Deny", message: "The 'kube-baseline' tier must have default action 'Pass'", hint: "defaultAction: Pass" }],
  },
  {
    name: "adminnetworkpolicy tier order (3.29-3.31)",
    versions: UP_TO_331,
    obj: calico("Tier", "adminnetworkpolicy", { order: 2000 }),
    problems: [{ path: "spec.order", value: 2000, message: "adminnetworkpolicy tier order must be 1000", hint: "order: 1000" }],
  },
  {
    name: "baselineadminnetworkpolicy tier order (3.30-3.31)",
    versions: ["3.30", "3.31"],
    obj: calico("Tier", "baselineadminnetworkpolicy", {}),
    problems: [{ path: "spec.order", value: undefined, message: "baselineadminnetworkpolicy tier order must be 10000000", hint: "order: 10000000" }],
  },
  {
    name: "tier defaultAction must be Deny or Pass",
    obj: calico("Tier", "security", { order: 100, defaultAction: "Allow" }),
    problems: [{ path: "spec.defaultAction", value: "Allow", message: "must be one of Deny, Pass", hint: "valid tier default actions: Deny, Pass" }],
  },
  // ---- types (PC validator: duplicates; 3.32 CRD minItems)
  {
    name: "duplicate policy type",
    obj: gnp("dup-types", { selector: "all()", types: ["Ingress", "Ingress"] }),
    problems: [{ path: "spec.types[1]", value: "Ingress", message: "'Ingress' type specified more than once", hint: "once" }],
  },
  {
    name: "unknown policy type",
    obj: gnp("bad-type", { selector: "all()", types: ["ingress"] }),
    problems: [{ path: "spec.types[0]", value: "ingress", message: "must be one of Ingress, Egress", hint: 'did you mean "Ingress"?' }],
  },
  {
    name: "empty types list (3.32 CRD minItems)",
    versions: ONLY_332,
    obj: gnp("empty-types", { selector: "all()", types: [] }),
    problems: [{ path: "spec.types", value: [], message: "types must list at least one policy type when set", hint: "remove types" }],
  },
  // ---- actions
  {
    name: "unknown action",
    obj: withIngressRule({ action: "Accept" }),
    problems: [{ path: "spec.ingress[0].action", value: "Accept", message: "must be one of Allow, Deny, Log, Pass", hint: "valid actions: Allow, Deny, Log, Pass" }],
  },
  {
    name: "rule without action",
    obj: withIngressRule({ protocol: "TCP" }),
    problems: [{ path: "spec.ingress[0].action", value: undefined, message: 'required field "action" is missing', hint: "add action" }],
  },
  // ---- protocol (PC validateProtocol; numorstring)
  {
    name: "protocol 0 and 256",
    obj: gnp("protos", { selector: "all()", ingress: [{ action: "Allow", protocol: 0 }, { action: "Allow", notProtocol: "256" }] }),
    problems: [
      { path: "spec.ingress[0].protocol", value: 0, message: "protocol number must be an integer between 1 and 255", hint: "1-255" },
      { path: "spec.ingress[1].notProtocol", value: "256", message: "protocol number must be between 1 and 255", hint: "1-255" },
    ],
  },
  {
    name: "lower-case protocol name",
    obj: withIngressRule({ action: "Allow", protocol: "tcp" }),
    problems: [{ path: "spec.ingress[0].protocol", value: "tcp", message: 'unknown protocol name "tcp"', hint: 'did you mean "TCP"?' }],
  },
  // ---- ports (PC validatePort, validateRule port/protocol rules)
  {
    name: "ports out of range and inverted range",
    obj: withIngressRule({ action: "Allow", protocol: "TCP", destination: { ports: [0, 65536, "90:80", "80-90"] } }),
    problems: [
      { path: "spec.ingress[0].destination.ports[0]", value: 0, message: "port number 0 is out of range: must be between 1 and 65535", hint: "port 0 is not a valid port" },
      { path: "spec.ingress[0].destination.ports[1]", value: 65536, message: "port number 65536 is out of range: must be between 1 and 65535", hint: "between 1 and 65535" },
      { path: "spec.ingress[0].destination.ports[2]", value: "90:80", message: "port range start 90 is greater than its end 80", hint: '"80:90"' },
      { path: "spec.ingress[0].destination.ports[3]", value: "80-90", message: "port ranges are written with a colon", hint: '"80:90"' },
    ],
  },
  {
    name: "invalid named port",
    obj: withIngressRule({ action: "Allow", protocol: "TCP", destination: { ports: ["Metrics"] } }),
    problems: [
      { path: "spec.ingress[0].destination.ports[0]", value: "Metrics", message: "invalid named port: must contain only lower-case letters, digits and '-'", hint: 'did you mean "metrics"?' },
    ],
  },
  {
    name: "numeric ports without protocol",
    obj: withIngressRule({ action: "Allow", destination: { ports: [443] } }),
    versions: ONLY_332,
    problems: [
      { path: "spec.ingress[0].destination.ports", value: [443], message: "rules with numeric port or port range must set protocol to TCP or UDP or SCTP", hint: "protocol: TCP" },
    ],
  },
  {
    name: "any ports without protocol (3.29-3.31)",
    obj: withIngressRule({ action: "Allow", destination: { ports: ["http"] } }),
    versions: UP_TO_331,
    problems: [
      { path: "spec.ingress[0].destination.ports", value: ["http"], message: "rules that specify ports must set protocol to TCP or UDP or SCTP", hint: "protocol: TCP" },
    ],
  },
  {
    name: "named ports without protocol are accepted on 3.32",
    obj: withIngressRule({ action: "Allow", destination: { ports: ["http"] }, source: { notPorts: ["metrics"] } }),
    versions: ONLY_332,
    problems: [],
  },
  {
    name: "notPorts with a protocol that has no ports",
    obj: withIngressRule({ action: "Allow", protocol: "ICMP", source: { notPorts: [22] } }),
    problems: [{ path: "spec.ingress[0].source.notPorts", value: [22], message: "rules that specify ports must set protocol to TCP or UDP or SCTP", hint: "protocol ICMP has no ports" }],
  },
  {
    name: "ports with UDPLite (not a port protocol for Calico)",
    obj: withIngressRule({ action: "Allow", protocol: "UDPLite", destination: { ports: [5000] } }),
    problems: [{ path: "spec.ingress[0].destination.ports", value: [5000], message: "rules that specify ports must set protocol to TCP or UDP or SCTP", hint: "UDPLite" }],
  },
  // ---- ICMP (PC validateICMPFields, validateRule; CRD bounds and CEL)
  {
    name: "ICMP type 255 and code 256",
    obj: withIngressRule({ action: "Allow", protocol: "ICMP", icmp: { type: 255, code: 256 } }),
    problems: [
      { path: "spec.ingress[0].icmp.type", value: 255, message: "must be an integer between 0 and 254", hint: "between 0 and 254" },
      { path: "spec.ingress[0].icmp.code", value: 256, message: "must be an integer between 0 and 255", hint: "between 0 and 255" },
    ],
  },
  {
    name: "ICMP code without type (and in notICMP)",
    obj: withIngressRule({ action: "Allow", protocol: "ICMP", icmp: { code: 0 }, notICMP: { code: 1 } }),
    problems: [
      { path: "spec.ingress[0].icmp.code", value: 0, message: "ICMP code specified without an ICMP type", hint: "add the ICMP type" },
      { path: "spec.ingress[0].notICMP.code", value: 1, message: "ICMP code specified without an ICMP type", hint: "add the ICMP type" },
    ],
  },
  {
    name: "ICMP fields without ICMP protocol",
    obj: withIngressRule({ action: "Allow", icmp: { type: 8 } }),
    problems: [{ path: "spec.ingress[0].icmp", value: { type: 8 }, message: "rules that specify ICMP fields must set protocol to ICMP", hint: "protocol: ICMP" }],
  },
  {
    name: "ICMP with ipVersion 6 and ICMPv6 with ipVersion 4",
    obj: gnp("icmp-versions", {
      selector: "all()",
      ingress: [
        { action: "Allow", protocol: "ICMP", ipVersion: 6 },
        { action: "Allow", notProtocol: "ICMPv6", ipVersion: 4 },
      ],
    }),
    problems: [
      { path: "spec.ingress[0].ipVersion", value: 6, message: "must set ipversion to '4' with protocol icmp", hint: "ipVersion: 4" },
      { path: "spec.ingress[1].ipVersion", value: 4, message: "must set ipversion to '6' with protocol icmpv6", hint: "ipVersion: 6" },
    ],
  },
  {
    name: "ipVersion must be 4 or 6",
    obj: withIngressRule({ action: "Allow", ipVersion: 5 }),
    problems: [{ path: "spec.ingress[0].ipVersion", value: 5, message: "must be one of 4, 6", hint: "4 or 6" }],
  },
  // ---- nets (PC validateRule scanNets, `net` field validator)
  {
    name: "invalid, bare and host-bits CIDRs",
    obj: withEgressRule({ action: "Allow", destination: { nets: ["10.0.0.0/33", "10.0.0.1", "10.1.2.3/8"] } }),
    problems: [
      { path: "spec.egress[0].destination.nets[0]", value: "10.0.0.0/33", message: "invalid CIDR", hint: "CIDR notation" },
      { path: "spec.egress[0].destination.nets[1]", value: "10.0.0.1", message: "invalid CIDR", hint: '"10.0.0.1/32"' },
      { path: "spec.egress[0].destination.nets[2]", value: "10.1.2.3/8", message: "network is not strictly masked (host bits are set below the prefix)", hint: "did you mean 10.0.0.0/8?" },
    ],
  },
  {
    name: "IPv4 and IPv6 mixed across source and destination",
    obj: withEgressRule({ action: "Allow", source: { nets: ["10.0.0.0/8"] }, destination: { nets: ["2001:db8::/32"] } }),
    problems: [
      { path: "spec.egress[0].destination.nets", value: ["2001:db8::/32"], message: "rule contains both IPv4 and IPv6 CIDRs", hint: "split the rule" },
    ],
  },
  {
    // Differential testing against v3.32.1: libcalico-go IPNet.Version() is 4 for an IPv4-mapped IPv6
    // network (Go's To4 succeeds), so it mixes with IPv4 networks and fails an ipVersion 6 rule.
    name: "IPv4-mapped IPv6 networks count as IPv4",
    obj: withEgressRule({ action: "Allow", ipVersion: 6, source: { nets: ["192.0.2.0/24"] }, destination: { nets: ["::ffff:198.51.100.7/128"] } }),
    problems: [
      { path: "spec.egress[0].source.nets", value: ["192.0.2.0/24"], message: "rule IP version doesn't match CIDR version", hint: "IPv6" },
      { path: "spec.egress[0].destination.nets", value: ["::ffff:198.51.100.7/128"], message: "rule IP version doesn't match CIDR version", hint: "IPv6" },
    ],
  },
  {
    name: "nets inconsistent with ipVersion",
    obj: withEgressRule({ action: "Allow", ipVersion: 6, destination: { nets: ["10.0.0.0/8"] } }),
    problems: [{ path: "spec.egress[0].destination.nets", value: ["10.0.0.0/8"], message: "rule IP version doesn't match CIDR version", hint: "IPv6" }],
  },
  {
    name: "catch-all CIDRs in notNets",
    obj: gnp("catch-all", {
      selector: "all()",
      egress: [
        { action: "Allow", destination: { notNets: ["0.0.0.0/0"] } },
        { action: "Allow", source: { notNets: ["::/0"] } },
      ],
    }),
    problems: [
      { path: "spec.egress[0].destination.notNets[0]", value: "0.0.0.0/0", message: "catch-all CIDR in negation creates logical contradiction (matches no traffic)", hint: "never matches" },
      { path: "spec.egress[1].source.notNets[0]", value: "::/0", message: "catch-all CIDR in negation creates logical contradiction (matches no traffic)", hint: "never matches" },
    ],
  },
  // ---- selectors (PC `selector` field validator, validateEntityRule, validate*PolicySpec)
  {
    name: "unparseable selectors report position and hint",
    obj: gnp("bad-selectors", { selector: "app = 'web'", ingress: [{ action: "Allow", source: { selector: "has(app" } }] }),
    problems: [
      { path: "spec.selector", value: "app = 'web'", message: "SELECTOR", hint: /./ },
      { path: "spec.ingress[0].source.selector", value: "has(app", message: "SELECTOR", hint: /./ },
    ],
  },
  {
    name: "global() in a policy selector and in a rule selector",
    obj: gnp("global-misuse", { selector: "global()", ingress: [{ action: "Allow", source: { selector: "global()" } }] }),
    problems: [
      { path: "spec.selector", value: "global()", message: "global() can only be used in an EntityRule namespaceSelector", hint: "namespaceSelector: global()" },
      { path: "spec.ingress[0].source.selector", value: "global()", message: "global() can only be used in an EntityRule namespaceSelector", hint: "namespaceSelector: global()" },
    ],
  },
  {
    name: "global() combined with another selector",
    versions: ALL,
    obj: withIngressRule({ action: "Allow", source: { namespaceSelector: "global() && role == 'x'" } }),
    problems: [
      { path: "spec.ingress[0].source.namespaceSelector", value: "global() && role == 'x'", message: "global() cannot be combined with other selectors", hint: "namespaceSelector: global() alone" },
    ],
  },
  // ---- services (PC validateEntityRule, validate*PolicySpec; CRD CEL)
  {
    name: "services combined with selector and nets, and with destination ports",
    obj: withEgressRule({
      action: "Allow",
      protocol: "TCP",
      destination: { services: { name: "db", namespace: "prod" }, selector: "app == 'db'", nets: ["10.0.0.0/8"], ports: [5432] },
    }),
    problems: [
      { path: "spec.egress[0].destination.ports", value: [5432], message: "cannot specify ports with a service selector", hint: "drop destination.ports" },
      { path: "spec.egress[0].destination.services", value: { name: "db", namespace: "prod" }, message: "cannot specify Selector/NotSelector and Services on the same rule", hint: "drop selector" },
      { path: "spec.egress[0].destination.services", value: { name: "db", namespace: "prod" }, message: "cannot specify Nets/NotNets and Services on the same rule", hint: "drop nets" },
    ],
  },
  {
    name: "services with namespaceSelector and serviceAccounts, no name",
    obj: cnp("svc-mix", {
      egress: [{ action: "Allow", destination: { services: { namespace: "prod" }, namespaceSelector: "all()", serviceAccounts: { names: ["a"] } } }],
    }),
    problems: [
      { path: "spec.egress[0].destination.services.name", value: undefined, message: "must specify a service name", hint: "services.name" },
      { path: "spec.egress[0].destination.services", value: { namespace: "prod" }, message: "cannot specify NamespaceSelector and Services on the same rule", hint: "services.namespace" },
      { path: "spec.egress[0].destination.services", value: { namespace: "prod" }, message: "cannot specify ServiceAccounts and Services on the same rule", hint: "two rules" },
    ],
  },
  {
    name: "services in egress source and ingress destination",
    obj: cnp("svc-wrong-side", {
      ingress: [{ action: "Allow", destination: { services: { name: "a" } } }],
      egress: [{ action: "Allow", source: { services: { name: "b" } } }],
    }),
    problems: [
      { path: "spec.ingress[0].destination.services", value: { name: "a" }, message: "services not allowed in ingress rule destination", hint: "source" },
      { path: "spec.egress[0].source.services", value: { name: "b" }, message: "services not allowed in egress rule source", hint: "destination" },
    ],
  },
  {
    name: "GlobalNetworkPolicy services need a namespace",
    obj: withEgressRule({ action: "Allow", destination: { services: { name: "kubernetes" } } }),
    problems: [{ path: "spec.egress[0].destination.services.namespace", value: undefined, message: "must specify a namespace", hint: "services.namespace" }],
  },
  // ---- HTTP (PC validateRule ALP, validateHTTPRule; CRD CEL)
  {
    name: "HTTP on a Deny egress rule with UDP",
    obj: withEgressRule({ action: "Deny", protocol: "UDP", http: { methods: ["GET", "GET"], paths: [{ exact: "/a", prefix: "/b" }, { prefix: "api" }] } }),
    problems: [
      { path: "spec.egress[0].protocol", value: "UDP", message: "rules that specify HTTP fields must set protocol to TCP or empty", hint: "protocol: TCP" },
      { path: "spec.egress[0].http", value: { methods: ["GET", "GET"], paths: [{ exact: "/a", prefix: "/b" }, { prefix: "api" }] }, message: "HTTP match is only valid on Allow rules", hint: "action: Allow" },
      { path: "spec.egress[0].http", value: { methods: ["GET", "GET"], paths: [{ exact: "/a", prefix: "/b" }, { prefix: "api" }] }, message: "HTTP match is not allowed in egress rules", hint: "ingress rules only" },
      { path: "spec.egress[0].http.methods", value: ["GET", "GET"], message: "Invalid methods (duplicates)", hint: "once" },
      { path: "spec.egress[0].http.paths[0]", value: { exact: "/a", prefix: "/b" }, message: "Invalid path match. Both 'exact' and 'prefix' are set", hint: "either" },
      { path: "spec.egress[0].http.paths[1]", value: "api", message: "Invalid path api. (must start with `/` and not contain `?` or `#`)", hint: "/api/v1" },
    ],
  },
  // ---- GNP host policy modes (PC validateGlobalNetworkPolicySpec; CRD CEL)
  {
    name: "preDNAT with doNotTrack, egress rules and Egress type, without applyOnForward",
    obj: gnp("host-modes", { selector: "all()", preDNAT: true, doNotTrack: true, types: ["Ingress", "Egress"], egress: [{ action: "Allow" }] }),
    problems: [
      { path: "spec.preDNAT", value: true, message: "preDNAT and doNotTrack cannot both be true", hint: "choose one" },
      { path: "spec.egress", value: [{ action: "Allow" }], message: "preDNAT policy cannot have any egress rules", hint: "ingress only" },
      { path: "spec.types", value: ["Ingress", "Egress"], message: "preDNAT policy cannot have 'Egress' type", hint: "types: [Ingress]" },
      { path: "spec.applyOnForward", value: false, message: "applyOnForward must be true if either preDNAT or doNotTrack is true", hint: "applyOnForward: true" },
    ],
  },
  {
    name: "preDNAT with egress rules and no types: Calico's types defaulting adds Egress",
    obj: gnp("prednat-defaulted", { selector: "all()", preDNAT: true, applyOnForward: true, egress: [{ action: "Deny" }] }),
    problems: [
      { path: "spec.egress", value: [{ action: "Deny" }], message: "preDNAT policy cannot have any egress rules", hint: "ingress only" },
      { path: "spec.types", value: undefined, message: "preDNAT policy cannot have 'Egress' type", hint: "types defaults to include Egress" },
    ],
  },
  {
    name: "namespaceSelector, preDNAT and applyOnForward are not NetworkPolicy fields",
    obj: cnp("np-host-fields", { namespaceSelector: "all()", preDNAT: true, applyOnForward: true }),
    problems: [
      { path: "spec.namespaceSelector", value: "all()", message: 'unknown field "namespaceSelector"', hint: "remove it" },
      { path: "spec.preDNAT", value: true, message: 'unknown field "preDNAT"', hint: "remove it" },
      { path: "spec.applyOnForward", value: true, message: 'unknown field "applyOnForward"', hint: "remove it" },
    ],
  },
  // ---- staged (PC validateStaged*; stagedAction enum)
  {
    name: "staged Delete with rules",
    versions: FROM_330,
    obj: calico("StagedGlobalNetworkPolicy", "old", { stagedAction: "Delete", selector: "all()", ingress: [{ action: "Allow" }] }),
    problems: [{ path: "spec", value: undefined, message: "Spec fields, except Tier, should all be zero-value if stagedAction is Delete", hint: "keep only tier and stagedAction" }],
  },
  {
    name: "unknown stagedAction",
    versions: FROM_330,
    obj: calico("StagedNetworkPolicy", "web", { stagedAction: "Enforce" }, { namespace: "default" }),
    problems: [{ path: "spec.stagedAction", value: "Enforce", message: "must be one of Set, Delete, Learn, Ignore", hint: "valid staged actions" }],
  },
  {
    name: "staged Kubernetes Delete with a podSelector",
    versions: FROM_330,
    obj: calico("StagedKubernetesNetworkPolicy", "web", { stagedAction: "Delete", podSelector: { matchLabels: { app: "web" } } }, { namespace: "default" }),
    problems: [{ path: "spec", value: undefined, message: "Spec fields should all be zero-value if stagedAction is Delete", hint: "keep only stagedAction" }],
  },
  // Differential testing against v3.32.1: the staged-Delete check is Go's reflect.DeepEqual with an empty
  // spec, where a JSON [] or {} (non-nil, empty) differs from an absent field; Tier's `name` tag is
  // checked for a Delete too.
  {
    name: "staged Delete with an empty egress list",
    versions: FROM_330,
    obj: calico("StagedNetworkPolicy", "platform.retire-me", { stagedAction: "Delete", tier: "platform", egress: [] }, { namespace: "billing" }),
    problems: [{ path: "spec", value: undefined, message: "Spec fields, except Tier, should all be zero-value if stagedAction is Delete", hint: "keep only tier and stagedAction" }],
  },
  {
    name: "staged Delete naming an invalid tier",
    versions: ["3.32"],
    obj: calico("StagedGlobalNetworkPolicy", "retire-me", { stagedAction: "Delete", tier: "Platform_Team" }),
    problems: [{ path: "spec.tier", value: "Platform_Team", message: "tier must be a lower-case DNS name", hint: "did you mean" }],
  },
  {
    name: "staged Kubernetes Delete with an empty matchLabels map",
    versions: FROM_330,
    obj: calico("StagedKubernetesNetworkPolicy", "retire-me", { stagedAction: "Delete", podSelector: { matchLabels: {} } }, { namespace: "billing" }),
    problems: [{ path: "spec", value: undefined, message: "Spec fields should all be zero-value if stagedAction is Delete", hint: "keep only stagedAction" }],
  },
  {
    name: "staged kinds do not exist on 3.29",
    versions: ["3.29"],
    obj: calico("StagedGlobalNetworkPolicy", "preview", { selector: "all()" }),
    problems: [{ path: "kind", value: "StagedGlobalNetworkPolicy", message: "StagedGlobalNetworkPolicy needs Calico 3.30 or newer (staged policies are open source since 3.30)", hint: "3.30+" }],
  },
  // ---- network sets (PC validateNetworkSet / validateGlobalNetworkSet, `cidr` validator)
  {
    name: "network set with a bad CIDR and the reserved namespace label",
    obj: calico("GlobalNetworkSet", "registry", { nets: ["10.0.0.0/8", "10.0.0.300/32"] }, { labels: { "projectcalico.org/namespace": "x" } }),
    problems: [
      { path: "metadata.labels.projectcalico.org/namespace", value: "projectcalico.org/namespace", message: "projectcalico.org/namespace is not a valid label name", hint: "namespaceSelector" },
      { path: "spec.nets[1]", value: "10.0.0.300/32", message: "invalid CIDR or IP address", hint: "192.0.2.0/24" },
    ],
  },
  // ---- host endpoints (PC validateHostEndpointSpec, validateEndpointPort; CRD CEL)
  {
    name: "host endpoint without node, interface or IPs",
    obj: calico("HostEndpoint", "hep", { profiles: ["Bad_Profile"] }),
    problems: [
      { path: "spec.node", value: undefined, message: "node must be specified", hint: "spec.node" },
      { path: "spec.interfaceName", value: undefined, message: "at least one of interfaceName or expectedIPs must be specified", hint: "expectedIPs" },
      { path: "spec.profiles[0]", value: "Bad_Profile", message: "profile name must be a lower-case DNS name", hint: "projectcalico-default-allow" },
    ],
  },
  {
    name: "host endpoint with a bad interface, CIDR expectedIP and an ICMP port",
    obj: calico("HostEndpoint", "hep", {
      node: "node1",
      interfaceName: "this-name-is-too-long0",
      expectedIPs: ["10.0.0.1/32"],
      ports: [{ name: "ping", protocol: "ICMP", port: 1 }],
    }),
    problems: [
      { path: "spec.interfaceName", value: "this-name-is-too-long0", message: "must be at most 15 characters (is 22)", hint: "shorten" },
      { path: "spec.expectedIPs[0]", value: "10.0.0.1/32", message: "expectedIPs must be IP addresses", hint: '"10.0.0.1"' },
      { path: "spec.ports[0].protocol", value: "ICMP", message: "EndpointPort protocol does not support ports.", hint: "TCP, UDP or SCTP" },
    ],
  },
  // ---- configuration kinds (CRD CEL; PC validateFelixConfigSpec)
  {
    name: "default FelixConfiguration with nodeSelector and both route table fields",
    obj: calico("FelixConfiguration", "default", { nodeSelector: "all()", routeTableRange: { min: 1, max: 250 }, routeTableRanges: [{ min: 1, max: 250 }] }),
    problems: [
      { path: "spec.nodeSelector", value: "all()", message: "nodeSelector must not be set on the 'default' or per-node ('node.*') FelixConfiguration", hint: "remove nodeSelector" },
      { path: "spec.routeTableRanges", value: [{ min: 1, max: 250 }], message: "routeTableRange and routeTableRanges cannot both be set", hint: "routeTableRanges" },
    ],
  },
  {
    name: "FelixConfiguration typo",
    obj: calico("FelixConfiguration", "default", { prometheusMetricEnabled: true }),
    problems: [{ path: "spec.prometheusMetricEnabled", value: true, message: 'unknown field "prometheusMetricEnabled"', hint: 'did you mean "prometheusMetricsEnabled"?' }],
  },
  {
    name: "KubeControllersConfiguration autoCreate must be Enabled or Disabled",
    obj: calico("KubeControllersConfiguration", "default", { controllers: { node: { hostEndpoint: { autoCreate: "true" } } } }),
    problems: [{ path: "spec.controllers.node.hostEndpoint.autoCreate", value: "true", message: "must be one of Enabled, Disabled", hint: "valid values: Enabled, Disabled" }],
  },
  {
    name: "KubeControllersConfiguration needs controllers",
    obj: calico("KubeControllersConfiguration", "default", { prometheusMetricsPort: 9094 }),
    problems: [{ path: "spec.controllers", value: undefined, message: 'required field "controllers" is missing', hint: "add controllers" }],
  },
  // ---- operator kinds (CRD CEL on names; structure)
  {
    name: "operator singletons must be named default",
    versions: FROM_330,
    obj: operator("Whisker", "whisker"),
    problems: [{ path: "metadata.name", value: "whisker", message: "resource name must be 'default'", hint: '"default"' }],
  },
  {
    name: "Installation name and field typos",
    obj: operator("Installation", "calico", { registy: "r/", calicoNetwork: { bgp: "enabled", ipPools: [{ cidr: "fd00::/48", encapsulation: "IPIP" }] } }),
    problems: [
      { path: "spec.registy", value: "r/", message: 'unknown field "registy"', hint: 'did you mean "registry"?' },
      { path: "spec.calicoNetwork.bgp", value: "enabled", message: "must be one of Enabled, Disabled", hint: 'did you mean "Enabled"?' },
      { path: "metadata.name", value: "calico", message: "resource name must be 'default', 'tigera-secure', or 'overlay'", hint: '"default"' },
      { path: "spec.calicoNetwork.ipPools[0].encapsulation", value: "IPIP", message: "IPIP is not supported on IPv6 pools", hint: "VXLAN" },
    ],
  },
  {
    name: "APIServer name",
    obj: operator("APIServer", "apiserver"),
    problems: [{ path: "metadata.name", value: "apiserver", message: "resource name must be 'default' or 'tigera-secure'", hint: '"default"' }],
  },
  // ---- Kubernetes NetworkPolicy (k8s ValidateNetworkPolicySpec)
  {
    name: "Kubernetes NetworkPolicy peers and ports",
    obj: k8sNp("bad", {
      podSelector: { matchExpressions: [{ key: "app", operator: "In" }] },
      ingress: [
        {
          from: [{}, { ipBlock: { cidr: "10.0.0.0/8", except: ["192.168.0.0/16"] }, podSelector: {} }],
          ports: [{ protocol: "ICMP" }, { port: "HTTP" }, { port: 80, endPort: 70 }, { endPort: 90 }],
        },
      ],
    }),
    problems: [
      { path: "spec.podSelector.matchExpressions[0].values", value: undefined, message: "must be specified when `operator` is 'In' or 'NotIn'", hint: "at least one value" },
      { path: "spec.ingress[0].ports[0].protocol", value: "ICMP", message: "protocol must be TCP, UDP or SCTP", hint: "Calico policy" },
      { path: "spec.ingress[0].ports[1].port", value: "HTTP", message: "invalid port name: must contain only lower-case letters, digits and '-'; must contain at least one letter", hint: "lower-case" },
      { path: "spec.ingress[0].ports[2].endPort", value: 70, message: "endPort 70 must be greater than or equal to port 80", hint: "at least 80" },
      { path: "spec.ingress[0].ports[3].endPort", value: 90, message: "endPort may not be specified when port is not specified", hint: "set port" },
      { path: "spec.ingress[0].from[0]", value: {}, message: "must specify a peer", hint: "podSelector" },
      { path: "spec.ingress[0].from[1]", value: { ipBlock: { cidr: "10.0.0.0/8", except: ["192.168.0.0/16"] }, podSelector: {} }, message: "may not specify both ipBlock and another peer", hint: "own peer entry" },
      { path: "spec.ingress[0].from[1].ipBlock.except[0]", value: "192.168.0.0/16", message: "must be a strict subset of `cidr`", hint: "inside 10.0.0.0/8" },
    ],
  },
  // ---- IPPool / BGP (CRD CEL rules and PC validateIPPoolSpec / validateBGPPeerSpec)
  {
    name: "IPPool with IPIP and VXLAN, IPIP on IPv6",
    obj: calico("IPPool", "v6", { cidr: "fd00::/48", ipipMode: "Always", vxlanMode: "Always" }),
    problems: [
      { path: "spec", value: undefined, message: "ipipMode and vxlanMode cannot both be enabled", hint: "Never" },
      { path: "spec.ipipMode", value: "Always", message: "IPIP is not supported on IPv6 pools", hint: "vxlanMode" },
    ],
  },
  {
    name: "LoadBalancer IPPool with VXLAN and Workload use",
    obj: calico("IPPool", "lb", { cidr: "10.10.0.0/24", vxlanMode: "Always", allowedUses: ["LoadBalancer", "Workload"] }),
    problems: [
      { path: "spec", value: undefined, message: "LoadBalancer IP pool cannot have IPIP or VXLAN enabled", hint: "Never" },
      { path: "spec.allowedUses", value: ["LoadBalancer", "Workload"], message: "LoadBalancer cannot be combined with Workload or Tunnel allowed uses", hint: "separate pool" },
    ],
  },
  {
    name: "BGPPeer with conflicting peer fields",
    obj: calico("BGPPeer", "peer", { node: "n1", nodeSelector: "all()", peerIP: "10.0.0.1", peerSelector: "all()", asNumber: 64512 }),
    problems: [
      { path: "spec", value: undefined, message: "node and nodeSelector cannot both be set", hint: "nodeSelector" },
      { path: "spec", value: undefined, message: "peerIP and peerSelector cannot both be set", hint: "peerSelector" },
      { path: "spec.asNumber", value: 64512, message: "asNumber must be empty when peerSelector is set", hint: "drop asNumber" },
    ],
  },
  {
    name: "BGPPeer localWorkloadSelector rules",
    obj: calico("BGPPeer", "lw", { localWorkloadSelector: "app == 'bird'", peerIP: "10.0.0.1" }),
    problems: [
      { path: "spec.peerIP", value: "10.0.0.1", message: "peerIP must be empty when localWorkloadSelector is set", hint: "drop peerIP" },
      { path: "spec.asNumber", value: undefined, message: "asNumber is required when localWorkloadSelector is set", hint: "AS number" },
    ],
  },
  {
    name: "BGPConfiguration mesh fields with the mesh off",
    obj: calico("BGPConfiguration", "default", { nodeToNodeMeshEnabled: false, nodeMeshMaxRestartTime: "120s", nodeMeshPassword: { secretKeyRef: { name: "s", key: "k" } } }),
    problems: [
      { path: "spec.nodeMeshPassword", value: undefined, message: "nodeMeshPassword cannot be set when nodeToNodeMeshEnabled is false", hint: "enable the node-to-node mesh" },
      { path: "spec.nodeMeshMaxRestartTime", value: "120s", message: "nodeMeshMaxRestartTime cannot be set when nodeToNodeMeshEnabled is false", hint: "enable the node-to-node mesh" },
    ],
  },
  {
    name: "BGPFilter rule field combinations",
    obj: calico("BGPFilter", "f", {
      exportV4: [
        { action: "Accept", cidr: "10.0.0.0/8" },
        { action: "Reject", prefixLength: { min: 16 }, operations: [{ prependASPath: { prefix: [65000] } }] },
      ],
    }),
    problems: [
      { path: "spec.exportV4[0]", value: undefined, message: "cidr and matchOperator must both be set or both be empty", hint: "matchOperator" },
      { path: "spec.exportV4[1].prefixLength", value: { min: 16 }, message: "cidr is required when prefixLength is set", hint: "add cidr" },
      { path: "spec.exportV4[1].operations", value: [{ prependASPath: { prefix: [65000] } }], message: "operations may only be used with action Accept", hint: "action: Accept" },
    ],
  },
  // ---- structure
  {
    name: "unknown fields with did-you-mean hints",
    obj: gnp("typos", { selector: "all()", ingres: [{ action: "Allow" }], egress: [{ action: "Allow", destinaton: { ports: [80] } }] }),
    problems: [
      { path: "spec.ingres", value: [{ action: "Allow" }], message: 'unknown field "ingres"', hint: 'did you mean "ingress"?' },
      { path: "spec.egress[0].destinaton", value: { ports: [80] }, message: 'unknown field "destinaton"', hint: 'did you mean "destination"?' },
    ],
  },
  {
    name: "crd.projectcalico.org/v1 apiVersion",
    obj: { apiVersion: "crd.projectcalico.org/v1", kind: "GlobalNetworkPolicy", metadata: { name: "x" }, spec: {} },
    problems: [{ path: "apiVersion", value: "crd.projectcalico.org/v1", message: "unsupported apiVersion for kind GlobalNetworkPolicy", hint: "write apiVersion: projectcalico.org/v3" }],
  },
];

/** FelixConfiguration and KubeControllersConfiguration field validators (PC validator field tags). */
export const CONFIG_FIELD_CASES: readonly ValidationCase[] = [
  {
    name: "Felix enums are case-sensitive in Calico's validator (the CRD pattern is not)",
    obj: calico("FelixConfiguration", "default", { logSeverityScreen: "info", iptablesFilterAllowAction: "accept", bpfExternalServiceMode: "dsr" }),
    problems: [
      { path: "spec.logSeverityScreen", value: "info", message: "invalid logSeverityScreen", hint: "case-sensitive" },
      { path: "spec.iptablesFilterAllowAction", value: "accept", message: "invalid iptablesFilterAllowAction", hint: "Accept or Return" },
      { path: "spec.bpfExternalServiceMode", value: "dsr", message: "invalid bpfExternalServiceMode", hint: "Tunnel or DSR" },
    ],
  },
  {
    name: "Felix numeric bounds and oneof fields",
    obj: calico("FelixConfiguration", "default", { wireguardListeningPort: 0, bpfExtToServiceConnmark: 4294967296, awsSrcDstCheck: "DoNothing", natOutgoingExclusions: "IPPoolsOnly", bpfMaglevMaxServices: 5000 }),
    problems: [
      { path: "spec.wireguardListeningPort", value: 0, message: "wireguardListeningPort must be greater than 0", hint: "greater than 0" },
      { path: "spec.bpfExtToServiceConnmark", value: 4294967296, message: "bpfExtToServiceConnmark must be at most 4294967295", hint: "at most 4294967295" },
      { path: "spec.bpfMaglevMaxServices", value: 5000, message: "bpfMaglevMaxServices must be at most 3000", hint: "at most 3000" },
    ],
  },
  {
    name: "Felix interface filters, key=value lists, CIDR lists and Prometheus host",
    obj: calico("FelixConfiguration", "default", {
      featureDetectOverride: "SNATFullyRandom=true,bad entry",
      bpfExcludeCIDRsFromNAT: ["10.0.0.0/8", "nope"],
      wireguardInterfaceName: "wireguard.cali-too-long",
      prometheusMetricsHost: "bad host",
    }),
    problems: [
      {
        path: "spec.featureDetectOverride",
        value: "SNATFullyRandom=true,bad entry",
        message: "does not match the expected format ^([a-zA-Z0-9-_]+=(true|false|),)*([a-zA-Z0-9-_]+=(true|false|))?$",
        hint: "key=value",
      },
      { path: "spec.bpfExcludeCIDRsFromNAT", value: ["10.0.0.0/8", "nope"], message: "invalid bpfExcludeCIDRsFromNAT", hint: "CIDR notation" },
      { path: "spec.wireguardInterfaceName", value: "wireguard.cali-too-long", message: "invalid wireguardInterfaceName", hint: "interface name" },
      { path: "spec.prometheusMetricsHost", value: "bad host", message: "invalid prometheusMetricsHost", hint: "host name" },
    ],
  },
  {
    name: "KubeControllersConfiguration log level and template fields",
    obj: calico("KubeControllersConfiguration", "default", {
      logSeverityScreen: "Panic",
      controllers: { node: { hostEndpoint: { autoCreate: "Enabled", templates: [{ generateName: "Bad_Name", labels: { "a b": "c" }, interfaceCIDRs: ["10.0.0.0/8"] }] } } },
    }),
    versions: FROM_330,
    problems: [
      { path: "spec.logSeverityScreen", value: "Panic", message: "invalid logSeverityScreen", hint: "Debug, Info" },
      { path: "spec.controllers.node.hostEndpoint.templates[0].generateName", value: "Bad_Name", message: "generateName must be a lower-case DNS name", hint: '"bad-name"' },
      { path: "spec.controllers.node.hostEndpoint.templates[0].labels.a b", value: "a b", message: "invalid label key: name part must consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character", hint: "[prefix/]name" },
    ],
  },
  {
    name: "BGPPeer peerIP formats and reachableBy (PC validator validateReachableBy, IP:port)",
    obj: calico("BGPPeer", "p", { peerIP: "10.0.0.1:0", reachableBy: "fd00::1", asNumber: 64512, filters: ["Bad"] }),
    problems: [
      { path: "spec.filters[0]", value: "Bad", message: "filter name must be a lower-case DNS name", hint: "BGPFilter" },
      { path: "spec.peerIP", value: "10.0.0.1:0", message: "peerIP must be <IP>, <IPv4>:<port> or [<IPv6>]:<port>", hint: "192.0.2.10:179" },
    ],
  },
  {
    name: "BGPPeer reachableBy of another family",
    obj: calico("BGPPeer", "p", { peerIP: "[2001:db8::1]:179", reachableBy: "10.0.0.1", asNumber: 64512 }),
    problems: [{ path: "spec.reachableBy", value: "10.0.0.1", message: "ReachableBy and PeerIP address family mismatched", hint: "IP family" }],
  },
  {
    name: "BGPConfiguration communities and prefix advertisements",
    obj: calico("BGPConfiguration", "default", {
      communities: [{ name: "big", value: "65536:1" }, { name: "ok", value: "65000:100" }],
      prefixAdvertisements: [{ cidr: "10.0.0.0/8", communities: ["ok", "unknown", "4294967296:1:1"] }],
      listenPort: 179,
      serviceClusterIPs: [{ cidr: "10.96.0.1/12" }],
    }),
    problems: [
      { path: "spec.serviceClusterIPs[0].cidr", value: "10.96.0.1/12", message: "invalid CIDR: must be a strictly masked network or an address", hint: "10.96.0.0/12" },
      { path: "spec.communities[0].value", value: "65536:1", message: "invalid community value, expected 16 bit value", hint: "aa:nn" },
      { path: "spec.prefixAdvertisements[0].communities[1]", value: "unknown", message: "community used is invalid or not defined.", hint: "spec.communities" },
      { path: "spec.prefixAdvertisements[0].communities[2]", value: "4294967296:1:1", message: "invalid community value, expected 32 bit value", hint: "aa:nn:mm" },
    ],
  },
  {
    name: "BGPFilter CIDR family, interface and operations",
    obj: calico("BGPFilter", "f", {
      importV4: [{ action: "Accept", cidr: "fd00::/8", matchOperator: "In", interface: "eth0/1", operations: [{ setPriority: { value: 5 }, prependASPath: { prefix: [65000] } }] }],
    }),
    problems: [
      { path: "spec.importV4[0].cidr", value: "fd00::/8", message: "cidr must be a strictly masked IPv4 network", hint: "V6 lists" },
      { path: "spec.importV4[0].interface", value: "eth0/1", message: "invalid interface", hint: "1-15" },
      { path: "spec.importV4[0].operations[0]", value: { setPriority: { value: 5 }, prependASPath: { prefix: [65000] } }, message: "exactly one operation must be set", hint: "one of addCommunity" },
    ],
  },
  // ---- Found by differential testing against Calico v3.32.1 (validator.go validateFelixConfigSpec,
  // validateRouteTableRange, validateRouteTableIDRange, validateHealthTimeoutOverride). Own values.
  {
    name: "Felix struct rules: node port ranges, external nodes, OpenStack region, source addresses",
    obj: calico("FelixConfiguration", "default", {
      kubeNodePortRanges: ["30000:32767", 31000, "nodeports"],
      externalNodesList: ["198.51.100.0/24", "not-a-net", "2001:db8::/64"],
      openstackRegion: "Region_One",
      natOutgoingAddress: "203.0.113.7/32",
      deviceRouteSourceAddress: "2001:db8::5",
      deviceRouteSourceAddressIPv6: "192.0.2.9",
    }),
    problems: [
      { path: "spec.kubeNodePortRanges[2]", value: "nodeports", message: "node port ranges should not contain named ports", hint: "30000:32767" },
      { path: "spec.externalNodesList[1]", value: "not-a-net", message: "externalNodesList has an invalid CIDR", hint: "IPv4" },
      { path: "spec.externalNodesList[2]", value: "2001:db8::/64", message: "externalNodesList only takes IPv4 CIDRs", hint: "IPv4" },
      { path: "spec.openstackRegion", value: "Region_One", message: "openstackRegion must be a valid DNS label", hint: "lower case" },
      { path: "spec.natOutgoingAddress", value: "203.0.113.7/32", message: "natOutgoingAddress is not a valid IPv4 address", hint: "without a prefix length" },
      { path: "spec.deviceRouteSourceAddress", value: "2001:db8::5", message: "deviceRouteSourceAddress is not a valid IPv4 address", hint: "IPv4" },
      { path: "spec.deviceRouteSourceAddressIPv6", value: "192.0.2.9", message: "deviceRouteSourceAddressIPv6 is not a valid IPv6 address", hint: "IPv6" },
    ],
  },
  {
    // The region becomes part of a namespace name "openstack-region-<region>" (at most 63 characters).
    name: "Felix OpenStack region longer than 46 characters",
    obj: calico("FelixConfiguration", "default", { openstackRegion: "r".repeat(47) }),
    problems: [{ path: "spec.openstackRegion", value: "r".repeat(47), message: "openstackRegion is too long (at most 46 characters)", hint: "shorter" }],
  },
  {
    name: "Felix routeTableRange must stay within 1..250",
    obj: calico("FelixConfiguration", "default", { routeTableRange: { min: 100, max: 251 } }),
    problems: [{ path: "spec.routeTableRange", value: { min: 100, max: 251 }, message: "routeTableRange must be a range of route table indices within 1..250", hint: "max <= 250" }],
  },
  {
    name: "Felix routeTableRanges: order, lower bound and total table count",
    obj: calico("FelixConfiguration", "node.worker-1", { routeTableRanges: [{ min: 20, max: 10 }, { min: 0, max: 5 }, { min: 1000, max: 70000 }] }),
    problems: [
      { path: "spec.routeTableRanges[0]", value: { min: 20, max: 10 }, message: "routeTableRanges min value cannot be greater than max value", hint: "swap" },
      { path: "spec.routeTableRanges[1].min", value: 0, message: "routeTableRanges cannot target indices < 1", hint: "1 or above" },
      {
        path: "spec.routeTableRanges",
        value: [{ min: 20, max: 10 }, { min: 0, max: 5 }, { min: 1000, max: 70000 }],
        message: "routeTableRanges targets too many tables (68998; at most 65535)",
        hint: "narrow",
      },
    ],
  },
  {
    name: "Felix health timeout overrides: reporter name characters and negative timeouts",
    obj: calico("FelixConfiguration", "default", {
      healthTimeoutOverrides: [
        { name: "InternalDataplaneMainLoop", timeout: "-2m" },
        { name: "calc/graph", timeout: "90s" },
        { name: "Async Calc_Graph-1", timeout: "-0s" },
      ],
    }),
    problems: [
      { path: "spec.healthTimeoutOverrides[0].timeout", value: "-2m", message: "health timeout override must not be negative", hint: "30s" },
      { path: "spec.healthTimeoutOverrides[1].name", value: "calc/graph", message: "health timeout override name must match ^[a-zA-Z0-9_ -]+$", hint: "health reporter" },
    ],
  },
  {
    // Go types behind loosely typed CRD fields (metav1.Duration, uint8, uint32): the API server's decoder
    // rejects these before any validation (differential testing against v3.32.1).
    name: "BGPPeer duration without a unit and TTL security beyond a uint8",
    obj: calico("BGPPeer", "rack-tor", { peerIP: "192.0.2.1", asNumber: 64512, keepaliveTime: "30", maxRestartTime: "2m", ttlSecurity: 300 }),
    problems: [
      { path: "spec.keepaliveTime", value: "30", message: 'invalid duration "30"', hint: "a number needs a unit" },
      { path: "spec.ttlSecurity", value: 300, message: "value 300 does not fit the field's Go type uint8 (0 to 255)", hint: "0 to 255" },
    ],
  },
  {
    name: "KubeControllersConfiguration reconciler period that is not a Go duration",
    obj: calico("KubeControllersConfiguration", "default", { controllers: { node: { reconcilerPeriod: "5 minutes", leakGracePeriod: "15m" }, policy: { reconcilerPeriod: "" } } }),
    problems: [
      { path: "spec.controllers.node.reconcilerPeriod", value: "5 minutes", message: 'invalid duration "5 minutes"', hint: "30s" },
      { path: "spec.controllers.policy.reconcilerPeriod", value: "", message: 'invalid duration ""', hint: "30s" },
    ],
  },
  {
    // Plain-string Felix fields are `omitempty`: an empty value skips the validator (and the CRD pattern
    // allows it), unlike a misspelt one.
    name: "Felix plain string fields accept an empty value",
    obj: calico("FelixConfiguration", "default", { logSeverityScreen: "", workloadSourceSpoofing: "", iptablesNATOutgoingInterfaceFilter: "", nftablesFilterDenyAction: "reject" }),
    problems: [{ path: "spec.nftablesFilterDenyAction", value: "reject", message: "invalid nftablesFilterDenyAction", hint: "Drop or Reject" }],
  },
  {
    name: "Felix bpfExportBufferSizeMB crashes Calico's validator on 3.30+",
    versions: FROM_330,
    obj: calico("FelixConfiguration", "default", { bpfExportBufferSizeMB: 8 }),
    problems: [
      {
        path: "spec.bpfExportBufferSizeMB",
        value: 8,
        message: "Calico's validator crashes on bpfExportBufferSizeMB (upstream bug: the field is tagged as a CIDR list), so the API server rejects any value",
        hint: "leave bpfExportBufferSizeMB unset",
      },
    ],
  },
  {
    name: "BGPPeer reversePeering outside the CRD enum",
    obj: calico("BGPPeer", "rr-client", { peerIP: "192.0.2.1", asNumber: 64512, reversePeering: "Automatic" }),
    problems: [{ path: "spec.reversePeering", value: "Automatic", message: "must be one of Auto, Manual", hint: "Auto" }],
  },
  {
    // Community.Name/Value and PrefixAdvertisement.CIDR/Communities are `validate:"required"`.
    name: "BGPConfiguration community and prefix advertisement without their required fields",
    obj: calico("BGPConfiguration", "default", { communities: [{ value: "65001:20" }], prefixAdvertisements: [{ cidr: "203.0.113.0/24" }, { communities: [] }] }),
    problems: [
      { path: "spec.communities[0].name", value: undefined, message: "community name is required", hint: "name the community" },
      { path: "spec.prefixAdvertisements[0].communities", value: undefined, message: "prefix advertisement communities are required", hint: "community names" },
      { path: "spec.prefixAdvertisements[1].cidr", value: undefined, message: "prefix advertisement cidr is required", hint: "192.168.0.0/16" },
    ],
  },
  {
    // numorstring.Port fields get validatePort; numorstring.DSCP decodes numbers into a uint8.
    name: "Felix NAT port range, node port range item and Istio DSCP mark out of range",
    obj: calico("FelixConfiguration", "default", { natPortRange: "40000:39000", kubeNodePortRanges: [0, "30000:32767"], istioDSCPMark: 300, bpfPSNATPorts: "20000:29999" }),
    problems: [
      { path: "spec.natPortRange", value: "40000:39000", message: "port range start 40000 is greater than its end 39000", hint: '"39000:40000"' },
      { path: "spec.kubeNodePortRanges[0]", value: 0, message: "port number 0 is out of range: must be between 1 and 65535", hint: "use 1-65535" },
      { path: "spec.istioDSCPMark", value: 300, message: "value 300 does not fit the field's Go type uint8 (0 to 255)", hint: "AF11" },
    ],
  },
  {
    name: "Felix BPF SNAT port range starting at 0",
    obj: calico("FelixConfiguration", "default", { bpfPSNATPorts: "0:29999" }),
    problems: [{ path: "spec.bpfPSNATPorts", value: "0:29999", message: "port number 0 is out of range: must be between 1 and 65535", hint: "use 1-65535" }],
  },
  {
    name: "IPPool with an empty CIDR",
    obj: calico("IPPool", "empty-pool", { cidr: "" }),
    problems: [{ path: "spec.cidr", value: "", message: "IPPool CIDR must be specified", hint: "192.168.0.0/16" }],
  },
  {
    name: "BGPConfiguration with an empty log severity",
    obj: calico("BGPConfiguration", "default", { logSeverityScreen: "", asNumber: 64513 }),
    problems: [],
  },
];
