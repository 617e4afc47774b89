export type { ParsedSession, SessionInput } from "./detect.js";
export { detectAndParse, MAX_SESSION_INPUT_BYTES } from "./detect.js";
export type { TelegramSessionErrorCode } from "./errors.js";
export { TelegramSessionError } from "./errors.js";
export { serialize } from "./serialize.js";
export type { ExportFormat, SessionFormat, TelegramSessionData } from "./session.js";
