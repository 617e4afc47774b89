import type { AuthenticationCreds, ConnectionState } from "@whiskeysockets/baileys";
import type { Records } from "../../core/storage/types.js";
import type { Vault } from "../../core/vault/vault.js";
import {
  AuthStateFencedError,
  type DurableAuthState,
  openAuthState,
} from "../../core/whatsapp/auth-state/index.js";
import * as WhatsAppSession from "../../core/whatsapp/session/index.js";
import { type Logger, type OnEvent, type Runner, SILENT_LOGGER, type StopReason } from "../types.js";
import { decideDisconnect, describeDisconnect, type PolicyOptions } from "./disconnect-policy.js";
import { reportTerminal, type TerminalAction } from "./session-end.js";
import { accountOf, createSessionReport, errorCode, errorMessage, iso } from "./session-report.js";
import { type CreateSocket, guardKeyWrites, type SocketLike } from "./socket.js";

export interface SessionRunnerDeps {
  records: Records;
  vault: Vault;
  clock: () => number;
  createSocket: CreateSocket;
  onEvent?: OnEvent;
  logger?: Logger;
  policy?: Partial<PolicyOptions>;
  /** How often `lastSeenAt` is refreshed while connected. Default 60 s. */
  seenEveryMs?: number;
}

/**
 * Runs one leased WhatsApp session: restores its auth state under the lease epoch, opens a
 * socket, publishes QR / pairing code / status, and applies the disconnect policy on every close
 * (reconnect, back off, log out + wipe, or stop in `conflict` / `failed`). A failed auth-state
 * write drops the socket at once and reconnects from what storage holds (status `degraded`).
 * Terminal states also set `desired = disconnected`, so no connector picks the session up again.
 */
