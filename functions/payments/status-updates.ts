/**
 * What a pain.002 status report says of each of our payments, pure. A report may answer per transaction
 * (TxInfAndSts), per block (OrgnlPmtInfAndSts/PmtInfSts) or for the whole message (OrgnlGrpInfAndSts/GrpSts):
 * a block or message rejected as a whole (RJCT) rejects every payment of it that the report does not answer
 * on its own. Everything else at block or message level (ACCP, PART...) says nothing of a payment not listed.
 *
 * DU01 ("duplicate message") answers our own resubmission of a file the bank already holds: the first file
 * stands, nothing of it is rejected.
 */
import type { Pain002Report, PaymentStatus } from './iso20022/pain002.js';

export interface StatusUpdate {
  paymentId: string;
  status: PaymentStatus;
  reason?: string;
  /** Where the status was given: on the transaction, its block, or the whole message. */
  source: 'transaction' | 'paymentInfo' | 'group';
  /** The block (OrgnlPmtInfId) a block-level status came from. */
  paymentInfoId?: string;
}

/** Our pain.001 message the report answers: its payments (the dispatch worker's BATCH#<msgId> record). */
export interface OurMessage {
  msgId: string;
  paymentIds: readonly string[];
}

/** A block-level or message-level rejection whose payments we could not name. */
export interface UnplacedRejection {
  source: 'paymentInfo' | 'group';
  paymentInfoId?: string;
  reason?: string;
}

export interface StatusUpdates {
  updates: StatusUpdate[];
  unplaced: UnplacedRejection[];
}

const DUPLICATE_FILE = 'DU01';

/** Whether a report has a block- or message-level rejection, i.e. needs our message's payments. */
export function rejectsWholeBlocks(report: Pain002Report): boolean {
  return report.groupStatus === 'RJCT' || report.paymentInfoStatuses.some((b) => b.status === 'RJCT');
}

/**
 * Whether a block (PmtInfId) is one of our message's. Our pain.001 names its blocks `<MsgId, 26 first
 * characters>-<yyyymmdd>` (pain001.ts defaultPaymentInfoId), and the dispatch worker writes one execution
 * date, so one block, per message: that block's payments are the message's.
 */
export function isBlockOf(paymentInfoId: string, msgId: string): boolean {
  return paymentInfoId.startsWith(`${msgId.slice(0, 26)}-`) && /-\d{8}$/.test(paymentInfoId);
}

/** Every payment status the report gives, transactions first, then the rejected blocks and message. */
export function statusUpdates(report: Pain002Report, message?: OurMessage): StatusUpdates {
  const updates: StatusUpdate[] = report.transactions.map((t) => ({
    paymentId: t.originalEndToEndId,
    status: t.status,
    source: t.statusSource,
    ...(t.reasonCode !== undefined ? { reason: t.reasonCode } : {}),
    ...(t.statusSource === 'paymentInfo' && t.originalPaymentInfoId ? { paymentInfoId: t.originalPaymentInfoId } : {}),
  }));
  const answered = new Set(updates.map((u) => u.paymentId));
  const unplaced: UnplacedRejection[] = [];
  const ours = message && message.msgId === report.originalMsgId ? message.paymentIds : undefined;
  const rejectRest = (source: 'paymentInfo' | 'group', reason: string | undefined, paymentInfoId?: string) => {
    if (reason === DUPLICATE_FILE) return;
    if (!ours) {
      unplaced.push({ source, ...(paymentInfoId ? { paymentInfoId } : {}), ...(reason ? { reason } : {}) });
      return;
    }
    for (const paymentId of ours) {
      if (answered.has(paymentId)) continue;
      answered.add(paymentId);
      updates.push({
        paymentId,
        status: 'RJCT',
        source,
        ...(reason !== undefined ? { reason } : {}),
        ...(paymentInfoId ? { paymentInfoId } : {}),
      });
    }
  };
  for (const block of report.paymentInfoStatuses) {
    if (block.status !== 'RJCT') continue;
    const reason = block.reasons[0]?.code ?? block.reasons[0]?.proprietary ?? report.groupReasons[0]?.code;
    if (ours && !isBlockOf(block.originalPaymentInfoId, report.originalMsgId)) {
      unplaced.push({
        source: 'paymentInfo',
        paymentInfoId: block.originalPaymentInfoId,
        ...(reason ? { reason } : {}),
      });
      continue;
    }
    rejectRest('paymentInfo', reason, block.originalPaymentInfoId);
  }
  if (report.groupStatus === 'RJCT') {
    rejectRest('group', report.groupReasons[0]?.code ?? report.groupReasons[0]?.proprietary);
  }
  return { updates, unplaced };
}
