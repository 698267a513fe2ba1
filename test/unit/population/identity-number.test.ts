import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  checkIdentityNumber,
  crosswalkIdProvinceTo2025,
  type DeclaredPerson,
  type Gender,
  ID_PROVINCE_CODES,
  IDENTITY_FINDING_CODES,
  type IdentityCheck,
  idProvinceName,
  isKnownIdProvinceCode,
  isKnownProvince2025,
  maskIdentityNumber,
  PROVINCES_2025,
  provinceName2025,
} from '../../../functions/population/identity-number.js';
import { DEFAULT_POPULATION, populationLines } from '../../../infra/local/population-registry/population-index.js';
import { Finding } from '../../../schemas/messages.js';

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

/** The code of a failed check; fails the test if the check passed. */
function codeOf(result: IdentityCheck): string {
  if (result.ok) throw new Error(`expected a finding, got ok for ${result.personalId}`);
  return result.finding.code;
}

function messageOf(result: IdentityCheck): { vi: string; en: string } {
  if (result.ok) throw new Error('expected a finding');
  return result.finding.message;
}

/** Digit 4 for a gender and a birth year in 1900-2399. */
function genderCenturyDigit(gender: Gender, year: number): number {
  return Math.floor((year - 1900) / 100) * 2 + (gender === 'F' ? 1 : 0);
}

