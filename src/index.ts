/**
 * calico-baseline's library API. Keep these names stable.
 *
 * - `parseSelector(text)` → `Selector` (`matches(labels)`, canonical `toString()`), `SelectorError`, `sel` builder;
 * - `validateResource(obj, { calicoVersion })` → every `Problem` (empty means valid);
 * - `parseResource(obj)` → `{ resource?: Resource, problems }` with typed resources;
 * - ports, protocols and CIDR helpers used by the components and the analysis engine.
 * - the analysis engine: `explain`, `computeConnectivity`, `diffModels`, `checkInvariants`, `expectFlow`, reports.
 */
export * from "./model/index.js";
/**
 * The analysis engine (docs/analysis.md): evaluate flows with Calico's tier semantics, connectivity, diff,
 * lockout invariants, reports, and the `expectFlow(...)` test helper for users' own policy tests.
 */
export * from "./analysis/index.js";
