/**
 * The settlement cut-off and the closing, pure: when the cut-off falls, what it does to each payment still
 * open then, and the closing totals that must balance with the approval.
 *
 * At the cut-off nothing is sent again. A bank payment still PENDING, SENT or ACCEPTED is asked about at the bank,
 * one status query per message (the chunk's pain.001 MsgId), and the bank's final answer decides; a PENDING one the bank does not know never left
 * (NOT_SENT); everything else without a final answer is UNKNOWN. A post-office payment is never queried: SENT
 * means it is on its commune's cash list (UNKNOWN until the commune confirms), PENDING that it never was.
 */
import type { PaymentHead } from '../payment-ledger/ledger-store.js';
import { FINAL_STATES, PAYMENT_STATES, type PaymentState } from '../payment-ledger/payment-state.js';
import type { ReportedStatus } from '../payment-ledger/status-report.js';
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

/**
 * The bank's answer to a status query about a whole message (the cut-off asks once per dispatched chunk): its
 * pain.002 read once (status-report.ts statusesByPayment), "I never received that MsgId" (404), or none.
 */
export type MessageAnswer =
  | { kind: 'report'; statuses: ReadonlyMap<string, ReportedStatus> }
  | { kind: 'unknown-to-bank' }
  | { kind: 'no-answer' };

/**
 * One payment's answer out of its message's. A message the bank never received: the payment is unknown to it.
 * A payment the bank's report on a message it holds does not mention: no answer (UNKNOWN, a person looks), never
 * "not sent": the bank has the file, so we cannot say the money never left.
 */
export function answerOf(message: MessageAnswer, paymentId: string): BankAnswer {
  if (message.kind !== 'report') return message;
  const s = message.statuses.get(paymentId);
  if (!s) return { kind: 'no-answer' };
  return { kind: 'status', state: s.wanted, status: s.status, ...(s.reason ? { reason: s.reason } : {}) };
}

/** Deliveries of a cut-off work item that may fail on the bank before its payments take "no answer" (UNKNOWN). */
export const CUTOFF_QUERY_ATTEMPTS = 3;
/** How long the collect step waits for every queued work item before closing anyway (one may sit in the DLQ). */
export const CUTOFF_QUERIES_GIVE_UP_MS = 24 * 3600_000;

/**
 * After the cut-off queued one work item per chunk: done when each has reported, given up (closing with what is
 * still open counted as such, and alarmed) when some have not a day later.
 */
export function cutoffQueriesDone(p: {
  chunks: number;
  finished: number;
  queuedAt: string;
  now: number;
}): 'done' | 'waiting' | 'given-up' {
  if (p.finished >= p.chunks) return 'done';
  return p.now - Date.parse(p.queuedAt) >= CUTOFF_QUERIES_GIVE_UP_MS ? 'given-up' : 'waiting';
}

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
