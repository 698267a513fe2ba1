/**
 * `npm run bench -- reconciliation [--entries 1000000] [--raw-seconds 20]`: one camt.053 statement of N
 * entries reconciled against a ledger of N payments on the local runtime (DynamoDB Local). The payments'
 * HEAD items are seeded straight into the table (the disbursement benchmark measures paying them); the
 * statement is generated as a stream (writeCamt053 over a generator) and fed to the same reconcile function the
 * queue worker runs, so the XML is never held whole and neither is the statement (400+ MB at a million
 * entries, too big for the local S3 emulator; on AWS the worker streams it from S3). One entry in a thousand
 * has the wrong amount, one in 997 no reference (fallback by account), one in 10,007 is not ours.
 * Prints entries/s, the outcome counts, the items written per entry (counted at the platform's DynamoDB
 * client), peak memory (heap retained along the file) and the ratio to DynamoDB Local's raw write rate in the
 * same run. Exits with BrokenInvariant when a line has no finding, or the lines not ours are not exactly those
 * generated so (never because it is slow).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type CamtEntryInput, writeCamt053 } from '../../functions/iso20022/camt.js';
import { createJob, getJob } from '../../functions/jobs/job-store.js';
import type { StatementImportJob } from '../../functions/reconciliation/import-job.js';
import { reconcileImport } from '../../functions/reconciliation/reconcile-worker.js';
import { bookedTotals } from '../../functions/reconciliation/reconciliation-store.js';
import { freePort } from '../../infra/local/free-port.js';
import { LocalPlatform } from '../../infra/local/runtime.js';
import {
  BrokenInvariant,
  fmt,
  gc,
  jvmMemory,
  MemorySampler,
  mb,
  numberOption,
  ownTableBound,
  printTable,
  rawBatchWriteRate,
  rawTransaction100Rate,
  transactionBound,
} from './support.js';
import { WriteCounter } from './write-counter.js';

export const description = 'reconciles a camt.053 of N entries (default 1,000,000) against a ledger of N payments';

const CYCLE = 'dc-tcxh_hang_thang-2026-01-79';
const AMOUNT = 500_000;
const paymentId = (i: number) => `P202601BENCH${String(i).padStart(12, '0')}`;
const account = (i: number) => `00${1_000_000_000 + i}`;
const wrongAmount = (i: number) => i % 1000 === 999;
const noReference = (i: number) => i % 997 === 996;
const foreign = (i: number) => i % 10_007 === 10_006;
/** As the disbursement bench pays them: 50 communes, so a batch of 100 lines moves 50 booked-totals cells. */
const communeOf = (i: number) => String(26700 + (i % 50));

