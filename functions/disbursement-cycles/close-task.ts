/**
 * Disbursement close: totals by state in count and VND, which must balance with what was approved:
 * approved = settled + rejected + returned + unknown + pending (+ anything still in flight).
 */
import { z } from 'zod';
import { InvalidInputError, invokedTask } from '../shared/task.js';
import { changeCycle, getCycle } from './cycle-store.js';
import { stateTotals } from './progress.js';

export const handler = invokedTask(z.object({ cycleId: z.string() }), async ({ cycleId }) => {
  const cycle = await getCycle(cycleId);
  if (!cycle?.draft) throw new InvalidInputError(`cycle ${cycleId} has no draft`);
  if (cycle.status === 'CLOSED') return { cycleId, closing: cycle.closing };
  const totals = await stateTotals(cycleId);
  const sum = Object.values(totals).reduce((s, t) => ({ count: s.count + t.count, amount: s.amount + t.amount }), {
    count: 0,
    amount: 0,
  });
  const approved = { count: cycle.draft.totals.payees, amount: cycle.draft.totals.amount };
  const closing = {
    approved,
    ...totals,
    balanced: { count: sum.count === approved.count, amount: sum.amount === approved.amount },
  };
  await changeCycle({
    cycleId,
    actor: { subject: 'system:disbursement', role: 'finance_approver' },
    action: 'CLOSED',
    from: ['COLLECTING'],
    to: 'CLOSED',
    set: { closing },
    detail: { balanced: closing.balanced },
  });
  return { cycleId, closing };
});
