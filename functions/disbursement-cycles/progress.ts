/** Counts and VND per payment state for a cycle (the byCycleState index). */

import { paymentsInState } from '../payments/ledger/ledger-store.js';
import type { PaymentState } from '../payments/ledger/payment-state.js';
import { PAYMENT_STATES } from '../payments/ledger/payment-state.js';
import type { MoneyCount } from './cycle-store.js';

export async function stateTotals(cycleId: string): Promise<Record<PaymentState, MoneyCount>> {
  const totals = Object.fromEntries(PAYMENT_STATES.map((s) => [s, { count: 0, amount: 0 }])) as Record<
    PaymentState,
    MoneyCount
  >;
  for (const state of PAYMENT_STATES) {
    for await (const p of paymentsInState(cycleId, state)) {
      totals[state].count++;
      totals[state].amount += p.amount;
    }
  }
  return totals;
}
