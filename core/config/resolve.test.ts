import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, resolveConfig } from "./resolve.js";

const run = promisify(execFile);

describe("resolveConfig", () => {
  it("with nothing set, uses local defaults and generates keys once into the data dir with mode 0600", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "sv-config-"));
    const first = await resolveConfig({ SESSIONVAULT_DATA_DIR: dataDir });
    expect(first.storage).toEqual({ kind: "local", dataDir });
    expect(first.port).toBe(8080);
    expect(first.masterKey).toHaveLength(32);
    expect(first.masterKeySource).toBe("file");
    expect(first.adminKeySource).toBe("file");
    expect(first.adminKeyGeneratedAt).toBe(join(dataDir, "admin.key"));
    expect((await stat(join(dataDir, "master.key"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, "admin.key"))).mode & 0o777).toBe(0o600);

    const second = await resolveConfig({ SESSIONVAULT_DATA_DIR: dataDir });
    expect(Buffer.from(second.masterKey)).toEqual(Buffer.from(first.masterKey));
    expect(second.adminKey).toBe(first.adminKey);
    expect(second.adminKeyGeneratedAt).toBeUndefined();
    expect((await readFile(join(dataDir, "admin.key"), "utf8")).trim()).toBe(first.adminKey);
  });

  it("environment variables win over defaults", async () => {
    const masterKey = randomBytes(32);
    const config = await resolveConfig({
      SESSIONVAULT_TABLE: "t1",
      SESSIONVAULT_BUCKET: "b1",
      AWS_REGION: "eu-west-1",
      SESSIONVAULT_MASTER_KEY: masterKey.toString("base64"),
      SESSIONVAULT_ADMIN_KEY: "admin-from-env",
      PORT: "9000",
      TELEGRAM_API_ID: "12345",
      TELEGRAM_API_HASH: "hash",
    });
    expect(config.storage).toEqual({ kind: "aws", table: "t1", bucket: "b1", region: "eu-west-1" });
    expect(Buffer.from(config.masterKey)).toEqual(masterKey);
    expect(config.masterKeySource).toBe("env");
    expect(config.adminKey).toBe("admin-from-env");
    expect(config.port).toBe(9000);
    expect(config.telegram).toEqual({ apiId: 12345, apiHash: "hash" });
  });

  it("linked SST resources win over environment variables", async () => {
    const linkedKey = randomBytes(32).toString("base64");
    const config = await resolveConfig(
      {
        SESSIONVAULT_TABLE: "env-table",
        SESSIONVAULT_BUCKET: "env-bucket",
        SESSIONVAULT_ADMIN_KEY: "env-admin",
      },
      {
        SessionvaultTable: { name: "linked-table" },
        SessionvaultBlobs: { name: "linked-bucket" },
        MasterKey: { value: linkedKey },
        AdminKey: { value: "linked-admin" },
        TelegramApiId: { value: "777" },
      },
    );
    expect(config.storage).toMatchObject({ kind: "aws", table: "linked-table", bucket: "linked-bucket" });
    expect(config.masterKeySource).toBe("sst");
    expect(config.adminKey).toBe("linked-admin");
    expect(config.telegram.apiId).toBe(777);
  });

  it("reads SST's real Resource proxy in a process started with SST_RESOURCE_* links", async () => {
    const linkedKey = randomBytes(32).toString("base64");
    const script = [
      'import { linkedResources, resolveConfig } from "./core/config/index.ts";',
      "const c = await resolveConfig({}, linkedResources());",
      "console.log(JSON.stringify({ storage: c.storage, admin: c.adminKeySource, master: c.masterKeySource }));",
    ].join("\n");
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      env: {
        PATH: process.env.PATH,
        SST_RESOURCE_App: JSON.stringify({ name: "sessionvault", stage: "test" }),
        SST_RESOURCE_SessionvaultTable: JSON.stringify({ name: "linked-table" }),
        SST_RESOURCE_SessionvaultBlobs: JSON.stringify({ name: "linked-bucket" }),
        SST_RESOURCE_MasterKey: JSON.stringify({ value: linkedKey }),
        SST_RESOURCE_AdminKey: JSON.stringify({ value: "linked-admin" }),
      },
    });
    expect(JSON.parse(stdout.trim().split("\n").pop()!)).toEqual({
      storage: { kind: "aws", table: "linked-table", bucket: "linked-bucket", region: "us-east-1" },
      admin: "sst",
      master: "sst",
    });
  });

  it("refuses a master key of the wrong size and generated secrets in aws mode", async () => {
    await expect(
      resolveConfig({ SESSIONVAULT_MASTER_KEY: "c2hvcnQ=", SESSIONVAULT_DATA_DIR: tmpdir() }),
    ).rejects.toBeInstanceOf(ConfigError);
    await expect(resolveConfig({ SESSIONVAULT_TABLE: "t", SESSIONVAULT_BUCKET: "b" })).rejects.toThrow(
      /SST secret/,
    );
  });

  it("honours the test-only trust anchors only together with their local peer address", async () => {
    const env = { SESSIONVAULT_DATA_DIR: await mkdtemp(join(tmpdir(), "sv-config-")) };
    const alone = await resolveConfig({ ...env, WHATSAPP_TRUST_ROOT_KEY: "ab", TELEGRAM_TRUST_RSA_KEY: "k" });
    expect(alone.whatsapp.trustRootKey).toBeUndefined();
    expect(alone.telegram.trustRsaKey).toBeUndefined();
    const paired = await resolveConfig({
      ...env,
      WHATSAPP_WS_URL: "ws://127.0.0.1:1",
      WHATSAPP_TRUST_ROOT_KEY: "ab",
      TELEGRAM_DC_OVERRIDE: "127.0.0.1:2",
      TELEGRAM_TRUST_RSA_KEY: "k",
    });
    expect(paired.whatsapp.trustRootKey).toBe("ab");
    expect(paired.telegram.trustRsaKey).toBe("k");
  });
});
