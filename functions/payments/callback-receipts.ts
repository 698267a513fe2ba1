/**
 * The callbackReceipts table: the MsgId of every bank callback already received, so a copy is refused.
 * Items expire by TTL after RECEIPT_DAYS, many times any replay window (the signed timestamp bounds it to minutes).
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/aws-clients.js';
import { resources } from '../shared/resources.js';

const RECEIPT_DAYS = 30;

const table = () => resources.table('callbackReceipts');

export async function wasReceived(msgId: string): Promise<boolean> {
  const seen = await dynamo().send(new GetCommand({ TableName: table(), Key: { msgId }, ConsistentRead: true }));
  return seen.Item !== undefined;
}

/** Records the callback's MsgId and where its body was stored. */
export async function recordReceipt(msgId: string, key: string): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: table(),
      Item: {
        msgId,
        key,
        receivedAt: new Date().toISOString(),
        expiresAt: Math.floor(Date.now() / 1000) + RECEIPT_DAYS * 86_400,
      },
    }),
  );
}
