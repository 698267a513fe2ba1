/**
 * Queue consumer: applies a bank status report to the ledger (ledger-store.ts applyStatusReport, the one place a
 * pain.002 is applied). Each transaction status moves its payment forward only; a duplicate report changes
 * nothing, an out-of-order one is ignored as stale, a contradictory one is recorded as an anomaly for a person
 * to explain; a block or a whole file rejected rejects each of its payments. A report for a payment we never
 * recorded fails the message (it lands in the dead-letter queue after retries: money we did not send is never
 * silently booked).
 */
import { z } from 'zod';
import { followUpOutcomes } from '../cases/open-on-failure.js';
import { parsePain002 } from '../iso20022/pain002.js';
import { applyStatusReport, PaymentNotFoundError } from '../payment-ledger/ledger-store.js';
import { stateForBankStatus } from '../payment-ledger/payment-state.js';
import { readObject } from '../shared/objects.js';
import { logger } from '../shared/powertools.js';
import { queueConsumer } from '../shared/task.js';

/** What bankCallback enqueues: where it stored the report. */
export const StatusMessage = z.object({ key: z.string() });

// In order: the bank often sends a file's ACSP and ACSC reports together, and they land in one batch. Applied at
// once they move the same payments, and in each pair of transactions one is cancelled and decided again.
export const handler = queueConsumer(
  StatusMessage,
  async ({ key }) => {
    const report = await parsePain002(readObject(key));
    const { applied, unplaced, heads } = await applyStatusReport(report, 'bank-status', {
      msgId: report.msgId,
      originalMsgId: report.originalMsgId,
    });
    for (const a of applied) {
      if (a.result.kind === 'anomaly')
        logger.warn('Contradictory bank status', { paymentId: a.paymentId, reason: a.result.reason });
    }
    // Also on 'already': a crash after the ledger write but before the follow-up must not lose it.
    await followUpOutcomes(
      applied.flatMap((a) => {
        const to = stateForBankStatus(a.status);
        const moved = a.result.kind === 'apply' || a.result.kind === 'already';
        return to && moved ? [{ paymentId: a.paymentId, state: to, reason: a.reason }] : [];
      }),
      heads,
    );
    if (unplaced.length) logger.warn('Rejection of a block or file we cannot place', { msgId: report.msgId, unplaced });
    const unknown = applied.find((a) => a.result.kind === 'unknown-payment');
    if (unknown) throw new PaymentNotFoundError(unknown.paymentId);
    logger.info('Bank statuses applied', {
      msgId: report.msgId,
      transactions: applied.length,
      applied: applied.filter((a) => a.result.kind === 'apply').length,
    });
  },
  { inOrder: true },
);
