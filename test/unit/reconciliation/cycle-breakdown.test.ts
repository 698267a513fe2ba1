/**
 * A cycle's reconciliation broken down by allowance category, commune and ledger state: every breakdown must
 * add up exactly, in count and VND, to the outcome totals (which are what gets balanced against the approval),
 * payments without a category are reported as unknown, and a period's sum is the sum of its cycles.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mainCategory } from '../../../functions/entitlements/cycle-totals.js';
import { instructionHash, type PaymentInstruction } from '../../../functions/payment-ledger/ledger-store.js';
import { PAYMENT_STATES } from '../../../functions/payment-ledger/payment-state.js';
import {
  categoryLabel,
  categoryRows,
  communeRows,
  stateRows,
} from '../../../functions/reconciliation/cycle-reconciliation.js';
import { OUTCOMES, type Outcome } from '../../../functions/reconciliation/outcomes.js';
import {
  addBreakdown,
  addPayment,
  type BreakdownPayment,
  type CycleBreakdown,
  emptyBreakdown,
  outcomeRows,
  sumOf,
  UNKNOWN_CATEGORY,
} from '../../../functions/reconciliation/report.js';

const paymentArb: fc.Arbitrary<[Outcome, BreakdownPayment]> = fc.tuple(
  fc.constantFrom(...OUTCOMES),
  fc.record(
    {
      amount: fc.integer({ min: 1, max: 50_000_000 }),
      state: fc.constantFrom(...PAYMENT_STATES),
      categoryCode: fc.constantFrom('NCT_80', 'KT_NANG', 'TE_DUOI_4', ''),
      communeCode: fc.constantFrom('26734', '26737', '00004'),
    },
    { requiredKeys: ['amount', 'state'] },
  ),
);

function build(items: [Outcome, BreakdownPayment][]): CycleBreakdown {
  const b = emptyBreakdown();
  for (const [o, p] of items) addPayment(b, o, p);
  return b;
}

/** Count and VND per outcome summed over the rows of a breakdown. */
function perOutcome(rows: { outcomes: { outcome: Outcome; count: number; amount: number }[] }[]) {
  const out: Record<string, { count: number; amount: number }> = {};
  for (const r of rows) {
    for (const o of r.outcomes) {
      const t = out[o.outcome] ?? { count: 0, amount: 0 };
      out[o.outcome] = t;
      t.count += o.count;
      t.amount += o.amount;
    }
  }
  return out;
}

const totalsOf = (b: CycleBreakdown) =>
  Object.fromEntries(outcomeRows(b.totals).map((o) => [o.outcome, { count: o.count, amount: o.amount }]));

