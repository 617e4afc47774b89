import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { PeerState } from "./state.js";

/**
 * The test-only HTTP control surface, bound to loopback:
 * - `GET /codes?phone=` → `{code}` (the last code sent to that phone; 404 if none)
 * - `PUT /accounts/{phone}` `{password?, hint?, firstName?, username?}` → `{phone, userId, hasPassword}`
 * - `POST /revoke {phone}` → `{revoked}` (logs every key of that account out)
 * - `POST /flood {phone, seconds}` → the next sendCode/signIn for that phone answers FLOOD_WAIT_{seconds}
 * - `POST /expire {phone}` → `{expired}` (the current code answers PHONE_CODE_EXPIRED)
 * - `POST /qr/accept {token, phone, dcId?}` → `{accepted: true}` (another device of that account scans
 *   the QR; `token` is the base64url of `tg://login?token=`, `dcId` the account's DC when not 2)
 * - `POST /keys {authKeyHex, phone?}` → `{authKeyId}` (accept a key, e.g. for an imported session)
 * - `GET /stats` → `{sendCode: {phone: n}, liveConnections: {authKeyId: n}, liveConnectionsByPhone, dropped, unhandled}`
 * Phones are compared by their digits only.
 */
export function createControlServer(state: PeerState): Server {
  return createServer((req, res) => {
    route(state, req)
      .then(([status, body]) => send(res, status, body))
      .catch((err: unknown) => send(res, 400, { error: err instanceof Error ? err.message : String(err) }));
  });
}

// --- Internal helpers ---

type Reply = [number, unknown];

async function route(state: PeerState, req: IncomingMessage): Promise<Reply> {
  const url = new URL(req.url ?? "/", "http://peer");
  const method = req.method ?? "GET";
  const path = url.pathname;
  if (method === "GET" && path === "/codes") {
    const code = state.code(requireString(url.searchParams.get("phone"), "phone"));
    return code ? [200, { code: code.code }] : [404, { error: "no code was sent to this phone" }];
  }
  if (method === "GET" && path === "/stats") return [200, state.stats()];
  const account = /^\/accounts\/([^/]+)$/.exec(path);
  if (method === "PUT" && account?.[1]) {
    const body = await readJson(req);
    const password = body.password;
    if (password !== undefined && password !== null && typeof password !== "string") {
      throw new Error("password must be a string or null");
    }
    const saved = await state.upsertAccount(decodeURIComponent(account[1]), {
      password,
      hint: optionalString(body.hint, "hint"),
      firstName: optionalString(body.firstName, "firstName"),
      username: optionalString(body.username, "username"),
    });
    return [200, { phone: saved.phone, userId: saved.userId.toString(), hasPassword: !!saved.password }];
  }
  if (method === "POST") {
    const body = await readJson(req);
    switch (path) {
      case "/revoke":
        return [200, { revoked: state.revoke(requireString(body.phone, "phone")) }];
      case "/flood": {
        const seconds = body.seconds;
        if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 0) {
          throw new Error("seconds must be a non-negative integer");
        }
        state.setFlood(requireString(body.phone, "phone"), seconds);
        return [200, { ok: true }];
      }
      case "/expire":
        return [200, { expired: state.expireCode(requireString(body.phone, "phone")) }];
      case "/qr/accept": {
        const dcId = body.dcId;
        if (
          dcId !== undefined &&
          (typeof dcId !== "number" || !Number.isInteger(dcId) || dcId < 1 || dcId > 5)
        ) {
          throw new Error("dcId must be 1–5");
        }
        state.acceptLoginToken(requireString(body.token, "token"), requireString(body.phone, "phone"), dcId);
        return [200, { accepted: true }];
      }
      case "/keys": {
        const hex = requireString(body.authKeyHex, "authKeyHex");
        if (!/^([0-9a-f]{2}){128,256}$/i.test(hex))
          throw new Error("authKeyHex must be 128–256 bytes of hex");
        const phone = optionalString(body.phone, "phone");
        return [200, { authKeyId: state.addKey(Buffer.from(hex, "hex"), phone) }];
      }
    }
  }
  return [404, { error: `no route ${method} ${path}` }];
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Error("body must be a JSON object");
  return parsed as Record<string, unknown>;
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== "string" || !value) throw new Error(`${name} is required`);
  return value;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new Error(`${name} must be a string`);
  return value;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
