/**
 * Queue consumer: one chunk of an approved cycle. For every payment, the instruction is recorded PENDING
 * (idempotent by payment id) before anything leaves. Bank payments go out as one pain.001 whose MsgId and
 * bytes are fixed the first time (stored in S3 before sending): a retry after any crash resubmits the same
 * file, and the bank's DU01 tells us it already had it. Post-office payments join their commune's cash list.
 * A chunk not dispatched by the settlement cut-off (less one bank timeout) never goes out: the cut-off
 * accounts for its payments (NOT_SENT, or not dispatched at all) and their months are owed again next cycle.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { mayStillSend } from '../disbursement-cycles/cutoff.js';
import { getCycle } from '../disbursement-cycles/cycle-store.js';
import { readDraftChunk } from '../disbursement-cycles/draft-objects.js';
import { buildPain001 } from '../iso20022/pain001.js';
import {
  isChunkDispatched,
  markChunkDispatched,
  type PaymentInstruction,
  recordPending,
  transition,
} from '../payment-ledger/ledger-store.js';
import { dynamo } from '../shared/aws-clients.js';
import { contentId } from '../shared/ids.js';
import { inParallel } from '../shared/in-parallel.js';
import { readObject, writeObject } from '../shared/objects.js';
import { logger } from '../shared/powertools.js';
import { resources } from '../shared/resources.js';
import { InvalidInputError, queueConsumer } from '../shared/task.js';
import { bankTimeoutMs, submitPain001 } from './bank-client.js';
import payingAccounts from './data/paying-accounts.json' with { type: 'json' };
import { remittanceFor } from './remittance.js';

/** What dispatchCycle enqueues: one chunk of the approved draft. */
export const Message = z.object({ cycleId: z.string(), chunk: z.number().int().min(0), key: z.string() });

interface BatchRecord {
  paymentId: string;
  sk: 'HEAD';
  msgId: string;
  cycleId: string;
  chunk: number;
  xmlKey: string;
  sha256: string;
  paymentIds: string[];
  state: 'PREPARED' | 'SUBMITTED';
}

const table = () => resources.table('payments');

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
  const msgId = `M${contentId('m', [cycleId, chunk]).slice(2, 26).toUpperCase()}`;
  const existing = await dynamo().send(
    new GetCommand({ TableName: table(), Key: { paymentId: `BATCH#${msgId}`, sk: 'HEAD' }, ConsistentRead: true }),
  );
  if (existing.Item) {
    const batch = existing.Item as BatchRecord;
    return { batch, xml: await textOf(batch.xmlKey) };
  }
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
    paymentId: `BATCH#${msgId}`,
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
  try {
    await dynamo().send(
      new PutCommand({ TableName: table(), Item: batch, ConditionExpression: 'attribute_not_exists(paymentId)' }),
    );
    return { batch, xml };
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    // A concurrent delivery of the same chunk prepared it first: use its bytes.
    return preparedBatch(cycleId, chunk, createdAt, province, bank);
  }
}

export const handler = queueConsumer(Message, async ({ cycleId, chunk, key }) => {
  const cycle = await getCycle(cycleId);
  const approvedAt = cycle?.approvedAt;
  if (!cycle || !approvedAt) throw new InvalidInputError(`cycle ${cycleId} is not approved`);
  // Too late, and never out (a redelivery of a dispatched chunk still only meets the bank's DU01). Checked
  // before anything is recorded, and again before anything leaves: recording a large chunk takes a while.
  const tooLate = async () => {
    if (mayStillSend(approvedAt, Date.now(), bankTimeoutMs()) || (await isChunkDispatched(cycleId, chunk)))
      return false;
    logger.error('Chunk past the settlement cut-off: not sent', { cycleId, chunk });
    return true;
  };
  if (await tooLate()) return;
  const instructions = await readDraftChunk(key);
  await inParallel(instructions, 8, (i) => recordPending(i, chunk));
  if (await tooLate()) return;

  const bank = instructions.filter((i) => i.channel === 'BANK');
  if (bank.length) {
    const { batch, xml } = await preparedBatch(cycleId, chunk, approvedAt, cycle.jurisdiction.slice(0, 2), bank);
    const outcome = await submitPain001(xml);
    await inParallel(batch.paymentIds, 8, (id) =>
      transition(id, 'SENT', 'bank-receipt', { msgId: batch.msgId, outcome }),
    );
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: { paymentId: batch.paymentId, sk: 'HEAD' },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':s': 'SUBMITTED' },
      }),
    );
    logger.info('Batch submitted', { cycleId, chunk, msgId: batch.msgId, payments: bank.length, outcome });
  }
  const post = instructions.filter((i) => i.channel === 'POST_OFFICE');
  await inParallel(post, 8, (i) => transition(i.paymentId, 'SENT', 'post-office-list', { communeCode: i.communeCode }));
  await markChunkDispatched(cycleId, chunk, instructions.length);
});
