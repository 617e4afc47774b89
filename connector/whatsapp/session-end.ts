import type { Records } from "../../core/storage/types.js";
import type { Vault } from "../../core/vault/vault.js";
import { wipeAuthState } from "../../core/whatsapp/auth-state/stored.js";
import type { LeaseRef } from "../../core/whatsapp/session/index.js";
import type { Logger } from "../types.js";
import type { DisconnectAction } from "./disconnect-policy.js";
import { errorCode, errorMessage, type SessionReport } from "./session-report.js";

/** A disconnect-policy outcome that ends the session for good. */
export type TerminalAction = Exclude<DisconnectAction, { kind: "reconnect" }>;

/**
 * Reports a session's end (the socket is already closed and the auth state closed): status
 * `logged_out` / `conflict` / `failed` with the reason, `desired = disconnected` so no connector
 * picks it up again, and the event. A logout also wipes the key material (DESIGN §4), but only
 * while this runner still holds the lease: a stale owner must never wipe the new owner's state.
 */
export async function reportTerminal(
  deps: { report: SessionReport; authDeps: { records: Records; vault: Vault }; lease: LeaseRef; log: Logger },
  action: TerminalAction,
): Promise<void> {
  const { report } = deps;
  const clear = { qr: null, qrExpiresAt: null, pairingCode: null, desired: "disconnected" } as const;
  const lastError = { code: action.code, reason: action.reason };
  if (action.kind === "stop") {
    await report.publish({ ...clear, status: action.status, lastError });
    const type = action.status === "conflict" ? "session.conflict" : "session.disconnected";
    report.emit(type, { status: action.status, ...lastError });
    return;
  }
  const published = await report.publish({
    ...clear,
    status: "logged_out",
    paired: false,
    account: null,
    lastError,
  });
  if (published === "lost") return;
  try {
    await wipeAuthState(deps.authDeps, deps.lease);
  } catch (error) {
    deps.log.error(
      { tenantId: deps.lease.tenantId, sessionId: deps.lease.sessionId, err: errorCode(error) },
      "wiping logged-out key material failed",
    );
    await report.publish({ lastError: { code: "wipe_failed", reason: errorMessage(error) } });
  }
  report.emit("session.logged_out", lastError);
}
