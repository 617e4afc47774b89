import type { LeaseRef } from "../core/whatsapp/session/index.js";

/**
 * The contracts between the connector loop and what it runs. The loop knows leases, not
 * WhatsApp: a `Runner` is whatever keeps one leased session converged to its desired state.
 */

/** Why the loop stops a runner. */
export type StopReason =
  /** Renewal failed, the lease expired or the record is gone: someone else may own it now. End the socket at once, write nothing more. */
  | "lease_lost"
  /** The API asked for `desired = disconnected`: close cleanly and publish `disconnected`. */
  | "desired_disconnected"
  /** The API asked for a logout (`requestDisconnect(…, {logout: true})`): unlink the device, wipe key material, publish `logged_out`. */
  | "logout"
  /** This process is shutting down (SIGTERM): close cleanly, flush, publish `disconnected`; another connector takes over. */
  | "shutdown";

/** One running session. */
export interface Runner {
  /** Stops it; resolves once the socket is closed and the auth state flushed (when the reason allows). */
  stop(reason: StopReason): Promise<void>;
  /** Resolves when the runner has ended, on its own (a terminal status it published) or by `stop`. */
  readonly done: Promise<void>;
}

/** Starts a runner for a lease the loop has just taken. Must not throw; failures end the runner. */
export type StartRunner = (lease: LeaseRef) => Runner;

export type SessionEventType =
  | "session.qr"
  | "session.connected"
  | "session.disconnected"
  | "session.logged_out"
  | "session.conflict";

/**
 * What a runner reports as it happens (for webhooks). `data` of `session.qr` carries the raw QR:
 * it is the tenant's own login secret, so deliver it only to the tenant and never log it.
 */
export interface SessionEvent {
  type: SessionEventType;
  tenantId: string;
  sessionId: string;
  /** ISO time. */
  at: string;
  data: Record<string, unknown>;
}

export type OnEvent = (event: SessionEvent) => void;

/** The logging the connector needs (a pino logger fits). Never pass creds, keys or QR contents. */
export interface Logger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** A logger that drops everything (the default). */
export const SILENT_LOGGER: Logger = { debug() {}, info() {}, warn() {}, error() {} };
