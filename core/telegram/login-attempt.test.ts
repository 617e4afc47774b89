import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createMemoryStorage } from "../storage/memory.js";
import { createVault } from "../vault/vault.js";
import { TelegramError } from "./errors.js";
import { consumeAttempt, loadAttempt, markPasswordStage, saveAttempt } from "./login-attempt.js";
import type { TelegramContext } from "./session/index.js";

/** Pending code logins: identity-bound, sealed under the phone_code_hash, expiring. */
describe("login attempts", () => {
  function setup(): { ctx: TelegramContext; advance(ms: number): void } {
    const storage = createMemoryStorage();
    let now = 1_700_000_000_000;
    const ctx: TelegramContext = {
      storage,
      vault: createVault(storage.blobs, randomBytes(32)),
      clock: () => now,
      config: { telegram: { loginTtlMs: 60_000 } },
    };
    return {
      ctx,
      advance: (ms) => {
        now += ms;
      },
    };
  }
  const ref = { tenantId: "ten_A", phoneNumber: "+1 555 0100", phoneCodeHash: "hash-1" };
  const data = { apiId: 1, apiHash: "h".repeat(32), sessionString: "1SECRETSESSIONSTRING" };

  async function codeOf(promise: Promise<unknown>): Promise<string> {
    const err = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    return err instanceof TelegramError ? err.code : `not a TelegramError: ${String(err)}`;
  }

  it("round-trips for the same tenant, phone (any spelling) and hash; the stage is kept", async () => {
    const { ctx } = setup();
    await saveAttempt(ctx, ref, data);
    const loaded = await loadAttempt(ctx, { ...ref, phoneNumber: "15550100" });
    expect(loaded).toMatchObject({
      phoneNumber: "+15550100",
      apiId: 1,
      sessionString: data.sessionString,
      stage: "code",
    });
    await markPasswordStage(ctx, ref);
    expect((await loadAttempt(ctx, ref)).stage).toBe("password");
  });

  it("another hash, phone or tenant finds nothing: code_expired", async () => {
    const { ctx } = setup();
    await saveAttempt(ctx, ref, data);
    for (const other of [{ phoneCodeHash: "hash-2" }, { phoneNumber: "+15550101" }, { tenantId: "ten_B" }]) {
      expect(await codeOf(loadAttempt(ctx, { ...ref, ...other }))).toBe("telegram.code_expired");
    }
    expect((await loadAttempt(ctx, ref)).sessionString).toBe(data.sessionString);
  });

  it("the vault blob holds no plaintext: the inner seal needs the hash", async () => {
    const { ctx } = setup();
    await saveAttempt(ctx, ref, data);
    const [blob] = await ctx.vault.listAll("t/ten_A/tg/login/");
    expect(blob).toBeDefined();
    const opened = Buffer.from(await ctx.vault.get(blob!.key));
    expect(opened.includes(Buffer.from(data.sessionString))).toBe(false);
    expect(opened.includes(Buffer.from(data.apiHash))).toBe(false);
  });

  it("expires after loginTtlMs and is wiped; consume is idempotent", async () => {
    const { ctx, advance } = setup();
    await saveAttempt(ctx, ref, data);
    advance(60_001);
    expect(await codeOf(loadAttempt(ctx, ref))).toBe("telegram.code_expired");
    expect(await ctx.vault.listAll("t/ten_A/")).toEqual([]);
    expect((await ctx.storage.records.query("t#ten_A")).items).toEqual([]);
    await consumeAttempt(ctx, ref);
  });
});
