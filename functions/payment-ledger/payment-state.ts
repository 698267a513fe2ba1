/**
 * The payment lifecycle, pure. States only move forward:
 *
 *   PENDING → SENT → ACCEPTED → SETTLED → RETURNED
 *                 ↘ REJECTED
 *   PENDING / SENT / ACCEPTED → UNKNOWN (no answer by cut-off: query, never resend) → ACCEPTED | SETTLED | REJECTED
 *   PENDING → NOT_SENT (at the cut-off the bank does not know it, or it never made a cash list: it never left)
 *
 * A status that would move a payment backwards (a late ACSP after ACSC) is ignored; one that contradicts a
 * terminal state (RJCT after SETTLED) is recorded as an anomaly for a person to explain, never applied.
 * A bank status can arrive before our own SENT record (the crash window between the bank's receipt and our
 * write): it is applied from PENDING, because the bank's word proves the instruction reached it. For the same
 * reason the bank's word still moves a NOT_SENT payment (a file that reached the bank after all); our own SENT
 * after NOT_SENT is an anomaly: nothing leaves after the cut-off.
 */
import { PAYMENT_STATUSES } from '../../schemas/payment-lookups.js';

/** The states a payment can be in: the API's own list (schemas/payment-lookups.ts), so the two never drift. */
export const PAYMENT_STATES = PAYMENT_STATUSES;
export type PaymentState = (typeof PAYMENT_STATES)[number];

/**
 * Terminal for a cycle's accounting: the bank's or the post office's last word (RETURNED can still follow
 * SETTLED, as a new linked entry). NOT_SENT ends a payment too, but it is our conclusion, not an answer: a
 * cycle that closes with any payment outside these states raises the not-final alarm.
 */
export const FINAL_STATES: ReadonlySet<PaymentState> = new Set(['SETTLED', 'REJECTED', 'RETURNED']);

/**
 * States whose payments the maintained totals also count by creation day: an unbooked payment in one of them is
 * overdue or not by the banking days since it was created (reconciliation/report.ts cycleOutcome). The other
 * states' verdicts never depend on the day, and leaving them undated keeps the totals item small.
 */
export const DATED_STATES: ReadonlySet<PaymentState> = new Set(['SENT', 'ACCEPTED', 'UNKNOWN', 'SETTLED']);

/** Final, and the money did not reach the person: the months are owed again next cycle. */
export const UNPAID_STATES: ReadonlySet<PaymentState> = new Set(['REJECTED', 'RETURNED', 'NOT_SENT']);

/** Order along the success path; REJECTED is a branch of its own. */
const SUCCESS_PATH: readonly PaymentState[] = ['PENDING', 'SENT', 'UNKNOWN', 'ACCEPTED', 'SETTLED', 'RETURNED'];

const ALLOWED: Record<PaymentState, readonly PaymentState[]> = {
  PENDING: ['SENT', 'ACCEPTED', 'SETTLED', 'REJECTED', 'UNKNOWN', 'NOT_SENT'],
  SENT: ['ACCEPTED', 'SETTLED', 'REJECTED', 'UNKNOWN', 'RETURNED'],
  UNKNOWN: ['ACCEPTED', 'SETTLED', 'REJECTED', 'RETURNED'],
  ACCEPTED: ['SETTLED', 'REJECTED', 'UNKNOWN', 'RETURNED'],
  SETTLED: ['RETURNED'],
  REJECTED: [],
  RETURNED: [],
  NOT_SENT: ['ACCEPTED', 'SETTLED', 'REJECTED'],
};

export type TransitionDecision =
  | { kind: 'apply'; to: PaymentState }
  | { kind: 'already'; state: PaymentState }
  | { kind: 'stale'; state: PaymentState }
  | { kind: 'anomaly'; state: PaymentState; reason: string };

export function decideTransition(current: PaymentState, wanted: PaymentState): TransitionDecision {
  if (current === wanted) return { kind: 'already', state: current };
  if (ALLOWED[current].includes(wanted)) return { kind: 'apply', to: wanted };
  const from = SUCCESS_PATH.indexOf(current);
  const to = SUCCESS_PATH.indexOf(wanted);
  // A late message along the success path (ACSP after ACSC): the state we hold already says more.
  if (from >= 0 && to >= 0 && to < from) return { kind: 'stale', state: current };
  // Anything else contradicts what we know (RJCT after settlement, ACSC after a rejection).
  return { kind: 'anomaly', state: current, reason: `${wanted} contradicts ${current}` };
}

/** ISO 20022 pain.002 transaction status → our state. */
export function stateForBankStatus(status: string): PaymentState | undefined {
  switch (status) {
    case 'ACTC': // technical validation passed
    case 'ACCP': // accepted for processing
    case 'ACSP': // settlement in process
    case 'ACWC': // accepted with change
    case 'PDNG':
      return 'ACCEPTED';
    case 'ACSC': // settlement completed
    case 'ACCC':
      return 'SETTLED';
    case 'RJCT':
      return 'REJECTED';
    default:
      return undefined;
  }
}
