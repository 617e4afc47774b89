/**
 * `npm run peer:telegram`: starts the peer and prints, one per line, the environment the stack needs:
 * TELEGRAM_DC_OVERRIDE, TELEGRAM_TRUST_RSA_KEY and PEER_CONTROL_URL. Runs until SIGINT/SIGTERM.
 * Optional env: PEER_TELEGRAM_PORT, PEER_CONTROL_PORT, PEER_CODE_TTL_MS.
 */
import { startTelegramPeer } from "./peer.js";

const peer = await startTelegramPeer({
  port: optionalInt("PEER_TELEGRAM_PORT"),
  controlPort: optionalInt("PEER_CONTROL_PORT"),
  codeTtlMs: optionalInt("PEER_CODE_TTL_MS"),
});
for (const [name, value] of Object.entries(peer.env)) process.stdout.write(`${name}=${value}\n`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void peer.stop().then(() => process.exit(0));
  });
}

function optionalInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
  return n;
}
