import { randomBytes } from "node:crypto";
import { BufferJSON, initAuthCreds } from "@whiskeysockets/baileys";
import type { AppHarness } from "../helpers/app-harness.js";
import { authKey, gramjsString } from "../telegram/fixtures.js";

/**
 * Two tenants that each own WhatsApp sessions (made through the API, one linked by an imported
 * auth folder, one with a pairing phone number), Telegram sessions (imported GramJS strings built by
 * hand) and a webhook, with every identifier picked to be unique to its tenant. `tokens()` lists
 * what would be a leak if it showed up in an answer to the other tenant.
 */
export interface TenantWorld {
  label: string;
  tenantId: string;
  /** The first key (from `POST /v1/tenants`) and the `export`-scoped key the tests call with. */
  firstKeyId: string;
  keyId: string;
  apiKey: string;
  /** A key that exists only so admin revoke requests have something to hit. */
  spareKeyId: string;
  /** A key of this tenant, revoked before the tests start. */
  revokedApiKey: string;
  revokedKeyId: string;
  /** Sessions the tests read but never delete; `waVictims`/`tgVictims` are the ones a DELETE may take. */
  waSessions: string[];
  waVictims: string[];
  /** Of `waSessions`: the one with imported (linked) creds, and the one created with a phone number. */
  waPaired: string;
  waWithPhone: string;
  tgSessions: string[];
  tgVictims: string[];
  webhookIds: string[];
  /** Distinctive host names of the tenant's webhook URLs. */
  webhookHosts: string[];
  /** Digits only: WhatsApp pairing number, linked account, Telegram phones. */
  phones: string[];
  /** Telegram auth keys of the imported sessions, to register with a local peer. */
  tgAuthKeys: { key: Buffer; phone: string }[];
}

/** Builds tenant `label` through the real routes of `h`. `seed` keeps auth keys distinct across tenants. */
export async function createTenantWorld(h: AppHarness, label: string, seed: number): Promise<TenantWorld> {
  const tag = `${label}${randomBytes(4).toString("hex")}`;
  const phoneBase = `1${String(200 + seed).padStart(3, "0")}${String(1_000_000 + Math.floor(Math.random() * 8_999_999))}`;
  const phone = (n: number): string => `${phoneBase.slice(0, -1)}${n}`;
  const first = await h.createTenant({ name: `fuzz ${label}` });
  const main = await createKey(h, first.tenantId, ["export"]);
  const spare = await createKey(h, first.tenantId, []);
  const revoked = await createKey(h, first.tenantId, ["export"]);
  await call(h, h.adminKey, "DELETE", `/v1/tenants/${first.tenantId}/keys/${revoked.keyId}`, undefined, 204);

  const key = main.apiKey;
  const wa = (name: string): string => `wa-${tag}-${name}`;
  const waPaired = wa("linked");
  const waWithPhone = wa("phone");
  const waSessions = [wa("plain"), waPaired, waWithPhone];
  const waVictims = [wa("victim-1"), wa("victim-2")];
  for (const id of [...waSessions, ...waVictims]) {
    const body = id === waWithPhone ? { sessionId: id, phoneNumber: `+${phone(1)}` } : { sessionId: id };
    await call(h, key, "POST", "/v1/whatsapp/sessions", body, 201);
  }
  await call(h, key, "POST", `/v1/whatsapp/sessions/${waPaired}/import`, linkedFolder(phone(2)), 200);

  const tgAuthKeys: { key: Buffer; phone: string }[] = [];
  const tgIds: string[] = [];
  for (let i = 0; i < 4; i++) {
    const k = authKey(seed * 100 + i + 1);
    const p = phone(3 + i);
    const imported = (await call(
      h,
      key,
      "POST",
      "/v1/telegram/sessions/import",
      { sessionString: gramjsString(2, "149.154.167.51", 443, k), phoneNumber: `+${p}` },
      201,
    )) as { sessionId: string };
    tgAuthKeys.push({ key: k, phone: `+${p}` });
    tgIds.push(imported.sessionId);
  }

  const webhookHosts = [`hooks-${tag}.example.com`];
  const hook = (await call(
    h,
    key,
    "POST",
    "/v1/webhooks",
    { url: `https://${webhookHosts[0]}/sv`, events: ["session.connected"] },
    201,
  )) as { webhookId: string };

  return {
    label,
    tenantId: first.tenantId,
    firstKeyId: first.keyId,
    keyId: main.keyId,
    apiKey: key,
    spareKeyId: spare.keyId,
    revokedApiKey: revoked.apiKey,
    revokedKeyId: revoked.keyId,
    waSessions,
    waVictims,
    waPaired,
    waWithPhone,
    tgSessions: tgIds.slice(0, 2),
    tgVictims: tgIds.slice(2),
    webhookIds: [hook.webhookId],
    webhookHosts,
    phones: [1, 2, 3, 4, 5, 6].map(phone),
    tgAuthKeys,
  };
}

/** Everything of `w` that must never reach another tenant: ids, key ids and secrets, phones, webhook hosts. */
export function tokens(w: TenantWorld): string[] {
  return [
    w.tenantId,
    w.firstKeyId,
    w.keyId,
    w.spareKeyId,
    w.revokedKeyId,
    w.apiKey,
    w.revokedApiKey,
    ...w.waSessions,
    ...w.waVictims,
    ...w.tgSessions,
    ...w.tgVictims,
    ...w.webhookIds,
    ...w.webhookHosts,
    ...w.phones,
  ];
}

/**
 * The tokens of `other` found in `body` that the request did not carry itself (a 404 may echo the
 * id it was asked about; that is not a leak). `body` is read as latin1 so binary bodies work too.
 */
export function findLeaks(body: string, requestText: string, other: TenantWorld): string[] {
  return tokens(other).filter((t) => body.includes(t) && !requestText.includes(t));
}

/** A `useMultiFileAuthState` folder as the seed 004 JSON map, linked to `phone`'s device 7. */
export function linkedFolder(phone: string): Record<string, string> {
  const creds = initAuthCreds();
  creds.me = { id: `${phone}:7@s.whatsapp.net`, name: "Fuzz Bot" };
  const encode = (value: unknown) => JSON.stringify(value, BufferJSON.replacer);
  return {
    "creds.json": encode(creds),
    "pre-key-1.json": encode({ public: randomBytes(32), private: randomBytes(32) }),
  };
}

// --- Internal helpers ---

async function createKey(
  h: AppHarness,
  tenantId: string,
  scopes: string[],
): Promise<{ keyId: string; apiKey: string }> {
  return (await call(h, h.adminKey, "POST", `/v1/tenants/${tenantId}/keys`, { scopes }, 201)) as {
    keyId: string;
    apiKey: string;
  };
}

async function call(
  h: AppHarness,
  key: string,
  method: string,
  path: string,
  body: unknown,
  expected: number,
): Promise<unknown> {
  const res = await h.app.request(path, {
    method,
    headers: h.headers(key, body !== undefined),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status !== expected) throw new Error(`fixture: ${method} ${path} -> ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
