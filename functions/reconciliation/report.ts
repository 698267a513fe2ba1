/**
 * Reconciliation totals, pure: counts and VND per outcome, and the per-payment view of a cycle (was each
 * approved payment booked, returned, rejected, or is it overdue?). Both are accumulated one item at a time,
 * so a statement or cycle of any size is summarised in constant memory.
 */
import type { PaymentState } from '../payments/ledger/payment-state.js';
import { bankingDaysBetween, vietnamDate } from './banking-days.js';
import type { Booking } from './match.js';
import { OUTCOMES, type Outcome, SEVERITY } from './outcomes.js';

export interface OutcomeTotal {
  count: number;
  amount: number;
}

export type OutcomeTotals = Record<Outcome, OutcomeTotal>;

export function emptyTotals(): OutcomeTotals {
  return Object.fromEntries(OUTCOMES.map((o) => [o, { count: 0, amount: 0 }])) as OutcomeTotals;
}

export function addTo(totals: OutcomeTotals, outcome: Outcome, amount: number): void {
  totals[outcome].count++;
  totals[outcome].amount += amount;
}

export function mergeTotals(a: OutcomeTotals, b: Partial<OutcomeTotals>): OutcomeTotals {
  const out = emptyTotals();
  for (const o of OUTCOMES) {
    out[o] = { count: a[o].count + (b[o]?.count ?? 0), amount: a[o].amount + (b[o]?.amount ?? 0) };
  }
  return out;
}

/** The worst outcome present: what the report leads with. */
export function worstOutcome(totals: OutcomeTotals): Outcome | undefined {
  return OUTCOMES.filter((o) => totals[o].count > 0 && SEVERITY[o] > 0).sort((a, b) => SEVERITY[b] - SEVERITY[a])[0];
}

export interface CyclePayment {
  paymentId: string;
  amount: number;
  state: PaymentState;
  createdAt: string;
}

/**
 * One payment of a cycle against the bookings found for it. A payment the bank should have booked and did
 * not, more than `dueDays` banking days after we sent it, is NOT_BOOKED; before that it is AWAITING_BOOKING.
 */
export function cycleOutcome(p: CyclePayment, booking: Booking | undefined, asOf: string, dueDays: number): Outcome {
  if (p.state === 'REJECTED') return 'REJECTED';
  if (p.state === 'RETURNED') return 'RETURN';
  if (booking) return booking.outcome === 'RETURN' ? 'RETURN' : booking.outcome;
  if (p.state === 'PENDING') return 'AWAITING_BOOKING';
  return bankingDaysBetween(vietnamDate(p.createdAt), asOf) > dueDays ? 'NOT_BOOKED' : 'AWAITING_BOOKING';
}
