/**
 * Disbursement Catch path: an error retries cannot fix (a missing paying account, approved content that
 * differs from the draft) fails the cycle with the reason, audited. Payments already recorded stay in the
 * ledger with their states: failing a cycle never deletes or changes money records.
 */
import { z } from 'zod';
import { releaseClaimsOf } from '../cases/release-claims.js';
import { maskText } from '../shared/pii.js';
import { logger } from '../shared/powertools.js';
import { invokedTask } from '../shared/task.js';
import { CycleConflictError, changeCycle, getCycle, releaseTurn } from './cycle-store.js';

export const handler = invokedTask(
  z.object({ cycleId: z.string(), error: z.object({ Error: z.string(), Cause: z.string().optional() }) }),
  async ({ cycleId, error }) => {
    const before = await getCycle(cycleId);
    try {
      await changeCycle({
        cycleId,
        actor: { subject: 'system:disbursement', role: 'finance_approver' },
        action: 'FAILED',
        from: ['COMPUTING', 'DRAFT', 'SUBMITTED', 'APPROVED', 'DISPATCHING', 'COLLECTING'],
        to: 'FAILED',
        set: { failure: { error: error.Error, cause: maskText(error.Cause ?? '').slice(0, 500) } },
        // An approved monthly cycle gives its turn back (what it recorded stays in the ledger, cycle-turns.ts).
        ...(before?.approvedAt && before.kind !== 'SUPPLEMENTARY'
          ? { extra: [releaseTurn(before, new Date().toISOString())] }
          : {}),
      });
    } catch (err) {
      if (!(err instanceof CycleConflictError)) throw err;
    }
    const cycle = await getCycle(cycleId);
    // A failed supplementary cycle gives back the cases whose re-issue it never recorded (cases/release-claims.ts).
    const released =
      cycle?.kind === 'SUPPLEMENTARY' && cycle.status === 'FAILED'
        ? await releaseClaimsOf(cycleId, cycle.jurisdiction.slice(0, 2))
        : 0;
    logger.warn('Cycle failed', { cycleId, error: error.Error, casesReleased: released });
    return { cycleId, status: 'FAILED' };
  },
);
