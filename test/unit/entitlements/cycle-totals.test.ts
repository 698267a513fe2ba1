import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  canonicalJson,
  cycleContentHash,
  cycleTotals,
  type PersonEntitlement,
} from '../../../functions/entitlements/cycle-totals.js';
import { computeEntitlement, type EntitlementInput } from '../../../functions/entitlements/entitlement.js';

const PERIOD = '2026-01';

function person(
  personId: string,
  communeCode: string,
  channel: 'BANK' | 'POST_OFFICE',
  code: string,
  over: Partial<EntitlementInput> = {},
): PersonEntitlement {
  return {
    personId,
    communeCode,
    channel,
    result: computeEntitlement({
      period: PERIOD,
      months: [PERIOD],
      province: '01',
      categories: [{ code, decisionDate: '2026-01-05', startMonth: '2026-01' }],
      accountStatus: 'ACTIVE',
      alreadyPaidMonths: [],
      ...over,
    }),
  };
}

const people = (): PersonEntitlement[] => [
  person('p-1', '00004', 'BANK', 'NCT_80'), // 650,000
  person('p-2', '00004', 'POST_OFFICE', 'KT_NANG'), // 975,000
  person('p-3', '00007', 'BANK', 'NCT_80', { months: [PERIOD, '2026-02'] }), // 2 × 650,000
  person('p-4', '00007', 'POST_OFFICE', 'NCT_80', { accountStatus: 'SUSPENDED' }), // nothing
];

