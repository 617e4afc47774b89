/**
 * The peer's control API, for tests and for a person driving `npm run peer:whatsapp`:
 * - `POST /scan {qr, phone?}`: the phone scans a linking QR -> `{jid, lid, phone, device}`.
 * - `POST /pair-code {phone, code}`: the phone's owner types the pairing code -> same.
 * - `POST /logout {jid}`: the phone removes the device: 401 `device_removed` -> `{ended}`.
 * - `POST /conflict {jid}`: 440 `conflict type='replaced'` to the device's sockets -> `{ended}`.
 * - `GET /stats`: `PeerStats`.
 * Errors are `{error: code, message}` with a 4xx/5xx status.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type PairedDevice, PairingError } from "./pairing.js";
import type { PeerStats } from "./state.js";

/** What the control API drives. */
export interface ControlTarget {
  scan(qr: string, phone?: string): Promise<PairedDevice>;
  pairWithCode(phone: string, code: string): Promise<PairedDevice>;
  logout(jid: string): number;
  conflict(jid: string): number;
  stats(): PeerStats;
}

/** An HTTP request listener for the control routes; other paths get 404. */
export function createControlHandler(
  target: ControlTarget,
): (req: IncomingMessage, res: ServerResponse) => void {
  return function handleControlRequest(req, res) {
    route(target, req)
      .then(({ status, body }) => send(res, status, body))
      .catch((err: unknown) => {
        if (err instanceof PairingError) send(res, err.status, { error: err.code, message: err.message });
        else if (err instanceof BadRequest) send(res, 400, { error: "bad_request", message: err.message });
        else send(res, 500, { error: "internal", message: String(err) });
      });
  };
}

// --- Internal helpers ---

class BadRequest extends Error {}

async function route(
  target: ControlTarget,
  req: IncomingMessage,
): Promise<{ status: number; body: unknown }> {
  const path = new URL(req.url ?? "/", "http://peer").pathname;
  const key = `${req.method} ${path}`;
  if (key === "GET /stats") return { status: 200, body: target.stats() };
  if (key === "POST /scan") {
    const body = await readJson(req);
    return { status: 200, body: await target.scan(requireString(body, "qr"), optionalString(body, "phone")) };
  }
  if (key === "POST /pair-code") {
    const body = await readJson(req);
    const device = await target.pairWithCode(requireString(body, "phone"), requireString(body, "code"));
    return { status: 200, body: device };
  }
  if (key === "POST /logout")
    return { status: 200, body: { ended: target.logout(requireString(await readJson(req), "jid")) } };
  if (key === "POST /conflict") {
    return { status: 200, body: { ended: target.conflict(requireString(await readJson(req), "jid")) } };
  }
  return { status: 404, body: { error: "not_found", message: `no route ${key}` } };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new BadRequest("body must be a JSON object");
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "") throw new BadRequest(`missing string field '${field}'`);
  return value;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  return body[field] === undefined ? undefined : requireString(body, field);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
