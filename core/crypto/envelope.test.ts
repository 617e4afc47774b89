import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BlobCorruptError } from "../error.js";
import { open, SEALED_OVERHEAD, seal } from "./envelope.js";

const masterKey = randomBytes(32);
const identity = "t/ten_1/wa/s1/snap/0000000001-000000000007";

function corruptReason(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BlobCorruptError);
    expect((error as BlobCorruptError).blob).toBe(identity);
    return (error as BlobCorruptError).reason;
  }
  throw new Error("expected a BlobCorruptError");
}

describe("envelope encryption", () => {
  it("round-trips, with a fresh nonce and data key each time", () => {
    const plaintext = Buffer.from(JSON.stringify({ noiseKey: "secret" }));
    const a = seal(masterKey, identity, plaintext);
    const b = seal(masterKey, identity, plaintext);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Buffer.from(open(masterKey, identity, a))).toEqual(plaintext);
    expect(a.byteLength).toBe(plaintext.length + SEALED_OVERHEAD);
    expect(Buffer.from(a).includes(Buffer.from("secret"))).toBe(false);
  });

  it("a flipped bit anywhere fails authentication", () => {
    const sealed = Buffer.from(seal(masterKey, identity, randomBytes(200)));
    for (const at of [5, 20, 50, 70, 100, sealed.length - 1]) {
      const copy = Buffer.from(sealed);
      copy[at]! ^= 0x10;
      expect(corruptReason(() => open(masterKey, identity, copy))).toBe("auth_failed");
    }
  });

  it("a blob moved under another identity fails (no swapping sessions, tenants or generations)", () => {
    const sealed = seal(masterKey, identity, Buffer.from("creds"));
    expect(() => open(masterKey, "t/ten_2/wa/s1/snap/0000000001-000000000007", sealed)).toThrow(
      BlobCorruptError,
    );
    expect(() => open(masterKey, identity.replace("07", "08"), sealed)).toThrow(BlobCorruptError);
  });

  it("a truncated blob and a foreign header are reported as such", () => {
    const sealed = Buffer.from(seal(masterKey, identity, Buffer.from("creds")));
    expect(corruptReason(() => open(masterKey, identity, sealed.subarray(0, 40)))).toBe("truncated");
    expect(corruptReason(() => open(masterKey, identity, sealed.subarray(0, sealed.length - 3)))).toBe(
      "auth_failed",
    );
    const foreign = Buffer.from(sealed);
    foreign.write("XXXX", 0);
    expect(corruptReason(() => open(masterKey, identity, foreign))).toBe("bad_header");
  });

  it("another master key cannot open it", () => {
    const sealed = seal(masterKey, identity, Buffer.from("creds"));
    expect(corruptReason(() => open(randomBytes(32), identity, sealed))).toBe("auth_failed");
  });
});
