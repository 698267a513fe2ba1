/**
 * The reconciliation table. Every write is keyed by something deterministic, so running an import again
 * writes the same items and changes nothing.
 *
 * Items (pk / sk):
 *   IMPORT#<importId>   / LINE#<stmt>#<entry>#<tx> → one finding per statement line (outcome, VND, payment);
 *                                                  `importOutcome` feeds the byOutcome index (lists per outcome)
 *   IMPORT#<importId>   / CHANGE#<stmt>#<entry>#<tx> → a ledger change the line proposes, applied only once a
 *                                                  second finance officer confirms the import's set (proposal.ts)
 *   BOOK#<paymentId>    / MARK                     → the line that booked the payment's debit (first one wins)
 *   RETURN#<paymentId>  / MARK                     → the line that booked its return
 *   BOOKED#<cycleId>#<0..31> / <commune>#<category> → count and VND of the cycle's booked payments of that
 *                                                  commune and category, per booking outcome and creation day
 *                                                  (`n_<outcome>_<yyyymmdd>`, `v_…`), moved in the transaction
 *                                                  that writes their BOOK marks (so exactly once per mark);
 *                                                  earlier drafts: BOOKED#<cycleId>#<commune>#<0..15> / <category>
 *   ACCOUNT#<account>   / STMT#<statementId>       → a statement loaded for a bank account (duplicates)
 *   ACCOUNT#<account>   / SEQ#<chain>#<sequence>   → the same, by sequence number within its chain (message type
 *                                                  and numbering, continuity.ts statementChain)
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { batchRecords, latestPaymentIdsTo, type PaymentHead, paymentHeads } from '../payment-ledger/ledger-store.js';
import { dynamo } from '../shared/aws-clients.js';
import { itemsOfCycleTotals, shardOfPayment, totalsCellId, totalsCellSortKey } from '../shared/cycle-totals-keys.js';
import { batchGetFrom, batchPutItems } from '../shared/dynamo-batch.js';
import type { CursorQuery } from '../shared/page-cursor.js';
import { resources } from '../shared/resources.js';
import { vietnamDate } from './banking-days.js';
import type { LoadedStatement } from './continuity.js';
import type { Booking, Effect, Finding, LedgerPayment, OurBatch } from './match.js';
import type { Outcome } from './outcomes.js';
import type { ProposedChange } from './proposal.js';
import { UNKNOWN_CATEGORY } from './report.js';

const table = () => resources.table('reconciliation');

export const lineKey = (f: Pick<Finding, 'statement' | 'entry' | 'tx'>) =>
  `LINE#${String(f.statement).padStart(3, '0')}#${String(f.entry).padStart(8, '0')}#${String(f.tx).padStart(5, '0')}`;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// Eventually consistent, as these reads always were (the findings are confirmed by a person before they apply).
const batchGet = (requests: Record<string, Record<string, unknown>[]>) =>
  batchGetFrom(requests, { consistentRead: false });

/** Items put 25 a BatchWrite, the BatchWrites in parallel. */
async function batchPut(items: Record<string, unknown>[]): Promise<void> {
  await Promise.all(chunks(items, 25).map((part) => batchPutItems(table(), part)));
}

const toLedgerPayment = (h: PaymentHead): LedgerPayment => ({
  paymentId: h.paymentId,
  cycleId: h.cycleId,
  amount: h.amount,
  state: h.state,
  bankBin: h.bankBin,
  creditorAccount: h.creditorAccount,
  createdAt: h.createdAt,
  communeCode: h.communeCode,
  ...(h.categoryCode ? { categoryCode: h.categoryCode } : {}),
});

/** Payments (HEAD, from the ledger) by payment id, 100 at a time. */
export async function ledgerPayments(ids: string[]): Promise<Map<string, LedgerPayment>> {
  const out = new Map<string, LedgerPayment>();
  await Promise.all(
    chunks(ids, 100).map(async (part) => {
      for (const head of await paymentHeads(part)) out.set(head.paymentId, toLedgerPayment(head));
    }),
  );
  return out;
}

/**
 * Payments (HEAD, from the ledger) and their debit bookings by payment id, 33 at a time, and the returns of
 * those in `returnsOf`: only a credit line can be a return, so a statement of debits reads no RETURN marks.
 */
