// Every object `npm start` writes is strict-valid against the upstream schemas: projectcalico.org/v3 kinds
// against Calico 3.32.1's CRDs (unknown fields are errors), Kubernetes kinds against kubernetes-models.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Namespace, Service, ServiceAccount } from "kubernetes-models/v1";
import { ClusterRole, ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { k8s } from "cdk8s-plus-27";
import { POLICIES_DIR } from "../../policies/catalog.js";
import { loadStackConfig } from "../../src/config/index.js";
import { synthMonitoring } from "../../src/rendering/monitoring.js";
import { synthBaseline } from "../../src/rendering/synth.js";
import { hasUpstreamCrd, validateAgainstUpstreamCrd } from "../support/crd-schema.js";
import { loadStack } from "../../src/cli/stack-input.js";
import { validateResource } from "../../src/model/validate/index.js";

/**
 * Kubernetes' admin policy kinds (policy.networking.k8s.io, kubernetes-sigs/network-policy-api CRDs): the
 * reference data holds only Calico's own CRDs, so these are checked by validateResource (shapes from the
 * upstream types, test/model/admin-policy.test.ts) for the stack's Calico minor instead.
 */
function isAdminPolicy(o: Record<string, unknown>): boolean {
  return String(o["apiVersion"]).startsWith("policy.networking.k8s.io/");
}
import { CALICO_CONFIG_FILE, NAMESPACES_FILE } from "../../src/rendering/stack-files.js";

const ROOT = join(POLICIES_DIR, "..");

const K8S: Record<string, (o: Record<string, unknown>) => { validate(): void }> = {
  "v1/Namespace": (o) => new Namespace(o as ConstructorParameters<typeof Namespace>[0]),
  "v1/Service": (o) => new Service(o as ConstructorParameters<typeof Service>[0]),
  "v1/ServiceAccount": (o) => new ServiceAccount(o as ConstructorParameters<typeof ServiceAccount>[0]),
  "rbac.authorization.k8s.io/v1/ClusterRole": (o) => new ClusterRole(o as ConstructorParameters<typeof ClusterRole>[0]),
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": (o) => new ClusterRoleBinding(o as ConstructorParameters<typeof ClusterRoleBinding>[0]),
};

/**
 * kubernetes-models checks types and enums but lets unknown fields through. For the strict part, the
 * Kubernetes API bindings generated from the 1.27 OpenAPI spec (shipped in cdk8s-plus-27) serialise only
 * the fields the spec knows: an object that survives the round trip unchanged has no unknown field.
 */
const STRICT: Record<string, (props: Record<string, unknown>) => unknown> = {
  "v1/Namespace": (p) => k8s.toJson_KubeNamespaceProps(p as k8s.KubeNamespaceProps),
  "v1/Service": (p) => k8s.toJson_KubeServiceProps(p as unknown as k8s.KubeServiceProps),
  "v1/ServiceAccount": (p) => k8s.toJson_KubeServiceAccountProps(p as k8s.KubeServiceAccountProps),
  "rbac.authorization.k8s.io/v1/ClusterRole": (p) => k8s.toJson_KubeClusterRoleProps(p as k8s.KubeClusterRoleProps),
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": (p) => k8s.toJson_KubeClusterRoleBindingProps(p as unknown as k8s.KubeClusterRoleBindingProps),
};

/**
 * The generated bindings spell a few acronym fields differently (jsii casing) and wrap int-or-string values
 * in an IntOrString (`{ value }`); map our plain objects to their input form.
 */
const BINDING_KEYS: Record<string, string> = { nonResourceURLs: "nonResourceUrLs", clusterIP: "clusterIp" };
const INT_OR_STRING_KEYS = new Set(["targetPort"]);
function toBindingKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toBindingKeys);
  if (typeof v !== "object" || v === null) return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [BINDING_KEYS[k] ?? k, INT_OR_STRING_KEYS.has(k) ? { value: x } : toBindingKeys(x)]),
  );
}

