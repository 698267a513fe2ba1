/**
 * Reconciliation totals, pure: counts and VND per outcome, and the per-payment view of a cycle (was each
 * approved payment booked, returned, rejected, or is it overdue?). Both are accumulated one item at a time,
 * so a statement or cycle of any size is summarised in constant memory.
 */
import type { Localized } from '../../schemas/messages.js';
import type { PaymentState } from '../payment-ledger/payment-state.js';
import { bankingDaysBetween, vietnamDate } from './banking-days.js';
import type { Booking } from './match.js';
import { OUTCOME_LABELS, OUTCOMES, type Outcome, SEVERITY } from './outcomes.js';

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
  // Closed by the cut-off as never sent: no booking is due (one found anyway is reported above, as booked).
  if (p.state === 'NOT_SENT') return 'NOT_SENT';
  if (p.state === 'PENDING') return 'AWAITING_BOOKING';
  return bankingDaysBetween(vietnamDate(p.createdAt), asOf) > dueDays ? 'NOT_BOOKED' : 'AWAITING_BOOKING';
}

/** Payments recorded before the category was carried on each payment: reported as such, never guessed. */
export const UNKNOWN_CATEGORY = 'UNKNOWN';
export const UNKNOWN_CATEGORY_LABEL: Localized = { vi: 'Không rõ', en: 'Unknown' };

export interface BreakdownPayment {
  amount: number;
  state: PaymentState;
  categoryCode?: string;
  communeCode?: string;
}

/**
 * A cycle's outcomes with their breakdowns, accumulated one payment at a time: every payment is added to the
 * totals, to exactly one category, one commune and one ledger state, so each breakdown adds up to the totals.
 */
export interface CycleBreakdown {
  totals: OutcomeTotals;
  byCategory: Map<string, OutcomeTotals>;
  byCommune: Map<string, OutcomeTotals>;
  /** VND per current ledger state (what the bank said), for "paid vs settled". */
  byState: Map<PaymentState, OutcomeTotal>;
}

export function emptyBreakdown(): CycleBreakdown {
  return { totals: emptyTotals(), byCategory: new Map(), byCommune: new Map(), byState: new Map() };
}

const into = <K>(map: Map<K, OutcomeTotals>, key: K) => {
  let t = map.get(key);
  if (!t) {
    t = emptyTotals();
    map.set(key, t);
  }
  return t;
};

export function addPayment(b: CycleBreakdown, outcome: Outcome, p: BreakdownPayment): void {
  addTo(b.totals, outcome, p.amount);
  addTo(into(b.byCategory, p.categoryCode || UNKNOWN_CATEGORY), outcome, p.amount);
  addTo(into(b.byCommune, p.communeCode || UNKNOWN_CATEGORY), outcome, p.amount);
  const s = b.byState.get(p.state) ?? { count: 0, amount: 0 };
  b.byState.set(p.state, { count: s.count + 1, amount: s.amount + p.amount });
}

/** Adds `from` into `to` (a period's cycles summed by province and category). */
export function addBreakdown(to: CycleBreakdown, from: CycleBreakdown): void {
  to.totals = mergeTotals(to.totals, from.totals);
  for (const [k, t] of from.byCategory) to.byCategory.set(k, mergeTotals(into(to.byCategory, k), t));
  for (const [k, t] of from.byCommune) to.byCommune.set(k, mergeTotals(into(to.byCommune, k), t));
  for (const [k, t] of from.byState) {
    const s = to.byState.get(k) ?? { count: 0, amount: 0 };
    to.byState.set(k, { count: s.count + t.count, amount: s.amount + t.amount });
  }
}

export function sumOf(totals: OutcomeTotals): OutcomeTotal {
  return OUTCOMES.reduce((s, o) => ({ count: s.count + totals[o].count, amount: s.amount + totals[o].amount }), {
    count: 0,
    amount: 0,
  });
}

export interface OutcomeRow extends OutcomeTotal {
  outcome: Outcome;
  label: Localized;
  severity: number;
}

/** The outcomes present, in their fixed order, labelled. */
export function outcomeRows(totals: OutcomeTotals): OutcomeRow[] {
  return OUTCOMES.filter((o) => totals[o].count).map((o) => ({
    outcome: o,
    label: OUTCOME_LABELS[o],
    severity: SEVERITY[o],
    ...totals[o],
  }));
}

export interface BreakdownRow extends OutcomeTotal {
  key: string;
  outcomes: { outcome: Outcome; count: number; amount: number }[];
}

/** One row per key (category or commune) with its outcomes; sorted by key, unknown last. */
export function breakdownRows(map: Map<string, OutcomeTotals>): BreakdownRow[] {
  return [...map.entries()]
    .sort(([a], [b]) => (a === UNKNOWN_CATEGORY ? 1 : b === UNKNOWN_CATEGORY ? -1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([key, t]) => ({
      key,
      ...sumOf(t),
      outcomes: OUTCOMES.filter((o) => t[o].count).map((o) => ({ outcome: o, ...t[o] })),
    }));
}