export async function paymentsAndBookings(ids: string[], returnsOf: ReadonlySet<string> = new Set()) {
  const payments_ = new Map<string, LedgerPayment>();
  const bookings = new Map<string, Booking>();
  const returns = new Map<string, Booking>();
  await Promise.all(
    chunks(ids, 33).map(async (part) => {
      const [heads, items] = await Promise.all([
        paymentHeads(part),
        batchGet({
          [table()]: part.flatMap((id) => [
            { pk: `BOOK#${id}`, sk: 'MARK' },
            ...(returnsOf.has(id) ? [{ pk: `RETURN#${id}`, sk: 'MARK' }] : []),
          ]),
        }),
      ]);
      for (const head of heads) payments_.set(head.paymentId, toLedgerPayment(head));
      for (const item of items) {
        (String(item.pk).startsWith('RETURN#') ? returns : bookings).set(
          item.paymentId as string,
          item as unknown as Booking,
        );
      }
    }),
  );
  return { payments: payments_, bookings, returns };
}

/** Our pain.001 blocks by MsgId (the dispatch worker's BATCH#<msgId> records). */
export async function ourBatches(msgIds: string[]): Promise<Map<string, OurBatch>> {
  const out = new Map<string, OurBatch>();
  for (const part of chunks(msgIds, 100)) {
    for (const item of await batchRecords(part))
      out.set(item.msgId, { msgId: item.msgId, paymentIds: item.paymentIds });
  }
  return out;
}

/**
 * Fallback candidates: the latest payments to a creditor account (the payments table's byCreditor index,
 * keys only so payment updates never touch it), then their HEADs.
 */
export async function candidatesByAccount(accounts: string[]): Promise<Map<string, LedgerPayment[]>> {
  const out = new Map<string, LedgerPayment[]>();
  await Promise.all(
    accounts.map(async (account) => {
      const heads = await paymentHeads(await latestPaymentIdsTo(account, 24));
      if (heads.length) out.set(account, heads.map(toLedgerPayment));
    }),
  );
  return out;
}

/** Debit bookings of many payments (for the cycle report). */
export async function bookingsOf(ids: string[]): Promise<Map<string, Booking>> {
  const out = new Map<string, Booking>();
  await Promise.all(
    chunks(ids, 100).map(async (part) => {
      for (const item of await batchGet({ [table()]: part.map((id) => ({ pk: `BOOK#${id}`, sk: 'MARK' })) })) {
        out.set(item.paymentId as string, item as unknown as Booking);
      }
    }),
  );
  return out;
}

/**
 * Shards of a cycle's booked totals: the reconcile workers book a province's statement in parallel batches, and
 * two transactions on one item at once cancel one of them (retried), so a cycle's bookings are spread over 32
 * partitions by the payment id, as the ledger's totals are (shared/cycle-totals-keys.ts).
 */
export const BOOKED_SHARDS = 32;

/** The booked-totals item a payment's booking counts in: its cycle, commune and category, one shard by its id. */
export function bookedKeyOf(p: Pick<LedgerPayment, 'paymentId' | 'cycleId' | 'communeCode' | 'categoryCode'>) {
  return {
    pk: `BOOKED#${p.cycleId}#${shardOfPayment(p.paymentId, BOOKED_SHARDS)}`,
    sk: totalsCellSortKey(p.communeCode || UNKNOWN_CATEGORY, p.categoryCode || UNKNOWN_CATEGORY),
  };
}

/** A transaction holds at most 100 items: the marks of a group and the booked-totals items they move. */
const TRANSACTION_ITEMS = 100;

/** The booked-totals cell a payment counts in, whichever shard a write takes it to. */
const bookedCellOf = (p: Pick<LedgerPayment, 'cycleId' | 'communeCode' | 'categoryCode'>) =>
  totalsCellId(p.cycleId, p.communeCode || UNKNOWN_CATEGORY, p.categoryCode || UNKNOWN_CATEGORY);

/**
 * The marks of one transaction, and the ADDs to the booked totals their BOOK marks make: a booked payment's
 * VND (the payment's, as the cycle report sums payments) on its booking outcome and creation day. One Update per
 * cell (cycle × commune × category), the marks counting in it summed, written to the shard of the first of them:
 * readers sum a cell's shards.
 */
