/**
 * The ledger's maintained totals (count and VND per cycle × commune × category × state) against the faults
 * that could count a payment twice or not at all: a redelivered record, a transition whose write landed but
 * whose answer was lost (the worker retries it), many payments of one commune moving at once on the same totals
 * item, an anomaly. After each, the totals equal a recount of the payments themselves. Also: the sharded
 * byCycleState index still lists every payment of a state, old unsharded keys included.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CYCLE_STATE_SHARDS,
  entries,
  getPayment,
  maintainedTotals,
  maintainedTotalsByDay,
  type PaymentHead,
  type PaymentInstruction,
  paymentsInState,
  recordPending,
  recordPendingMany,
  stateEntriesOf,
  type TotalsCell,
  totalsKeyOf,
  transition,
  transitionMany,
} from '../../functions/payment-ledger/ledger-store.js';
import type { PaymentState } from '../../functions/payment-ledger/payment-state.js';
import { vietnamDate } from '../../functions/reconciliation/banking-days.js';
import { dynamo } from '../../functions/shared/aws-clients.js';
import { resources } from '../../functions/shared/resources.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { startTestPlatform } from '../support/platform.js';

let platform: LocalPlatform;
/** Commands whose answer the next call loses after DynamoDB applied them (a Lambda dying mid-response). */
let loseAnswerOf: string | undefined;
let answersLost = 0;

beforeAll(async () => {
  platform = await startTestPlatform();
  dynamo().middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (loseAnswerOf && String(context.commandName).startsWith(loseAnswerOf)) {
        loseAnswerOf = undefined;
        answersLost++;
        throw new Error('injected: the write landed, its answer was lost');
      }
      return result;
    },
    { step: 'initialize', name: 'loseAnswer', priority: 'high' },
  );
}, 90_000);

afterEach(() => {
  loseAnswerOf = undefined;
});

afterAll(async () => {
  await platform?.stop();
});

const instruction = (cycleId: string, n: number, over: Partial<PaymentInstruction> = {}): PaymentInstruction => ({
  paymentId: `PT${cycleId.slice(-8)}${String(n).padStart(6, '0')}`,
  cycleId,
  programme: 'TCXH_HANG_THANG',
  period: '2026-03',
  personId: `p-${cycleId}-${n}`,
  socialAccount: 'AS00000000000000',
  amount: 500_000 + n,
  channel: 'BANK',
  bankBin: '970436',
  creditorAccount: String(1_000_000_000 + n),
  creditorName: 'NGUYEN VAN A',
  communeCode: '26734',
  categoryCode: 'NCT_80',
  months: ['2026-03'],
  ...over,
});

/** The totals by state, summed over communes and categories (what the close reads). */
const byState = (cells: TotalsCell[]) => {
  const out: Partial<Record<PaymentState, { count: number; amount: number }>> = {};
  for (const c of cells) {
    const t = out[c.state] ?? { count: 0, amount: 0 };
    out[c.state] = { count: t.count + c.count, amount: t.amount + c.amount };
  }
  return out;
};

/** The same figures recounted from the payments' HEADs. */
async function recount(ids: string[]) {
  const out: Partial<Record<PaymentState, { count: number; amount: number }>> = {};
  for (const id of ids) {
    const head = await getPayment(id);
    if (!head) continue;
    const t = out[head.state] ?? { count: 0, amount: 0 };
    out[head.state] = { count: t.count + 1, amount: t.amount + head.amount };
  }
  return out;
}

