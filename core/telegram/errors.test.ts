import { Api } from "telegram";
import { RPCMessageToError } from "telegram/errors/index.js";
import { describe, expect, it } from "vitest";
import { SessionvaultError } from "../error.js";
import { classifyTelegramError, TelegramError, toTelegramError } from "./errors.js";

/** Builds the exact error object GramJS's MTProtoSender throws for an rpc_error answer. */
function rpcError(
  code: number,
  message: string,
  request: Api.AnyRequest = new Api.users.GetUsers({ id: [] }),
) {
  return RPCMessageToError(new Api.RpcError({ errorCode: code, errorMessage: message }), request);
}

const signIn = new Api.auth.SignIn({ phoneNumber: "1", phoneCodeHash: "h", phoneCode: "1" });

describe("classifyTelegramError", () => {
  it.each([
    [401, "AUTH_KEY_UNREGISTERED"],
    [401, "SESSION_REVOKED"],
    [401, "SESSION_EXPIRED"],
    [401, "USER_DEACTIVATED"],
    [401, "USER_DEACTIVATED_BAN"],
    [401, "AUTH_KEY_INVALID"],
    [401, "AUTH_KEY_PERM_EMPTY"],
    [406, "AUTH_KEY_DUPLICATED"],
  ])("%i %s is dead", (code, message) => {
    expect(classifyTelegramError(rpcError(code, message))).toEqual({ kind: "dead", errorMessage: message });
  });

  it("reads a dead key from the plain RPCError getMe() rejects with", () => {
    const err = rpcError(401, "AUTH_KEY_UNREGISTERED");
    expect(err.constructor.name).toBe("RPCError");
    expect(err.message).toBe("401: AUTH_KEY_UNREGISTERED (caused by users.GetUsers)");
    expect(classifyTelegramError(err).kind).toBe("dead");
  });

  it.each([
    ["SESSION_PASSWORD_NEEDED", 401, { kind: "password_needed", hint: undefined }],
    ["PHONE_CODE_INVALID", 400, { kind: "code_invalid" }],
    ["PHONE_CODE_EMPTY", 400, { kind: "code_invalid" }],
    ["PHONE_CODE_EXPIRED", 400, { kind: "code_expired" }],
    ["PASSWORD_HASH_INVALID", 400, { kind: "password_invalid" }],
    ["PHONE_NUMBER_INVALID", 400, { kind: "phone_invalid", errorMessage: "PHONE_NUMBER_INVALID" }],
    ["PHONE_NUMBER_BANNED", 400, { kind: "phone_invalid", errorMessage: "PHONE_NUMBER_BANNED" }],
    ["PHONE_NUMBER_FLOOD", 400, { kind: "flood", retryAfter: null }],
    ["API_ID_INVALID", 400, { kind: "rejected", errorMessage: "API_ID_INVALID" }],
    ["RPC_CALL_FAIL", 500, { kind: "transient", reason: "RPC_CALL_FAIL" }],
    ["SOMETHING_NEW", 500, { kind: "transient", reason: "SOMETHING_NEW" }],
  ] as const)("%s", (message, code, expected) => {
    expect(classifyTelegramError(rpcError(code, message, signIn))).toEqual(expected);
  });

  it("FLOOD_WAIT_n becomes GramJS's FloodWaitError and keeps the seconds", () => {
    const err = rpcError(420, "FLOOD_WAIT_37", signIn);
    expect(err.errorMessage).toBe("FLOOD");
    expect(classifyTelegramError(err)).toEqual({ kind: "flood", retryAfter: 37 });
  });

  it("network failures are transient, never dead", () => {
    expect(classifyTelegramError(new Error("Not connected")).kind).toBe("transient");
    expect(classifyTelegramError(new Error("AUTH_KEY_UNREGISTERED")).kind).toBe("transient");
    expect(classifyTelegramError("boom").kind).toBe("transient");
  });
});

describe("TelegramError", () => {
  it("is a SessionvaultError with a stable code, status and safe details", () => {
    const err = toTelegramError(rpcError(420, "FLOOD_WAIT_5", signIn));
    expect(err).toBeInstanceOf(SessionvaultError);
    expect(err).toBeInstanceOf(TelegramError);
    expect(err.code).toBe("telegram.flood_wait");
    expect(err.status).toBe(429);
    expect(err.details).toEqual({ retryAfter: 5 });
    expect(err.cause).toBeDefined();
    expect(toTelegramError(err)).toBe(err);
  });

  it("gives every problem kind its own code", () => {
    const kinds = [
      { kind: "dead", errorMessage: "X" },
      { kind: "password_needed", hint: "h" },
      { kind: "code_invalid" },
      { kind: "code_expired" },
      { kind: "password_invalid" },
      { kind: "flood", retryAfter: 1 },
      { kind: "phone_invalid", errorMessage: "X" },
      { kind: "rejected", errorMessage: "X" },
      { kind: "transient", reason: "x" },
    ] as const;
    const codes = new Set(kinds.map((problem) => new TelegramError(problem).code));
    expect(codes.size).toBe(kinds.length);
  });
});
