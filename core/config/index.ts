export { ConfigError, resolveConfig } from "./resolve.js";
export { linkedResources } from "./sst-resource.js";
export { createStorageFromConfig } from "./storage.js";
export type { AwsStorageConfig, Config, LinkedResources, LocalStorageConfig } from "./types.js";
