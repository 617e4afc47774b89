import { crc32 } from "telegram/Helpers.js";

/**
 * TCPFull transport framing: `len:int32LE` (payload + 12) ‖ `seq:int32LE` ‖ payload ‖ `crc32:uint32LE`
 * over everything before it. GramJS sends no init bytes for this transport and ignores `seq` on receive.
 */
export function encodeFrame(seq: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeInt32LE(payload.length + 12, 0);
  head.writeInt32LE(seq, 4);
  const crc = Buffer.alloc(4);
  const body = Buffer.concat([head, payload]);
  crc.writeUInt32LE(crc32(body) >>> 0, 0);
  return Buffer.concat([body, crc]);
}

/** A frame that cannot be trusted: the connection should be closed, as Telegram does. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

/** Largest frame accepted; MTProto messages are at most ~1 MiB. */
const MAX_FRAME = 2 * 1024 * 1024;

/**
 * Splits a TCP byte stream into TCPFull payloads. `push` returns every complete payload so far and
 * throws `FrameError` on a bad length or CRC.
 */
export class FrameDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.buffered.length >= 4) {
      const len = this.buffered.readInt32LE(0);
      if (len < 12 || len > MAX_FRAME) throw new FrameError(`bad frame length ${len}`);
      if (this.buffered.length < len) break;
      const frame = this.buffered.subarray(0, len);
      this.buffered = this.buffered.subarray(len);
      const expected = frame.readUInt32LE(len - 4);
      if (crc32(frame.subarray(0, len - 4)) >>> 0 !== expected) throw new FrameError("bad frame crc32");
      out.push(Buffer.from(frame.subarray(8, len - 4)));
    }
    return out;
  }
}
