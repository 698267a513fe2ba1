/** POST /v1/disbursement-cycles/{cycleId}/submit — the preparer submits the exact content they reviewed. */
import { z } from 'zod';
import { CycleId, CycleView, HashedDecision } from '../../schemas/disbursement-cycles.js';
import { httpRoute } from '../shared/http.js';
import { asHttpConflict, cycleToChange } from './access.js';
import { changeCycle } from './cycle-store.js';
import { toCycleView } from './cycle-view.js';

export const handler = httpRoute({
  responses: { 200: CycleView },
  params: z.object({ cycleId: CycleId }),
  body: HashedDecision,
  handle: async ({ principal, params, body }) => {
    await cycleToChange(principal, params.cycleId);
    const updated = await asHttpConflict(() =>
      changeCycle({
        cycleId: params.cycleId,
        actor: { subject: principal?.subject ?? '', role: 'finance_preparer' },
        action: 'SUBMITTED',
        from: ['DRAFT'],
        to: 'SUBMITTED',
        expectHash: body.contentHash,
        set: { submittedBy: principal?.subject, submittedHash: body.contentHash },
      }),
    );
    return { status: 200, body: toCycleView(updated) };
  },
});
