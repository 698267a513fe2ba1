/**
 * Disbursement loop: what the run should do next, from the cycle's status (a person decides, the run waits).
 *
 * A draft waits for approval for a limited window (`ANSINH_APPROVAL_WINDOW_DAYS`, 7 by default, from its
 * computation). Past it, the draft is computed again before anyone may approve it: deaths, suspensions and
 * account changes arrive every day, and an approval must be of current data. The submission is voided, as an
 * officer's recompute does; an approval racing the expiry either wins (the run dispatches) or is refused.
 *
 * The wait between polls keeps the run's history small: every poll is 9 events of the 25,000 a run may have.
 * 5 minutes while the cycle has changed within a day (an approval usually follows its submission closely),
 * 15 minutes after: a week's window is then about 7,800 events, so three windows of waiting fit in one run
 * (past that the run meets the limit and the recovery sweep replaces it).
 */
import { z } from 'zod';
import { logger } from '../shared/powertools.js';
import { InvalidInputError, invokedTask } from '../shared/task.js';
import { CycleConflictError, type CycleRecord, changeCycle, getCycle } from './cycle-store.js';

export type NextStep = 'COMPUTE' | 'WAIT' | 'EXPIRE' | 'DISPATCH' | 'COLLECT' | 'STOP';

const approvalWindowDays = () => Number(process.env.ANSINH_APPROVAL_WINDOW_DAYS ?? 7);

/** Pure: seconds until the next look at a cycle waiting for a person. */
export function pollSeconds(cycle: Pick<CycleRecord, 'updatedAt'>, now: number): number {
  const changed = Date.parse(cycle.updatedAt);
  return Number.isFinite(changed) && now - changed < 86_400_000 ? 300 : 900;
}

/** Pure: the next step for a cycle at `now` (epoch ms). */
export function nextStep(cycle: Pick<CycleRecord, 'status' | 'draft'>, now: number, windowDays: number): NextStep {
  switch (cycle.status) {
    case 'COMPUTING':
      return 'COMPUTE';
    case 'DRAFT':
    case 'SUBMITTED': {
      const computed = Date.parse(cycle.draft?.computedAt ?? '');
      return Number.isFinite(computed) && now > computed + windowDays * 86_400_000 ? 'EXPIRE' : 'WAIT';
    }
    case 'APPROVED':
    case 'DISPATCHING':
      return 'DISPATCH';
    case 'COLLECTING':
      return 'COLLECT';
    default:
      return 'STOP';
  }
}

export const handler = invokedTask(z.object({ cycleId: z.string() }), async ({ cycleId }) => {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new InvalidInputError(`cycle ${cycleId} does not exist`);
  const days = approvalWindowDays();
  const next = nextStep(cycle, Date.now(), days);
  if (next !== 'EXPIRE') return { cycleId, next, waitSeconds: pollSeconds(cycle, Date.now()) };
  try {
    await changeCycle({
      cycleId,
      actor: { subject: 'system:disbursement', role: 'finance_preparer' },
      action: 'APPROVAL_WINDOW_EXPIRED',
      from: ['DRAFT', 'SUBMITTED'],
      to: 'COMPUTING',
      remove: ['submittedBy', 'submittedHash'],
      detail: { computedAt: cycle.draft?.computedAt, windowDays: days },
    });
    logger.info('Approval window expired: recomputing the draft', { cycleId, windowDays: days });
    return { cycleId, next: 'COMPUTE', waitSeconds: 300 };
  } catch (err) {
    if (!(err instanceof CycleConflictError)) throw err;
    // Approved (or changed) meanwhile: decide again from what it is now.
    const now = await getCycle(cycleId);
    const again = now ? nextStep(now, Date.now(), days) : 'STOP';
    // Still expiring (another change raced this one): the next poll tries again.
    return { cycleId, next: again === 'EXPIRE' ? 'WAIT' : again, waitSeconds: 300 };
  }
});
