import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { accountNumber, isValidAccountNumber } from '../../../functions/accounts/account-number.js';

const provinces = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
const serials = fc.stringMatching(/^\d{10}$/);

/** Every number obtained by changing one digit (positions 2.., the AS prefix kept). */
function substitutions(n: string): string[] {
  const out: string[] = [];
  for (let i = 2; i < n.length; i++) {
    for (const d of '0123456789') if (d !== n[i]) out.push(`${n.slice(0, i)}${d}${n.slice(i + 1)}`);
  }
  return out;
}

/** Every number obtained by swapping two adjacent, different digits. */
function transpositions(n: string): string[] {
  const out: string[] = [];
  for (let i = 2; i < n.length - 1; i++) {
    if (n[i] !== n[i + 1]) out.push(`${n.slice(0, i)}${n[i + 1]}${n[i]}${n.slice(i + 2)}`);
  }
  return out;
}

describe('accountNumber', () => {
  it('is AS + province + serial + 2 check digits (ISO 7064 MOD 97-10)', () => {
    const n = accountNumber('79', '0123456789');
    expect(n).toMatch(/^AS790123456789\d{2}$/);
    expect(isValidAccountNumber(n)).toBe(true);
    // By hand: letters as 10..35 (A = 10, S = 28), the whole number is 1 modulo 97.
    const digits = `${'A'.charCodeAt(0) - 55}${'S'.charCodeAt(0) - 55}790123456789${n.slice(-2)}`;
    expect(BigInt(digits) % 97n).toBe(1n);
  });

  it('is deterministic and valid for any province and serial', () => {
    fc.assert(
      fc.property(provinces, serials, (p, s) => {
        const n = accountNumber(p, s);
        expect(n).toBe(accountNumber(p, s));
        expect(n).toHaveLength(16);
        expect(n.slice(0, 14)).toBe(`AS${p}${s}`);
        expect(isValidAccountNumber(n)).toBe(true);
      }),
    );
  });

  it('pads small check values to two digits', () => {
    const found = new Set<string>();
    for (let i = 0; i < 3000 && found.size < 2; i++) {
      const n = accountNumber('01', String(i).padStart(10, '0'));
      if (n.slice(-2).startsWith('0')) found.add(n);
      expect(n).toHaveLength(16);
    }
    expect(found.size).toBeGreaterThan(0);
    for (const n of found) expect(isValidAccountNumber(n)).toBe(true);
  });

  it.each<[string, string]>([
    ['7', '0123456789'],
    ['790', '0123456789'],
    ['ab', '0123456789'],
    ['79', '123456789'],
    ['79', '01234567890'],
    ['79', '012345678a'],
    ['79', ''],
    ['', '0123456789'],
  ])('refuses province %j and serial %j', (p, s) => {
    expect(() => accountNumber(p, s)).toThrow(RangeError);
  });
});

describe('isValidAccountNumber', () => {
  const samples = [
    accountNumber('79', '0123456789'),
    accountNumber('01', '0000000000'),
    accountNumber('99', '9999999999'),
    accountNumber('48', '5061728394'),
  ];

  it.each(samples)('catches every single-digit substitution of %s', (n) => {
    const wrong = substitutions(n);
    expect(wrong).toHaveLength(14 * 9);
    for (const w of wrong) expect([w, isValidAccountNumber(w)]).toEqual([w, false]);
  });

  it.each(samples)('catches every adjacent transposition of %s', (n) => {
    for (const w of transpositions(n)) expect([w, isValidAccountNumber(w)]).toEqual([w, false]);
  });

  it('catches substitutions and transpositions of any number', () => {
    fc.assert(
      fc.property(provinces, serials, fc.nat(), (p, s, pick) => {
        const n = accountNumber(p, s);
        const subs = substitutions(n);
        expect(isValidAccountNumber(subs[pick % subs.length] as string)).toBe(false);
        for (const w of transpositions(n)) expect(isValidAccountNumber(w)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    '',
    'AS',
    'AS790123456789',
    'AS7901234567890',
    'AS79012345678900',
    `as790123456789${accountNumber('79', '0123456789').slice(-2)}`,
    ` ${accountNumber('79', '0123456789')}`,
    `${accountNumber('79', '0123456789')} `,
    `${accountNumber('79', '0123456789')}0`,
    accountNumber('79', '0123456789').replace('AS', 'AT'),
    accountNumber('79', '0123456789').replace('AS', 'SA'),
    'AS79 0123456789 00',
    'AS79A123456789XX',
    `AS７９0123456789${accountNumber('79', '0123456789').slice(-2)}`,
  ])('rejects %j', (bad) => {
    expect(isValidAccountNumber(bad)).toBe(false);
  });
});
