/** The whole runtime configuration, resolved once in an entry file and passed down. */
export interface Config {
  storage: LocalStorageConfig | AwsStorageConfig;
  /** 32 bytes. */
  masterKey: Uint8Array;
  masterKeySource: "sst" | "env" | "file";
  /** Empty when not configured (aws mode without `AdminKey`): only the API needs it, and refuses to start without. */
  adminKey: string;
  adminKeySource: "sst" | "env" | "file" | "none";
  /** Set only when this start generated the admin key: where it was written. */
  adminKeyGeneratedAt?: string;
  port: number;
  connector: { port: number; capacity: number; id: string };
  telegram: { apiId?: number; apiHash?: string; dcOverride?: string; trustRsaKey?: string };
  whatsapp: {
    wsUrl?: string;
    trustRootKey?: string;
    /** Never-paired sessions expire this long after creation (`SESSIONVAULT_UNPAIRED_TTL_HOURS`, default 24 h). */
    unpairedTtlMs?: number;
  };
  logLevel: string;
  /**
   * `SESSIONVAULT_CLEANUP_EVERY_MINUTES`: how often a long-running process runs the cleanup job
   * itself. Unset: `npm start` runs it hourly and the connector not at all (on AWS the
   * EventBridge schedule does); `0` turns it off.
   */
  cleanupEveryMinutes?: number;
  bodyLimitBytes: number;
  /** The larger limit of the two import routes (a session folder or `.session` file). */
  importBodyLimitBytes: number;
}

export interface LocalStorageConfig {
  kind: "local";
  dataDir: string;
}

export interface AwsStorageConfig {
  kind: "aws";
  table: string;
  bucket: string;
  region: string;
  dynamoEndpoint?: string;
  s3Endpoint?: string;
}

/** What SST links into a function or container: `Resource.<Name>.name` / `.value`. */
export type LinkedResources = Record<string, { name?: string; value?: string } | undefined>;
