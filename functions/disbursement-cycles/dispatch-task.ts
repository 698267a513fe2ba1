/**
 * Disbursement step: the approved draft goes out chunk by chunk through SQS. This step only enqueues; the
 * dispatch worker records each payment (PENDING, idempotent) before anything is sent. Re-running it sends
 * the messages again, which the worker absorbs: nothing is paid twice.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { queues } from '../shared/aws-clients.js';
import { resources } from '../shared/resources.js';
import { InvalidInputError, invokedTask } from '../shared/task.js';
import { changeCycle, getCycle } from './cycle-store.js';

const SYSTEM = { subject: 'system:disbursement', role: 'finance_approver' as const };

export const handler = invokedTask(z.object({ cycleId: z.string() }), async ({ cycleId }) => {
  let cycle = await getCycle(cycleId);
  if (!cycle?.draft) throw new InvalidInputError(`cycle ${cycleId} has no draft`);
  // Only approved content leaves: a draft or submitted cycle is never dispatched.
  if (!['APPROVED', 'DISPATCHING', 'COLLECTING'].includes(cycle.status)) {
    throw new InvalidInputError(`cycle ${cycleId} is ${cycle.status}, not approved`);
  }
  if (cycle.status === 'APPROVED') {
    // The approved content is the one dispatched: a draft changed after approval cannot get here.
    if (cycle.approvedHash !== cycle.draft.contentHash) throw new InvalidInputError('approved content differs');
    cycle = await changeCycle({
      cycleId,
      actor: SYSTEM,
      action: 'DISPATCH_STARTED',
      from: ['APPROVED'],
      to: 'DISPATCHING',
    });
  }
  // The message carries what the worker needs of the cycle: it never reads the cycle (payments/ sits below).
  const { approvedAt, jurisdiction } = cycle;
  if (!approvedAt) throw new InvalidInputError(`cycle ${cycleId} has no approval time`);
  const chunks = cycle.draft?.chunks ?? [];
  for (let i = 0; i < chunks.length; i += 10) {
    await queues().send(
      new SendMessageBatchCommand({
        QueueUrl: resources.queueUrl('paymentDispatch'),
        Entries: chunks.slice(i, i + 10).map((c) => ({
          Id: String(c.index),
          MessageBody: JSON.stringify({ cycleId, chunk: c.index, key: c.key, approvedAt, jurisdiction }),
        })),
      }),
    );
  }
  if (cycle.status === 'DISPATCHING') {
    await changeCycle({ cycleId, actor: SYSTEM, action: 'DISPATCHED', from: ['DISPATCHING'], to: 'COLLECTING' });
  }
  return { cycleId, chunks: chunks.length };
});
