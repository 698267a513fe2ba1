/**
 * The settlement cut-off and the closing, pure: when the cut-off falls, what it does to each payment still
 * open then, and the closing totals that must balance with the approval.
 *
 * At the cut-off nothing is sent again. A bank payment still PENDING, SENT or ACCEPTED is queried at the bank
 * by its EndToEndId and the bank's final answer decides; a PENDING one the bank does not know never left
 * (NOT_SENT); everything else without a final answer is UNKNOWN. A post-office payment is never queried: SENT
 * means it is on its commune's cash list (UNKNOWN until the commune confirms), PENDING that it never was.
 */
import type { PaymentHead } from '../payment-ledger/ledger-store.js';
import { FINAL_STATES, PAYMENT_STATES, type PaymentState } from '../payment-ledger/payment-state.js';
import type { MoneyCount } from './cycle-store.js';

// The window itself is the dispatch worker's too, which sits below this capability.
export { cutoffAt, cutoffMinutes, mayStillSend } from '../payments/send-window.js';

/** The payments the cut-off resolves: still open. */
export const OPEN_AT_CUTOFF = ['PENDING', 'SENT', 'ACCEPTED'] as const;
export type OpenState = (typeof OPEN_AT_CUTOFF)[number];

/** The bank's answer to a status query: its status, "I never had it" (404), or no usable answer. */
export type BankAnswer =
  | { kind: 'status'; state: PaymentState | undefined; status: string; reason?: string }
  | { kind: 'unknown-to-bank' }
  | { kind: 'no-answer' };

export interface CutoffDecision {
  to: PaymentState;
  source: 'bank-query' | 'cut-off';
}

/** Whether the payment is asked about at the bank at all. */
export const queriedAtCutoff = (channel: PaymentHead['channel']): boolean => channel === 'BANK';

export function atCutoff(
  state: OpenState,
  channel: PaymentHead['channel'],
  answer: BankAnswer | undefined,
): CutoffDecision {
  if (channel === 'POST_OFFICE') return { to: state === 'PENDING' ? 'NOT_SENT' : 'UNKNOWN', source: 'cut-off' };
  if (answer?.kind === 'status' && answer.state && FINAL_STATES.has(answer.state)) {
    return { to: answer.state, source: 'bank-query' };
  }
  // We hold the bank's receipt for a SENT payment: "not known" there is a question for a person, not a fact.
  if (answer?.kind === 'unknown-to-bank' && state === 'PENDING') return { to: 'NOT_SENT', source: 'bank-query' };
  return { to: 'UNKNOWN', source: 'cut-off' };
}

export type StateTotals = Record<PaymentState, MoneyCount>;

export interface Closing extends StateTotals {
  approved: MoneyCount;
  /** Approved payments of chunks that never reached the ledger (no PENDING record): never sent. */
  notDispatched: MoneyCount;
  /** Payments without a final answer at the close: UNKNOWN, NOT_SENT, never dispatched, or still open. */
  notFinal: MoneyCount;
  balanced: { count: boolean; amount: boolean };
}

const plus = (a: MoneyCount, b: MoneyCount): MoneyCount => ({ count: a.count + b.count, amount: a.amount + b.amount });
const ZERO: MoneyCount = { count: 0, amount: 0 };

/** approved = Σ states + not dispatched, in count and VND; `notFinal` is what the alarm counts. */
export function closingOf(approved: MoneyCount, totals: StateTotals, notDispatched: MoneyCount): Closing {
  const sum = PAYMENT_STATES.reduce((s, st) => plus(s, totals[st]), notDispatched);
  const notFinal = PAYMENT_STATES.filter((st) => !FINAL_STATES.has(st)).reduce(
    (s, st) => plus(s, totals[st]),
    notDispatched,
  );
  return {
    approved,
    ...totals,
    notDispatched,
    notFinal,
    balanced: { count: sum.count === approved.count, amount: sum.amount === approved.amount },
  };
}

export const emptyStateTotals = (): StateTotals =>
  Object.fromEntries(PAYMENT_STATES.map((s) => [s, { ...ZERO }])) as StateTotals;