async function seedLedger(platform: LocalPlatform, count: number, log: (m: string) => void) {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: platform.dynamodbEndpoint }));
  const table = platform.name('payments');
  const at = '2026-01-05T02:00:00.000Z';
  const write = async (batch: Record<string, unknown>[]) => {
    let requests: { PutRequest: { Item: Record<string, unknown> } }[] | undefined = batch.map((Item) => ({
      PutRequest: { Item },
    }));
    while (requests?.length) {
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = out.UnprocessedItems?.[table] as typeof requests;
    }
  };
  let next = 0;
  const worker = async () => {
    for (;;) {
      const start = next;
      next += 25;
      if (start >= count) return;
      const batch = [];
      for (let i = start; i < Math.min(count, start + 25); i++) {
        batch.push({
          paymentId: paymentId(i),
          sk: 'HEAD',
          cycleId: CYCLE,
          programme: 'TCXH_HANG_THANG',
          period: '2026-01',
          personId: `p-bench-${i}`,
          amount: AMOUNT,
          channel: 'BANK',
          bankBin: '970436',
          creditorAccount: account(i),
          communeCode: communeOf(i),
          categoryCode: 'NCT_80',
          state: 'SETTLED',
          seq: 4,
          cycleState: `${CYCLE}#SETTLED`,
          createdAt: at,
          updatedAt: at,
        });
      }
      await write(batch);
      if (start % 100_000 === 0 && start) log(`seeded ${fmt(start)} payments`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

function* entries(count: number): Generator<CamtEntryInput> {
  for (let i = 0; i < count; i++) {
    const amount = foreign(i) ? 77_000 : wrongAmount(i) ? AMOUNT - 1000 : AMOUNT;
    yield {
      entryRef: `E${i}`,
      amountVnd: amount,
      creditDebit: 'DBIT',
      status: 'BOOK',
      bookingDate: '2026-01-06',
      valueDate: '2026-01-06',
      accountServicerRef: `BK${i}`,
      transactions: foreign(i)
        ? []
        : [
            {
              endToEndId: noReference(i) ? 'NOTPROVIDED' : paymentId(i),
              amountVnd: amount,
              creditDebit: 'DBIT',
              creditorAccountId: account(i),
            },
          ],
    };
  }
}

async function* statementBytes(count: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for (let i = 0; i < count; i++) total += foreign(i) ? 77_000 : wrongAmount(i) ? AMOUNT - 1000 : AMOUNT;
  const opening = 1_000_000_000_000;
  const encoder = new TextEncoder();
  let pending = '';
  for (const part of writeCamt053({
    messageId: 'C053-BENCH-1',
    createdAt: '2026-01-06T23:59:59+07:00',
    statements: [
      {
        id: 'S20260106-BENCH',
        electronicSequenceNumber: 1,
        createdAt: '2026-01-06T23:59:59+07:00',
        account: { id: '0071000888999' }, // province 79's paying account: the only one its officers may load
        openingBalance: { amountVnd: opening, date: '2026-01-06' },
        closingBalance: { amountVnd: opening - total, date: '2026-01-06' },
        entries: entries(count),
      },
    ],
  })) {
    pending += part;
    if (pending.length >= 64 * 1024) {
      yield encoder.encode(pending);
      pending = '';
    }
  }
  if (pending) yield encoder.encode(pending);
}

export async function run(args: string[]): Promise<void> {
  const count = numberOption(args, 'entries', 1_000_000);
  const rawSeconds = numberOption(args, 'raw-seconds', 20);
  const started = performance.now();
  const log = (msg: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${msg}`);
  // The worker hands the rest to a new message after its time budget; here one call does the whole file.
  process.env.ANSINH_RECONCILE_BUDGET_SECONDS = String(24 * 3600);

  const dynamodbPort = await freePort();
  const platform = await new LocalPlatform({ prefix: 'benchrec-', ports: { dynamodb: dynamodbPort } }).start();
  let t = performance.now();
  await seedLedger(platform, count, log);
  // The cycle the payments belong to: the worker reads its province to know which account paid them.
  await DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: platform.dynamodbEndpoint })).send(
    new PutCommand({
      TableName: platform.name('cycles'),
      Item: { pk: `CYCLE#${CYCLE}`, sk: 'META', cycleId: CYCLE, jurisdiction: '79' },
    }),
  );
  const seedS = (performance.now() - t) / 1000;
  log(`seeded ${fmt(count)} payments in ${seedS.toFixed(1)} s`);

  const at = new Date().toISOString();
  const { record: job } = await createJob<StatementImportJob>({
    jobId: 'st-benchreconciliation000001',
    kind: 'statement-import',
    openKind: 'statement-import',
    status: 'RECEIVED',
    jurisdiction: '79',
    uploadedBy: 'bench',
    fileName: 'bench.xml',
    objectKey: 'not-used',
    contentSha256: 'bench',
    sizeBytes: 0,
    createdAt: at,
    updatedAt: at,
  });
  gc();
  const memory = new MemorySampler(200);
  // Flat memory is what matters: the heap retained after a full collection, sampled along the file.
  const retained: number[] = [];
  const progress = setInterval(async () => {
    gc();
    retained.push(process.memoryUsage().heapUsed);
    const j = await getJob<StatementImportJob>(job.jobId).catch(() => undefined);
    log(`reconciled ${fmt(j?.checkpoint ?? 0)} entries · retained heap ${mb(retained.at(-1) ?? 0)} MB`);
  }, 30_000);
  // Every item the worker writes, counted at the platform's one DynamoDB client (the seeding used its own).
  const writeCounter = new WriteCounter().install();
  writeCounter.start();
  t = performance.now();
  await reconcileImport(job, statementBytes(count));
  const reconcileS = (performance.now() - t) / 1000;
  clearInterval(progress);
  writeCounter.stop();
  const writes = {
    byTable: writeCounter.itemsByTable(),
    transactions: writeCounter.transactions,
    transactionItems: writeCounter.transactionItems,
    cancelledTransactions: writeCounter.cancelledTransactions,
  };
  const itemWrites = Object.values(writes.byTable).reduce((a, b) => a + b, 0);
  const writesByTable = Object.entries(writes.byTable)
    .map(([table, n]) => `${table.replace(/^benchrec-/, '')} ${fmt(n / count, 2)}`)
    .join(', ');
  memory.stop();
  const done = (await getJob<StatementImportJob>(job.jobId)) as StatementImportJob;
  const jvm = jvmMemory(dynamodbPort);

  const ddb = new DynamoDBClient({ endpoint: platform.dynamodbEndpoint });
  const raw = await rawBatchWriteRate(ddb, {
    table: 'benchrec-raw',
    seconds: rawSeconds,
    concurrency: 8,
    itemBytes: 400,
  });
  // A booking transaction holds up to 100 items (marks and the booked-totals cells they move).
  const tx100 = await rawTransaction100Rate(ddb, 'benchrec-rawtx100', rawSeconds / 2);
  const bound = transactionBound({
    transactionItemsPerSecond: tx100.itemsPerSecond,
    transactionItemsPerUnit: writes.transactionItems / count,
    rawItemsPerSecond: raw.itemsPerSecond,
  });
  // The marks and the booked totals are items of the reconciliation table.
  const own = await ownTableBound(ddb, {
    scratch: 'benchrec-rawtx100-reconciliation',
    seconds: rawSeconds / 2,
    like: 'reconciliation',
    unit: 'entries',
    transactionItemsPerUnit: writes.transactionItems / count,
    rawItemsPerSecond: raw.itemsPerSecond,
  });
  // The booked totals count every booking once: each MATCHED or AMOUNT_MISMATCH line booked one payment.
  const booked = (await bookedTotals(CYCLE, [])).reduce((n, c) => n + c.count, 0);
  const bookedLines = (done.totals?.MATCHED?.count ?? 0) + (done.totals?.AMOUNT_MISMATCH?.count ?? 0);
  const perSecond = count / reconcileS;
  const outcomes = Object.entries(done.totals ?? {})
    .filter(([, v]) => v.count)
    .map(([k, v]) => [k, `${fmt(v.count)} (${fmt(v.amount)} VND)`] as [string, string]);
  printTable('Reconciliation (local runtime, camt.053 streamed)', [
    ['statement entries', fmt(count)],
    ['seed ledger (BatchWriteItem)', `${seedS.toFixed(1)} s (${fmt(count / seedS)} payments/s)`],
    ['reconcile', `${reconcileS.toFixed(1)} s`],
    ['entries/s', fmt(perSecond, 1)],
    ...outcomes,
    ['statement problems', JSON.stringify(done.statements?.[0]?.problems ?? [])],
    ['peak RSS / heap (this process)', `${mb(memory.peakRss)} MB / ${mb(memory.peakHeap)} MB`],
    [
      'retained heap after GC along the file',
      retained.length
        ? `first ${mb(retained[0] ?? 0)} MB, last ${mb(retained.at(-1) ?? 0)} MB, max ${mb(Math.max(...retained))} MB (${retained.length} samples)`
        : 'n/a',
    ],
    ['DynamoDB Local JVM RSS', jvm ? `${mb(jvm.peakRss)} MB` : 'n/a'],
    ['raw BatchWriteItem', `${fmt(raw.itemsPerSecond)} items/s`],
    [
      'raw TransactWriteItems (100 items)',
      `${fmt(tx100.transactionsPerSecond, 1)} tx/s = ${fmt(tx100.itemsPerSecond)} items/s`,
    ],
    ['ratio entries/s ÷ raw items/s', (perSecond / raw.itemsPerSecond).toFixed(3)],
    [
      'bound by the transactions alone',
      `${fmt(writes.transactionItems / count, 2)} transactional items an entry → at most ${fmt(bound.unitsPerSecond)} entries/s, ratio ${bound.ratio.toFixed(3)}`,
    ],
    ...own.rows,
    ['booked totals (count)', `${fmt(booked)} (booked lines ${fmt(bookedLines)})`],
    [
      'items written per entry (counted)',
      `${fmt(itemWrites / count, 2)} (${writesByTable}; ${fmt(writes.transactions)} transactions, ${fmt(writes.cancelledTransactions)} cancelled)`,
    ],
  ]);
  console.log(
    JSON.stringify({
      bench: 'reconciliation',
      entries: count,
      seedSeconds: seedS,
      reconcileSeconds: reconcileS,
      entriesPerSecond: perSecond,
      peakRssMb: mb(memory.peakRss),
      peakHeapMb: mb(memory.peakHeap),
      rawItemsPerSecond: raw.itemsPerSecond,
      ratio: perSecond / raw.itemsPerSecond,
      rawTransactionItemsPerSecond: tx100.itemsPerSecond,
      transactionItemsPerEntry: writes.transactionItems / count,
      transactionBoundRatio: bound.ratio,
      ownTableTransactionItemsPerSecond: own.itemsPerSecond,
      ownTableBoundRatio: own.ratio,
      bookedTotalsCount: booked,
      itemsWrittenPerEntry: itemWrites / count,
      itemWritesByTable: writes.byTable,
      totals: done.totals,
    }),
  );
  await platform.stop();
  const findings = Object.values(done.totals ?? {}).reduce((n, v) => n + v.count, 0);
  if (findings !== count) throw new BrokenInvariant(`${fmt(findings)} findings for ${fmt(count)} statement lines`);
  let foreignLines = 0;
  for (let i = 0; i < count; i++) if (foreign(i)) foreignLines++;
  if (booked !== bookedLines)
    throw new BrokenInvariant(`booked totals count ${fmt(booked)} bookings, the lines booked ${fmt(bookedLines)}`);
  const notOurs = done.totals?.NOT_OURS?.count ?? 0;
  if (notOurs !== foreignLines)
    throw new BrokenInvariant(`${fmt(notOurs)} lines found not ours, ${fmt(foreignLines)} were generated so`);
}
