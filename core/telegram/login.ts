import { Api } from "telegram";
import { computeCheck } from "telegram/Password.js";
import { TelegramError, TelegramSessionInvalidError, toTelegramError } from "./errors.js";
import {
  createTelegramClient,
  type TelegramClientHandle,
  type TelegramConnectOptions,
} from "./gramjs-client.js";

/** The logged-in account, as the app keeps it. `id` is decimal text (Telegram ids exceed 2^53). */
export interface TelegramUser {
  id: string;
  phone: string | null;
  firstName: string | null;
  username: string | null;
  isBot: boolean;
}

/** Step 1 of a login. Keep `sessionString` for step 2: the hash is bound to its auth key. Both are secrets. */
export interface SentLoginCode {
  phoneCodeHash: string;
  isCodeViaApp: boolean;
  sessionString: string;
}

/** A finished login: a session string that is logged in, and whose account it is. */
export interface SignedIn {
  sessionString: string;
  user: TelegramUser;
}

/** Step 2 input. With `password`, a 2FA account is finished in the same call. */
export interface SignInInput {
  sessionString: string;
  phone: string;
  phoneCodeHash: string;
  code: string;
  password?: string;
}

/**
 * Sends a login code to `phone` through `client` (usually built with `session: ""`), then saves the
 * session: saved only after sendCode returns, because a PHONE_MIGRATE inside it switches DC and key.
 * The caller owns `client` and destroys it. Throws `TelegramError` (flood, phone_invalid, transient…).
 */
export async function sendLoginCode(
  client: TelegramClientHandle,
  phone: string,
  apiId: number,
  apiHash: string,
): Promise<SentLoginCode> {
  const sent = await client.run((c) => c.sendCode({ apiId, apiHash }, phone));
  const sessionString = client.saveSession();
  if (!sessionString) throw new TelegramError({ kind: "transient", reason: "no auth key after sendCode" });
  return { phoneCodeHash: sent.phoneCodeHash, isCodeViaApp: sent.isCodeViaApp, sessionString };
}

/**
 * Signs in with the code, on a client rebuilt from step 1's session. On SESSION_PASSWORD_NEEDED it
 * checks `password` by SRP (account.getPassword + computeCheck + auth.checkPassword), or throws
 * `password_needed` with the account's hint; then `checkLoginPassword` finishes with the same session.
 * Never uses GramJS's signInUser/signInWithPassword, which loop on errors waiting for callbacks.
 */
export async function signInWithCode(options: TelegramConnectOptions, input: SignInInput): Promise<SignedIn> {
  return withClient(options, input.sessionString, async (client) => {
    let auth: Api.auth.TypeAuthorization;
    try {
      auth = await loginStep(() =>
        client.invoke(
          new Api.auth.SignIn({
            phoneNumber: input.phone,
            phoneCodeHash: input.phoneCodeHash,
            phoneCode: input.code,
          }),
        ),
      );
    } catch (err) {
      if (!(err instanceof TelegramError) || err.problem.kind !== "password_needed") throw err;
      if (input.password === undefined) throw await passwordNeeded(client, err);
      auth = await checkPassword(client, input.password);
    }
    return { sessionString: client.saveSession(), user: userFromAuthorization(auth) };
  });
}

/** Finishes a 2FA login after `signInWithCode` answered `password_needed`, on the same session string. */
export async function checkLoginPassword(
  options: TelegramConnectOptions,
  input: { sessionString: string; password: string },
): Promise<SignedIn> {
  return withClient(options, input.sessionString, async (client) => {
    const auth = await checkPassword(client, input.password);
    return { sessionString: client.saveSession(), user: userFromAuthorization(auth) };
  });
}

/**
 * The account a stored session belongs to; proves the session alive. A dead key throws `TelegramError`
 * with kind `dead`; an unreachable Telegram throws `transient` (never `dead`).
 */
export async function getMe(options: TelegramConnectOptions, sessionString: string): Promise<TelegramUser> {
  if (!sessionString.trim()) throw new TelegramSessionInvalidError("empty");
  return withClient(options, sessionString, async (client) => {
    const [me] = await client.invoke(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }));
    if (!(me instanceof Api.User)) {
      throw new TelegramError(
        { kind: "rejected", errorMessage: "USER_EMPTY" },
        { message: "getUsers([self]) returned no user" },
      );
    }
    return toUser(me);
  });
}

// --- Shared with qr-login.ts ---

/** Runs `fn` on a client built from `sessionString`, destroyed afterwards. */
export async function withClient<T>(
  options: TelegramConnectOptions,
  sessionString: string,
  fn: (client: TelegramClientHandle) => Promise<T>,
): Promise<T> {
  const client = createTelegramClient({ ...options, session: sessionString });
  try {
    return await fn(client);
  } finally {
    await client.destroy();
  }
}

/**
 * During a login the key is not authorized yet, so a 401 "dead key" answer means the login state on it
 * is gone (e.g. revoked meanwhile): the flow restarts with a new code rather than a "dead session".
 */
export async function loginStep<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = toTelegramError(err);
    if (e.problem.kind === "dead") throw new TelegramError({ kind: "code_expired" }, { cause: err });
    throw e;
  }
}

/** SRP round; one retry when the round went stale (SRP_ID_INVALID), as GramJS would fetch a new one. */
export async function checkPassword(
  client: TelegramClientHandle,
  password: string,
): Promise<Api.auth.TypeAuthorization> {
  for (let attempt = 0; ; attempt++) {
    const srp = await loginStep(() => client.invoke(new Api.account.GetPassword()));
    let check: Api.TypeInputCheckPasswordSRP;
    try {
      check = await computeCheck(srp, password);
    } catch (err) {
      // computeCheck refuses unknown KDFs or bad primes: Telegram sent something we cannot answer.
      throw new TelegramError(
        { kind: "rejected", errorMessage: "PASSWORD_PARAMS_UNSUPPORTED" },
        { cause: err },
      );
    }
    try {
      return await loginStep(() => client.invoke(new Api.auth.CheckPassword({ password: check })));
    } catch (err) {
      const stale =
        err instanceof TelegramError &&
        err.problem.kind === "transient" &&
        err.problem.reason === "SRP_ID_INVALID";
      if (!stale || attempt > 0) throw err;
    }
  }
}

/** Adds the account's password hint to a `password_needed` error; the hint is best effort only. */
export async function passwordNeeded(
  client: TelegramClientHandle,
  err: TelegramError,
): Promise<TelegramError> {
  let hint: string | undefined;
  try {
    hint = (await client.invoke(new Api.account.GetPassword())).hint;
  } catch {
    // Without a hint the caller still learns what matters: a password is needed.
    hint = undefined;
  }
  return new TelegramError({ kind: "password_needed", hint }, { cause: err.cause });
}

export function userFromAuthorization(auth: Api.auth.TypeAuthorization): TelegramUser {
  if (auth instanceof Api.auth.AuthorizationSignUpRequired) {
    // Sign-up is out of scope: only numbers that already have a Telegram account can log in.
    throw new TelegramError({ kind: "phone_invalid", errorMessage: "PHONE_NUMBER_UNOCCUPIED" });
  }
  if (!(auth.user instanceof Api.User)) {
    throw new TelegramError(
      { kind: "rejected", errorMessage: "USER_EMPTY" },
      { message: "authorization without a user" },
    );
  }
  return toUser(auth.user);
}

// --- Internal helpers ---

function toUser(user: Api.User): TelegramUser {
  return {
    id: user.id.toString(),
    phone: user.phone ?? null,
    firstName: user.firstName ?? null,
    username: user.username ?? null,
    isBot: user.bot === true,
  };
}
