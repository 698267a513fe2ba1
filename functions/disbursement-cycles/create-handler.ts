/** POST /v1/disbursement-cycles — one cycle per programme + period + jurisdiction; a second request gets the first. */
import { CreateCycleRequest } from '../../schemas/disbursement-cycles.js';
import { HttpError, httpRoute, requireJurisdiction } from '../shared/http.js';
import { startCycleRun } from './cycle-run.js';
import { createCycle, cycleIdFor } from './cycle-store.js';
import { toCycleView } from './cycle-view.js';

export const handler = httpRoute({
  body: CreateCycleRequest,
  handle: async ({ principal, body }) => {
    const jurisdiction = requireJurisdiction(principal);
    const months = body.months ?? [body.period];
    if (months[0] !== body.period || months.some((m, i) => i > 0 && m <= (months[i - 1] ?? ''))) {
      throw new HttpError(400, 'INVALID_MONTHS', {
        vi: 'Các tháng chi trả phải bắt đầu từ kỳ chi trả và tăng dần.',
        en: 'Months must start with the period and increase.',
      });
    }
    const cycleId = cycleIdFor(body.programme, body.period, jurisdiction);
    const { created, record } = await createCycle(
      { cycleId, programme: body.programme, period: body.period, months, jurisdiction },
      { subject: principal?.subject ?? '', role: 'finance_preparer' },
    );
    // The run is named by the cycle: starting it twice is the same run. If this start is lost (the function
    // dies here, or Step Functions fails), the cycle's open record brings it to the recovery sweep.
    await startCycleRun(cycleId);
    return {
      status: created ? 202 : 200,
      body: toCycleView(record),
      headers: { location: `/v1/disbursement-cycles/${cycleId}` },
    };
  },
});
