import type { AuthenticationCreds } from "@whiskeysockets/baileys";
import type { Records } from "../../core/storage/types.js";
import type { Vault } from "../../core/vault/vault.js";
import * as WhatsAppSession from "../../core/whatsapp/session/index.js";
import type { Logger, OnEvent, SessionEventType } from "../types.js";

/**
 * How a session runner tells the world: observed state into the session record (under its
 * lease, so a stale owner writes nothing) and events for webhooks. A status write that fails for
 * any other reason is logged and dropped: status is advisory, the socket matters more.
 */
export interface SessionReport {
  /** `ok`, `lost` (lease gone: `onLeaseLost` was called) or `error` (storage trouble, logged). */
  publish(patch: WhatsAppSession.ObservedPatch): Promise<"ok" | "lost" | "error">;
  emit(type: SessionEventType, data?: Record<string, unknown>): void;
}

export function createSessionReport(
  deps: { records: Records; vault: Vault; clock: () => number; onEvent?: OnEvent; logger: Logger },
  lease: WhatsAppSession.LeaseRef,
  onLeaseLost: () => void,
): SessionReport {
  const ctx = { storage: { records: deps.records }, clock: deps.clock };
  const ids = { tenantId: lease.tenantId, sessionId: lease.sessionId, epoch: lease.epoch };
  return {
    async publish(patch) {
      try {
        // The QR and pairing code are sealed before they reach the record store.
        await WhatsAppSession.publish(ctx, lease, WhatsAppSession.sealLoginSecrets(deps.vault, lease, patch));
        return "ok";
      } catch (error) {
        if (error instanceof WhatsAppSession.LeaseLostError) {
          deps.logger.warn(ids, "lease lost while publishing; stopping the session");
          onLeaseLost();
          return "lost";
        }
        deps.logger.warn({ ...ids, err: errorCode(error) }, "could not publish session status");
        return "error";
      }
    },
    emit(type, data = {}) {
      if (!deps.onEvent) return;
      const event = {
        type,
        tenantId: lease.tenantId,
        sessionId: lease.sessionId,
        at: iso(deps.clock()),
        data,
      };
      try {
        deps.onEvent(event);
      } catch (error) {
        deps.logger.warn({ ...ids, type, err: errorCode(error) }, "event handler threw");
      }
    },
  };
}

/** The linked account as the creds name it (`me`), or `null` before pairing. */
export function accountOf(creds: AuthenticationCreds): WhatsAppSession.Account | null {
  const jid = creds.me?.id;
  if (!jid) return null;
  return { jid, name: creds.me?.name ?? null, phone: jid.split(/[:@]/)[0] ?? "" };
}

/** A stable, secret-free description of an error for status fields and logs. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : error instanceof Error ? error.name : "unknown";
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
