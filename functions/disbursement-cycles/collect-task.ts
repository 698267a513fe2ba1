/**
 * Disbursement loop while statuses come in: are payments still open, and is the settlement cut-off past?
 * At the cut-off the step queues one work item per chunk of the draft, once (a marker beside the ledger says
 * so), to the cut-off workers (cutoff-worker.ts): each asks the bank about its chunk's whole message and resolves
 * the chunk's open payments (cutoff.ts). The step then polls until every work item has reported, and the run
 * closes. Nothing is sent again.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { cutoffChunksDone, cutoffQueued, markCutoffQueued } from '../payment-ledger/ledger-store.js';
import { queues } from '../shared/aws-clients.js';
import { logger } from '../shared/powertools.js';
import { resources } from '../shared/resources.js';
import { InvalidInputError, invokedTask } from '../shared/task.js';
import { cutoffAt, cutoffQueriesDone } from './cutoff.js';
import type { CutoffQuery } from './cutoff-worker.js';
import { type CycleRecord, getCycle } from './cycle-store.js';
import { openPayments } from './progress.js';

/** One work item per chunk, dispatched or not: a chunk that crashed halfway may hold PENDING payments. */
async function queueCutoffQueries(cycle: CycleRecord, approvedAt: string): Promise<number> {
  const chunks = cycle.draft?.chunks ?? [];
  for (let i = 0; i < chunks.length; i += 10) {
    await queues().send(
      new SendMessageBatchCommand({
        QueueUrl: resources.queueUrl('cutoffQueries'),
        Entries: chunks.slice(i, i + 10).map((c) => {
          const body: z.infer<typeof CutoffQuery> = { cycleId: cycle.cycleId, chunk: c.index, key: c.key, approvedAt };
          return { Id: String(c.index), MessageBody: JSON.stringify(body) };
        }),
      }),
    );
  }
  await markCutoffQueued(cycle.cycleId, chunks.length);
  return chunks.length;
}

export const handler = invokedTask(z.object({ cycleId: z.string() }), async ({ cycleId }) => {
  const cycle = await getCycle(cycleId);
  if (!cycle?.approvedAt || !cycle.draft) throw new InvalidInputError(`cycle ${cycleId} is not approved`);
  const open = await openPayments(cycle);
  if (Date.now() < cutoffAt(cycle.approvedAt)) return { cycleId, done: open === 0, open };
  const queued = await cutoffQueued(cycleId);
  if (!queued) {
    if (open === 0) return { cycleId, done: true, open };
    const chunks = await queueCutoffQueries(cycle, cycle.approvedAt);
    logger.warn('Cut-off reached: one bank status query per chunk queued', { cycleId, open, chunks });
    return { cycleId, done: chunks === 0, open };
  }
  const finished = await cutoffChunksDone(cycleId);
  const verdict = cutoffQueriesDone({ ...queued, finished, now: Date.now() });
  if (verdict === 'given-up') {
    logger.error('Cut-off work items unfinished a day after they were queued: closing with them open', {
      cycleId,
      chunks: queued.chunks,
      finished,
      open,
    });
  }
  return { cycleId, done: verdict !== 'waiting', open };
});
