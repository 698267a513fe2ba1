/**
 * Age over time in the entitlement engine, month by month: each month uses the age on the last day of the
 * month before, so a birthday changes the category from the month AFTER the birthday's month.
 */
import { describe, expect, it } from '@jest/globals';
import {
  computeEntitlement,
  describeAgeChange,
  type EntitlementCategory,
  type EntitlementInput,
} from '../../../functions/entitlements/entitlement.js';
import { addMonths } from '../../../functions/entitlements/months.js';

/** TP. Hồ Chí Minh: the national standard, 500,000 VND from 2024-07. */
const base = (dateOfBirth: string | undefined, categories: EntitlementCategory[]) =>
  ({
    province: '79',
    categories,
    accountStatus: 'ACTIVE',
    ...(dateOfBirth ? { dateOfBirth } : {}),
  }) satisfies Partial<EntitlementInput>;

/**
 * Runs one cycle per month from `from` to `to`, each paying the month with every earlier month already
 * paid, and reports each month as "CODE amount" or the withheld code.
 */
function monthByMonth(dateOfBirth: string | undefined, categories: EntitlementCategory[], from: string, to: string) {
  const out: Record<string, string> = {};
  const paid: string[] = [];
  for (let month = from; month <= to; month = addMonths(month, 1)) {
    const r = computeEntitlement({
      ...base(dateOfBirth, categories),
      period: month,
      months: [month],
      alreadyPaidMonths: [...paid, ...monthsBefore(categories, from)],
    });
    const line = r.lines.find((l) => l.month === month);
    out[month] = line
      ? `${line.categoryCode} ${line.amount}`
      : (r.withheld.find((w) => w.month === month)?.code ?? 'NONE');
    paid.push(month);
  }
  return out;
}

/** Every month from the earliest start to before `from`: already paid, so no arrears cloud the table. */
function monthsBefore(categories: EntitlementCategory[], from: string): string[] {
  const start = categories.map((c) => c.startMonth).sort()[0] as string;
  const out: string[] = [];
  for (let m = start; m < from; m = addMonths(m, 1)) out.push(m);
  return out;
}

describe('a child across the 4th birthday (15/04/2026)', () => {
  const te = [{ code: 'TE_DUOI_4', decisionDate: '2024-09-10', startMonth: '2024-09' }];
  it('2.5 through April, 1.5 (4-16) from May', () => {
    expect(monthByMonth('2022-04-15', te, '2026-02', '2026-06')).toEqual({
      '2026-02': 'TE_DUOI_4 1250000',
      '2026-03': 'TE_DUOI_4 1250000',
      '2026-04': 'TE_DUOI_4 1250000',
      '2026-05': 'TE_4_16 750000',
      '2026-06': 'TE_4_16 750000',
    });
  });
  it('a birthday on the 1st still changes from the month after', () => {
    const t = monthByMonth('2022-04-01', te, '2026-03', '2026-05');
    expect(t['2026-04']).toBe('TE_DUOI_4 1250000');
    expect(t['2026-05']).toBe('TE_4_16 750000');
  });
  it('a birthday on the last day of March changes from April', () => {
    const t = monthByMonth('2022-03-31', te, '2026-03', '2026-04');
    expect(t).toEqual({ '2026-03': 'TE_DUOI_4 1250000', '2026-04': 'TE_4_16 750000' });
  });
});

describe('a child across the 16th birthday (20/06/2026)', () => {
  const te = (studyingRecorded?: boolean) => [
    {
      code: 'TE_4_16',
      decisionDate: '2024-09-01',
      startMonth: '2024-09',
      ...(studyingRecorded ? { studyingRecorded } : {}),
    },
  ];
  it('paid through June, the month of the birthday; nothing from July', () => {
    expect(monthByMonth('2010-06-20', te(), '2026-05', '2026-08')).toEqual({
      '2026-05': 'TE_4_16 750000',
      '2026-06': 'TE_4_16 750000',
      '2026-07': 'AGED_OUT',
      '2026-08': 'AGED_OUT',
    });
    const r = computeEntitlement({
      ...base('2010-06-20', te()),
      period: '2026-07',
      months: ['2026-07'],
      alreadyPaidMonths: monthsBefore(te(), '2026-07'),
    });
    expect(r.total).toBe(0);
    expect(r.findings.map((f) => f.code)).toEqual(['AGED_OUT', 'AGE_CHANGE']);
    expect(r.ageChanges).toEqual([
      { month: '2026-07', enrolledCode: 'TE_4_16', from: 'TE_4_16', age: 16, coefficientTenths: 0 },
    ]);
    expect(describeAgeChange(r.ageChanges?.[0] as never)).toEqual({
      vi: 'từ tháng 07/2026: thôi hưởng TE_4_16 vì đủ 16 tuổi',
      en: 'from 07/2026: TE_4_16 ends, aged 16',
    });
  });
  it('with a studying extension recorded: 16-22 from July, to the month of the 23rd birthday', () => {
    expect(monthByMonth('2010-06-20', te(true), '2026-06', '2026-07')).toEqual({
      '2026-06': 'TE_4_16 750000',
      '2026-07': 'TN_16_22 750000',
    });
    expect(monthByMonth('2010-06-20', te(true), '2033-06', '2033-07')).toEqual({
      '2033-06': 'TN_16_22 750000',
      '2033-07': 'AGED_OUT',
    });
  });
  it('another category without an age goes on paying after the child ages out', () => {
    const both = [...te(), { code: 'KT_NANG', decisionDate: '2024-09-01', startMonth: '2024-09' }];
    expect(monthByMonth('2010-06-20', both, '2026-06', '2026-07')).toEqual({
      '2026-06': 'KT_NANG 750000', // equal coefficients: the smaller code
      '2026-07': 'KT_NANG 750000',
    });
  });
});

