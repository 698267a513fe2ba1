/**
 * A monthly cycle's compute in shards, pure: the plan cuts the province's accounts (in account-number order,
 * the byJurisdiction index's sort key) into ranges of `size` accounts; each shard computes its range alone
 * and returns its partial totals, held totals and chunk files; the finish combines them into the draft.
 *
 * A shard is a key range [from, to), not a list of accounts: an account opened between the plan and the
 * shard falls in exactly one range, so no account is computed twice or missed, and the plan holds one key
 * per shard, never the province. Each person has one account, so the shards' people are disjoint and every
 * count adds up (cycle-totals.ts combineTotals).
 */
import { type CycleTotals, combineTotals, type PartialTotals } from '../entitlements/cycle-totals.js';
import { combineHeld, type HeldTotals } from './registry-check.js';

/**
 * Accounts a shard (ANSINH_COMPUTE_SHARD, default 5,000): about 8 s at the local per-payee cost, far from
 * Lambda's 15 minutes; 120 shards for a province of 600,000. Read at each plan, so tests can change it.
 */
export const computeShardSize = () => Number(process.env.ANSINH_COMPUTE_SHARD ?? 5000);

export interface ShardRange {
  shard: number;
  /** First account number of the range (inclusive); none for the first shard. */
  from?: string;
  /** First account number of the next range (exclusive); none for the last shard. */
  to?: string;
}

/** Cuts ascending keys into ranges of `size`; always at least one range (a province without accounts). */
export class ShardPlanner {
  private readonly bounds: string[] = [];
  private count = 0;
  private last: string | undefined;

  constructor(private readonly size: number) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`shard size must be a positive integer: ${size}`);
  }

  add(key: string): void {
    if (this.last !== undefined && key <= this.last)
      throw new RangeError(`keys must ascend: ${key} after ${this.last}`);
    this.last = key;
    if (this.count > 0 && this.count % this.size === 0) this.bounds.push(key);
    this.count += 1;
  }

  ranges(): ShardRange[] {
    return Array.from({ length: this.bounds.length + 1 }, (_, shard) => ({
      shard,
      ...(shard > 0 ? { from: this.bounds[shard - 1] } : {}),
      ...(shard < this.bounds.length ? { to: this.bounds[shard] } : {}),
    }));
  }
}

export const inRange = (r: Pick<ShardRange, 'from' | 'to'>, key: string) =>
  (r.from === undefined || key >= r.from) && (r.to === undefined || key < r.to);

export interface ShardChunk {
  key: string;
  count: number;
  amount: number;
}

/** What one shard leaves for the finish (stored as one object, written after its chunk files). */
export interface ShardResult {
  shard: number;
  totals: PartialTotals;
  held: HeldTotals;
  /** The shard's chunk files, in payment-id order. */
  chunks: ShardChunk[];
}

/**
 * The draft's totals (with the held ones) and its chunk list from every shard's result. Chunks are numbered
 * densely 0..n-1 in shard order then the shard's own order, so dispatch names each message by cycle and
 * index as before; the totals and the hash do not depend on that order (nor on the shard size).
 */
export function combineShards(
  period: string,
  shardCount: number,
  results: readonly ShardResult[],
): { totals: CycleTotals & { held: HeldTotals }; chunks: (ShardChunk & { index: number })[] } {
  const byShard = new Map<number, ShardResult>();
  for (const r of results) {
    if (!Number.isInteger(r.shard) || r.shard < 0 || r.shard >= shardCount) {
      throw new RangeError(`shard ${r.shard} is not one of 0..${shardCount - 1}`);
    }
    if (byShard.has(r.shard)) throw new RangeError(`shard ${r.shard} given twice`);
    byShard.set(r.shard, r);
  }
  const ordered: ShardResult[] = [];
  for (let shard = 0; shard < shardCount; shard++) {
    const r = byShard.get(shard);
    if (!r) throw new RangeError(`shard ${shard} has no result`);
    ordered.push(r);
  }
  const totals = combineTotals(
    period,
    ordered.map((r) => r.totals),
  );
  const chunks = ordered.flatMap((r) => r.chunks).map((c, index) => ({ index, ...c }));
  return { totals: { ...totals, held: combineHeld(ordered.map((r) => r.held)) }, chunks };
}
