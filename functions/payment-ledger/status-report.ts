/**
 * The one reading of a pain.002 for the ledger, pure: which payment the report moves to which state. Every
 * entry path goes through it: the bank's callback (status worker → ledger-store applyStatusReport), an
 * officer's status-report import (reconciliation's reconcile worker, applied on confirmation), and the bank's
 * answer to a status query about a whole message at the settlement cut-off (disbursement-cycles cut-off
 * worker). A block or the whole message rejected rejects each payment of ours it does not answer on its own;
 * DU01 (our resubmission of a file the bank already holds) rejects nothing (iso20022/pain002.ts statusUpdates).
 */
import {
  type OurMessage,
  type Pain002Report,
  type StatusUpdate,
  statusUpdates,
  type UnplacedRejection,
} from '../iso20022/pain002.js';
import { type PaymentState, stateForBankStatus } from './payment-state.js';

export interface ReportedStatus extends StatusUpdate {
  /** The ledger state the status moves the payment to; undefined for a status that moves none (PART…). */
  wanted: PaymentState | undefined;
}

/** Every payment status of the report with the state it asks for (`message`: ours, when a rejection needs it). */
export function reportedStatuses(
  report: Pain002Report,
  message?: OurMessage,
): { statuses: ReportedStatus[]; unplaced: UnplacedRejection[] } {
  const { updates, unplaced } = statusUpdates(report, message);
  return { statuses: updates.map((u) => ({ ...u, wanted: stateForBankStatus(u.status) })), unplaced };
}

/**
 * The report's answer about each payment of a message we asked the bank about, read once (the cut-off asks per
 * message): its first status of a payment counts, as the bank lists a payment once per report. A payment of
 * ours it does not mention is absent; one of another message (`OrgnlMsgId` not ours) is never read as ours.
 */
export function statusesByPayment(report: Pain002Report, message: OurMessage): Map<string, ReportedStatus> {
  const out = new Map<string, ReportedStatus>();
  if (report.originalMsgId !== message.msgId) return out;
  const ours = new Set(message.paymentIds);
  for (const s of reportedStatuses(report, message).statuses) {
    if (ours.has(s.paymentId) && !out.has(s.paymentId)) out.set(s.paymentId, s);
  }
  return out;
}
