/**
 * GET /v1/disbursement-cycles/{cycleId}/reconciliation?asOf=YYYY-MM-DD&dueDays=3 — every approved payment of
 * the cycle against the bank's bookings: matched, amount mismatch, returned, rejected, awaiting booking, or
 * sent but not booked after `dueDays` banking days. Counts and VND per outcome must add up to what was
 * approved; the first payments behind each outcome that needs a person are listed.
 */
import { z } from 'zod';
import { visibleCycle } from '../disbursement-cycles/access.js';
import { PAYMENT_STATES } from '../payments/ledger/payment-state.js';
import { httpRoute } from '../shared/http.js';
import { vietnamDate } from './banking-days.js';
import { OUTCOME_LABELS, OUTCOMES, type Outcome, SEVERITY } from './outcomes.js';
import { bookingsOf, cyclePaymentsInState } from './reconciliation-store.js';
import { addTo, cycleOutcome, emptyTotals } from './report.js';

const LISTED = 100;

export const handler = httpRoute({
  params: z.object({ cycleId: z.string().min(1).max(120) }),
  query: z.object({
    asOf: z.iso.date().optional(),
    dueDays: z.coerce.number().int().min(0).max(60).default(3),
  }),
  handle: async ({ principal, params, query }) => {
    const cycle = await visibleCycle(principal, params.cycleId);
    const asOf = query.asOf ?? vietnamDate(Date.now());
    const totals = emptyTotals();
    const lists: Partial<Record<Outcome, { paymentId: string; amount: number; state: string }[]>> = {};
    for (const state of PAYMENT_STATES) {
      for await (const page of cyclePaymentsInState(cycle.cycleId, state)) {
        const bookings = await bookingsOf(page.map((p) => p.paymentId));
        for (const p of page) {
          const outcome = cycleOutcome(p, bookings.get(p.paymentId), asOf, query.dueDays);
          addTo(totals, outcome, p.amount);
          if (SEVERITY[outcome] > 0) {
            const list = (lists[outcome] ??= []);
            if (list.length < LISTED) list.push({ paymentId: p.paymentId, amount: p.amount, state: p.state });
          }
        }
      }
    }
    const sum = OUTCOMES.reduce((s, o) => ({ count: s.count + totals[o].count, amount: s.amount + totals[o].amount }), {
      count: 0,
      amount: 0,
    });
    const approved = cycle.draft ? { count: cycle.draft.totals.payees, amount: cycle.draft.totals.amount } : undefined;
    return {
      status: 200,
      body: {
        cycleId: cycle.cycleId,
        asOf,
        dueDays: query.dueDays,
        approved,
        outcomes: OUTCOMES.filter((o) => totals[o].count).map((o) => ({
          outcome: o,
          label: OUTCOME_LABELS[o],
          severity: SEVERITY[o],
          ...totals[o],
          payments: lists[o] ?? [],
        })),
        balanced: approved
          ? { count: sum.count === approved.count, amount: sum.amount === approved.amount }
          : undefined,
      },
    };
  },
});
