import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readJsonFileMap, readTarArchive, writeTarArchive } from "../../core/whatsapp/archive/index.js";
import { encodeTar, type TarEntry } from "../../core/whatsapp/archive/tar.js";
import { authFolder } from "./fixtures.js";

const tgz = (entries: TarEntry[]): Uint8Array => gzipSync(encodeTar(entries));
const file = (path: string, text = "{}"): TarEntry => ({ path, data: Buffer.from(text) });
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => e,
  );

describe("auth folder archives (tar.gz and the seed 004 JSON map)", () => {
  it("a written tar.gz reads back to the same files; a folder prefix and directories are accepted", async () => {
    const files = authFolder();
    expect(await readTarArchive(writeTarArchive(files))).toEqual(files);
    const inFolder = tgz([
      { path: "auth_info_baileys/", type: "Directory" },
      ...Object.entries(files).map(([n, t]) => file(`./auth_info_baileys/${n}`, t)),
      file("auth_info_baileys/.DS_Store", "junk"),
    ]);
    expect(await readTarArchive(inFolder)).toEqual(files);
    expect(await readTarArchive(encodeTar([file("creds.json", "{}")]))).toEqual({ "creds.json": "{}" }); // plain tar
  });

  it.each([
    ["a parent path", [file("../creds.json")]],
    ["a nested parent path", [file("auth/../../etc/creds.json")]],
    ["an absolute path", [file("/etc/creds.json")]],
    [
      "a symlink",
      [file("creds.json"), { path: "pre-key-1.json", type: "SymbolicLink", linkpath: "/etc/passwd" }],
    ],
    ["a hard link", [file("creds.json"), { path: "pre-key-1.json", type: "Link", linkpath: "creds.json" }]],
  ] as [string, TarEntry[]][])("refuses %s: archive.unsafe_entry naming the entry", async (_, entries) => {
    const error = await refusal(readTarArchive(tgz(entries)));
    expect(error).toMatchObject({ code: "archive.unsafe_entry", status: 400 });
    expect((error as { details: { entry: string } }).details.entry).toBeTruthy();
  });

  it("refuses what is not an archive, a truncated gzip and a corrupt tar with stable codes", async () => {
    await expect(readTarArchive(Buffer.from("PK\u0003\u0004 a zip"))).rejects.toMatchObject({
      code: "archive.not_gzip",
    });
    const good = writeTarArchive(authFolder());
    await expect(readTarArchive(good.subarray(0, good.length - 20))).rejects.toMatchObject({
      code: "archive.invalid",
    });
    const garbage = gzipSync(Buffer.alloc(2048, 7));
    await expect(readTarArchive(garbage)).rejects.toMatchObject({ code: "archive.invalid" });
  });

  it("guards sizes: a gzip bomb, too many entries, an oversize file", async () => {
    const limits = { maxEntries: 3, maxTotalBytes: 4096, maxFileBytes: 2048 };
    const bomb = gzipSync(encodeTar([file("creds.json", "x".repeat(1 << 20))]));
    expect(bomb.length).toBeLessThan(4096);
    await expect(readTarArchive(bomb, limits)).rejects.toMatchObject({
      code: "archive.too_large",
      status: 413,
    });
    const many = tgz(["a", "b", "c", "d"].map((n) => file(`pre-key-${n}.json`)));
    await expect(readTarArchive(many, limits)).rejects.toMatchObject({ code: "archive.too_large" });
    const big = tgz([file("creds.json", "y".repeat(3000))]);
    await expect(readTarArchive(big, { ...limits, maxTotalBytes: 1 << 20 })).rejects.toMatchObject({
      code: "archive.too_large",
    });
  });

  it("refuses duplicate names and files spread over several folders", async () => {
    await expect(readTarArchive(tgz([file("creds.json"), file("creds.json")]))).rejects.toMatchObject({
      code: "archive.invalid",
    });
    await expect(readTarArchive(tgz([file("a/creds.json"), file("b/pre-key-1.json")]))).rejects.toMatchObject(
      {
        code: "archive.invalid",
      },
    );
  });

  it("reads the JSON map bare, wrapped in session_data (seed 004) or sessionData, with object values", () => {
    const files = authFolder();
    expect(readJsonFileMap(files)).toEqual(files);
    expect(readJsonFileMap({ session_data: files, session_id: "default" })).toEqual(files);
    expect(readJsonFileMap({ sessionData: files })).toEqual(files);
    const asObjects = { "creds.json": JSON.parse(files["creds.json"]!) };
    expect(JSON.parse(readJsonFileMap(asObjects)["creds.json"]!)).toEqual(JSON.parse(files["creds.json"]!));
    expect(() => readJsonFileMap(["creds.json"])).toThrow(
      expect.objectContaining({ code: "archive.invalid" }),
    );
    expect(() => readJsonFileMap({ "creds.json": 5 })).toThrow(
      expect.objectContaining({ code: "archive.invalid" }),
    );
  });
});
