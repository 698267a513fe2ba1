/** POST /v1/disbursement-cycles/{cycleId}/recompute — editing the draft: it is computed again and any approval voided. */
import { z } from 'zod';
import { CycleId, CycleView } from '../../schemas/disbursement-cycles.js';
import { httpRoute } from '../shared/http.js';
import { asHttpConflict, cycleToChange } from './access.js';
import { changeCycle } from './cycle-store.js';
import { toCycleView } from './cycle-view.js';

export const handler = httpRoute({
  responses: { 202: CycleView },
  params: z.object({ cycleId: CycleId }),
  handle: async ({ principal, params }) => {
    await cycleToChange(principal, params.cycleId);
    const updated = await asHttpConflict(() =>
      changeCycle({
        cycleId: params.cycleId,
        actor: { subject: principal?.subject ?? '', role: 'finance_preparer' },
        action: 'RECOMPUTE_REQUESTED',
        from: ['DRAFT', 'SUBMITTED'],
        to: 'COMPUTING',
        remove: ['submittedBy', 'submittedHash'],
      }),
    );
    return { status: 202, body: toCycleView(updated) };
  },
});
