/**
 * The one BatchGet and the one BatchWrite of the table owners: requests split to DynamoDB's limits (100 keys,
 * 25 writes), and the unprocessed part DynamoDB may hand back under load retried with a capped backoff until
 * nothing is left. Only owner modules call these (test/unit/repository/architecture.test.ts).
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  QueryCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from './aws-clients.js';
import { inParallel } from './in-parallel.js';

type Item = Record<string, unknown>;
type Keys = Record<string, unknown>[];

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));

function chunksOf<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface BatchGetOptions {
  /** Read the newest write (default: true, as every owner reads money and workflow state). */
  consistentRead?: boolean;
  projection?: string;
}

/**
 * Items by key from one or more tables in one round trip per 100 keys (tables ⇒ keys; at most 100 keys in all
 * per call when several tables are asked at once). Missing items are left out; order is not kept.
 */
export async function batchGetFrom(requests: Record<string, Keys>, options: BatchGetOptions = {}): Promise<Item[]> {
  const found: Item[] = [];
  const request = (keys: Keys) => ({
    Keys: keys,
    ConsistentRead: options.consistentRead ?? true,
    ...(options.projection ? { ProjectionExpression: options.projection } : {}),
  });
  let pending: Record<string, ReturnType<typeof request>> = Object.fromEntries(
    Object.entries(requests)
      .filter(([, keys]) => keys.length)
      .map(([t, keys]) => [t, request(keys)]),
  );
  for (let attempt = 0; Object.keys(pending).length; attempt++) {
    if (attempt) await backoff(attempt);
    const out: BatchGetCommandOutput = await dynamo().send(new BatchGetCommand({ RequestItems: pending }));
    for (const items of Object.values(out.Responses ?? {})) found.push(...items);
    pending = Object.fromEntries(
      Object.entries(out.UnprocessedKeys ?? {}).filter(([, r]) => r.Keys?.length),
    ) as typeof pending;
  }
  return found;
}

/** Items of one table by key, any number of keys (100 a BatchGet, one after another). */
export async function batchGetItems(table: string, keys: Keys, options: BatchGetOptions = {}): Promise<Item[]> {
  const found: Item[] = [];
  for (const part of chunksOf(keys, 100)) found.push(...(await batchGetFrom({ [table]: part }, options)));
  return found;
}

/** Puts (and deletes) to one table, 25 a BatchWrite, one after another; unprocessed ones retried. */
export async function batchWrite(
  table: string,
  writes: ({ PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } })[],
): Promise<void> {
  for (const part of chunksOf(writes, 25)) {
    let pending: typeof writes | undefined = part;
    for (let attempt = 0; pending?.length; attempt++) {
      if (attempt) await backoff(attempt);
      const out = await dynamo().send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = out.UnprocessedItems?.[table] as typeof writes | undefined;
    }
  }
}

/** Items put to one table, 25 a BatchWrite. */
export const batchPutItems = (table: string, items: Item[]) =>
  batchWrite(
    table,
    items.map((Item) => ({ PutRequest: { Item } })),
  );

/**
 * One item of a TransactWrite. An owner hands out the parts of its own table that another owner's transaction
 * must include (the cycle's open job record, a budget debit), so each table's items are still built in one place.
 */
export type TransactPart = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Every item of many partitions of one table, each partition queried page by page and read consistently, 16
 * partitions at a time: what the readers of sharded counters (the ledger's and the booked totals) sum.
 */
export async function itemsOfPartitions(
  table: string,
  partitionKey: string,
  keys: readonly string[],
  onItem: (key: string, item: Item) => void,
): Promise<void> {
  await inParallel(keys, 16, async (key) => {
    let start: Item | undefined;
    do {
      const out = await dynamo().send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: '#k = :k',
          ExpressionAttributeNames: { '#k': partitionKey },
          ExpressionAttributeValues: { ':k': key },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) onItem(key, item);
      start = out.LastEvaluatedKey;
    } while (start);
  });
}
