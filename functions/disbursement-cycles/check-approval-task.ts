/** Disbursement loop: what the run should do next, from the cycle's status (a person decides, the run waits). */
import { z } from 'zod';
import { InvalidInputError, invokedTask } from '../shared/task.js';
import { getCycle } from './cycle-store.js';

export const handler = invokedTask(z.object({ cycleId: z.string() }), async ({ cycleId }) => {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new InvalidInputError(`cycle ${cycleId} does not exist`);
  const next =
    cycle.status === 'COMPUTING'
      ? 'COMPUTE'
      : cycle.status === 'DRAFT' || cycle.status === 'SUBMITTED'
        ? 'WAIT'
        : cycle.status === 'APPROVED' || cycle.status === 'DISPATCHING'
          ? 'DISPATCH'
          : cycle.status === 'COLLECTING'
            ? 'COLLECT'
            : 'STOP';
  return { cycleId, next };
});
