import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { type ApiClient, ApiError } from "./api-client.js";
import type { ImportItem } from "./classify.js";

export interface ImportOutcome {
  path: string;
  ok: boolean;
  /** What was created, or why it failed (the API's problem code and message). */
  detail: string;
}

/** Imports one classified item through the API. Never throws: failures become outcomes. */
export async function importItem(
  api: ApiClient,
  item: ImportItem,
  telegram: { apiId?: number; apiHash?: string } = {},
): Promise<ImportOutcome> {
  try {
    switch (item.kind) {
      case "unknown":
        return { path: item.path, ok: false, detail: item.reason };
      case "telegram-file": {
        const bytes = await readFile(item.path);
        const created = await api.json<{ sessionId: string; format: string }>(
          "POST",
          "/v1/telegram/sessions/import",
          {
            file: bytes.toString("base64"),
            filename: basename(item.path),
            ...telegram,
          },
        );
        return { path: item.path, ok: true, detail: `telegram ${created.sessionId} (${created.format})` };
      }
      default:
        return await importWhatsApp(api, item);
    }
  } catch (error) {
    const e = error as { code?: string; message: string };
    return { path: item.path, ok: false, detail: e.code ? `${e.code}: ${e.message}` : e.message };
  }
}

// --- Internal helpers ---

type WhatsAppItem = Extract<ImportItem, { kind: "whatsapp-folder" | "whatsapp-archive" | "whatsapp-json" }>;

/**
 * Creates (or reuses) the session, imports the creds, then asks for a connection. The body is
 * read before anything is created, and a session this call created is deleted again when its
 * import fails, so a broken file leaves nothing behind.
 */
async function importWhatsApp(api: ApiClient, item: WhatsAppItem): Promise<ImportOutcome> {
  const body =
    item.kind === "whatsapp-archive"
      ? { bytes: await readFile(item.path), type: "application/gzip" }
      : {
          bytes: JSON.stringify(
            item.kind === "whatsapp-folder"
              ? await folderMap(item.path)
              : JSON.parse(await readFile(item.path, "utf8")),
          ),
          type: "application/json",
        };
  const path = `/v1/whatsapp/sessions/${encodeURIComponent(item.sessionId)}`;
  const created = await api.request(
    "POST",
    "/v1/whatsapp/sessions",
    JSON.stringify({ sessionId: item.sessionId }),
    "application/json",
  );
  try {
    // Import needs the session not running: ask the connector to let go, then retry while it does.
    await api.json("POST", `${path}/disconnect`);
    await whileBusy(() => api.request("POST", `${path}/import`, body.bytes, body.type));
  } catch (error) {
    if (created.status === 201) await api.request("DELETE", path).catch(() => undefined);
    throw error;
  }
  await api.json("POST", `${path}/reuse`); // connect with the imported creds
  return { path: item.path, ok: true, detail: `whatsapp ${item.sessionId}` };
}

/** Retries `call` while the API answers 409 `whatsapp.session_busy` (a connector still letting go), up to ~15 s. */
async function whileBusy<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== "whatsapp.session_busy" || attempt >= 30)
        throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** A `useMultiFileAuthState` folder as the seed 004 map: file name -> file content. */
async function folderMap(dir: string): Promise<Record<string, string>> {
  const map: Record<string, string> = {};
  for (const name of await readdir(dir)) {
    if (name.endsWith(".json")) map[name] = await readFile(join(dir, name), "utf8");
  }
  return map;
}
