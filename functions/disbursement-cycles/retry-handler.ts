/**
 * POST /v1/disbursement-cycles/{cycleId}/retry — a cycle that FAILED before anyone approved it is computed
 * again (the registry was down past the retries, a paying account was missing…). Nothing of it was paid:
 * payments are recorded only after approval. FAILED → COMPUTING, audited, with its open record reopened in the
 * same transaction (so the recovery sweep watches it again), then a run under the next name: the failed run's
 * name is used up. A cycle that failed after approval may have paid people and is refused: what it did not
 * pay is owed again by the next cycle (arrears), where the ledger's payment ids keep anyone from being paid twice.
 */
import { z } from 'zod';
import { CycleId, CycleView } from '../../schemas/disbursement-cycles.js';
import { getJob, type JobRecord, reopenCycleUpdate } from '../jobs/job-store.js';
import { HttpError, httpRoute } from '../shared/http.js';
import { asHttpConflict, cycleToChange } from './access.js';
import { runName, startCycleRun } from './cycle-run.js';
import { changeCycle } from './cycle-store.js';
import { toCycleView } from './cycle-view.js';

export const handler = httpRoute({
  responses: { 202: CycleView },
  params: z.object({ cycleId: CycleId }),
  handle: async ({ principal, params }) => {
    const cycle = await cycleToChange(principal, params.cycleId);
    if (cycle.status === 'FAILED' && cycle.approvedAt) {
      throw new HttpError(409, 'FAILED_AFTER_APPROVAL', {
        vi: 'Kỳ chi trả đã lỗi sau khi được duyệt nên có thể đã chi một phần: không chạy lại. Khoản chưa chi sẽ được truy lĩnh ở kỳ sau.',
        en: 'The cycle failed after approval and may have paid some people: it is not run again. What it did not pay is owed in the next cycle.',
      });
    }
    const restarts = (await getJob<JobRecord & { runRestarts?: number }>(cycle.cycleId))?.runRestarts ?? 0;
    const at = new Date().toISOString();
    const updated = await asHttpConflict(() =>
      changeCycle({
        cycleId: cycle.cycleId,
        actor: { subject: principal?.subject ?? '', role: 'finance_preparer' },
        action: 'RETRY_REQUESTED',
        from: ['FAILED'],
        to: 'COMPUTING',
        remove: ['failure', 'submittedBy', 'submittedHash'],
        detail: { failure: cycle.failure, run: runName(cycle.cycleId, restarts + 1) },
        // The open record, as createCycle writes it (or anew, for a cycle older than open records).
        extra: [reopenCycleUpdate(cycle.cycleId, cycle.jurisdiction, at, restarts + 1)],
      }),
    );
    // If this start is lost, the sweep starts the run of that name: the open record names it.
    await startCycleRun(cycle.cycleId, runName(cycle.cycleId, restarts + 1));
    return { status: 202, body: toCycleView(updated) };
  },
});
