/**
 * POST /v1/bank/callbacks — the bank's pain.002 status reports. Authenticated by the bank's HMAC-SHA256
 * signature of `<timestamp>.<body>` (no user token: the caller is the bank), stored, and queued for the status
 * worker, so the bank gets its acknowledgement at once and a slow ledger never makes it retry.
 *
 * A captured callback cannot be replayed: the signed timestamp (`x-bank-timestamp`, Unix seconds) must be
 * within 5 minutes of now (else 401), and a report's MsgId is accepted once (else 409, which tells the bank
 * it already has our acknowledgement). Neither refusal stores or queues anything.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { CALLBACK_TYPES, CallbackReceipt } from '../../schemas/bank-callbacks.js';
import { parsePain002 } from '../iso20022/pain002.js';
import { queues } from '../shared/aws-clients.js';
import { HttpError, httpRoute } from '../shared/http.js';
import { writeObject } from '../shared/objects.js';
import { resources } from '../shared/resources.js';
import { recordReceipt, wasReceived } from './callback-receipts.js';
import { callbackSecret } from './callback-secret.js';

/** How far the signed timestamp may be from now, either way (clock skew included). */
export const CALLBACK_MAX_AGE_SECONDS = 300;

const refused = (code: string, vi: string, en: string) => new HttpError(401, code, { vi, en });

function signatureMatches(secret: string, timestamp: string, body: Buffer, header: string): boolean {
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function verify(body: Buffer | undefined, timestamp: string | undefined, header: string | undefined) {
  if (!body?.length || !header?.startsWith('sha256=') || !timestamp || !/^\d{1,12}$/.test(timestamp)) {
    throw refused('BAD_SIGNATURE', 'Chữ ký không hợp lệ.', 'Invalid signature.');
  }
  const source = callbackSecret();
  const secret = await source.get();
  let valid = !!secret && signatureMatches(secret, timestamp, body, header);
  if (!valid) {
    // The secret may have been rotated since it was cached: read it again (rate-limited by the source).
    const fresh = await source.get({ fresh: true });
    valid = !!fresh && fresh !== secret && signatureMatches(fresh, timestamp, body, header);
  }
  if (!valid) throw refused('BAD_SIGNATURE', 'Chữ ký không hợp lệ.', 'Invalid signature.');
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > CALLBACK_MAX_AGE_SECONDS) {
    throw refused(
      'STALE_CALLBACK',
      'Thông báo quá cũ (quá 5 phút) hoặc đồng hồ lệch; không được xử lý.',
      'The callback is older than 5 minutes (or the clock is off); it was not processed.',
    );
  }
}

export const handler = httpRoute({
  responses: { 202: CallbackReceipt },
  bodyFile: CALLBACK_TYPES,
  handle: async ({ rawBody, headers }) => {
    await verify(rawBody, headers['x-bank-timestamp'], headers['x-bank-signature']);
    const body = rawBody as Buffer;
    let msgId: string;
    try {
      msgId = (await parsePain002(body.toString('utf8'))).msgId;
    } catch {
      throw new HttpError(400, 'INVALID_REPORT', {
        vi: 'Nội dung không phải báo cáo trạng thái pain.002 hợp lệ.',
        en: 'The body is not a valid pain.002 status report.',
      });
    }
    if (await wasReceived(msgId)) {
      throw new HttpError(409, 'DUPLICATE_CALLBACK', {
        vi: 'Thông báo này đã được nhận trước đó; không xử lý lại.',
        en: 'This message was received before; it is not processed again.',
      });
    }
    const key = `callbacks/${new Date().toISOString().slice(0, 10)}/${randomUUID()}.xml`;
    await writeObject(key, body, 'application/xml');
    await queues().send(
      new SendMessageCommand({ QueueUrl: resources.queueUrl('paymentStatuses'), MessageBody: JSON.stringify({ key }) }),
    );
    // Marked only once queued: a crash before this lets the bank's retry through (the status worker is
    // idempotent); after it, any copy is refused.
    await recordReceipt(msgId, key);
    return { status: 202, body: { received: true } };
  },
});
