import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  type DynamoDBClientConfig,
} from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { AlreadyExistsError, ConditionFailedError, SessionvaultError, StorageError } from "../error.js";
import { clampLimit, decodeCursor, encodeCursor, keyString } from "./record-logic.js";
import type { Page, RecordKey, Records, StoredRecord, UpdateChange, UpdateCondition } from "./types.js";

/**
 * Records on one DynamoDB table: `pk`/`sk` string keys, GSI `gsi1` (`gsi1pk`/`gsi1sk`),
 * TTL attribute `ttl`. Compare-and-swap is a DynamoDB condition expression, so two
 * connectors on two machines see one winner.
 */
export function createDynamoRecords(options: { table: string; client: DynamoDBClientConfig }): {
  records: Records;
  close(): void;
} {
  const raw = new DynamoDBClient(options.client);
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const TableName = options.table;

  const records: Records = {
    get: (key) =>
      guard(async () => {
        const out = await db.send(new GetCommand({ TableName, Key: pick(key), ConsistentRead: true }));
        return out.Item ? (out.Item as StoredRecord) : null;
      }),
    create: (record) =>
      guard(async () => {
        const row: StoredRecord = { ...record, version: 1 };
        try {
          await db.send(
            new PutCommand({ TableName, Item: row, ConditionExpression: "attribute_not_exists(pk)" }),
          );
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException)
            throw new AlreadyExistsError(keyString(record));
          throw error;
        }
        return row;
      }),
    update: (key, change, condition) =>
      guard(async () => {
        const expr = buildUpdate(change, condition);
        try {
          const out = await db.send(
            new UpdateCommand({ TableName, Key: pick(key), ReturnValues: "ALL_NEW", ...expr }),
          );
          return out.Attributes as StoredRecord;
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException)
            throw new ConditionFailedError(keyString(key), "condition does not hold");
          throw error;
        }
      }),
    delete: (key, condition) =>
      guard(async () => {
        const expr = condition ? buildCondition(condition, new Names(), {}) : null;
        try {
          await db.send(
            new DeleteCommand({
              TableName,
              Key: pick(key),
              ...(expr
                ? {
                    ConditionExpression: expr.expression,
                    ExpressionAttributeNames: expr.names.map,
                    ExpressionAttributeValues: expr.values,
                  }
                : {}),
            }),
          );
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException)
            throw new ConditionFailedError(keyString(key), "condition does not hold");
          throw error;
        }
      }),
    query: (pk, options = {}) =>
      guard(async () => {
        const limit = clampLimit(options.limit);
        // The cursor holds only the sort key; the partition always comes from the caller,
        // so a cursor can never move a query into another tenant's partition.
        const after = options.cursor ? decodeCursor(options.cursor, 1)[0]! : null;
        const prefix = options.skPrefix ?? "";
        return collect(limit, after ? { pk, sk: after } : undefined, async (start, want) => {
          const out = await db.send(
            new QueryCommand({
              TableName,
              ConsistentRead: true,
              KeyConditionExpression: prefix ? "pk = :pk AND begins_with(sk, :prefix)" : "pk = :pk",
              ExpressionAttributeValues: prefix ? { ":pk": pk, ":prefix": prefix } : { ":pk": pk },
              ExclusiveStartKey: start,
              Limit: want,
              ScanIndexForward: options.descending !== true,
            }),
          );
          return { items: (out.Items ?? []) as StoredRecord[], last: out.LastEvaluatedKey };
        }).then((page) => toPage(page, (r) => [r.sk]));
      }),
    queryIndex: (pk, options = {}) =>
      guard(async () => {
        const limit = clampLimit(options.limit);
        const after = options.cursor ? decodeCursor(options.cursor, 3) : null;
        const start = after ? { gsi1pk: pk, gsi1sk: after[0], pk: after[1], sk: after[2] } : undefined;
        const bounded = options.skAtMost !== undefined;
        return collect(limit, start, async (from, want) => {
          const out = await db.send(
            new QueryCommand({
              TableName,
              IndexName: "gsi1",
              KeyConditionExpression: bounded ? "gsi1pk = :pk AND gsi1sk <= :max" : "gsi1pk = :pk",
              ExpressionAttributeValues: bounded ? { ":pk": pk, ":max": options.skAtMost } : { ":pk": pk },
              ExclusiveStartKey: from,
              Limit: want,
            }),
          );
          return { items: (out.Items ?? []) as StoredRecord[], last: out.LastEvaluatedKey };
        }).then((page) => toPage(page, (r) => [r.gsi1sk!, r.pk, r.sk]));
      }),
  };
  return { records, close: () => raw.destroy() };
}

