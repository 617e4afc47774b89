import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Webhook signatures. Header `Sessionvault-Signature: t=<unix seconds>,v1=<hex>` where
 * `v1 = HMAC-SHA256(secret, "<t>.<raw body>")`. Receivers recompute it over the raw body and
 * reject a `t` older than the replay window (default 300 s), so a captured request cannot be
 * replayed later.
 */
export const SIGNATURE_HEADER = "sessionvault-signature";
export const DEFAULT_REPLAY_WINDOW_SECONDS = 300;

export function signPayload(secret: string, timestampSeconds: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${timestampSeconds}.${body}`).digest("hex");
  return `t=${timestampSeconds},v1=${mac}`;
}

/** True when `header` signs `body` with `secret` and its timestamp is inside the window around `nowSeconds`. */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  windowSeconds = DEFAULT_REPLAY_WINDOW_SECONDS,
): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.trim().split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > windowSeconds) return false;
  const expected = Buffer.from(signPayload(secret, t, body).split("v1=")[1]!, "hex");
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
