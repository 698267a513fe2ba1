/**
 * Disbursement close: totals by state in count and VND, plus the approved payments never dispatched, which
 * must balance with what was approved: approved = Σ states + not dispatched. Payments the cycle closes without
 * a final answer (UNKNOWN, NOT_SENT, never dispatched) are published as a metric with its own alarm.
 */
import { z } from 'zod';
import { logger, metrics } from '../shared/powertools.js';
import { InvalidInputError, invokedTask } from '../shared/task.js';
import { closingOf } from './cutoff.js';
import { changeCycle, getCycle, releaseTurn } from './cycle-store.js';
import { notDispatched, stateTotals } from './progress.js';

/** The metric the "payments not final at close" alarm watches (namespace ansinh, service closeCycle). */
export const NOT_FINAL_METRIC = 'PaymentsNotFinalAtClose';

export const handler = invokedTask(z.object({ cycleId: z.string() }), async ({ cycleId }) => {
  const cycle = await getCycle(cycleId);
  if (!cycle?.draft) throw new InvalidInputError(`cycle ${cycleId} has no draft`);
  if (cycle.status === 'CLOSED') return { cycleId, closing: cycle.closing };
  const approved = { count: cycle.draft.totals.payees, amount: cycle.draft.totals.amount };
  const closing = closingOf(approved, await stateTotals(cycleId), await notDispatched(cycle));
  await changeCycle({
    cycleId,
    actor: { subject: 'system:disbursement', role: 'finance_approver' },
    action: 'CLOSED',
    from: ['COLLECTING'],
    to: 'CLOSED',
    set: { closing },
    detail: { balanced: closing.balanced, notFinal: closing.notFinal },
    // The next monthly cycle may be approved now, if it was computed from this one's payments (cycle-turns.ts).
    ...(cycle.kind === 'SUPPLEMENTARY' ? {} : { extra: [releaseTurn(cycle, new Date().toISOString())] }),
  });
  // Published once, by the close that wrote the closing (a repeated close returns above).
  metrics.addMetric(NOT_FINAL_METRIC, 'Count', closing.notFinal.count);
  if (closing.notFinal.count > 0) {
    logger.warn('Cycle closed with payments not final', {
      cycleId,
      notFinal: closing.notFinal,
      unknown: closing.UNKNOWN.count,
      notSent: closing.NOT_SENT.count,
      notDispatched: closing.notDispatched,
    });
  }
  return { cycleId, closing };
});
