import { Api } from "telegram";
import { TelegramError } from "./errors.js";
import type { TelegramConnectOptions } from "./gramjs-client.js";
import { loginStep, passwordNeeded, type SignedIn, userFromAuthorization, withClient } from "./login.js";

/**
 * QR login (`tg://login?token=…`), one stateless step at a time. Telegram binds a login token to the
 * auth key that exported it; once another device of the account accepts the token, the same key's
 * next `auth.exportLoginToken` logs in. So each step reconnects with the saved pre-login session and
 * exports again, instead of GramJS's `signInUserWithQrCode`, which needs one client kept open while
 * the user scans.
 */

/** Where a QR login stands after one step. Every `sessionString` is a secret: the pre-login key. */
export type QrLoginStep =
  | { status: "pending"; token: Buffer; tokenExpiresAt: number; sessionString: string }
  | { status: "password_needed"; hint: string | null; sessionString: string }
  | { status: "signed_in"; signed: SignedIn };

/**
 * Exports the login token on `sessionString` ("" starts a new login with a fresh key). When the
 * account lives on another DC, Telegram answers loginTokenMigrateTo: the client switches DC (a new
 * key there) and imports the token, as GramJS does. A 2FA account answers SESSION_PASSWORD_NEEDED:
 * the step says so, with the hint and the session to finish on (`checkLoginPassword`), which changed
 * if the DC did. Telegram failures throw `TelegramError` (AUTH_TOKEN_* are `code_expired`).
 */
export async function exportQrToken(
  options: TelegramConnectOptions,
  sessionString: string,
): Promise<QrLoginStep> {
  return withClient(options, sessionString, async (client) => {
    let result: Api.auth.TypeLoginToken;
    try {
      result = await loginStep(() =>
        client.invoke(
          new Api.auth.ExportLoginToken({ apiId: options.apiId, apiHash: options.apiHash, exceptIds: [] }),
        ),
      );
      if (result instanceof Api.auth.LoginTokenMigrateTo) {
        const { dcId, token } = result;
        // `_switchDC` is private in GramJS's typings; it is what signInUserWithQrCode calls here.
        await client.run((c) => (c as unknown as { _switchDC(dc: number): Promise<void> })._switchDC(dcId));
        result = await loginStep(() => client.invoke(new Api.auth.ImportLoginToken({ token })));
      }
    } catch (err) {
      if (!(err instanceof TelegramError) || err.problem.kind !== "password_needed") throw err;
      const { problem } = await passwordNeeded(client, err);
      const hint = problem.kind === "password_needed" ? (problem.hint ?? null) : null;
      return { status: "password_needed", hint, sessionString: client.saveSession() };
    }
    if (result instanceof Api.auth.LoginToken) {
      return {
        status: "pending",
        token: Buffer.from(result.token),
        tokenExpiresAt: result.expires * 1000,
        sessionString: client.saveSession(),
      };
    }
    if (result instanceof Api.auth.LoginTokenSuccess) {
      return {
        status: "signed_in",
        signed: { sessionString: client.saveSession(), user: userFromAuthorization(result.authorization) },
      };
    }
    // A second migrate after importing: Telegram does not do this; refuse rather than loop.
    throw new TelegramError(
      { kind: "rejected", errorMessage: "LOGIN_TOKEN_MIGRATE_AGAIN" },
      { message: `unexpected ${result.className} after importLoginToken` },
    );
  });
}
