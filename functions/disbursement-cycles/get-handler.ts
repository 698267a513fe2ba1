/** GET /v1/disbursement-cycles/{cycleId} — the draft totals, status and the audit trail. */
import { z } from 'zod';
import { CycleId } from '../../schemas/disbursement-cycles.js';
import { httpRoute } from '../shared/http.js';
import { visibleCycle } from './access.js';
import { auditTrail } from './cycle-store.js';
import { toCycleView } from './cycle-view.js';

export const handler = httpRoute({
  params: z.object({ cycleId: CycleId }),
  handle: async ({ principal, params }) => {
    const cycle = await visibleCycle(principal, params.cycleId);
    return { status: 200, body: { ...toCycleView(cycle), audit: await auditTrail(cycle.cycleId) } };
  },
});