function bookedUpdates(marks: Effect[], payments: ReadonlyMap<string, LedgerPayment>) {
  const cells = new Map<string, { key: { pk: string; sk: string }; cycleId: string; add: Map<string, number> }>();
  for (const e of marks) {
    if (e.kind !== 'BOOK') continue;
    const p = payments.get(e.paymentId) as LedgerPayment; // present: recordEffects checked
    const id = bookedCellOf(p);
    const cell = cells.get(id) ?? { key: bookedKeyOf(p), cycleId: p.cycleId, add: new Map<string, number>() };
    const suffix = `${e.booking.outcome}_${vietnamDate(p.createdAt).replaceAll('-', '')}`;
    cell.add.set(`n_${suffix}`, (cell.add.get(`n_${suffix}`) ?? 0) + 1);
    cell.add.set(`v_${suffix}`, (cell.add.get(`v_${suffix}`) ?? 0) + p.amount);
    cells.set(id, cell);
  }
  return [...cells.values()].map(({ key, cycleId, add }) => {
    const names: Record<string, string> = { '#cy': 'cycleId' };
    const values: Record<string, unknown> = { ':cy': cycleId };
    const adds = [...add.entries()].map(([name, n], i) => {
      names[`#a${i}`] = name;
      values[`:a${i}`] = n;
      return `#a${i} :a${i}`;
    });
    return {
      Update: {
        TableName: table(),
        Key: key,
        UpdateExpression: `SET #cy = :cy ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  });
}

/**
 * Marks in groups whose transaction (marks + the booked-totals items they move) stays within 100 items. The
 * marks of one cell go together, so each cell is moved by as few transactions as can hold its marks: a batch
 * of 100 lines over 50 cells takes 150 items, not 200 with every cell in both halves.
 */
function transactionGroups(marks: Effect[], payments: ReadonlyMap<string, LedgerPayment>): Effect[][] {
  const byCell = marks
    .map((e) => {
      const p = e.kind === 'BOOK' ? payments.get(e.paymentId) : undefined;
      return { e, cell: p ? bookedCellOf(p) : '' }; // '': a mark that moves no cell (a return)
    })
    .sort((a, b) => (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0));
  const groups: Effect[][] = [];
  let group: Effect[] = [];
  let cells = new Set<string>();
  for (const { e, cell } of byCell) {
    const more = cell && !cells.has(cell) ? 1 : 0;
    if (group.length && group.length + 1 + cells.size + more > TRANSACTION_ITEMS) {
      groups.push(group);
      group = [];
      cells = new Set();
    }
    group.push(e);
    if (cell) cells.add(cell);
  }
  if (group.length) groups.push(group);
  return groups;
}

/**
 * Records the bookings and returns of a batch of lines, each only if no mark exists for its payment, and counts
 * each BOOK mark in the booked totals in the same transaction (`payments`: the booked payments, for where they
 * count). A mark that exists already is read back: the same line's (a redelivered batch, or a crash after the
 * commit) is done and counted, never again; another line's means this one lost (a duplicate). Returns the
 * effects that lost to another line.
 */
export async function recordEffects(
  importId: string,
  effects: Effect[],
  payments: ReadonlyMap<string, LedgerPayment> = new Map(),
): Promise<Set<Effect>> {
  // Checked before any write: a booking that could not be counted would make the booked totals wrong for good.
  for (const e of effects) {
    if (e.kind === 'BOOK' && !payments.has(e.paymentId)) {
      throw new Error(`booking of ${e.paymentId} without its payment: it could not be counted`);
    }
  }
  const lost = new Set<Effect>();
  const put = (e: Effect) => ({
    Put: {
      TableName: table(),
      Item: { pk: `${e.kind}#${e.paymentId}`, sk: 'MARK', importId, ...e.booking },
      // Never a re-put: a mark is counted only when it is created.
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });
  // One mark per payment and kind in a transaction (DynamoDB refuses two operations on one item).
  const unique = new Map(effects.map((e) => [`${e.kind}#${e.paymentId}`, e]));
  for (const e of effects) if (unique.get(`${e.kind}#${e.paymentId}`) !== e) lost.add(e);
  await Promise.all(
    transactionGroups([...unique.values()], payments).map(async (part) => {
      let batch = part;
      while (batch.length) {
        try {
          await dynamo().send(
            new TransactWriteCommand({ TransactItems: [...batch.map(put), ...bookedUpdates(batch, payments)] }),
          );
          return;
        } catch (err) {
          if (!(err instanceof TransactionCanceledException)) throw err;
          const reasons = err.CancellationReasons ?? [];
          const failed = batch.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed');
          // A mark already there: this very line's (done, counted when it was written) or another's (lost).
          await Promise.all(
            failed.map(async (e) => {
              if ((await markOf(e.kind, e.paymentId))?.position !== e.booking.position) lost.add(e);
            }),
          );
          // Anything else (a conflict with a concurrent transaction) is retried as it is.
          batch = batch.filter((e) => !failed.includes(e));
          if (!failed.length) await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
        }
      }
    }),
  );
  return lost;
}

/** Count and VND of a cycle's booked payments per commune × category × booking outcome × creation day. */
export interface BookedTotalsCell {
  communeCode: string;
  categoryCode: string;
  outcome: Booking['outcome'];
  /** yyyy-mm-dd */
  day: string;
  count: number;
  amount: number;
}

const BOOKED_ATTRIBUTE = /^n_([A-Z_]+)_(\d{4})(\d{2})(\d{2})$/;

/**
 * The booked totals of a cycle (shards summed), read consistently: its 32 partitions, and per commune too for a
 * draft computed before (`legacyCommunes`: cycle-store.ts `legacyTotalsCommunes`).
 */
export async function bookedTotals(cycleId: string, legacyCommunes: readonly string[]): Promise<BookedTotalsCell[]> {
  const cells = new Map<string, BookedTotalsCell>();
  const where = { table: table(), partitionKey: 'pk', prefix: 'BOOKED', shards: BOOKED_SHARDS };
  await itemsOfCycleTotals(where, cycleId, legacyCommunes, ({ communeCode, categoryCode }, item) => {
    for (const [name, value] of Object.entries(item)) {
      const m = BOOKED_ATTRIBUTE.exec(name);
      if (!m) continue;
      const outcome = m[1] as Booking['outcome'];
      const day = `${m[2]}-${m[3]}-${m[4]}`;
      const id = `${communeCode}|${categoryCode}|${outcome}|${day}`;
      const cell = cells.get(id) ?? { communeCode, categoryCode, outcome, day, count: 0, amount: 0 };
      cell.count += value as number;
      cell.amount += (item[`v${name.slice(1)}`] as number | undefined) ?? 0;
      cells.set(id, cell);
    }
  });
  return [...cells.values()].filter((c) => c.count !== 0 || c.amount !== 0);
}

/** The findings of a batch of lines (idempotent: the same line always has the same key). */
export async function saveFindings(importId: string, findings: Finding[]): Promise<void> {
  await batchPut(
    findings.map((f) => ({
      pk: `IMPORT#${importId}`,
      sk: lineKey(f),
      importOutcome: `${importId}#${f.outcome}`,
      ...stripUndefined(f),
    })),
  );
}

function stripUndefined(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** One page of an import's findings: all of them, or those of one outcome (the byOutcome index). */
export async function findingsPage(
  importId: string,
  opts: { outcome?: Outcome; startKey?: Record<string, unknown>; limit?: number } = {},
) {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: table(),
      ...(opts.outcome
        ? {
            IndexName: 'byOutcome',
            KeyConditionExpression: 'importOutcome = :k',
            ExpressionAttributeValues: { ':k': `${importId}#${opts.outcome}` },
          }
        : {
            KeyConditionExpression: 'pk = :k AND begins_with(sk, :l)',
            ExpressionAttributeValues: { ':k': `IMPORT#${importId}`, ':l': 'LINE#' },
          }),
      ExclusiveStartKey: opts.startKey,
      Limit: opts.limit,
    }),
  );
  return { items: (out.Items ?? []) as (Finding & { sk: string })[], next: out.LastEvaluatedKey };
}

