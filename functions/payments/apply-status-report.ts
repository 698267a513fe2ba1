/**
 * The one place a pain.002 status report is applied to the ledger, whichever way it came (the bank's
 * callback, an officer's import): each status moves its payment forward through the lifecycle only (a
 * repeat changes nothing, an out-of-order one is stale, a contradictory one is recorded as an anomaly), and a
 * block or message rejected as a whole rejects each of its payments (status-updates.ts).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/aws-clients.js';
import { resources } from '../shared/resources.js';
import type { Pain002Report } from './iso20022/pain002.js';
import { PaymentNotFoundError, transition } from './ledger/ledger-store.js';
import { stateForBankStatus, type TransitionDecision } from './ledger/payment-state.js';
import {
  type OurMessage,
  rejectsWholeBlocks,
  type StatusUpdate,
  statusUpdates,
  type UnplacedRejection,
} from './status-updates.js';

export interface AppliedStatus extends StatusUpdate {
  /** What the ledger did; `unknown-payment` when it holds no such payment, `no-state` for a status that moves none. */
  result: TransitionDecision | { kind: 'unknown-payment' } | { kind: 'no-state' };
}

/** Our pain.001 message a report answers, when a block or message rejection needs its payments. */
async function ourMessage(msgId: string): Promise<OurMessage | undefined> {
  const out = await dynamo().send(
    new GetCommand({
      TableName: resources.table('payments'),
      Key: { paymentId: `BATCH#${msgId}`, sk: 'HEAD' },
      ConsistentRead: true,
    }),
  );
  const ids = out.Item?.paymentIds as string[] | undefined;
  return ids ? { msgId, paymentIds: ids } : undefined;
}

/**
 * Applies every status of the report (8 payments at a time: each serialises on its own HEAD). `source` and
 * `detail` go on each ledger entry. The result keeps the order of the updates.
 */
export async function applyStatusReport(
  report: Pain002Report,
  source: string,
  detail: Record<string, unknown> = {},
): Promise<{ applied: AppliedStatus[]; unplaced: UnplacedRejection[] }> {
  const message = rejectsWholeBlocks(report) ? await ourMessage(report.originalMsgId) : undefined;
  const { updates, unplaced } = statusUpdates(report, message);
  const applied: AppliedStatus[] = new Array(updates.length);
  let next = 0;
  const worker = async () => {
    while (next < updates.length) {
      const i = next++;
      const u = updates[i] as StatusUpdate;
      const wanted = stateForBankStatus(u.status);
      if (!wanted) {
        applied[i] = { ...u, result: { kind: 'no-state' } };
        continue;
      }
      try {
        const result = await transition(u.paymentId, wanted, source, {
          ...detail,
          status: u.status,
          ...(u.reason ? { reason: u.reason } : {}),
          ...(u.source !== 'transaction' ? { statusOf: u.source } : {}),
        });
        applied[i] = { ...u, result };
      } catch (err) {
        if (!(err instanceof PaymentNotFoundError)) throw err;
        applied[i] = { ...u, result: { kind: 'unknown-payment' } };
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { applied, unplaced };
}