describe("conformance of everything synth writes", () => {
  for (const stack of ["dev", "prod"]) {
    it(`${stack}: every Calico object is valid against the upstream CRD schema`, () => {
      const policies = loadStackConfig(stack, { cwd: ROOT }).policies;
      const objects = synthBaseline(policies).flatMap((c) => c.objects);
      expect(objects.length).toBeGreaterThan(10);
      for (const o of objects) {
        const id = `${String(o["kind"])}/${JSON.stringify(o["metadata"])}`;
        if (isAdminPolicy(o)) {
          expect(validateResource(o, { calicoVersion: policies.calicoMinor }), id).toEqual([]);
          continue;
        }
        expect(hasUpstreamCrd(String(o["apiVersion"]), String(o["kind"])), id).toBe(true);
        expect(validateAgainstUpstreamCrd(o), id).toEqual([]);
      }
    });
  }
  for (const stack of ["dev", "prod"]) {
    it(`${stack}: the namespaces and the Calico configuration synth writes are valid against the upstream schemas`, () => {
      const files = loadStack(stack, ROOT).files.filter((f) => f.file === NAMESPACES_FILE || f.file === CALICO_CONFIG_FILE);
      expect(files.map((f) => f.file)).toEqual([NAMESPACES_FILE, CALICO_CONFIG_FILE]);
      for (const o of files.flatMap((f) => f.objects)) {
        const id = `${String(o["kind"])}/${JSON.stringify(o["metadata"])}`;
        if (String(o["apiVersion"]).startsWith("projectcalico.org/")) {
          // FelixConfiguration and KubeControllersConfiguration against Calico 3.32.1's CRDs.
          expect(hasUpstreamCrd(String(o["apiVersion"]), String(o["kind"])), id).toBe(true);
          expect(validateAgainstUpstreamCrd(o), id).toEqual([]);
          continue;
        }
        const make = K8S[`${String(o["apiVersion"])}/${String(o["kind"])}`];
        expect(make, id).toBeDefined();
        expect(() => make?.(o).validate(), id).not.toThrow();
        const { apiVersion, kind, ...props } = o;
        expect(STRICT[`${String(apiVersion)}/${String(kind)}`]?.(toBindingKeys(props) as Record<string, unknown>), id).toEqual(props);
      }
    });
  }
  it("every staged variant is valid too (a stack in stage mode)", () => {
    const policies = loadStackConfig("dev", { cwd: ROOT }).policies;
    for (const o of synthBaseline({ ...policies, mode: "stage", tiers: {} }).flatMap((c) => c.objects)) {
      if (isAdminPolicy(o)) continue; // not staged (Kubernetes has no staged kind); checked above
      expect(validateAgainstUpstreamCrd(o), JSON.stringify(o["metadata"])).toEqual([]);
    }
  });
  it("the strict Kubernetes check does catch an unknown field", () => {
    const svc = synthMonitoring().find((o) => o["kind"] === "Service") as Record<string, unknown>;
    // A misspelt field (sessionAfinity) must not survive the round trip.
    const props: Record<string, unknown> = { metadata: svc["metadata"], spec: { ...(svc["spec"] as object), sessionAfinity: "None" } };
    expect(STRICT["v1/Service"]?.(toBindingKeys(props) as Record<string, unknown>)).not.toEqual(props);
    const { sessionAfinity: _dropped, ...knownSpec } = props["spec"] as Record<string, unknown>;
    expect(STRICT["v1/Service"]?.(toBindingKeys({ ...props, spec: knownSpec }) as Record<string, unknown>)).toEqual({ ...props, spec: knownSpec });
  });
  it("every Kubernetes object of monitoring.yaml is valid against the Kubernetes schemas", () => {
    const objects = synthMonitoring();
    expect(objects.map((o) => o["kind"]).sort()).toEqual(["ClusterRole", "ClusterRoleBinding", "Namespace", "Service", "Service", "Service", "ServiceAccount"]);
    for (const o of objects) {
      const make = K8S[`${String(o["apiVersion"])}/${String(o["kind"])}`];
      expect(make, String(o["kind"])).toBeDefined();
      expect(() => make?.(o).validate()).not.toThrow();
      const { apiVersion, kind, ...props } = o;
      const strict = STRICT[`${String(apiVersion)}/${String(kind)}`];
      expect(strict, String(kind)).toBeDefined();
      expect(strict?.(toBindingKeys(props) as Record<string, unknown>), `${String(kind)} has a field the Kubernetes API does not know`).toEqual(props);
    }
  });
});