describe('cycle totals', () => {
  it('totals by category, commune, channel and kind, with counts', () => {
    const t = cycleTotals(PERIOD, people());
    expect(t).toMatchObject({ period: PERIOD, people: 4, payees: 3, lines: 4, amount: 2_925_000 });
    expect(t.byCategory).toEqual([
      { key: 'KT_NANG', people: 1, lines: 1, amount: 975_000 },
      { key: 'NCT_80', people: 2, lines: 3, amount: 1_950_000 },
    ]);
    expect(t.byCommune).toEqual([
      { key: '00004', people: 2, lines: 2, amount: 1_625_000 },
      { key: '00007', people: 1, lines: 2, amount: 1_300_000 },
    ]);
    expect(t.byChannel).toEqual([
      { key: 'BANK', people: 2, lines: 3, amount: 1_950_000 },
      { key: 'POST_OFFICE', people: 1, lines: 1, amount: 975_000 },
    ]);
    expect(t.byKind).toEqual([
      { key: 'ADVANCE', people: 1, lines: 1, amount: 650_000 },
      { key: 'MONTHLY', people: 3, lines: 3, amount: 2_275_000 },
    ]);
    expect(t.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('counts the changes by age that take effect in the cycle month, by transition', () => {
    const period = '2026-05';
    const at = (personId: string, code: string, dateOfBirth: string) => ({
      ...person(personId, '00004', 'BANK', code, { period, months: [period], dateOfBirth }),
    });
    const t = cycleTotals(period, [
      // 80th birthday in April: 2.0 from May.
      at('p-1', 'NCT_NGHEO_60_80', '1946-04-10'),
      at('p-2', 'NCT_NGHEO_60_80', '1946-04-30'),
      // 80th birthday in May: the change is June's, not this cycle's.
      at('p-3', 'NCT_NGHEO_60_80', '1946-05-01'),
      // 4th birthday in April: 4-16 from May.
      at('p-4', 'TE_DUOI_4', '2022-04-15'),
      // 16th birthday in April, no studying extension: ends from May.
      at('p-5', 'TE_4_16', '2010-04-15'),
    ]);
    expect(t.byAgeChange).toEqual([
      { key: 'NCT_NGHEO_60_80→NCT_NGHEO_80', from: 'NCT_NGHEO_60_80', to: 'NCT_NGHEO_80', people: 2 },
      { key: 'TE_4_16→END', from: 'TE_4_16', people: 1 },
      { key: 'TE_DUOI_4→TE_4_16', from: 'TE_DUOI_4', to: 'TE_4_16', people: 1 },
    ]);
    expect(cycleTotals(PERIOD, people()).byAgeChange).toEqual([]);
  });

  it('rejects a person twice, a result of another period and a total that is not the sum', () => {
    const ps = people();
    expect(() => cycleTotals(PERIOD, [...ps, ps[0] as PersonEntitlement])).toThrow(/twice/);
    expect(() => cycleTotals('2026-02', ps)).toThrow(RangeError);
    const bad = { ...ps[0], result: { ...ps[0]?.result, total: 1 } } as PersonEntitlement;
    expect(() => cycleTotals(PERIOD, [bad])).toThrow(/sum/);
  });

  it('national-scale sums stay safe integers: 5.25 × 10^12 VND (3.5 million × 1.5 million)', () => {
    const line = people()[0]?.result.lines[0];
    if (!line) throw new Error('no line');
    // 350,000 people × 15,000,000 VND: the same national total with a tenth of the objects in memory.
    const big = { ...line, amount: 15_000_000, standard: 750_000, coefficientTenths: 200 };
    const n = 350_000;
    const many: PersonEntitlement[] = Array.from({ length: n }, (_, i) => ({
      personId: `p-${i}`,
      communeCode: String(i % 3321).padStart(5, '0'),
      channel: i % 2 ? 'BANK' : 'POST_OFFICE',
      result: {
        period: PERIOD,
        lines: [big],
        total: 15_000_000,
        findings: [],
        withheld: [],
        rulesVersion: line.rulesVersion,
      },
    }));
    const t = cycleTotals(PERIOD, many);
    expect(t.amount).toBe(5_250_000_000_000);
    expect(Number.isSafeInteger(t.amount)).toBe(true);
    expect(t.byCommune).toHaveLength(3321);
  }, 120_000);

  it('refuses a sum beyond Number.MAX_SAFE_INTEGER instead of rounding it', () => {
    const line = people()[0]?.result.lines[0];
    if (!line) throw new Error('no line');
    const huge = { ...line, amount: 5_000_000_000_000_000 };
    const two: PersonEntitlement[] = ['a', 'b'].map((personId) => ({
      personId,
      communeCode: '00001',
      channel: 'BANK',
      result: {
        period: PERIOD,
        lines: [huge],
        total: huge.amount,
        findings: [],
        withheld: [],
        rulesVersion: line.rulesVersion,
      },
    }));
    expect(() => cycleTotals(PERIOD, two)).toThrow(/safe integer/);
  });
});

describe('content hash', () => {
  it('is independent of input order and of people without lines', () => {
    const ps = people();
    const h = cycleContentHash(PERIOD, ps);
    expect(cycleContentHash(PERIOD, [...ps].reverse())).toBe(h);
    expect(cycleContentHash(PERIOD, ps.slice(0, 3))).toBe(h);
  });

  it('changes with the amount, the channel, the commune, the person, the period and the rules', () => {
    const ps = people();
    const h = cycleContentHash(PERIOD, ps);
    const first = ps[0] as PersonEntitlement;
    const firstLine = first.result.lines[0];
    if (!firstLine) throw new Error('no line');
    const variants: PersonEntitlement[][] = [
      [{ ...first, channel: 'POST_OFFICE' }, ...ps.slice(1)],
      [{ ...first, communeCode: '00099' }, ...ps.slice(1)],
      [{ ...first, personId: 'p-9' }, ...ps.slice(1)],
      [
        { ...first, result: { ...first.result, lines: [{ ...firstLine, amount: firstLine.amount + 10 }] } },
        ...ps.slice(1),
      ],
      [{ ...first, result: { ...first.result, lines: [{ ...firstLine, ruleId: 'X' }] } }, ...ps.slice(1)],
      [{ ...first, result: { ...first.result, lines: [{ ...firstLine, rulesVersion: 'other' }] } }, ...ps.slice(1)],
      ps.slice(1),
    ];
    const hashes = new Set([h, ...variants.map((v) => cycleContentHash(PERIOD, v))]);
    expect(hashes.size).toBe(variants.length + 1);
    expect(cycleContentHash('2026-02', ps)).not.toBe(h);
  });

  it('property: equal iff the canonical content is equal', () => {
    const lineArb = fc.record({
      month: fc.constantFrom('2025-12', '2026-01', '2026-02'),
      categoryCode: fc.constantFrom('NCT_80', 'KT_NANG'),
      coefficientTenths: fc.constantFrom(10, 15),
      standard: fc.constantFrom(500_000, 650_000),
      amount: fc.integer({ min: 1, max: 3 }).map((n) => n * 10),
      kind: fc.constantFrom('ARREARS' as const, 'MONTHLY' as const, 'ADVANCE' as const),
      legalBasis: fc.constant('b'),
      ruleId: fc.constant('R'),
      rulesVersion: fc.constant('v'),
    });
    const personArb = fc.record({
      personId: fc.constantFrom('a', 'b', 'c'),
      communeCode: fc.constantFrom('00001', '00002'),
      channel: fc.constantFrom('BANK' as const, 'POST_OFFICE' as const),
      lines: fc.uniqueArray(lineArb, { selector: (l) => l.month, minLength: 1, maxLength: 2 }),
    });
    const cycleArb = fc.uniqueArray(personArb, { selector: (p) => p.personId, maxLength: 3 }).map((ps) =>
      ps.map(
        (p): PersonEntitlement => ({
          personId: p.personId,
          communeCode: p.communeCode,
          channel: p.channel,
          result: {
            period: PERIOD,
            lines: p.lines,
            total: p.lines.reduce((s, l) => s + l.amount, 0),
            findings: [],
            withheld: [],
            rulesVersion: 'v',
          },
        }),
      ),
    );
    const canonical = (ps: PersonEntitlement[]) =>
      canonicalJson(
        [...ps]
          .sort((a, b) => (a.personId < b.personId ? -1 : 1))
          .map((p) => ({
            personId: p.personId,
            communeCode: p.communeCode,
            channel: p.channel,
            lines: [...p.result.lines].sort((x, y) => (x.month < y.month ? -1 : 1)),
          })),
      );
    fc.assert(
      fc.property(cycleArb, cycleArb, (a, b) => {
        const sameContent = canonical(a) === canonical(b);
        expect(cycleContentHash(PERIOD, a) === cycleContentHash(PERIOD, b)).toBe(sameContent);
      }),
      { numRuns: 500 },
    );
  });

  it('canonical JSON sorts keys and refuses floats', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 'x', c: null }] })).toBe('{"a":[{"c":null,"d":"x"}],"b":1}');
    expect(() => canonicalJson({ a: 0.5 })).toThrow(RangeError);
  });
});
