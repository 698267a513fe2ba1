import { describe, expect, it } from '@jest/globals';
import type { AccountStatus } from '../../../functions/accounts/account-store.js';
import {
  computeEntitlement,
  type EntitlementAccountStatus,
  type EntitlementInput,
  type EntitlementResult,
  FUNERAL_MARKER,
} from '../../../functions/entitlements/entitlement.js';
import { rulesVersion } from '../../../functions/entitlements/rules.js';
import { Finding } from '../../../schemas/messages.js';

// Drift guard: the entitlement's account status mirrors the account store's, both ways.
const _toStore: AccountStatus = 'ACTIVE' as EntitlementAccountStatus;
const _fromStore: EntitlementAccountStatus = 'ACTIVE' as AccountStatus;
void _toStore;
void _fromStore;

/** Aged 80+ without a pension (coefficient 1.0) in TP. Hồ Chí Minh (no provincial level), decided 2025-03-15. */
function input(over: Partial<EntitlementInput> = {}): EntitlementInput {
  return {
    period: '2025-03',
    months: [over.period ?? '2025-03'],
    province: '79',
    categories: [{ code: 'NCT_80', decisionDate: '2025-03-15', startMonth: '2025-03' }],
    accountStatus: 'ACTIVE',
    alreadyPaidMonths: [],
    ...over,
  };
}

const codes = (r: EntitlementResult) => r.findings.map((f) => f.code);
const summary = (r: EntitlementResult) => r.lines.map((l) => `${l.kind} ${l.month} ${l.categoryCode} ${l.amount}`);
/** Every month before `period` back to `from`, already paid. */
function paidFrom(from: string, toExclusive: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  for (;;) {
    const s = `${y}-${String(m).padStart(2, '0')}`;
    if (s >= toExclusive) return out;
    out.push(s);
    m += 1;
    if (m === 13) [y, m] = [y + 1, 1];
  }
}

describe('amounts by period and province', () => {
  it.each([
    ['2021-06', 'KT_NANG', 405_000], // 270,000 × 1.5
    ['2021-07', 'KT_NANG', 540_000], // 360,000 × 1.5
    ['2024-06', 'TE_DUOI_4', 900_000], // 360,000 × 2.5
    ['2024-07', 'TE_DUOI_4', 1_250_000], // 500,000 × 2.5
    ['2021-06', 'TE_DUOI_4', 675_000], // 270,000 × 2.5
  ])('%s %s → %i', (period, code, amount) => {
    const r = computeEntitlement(
      input({ period, months: [period], categories: [{ code, decisionDate: `${period}-01`, startMonth: period }] }),
    );
    expect(summary(r)).toEqual([`MONTHLY ${period} ${code} ${amount}`]);
    expect(r.total).toBe(amount);
  });

  it('Hà Nội: 500,000 × 2.0 in 2025-12, 650,000 × 2.0 from 2026-01', () => {
    const cats = [{ code: 'NCT_NGHEO_80', decisionDate: '2025-01-10', startMonth: '2025-01' }];
    const dec = computeEntitlement(
      input({
        province: '01',
        period: '2025-12',
        months: ['2025-12'],
        categories: cats,
        alreadyPaidMonths: paidFrom('2025-01', '2025-12'),
      }),
    );
    const jan = computeEntitlement(
      input({
        province: '01',
        period: '2026-01',
        months: ['2026-01'],
        categories: cats,
        alreadyPaidMonths: paidFrom('2025-01', '2026-01'),
      }),
    );
    expect(dec.lines).toEqual([
      expect.objectContaining({ standard: 500_000, amount: 1_000_000, coefficientTenths: 20 }),
    ]);
    expect(jan.lines).toEqual([
      expect.objectContaining({ standard: 650_000, amount: 1_300_000, ruleId: '01-STD-2026-01', kind: 'MONTHLY' }),
    ]);
    expect(jan.lines[0]?.legalBasis).toContain('Hà Nội');
  });

  it('Hải Phòng 2026-01: 700,000 × 1.5 = 1,050,000', () => {
    const r = computeEntitlement(
      input({
        province: '31',
        period: '2026-01',
        months: ['2026-01'],
        categories: [{ code: 'KT_NANG', decisionDate: '2026-01-20', startMonth: '2026-01' }],
      }),
    );
    expect(r.lines).toEqual([expect.objectContaining({ standard: 700_000, amount: 1_050_000 })]);
  });

  it('a province without its own level: 500,000 in 2026-01', () => {
    const r = computeEntitlement(
      input({
        province: '48',
        period: '2026-01',
        months: ['2026-01'],
        categories: [{ code: 'KT_NANG', decisionDate: '2026-01-20', startMonth: '2026-01' }],
      }),
    );
    expect(r.lines[0]).toMatchObject({ standard: 500_000, amount: 750_000, ruleId: 'VN-STD-2024-07' });
  });

  it('every line records the legal basis, the rule id and the rules version', () => {
    const [line] = computeEntitlement(input()).lines;
    expect(line).toMatchObject({ rulesVersion: rulesVersion(), ruleId: 'VN-STD-2024-07' });
    expect(line?.legalBasis).toContain('76/2024');
  });
});

