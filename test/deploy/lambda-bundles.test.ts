import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSqlite, makeAuthKey, TELETHON_V7_SCHEMA } from "../../core/telegram/codecs/test-fixtures.js";
import { readTarArchive, writeTarArchive } from "../../core/whatsapp/archive/index.js";
import { buildFunction } from "../../scripts/build-functions.js";
import { LOCAL_AWS_CREDENTIALS } from "../helpers/local-aws.js";
import { createAwsTestResources } from "../helpers/test-storage.js";
import { startTelegramPeer } from "../peers/telegram/index.js";
import { authFolder } from "../whatsapp/fixtures.js";
import { apiGatewayV2Event, schedulerEvent } from "./events.js";

const invoker = fileURLToPath(new URL("./invoke-bundle.mjs", import.meta.url));

type LambdaResult = { statusCode: number; headers: Record<string, string>; body: string };

/** Invokes the bundle's handler in a fresh Node process with the function's environment. */
async function invoke(bundle: string, env: Record<string, string>, events: unknown[]): Promise<unknown[]> {
  return (await invokeWithLogs(bundle, env, events)).results;
}

/** The same, also giving the log lines the function wrote (pino JSON, one per line, on stdout). */
function invokeWithLogs(
  bundle: string,
  env: Record<string, string>,
  events: unknown[],
): Promise<{ results: unknown[]; logs: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [invoker, bundle], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`exit ${code}: ${err}`));
      // pino writes asynchronously: its lines may come before or after the results line.
      const lines = out
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as unknown);
      const results = lines.find((line): line is unknown[] => Array.isArray(line));
      if (!results) return reject(new Error(`no results line in: ${out}`));
      resolve({ results, logs: lines.filter((line) => !Array.isArray(line)) as Record<string, unknown>[] });
    });
    child.stdin.end(JSON.stringify(events));
  });
}

