import type { SignalDataSet, SignalDataTypeMap, SignalKeyStore } from "@whiskeysockets/baileys";
import { bufferReviver } from "./buffer-json.js";
import { CREDS_NAME, type Entry, encodeValue, keyName } from "./codec.js";
import type { LogWriter } from "./log-writer.js";

/**
 * Baileys' `SignalKeyStore` over the log writer, with `useMultiFileAuthState` semantics: keys
 * are addressed by their file name (so ids that name the same file are the same key), a falsy
 * value deletes, and reads return fresh objects callers may mutate.
 */
export function createKeyStore(log: LogWriter): SignalKeyStore {
  return {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const data: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const json = log.read(keyName(type, id));
        if (json !== undefined) data[id] = await decodeValue(type, json);
      }
      return data;
    },
    /** Resolves once every change is durable; rejects (never swallows) a storage error. */
    async set(data: SignalDataSet) {
      const entries: Entry[] = [];
      for (const type in data) {
        const values = data[type as keyof SignalDataSet];
        if (!values) continue;
        for (const id in values) {
          const value = values[id];
          entries.push([keyName(type, id), value ? encodeValue(value) : null]);
        }
      }
      await log.write(entries);
    },
    /** Deletes every key, keeping creds (what `makeCacheableSignalKeyStore.clear` expects). */
    async clear() {
      await log.write(
        log
          .names()
          .filter((n) => n !== CREDS_NAME)
          .map((n): Entry => [n, null]),
      );
    },
  };
}

// --- Internal helpers ---

/**
 * Parses a stored value; `app-state-sync-key` values come back as protobuf objects like Baileys
 * expects. It lives here, not in codec.ts, because it is the only place that needs Baileys at run
 * time: the stateless handlers use the codec and must not pull Baileys into their bundles.
 */
async function decodeValue<T extends keyof SignalDataTypeMap>(
  type: T,
  json: string,
): Promise<SignalDataTypeMap[T]> {
  const value = JSON.parse(json, bufferReviver);
  if (type !== "app-state-sync-key") return value as SignalDataTypeMap[T];
  // The protobuf module is large: load it the first time a sync key is read.
  protoModule ??= import("@whiskeysockets/baileys/WAProto/index.js");
  const { proto } = await protoModule;
  return proto.Message.AppStateSyncKeyData.fromObject(value) as unknown as SignalDataTypeMap[T];
}

let protoModule: Promise<typeof import("@whiskeysockets/baileys/WAProto/index.js")> | undefined;