describe('maintained totals', () => {
  it('a redelivered record counts once; a different instruction under the same id counts nothing', async () => {
    const cycleId = `dc-t-${randomUUID().slice(0, 8)}`;
    const i = instruction(cycleId, 1);
    expect(await recordPending(i, 0)).toBe('CREATED');
    expect(await recordPending(i, 0)).toBe('EXISTS');
    await expect(recordPending({ ...i, amount: i.amount + 1 }, 0)).rejects.toThrow(/different content/);
    expect(byState(await maintainedTotals(cycleId, []))).toEqual({ PENDING: { count: 1, amount: i.amount } });
  });

  it('a write that landed but whose answer was lost, then retried, moves the totals once', async () => {
    const cycleId = `dc-t-${randomUUID().slice(0, 8)}`;
    const i = instruction(cycleId, 2);
    loseAnswerOf = 'TransactWrite';
    await expect(recordPending(i, 0)).rejects.toThrow(/injected/);
    // The dispatch worker's retry (SQS redelivery) records it again: the HEAD exists, nothing is counted.
    expect(await recordPending(i, 0)).toBe('EXISTS');
    loseAnswerOf = 'TransactWrite';
    await expect(transition(i.paymentId, 'SENT', 'bank-receipt')).rejects.toThrow(/injected/);
    expect(await transition(i.paymentId, 'SENT', 'bank-receipt')).toEqual({ kind: 'already', state: 'SENT' });
    expect(answersLost).toBe(2);
    const totals = byState(await maintainedTotals(cycleId, []));
    expect(totals).toEqual({ SENT: { count: 1, amount: i.amount } });
    expect(totals).toEqual(await recount([i.paymentId]));
  });

  it('many payments of one commune and category, each moved by racing duplicates: totals equal the recount', async () => {
    const cycleId = `dc-t-${randomUUID().slice(0, 8)}`;
    const all = Array.from({ length: 40 }, (_, n) =>
      instruction(cycleId, n, {
        communeCode: n % 4 === 0 ? '26737' : '26734',
        categoryCode: n % 5 ? 'NCT_80' : undefined,
      }),
    );
    // Each record delivered twice at once, then each status twice at once (a duplicated callback).
    await Promise.all(all.flatMap((i) => [recordPending(i, 0), recordPending(i, 0)]));
    await Promise.all(all.flatMap((i) => [transition(i.paymentId, 'SENT', 'x'), transition(i.paymentId, 'SENT', 'x')]));
    const final: PaymentState[] = ['SETTLED', 'REJECTED', 'ACCEPTED'];
    await Promise.all(
      all.flatMap((i, n) => {
        const to = final[n % 3] as PaymentState;
        return [transition(i.paymentId, to, 'y'), transition(i.paymentId, to, 'y')];
      }),
    );
    const cells = await maintainedTotals(cycleId, []);
    const ids = all.map((i) => i.paymentId);
    expect(byState(cells)).toEqual(await recount(ids));
    expect(byState(cells).SETTLED?.count).toBe(14);
    // Payments without a category are counted under UNKNOWN, each commune on its own.
    const unknown = cells.filter((c) => c.categoryCode === 'UNKNOWN').reduce((s, c) => s + c.count, 0);
    expect(unknown).toBe(8);
    expect(new Set(cells.map((c) => c.communeCode))).toEqual(new Set(['26734', '26737']));
  });

  it('counts the sent states by creation day too (what the cycle report needs), each day adding up to its state', async () => {
    const cycleId = `dc-t-${randomUUID().slice(0, 8)}`;
    const all = [1, 2, 3].map((n) => instruction(cycleId, n));
    for (const i of all) await recordPending(i, 0);
    for (const i of all.slice(0, 2)) {
      loseAnswerOf = 'TransactWrite';
      await expect(transition(i.paymentId, 'SENT', 'bank-receipt')).rejects.toThrow(/injected/);
      await transition(i.paymentId, 'SENT', 'bank-receipt');
    }
    await transition(all[0]?.paymentId as string, 'SETTLED', 'bank-status');
    const day = vietnamDate((await getPayment(all[0]?.paymentId as string))?.createdAt as string);
    const cells = await maintainedTotalsByDay(cycleId, []);
    const of = (state: string, dated: boolean) =>
      cells
        .filter((c) => c.state === state && (c.day !== undefined) === dated)
        .map(({ day: d, count, amount }) => ({ day: d, count, amount }));
    expect(of('PENDING', false)).toEqual([{ day: undefined, count: 1, amount: all[2]?.amount }]);
    expect(of('PENDING', true)).toEqual([]);
    expect(of('SENT', true)).toEqual([{ day, count: 1, amount: all[1]?.amount }]);
    expect(of('SETTLED', true)).toEqual([{ day, count: 1, amount: all[0]?.amount }]);
    // The close's reader sees states only, as before.
    expect(byState(await maintainedTotals(cycleId, []))).toEqual(await recount(all.map((i) => i.paymentId)));
  });

  it('an anomaly (a rejection after settlement) is recorded but moves no totals', async () => {
    const cycleId = `dc-t-${randomUUID().slice(0, 8)}`;
    const i = instruction(cycleId, 3);
    await recordPending(i, 0);
    await transition(i.paymentId, 'SETTLED', 'cb');
    expect((await transition(i.paymentId, 'REJECTED', 'cb')).kind).toBe('anomaly');
    expect(byState(await maintainedTotals(cycleId, []))).toEqual({ SETTLED: { count: 1, amount: i.amount } });
  });

  it('the totals item is keyed by cycle and one of 32 shards, the commune and category its sort key', () => {
    const key = totalsKeyOf(instruction('dc-x', 1));
    expect(key.paymentId).toMatch(/^TOTALS#dc-x#([0-9]|[12][0-9]|3[01])$/);
    expect(key.sk).toBe('26734#NCT_80');
  });

  it('a draft computed before keeps its per-commune totals items: read and summed only when asked', async () => {
    const cycleId = `dc-t-${randomUUID().slice(0, 8)}`;
    const i = instruction(cycleId, 4);
    await recordPending(i, 0);
    await transition(i.paymentId, 'SETTLED', 'cb');
    // What the earlier layout held for two payments settled before the upgrade (TOTALS#<cycle>#<commune>#<n>).
    await dynamo().send(
      new UpdateCommand({
        TableName: resources.table('payments'),
        Key: { paymentId: `TOTALS#${cycleId}#26734#5`, sk: 'NCT_80' },
        UpdateExpression: 'SET cycleId = :c ADD n_SETTLED :n, v_SETTLED :v',
        ExpressionAttributeValues: { ':c': cycleId, ':n': 2, ':v': 1_000_000 },
      }),
    );
    expect(byState(await maintainedTotals(cycleId, []))).toEqual({ SETTLED: { count: 1, amount: i.amount } });
    expect(await maintainedTotals(cycleId, ['26734'])).toEqual([
      { communeCode: '26734', categoryCode: 'NCT_80', state: 'SETTLED', count: 3, amount: i.amount + 1_000_000 },
    ]);
  });
});

/** Every entry of a payment, by state, in order (an anomaly marked `!`). */
const historyOf = async (id: string) => (await entries(id)).map((e) => `${e.kind === 'ANOMALY' ? '!' : ''}${e.state}`);

describe('many payments to a transaction (recordPendingMany, transitionMany)', () => {
  /** Counts the transactions written and their items, to show that many payments share one. */
  let transactions = 0;
  let items = 0;
  let singleReads = 0;
  beforeAll(() => {
    dynamo().middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetCommand' || context.commandName === 'GetItemCommand') singleReads++;
        if (context.commandName === 'TransactWriteItemsCommand') {
          transactions++;
          items += ((args.input as { TransactItems?: unknown[] }).TransactItems ?? []).length;
        }
        return next(args);
      },
      { step: 'initialize', name: 'countTransactions' },
    );
  });

  it('250 payments of four communes: recorded and moved in a few transactions of at most 100 items', async () => {
    const cycleId = `dc-m-${randomUUID().slice(0, 8)}`;
    const communes = ['26734', '26737', '26740', '26743'];
    const all = Array.from({ length: 250 }, (_, n) =>
      instruction(cycleId, n, { communeCode: communes[n % 4] as string, categoryCode: n % 3 ? 'NCT_80' : 'TE_MC' }),
    );
    const before = { transactions, items };
    await recordPendingMany(all, 0);
    // 250 payments at 1 item each (the HEAD) plus their shared PENDING event and totals items: 100 items a
    // transaction, so 3 or 4 of them.
    expect(transactions - before.transactions).toBeGreaterThanOrEqual(3);
    expect(transactions - before.transactions).toBeLessThanOrEqual(4);
    expect(items - before.items).toBeLessThan(250 + 4 * (1 + 8)); // an event and at most 8 totals cells each
    const ids = all.map((i) => i.paymentId);
    const itemsBefore = items;
    const decisions = await transitionMany(
      ids.map((paymentId) => ({ paymentId, wanted: 'SENT', source: 'bank-receipt', detail: { msgId: 'M1' } })),
    );
    expect(decisions.every((d) => d?.kind === 'apply')).toBe(true);
    // Moved alike, they share one entry per transaction: a HEAD each, a few events, the totals items.
    const written = items - itemsBefore;
    expect(written).toBeGreaterThan(250);
    expect(written).toBeLessThan(250 + 3 * 8 + 10); // at most 8 totals cells (4 communes × 2 categories) a transaction
    // Each still reads as its own history, the shared SENT at its own sequence number.
    const history = await entries(ids[17] as string);
    expect(history.map((e) => [e.sk, e.seq, e.state, e.source, e.detail?.msgId])).toEqual([
      ['E#000001', 1, 'PENDING', 'cycle-approval', undefined],
      ['E#000002', 2, 'SENT', 'bank-receipt', 'M1'],
    ]);
    expect(history[1]?.paymentId).toBe(ids[17]);
    const cells = await maintainedTotals(cycleId, []);
    expect(byState(cells)).toEqual(await recount(ids));
    expect(byState(cells)).toEqual({ SENT: { count: 250, amount: all.reduce((s, i) => s + i.amount, 0) } });
    // A later move of one payment alone appends its own entry after the shared one; a wave that differs per
    // payment (its reason) gives each its own entry.
    const one = ids[17] as string;
    await transition(one, 'REJECTED', 'bank-status', { status: 'RJCT' });
    expect((await historyOf(one)).join(' ')).toBe('PENDING SENT REJECTED');
    await transition(one, 'SETTLED', 'bank-status');
    expect((await historyOf(one)).join(' ')).toBe('PENDING SENT REJECTED !SETTLED');
    await transitionMany(
      ids.slice(0, 10).map((paymentId, n) => ({ paymentId, wanted: 'ACCEPTED', source: 'r', detail: { n } })),
    );
    expect((await entries(ids[3] as string)).map((e) => [e.seq, e.state, e.detail?.n])).toEqual([
      [1, 'PENDING', undefined],
      [2, 'SENT', undefined],
      [3, 'ACCEPTED', 3],
    ]);
    // The look-ups read the entry that set a failed payment's state by its HEAD's seq: a shared one too.
    const rejected = ids.slice(20, 26);
    await transitionMany(
      rejected.map((paymentId) => ({
        paymentId,
        wanted: 'REJECTED',
        source: 'bank-status',
        detail: { reason: 'AC04' },
      })),
    );
    const heads = (await Promise.all(rejected.map((id) => getPayment(id)))) as PaymentHead[];
    expect(heads.every((h) => h.inherited?.some((r) => r.seq === h.seq))).toBe(true);
    const reasons = await stateEntriesOf(heads);
    expect(rejected.map((id) => reasons.get(id)?.map((e) => [e.paymentId, e.state, e.detail?.reason]))).toEqual(
      rejected.map((id) => [[id, 'REJECTED', 'AC04']]),
    );
    expect(byState(await maintainedTotals(cycleId, []))).toEqual(await recount(ids));
  });

  it('a redelivered chunk, and one whose transaction landed but whose answer was lost, count nothing again', async () => {
    const cycleId = `dc-m-${randomUUID().slice(0, 8)}`;
    const all = Array.from({ length: 60 }, (_, n) => instruction(cycleId, n));
    loseAnswerOf = 'TransactWrite';
    await expect(recordPendingMany(all, 0)).rejects.toThrow(/injected/);
    await recordPendingMany(all, 0);
    await recordPendingMany(all, 0);
    // A different instruction under a recorded id is refused, never counted, whatever else its chunk holds.
    const changed = { ...(all[5] as PaymentInstruction), amount: 1 };
    await expect(recordPendingMany([changed, instruction(cycleId, 99)], 0)).rejects.toThrow(/different content/);
    const ids = [...all.map((i) => i.paymentId), instruction(cycleId, 99).paymentId];
    expect(byState(await maintainedTotals(cycleId, []))).toEqual(await recount(ids));
    expect((await recount(ids)).PENDING?.count).toBe(61);

    const moves = all.map((i) => ({ paymentId: i.paymentId, wanted: 'SENT' as const, source: 'x' }));
    loseAnswerOf = 'TransactWrite';
    await expect(transitionMany(moves)).rejects.toThrow(/injected/);
    const again = await transitionMany(moves);
    // Whatever the lost transaction covered is already SENT; the rest moves now. Every payment once.
    expect(again.every((d) => d?.kind === 'apply' || (d?.kind === 'already' && d.state === 'SENT'))).toBe(true);
    for (const i of all) expect(await historyOf(i.paymentId)).toEqual(['PENDING', 'SENT']);
    expect(byState(await maintainedTotals(cycleId, []))).toEqual(await recount(ids));
  });

  it('racing one-at-a-time writers and duplicated requests: each entry once, in order, totals equal the recount', async () => {
    const cycleId = `dc-m-${randomUUID().slice(0, 8)}`;
    const all = Array.from({ length: 80 }, (_, n) =>
      instruction(cycleId, n, { communeCode: n % 2 ? '26734' : '26737' }),
    );
    await Promise.all([
      recordPendingMany(all, 0),
      recordPendingMany(all.slice(20, 50), 0),
      recordPending(all[7] as PaymentInstruction, 0),
    ]);
    const ids = all.map((i) => i.paymentId);
    // A pain.002 that says ACCEPTED then SETTLED for each payment (in one report), a duplicate of it at once,
    // and single callbacks racing both.
    const report = ids.flatMap((paymentId) => [
      { paymentId, wanted: 'ACCEPTED' as const, source: 'r' },
      { paymentId, wanted: 'SETTLED' as const, source: 'r' },
    ]);
    const [first, second] = await Promise.all([
      transitionMany(report),
      transitionMany(report),
      ...ids.slice(0, 30).map((id) => transition(id, 'ACCEPTED', 'cb')),
    ]);
    expect(first).toHaveLength(160);
    expect(second).toHaveLength(160);
    for (const id of ids) {
      const history = await historyOf(id);
      expect(history[0]).toBe('PENDING');
      expect(history.at(-1)).toBe('SETTLED');
      expect(history.filter((s) => s === 'SETTLED')).toHaveLength(1);
      expect(history.filter((s) => s === 'ACCEPTED').length).toBeLessThanOrEqual(1);
    }
    expect(byState(await maintainedTotals(cycleId, []))).toEqual(await recount(ids));
    expect((await recount(ids)).SETTLED?.count).toBe(80);
  });

  it("a file's ACSP and ACSC reports applied at once: the loser decides again in batches, not payment by payment", async () => {
    const cycleId = `dc-m-${randomUUID().slice(0, 8)}`;
    const all = Array.from({ length: 200 }, (_, n) => instruction(cycleId, n));
    await recordPendingMany(all, 0);
    const ids = all.map((i) => i.paymentId);
    await transitionMany(ids.map((paymentId) => ({ paymentId, wanted: 'SENT', source: 'bank-receipt' })));
    const before = { transactions, singleReads };
    const [accepted, settled] = await Promise.all([
      transitionMany(ids.map((paymentId) => ({ paymentId, wanted: 'ACCEPTED', source: 'bank-status' }))),
      transitionMany(ids.map((paymentId) => ({ paymentId, wanted: 'SETTLED', source: 'bank-status' }))),
    ]);
    // One at a time would read each payment's HEAD alone and write a transaction per payment that still moves;
    // in batches it is a few transactions of up to 100 items and no single read.
    expect(transactions - before.transactions).toBeLessThan(40);
    expect(singleReads - before.singleReads).toBeLessThan(20);
    expect(settled.every((d) => d?.kind === 'apply')).toBe(true);
    expect(accepted.every((d) => d?.kind === 'apply' || d?.kind === 'stale')).toBe(true);
    for (const id of ids) {
      const history = (await historyOf(id)).join(' ');
      expect(['PENDING SENT SETTLED', 'PENDING SENT ACCEPTED SETTLED']).toContain(history);
    }
    expect(byState(await maintainedTotals(cycleId, []))).toEqual(await recount(ids));
  });

  it('with `heads`, each HEAD as the call left it: what a read after it returns', async () => {
    const cycleId = `dc-m-${randomUUID().slice(0, 8)}`;
    const all = Array.from({ length: 120 }, (_, n) => instruction(cycleId, n));
    await recordPendingMany(all, 0);
    const ids = all.map((i) => i.paymentId);
    await transitionMany(ids.slice(0, 10).map((paymentId) => ({ paymentId, wanted: 'SENT', source: 'early' })));
    const heads = new Map<string, PaymentHead>();
    // Moved alike (a shared event), moved alone in a wave of its own (its own entry), or already there.
    await transitionMany(
      [
        ...ids.map((paymentId) => ({ paymentId, wanted: 'SENT' as const, source: 'bank-receipt' })),
        { paymentId: ids[50] as string, wanted: 'ACCEPTED', source: 'bank-status', detail: { only: 'one' } },
      ],
      heads,
    );
    expect(heads.size).toBe(120);
    for (const id of ids) expect(heads.get(id)).toEqual(await getPayment(id));
    expect(heads.get(ids[50] as string)?.state).toBe('ACCEPTED');
  });

  it('a payment the ledger does not hold is answered undefined; the others move', async () => {
    const cycleId = `dc-m-${randomUUID().slice(0, 8)}`;
    const i = instruction(cycleId, 1);
    await recordPendingMany([i], 0);
    const out = await transitionMany([
      { paymentId: 'P000000NOSUCHPAYMENTXXXXXXXXXXX', wanted: 'SENT', source: 'x' },
      { paymentId: i.paymentId, wanted: 'SENT', source: 'x' },
    ]);
    expect(out[0]).toBeUndefined();
    expect(out[1]).toEqual({ kind: 'apply', to: 'SENT' });
  });
});

