/**
 * Disbursement step 1, the plan of the compute. A monthly cycle's draft is computed in shards of the
 * province's accounts (compute-shard-task.ts, run by the state machine's Map) and combined into the draft
 * (compute-finish-task.ts), so no invocation grows with the province. The plan only pages the account
 * numbers (ANSINH_COMPUTE_SHARD accounts a shard, default 5,000) and returns the ranges; it writes nothing.
 * Its id is the cycle's version (`v<version>`): a retried plan plans the same compute, and the finish only
 * records a draft if the cycle has not changed since.
 *
 * A supplementary cycle is computed here in one piece: its size is the province's failed payments an officer
 * has acted on, not the province (supplementary-compute.ts). Nothing to shard then (`shards: []`).
 */
import { z } from 'zod';
import { accountNumbersOfProvince } from '../accounts/account-store.js';
import { logger } from '../shared/powertools.js';
import { InvalidInputError, invokedTask } from '../shared/task.js';
import { computeShardSize, ShardPlanner, type ShardRange } from './compute-shards.js';
import { getCycle } from './cycle-store.js';
import { computeIdOf } from './draft-objects.js';
import { computeSupplementary } from './supplementary-compute.js';

export const handler = invokedTask(z.object({ cycleId: z.string() }), async ({ cycleId }) => {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new InvalidInputError(`cycle ${cycleId} does not exist`);
  const computeId = computeIdOf(cycle);
  const nothing = { cycleId, computeId, shardCount: 0, shards: [] as ShardRange[] };
  if (cycle.status !== 'COMPUTING') return { ...nothing, status: cycle.status };
  if (cycle.kind === 'SUPPLEMENTARY') {
    await computeSupplementary(cycle);
    return { ...nothing, status: 'DRAFT' };
  }
  const planner = new ShardPlanner(computeShardSize());
  for await (const accountNumber of accountNumbersOfProvince(cycle.jurisdiction.slice(0, 2))) {
    planner.add(accountNumber);
  }
  const shards = planner.ranges();
  logger.info('Compute planned', { cycleId, computeId, shards: shards.length });
  return { cycleId, computeId, shardCount: shards.length, shards, status: cycle.status };
});
