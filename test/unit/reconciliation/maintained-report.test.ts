/**
 * The cycle report from maintained totals must say exactly what summing `cycleOutcome` over every payment says:
 * by hand for each state × booking, then for random cycles (payments, bookings, states, creation days, asOf and
 * dueDays), in total, by category, by commune and by state.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DATED_STATES, PAYMENT_STATES, type PaymentState } from '../../../functions/payment-ledger/payment-state.js';
import { vietnamDate } from '../../../functions/reconciliation/banking-days.js';
import {
  type BookedCell,
  type BookedOutcome,
  breakdownFromTotals,
  EXCEPTION_STATES,
  type ExceptionPayment,
  type LedgerCell,
  TotalsIncompleteError,
} from '../../../functions/reconciliation/maintained-report.js';
import type { Booking } from '../../../functions/reconciliation/match.js';
import {
  addPayment,
  type CycleBreakdown,
  cycleOutcome,
  emptyBreakdown,
  UNKNOWN_CATEGORY,
} from '../../../functions/reconciliation/report.js';

interface P {
  paymentId: string;
  amount: number;
  state: PaymentState;
  createdAt: string;
  categoryCode?: string;
  communeCode: string;
  booked?: BookedOutcome;
}

/** What the ledger's and the reconcile worker's maintained items would hold for these payments. */
function cellsOf(payments: P[]) {
  const ledger = new Map<string, LedgerCell>();
  const booked = new Map<string, BookedCell>();
  const bump = <T extends { count: number; amount: number }>(
    m: Map<string, T>,
    key: string,
    init: T,
    amount: number,
  ) => {
    const c = m.get(key) ?? init;
    c.count += 1;
    c.amount += amount;
    m.set(key, c);
  };
  for (const p of payments) {
    const category = p.categoryCode || UNKNOWN_CATEGORY;
    const day = vietnamDate(p.createdAt);
    const base = { communeCode: p.communeCode, categoryCode: category, count: 0, amount: 0 };
    bump(ledger, `${p.communeCode}|${category}|${p.state}`, { ...base, state: p.state }, p.amount);
    if (DATED_STATES.has(p.state)) {
      bump(ledger, `${p.communeCode}|${category}|${p.state}|${day}`, { ...base, state: p.state, day }, p.amount);
    }
    if (p.booked) {
      bump(booked, `${p.communeCode}|${category}|${p.booked}|${day}`, { ...base, outcome: p.booked, day }, p.amount);
    }
  }
  const exceptions: ExceptionPayment[] = payments.filter((p) => EXCEPTION_STATES.includes(p.state));
  return { ledger: [...ledger.values()], booked: [...booked.values()], exceptions };
}

/** The reference: every payment through `cycleOutcome`, one at a time. */
function perPayment(payments: P[], asOf: string, dueDays: number): CycleBreakdown {
  const b = emptyBreakdown();
  for (const p of payments) {
    const booking = p.booked
      ? ({ paymentId: p.paymentId, position: 'x', outcome: p.booked, amount: p.amount } as Booking)
      : undefined;
    addPayment(b, cycleOutcome(p, booking, asOf, dueDays), p);
  }
  return b;
}

/** A breakdown as plain data, zero outcomes left out (the API shows only outcomes present). */
const plain = (b: CycleBreakdown) => {
  const nonZero = (t: Record<string, { count: number; amount: number }>) =>
    Object.fromEntries(Object.entries(t).filter(([, v]) => v.count !== 0 || v.amount !== 0));
  const byKey = (m: Map<string, Record<string, { count: number; amount: number }>>) =>
    Object.fromEntries([...m.entries()].sort(([a], [c]) => (a < c ? -1 : 1)).map(([k, t]) => [k, nonZero(t)]));
  return {
    totals: nonZero(b.totals),
    byCategory: byKey(b.byCategory),
    byCommune: byKey(b.byCommune),
    byState: Object.fromEntries(
      [...b.byState.entries()].filter(([, v]) => v.count).sort(([a], [c]) => (a < c ? -1 : 1)),
    ),
  };
};

const fromTotals = (payments: P[], asOf: string, dueDays: number) =>
  breakdownFromTotals(cellsOf(payments), asOf, dueDays);

