import { isServerCertificateError, SERVER_CERTIFICATE_INVALID } from "./server-cert.js";

/**
 * DESIGN §4's disconnect policy as a pure function: why a socket closed -> what the runner does.
 * No I/O and no clock of its own, so every row of the table is unit-testable.
 *
 * | close                                   | action                                              |
 * |-----------------------------------------|-----------------------------------------------------|
 * | server certificate refused              | stop, status `failed` (`server_certificate_invalid`) |
 * | 401, 403, `device_removed`              | wipe key material, `logged_out`, desired disconnected |
 * | 440 (connection replaced)               | stop, status `conflict`: the fence failed, never loop |
 * | 515 (restart required, after pairing)   | reconnect at once                                   |
 * | 408, 428, 500, 503, anything else       | reconnect after capped exponential backoff          |
 * | > `loopMax` reconnects in `loopWindowMs` | stop, status `failed` (`reconnect_loop`)            |
 */

/** Why a socket closed, read from Baileys' `lastDisconnect.error`. */
export interface Disconnect {
  /** Boom `output.statusCode`; `null` when the error carries none. */
  statusCode: number | null;
  /** Human-readable reason, safe to store (never carries key material). */
  reason: string;
  /** A stream error `<conflict type="device_removed"/>` (Baileys maps it to 440 when it has no code). */
  deviceRemoved: boolean;
  /** Our strict server-certificate check refused the server. */
  certificateRefused: boolean;
}

export type DisconnectAction =
  | { kind: "reconnect"; delayMs: number }
  | { kind: "logged_out"; code: string; reason: string }
  | { kind: "stop"; status: "conflict" | "failed"; code: string; reason: string };

export interface PolicyOptions {
  /** First backoff delay. Default 2 s; doubles per attempt since the last open connection. */
  backoffBaseMs: number;
  /** Backoff cap. Default 60 s. */
  backoffCapMs: number;
  /** More reconnects than this within `loopWindowMs` is a loop. Default 5. */
  loopMax: number;
  /** Default 2 minutes. */
  loopWindowMs: number;
}

export const DEFAULT_POLICY: PolicyOptions = {
  backoffBaseMs: 2_000,
  backoffCapMs: 60_000,
  loopMax: 5,
  loopWindowMs: 120_000,
};

/** Reads a close reason out of whatever Baileys put in `lastDisconnect.error`. */
export function describeDisconnect(error: unknown): Disconnect {
  const e = (typeof error === "object" && error !== null ? error : {}) as {
    message?: unknown;
    output?: { statusCode?: unknown };
    data?: { tag?: unknown; attrs?: { type?: unknown } };
  };
  const statusCode = typeof e.output?.statusCode === "number" ? e.output.statusCode : null;
  const message = typeof e.message === "string" && e.message ? e.message : "connection closed";
  const deviceRemoved = e.data?.attrs?.type === "device_removed" || /device_removed/.test(message);
  return { statusCode, reason: message, deviceRemoved, certificateRefused: isServerCertificateError(error) };
}

/**
 * The action for `close`. `attempt` counts backoff reconnects since the socket was last open;
 * `reconnectsAt` holds the times (ms) of recent reconnects, `now` the current time.
 */
export function decideDisconnect(
  close: Disconnect,
  history: { attempt: number; reconnectsAt: readonly number[]; now: number },
  options: Partial<PolicyOptions> = {},
): DisconnectAction {
  const o = { ...DEFAULT_POLICY, ...options };
  const code = close.statusCode === null ? "unknown" : String(close.statusCode);
  if (close.certificateRefused) {
    return { kind: "stop", status: "failed", code: SERVER_CERTIFICATE_INVALID, reason: close.reason };
  }
  if (close.deviceRemoved || close.statusCode === 401 || close.statusCode === 403) {
    return { kind: "logged_out", code: close.deviceRemoved ? "device_removed" : code, reason: close.reason };
  }
  if (close.statusCode === 440) return { kind: "stop", status: "conflict", code, reason: close.reason };
  const recent = history.reconnectsAt.filter((at) => history.now - at < o.loopWindowMs).length;
  if (recent + 1 > o.loopMax) {
    const reason = `more than ${o.loopMax} reconnects in ${o.loopWindowMs / 1000} s; last close: ${code} ${close.reason}`;
    return { kind: "stop", status: "failed", code: "reconnect_loop", reason };
  }
  if (close.statusCode === 515) return { kind: "reconnect", delayMs: 0 };
  return { kind: "reconnect", delayMs: backoff(history.attempt, o) };
}

// --- Internal helpers ---

function backoff(attempt: number, o: PolicyOptions): number {
  return Math.min(o.backoffCapMs, o.backoffBaseMs * 2 ** Math.min(attempt, 30));
}