/** What a page cursor over an import's findings (of one outcome) may carry, and nothing else. */
export function findingsCursorQuery(importId: string, outcome: Outcome | undefined): CursorQuery {
  return {
    binding: `statement-lines|${importId}|${outcome ?? ''}`,
    keys: outcome ? ['pk', 'sk', 'importOutcome'] : ['pk', 'sk'],
    fixed: {
      pk: `IMPORT#${importId}`,
      ...(outcome ? { importOutcome: `${importId}#${outcome}` } : {}),
    },
    prefixes: { sk: 'LINE#' },
  };
}

/** Every finding of an import, page by page (exports). */
export async function* allFindings(importId: string): AsyncGenerator<Finding> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await findingsPage(importId, { startKey });
    yield* page.items;
    startKey = page.next;
  } while (startKey);
}

export async function statementById(account: string, statementId: string): Promise<LoadedStatement | undefined> {
  const out = await dynamo().send(
    new GetCommand({
      TableName: table(),
      Key: { pk: `ACCOUNT#${account}`, sk: `STMT#${statementId}` },
      ConsistentRead: true,
    }),
  );
  return out.Item as LoadedStatement | undefined;
}

const seqKey = (chain: string, n: number) => `SEQ#${chain}#${String(n).padStart(12, '0')}`;