describe('the cycle report from maintained totals', () => {
  // Monday 2026-03-02 in Vietnam; asOf Friday 2026-03-06 is 4 banking days later.
  const createdAt = '2026-03-02T01:00:00.000Z';
  const one = (state: PaymentState, booked?: BookedOutcome): P => ({
    paymentId: 'P1',
    amount: 500_000,
    state,
    createdAt,
    categoryCode: 'NCT_80',
    communeCode: '26734',
    ...(booked ? { booked } : {}),
  });

  it.each(
    PAYMENT_STATES.flatMap((state) =>
      [undefined, 'MATCHED', 'AMOUNT_MISMATCH', 'RETURN'].flatMap((booked) =>
        [0, 3, 4, 10].map((dueDays) => [state, booked as BookedOutcome | undefined, dueDays] as const),
      ),
    ),
  )('a %s payment booked %s, %s days due: the same outcome as cycleOutcome', (state, booked, dueDays) => {
    const payments = [one(state, booked)];
    expect(plain(fromTotals(payments, '2026-03-06', dueDays))).toEqual(
      plain(perPayment(payments, '2026-03-06', dueDays)),
    );
  });

  it('a booked REJECTED payment stays REJECTED; a booked PENDING one takes its booking', () => {
    const b = fromTotals(
      [one('REJECTED', 'MATCHED'), { ...one('PENDING', 'AMOUNT_MISMATCH'), paymentId: 'P2' }],
      '2026-03-06',
      3,
    );
    expect(plain(b).totals).toEqual({
      REJECTED: { count: 1, amount: 500_000 },
      AMOUNT_MISMATCH: { count: 1, amount: 500_000 },
    });
  });

  it('an unbooked sent payment is awaiting within dueDays banking days of its creation, overdue after', () => {
    expect(plain(fromTotals([one('SETTLED')], '2026-03-05', 3)).totals).toEqual({
      AWAITING_BOOKING: { count: 1, amount: 500_000 },
    });
    expect(plain(fromTotals([one('SETTLED')], '2026-03-06', 3)).totals).toEqual({
      NOT_BOOKED: { count: 1, amount: 500_000 },
    });
  });

  it('refuses totals of payments counted without their creation day (recorded before the days were kept)', () => {
    const cells = cellsOf([one('SETTLED')]);
    const undatedOnly = { ...cells, ledger: cells.ledger.filter((c) => c.day === undefined) };
    expect(() => breakdownFromTotals(undatedOnly, '2026-03-06', 3)).toThrow(TotalsIncompleteError);
    // A booking counted for a payment the ledger totals do not hold (its cycle's totals predate them).
    const booked = cellsOf([one('SETTLED', 'MATCHED')]).booked;
    expect(() => breakdownFromTotals({ ledger: [], booked, exceptions: [] }, '2026-03-06', 3)).toThrow(
      TotalsIncompleteError,
    );
  });

  it('leaves out a category or commune with no payment in it, and keeps states as counted', () => {
    const b = fromTotals([one('SENT', 'MATCHED')], '2026-03-06', 3);
    expect([...b.byCategory.keys()]).toEqual(['NCT_80']);
    expect([...b.byCommune.keys()]).toEqual(['26734']);
    expect(b.byState.get('SENT')).toEqual({ count: 1, amount: 500_000 });
  });

  it('for random cycles, equals summing cycleOutcome over every payment: in total, by category, commune, state', () => {
    const day = fc
      .integer({ min: 0, max: 40 })
      .map((d) => new Date(Date.UTC(2026, 1, 20) + d * 86_400_000 + 3600_000 * (d % 24)));
    const payment = fc.record({
      amount: fc.integer({ min: 1, max: 5_000_000 }),
      state: fc.constantFrom(...PAYMENT_STATES),
      createdAt: day.map((d) => d.toISOString()),
      categoryCode: fc.option(fc.constantFrom('NCT_80', 'KT_NANG', 'DON_THAN'), { nil: undefined }),
      communeCode: fc.constantFrom('26734', '26737', '00001'),
      booked: fc.option(fc.constantFrom<BookedOutcome>('MATCHED', 'AMOUNT_MISMATCH', 'RETURN'), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(payment, { maxLength: 60 }),
        fc
          .integer({ min: 0, max: 60 })
          .map((d) => new Date(Date.UTC(2026, 1, 25) + d * 86_400_000).toISOString().slice(0, 10)),
        fc.integer({ min: 0, max: 10 }),
        (raw, asOf, dueDays) => {
          const payments: P[] = raw.map((p, i) => ({
            ...p,
            paymentId: `P${i}`,
            ...(p.categoryCode ? {} : { categoryCode: undefined }),
            ...(p.booked ? {} : { booked: undefined }),
          }));
          expect(plain(fromTotals(payments, asOf, dueDays))).toEqual(plain(perPayment(payments, asOf, dueDays)));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