describe('categories', () => {
  it('several categories: one allowance at the highest coefficient', () => {
    const r = computeEntitlement(
      input({
        categories: [
          { code: 'NCT_80', decisionDate: '2025-03-01', startMonth: '2025-03' },
          { code: 'KT_DAC_BIET_NANG_TE_NCT', decisionDate: '2025-03-01', startMonth: '2025-03' },
          { code: 'KT_NANG_TE_NCT', decisionDate: '2025-03-01', startMonth: '2025-03' },
        ],
      }),
    );
    expect(summary(r)).toEqual(['MONTHLY 2025-03 KT_DAC_BIET_NANG_TE_NCT 1250000']);
  });

  it('the highest coefficient is chosen per month, among the categories active that month', () => {
    const r = computeEntitlement(
      input({
        period: '2025-05',
        months: ['2025-05'],
        categories: [
          { code: 'NCT_80', decisionDate: '2025-03-01', startMonth: '2025-03' },
          { code: 'KT_NANG', decisionDate: '2025-04-10', startMonth: '2025-04', endMonth: '2025-04' },
        ],
      }),
    );
    expect(summary(r)).toEqual([
      'ARREARS 2025-03 NCT_80 500000',
      'ARREARS 2025-04 KT_NANG 750000',
      'MONTHLY 2025-05 NCT_80 500000',
    ]);
  });

  it('a decision signed mid-month (31st) pays that whole month', () => {
    const r = computeEntitlement(
      input({ categories: [{ code: 'NCT_80', decisionDate: '2025-03-31', startMonth: '2025-03' }] }),
    );
    expect(summary(r)).toEqual(['MONTHLY 2025-03 NCT_80 500000']);
  });

  it('a decision signed next month: nothing yet (NOT_STARTED)', () => {
    const r = computeEntitlement(
      input({ categories: [{ code: 'NCT_80', decisionDate: '2025-04-02', startMonth: '2025-04' }] }),
    );
    expect(r.lines).toEqual([]);
    expect(codes(r)).toEqual(['NOT_STARTED']);
    expect(r.withheld).toEqual([{ month: '2025-03', code: 'NOT_STARTED' }]);
  });

  it('a start month before the decision is corrected to the decision month', () => {
    const r = computeEntitlement(
      input({ categories: [{ code: 'NCT_80', decisionDate: '2025-03-05', startMonth: '2025-01' }] }),
    );
    expect(summary(r)).toEqual(['MONTHLY 2025-03 NCT_80 500000']);
    expect(codes(r)).toEqual(['START_BEFORE_DECISION']);
  });

  it('after endMonth: CATEGORY_ENDED', () => {
    const r = computeEntitlement(
      input({
        categories: [{ code: 'NCT_80', decisionDate: '2025-01-05', startMonth: '2025-01', endMonth: '2025-02' }],
        alreadyPaidMonths: ['2025-01', '2025-02'],
      }),
    );
    expect(r.lines).toEqual([]);
    expect(codes(r)).toEqual(['CATEGORY_ENDED']);
  });

  it('unknown category codes are reported, not paid', () => {
    const r = computeEntitlement(
      input({ categories: [{ code: 'XYZ', decisionDate: '2025-03-01', startMonth: '2025-03' }] }),
    );
    expect(r.lines).toEqual([]);
    expect(codes(r)).toContain('UNKNOWN_CATEGORY');
  });

  it('no category at all: NO_CATEGORY', () => {
    const r = computeEntitlement(input({ categories: [] }));
    expect(r.total).toBe(0);
    expect(codes(r)).toContain('NO_CATEGORY');
  });
});

