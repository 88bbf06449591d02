/**
 * Every CEL rule (`x-kubernetes-validations`) of the Calico v3.32.1 CRDs and operator CRDs, with an
 * object that breaks it and one that satisfies it. `validateResource` enforces these rules itself
 * (ajv cannot evaluate CEL). cel-rules.test.ts checks each pair; cel.conformance.test.ts checks that
 * this list covers every rule found in ../shared/data/calico-v3.32.1/{crds,operator-crds}.
 *
 * The CRD message is the rule's identity; `message` is what validateResource reports.
 */
import { calico, type Obj, operator } from "../support/calico-objects.js";

export interface CelRuleCase {
  /** CRD file (under crds/ or operator-crds/) and JSON path of the schema node carrying the rule. */
  readonly crd: string;
  readonly at: string;
  /** The CRD's message for the rule. */
  readonly crdMessage: string;
  readonly violating: Obj;
  /** Path and message validateResource reports for the violating object. */
  readonly path: string;
  readonly message: string;
  readonly satisfying: Obj;
}

const POLICY_CRDS = [
  ["projectcalico.org_networkpolicies.yaml", "NetworkPolicy"],
  ["projectcalico.org_globalnetworkpolicies.yaml", "GlobalNetworkPolicy"],
  ["projectcalico.org_stagednetworkpolicies.yaml", "StagedNetworkPolicy"],
  ["projectcalico.org_stagedglobalnetworkpolicies.yaml", "StagedGlobalNetworkPolicy"],
] as const;

function policy(kind: string, spec: Obj): Obj {
  const namespaced = kind === "NetworkPolicy" || kind === "StagedNetworkPolicy";
  return calico(kind, "cel-test", spec, namespaced ? { namespace: "default" } : {});
}

/** Rule-level CEL rules shared by the four policy CRDs, for ingress and egress rules. */
function ruleCases(): CelRuleCase[] {
  const out: CelRuleCase[] = [];
  for (const [crd, kind] of POLICY_CRDS) {
    for (const dir of ["ingress", "egress"] as const) {
      const mk = (rule: Obj): Obj => policy(kind, { selector: "all()", [dir]: [rule] });
      const svcSide = dir === "egress" ? "destination" : "source";
      out.push(
        {
          crd,
          at: `spec.${dir}[]`,
          crdMessage: "rules with HTTP match must have protocol TCP or unset",
          violating: mk({ action: "Allow", protocol: "UDP", http: { methods: ["GET"] } }),
          path: `spec.${dir}[0].protocol`,
          message: "rules that specify HTTP fields must set protocol to TCP or empty",
          satisfying: mk({ action: "Allow", protocol: "TCP" }),
        },
        {
          crd,
          at: `spec.${dir}[]`,
          crdMessage: "HTTP match is only valid on Allow rules",
          violating: mk({ action: "Deny", http: { methods: ["GET"] } }),
          path: `spec.${dir}[0].http`,
          message: "HTTP match is only valid on Allow rules",
          satisfying: mk({ action: "Deny" }),
        },
        {
          crd,
          at: `spec.${dir}[]`,
          crdMessage: "ports and notPorts cannot be specified with services",
          violating: mk({ action: "Allow", protocol: "TCP", destination: { services: { name: "db", namespace: "prod" }, notPorts: [5432] } }),
          path: `spec.${dir}[0].destination.notPorts`,
          message: "cannot specify notports with a service selector",
          satisfying: mk({ action: "Allow", [svcSide]: { services: { name: "db", namespace: "prod" } } }),
        },
        {
          crd,
          at: `spec.${dir}[].icmp`,
          crdMessage: "ICMP code specified without an ICMP type",
          violating: mk({ action: "Allow", protocol: "ICMP", icmp: { code: 1 } }),
          path: `spec.${dir}[0].icmp.code`,
          message: "ICMP code specified without an ICMP type",
          satisfying: mk({ action: "Allow", protocol: "ICMP", icmp: { type: 3, code: 1 } }),
        },
        {
          crd,
          at: `spec.${dir}[].notICMP`,
          crdMessage: "ICMP code specified without an ICMP type",
          violating: mk({ action: "Allow", protocol: "ICMP", notICMP: { code: 1 } }),
          path: `spec.${dir}[0].notICMP.code`,
          message: "ICMP code specified without an ICMP type",
          satisfying: mk({ action: "Allow", protocol: "ICMP", notICMP: { type: 3 } }),
        },
      );
    }
  }
  return out;
}

