import { describe, expect, it } from '@jest/globals';
import categoriesJson from '../../../functions/entitlements/data/allowance-categories.json' with { type: 'json' };
import levelsJson from '../../../functions/entitlements/data/standard-levels.json' with { type: 'json' };
import {
  applyTenths,
  arrearsLookBackMonths,
  coefficientTenths,
  funeralRule,
  isKnownCategory,
  rulesVersion,
  standardLevel,
} from '../../../functions/entitlements/rules.js';

describe('standard level (mức chuẩn)', () => {
  it.each([
    ['2021-06', 270_000, 'VN-STD-2014-01'],
    ['2021-07', 360_000, 'VN-STD-2021-07'],
    ['2024-06', 360_000, 'VN-STD-2021-07'],
    ['2024-07', 500_000, 'VN-STD-2024-07'],
    ['2025-12', 500_000, 'VN-STD-2024-07'],
    ['2026-01', 500_000, 'VN-STD-2024-07'],
  ])('national level in %s is %i', (period, amount, ruleId) => {
    // 79 (TP. Hồ Chí Minh) has no level of its own in the data.
    const level = standardLevel('79', period);
    expect(level).toMatchObject({ amount, ruleId, scope: 'NATIONAL' });
    expect(level.legalBasis.length).toBeGreaterThan(0);
  });

  it('cites the decrees', () => {
    expect(standardLevel('79', '2021-07').legalBasis).toContain('20/2021/NĐ-CP');
    expect(standardLevel('79', '2024-07').legalBasis).toContain('76/2024/NĐ-CP');
  });

  it('Hà Nội (01): national 500,000 in 2025-12, its own 650,000 from 2026-01', () => {
    expect(standardLevel('01', '2025-12')).toMatchObject({ amount: 500_000, scope: 'NATIONAL' });
    expect(standardLevel('01', '2026-01')).toMatchObject({
      amount: 650_000,
      scope: 'PROVINCIAL',
      ruleId: '01-STD-2026-01',
      status: 'unconfirmed',
    });
  });

  it('Hải Phòng (31): 700,000 from 2026-01', () => {
    expect(standardLevel('31', '2025-12').amount).toBe(500_000);
    expect(standardLevel('31', '2026-01')).toMatchObject({ amount: 700_000, scope: 'PROVINCIAL' });
    expect(standardLevel('31', '2030-06').amount).toBe(700_000);
  });

  it('a province without its own level gets the national one', () => {
    for (const p of ['04', '48', '79', '96']) expect(standardLevel(p, '2026-01').amount).toBe(500_000);
  });

  it('rejects unknown provinces, old 3-digit codes and malformed periods', () => {
    expect(() => standardLevel('99', '2026-01')).toThrow(RangeError);
    expect(() => standardLevel('001', '2026-01')).toThrow(RangeError);
    expect(() => standardLevel('01', '2026-1')).toThrow(RangeError);
    expect(() => standardLevel('01', '2026-13')).toThrow(RangeError);
  });

  it('has no rule before the first entry', () => {
    expect(() => standardLevel('01', '2013-12')).toThrow(RangeError);
  });
});

describe('data files', () => {
  it('every standard is a multiple of 10 VND, so tenths are exact', () => {
    for (const e of [...levelsJson.national, ...levelsJson.provincial]) expect(e.amount % 10).toBe(0);
  });

  it('entries carry effectiveFrom, amount, legalBasis, status', () => {
    for (const e of [...levelsJson.national, ...levelsJson.provincial]) {
      expect(e).toEqual(
        expect.objectContaining({
          effectiveFrom: expect.any(String),
          amount: expect.any(Number),
          legalBasis: expect.any(String),
          status: expect.any(String),
        }),
      );
    }
  });

  it('versions pin both files', () => {
    expect(levelsJson.version).toBe('2026-01');
    expect(rulesVersion()).toBe(
      `${levelsJson.id}@${levelsJson.version}+${categoriesJson.id}@${categoriesJson.version}`,
    );
  });
});

describe('coefficients', () => {
  it('reads them in tenths', () => {
    expect(coefficientTenths('TE_DUOI_4')).toBe(25);
    expect(coefficientTenths('NCT_80')).toBe(10);
    expect(coefficientTenths('NCT_NUOI_DUONG')).toBe(30);
    expect(coefficientTenths('KT_NANG')).toBe(15);
  });

  it('knows every category of the data file, and only those', () => {
    for (const c of categoriesJson.categories) {
      expect(isKnownCategory(c.code)).toBe(true);
      expect(coefficientTenths(c.code)).toBe(Math.round(Number(c.coefficient) * 10));
    }
    expect(isKnownCategory('NOPE')).toBe(false);
    expect(() => coefficientTenths('NOPE')).toThrow(RangeError);
  });

  it('computes exact integers: 500,000 × 1.5 = 750,000; 270,000 × 2.5 = 675,000', () => {
    expect(applyTenths(500_000, 15)).toBe(750_000);
    expect(applyTenths(270_000, 25)).toBe(675_000);
    expect(() => applyTenths(270_005, 25)).toThrow(RangeError);
  });
});

describe('funeral and policy', () => {
  it('funeral support is 20 × the standard', () => {
    expect(funeralRule('2025-03')).toMatchObject({ multiplier: 20, ruleId: 'VN-FUNERAL-2021-07' });
    expect(funeralRule('2020-03').multiplier).toBe(20);
  });

  it('arrears look back 36 months', () => {
    expect(arrearsLookBackMonths()).toBe(36);
  });
});
