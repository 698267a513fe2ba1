/**
 * GET /v1/reconciliation/periods/{period}?programme=TCXH_HANG_THANG&asOf=YYYY-MM-DD&dueDays=3 — one period
 * across provinces: the cycles of the period in the caller's jurisdiction (an auditor: every province; a
 * finance officer: his own), found by their deterministic ids (`cycleIdFor`) in one batch read, each
 * reconciled exactly as the per-cycle view does (`reconcileCycle`), summed by province × category.
 *
 * Cost: each cycle's numbers come from maintained totals (cycle-reconciliation.ts: a few hundred small
 * queries per province plus its booked payments in exception states), never from its payments, so there is no
 * payment-count ceiling: a national period is 34 cycles' totals.
 * Cycles kept at commune level (5-digit jurisdiction) are found for their own officers only, not by province.
 */
import { z } from 'zod';
import { PeriodReconciliation } from '../../schemas/statements.js';
import { type CycleRecord, cycleIdFor, getCycles } from '../disbursement-cycles/cycle-store.js';
import provincesJson from '../population/data/provinces-2025.json' with { type: 'json' };
import { httpRoute, requireJurisdiction } from '../shared/http.js';
import { vietnamDate } from './banking-days.js';
import { type ComputedCycle, categoryRows, reconcileCycle } from './cycle-reconciliation.js';
import { addBreakdown, emptyBreakdown, outcomeRows, sumOf } from './report.js';

const RECONCILABLE = new Set(['APPROVED', 'DISPATCHING', 'COLLECTING', 'CLOSED']);
const PROVINCES = new Map(provincesJson.provinces.map((p) => [p.code, p.name]));
const IN_PARALLEL = 4;

export const handler = httpRoute({
  responses: { 200: PeriodReconciliation },
  params: z.object({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) }),
  query: z.object({
    programme: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{1,59}$/)
      .default('TCXH_HANG_THANG'),
    asOf: z.iso.date().optional(),
    dueDays: z.coerce.number().int().min(0).max(60).default(3),
  }),
  handle: async ({ principal, params, query }) => {
    // Auditors read every province; a finance officer only his own jurisdiction (as `visibleCycle` does).
    const jurisdictions = principal?.roles.includes('auditor')
      ? [...PROVINCES.keys()]
      : [requireJurisdiction(principal)];
    const cycles = await getCycles(jurisdictions.map((j) => cycleIdFor(query.programme, params.period, j)));
    const reconcilable = cycles.filter((c) => c.draft && RECONCILABLE.has(c.status));
    const asOf = query.asOf ?? vietnamDate(Date.now());
    const computed = new Map<string, ComputedCycle>();
    for (let i = 0; i < reconcilable.length; i += IN_PARALLEL) {
      await Promise.all(
        reconcilable.slice(i, i + IN_PARALLEL).map(async (c) => {
          computed.set(c.cycleId, await reconcileCycle(c, { asOf, dueDays: query.dueDays, listed: 0 }));
        }),
      );
    }
    const all = emptyBreakdown();
    const approvedAll = { count: 0, amount: 0 };
    const byJurisdiction = (a: CycleRecord, b: CycleRecord) => (a.jurisdiction < b.jurisdiction ? -1 : 1);
    const provinces = [...cycles].sort(byJurisdiction).map((c) => {
      const done = computed.get(c.cycleId);
      const base = {
        jurisdiction: c.jurisdiction,
        name: PROVINCES.get(c.jurisdiction) ?? c.jurisdiction,
        cycleId: c.cycleId,
        status: c.status,
      };
      if (!done || !c.draft) return { ...base, outcomes: [], byCategory: [] };
      addBreakdown(all, done);
      const approved = { count: c.draft.totals.payees, amount: c.draft.totals.amount };
      approvedAll.count += approved.count;
      approvedAll.amount += approved.amount;
      const sum = sumOf(done.totals);
      return {
        ...base,
        approved,
        balanced: { count: sum.count === approved.count, amount: sum.amount === approved.amount },
        outcomes: outcomeRows(done.totals),
        byCategory: categoryRows(done),
      };
    });
    const sum = sumOf(all.totals);
    return {
      status: 200,
      body: {
        period: params.period,
        programme: query.programme,
        asOf,
        dueDays: query.dueDays,
        provinces,
        total: {
          approved: approvedAll,
          balanced: { count: sum.count === approvedAll.count, amount: sum.amount === approvedAll.amount },
          outcomes: outcomeRows(all.totals),
          byCategory: categoryRows(all),
        },
      },
    };
  },
});
