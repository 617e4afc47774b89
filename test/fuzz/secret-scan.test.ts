import "@hono/zod-openapi"; // first: core schemas built after it carry `.openapi` (zod 4 binds it per instance)
import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type AuthenticationCreds, BufferJSON } from "@whiskeysockets/baileys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVault } from "../../core/vault/vault.js";
import { exportAuthFiles } from "../../core/whatsapp/auth-state/index.js";
import { createLogger } from "../../functions/api/logger.js";
import {
  type ConnectorProcess,
  killConnectorProcesses,
  startConnectorProcess,
} from "../e2e/connector-process.js";
import { type AppHarness, createAppHarness, type HarnessTenant } from "../helpers/app-harness.js";
import { createTestStorage, type TestStorage } from "../helpers/test-storage.js";
import { startTelegramPeer, type TelegramPeer } from "../peers/telegram/index.js";
import { startWhatsAppPeer, type WhatsAppPeer } from "../peers/whatsapp/index.js";
import { telethonString } from "../telegram/fixtures.js";

/**
 * Issue 9: after the end-to-end flows on the local adapter (a WhatsApp session paired by QR through a
 * connector process and the local WhatsApp Web peer, then restored by a second connector process; a
 * Telegram code login with 2FA, a liveness check and exports through the API with the local DC peer,
 * and an imported Telethon string), every stored file, every log line (API logger at debug, both
 * connector processes at debug, console output of this process) and every response body is searched
 * for the known secrets: the Baileys noise, identity and signed pre-key private keys and the ADV secret
 * of the restored state, the Telegram auth keys, the 2FA password and the API keys, each raw, as hex,
 * base64 and base64url (at every byte alignment, so a key inside a longer encoded buffer is found
 * too) and as a JSON byte list. Hits are allowed only in the export endpoints' responses, which must
 * contain them (that proves the search finds what it looks for), and the ADV secret in the QR
 * endpoint's answer: WhatsApp's QR string is `ref,noisePub,identityPub,advSecret` by design.
 */

const LEASE_ENV = { CONNECTOR_LEASE_TTL_MS: "5000", CONNECTOR_RENEW_MS: "1000", CONNECTOR_POLL_MS: "300" };
const WAIT_MS = 120_000;
const WA_SESSION = "scan-wa";
const PASSWORD = `pw-${randomBytes(12).toString("hex")}`;

interface Recorded {
  method: string;
  path: string;
  status: number;
  body: Buffer;
}

