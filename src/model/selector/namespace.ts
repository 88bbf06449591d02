/**
 * How Calico evaluates a selector used as a rule's (EntityRule's) `namespaceSelector`.
 *
 * Calico does not evaluate a namespaceSelector on the namespace object. When it converts a policy
 * for Felix (libcalico-go/lib/backend/syncersv1/updateprocessors/rules.go `getEndpointSelector`) it
 *  1. prefixes every label key in the selector with `pcns.` (Felix gives each pod and NetworkSet the
 *     labels of its namespace under that prefix, plus `pcns.projectcalico.org/name: <namespace>`;
 *     k8s/conversion/conversion.go), then
 *  2. textually replaces `all()` by `has(projectcalico.org/namespace)` ("is namespaced") and
 *     `global()` by `!has(projectcalico.org/namespace)` ("is not namespaced"), and
 *  3. ANDs the result with the rule's `selector`/service-account selector, if any.
 *
 * So for an entity (endpoint or network set) the namespaceSelector is the original expression
 * evaluated on the labels of the entity's namespace, with `all()` meaning "the entity is in a
 * namespace" and `global()` meaning "it is not". A non-namespaced entity (HostEndpoint,
 * GlobalNetworkSet) has no `pcns.` labels at all, so it is evaluated on an EMPTY map: it matches
 * `global()`, but also any namespaceSelector that is true on `{}`, such as `name != "x"`,
 * `name not in {...}` or `!has(name)`.
 *
 * (Calico's replacement is textual, so it would also rewrite a quoted value such as `a == "all()"`;
 * that corner is not reproduced here.)
 *
 * This covers the selector only; whether a rule without a namespaceSelector is limited to the
 * policy's own namespace (NetworkPolicy) or not (GlobalNetworkPolicy) is policy semantics.
 */
import { compileNode, type Labels, type Matcher } from "./compile.js";
import type { Selector } from "./selector.js";

const NAMESPACED = { all: true, global: false } as const;
const NOT_NAMESPACED = { all: false, global: true } as const;
const EMPTY: Labels = Object.freeze({});

/**
 * Compiles `s` as a rule namespaceSelector. The returned function takes the labels of the
 * entity's namespace (include `projectcalico.org/name: <namespace name>`, which Calico adds), or
 * `null` for an entity that is not in a namespace (HostEndpoint, GlobalNetworkSet).
 */
export function namespaceSelectorMatcher(s: Selector): (namespaceLabels: Labels | null) => boolean {
  const namespaced: Matcher = compileNode(s.ast, NAMESPACED);
  const global: Matcher = compileNode(s.ast, NOT_NAMESPACED);
  return (namespaceLabels) => (namespaceLabels === null ? global(EMPTY) : namespaced(namespaceLabels));
}
