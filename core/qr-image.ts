/** A QR string (WhatsApp's pairing QR, Telegram's `tg://login?token=…`) as a PNG image. */
export async function renderQrPng(qr: string): Promise<Uint8Array> {
  // Loaded on first use: only the QR routes render, and the API Lambda's cold start skips it.
  const { default: QRCode } = await import("qrcode");
  // Scannable from a screen: margin 2, 8 px per module.
  return QRCode.toBuffer(qr, { type: "png", errorCorrectionLevel: "L", margin: 2, scale: 8 });
}