describe('the sharded byCycleState index', () => {
  it('lists every payment of a state across its shards, and those still under the old unsharded key', async () => {
    const cycleId = `dc-t-${randomUUID().slice(0, 8)}`;
    const all = Array.from({ length: 30 }, (_, n) => instruction(cycleId, n));
    await Promise.all(all.map((i) => recordPending(i, 0)));
    const heads = await Promise.all(all.map((i) => getPayment(i.paymentId)));
    const shards = new Set(heads.map((h) => h?.cycleState));
    expect(shards.size).toBeGreaterThan(10); // 30 payments over 64 shards
    expect([...shards].every((s) => new RegExp(`^${cycleId}#PENDING#\\d+$`).test(String(s)))).toBe(true);
    expect(Math.max(...[...shards].map((s) => Number(String(s).split('#').pop())))).toBeLessThan(CYCLE_STATE_SHARDS);
    // A payment recorded before the sharding carries the plain key until it next moves.
    const legacy = all[0] as PaymentInstruction;
    await dynamo().send(
      new UpdateCommand({
        TableName: resources.table('payments'),
        Key: { paymentId: legacy.paymentId, sk: 'HEAD' },
        UpdateExpression: 'SET cycleState = :k',
        ExpressionAttributeValues: { ':k': `${cycleId}#PENDING` },
      }),
    );
    const listed = async (state: PaymentState) => {
      const ids: string[] = [];
      for await (const p of paymentsInState(cycleId, state)) ids.push(p.paymentId);
      return ids.sort();
    };
    await new Promise((r) => setTimeout(r, 300)); // the index follows the table
    expect(await listed('PENDING')).toEqual(all.map((i) => i.paymentId).sort());
    await transition(legacy.paymentId, 'SENT', 'x');
    expect((await getPayment(legacy.paymentId))?.cycleState).toMatch(new RegExp(`^${cycleId}#SENT#\\d+$`));
    await new Promise((r) => setTimeout(r, 300));
    expect(await listed('SENT')).toEqual([legacy.paymentId]);
    expect((await listed('PENDING')).length).toBe(29);
  });
});
