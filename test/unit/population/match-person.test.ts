import { describe, expect, it } from '@jest/globals';
import { formatDateVi, matchPerson } from '../../../functions/population/match-person.js';
import { type CandidateBeneficiary, RowVerdict } from '../../../schemas/beneficiary-lists.js';
import { Finding } from '../../../schemas/messages.js';
import type { RegistryPerson } from '../../../schemas/population-registry.js';

const ID = '079130796635';

function candidate(over: Partial<CandidateBeneficiary> = {}): CandidateBeneficiary {
  return {
    line: 2,
    personalId: ID,
    fullName: 'Hoàng Thanh Minh Ánh',
    dateOfBirth: '1930-01-05',
    gender: 'F',
    categoryCode: 'NCT_80',
    decisionDate: '2025-08-01',
    paymentMethod: 'POST_OFFICE',
    communeCode: '26734',
    ...over,
  };
}

function person(over: Partial<RegistryPerson> = {}): RegistryPerson {
  return {
    personalId: ID,
    fullName: 'Hoàng Thanh Minh Ánh',
    dateOfBirth: '1930-01-05',
    gender: 'F',
    status: 'alive',
    residenceProvinceCode: '79',
    ...over,
  };
}

/** Every finding is well-formed and leaks neither the identity number nor a name. */
function expectClean(findings: Finding[], names: string[] = []) {
  for (const f of findings) {
    expect(Finding.safeParse(f).success).toBe(true);
    for (const text of [f.message.vi, f.message.en]) {
      expect(text).not.toContain(ID);
      expect(text).not.toMatch(/\d{9,}/);
      for (const n of names) {
        // Neither the full name nor the given name (the last word) appears.
        expect(text.normalize('NFC')).not.toContain(n);
        expect(text.normalize('NFC')).not.toContain(` ${n.split(' ').at(-1)}`);
      }
    }
  }
}