function buildId(province: string, gender: Gender, year: number, tail: string): string {
  return `${province}${genderCenturyDigit(gender, year)}${String(year % 100).padStart(2, '0')}${tail}`;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const VIETNAMESE_LETTER = /[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/iu;

const provinceArb = fc.constantFrom(...ID_PROVINCE_CODES);
const genderArb = fc.constantFrom<Gender>('M', 'F');
const yearArb = fc.integer({ min: 1900, max: 2399 });
const digitArb = fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
const digitsArb = (n: number) => fc.array(digitArb, { minLength: n, maxLength: n }).map((a) => a.join(''));
const dobArb = (year: number) =>
  fc
    .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
    .map(([m, d]) => `${year}-${pad2(m)}-${pad2(d)}`);

/** A structurally valid number with its consistent declared data. */
const validPersonArb = fc
  .record({ province: provinceArb, gender: genderArb, year: yearArb, tail: digitsArb(6) })
  .chain((p) =>
    dobArb(p.year).map((dateOfBirth) => ({ ...p, dateOfBirth, id: buildId(p.province, p.gender, p.year, p.tail) })),
  );

// ---------------------------------------------------------------------------------------------------------
// Reference data
// ---------------------------------------------------------------------------------------------------------

describe('province reference data', () => {
  it('has the 63 identity-number province codes', () => {
    expect(ID_PROVINCE_CODES).toHaveLength(63);
    expect(ID_PROVINCE_CODES.every((c) => /^0\d\d$/.test(c))).toBe(true);
    expect(idProvinceName('001')).toBe('Hà Nội');
    expect(idProvinceName('079')).toBe('Hồ Chí Minh');
    expect(idProvinceName('003')).toBeUndefined();
    expect(isKnownIdProvinceCode('096')).toBe(true);
    expect(isKnownIdProvinceCode('097')).toBe(false);
    expect(isKnownIdProvinceCode('79')).toBe(false);
  });

  it('has the 34 provincial units of 2025', () => {
    expect(PROVINCES_2025).toHaveLength(34);
    expect(new Set(PROVINCES_2025.map((p) => p.code)).size).toBe(34);
    expect(provinceName2025('01')).toBe('TP. Hà Nội');
    expect(provinceName2025('79')).toBe('TP. Hồ Chí Minh');
    expect(provinceName2025('02')).toBeUndefined();
    expect(isKnownProvince2025('46')).toBe(true);
    expect(isKnownProvince2025('002')).toBe(false);
    expect(isKnownProvince2025('74')).toBe(false);
  });

  it('crosswalks every old identity-number province to exactly one 2025 province', () => {
    const covered = PROVINCES_2025.flatMap((p) => p.formedFromIdProvinceCodes);
    expect([...covered].sort()).toEqual([...ID_PROVINCE_CODES].sort());
    for (const code of ID_PROVINCE_CODES) {
      const now = crosswalkIdProvinceTo2025(code);
      expect(now).toBeDefined();
      expect(isKnownProvince2025(now as string)).toBe(true);
    }
    expect(crosswalkIdProvinceTo2025('002')).toBe('08'); // Hà Giang → Tuyên Quang
    expect(crosswalkIdProvinceTo2025('074')).toBe('79'); // Bình Dương → TP. Hồ Chí Minh
    expect(crosswalkIdProvinceTo2025('046')).toBe('46');
    expect(crosswalkIdProvinceTo2025('003')).toBeUndefined();
    expect(crosswalkIdProvinceTo2025('79')).toBeUndefined();
  });

  it('is frozen', () => {
    expect(Object.isFrozen(PROVINCES_2025)).toBe(true);
    expect(Object.isFrozen(PROVINCES_2025[0])).toBe(true);
    expect(Object.isFrozen(ID_PROVINCE_CODES)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Masking
// ---------------------------------------------------------------------------------------------------------

describe('maskIdentityNumber', () => {
  it('keeps the first 2 and last 2 digits: at most 4', () => {
    expect(maskIdentityNumber('079130796645')).toBe('07********45');
    expect(maskIdentityNumber('123456789')).toBe('12*****89');
    expect(maskIdentityNumber('1234567')).toBe('12***67');
  });

  // Keeping 2 + 2 of a short value would show most of it.
  it('masks everything below 7 characters', () => {
    expect(maskIdentityNumber('123456')).toBe('******');
    expect(maskIdentityNumber('12345')).toBe('*****');
    expect(maskIdentityNumber('1')).toBe('*');
    expect(maskIdentityNumber('')).toBe('');
  });

  it('keeps the length and never shows the middle', () => {
    fc.assert(
      fc.property(fc.integer({ min: 7, max: 30 }).chain(digitsArb), (s) => {
        const m = maskIdentityNumber(s);
        expect(m).toHaveLength(s.length);
        expect(m.slice(4, -2)).toMatch(/^\*+$/);
        expect(m).not.toBe(s);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// checkIdentityNumber: examples
// ---------------------------------------------------------------------------------------------------------

describe('checkIdentityNumber', () => {
  it('accepts a valid number and reads birth place, gender and year', () => {
    expect(checkIdentityNumber('079130796635', { dateOfBirth: '1930-01-05', gender: 'F' })).toEqual({
      ok: true,
      personalId: '079130796635',
      birthPlace: { kind: 'province', idProvinceCode: '079', name: 'Hồ Chí Minh' },
      gender: 'F',
      birthYear: 1930,
    });
    expect(checkIdentityNumber('051216885294', { dateOfBirth: '2016-10-22', gender: 'M' })).toMatchObject({
      ok: true,
      birthPlace: { kind: 'province', idProvinceCode: '051', name: 'Quảng Ngãi' },
      gender: 'M',
      birthYear: 2016,
    });
  });

  it('accepts without declared data, or with only part of it', () => {
    expect(checkIdentityNumber('002037868120')).toMatchObject({ ok: true, gender: 'M', birthYear: 1937 });
    expect(checkIdentityNumber('002037868120', {})).toMatchObject({ ok: true });
    expect(checkIdentityNumber('002037868120', { gender: 'M' })).toMatchObject({ ok: true });
    expect(checkIdentityNumber('002037868120', { dateOfBirth: '1937-01-19' })).toMatchObject({ ok: true });
  });

  it('reads every century digit', () => {
    const cases: [string, Gender, number][] = [
      ['0', 'M', 1900],
      ['1', 'F', 1900],
      ['2', 'M', 2000],
      ['3', 'F', 2000],
      ['4', 'M', 2100],
      ['5', 'F', 2100],
      ['6', 'M', 2200],
      ['7', 'F', 2200],
      ['8', 'M', 2300],
      ['9', 'F', 2300],
    ];
    for (const [d, gender, century] of cases) {
      const year = century + 45;
      expect(checkIdentityNumber(`001${d}45000001`, { gender, dateOfBirth: `${year}-06-30` })).toMatchObject({
        ok: true,
        gender,
        birthYear: year,
      });
    }
  });

  it('accepts a birth registered abroad (first digit not 0) as a country code', () => {
    expect(checkIdentityNumber('840095123456', { gender: 'M', dateOfBirth: '1995-03-01' })).toEqual({
      ok: true,
      personalId: '840095123456',
      birthPlace: { kind: 'abroad', countryCode: '840' },
      gender: 'M',
      birthYear: 1995,
    });
    expect(checkIdentityNumber('999301000000')).toMatchObject({ ok: true, birthPlace: { kind: 'abroad' } });
  });

  it('never rejects on a checksum: the last 6 digits are free', () => {
    for (const tail of ['000000', '999999', '123456', '654321']) {
      expect(checkIdentityNumber(`079130${tail}`, { gender: 'F', dateOfBirth: '1930-01-05' }).ok).toBe(true);
    }
  });

  it('ignores spaces, NBSP, tabs, BOM and zero-width characters around and inside the number', () => {
    for (const raw of [
      ' 079130796635 ',
      '079 130 796 635',
      '\u00a0079130796635\u00a0',
      '\t079130796635\r\n',
      '\ufeff079130796635',
      '0791\u200b30796635',
    ]) {
      expect(checkIdentityNumber(raw)).toMatchObject({ ok: true, personalId: '079130796635' });
    }
  });

  it("drops one leading apostrophe, the spreadsheet's keep-as-text prefix ('024188159906)", () => {
    for (const raw of ["'079130796635", '\u2019079130796635', "\ufeff'079130796635", " '079130796635"]) {
      expect(checkIdentityNumber(raw)).toMatchObject({ ok: true, personalId: '079130796635' });
    }
    expect(checkIdentityNumber("'")).toMatchObject({ ok: false, finding: { code: 'ID_MISSING' } });
  });

  it('ID_MISSING for an empty value', () => {
    for (const raw of ['', '   ', '\u00a0\t', '\ufeff']) {
      expect(codeOf(checkIdentityNumber(raw))).toBe('ID_MISSING');
    }
    // Loose callers (CSV parsers) may hand over undefined or null despite the type.
    expect(codeOf(checkIdentityNumber(undefined as unknown as string))).toBe('ID_MISSING');
    expect(codeOf(checkIdentityNumber(null as unknown as string))).toBe('ID_MISSING');
  });

  it('ID_EXCEL_SCIENTIFIC for numbers Excel turned into scientific notation', () => {
    for (const raw of ['7.9E+10', '7,91308E+10', '7.91308e+10', '7.9E10', '1E+11', ' 7,9E+10 ']) {
      const result = checkIdentityNumber(raw);
      expect(codeOf(result)).toBe('ID_EXCEL_SCIENTIFIC');
      expect(messageOf(result).vi).toContain('Excel');
      expect(messageOf(result).en).toContain('scientific notation');
    }
  });

  it('ID_NOT_DIGITS for letters and other characters', () => {
    for (const raw of [
      '07913079663A',
      '079-130-796-635',
      '079.130.796.635',
      "0'79130796635", // an apostrophe anywhere but first is not the spreadsheet's text prefix
      "''079130796635",
      '０７９１３０７９６６３５', // full-width digits
      '79130796635.0',
      'Nguyễn Văn A',
      'CCCD: 079130796635',
      'E+10',
    ]) {
      expect(codeOf(checkIdentityNumber(raw))).toBe('ID_NOT_DIGITS');
    }
    // The value itself is never echoed.
    const message = messageOf(checkIdentityNumber('Nguyễn Văn A 079130796635'));
    expect(`${message.vi} ${message.en}`).not.toContain('079130796635');
    expect(`${message.vi} ${message.en}`).not.toContain('Nguyễn');
  });

  it('ID_OLD_CMND for a 9-digit old identity card number, masked', () => {
    const result = checkIdentityNumber('025123489');
    expect(codeOf(result)).toBe('ID_OLD_CMND');
    expect(messageOf(result).vi).toContain('02*****89');
    expect(messageOf(result).vi).toContain('CMND');
    expect(messageOf(result).en).toContain('02*****89');
    expect(`${messageOf(result).vi} ${messageOf(result).en}`).not.toContain('025123489');
  });

  it('ID_LEADING_ZERO_LOST when Excel stripped one or two leading zeros', () => {
    // 079… (one zero lost → 11 digits)
    const result = checkIdentityNumber('79130796635');
    expect(codeOf(result)).toBe('ID_LEADING_ZERO_LOST');
    expect(messageOf(result).vi).toContain('79*******35');
    expect(messageOf(result).vi).toContain('Excel');
    expect(messageOf(result).en).toContain('leading zero');
    // 001… Hà Nội, 002… Hà Giang (two zeros lost → 10 digits)
    expect(codeOf(checkIdentityNumber('1037868120'))).toBe('ID_LEADING_ZERO_LOST');
    expect(codeOf(checkIdentityNumber('2037868120'))).toBe('ID_LEADING_ZERO_LOST');
    // 11 digits starting with 0: the 001… number lost one of its two zeros
    expect(codeOf(checkIdentityNumber('01037868120'))).toBe('ID_LEADING_ZERO_LOST');
  });

  it('ID_WRONG_LENGTH for other lengths, including zero-padding that gives no province', () => {
    for (const raw of ['1', '12345', '12345678', '0791307966351', '07913079663512345', '99130796635', '3037868120']) {
      expect(codeOf(checkIdentityNumber(raw))).toBe('ID_WRONG_LENGTH');
    }
    const result = checkIdentityNumber('0791307966351');
    expect(messageOf(result).vi).toContain('13 chữ số');
    expect(messageOf(result).en).toContain('13 digits');
    expect(messageOf(result).vi).toContain('07*********51');
  });

  it('ID_PROVINCE_UNKNOWN for a first digit 0 without a province', () => {
    for (const code of ['000', '003', '005', '097', '099']) {
      const result = checkIdentityNumber(`${code}130796635`);
      expect(codeOf(result)).toBe('ID_PROVINCE_UNKNOWN');
      expect(messageOf(result).vi).toContain(code);
    }
  });

  it('ID_GENDER_MISMATCH when digit 4 disagrees with the declared gender', () => {
    const result = checkIdentityNumber('079130796635', { gender: 'M', dateOfBirth: '1930-01-05' });
    expect(codeOf(result)).toBe('ID_GENDER_MISMATCH');
    expect(messageOf(result).vi).toContain('07********35');
    expect(messageOf(result).vi).toContain('nữ');
    expect(messageOf(result).en).toContain('female');
    expect(codeOf(checkIdentityNumber('051216885294', { gender: 'F' }))).toBe('ID_GENDER_MISMATCH');
  });

  it('ID_CENTURY_MISMATCH when digit 4 gives another century than the declared year', () => {
    const result = checkIdentityNumber('079130796635', { gender: 'F', dateOfBirth: '2030-01-05' });
    expect(codeOf(result)).toBe('ID_CENTURY_MISMATCH');
    expect(messageOf(result).vi).toContain('1900–1999');
    expect(messageOf(result).en).toContain('2030');
    // No digit encodes the 1800s.
    expect(codeOf(checkIdentityNumber('079130796635', { dateOfBirth: '1830-01-05' }))).toBe('ID_CENTURY_MISMATCH');
  });

  it('ID_BIRTH_YEAR_MISMATCH when digits 5-6 disagree with the declared year', () => {
    const result = checkIdentityNumber('079130796635', { gender: 'F', dateOfBirth: '1931-01-05' });
    expect(codeOf(result)).toBe('ID_BIRTH_YEAR_MISMATCH');
    expect(messageOf(result).vi).toContain('1931');
    // The number's own year digits are not given away.
    expect(messageOf(result).en).not.toMatch(/\b30\b/);
  });

  it('reports the gender before the year when both are wrong', () => {
    expect(codeOf(checkIdentityNumber('079130796635', { gender: 'M', dateOfBirth: '1999-01-01' }))).toBe(
      'ID_GENDER_MISMATCH',
    );
  });

  it('throws on a malformed declared date, whatever the number', () => {
    for (const dateOfBirth of ['05/01/1930', '1930', '1930-1-5', '']) {
      expect(() => checkIdentityNumber('079130796635', { dateOfBirth })).toThrow(RangeError);
      expect(() => checkIdentityNumber('', { dateOfBirth })).toThrow(RangeError);
    }
  });

  it('gives findings that fit the Finding schema, with Vietnamese diacritics and distinct English', () => {
    const samples: [string, DeclaredPerson?][] = [
      [''],
      ['7.9E+10'],
      ['abc'],
      ['123456789'],
      ['79130796635'],
      ['12345'],
      ['003130796635'],
      ['079130796635', { gender: 'M' }],
      ['079130796635', { dateOfBirth: '2030-01-01' }],
      ['079130796635', { dateOfBirth: '1931-01-01' }],
    ];
    const seen = new Set<string>();
    for (const [raw, declared] of samples) {
      const result = checkIdentityNumber(raw, declared);
      if (result.ok) throw new Error('expected a finding');
      expect(Finding.parse(result.finding)).toEqual(result.finding);
      expect(result.finding.message.vi).toMatch(VIETNAMESE_LETTER);
      expect(result.finding.message.vi).toBe(result.finding.message.vi.normalize('NFC'));
      expect(result.finding.message.en).not.toBe(result.finding.message.vi);
      seen.add(result.finding.code);
    }
    expect([...seen].sort()).toEqual([...IDENTITY_FINDING_CODES].sort());
  });
});

// ---------------------------------------------------------------------------------------------------------
// checkIdentityNumber: properties
// ---------------------------------------------------------------------------------------------------------

describe('checkIdentityNumber properties', () => {
  it('(a) a valid number with matching declared data passes', () => {
    fc.assert(
      fc.property(validPersonArb, (p) => {
        const result = checkIdentityNumber(p.id, { gender: p.gender, dateOfBirth: p.dateOfBirth });
        expect(result).toEqual({
          ok: true,
          personalId: p.id,
          birthPlace: { kind: 'province', idProvinceCode: p.province, name: idProvinceName(p.province) },
          gender: p.gender,
          birthYear: p.year,
        });
      }),
      { numRuns: 500 },
    );
  });

  it('(b) flipping the gender parity of digit 4 yields ID_GENDER_MISMATCH', () => {
    fc.assert(
      fc.property(validPersonArb, (p) => {
        const flipped = `${p.id.slice(0, 3)}${Number(p.id[3]) ^ 1}${p.id.slice(4)}`;
        expect(codeOf(checkIdentityNumber(flipped, { gender: p.gender, dateOfBirth: p.dateOfBirth }))).toBe(
          'ID_GENDER_MISMATCH',
        );
        // Without a declared gender the flipped number is fine: there is nothing to contradict.
        expect(checkIdentityNumber(flipped, { dateOfBirth: p.dateOfBirth }).ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('changing the century (same gender) yields ID_CENTURY_MISMATCH', () => {
    fc.assert(
      fc.property(validPersonArb, fc.integer({ min: 1, max: 4 }), (p, shift) => {
        const d4 = (Number(p.id[3]) + 2 * shift) % 10;
        const moved = `${p.id.slice(0, 3)}${d4}${p.id.slice(4)}`;
        expect(codeOf(checkIdentityNumber(moved, { gender: p.gender, dateOfBirth: p.dateOfBirth }))).toBe(
          'ID_CENTURY_MISMATCH',
        );
      }),
      { numRuns: 300 },
    );
  });

  it('other year digits (same century) yield ID_BIRTH_YEAR_MISMATCH', () => {
    fc.assert(
      fc.property(validPersonArb, fc.integer({ min: 1, max: 99 }), (p, shift) => {
        const yy = pad2((Number(p.id.slice(4, 6)) + shift) % 100);
        const moved = `${p.id.slice(0, 4)}${yy}${p.id.slice(6)}`;
        expect(codeOf(checkIdentityNumber(moved, { gender: p.gender, dateOfBirth: p.dateOfBirth }))).toBe(
          'ID_BIRTH_YEAR_MISMATCH',
        );
      }),
      { numRuns: 300 },
    );
  });

  it('(c) a 12-character value with any non-digit fails with ID_NOT_DIGITS', () => {
    const nonDigit = fc.oneof(
      fc.constantFrom('A', 'a', 'O', 'o', 'l', 'I', '-', '.', ',', '/', "'", '+', '_', '#', 'đ', 'Ư', '٣', '０', '½'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((c) => !/^\d$/.test(c) && c.trim() === c),
    );
    fc.assert(
      fc.property(digitsArb(11), fc.integer({ min: 0, max: 11 }), nonDigit, (digits, at, c) => {
        const raw = `${digits.slice(0, at)}${c}${digits.slice(at)}`;
        // Invisible characters are dropped before the check, so they are not "other characters".
        // A single leading apostrophe is the spreadsheet's text prefix, dropped too.
        const compact = raw.replace(/[\s\u200B-\u200D\u2060\uFEFF]+/gu, '').replace(/^['\u2018\u2019]/u, '');
        fc.pre(!/^\d*$/.test(compact) && !/^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$/.test(compact));
        expect(codeOf(checkIdentityNumber(raw))).toBe('ID_NOT_DIGITS');
      }),
      { numRuns: 500 },
    );
    // Any 12-character string at all that is not pure digits (and not blank or scientific notation).
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 12, maxLength: 12 }), (raw) => {
        const compact = raw.replace(/[\s\u200B-\u200D\u2060\uFEFF]+/gu, '').replace(/^['\u2018\u2019]/u, '');
        fc.pre(compact !== '' && !/^\d+$/.test(compact) && !/^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$/.test(compact));
        expect(codeOf(checkIdentityNumber(raw))).toBe('ID_NOT_DIGITS');
      }),
    );
  });

  it('any 12 digits pass or fail only on the province (no checksum)', () => {
    fc.assert(
      fc.property(digitsArb(12), (id) => {
        const result = checkIdentityNumber(id);
        const knownPrefix = id[0] !== '0' || isKnownIdProvinceCode(id.slice(0, 3));
        expect(result.ok).toBe(knownPrefix);
        if (!knownPrefix) expect(codeOf(result)).toBe('ID_PROVINCE_UNKNOWN');
      }),
      { numRuns: 500 },
    );
  });

  it('a valid number with its leading zeros stripped (as Excel does) yields ID_LEADING_ZERO_LOST', () => {
    fc.assert(
      fc.property(validPersonArb, (p) => {
        const stripped = BigInt(p.id).toString();
        expect(stripped.length === 10 || stripped.length === 11).toBe(true);
        expect(codeOf(checkIdentityNumber(stripped, { gender: p.gender, dateOfBirth: p.dateOfBirth }))).toBe(
          'ID_LEADING_ZERO_LOST',
        );
      }),
      { numRuns: 300 },
    );
  });

  it('findings never contain the full number and always fit the Finding schema', () => {
    const declaredArb = fc.record({ gender: genderArb, dateOfBirth: yearArb.chain(dobArb) }, { requiredKeys: [] });
    fc.assert(
      // From 7 digits: at exactly 6 the mask (first 4 + last 2) is, by definition, the whole value.
      fc.property(fc.integer({ min: 7, max: 20 }).chain(digitsArb), declaredArb, (id, declared) => {
        const result = checkIdentityNumber(id, declared);
        if (result.ok) return;
        expect(IDENTITY_FINDING_CODES).toContain(result.finding.code);
        expect(Finding.safeParse(result.finding).success).toBe(true);
        expect(result.finding.message.vi).not.toContain(id);
        expect(result.finding.message.en).not.toContain(id);
      }),
      { numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// The synthetic registry
// ---------------------------------------------------------------------------------------------------------

describe('the synthetic population the local registry serves', () => {
  it('every one of its 100,000 people passes with their own date of birth and gender', () => {
    const lines = [...populationLines(DEFAULT_POPULATION.count, DEFAULT_POPULATION.seed)];
    expect(lines[0]).toBe('personal_id,full_name,date_of_birth,gender,status,date_of_death,residence_province_code');
    const rows = lines.slice(1);
    expect(rows).toHaveLength(100_000);
    const problems: string[] = [];
    let deceased = 0;
    for (const line of rows) {
      const [personalId, , dateOfBirth, gender, status, , residence] = line.split(',') as string[];
      const result = checkIdentityNumber(personalId as string, { dateOfBirth, gender: gender as Gender });
      const masked = maskIdentityNumber(personalId as string);
      if (!result.ok) problems.push(`${masked}: ${result.finding.code}`);
      else if (result.birthYear !== Number(dateOfBirth?.slice(0, 4))) problems.push(`${masked}: birth year`);
      else if (result.birthPlace.kind === 'province' && !crosswalkIdProvinceTo2025(result.birthPlace.idProvinceCode)) {
        problems.push(`${masked}: birth province without a 2025 province`);
      }
      if (!isKnownProvince2025(residence as string)) problems.push(`${masked}: residence ${residence}`);
      if (status === 'deceased') deceased++;
    }
    expect(problems).toEqual([]);
    // Deceased people are part of it (the registry must be able to say "dead"), a few percent as in life.
    expect(deceased / rows.length).toBeGreaterThan(0.02);
    expect(deceased / rows.length).toBeLessThan(0.1);
  });
});