describe("Lambda bundles (issue 7)", () => {
  let outdir: string;
  let env: Record<string, string>;
  const adminKey = `admin-${randomBytes(8).toString("hex")}`;

  /** What a Lambda sees over fresh resources: SST links the table, bucket and secrets as SST_RESOURCE_* values. */
  async function functionEnv(): Promise<Record<string, string>> {
    const aws = await createAwsTestResources();
    return {
      SST_RESOURCE_App: JSON.stringify({ name: "sessionvault", stage: "test" }),
      SST_RESOURCE_SessionvaultTable: JSON.stringify({ name: aws.table }),
      SST_RESOURCE_SessionvaultBlobs: JSON.stringify({ name: aws.bucket }),
      SST_RESOURCE_MasterKey: JSON.stringify({ value: randomBytes(32).toString("base64") }),
      SST_RESOURCE_AdminKey: JSON.stringify({ value: adminKey }),
      AWS_REGION: aws.region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS_CREDENTIALS.secretAccessKey,
      SESSIONVAULT_DYNAMO_ENDPOINT: aws.dynamoEndpoint!,
      SESSIONVAULT_S3_ENDPOINT: aws.s3Endpoint!,
      LOG_LEVEL: "silent",
    };
  }

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), "sv-bundles-"));
    env = await functionEnv();
  }, 120_000);

  it("the HTTP bundle answers API Gateway v2 events over DynamoDB Local + s3rver", async () => {
    const built = await buildFunction("api", outdir);
    // Baileys is nowhere in the function (only connectors run sockets); GramJS is in a chunk that
    // only the Telegram login and check routes load, so a cold start parses neither.
    expect(built.packages["@whiskeysockets/baileys"]).toBeUndefined();
    expect(built.packages.telegram).toBeGreaterThan(0);
    expect(built.entryPackages.telegram).toBeUndefined();
    // The size budget of issue 7 (1 MB minified) for what a cold start loads.
    expect(built.bytes).toBeLessThan(1_000_000);
    const [health, created] = (await invoke(built.outfile, env, [
      apiGatewayV2Event("GET", "/v1/health"),
      apiGatewayV2Event("POST", "/v1/tenants", {
        headers: { authorization: `Bearer ${adminKey}` },
        body: { name: "acme" },
      }),
    ])) as LambdaResult[];
    expect(health!.statusCode).toBe(200);
    expect(JSON.parse(health!.body)).toEqual({ status: "ok" });
    expect(created!.statusCode).toBe(201);
    const tenant = JSON.parse(created!.body) as { tenantId: string; apiKey: string };

    // A second cold start (new process) reads what the first one stored in DynamoDB.
    // A Telethon .session import runs sql.js (WebAssembly shipped beside the bundle) from a lazy chunk.
    const sqlite = await buildSqlite(TELETHON_V7_SCHEMA(), [
      ["INSERT INTO version VALUES (?)", [7]],
      ["INSERT INTO sessions VALUES (?, ?, ?, ?, ?)", [2, "149.154.167.51", 443, makeAuthKey(42), null]],
    ]);
    const [me, wrong, imported] = (await invoke(built.outfile, env, [
      apiGatewayV2Event("GET", "/v1/me", { headers: { "x-api-key": tenant.apiKey } }),
      apiGatewayV2Event("GET", "/v1/me", { headers: { "x-api-key": "sv_wrong" } }),
      apiGatewayV2Event("POST", "/v1/telegram/sessions/import", {
        headers: { "x-api-key": tenant.apiKey },
        body: {
          file: Buffer.from(sqlite).toString("base64"),
          filename: "account.session",
          apiId: 12345,
          apiHash: "0123456789abcdef0123456789abcdef",
        },
      }),
    ])) as LambdaResult[];
    expect(imported!.statusCode).toBe(201);
    expect(JSON.parse(imported!.body)).toMatchObject({ format: "telethon-sqlite", dcId: 2 });
    expect(me!.statusCode).toBe(200);
    expect(JSON.parse(me!.body)).toMatchObject({ tenantId: tenant.tenantId });
    expect(wrong!.statusCode).toBe(401);
    expect(wrong!.headers["content-type"]).toContain("application/problem+json");
  }, 120_000);

  it("a WhatsApp folder round-trips through the HTTP bundle as tar.gz (binary bodies both ways)", async () => {
    const built = await buildFunction("api", outdir);
    const admin = { authorization: `Bearer ${adminKey}` };
    const [created] = (await invoke(built.outfile, env, [
      apiGatewayV2Event("POST", "/v1/tenants", { headers: admin, body: { name: "tar" } }),
    ])) as LambdaResult[];
    const { tenantId, apiKey } = JSON.parse(created!.body) as { tenantId: string; apiKey: string };
    const folder = authFolder();
    const key = { "x-api-key": apiKey };
    const [exportKey, session, disconnected, imported] = (await invoke(built.outfile, env, [
      apiGatewayV2Event("POST", `/v1/tenants/${tenantId}/keys`, {
        headers: admin,
        body: { scopes: ["export"] },
      }),
      apiGatewayV2Event("POST", "/v1/whatsapp/sessions", { headers: key, body: { sessionId: "bot" } }),
      // No connector runs here; an import is refused while one could take the session.
      apiGatewayV2Event("POST", "/v1/whatsapp/sessions/bot/disconnect", { headers: key }),
      apiGatewayV2Event("POST", "/v1/whatsapp/sessions/bot/import", {
        headers: key,
        binary: { bytes: writeTarArchive(folder), contentType: "application/gzip" },
      }),
    ])) as LambdaResult[];
    expect(exportKey!.statusCode).toBe(201);
    expect(session!.statusCode).toBe(201);
    expect(disconnected!.statusCode).toBeLessThan(300);
    expect(imported!.statusCode, imported!.body).toBe(200);
    expect(JSON.parse(imported!.body)).toMatchObject({ sessionId: "bot", files: 4, paired: true });

    const exporter = { "x-api-key": (JSON.parse(exportKey!.body) as { apiKey: string }).apiKey };
    const [exported] = (await invoke(built.outfile, env, [
      apiGatewayV2Event("GET", "/v1/whatsapp/sessions/bot/export?format=tar", { headers: exporter }),
    ])) as (LambdaResult & { isBase64Encoded?: boolean })[];
    expect(exported!.statusCode).toBe(200);
    expect(exported!.headers["content-type"]).toBe("application/gzip");
    expect(exported!.isBase64Encoded).toBe(true);
    expect(await readTarArchive(Buffer.from(exported!.body, "base64"))).toEqual(folder);
  }, 120_000);

  it("Telegram code login through the HTTP bundle: GramJS from its lazy chunk, one cold start per call, against the local DC", async () => {
    const built = await buildFunction("api", outdir);
    const peer = await startTelegramPeer();
    try {
      const phone = "+15550990001";
      await peer.upsertAccount(phone, { firstName: "Lambda" });
      // The Telegram app credentials come the way SST links them; the DC override points at the peer.
      const tgEnv = {
        ...env,
        SST_RESOURCE_TelegramApiId: JSON.stringify({ value: "12345" }),
        SST_RESOURCE_TelegramApiHash: JSON.stringify({ value: "0123456789abcdef0123456789abcdef" }),
        ...peer.env,
      };
      const admin = { authorization: `Bearer ${adminKey}` };
      const [created] = (await invoke(built.outfile, tgEnv, [
        apiGatewayV2Event("POST", "/v1/tenants", { headers: admin, body: { name: "tg" } }),
      ])) as LambdaResult[];
      const key = { "x-api-key": (JSON.parse(created!.body) as { apiKey: string }).apiKey };
      const post = async (path: string, body: unknown): Promise<LambdaResult> =>
        (
          (await invoke(built.outfile, tgEnv, [
            apiGatewayV2Event("POST", `/v1/telegram/sessions${path}`, { headers: key, body }),
          ])) as LambdaResult[]
        )[0]!;

      const sent = await post("/code", { phoneNumber: phone });
      expect(sent.statusCode, sent.body).toBe(200);
      const { phoneCodeHash } = JSON.parse(sent.body) as { phoneCodeHash: string };
      // A new process: the pending login (its pre-login key) comes back from DynamoDB and S3.
      const verified = await post("/verify", {
        phoneNumber: phone,
        phoneCodeHash,
        code: peer.lastCode(phone),
      });
      expect(verified.statusCode, verified.body).toBe(201);
      const { sessionId } = JSON.parse(verified.body) as { sessionId: string };
      expect(JSON.parse((await post(`/${sessionId}/check`, {})).body)).toEqual({ alive: true });
    } finally {
      await peer.stop();
    }
  }, 120_000);

  it("the cleanup bundle handles an EventBridge Scheduler invocation, returns the counts and logs the run", async () => {
    const built = await buildFunction("cleanup", outdir);
    // The job reads and deletes stored state only: neither client library is in it.
    expect(built.packages["@whiskeysockets/baileys"]).toBeUndefined();
    expect(built.packages.telegram).toBeUndefined();
    // Its own empty table and bucket: every count is known to be zero.
    const emptyEnv = { ...(await functionEnv()), LOG_LEVEL: "info" };
    const { results, logs } = await invokeWithLogs(built.outfile, emptyEnv, [schedulerEvent()]);
    const [result] = results as Record<string, number>[];
    expect(result).toEqual({
      expired: 0,
      blobsDeleted: 0,
      loginsDropped: 0,
      generationsPruned: 0,
      leasesReleased: 0,
      scrubbed: 0,
      integrityFailures: 0,
      deliveriesPruned: 0,
      errors: 0,
    });
    // The run's log line names the Scheduler execution it served.
    expect(logs.find((l) => l.msg === "cleanup: scheduled run")).toMatchObject({
      executionId: "d32c5kddcf5bb8c3",
      scheduledTime: "2026-11-24T01:00:00Z",
      attempt: "1",
      scrubbed: 0,
    });
  }, 120_000);
});
