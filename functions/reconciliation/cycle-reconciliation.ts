/**
 * A cycle's reconciliation: every approved payment in exactly one outcome, summed in total, by category, by
 * commune and by ledger state, from maintained totals (maintained-report.ts): the ledger's totals by state and
 * creation day, the booked totals the reconcile worker moves with each BOOK mark, and the few booked payments
 * in a state that overrides or sits outside the day rule (PENDING, NOT_SENT, REJECTED, RETURNED), read one by
 * one. So the numbers cost a few hundred small queries for a province plus O(those exceptions), never
 * O(payments). The per-cycle view and the period view both call this. The lists of payments behind the
 * outcomes are read from the payments themselves, but bounded (`LIST_BUDGET`), and say whether they are whole.
 */

import type { Localized } from '../../schemas/messages.js';
import { type CycleRecord, legacyTotalsCommunes } from '../disbursement-cycles/cycle-store.js';
import { categoryName } from '../entitlements/rules.js';
import {
  maintainedTotalsByDay,
  type ReportedPayment,
  reportedPaymentsInState,
} from '../payment-ledger/ledger-store.js';
import { DATED_STATES, PAYMENT_STATES, type PaymentState } from '../payment-ledger/payment-state.js';
import { HttpError } from '../shared/http.js';
import {
  breakdownFromTotals,
  EXCEPTION_STATES,
  type ExceptionPayment,
  TotalsIncompleteError,
} from './maintained-report.js';
import { OUTCOMES, type Outcome, SEVERITY } from './outcomes.js';
import { bookedTotals, bookingsOf } from './reconciliation-store.js';
import {
  type BreakdownRow,
  breakdownRows,
  type CycleBreakdown,
  cycleOutcome,
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
  /** Whether every list holds all it should (`listed`, or fewer when fewer payments are in the outcome). */
  listsComplete: boolean;
}

export interface ReconcileOptions {
  asOf: string;
  dueDays: number;
  /** How many payments to list per outcome (0: none, and no payment is read for lists). */
  listed: number;
  /**
   * Without a category, the payments listed are those of the outcomes a person must look at (severity > 0);
   * with one, the payments of that category in every outcome (the drill-down from a category × outcome cell).
   */
  category?: string;
  /** The most payments read for the lists (`LIST_BUDGET` unless told; a test tells a smaller one). */
  listBudget?: number;
}

/**
 * The most payments one request reads to fill its lists. A list of a rare outcome among many payments (two
 * unbooked among 600,000 settled) may not be found within it: the response then says the lists are partial.
 */
export const LIST_BUDGET = 5_000;
const LIST_PAGE = 500;

/** The booked payments among a cycle's payments in the states the totals cannot place (each with its booking). */
async function exceptionsOf(cycleId: string, states: PaymentState[]): Promise<ExceptionPayment[]> {
  const out: ExceptionPayment[] = [];
  for (const state of states) {
    for await (const page of reportedPaymentsInState(cycleId, state)) {
      const bookings = await bookingsOf(page.map((p) => p.paymentId));
      for (const p of page) {
        const booking = bookings.get(p.paymentId);
        if (booking) out.push({ ...p, booked: booking.outcome });
      }
    }
  }
  return out;
}

export async function reconcileCycle(
  cycle: Pick<CycleRecord, 'cycleId' | 'draft'>,
  opts: ReconcileOptions,
): Promise<ComputedCycle> {
  const legacyCommunes = legacyTotalsCommunes(cycle);
  const [ledger, booked] = await Promise.all([
    maintainedTotalsByDay(cycle.cycleId, legacyCommunes),
    bookedTotals(cycle.cycleId, legacyCommunes),
  ]);
  // Without any booking there is nothing to correct; otherwise only the exception states holding payments.
  const held = new Set(ledger.filter((c) => c.count > 0).map((c) => c.state));
  const exceptions = booked.length
    ? await exceptionsOf(
        cycle.cycleId,
        EXCEPTION_STATES.filter((s) => held.has(s)),
      )
    : [];
  const b = totalsOrRefuse(cycle.cycleId, () =>
    breakdownFromTotals({ ledger, booked, exceptions }, opts.asOf, opts.dueDays),
  );
  const { lists, complete } =
    opts.listed > 0 ? await listPayments(cycle.cycleId, b, opts) : { lists: {}, complete: true };
  return { ...b, lists, listsComplete: complete };
}

