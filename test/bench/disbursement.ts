/**
 * `npm run bench -- disbursement [--payments 100000] [--raw-seconds 20]`: pays N beneficiaries through the
 * bank simulator on the local runtime — compute the draft, submit, approve, dispatch (pain.001 per chunk
 * through SQS), bank callbacks (pain.002), collect, close — and prints payments/s, peak memory and the ratio
 * to DynamoDB Local's own write rate measured in the same run, and the items and transactions written per
 * payment. Accounts are seeded straight into the table (onboarding has its own benchmark); everything after
 * that runs the real handlers. Exits with BrokenInvariant when a payment is not settled once: the close's
 * settled count and VND, and the bank's own count of settled transactions, must equal the draft's.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { accountNumber } from '../../functions/accounts/account-number.js';
import { jurisdictionKeyOf } from '../../functions/accounts/account-store.js';
import { getCycle } from '../../functions/disbursement-cycles/cycle-store.js';
import { stateTotals } from '../../functions/disbursement-cycles/progress.js';
import { DEMO_USERS } from '../../infra/local/demo-users.js';
import { freePort } from '../../infra/local/free-port.js';
import { POPULATION_CSV_HEADER, populationLines } from '../../infra/local/population-registry/population-index.js';
import { LocalPlatform } from '../../infra/local/runtime.js';
import {
  BrokenInvariant,
  fmt,
  jvmMemory,
  MemorySampler,
  mb,
  numberOption,
  ownTableBound,
  printTable,
  rawBatchWriteRate,
  rawTransaction100Rate,
  rawTransactWriteRate,
  transactionBound,
} from './support.js';
import { WriteCounter } from './write-counter.js';

export const description = 'pays N beneficiaries (default 100,000) through the bank simulator, end to end';

/**
 * Identity numbers of `count` living people of a generated population (seed 7), and how many people it takes
 * to include them: the local registry serves that population, so the compute step's registry check finds them.
 */
function livingPeople(count: number): { ids: string[]; population: number } {
  const ids: string[] = [];
  let population = 0;
  for (const line of populationLines(Number.MAX_SAFE_INTEGER, 7)) {
    if (ids.length >= count) break;
    if (line === POPULATION_CSV_HEADER) continue;
    population++;
    const [personalId, , , , status] = line.split(',');
    if (status === 'alive') ids.push(personalId as string);
  }
  return { ids, population };
}

async function seedAccounts(platform: LocalPlatform, personalIds: string[]): Promise<void> {
  const count = personalIds.length;
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: platform.dynamodbEndpoint }));
  const table = platform.name('accounts');
  const items: Record<string, unknown>[] = [];
  const flush = async () => {
    const batches: Record<string, unknown>[][] = [];
    while (items.length) batches.push(items.splice(0, 25));
    await Promise.all(
      batches.map(async (batch) => {
        let requests: { PutRequest: { Item: Record<string, unknown> } }[] | undefined = batch.map((Item) => ({
          PutRequest: { Item },
        }));
        while (requests?.length) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
          requests = out.UnprocessedItems?.[table] as typeof requests;
        }
      }),
    );
  };
  for (let i = 0; i < count; i++) {
    const personId = `p-${randomUUID()}`;
    const number = accountNumber('79', String(i).padStart(10, '0'));
    const at = new Date().toISOString();
    items.push({
      pk: `PERSON#${personId}`,
      sk: 'ACCOUNT',
      personId,
      personalId: personalIds[i],
      accountNumber: number,
      fullName: `Nguyễn Văn Bench ${i}`,
      dateOfBirth: '1940-01-01',
      gender: 'M',
      jurisdiction: '79',
      communeCode: String(26700 + (i % 50)),
      paymentMethod: {
        kind: 'BANK',
        bankBin: '970436',
        bankAccountNumber: String(1_000_000_000 + i),
        communeCode: '26734',
      },
      status: 'ACTIVE',
      version: 1,
      createdAt: at,
      updatedAt: at,
      // As openAccounts writes them: the spread index key, the enrolment carried by the account.
      jurisdictionKey: jurisdictionKeyOf('79', personId),
      enrolment: {
        programme: 'TCXH_HANG_THANG',
        categories: [{ code: 'NCT_80', decisionDate: '2026-01-05', startMonth: '2026-01' }],
        listId: 'bench',
        line: i + 2,
        enrolledAt: at,
      },
    });
    if (items.length >= 2000) await flush();
  }
  await flush();
  doc.destroy();
}

