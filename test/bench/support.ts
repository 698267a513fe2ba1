/** Shared pieces of the benchmarks: memory sampling, the JVM's RSS, raw DynamoDB rates, uploads, tables. */
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  TransactWriteItemsCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../../infra/local/dynamodb-local.js';
import { system } from '../../infra/system.js';
import type { TableDef } from '../../infra/system-model.js';

export const MB = 1024 * 1024;
export const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

/** A full garbage collection, without needing `--expose-gc` on the command line. */
export const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Peak RSS and heap of this process, sampled every `everyMs`; `mark()` reads the peak since the last mark. */
export class MemorySampler {
  peakRss = 0;
  peakHeap = 0;
  private windowHeap = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs = 100) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample(): void {
    const m = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, m.rss);
    this.peakHeap = Math.max(this.peakHeap, m.heapUsed);
    this.windowHeap = Math.max(this.windowHeap, m.heapUsed);
  }

  /** Peak heap since the previous call (then a new window starts). */
  mark(): number {
    this.sample();
    const peak = this.windowHeap;
    this.windowHeap = process.memoryUsage().heapUsed;
    return peak;
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }
}

/** The JVM of the DynamoDB Local listening on `port`: current and peak RSS, from /proc. */
export function jvmMemory(port: number): { pid: number; rss: number; peakRss: number } | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      // The shell guard carries the same arguments; the JVM is the process whose program is java.
      if (!/(^|\/)java$/.test(args[0] ?? '')) continue;
      const portAt = args.indexOf('-port');
      if (!args.some((a) => a.endsWith('DynamoDBLocal.jar')) || args[portAt + 1] !== String(port)) continue;
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
      return { pid: Number(entry), rss: kb('VmRSS'), peakRss: kb('VmHWM') };
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

/**
 * PUTs a file to a presigned URL, streamed from disk. Connects to 127.0.0.1 whatever the host name
 * (`*.localhost` virtual-hosted S3 names need not resolve) and sends the signed Host header unchanged.
 */
export function putFile(url: string, path: string): Promise<number> {
  const u = new URL(url);
  const size = statSync(path).size;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: u.port || 80,
        method: 'PUT',
        path: `${u.pathname}${u.search}`,
        headers: { host: u.host, 'content-length': size },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () =>
          (res.statusCode ?? 0) < 300
            ? resolve(res.statusCode ?? 0)
            : reject(new Error(`PUT ${u.host}${u.pathname} → ${res.statusCode}: ${body.slice(0, 300)}`)),
        );
      },
    );
    req.on('error', reject);
    createReadStream(path).on('error', reject).pipe(req);
  });
}

/**
 * The emulator's own write rate: BatchWriteItem of 25 items (~`itemBytes` each) into a scratch table,
 * `concurrency` batches in flight, for `seconds`. Unprocessed items are resent (counted once written).
 */
export async function rawBatchWriteRate(
  client: DynamoDBClient,
  opts: { table: string; seconds: number; concurrency: number; itemBytes: number },
): Promise<{ items: number; seconds: number; itemsPerSecond: number }> {
  await client.send(
    new CreateTableCommand({
      TableName: opts.table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  const filler = 'x'.repeat(Math.max(0, opts.itemBytes - 120));
  let seq = 0;
  let written = 0;
  const item = (): WriteRequest => {
    const n = seq++;
    return {
      PutRequest: {
        Item: {
          pk: { S: `bench-${n % 997}` },
          sk: { N: String(n) },
          outcome: { S: 'ACCEPTED' },
          fullName: { S: 'Nguyễn Thị Bench' },
          at: { S: new Date().toISOString() },
          filler: { S: filler },
        },
      },
    };
  };
  const t0 = performance.now();
  const deadline = t0 + opts.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      let requests: WriteRequest[] | undefined = Array.from({ length: 25 }, item);
      while (requests?.length) {
        const sent: number = requests.length;
        const out: BatchWriteItemCommandOutput = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [opts.table]: requests } }),
        );
        requests = out.UnprocessedItems?.[opts.table];
        written += sent - (requests?.length ?? 0);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  await client.send(new DeleteTableCommand({ TableName: opts.table })).catch(() => undefined);
  return { items: written, seconds, itemsPerSecond: written / seconds };
}

/**
 * The emulator's transaction rate: TransactWriteItems of `itemsPerTransaction` conditional puts (~`itemBytes`
 * each, as openAccount writes them), `concurrency` in flight, for `seconds`. With `like`, into a table defined as
 * that one of the platform's (its keys and its indexes; the items carry no index key): DynamoDB Local pays for
 * every index of a table on every write to it, even of an item no index holds, where AWS pays only for the
 * indexes an item is in.
 */