/** A cycle whose totals predate the days and bookings they now carry is refused by name, never guessed. */
function totalsOrRefuse(cycleId: string, compute: () => CycleBreakdown): CycleBreakdown {
  try {
    return compute();
  } catch (err) {
    if (!(err instanceof TotalsIncompleteError)) throw err;
    throw new HttpError(409, 'TOTALS_INCOMPLETE', {
      vi: `Kỳ chi trả ${cycleId} được ghi trước khi có số liệu tổng hợp theo ngày và theo hạch toán; cần bổ sung số liệu trước khi đối soát.`,
      en: `Cycle ${cycleId} was recorded before totals by day and by booking were kept; they must be backfilled before it can be reconciled.`,
    });
  }
}

/**
 * The first `listed` payments of each wanted outcome, read state by state (only states that can hold a wanted
 * outcome still short of its list), stopping as soon as every list is full or `LIST_BUDGET` payments were read.
 */
async function listPayments(cycleId: string, b: CycleBreakdown, opts: ReconcileOptions) {
  const counts = opts.category ? b.byCategory.get(opts.category) : b.totals;
  const want = new Map<Outcome, number>();
  for (const o of OUTCOMES) {
    const n = counts?.[o].count ?? 0;
    if (n > 0 && (opts.category || SEVERITY[o] > 0)) want.set(o, Math.min(opts.listed, n));
  }
  const lists: Partial<Record<Outcome, ListedPayment[]>> = {};
  const short = () => [...want].filter(([o, n]) => (lists[o]?.length ?? 0) < n).map(([o]) => o);
  // What a payment in a state can end as: its state's verdict, or a booking's.
  const booked: Outcome[] = ['MATCHED', 'AMOUNT_MISMATCH', 'RETURN'];
  const possible: Record<PaymentState, Outcome[]> = Object.fromEntries(
    PAYMENT_STATES.map((s) => [s, DATED_STATES.has(s) ? [...booked, 'NOT_BOOKED', 'AWAITING_BOOKING'] : []]),
  ) as Record<PaymentState, Outcome[]>;
  possible.PENDING = [...booked, 'AWAITING_BOOKING'];
  possible.NOT_SENT = [...booked, 'NOT_SENT'];
  possible.REJECTED = ['REJECTED'];
  possible.RETURNED = ['RETURN'];
  const budget = opts.listBudget ?? LIST_BUDGET;
  let read = 0;
  for (const state of PAYMENT_STATES) {
    if (!b.byState.get(state)?.count) continue;
    if (!possible[state].some((o) => short().includes(o))) continue;
    for await (const page of reportedPaymentsInState(cycleId, state, Math.min(LIST_PAGE, budget))) {
      const mine = opts.category ? page.filter((p) => (p.categoryCode || UNKNOWN_CATEGORY) === opts.category) : page;
      const bookings = await bookingsOf(mine.map((p) => p.paymentId));
      for (const p of mine) {
        const outcome = cycleOutcome(p, bookings.get(p.paymentId), opts.asOf, opts.dueDays);
        const list = lists[outcome] ?? [];
        if (list.length < (want.get(outcome) ?? 0)) lists[outcome] = [...list, listed(p)];
      }
      read += page.length;
      if (!short().length) return { lists, complete: true };
      if (read >= budget) return { lists, complete: false };
    }
  }
  return { lists, complete: !short().length };
}

const listed = (p: ReportedPayment): ListedPayment => ({
  paymentId: p.paymentId,
  amount: p.amount,
  state: p.state,
  categoryCode: p.categoryCode || UNKNOWN_CATEGORY,
  communeCode: p.communeCode,
});

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