/** Spec-level CEL rules of (Staged)GlobalNetworkPolicy. */
function globalSpecCases(): CelRuleCase[] {
  const out: CelRuleCase[] = [];
  for (const [crd, kind] of POLICY_CRDS.filter(([, k]) => k.includes("Global"))) {
    const mk = (spec: Obj): Obj => policy(kind, { selector: "all()", ...spec });
    out.push(
      {
        crd,
        at: "spec",
        crdMessage: "preDNAT and doNotTrack cannot both be true",
        violating: mk({ preDNAT: true, doNotTrack: true, applyOnForward: true }),
        path: "spec.preDNAT",
        message: "preDNAT and doNotTrack cannot both be true",
        satisfying: mk({ doNotTrack: true, applyOnForward: true }),
      },
      {
        crd,
        at: "spec",
        crdMessage: "preDNAT policy cannot have any egress rules",
        violating: mk({ preDNAT: true, applyOnForward: true, types: ["Ingress"], egress: [{ action: "Allow" }] }),
        path: "spec.egress",
        message: "preDNAT policy cannot have any egress rules",
        satisfying: mk({ preDNAT: true, applyOnForward: true, ingress: [{ action: "Deny" }] }),
      },
      {
        crd,
        at: "spec",
        crdMessage: "preDNAT policy cannot have 'Egress' type",
        violating: mk({ preDNAT: true, applyOnForward: true, types: ["Egress"] }),
        path: "spec.types",
        message: "preDNAT policy cannot have 'Egress' type",
        satisfying: mk({ preDNAT: true, applyOnForward: true, types: ["Ingress"] }),
      },
      {
        crd,
        at: "spec",
        crdMessage: "applyOnForward must be true if either preDNAT or doNotTrack is true",
        violating: mk({ doNotTrack: true }),
        path: "spec.applyOnForward",
        message: "applyOnForward must be true if either preDNAT or doNotTrack is true",
        satisfying: mk({ doNotTrack: false }),
      },
    );
  }
  return out;
}

