/**
 * Telegram session codecs: parse any supported session format into one validated
 * `TelegramSessionData` (`detectAndParse`) and write it back as a GramJS, Telethon or
 * Pyrogram string (`serialize`). Every failure is a `TelegramSessionError` with a stable
 * `telegram.session.*` code. Formats, layouts and limits are documented in each
 * `<format>-*.ts` file.
 */
export type { ParsedSession, SessionInput } from "./detect.js";
export { detectAndParse, MAX_SESSION_INPUT_BYTES } from "./detect.js";
export type { TelegramSessionErrorCode } from "./errors.js";
export { TelegramSessionError } from "./errors.js";
export { serialize } from "./serialize.js";
export type { ExportFormat, SessionFormat, TelegramSessionData } from "./session.js";
