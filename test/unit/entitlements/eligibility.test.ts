import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import categoriesJson from '../../../functions/entitlements/data/allowance-categories.json' with { type: 'json' };
import { ageForMonth, ageOn, checkCategoryAge, describeAgeBands } from '../../../functions/entitlements/eligibility.js';
import { categoryRule } from '../../../functions/entitlements/rules.js';

const DECISION = '2026-04-15';
/** Born so that the birthday of `age` years falls on the decision date (the person turns `age` that day). */
const bornTurning = (age: number) => `${2026 - age}-04-15`;
const dayAfter = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const dayBefore = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

describe('ageOn: whole years, the birthday counts', () => {
  it.each([
    ['1946-04-15', '2026-04-14', 79],
    ['1946-04-15', '2026-04-15', 80],
    ['1946-04-15', '2026-04-16', 80],
    ['2022-04-15', '2026-04-14', 3],
    ['2022-04-15', '2026-04-15', 4],
    ['1930-05-12', '1930-05-12', 0],
    ['1930-05-12', '1930-05-11', -1],
    // 29 February: the birthday is 28 February in a common year, 29 February in a leap year.
    ['1944-02-29', '2024-02-28', 79],
    ['1944-02-29', '2024-02-29', 80],
    ['1945-02-28', '2025-02-27', 79],
    ['1944-02-29', '2025-02-27', 80],
    ['1944-02-29', '2025-02-28', 81],
    ['2000-12-31', '2001-12-30', 0],
    ['2000-12-31', '2001-12-31', 1],
  ])('born %s, on %s: %i', (dob, on, age) => expect(ageOn(dob, on)).toBe(age));

  it('agrees with counting birthdays one by one (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 40_000 }),
        (birth, days) => {
          const dob = birth.toISOString().slice(0, 10);
          const on = new Date(birth.getTime() + days * 86_400_000).toISOString().slice(0, 10);
          let age = 0;
          for (let y = Number(dob.slice(0, 4)) + 1; y <= Number(on.slice(0, 4)); y++) {
            const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
            const md = dob.slice(5) === '02-29' && !leap ? '02-28' : dob.slice(5);
            if (`${y}-${md}` <= on) age++;
          }
          expect(ageOn(dob, on)).toBe(age);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('ageForMonth: the age on the last day of the month before', () => {
  it.each([
    ['1946-04-15', '2026-04', 79],
    ['1946-04-15', '2026-05', 80],
    ['1946-04-01', '2026-04', 79], // a birthday on the 1st still counts from the month after
    ['1946-04-01', '2026-05', 80],
    ['1946-03-31', '2026-04', 80],
    ['2022-01-31', '2026-02', 4],
    ['2022-02-01', '2026-02', 3],
  ])('born %s, month %s: %i', (dob, month, age) => expect(ageForMonth(dob, month)).toBe(age));
});

/**
 * Golden: every category with an age condition, at each edge of each band, the day before, on and after the
 * birthday that opens or closes it. `lower` edges: turning `from` on the decision date is in; the day before
 * the birthday (still `from - 1`) is out. `upper` edges: turning `to + 1` on the decision date is out.
 */
type Row = [code: string, dateOfBirth: string, expected: boolean, age: number];
const golden: Row[] = [];
for (const c of categoriesJson.categories) {
  for (const b of (c as { ageBands?: { from: number; to?: number }[] }).ageBands ?? []) {
    const opens = bornTurning(b.from);
    if (b.from > 0) {
      golden.push([c.code, dayAfter(opens), false, b.from - 1]); // birthday tomorrow
      golden.push([c.code, opens, true, b.from]); // birthday today
      golden.push([c.code, dayBefore(opens), true, b.from]); // birthday yesterday
    } else {
      golden.push([c.code, DECISION, true, 0]); // born on the decision date
    }
    if (b.to !== undefined) {
      const closes = bornTurning(b.to + 1);
      golden.push([c.code, dayAfter(closes), true, b.to]);
      golden.push([c.code, closes, false, b.to + 1]);
      golden.push([c.code, dayBefore(closes), false, b.to + 1]);
    }
  }
}

// Disjoint bands (children or elderly): an adult between them is out.
const between: Row[] = [
  ['KT_NANG_TE_NCT', bornTurning(16), false, 16],
  ['KT_NANG_TE_NCT', dayAfter(bornTurning(60)), false, 59],
  ['KT_DAC_BIET_NANG_TE_NCT', bornTurning(35), false, 35],
];

describe('checkCategoryAge: golden rows at every band edge (decision date 15/04/2026)', () => {
  it('covers the categories named in the issue', () => {
    const codes = new Set(golden.map((r) => r[0]));
    for (const code of [
      'TE_DUOI_4',
      'TE_4_16',
      'TN_16_22',
      'NCT_NGHEO_60_80',
      'NCT_NGHEO_80',
      'NCT_80',
      'HUU_TRI_XA_HOI',
    ]) {
      expect(codes).toContain(code);
    }
  });

  it.each([...golden, ...between])('%s, born %s → eligible %p (age %i)', (code, dob, expected, age) => {
    const r = checkCategoryAge(code, dob, DECISION);
    expect(r.ok).toBe(expected);
    expect(r.age).toBe(age);
  });

  it.each([
    ['NCT_80', bornTurning(80), true],
    ['NCT_80', '1962-01-01', false], // the 64-year-old of the issue
    ['NCT_NGHEO_80', '2016-01-01', false], // the 10-year-old of the issue
    ['NCT_NGHEO_80', '1965-01-01', false], // the 61-year-old of the issue
    ['NCT_NGHEO_60_80', '1965-01-01', true],
    ['HUU_TRI_XA_HOI', bornTurning(75), true],
    ['HUU_TRI_XA_HOI', dayAfter(bornTurning(75)), false],
  ])('%s born %s → %p', (code, dob, ok) => expect(checkCategoryAge(code, dob, DECISION).ok).toBe(ok));

  it('categories without an age condition accept any age; an unknown code is left to the row checks', () => {
    for (const code of ['DON_THAN', 'KT_NANG', 'KT_DAC_BIET_NANG', 'HIV_NGHEO', 'NOT_A_CODE']) {
      expect(checkCategoryAge(code, '2020-01-01', DECISION).ok).toBe(true);
      expect(checkCategoryAge(code, '1920-01-01', DECISION).ok).toBe(true);
    }
  });

  it('the message names the category, the age and the band, Vietnamese first, English beside', () => {
    const r = checkCategoryAge('NCT_NGHEO_80', '2016-01-01', DECISION);
    if (r.ok) throw new Error('expected a mismatch');
    expect(r.finding.code).toBe('CATEGORY_AGE_MISMATCH');
    expect(r.finding.message.vi).toContain('NCT_NGHEO_80');
    expect(r.finding.message.vi).toContain('10 tuổi');
    expect(r.finding.message.vi).toContain('từ đủ 80 tuổi trở lên');
    expect(r.finding.message.vi).toContain('15/04/2026');
    expect(r.finding.message.en).toContain('NCT_NGHEO_80');
    expect(r.finding.message.en).toContain('was 10');
    expect(r.finding.message.en).toContain('aged 80 or over');
    // Never the date of birth itself in a message that travels to reports beyond the officer.
    expect(`${r.finding.message.vi} ${r.finding.message.en}`).not.toContain('2016');
  });
});

describe('age bands as data', () => {
  it('describes bands in both languages', () => {
    expect(describeAgeBands([{ from: 0, to: 3 }])).toEqual({ vi: 'dưới 4 tuổi', en: 'under 4' });
    expect(describeAgeBands([{ from: 60, to: 79 }])).toEqual({ vi: 'từ đủ 60 đến 79 tuổi', en: 'aged 60 to 79' });
    expect(describeAgeBands([{ from: 0, to: 15 }, { from: 60 }])).toEqual({
      vi: 'dưới 16 tuổi hoặc từ đủ 60 tuổi trở lên',
      en: 'under 16 or aged 60 or over',
    });
  });

  it('every category carries its legal basis; declared conditions are named in both languages', () => {
    for (const c of categoriesJson.categories) {
      const rule = categoryRule(c.code);
      expect(rule?.legalBasis).toMatch(/Decree|Law/);
      for (const d of rule?.declared ?? []) {
        expect(d.vi.length).toBeGreaterThan(0);
        expect(d.en.length).toBeGreaterThan(0);
      }
    }
    expect(categoryRule('NCT_NGHEO_80')?.declared.map((d) => d.code)).toEqual([
      'POOR_HOUSEHOLD',
      'NO_ONE_OBLIGED_TO_SUPPORT',
    ]);
    expect(categoryRule('TN_16_22')?.declared.map((d) => d.code)).toContain('STUDYING');
    expect(categoryRule('TE_DUOI_4')?.legalBasis).toContain('Decree 76/2024');
    expect(categoryRule('HUU_TRI_XA_HOI')?.legalBasis).toContain('Decree 176/2025');
  });
});
