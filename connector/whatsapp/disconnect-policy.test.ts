import { describe, expect, it } from "vitest";
import { decideDisconnect, describeDisconnect } from "./disconnect-policy.js";
import { ServerCertificateError } from "./server-cert.js";

const boom = (statusCode: number, data?: unknown): Error =>
  Object.assign(new Error(`closed ${statusCode}`), { output: { statusCode }, data });
const fresh = { attempt: 0, reconnectsAt: [], now: 1_000_000 };

describe("disconnect policy (DESIGN §4)", () => {
  it.each([401, 403])("%i: logged out (wipe)", (code) => {
    expect(decideDisconnect(describeDisconnect(boom(code)), fresh)).toMatchObject({
      kind: "logged_out",
      code: String(code),
    });
  });

  it("device_removed, even when Baileys maps it to 440: logged out", () => {
    const close = describeDisconnect(boom(440, { tag: "conflict", attrs: { type: "device_removed" } }));
    expect(decideDisconnect(close, fresh)).toMatchObject({ kind: "logged_out", code: "device_removed" });
  });

  it("440 connection replaced: stop in conflict, never reconnect", () => {
    const close = describeDisconnect(boom(440, { tag: "conflict", attrs: { type: "replaced" } }));
    expect(decideDisconnect(close, fresh)).toMatchObject({ kind: "stop", status: "conflict", code: "440" });
  });

  it("515 restart required: reconnect at once", () => {
    expect(decideDisconnect(describeDisconnect(boom(515)), { ...fresh, attempt: 4 })).toEqual({
      kind: "reconnect",
      delayMs: 0,
    });
  });

  it.each([408, 428, 500, 503, 411])("%i: reconnect with capped exponential backoff", (code) => {
    const close = describeDisconnect(boom(code));
    const delays = [0, 1, 2, 3, 10].map((attempt) => decideDisconnect(close, { ...fresh, attempt }));
    expect(delays.map((d) => (d.kind === "reconnect" ? d.delayMs : -1))).toEqual([
      2000, 4000, 8000, 16000, 60000,
    ]);
  });

  it("an error without a status code backs off too", () => {
    expect(decideDisconnect(describeDisconnect(new Error("socket hang up")), fresh)).toMatchObject({
      kind: "reconnect",
      delayMs: 2000,
    });
  });

  it("a sixth reconnect within two minutes is a loop: failed, reconnect_loop", () => {
    const now = 1_000_000;
    const five = [now - 100_000, now - 80_000, now - 60_000, now - 1_000, now - 10];
    expect(
      decideDisconnect(describeDisconnect(boom(515)), { attempt: 0, reconnectsAt: five, now }),
    ).toMatchObject({
      kind: "stop",
      status: "failed",
      code: "reconnect_loop",
    });
    const oldOnes = [now - 130_000, ...five.slice(1)];
    expect(
      decideDisconnect(describeDisconnect(boom(428)), { attempt: 0, reconnectsAt: oldOnes, now }).kind,
    ).toBe("reconnect");
  });

  it("a refused server certificate: failed with its reason, never retried", () => {
    const close = describeDisconnect(new ServerCertificateError("leaf is not signed by the intermediate"));
    expect(decideDisconnect(close, fresh)).toMatchObject({
      kind: "stop",
      status: "failed",
      code: "server_certificate_invalid",
      reason: expect.stringContaining("leaf is not signed"),
    });
  });
});
