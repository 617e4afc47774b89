import "@hono/zod-openapi"; // first: core schemas built after it carry `.openapi` (zod 4 binds it per instance)
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeTar } from "../../core/whatsapp/archive/tar.js";
import { openAuthState, verifyAuthState } from "../../core/whatsapp/auth-state/index.js";
import * as Session from "../../core/whatsapp/session/index.js";
import { type AppHarness, createAppHarness, type HarnessTenant } from "../helpers/app-harness.js";
import { ADAPTERS, createTestStorage, type TestStorage } from "../helpers/test-storage.js";
import {
  authFolder,
  blobKeys,
  credsFingerprint,
  flipStoredByte,
  type JsonResponse,
  observe,
  observeConnected,
} from "./fixtures.js";

describe.each(ADAPTERS)("WhatsApp import/export/backup routes on %s", (adapter) => {
  let store: TestStorage;
  let h: AppHarness;
  beforeAll(async () => {
    store = await createTestStorage(adapter);
    h = createAppHarness(store.storage);
  });
  afterAll(() => store.dispose());

  const url = (id: string, rest = "") => `/v1/whatsapp/sessions/${id}${rest}`;
  const send = async (
    t: HarnessTenant,
    method: string,
    path: string,
    init: { body?: string | Uint8Array; type?: string } = {},
  ): Promise<JsonResponse> =>
    h.app.request(path, {
      method,
      headers: { ...h.headers(t.apiKey), ...(init.type ? { "content-type": init.type } : {}) },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
  const importJson = (t: HarnessTenant, id: string, body: unknown) =>
    send(t, "POST", url(id, "/import"), { body: JSON.stringify(body), type: "application/json" });
  const importTar = (t: HarnessTenant, id: string, bytes: Uint8Array, type = "application/gzip") =>
    send(t, "POST", url(id, "/import"), { body: new Uint8Array(bytes), type });
  const exportJson = async (t: HarnessTenant, id: string) =>
    (await send(t, "GET", url(id, "/export?format=json"))).json() as Promise<Record<string, string>>;
  /** A session of its own that no connector runs (disconnected), ready for imports. */
  async function idleSession(t: HarnessTenant, id: string): Promise<Session.SessionRef> {
    await h.app.request("/v1/whatsapp/sessions", {
      method: "POST",
      headers: h.headers(t.apiKey, true),
      body: JSON.stringify({ sessionId: id }),
    });
    await send(t, "POST", url(id, "/disconnect"));
    return { tenantId: t.tenantId, sessionId: id };
  }

  /** What a connector does on start: take the lease, open the auth state as that epoch, release. */
  async function connectorRestore(ref: Session.SessionRef): Promise<void> {
    const epoch = await Session.acquireLease(h.deps, ref, "connector-9", 60_000, { anyDesired: true });
    const deps = { records: store.storage.records, vault: h.deps.vault };
    try {
      await (await openAuthState(deps, ref, { epoch: epoch! })).close();
    } finally {
      await Session.releaseLease(h.deps, { ...ref, owner: "connector-9", epoch: epoch! });
    }
  }

  it("export -> import round trip as tar.gz and as the JSON map gives the same creds and keys", async () => {
    const t = await h.createTenant({ scopes: ["export"] });
    await idleSession(t, "src");
    const folder = authFolder();
    const first = await importJson(t, "src", { session_data: folder, session_id: "default" });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ sessionId: "src", files: 4, paired: true });

    const tar = await send(t, "GET", url("src", "/export"));
    expect(tar.status).toBe(200);
    expect(tar.headers.get("content-type")).toBe("application/gzip");
    expect(tar.headers.get("content-disposition")).toContain('filename="src.tar.gz"');
    const tarBytes = new Uint8Array(await tar.arrayBuffer());
    expect([tarBytes[0], tarBytes[1]]).toEqual([0x1f, 0x8b]);
    await idleSession(t, "via-tar");
    expect((await importTar(t, "via-tar", tarBytes)).status).toBe(200);

    const map = await exportJson(t, "src");
    expect(Object.keys(map).sort()).toEqual(Object.keys(folder).sort());
    await idleSession(t, "via-json");
    expect((await importJson(t, "via-json", map)).status).toBe(200);

    for (const id of ["src", "via-tar", "via-json"]) {
      const out = await exportJson(t, id);
      expect(credsFingerprint(out["creds.json"]!)).toBe(credsFingerprint(folder["creds.json"]!));
      expect(out["pre-key-1.json"]).toBe(folder["pre-key-1.json"]);
      expect(out).toEqual(map);
    }
    // The imported state is what a Baileys socket would open.
    const opened = await openAuthState(
      { records: store.storage.records, vault: h.deps.vault },
      {
        tenantId: t.tenantId,
        sessionId: "via-tar",
      },
    );
    expect(opened.isNew).toBe(false);
    expect(opened.state.creds.me?.id).toBe("15551234567:3@s.whatsapp.net");
    await opened.close();
  });

  it("export needs the export scope (403), and 404 auth_state.not_found before any state exists", async () => {
    const plain = await h.createTenant();
    await idleSession(plain, "s");
    await importJson(plain, "s", authFolder());
    const denied = await send(plain, "GET", url("s", "/export"));
    expect(denied.status).toBe(403);
    expect((await denied.json()).code).toBe("forbidden");
    const exporter = await h.createTenant({ scopes: ["export"] });
    await idleSession(exporter, "empty");
    const none = await send(exporter, "GET", url("empty", "/export"));
    expect(none.status).toBe(404);
    expect((await none.json()).code).toBe("auth_state.not_found");
    expect((await send(exporter, "GET", url("ghost", "/export"))).status).toBe(404);
    expect((await send(exporter, "GET", url("empty", "/export?format=zip"))).status).toBe(400);
  });

  it("a bad archive gets a 4xx with a stable code and changes nothing", async () => {
    const t = await h.createTenant({ scopes: ["export"] });
    const ref = await idleSession(t, "keep");
    const folder = authFolder();
    await importJson(t, "keep", folder);
    const before = {
      files: await exportJson(t, "keep"),
      backups: await (await send(t, "GET", url("keep", "/backups"))).json(),
      record: await Session.fromID(h.deps, ref),
    };
    const withoutCreds = { ...folder };
    delete withoutCreds["creds.json"];
    const cases: [string, Promise<JsonResponse>, number, string][] = [
      ["not gzip", importTar(t, "keep", Buffer.from("definitely not an archive")), 400, "archive.not_gzip"],
      [
        "path traversal",
        importTar(
          t,
          "keep",
          gzipSync(encodeTar([{ path: "../../creds.json", data: Buffer.from(folder["creds.json"]!) }])),
        ),
        400,
        "archive.unsafe_entry",
      ],
      [
        "symlink",
        importTar(
          t,
          "keep",
          gzipSync(encodeTar([{ path: "creds.json", type: "SymbolicLink", linkpath: "/etc/passwd" }])),
        ),
        400,
        "archive.unsafe_entry",
      ],
      ["no creds.json", importJson(t, "keep", withoutCreds), 400, "auth_state.import_invalid"],
      [
        "invalid JSON inside",
        importJson(t, "keep", { ...folder, "pre-key-9.json": "{not json" }),
        400,
        "auth_state.import_invalid",
      ],
      [
        "not a Baileys file",
        importJson(t, "keep", { ...folder, "notes.txt": "hi" }),
        400,
        "auth_state.import_invalid",
      ],
      ["not a map", importJson(t, "keep", ["creds.json"]), 422, "validation_failed"],
      [
        "wrong media type",
        send(t, "POST", url("keep", "/import"), { body: "x", type: "text/plain" }),
        415,
        "unsupported_media_type",
      ],
    ];
    for (const [name, pending, status, code] of cases) {
      const res = await pending;
      const body = await res.json();
      expect(`${name}: ${res.status} ${body.code}`).toBe(`${name}: ${status} ${code}`);
    }
    const bomb = gzipSync(encodeTar([{ path: "creds.json", data: Buffer.alloc(80 << 20, 0x20) }]));
    const tooBig = await importTar(t, "keep", bomb);
    expect([tooBig.status, (await tooBig.json()).code]).toEqual([413, "archive.too_large"]);

    expect(await exportJson(t, "keep")).toEqual(before.files);
    expect(await (await send(t, "GET", url("keep", "/backups"))).json()).toEqual(before.backups);
    expect(await Session.fromID(h.deps, ref)).toEqual(before.record);
  });

  it("an import into an id the tenant does not have creates it, disconnected (seed 004's one-call backup)", async () => {
    const t = await h.createTenant({ scopes: ["export"] });
    const folder = authFolder();
    const bad = await importJson(t, "fresh", { session_data: { "creds.json": "{" }, session_id: "default" });
    expect([bad.status, (await bad.json()).code]).toEqual([400, "auth_state.import_invalid"]);
    expect(await Session.fromID(h.deps, { tenantId: t.tenantId, sessionId: "fresh" })).toBeNull(); // nothing left
    const res = await importJson(t, "fresh", { session_data: folder, session_id: "default" });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      sessionId: "fresh",
      files: 4,
      generation: 1,
      paired: true,
      created: true,
    });
    const created = await Session.fromID(h.deps, { tenantId: t.tenantId, sessionId: "fresh" });
    // No connector takes it until asked; linked creds do not expire.
    expect(created).toMatchObject({ desired: "disconnected", status: "disconnected", paired: true });
    expect(created?.expiresAt).toBeUndefined();
    expect(await exportJson(t, "fresh")).toEqual(folder);
    const again = await importJson(t, "fresh", folder);
    expect([again.status, (await again.json()).created]).toEqual([200, false]);
  });

  it("import and restore are refused with 409 while a connector holds the session", async () => {
    const t = await h.createTenant({ scopes: ["export"] });
    const ref = await idleSession(t, "busy");
    await importJson(t, "busy", authFolder());
    await importJson(t, "busy", authFolder());
    const lease = await observe(h.deps, ref, { status: "qr", qr: "2@x" });
    const busy = await importJson(t, "busy", authFolder());
    expect(busy.status).toBe(409);
    expect(await busy.json()).toMatchObject({ code: "whatsapp.session_busy", status: 409 });
    await observeConnected(h.deps, ref);
    const connected = await importJson(t, "busy", authFolder());
    expect(connected.status).toBe(409);
    expect((await connected.json()).code).toBe("whatsapp.session_connected");
    const generation = (await (await send(t, "GET", url("busy", "/backups"))).json()).backups[1].generation;
    const restore = await send(t, "POST", url("busy", `/backups/${generation}/restore`));
    expect(restore.status).toBe(409);
    expect((await restore.json()).code).toBe("whatsapp.session_connected");

    await Session.releaseLease(h.deps, lease);
    expect((await send(t, "POST", url("busy", `/backups/${generation}/restore`))).status).toBe(200);
    const after = await Session.fromID(h.deps, ref);
    expect(after).toMatchObject({ leaseOwner: null, status: "disconnected" });
    expect(after!.epoch).toBeGreaterThan(lease.epoch);
    expect((await send(t, "POST", url("busy", "/backups/999/restore"))).status).toBe(404);
  });

  it("corruption: a flipped byte in the newest snapshot is a typed error naming the blob; the previous one restores via the API", async () => {
    const t = await h.createTenant({ scopes: ["export"] });
    const ref = await idleSession(t, "rot");
    const older = authFolder();
    const newer = authFolder();
    await importJson(t, "rot", older);
    await importJson(t, "rot", newer);
    const listed = (await (await send(t, "GET", url("rot", "/backups"))).json()).backups;
    expect(listed).toHaveLength(2);
    expect(listed[0]).toMatchObject({
      current: true,
      size: expect.any(Number),
      createdAt: expect.any(String),
    });
    const [newest, previous] = listed.map((b: { generation: number }) => b.generation);
    expect(newest).toBeGreaterThan(previous);

    const snaps = await blobKeys(store.storage, `t/${t.tenantId}/wa/rot/snap/`);
    const newestBlob = snaps.sort().at(-1)!;
    await flipStoredByte(store.storage, newestBlob);

    const read = await send(t, "GET", url("rot", "/export?format=json"));
    expect(read.status).toBe(500);
    expect(await read.json()).toMatchObject({
      code: "vault.blob_corrupt",
      blob: newestBlob,
      reason: "auth_failed",
    });
    const deps = { records: store.storage.records, vault: h.deps.vault };
    await expect(connectorRestore(ref)).rejects.toMatchObject({
      code: "vault.blob_corrupt",
      blob: newestBlob,
    });
    expect(await verifyAuthState(deps, ref)).toEqual({ ok: false, blob: newestBlob, reason: "auth_failed" });
    expect(await (await send(t, "POST", url("rot", "/reuse"))).json()).toMatchObject({
      reused: false,
      reason: "state_corrupt",
    });
    const badRestore = await send(t, "POST", url("rot", `/backups/${newest}/restore`));
    expect(await badRestore.json()).toMatchObject({ code: "vault.blob_corrupt", blob: newestBlob });

    const restored = await send(t, "POST", url("rot", `/backups/${previous}/restore`));
    expect(restored.status).toBe(200);
    expect(await restored.json()).toEqual({ sessionId: "rot", generation: previous, restored: true });
    const files = await exportJson(t, "rot");
    expect(credsFingerprint(files["creds.json"]!)).toBe(credsFingerprint(older["creds.json"]!));
    expect(await verifyAuthState(deps, ref)).toMatchObject({ ok: true });
    expect(await (await send(t, "POST", url("rot", "/reuse"))).json()).toMatchObject({ reused: true });
  });
  it("corruption: a flipped byte in a log blob names it; restoring the current snapshot through the API drops that log", async () => {
    const t = await h.createTenant({ scopes: ["export"] });
    const ref = await idleSession(t, "wal");
    const folder = authFolder();
    await importJson(t, "wal", folder);
    // A connector runs the session for a while and logs one key change (no compaction).
    const lease = await observe(h.deps, ref, { status: "connected" });
    const deps = { records: store.storage.records, vault: h.deps.vault };
    const live = await openAuthState(deps, ref, { epoch: lease.epoch, compactEveryChanges: 1e9 });
    await live.state.keys.set({
      "pre-key": { "77": { public: Buffer.alloc(32, 1), private: Buffer.alloc(32, 2) } },
    });
    await live.close();
    await Session.releaseLease(h.deps, lease);
    expect(Object.keys(await exportJson(t, "wal"))).toContain("pre-key-77.json");

    const [walBlob] = await blobKeys(store.storage, `t/${t.tenantId}/wa/wal/wal/`);
    await flipStoredByte(store.storage, walBlob!);
    const read = await send(t, "GET", url("wal", "/export?format=json"));
    expect(await read.json()).toMatchObject({ code: "vault.blob_corrupt", blob: walBlob });
    await expect(connectorRestore(ref)).rejects.toMatchObject({
      code: "vault.blob_corrupt",
      blob: walBlob,
    });

    const { backups } = await (await send(t, "GET", url("wal", "/backups"))).json();
    const current = backups.find((b: { current: boolean }) => b.current).generation;
    expect((await send(t, "POST", url("wal", `/backups/${current}/restore`))).status).toBe(200);
    const files = await exportJson(t, "wal");
    expect(files).toEqual(await exportJson(t, "wal"));
    expect(Object.keys(files)).not.toContain("pre-key-77.json");
    expect(credsFingerprint(files["creds.json"]!)).toBe(credsFingerprint(folder["creds.json"]!));
  });
});