/** The latest statement of the account's chain before this sequence number (or the latest at all). */
export async function previousStatement(
  account: string,
  chain: string,
  sequence?: number,
): Promise<LoadedStatement | undefined> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression:
        sequence === undefined ? 'pk = :p AND begins_with(sk, :s)' : 'pk = :p AND sk BETWEEN :s AND :before',
      ExpressionAttributeValues: {
        ':p': `ACCOUNT#${account}`,
        ':s': `SEQ#${chain}#`,
        ...(sequence === undefined ? {} : { ':before': seqKey(chain, sequence - 1) }),
      },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  return out.Items?.[0] as LoadedStatement | undefined;
}

/** Records a statement as loaded (after its lines), by id and by sequence; the first import keeps it. */
export async function recordStatement(s: LoadedStatement): Promise<void> {
  const item = { ...stripUndefined(s) };
  const seq = s.sequence !== undefined && s.chain !== undefined ? [seqKey(s.chain, s.sequence)] : [];
  for (const sk of [`STMT#${s.statementId}`, ...seq]) {
    await dynamo()
      .send(
        new PutCommand({
          TableName: table(),
          Item: { pk: `ACCOUNT#${s.account}`, sk, ...item },
          ConditionExpression: 'attribute_not_exists(pk) OR importId = :i',
          ExpressionAttributeValues: { ':i': s.importId },
        }),
      )
      .catch((err: Error) => {
        if (err.name !== 'ConditionalCheckFailedException') throw err;
      });
  }
}

/** The ledger changes some lines propose (idempotent: one item per line). */
export async function saveProposedChanges(importId: string, changes: ProposedChange[]): Promise<void> {
  await batchPut(
    changes.map((c) => ({
      pk: `IMPORT#${importId}`,
      sk: `CHANGE#${c.line.replace(/^LINE#/, '')}`,
      ...stripUndefined(c),
    })),
  );
}

/** Every change an import proposes, in line order (the order its hash is taken in). */
export async function* proposedChanges(importId: string): AsyncGenerator<ProposedChange> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :k AND begins_with(sk, :c)',
        ExpressionAttributeValues: { ':k': `IMPORT#${importId}`, ':c': 'CHANGE#' },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of out.Items ?? []) {
      const { pk: _pk, sk: _sk, ...change } = item;
      yield change as ProposedChange;
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}

/** The returns already recorded for some payments (a line of an earlier, confirmed import). */
export async function returnMarks(ids: string[]): Promise<Map<string, Booking>> {
  const out = new Map<string, Booking>();
  await Promise.all(
    chunks([...new Set(ids)], 100).map(async (part) => {
      for (const item of await batchGet({ [table()]: part.map((id) => ({ pk: `RETURN#${id}`, sk: 'MARK' })) })) {
        out.set(item.paymentId as string, item as unknown as Booking);
      }
    }),
  );
  return out;
}

/** The line that booked a payment's debit (`BOOK`) or its return (`RETURN`), if any (read consistently). */
export async function markOf(kind: 'BOOK' | 'RETURN', paymentId: string): Promise<Booking | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: table(), Key: { pk: `${kind}#${paymentId}`, sk: 'MARK' }, ConsistentRead: true }),
  );
  return out.Item as Booking | undefined;
}
