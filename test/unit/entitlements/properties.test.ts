import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import categoriesJson from '../../../functions/entitlements/data/allowance-categories.json' with { type: 'json' };
import { ageForMonth } from '../../../functions/entitlements/eligibility.js';
import {
  computeEntitlement,
  type EntitlementInput,
  FUNERAL_MARKER,
} from '../../../functions/entitlements/entitlement.js';
import { addMonths } from '../../../functions/entitlements/months.js';
import { categoryRule } from '../../../functions/entitlements/rules.js';

const CODES = categoriesJson.categories.map((c) => c.code);
const PROVINCES = ['01', '31', '79', '48', '96'];

/** Months from 2018-01 to 2027-12 as offsets. */
const monthArb = (lo = 0, hi = 119) => fc.integer({ min: lo, max: hi }).map((i) => addMonths('2018-01', i));
const dayOf = (month: string, day: number) => `${month}-${String(day).padStart(2, '0')}`;

const inputArb: fc.Arbitrary<EntitlementInput> = fc
  .record({
    periodOffset: fc.integer({ min: 40, max: 110 }),
    advance: fc.integer({ min: 0, max: 3 }),
    province: fc.constantFrom(...PROVINCES),
    categories: fc.array(
      fc.record({
        code: fc.constantFrom(...CODES),
        start: monthArb(0, 115),
        day: fc.integer({ min: 1, max: 28 }),
        length: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
      }),
      { maxLength: 4 },
    ),
    suspensions: fc.array(
      fc.record({
        from: monthArb(20, 115),
        length: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
        resolution: fc.constantFrom(undefined, 'RESUMED_WITH_ARREARS', 'RESUMED_WITHOUT_ARREARS'),
      }),
      { maxLength: 2 },
    ),
    termination: fc.option(monthArb(20, 119), { nil: undefined }),
    death: fc.option(fc.record({ month: monthArb(20, 119), day: fc.integer({ min: 1, max: 28 }) }), { nil: undefined }),
    paid: fc.array(monthArb(0, 119), { maxLength: 40 }),
    funeralPaid: fc.boolean(),
    status: fc.constantFrom('ACTIVE' as const, 'SUSPENDED' as const, 'CLOSED' as const),
    // Ages over time: births from 1925 to 2017 cross every band edge within the months generated.
    birth: fc.option(fc.record({ month: fc.integer({ min: 0, max: 92 * 12 }), day: fc.integer({ min: 1, max: 28 }) }), {
      nil: undefined,
    }),
    studying: fc.boolean(),
  })
  .map((g) => {
    const period = addMonths('2018-01', g.periodOffset);
    return {
      period,
      months: Array.from({ length: g.advance + 1 }, (_, i) => addMonths(period, i)),
      province: g.province,
      categories: g.categories.map((c) => ({
        code: c.code,
        decisionDate: dayOf(c.start, c.day),
        startMonth: c.start,
        ...(c.length === undefined ? {} : { endMonth: addMonths(c.start, c.length) }),
        ...(g.studying ? { studyingRecorded: true } : {}),
      })),
      ...(g.birth ? { dateOfBirth: dayOf(addMonths('1925-01', g.birth.month), g.birth.day) } : {}),
      accountStatus: g.status,
      suspensions: g.suspensions.map((s) => {
        const to = s.length === undefined ? undefined : addMonths(s.from, s.length);
        return to === undefined
          ? { from: s.from }
          : { from: s.from, to, ...(s.resolution ? { resolution: s.resolution } : {}) };
      }),
      ...(g.termination ? { termination: { from: g.termination, reason: 'test' } } : {}),
      ...(g.death ? { dateOfDeath: dayOf(g.death.month, g.death.day) } : {}),
      alreadyPaidMonths: [...new Set(g.paid), ...(g.funeralPaid ? [FUNERAL_MARKER] : [])],
    };
  });

const shuffle = <T>(xs: T[], seed: number): T[] => {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

describe('entitlement properties', () => {
  it('amounts are positive safe integers, total = sum of lines, standard × tenths / 10 exactly', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const r = computeEntitlement(i);
        let sum = 0;
        for (const l of r.lines) {
          expect(Number.isSafeInteger(l.amount) && l.amount > 0).toBe(true);
          expect(l.amount * 10).toBe(l.standard * l.coefficientTenths);
          sum += l.amount;
        }
        expect(r.total).toBe(sum);
      }),
      { numRuns: 300 },
    );
  });

  it('no month twice among MONTHLY/ARREARS/ADVANCE, at most one FUNERAL, already paid never paid', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const r = computeEntitlement(i);
        const monthly = r.lines.filter((l) => l.kind !== 'FUNERAL').map((l) => l.month);
        expect(new Set(monthly).size).toBe(monthly.length);
        const paid = new Set(i.alreadyPaidMonths);
        for (const m of monthly) expect(paid.has(m)).toBe(false);
        const funerals = r.lines.filter((l) => l.kind === 'FUNERAL');
        expect(funerals.length).toBeLessThanOrEqual(1);
        if (paid.has(FUNERAL_MARKER)) expect(funerals).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('kinds follow the period: ARREARS before, MONTHLY on, ADVANCE after; nothing after death or from termination', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const r = computeEntitlement(i);
        for (const l of r.lines) {
          if (l.kind === 'ARREARS') expect(l.month < i.period && l.month >= addMonths(i.period, -36)).toBe(true);
          if (l.kind === 'MONTHLY') expect(l.month).toBe(i.period);
          if (l.kind === 'ADVANCE') expect(l.month > i.period && i.months.includes(l.month)).toBe(true);
          if (l.kind !== 'FUNERAL' && i.dateOfDeath) expect(l.month <= i.dateOfDeath.slice(0, 7)).toBe(true);
          if (l.kind !== 'FUNERAL' && i.termination) expect(l.month < i.termination.from).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is independent of the input order of categories, months, suspensions and ledger entries', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 1, max: 1_000_000 }), (i, seed) => {
        const shuffled: EntitlementInput = {
          ...i,
          categories: shuffle(i.categories, seed),
          months: shuffle(i.months, seed + 1),
          suspensions: shuffle(i.suspensions ?? [], seed + 2),
          alreadyPaidMonths: shuffle(i.alreadyPaidMonths, seed + 3),
        };
        expect(computeEntitlement(shuffled)).toEqual(computeEntitlement(i));
      }),
      { numRuns: 300 },
    );
  });

  it('paying the lines and recomputing the same cycle pays nothing more', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const first = computeEntitlement(i);
        const ledger = [
          ...i.alreadyPaidMonths,
          ...first.lines.map((l) => (l.kind === 'FUNERAL' ? FUNERAL_MARKER : l.month)),
        ];
        const again = computeEntitlement({ ...i, alreadyPaidMonths: [...new Set(ledger)] });
        expect(again.lines).toEqual([]);
        expect(again.total).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('with a date of birth, no month is paid under a category whose age band the person has passed', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        fc.pre(i.dateOfBirth !== undefined);
        const r = computeEntitlement(i);
        for (const l of r.lines) {
          if (l.kind === 'FUNERAL') continue;
          const tops = categoryRule(l.categoryCode)?.ageBands?.map((b) => b.to) ?? [undefined];
          if (tops.some((t) => t === undefined)) continue;
          expect(ageForMonth(i.dateOfBirth as string, l.month)).toBeLessThanOrEqual(Math.max(...(tops as number[])));
        }
      }),
      { numRuns: 300 },
    );
  });
});
