/**
 * Queue consumer: one chunk of a cycle at the settlement cut-off (the collect step queues one per chunk, once).
 * Its payments still PENDING, SENT or ACCEPTED are resolved by cutoff.ts `atCutoff`; the bank is asked once
 * for the chunk's whole message (its pain.001 MsgId), and the pain.002 it answers is read once
 * (status-report.ts) into each payment's answer. Post-office payments are never asked about.
 *
 * Run twice (redelivery) or after a crash halfway, it changes nothing twice: it decides from each payment's
 * state now (read consistently), every ledger move is conditional on the HEAD's sequence, and the cases a
 * crashed run may have left unopened are opened again (idempotent by their deterministic id).
 */
import { z } from 'zod';
import { followUpOutcomes, type PaymentOutcome } from '../cases/open-on-failure.js';
import { parsePain002 } from '../iso20022/pain002.js';
import {
  currentPaymentHeads,
  getBatchRecord,
  isCutoffChunkDone,
  markCutoffChunkDone,
  type PaymentHead,
  PaymentNotFoundError,
  transitionMany,
} from '../payment-ledger/ledger-store.js';
import { type PaymentState, UNPAID_STATES } from '../payment-ledger/payment-state.js';
import { statusesByPayment } from '../payment-ledger/status-report.js';
import { queryMessageStatus } from '../payments/bank-client.js';
import { chunkMsgId } from '../payments/payment-id.js';
import { logger } from '../shared/powertools.js';
import { queueConsumer } from '../shared/task.js';
import {
  answerOf,
  atCutoff,
  type BankAnswer,
  CUTOFF_QUERY_ATTEMPTS,
  cutoffAt,
  cutoffMinutes,
  type MessageAnswer,
  OPEN_AT_CUTOFF,
  type OpenState,
  queriedAtCutoff,
} from './cutoff.js';
import { readDraftChunk } from './draft-objects.js';

/** What the collect step queues at the cut-off: one chunk of the approved draft. */
export const CutoffQuery = z.object({
  cycleId: z.string(),
  chunk: z.number().int().min(0),
  key: z.string(),
  approvedAt: z.iso.datetime(),
});

const isOpen = (state: PaymentState): state is OpenState => (OPEN_AT_CUTOFF as readonly string[]).includes(state);

/**
 * The bank's answer about the chunk's message. No batch record: the file was never prepared, so never sent (no
 * request). A bank that does not answer fails the delivery (SQS tries again) until the last attempt, when the
 * payments take "no answer".
 */
async function askBank(cycleId: string, chunk: number, attempt: number): Promise<MessageAnswer & { msgId: string }> {
  const msgId = chunkMsgId(cycleId, chunk);
  const batch = await getBatchRecord(msgId);
  if (!batch) return { kind: 'unknown-to-bank', msgId };
  try {
    const xml = await queryMessageStatus(msgId);
    if (xml === undefined) return { kind: 'unknown-to-bank', msgId };
    const report = await parsePain002(xml);
    return { kind: 'report', statuses: statusesByPayment(report, { msgId, paymentIds: batch.paymentIds }), msgId };
  } catch (err) {
    if (attempt < CUTOFF_QUERY_ATTEMPTS) throw err;
    logger.error('No usable bank answer at the cut-off: its payments become UNKNOWN', {
      cycleId,
      chunk,
      msgId,
      error: (err as Error).message,
    });
    return { kind: 'no-answer', msgId };
  }
}

/** The ledger entry's detail: what the bank said, or that it was not asked / did not answer. */
function detailOf(answer: BankAnswer | undefined, msgId: string | undefined): Record<string, unknown> {
  if (answer?.kind === 'status')
    return { status: answer.status, ...(answer.reason ? { reason: answer.reason } : {}), msgId };
  if (answer?.kind === 'unknown-to-bank') return { bank: 'not known', ...(msgId ? { msgId } : {}) };
  return { cutoffMinutes: cutoffMinutes() };
}

async function resolveChunk(
  query: z.infer<typeof CutoffQuery>,
  attempt = 1,
): Promise<Partial<Record<PaymentState, number>>> {
  const { cycleId, chunk, key, approvedAt } = query;
  const ids = (await readDraftChunk(key)).map((i) => i.paymentId);
  const heads = await currentPaymentHeads(ids);
  const open = heads.filter((h) => isOpen(h.state));
  // Moved since the cut-off, perhaps by a run of this item that crashed before the payment's case: again.
  const since = cutoffAt(approvedAt);
  const moved = heads.filter(
    (h) =>
      !isOpen(h.state) && (h.state === 'SETTLED' || UNPAID_STATES.has(h.state)) && Date.parse(h.updatedAt) >= since,
  );
  const asked = [...open, ...moved].some((h) => queriedAtCutoff(h.channel));
  const message = asked ? await askBank(cycleId, chunk, attempt) : undefined;
  const answerFor = (h: PaymentHead) =>
    message && queriedAtCutoff(h.channel) ? answerOf(message, h.paymentId) : undefined;

  const resolved: Partial<Record<PaymentState, number>> = {};
  const after = new Map<string, PaymentHead>();
  const decisions = await transitionMany(
    open.map((h) => {
      const { to, source } = atCutoff(h.state as OpenState, h.channel, answerFor(h));
      return { paymentId: h.paymentId, wanted: to, source, detail: detailOf(answerFor(h), message?.msgId) };
    }),
    after,
  );
  const reasonOf = (h: PaymentHead) => {
    const answer = answerFor(h);
    return answer?.kind === 'status' ? answer.reason : undefined;
  };
  const outcomes: PaymentOutcome[] = open.flatMap((h, i) => {
    const decision = decisions[i];
    if (!decision) throw new PaymentNotFoundError(h.paymentId);
    const now = decision.kind === 'apply' ? decision.to : decision.state;
    resolved[now] = (resolved[now] ?? 0) + 1;
    return decision.kind === 'apply' ? [{ paymentId: h.paymentId, state: decision.to, reason: reasonOf(h) }] : [];
  });
  for (const h of moved) {
    outcomes.push({ paymentId: h.paymentId, state: h.state, reason: reasonOf(h) });
    after.set(h.paymentId, h);
  }
  await followUpOutcomes(outcomes, after);
  return resolved;
}

export const handler = queueConsumer(CutoffQuery, async (query, record) => {
  // Delivered again after it finished: nothing left to do, nothing to ask the bank.
  if (await isCutoffChunkDone(query.cycleId, query.chunk)) return;
  const attempt = Number(record.attributes?.ApproximateReceiveCount ?? '1');
  const resolved = await resolveChunk(query, attempt);
  await markCutoffChunkDone(query.cycleId, query.chunk, resolved);
  logger.info('Cut-off: chunk resolved', { cycleId: query.cycleId, chunk: query.chunk, resolved });
});
