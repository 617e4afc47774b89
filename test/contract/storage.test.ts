import { createMemoryStorage } from "../../core/storage/memory.js";
import { ADAPTERS, createTestStorage } from "../helpers/test-storage.js";
import { runStorageContract } from "./storage-contract.js";

runStorageContract("memory", async () => ({ storage: createMemoryStorage(), dispose: async () => {} }));
for (const adapter of ADAPTERS) runStorageContract(adapter, () => createTestStorage(adapter));
