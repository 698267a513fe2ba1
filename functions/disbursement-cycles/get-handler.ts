/** GET /v1/disbursement-cycles/{cycleId} — the draft totals, status, the audit trail, and dispatch progress while it runs. */
import { z } from 'zod';
import { CycleDetail, CycleId } from '../../schemas/disbursement-cycles.js';
import { httpRoute } from '../shared/http.js';
import { visibleCycle } from './access.js';
import { auditTrail } from './cycle-store.js';
import { toCycleView } from './cycle-view.js';
import { dispatchProgress } from './progress.js';

const RUNNING = ['APPROVED', 'DISPATCHING', 'COLLECTING'];

export const handler = httpRoute({
  responses: { 200: CycleDetail },
  params: z.object({ cycleId: CycleId }),
  handle: async ({ principal, params }) => {
    const cycle = await visibleCycle(principal, params.cycleId);
    return {
      status: 200,
      body: {
        ...toCycleView(cycle),
        ...(RUNNING.includes(cycle.status) ? { progress: await dispatchProgress(cycle) } : {}),
        audit: await auditTrail(cycle.cycleId),
      },
    };
  },
});
