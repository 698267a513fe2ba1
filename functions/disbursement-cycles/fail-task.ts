/**
 * Disbursement Catch path: an error retries cannot fix (a missing paying account, approved content that
 * differs from the draft) fails the cycle with the reason, audited. Payments already recorded stay in the
 * ledger with their states: failing a cycle never deletes or changes money records.
 */
import { z } from 'zod';
import { maskText } from '../shared/pii.js';
import { logger } from '../shared/powertools.js';
import { invokedTask } from '../shared/task.js';
import { CycleConflictError, changeCycle } from './cycle-store.js';

export const handler = invokedTask(
  z.object({ cycleId: z.string(), error: z.object({ Error: z.string(), Cause: z.string().optional() }) }),
  async ({ cycleId, error }) => {
    try {
      await changeCycle({
        cycleId,
        actor: { subject: 'system:disbursement', role: 'finance_approver' },
        action: 'FAILED',
        from: ['COMPUTING', 'DRAFT', 'SUBMITTED', 'APPROVED', 'DISPATCHING', 'COLLECTING'],
        to: 'FAILED',
        set: { failure: { error: error.Error, cause: maskText(error.Cause ?? '').slice(0, 500) } },
      });
    } catch (err) {
      if (!(err instanceof CycleConflictError)) throw err;
    }
    logger.warn('Cycle failed', { cycleId, error: error.Error });
    return { cycleId, status: 'FAILED' };
  },
);
