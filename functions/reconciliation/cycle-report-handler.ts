/**
 * GET /v1/disbursement-cycles/{cycleId}/reconciliation?asOf=YYYY-MM-DD&dueDays=3&category= — every approved
 * payment of the cycle against the bank's bookings: matched, amount mismatch, returned, rejected, awaiting
 * booking, or sent but not booked after `dueDays` banking days. Counts and VND per outcome must add up to what
 * was approved, and so must the same outcomes by allowance category and by commune; the first payments behind
 * each outcome that needs a person are listed, or, with `category`, those of that category in every outcome.
 * The numbers come from maintained totals (cycle-reconciliation.ts); the lists read payments within a fixed
 * budget and `listsComplete` says whether they hold every payment they should.
 */
import { z } from 'zod';
import { CycleReconciliation } from '../../schemas/statements.js';
import { visibleCycle } from '../disbursement-cycles/access.js';
import { httpRoute } from '../shared/http.js';
import { vietnamDate } from './banking-days.js';
import { categoryRows, communeRows, reconcileCycle, stateRows } from './cycle-reconciliation.js';
import { outcomeRows, sumOf } from './report.js';

export const handler = httpRoute({
  responses: { 200: CycleReconciliation },
  params: z.object({ cycleId: z.string().min(1).max(120) }),
  query: z.object({
    asOf: z.iso.date().optional(),
    dueDays: z.coerce.number().int().min(0).max(60).default(3),
    category: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,59}$/)
      .optional(),
    /** Payments listed per outcome; 0 for the numbers alone (the console's trend), which read no payment. */
    listed: z.coerce.number().int().min(0).max(100).default(100),
  }),
  handle: async ({ principal, params, query }) => {
    const cycle = await visibleCycle(principal, params.cycleId);
    const asOf = query.asOf ?? vietnamDate(Date.now());
    const computed = await reconcileCycle(cycle, {
      asOf,
      dueDays: query.dueDays,
      listed: query.listed,
      ...(query.category ? { category: query.category } : {}),
    });
    const sum = sumOf(computed.totals);
    const approved = cycle.draft ? { count: cycle.draft.totals.payees, amount: cycle.draft.totals.amount } : undefined;
    return {
      status: 200,
      body: {
        cycleId: cycle.cycleId,
        asOf,
        dueDays: query.dueDays,
        ...(query.category ? { category: query.category } : {}),
        approved,
        outcomes: outcomeRows(computed.totals).map((o) => ({ ...o, payments: computed.lists[o.outcome] ?? [] })),
        listsComplete: computed.listsComplete,
        byCategory: categoryRows(computed),
        byCommune: communeRows(computed),
        byState: stateRows(computed),
        balanced: approved
          ? { count: sum.count === approved.count, amount: sum.amount === approved.amount }
          : undefined,
      },
    };
  },
});
