/**
 * POST /v1/bank/callbacks — the bank's pain.002 status reports. Authenticated by the bank's HMAC-SHA256
 * signature of the body (no user token: the caller is the bank), stored, and queued for the status worker,
 * so the bank gets its acknowledgement at once and a slow ledger never makes it retry.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { queues } from '../shared/aws-clients.js';
import { HttpError, httpRoute } from '../shared/http.js';
import { writeObject } from '../shared/objects.js';
import { resources } from '../shared/resources.js';

function verifySignature(body: Buffer, header: string | undefined): boolean {
  const secret = process.env.ANSINH_BANK_CALLBACK_SECRET;
  if (!secret || !header?.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const handler = httpRoute({
  handle: async ({ rawBody, headers }) => {
    if (!rawBody?.length || !verifySignature(rawBody, headers['x-bank-signature'])) {
      throw new HttpError(401, 'BAD_SIGNATURE', { vi: 'Chữ ký không hợp lệ.', en: 'Invalid signature.' });
    }
    const key = `callbacks/${new Date().toISOString().slice(0, 10)}/${randomUUID()}.xml`;
    await writeObject(key, rawBody, 'application/xml');
    await queues().send(
      new SendMessageCommand({ QueueUrl: resources.queueUrl('paymentStatuses'), MessageBody: JSON.stringify({ key }) }),
    );
    return { status: 202, body: { received: true } };
  },
});
