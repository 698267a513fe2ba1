/**
 * What an imported pain.002 status report says, line by line, pure: one line per payment the report gave a
 * status for (those of a block or file rejected as a whole included), each named by what the ledger would do
 * with it (decided against the ledger now; applied only once a second officer confirms), and one per
 * rejection we could place on no payment of ours.
 */

import type { StatusUpdate, UnplacedRejection } from '../iso20022/pain002.js';
import { decideTransition, type PaymentState, type TransitionDecision } from '../payment-ledger/payment-state.js';
import type { ReportedStatus } from '../payment-ledger/status-report.js';
import type { Finding } from './match.js';
import type { Outcome } from './outcomes.js';

const OUTCOME_OF: Record<'apply' | 'already' | 'stale' | 'anomaly', Outcome> = {
  apply: 'STATUS_APPLIED',
  already: 'MATCHED',
  stale: 'LATE_STATUS',
  anomaly: 'CONTRADICTORY_STATUS',
};

/** One status of the report and its decision; `outside-message` for a payment the answered message lacks. */
export interface DecidedStatus extends StatusUpdate {
  result: TransitionDecision | { kind: 'unknown-payment' } | { kind: 'no-state' } | { kind: 'outside-message' };
}

/**
 * Each status of an imported report decided against the ledger as it is now (`stateOf`), as the confirmation
 * will apply it: only payments of the answered message (`inMessage`) may move.
 */
export function decideReportedStatuses(
  statuses: readonly ReportedStatus[],
  inMessage: ReadonlySet<string>,
  stateOf: (paymentId: string) => PaymentState | undefined,
): DecidedStatus[] {
  return statuses.map(({ wanted, ...u }) => {
    if (!wanted) return { ...u, result: { kind: 'no-state' } };
    if (!inMessage.has(u.paymentId)) return { ...u, result: { kind: 'outside-message' } };
    const current = stateOf(u.paymentId);
    if (!current) return { ...u, result: { kind: 'unknown-payment' } };
    return { ...u, result: decideTransition(current, wanted) };
  });
}

export function statusFindings(
  importId: string,
  originalMsgId: string,
  applied: readonly DecidedStatus[],
  unplaced: readonly UnplacedRejection[],
): Finding[] {
  const line = (n: number, over: Partial<Finding>): Finding => ({
    importId,
    statement: 1,
    entry: n,
    tx: 0,
    outcome: 'NOT_OURS',
    creditDebit: 'DBIT',
    amount: 0,
    ...over,
  });
  const findings = applied.map((a, i) => {
    const base = { endToEndId: a.paymentId, reasonCode: a.reason };
    const of = a.source === 'transaction' ? '' : a.source === 'group' ? ' (whole file)' : ` (block ${a.paymentInfoId})`;
    const r = a.result;
    if (r.kind === 'no-state')
      return line(i + 1, { ...base, note: `status ${a.status}${of} without a payment we can place` });
    if (r.kind === 'unknown-payment')
      return line(i + 1, { ...base, note: 'status for a payment the ledger does not hold' });
    // Not a payment of the message this report answers: nothing changes, and nothing about it is said.
    if (r.kind === 'outside-message') return line(i + 1, { note: 'status for a payment outside the original message' });
    return line(i + 1, {
      ...base,
      outcome: OUTCOME_OF[r.kind],
      paymentId: a.paymentId,
      note: `${a.status}${of} → ${r.kind}`,
    });
  });
  unplaced.forEach((u, i) => {
    const what = u.source === 'group' ? `message ${originalMsgId}` : `block ${u.paymentInfoId}`;
    findings.push(
      line(applied.length + i + 1, {
        reasonCode: u.reason,
        note: `RJCT of ${what}: no payment of ours to place it on`,
      }),
    );
  });
  return findings;
}
