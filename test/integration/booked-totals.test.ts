/**
 * The booked totals (count and VND of a cycle's booked payments per commune × category × booking outcome ×
 * creation day), moved in the transaction that writes each BOOK mark, against the faults that could count a
 * booking twice or not at all: a redelivered batch, a crash after the commit (the answer lost, the batch run
 * again), two lines racing to book one payment, many batches on the same commune at once, a batch larger than
 * one transaction. After each, the totals equal a recount of the marks.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Effect, LedgerPayment } from '../../functions/reconciliation/match.js';
import {
  type BookedTotalsCell,
  bookedTotals,
  markOf,
  recordEffects,
} from '../../functions/reconciliation/reconciliation-store.js';
import { dynamo } from '../../functions/shared/aws-clients.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { startTestPlatform } from '../support/platform.js';

let platform: LocalPlatform;
/** The next command of this name has its answer lost after DynamoDB applied it (a Lambda dying mid-response). */
let loseAnswerOf: string | undefined;
let answersLost = 0;
/** While set, the item count of every TransactWriteItems sent. */
let transactionSizes: number[] | undefined;

beforeAll(async () => {
  platform = await startTestPlatform();
  dynamo().middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const items = (args.input as { TransactItems?: unknown[] }).TransactItems;
      if (transactionSizes && String(context.commandName).startsWith('TransactWrite')) {
        transactionSizes.push(items?.length ?? 0);
      }
      if (loseAnswerOf && String(context.commandName).startsWith(loseAnswerOf)) {
        loseAnswerOf = undefined;
        answersLost++;
        throw new Error('injected: the write landed, its answer was lost');
      }
      return result;
    },
    { step: 'initialize', name: 'loseAnswerBooked', priority: 'high' },
  );
}, 90_000);

afterEach(() => {
  loseAnswerOf = undefined;
  transactionSizes = undefined;
});

afterAll(async () => {
  await platform?.stop();
});

const COMMUNES = ['26734', '26737', '26740'];

function cycleOf(n: number, over: Partial<LedgerPayment> = {}) {
  const cycleId = `dc-b-${randomUUID().slice(0, 8)}`;
  const payments = new Map<string, LedgerPayment>();
  for (let i = 0; i < n; i++) {
    const p: LedgerPayment = {
      paymentId: `PB${cycleId.slice(-8)}${String(i).padStart(6, '0')}`,
      cycleId,
      amount: 400_000 + i,
      state: 'SETTLED',
      createdAt: '2026-03-02T01:00:00.000Z',
      communeCode: COMMUNES[i % COMMUNES.length] as string,
      categoryCode: i % 2 ? 'KT_NANG' : 'NCT_80',
      ...over,
    };
    payments.set(p.paymentId, p);
  }
  return { cycleId, payments };
}

const booking = (p: LedgerPayment, position: string, outcome: 'MATCHED' | 'AMOUNT_MISMATCH' = 'MATCHED'): Effect => ({
  kind: 'BOOK',
  paymentId: p.paymentId,
  booking: { paymentId: p.paymentId, position, outcome, amount: p.amount, bookingDate: '2026-03-03' },
});

/** Count and VND per booking outcome, summed over communes, categories and days. */
const byOutcome = (cells: BookedTotalsCell[]) => {
  const out: Record<string, { count: number; amount: number }> = {};
  for (const c of cells) {
    const t = out[c.outcome] ?? { count: 0, amount: 0 };
    out[c.outcome] = { count: t.count + c.count, amount: t.amount + c.amount };
  }
  return out;
};

/** The same figures recounted from the BOOK marks themselves. */
async function recount(payments: Map<string, LedgerPayment>) {
  const out: Record<string, { count: number; amount: number }> = {};
  for (const p of payments.values()) {
    const mark = await markOf('BOOK', p.paymentId);
    if (!mark) continue;
    const t = out[mark.outcome] ?? { count: 0, amount: 0 };
    out[mark.outcome] = { count: t.count + 1, amount: t.amount + p.amount };
  }
  return out;
}

const sum = (payments: Iterable<LedgerPayment>) => [...payments].reduce((s, p) => s + p.amount, 0);

