/**
 * Golden rows: each age-banded category at the edges of each band (the decision signed the day before, on
 * and after the birthday that opens or closes it), through the row verdict the verify step writes.
 */
import { describe, expect, it } from '@jest/globals';
import { verifyRow } from '../../../functions/beneficiary-lists/verify-row.js';
import categoriesJson from '../../../functions/entitlements/data/allowance-categories.json' with { type: 'json' };
import type { CandidateBeneficiary } from '../../../schemas/beneficiary-lists.js';
import type { RegistryPerson } from '../../../schemas/population-registry.js';

const ID = '079130796635';
const shift = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** The day a person born on `dob` turns `age` (no 29 February births here). */
const birthday = (dob: string, age: number) => `${Number(dob.slice(0, 4)) + age}${dob.slice(4)}`;

const registry = (dateOfBirth: string, over: Partial<RegistryPerson> = {}): RegistryPerson => ({
  personalId: ID,
  fullName: 'Hoàng Thanh Minh Ánh',
  dateOfBirth,
  gender: 'F',
  status: 'alive',
  residenceProvinceCode: '79',
  ...over,
});
const row = (categoryCode: string, dateOfBirth: string, decisionDate: string): CandidateBeneficiary => ({
  line: 2,
  personalId: ID,
  fullName: 'Hoàng Thanh Minh Ánh',
  dateOfBirth,
  gender: 'F',
  categoryCode,
  decisionDate,
  paymentMethod: 'POST_OFFICE',
  communeCode: '26734',
});

type Golden = [code: string, edge: string, decisionDate: string, outcome: string];
const DOB = '1940-06-15';
const golden: Golden[] = [];
for (const c of categoriesJson.categories as { code: string; ageBands?: { from: number; to?: number }[] }[]) {
  for (const b of c.ageBands ?? []) {
    if (b.from > 0) {
      const opens = birthday(DOB, b.from);
      golden.push([c.code, `day before turning ${b.from}`, shift(opens, -1), 'CATEGORY_AGE_MISMATCH']);
      golden.push([c.code, `${b.from}th birthday`, opens, 'ACCEPTED']);
      golden.push([c.code, `day after turning ${b.from}`, shift(opens, 1), 'ACCEPTED']);
    }
    if (b.to !== undefined) {
      const closes = birthday(DOB, b.to + 1);
      golden.push([c.code, `day before turning ${b.to + 1}`, shift(closes, -1), 'ACCEPTED']);
      golden.push([c.code, `${b.to + 1}th birthday`, closes, 'CATEGORY_AGE_MISMATCH']);
      golden.push([c.code, `day after turning ${b.to + 1}`, shift(closes, 1), 'CATEGORY_AGE_MISMATCH']);
    }
  }
}

describe('verifyRow: golden rows at every band edge (born 15/06/1940)', () => {
  it.each(golden)('%s, decided on the %s (%s) → %s', (code, _, decisionDate, outcome) => {
    const r = verifyRow(row(code, DOB, decisionDate), registry(DOB));
    expect(r.outcome).toBe(outcome);
    expect(r.findings.map((f) => f.code)).toEqual(outcome === 'ACCEPTED' ? [] : ['CATEGORY_AGE_MISMATCH']);
  });

  it('covers the children, students and elderly groups', () => {
    const codes = new Set(golden.map((g) => g[0]));
    for (const code of ['TE_DUOI_4', 'TE_4_16', 'TN_16_22', 'NCT_NGHEO_60_80', 'NCT_NGHEO_80', 'NCT_80']) {
      expect(codes).toContain(code);
    }
  });
});

describe('verifyRow: the age is checked only on a row that is otherwise acceptable', () => {
  const child = '2016-01-01';
  it('a registry mismatch keeps its own outcome (no age finding on top)', () => {
    const r = verifyRow(row('NCT_80', '2016-01-02', '2025-03-15'), registry(child));
    expect(r.outcome).toBe('DATE_OF_BIRTH_MISMATCH');
    expect(r.findings.map((f) => f.code)).toEqual(['DATE_OF_BIRTH_MISMATCH']);
  });
  it('the dead stay DECEASED, the unknown NOT_IN_REGISTRY', () => {
    const dead = registry(child, { status: 'deceased', dateOfDeath: '2024-01-01' });
    expect(verifyRow(row('NCT_80', child, '2025-03-15'), dead).outcome).toBe('DECEASED');
    expect(verifyRow(row('NCT_80', child, '2025-03-15'), null).outcome).toBe('NOT_IN_REGISTRY');
  });
  it('a row too young for its category keeps its flags (resident elsewhere)', () => {
    const r = verifyRow(row('NCT_NGHEO_80', child, '2025-03-15'), registry(child, { residenceProvinceCode: '01' }), {
      uploaderProvince: '79',
    });
    expect(r.outcome).toBe('CATEGORY_AGE_MISMATCH');
    expect(r.flags.map((f) => f.code)).toEqual(['RESIDENT_OUTSIDE_JURISDICTION']);
    expect(r.findings[0]?.message.vi).toContain('9 tuổi');
  });
});
