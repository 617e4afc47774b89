/**
 * Crash-test child (run by `crash.test.ts` as `node --import tsx crash-child.ts <dataDir> <keyHex> <seed>`).
 * Opens the auth state on the local file adapter and applies random message-like `keys.set`
 * traffic and creds updates until it is SIGKILLed. Protocol on stdout, one line each, written
 * synchronously so a line that was printed is never lost to the kill:
 *   O <isNew> <registrationId> <noiseKeyPublicBase64>   the state is open
 *   T <op> <name>=<token>,…                             a change is about to be set (token DEL = delete)
 *   A <op>                                              that change's set()/saveCreds() resolved
 * Tokens name values, never key material.
 */
import { writeSync } from "node:fs";
import { createLocalStorage } from "../../core/storage/local.js";
import { createVault } from "../../core/vault/vault.js";
import { openAuthState } from "../../core/whatsapp/auth-state/index.js";

const [dataDir, keyHex, seedText] = process.argv.slice(2);
let seed = Number(seedText) >>> 0 || 1;
const random = (): number => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const pick = (n: number): number => Math.floor(random() * n);
/**
 * Synchronous, so a line is out before the next change can be acknowledged. stdout is a
 * non-blocking pipe: when the parent reads slowly a write returns EAGAIN, so retry the rest.
 */
const print = (line: string): void => {
  let rest = Buffer.from(`${line}\n`);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(1, rest));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
    }
  }
};

const storage = createLocalStorage({ dataDir: dataDir! });
const vault = createVault(storage.blobs, Buffer.from(keyHex!, "hex"));
const auth = await openAuthState(
  { records: storage.records, vault },
  { tenantId: "crash", sessionId: "wa" },
  { compactEveryChanges: 20 + pick(200), keepSnapshots: 2 },
);
const { creds, keys } = auth.state;
print(`O ${auth.isNew} ${creds.registrationId} ${Buffer.from(creds.noiseKey.public).toString("base64")}`);

let op = 0;
const token = (): string => `${seedText}-${op}-${pick(1e9)}`;

/** One message-like change: a session ratchet, maybe a consumed pre-key, maybe group sender keys. */
async function message(): Promise<void> {
  const id = ++op;
  const changes: [string, string | null][] = [];
  const session = `${pick(40)}.0`;
  const set: Record<string, Record<string, unknown>> = { session: {} };
  const t = token();
  set.session![session] = Buffer.from(t);
  changes.push([`session-${session}`, t]);
  if (random() < 0.4) {
    const preKey = String(1 + pick(30));
    const value = random() < 0.5 ? token() : null;
    set["pre-key"] = { [preKey]: value ? { public: Buffer.from(value), private: Buffer.alloc(32) } : null };
    changes.push([`pre-key-${preKey}`, value]);
  }
  if (random() < 0.3) {
    const group = `g${pick(5)}`;
    const value = token();
    set["sender-key"] = { [group]: Buffer.from(value) };
    changes.push([`sender-key-${group}`, value]);
  }
  print(`T ${id} ${changes.map(([n, v]) => `${n}=${v ?? "DEL"}`).join(",")}`);
  await keys.set(set);
  print(`A ${id}`);
}

async function credsUpdate(): Promise<void> {
  const id = ++op;
  creds.lastAccountSyncTimestamp = id;
  print(`T ${id} creds=${id}`);
  await auth.saveCreds();
  print(`A ${id}`);
}

const workers = 1 + pick(16);
await Promise.all(
  Array.from({ length: workers }, async () => {
    for (;;) await (random() < 0.1 ? credsUpdate() : message());
  }),
);
