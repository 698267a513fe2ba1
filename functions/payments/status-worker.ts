/**
 * Queue consumer: applies a bank status report to the ledger. Each transaction status moves its payment
 * forward only; a duplicate report changes nothing, an out-of-order one is ignored as stale, a contradictory
 * one is recorded as an anomaly for a person to explain. A report for a payment we never recorded fails the
 * message (it lands in the dead-letter queue after retries: money we did not send is never silently booked).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { closeCaseOnSettlement, openCaseOnFailure } from '../cases/open-on-failure.js';
import { notifySettled } from '../notifications/on-settled.js';
import { dynamo } from '../shared/aws-clients.js';
import { readObject } from '../shared/objects.js';
import { logger } from '../shared/powertools.js';
import { resources } from '../shared/resources.js';
import { queueConsumer } from '../shared/task.js';
import { parsePain002 } from './iso20022/pain002.js';
import { transition } from './ledger/ledger-store.js';
import { stateForBankStatus, UNPAID_STATES } from './ledger/payment-state.js';

/** What bankCallback enqueues: where it stored the report. */
export const StatusMessage = z.object({ key: z.string() });

export const handler = queueConsumer(StatusMessage, async ({ key }) => {
  const report = await parsePain002(readObject(key));
  const updates: { id: string; status: string; reason?: string }[] = report.transactions.map((t) => ({
    id: t.originalEndToEndId,
    status: t.status,
    reason: t.reasonCode,
  }));
  // A whole file rejected without transaction detail: every payment of that file is rejected.
  if (!updates.length && report.groupStatus === 'RJCT') {
    const batch = await dynamo().send(
      new GetCommand({
        TableName: resources.table('payments'),
        Key: { paymentId: `BATCH#${report.originalMsgId}`, sk: 'HEAD' },
        ConsistentRead: true,
      }),
    );
    const reason = report.groupReasons[0]?.code;
    // DU01 answers our own resubmission: the bank still holds the first file, nothing is rejected.
    if (reason !== 'DU01') {
      for (const id of (batch.Item?.paymentIds as string[] | undefined) ?? [])
        updates.push({ id, status: 'RJCT', reason });
    }
  }
  let applied = 0;
  // Several payments at once: each serialises on its own HEAD, so order across payments does not matter.
  let next = 0;
  const apply = async () => {
    while (next < updates.length) {
      const u = updates[next++] as (typeof updates)[number];
      await applyOne(u);
    }
  };
  const applyOne = async (u: (typeof updates)[number]) => {
    const wanted = stateForBankStatus(u.status);
    if (!wanted) return;
    const decision = await transition(u.id, wanted, 'bank-status', {
      status: u.status,
      ...(u.reason ? { reason: u.reason } : {}),
      msgId: report.msgId,
      originalMsgId: report.originalMsgId,
    });
    if (decision.kind === 'apply') applied++;
    // Also on 'already': a crash after the ledger write but before the case must not lose the case (both idempotent).
    if (decision.kind === 'apply' || decision.kind === 'already') {
      if (UNPAID_STATES.has(wanted)) await openCaseOnFailure(u.id, wanted, u.reason);
      if (wanted === 'SETTLED') {
        await closeCaseOnSettlement(u.id);
        await notifySettled(u.id);
      }
    }
    if (decision.kind === 'anomaly')
      logger.warn('Contradictory bank status', { paymentId: u.id, reason: decision.reason });
  };
  await Promise.all(Array.from({ length: 8 }, apply));
  logger.info('Bank statuses applied', { msgId: report.msgId, transactions: updates.length, applied });
});
