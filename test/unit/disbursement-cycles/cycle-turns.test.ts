/**
 * Which cycles must wait for which (cycle-turns.ts) and which months the ledger holds for a person
 * (paid-months.ts paidMonthsOf): the rules behind "nobody is paid for a month twice", whose gaps the money-path
 * simulation found (test/fixtures/simulation).
 */
import { describe, expect, it } from '@jest/globals';
import type { CaseRecord } from '../../../functions/cases/case-model.js';
import { caseIdFor } from '../../../functions/cases/case-model.js';
import {
  approvalTurn,
  monthlyPeriodsAround,
  supplementaryPeriodsBefore,
} from '../../../functions/disbursement-cycles/cycle-turns.js';
import { type HeldPayment, paidMonthsOf } from '../../../functions/disbursement-cycles/paid-months.js';
import { arrearsLookBackMonths } from '../../../functions/entitlements/rules.js';

describe('cycles taking turns', () => {
  it('a monthly cycle waits for every other monthly cycle within the arrears look-back, either side', () => {
    const around = monthlyPeriodsAround('2026-03');
    expect(arrearsLookBackMonths()).toBe(36);
    expect(around).toHaveLength(72);
    expect(around).not.toContain('2026-03');
    // The gap found: March computed while January's draft awaited approval (two months apart, not one).
    expect(around).toEqual(expect.arrayContaining(['2026-01', '2026-02', '2026-04', '2026-05', '2023-03', '2029-03']));
    expect(around).not.toContain('2023-02');
    expect(around).not.toContain('2029-04');
  });

  it('a monthly cycle waits for a supplementary cycle still taking its cases, of its period or any within the look-back', () => {
    const before = supplementaryPeriodsBefore('2026-03');
    expect(before[0]).toBe('2026-03');
    expect(before).toContain('2026-01'); // the gap found: January's re-issue interrupted while March was computed
    expect(before).toHaveLength(37);
    expect(before.at(-1)).toBe('2023-03');
  });
});

describe('months the ledger holds (paidMonthsOf)', () => {
  const P = 'TCXH_HANG_THANG';
  const pay = (over: Partial<HeldPayment>): HeldPayment => ({
    paymentId: 'P1',
    programme: P,
    period: '2026-01',
    personId: 'PER1',
    state: 'SETTLED',
    cycleId: 'c-jan',
    months: ['2026-01'],
    ...over,
  });
  const caseId = caseIdFor(P, '2026-01', 'PER1');
  const cases = (c?: Pick<CaseRecord, 'state' | 'reissue'>) => (id: string) => (id === caseId ? c : undefined);

  it('paid or possibly paid months count; rejected, returned and never-sent ones are owed again', () => {
    expect(paidMonthsOf([pay({})], cases(), P)).toEqual(['2026-01']);
    expect(paidMonthsOf([pay({ state: 'UNKNOWN' })], cases(), P)).toEqual(['2026-01']);
    for (const state of ['REJECTED', 'RETURNED', 'NOT_SENT'] as const) {
      expect(paidMonthsOf([pay({ state })], cases(), P)).toEqual([]);
    }
    expect(paidMonthsOf([pay({ programme: 'OTHER' })], cases(), P)).toEqual([]);
  });

  it('a re-issue under way owns the failed payment’s months, except for the supplementary cycle computing it', () => {
    const taken = cases({ state: 'REISSUED', reissue: { paymentId: 'R1', cycleId: 'c-bs1' } } as CaseRecord);
    const failed = pay({ state: 'REJECTED', months: ['2025-12', '2026-01'] });
    expect(paidMonthsOf([failed], taken, P).sort()).toEqual(['2025-12', '2026-01']);
    expect(paidMonthsOf([failed], taken, P, { ignoreClaimsOf: 'c-bs1' })).toEqual([]);
    // Its own re-issue, recorded on a recompute after a crash, is what it pays, not what was paid.
    const reissue = pay({ paymentId: 'R1', cycleId: 'c-bs1', state: 'PENDING' });
    expect(paidMonthsOf([failed, reissue], taken, P, { ignoreClaimsOf: 'c-bs1' })).toEqual([]);
    // Released (REISSUE_FAILED, RELEASE): the months are free again.
    expect(paidMonthsOf([failed], cases({ state: 'ACTION_TAKEN' } as CaseRecord), P)).toEqual([]);
  });
});

describe('monthly cycles take turns at approval (approvalTurn)', () => {
  const computedAt = '2026-02-05T03:00:00.000Z';

  it('approves when nobody holds the turn and no cycle closed after the draft was computed', () => {
    expect(approvalTurn('feb', computedAt, {})).toBeUndefined();
    expect(approvalTurn('feb', computedAt, { releasedAt: '2026-02-05T02:59:59.999Z' })).toBeUndefined();
    expect(approvalTurn('feb', computedAt, { releasedAt: computedAt })).toBeUndefined();
  });

  it('refuses while another monthly cycle holds the turn (approved, not closed), but not its holder', () => {
    expect(approvalTurn('feb', computedAt, { holder: 'jan' })).toEqual({ code: 'OTHER_CYCLE_RUNNING', cycleId: 'jan' });
    expect(approvalTurn('jan', computedAt, { holder: 'jan' })).toBeUndefined();
  });

  it('refuses a draft computed before the last cycle closed: it never saw that cycle’s payments', () => {
    // The gap found: January approved and paid after February's draft had already paid January as arrears.
    expect(approvalTurn('feb', computedAt, { releasedAt: '2026-02-05T03:00:00.001Z' })).toEqual({
      code: 'DRAFT_STALE',
      since: '2026-02-05T03:00:00.001Z',
    });
  });
});