describe('matchPerson outcomes', () => {
  it('ACCEPTED when everything matches, with no findings and no flags', () => {
    const r = matchPerson(candidate(), person(), { uploaderProvince: '79' });
    expect(r).toEqual({ outcome: 'ACCEPTED', findings: [], flags: [] });
    // The result slots into a RowVerdict as-is.
    expect(RowVerdict.safeParse({ line: 2, ...r }).success).toBe(true);
  });

  it('NOT_IN_REGISTRY when the registry has no record', () => {
    const r = matchPerson(candidate(), null, { uploaderProvince: '01' });
    expect(r.outcome).toBe('NOT_IN_REGISTRY');
    expect(r.findings.map((f) => f.code)).toEqual(['NOT_IN_REGISTRY']);
    expect(r.flags).toEqual([]);
    expectClean(r.findings);
  });

  it('DECEASED, with the date of death as dd/mm/yyyy in both languages', () => {
    const r = matchPerson(candidate(), person({ status: 'deceased', dateOfDeath: '2026-01-06' }), {});
    expect(r.outcome).toBe('DECEASED');
    expect(r.findings).toHaveLength(1);
    const [f] = r.findings as [Finding];
    expect(f.code).toBe('DECEASED');
    expect(f.message.vi).toContain('06/01/2026');
    expect(f.message.vi).toContain('đã mất');
    expect(f.message.en).toContain('06/01/2026');
    expectClean(r.findings, ['Hoàng Thanh Minh Ánh']);
  });

  it('DECEASED without a recorded date of death still says so', () => {
    const r = matchPerson(candidate(), person({ status: 'deceased' }), {});
    expect(r.outcome).toBe('DECEASED');
    expect(r.findings[0]?.message.vi).toContain('không rõ ngày mất');
  });

  it('DECEASED wins over mismatches, which are still listed after it', () => {
    const r = matchPerson(
      candidate({ fullName: 'Trần Văn Bình', dateOfBirth: '1931-01-05', gender: 'M' }),
      person({ status: 'deceased', dateOfDeath: '2025-09-16' }),
      { uploaderProvince: '01' },
    );
    expect(r.outcome).toBe('DECEASED');
    expect(r.findings.map((f) => f.code)).toEqual([
      'DECEASED',
      'NAME_MISMATCH',
      'DATE_OF_BIRTH_MISMATCH',
      'GENDER_MISMATCH',
    ]);
    expect(r.flags.map((f) => f.code)).toEqual(['RESIDENT_OUTSIDE_JURISDICTION']);
    expectClean([...r.findings, ...r.flags], ['Trần Văn Bình', 'Hoàng Thanh Minh Ánh']);
  });

  it('NAME_MISMATCH for a different name, without quoting either name', () => {
    const r = matchPerson(candidate({ fullName: 'Lê Thị Mai' }), person(), {});
    expect(r.outcome).toBe('NAME_MISMATCH');
    expect(r.findings.map((f) => f.code)).toEqual(['NAME_MISMATCH']);
    expect(r.findings[0]?.message.vi).toContain('Họ tên');
    expectClean(r.findings, ['Lê Thị Mai', 'Hoàng Thanh Minh Ánh']);
  });

  it('NAME_REVIEW for a name typed without diacritics', () => {
    const r = matchPerson(candidate({ fullName: 'HOANG THANH MINH ANH' }), person(), {});
    expect(r.outcome).toBe('NAME_REVIEW');
    expect(r.findings.map((f) => f.code)).toEqual(['NAME_NO_DIACRITICS_REVIEW']);
  });

  it('DATE_OF_BIRTH_MISMATCH shows both dates as dd/mm/yyyy', () => {
    const r = matchPerson(candidate({ dateOfBirth: '1930-05-01' }), person(), {});
    expect(r.outcome).toBe('DATE_OF_BIRTH_MISMATCH');
    const [f] = r.findings as [Finding];
    expect(f.code).toBe('DATE_OF_BIRTH_MISMATCH');
    for (const text of [f.message.vi, f.message.en]) {
      expect(text).toContain('01/05/1930'); // declared
      expect(text).toContain('05/01/1930'); // registry
    }
    expect(f.message.vi.indexOf('01/05/1930')).toBeLessThan(f.message.vi.indexOf('05/01/1930'));
  });

  it('GENDER_MISMATCH names both genders', () => {
    const r = matchPerson(candidate({ gender: 'M' }), person(), {});
    expect(r.outcome).toBe('GENDER_MISMATCH');
    expect(r.findings[0]?.message.vi).toMatch(/nam.*nữ/);
    expect(r.findings[0]?.message.en).toMatch(/male.*female/);
  });

  it('several mismatches: the outcome is the first in ROW_OUTCOMES order, all are listed', () => {
    const r = matchPerson(candidate({ dateOfBirth: '1930-01-06', gender: 'M' }), person(), {});
    expect(r.outcome).toBe('DATE_OF_BIRTH_MISMATCH');
    expect(r.findings.map((f) => f.code)).toEqual(['DATE_OF_BIRTH_MISMATCH', 'GENDER_MISMATCH']);
    const n = matchPerson(candidate({ fullName: 'Hoàng Thanh Minh Anh', gender: 'M' }), person(), {});
    expect(n.outcome).toBe('NAME_MISMATCH');
    expect(n.findings.map((f) => f.code)).toEqual(['NAME_DIACRITIC_MISMATCH', 'GENDER_MISMATCH']);
  });

  it('refuses a registry record for another identity number', () => {
    expect(() => matchPerson(candidate(), person({ personalId: '079130796636' }), {})).toThrow(RangeError);
  });
});