export const CEL_RULE_CASES: readonly CelRuleCase[] = [
  ...ruleCases(),
  ...globalSpecCases(),
  {
    crd: "projectcalico.org_tiers.yaml",
    at: "",
    crdMessage: "The 'kube-admin' tier must have default action 'Pass'",
    violating: calico("Tier", "kube-admin", { order: 1000, defaultAction: "Deny" }),
    path: "spec.defaultAction",
    message: "The 'kube-admin' tier must have default action 'Pass'",
    satisfying: calico("Tier", "kube-admin", { order: 1000, defaultAction: "Pass" }),
  },
  {
    crd: "projectcalico.org_tiers.yaml",
    at: "",
    crdMessage: "The 'kube-baseline' tier must have default action 'Pass'",
    violating: calico("Tier", "kube-baseline", { order: 10000000 }),
    path: "spec.defaultAction",
    message: "The 'kube-baseline' tier must have default action 'Pass'",
    satisfying: calico("Tier", "kube-baseline", { order: 10000000, defaultAction: "Pass" }),
  },
  {
    crd: "projectcalico.org_tiers.yaml",
    at: "",
    crdMessage: "The 'default' tier must have default action 'Deny'",
    violating: calico("Tier", "default", { order: 1000000, defaultAction: "Pass" }),
    path: "spec.defaultAction",
    message: "The 'default' tier must have default action 'Deny'",
    // An unset defaultAction is defaulted to Deny by the CRD before the rule runs.
    satisfying: calico("Tier", "default", { order: 1000000 }),
  },
  {
    crd: "projectcalico.org_hostendpoints.yaml",
    at: "spec",
    crdMessage: "at least one of interfaceName or expectedIPs must be specified",
    violating: calico("HostEndpoint", "hep", { node: "node1" }),
    path: "spec.interfaceName",
    message: "at least one of interfaceName or expectedIPs must be specified",
    satisfying: calico("HostEndpoint", "hep", { node: "node1", expectedIPs: ["10.0.0.1"] }),
  },
  {
    crd: "projectcalico.org_hostendpoints.yaml",
    at: "spec",
    crdMessage: "node must be specified",
    violating: calico("HostEndpoint", "hep", { interfaceName: "eth0", node: "" }),
    path: "spec.node",
    message: "node must be specified",
    satisfying: calico("HostEndpoint", "hep", { interfaceName: "eth0", node: "node1" }),
  },
  {
    crd: "projectcalico.org_felixconfigurations.yaml",
    at: "",
    crdMessage: "nodeSelector must not be set on the 'default' or per-node ('node.*') FelixConfiguration",
    violating: calico("FelixConfiguration", "node.worker1", { nodeSelector: "all()" }),
    path: "spec.nodeSelector",
    message: "nodeSelector must not be set on the 'default' or per-node ('node.*') FelixConfiguration",
    satisfying: calico("FelixConfiguration", "workers", { nodeSelector: "role == 'worker'" }),
  },
  {
    crd: "projectcalico.org_felixconfigurations.yaml",
    at: "spec",
    crdMessage: "routeTableRange and routeTableRanges cannot both be set",
    violating: calico("FelixConfiguration", "default", { routeTableRange: { min: 1, max: 250 }, routeTableRanges: [{ min: 1, max: 250 }] }),
    path: "spec.routeTableRanges",
    message: "routeTableRange and routeTableRanges cannot both be set",
    satisfying: calico("FelixConfiguration", "default", { routeTableRanges: [{ min: 1, max: 250 }] }),
  },
  {
    crd: "projectcalico.org_ippools.yaml",
    at: "spec",
    crdMessage: "ipipMode and vxlanMode cannot both be enabled",
    violating: calico("IPPool", "p", { cidr: "10.0.0.0/16", ipipMode: "CrossSubnet", vxlanMode: "Always" }),
    path: "spec",
    message: "ipipMode and vxlanMode cannot both be enabled",
    satisfying: calico("IPPool", "p", { cidr: "10.0.0.0/16", ipipMode: "Never", vxlanMode: "Always" }),
  },
  {
    crd: "projectcalico.org_ippools.yaml",
    at: "spec",
    crdMessage: "LoadBalancer IP pool cannot have IPIP or VXLAN enabled",
    violating: calico("IPPool", "lb", { cidr: "10.1.0.0/24", ipipMode: "Always", allowedUses: ["LoadBalancer"] }),
    path: "spec",
    message: "LoadBalancer IP pool cannot have IPIP or VXLAN enabled",
    satisfying: calico("IPPool", "lb", { cidr: "10.1.0.0/24", allowedUses: ["LoadBalancer"] }),
  },
  {
    crd: "projectcalico.org_ippools.yaml",
    at: "spec",
    crdMessage: "LoadBalancer cannot be combined with Workload or Tunnel allowed uses",
    violating: calico("IPPool", "lb", { cidr: "10.1.0.0/24", allowedUses: ["LoadBalancer", "Tunnel"] }),
    path: "spec.allowedUses",
    message: "LoadBalancer cannot be combined with Workload or Tunnel allowed uses",
    satisfying: calico("IPPool", "lb", { cidr: "10.1.0.0/24", allowedUses: ["Workload", "Tunnel"] }),
  },
  {
    crd: "projectcalico.org_ippools.yaml",
    at: "spec",
    crdMessage: "IPIP is not supported on IPv6 pools",
    violating: calico("IPPool", "v6", { cidr: "fd00:10::/48", ipipMode: "Always" }),
    path: "spec.ipipMode",
    message: "IPIP is not supported on IPv6 pools",
    satisfying: calico("IPPool", "v6", { cidr: "fd00:10::/48", vxlanMode: "Always" }),
  },
  {
    crd: "projectcalico.org_bgppeers.yaml",
    at: "spec",
    crdMessage: "node and nodeSelector cannot both be set",
    violating: calico("BGPPeer", "p", { node: "n1", nodeSelector: "all()", peerIP: "10.0.0.1", asNumber: 64512 }),
    path: "spec",
    message: "node and nodeSelector cannot both be set",
    satisfying: calico("BGPPeer", "p", { nodeSelector: "all()", peerIP: "10.0.0.1", asNumber: 64512 }),
  },
  {
    crd: "projectcalico.org_bgppeers.yaml",
    at: "spec",
    crdMessage: "peerIP and peerSelector cannot both be set",
    violating: calico("BGPPeer", "p", { peerIP: "10.0.0.1", peerSelector: "rr == 'true'" }),
    path: "spec",
    message: "peerIP and peerSelector cannot both be set",
    satisfying: calico("BGPPeer", "p", { peerSelector: "rr == 'true'" }),
  },
  {
    crd: "projectcalico.org_bgppeers.yaml",
    at: "spec",
    crdMessage: "asNumber must be empty when peerSelector is set",
    violating: calico("BGPPeer", "p", { peerSelector: "rr == 'true'", asNumber: 64512 }),
    path: "spec.asNumber",
    message: "asNumber must be empty when peerSelector is set",
    satisfying: calico("BGPPeer", "p", { peerIP: "10.0.0.1", asNumber: 64512 }),
  },
  {
    crd: "projectcalico.org_bgppeers.yaml",
    at: "spec",
    crdMessage: "peerIP must be empty when localWorkloadSelector is set",
    violating: calico("BGPPeer", "p", { localWorkloadSelector: "app == 'bird'", peerIP: "10.0.0.1", asNumber: 64512 }),
    path: "spec.peerIP",
    message: "peerIP must be empty when localWorkloadSelector is set",
    satisfying: calico("BGPPeer", "p", { localWorkloadSelector: "app == 'bird'", asNumber: 64512 }),
  },
  {
    crd: "projectcalico.org_bgppeers.yaml",
    at: "spec",
    crdMessage: "peerSelector must be empty when localWorkloadSelector is set",
    violating: calico("BGPPeer", "p", { localWorkloadSelector: "app == 'bird'", peerSelector: "all()", asNumber: 64512 }),
    path: "spec.peerSelector",
    message: "peerSelector must be empty when localWorkloadSelector is set",
    satisfying: calico("BGPPeer", "p", { localWorkloadSelector: "app == 'bird'", asNumber: 64512 }),
  },
  {
    crd: "projectcalico.org_bgppeers.yaml",
    at: "spec",
    crdMessage: "asNumber is required when localWorkloadSelector is set",
    violating: calico("BGPPeer", "p", { localWorkloadSelector: "app == 'bird'", asNumber: 0 }),
    path: "spec.asNumber",
    message: "asNumber is required when localWorkloadSelector is set",
    satisfying: calico("BGPPeer", "p", { localWorkloadSelector: "app == 'bird'", asNumber: 65001 }),
  },
  {
    crd: "projectcalico.org_bgpconfigurations.yaml",
    at: "spec",
    crdMessage: "nodeMeshPassword cannot be set when nodeToNodeMeshEnabled is false",
    violating: calico("BGPConfiguration", "default", { nodeToNodeMeshEnabled: false, nodeMeshPassword: { secretKeyRef: { name: "bgp", key: "pw" } } }),
    path: "spec.nodeMeshPassword",
    message: "nodeMeshPassword cannot be set when nodeToNodeMeshEnabled is false",
    satisfying: calico("BGPConfiguration", "default", { nodeToNodeMeshEnabled: true, nodeMeshPassword: { secretKeyRef: { name: "bgp", key: "pw" } } }),
  },
  {
    crd: "projectcalico.org_bgpconfigurations.yaml",
    at: "spec",
    crdMessage: "nodeMeshMaxRestartTime cannot be set when nodeToNodeMeshEnabled is false",
    violating: calico("BGPConfiguration", "default", { nodeToNodeMeshEnabled: false, nodeMeshMaxRestartTime: "120s" }),
    path: "spec.nodeMeshMaxRestartTime",
    message: "nodeMeshMaxRestartTime cannot be set when nodeToNodeMeshEnabled is false",
    satisfying: calico("BGPConfiguration", "default", { nodeMeshMaxRestartTime: "120s" }),
  },
  ...(["exportV4", "importV4", "exportV6", "importV6"] as const).flatMap((list): CelRuleCase[] => {
    const cidr = list.endsWith("V4") ? "10.0.0.0/8" : "fd00::/8";
    const mk = (rule: Obj): Obj => calico("BGPFilter", "f", { [list]: [rule] });
    return [
      {
        crd: "projectcalico.org_bgpfilters.yaml",
        at: `spec.${list}[]`,
        crdMessage: "cidr and matchOperator must both be set or both be empty",
        violating: mk({ action: "Accept", matchOperator: "In" }),
        path: `spec.${list}[0]`,
        message: "cidr and matchOperator must both be set or both be empty",
        satisfying: mk({ action: "Accept", matchOperator: "In", cidr }),
      },
      {
        crd: "projectcalico.org_bgpfilters.yaml",
        at: `spec.${list}[]`,
        crdMessage: "cidr is required when prefixLength is set",
        violating: mk({ action: "Reject", prefixLength: { max: 24 } }),
        path: `spec.${list}[0].prefixLength`,
        message: "cidr is required when prefixLength is set",
        satisfying: mk({ action: "Reject", cidr, matchOperator: "In", prefixLength: { max: 24 } }),
      },
      {
        crd: "projectcalico.org_bgpfilters.yaml",
        at: `spec.${list}[]`,
        crdMessage: "operations may only be used with action Accept",
        violating: mk({ action: "Reject", operations: [{ setPriority: { value: 10 } }] }),
        path: `spec.${list}[0].operations`,
        message: "operations may only be used with action Accept",
        satisfying: mk({ action: "Accept", operations: [{ setPriority: { value: 10 } }] }),
      },
    ];
  }),
  {
    crd: "operator.tigera.io_installations.yaml",
    at: "",
    crdMessage: "resource name must be 'default', 'tigera-secure', or 'overlay'",
    violating: operator("Installation", "calico"),
    path: "metadata.name",
    message: "resource name must be 'default', 'tigera-secure', or 'overlay'",
    satisfying: operator("Installation", "overlay"),
  },
  {
    crd: "operator.tigera.io_apiservers.yaml",
    at: "",
    crdMessage: "resource name must be 'default' or 'tigera-secure'",
    violating: operator("APIServer", "calico-apiserver"),
    path: "metadata.name",
    message: "resource name must be 'default' or 'tigera-secure'",
    satisfying: operator("APIServer", "tigera-secure"),
  },
  {
    crd: "operator.tigera.io_goldmanes.yaml",
    at: "",
    crdMessage: "resource name must be 'default'",
    violating: operator("Goldmane", "goldmane"),
    path: "metadata.name",
    message: "resource name must be 'default'",
    satisfying: operator("Goldmane", "default"),
  },
  {
    crd: "operator.tigera.io_whiskers.yaml",
    at: "",
    crdMessage: "resource name must be 'default'",
    violating: operator("Whisker", "ui"),
    path: "metadata.name",
    message: "resource name must be 'default'",
    satisfying: operator("Whisker", "default"),
  },
];

/**
 * CEL rules that compare an update with the stored object (`self == oldSelf`). They cannot be judged
 * from one manifest; validateResource does not claim them (a diff of two revisions shows such changes).
 */
export const TRANSITION_RULES: readonly { crd: string; at: string; crdMessage: string }[] = [
  { crd: "projectcalico.org_ippools.yaml", at: "spec.blockSize", crdMessage: "Block size cannot be changed; follow IP pool migration guide to avoid corruption." },
  { crd: "projectcalico.org_ippools.yaml", at: "spec.cidr", crdMessage: "CIDR cannot be changed; follow IP pool migration guide to avoid corruption." },
];