// --- Internal helpers ---

type Key = Record<string, unknown>;

function pick(key: RecordKey): { pk: string; sk: string } {
  return { pk: key.pk, sk: key.sk };
}

/**
 * Reads until `limit` items or the end, then peeks one more so `nextCursor` is null exactly
 * when nothing follows (DynamoDB may return a LastEvaluatedKey with nothing after it).
 */
async function collect(
  limit: number,
  start: Key | undefined,
  fetch: (start: Key | undefined, want: number) => Promise<{ items: StoredRecord[]; last?: Key }>,
): Promise<{ items: StoredRecord[]; more: boolean }> {
  const items: StoredRecord[] = [];
  let from = start;
  while (true) {
    const page = await fetch(from, limit + 1 - items.length);
    items.push(...page.items);
    if (items.length > limit) return { items: items.slice(0, limit), more: true };
    if (!page.last) return { items, more: false };
    from = page.last;
  }
}

function toPage(
  page: { items: StoredRecord[]; more: boolean },
  position: (r: StoredRecord) => string[],
): Page<StoredRecord> {
  const last = page.items[page.items.length - 1];
  return { items: page.items, nextCursor: page.more && last ? encodeCursor(position(last)) : null };
}

class Names {
  readonly map: Record<string, string> = {};
  private n = 0;
  name(attr: string): string {
    const placeholder = `#n${this.n++}`;
    this.map[placeholder] = attr;
    return placeholder;
  }
}

function buildCondition(
  condition: UpdateCondition,
  names: Names,
  values: Record<string, unknown>,
): { expression: string; names: Names; values: Record<string, unknown> } {
  const parts = ["attribute_exists(pk)"];
  if (condition.version !== undefined) {
    values[":cv"] = condition.version;
    parts.push(`${names.name("version")} = :cv`);
  }
  let i = 0;
  for (const [attr, expected] of Object.entries(condition.equals ?? {})) {
    const path = `${names.name("attrs")}.${names.name(attr)}`;
    if (expected === null)
      parts.push(`(attribute_not_exists(${path}) OR attribute_type(${path}, :nullType))`);
    else {
      values[`:ce${i}`] = expected;
      parts.push(`${path} = :ce${i}`);
      i++;
    }
    if (expected === null) values[":nullType"] = "NULL";
  }
  return { expression: parts.join(" AND "), names, values };
}

function buildUpdate(change: UpdateChange, condition: UpdateCondition | undefined) {
  const names = new Names();
  const values: Record<string, unknown> = { ":one": 1 };
  const version = names.name("version");
  const sets = [`${version} = ${version} + :one`];
  const removes: string[] = [];
  let attrsName: string | undefined;
  const attrs = (): string => {
    attrsName ??= names.name("attrs");
    return attrsName;
  };
  let i = 0;
  for (const [attr, value] of Object.entries(change.set ?? {})) {
    values[`:s${i}`] = value;
    sets.push(`${attrs()}.${names.name(attr)} = :s${i}`);
    i++;
  }
  for (const attr of change.remove ?? []) removes.push(`${attrs()}.${names.name(attr)}`);
  if (change.gsi1 === null) removes.push("gsi1pk", "gsi1sk");
  else if (change.gsi1) {
    values[":gpk"] = change.gsi1.pk;
    values[":gsk"] = change.gsi1.sk;
    sets.push("gsi1pk = :gpk", "gsi1sk = :gsk");
  }
  if (change.ttl === null) removes.push(names.name("ttl"));
  else if (change.ttl !== undefined) {
    values[":ttl"] = change.ttl;
    sets.push(`${names.name("ttl")} = :ttl`);
  }
  const cond = buildCondition(condition ?? {}, names, values);
  return {
    UpdateExpression: `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`,
    ConditionExpression: cond.expression,
    ExpressionAttributeNames: names.map,
    ExpressionAttributeValues: values,
  };
}

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SessionvaultError || error instanceof RangeError) throw error;
    throw new StorageError(
      `DynamoDB request failed: ${(error as Error).name}: ${(error as Error).message}`,
      error,
    );
  }
}
