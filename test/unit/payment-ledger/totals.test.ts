/**
 * The ledger's maintained totals and its sharded keys, pure (ledger-store.ts): what each write moves, and that
 * any sequence of statuses the lifecycle decides leaves each payment counted exactly once, in its current
 * state, in count and VND. The writes themselves (same transaction, retried, raced) are in
 * test/integration/ledger-totals.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  CYCLE_STATE_SHARDS,
  cycleStateKey,
  nextEntry,
  TOTALS_SHARDS,
  totalsKeyOf,
  totalsMoves,
} from '../../../functions/payment-ledger/ledger-store.js';
import { PAYMENT_STATES, type PaymentState } from '../../../functions/payment-ledger/payment-state.js';

describe('totalsMoves', () => {
  it('a new payment adds one and its VND to PENDING', () => {
    expect(totalsMoves(500_000, undefined, 'PENDING')).toEqual([{ state: 'PENDING', count: 1, amount: 500_000 }]);
  });

  it('a transition moves one and the VND from the state it leaves to the one it enters', () => {
    expect(totalsMoves(750_000, 'SENT', 'SETTLED')).toEqual([
      { state: 'SENT', count: -1, amount: -750_000 },
      { state: 'SETTLED', count: 1, amount: 750_000 },
    ]);
  });

  it('no state change (an anomaly keeps the state) moves nothing', () => {
    for (const s of PAYMENT_STATES) expect(totalsMoves(1, s, s)).toEqual([]);
  });

  it('any sequence of statuses, repeats and contradictions included: each payment counted once, where it is', () => {
    const state = fc.constantFrom(...PAYMENT_STATES);
    const payment = fc.record({
      amount: fc.integer({ min: 1, max: 50_000_000 }),
      statuses: fc.array(state, { maxLength: 12 }),
    });
    fc.assert(
      fc.property(fc.array(payment, { minLength: 1, maxLength: 20 }), (payments) => {
        const totals = new Map<PaymentState, { count: number; amount: number }>();
        const apply = (m: { state: PaymentState; count: number; amount: number }) => {
          const t = totals.get(m.state) ?? { count: 0, amount: 0 };
          totals.set(m.state, { count: t.count + m.count, amount: t.amount + m.amount });
        };
        const expected = new Map<PaymentState, { count: number; amount: number }>();
        payments.forEach((p, n) => {
          let head = { paymentId: `P${n}`, state: 'PENDING' as PaymentState, seq: 1 };
          totalsMoves(p.amount, undefined, 'PENDING').forEach(apply);
          for (const wanted of p.statuses) {
            const { append } = nextEntry(head, wanted, 'test', {}, '2026-03-01T00:00:00Z');
            if (!append) continue;
            totalsMoves(p.amount, head.state, append.state).forEach(apply);
            head = { ...head, state: append.state, seq: append.entry.seq };
          }
          const t = expected.get(head.state) ?? { count: 0, amount: 0 };
          expected.set(head.state, { count: t.count + 1, amount: t.amount + p.amount });
        });
        for (const s of PAYMENT_STATES) {
          expect(totals.get(s) ?? { count: 0, amount: 0 }).toEqual(expected.get(s) ?? { count: 0, amount: 0 });
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('sharded keys', () => {
  const ids = Array.from({ length: 4000 }, (_, n) => `P202603${String(n).padStart(24, 'X')}`);

  it('byCycleState: the cycle, the state and one of 64 shards, the same for the same payment', () => {
    const key = cycleStateKey('dc-a', 'SENT', 'P1');
    expect(key).toMatch(/^dc-a#SENT#\d+$/);
    expect(cycleStateKey('dc-a', 'SENT', 'P1')).toBe(key);
    // The shard follows the payment, not its state: a payment moves between states on the same shard number.
    expect(cycleStateKey('dc-a', 'SETTLED', 'P1').split('#')[2]).toBe(key.split('#')[2]);
    const used = new Map<number, number>();
    for (const id of ids) {
      const shard = Number(cycleStateKey('dc-a', 'PENDING', id).split('#')[2]);
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(CYCLE_STATE_SHARDS);
      used.set(shard, (used.get(shard) ?? 0) + 1);
    }
    // Spread: every shard used, none with more than twice its share (4,000 / 64 = 62.5).
    expect(used.size).toBe(CYCLE_STATE_SHARDS);
    expect(Math.max(...used.values())).toBeLessThan(125);
  });

  it('totals: the cycle and one of 32 shards; the commune and category are the sort key, UNKNOWN without one', () => {
    const base = { paymentId: 'P1', cycleId: 'dc-a', communeCode: '26734' };
    expect(totalsKeyOf({ ...base, categoryCode: 'NCT_80' })).toEqual({
      paymentId: expect.stringMatching(/^TOTALS#dc-a#([0-9]|[12][0-9]|3[01])$/),
      sk: '26734#NCT_80',
    });
    expect(totalsKeyOf(base).sk).toBe('26734#UNKNOWN');
    const shards = new Set(ids.map((paymentId) => totalsKeyOf({ ...base, paymentId }).paymentId));
    expect(shards.size).toBe(TOTALS_SHARDS);
  });
});
