import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

// Issue 4: `npm run peer:whatsapp` prints the stack's environment and its control URL, one per line.
describe("peer:whatsapp entry point", () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill("SIGTERM");
    child = undefined;
  });

  it("prints WHATSAPP_WS_URL, WHATSAPP_TRUST_ROOT_KEY and PEER_CONTROL_URL and serves /stats", async () => {
    const tsx = createRequire(import.meta.url).resolve("tsx/cli");
    const main = fileURLToPath(new URL("./main.ts", import.meta.url));
    const proc = spawn(process.execPath, [tsx, main], { stdio: ["ignore", "pipe", "inherit"] });
    child = proc;
    const env = await readEnvLines(proc, 3, 25_000);
    expect(env.WHATSAPP_WS_URL).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/chat$/);
    expect(env.WHATSAPP_TRUST_ROOT_KEY).toMatch(/^[0-9a-f]{64}$/);
    expect(env.PEER_CONTROL_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const stats = await (await fetch(`${env.PEER_CONTROL_URL}/stats`)).json();
    expect(stats).toMatchObject({ liveSockets: {}, logins: {}, qrRefsIssued: 0 });
  }, 29_000);
});

function readEnvLines(proc: ChildProcess, count: number, timeoutMs: number): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    let buffered = "";
    const timer = setTimeout(() => reject(new Error(`peer printed only: ${buffered}`)), timeoutMs);
    proc.stdout?.setEncoding("utf8");
    proc.stdout?.on("data", (chunk: string) => {
      buffered += chunk;
      for (const line of buffered.split("\n").slice(0, -1)) {
        const [key, ...value] = line.split("=");
        if (key) env[key] = value.join("=");
      }
      if (Object.keys(env).length >= count) {
        clearTimeout(timer);
        resolve(env);
      }
    });
    proc.once("exit", (code) => reject(new Error(`peer exited with ${code}`)));
  });
}
