/** The whole auth state: the stored side (`stored.ts`) plus the live state a Baileys socket runs on. */

export { type AuthStateOptions, type DurableAuthState, openAuthState } from "./open.js";
export * from "./stored.js";
export { useSessionvaultAuthState } from "./use-sessionvault-auth-state.js";
