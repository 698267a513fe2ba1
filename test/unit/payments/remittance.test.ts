/** The remittance line fits ISO 20022's 140 characters whatever the months (a first payment may hold 36 of arrears). */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { REMITTANCE_MAX, remittanceFor } from '../../../functions/payments/remittance.js';

const ACCOUNT = 'AS7900000000123';
const months = (from: string, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const total = Number(from.slice(0, 4)) * 12 + Number(from.slice(5, 7)) - 1 + i;
    return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
  });

describe('remittance line', () => {
  it('names one month, and consecutive months as one range', () => {
    expect(remittanceFor(['2026-04'], ACCOUNT)).toBe(`TRO CAP XA HOI THANG 04/2026 ${ACCOUNT}`);
    expect(remittanceFor(months('2025-03', 14), ACCOUNT)).toBe(`TRO CAP XA HOI THANG 03/2025-04/2026 ${ACCOUNT}`);
    expect(remittanceFor(['2026-01', '2025-11', '2025-12', '2026-03'], ACCOUNT)).toBe(
      `TRO CAP XA HOI THANG 11/2025-01/2026 03/2026 ${ACCOUNT}`,
    );
  });

  it('stays within 140 characters for any set of months', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 47 }), { minLength: 1, maxLength: 37 }), (offsets) => {
        const all = months('2023-01', 48);
        const line = remittanceFor(
          offsets.map((o) => all[o] as string),
          ACCOUNT,
        );
        expect(line.length).toBeLessThanOrEqual(REMITTANCE_MAX);
        expect(line).toContain(ACCOUNT);
      }),
    );
  });
});
