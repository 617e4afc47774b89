import { describe, expect, it } from "vitest";
import { toWebhookEvent } from "./webhook-events.js";

describe("session events -> webhook events", () => {
  it("keeps scalar facts and never carries the QR", () => {
    const event = toWebhookEvent({
      type: "session.qr",
      tenantId: "ten_1",
      sessionId: "s1",
      at: "2026-11-24T00:00:00.000Z",
      data: { qr: "2@secret-ref,abc", expiresAt: 123, nested: { a: 1 }, reason: null },
    });
    expect(event).toEqual({
      type: "session.qr",
      tenantId: "ten_1",
      data: {
        platform: "whatsapp",
        sessionId: "s1",
        at: "2026-11-24T00:00:00.000Z",
        expiresAt: 123,
        reason: null,
      },
    });
    expect(JSON.stringify(event)).not.toContain("secret-ref");
  });
});
