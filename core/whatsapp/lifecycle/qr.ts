import * as Session from "../session/index.js";
import { NoPairingCodeError, NoQrError, SessionConnectedError } from "./errors.js";
import { requireSession, type WhatsAppContext } from "./exclusive.js";

/**
 * The login secrets the connector publishes for a session waiting to be linked: the raw QR string
 * (to render or encode as PNG) and the pairing code (when created with a phone number). Both are
 * secrets: return them only from the routes meant for them, never log them.
 */

/**
 * The current QR and when it stops being valid. Throws `SessionNotFoundError`,
 * `whatsapp.session_connected` (409: already linked, no QR needed) or `whatsapp.no_qr` (404: not
 * published yet, or expired; the details carry the status, so a client knows whether to retry).
 */
export async function currentQr(
  ctx: WhatsAppContext,
  ref: Session.SessionRef,
): Promise<{ qr: string; expiresAt: string | null }> {
  const session = await requireSession(ctx, ref);
  if (session.status === "connected") throw new SessionConnectedError(ref.sessionId, "asking for a QR code");
  const expired = session.qrExpiresAt !== undefined && Date.parse(session.qrExpiresAt) <= ctx.clock();
  const qr = expired ? null : Session.openLoginSecret(ctx.vault, session, "qr");
  if (!qr) throw new NoQrError(ref.sessionId, session.status);
  return { qr, expiresAt: session.qrExpiresAt ?? null };
}

/**
 * The pairing code to type on the phone (Linked devices > Link with phone number). Throws
 * `SessionNotFoundError`, `whatsapp.session_connected` (409) or `whatsapp.no_pairing_code` (404).
 */
export async function currentPairingCode(
  ctx: WhatsAppContext,
  ref: Session.SessionRef,
): Promise<{ pairingCode: string; phoneNumber: string | null }> {
  const session = await requireSession(ctx, ref);
  if (session.status === "connected")
    throw new SessionConnectedError(ref.sessionId, "asking for a pairing code");
  const pairingCode = Session.openLoginSecret(ctx.vault, session, "pairingCode");
  if (!pairingCode) throw new NoPairingCodeError(ref.sessionId, session.status);
  return { pairingCode, phoneNumber: session.phoneNumber ?? null };
}
