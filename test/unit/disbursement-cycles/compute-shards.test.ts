import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  combineShards,
  inRange,
  ShardPlanner,
  type ShardResult,
} from '../../../functions/disbursement-cycles/compute-shards.js';
import { type HeldReason, heldTotals } from '../../../functions/disbursement-cycles/registry-check.js';
import {
  combineDigests,
  contentDigest,
  cycleContentHash,
  cycleTotals,
  type PersonEntitlement,
  partialTotals,
} from '../../../functions/entitlements/cycle-totals.js';
import { computeEntitlement } from '../../../functions/entitlements/entitlement.js';

const PERIOD = '2026-01';
const CODES = ['NCT_80', 'KT_NANG', 'NCT_NGHEO_60_80'] as const;

interface Payee {
  person: PersonEntitlement;
  held?: HeldReason;
}

/** A person of the province as a shard computes them: paid, paid nothing, or held by the registry check. */
const payee = (
  i: number,
  code: number,
  commune: number,
  bank: boolean,
  months: number,
  status: number,
  held: number,
) => {
  const result = computeEntitlement({
    period: PERIOD,
    months: months === 2 ? [PERIOD, '2026-02'] : [PERIOD],
    province: '01',
    categories: [{ code: CODES[code] as string, decisionDate: '2025-10-05', startMonth: '2025-10' }],
    accountStatus: status === 0 ? 'SUSPENDED' : 'ACTIVE',
    alreadyPaidMonths: months === 0 ? ['2025-10', '2025-11'] : [],
    dateOfBirth: '1940-03-02',
  });
  const person: PersonEntitlement = {
    personId: `p-${String(i).padStart(6, '0')}`,
    communeCode: `0000${commune}`,
    channel: bank ? 'BANK' : 'POST_OFFICE',
    result,
  };
  return held === 0
    ? { person, held: 'NOT_IN_REGISTRY' as const }
    : held === 1
      ? { person, held: 'DEATH_DATE_UNKNOWN' as const }
      : { person };
};

const payees = fc
  .array(
    fc.tuple(
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 1, max: 4 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 0, max: 5 }),
      fc.integer({ min: 0, max: 9 }),
    ),
    { maxLength: 40 },
  )
  .map((rows) => rows.map((r, i) => payee(i, ...r)));

/** What the shards of `size` accounts leave, as compute-shard-task.ts builds it (chunks stand for files). */
function shardResults(all: Payee[], size: number): ShardResult[] {
  const results: ShardResult[] = [];
  for (let start = 0, shard = 0; start < all.length || shard === 0; start += size, shard++) {
    const part = all.slice(start, start + size);
    const paid = part.filter((p) => !p.held).map((p) => p.person);
    const payable = paid.filter((p) => p.result.total > 0);
    results.push({
      shard,
      totals: partialTotals(PERIOD, paid),
      held: heldTotals(part.flatMap((p) => (p.held ? [{ reason: p.held, amount: p.person.result.total }] : []))),
      chunks: payable.length
        ? [{ key: `shard-${shard}`, count: payable.length, amount: payable.reduce((s, p) => s + p.result.total, 0) }]
        : [],
    });
  }
  return results;
}

/** The draft as one piece would compute it (the compute before shards, and a supplementary cycle's today). */
const whole = (all: Payee[]) => ({
  ...cycleTotals(
    PERIOD,
    all.filter((p) => !p.held).map((p) => p.person),
  ),
  held: heldTotals(all.flatMap((p) => (p.held ? [{ reason: p.held, amount: p.person.result.total }] : []))),
});

