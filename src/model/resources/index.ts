export * from "./calico-policy.js";
export * from "./calico-other.js";
export * from "./calico-network.js";
export * from "./k8s-networkpolicy.js";
export * from "./k8s-admin-policy.js";
export * from "./meta.js";
export * from "./operator.js";
export * from "./resource.js";
export { closest, editDistance, suggest } from "./shape.js";
