/**
 * The Consul → GlobalNetworkSet controller's Kubernetes objects (docs/networkset-sync.md). Pure: the Pulumi
 * component applies them and adds the token Secret (a Pulumi secret). RBAC is limited to what the controller
 * calls: GlobalNetworkSets (projectcalico.org, cluster-scoped: get, list, create, update) and its one Lease
 * (coordination.k8s.io, in its namespace: get, create, update).
 *
 * RBAC cannot say "only the sets it owns" (it has no label conditions), so on a cluster whose GlobalNetworkSets
 * are native projectcalico.org/v3 CRDs (`calico.crds: v3`), whose writes pass kube-apiserver's admission, a
 * ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, GA in Kubernetes 1.30; kubernetes.io/docs/reference/
 * access-authn-authz/validating-admission-policy) makes the API server refuse what the controller itself never
 * does: a set created without the owner label, an update of a set that did not carry it (adopting someone
 * else's set) or that drops it, and any delete. It matches only the controller's ServiceAccount. With the Calico
 * API server (`crds: v1`) the sets are an aggregated API whose requests kube-apiserver proxies without running
 * its admission chain, so the policy would never see them and is not deployed; the controller's own ownership
 * check (src/sync/networkset.ts) is then the only guard.
 */
import { stringify } from "yaml";
import { SYNC_CONFIG_PATH, SYNC_METRICS_PORT, SYNC_TOKEN_PATH } from "../../config/networkset-sync.js";
import type { NetworkSetSyncConfig } from "../../config/types.js";
import { NETWORKSET_SYNC_APP_LABEL } from "../../analysis/invariants.js";
import { OWNER_LABEL, OWNER_VALUE } from "../../sync/labels.js";
import { PULL_SECRET_NAME } from "./calico.js";

export const SYNC_NAME = "networkset-sync";
/** The Secret holding the Consul token (key `token`), created by the Pulumi component. */
export const SYNC_TOKEN_SECRET = "networkset-sync-consul-token";

type Obj = Record<string, unknown>;

/** The ValidatingAdmissionPolicy (and its binding) that keeps the controller to the sets it owns. */
export const SYNC_OWNERSHIP_POLICY = "calico-baseline-networkset-sync-owned-sets";

export interface NetworkSetSyncObjectOptions {
  /** The GlobalNetworkSets are native v3 CRDs (`calico.crds: v3`): the ownership admission policy applies. */
  readonly nativeV3Crds: boolean;
}

/** CEL: `o` carries the controller's owner label. */
function ownedCel(o: string): string {
  return `has(${o}.metadata.labels) && '${OWNER_LABEL}' in ${o}.metadata.labels && ${o}.metadata.labels['${OWNER_LABEL}'] == '${OWNER_VALUE}'`;
}

function ownershipPolicy(ns: string, labels: Record<string, string>): Obj[] {
  const name = SYNC_OWNERSHIP_POLICY;
  return [
    {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name, labels },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: {
          resourceRules: [{ apiGroups: ["projectcalico.org"], apiVersions: ["*"], operations: ["CREATE", "UPDATE", "DELETE"], resources: ["globalnetworksets"] }],
        },
        matchConditions: [{ name: "is-networkset-sync", expression: `request.userInfo.username == 'system:serviceaccount:${ns}:${SYNC_NAME}'` }],
        validations: [
          { expression: "request.operation != 'DELETE'", message: "the networkset-sync controller never deletes GlobalNetworkSets", reason: "Forbidden" },
          { expression: `request.operation == 'DELETE' || (${ownedCel("object")})`, message: `the networkset-sync controller writes only sets labelled ${OWNER_LABEL}=${OWNER_VALUE}`, reason: "Forbidden" },
          { expression: `request.operation != 'UPDATE' || (${ownedCel("oldObject")})`, message: `this GlobalNetworkSet is not the networkset-sync controller's (no ${OWNER_LABEL}=${OWNER_VALUE} label): it never adopts another owner's set`, reason: "Forbidden" },
        ],
      },
    },
    {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      metadata: { name, labels },
      spec: { policyName: name, validationActions: ["Deny"] },
    },
  ];
}

