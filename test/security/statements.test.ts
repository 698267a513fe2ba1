/**
 * Security review, row 1 (High): a statement or status report belongs to one paying account. A finance
 * preparer of province 01 tries to move province 79's payments with files: a pain.002 answering 79's payment
 * message, a camt.053 of 79's paying account carrying a return, a camt.053 of 01's own account whose lines
 * name 79's payments, and a reference-less line with a 79 payee's bank account to fish for payment ids.
 * Each file is refused or its lines are NOT_OURS; no 79 payment changes and no 79 payment id is revealed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildCamt053 } from '../../functions/payments/iso20022/camt.js';
import { entries, getPayment } from '../../functions/payments/ledger/ledger-store.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import {
  accountNumberFor,
  cyclePayments,
  type Harness,
  harness,
  originalMsgIdOf,
  runCycle,
  statusReport,
} from '../support/disbursement.js';
import { api, eventually, startTestPlatform } from '../support/platform.js';
import { tokenOf } from './support.js';

const ACCOUNT_79 = '0071000888999';
const ACCOUNT_01 = '1200000777888';

let platform: LocalPlatform;
let h: Harness;
let preparer01: string;
let ids: string[];

beforeAll(async () => {
  platform = await startTestPlatform();
  h = await harness(platform, 2);
  const { cycleId } = await runCycle(h, '2026-05');
  const heads = await cyclePayments(cycleId);
  expect(heads.map((p) => p.state)).toEqual(['SETTLED', 'SETTLED']);
  ids = heads.map((p) => p.paymentId);
  preparer01 = await tokenOf(platform, 'ketoan.lap.01', ['finance_preparer'], { jurisdiction: '01' });
});
afterAll(async () => {
  await platform?.stop();
});

async function load(body: string, fileName: string, token: string) {
  const res = await fetch(`${platform.url}/v1/statements`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml', 'x-file-name': fileName },
    body,
  });
  const { importId } = (await res.json()) as { importId: string };
  return eventually(async () => {
    const got = await api(platform, 'GET', `/v1/statements/${importId}`, { token });
    return ['COMPLETED', 'FAILED'].includes(got.body.status) ? got.body : undefined;
  }, 60_000);
}

const ledgerOf = async () => Promise.all(ids.map((id) => entries(id)));

function camt(
  account: string,
  id: string,
  entries: Parameters<typeof buildCamt053>[0]['statements'][number]['entries'],
) {
  return buildCamt053({
    messageId: `C053-${id}`,
    createdAt: '2026-05-20T23:59:59+07:00',
    statements: [
      {
        id,
        createdAt: '2026-05-20T23:59:59+07:00',
        account: { id: account },
        openingBalance: { amountVnd: 0, date: '2026-05-20' },
        closingBalance: { amountVnd: 0, date: '2026-05-20' },
        entries,
      },
    ],
  });
}

const returnOf = (paymentId: string, amount: number) => ({
  amountVnd: amount,
  creditDebit: 'CRDT' as const,
  status: 'BOOK' as const,
  bookingDate: '2026-05-20',
  valueDate: '2026-05-20',
  transactions: [{ endToEndId: paymentId, amountVnd: amount, creditDebit: 'CRDT' as const, returnReason: 'AC04' }],
});

describe("another province's payments cannot be moved or found through files", () => {
  it("a pain.002 answering 79's payment message, loaded by 01, is refused whole and changes nothing", async () => {
    const before = await ledgerOf();
    const xml = statusReport([ids[0] as string], 'RJCT', {
      reason: 'AC04',
      originalMsgId: await originalMsgIdOf(ids[0] as string),
    });
    const done = await load(xml, 'pain002-79.xml', preparer01);
    expect(done.status).toBe('FAILED');
    expect(done.failure).toMatchObject({
      code: 'STATEMENT_NOT_OUR_ACCOUNT',
      message: { vi: expect.stringContaining('không có gì được thay đổi'), en: expect.stringContaining('nothing') },
    });
    expect(await ledgerOf()).toEqual(before);
  });

  it("a camt.053 of 79's paying account with a return, loaded by 01, is refused and the payment stays SETTLED", async () => {
    const before = await ledgerOf();
    const payment = await getPayment(ids[1] as string);
    const done = await load(
      camt(ACCOUNT_79, 'S-ATTACK-79', [returnOf(ids[1] as string, payment?.amount ?? 0)]),
      'camt-79.xml',
      preparer01,
    );
    expect(done.status).toBe('FAILED');
    expect(done.failure.code).toBe('STATEMENT_NOT_OUR_ACCOUNT');
    // The file's account is named masked (at most 4 digits), so the officer sees which account it was.
    expect(done.failure.message.vi).toContain('00*********99');
    expect((await getPayment(ids[1] as string))?.state).toBe('SETTLED');
    expect(await ledgerOf()).toEqual(before);
  });

  it("01's own account statement naming 79's payments: every line NOT_OURS, no id revealed, nothing changed", async () => {
    const before = await ledgerOf();
    const payment = await getPayment(ids[0] as string);
    const amount = payment?.amount ?? 0;
    const done = await load(
      camt(ACCOUNT_01, 'S-ATTACK-01', [
        returnOf(ids[0] as string, amount),
        {
          // A debit with the payment's reference, as if 01 had paid it.
          amountVnd: amount,
          creditDebit: 'DBIT',
          status: 'BOOK',
          bookingDate: '2026-05-20',
          valueDate: '2026-05-20',
          transactions: [{ endToEndId: ids[1] as string, amountVnd: amount, creditDebit: 'DBIT' }],
        },
        {
          // Reference-less, with a 79 payee's bank account guessed: fishing for suggestions.
          amountVnd: amount,
          creditDebit: 'DBIT',
          status: 'BOOK',
          bookingDate: '2026-05-20',
          valueDate: '2026-05-20',
          transactions: [
            {
              endToEndId: 'NOTPROVIDED',
              amountVnd: amount,
              creditDebit: 'DBIT',
              creditorAccountId: accountNumberFor(0),
            },
          ],
        },
      ]),
      'camt-01.xml',
      preparer01,
    );
    expect(done.status).toBe('COMPLETED');
    const lines = await api(platform, 'GET', `/v1/statements/${done.importId}/lines`, { token: preparer01 });
    expect(lines.status).toBe(200);
    // (The statement's balances are made up: its continuity finding is beside the point.)
    const outcomes = lines.body.lines
      .map((l: { outcome: string }) => l.outcome)
      .filter((o: string) => o !== 'CONTINUITY');
    expect(outcomes).toEqual(['NOT_OURS', 'NOT_OURS', 'NOT_OURS']);
    expect(lines.body.lines.every((l: { suggestions?: string[] }) => !l.suggestions?.length)).toBe(true);
    // No line is placed on a 79 payment, and the fishing line reveals none (its ids echo only the file's own text).
    expect(lines.body.lines.filter((l: { paymentId?: string }) => l.paymentId)).toEqual([]);
    const fishing = lines.body.lines.find((l: { endToEndId?: string }) => l.endToEndId === 'NOTPROVIDED');
    for (const id of ids) expect(JSON.stringify(fishing)).not.toContain(id);
    expect((await getPayment(ids[0] as string))?.state).toBe('SETTLED');
    expect(await ledgerOf()).toEqual(before);
  });
});
