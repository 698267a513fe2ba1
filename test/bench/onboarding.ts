/**
 * Beneficiary list onboarding end to end on the local runtime, through the path a large file takes:
 *   POST /v1/beneficiary-lists/uploads → PUT to the presigned URL → POST /v1/beneficiary-lists {uploadId}
 *   → parse → verify chunks (registry) → open accounts → summarise → COMPLETED.
 * Prints rows/s, time per phase, the items written per row (counted at the platform's DynamoDB client), memory
 * of this process and of DynamoDB Local's JVM, the emulator's raw BatchWriteItem rate measured in the same run,
 * and how the parse step's heap grows with list size. Exits with BrokenInvariant when a row is lost or a person
 * opened twice (never because it is slow).
 *
 *   npm run bench -- onboarding [--rows 100000] [--population 150000] [--seed 20251] [--raw-seconds 20]
 *     [--raw-concurrency 8] [--skip-parse-alone]
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { ACCOUNTS_PER_TRANSACTION, JURISDICTION_SPREAD } from '../../functions/accounts/account-store.js';
import { freePort } from '../../infra/local/free-port.js';
import { populationLines } from '../../infra/local/population-registry/population-index.js';
import { LocalPlatform } from '../../infra/local/runtime.js';
import { categoryForAge } from '../support/categories.js';
import { api, demoUser, uniquePrefix } from '../support/platform.js';
import { type Citizen, dmy, LIST_HEADER, listRow } from '../support/population.js';
import {
  BrokenInvariant,
  fmt,
  gc,
  jvmMemory,
  MB,
  MemorySampler,
  mb,
  numberOption,
  ownTableBound,
  printTable,
  putFile,
  rawBatchWriteRate,
  rawTransactWriteRate,
  transactionBound,
} from './support.js';
import { WriteCounter } from './write-counter.js';

export const description =
  'Upload → COMPLETED for a generated list (default 100,000 rows, ~5% defects): rows/s, phases, memory, raw DynamoDB Local rate';

const PHASES = ['parseList', 'verifyListChunk', 'openListAccounts', 'summariseList'] as const;

/** openListAccounts' transactions: 3 items per account and the audit item; 2 in flight per chunk, 4 chunks at once. */
const TX_ITEMS = ACCOUNTS_PER_TRANSACTION * 3 + 1;
const TX_IN_FLIGHT = 8;

/** Which rows carry a defect (5 in 100), and which. */
const DEFECTS: Record<number, string> = {
  7: 'INVALID_ROW (unknown category)',
  19: 'INVALID_IDENTITY_NUMBER (leading zero lost / old CMND)',
  31: 'DUPLICATE_IN_FILE',
  53: 'NOT_IN_REGISTRY',
  89: 'DECEASED',
};

const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * Writes a list of `rows` data rows drawn from the generated population, as Excel saves "CSV UTF-8"
 * (BOM, CRLF), streamed to disk. Returns how many rows of each planned kind were written.
 */
