/**
 * A signature check that bites. Baileys' `Curve.verify` (rc14) only catches libsignal throwing,
 * but libsignal 6's `verifySignature` returns false on a bad signature, so the peer calls it
 * directly and uses its return value.
 */
import { verifySignature } from "libsignal/src/curve.js";

/** True only when `signature` is a valid XEdDSA signature of `message` by the 32-byte `publicKey`. */
export function verifyXEdDSA(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    // libsignal wants the 0x05-prefixed form (it warns on stderr for a bare 32-byte key).
    const prefixed = Buffer.concat([KEY_TYPE, publicKey]);
    return verifySignature(prefixed, Buffer.from(message), Buffer.from(signature)) === true;
  } catch {
    return false;
  }
}

/** Signal's key-type byte for Curve25519 public keys. */
export const KEY_TYPE = Buffer.from([5]);