describe('booked totals', () => {
  it('a redelivered batch counts nothing again and loses nothing', async () => {
    const { cycleId, payments } = cycleOf(12);
    const effects = [...payments.values()].map((p, i) => booking(p, `st-1#001#${i}`));
    expect((await recordEffects('st-1', effects, payments)).size).toBe(0);
    expect((await recordEffects('st-1', effects, payments)).size).toBe(0);
    const cells = await bookedTotals(cycleId, COMMUNES);
    expect(byOutcome(cells)).toEqual({ MATCHED: { count: 12, amount: sum(payments.values()) } });
    expect(byOutcome(cells)).toEqual(await recount(payments));
    // Counted where the cycle report looks: commune × category × the payments' creation day (Vietnam).
    expect(new Set(cells.map((c) => c.day))).toEqual(new Set(['2026-03-02']));
    expect(cells.filter((c) => c.communeCode === '26734' && c.categoryCode === 'NCT_80')[0]?.count).toBe(2);
  });

  it('a crash after the commit (answer lost), then the batch again: counted once, nothing lost', async () => {
    const { cycleId, payments } = cycleOf(9);
    const effects = [...payments.values()].map((p, i) =>
      booking(p, `st-2#001#${i}`, i % 3 ? 'MATCHED' : 'AMOUNT_MISMATCH'),
    );
    const before = answersLost;
    loseAnswerOf = 'TransactWriteItems';
    await expect(recordEffects('st-2', effects, payments)).rejects.toThrow(/injected/);
    expect(answersLost).toBe(before + 1);
    expect((await recordEffects('st-2', effects, payments)).size).toBe(0);
    const totals = byOutcome(await bookedTotals(cycleId, COMMUNES));
    expect(totals.MATCHED?.count).toBe(6);
    expect(totals.AMOUNT_MISMATCH?.count).toBe(3);
    expect(totals).toEqual(await recount(payments));
  });

  it('two lines racing to book one payment: one wins and is counted, the other is a duplicate', async () => {
    const { cycleId, payments } = cycleOf(1);
    const p = [...payments.values()][0] as LedgerPayment;
    const a = booking(p, 'st-3a#001#1');
    const b = booking(p, 'st-3b#001#1', 'AMOUNT_MISMATCH');
    const [lostA, lostB] = await Promise.all([
      recordEffects('st-3a', [a], payments),
      recordEffects('st-3b', [b], payments),
    ]);
    expect(lostA.size + lostB.size).toBe(1);
    const winner = lostA.size ? b : a;
    expect((await markOf('BOOK', p.paymentId))?.position).toBe(winner.booking.position);
    expect(byOutcome(await bookedTotals(cycleId, COMMUNES))).toEqual({
      [winner.booking.outcome]: { count: 1, amount: p.amount },
    });
    // The loser sent again is still lost; the winner again is still done.
    expect((await recordEffects('x', [lostA.size ? a : b], payments)).size).toBe(1);
    expect((await recordEffects('x', [winner], payments)).size).toBe(0);
    expect(byOutcome(await bookedTotals(cycleId, COMMUNES))).toEqual(await recount(payments));
  });

  it('a batch larger than one transaction and batches racing on the same communes all count exactly once', async () => {
    const { cycleId, payments } = cycleOf(300);
    const all = [...payments.values()];
    // Four workers at once, each with 75 bookings over the same communes and categories (same totals items).
    const parts = [0, 1, 2, 3].map((w) => all.filter((_, i) => i % 4 === w));
    const lost = await Promise.all(
      parts.map((part, w) =>
        recordEffects(
          `st-4${w}`,
          part.map((p, i) => booking(p, `st-4${w}#001#${i}`)),
          payments,
        ),
      ),
    );
    expect(lost.reduce((s, l) => s + l.size, 0)).toBe(0);
    // And one batch of 300 again (more than 100 items: several transactions), every mark already there.
    expect(
      (
        await recordEffects(
          'st-4x',
          all.map((p) => booking(p, 'elsewhere')),
          payments,
        )
      ).size,
    ).toBe(300);
    expect(byOutcome(await bookedTotals(cycleId, COMMUNES))).toEqual({ MATCHED: { count: 300, amount: sum(all) } });
  }, 60_000);

  it('a batch over many cells moves each cell in as few transactions as hold its marks', async () => {
    // 100 bookings over 50 cells (25 communes × 2 categories), two a cell, interleaved as a statement lists them.
    const { cycleId, payments } = cycleOf(100);
    const all = [...payments.values()].map((p, i) => ({ ...p, communeCode: String(26700 + (i % 25)) }));
    for (const p of all) payments.set(p.paymentId, p);
    transactionSizes = [];
    const lost = await recordEffects(
      'st-6',
      all.map((p, i) => booking(p, `st-6#001#${i}`)),
      payments,
    );
    const sizes = transactionSizes;
    transactionSizes = undefined;
    expect(lost.size).toBe(0);
    // 100 marks + 50 cells: two transactions of at most 100 items (200 if every cell were in both).
    expect(sizes.length).toBe(2);
    expect(sizes.every((n) => n <= 100)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(150);
    expect(byOutcome(await bookedTotals(cycleId, []))).toEqual({ MATCHED: { count: 100, amount: sum(all) } });
    expect(byOutcome(await bookedTotals(cycleId, []))).toEqual(await recount(payments));
  });

  it('a booking of a payment it was not given is refused before anything is written', async () => {
    const { cycleId, payments } = cycleOf(1);
    const known = payments.values().next().value as LedgerPayment;
    const stranger = cycleOf(1).payments.values().next().value as LedgerPayment;
    await expect(
      recordEffects('st-5', [booking(known, 'st-5#001#0'), booking(stranger, 'st-5#001#1')], payments),
    ).rejects.toThrow(/without its payment/);
    expect(await markOf('BOOK', stranger.paymentId)).toBeUndefined();
    // Nor the payment it was given, in the same batch: the batch is refused whole.
    expect(await markOf('BOOK', known.paymentId)).toBeUndefined();
    expect(await bookedTotals(cycleId, COMMUNES)).toEqual([]);
  });
});
