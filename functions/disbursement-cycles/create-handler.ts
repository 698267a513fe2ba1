/**
 * POST /v1/disbursement-cycles — one cycle per programme + period + jurisdiction; a second request gets the
 * first. `kind: SUPPLEMENTARY` asks for the period's supplementary cycle (re-issues of failed payments whose
 * case is ready): the open one if there is one, else the next (…_bs1, …_bs2).
 */
import { CreateCycleRequest, CycleView } from '../../schemas/disbursement-cycles.js';
import { HttpError, httpRoute, requireJurisdiction } from '../shared/http.js';
import { startCycleRun } from './cycle-run.js';
import { createCycle, cycleIdFor } from './cycle-store.js';
import { computingSupplementary, nextSupplementary, openMonthlyCycle } from './cycle-turns.js';
import { toCycleView } from './cycle-view.js';

const OTHER_CYCLE_RUNNING = (cycleId: string) =>
  new HttpError(
    409,
    'OTHER_CYCLE_RUNNING',
    {
      vi: `Kỳ chi trả ${cycleId} đang chạy và có thể chi cùng các tháng; hãy chờ kỳ đó chuyển hết vào sổ chi trả.`,
      en: `Cycle ${cycleId} is running and could pay the same months; wait until its payments are all recorded.`,
    },
    { cycleId },
  );

export const handler = httpRoute({
  responses: { 200: CycleView, 202: CycleView },
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
    let cycleId = cycleIdFor(body.programme, body.period, jurisdiction);
    if (body.kind === 'SUPPLEMENTARY') {
      if (months.length !== 1) {
        throw new HttpError(400, 'INVALID_MONTHS', {
          vi: 'Kỳ chi bổ sung chỉ chi lại các tháng của kỳ chi trả.',
          en: 'A supplementary cycle re-issues the months of its period only.',
        });
      }
      const next = await nextSupplementary(body.programme, body.period, jurisdiction);
      cycleId = next.cycleId;
      if (!next.existing) {
        const monthly = await openMonthlyCycle(body.programme, body.period, jurisdiction);
        if (monthly) throw OTHER_CYCLE_RUNNING(monthly.cycleId);
      }
    } else {
      const supplementary = await computingSupplementary(body.programme, body.period, jurisdiction);
      if (supplementary) throw OTHER_CYCLE_RUNNING(supplementary.cycleId);
    }
    const { created, record } = await createCycle(
      {
        cycleId,
        programme: body.programme,
        period: body.period,
        months,
        jurisdiction,
        ...(body.kind ? { kind: body.kind } : {}),
      },
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
