import { BlobCorruptError } from "../../error.js";
import { detectAndParse, type TelegramSessionData, TelegramSessionError } from "../codecs/index.js";

/**
 * A stored session's key material, kept only inside an encrypted vault blob. `authKey` is kept
 * exactly as the client that made it used it: GramJS derives keys in minimal big-endian form
 * (1 login in 256 gets a 255-byte key) and hashes that form for `auth_key_id`, so padding it to
 * 256 bytes before handing it back to GramJS would change the key id it sends.
 */
export interface SessionSecret {
  dcId: number;
  address: string;
  port: number;
  authKey: Uint8Array;
  apiId: number;
  apiHash: string;
  userId?: string;
  isBot?: boolean;
  testMode?: boolean;
}

/** The secret of a GramJS string a login produced. Validated by the codec; the key kept as GramJS holds it. */
export async function secretFromLogin(
  sessionString: string,
  creds: { apiId: number; apiHash: string; userId: string },
): Promise<SessionSecret> {
  const { format, session } = await detectAndParse({ text: sessionString });
  if (format !== "gramjs") {
    throw new TelegramSessionError("telegram.session.unknown_format", "login did not yield a GramJS string");
  }
  const raw = Buffer.from(sessionString.slice(1), "base64");
  const authKey = raw.subarray(5 + raw.readInt16BE(1));
  return { ...pick(session), authKey: Uint8Array.from(authKey), ...creds };
}

/** The secret of an imported session (codec-normalized, 256-byte key). */
export function secretFromImport(
  session: TelegramSessionData,
  creds: { apiId: number; apiHash: string },
): SessionSecret {
  const userId = session.userId ?? session.accountId;
  return {
    ...pick(session),
    authKey: Uint8Array.from(session.authKey),
    ...creds,
    ...(userId === undefined ? {} : { userId }),
    ...(session.isBot === undefined ? {} : { isBot: session.isBot }),
    ...(session.testMode === undefined ? {} : { testMode: session.testMode }),
  };
}

/** The secret as the codec's value, for `serialize` (export). */
export function toSessionData(secret: SessionSecret): TelegramSessionData {
  const { apiId, apiHash, userId, isBot, testMode } = secret;
  return {
    ...pick(secret),
    authKey: secret.authKey,
    apiId,
    apiHash,
    ...(userId === undefined ? {} : { userId }),
    ...(isBot === undefined ? {} : { isBot }),
    ...(testMode === undefined ? {} : { testMode }),
  };
}

/**
 * A GramJS StringSession for our own client, with the key bytes as stored. GramJS on Node dials port
 * 443/80 whatever the string says, so a port that does not fit its int16 field is written as 443.
 */
export function toClientString(secret: SessionSecret): string {
  const address = Buffer.from(secret.address, "latin1");
  const out = Buffer.alloc(5 + address.length);
  out.writeUInt8(secret.dcId, 0);
  out.writeInt16BE(address.length, 1);
  address.copy(out, 3);
  out.writeInt16BE(secret.port <= 32767 ? secret.port : 443, 3 + address.length);
  return `1${Buffer.concat([out, secret.authKey]).toString("base64")}`;
}

export function encodeSecret(secret: SessionSecret): Uint8Array {
  const { authKey, ...rest } = secret;
  return Buffer.from(JSON.stringify({ v: 1, ...rest, authKey: Buffer.from(authKey).toString("base64") }));
}

/** Throws `BlobCorruptError` (bad_payload) for a blob that opened but does not hold a secret. */
export function decodeSecret(bytes: Uint8Array, blobKey: string): SessionSecret {
  try {
    const parsed = JSON.parse(Buffer.from(bytes).toString("utf8")) as Record<string, unknown>;
    const { v, authKey, ...rest } = parsed;
    if (v !== 1 || typeof authKey !== "string" || typeof rest.address !== "string") throw new Error("shape");
    return { ...(rest as Omit<SessionSecret, "authKey">), authKey: Buffer.from(authKey, "base64") };
  } catch (err) {
    throw new BlobCorruptError(blobKey, "bad_payload", err);
  }
}

// --- Internal helpers ---

function pick(s: { dcId: number; address: string; port: number }): {
  dcId: number;
  address: string;
  port: number;
} {
  return { dcId: s.dcId, address: s.address, port: s.port };
}
