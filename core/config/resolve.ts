import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve as resolvePath } from "node:path";
import { SessionvaultError } from "../error.js";
import { writeFileAtomic } from "../storage/local-files.js";
import type { AwsStorageConfig, Config, LinkedResources } from "./types.js";

/**
 * Resolves every setting from, in order: SST's linked `Resource` (when the name is linked),
 * environment variables, then local defaults (DESIGN §9). With nothing set it yields the
 * embedded local mode: `./.data`, a master key and an admin key generated once into it.
 */
export async function resolveConfig(env: NodeJS.ProcessEnv, resource: LinkedResources = {}): Promise<Config> {
  const linked = (name: string, field: "name" | "value"): string | undefined =>
    name in resource ? resource[name]?.[field] : undefined;

  const table = linked("SessionvaultTable", "name") ?? env.SESSIONVAULT_TABLE;
  const bucket = linked("SessionvaultBlobs", "name") ?? env.SESSIONVAULT_BUCKET;
  const kind = env.SESSIONVAULT_STORAGE ?? (table || bucket ? "aws" : "local");
  const dataDir = resolvePath(env.SESSIONVAULT_DATA_DIR ?? ".data");

  const storage = kind === "aws" ? awsStorage(env, table, bucket) : ({ kind: "local", dataDir } as const);
  if (kind !== "aws" && kind !== "local") {
    throw configError("SESSIONVAULT_STORAGE", `must be 'local' or 'aws', got '${kind}'`);
  }

  const master = await secret(linked("MasterKey", "value"), env.SESSIONVAULT_MASTER_KEY, storage.kind, () =>
    generatedFile(join(dataDir, "master.key"), () => randomBytes(32).toString("base64")),
  );
  const masterKey = Buffer.from(master.value, "base64");
  if (masterKey.length !== 32)
    throw configError("SESSIONVAULT_MASTER_KEY", "must be 32 bytes, base64-encoded");

  // Only the API needs the admin key; the connector and the cleanup job run without it in AWS.
  const admin = await secret(
    linked("AdminKey", "value"),
    env.SESSIONVAULT_ADMIN_KEY,
    storage.kind,
    () =>
      generatedFile(join(dataDir, "admin.key"), () => `sv_admin_${randomBytes(24).toString("base64url")}`),
    { optional: true },
  );

  const apiId = linked("TelegramApiId", "value") ?? env.TELEGRAM_API_ID;
  return {
    storage,
    masterKey,
    masterKeySource: master.source as Config["masterKeySource"],
    adminKey: admin.value,
    adminKeySource: admin.source,
    ...(admin.generatedAt ? { adminKeyGeneratedAt: admin.generatedAt } : {}),
    port: integer(env, "PORT", 8080),
    connector: {
      port: integer(env, "CONNECTOR_PORT", 8081),
      capacity: integer(env, "CONNECTOR_CAPACITY", 200),
      id: env.CONNECTOR_ID ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`,
    },
    telegram: compact({
      apiId: apiId ? integerValue("TELEGRAM_API_ID", apiId) : undefined,
      apiHash: linked("TelegramApiHash", "value") ?? env.TELEGRAM_API_HASH,
      dcOverride: env.TELEGRAM_DC_OVERRIDE,
      // A test-only trust anchor, honoured only when pointed at a local peer.
      trustRsaKey: env.TELEGRAM_DC_OVERRIDE ? env.TELEGRAM_TRUST_RSA_KEY : undefined,
    }),
    whatsapp: {
      ...compact({
        wsUrl: env.WHATSAPP_WS_URL,
        trustRootKey: env.WHATSAPP_WS_URL ? env.WHATSAPP_TRUST_ROOT_KEY : undefined,
      }),
      unpairedTtlMs: unpairedTtlHours(env) * 3_600_000,
    },
    logLevel: env.LOG_LEVEL ?? "info",
    ...compact({ cleanupEveryMinutes: optionalInteger(env, "SESSIONVAULT_CLEANUP_EVERY_MINUTES") }),
    bodyLimitBytes: integer(env, "SESSIONVAULT_BODY_LIMIT", 1024 * 1024),
    // A WhatsApp folder with thousands of Signal keys runs to a few MiB. 4 MiB stays under what
    // Lambda accepts once API Gateway has base64-encoded a binary body (6 MB request payload).
    importBodyLimitBytes: integer(env, "SESSIONVAULT_IMPORT_BODY_LIMIT", 4 * 1024 * 1024),
  };
}

export class ConfigError extends SessionvaultError {
  constructor(option: string, problem: string) {
    super("config.invalid", `configuration ${option} ${problem}`, { status: 500, details: { option } });
    this.name = "ConfigError";
  }
}

// --- Internal helpers ---

function configError(option: string, problem: string): ConfigError {
  return new ConfigError(option, problem);
}

function awsStorage(env: NodeJS.ProcessEnv, table?: string, bucket?: string): AwsStorageConfig {
  if (!table)
    throw configError("SESSIONVAULT_TABLE", "is required for aws storage (or link SessionvaultTable)");
  if (!bucket)
    throw configError("SESSIONVAULT_BUCKET", "is required for aws storage (or link SessionvaultBlobs)");
  return {
    kind: "aws",
    table,
    bucket,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    ...compact({
      dynamoEndpoint: env.SESSIONVAULT_DYNAMO_ENDPOINT,
      s3Endpoint: env.SESSIONVAULT_S3_ENDPOINT,
    }),
  };
}

async function secret(
  fromSst: string | undefined,
  fromEnv: string | undefined,
  storage: "local" | "aws",
  generate: () => Promise<{ value: string; generatedAt?: string }>,
  options: { optional?: boolean } = {},
): Promise<{ value: string; source: "sst" | "env" | "file" | "none"; generatedAt?: string }> {
  if (fromSst) return { value: fromSst, source: "sst" };
  if (fromEnv) return { value: fromEnv, source: "env" };
  // A generated key in a container's data dir would vanish with the container: refuse.
  if (storage === "aws") {
    if (options.optional) return { value: "", source: "none" };
    throw configError("secret", "must come from an SST secret or the environment in aws mode");
  }
  return { ...(await generate()), source: "file" };
}

/** Reads `path`, or writes a new value there with mode 0600 the first time. */
async function generatedFile(
  path: string,
  make: () => string,
): Promise<{ value: string; generatedAt?: string }> {
  try {
    return { value: (await readFile(path, "utf8")).trim() };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(join(path, ".."), { recursive: true, mode: 0o700 });
  const value = make();
  await writeFileAtomic(path, `${value}\n`);
  await chmod(path, 0o600);
  return { value, generatedAt: path };
}

/** Seed 003: never-paired sessions expire after 24 h unless configured; 0 would expire them at birth. */
function unpairedTtlHours(env: NodeJS.ProcessEnv): number {
  const hours = integer(env, "SESSIONVAULT_UNPAIRED_TTL_HOURS", 24);
  if (hours < 1) throw configError("SESSIONVAULT_UNPAIRED_TTL_HOURS", "must be at least 1");
  return hours;
}

function optionalInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  return raw === undefined || raw === "" ? undefined : integerValue(name, raw);
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  return raw === undefined || raw === "" ? fallback : integerValue(name, raw);
}

function integerValue(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0)
    throw configError(name, `must be a non-negative integer, got '${raw}'`);
  return n;
}

function compact<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
