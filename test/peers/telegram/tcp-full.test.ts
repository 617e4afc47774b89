import { describe, expect, it } from "vitest";
import { encodeFrame, FrameDecoder, FrameError } from "./tcp-full.js";

describe("TCPFull framing", () => {
  it("decodes frames split and merged across TCP chunks", () => {
    const a = encodeFrame(0, Buffer.from("first payload"));
    const b = encodeFrame(1, Buffer.from("second"));
    const stream = Buffer.concat([a, b]);
    const decoder = new FrameDecoder();
    const out = [
      ...decoder.push(stream.subarray(0, 5)),
      ...decoder.push(stream.subarray(5, 30)),
      ...decoder.push(stream.subarray(30)),
    ];
    expect(out.map((p) => p.toString())).toEqual(["first payload", "second"]);
  });

  it("rejects a frame with a bad CRC or an impossible length", () => {
    const frame = encodeFrame(0, Buffer.from("payload"));
    frame[10] = (frame[10] ?? 0) ^ 0xff;
    expect(() => new FrameDecoder().push(frame)).toThrow(FrameError);
    expect(() => new FrameDecoder().push(Buffer.from([4, 0, 0, 0]))).toThrow(FrameError);
  });
});
