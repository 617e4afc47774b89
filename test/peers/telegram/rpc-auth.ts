import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { passwordAnswer, startSrp, verifySrp } from "./srp.js";
import type { KeyRecord, LoginToken, PeerAccount, PeerState } from "./state.js";
import { normalizePhone } from "./state.js";
import { ok, type RpcOutcome, rpcError } from "./tl-write.js";

/** The auth key a request arrived under, and the shared state. */
export interface RpcContext {
  state: PeerState;
  authKeyId: string;
  record: KeyRecord;
}

/**
 * The login RPCs: auth.sendCode, auth.signIn, account.getPassword, auth.checkPassword, auth.logOut,
 * and QR login's auth.exportLoginToken / auth.importLoginToken. Returns undefined for any other request. Errors are Telegram's: PHONE_NUMBER_INVALID, FLOOD_WAIT_n
 * (one-shot, set by the control API), PHONE_CODE_EMPTY/INVALID/EXPIRED (a code is bound to the key that
 * requested it and to its hash), SESSION_PASSWORD_NEEDED, SRP_ID_INVALID, PASSWORD_HASH_INVALID,
 * AUTH_TOKEN_INVALID / AUTH_TOKEN_EXPIRED (a QR token unknown, not accepted or run out at import).
 */
export function handleAuthRpc(ctx: RpcContext, request: unknown): RpcOutcome | undefined {
  if (request instanceof Api.auth.SendCode) return sendCode(ctx, request);
  if (request instanceof Api.auth.SignIn) return signIn(ctx, request);
  if (request instanceof Api.account.GetPassword) return getPassword(ctx);
  if (request instanceof Api.auth.CheckPassword) return checkPassword(ctx, request);
  if (request instanceof Api.auth.ExportLoginToken) return exportLoginToken(ctx, request);
  if (request instanceof Api.auth.ImportLoginToken) return importLoginToken(ctx, request);
  if (request instanceof Api.auth.LogOut) {
    ctx.record.phone = ctx.record.pendingPhone = undefined;
    return ok(new Api.auth.LoggedOut({}));
  }
  return undefined;
}

/** The `user` object for an account, as seen by itself. */
export function selfUser(account: PeerAccount): Api.User {
  return new Api.User({
    self: true,
    id: returnBigInt(account.userId),
    accessHash: returnBigInt(account.accessHash),
    firstName: account.firstName,
    username: account.username,
    phone: account.phone,
  });
}

// --- Internal helpers ---

function sendCode(ctx: RpcContext, req: Api.auth.SendCode): RpcOutcome {
  const phone = normalizePhone(req.phoneNumber);
  if (phone.length < 5 || phone.length > 15) return rpcError(400, "PHONE_NUMBER_INVALID");
  ctx.state.countSendCode(phone);
  if (!req.apiId || !req.apiHash) return rpcError(400, "API_ID_INVALID");
  const flood = ctx.state.takeFlood(phone);
  if (flood !== undefined) return rpcError(420, `FLOOD_WAIT_${flood}`);
  const code = ctx.state.issueCode(phone, ctx.authKeyId);
  return ok(
    new Api.auth.SentCode({
      type: new Api.auth.SentCodeTypeApp({ length: code.code.length }),
      phoneCodeHash: code.phoneCodeHash,
      timeout: Math.ceil(ctx.state.options.codeTtlMs / 1000),
    }),
  );
}

function signIn(ctx: RpcContext, req: Api.auth.SignIn): RpcOutcome {
  const phone = normalizePhone(req.phoneNumber);
  const flood = ctx.state.takeFlood(phone);
  if (flood !== undefined) return rpcError(420, `FLOOD_WAIT_${flood}`);
  if (!req.phoneCode) return rpcError(400, "PHONE_CODE_EMPTY");
  const code = ctx.state.code(phone);
  // A hash from another auth key or an older sendCode is what Telegram reports as expired (gramjs #599).
  if (!code || code.phoneCodeHash !== req.phoneCodeHash || code.authKeyId !== ctx.authKeyId) {
    return rpcError(400, "PHONE_CODE_EXPIRED");
  }
  if (Date.now() >= code.expiresAt) return rpcError(400, "PHONE_CODE_EXPIRED");
  if (req.phoneCode !== code.code) return rpcError(400, "PHONE_CODE_INVALID");
  const account = ctx.state.accountFor(phone);
  if (!account) return ok(new Api.auth.AuthorizationSignUpRequired({}));
  if (account.password) {
    // The code stays valid: signing in again with it answers SESSION_PASSWORD_NEEDED again.
    ctx.record.pendingPhone = phone;
    return rpcError(401, "SESSION_PASSWORD_NEEDED");
  }
  return authorize(ctx, account);
}

