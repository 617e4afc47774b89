/**
 * WhatsApp Web framing, server side. Every frame is a 3-byte big-endian length and a payload.
 * The client's first WebSocket message starts with an intro header: `WA 0x06 0x03`, or, when it
 * holds routing info, `ED 0x00 0x01 <3-byte length> <routing info>` followed by the WA header.
 * The server sends no intro.
 */

/** Splits a client's byte stream into frames, after its intro header. */
export interface FrameReader {
  /** Feeds bytes; returns the frames completed by them, in order. Throws on a malformed intro. */
  push(chunk: Uint8Array): Buffer[];
  /** The 4-byte WA header once read (it enters the handshake hash), else undefined. */
  readonly waHeader: Buffer | undefined;
  /** The `ED` routing info the client sent, if any. */
  readonly routingInfo: Buffer | undefined;
}

/** Creates a reader for one client connection. */
export function createFrameReader(): FrameReader {
  let pending = Buffer.alloc(0);
  let waHeader: Buffer | undefined;
  let routingInfo: Buffer | undefined;
  return {
    get waHeader() {
      return waHeader;
    },
    get routingInfo() {
      return routingInfo;
    },
    push(chunk) {
      pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
      if (!waHeader) {
        const intro = readIntro(pending);
        if (!intro) return [];
        waHeader = intro.waHeader;
        routingInfo = intro.routingInfo;
        pending = pending.subarray(intro.length);
      }
      const frames: Buffer[] = [];
      while (pending.length >= 3) {
        const size = pending.readUIntBE(0, 3);
        if (pending.length < 3 + size) break;
        frames.push(Buffer.from(pending.subarray(3, 3 + size)));
        pending = pending.subarray(3 + size);
      }
      return frames;
    },
  };
}

/** Prefixes `payload` with its 3-byte length. Throws past the 16 MiB a frame can carry. */
export function encodeFrame(payload: Uint8Array): Buffer {
  if (payload.length >= 1 << 24) throw new RangeError(`frame too large: ${payload.length} bytes`);
  const frame = Buffer.allocUnsafe(3 + payload.length);
  frame.writeUIntBE(payload.length, 0, 3);
  frame.set(payload, 3);
  return frame;
}

// --- Internal helpers ---

const WA_MAGIC = "WA";
const ED_MAGIC = "ED";

function readIntro(buf: Buffer): { waHeader: Buffer; routingInfo?: Buffer; length: number } | undefined {
  if (buf.length < 4) return undefined;
  const magic = buf.toString("latin1", 0, 2);
  if (magic === WA_MAGIC) return { waHeader: Buffer.from(buf.subarray(0, 4)), length: 4 };
  if (magic !== ED_MAGIC) throw new Error(`unexpected intro header ${buf.subarray(0, 4).toString("hex")}`);
  if (buf.length < 7) return undefined;
  const routingLength = buf.readUIntBE(4, 3);
  const end = 7 + routingLength + 4;
  if (buf.length < end) return undefined;
  const waHeader = Buffer.from(buf.subarray(7 + routingLength, end));
  if (waHeader.toString("latin1", 0, 2) !== WA_MAGIC) throw new Error("ED intro without a WA header");
  return { waHeader, routingInfo: Buffer.from(buf.subarray(7, 7 + routingLength)), length: end };
}