export function startSessionRunner(deps: SessionRunnerDeps, lease: WhatsAppSession.LeaseRef): Runner {
  const log = deps.logger ?? SILENT_LOGGER;
  const ids = { tenantId: lease.tenantId, sessionId: lease.sessionId, epoch: lease.epoch };
  const authDeps = { records: deps.records, vault: deps.vault, clock: deps.clock };
  const report = createSessionReport({ ...deps, logger: log }, lease, () => void stop("lease_lost"));
  let auth: DurableAuthState | undefined;
  let sock: SocketLike | undefined;
  let ended = false;
  let attempt = 0;
  const reconnectsAt: number[] = [];
  let phoneNumber: string | undefined;
  /** Taken only to unlink the device (`requestLogout`, a delete): log out once the socket opens. */
  let logoutOnOpen = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let seenTimer: NodeJS.Timeout | undefined;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const clearTimers = (): void => {
    clearTimeout(retryTimer);
    clearInterval(seenTimer);
  };
  const dropSocket = (error?: Error): void => {
    const s = sock;
    sock = undefined;
    clearInterval(seenTimer);
    if (s) void Promise.resolve(s.end(error)).catch(() => {});
  };
  const closeAuth = async (): Promise<void> => {
    const a = auth;
    auth = undefined;
    await a?.close().catch((error) => log.warn({ ...ids, err: errorCode(error) }, "auth state close failed"));
  };
  const schedule = (delayMs: number): void => {
    retryTimer = setTimeout(() => void connect(), delayMs);
  };

  async function connect(): Promise<void> {
    if (ended) return;
    if (!auth) {
      try {
        auth = await openAuthState(authDeps, lease, { epoch: lease.epoch });
      } catch (error) {
        return onOpenFailure(error);
      }
      if (ended) return void closeAuth();
    }
    const state = auth;
    const restartsPairing = abandonUnfinishedPairingCode(state.state.creds);
    await report.publish({ status: "connecting", ...(restartsPairing ? { pairingCode: null } : {}) });
    if (ended) return;
    let qrs = 0;
    let pairingRequested = false;
    const s: SocketLike = deps.createSocket({
      auth: guardKeyWrites(state.state, (e) => onWriteFailure(s, e)),
    });
    sock = s;
    s.ev.on("creds.update", () => void state.saveCreds().catch((e) => onWriteFailure(s, e)));
    s.ev.on("connection.update", (update: Partial<ConnectionState>) => {
      if (s !== sock || ended) return;
      if (update.qr) {
        const expiresAt = deps.clock() + (++qrs === 1 ? 60_000 : 20_000);
        void report.publish({ status: "qr", qr: update.qr, qrExpiresAt: expiresAt });
        report.emit("session.qr", { qr: update.qr, expiresAt: iso(expiresAt) });
        if (phoneNumber && !pairingRequested && !state.state.creds.registered) {
          pairingRequested = true;
          void requestPairingCode(s, phoneNumber);
        }
      }
      if (update.isNewLogin) void report.publish({ paired: true, account: accountOf(state.state.creds) });
      if (update.connection === "open") onOpen(state);
      if (update.connection === "close") void onClose(describeDisconnect(update.lastDisconnect?.error));
    });
  }

  function onOpen(state: DurableAuthState): void {
    if (logoutOnOpen) {
      log.info(ids, "connected to log out (session being deleted)");
      void stop("logout");
      return;
    }
    attempt = 0;
    const now = deps.clock();
    const account = accountOf(state.state.creds);
    void report.publish({
      ...{ status: "connected", paired: true, account, connectedAt: now, lastSeenAt: now },
      ...{ qr: null, qrExpiresAt: null, pairingCode: null, lastError: null },
    });
    report.emit("session.connected", { ...account });
    clearInterval(seenTimer);
    seenTimer = setInterval(
      () => void report.publish({ lastSeenAt: deps.clock() }),
      deps.seenEveryMs ?? 60_000,
    );
    seenTimer.unref();
  }

  async function onClose(close: ReturnType<typeof describeDisconnect>): Promise<void> {
    sock = undefined;
    clearInterval(seenTimer);
    const now = deps.clock();
    const action = decideDisconnect(close, { attempt, reconnectsAt, now }, deps.policy);
    log.info({ ...ids, statusCode: close.statusCode, action: action.kind }, "whatsapp socket closed");
    if (action.kind !== "reconnect") return finishWith(action);
    reconnectsAt.push(now);
    if (action.delayMs > 0) attempt++;
    const lastError =
      close.statusCode === 515 ? {} : { lastError: { code: String(close.statusCode), reason: close.reason } };
    await report.publish({ status: action.delayMs === 0 ? "connecting" : "disconnected", ...lastError });
    if (close.statusCode !== 515) {
      report.emit("session.disconnected", {
        code: close.statusCode,
        reason: close.reason,
        retryInMs: action.delayMs,
      });
    }
    if (!ended) schedule(action.delayMs);
  }

  /** Never run on unsaved keys: drop this socket, reopen the state from storage, retry with backoff. */
  function onWriteFailure(s: SocketLike, error: unknown): void {
    if (ended || s !== sock) return;
    log.error({ ...ids, err: errorCode(error) }, "auth state write failed; dropping the socket");
    dropSocket(new Error("auth state write failed"));
    void closeAuth();
    void retryAfterTrouble("auth_state_write_failed", errorMessage(error));
  }

  async function onOpenFailure(error: unknown): Promise<void> {
    if (error instanceof AuthStateFencedError) {
      log.warn(ids, "auth state is owned by a newer epoch; stopping");
      ended = true;
      return finish();
    }
    if (errorCode(error) === "storage.backend_error")
      return retryAfterTrouble(errorCode(error), errorMessage(error));
    // A corrupt or missing blob is reported as such, never answered with fresh creds.
    await finishWith({ kind: "stop", status: "failed", code: errorCode(error), reason: errorMessage(error) });
  }

  async function retryAfterTrouble(code: string, reason: string): Promise<void> {
    const now = deps.clock();
    const close = { statusCode: null, reason, deviceRemoved: false, certificateRefused: false };
    const action = decideDisconnect(close, { attempt, reconnectsAt, now }, deps.policy);
    if (action.kind !== "reconnect") return finishWith(action);
    reconnectsAt.push(now);
    attempt++;
    await report.publish({ status: "degraded", lastError: { code, reason } });
    if (!ended) schedule(action.delayMs);
  }

  async function requestPairingCode(s: SocketLike, phone: string): Promise<void> {
    try {
      const pairingCode = await s.requestPairingCode(phone);
      if (s === sock && !ended) await report.publish({ pairingCode });
    } catch (error) {
      log.warn({ ...ids, err: errorCode(error) }, "pairing code request failed");
      await report.publish({ lastError: { code: "pairing_code_failed", reason: errorMessage(error) } });
    }
  }

  /** Terminal states: stop for good and leave the connector index until the API asks again. */
  async function finishWith(action: TerminalAction): Promise<void> {
    ended = true;
    clearTimers();
    dropSocket();
    await closeAuth();
    await reportTerminal({ report, authDeps, lease, log }, action);
    finish();
  }

  async function stop(reason: StopReason): Promise<void> {
    if (ended) return done;
    ended = true;
    clearTimers();
    if (reason === "logout") {
      // Unlink the device on the server first; its 401 close is ignored (ended).
      if (sock) await Promise.race([sock.logout().catch(() => {}), sleep(2_000)]);
      return finishWith({ kind: "logged_out", code: "logout_requested", reason: "logged out on request" });
    }
    // Before any await for `lease_lost`: the socket must not outlive the lease.
    dropSocket();
    if (reason === "lease_lost") {
      auth = undefined;
      return finish();
    }
    await closeAuth();
    await report.publish({ status: "disconnected", qr: null, qrExpiresAt: null, pairingCode: null });
    report.emit("session.disconnected", { reason });
    finish();
  }

  void (async () => {
    const session = await WhatsAppSession.fromID({ storage: { records: deps.records } }, lease).catch(
      () => null,
    );
    phoneNumber = session?.phoneNumber;
    logoutOnOpen = session?.logoutRequested === true;
    await connect();
  })().catch((error) => {
    log.error({ ...ids, err: errorCode(error) }, "session runner crashed");
    void stop("lease_lost");
  });
  return { stop, done };
}

// --- Internal helpers ---

/**
 * Baileys' `requestPairingCode` sets `creds.me` to the bare phone jid before the phone links the
 * device. Creds left like that by an earlier socket (restart, lease takeover) would make Baileys
 * log in as that unlinked number, which the server answers with 401: the session would end
 * `logged_out` instead of getting a new code. Forget the unfinished request (in memory; the next
 * `creds.update` stores it) so the socket registers anew. A linked device's `me.id` names its
 * device (`PHONE:N@…`). Returns true when it did.
 */
function abandonUnfinishedPairingCode(creds: AuthenticationCreds): boolean {
  if (!creds.pairingCode || !creds.me || creds.me.id.includes(":")) return false;
  delete creds.me;
  delete creds.pairingCode;
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
