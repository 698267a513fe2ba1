/**
 * A cycle's reconciliation, computed: every payment of the cycle (the byCycleState index, state by state)
 * against its debit booking, each in exactly one outcome, summed in total, by category, by commune and by
 * ledger state, with the first payments behind each outcome listed. The per-cycle view and the period view
 * both call this; it reads every payment of the cycle once (O(payments), constant memory besides the lists).
 */

import type { Localized } from '../../schemas/messages.js';
import { categoryName } from '../entitlements/rules.js';
import { reportedPaymentsInState } from '../payment-ledger/ledger-store.js';
import { PAYMENT_STATES } from '../payment-ledger/payment-state.js';
import { type Outcome, SEVERITY } from './outcomes.js';
import { bookingsOf } from './reconciliation-store.js';
import {
  addPayment,
  type BreakdownRow,
  breakdownRows,
  type CycleBreakdown,
  cycleOutcome,
  emptyBreakdown,
  UNKNOWN_CATEGORY,
  UNKNOWN_CATEGORY_LABEL,
} from './report.js';

export interface ListedPayment {
  paymentId: string;
  amount: number;
  state: string;
  categoryCode: string;
  communeCode?: string;
}

export interface ComputedCycle extends CycleBreakdown {
  lists: Partial<Record<Outcome, ListedPayment[]>>;
}

export interface ReconcileOptions {
  asOf: string;
  dueDays: number;
  /** How many payments to list per outcome (0: none). */
  listed: number;
  /**
   * Without a category, the payments listed are those of the outcomes a person must look at (severity > 0);
   * with one, the payments of that category in every outcome (the drill-down from a category × outcome cell).
   */
  category?: string;
}

export async function reconcileCycle(cycleId: string, opts: ReconcileOptions): Promise<ComputedCycle> {
  const b = emptyBreakdown();
  const lists: ComputedCycle['lists'] = {};
  for (const state of PAYMENT_STATES) {
    for await (const page of reportedPaymentsInState(cycleId, state)) {
      const bookings = await bookingsOf(page.map((p) => p.paymentId));
      for (const p of page) {
        const outcome = cycleOutcome(p, bookings.get(p.paymentId), opts.asOf, opts.dueDays);
        addPayment(b, outcome, p);
        const category = p.categoryCode || UNKNOWN_CATEGORY;
        const wanted = opts.category ? category === opts.category : SEVERITY[outcome] > 0;
        if (opts.listed > 0 && wanted) {
          lists[outcome] ??= [];
          const list = lists[outcome];
          if (list.length < opts.listed) {
            list.push({
              paymentId: p.paymentId,
              amount: p.amount,
              state: p.state,
              categoryCode: category,
              communeCode: p.communeCode,
            });
          }
        }
      }
    }
  }
  return { ...b, lists };
}

export const categoryLabel = (code: string): Localized =>
  code === UNKNOWN_CATEGORY ? UNKNOWN_CATEGORY_LABEL : (categoryName(code) ?? { vi: code, en: code });

/** Category rows as the API shows them: code, name, count and VND, and the same per outcome. */
export function categoryRows(b: Pick<CycleBreakdown, 'byCategory'>) {
  return breakdownRows(b.byCategory).map(({ key, ...rest }: BreakdownRow) => ({
    category: key,
    label: categoryLabel(key),
    ...rest,
  }));
}

export function communeRows(b: Pick<CycleBreakdown, 'byCommune'>) {
  return breakdownRows(b.byCommune).map(({ key, ...rest }: BreakdownRow) => ({ commune: key, ...rest }));
}

/** Count and VND per current ledger state, every state present (zeros included). */
export function stateRows(b: Pick<CycleBreakdown, 'byState'>) {
  return Object.fromEntries(PAYMENT_STATES.map((s) => [s, b.byState.get(s) ?? { count: 0, amount: 0 }]));
}
