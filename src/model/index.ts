/**
 * The Calico policy model: selectors, typed resources, ports, networks and validation.
 * No cdk8s and no Pulumi in here; components, analysis and deployment build on it.
 */
export * from "./selector/index.js";
export * from "./resources/index.js";
export * from "./ports.js";
export * from "./net.js";
export * from "./validate/index.js";
export { formatProblem, joinPath, type Problem, UserError } from "./problem.js";
