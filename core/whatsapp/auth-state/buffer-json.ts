/**
 * Baileys' `BufferJSON` replacer and reviver (`src/Utils/generics.ts`), reproduced so that
 * reading, exporting or importing state does not load Baileys itself (its index pulls in the
 * whole protocol, seconds of cold start for an API function or a restore). `buffer-json.test.ts`
 * checks the two agree on every shape Baileys stores; upgrade Baileys, rerun it.
 */

/** `JSON.stringify` replacer: Buffers and Uint8Arrays become `{type: "Buffer", data: <base64>}`. */
export function bufferReplacer(_key: string, value: unknown): unknown {
  const v = value as { type?: unknown; data?: unknown } | null | undefined;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array || v?.type === "Buffer") {
    const bytes = (v?.data as ArrayLike<number> | undefined) || (value as Uint8Array);
    return { type: "Buffer", data: Buffer.from(bytes as Uint8Array).toString("base64") };
  }
  return value;
}

/**
 * `JSON.parse` reviver: the base64 form above becomes a Buffer again, and so does an object
 * whose keys are all numeric and whose values are all numbers (how a Uint8Array serialises
 * without the replacer).
 */
export function bufferReviver(_key: string, value: unknown): unknown {
  if (typeof value === "object" && value !== null) {
    const v = value as { type?: unknown; data?: unknown };
    if (v.type === "Buffer" && typeof v.data === "string") return Buffer.from(v.data, "base64");
    if (!Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length > 0 && keys.every((k) => !Number.isNaN(Number.parseInt(k, 10)))) {
        const values = Object.values(value);
        if (values.every((x) => typeof x === "number")) return Buffer.from(values as number[]);
      }
    }
  }
  return value;
}
