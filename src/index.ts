/**
 * calico-baseline's library API. Keep these names stable.
 *
 * - `parseSelector(text)` → `Selector` (`matches(labels)`, canonical `toString()`), `SelectorError`, `sel` builder;
 * - `validateResource(obj, { calicoVersion })` → every `Problem` (empty means valid);
 * - `parseResource(obj)` → `{ resource?: Resource, problems }` with typed resources;
 * - ports, protocols and CIDR helpers used by the components and the analysis engine.
 */
export * from "./model/index.js";
