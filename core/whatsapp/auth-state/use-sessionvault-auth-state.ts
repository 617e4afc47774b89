import type { AuthenticationState } from "@whiskeysockets/baileys";
import type { Storage } from "../../storage/types.js";
import { createVault } from "../../vault/vault.js";
import type { SessionRef } from "./blob-keys.js";
import { openAuthState } from "./open.js";

/** Tenant used when a plain string session id is given. */
const DEFAULT_TENANT = "default";

/**
 * Drop-in for Baileys' `useMultiFileAuthState(folder)`: same `{state, saveCreds}` shape, but
 * every `keys.set` and `saveCreds` is durable and encrypted in `storage` when it resolves.
 * Each call takes over the session as a new owner, so the previous holder (another process
 * still running) can no longer move its pointer. `sessionId` may carry a tenant.
 */
export async function useSessionvaultAuthState(
  storage: Pick<Storage, "records" | "blobs">,
  sessionId: string | SessionRef,
  masterKey: Uint8Array,
): Promise<{ state: AuthenticationState; saveCreds: () => Promise<void> }> {
  const ref = typeof sessionId === "string" ? { tenantId: DEFAULT_TENANT, sessionId } : sessionId;
  const vault = createVault(storage.blobs, masterKey);
  const opened = await openAuthState({ records: storage.records, vault }, ref);
  return { state: opened.state, saveCreds: opened.saveCreds };
}
