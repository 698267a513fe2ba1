import { describe, expect, it } from '@jest/globals';
import { heldTotals, registryVerdict } from '../../../functions/disbursement-cycles/registry-check.js';
import type { RegistryPerson } from '../../../schemas/population-registry.js';

const person = (over: Partial<RegistryPerson> = {}): RegistryPerson => ({
  personalId: '079150000001',
  fullName: 'Nguyễn Văn A',
  dateOfBirth: '1940-02-03',
  gender: 'M',
  status: 'alive',
  residenceProvinceCode: '79',
  ...over,
});

describe('registryVerdict', () => {
  it('pays the living as the rules say', () => {
    expect(registryVerdict(person())).toEqual({ kind: 'ALIVE' });
  });
  it('gives the rules the date of death of the deceased', () => {
    expect(registryVerdict(person({ status: 'deceased', dateOfDeath: '2026-01-20' }))).toEqual({
      kind: 'DECEASED',
      dateOfDeath: '2026-01-20',
    });
  });
  it('holds a person the registry no longer knows', () => {
    expect(registryVerdict(null)).toEqual({ kind: 'HELD', reason: 'NOT_IN_REGISTRY' });
    expect(registryVerdict(undefined)).toEqual({ kind: 'HELD', reason: 'NOT_IN_REGISTRY' });
  });
  it('holds a death without a date (which months to pay cannot be decided)', () => {
    expect(registryVerdict(person({ status: 'deceased' }))).toEqual({ kind: 'HELD', reason: 'DEATH_DATE_UNKNOWN' });
  });
});

describe('heldTotals', () => {
  it('counts people and VND by reason, sorted by reason', () => {
    expect(
      heldTotals([
        { reason: 'NOT_IN_REGISTRY', amount: 500_000 },
        { reason: 'DEATH_DATE_UNKNOWN', amount: 0 },
        { reason: 'NOT_IN_REGISTRY', amount: 750_000 },
      ]),
    ).toEqual({
      people: 3,
      amount: 1_250_000,
      byReason: [
        { reason: 'DEATH_DATE_UNKNOWN', people: 1, amount: 0 },
        { reason: 'NOT_IN_REGISTRY', people: 2, amount: 1_250_000 },
      ],
    });
  });
  it('is empty when nobody is held', () => {
    expect(heldTotals([])).toEqual({ people: 0, amount: 0, byReason: [] });
  });
  it('refuses amounts that are not VND', () => {
    expect(() => heldTotals([{ reason: 'NOT_IN_REGISTRY', amount: 1.5 }])).toThrow(RangeError);
    expect(() => heldTotals([{ reason: 'NOT_IN_REGISTRY', amount: -1 }])).toThrow(RangeError);
  });
});