export async function writeList(
  path: string,
  rows: number,
  population: number,
  seed: number,
): Promise<Record<string, number>> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const planned: Record<string, number> = { valid: 0 };
  let buffer: string[] = [`\uFEFF${LIST_HEADER.map(cell).join(',')}`];
  const flush = async () => {
    const ok = out.write(`${buffer.join('\r\n')}\r\n`);
    buffer = [];
    if (!ok) await once(out, 'drain');
  };
  const recent: Citizen[] = [];
  let lastDeceased: Citizen | undefined;
  let i = 0;
  const people = populationLines(population, seed);
  people.next(); // header
  for (const line of people) {
    if (i >= rows) break;
    const [personalId, fullName, dateOfBirth, gender, status, dateOfDeath, residenceProvinceCode] = line.split(',');
    const c: Citizen = {
      personalId: personalId ?? '',
      fullName: fullName ?? '',
      dateOfBirth: dateOfBirth ?? '',
      gender: gender === 'F' ? 'F' : 'M',
      status: status === 'deceased' ? 'deceased' : 'alive',
      ...(dateOfDeath ? { dateOfDeath } : {}),
      residenceProvinceCode: residenceProvinceCode ?? '',
    };
    if (c.status === 'deceased') {
      lastDeceased = c;
      continue;
    }
    // Phone (optional) on one row in three: the local S3 (fauxqs) refuses a PUT body over 11 MiB, and
    // 100,000 rows with every phone filled in come to 11.1 MiB.
    const decisionDate = dmy(c.dateOfBirth > '2025-03-15' ? c.dateOfBirth : '2025-03-15');
    // A category that fits the age: the verify step checks it against the registry's date of birth.
    const fits = (p: Citizen) =>
      categoryForAge(p.dateOfBirth, p.dateOfBirth > '2025-03-15' ? p.dateOfBirth : '2025-03-15');
    const category = fits(c);
    const phone = i % 3 === 0 ? '0912345678' : '';
    let defect = DEFECTS[i % 100];
    let row: string[];
    switch (i % 100) {
      case 7:
        row = listRow(c, i, { decisionDate, phone, category: 'KHONG_CO' });
        break;
      case 19:
        row = listRow(c, i, {
          decisionDate,
          phone,
          category,
          personalId: c.personalId.startsWith('0') ? c.personalId.slice(1) : '123456789',
        });
        break;
      case 31: {
        const earlier = recent[(i * 7) % Math.max(1, recent.length)] ?? c;
        row = listRow(earlier, i, {
          phone,
          category: fits(earlier),
          decisionDate: dmy(earlier.dateOfBirth > '2025-03-15' ? earlier.dateOfBirth : '2025-03-15'),
        });
        break;
      }
      case 53:
        // Same province, century and year digits, a serial of its own (a real person may hold it, rarely).
        row = listRow(c, i, {
          decisionDate,
          phone,
          category,
          personalId: `${c.personalId.slice(0, 6)}9${String(Math.floor(i / 100) % 100_000).padStart(5, '0')}`,
        });
        break;
      case 89:
        // Each deceased person once (twice would be a duplicate in the file).
        row = lastDeceased
          ? listRow(lastDeceased, i, {
              phone,
              category: fits(lastDeceased),
              decisionDate: dmy(lastDeceased.dateOfBirth > '2025-03-15' ? lastDeceased.dateOfBirth : '2025-03-15'),
            })
          : listRow(c, i, { decisionDate, phone, category });
        if (!lastDeceased) defect = undefined;
        lastDeceased = undefined;
        break;
      default:
        row = listRow(c, i, { decisionDate, phone, category });
    }
    planned[defect ?? 'valid'] = (planned[defect ?? 'valid'] ?? 0) + 1;
    if (recent.length < 64) recent.push(c);
    else recent[i % 64] = c;
    buffer.push(row.map(cell).join(','));
    i++;
    if (buffer.length >= 2000) await flush();
  }
  if (i < rows) throw new Error(`population of ${population} gave only ${i} list rows; raise --population`);
  await flush();
  out.end();
  await once(out, 'close');
  return planned;
}

