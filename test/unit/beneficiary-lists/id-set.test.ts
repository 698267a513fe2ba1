import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { FirstSeenIdentityNumbers } from '../../../functions/beneficiary-lists/id-set.js';

const id = (n: number) => String(n).padStart(12, '0');

describe('FirstSeenIdentityNumbers', () => {
  it('returns undefined the first time and the first line every later time', () => {
    const seen = new FirstSeenIdentityNumbers();
    expect(seen.firstLine('079130796635', 2)).toBeUndefined();
    expect(seen.firstLine('001085012345', 3)).toBeUndefined();
    expect(seen.firstLine('079130796635', 9)).toBe(2);
    expect(seen.firstLine('079130796635', 12)).toBe(2);
    expect(seen.firstLine('001085012345', 40)).toBe(3);
    expect(seen.size).toBe(2);
  });

  it('keeps ids that differ only by leading zeros apart from shorter numbers', () => {
    const seen = new FirstSeenIdentityNumbers();
    expect(seen.firstLine('001000000001', 2)).toBeUndefined();
    expect(seen.firstLine('010000000001', 3)).toBeUndefined();
    expect(seen.firstLine('100000000001', 4)).toBeUndefined();
    expect(seen.firstLine('999999999999', 5)).toBeUndefined();
    expect(seen.firstLine('000000000001', 6)).toBeUndefined();
    expect(seen.firstLine('010000000001', 7)).toBe(3);
    expect(seen.size).toBe(5);
  });

  it('grows past many resizes from the smallest table and forgets nothing', () => {
    const seen = new FirstSeenIdentityNumbers(1);
    const n = 200_000;
    // Ids sharing long prefixes (province, century, year), as real lists do.
    for (let i = 0; i < n; i++) expect(seen.firstLine(`079130${id(i * 7).slice(6)}`, i + 2)).toBeUndefined();
    expect(seen.size).toBe(n);
    for (let i = 0; i < n; i += 997) expect(seen.firstLine(`079130${id(i * 7).slice(6)}`, n + i)).toBe(i + 2);
    expect(seen.size).toBe(n);
  });

  it('behaves like a Map of first lines for any sequence of ids with repeats', () => {
    const digits12 = fc.oneof(
      // A small pool, so repeats are frequent…
      fc.integer({ min: 1, max: 300 }).map((n) => id(n * 1_000_003)),
      // …and anything else 12 digits long (not all zeros).
      fc.stringMatching(/^\d{12}$/).filter((s) => s !== '000000000000'),
    );
    fc.assert(
      fc.property(fc.array(digits12, { maxLength: 3000 }), fc.integer({ min: 0, max: 5000 }), (ids, expected) => {
        const seen = new FirstSeenIdentityNumbers(expected);
        const model = new Map<string, number>();
        ids.forEach((personalId, i) => {
          const line = i + 2;
          expect(seen.firstLine(personalId, line)).toBe(model.get(personalId));
          if (!model.has(personalId)) model.set(personalId, line);
        });
        expect(seen.size).toBe(model.size);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    '',
    '79130796635',
    '0791307966350',
    '07913079663A',
    ' 079130796635',
    '079130796635 ',
    '7.9130797E+10',
    '000000000000',
    '-79130796635',
    '０７９１３０７９６６３５',
  ])('rejects %j', (bad) => {
    const seen = new FirstSeenIdentityNumbers();
    expect(() => seen.firstLine(bad, 2)).toThrow(RangeError);
    expect(seen.size).toBe(0);
  });

  it('sizes its table from the expected count and still grows beyond it', () => {
    const seen = new FirstSeenIdentityNumbers(10);
    for (let i = 1; i <= 1000; i++) seen.firstLine(id(i), i);
    expect(seen.size).toBe(1000);
    expect(seen.firstLine(id(500), 5000)).toBe(500);
  });
});
