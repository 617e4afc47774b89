import type { Context } from "hono";
import { renderQrPng } from "../../../core/qr-image.js";
import { NO_STORE } from "./whatsapp-schemas.js";

/** Whether the caller asked for the QR as an image (`Accept: image/png`) rather than JSON. */
export function wantsPng(c: Context): boolean {
  return /\bimage\/png\b/i.test(c.req.header("accept") ?? "");
}

/** The QR string as a PNG answer; never cached, as it is a login secret. */
export async function qrPngAnswer(c: Context, qr: string): Promise<Response> {
  const png = await renderQrPng(qr);
  return c.body(png as Uint8Array<ArrayBuffer>, 200, { ...NO_STORE, "content-type": "image/png" });
}