describe('death and funeral support', () => {
  const died = (over: Partial<EntitlementInput> = {}) =>
    computeEntitlement(
      input({
        period: '2025-03',
        months: ['2025-03', '2025-04'],
        categories: [{ code: 'NCT_80', decisionDate: '2025-01-10', startMonth: '2025-01' }],
        alreadyPaidMonths: ['2025-01', '2025-02'],
        dateOfDeath: '2025-03-31',
        accountStatus: 'CLOSED',
        ...over,
      }),
    );

  it('death on 2025-03-31: March paid, April not, funeral 20 × 500,000 once', () => {
    const r = died();
    expect(summary(r)).toEqual(['MONTHLY 2025-03 NCT_80 500000', 'FUNERAL 2025-03 NCT_80 10000000']);
    expect(r.lines[1]).toMatchObject({
      coefficientTenths: 200,
      standard: 500_000,
      ruleId: 'VN-FUNERAL-2021-07+VN-STD-2024-07',
    });
    expect(r.withheld).toEqual([{ month: '2025-04', code: 'DECEASED' }]);
    expect(codes(r)).toEqual(['DECEASED']);
    expect(r.findings[0]?.message.vi).toContain('31/03/2025');
    expect(r.total).toBe(10_500_000);
  });

  it('funeral is paid once: the FUNERAL marker in the ledger stops it', () => {
    const r = died({
      period: '2025-04',
      months: ['2025-04'],
      alreadyPaidMonths: ['2025-01', '2025-02', '2025-03', FUNERAL_MARKER],
    });
    expect(r.lines).toEqual([]);
    expect(codes(r)).toEqual(['DECEASED', 'FUNERAL_ALREADY_PAID']);
  });

  it('a death reported late: unpaid months up to the death are arrears, funeral at the standard of the month of death', () => {
    const r = died({
      period: '2024-09',
      months: ['2024-09'],
      categories: [{ code: 'NCT_80', decisionDate: '2024-01-10', startMonth: '2024-01' }],
      alreadyPaidMonths: paidFrom('2024-01', '2024-05'),
      dateOfDeath: '2024-06-15',
    });
    expect(summary(r)).toEqual([
      'ARREARS 2024-05 NCT_80 360000',
      'ARREARS 2024-06 NCT_80 360000',
      'FUNERAL 2024-06 NCT_80 7200000',
    ]);
  });

  it('funeral in Hà Nội uses the provincial standard', () => {
    const r = died({
      province: '01',
      period: '2026-02',
      months: ['2026-02'],
      categories: [{ code: 'NCT_80', decisionDate: '2025-01-10', startMonth: '2025-01' }],
      alreadyPaidMonths: paidFrom('2025-01', '2026-02'),
      dateOfDeath: '2026-02-03',
    });
    expect(summary(r)).toEqual(['MONTHLY 2026-02 NCT_80 650000', 'FUNERAL 2026-02 NCT_80 13000000']);
  });

  it('no funeral support when not a beneficiary in the month of death', () => {
    const r = died({ termination: { from: '2025-02', reason: 'moved abroad' }, alreadyPaidMonths: ['2025-01'] });
    expect(r.lines).toEqual([]);
    expect(codes(r)).toEqual(expect.arrayContaining(['TERMINATED', 'FUNERAL_NOT_ELIGIBLE']));
  });

  it('months already paid after the death are reported for recovery', () => {
    const r = died({ alreadyPaidMonths: ['2025-01', '2025-02', '2025-03', '2025-04'], months: ['2025-03'] });
    expect(codes(r)).toContain('PAID_AFTER_END');
    expect(summary(r)).toEqual(['FUNERAL 2025-03 NCT_80 10000000']);
  });
});

