/**
 * Scheduled: reads the bank's debit/credit notifications (camt.054) since the last poll and records every
 * return (a credit with return information, or a reversal) as a new RETURNED entry of the original payment,
 * linked by EndToEndId — never an update of the settled entry. Re-reading the same notification changes
 * nothing (the payment is already RETURNED). The poll position is kept in the ledger table.
 */
import { z } from 'zod';
import { openCaseOnFailure } from '../cases/open-on-failure.js';
import { parseCamt054 } from '../iso20022/camt.js';
import {
  PaymentNotFoundError,
  returnsPolledAt,
  saveReturnsPolledAt,
  transition,
} from '../payment-ledger/ledger-store.js';
import { logger } from '../shared/powertools.js';
import { invokedTask } from '../shared/task.js';
import { fetchNotifications } from './bank-client.js';

/** Read a little behind the last poll: notifications booked while we were reading are not missed. */
const OVERLAP_MS = 10 * 60_000;

export async function pollReturns(now = new Date()) {
  const since = new Date(Date.parse(String((await returnsPolledAt()) ?? '1970-01-01T00:00:00Z')) - OVERLAP_MS);
  const xml = await fetchNotifications(since.toISOString());
  let returned = 0;
  let unknown = 0;
  if (xml) {
    for await (const event of parseCamt054(xml)) {
      if (event.type !== 'entry' || event.creditDebit !== 'CRDT') continue;
      for (const tx of event.transactions) {
        const isReturn = event.reversal || tx.returnReason !== undefined;
        if (!isReturn || !tx.endToEndId || tx.endToEndId === 'NOTPROVIDED') continue;
        try {
          const decision = await transition(tx.endToEndId, 'RETURNED', 'bank-return', {
            reason: tx.returnReason,
            accountServicerRef: event.accountServicerRef,
            bookingDate: event.bookingDate,
          });
          if (decision.kind === 'apply') returned++;
          if (decision.kind === 'apply' || decision.kind === 'already')
            await openCaseOnFailure(tx.endToEndId, 'RETURNED', tx.returnReason);
        } catch (err) {
          // A return for money we never sent is for reconciliation to explain, not for the ledger.
          if (!(err instanceof PaymentNotFoundError)) throw err;
          unknown++;
        }
      }
    }
  }
  await saveReturnsPolledAt(now.toISOString());
  if (returned || unknown) logger.info('Bank returns recorded', { returned, unknown });
  return { returned, unknown };
}

export const handler = invokedTask(z.object({}).passthrough(), () => pollReturns());
