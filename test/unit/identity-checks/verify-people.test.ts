/** The verdict for each person of a check, its summary, and the content-derived check id. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { checkIdFor, summarise, verifyPeople } from '../../../functions/identity-checks/verify-people.js';
import {
  checkIdentityNumber,
  ID_PROVINCE_CODES,
  IDENTITY_FINDING_CODES,
} from '../../../functions/population/identity-number.js';
import { CheckId, type PersonToCheck, PersonVerdict } from '../../../schemas/identity-checks.js';

// Synthetic people (no real person).
const ANH: PersonToCheck = {
  personalId: '079130796635',
  fullName: 'Hoàng Thanh Minh Ánh',
  dateOfBirth: '1930-01-05',
  gender: 'F',
};
const SON: PersonToCheck = {
  personalId: '051216885294',
  fullName: 'Trần Hữu Sơn',
  dateOfBirth: '2016-10-22',
  gender: 'M',
};
const TOAN: PersonToCheck = { personalId: '002037868120', dateOfBirth: '1937-01-19', gender: 'M' };

const codes = (people: PersonToCheck[]) => verifyPeople(people).map((r) => r.findings.map((f) => f.code));

const unknownProvince = Array.from({ length: 100 }, (_, i) => `0${String(i).padStart(2, '0')}`).find(
  (c) => !ID_PROVINCE_CODES.includes(c),
) as string;

/** One input per finding of the identity-number check. */
const INVALID: Record<(typeof IDENTITY_FINDING_CODES)[number], PersonToCheck> = {
  ID_MISSING: { personalId: ' ' },
  ID_EXCEL_SCIENTIFIC: { personalId: '7,91308E+10' },
  ID_NOT_DIGITS: { personalId: '07913079663O' },
  ID_OLD_CMND: { personalId: '123456789' },
  ID_LEADING_ZERO_LOST: { personalId: '79130796635' },
  ID_WRONG_LENGTH: { personalId: '0791307966351' },
  ID_PROVINCE_UNKNOWN: { personalId: `${unknownProvince}130796635` },
  ID_GENDER_MISMATCH: { ...ANH, gender: 'M' },
  ID_CENTURY_MISMATCH: { ...ANH, dateOfBirth: '2030-01-05' },
  ID_BIRTH_YEAR_MISMATCH: { ...ANH, dateOfBirth: '1931-01-05' },
};

describe('verifyPeople', () => {
  it('finds valid people valid, with their index and the number as submitted', () => {
    const results = verifyPeople([ANH, SON, TOAN, { personalId: '074157374739' }]);
    expect(results).toEqual([
      { index: 0, personalId: '079130796635', verdict: 'VALID', findings: [] },
      { index: 1, personalId: '051216885294', verdict: 'VALID', findings: [] },
      { index: 2, personalId: '002037868120', verdict: 'VALID', findings: [] },
      { index: 3, personalId: '074157374739', verdict: 'VALID', findings: [] },
    ]);
    for (const r of results) PersonVerdict.parse(r);
  });

  it('returns nothing for nobody', () => {
    expect(verifyPeople([])).toEqual([]);
  });

  it.each(Object.entries(INVALID))('passes the %s finding through unchanged', (code, person) => {
    const [result] = verifyPeople([person]);
    const expected = checkIdentityNumber(person.personalId, person);
    if (expected.ok) throw new Error(`${person.personalId} should not be valid`);
    expect(result).toEqual({
      index: 0,
      personalId: person.personalId,
      verdict: 'INVALID',
      findings: [expected.finding],
    });
    expect(result?.findings[0]?.code).toBe(code);
  });

  it('covers every finding code of the identity-number check', () => {
    expect(Object.keys(INVALID).sort()).toEqual([...IDENTITY_FINDING_CODES].sort());
  });

  it('flags the second and later occurrences of a number, not the first', () => {
    expect(codes([ANH, SON, ANH, TOAN, ANH])).toEqual([[], [], ['DUPLICATE_IN_REQUEST'], [], ['DUPLICATE_IN_REQUEST']]);
    const results = verifyPeople([ANH, ANH]);
    expect(results.map((r) => r.verdict)).toEqual(['VALID', 'INVALID']);
  });

  it('finds a duplicate that differs only by whitespace or invisible characters', () => {
    const variants = [' 079130796635 ', '0791 3079 6635', '079130796635\u00a0', '\u200b079130796635', '079\t130796635'];
    for (const personalId of variants) {
      expect(codes([ANH, { personalId }])).toEqual([[], ['DUPLICATE_IN_REQUEST']]);
      // Whichever comes first.
      expect(codes([{ personalId }, ANH])).toEqual([[], ['DUPLICATE_IN_REQUEST']]);
    }
  });

  it('reports a duplicate next to another finding, whichever way the number was typed', () => {
    expect(codes([ANH, { ...ANH, gender: 'M' }])).toEqual([[], ['ID_GENDER_MISMATCH', 'DUPLICATE_IN_REQUEST']]);
    expect(codes([ANH, { ...ANH, personalId: '0791 3079 6635', gender: 'M' }])).toEqual([
      [],
      ['ID_GENDER_MISMATCH', 'DUPLICATE_IN_REQUEST'],
    ]);
    expect(codes([{ personalId: '123456789' }, { personalId: ' 123 456 789' }])).toEqual([
      ['ID_OLD_CMND'],
      ['ID_OLD_CMND', 'DUPLICATE_IN_REQUEST'],
    ]);
  });

  it('does not call rows without a number duplicates of each other', () => {
    expect(codes([{ personalId: '' }, { personalId: '  ' }, { personalId: '\u00a0' }])).toEqual([
      ['ID_MISSING'],
      ['ID_MISSING'],
      ['ID_MISSING'],
    ]);
  });

  it('gives one verdict per person, in order, consistent with its findings (property)', () => {
    const person = fc.record(
      {
        personalId: fc.oneof(
          fc.constantFrom(ANH.personalId, SON.personalId, TOAN.personalId, '123456789', ''),
          fc.stringMatching(/^0\d{11}$/),
          fc.string({ maxLength: 14 }),
        ),
        gender: fc.constantFrom<'M' | 'F'>('M', 'F'),
      },
      { requiredKeys: ['personalId'] },
    );
    fc.assert(
      fc.property(fc.array(person, { maxLength: 20 }), (people) => {
        const results = verifyPeople(people);
        expect(results).toHaveLength(people.length);
        results.forEach((r, i) => {
          expect(r.index).toBe(i);
          expect(r.personalId).toBe(people[i]?.personalId);
          expect(r.verdict).toBe(r.findings.length ? 'INVALID' : 'VALID');
        });
      }),
    );
  });
});