describe('shard plan', () => {
  it('one open range when the province has no account, or fewer than a shard', () => {
    expect(new ShardPlanner(3).ranges()).toEqual([{ shard: 0 }]);
    const plan = new ShardPlanner(3);
    for (const k of ['a', 'b', 'c']) plan.add(k);
    expect(plan.ranges()).toEqual([{ shard: 0 }]);
  });

  it('cuts every size-th key: [.., k3), [k3, k6), [k6, ..)', () => {
    const plan = new ShardPlanner(3);
    for (const k of ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6']) plan.add(k);
    expect(plan.ranges()).toEqual([
      { shard: 0, to: 'k3' },
      { shard: 1, from: 'k3', to: 'k6' },
      { shard: 2, from: 'k6' },
    ]);
  });

  it('refuses keys out of order and a size that is not a positive integer', () => {
    const plan = new ShardPlanner(2);
    plan.add('b');
    expect(() => plan.add('a')).toThrow(RangeError);
    expect(() => plan.add('b')).toThrow(RangeError);
    expect(() => new ShardPlanner(0)).toThrow(RangeError);
    expect(() => new ShardPlanner(1.5)).toThrow(RangeError);
  });

  it('property: every key, planned or opened after the plan, is in exactly one range', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 60 }),
        fc.array(fc.string({ maxLength: 5 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 10 }),
        (planned, later, size) => {
          const plan = new ShardPlanner(size);
          for (const k of [...planned].sort()) plan.add(k);
          const ranges = plan.ranges();
          expect(ranges).toHaveLength(Math.max(1, Math.ceil(planned.length / size)));
          for (const k of [...planned, ...later]) expect(ranges.filter((r) => inRange(r, k))).toHaveLength(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('combining the shards', () => {
  it('property: the same totals, held totals and hash as one piece, whatever the shard size and order', () => {
    fc.assert(
      fc.property(payees, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), (all, a, b) => {
        const expected = whole(all);
        for (const size of [a, b]) {
          const results = shardResults(all, size);
          const { totals } = combineShards(PERIOD, results.length, [...results].reverse());
          expect(totals).toEqual(expected);
          expect(combineShards(PERIOD, results.length, results).totals).toEqual(expected);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('property: the digest of disjoint parts, combined in any grouping, is the digest of their union', () => {
    fc.assert(
      fc.property(payees, fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), (all, i, j) => {
        const people = all.map((p) => p.person);
        const [x, y] = [Math.min(i, j), Math.max(i, j)];
        const parts = [people.slice(0, x), people.slice(x, y), people.slice(y)].map(contentDigest);
        const union = contentDigest(people);
        expect(combineDigests(parts)).toEqual(union);
        expect(combineDigests([combineDigests([parts[2], parts[0]] as never), parts[1]] as never)).toEqual(union);
      }),
      { numRuns: 200 },
    );
  });

  it('a payee changed in one shard changes the hash; the same payee in another shard does not', () => {
    const all = Array.from({ length: 9 }, (_, i) => payee(i, i % 3, 1 + (i % 4), i % 2 === 0, 1, 1, 9));
    const base = combineShards(PERIOD, 3, shardResults(all, 3)).totals.contentHash;
    expect(base).toBe(
      cycleContentHash(
        PERIOD,
        all.map((p) => p.person),
      ),
    );
    const moved = combineShards(PERIOD, 2, shardResults(all, 5)).totals.contentHash;
    expect(moved).toBe(base);
    const changed = [...all];
    changed[4] = payee(4, 1, 2, true, 1, 1, 9);
    expect(combineShards(PERIOD, 3, shardResults(changed, 3)).totals.contentHash).not.toBe(base);
    const dropped = all.slice(0, 8);
    expect(combineShards(PERIOD, 3, shardResults(dropped, 3)).totals.contentHash).not.toBe(base);
  });

  it('numbers the chunks 0..n-1 in shard order, whatever order the results come in', () => {
    const all = Array.from({ length: 7 }, (_, i) => payee(i, 0, 1, true, 1, 1, 9));
    const results = shardResults(all, 2);
    const { chunks } = combineShards(PERIOD, results.length, [...results].reverse());
    expect(chunks.map((c) => [c.index, c.key])).toEqual([
      [0, 'shard-0'],
      [1, 'shard-1'],
      [2, 'shard-2'],
      [3, 'shard-3'],
    ]);
    expect(chunks.reduce((s, c) => s + c.count, 0)).toBe(7);
  });

  it('refuses a missing shard, a shard given twice and one outside the plan', () => {
    const results = shardResults(
      Array.from({ length: 4 }, (_, i) => payee(i, 0, 1, true, 1, 1, 9)),
      2,
    );
    expect(() => combineShards(PERIOD, 2, [results[0] as ShardResult])).toThrow('shard 1 has no result');
    expect(() => combineShards(PERIOD, 2, [...results, results[0] as ShardResult])).toThrow('shard 0 given twice');
    expect(() => combineShards(PERIOD, 1, results)).toThrow('shard 1 is not one of 0..0');
  });

  it('refuses shards computed on different rule versions', () => {
    const [a, b] = shardResults(
      Array.from({ length: 2 }, (_, i) => payee(i, 0, 1, true, 1, 1, 9)),
      1,
    ) as [ShardResult, ShardResult];
    const other = { ...b, totals: { ...b.totals, rulesVersions: ['other'] } };
    expect(() => combineShards(PERIOD, 2, [a, other])).toThrow('mixes rule versions');
  });
});