export async function run(args: string[]): Promise<void> {
  const rows = numberOption(args, 'rows', 100_000);
  const population = numberOption(args, 'population', Math.max(150_000, Math.ceil(rows * 1.5)));
  const seed = numberOption(args, 'seed', 20251);
  const rawSeconds = numberOption(args, 'raw-seconds', 20);
  const rawConcurrency = numberOption(args, 'raw-concurrency', 8);
  const parseAlone = !args.includes('--skip-parse-alone');

  const dir = mkdtempSync(join(tmpdir(), 'ansinh-bench-'));
  const memory = new MemorySampler(100);
  const started = performance.now();
  const log = (msg: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${msg}`);

  const listFile = join(dir, `danh-sach-${rows}.csv`);
  let t = performance.now();
  const planned = await writeList(listFile, rows, population, seed);
  const writeListMs = performance.now() - t;
  log(`list written: ${fmt(rows)} rows, ${mb(statSync(listFile).size)} MB (${Math.round(writeListMs)} ms)`);
  if (statSync(listFile).size > 11 * MB) {
    console.warn('warning: the list is over 11 MiB, more than the local S3 emulator (fauxqs) accepts in one PUT');
  }

  const dynamodbPort = await freePort();
  t = performance.now();
  const platform = await new LocalPlatform({
    prefix: `bench${uniquePrefix()}`,
    population: { generated: { count: population, seed } },
    ports: { dynamodb: dynamodbPort },
  }).start();
  const startMs = performance.now() - t;
  log(
    `platform started (in-memory DynamoDB Local on :${dynamodbPort}, ${fmt(population)} people) in ${Math.round(startMs)} ms`,
  );

  // Every invocation timed from start to end: the phases are the spans of their functions' invocations.
  const spans: Record<string, { first: number; last: number; count: number; busyMs: number }> = {};
  platform.invoker.observe(({ functionId, ms }) => {
    const t1 = performance.now();
    const t0 = t1 - ms;
    spans[functionId] ??= { first: t0, last: t1, count: 0, busyMs: 0 };
    const s = spans[functionId];
    s.first = Math.min(s.first, t0);
    s.last = Math.max(s.last, t1);
    s.count++;
    s.busyMs += ms;
  });

  // Every item the run writes, counted at the platform's one DynamoDB client (the handlers run in-process).
  const writeCounter = new WriteCounter().install();
  writeCounter.start();

  try {
    const officer = await platform.identityProvider.tokenFor(demoUser('labor_officer', '79'));
    const heapBeforeRun = memory.mark();
    const t0 = performance.now();
    const upload = await api(platform, 'POST', '/v1/beneficiary-lists/uploads', { token: officer });
    if (upload.status !== 201) throw new Error(`upload URL: ${upload.status} ${JSON.stringify(upload.body)}`);
    await putFile(upload.body.uploadUrl, listFile);
    const tPut = performance.now();
    const submitted = await api(platform, 'POST', '/v1/beneficiary-lists', {
      token: officer,
      body: { uploadId: upload.body.uploadId, fileName: `danh-sach-${rows}.csv` },
    });
    if (submitted.status !== 202) throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
    const tSubmit = performance.now();
    const listId: string = submitted.body.listId;
    log(`uploaded (${Math.round(tPut - t0)} ms) and submitted (${Math.round(tSubmit - tPut)} ms): ${listId}`);

    let list: any;
    let lastLog = 0;
    for (;;) {
      list = (await api(platform, 'GET', `/v1/beneficiary-lists/${listId}`, { token: officer })).body;
      if (list.status === 'COMPLETED' || list.status === 'FAILED') break;
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        const progress = PHASES.map((p) => `${p} ${spans[p]?.count ?? 0}`).join(', ');
        log(`${list.status}: ${progress} invocations done`);
      }
      if (performance.now() - t0 > 15 * 60_000) throw new Error('list not finished within 15 minutes');
      await new Promise((r) => setTimeout(r, 250));
    }
    const tDone = performance.now();
    // The phases are this run's; later invocations (parse alone) must not stretch them.
    const runSpans = structuredClone(spans);
    writeCounter.stop();
    const writes = {
      byTable: writeCounter.itemsByTable(),
      transactions: writeCounter.transactions,
      transactionItems: writeCounter.transactionItems,
      cancelledTransactions: writeCounter.cancelledTransactions,
    };
    if (list.status !== 'COMPLETED') throw new Error(`list ${list.status}: ${JSON.stringify(list.failure)}`);
    const heapDuringRun = memory.mark();
    log(`list ${list.status} in ${((tDone - t0) / 1000).toFixed(1)} s`);

    const wallS = (tDone - t0) / 1000;
    const pipelineS = (tDone - tSubmit) / 1000;
    const totals = list.totals as { rows: number; byOutcome: Record<string, number>; accountsOpened: number };
    const opened = totals.accountsOpened;
    const itemWrites = Object.values(writes.byTable).reduce((a, b) => a + b, 0);
    /** Table names without the run's prefix (`bench…-accounts` → `accounts`). */
    const tableName = (t: string) => Object.keys(platform.system.tables).find((id) => platform.name(id) === t) ?? t;
    const writesPerRow = Object.entries(writes.byTable)
      .map(([t, n]) => `${tableName(t)} ${fmt(n / totals.rows, 2)}`)
      .join(', ');
    const jvmAfterRun = jvmMemory(dynamodbPort);

    // Invariants: every row has one outcome, every accepted row (all new people: the store starts empty) one
    // account; the province holds as many accounts as were opened, and no line of the list is in two openings'
    // audit items (a person opened twice, or a row lost, breaks one of them). Read by key, never a whole-table
    // scan (a scan of 400,000 items took DynamoDB Local minutes).
    const ddb = new DynamoDBClient({ endpoint: platform.dynamodbEndpoint, region: process.env.AWS_REGION });
    const stored = await openedInStore(ddb, platform.name('accounts'), listId);
    const broken: string[] = [];
    const outcomes = Object.values(totals.byOutcome).reduce((a, b) => a + b, 0);
    if (totals.rows !== rows || outcomes !== rows)
      broken.push(`${rows} rows, ${totals.rows} read, ${outcomes} outcomes`);
    if (opened !== (totals.byOutcome.ACCEPTED ?? 0)) {
      broken.push(`${opened} accounts opened for ${totals.byOutcome.ACCEPTED ?? 0} rows accepted`);
    }
    if (stored.provinceAccounts !== opened) {
      broken.push(`${stored.provinceAccounts} accounts in province 79 for ${opened} opened`);
    }
    if (stored.auditedLines !== stored.distinctAuditedLines || stored.auditedLines > opened) {
      broken.push(
        `${stored.auditedLines} openings audited (${stored.distinctAuditedLines} lines) for ${opened} opened`,
      );
    }
    if (broken.length) throw new BrokenInvariant(broken.join('; '));

    // The emulator's own rate, same JVM, same process, after the run (nothing else writing).
    log(`raw BatchWriteItem: ${rawSeconds} s, ${rawConcurrency} in flight…`);
    const raw = await rawBatchWriteRate(ddb, {
      table: `${uniquePrefix()}raw-batch-write`,
      seconds: rawSeconds,
      concurrency: rawConcurrency,
      itemBytes: 400,
    });
    log(`raw TransactWriteItems: ${Math.ceil(rawSeconds / 2)} s, ${TX_ITEMS} items each, ${TX_IN_FLIGHT} in flight…`);
    const rawTx = await rawTransactWriteRate(ddb, {
      table: `${uniquePrefix()}raw-transact-write`,
      seconds: Math.ceil(rawSeconds / 2),
      concurrency: TX_IN_FLIGHT,
      itemBytes: 400,
      itemsPerTransaction: TX_ITEMS,
    });
    const bound = transactionBound({
      transactionItemsPerSecond: rawTx.itemsPerSecond,
      transactionItemsPerUnit: writes.transactionItems / totals.rows,
      rawItemsPerSecond: raw.itemsPerSecond,
    });
    // Every item openListAccounts writes is an item of the accounts table.
    const own = await ownTableBound(ddb, {
      scratch: `${uniquePrefix()}raw-transact-write-accounts`,
      seconds: Math.ceil(rawSeconds / 2),
      like: 'accounts',
      unit: 'rows',
      transactionItemsPerUnit: writes.transactionItems / totals.rows,
      rawItemsPerSecond: raw.itemsPerSecond,
    });
    ddb.destroy();

    // Memory flatness of the parse step: the same handler alone on 20% of the list and on the whole list.
    let flatness: { rows: number; peakMb: number; retainedMb: number; ms: number }[] = [];
    if (parseAlone) {
      const smallRows = Math.max(1000, Math.round(rows / 5));
      const smallFile = join(dir, `danh-sach-${smallRows}.csv`);
      await writeList(smallFile, smallRows, population, seed + 1);
      const smallUpload = await api(platform, 'POST', '/v1/beneficiary-lists/uploads', { token: officer });
      await putFile(smallUpload.body.uploadUrl, smallFile);
      flatness = [];
      for (const [n, key, size] of [
        [smallRows, `incoming/79/${smallUpload.body.uploadId}`, statSync(smallFile).size],
        [rows, `incoming/79/${upload.body.uploadId}`, statSync(listFile).size],
      ] as const) {
        log(`parse alone: ${fmt(n)} rows…`);
        flatness.push(await parseAloneHeap(platform, n, key, size));
      }
    }
    const jvmEnd = jvmMemory(dynamodbPort);
    memory.stop();

    // ---- report ----
    const phaseRows: [string, string][] = [
      ['upload (presigned PUT)', `${fmt((tPut - t0) / 1000, 2)} s`],
      ['submit (HEAD + SHA-256 of the object, start run)', `${fmt((tSubmit - tPut) / 1000, 2)} s`],
    ];
    const phaseSeconds: Record<string, number> = {};
    let previousEnd = tSubmit;
    for (const p of PHASES) {
      const s = runSpans[p];
      if (!s) continue;
      const span = (s.last - previousEnd) / 1000;
      phaseSeconds[p] = Math.round(span * 100) / 100;
      phaseRows.push([
        `${p} (${s.count} invocation${s.count === 1 ? '' : 's'})`,
        `${fmt(span, 2)} s  (first start → last end ${fmt((s.last - s.first) / 1000, 2)} s; busy ${fmt(s.busyMs / 1000, 1)} s)`,
      ]);
      previousEnd = s.last;
    }
    phaseRows.push(['status seen COMPLETED after summarise', `${fmt((tDone - previousEnd) / 1000, 2)} s`]);

    const ratio = totals.rows / wallS / raw.itemsPerSecond;
    const writeRatio = itemWrites / wallS / raw.itemsPerSecond;
    printTable(`Onboarding benchmark — ${fmt(rows)} rows, population ${fmt(population)} (seed ${seed})`, [
      ['rows in list', fmt(totals.rows)],
      [
        'planned rows',
        Object.entries(planned)
          .map(([k, v]) => `${k}: ${fmt(v)}`)
          .join('; '),
      ],
      [
        'outcomes',
        Object.entries(totals.byOutcome)
          .map(([k, v]) => `${k} ${fmt(v)}`)
          .join(', '),
      ],
      ['accounts opened', fmt(opened)],
      ['wall time (upload → COMPLETED)', `${fmt(wallS, 1)} s`],
      ['rows/s end to end', fmt(totals.rows / wallS, 0)],
      ['rows/s from submit', fmt(totals.rows / pipelineS, 0)],
      ['platform start (JVM, tables, registry load)', `${fmt(startMs / 1000, 1)} s`],
    ]);
    printTable('Phases (from invocation timestamps; each phase ends at its last invocation)', phaseRows);
    printTable('Memory', [
      ['peak RSS (this process)', `${mb(memory.peakRss)} MB`],
      [
        'peak heap used (this process)',
        `${mb(memory.peakHeap)} MB (before upload ${mb(heapBeforeRun)} MB, run ${mb(heapDuringRun)} MB)`,
      ],
      [
        'DynamoDB Local JVM RSS',
        jvmEnd
          ? `${mb(jvmAfterRun?.rss ?? 0)} MB after run, ${mb(jvmEnd.rss)} MB at end, peak ${mb(jvmEnd.peakRss)} MB (pid ${jvmEnd.pid})`
          : 'not found',
      ],
      ...flatness.map((f): [string, string] => [
        `parse alone, ${fmt(f.rows)} rows`,
        `heap+buffers peak +${f.peakMb} MB, retained +${f.retainedMb} MB, ${fmt(f.ms / 1000, 1)} s`,
      ]),
      ...(flatness.length === 2
        ? [
            [
              'parse heap growth per 100k rows',
              `${fmt(perHundredK(flatness, 'peakMb'), 1)} MB (peak), ${fmt(perHundredK(flatness, 'retainedMb'), 1)} MB (retained)`,
            ] as [string, string],
            [
              'note',
              'S3 (fauxqs) runs in this process: the chunk objects parse writes (~0.3 KB/row) stay in its memory',
            ] as [string, string],
          ]
        : []),
    ]);
    printTable('DynamoDB Local raw write rate (same JVM, same run)', [
      [
        'BatchWriteItem 25 × ~400 B',
        `${fmt(raw.items)} items in ${fmt(raw.seconds, 1)} s, ${rawConcurrency} in flight`,
      ],
      ['raw items/s', fmt(raw.itemsPerSecond)],
      ['onboarding rows/s ÷ raw items/s', fmt(ratio, 3)],
      [
        'items written per row (counted)',
        `${fmt(itemWrites / totals.rows, 2)} (${fmt(itemWrites)} items: ${writesPerRow}; ${fmt(writes.transactions)} transactions, ${fmt(writes.cancelledTransactions)} cancelled)`,
      ],
      [
        'items written per opened account (accounts table)',
        fmt((writes.byTable[platform.name('accounts')] ?? 0) / Math.max(1, opened), 2),
      ],
      [
        `TransactWriteItems ${TX_ITEMS} × ~400 B`,
        `${fmt(rawTx.transactions)} in ${fmt(rawTx.seconds, 1)} s, ${TX_IN_FLIGHT} in flight: ${fmt(rawTx.transactionsPerSecond)} tx/s = ${fmt(rawTx.itemsPerSecond)} items/s`,
      ],
      [
        'bound by the transactions alone',
        `${fmt(writes.transactionItems / totals.rows, 2)} transactional items a row → at most ${fmt(bound.unitsPerSecond)} rows/s, ratio ${fmt(bound.ratio, 3)}`,
      ],
      ...own.rows,
      ['accounts opened/s (openListAccounts phase)', fmt(opened / Math.max(0.001, phaseSeconds.openListAccounts ?? 0))],
      ['onboarding item writes/s ÷ raw items/s', `${fmt(writeRatio, 3)} (every item written, as counted above)`],
    ]);
    console.log(
      JSON.stringify({
        benchmark: 'onboarding',
        rows: totals.rows,
        population,
        seed,
        byOutcome: totals.byOutcome,
        accountsOpened: opened,
        wallSeconds: Math.round(wallS * 100) / 100,
        rowsPerSecond: Math.round(totals.rows / wallS),
        phaseSeconds: {
          upload: Math.round(tPut - t0) / 1000,
          submit: Math.round(tSubmit - tPut) / 1000,
          ...phaseSeconds,
        },
        peakRssMb: mb(memory.peakRss),
        peakHeapMb: mb(memory.peakHeap),
        jvmRssMb: jvmEnd ? mb(jvmEnd.rss) : null,
        jvmPeakRssMb: jvmEnd ? mb(jvmEnd.peakRss) : null,
        rawItemsPerSecond: Math.round(raw.itemsPerSecond),
        rawConcurrency,
        rawTransactionsPerSecond: Math.round(rawTx.transactionsPerSecond),
        rawTransactionConcurrency: TX_IN_FLIGHT,
        rawTransactionItems: TX_ITEMS,
        transactionItemsPerRow: writes.transactionItems / totals.rows,
        transactionBoundRatio: Math.round(bound.ratio * 1000) / 1000,
        ownTableTransactionItemsPerSecond: Math.round(own.itemsPerSecond),
        ownTableBoundRatio: Math.round(own.ratio * 1000) / 1000,
        accountsOpenedPerSecond: Math.round(opened / Math.max(0.001, phaseSeconds.openListAccounts ?? 0)),
        rowsPerRawItemRatio: Math.round(ratio * 1000) / 1000,
        itemsWrittenPerRow: Math.round((itemWrites / totals.rows) * 100) / 100,
        itemsWrittenByTable: Object.fromEntries(Object.entries(writes.byTable).map(([t, n]) => [tableName(t), n])),
        transactions: writes.transactions,
        cancelledTransactions: writes.cancelledTransactions,
        itemWritesPerRawItemRatio: Math.round(writeRatio * 1000) / 1000,
        parseHeap: flatness,
        parseHeapMbPer100kRows: flatness.length === 2 ? Math.round(perHundredK(flatness, 'peakMb') * 10) / 10 : null,
        parseRetainedMbPer100kRows:
          flatness.length === 2 ? Math.round(perHundredK(flatness, 'retainedMb') * 10) / 10 : null,
      }),
    );
  } finally {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The accounts of province 79 (the byJurisdiction index, counted), and the lines of the list the audit items of
 * its transactions name (one partition, OPENED#<listId>).
 */
async function openedInStore(ddb: DynamoDBClient, table: string, listId: string) {
  let provinceAccounts = 0;
  let key: QueryCommandOutput['LastEvaluatedKey'];
  // The province's spread keys and the one of accounts opened before them (account-store.ts provinceKeys).
  for (const j of ['J#79', ...Array.from({ length: JURISDICTION_SPREAD }, (_, slot) => `J#79#${slot}`)]) {
    do {
      const out: QueryCommandOutput = await ddb.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'byJurisdiction',
          KeyConditionExpression: 'jurisdictionKey = :j',
          ExpressionAttributeValues: { ':j': { S: j } },
          Select: 'COUNT',
          ExclusiveStartKey: key,
        }),
      );
      provinceAccounts += out.Count ?? 0;
      key = out.LastEvaluatedKey;
    } while (key);
  }
  const lines: number[] = [];
  do {
    const out: QueryCommandOutput = await ddb.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: `OPENED#${listId}` } },
        ExclusiveStartKey: key,
      }),
    );
    for (const item of out.Items ?? []) {
      for (const a of item.accounts?.L ?? []) lines.push(Number(a.M?.line?.N));
    }
    key = out.LastEvaluatedKey;
  } while (key);
  return { provinceAccounts, auditedLines: lines.length, distinctAuditedLines: new Set(lines).size };
}