function getPassword(ctx: RpcContext): RpcOutcome {
  const phone = ctx.record.pendingPhone ?? ctx.record.phone;
  const account = phone ? ctx.state.accountFor(phone, false) : undefined;
  if (!account) return rpcError(401, "AUTH_KEY_UNREGISTERED");
  if (!account.password) {
    return ok(
      new Api.account.Password({
        hasPassword: false,
        newAlgo: new Api.PasswordKdfAlgoUnknown(),
        newSecureAlgo: new Api.SecurePasswordKdfAlgoUnknown(),
        secureRandom: Buffer.alloc(32, 7),
      }),
    );
  }
  const challenge = startSrp(account.password);
  ctx.record.srp = challenge;
  return ok(passwordAnswer(account.password, challenge));
}

function checkPassword(ctx: RpcContext, req: Api.auth.CheckPassword): RpcOutcome {
  const phone = ctx.record.pendingPhone;
  const account = phone ? ctx.state.accountFor(phone, false) : undefined;
  // No login is waiting for a password on this key: the client must start over with a new code.
  if (!account?.password) return rpcError(400, "AUTH_RESTART");
  if (!(req.password instanceof Api.InputCheckPasswordSRP)) return rpcError(400, "PASSWORD_HASH_INVALID");
  const challenge = ctx.record.srp;
  if (!challenge || BigInt(req.password.srpId.toString()) !== challenge.srpId) {
    return rpcError(400, "SRP_ID_INVALID");
  }
  // One attempt per challenge: the client fetches a new one with account.getPassword.
  ctx.record.srp = undefined;
  if (!verifySrp(account.password, challenge, req.password.A, req.password.M1)) {
    return rpcError(400, "PASSWORD_HASH_INVALID");
  }
  return authorize(ctx, account);
}

/**
 * Until another device accepts the key's token, each export answers it (the same one while it is
 * valid, a new one after). Once accepted: logged in (loginTokenSuccess), SESSION_PASSWORD_NEEDED for a
 * 2FA account (then auth.checkPassword as after a code), or loginTokenMigrateTo the account's DC.
 */
function exportLoginToken(ctx: RpcContext, req: Api.auth.ExportLoginToken): RpcOutcome {
  if (!req.apiId || !req.apiHash) return rpcError(400, "API_ID_INVALID");
  const token = ctx.state.loginTokenFor(ctx.authKeyId);
  if (!token.acceptedBy) {
    return ok(new Api.auth.LoginToken({ expires: Math.floor(token.expiresAt / 1000), token: token.token }));
  }
  if (token.dcId !== undefined && token.dcId !== 2) {
    return ok(new Api.auth.LoginTokenMigrateTo({ dcId: token.dcId, token: token.token }));
  }
  return acceptedToken(ctx, token);
}

/** On the account's DC, with a token another key exported and another device accepted. */
function importLoginToken(ctx: RpcContext, req: Api.auth.ImportLoginToken): RpcOutcome {
  const token = ctx.state.loginToken(Buffer.from(req.token));
  if (!token?.acceptedBy) return rpcError(400, "AUTH_TOKEN_INVALID");
  return acceptedToken(ctx, token);
}

function acceptedToken(ctx: RpcContext, token: LoginToken): RpcOutcome {
  ctx.state.consumeLoginToken(token);
  const account = token.acceptedBy ? ctx.state.accountFor(token.acceptedBy, false) : undefined;
  if (!account) return rpcError(400, "AUTH_TOKEN_INVALID");
  if (account.password) {
    ctx.record.pendingPhone = account.phone;
    return rpcError(401, "SESSION_PASSWORD_NEEDED");
  }
  return ok(new Api.auth.LoginTokenSuccess({ authorization: signInKey(ctx, account) }));
}

function authorize(ctx: RpcContext, account: PeerAccount): RpcOutcome {
  return ok(signInKey(ctx, account));
}

function signInKey(ctx: RpcContext, account: PeerAccount): Api.auth.Authorization {
  ctx.record.phone = account.phone;
  ctx.record.pendingPhone = undefined;
  ctx.record.srp = undefined;
  ctx.state.consumeCode(account.phone);
  return new Api.auth.Authorization({ user: selfUser(account) });
}