export async function rawTransactWriteRate(
  client: DynamoDBClient,
  opts: {
    table: string;
    seconds: number;
    concurrency: number;
    itemBytes: number;
    itemsPerTransaction: number;
    like?: TableDef;
  },
): Promise<{ transactions: number; seconds: number; transactionsPerSecond: number; itemsPerSecond: number }> {
  const def: TableDef = opts.like ?? {
    description: 'scratch',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
  };
  if (def.partitionKey.type !== 'S' || (def.sortKey && def.sortKey.type !== 'S')) {
    throw new Error(`rawTransactWriteRate: ${opts.table} needs string keys`);
  }
  await ensureTable(client, opts.table, def);
  const pk = def.partitionKey.name;
  const sk = def.sortKey?.name;
  const filler = 'x'.repeat(Math.max(0, opts.itemBytes - 120));
  let seq = 0;
  let done = 0;
  const t0 = performance.now();
  const deadline = t0 + opts.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const n = seq++;
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: Array.from({ length: opts.itemsPerTransaction }, (_, k) => ({
            Put: {
              TableName: opts.table,
              Item: {
                [pk]: { S: sk ? `${k === 0 ? 'PID' : 'PERSON'}#${n}` : `ITEM#${n}#${k}` },
                ...(sk ? { [sk]: { S: `ITEM#${k}` } } : {}),
                at: { S: new Date().toISOString() },
                filler: { S: filler },
              },
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': pk },
            },
          })),
        }),
      );
      done++;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  await client.send(new DeleteTableCommand({ TableName: opts.table })).catch(() => undefined);
  return {
    transactions: done,
    seconds,
    transactionsPerSecond: done / seconds,
    itemsPerSecond: (done * opts.itemsPerTransaction) / seconds,
  };
}

/**
 * The emulator's rate for 100-item transactions (as the ledger and the bookings write them), 8 in flight; with
 * `like`, into a table defined as that one (see rawTransactWriteRate).
 */
export const rawTransaction100Rate = (client: DynamoDBClient, table: string, seconds: number, like?: TableDef) =>
  rawTransactWriteRate(client, {
    table,
    seconds: Math.max(5, seconds),
    concurrency: 8,
    itemBytes: 400,
    itemsPerTransaction: 100,
    like,
  });

/**
 * The most a flow could do here if its transactions were all it did: the emulator's transactional items/s
 * (rawTransactWriteRate at 100 items) over the flow's transactional items per unit (row, payment, entry), and
 * that rate as a ratio to raw BatchWriteItem items/s, the benches' yardstick. A target ratio above it cannot be
 * met without fewer transactional items per unit.
 */
export function transactionBound(opts: {
  transactionItemsPerSecond: number;
  transactionItemsPerUnit: number;
  rawItemsPerSecond: number;
}): { unitsPerSecond: number; ratio: number } {
  const unitsPerSecond = opts.transactionItemsPerSecond / Math.max(opts.transactionItemsPerUnit, 1e-9);
  return { unitsPerSecond, ratio: unitsPerSecond / opts.rawItemsPerSecond };
}

/**
 * The bound again, from the 100-item transaction rate into a table defined as the one the flow writes most
 * (`like`: its keys and indexes). DynamoDB Local charges each of a table's indexes on every write to it, so this
 * bound is the lower, and the closer, of the two. Rows to print, and the figures for the JSON line.
 */
export async function ownTableBound(
  client: DynamoDBClient,
  opts: {
    scratch: string;
    seconds: number;
    /** The platform's table (infra/system.ts) whose definition the scratch table copies. */
    like: string;
    unit: string;
    transactionItemsPerUnit: number;
    rawItemsPerSecond: number;
  },
): Promise<{ rows: [string, string][]; itemsPerSecond: number; ratio: number }> {
  const def = system.tables[opts.like];
  if (!def) throw new Error(`no table ${opts.like} in the system definition`);
  const tx = await rawTransaction100Rate(client, opts.scratch, opts.seconds, def);
  const bound = transactionBound({
    transactionItemsPerSecond: tx.itemsPerSecond,
    transactionItemsPerUnit: opts.transactionItemsPerUnit,
    rawItemsPerSecond: opts.rawItemsPerSecond,
  });
  const indexes = def.indexes?.length ?? 0;
  return {
    itemsPerSecond: tx.itemsPerSecond,
    ratio: bound.ratio,
    rows: [
      [
        `raw TransactWriteItems (100 items), ${opts.like} table's ${indexes} ${indexes === 1 ? 'index' : 'indexes'}`,
        `${fmt(tx.transactionsPerSecond, 1)} tx/s = ${fmt(tx.itemsPerSecond)} items/s`,
      ],
      [
        `bound on the ${opts.like} table as defined`,
        `at most ${fmt(bound.unitsPerSecond)} ${opts.unit}/s, ratio ${bound.ratio.toFixed(3)}`,
      ],
    ],
  };
}

/** Rows of label / value pairs as an aligned two-column table. */
export function printTable(title: string, rows: [string, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${title}\n${'─'.repeat(Math.min(100, width + 40))}`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Options `--name value` of a benchmark's arguments. */
export function numberOption(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

/** A run that broke an invariant (duplicates, lost payments, wrong answers): the bench exits non-zero. Never slowness. */
export class BrokenInvariant extends Error {
  override name = 'BrokenInvariant';
}
