import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initAuthCreds, proto, useMultiFileAuthState } from "@whiskeysockets/baileys";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, REF, sessionBytes } from "../../../test/auth-state/fakes.js";
import { exportAuthFiles, importAuthFiles, listBackups, openAuthState } from "./index.js";
import { readPointer } from "./pointer.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), "sv-mfas-"));
  dirs.push(dir);
  return dir;
};
const readFolder = async (dir: string): Promise<Record<string, string>> =>
  Object.fromEntries(
    await Promise.all((await readdir(dir)).map(async (f) => [f, await readFile(join(dir, f), "utf8")])),
  );

const SYNC_KEY_ID = "AAAAAB/x+y=";
const SENDER_KEY_ID = "120363025@g.us::4917612345678::0";

/** A folder written by Baileys' own `useMultiFileAuthState`. */
async function baileysFolder(): Promise<string> {
  const dir = await tempDir();
  const { state, saveCreds } = await useMultiFileAuthState(dir);
  state.creds.me = { id: "4917612345678:3@s.whatsapp.net", name: "Bot" };
  await saveCreds();
  await state.keys.set({
    "pre-key": { "1": { public: sessionBytes(32), private: sessionBytes(32) } },
    session: { "4917612345678.0": sessionBytes(), "4917612345678_1.3": sessionBytes() },
    "sender-key": { [SENDER_KEY_ID]: sessionBytes(200) },
    "sender-key-memory": { "120363025@g.us": { "4917612345678:3@s.whatsapp.net": true } },
    "app-state-sync-key": { [SYNC_KEY_ID]: { keyData: sessionBytes(32), timestamp: 1_700_000_000 } },
    "lid-mapping": { "4917612345678": "123456789012345" },
    "device-list": { "4917612345678": ["0", "3"] },
  });
  return dir;
}

describe("auth state file map (useMultiFileAuthState folders)", () => {
  it("imports a Baileys folder and exports it back byte for byte, Baileys' file names included", async () => {
    const folder = await readFolder(await baileysFolder());
    expect(Object.keys(folder)).toContain("app-state-sync-key-AAAAAB__x+y=.json");
    expect(Object.keys(folder)).toContain("sender-key-120363025@g.us--4917612345678--0.json");
    const h = createHarness();
    const result = await importAuthFiles(h.deps, REF, folder);
    expect(result.files).toBe(Object.keys(folder).length);
    expect(await exportAuthFiles(h.deps, REF)).toEqual(folder);
    const auth = await openAuthState(h.deps, REF);
    expect(auth.isNew).toBe(false);
    expect(auth.state.creds.me?.name).toBe("Bot");
    const sync = (await auth.state.keys.get("app-state-sync-key", [SYNC_KEY_ID]))[SYNC_KEY_ID];
    expect(sync).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.isBuffer(sync?.keyData)).toBe(true);
    expect(Object.keys(await auth.state.keys.get("sender-key", [SENDER_KEY_ID]))).toEqual([SENDER_KEY_ID]);
    expect(await auth.state.keys.get("device-list", ["4917612345678"])).toEqual({
      "4917612345678": ["0", "3"],
    });
  });

  it("exports a folder useMultiFileAuthState reads back", async () => {
    const h = createHarness();
    const auth = await openAuthState(h.deps, REF);
    const session = sessionBytes();
    await auth.state.keys.set({
      session: { "1.0": session },
      "app-state-sync-key": {
        [SYNC_KEY_ID]: proto.Message.AppStateSyncKeyData.fromObject({ keyData: sessionBytes(32) }),
      },
    });
    const dir = await tempDir();
    for (const [file, text] of Object.entries(await exportAuthFiles(h.deps, REF)))
      await writeFile(join(dir, file), text);
    const { state } = await useMultiFileAuthState(dir);
    expect(state.creds.noiseKey.private).toEqual(auth.state.creds.noiseKey.private);
    expect((await state.keys.get("session", ["1.0"]))["1.0"]).toEqual(session);
    expect((await state.keys.get("app-state-sync-key", [SYNC_KEY_ID]))[SYNC_KEY_ID]).toBeInstanceOf(
      proto.Message.AppStateSyncKeyData,
    );
  });

  it("import replaces the state under a new owner and keeps the old one as a backup", async () => {
    const h = createHarness();
    const old = await openAuthState(h.deps, REF);
    await old.state.keys.set({ session: { "old.0": sessionBytes() } });
    const folder = await readFolder(await baileysFolder());
    const { epoch } = await importAuthFiles(h.deps, REF, folder);
    expect(epoch).toBeGreaterThan(old.epoch);
    await expect(old.state.keys.set({ session: { x: sessionBytes() } })).resolves.toBeUndefined(); // stale, fenced
    const auth = await openAuthState(h.deps, REF);
    expect(await auth.state.keys.get("session", ["old.0", "x"])).toEqual({});
    expect((await listBackups(h.deps, REF)).length).toBe(2);
  });

  it("rejects a bad map naming the file and changes nothing", async () => {
    const h = createHarness();
    await openAuthState(h.deps, REF);
    const before = await readPointer(h.records, REF);
    const creds = JSON.stringify(initAuthCreds());
    const bad: Record<string, Record<string, string>> = {
      "notes.txt": { "creds.json": creds, "notes.txt": "hi" },
      "key-1.json": { "creds.json": creds, "key-1.json": "{}" },
      "pre-key-1.json": { "creds.json": creds, "pre-key-1.json": "{not json" },
      "creds.json": { "pre-key-1.json": "{}" },
    };
    for (const [file, files] of Object.entries(bad)) {
      await expect(importAuthFiles(h.deps, REF, files)).rejects.toMatchObject({
        code: "auth_state.import_invalid",
        details: { file },
      });
    }
    await expect(importAuthFiles(h.deps, REF, { "creds.json": "{}" })).rejects.toMatchObject({
      code: "auth_state.import_invalid",
    });
    expect(await readPointer(h.records, REF)).toEqual(before);
  });
});