describe('matchPerson jurisdiction flag', () => {
  it('flags a resident of another province without rejecting the row', () => {
    const r = matchPerson(candidate(), person({ residenceProvinceCode: '75' }), { uploaderProvince: '79' });
    expect(r.outcome).toBe('ACCEPTED');
    expect(r.findings).toEqual([]);
    expect(r.flags.map((f) => f.code)).toEqual(['RESIDENT_OUTSIDE_JURISDICTION']);
    const [flag] = r.flags as [Finding];
    expect(flag.message.vi).toContain('(75)');
    expect(flag.message.vi).toContain('(79)');
    expect(flag.message.vi).toContain('Đồng Nai');
    expectClean(r.flags);
  });

  it('no flag without an uploader province, or when it matches', () => {
    expect(matchPerson(candidate(), person({ residenceProvinceCode: '75' }), {}).flags).toEqual([]);
    expect(matchPerson(candidate(), person(), { uploaderProvince: '79' }).flags).toEqual([]);
  });

  it('jurisdiction is the residence, never the identity number prefix (079 = birth in Hồ Chí Minh)', () => {
    // Born in HCMC (079…), lives in Hà Nội (01): a Hà Nội upload is in jurisdiction, a HCMC one is not.
    const p = person({ residenceProvinceCode: '01' });
    expect(matchPerson(candidate(), p, { uploaderProvince: '01' }).flags).toEqual([]);
    expect(matchPerson(candidate(), p, { uploaderProvince: '79' }).flags).toHaveLength(1);
  });

  it('rejects a 3-digit (identity-number) province code as the uploader province', () => {
    expect(() => matchPerson(candidate(), person(), { uploaderProvince: '079' })).toThrow(RangeError);
  });
});

describe('matchPerson name variants', () => {
  const same: Array<[string, string]> = [
    ['Nguyễn Thị Hòa'.normalize('NFD'), 'Nguyễn Thị Hòa'.normalize('NFC')],
    ['Nguyễn Thị Hoà', 'Nguyễn Thị Hòa'],
    ['Lê Thị Thuỷ', 'Lê Thị Thủy'],
    ['Lê Thị Thuý', 'Lê Thị Thúy'],
    ['NGUYỄN VĂN HÙNG', 'Nguyễn Văn Hùng'],
    ['  Nguyễn  Văn   Hùng ', 'Nguyễn Văn Hùng'],
    ['nguyễn thị hoà'.normalize('NFD'), 'Nguyễn Thị Hòa'],
  ];
  it.each(same)('%j is the same name as %j: ACCEPTED', (declared, recorded) => {
    const r = matchPerson(candidate({ fullName: declared }), person({ fullName: recorded }), {});
    expect(r.outcome).toBe('ACCEPTED');
  });

  const different: Array<[string, string]> = [
    ['Nguyễn Văn Hùng', 'Nguyễn Văn Hưng'],
    ['Đào Thị Lan', 'Dao Thị Lan'],
    ['Dao Thị Lan', 'Đào Thị Lan'],
  ];
  it.each(different)('%j is not %j: never ACCEPTED', (declared, recorded) => {
    const r = matchPerson(candidate({ fullName: declared }), person({ fullName: recorded }), {});
    expect(['NAME_MISMATCH', 'NAME_REVIEW']).toContain(r.outcome);
    expect(r.outcome).not.toBe('ACCEPTED');
  });

  it('Hùng vs Hưng is a diacritic mismatch, not a review', () => {
    const r = matchPerson(candidate({ fullName: 'Nguyễn Văn Hùng' }), person({ fullName: 'Nguyễn Văn Hưng' }), {});
    expect(r.outcome).toBe('NAME_MISMATCH');
    expect(r.findings[0]?.code).toBe('NAME_DIACRITIC_MISMATCH');
  });
});

describe('formatDateVi', () => {
  it('formats ISO dates as dd/mm/yyyy and refuses anything else', () => {
    expect(formatDateVi('2024-07-01')).toBe('01/07/2024');
    expect(() => formatDateVi('01/07/2024')).toThrow(RangeError);
  });
});
