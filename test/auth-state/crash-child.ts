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
import { createLocalStorage } from "../../core/storage/local.js";
import { createVault } from "../../core/vault/vault.js";
import { openAuthState } from "../../core/whatsapp/auth-state/index.js";
import { printLine, runWorkload, seededRandom } from "./crash-workload.js";

const [dataDir, keyHex, seedText] = process.argv.slice(2);
const rng = seededRandom(seedText!);

const storage = createLocalStorage({ dataDir: dataDir! });
const vault = createVault(storage.blobs, Buffer.from(keyHex!, "hex"));
const auth = await openAuthState(
  { records: storage.records, vault },
  { tenantId: "crash", sessionId: "wa" },
  { compactEveryChanges: 20 + rng.pick(200), keepSnapshots: 2 },
);
const { creds } = auth.state;
printLine(`O ${auth.isNew} ${creds.registrationId} ${Buffer.from(creds.noiseKey.public).toString("base64")}`);
await runWorkload(auth, { seedText: seedText!, rng, print: printLine, maxWorkers: 16 });
