import { Resource } from "sst/resource";
import type { LinkedResources } from "./types.js";

/**
 * SST's linked resources as a plain lookup. Only entry files call this; `Resource` is a
 * proxy that reads `SST_RESOURCE_*` and the Lambda's injected links, and is empty elsewhere.
 */
export function linkedResources(): LinkedResources {
  const names = [
    "SessionvaultTable",
    "SessionvaultBlobs",
    "MasterKey",
    "AdminKey",
    "TelegramApiId",
    "TelegramApiHash",
  ];
  const out: LinkedResources = {};
  const resource = Resource as unknown as Record<string, { name?: string; value?: string }>;
  for (const name of names) if (name in resource) out[name] = resource[name];
  return out;
}
