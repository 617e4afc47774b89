import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { create as createTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildSqlite,
  gramjsString,
  makeAuthKey,
  TELETHON_V7_SCHEMA,
  telethonString,
} from "../../core/telegram/codecs/test-fixtures.js";
import { serveApp } from "../../functions/api/node-server.js";
import { createAppHarness } from "../helpers/app-harness.js";
import { createTestLocalStorage, type TestStorage } from "../helpers/test-storage.js";
import { authFolder } from "../whatsapp/fixtures.js";

const run = promisify(execFile);
const BIN = join(process.cwd(), "cli/sessionvault.mjs");

/**
 * Issue 8: the `sessionvault` CLI (the real bin, as a child process) imports a folder of 200
 * mixed files — WhatsApp auth folders, tar.gz archives, seed 004 JSON maps, Telethon `.session`
 * files, Telegram JSON descriptors — of which 10 are broken, against a running API.
 */
describe("sessionvault import (CLI)", () => {
  let store: TestStorage;
  let server: { url: string; close(): Promise<void> };
  let apiKey: string;
  let dir: string;

  beforeAll(async () => {
    store = await createTestLocalStorage();
    const harness = createAppHarness(store.storage);
    apiKey = (await harness.createTenant()).apiKey;
    server = await serveApp(harness.app, 0, "127.0.0.1");
    dir = await mkdtemp(join(tmpdir(), "sv-cli-"));
    await writeFixtures(dir);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await store?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("imports 190 good files and reports the 10 broken ones with reasons; --strict exits non-zero", async () => {
    const args = [
      BIN,
      "import",
      dir,
      "--url",
      server.url,
      "--key",
      apiKey,
      "--concurrency",
      "8",
      "--api-id",
      "12345",
      "--api-hash",
      "0123456789abcdef0123456789abcdef",
    ];
    const result = await run(process.execPath, [...args, "--strict"]).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toBe("190 imported, 10 failed");
    const failures = lines.slice(1);
    expect(failures).toHaveLength(10);
    for (const line of failures) expect(line).toMatch(/^ {2}FAILED .*broken.*: \S+/);
    expect(result.stdout).toContain("archive.not_gzip");
    expect(result.stdout).toContain("telegram.session.");

    const list = await fetch(`${server.url}/v1/whatsapp/sessions?limit=100`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(((await list.json()) as { count: number }).count).toBeGreaterThan(0);
    const stats = await fetch(`${server.url}/v1/sessions/stats`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(await stats.json()).toMatchObject({ byPlatform: { whatsapp: 120, telegram: 70 } });
  }, 300_000);
});

// --- Fixtures: 40 folders, 40 archives, 40 JSON maps, 40 .session files, 30 descriptors, 10 broken ---

async function writeFixtures(dir: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const folder = join(dir, `wa-folder-${i}`);
    await mkdir(folder);
    for (const [name, text] of Object.entries(authFolder())) await writeFile(join(folder, name), text);

    const staging = await mkdtemp(join(tmpdir(), "sv-cli-tar-"));
    for (const [name, text] of Object.entries(authFolder())) await writeFile(join(staging, name), text);
    await createTar({ gzip: true, file: join(dir, `wa-archive-${i}.tar.gz`), cwd: staging }, ["."]);
    await rm(staging, { recursive: true });

    await writeFile(join(dir, `wa-map-${i}.json`), JSON.stringify(authFolder()));

    const key = makeAuthKey(1000 + i);
    const sqlite = await buildSqlite(TELETHON_V7_SCHEMA(), [
      ["INSERT INTO version VALUES (?)", [7]],
      ["INSERT INTO sessions VALUES (?, ?, ?, ?, ?)", [2, "149.154.167.51", 443, key, null]],
    ]);
    await writeFile(join(dir, `tg-${i}.session`), sqlite);
  }
  for (let i = 0; i < 30; i++) {
    const key = makeAuthKey(5000 + i);
    const sessionString =
      i % 2 ? gramjsString(2, "149.154.167.51", 443, key) : telethonString(2, [149, 154, 167, 51], 443, key);
    await writeFile(
      join(dir, `tg-descriptor-${i}.json`),
      JSON.stringify({
        account_id: String(7000 + i),
        phone_number: `+1555000${1000 + i}`,
        session_string: sessionString,
        api_id: "12345",
        api_hash: "0123456789abcdef0123456789abcdef",
      }),
    );
  }
  // The 10 broken ones, each broken differently.
  await writeFile(join(dir, "broken-1.tar.gz"), randomBytes(300));
  await writeFile(join(dir, "broken-2.tar.gz"), Buffer.from("not a tarball at all"));
  await writeFile(join(dir, "broken-3.json"), "{ this is not json");
  await writeFile(join(dir, "broken-4.json"), JSON.stringify({ "creds.json": "{broken" }));
  await writeFile(join(dir, "broken-5.json"), JSON.stringify({ hello: "world" }));
  await writeFile(join(dir, "broken-6.session"), randomBytes(2048));
  await writeFile(join(dir, "broken-7.session"), Buffer.alloc(0));
  await writeFile(
    join(dir, "broken-8.json"),
    JSON.stringify({
      account_id: "1",
      phone_number: "+15550000001",
      session_string: "1AAAA",
      api_id: "1",
      api_hash: "x",
    }),
  );
  await mkdir(join(dir, "broken-9"));
  await writeFile(join(dir, "broken-9", "creds.json"), "][");
  await writeFile(join(dir, "broken-10.txt"), "what is this");
}
