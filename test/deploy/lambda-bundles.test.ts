import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSqlite, makeAuthKey, TELETHON_V7_SCHEMA } from "../../core/telegram/codecs/test-fixtures.js";
import { buildFunction } from "../../scripts/build-functions.js";
import { LOCAL_AWS_CREDENTIALS } from "../helpers/local-aws.js";
import { createAwsTestResources } from "../helpers/test-storage.js";
import { apiGatewayV2Event, scheduledEvent } from "./events.js";

const invoker = fileURLToPath(new URL("./invoke-bundle.mjs", import.meta.url));

type LambdaResult = { statusCode: number; headers: Record<string, string>; body: string };

/** Invokes the bundle's handler in a fresh Node process with the function's environment. */
function invoke(bundle: string, env: Record<string, string>, events: unknown[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [invoker, bundle], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split("\n").pop()!))
        : reject(new Error(`exit ${code}: ${err}`)),
    );
    child.stdin.end(JSON.stringify(events));
  });
}

describe("Lambda bundles (issue 7)", () => {
  let outdir: string;
  let env: Record<string, string>;
  const adminKey = `admin-${randomBytes(8).toString("hex")}`;

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), "sv-bundles-"));
    const aws = await createAwsTestResources();
    // What the Lambda sees: SST links the table, bucket and secrets as SST_RESOURCE_* values.
    env = {
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
  }, 120_000);

  it("the HTTP bundle answers API Gateway v2 events over DynamoDB Local + s3rver", async () => {
    const built = await buildFunction("api", outdir);
    // Neither client library is on the cold-start path (the WhatsApp and Telegram routes that
    // need them load them lazily, from separate chunks).
    expect(built.entryPackages["@whiskeysockets/baileys"]).toBeUndefined();
    expect(built.entryPackages.telegram).toBeUndefined();
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

  it("the cleanup bundle handles a scheduled event and returns the counts", async () => {
    const built = await buildFunction("cleanup", outdir);
    // Neither client library is on the cold-start path (the WhatsApp and Telegram routes that
    // need them load them lazily, from separate chunks).
    expect(built.entryPackages["@whiskeysockets/baileys"]).toBeUndefined();
    expect(built.entryPackages.telegram).toBeUndefined();
    const [result] = (await invoke(built.outfile, env, [scheduledEvent()])) as Record<string, number>[];
    expect(result).toEqual({
      expired: 0,
      blobsDeleted: 0,
      loginsDropped: 0,
      generationsPruned: 0,
      leasesReleased: 0,
      scrubbed: 0,
      integrityFailures: 0,
      errors: 0,
    });
  }, 120_000);
});