describe('cycle breakdown by category, commune and state', () => {
  it('names each category, puts a payment without one under "Không rõ / Unknown", and adds up', () => {
    const b = build([
      ['MATCHED', { amount: 750_000, state: 'SETTLED', categoryCode: 'NCT_80', communeCode: '26734' }],
      ['MATCHED', { amount: 1_125_000, state: 'SETTLED', categoryCode: 'KT_NANG', communeCode: '26734' }],
      ['RETURN', { amount: 750_000, state: 'RETURNED', categoryCode: 'NCT_80', communeCode: '26737' }],
      ['NOT_BOOKED', { amount: 500_000, state: 'SETTLED', communeCode: '26737' }],
    ]);
    const rows = categoryRows(b);
    expect(rows.map((r) => r.category)).toEqual(['KT_NANG', 'NCT_80', UNKNOWN_CATEGORY]);
    expect(rows[1]).toEqual({
      category: 'NCT_80',
      label: { vi: expect.stringContaining('80 tuổi'), en: expect.any(String) },
      count: 2,
      amount: 1_500_000,
      outcomes: [
        { outcome: 'MATCHED', count: 1, amount: 750_000 },
        { outcome: 'RETURN', count: 1, amount: 750_000 },
      ],
    });
    expect(rows[2]?.label).toEqual({ vi: 'Không rõ', en: 'Unknown' });
    expect(categoryLabel('NOT_A_CODE')).toEqual({ vi: 'NOT_A_CODE', en: 'NOT_A_CODE' });
    expect(communeRows(b).map((r) => [r.commune, r.count, r.amount])).toEqual([
      ['26734', 2, 1_875_000],
      ['26737', 2, 1_250_000],
    ]);
    expect(stateRows(b)).toMatchObject({
      SETTLED: { count: 3, amount: 2_375_000 },
      RETURNED: { count: 1, amount: 750_000 },
      PENDING: { count: 0, amount: 0 },
    });
    expect(sumOf(b.totals)).toEqual({ count: 4, amount: 3_125_000 });
  });

  it('property: by category, by commune and by state, counts and VND add up exactly to the outcome totals', () => {
    fc.assert(
      fc.property(fc.array(paymentArb, { maxLength: 200 }), (items) => {
        const b = build(items);
        const totals = totalsOf(b);
        const all = sumOf(b.totals);
        expect(all).toEqual({ count: items.length, amount: items.reduce((s, [, p]) => s + p.amount, 0) });
        for (const rows of [categoryRows(b), communeRows(b)]) {
          expect(perOutcome(rows)).toEqual(totals);
          expect(sumOf(b.totals)).toEqual(
            rows.reduce((s, r) => ({ count: s.count + r.count, amount: s.amount + r.amount }), { count: 0, amount: 0 }),
          );
        }
        const states = Object.values(stateRows(b));
        expect(states.reduce((s, t) => s + t.count, 0)).toBe(all.count);
        expect(states.reduce((s, t) => s + t.amount, 0)).toBe(all.amount);
      }),
    );
  });

  it('property: a period summed cycle by cycle equals the breakdown of all its payments at once', () => {
    fc.assert(
      fc.property(fc.array(fc.array(paymentArb, { maxLength: 40 }), { maxLength: 6 }), (cycles) => {
        const period = emptyBreakdown();
        for (const c of cycles) addBreakdown(period, build(c));
        const flat = build(cycles.flat());
        expect(categoryRows(period)).toEqual(categoryRows(flat));
        expect(communeRows(period)).toEqual(communeRows(flat));
        expect(stateRows(period)).toEqual(stateRows(flat));
        expect(totalsOf(period)).toEqual(totalsOf(flat));
      }),
    );
  });
});

describe('the category a payment carries', () => {
  it('is the category paying the most VND of its lines; ties go to the smaller code; none without lines', () => {
    expect(mainCategory([{ categoryCode: 'NCT_80', amount: 750_000 }])).toBe('NCT_80');
    expect(
      mainCategory([
        { categoryCode: 'NCT_80', amount: 750_000 }, // arrears under the old category
        { categoryCode: 'KT_NANG', amount: 1_125_000 }, // the period under the new one
      ]),
    ).toBe('KT_NANG');
    expect(
      mainCategory([
        { categoryCode: 'TE_4_16', amount: 500_000 },
        { categoryCode: 'KT_NANG', amount: 250_000 },
        { categoryCode: 'TE_4_16', amount: 250_000 },
        { categoryCode: 'KT_NANG', amount: 500_000 },
      ]),
    ).toBe('KT_NANG');
    expect(mainCategory([])).toBeUndefined();
  });

  it('property: independent of line order', () => {
    const line = fc.record({
      categoryCode: fc.constantFrom('A', 'B', 'C'),
      amount: fc.integer({ min: 1, max: 5 }),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
        expect(mainCategory([...lines].reverse())).toBe(mainCategory(lines));
      }),
    );
  });

  it('is covered by the instruction hash, and an instruction recorded before it hashes as it always did', () => {
    const old: PaymentInstruction = {
      paymentId: 'p1',
      cycleId: 'dc-tcxh_hang_thang-2026-03-79',
      programme: 'TCXH_HANG_THANG',
      period: '2026-03',
      personId: '079130796635',
      socialAccount: '79000000001',
      amount: 750_000,
      channel: 'POST_OFFICE',
      creditorName: 'HOANG THANH MINH ANH',
      communeCode: '26734',
      months: ['2026-03'],
    };
    // The hash of the instruction above as ledgers recorded it before categories were carried.
    expect(instructionHash(old)).toBe('22696ca91b7241e881a1f42cad1f885eff96860ee17606f7ef7e60540974ad1a');
    const withCategory = instructionHash({ ...old, categoryCode: 'NCT_80' });
    expect(withCategory).not.toBe(instructionHash(old));
    expect(withCategory).not.toBe(instructionHash({ ...old, categoryCode: 'KT_NANG' }));
  });
});
