/**
 * Queue consumer: one chunk of an approved cycle. For every payment, the instruction is recorded PENDING
 * (idempotent by payment id) before anything leaves. Bank payments go out as one pain.001 whose MsgId and
 * bytes are fixed the first time (stored in S3 before sending): a retry after any crash resubmits the same
 * file, and the bank's DU01 tells us it already had it. Post-office payments join their commune's cash list.
 * A chunk not dispatched by the settlement cut-off (less one bank timeout) never goes out: the cut-off
 * accounts for its payments (NOT_SENT, or not dispatched at all) and their months are owed again next cycle.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { buildPain001 } from '../iso20022/pain001.js';
import {
  type BatchRecord,
  batchRecordId,
  createBatchRecord,
  getBatchRecord,
  isChunkDispatched,
  markBatchSubmitted,
  markChunkDispatched,
  type PaymentInstruction,
  PaymentNotFoundError,
  recordPendingMany,
  type TransitionRequest,
  transitionMany,
} from '../payment-ledger/ledger-store.js';
import { readJsonLines, readObject, writeObject } from '../shared/objects.js';
import { logger } from '../shared/powertools.js';
import { InvalidInputError, queueConsumer } from '../shared/task.js';
import { bankTimeoutMs, submitPain001 } from './bank-client.js';
import payingAccounts from './data/paying-accounts.json' with { type: 'json' };
import { chunkMsgId } from './payment-id.js';
import { remittanceFor } from './remittance.js';
import { mayStillSend } from './send-window.js';

/**
 * What dispatchCycle enqueues: one chunk of the approved draft (JSON lines of PaymentInstruction), with the
 * cycle's approval time (the settlement window) and jurisdiction (the paying account). A message without an
 * approval is refused: only an approved cycle is ever dispatched.
 */
export const Message = z.object({
  cycleId: z.string(),
  chunk: z.number().int().min(0),
  key: z.string(),
  approvedAt: z.iso.datetime(),
  jurisdiction: z.string().min(2),
});

async function textOf(key: string): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const p of readObject(key)) parts.push(p);
  return Buffer.concat(parts).toString('utf8');
}

/** The chunk's pain.001, built once; later attempts get the stored bytes. */
async function preparedBatch(
  cycleId: string,
  chunk: number,
  createdAt: string,
  province: string,
  bank: PaymentInstruction[],
) {
  const msgId = chunkMsgId(cycleId, chunk);
  const existing = await getBatchRecord(msgId);
  if (existing) return { batch: existing, xml: await textOf(existing.xmlKey) };
  const debtor = (payingAccounts.accounts as Record<string, { name: string; accountId: string; napasBin: string }>)[
    province
  ];
  if (!debtor) throw new InvalidInputError(`no paying account configured for province ${province}`);
  const xml = buildPain001({
    messageId: msgId,
    createdAt,
    initiatingPartyName: debtor.name,
    debtor: { name: debtor.name, accountId: debtor.accountId, agent: { napasBin: debtor.napasBin } },
    transactions: bank.map((p) => ({
      instructionId: p.paymentId,
      endToEndId: p.paymentId,
      amountVnd: p.amount,
      requestedExecutionDate: createdAt.slice(0, 10),
      creditor: { name: p.creditorName, accountId: p.creditorAccount ?? '', napasBin: p.bankBin ?? '' },
      remittanceInformation: remittanceFor(p.months, p.socialAccount),
    })),
  });
  const batch: BatchRecord = {
    paymentId: batchRecordId(msgId),
    sk: 'HEAD',
    msgId,
    cycleId,
    chunk,
    xmlKey: `cycles/${cycleId}/batches/${msgId}.xml`,
    sha256: createHash('sha256').update(xml).digest('hex'),
    paymentIds: bank.map((p) => p.paymentId),
    state: 'PREPARED',
  };
  await writeObject(batch.xmlKey, xml, 'application/xml');
  if (await createBatchRecord(batch)) return { batch, xml };
  // A concurrent delivery of the same chunk prepared it first: use its bytes.
  return preparedBatch(cycleId, chunk, createdAt, province, bank);
}

/** Our own SENT records, many to a transaction; every payment was recorded PENDING just before. */
async function movedToSent(requests: TransitionRequest[]): Promise<void> {
  const decisions = await transitionMany(requests);
  const missing = requests.find((_, i) => decisions[i] === undefined);
  if (missing) throw new PaymentNotFoundError(missing.paymentId);
}

export const handler = queueConsumer(Message, async ({ cycleId, chunk, key, approvedAt, jurisdiction }) => {
  // Too late, and never out (a redelivery of a dispatched chunk still only meets the bank's DU01). Checked
  // before anything is recorded, and again before anything leaves: recording a large chunk takes a while.
  const tooLate = async () => {
    if (mayStillSend(approvedAt, Date.now(), bankTimeoutMs()) || (await isChunkDispatched(cycleId, chunk)))
      return false;
    logger.error('Chunk past the settlement cut-off: not sent', { cycleId, chunk });
    return true;
  };
  if (await tooLate()) return;
  const instructions: PaymentInstruction[] = [];
  for await (const i of readJsonLines<PaymentInstruction>(key)) instructions.push(i);
  await recordPendingMany(instructions, chunk);
  if (await tooLate()) return;

  const bank = instructions.filter((i) => i.channel === 'BANK');
  if (bank.length) {
    const { batch, xml } = await preparedBatch(cycleId, chunk, approvedAt, jurisdiction.slice(0, 2), bank);
    const outcome = await submitPain001(xml);
    await movedToSent(
      batch.paymentIds.map((paymentId) => ({
        paymentId,
        wanted: 'SENT',
        source: 'bank-receipt',
        detail: { msgId: batch.msgId, outcome },
      })),
    );
    await markBatchSubmitted(batch);
    logger.info('Batch submitted', { cycleId, chunk, msgId: batch.msgId, payments: bank.length, outcome });
  }
  const post = instructions.filter((i) => i.channel === 'POST_OFFICE');
  await movedToSent(
    post.map((i) => ({
      paymentId: i.paymentId,
      wanted: 'SENT',
      source: 'post-office-list',
      detail: { communeCode: i.communeCode },
    })),
  );
  await markChunkDispatched(cycleId, chunk, instructions.length);
});
