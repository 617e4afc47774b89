import { addTransactionCapability, makeCacheableSignalKeyStore } from "@whiskeysockets/baileys";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createHarness, REF, sessionBytes } from "../../../test/auth-state/fakes.js";
import { createMemoryStorage } from "../../storage/memory.js";
import { openAuthState, useSessionvaultAuthState } from "./index.js";

const logger = pino({ level: "silent" });

describe("auth state as a drop-in for useMultiFileAuthState", () => {
  it("works under Baileys' own cache and transaction layers (what makeWASocket wraps it in)", async () => {
    const h = createHarness();
    const auth = await openAuthState(h.deps, REF);
    const keys = addTransactionCapability(makeCacheableSignalKeyStore(auth.state.keys, logger), logger, {
      maxCommitRetries: 3,
      delayBetweenTriesMs: 10,
    });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        keys.transaction(async () => {
          await keys.set({ session: { [`${i}.0`]: sessionBytes(100) }, "pre-key": { [String(i)]: null } });
        }, `tx-${i}`),
      ),
    );
    const reopened = await openAuthState(h.deps, REF);
    const ids = Array.from({ length: 20 }, (_, i) => `${i}.0`);
    expect(Object.keys(await reopened.state.keys.get("session", ids))).toHaveLength(20);
  });

  it("useSessionvaultAuthState(storage, sessionId, masterKey) returns {state, saveCreds} that persist", async () => {
    const storage = createMemoryStorage();
    const masterKey = new Uint8Array(32).fill(7);
    const first = await useSessionvaultAuthState(storage, "bot", masterKey);
    first.state.creds.me = { id: "4917612345678:1@s.whatsapp.net" };
    await first.saveCreds();
    await first.state.keys.set({ "lid-mapping": { "4917612345678": "123@lid" } });
    const second = await useSessionvaultAuthState(storage, "bot", masterKey);
    expect(second.state.creds.me?.id).toBe("4917612345678:1@s.whatsapp.net");
    expect(await second.state.keys.get("lid-mapping", ["4917612345678"])).toEqual({
      "4917612345678": "123@lid",
    });
    const other = await useSessionvaultAuthState(storage, { tenantId: "t2", sessionId: "bot" }, masterKey);
    expect(other.state.creds.me).toBeUndefined();
  });
});
