import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ApiClient } from "./api-client.js";
import type { ImportOutcome } from "./import.js";

export interface ExportOptions {
  whatsappFormat: "tar" | "json";
  telegramFormat: "gramjs" | "telethon" | "pyrogram";
}

/** The ids of every session of the key's tenant, following pagination. */
export async function listAll(api: ApiClient, platform: "whatsapp" | "telegram"): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : "?limit=100";
    const page = await api.json<{ sessions: { sessionId: string }[]; nextCursor: string | null }>(
      "GET",
      `/v1/${platform}/sessions${query}`,
    );
    ids.push(...page.sessions.map((s) => s.sessionId));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

/** Writes one session's export into `dir`. Never throws: failures become outcomes. */
export async function exportSession(
  api: ApiClient,
  dir: string,
  platform: "whatsapp" | "telegram",
  sessionId: string,
  options: ExportOptions,
): Promise<ImportOutcome> {
  const base = `/v1/${platform}/sessions/${encodeURIComponent(sessionId)}/export`;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (platform === "telegram") {
      const { sessionString } = await api.json<{ sessionString: string }>(
        "GET",
        `${base}?format=${options.telegramFormat}`,
      );
      const file = join(dir, `${sessionId}.${options.telegramFormat}.txt`);
      await writeFile(file, `${sessionString}\n`, { mode: 0o600 });
      return { path: file, ok: true, detail: `telegram ${sessionId}` };
    }
    const res = await api.request("GET", `${base}?format=${options.whatsappFormat}`);
    const file = join(dir, options.whatsappFormat === "tar" ? `${sessionId}.tar.gz` : `${sessionId}.json`);
    await writeFile(file, Buffer.from(await res.arrayBuffer()), { mode: 0o600 });
    return { path: file, ok: true, detail: `whatsapp ${sessionId}` };
  } catch (error) {
    const e = error as { code?: string; message: string };
    return { path: sessionId, ok: false, detail: e.code ? `${e.code}: ${e.message}` : e.message };
  }
}
