import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { ApiClient } from "./api-client.js";
import type { ImportItem } from "./classify.js";

export interface ImportOutcome {
  path: string;
  ok: boolean;
  /** What was created, or why it failed (the API's problem code and message). */
  detail: string;
}

/** Imports one classified item through the API. Never throws: failures become outcomes. */
export async function importItem(api: ApiClient, item: ImportItem): Promise<ImportOutcome> {
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
          },
        );
        return { path: item.path, ok: true, detail: `telegram ${created.sessionId} (${created.format})` };
      }
      default: {
        const path = `/v1/whatsapp/sessions/${encodeURIComponent(item.sessionId)}`;
        await api.json("POST", "/v1/whatsapp/sessions", { sessionId: item.sessionId });
        await api.json("POST", `${path}/disconnect`).catch(() => undefined); // import needs it not connected
        if (item.kind === "whatsapp-archive") {
          await api.request("POST", `${path}/import`, await readFile(item.path), "application/gzip");
        } else {
          const map =
            item.kind === "whatsapp-folder"
              ? await folderMap(item.path)
              : JSON.parse(await readFile(item.path, "utf8"));
          await api.json("POST", `${path}/import`, map);
        }
        return { path: item.path, ok: true, detail: `whatsapp ${item.sessionId}` };
      }
    }
  } catch (error) {
    const e = error as { code?: string; message: string };
    return { path: item.path, ok: false, detail: e.code ? `${e.code}: ${e.message}` : e.message };
  }
}

// --- Internal helpers ---

/** A `useMultiFileAuthState` folder as the seed 004 map: file name -> file content. */
async function folderMap(dir: string): Promise<Record<string, string>> {
  const map: Record<string, string> = {};
  for (const name of await readdir(dir)) {
    if (name.endsWith(".json")) map[name] = await readFile(join(dir, name), "utf8");
  }
  return map;
}
