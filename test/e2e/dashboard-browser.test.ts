import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import jsQRModule from "jsqr";
import { type Browser, chromium } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningConnector, startConnector } from "../../connector/start.js";
import { createVault } from "../../core/vault/vault.js";
import { serveApp } from "../../functions/api/node-server.js";
import { createAppHarness } from "../helpers/app-harness.js";
import { createTestLocalStorage, type TestStorage } from "../helpers/test-storage.js";
import { startTelegramPeer, type TelegramPeer } from "../peers/telegram/index.js";
import { startWhatsAppPeer, type WhatsAppPeer } from "../peers/whatsapp/index.js";

/**
 * Issue 8: the dashboard in a real headless Chromium (Debian's, installed by .ci/run) against
 * the local stack (API + connector in this process, local adapter) and the local WhatsApp
 * peer. The test reads the QR *from the page* (a screenshot of the QR image, decoded), hands it
 * to the peer's /scan, and waits for the page to show the session connected.
 */
// jsqr is CommonJS with an ESM-style `export default` in its types: at run time the default
// import is the function itself, which TypeScript under NodeNext cannot see.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const OUTPUT = join(process.cwd(), "test-output");

describe("dashboard in headless Chromium", () => {
  let peer: WhatsAppPeer;
  let telegram: TelegramPeer;
  let store: TestStorage;
  let connector: RunningConnector;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let apiKey: string;

  beforeAll(async () => {
    peer = await startWhatsAppPeer();
    telegram = await startTelegramPeer();
    store = await createTestLocalStorage();
    const vault = createVault(store.storage.blobs, randomBytes(32));
    const harness = createAppHarness(store.storage, {
      vault,
      config: {
        adminKey: `admin_${randomBytes(16).toString("hex")}`,
        telegram: {
          apiId: 12345,
          apiHash: "0123456789abcdef0123456789abcdef",
          dcOverride: telegram.env.TELEGRAM_DC_OVERRIDE,
          trustRsaKey: telegram.rsaPublicKeyLine,
          connectionRetries: 1,
          timeoutMs: 10_000,
        },
      },
    });
    apiKey = (await harness.createTenant()).apiKey;
    server = await serveApp(harness.app, 0, "127.0.0.1");
    connector = await startConnector({
      storage: store.storage,
      vault,
      config: {
        connector: { id: "browser-test", capacity: 10, port: 0 },
        whatsapp: { wsUrl: peer.wsUrl, trustRootKey: peer.trustRootKeyHex },
      },
      loop: { pollEveryMs: 200 },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await connector?.stop();
    await server?.close();
    await peer?.stop();
    await telegram?.stop();
    await store?.dispose();
  });

  it("signs in, creates a session, shows a scannable QR, and follows it to connected", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(server.url.replace("localhost", "127.0.0.1"));
    await page.fill("#api-key", apiKey);
    await page.click("#sign-in-form button");
    await page.waitForSelector("#app:not(.hidden)");

    await page.fill("#wa-session-id", "browser-bot");
    await page.click("#wa-create button");
    const qrImage = page.locator("#qr-image:not(.hidden)");
    await qrImage.waitFor({ state: "visible", timeout: 60_000 });
    await page.waitForFunction("document.getElementById('qr-image').naturalWidth > 0");

    const png = PNG.sync.read(await qrImage.screenshot());
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#/);
    await peer.scan(decoded!.data);

    await page.waitForSelector('#qr-status[data-status="connected"]', { timeout: 60_000 });
    const row = page.locator('tr[data-session="browser-bot"] [data-role="status"]');
    expect(await row.textContent()).toBe("connected");
    await mkdir(OUTPUT, { recursive: true });
    await writeFile(join(OUTPUT, "dashboard-connected.png"), await page.screenshot({ fullPage: true }));
  }, 150_000);

  it("logs in to Telegram by QR: reads the QR from the page, the phone scans it, the 2FA password finishes it", async () => {
    const phone = "+15550900001";
    await telegram.upsertAccount(phone, { password: "s3cret", hint: "the usual" });
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(server.url.replace("localhost", "127.0.0.1"));
    await page.fill("#api-key", apiKey);
    await page.click("#sign-in-form button");
    await page.waitForSelector("#app:not(.hidden)");

    await page.click("#tg-qr-start button");
    const qrImage = page.locator("#tg-qr-image:not(.hidden)");
    await qrImage.waitFor({ state: "visible", timeout: 30_000 });
    await expect
      .poll(() => qrImage.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), {
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
    const png = PNG.sync.read(await qrImage.screenshot());
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toMatch(/^tg:\/\/login\?token=/);
    telegram.acceptLoginToken(new URL(decoded!.data).searchParams.get("token")!, phone);

    await page.waitForSelector("#tg-qr-password:not(.hidden)", { timeout: 30_000 });
    expect(await page.textContent("#tg-message")).toContain("the usual");
    await page.fill("#tg-qr-pw", "s3cret");
    await page.click("#tg-qr-password button");
    await expect.poll(() => page.textContent("#tg-message"), { timeout: 30_000 }).toMatch(/^Signed in: tg_/);
    await page.waitForSelector("#tg-list tr", { timeout: 10_000 });
    expect(await page.textContent("#tg-list")).toContain(phone);
    await writeFile(join(OUTPUT, "dashboard-telegram-qr.png"), await page.screenshot({ fullPage: true }));
  }, 120_000);
});
