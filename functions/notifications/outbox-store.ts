/**
 * The notifications outbox, the one owner of the `notifications` table. One item per person and event key:
 * written once (conditional put), so a redelivered failure or a second worker never tells anyone twice; sent
 * through the port when due (quiet hours), then marked SENT with a conditional update. A message held by the
 * quiet hours stays PENDING in the sparse `dueMessages` index until the sweep (send-due-handler.ts) sends it.
 *
 * Items (personId / key):  <personId> / <caseId>#CASE_OPENED, <paymentId>#SETTLED
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/aws-clients.js';
import { resources } from '../shared/resources.js';
import type { NotificationEvent } from './message.js';
import type { NotificationPort } from './port.js';

const table = () => resources.table('notifications');

export interface NotificationRecord {
  personId: string;
  key: string;
  event: NotificationEvent;
  channel: 'SMS' | 'APP';
  text: string;
  paymentId: string;
  caseId?: string;
  createdAt: string;
  /** Not sent before this instant (the end of the quiet hours). */
  notBefore: string;
  status: 'PENDING' | 'SENT' | 'SUPPRESSED';
  /** Why it was not sent (opt-out recorded on the account). */
  suppressedBecause?: string;
  sentAt?: string;
  providerMessageId?: string;
  /** `dueMessages` index: only PENDING messages carry it. */
  outbox?: 'PENDING';
}

/** Records the message once; a second call with the same person and key changes nothing. */
export async function enqueue(rec: NotificationRecord): Promise<'CREATED' | 'EXISTS'> {
  const item = rec.status === 'PENDING' ? { ...rec, outbox: 'PENDING' as const } : rec;
  try {
    await dynamo().send(
      new PutCommand({ TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(personId)' }),
    );
    return 'CREATED';
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return 'EXISTS';
    throw err;
  }
}

export async function getNotification(personId: string, key: string): Promise<NotificationRecord | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: table(), Key: { personId, key }, ConsistentRead: true }));
  return out.Item as NotificationRecord | undefined;
}

/**
 * Sends a PENDING message that is due and marks it SENT. The port call and the mark are not atomic: a crash
 * between them sends again on the next attempt, with the same key (the provider's dedup where it has one).
 */
export async function deliver(
  rec: NotificationRecord,
  port: NotificationPort,
  now: string,
  phone?: string,
): Promise<boolean> {
  if (rec.status !== 'PENDING' || rec.notBefore > now) return false;
  const { providerMessageId } = await port.send({
    key: rec.key,
    channel: rec.channel,
    personId: rec.personId,
    text: rec.text,
    ...(phone ? { phone } : {}),
  });
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: { personId: rec.personId, key: rec.key },
        UpdateExpression: 'SET #s = :sent, sentAt = :at, providerMessageId = :pid REMOVE outbox',
        ConditionExpression: '#s = :pending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':sent': 'SENT', ':pending': 'PENDING', ':at': now, ':pid': providerMessageId },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

/** A person's messages, newest first (their own page, a case's view, the trace). */
export async function messagesOf(personId: string): Promise<NotificationRecord[]> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'personId = :p',
      ExpressionAttributeValues: { ':p': personId },
      ConsistentRead: true,
    }),
  );
  return ((out.Items ?? []) as NotificationRecord[]).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

/** PENDING messages due by `now`, oldest first. */
export async function* dueMessages(now: string): AsyncGenerator<NotificationRecord> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'dueMessages',
        KeyConditionExpression: 'outbox = :o AND notBefore <= :now',
        ExpressionAttributeValues: { ':o': 'PENDING', ':now': now },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) yield item as NotificationRecord;
    start = out.LastEvaluatedKey;
  } while (start);
}
