/**
 * Security review, row 4 (Low): a captured bank callback cannot be replayed. The signature covers a timestamp
 * and the body; a callback older than 5 minutes is refused (401), a message id already received is refused
 * (409), and neither changes the ledger.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildPain002 } from '../../functions/iso20022/pain002.js';
import { entries } from '../../functions/payment-ledger/ledger-store.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { cyclePayments, type Harness, harness, postCallback, runCycle, signCallback } from '../support/disbursement.js';
import { startTestPlatform } from '../support/platform.js';

let platform: LocalPlatform;
let h: Harness;
let paymentId: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  h = await harness(platform, 1);
  const { cycleId } = await runCycle(h, '2026-04');
  const [payment] = await cyclePayments(cycleId);
  expect(payment?.state).toBe('SETTLED');
  paymentId = payment?.paymentId as string;
});
afterAll(async () => {
  await platform?.stop();
});

/** A status report as the bank sends it: a rejection of the settled payment (the attacker's wish). */
const report = (status: 'ACSC' | 'RJCT') =>
  buildPain002({
    msgId: `B${randomBytes(8).toString('hex').toUpperCase()}`,
    createdAt: new Date().toISOString(),
    initiatingPartyName: 'TEST BANK',
    originalMsgId: 'NOTPROVIDED',
    paymentInfos: [
      {
        originalPaymentInfoId: 'PI1',
        transactions: [
          { originalEndToEndId: paymentId, status, ...(status === 'RJCT' ? { reasons: [{ code: 'AC04' }] } : {}) },
        ],
      },
    ],
  });

async function post(xml: string, headers: Record<string, string>) {
  const res = await fetch(`${platform.url}/v1/bank/callbacks`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml; charset=utf-8', ...headers },
    body: xml,
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
}

describe('bank callbacks cannot be replayed', () => {
  it('a report signed 6 minutes ago is refused (401) and changes nothing', async () => {
    const before = await entries(paymentId);
    const old = String(Math.floor(Date.now() / 1000) - 360);
    const secret = process.env.ANSINH_BANK_CALLBACK_SECRET as string;
    const xml = report('RJCT');
    const res = await post(xml, { 'x-bank-timestamp': old, 'x-bank-signature': signCallback(secret, old, xml) });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('STALE_CALLBACK');
    await platform.bank.idle();
    await new Promise((r) => setTimeout(r, 1500)); // time for a queued message to have been applied
    expect(await entries(paymentId)).toEqual(before);
  });

  it('a signature over the body alone (no timestamp) is refused (401)', async () => {
    const secret = process.env.ANSINH_BANK_CALLBACK_SECRET as string;
    const xml = report('RJCT');
    const { createHmac } = await import('node:crypto');
    const bodyOnly = `sha256=${createHmac('sha256', secret).update(xml).digest('hex')}`;
    expect((await post(xml, { 'x-bank-signature': bodyOnly })).status).toBe(401);
    const now = String(Math.floor(Date.now() / 1000));
    expect((await post(xml, { 'x-bank-timestamp': now, 'x-bank-signature': bodyOnly })).status).toBe(401);
    // A timestamp changed after signing.
    const signed = signCallback(secret, now, xml);
    expect((await post(xml, { 'x-bank-timestamp': String(Number(now) + 1), 'x-bank-signature': signed })).status).toBe(
      401,
    );
  });

  it('a captured callback replayed as is, or re-timestamped, is refused (409) and changes nothing', async () => {
    const xml = report('ACSC');
    const now = String(Math.floor(Date.now() / 1000));
    const secret = process.env.ANSINH_BANK_CALLBACK_SECRET as string;
    const captured = { 'x-bank-timestamp': now, 'x-bank-signature': signCallback(secret, now, xml) };
    expect((await post(xml, captured)).status).toBe(202);
    await new Promise((r) => setTimeout(r, 1500));
    const before = await entries(paymentId);
    const replay = await post(xml, captured);
    expect(replay.status).toBe(409);
    expect(replay.body.error?.code).toBe('DUPLICATE_CALLBACK');
    expect(await postCallback(platform, xml)).toBe(409);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await entries(paymentId)).toEqual(before);
  });
});
