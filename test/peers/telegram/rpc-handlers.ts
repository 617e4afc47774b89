import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { handleAuthRpc, type RpcContext, selfUser } from "./rpc-auth.js";
import { ok, type RpcOutcome, rpcError, vectorBytes } from "./tl-write.js";

export type { RpcContext } from "./rpc-auth.js";

/** Where the peer tells clients every DC lives (itself). */
export interface DcAddress {
  host: string;
  port: number;
}

/**
 * Answers one RPC. Wrappers (invokeWithLayer, initConnection, invokeWithoutUpdates) are unwrapped and
 * never required: GramJS does not resend them after a reconnect. help.getConfig is answered for every
 * known key, even revoked ones, or GramJS's connect() would never complete. users.getUsers([self]) and
 * updates.getState answer 401 AUTH_KEY_UNREGISTERED unless the key is logged in. Anything else is
 * `400 INPUT_METHOD_INVALID` and counted in the stats' `unhandled`.
 */
export function handleRpc(ctx: RpcContext, request: unknown, dc: DcAddress): RpcOutcome {
  if (
    request instanceof Api.InvokeWithLayer ||
    request instanceof Api.InitConnection ||
    request instanceof Api.InvokeWithoutUpdates
  ) {
    return handleRpc(ctx, request.query, dc);
  }
  if (request instanceof Api.help.GetConfig) return ok(config(dc));
  const auth = handleAuthRpc(ctx, request);
  if (auth) return auth;
  if (request instanceof Api.users.GetUsers) return getUsers(ctx, request);
  if (request instanceof Api.updates.GetState) {
    if (!ctx.record.phone) return rpcError(401, "AUTH_KEY_UNREGISTERED");
    return ok(
      new Api.updates.State({ pts: 1, qts: 0, date: Math.floor(Date.now() / 1000), seq: 1, unreadCount: 0 }),
    );
  }
  ctx.state.noteUnhandled((request as { className?: string } | null)?.className ?? "unknown");
  return rpcError(400, "INPUT_METHOD_INVALID");
}

// --- Internal helpers ---

function getUsers(ctx: RpcContext, req: Api.users.GetUsers): RpcOutcome {
  const account = ctx.record.phone ? ctx.state.accountFor(ctx.record.phone, false) : undefined;
  if (!account) return rpcError(401, "AUTH_KEY_UNREGISTERED");
  const users = req.id.map((input) =>
    input instanceof Api.InputUserSelf
      ? selfUser(account)
      : new Api.UserEmpty({ id: input instanceof Api.InputUser ? input.userId : returnBigInt(0) }),
  );
  return { ok: vectorBytes(users) };
}

/**
 * GramJS reads only `dc_options`; the other required fields are filled so the object parses. Every DC
 * is this peer's host on port 443, as on Telegram: clients reach the peer through a socket override
 * that ignores the port, and a DC switch saves the advertised port in a session string, whose int16
 * field could not hold the peer's real (ephemeral, > 32767) port.
 */
function config(dc: DcAddress): Api.Config {
  const now = Math.floor(Date.now() / 1000);
  return new Api.Config({
    date: now,
    expires: now + 3600,
    testMode: false,
    thisDc: 2,
    dcOptions: [1, 2, 3, 4, 5].map((id) => new Api.DcOption({ id, ipAddress: dc.host, port: 443 })),
    dcTxtDomainName: "localhost",
    chatSizeMax: 200,
    megagroupSizeMax: 200000,
    forwardedCountMax: 100,
    onlineUpdatePeriodMs: 210000,
    offlineBlurTimeoutMs: 5000,
    offlineIdleTimeoutMs: 30000,
    onlineCloudTimeoutMs: 300000,
    notifyCloudDelayMs: 30000,
    notifyDefaultDelayMs: 1500,
    pushChatPeriodMs: 60000,
    pushChatLimit: 2,
    editTimeLimit: 172800,
    revokeTimeLimit: 172800,
    revokePmTimeLimit: 172800,
    ratingEDecay: 2419200,
    stickersRecentLimit: 200,
    channelsReadMediaPeriod: 604800,
    callReceiveTimeoutMs: 20000,
    callRingTimeoutMs: 90000,
    callConnectTimeoutMs: 30000,
    callPacketTimeoutMs: 10000,
    meUrlPrefix: "https://t.me/",
    captionLengthMax: 1024,
    messageLengthMax: 4096,
    webfileDcId: 4,
  });
}