function perHundredK(f: { rows: number; peakMb: number; retainedMb: number }[], k: 'peakMb' | 'retainedMb'): number {
  const [a, b] = f as [(typeof f)[0], (typeof f)[0]];
  return ((b[k] - a[k]) / (b.rows - a.rows)) * 100_000;
}

/**
 * Runs the parseList handler by itself on an uploaded object (a list record of its own, closed afterwards so
 * the redrive sweep never starts it), sampling heap used + array buffers every 10 ms.
 */
async function parseAloneHeap(
  platform: LocalPlatform,
  rows: number,
  objectKey: string,
  sizeBytes: number,
): Promise<{ rows: number; peakMb: number; retainedMb: number; ms: number }> {
  const { createList } = await import('../../functions/beneficiary-lists/list-store.js');
  const { closeJob } = await import('../../functions/jobs/job-store.js');
  const { contentId } = await import('../../functions/shared/ids.js');
  const listId = contentId('bl', ['bench-parse-alone', rows, Date.now()]);
  await createList({
    jobId: listId,
    programme: 'TCXH_HANG_THANG',
    jurisdiction: '79',
    uploadedBy: 'bench',
    fileName: 'parse-alone.csv',
    objectKey,
    contentSha256: listId,
    sizeBytes,
  });
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  gc();
  const base = used();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, used());
  }, 10);
  const t0 = performance.now();
  const out = (await platform.invoker.invoke('parseList', { listId })) as { rows: number };
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, used());
  gc();
  const retained = used() - base;
  await closeJob(listId, 'COMPLETED', {});
  if (out.rows !== rows) throw new Error(`parse alone read ${out.rows} rows, expected ${rows}`);
  return { rows, peakMb: mb(peak - base), retainedMb: mb(retained), ms };
}