/** The open states from the ledger's maintained totals (a few small queries, whatever the cycle's size). */
async function openCounts(cycleId: string) {
  const cycle = await getCycle(cycleId);
  if (!cycle) return {};
  const totals = await stateTotals(cycle);
  return { PENDING: totals.PENDING.count, SENT: totals.SENT.count, ACCEPTED: totals.ACCEPTED.count };
}

/** The Collect loop's Wait and this bench's own progress poll (see below). */
const WAIT_MS = 5000;

export async function run(args: string[]): Promise<void> {
  const payments = numberOption(args, 'payments', 100_000);
  const rawSeconds = numberOption(args, 'raw-seconds', 20);
  const memory = new MemorySampler(100);
  const started = performance.now();
  const log = (msg: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${msg}`);
  process.env.ANSINH_PAYMENT_CHUNK = '2000';

  const dynamodbPort = await freePort();
  const people = livingPeople(payments);
  const platform = await new LocalPlatform({
    prefix: 'benchpay-',
    ports: { dynamodb: dynamodbPort },
    population: { generated: { count: people.population, seed: 7 } },
  }).start();
  // The run's Wait states poll every 5 and 10 minutes on AWS; the benchmark measures the work, not the waits.
  // Every 5 s here: each Collect poll reads the maintained totals, and polling faster only takes DynamoDB Local
  // from the workers (at 2 s, a 100,000 run's polls, the Collect loop's and this bench's own, summed 271 s of
  // invocations beside 516 s of wall clock; at 500 ms they took 40 % of the invocation time of a 10,000 run).
  // A close is seen at most one poll late, which the figure pays for.
  (platform.stepFunctions as unknown as { o: { compressTime?: { waitMs: number } } }).o.compressTime = {
    waitMs: WAIT_MS,
  };
  // Every write the handlers make from the approval on, counted on their own client (in process).
  const writes = new WriteCounter().install();
  const token = (username: string) =>
    platform.identityProvider.tokenFor(DEMO_USERS.find((u) => u.username === username) as (typeof DEMO_USERS)[number]);
  const call = async (method: string, path: string, user: string, body?: unknown) => {
    const res = await fetch(`${platform.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await token(user)}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const until = async (cycleId: string, status: string) => {
    let lastReport = performance.now();
    for (;;) {
      const got = await call('GET', `/v1/disbursement-cycles/${cycleId}`, 'ketoan.lap');
      if (got.body.status === status) return got.body;
      if (got.body.status === 'FAILED') throw new Error('cycle failed');
      if (performance.now() - lastReport > 15_000) {
        lastReport = performance.now();
        const counts = Object.entries(await openCounts(cycleId))
          .filter(([, n]) => n)
          .map(([k, n]) => `${k} ${fmt(n)}`)
          .join(', ');
        const errors = Object.entries(failures)
          .map(([fn, n]) => `${fn} ${n}`)
          .join(', ');
        log(
          `${got.body.status}: ${counts || 'nothing open'}${errors ? ` · failed invocations: ${errors}` : ''} · bank ${JSON.stringify(platform.bank.stats)}`,
        );
      }
      await new Promise((r) => setTimeout(r, WAIT_MS));
    }
  };

  // Failed invocations (retried by SQS or Step Functions) are part of the picture: count them by function.
  const failures: Record<string, number> = {};
  // Where approve → closed spends its time: invocations and summed wall-clock seconds per function.
  const busy = new Map<string, { invocations: number; ms: number }>();
  let timing = false;
  platform.invoker.observe((r) => {
    if (timing) {
      const b = busy.get(r.functionId) ?? { invocations: 0, ms: 0 };
      b.invocations++;
      b.ms += r.ms;
      busy.set(r.functionId, b);
    }
    if (r.outcome === 'error') {
      failures[`${r.functionId}(${r.error})`] = (failures[`${r.functionId}(${r.error})`] ?? 0) + 1;
    }
  });
  let t = performance.now();
  await seedAccounts(platform, people.ids);
  log(`seeded ${fmt(payments)} accounts in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  const created = await call('POST', '/v1/disbursement-cycles', 'ketoan.lap', { period: '2026-01' });
  const cycleId = created.body.cycleId as string;
  const draft = await until(cycleId, 'DRAFT');
  const computeS = (performance.now() - t) / 1000;
  log(`draft: ${fmt(draft.totals.payees)} payees, ${fmt(draft.totals.amount)} VND (${computeS.toFixed(1)} s)`);
  await call('POST', `/v1/disbursement-cycles/${cycleId}/submit`, 'ketoan.lap', { contentHash: draft.contentHash });
  const approved = await call('POST', `/v1/disbursement-cycles/${cycleId}/approve`, 'ketoan.duyet', {
    contentHash: draft.contentHash,
  });
  if (approved.status !== 200) throw new Error(`approval refused: ${JSON.stringify(approved.body)}`);

  t = performance.now();
  writes.start();
  timing = true;
  const closed = await until(cycleId, 'CLOSED');
  timing = false;
  writes.stop();
  const payS = (performance.now() - t) / 1000;
  memory.stop();
  const jvm = jvmMemory(dynamodbPort);
  log(`closed: balanced ${JSON.stringify(closed.closing.balanced)}`);

  const ddb = new DynamoDBClient({ endpoint: platform.dynamodbEndpoint });
  const raw = await rawBatchWriteRate(ddb, {
    table: 'benchpay-raw',
    seconds: rawSeconds,
    concurrency: 8,
    itemBytes: 400,
  });
  const tx = await rawTransactWriteRate(ddb, {
    table: 'benchpay-rawtx',
    seconds: Math.max(5, rawSeconds / 2),
    concurrency: 16,
    itemBytes: 400,
    itemsPerTransaction: 2,
  });
  // The ledger's transactions hold up to 100 items: the ceiling is the emulator's rate at that size.
  const tx100 = await rawTransaction100Rate(ddb, 'benchpay-rawtx100', rawSeconds / 2);
  const bound = transactionBound({
    transactionItemsPerSecond: tx100.itemsPerSecond,
    transactionItemsPerUnit: writes.transactionItems / payments,
    rawItemsPerSecond: raw.itemsPerSecond,
  });
  const own = await ownTableBound(ddb, {
    scratch: 'benchpay-rawtx100-payments',
    seconds: rawSeconds / 2,
    like: 'payments',
    unit: 'payments',
    transactionItemsPerUnit: writes.transactionItems / payments,
    rawItemsPerSecond: raw.itemsPerSecond,
  });
  const perSecond = payments / payS;
  const ledger = writes.of('payments');
  const perPayment = (n: number) => fmt(n / payments, 2);
  const indexUnits = Object.entries(ledger.indexUnits)
    .map(([index, u]) => `${index} ${perPayment(u)}`)
    .join(', ');
  const allItems = [...writes.tables.values()].reduce((s, t) => s + t.items, 0);
  printTable('Disbursement (local runtime, bank simulator)', [
    ['payments', fmt(payments)],
    ['settled', fmt(closed.closing.SETTLED.count)],
    ['amount (VND)', fmt(closed.closing.SETTLED.amount)],
    ['compute draft', `${computeS.toFixed(1)} s (${fmt(payments / computeS)} payees/s)`],
    ['approve → closed', `${payS.toFixed(1)} s`],
    ['payments/s (dispatch → settled → closed)', fmt(perSecond, 1)],
    ['peak RSS / heap (this process)', `${mb(memory.peakRss)} MB / ${mb(memory.peakHeap)} MB`],
    ['DynamoDB Local JVM RSS', jvm ? `${mb(jvm.peakRss)} MB` : 'n/a'],
    ['raw BatchWriteItem', `${fmt(raw.itemsPerSecond)} items/s`],
    ['raw TransactWriteItems (2 items)', `${fmt(tx.transactionsPerSecond)} tx/s`],
    [
      'raw TransactWriteItems (100 items)',
      `${fmt(tx100.transactionsPerSecond, 1)} tx/s = ${fmt(tx100.itemsPerSecond)} items/s`,
    ],
    ['ratio payments/s ÷ raw items/s', (perSecond / raw.itemsPerSecond).toFixed(3)],
    [
      'bound by the transactions alone',
      `${fmt(writes.transactionItems / payments, 2)} transactional items a payment → at most ${fmt(bound.unitsPerSecond)} payments/s, ratio ${bound.ratio.toFixed(3)}`,
    ],
    ...own.rows,
    ['transactions per payment (measured, every table)', fmt(writes.transactions / payments, 3)],
    [
      'transactions by items held; cancelled',
      `${Object.entries(writes.transactionSizes)
        .map(([size, n]) => `${size}: ${fmt(n)}`)
        .join(', ')}; ${fmt(writes.cancelledTransactions)} cancelled`,
    ],
    [
      'items named by the cancellations',
      Object.entries(writes.cancellationReasons)
        .map(([what, n]) => `${what}: ${fmt(n)}`)
        .join(', ') || 'none',
    ],
    ['payments table: items written per payment (measured)', perPayment(ledger.items)],
    [
      'payments table: write units per payment (reported)',
      ledger.tableUnits
        ? `${perPayment(ledger.tableUnits)} table${indexUnits ? ` + ${indexUnits}` : ''}`
        : 'not reported',
    ],
    ['every table: items written per payment (measured)', perPayment(allItems)],
    ...[...busy]
      .sort(([, a], [, b]) => b.ms - a.ms)
      .map(([fn, b]): [string, string] => [
        `  ${fn}`,
        `${fmt(b.invocations)} invocations, ${(b.ms / 1000).toFixed(1)} s summed (${fmt(b.ms / b.invocations, 0)} ms each)`,
      ]),
  ]);
  console.log(
    JSON.stringify({
      bench: 'disbursement',
      payments,
      computeSeconds: computeS,
      paySeconds: payS,
      paymentsPerSecond: perSecond,
      peakRssMb: mb(memory.peakRss),
      rawItemsPerSecond: raw.itemsPerSecond,
      ratio: perSecond / raw.itemsPerSecond,
      rawTransactionItemsPerSecond: tx100.itemsPerSecond,
      transactionItemsPerPayment: writes.transactionItems / payments,
      transactionBoundRatio: bound.ratio,
      ownTableTransactionItemsPerSecond: own.itemsPerSecond,
      ownTableBoundRatio: own.ratio,
      balanced: closed.closing.balanced,
      ledgerItemsPerPayment: ledger.items / payments,
      ledgerUnitsPerPayment: {
        table: ledger.tableUnits / payments,
        indexes: Object.fromEntries(Object.entries(ledger.indexUnits).map(([k, u]) => [k, u / payments])),
      },
      itemsPerPaymentAllTables: allItems / payments,
      writesByTable: Object.fromEntries(writes.tables),
      busyByFunction: Object.fromEntries(busy),
    }),
  );
  const bankSettled = platform.bank.stats.settled;
  ddb.destroy();
  await platform.stop();
  // Paid once each, none lost: the ledger's close and the bank's own count must both say so.
  if (closed.closing.SETTLED.count !== payments || closed.closing.SETTLED.amount !== draft.totals.amount)
    throw new BrokenInvariant(
      `closed with ${fmt(closed.closing.SETTLED.count)} settled (${fmt(closed.closing.SETTLED.amount)} VND) of ${fmt(payments)} (${fmt(draft.totals.amount)} VND)`,
    );
  if (bankSettled !== payments)
    throw new BrokenInvariant(`the bank settled ${fmt(bankSettled)} transactions for ${fmt(payments)} payments`);
  if (!closed.closing.balanced?.count || !closed.closing.balanced?.amount)
    throw new BrokenInvariant(`the close is not balanced: ${JSON.stringify(closed.closing.balanced)}`);
}
