/** Stack configuration: types, the pure parser and the offline loader. No Pulumi import here. */
export * from "./types.js";
export { parseStackConfig, CONFIG_NAMESPACE, CONFIG_KEYS, SECRET_FIELDS, type RawStackConfig, type ConfigKey } from "./parse.js";
export { loadStackConfig, listStacks } from "./load.js";
export { checkStackName, STACK_NAME_PATTERN } from "./stack-name.js";
export { KNOWN_CALICO_RELEASES, DEFAULT_CALICO_VERSION } from "./releases.js";
