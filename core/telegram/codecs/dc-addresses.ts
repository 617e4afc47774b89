/**
 * Telegram's well-known datacenter addresses, for formats that store only a DC id
 * (Pyrogram strings and SQLite). Production DCs are reached on 443; Pyrogram's test
 * mode uses port 80 and only DCs 1–3 exist there.
 */
const PRODUCTION: Readonly<Record<number, string>> = {
  1: "149.154.175.53",
  2: "149.154.167.51",
  3: "149.154.175.100",
  4: "149.154.167.91",
  5: "91.108.56.130",
};

const TEST: Readonly<Record<number, string>> = {
  1: "149.154.175.10",
  2: "149.154.167.40",
  3: "149.154.175.117",
};

/** Production DC ids are 1..5. */
export const MIN_DC_ID = 1;
export const MAX_DC_ID = 5;

/** Address and port for `dcId`, or `null` when that DC does not exist in the chosen mode. */
export function lookupDcAddress(dcId: number, testMode: boolean): { address: string; port: number } | null {
  const address = (testMode ? TEST : PRODUCTION)[dcId];
  return address === undefined ? null : { address, port: testMode ? 80 : 443 };
}