describe('summarise', () => {
  it('counts valid and invalid verdicts', () => {
    expect(summarise(verifyPeople([ANH, SON, INVALID.ID_OLD_CMND, ANH]))).toEqual({ total: 4, valid: 2, invalid: 2 });
    expect(summarise([])).toEqual({ total: 0, valid: 0, invalid: 0 });
  });

  it('always adds up (property)', () => {
    const verdict = fc.record({
      index: fc.nat(),
      personalId: fc.string(),
      verdict: fc.constantFrom<'VALID' | 'INVALID'>('VALID', 'INVALID'),
      findings: fc.constant<PersonVerdict['findings']>([]),
    });
    fc.assert(
      fc.property(fc.array(verdict), (results) => {
        const s = summarise(results);
        expect(s.total).toBe(results.length);
        expect(s.valid + s.invalid).toBe(s.total);
        expect(s.valid).toBe(results.filter((r) => r.verdict === 'VALID').length);
      }),
    );
  });
});

describe('checkIdFor', () => {
  it('is deterministic: the same people for the same jurisdiction give the same id', () => {
    expect(checkIdFor('79', [ANH, SON])).toBe(checkIdFor('79', [{ ...ANH }, { ...SON }]));
  });

  it('is a stable function of the content (ids already stored must keep matching)', () => {
    // Recorded from the implementation: a change here orphans every stored check.
    expect(checkIdFor('79', [{ personalId: '079130796635' }])).toBe('ic-rqiwa5m7zrsp2ish56ggp2srlv');
    expect(checkIdFor('01', [{ personalId: '002037868120' }])).toBe('ic-3iatjsze55edmdfmfmzvj4bycn');
  });

  it('depends on the order of the people', () => {
    expect(checkIdFor('79', [ANH, SON])).not.toBe(checkIdFor('79', [SON, ANH]));
  });

  it('depends on the jurisdiction', () => {
    expect(checkIdFor('79', [ANH])).not.toBe(checkIdFor('01', [ANH]));
    expect(checkIdFor('79', [ANH])).not.toBe(checkIdFor('79001', [ANH]));
  });

  it('depends on every declared field', () => {
    const base = checkIdFor('79', [ANH]);
    expect(checkIdFor('79', [{ ...ANH, fullName: 'Hoàng Thanh Minh Anh' }])).not.toBe(base);
    expect(checkIdFor('79', [{ ...ANH, dateOfBirth: '1930-01-06' }])).not.toBe(base);
    expect(checkIdFor('79', [{ ...ANH, gender: 'M' }])).not.toBe(base);
    expect(checkIdFor('79', [{ personalId: ANH.personalId }])).not.toBe(base);
  });

  it('does not let one field bleed into another', () => {
    expect(checkIdFor('79', [{ personalId: 'a', fullName: 'b' }])).not.toBe(checkIdFor('79', [{ personalId: 'ab' }]));
    expect(checkIdFor('7', [{ personalId: '9' }])).not.toBe(checkIdFor('79', [{ personalId: '' }]));
  });

  const personArb = fc.record(
    {
      personalId: fc.string({ maxLength: 32 }),
      fullName: fc.string({ minLength: 1, maxLength: 40 }),
      dateOfBirth: fc
        .date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10)),
      gender: fc.constantFrom<'M' | 'F'>('M', 'F'),
    },
    { requiredKeys: ['personalId'] },
  );
  const jurisdictionArb = fc.oneof(fc.stringMatching(/^\d{2}$/), fc.stringMatching(/^\d{5}$/));

  it('always looks like /^ic-[a-z2-7]{26}$/ and passes the CheckId schema (property)', () => {
    fc.assert(
      fc.property(jurisdictionArb, fc.array(personArb, { minLength: 1, maxLength: 10 }), (j, people) => {
        const id = checkIdFor(j, people);
        expect(id).toMatch(/^ic-[a-z2-7]{26}$/);
        expect(CheckId.safeParse(id).success).toBe(true);
        expect(checkIdFor(j, structuredClone(people))).toBe(id);
      }),
    );
  });

  it('gives different content different ids (property)', () => {
    const input = fc.tuple(jurisdictionArb, fc.array(personArb, { minLength: 1, maxLength: 5 }));
    const canonical = ([j, people]: [string, PersonToCheck[]]) =>
      JSON.stringify([
        j,
        people.map((p) => [p.personalId, p.fullName ?? null, p.dateOfBirth ?? null, p.gender ?? null]),
      ]);
    fc.assert(
      fc.property(input, input, (a, b) => {
        fc.pre(canonical(a) !== canonical(b));
        expect(checkIdFor(...a)).not.toBe(checkIdFor(...b));
      }),
    );
  });
});