describe('a poor elderly person across the 80th birthday (10/04/2026)', () => {
  const nct = [{ code: 'NCT_NGHEO_60_80', decisionDate: '2025-01-05', startMonth: '2025-01' }];
  it('1.5 through April, 2.0 from May', () => {
    expect(monthByMonth('1946-04-10', nct, '2026-03', '2026-06')).toEqual({
      '2026-03': 'NCT_NGHEO_60_80 750000',
      '2026-04': 'NCT_NGHEO_60_80 750000',
      '2026-05': 'NCT_NGHEO_80 1000000',
      '2026-06': 'NCT_NGHEO_80 1000000',
    });
  });
  it('the change is in the result and its finding, in the words of the history', () => {
    const r = computeEntitlement({
      ...base('1946-04-10', nct),
      period: '2026-05',
      months: ['2026-05'],
      alreadyPaidMonths: monthsBefore(nct, '2026-05'),
    });
    expect(r.ageChanges).toEqual([
      {
        month: '2026-05',
        enrolledCode: 'NCT_NGHEO_60_80',
        from: 'NCT_NGHEO_60_80',
        to: 'NCT_NGHEO_80',
        age: 80,
        coefficientTenths: 20,
      },
    ]);
    const f = r.findings.find((x) => x.code === 'AGE_CHANGE');
    expect(f?.message.vi).toBe('từ tháng 05/2026: hệ số 2,0 vì đủ 80 tuổi (NCT_NGHEO_60_80 → NCT_NGHEO_80)');
    expect(f?.message.en).toBe('from 05/2026: coefficient 2.0, aged 80 (NCT_NGHEO_60_80 → NCT_NGHEO_80)');
  });
  it('arrears across the birthday are paid at the coefficient of each month owed', () => {
    const r = computeEntitlement({
      ...base('1946-04-10', nct),
      period: '2026-06',
      months: ['2026-06'],
      alreadyPaidMonths: monthsBefore(nct, '2026-04'),
    });
    expect(r.lines.map((l) => `${l.kind} ${l.month} ${l.categoryCode} ${l.amount}`)).toEqual([
      'ARREARS 2026-04 NCT_NGHEO_60_80 750000',
      'ARREARS 2026-05 NCT_NGHEO_80 1000000',
      'MONTHLY 2026-06 NCT_NGHEO_80 1000000',
    ]);
  });
  it('without a date of birth, categories stay as enrolled', () => {
    expect(monthByMonth(undefined, nct, '2026-04', '2026-05')).toEqual({
      '2026-04': 'NCT_NGHEO_60_80 750000',
      '2026-05': 'NCT_NGHEO_60_80 750000',
    });
  });
});

describe('never backwards', () => {
  it('a child enrolled as 4-16 on the day after the 4th birthday is paid 4-16 in that month', () => {
    const te = [{ code: 'TE_4_16', decisionDate: '2026-04-20', startMonth: '2026-04' }];
    expect(monthByMonth('2022-04-10', te, '2026-04', '2026-05')).toEqual({
      '2026-04': 'TE_4_16 750000',
      '2026-05': 'TE_4_16 750000',
    });
  });
  it('aged 80+ (no upper bound) never changes', () => {
    const nct = [{ code: 'NCT_80', decisionDate: '2025-03-15', startMonth: '2025-03' }];
    const t = monthByMonth('1930-01-05', nct, '2026-01', '2026-03');
    expect(Object.values(t)).toEqual(['NCT_80 500000', 'NCT_80 500000', 'NCT_80 500000']);
  });
});
