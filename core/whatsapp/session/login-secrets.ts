import { BlobCorruptError } from "../../error.js";
import type { Vault } from "../../vault/vault.js";
import type { ObservedPatch, Session, SessionRef } from "./schema.js";

/**
 * The QR string (it carries the pairing's ADV secret) and the pairing code are login secrets a
 * connector publishes in the session record for the API to hand out. They reach the record store
 * only sealed (AES-256-GCM under the master key, bound to the session and the field), so neither
 * the local adapter's files nor a DynamoDB export holds them in plaintext.
 */
export type LoginSecret = "qr" | "pairingCode";

/** `patch` with its QR and pairing code sealed (`null`, which clears them, stays as is). */
export function sealLoginSecrets(
  vault: Pick<Vault, "seal">,
  ref: SessionRef,
  patch: ObservedPatch,
): ObservedPatch {
  const sealed = { ...patch };
  for (const field of ["qr", "pairingCode"] as const) {
    const value = patch[field];
    if (typeof value === "string")
      sealed[field] = Buffer.from(vault.seal(identity(ref, field), Buffer.from(value, "utf8"))).toString(
        "base64",
      );
  }
  return sealed;
}

/**
 * The plaintext of a stored login secret, or `null` when there is none. One that does not open
 * (written under another master key, or tampered with) counts as none: the connector publishes a
 * fresh QR or code within seconds, and the caller says "not published yet".
 */
export function openLoginSecret(
  vault: Pick<Vault, "open">,
  session: Session,
  field: LoginSecret,
): string | null {
  const stored = session[field];
  if (!stored) return null;
  try {
    return Buffer.from(vault.open(identity(session, field), Buffer.from(stored, "base64"))).toString("utf8");
  } catch (error) {
    if (error instanceof BlobCorruptError) return null;
    throw error;
  }
}

function identity(ref: SessionRef, field: LoginSecret): string {
  return `t/${ref.tenantId}/wa/${ref.sessionId}/record/${field}`;
}