describe('suspension (tạm dừng) and termination (thôi hưởng)', () => {
  const base = (over: Partial<EntitlementInput>) =>
    input({
      period: '2025-06',
      months: ['2025-06'],
      categories: [{ code: 'KT_NANG', decisionDate: '2025-01-10', startMonth: '2025-01' }],
      alreadyPaidMonths: ['2025-01', '2025-02'],
      ...over,
    });

  it('still suspended: nothing paid, months held', () => {
    const r = computeEntitlement(base({ accountStatus: 'SUSPENDED', suspensions: [{ from: '2025-03' }] }));
    expect(r.lines).toEqual([]);
    expect(codes(r)).toEqual(['SUSPENDED']);
    expect(r.withheld.map((w) => `${w.month} ${w.code}`)).toEqual([
      '2025-03 SUSPENDED',
      '2025-04 SUSPENDED',
      '2025-05 SUSPENDED',
      '2025-06 SUSPENDED',
    ]);
  });

  it('resumed with arrears: the suspended months are paid as ARREARS', () => {
    const r = computeEntitlement(
      base({
        suspensions: [{ from: '2025-03', to: '2025-04', resolution: 'RESUMED_WITH_ARREARS' }],
        alreadyPaidMonths: ['2025-01', '2025-02', '2025-05'],
      }),
    );
    expect(summary(r)).toEqual([
      'ARREARS 2025-03 KT_NANG 750000',
      'ARREARS 2025-04 KT_NANG 750000',
      'MONTHLY 2025-06 KT_NANG 750000',
    ]);
    expect(r.findings).toEqual([]);
  });

  it('resumed without arrears: the suspended months are forfeited', () => {
    const r = computeEntitlement(
      base({
        suspensions: [{ from: '2025-03', to: '2025-04', resolution: 'RESUMED_WITHOUT_ARREARS' }],
        alreadyPaidMonths: ['2025-01', '2025-02', '2025-05'],
      }),
    );
    expect(summary(r)).toEqual(['MONTHLY 2025-06 KT_NANG 750000']);
    expect(codes(r)).toEqual(['SUSPENDED_WITHOUT_ARREARS']);
    expect(r.withheld).toEqual([
      { month: '2025-03', code: 'SUSPENDED_WITHOUT_ARREARS' },
      { month: '2025-04', code: 'SUSPENDED_WITHOUT_ARREARS' },
    ]);
  });

  it('a status of SUSPENDED without an open suspension pays nothing (fail closed) and says so', () => {
    const r = computeEntitlement(
      base({ accountStatus: 'SUSPENDED', alreadyPaidMonths: paidFrom('2025-01', '2025-06') }),
    );
    expect(r.lines).toEqual([]);
    expect(codes(r)).toEqual(['STATUS_MISMATCH', 'SUSPENDED']);
  });

  it('an ACTIVE account with an open suspension is still held', () => {
    const r = computeEntitlement(
      base({ suspensions: [{ from: '2025-06' }], alreadyPaidMonths: paidFrom('2025-01', '2025-06') }),
    );
    expect(r.lines).toEqual([]);
    expect(codes(r)).toEqual(['STATUS_MISMATCH', 'SUSPENDED']);
  });

  it('termination stops payment permanently from its month', () => {
    const r = computeEntitlement(
      base({
        accountStatus: 'CLOSED',
        termination: { from: '2025-04', reason: 'có lương hưu' },
        months: ['2025-06', '2025-07'],
      }),
    );
    expect(summary(r)).toEqual(['ARREARS 2025-03 KT_NANG 750000']);
    expect(codes(r)).toEqual(['TERMINATED']);
    expect(r.findings[0]?.message.vi).toContain('có lương hưu');
  });

  it('a CLOSED account with no termination or death pays nothing', () => {
    const r = computeEntitlement(base({ accountStatus: 'CLOSED' }));
    expect(r.lines).toEqual([]);
    expect(codes(r)).toContain('ACCOUNT_CLOSED');
  });
});

