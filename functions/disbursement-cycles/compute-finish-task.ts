/**
 * Disbursement step 1, the end of a sharded compute: every shard's result combined (compute-shards.ts) into
 * the draft's totals, held totals, content hash and dense chunk list, and the cycle moved COMPUTING → DRAFT
 * (audited) — only if it is still at the version the compute was planned at. Reads one small object per
 * shard, never an account or a payment. Recomputing gives a new hash, which voids any approval given for
 * the old one.
 */
import { z } from 'zod';
import { inParallel } from '../shared/in-parallel.js';
import { logger } from '../shared/powertools.js';
import { InvalidInputError, invokedTask } from '../shared/task.js';
import { combineShards, type ShardResult } from './compute-shards.js';
import { getCycle } from './cycle-store.js';
import { computeIdOf, readShardResult, shardResultKey } from './draft-objects.js';
import { recordDraft } from './finish-draft.js';

const Input = z.object({ cycleId: z.string(), computeId: z.string(), shardCount: z.number().int().min(0) });

export class ShardMissingError extends Error {
  override name = 'ShardMissing';
}

export const handler = invokedTask(Input, async ({ cycleId, computeId, shardCount }) => {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new InvalidInputError(`cycle ${cycleId} does not exist`);
  // Nothing sharded (a supplementary cycle, computed by the plan) or a compute the cycle has moved past.
  if (shardCount === 0 || cycle.status !== 'COMPUTING' || computeIdOf(cycle) !== computeId) {
    return { cycleId, status: cycle.status };
  }
  const results = await inParallel(
    Array.from({ length: shardCount }, (_, shard) => shard),
    8,
    (shard) => readShardResult(shardResultKey(cycleId, computeId, shard)),
  );
  const missing = results.findIndex((r) => !r);
  if (missing >= 0) throw new ShardMissingError(`shard ${missing} of compute ${computeId} has no result`);
  const { totals, chunks } = combineShards(cycle.period, shardCount, results as ShardResult[]);
  await recordDraft(cycle, totals, chunks, { version: cycle.version, since: cycle.updatedAt });
  logger.info('Cycle computed', {
    cycleId,
    computeId,
    shards: shardCount,
    payees: totals.payees,
    amount: totals.amount,
    held: totals.held.people,
    chunks: chunks.length,
  });
  return { cycleId, status: 'DRAFT', contentHash: totals.contentHash };
});