export function networkSetSyncObjects(c: NetworkSetSyncConfig, registryHost: string, options: NetworkSetSyncObjectOptions): Obj[] {
  const ns = c.namespace;
  const labels = { ...NETWORKSET_SYNC_APP_LABEL, "app.kubernetes.io/part-of": "calico-baseline" };
  const meta = (name: string, namespaced = true): Obj => ({ name, ...(namespaced ? { namespace: ns } : {}), labels });
  const configYaml = stringify(c.controllerConfig, { sortMapEntries: true });
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: { "app.kubernetes.io/part-of": "calico-baseline" } } },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(SYNC_NAME), imagePullSecrets: [{ name: PULL_SECRET_NAME }] },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: meta(`calico-baseline-${SYNC_NAME}`, false),
      rules: [{ apiGroups: ["projectcalico.org"], resources: ["globalnetworksets"], verbs: ["get", "list", "create", "update"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: meta(`calico-baseline-${SYNC_NAME}`, false),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: `calico-baseline-${SYNC_NAME}` },
      subjects: [{ kind: "ServiceAccount", name: SYNC_NAME, namespace: ns }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: meta(`${SYNC_NAME}-lease`),
      rules: [
        { apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: [SYNC_NAME], verbs: ["get", "update"] },
        // create cannot be limited by resourceNames (the name is not known to the authorizer before the object exists).
        { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta(`${SYNC_NAME}-lease`),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: `${SYNC_NAME}-lease` },
      subjects: [{ kind: "ServiceAccount", name: SYNC_NAME, namespace: ns }],
    },
    { apiVersion: "v1", kind: "ConfigMap", metadata: meta(SYNC_NAME), data: { "config.yaml": configYaml } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta(SYNC_NAME),
      spec: {
        replicas: c.replicas,
        selector: { matchLabels: NETWORKSET_SYNC_APP_LABEL },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: SYNC_NAME,
            imagePullSecrets: [{ name: PULL_SECRET_NAME }],
            securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } },
            ...(c.tolerations.length > 0 ? { tolerations: c.tolerations.map((t) => ({ ...t })) } : {}),
            containers: [
              {
                name: SYNC_NAME,
                image: `${registryHost}/${c.image}`,
                // The image's entrypoint is `calico-baseline sync-networksets` (Dockerfile, scripts/build-controller-image.mjs).
                args: ["--config", SYNC_CONFIG_PATH],
                env: [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
                ports: [{ name: "metrics", containerPort: SYNC_METRICS_PORT, protocol: "TCP" }],
                readinessProbe: { httpGet: { path: "/readyz", port: "metrics" }, periodSeconds: 10 },
                livenessProbe: { httpGet: { path: "/healthz", port: "metrics" }, periodSeconds: 20 },
                resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                volumeMounts: [
                  { name: "config", mountPath: SYNC_CONFIG_PATH.slice(0, SYNC_CONFIG_PATH.lastIndexOf("/")), readOnly: true },
                  { name: "consul-token", mountPath: SYNC_TOKEN_PATH.slice(0, SYNC_TOKEN_PATH.lastIndexOf("/")), readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: "config", configMap: { name: SYNC_NAME } },
              { name: "consul-token", secret: { secretName: SYNC_TOKEN_SECRET, items: [{ key: "token", path: "token" }] } },
            ],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(`${SYNC_NAME}-metrics`),
      spec: { selector: NETWORKSET_SYNC_APP_LABEL, ports: [{ name: "metrics", port: SYNC_METRICS_PORT, targetPort: "metrics", protocol: "TCP" }] },
    },
    ...(options.nativeV3Crds ? ownershipPolicy(ns, labels) : []),
  ];
}