describe('arrears, advances, already paid', () => {
  it('arrears look back at most 36 months; older ones are reported', () => {
    const r = computeEntitlement(
      input({
        period: '2025-03',
        months: ['2025-03'],
        categories: [{ code: 'NCT_80', decisionDate: '2021-01-04', startMonth: '2021-01' }],
      }),
    );
    const arrears = r.lines.filter((l) => l.kind === 'ARREARS');
    expect(arrears).toHaveLength(36);
    expect(arrears[0]?.month).toBe('2022-03');
    expect(arrears.at(-1)?.month).toBe('2025-02');
    expect(arrears[0]?.amount).toBe(360_000); // arrears at the level of the month owed
    expect(arrears.at(-1)?.amount).toBe(500_000);
    expect(codes(r)).toEqual(['ARREARS_CAPPED']);
    expect(r.withheld.filter((w) => w.code === 'ARREARS_CAPPED')).toHaveLength(14); // 2021-01 … 2022-02
    expect(r.findings[0]?.message.en).toContain('2021-01…2022-02');
  });

  it('Tet payment: the period is MONTHLY, later months ADVANCE', () => {
    const r = computeEntitlement(
      input({
        period: '2026-01',
        months: ['2026-03', '2026-01', '2026-02'],
        province: '01',
        categories: [{ code: 'TE_4_16', decisionDate: '2025-12-20', startMonth: '2025-12' }],
        alreadyPaidMonths: ['2025-12'],
      }),
    );
    expect(summary(r)).toEqual([
      'MONTHLY 2026-01 TE_4_16 975000',
      'ADVANCE 2026-02 TE_4_16 975000',
      'ADVANCE 2026-03 TE_4_16 975000',
    ]);
    expect(r.total).toBe(2_925_000);
  });

  it('an advance paid in the last cycle is not paid again', () => {
    const r = computeEntitlement(
      input({ period: '2025-04', months: ['2025-04', '2025-05'], alreadyPaidMonths: ['2025-03', '2025-04'] }),
    );
    expect(summary(r)).toEqual(['ADVANCE 2025-05 NCT_80 500000']);
    expect(codes(r)).toEqual(['ALREADY_PAID']);
  });

  it('everything already paid: nothing, ALREADY_PAID', () => {
    const r = computeEntitlement(input({ alreadyPaidMonths: ['2025-03'] }));
    expect(r.lines).toEqual([]);
    expect(r.total).toBe(0);
    expect(codes(r)).toEqual(['ALREADY_PAID']);
  });

  it('an advance never runs past death', () => {
    const r = computeEntitlement(
      input({ period: '2025-03', months: ['2025-03', '2025-04', '2025-05'], dateOfDeath: '2025-04-01' }),
    );
    expect(summary(r)).toEqual([
      'MONTHLY 2025-03 NCT_80 500000',
      'ADVANCE 2025-04 NCT_80 500000',
      'FUNERAL 2025-04 NCT_80 10000000',
    ]);
  });
});

describe('findings and validation', () => {
  it('findings are valid bilingual Findings', () => {
    const r = computeEntitlement(
      input({
        accountStatus: 'SUSPENDED',
        categories: [{ code: 'XYZ', decisionDate: '2025-03-01', startMonth: '2025-03' }],
      }),
    );
    for (const f of r.findings) expect(Finding.parse(f)).toEqual(f);
  });

  it.each<[string, Partial<EntitlementInput>]>([
    ['period not in months', { months: ['2025-04'] }],
    ['month before period', { months: ['2025-03', '2025-02'] }],
    ['repeated month', { months: ['2025-03', '2025-03'] }],
    ['bad period', { period: '2025-3', months: ['2025-3'] }],
    ['unknown province', { province: '99' }],
    ['impossible death date', { dateOfDeath: '2025-02-29' }],
    ['resolved suspension without end', { suspensions: [{ from: '2025-01', resolution: 'RESUMED_WITH_ARREARS' }] }],
    ['bad ledger key', { alreadyPaidMonths: ['2025/03'] }],
  ])('rejects %s', (_name, over) => {
    expect(() => computeEntitlement(input(over))).toThrow();
  });
});