describe("secret scan after the end-to-end flows (local adapter)", () => {
  let store: TestStorage;
  let dataDir: string;
  let wa: WhatsAppPeer;
  let tg: TelegramPeer;
  let h: AppHarness;
  let tenant: HarnessTenant;
  const masterKey = randomBytes(32);
  const apiLines: string[] = [];
  const consoleLines: string[] = [];
  const connectorLines: string[] = [];
  const responses: Recorded[] = [];
  const procs: ConnectorProcess[] = [];
  const restoreConsole = captureConsole(consoleLines);

  beforeAll(async () => {
    store = await createTestStorage("local");
    dataDir = store.env.SESSIONVAULT_DATA_DIR!;
    wa = await startWhatsAppPeer();
    tg = await startTelegramPeer();
    h = createAppHarness(store.storage, {
      vault: createVault(store.storage.blobs, masterKey),
      logger: createLogger({
        level: "debug",
        destination: { write: (line: string) => void apiLines.push(line) },
      }),
      config: {
        adminKey: `admin_${randomBytes(16).toString("hex")}`,
        telegram: {
          apiId: 12345,
          apiHash: "0123456789abcdef0123456789abcdef",
          dcOverride: tg.env.TELEGRAM_DC_OVERRIDE,
          trustRsaKey: tg.rsaPublicKeyLine,
          connectionRetries: 1,
          timeoutMs: 10_000,
        },
      },
    });
    tenant = await h.createTenant({ scopes: ["export"] });
  });
  afterAll(async () => {
    restoreConsole();
    await killConnectorProcesses();
    await wa?.stop();
    await tg?.stop();
    await store?.dispose();
  });

  /** `app.request` with the tenant's key; every answer is kept for the scan. */
  const api = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> => {
    const res = await h.app.request(path, {
      method,
      headers: h.headers(tenant.apiKey, body !== undefined),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    responses.push({ method, path, status: res.status, body: bytes });
    const type = res.headers.get("content-type") ?? "";
    return { status: res.status, body: /json/.test(type) ? JSON.parse(bytes.toString("utf8")) : bytes };
  };
  const startConnector = async (name: string): Promise<ConnectorProcess> => {
    const p = await startConnectorProcess(
      {
        ...store.env,
        ...LEASE_ENV,
        LOG_LEVEL: "debug",
        SESSIONVAULT_MASTER_KEY: masterKey.toString("base64"),
        WHATSAPP_WS_URL: wa.wsUrl,
        WHATSAPP_TRUST_ROOT_KEY: wa.trustRootKeyHex,
      },
      { id: `secret-scan-${name}` },
    );
    procs.push(p);
    return p;
  };
  const waitFor = <T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> =>
    poll(what, probe, () => procs.map((p) => `--- ${p.id}\n${p.logs().slice(-10).join("\n")}`).join("\n"));
  const waitConnected = (owner: string) =>
    waitFor(`${WA_SESSION} connected by ${owner}`, async () => {
      const res = await api("GET", `/v1/whatsapp/sessions/${WA_SESSION}`);
      return res.body.status === "connected" && procs.at(-1)?.id === owner ? res.body : undefined;
    });

  it("finds the secrets only in the export answers (and the ADV secret in the QR answer)", async () => {
    // WhatsApp: QR pairing through a connector process and the peer, then a restore by a new process.
    const first = await startConnector("a");
    expect((await api("POST", "/v1/whatsapp/sessions", { sessionId: WA_SESSION })).status).toBe(201);
    const qr = await waitFor("QR published", async () => {
      const res = await api("GET", `/v1/whatsapp/sessions/${WA_SESSION}/qr`);
      return res.status === 200 ? (res.body.qr as string) : undefined;
    });
    // While it shows, the QR (it carries the ADV secret) is stored only sealed.
    const [qrRef, , , qrAdvSecret] = qr.split(",");
    const showing = await readTree(dataDir);
    expect(showing.size).toBeGreaterThan(0);
    const qrAtRest = [...showing].filter(
      ([, bytes]) => bytes.includes(qrRef!) || bytes.includes(qrAdvSecret!),
    );
    expect(qrAtRest.map(([path]) => path)).toEqual([]);
    const device = await wa.scan(qr, "15557770001");
    await waitConnected(first.id);
    await waitFor("812 pre-keys uploaded", async () => wa.stats().preKeysUploaded[device.jid] === 812);
    await api("GET", `/v1/whatsapp/sessions/${WA_SESSION}/backups`);
    await first.kill("SIGTERM");
    const second = await startConnector("b");
    await waitConnected(second.id);
    await api("GET", "/v1/whatsapp/sessions");
    await api("GET", "/v1/sessions/stats");
    await api("POST", `/v1/whatsapp/sessions/${WA_SESSION}/verify`);
    const jsonExport = await api("GET", `/v1/whatsapp/sessions/${WA_SESSION}/export?format=json`);
    expect(jsonExport.status).toBe(200);
    expect((await api("GET", `/v1/whatsapp/sessions/${WA_SESSION}/export`)).status).toBe(200);
    await second.kill("SIGTERM");
    for (const p of procs) connectorLines.push(...p.logs());

    // Telegram: code login with 2FA, check, exports; an imported Telethon string, check.
    const phone = "+15557770002";
    await tg.upsertAccount(phone, { password: PASSWORD, hint: "scan" });
    const sent = await api("POST", "/v1/telegram/sessions/code", { phoneNumber: phone });
    expect(sent.status).toBe(200);
    const code = tg.lastCode(phone)!;
    const verified = await api("POST", "/v1/telegram/sessions/verify", {
      phoneNumber: phone,
      phoneCodeHash: sent.body.phoneCodeHash,
      code,
      password: PASSWORD,
    });
    expect(verified.status, JSON.stringify(verified.body)).toBe(201);
    const loginId = verified.body.sessionId as string;
    expect((await api("POST", `/v1/telegram/sessions/${loginId}/check`)).body).toEqual({ alive: true });
    const exported: string[] = [];
    for (const format of ["gramjs", "telethon", "pyrogram"]) {
      const res = await api("GET", `/v1/telegram/sessions/${loginId}/export?format=${format}`);
      expect(res.status).toBe(200);
      exported.push(res.body.sessionString as string);
    }
    const importedKey = randomBytes(256);
    importedKey[0] = importedKey[0] || 1;
    tg.registerAuthKey(importedKey, "+15557770003");
    const imported = await api("POST", "/v1/telegram/sessions/import", {
      sessionString: telethonString(2, [149, 154, 167, 51], 443, importedKey),
      phoneNumber: "+15557770003",
    });
    expect(imported.status).toBe(201);
    expect((await api("POST", `/v1/telegram/sessions/${imported.body.sessionId}/check`)).body).toEqual({
      alive: true,
    });
    // Telegram: QR login with 2FA. While it waits for the password, its pre-login key is on disk.
    const qrPhone = "+15557770004";
    await tg.upsertAccount(qrPhone, { password: PASSWORD, hint: "scan" });
    const qrStarted = await api("POST", "/v1/telegram/sessions/qr", {});
    expect(qrStarted.status).toBe(201);
    const qrPath = `/v1/telegram/sessions/qr/${qrStarted.body.loginId}`;
    tg.acceptLoginToken(new URL(qrStarted.body.qr as string).searchParams.get("token")!, qrPhone);
    expect((await api("POST", qrPath, {})).body).toMatchObject({ status: "password_required" });
    await api("GET", qrPath);
    const qrWaiting = await readTree(dataDir);
    const qrDone = await api("POST", qrPath, { password: PASSWORD });
    expect(qrDone.status, JSON.stringify(qrDone.body)).toBe(201);
    const qrExport = await api("GET", `/v1/telegram/sessions/${qrDone.body.sessionId}/export?format=gramjs`);
    const qrKey: Secret = {
      name: "telegram QR login auth key",
      bytes: gramjsAuthKey(qrExport.body.sessionString),
    };
    // The key it signed in with is the pre-login key of the wait: stored then only sealed.
    const qrKeyAtRest = [...qrWaiting].flatMap(([path, bytes]) =>
      scan(bytes, `stored file ${path}`, [qrKey]),
    );
    expect(qrKeyAtRest).toEqual([]);
    expect(qrWaiting.size).toBeGreaterThan(0);

    await api("GET", `/v1/telegram/sessions/${loginId}`);
    await api("GET", "/v1/telegram/sessions");
    await api("GET", `/v1/telegram/sessions/${imported.body.sessionId}/export`);

    // The secrets, from the restored state and the login's own export.
    const files = await exportAuthFiles(
      { records: store.storage.records, vault: createVault(store.storage.blobs, masterKey) },
      { tenantId: tenant.tenantId, sessionId: WA_SESSION },
    );
    const creds = JSON.parse(files["creds.json"]!, BufferJSON.reviver) as AuthenticationCreds;
    expect(creds.me?.id).toBe(device.jid);
    const secrets: Secret[] = [
      { name: "noiseKey.private", bytes: Buffer.from(creds.noiseKey.private) },
      { name: "signedIdentityKey.private", bytes: Buffer.from(creds.signedIdentityKey.private) },
      { name: "signedPreKey.private", bytes: Buffer.from(creds.signedPreKey.keyPair.private) },
      { name: "advSecretKey", bytes: Buffer.from(creds.advSecretKey, "base64"), alsoIn: /\/qr$/ },
      { name: "telegram login auth key", bytes: gramjsAuthKey(exported[0]!) },
      { name: "telegram imported auth key", bytes: importedKey },
      qrKey,
      { name: "2FA password", bytes: Buffer.from(PASSWORD) },
      { name: "tenant API key", bytes: Buffer.from(tenant.apiKey) },
      { name: "admin key", bytes: Buffer.from(h.adminKey) },
    ];
    for (const s of secrets) expect(s.bytes.length, s.name).toBeGreaterThanOrEqual(16);

    const stored = await readTree(dataDir);
    const logs = [...apiLines, ...connectorLines, ...consoleLines];
    const hits: string[] = [];
    const exportHits = new Set<string>();
    for (const [path, bytes] of stored) hits.push(...scan(bytes, `stored file ${path}`, secrets));
    for (const [i, line] of logs.entries())
      hits.push(...scan(Buffer.from(line), `log line ${i}: ${line.slice(0, 120)}`, secrets));
    for (const r of responses) {
      const where = `${r.method} ${r.path} -> ${r.status}`;
      const found = scan(r.body, where, secrets, r.path);
      if (/\/export(\?|$)/.test(r.path))
        for (const hit of found) exportHits.add(hit.split(": ")[1]!.split(" as ")[0]!);
      else hits.push(...found);
    }
    console.log(
      `secret scan: ${secrets.length} secrets x ${needles(secrets[0]!).length}+ encodings over ${stored.size} stored files, ` +
        `${logs.length} log lines (${apiLines.length} API, ${connectorLines.length} connector, ${consoleLines.length} console), ` +
        `${responses.length} responses; found in exports: ${[...exportHits].join(", ")}`,
    );

    expect(hits).toEqual([]);
    // The search works: the exports hand out the key material it looks for.
    expect([...exportHits].sort()).toEqual(
      [
        "noiseKey.private",
        "signedIdentityKey.private",
        "signedPreKey.private",
        "advSecretKey",
        "telegram login auth key",
        "telegram imported auth key",
        "telegram QR login auth key",
      ].sort(),
    );
    expect(stored.size).toBeGreaterThan(10);
    expect(connectorLines.length).toBeGreaterThan(5);
    expect(apiLines.length).toBeGreaterThan(responses.length / 2);
  }, 420_000);
});

// --- Internal helpers ---

/** A response body as the flows read it: any JSON. */
// biome-ignore lint/suspicious/noExplicitAny: the flows read arbitrary fields of JSON bodies
type Json = any;

interface Secret {
  name: string;
  bytes: Buffer;
  /** Responses on these paths may carry it (besides the exports). */
  alsoIn?: RegExp;
}

/** The ways a secret may be written down: raw, hex, base64 and base64url at each alignment, JSON bytes. */
function needles(secret: Secret): { encoding: string; needle: Buffer }[] {
  const b = secret.bytes;
  const out = [
    { encoding: "raw", needle: b },
    { encoding: "hex", needle: Buffer.from(b.toString("hex")) },
    { encoding: "HEX", needle: Buffer.from(b.toString("hex").toUpperCase()) },
    { encoding: "json bytes", needle: Buffer.from(Array.from(b.subarray(0, 16)).join(",")) },
  ];
  for (let offset = 0; offset < 3; offset++) {
    // Only whole 3-byte groups: their encoding does not depend on the bytes around the secret.
    const whole = Math.floor((b.length - offset) / 3) * 3;
    const base64 = b.subarray(offset, offset + whole).toString("base64");
    out.push({ encoding: `base64@${offset}`, needle: Buffer.from(base64) });
    const url = base64.replaceAll("+", "-").replaceAll("/", "_");
    if (url !== base64) out.push({ encoding: `base64url@${offset}`, needle: Buffer.from(url) });
  }
  return out;
}

function scan(haystack: Buffer, where: string, secrets: Secret[], path?: string): string[] {
  const hits: string[] = [];
  for (const secret of secrets) {
    if (path !== undefined && secret.alsoIn?.test(path)) continue;
    for (const { encoding, needle } of needles(secret))
      if (haystack.includes(needle)) hits.push(`${where}: ${secret.name} as ${encoding}`);
  }
  return hits;
}

/** Every file under `dir`, by path relative to it. */
async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(path.slice(dir.length), await readFile(path));
  }
  return out;
}

/** The 256-byte auth key at the end of a GramJS string ("1" + base64(dc | len | address | port | key)). */
function gramjsAuthKey(session: string): Buffer {
  const raw = Buffer.from(session.slice(1), "base64");
  return raw.subarray(raw.length - 256);
}

/** Copies console output of this process into `lines` (and still prints it); returns the undo. */
function captureConsole(lines: string[]): () => void {
  const methods = ["log", "info", "warn", "error", "debug"] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) {
    const original = console[m];
    console[m] = (...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === "string" ? a : safeJson(a))).join(" "));
      original(...args);
    };
  }
  return () => {
    methods.forEach((m, i) => {
      console[m] = saved[i]!;
    });
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, BufferJSON.replacer) ?? String(value);
  } catch {
    return String(value);
  }
}

async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  context: () => string,
): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const got = await probe();
    if (got !== undefined && got !== false) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
