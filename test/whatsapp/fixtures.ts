import { randomBytes } from "node:crypto";
import { BufferJSON, initAuthCreds } from "@whiskeysockets/baileys";
import type { Storage } from "../../core/storage/types.js";
import type { Vault } from "../../core/vault/vault.js";
import * as Session from "../../core/whatsapp/session/index.js";

/**
 * Fixtures for the WhatsApp route tests: a `useMultiFileAuthState` folder as a file map, and the
 * connector's observed state written straight into the record (no sockets here).
 */

/** A folder as Baileys writes it: creds (linked to `me` when `paired`), two pre-keys and a session. */
export function authFolder(options: { paired?: boolean } = {}): Record<string, string> {
  const creds = initAuthCreds();
  if (options.paired !== false) creds.me = { id: "15551234567:3@s.whatsapp.net", name: "Fixture Bot" };
  const keyPair = () => ({ public: randomBytes(32), private: randomBytes(32) });
  const encode = (value: unknown) => JSON.stringify(value, BufferJSON.replacer);
  return {
    "creds.json": encode(creds),
    "pre-key-1.json": encode(keyPair()),
    "pre-key-2.json": encode(keyPair()),
    "session-15550001111.0.json": encode({ _sessions: {}, version: "v1", marker: randomBytes(8) }),
  };
}

/** The noise key of a `creds.json` text: a stable fingerprint of "the same creds". */
export function credsFingerprint(credsJson: string): string {
  const creds = JSON.parse(credsJson, BufferJSON.reviver) as { noiseKey: { private: Uint8Array } };
  return Buffer.from(creds.noiseKey.private).toString("hex");
}

/** Takes the lease as connector `owner` and publishes `patch`, like a running connector would. */
export async function observe(
  deps: { storage: Storage; vault: Vault; clock: () => number },
  ref: Session.SessionRef,
  patch: Session.ObservedPatch,
  owner = "connector-1",
): Promise<Session.LeaseRef> {
  const current = await Session.fromID(deps, ref);
  let epoch = current?.leaseOwner === owner ? current.epoch : null;
  epoch ??= await Session.acquireLease(deps, ref, owner, 60_000, { anyDesired: true });
  if (epoch === null) throw new Error(`fixture: could not take the lease of ${ref.sessionId}`);
  const lease = { ...ref, owner, epoch };
  await Session.publish(deps, lease, Session.sealLoginSecrets(deps.vault, lease, patch));
  return lease;
}

/** Marks the session connected and linked, as the connector does after login. */
export function observeConnected(
  deps: { storage: Storage; vault: Vault; clock: () => number },
  ref: Session.SessionRef,
): Promise<Session.LeaseRef> {
  const now = deps.clock();
  return observe(deps, ref, {
    status: "connected",
    paired: true,
    account: { jid: "15551234567:3@s.whatsapp.net", name: "Fixture Bot", phone: "15551234567" },
    connectedAt: now,
    lastSeenAt: now,
    qr: null,
    qrExpiresAt: null,
  });
}

/** Flips one byte of a stored (sealed) blob, like bit rot: the vault must refuse it by name. */
export async function flipStoredByte(storage: Storage, key: string, at = 40): Promise<void> {
  const sealed = await storage.blobs.get(key);
  if (!sealed) throw new Error(`fixture: no blob ${key}`);
  const copy = Buffer.from(sealed);
  copy[at % copy.length]! ^= 0xff;
  await storage.blobs.put(key, copy);
}

/** Every stored blob key under `prefix`. */
export async function blobKeys(storage: Storage, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await storage.blobs.list(prefix, { cursor });
    keys.push(...page.items.map((b) => b.key));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return keys;
}

/** A route response whose JSON body the tests check field by field. */
export type JsonResponse = Omit<Response, "json"> & { json(): Promise<Json> };
// biome-ignore lint/suspicious/noExplicitAny: bodies are asserted field by field, not typed
type Json = any;
