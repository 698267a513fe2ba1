/** Onboarding step 4: totals per outcome for the list, and the list is closed as COMPLETED. */
import type { RowOutcome } from '../../schemas/beneficiary-lists.js';
import { SummariseInput } from '../../schemas/onboarding.js';
import { closeJob } from '../jobs/job-store.js';
import { invokedTask } from '../shared/task.js';
import type { ListTotals } from './list-store.js';

export const handler = invokedTask(SummariseInput, async ({ listId, rows, verified, opened }) => {
  const byOutcome: Partial<Record<RowOutcome, number>> = {};
  for (const v of verified) {
    for (const [outcome, n] of Object.entries(v.counts)) {
      byOutcome[outcome as RowOutcome] = (byOutcome[outcome as RowOutcome] ?? 0) + (n ?? 0);
    }
  }
  const conflicts = opened.reduce((s, o) => s + o.conflicts, 0);
  // Rows another list enrolled while this one was opening accounts moved from ACCEPTED to ALREADY_ENROLLED.
  if (conflicts) {
    byOutcome.ACCEPTED = (byOutcome.ACCEPTED ?? 0) - conflicts;
    byOutcome.ALREADY_ENROLLED = (byOutcome.ALREADY_ENROLLED ?? 0) + conflicts;
  }
  const totals: ListTotals = {
    rows,
    byOutcome,
    flagged: verified.reduce((s, v) => s + v.flagged, 0),
    accountsOpened: opened.reduce((s, o) => s + o.opened, 0),
  };
  await closeJob(listId, 'COMPLETED', { totals });
  return { listId, status: 'COMPLETED', totals };
});
