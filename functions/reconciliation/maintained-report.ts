/**
 * A cycle's reconciliation from maintained totals, pure: the same CycleBreakdown as summing `cycleOutcome` over
 * every payment (report.ts), without reading every payment. Three inputs:
 *
 *  - ledger cells (ledger-store.ts totals): count and VND per commune × category × state, and for the dated
 *    states (payment-state.ts `DATED_STATES`) the same per creation day;
 *  - booked cells (reconciliation-store.ts, moved in the transaction that writes the BOOK mark): count and VND
 *    of the booked payments per commune × category × booking outcome × creation day, whatever their state;
 *  - exceptions: the payments in the undated states (PENDING, NOT_SENT, REJECTED, RETURNED) that carry a
 *    booking, read one by one with their BOOK mark (normally few; PENDING is large only mid-dispatch).
 *
 * How: every payment first gets the outcome of its state as if unbooked (a dated state's by its day). Each
 * booked payment is then moved from its day's unbooked outcome to its booking's outcome, as if it sat in a
 * dated state. The exceptions correct that: a REJECTED or RETURNED payment keeps its state's outcome whatever
 * its booking, and a booked PENDING or NOT_SENT payment leaves its state's outcome (not its day's) for its
 * booking's.
 */
import { DATED_STATES, PAYMENT_STATES, type PaymentState } from '../payment-ledger/payment-state.js';
import { bankingDaysBetween, vietnamDate } from './banking-days.js';
import type { Booking } from './match.js';
import type { Outcome } from './outcomes.js';
import { type CycleBreakdown, emptyBreakdown, emptyTotals, type OutcomeTotals, UNKNOWN_CATEGORY } from './report.js';

/** What a BOOK mark can say of a payment (match.ts `Booking.outcome`). */
export type BookedOutcome = Booking['outcome'];

export interface LedgerCell {
  communeCode: string;
  categoryCode: string;
  state: PaymentState;
  /** yyyy-mm-dd, the payments' creation day in Vietnam: only on the per-day cells of a dated state. */
  day?: string;
  count: number;
  amount: number;
}

export interface BookedCell {
  communeCode: string;
  categoryCode: string;
  outcome: BookedOutcome;
  /** yyyy-mm-dd, the booked payments' creation day in Vietnam. */
  day: string;
  count: number;
  amount: number;
}

export interface ExceptionPayment {
  paymentId: string;
  amount: number;
  state: PaymentState;
  createdAt: string;
  categoryCode?: string;
  communeCode?: string;
  /** Its BOOK mark's outcome, when it has one. */
  booked?: BookedOutcome;
}

/** The states whose booked payments the totals cannot place: read one by one (`ExceptionPayment`). */
export const EXCEPTION_STATES: readonly PaymentState[] = PAYMENT_STATES.filter((s) => !DATED_STATES.has(s));

/** The totals do not describe the cycle (payments counted before the days or bookings were). */
export class TotalsIncompleteError extends Error {
  override name = 'TotalsIncomplete';
}

/** The outcome of a payment without a booking, from its state and (dated states) its creation day. */
function unbookedOutcome(state: PaymentState, day: string | undefined, asOf: string, dueDays: number): Outcome {
  if (state === 'REJECTED') return 'REJECTED';
  if (state === 'RETURNED') return 'RETURN';
  if (state === 'NOT_SENT') return 'NOT_SENT';
  if (state === 'PENDING') return 'AWAITING_BOOKING';
  if (day === undefined) throw new TotalsIncompleteError(`state ${state} counted without its creation day`);
  return bankingDaysBetween(day, asOf) > dueDays ? 'NOT_BOOKED' : 'AWAITING_BOOKING';
}

const cellOf = (map: Map<string, OutcomeTotals>, key: string) => {
  let t = map.get(key);
  if (!t) {
    t = emptyTotals();
    map.set(key, t);
  }
  return t;
};

export function breakdownFromTotals(
  input: { ledger: readonly LedgerCell[]; booked: readonly BookedCell[]; exceptions: readonly ExceptionPayment[] },
  asOf: string,
  dueDays: number,
): CycleBreakdown {
  const b = emptyBreakdown();
  const move = (outcome: Outcome, commune: string, category: string, count: number, amount: number) => {
    for (const t of [b.totals, cellOf(b.byCategory, category), cellOf(b.byCommune, commune)]) {
      t[outcome] = { count: t[outcome].count + count, amount: t[outcome].amount + amount };
    }
  };
  // A dated state's cells by day must add up to its undated cell, or some payments were counted without a day.
  const undated = new Map<string, number>();
  const dated = new Map<string, number>();
  for (const c of input.ledger) {
    const key = `${c.communeCode}|${c.categoryCode}|${c.state}`;
    const isDated = DATED_STATES.has(c.state);
    if (c.day === undefined) {
      const s = b.byState.get(c.state) ?? { count: 0, amount: 0 };
      b.byState.set(c.state, { count: s.count + c.count, amount: s.amount + c.amount });
      if (isDated) undated.set(key, (undated.get(key) ?? 0) + c.count);
      else move(unbookedOutcome(c.state, undefined, asOf, dueDays), c.communeCode, c.categoryCode, c.count, c.amount);
    } else {
      if (!isDated) throw new TotalsIncompleteError(`state ${c.state} is not counted by day`);
      dated.set(key, (dated.get(key) ?? 0) + c.count);
      move(unbookedOutcome(c.state, c.day, asOf, dueDays), c.communeCode, c.categoryCode, c.count, c.amount);
    }
  }
  for (const key of new Set([...undated.keys(), ...dated.keys()])) {
    if ((undated.get(key) ?? 0) !== (dated.get(key) ?? 0)) {
      throw new TotalsIncompleteError(`${key}: payments counted without their creation day`);
    }
  }
  for (const c of input.booked) {
    move(c.outcome, c.communeCode, c.categoryCode, c.count, c.amount);
    move(unbookedOutcome('SETTLED', c.day, asOf, dueDays), c.communeCode, c.categoryCode, -c.count, -c.amount);
  }
  for (const p of input.exceptions) {
    if (!p.booked || DATED_STATES.has(p.state)) continue;
    const commune = p.communeCode || UNKNOWN_CATEGORY;
    const category = p.categoryCode || UNKNOWN_CATEGORY;
    // Undo what the booked cells assumed (a dated state) …
    move(p.booked, commune, category, -1, -p.amount);
    move(unbookedOutcome('SETTLED', vietnamDate(p.createdAt), asOf, dueDays), commune, category, 1, p.amount);
    // … and apply the booking where it overrides the state's own outcome.
    if (p.state === 'PENDING' || p.state === 'NOT_SENT') {
      move(p.booked, commune, category, 1, p.amount);
      move(unbookedOutcome(p.state, undefined, asOf, dueDays), commune, category, -1, -p.amount);
    }
  }
  if (Object.values(b.totals).some((t) => t.count < 0)) {
    throw new TotalsIncompleteError('bookings counted for payments the ledger totals do not hold');
  }
  // A key stays only if a payment is in it (as summing payment by payment would leave it).
  for (const map of [b.byCategory, b.byCommune]) {
    for (const [k, t] of map) if (Object.values(t).every((x) => x.count === 0 && x.amount === 0)) map.delete(k);
  }
  return b;
}
