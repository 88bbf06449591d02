/**
 * calico-baseline's library API. Keep these names stable.
 */
export type { Problem } from "./model/problem.js";
export { UserError, formatProblem } from "./model/problem.js";
