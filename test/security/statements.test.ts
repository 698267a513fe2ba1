/**
 * Security review, row 1 (High): a statement or status report belongs to one paying account. A finance
 * preparer of province 01 tries to move province 79's payments with files: a pain.002 answering 79's payment
 * message, a camt.053 of 79's paying account carrying a return, a camt.053 of 01's own account whose lines
 * name 79's payments, and a reference-less line with a 79 payee's bank account to fish for payment ids.
 * Each file is refused or its lines are NOT_OURS; no 79 payment changes and no 79 payment id is revealed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildCamt053 } from '../../functions/iso20022/camt.js';
import { entries, getPayment } from '../../functions/payment-ledger/ledger-store.js';
import { moveProposal } from '../../functions/reconciliation/import-job.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import {
  accountNumberFor,
  cycleIn,
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
    // The fishing line: NOTPROVIDED is no reference at all, so it carries none.
    const fishing = lines.body.lines.find((l: { note?: string }) => l.note === 'no reference');
    expect(fishing).toMatchObject({ outcome: 'NOT_OURS' });
    for (const id of ids) expect(JSON.stringify(fishing)).not.toContain(id);
    expect((await getPayment(ids[0] as string))?.state).toBe('SETTLED');
    expect(await ledgerOf()).toEqual(before);
  });
});

describe("no ledger change from a file on one person's word", () => {
  it("a preparer's return for a 79 payment is only proposed; only another officer confirms exactly that set", async () => {
    const payment = await getPayment(ids[1] as string);
    const reconciliationOf = () =>
      api(platform, 'GET', `/v1/disbursement-cycles/${payment?.cycleId}/reconciliation?asOf=2027-12-31`, {
        token: h.preparer,
      });
    const viewBefore = (await reconciliationOf()).body;
    const before = await ledgerOf();
    const done = await load(
      camt(ACCOUNT_79, 'S-MAKER-79', [returnOf(ids[1] as string, payment?.amount ?? 0)]),
      'camt-maker.xml',
      h.preparer,
    );
    expect(done.status).toBe('COMPLETED');
    expect(done.proposal).toMatchObject({
      status: 'AWAITING_CONFIRMATION',
      changes: 1,
      byState: { RETURNED: 1 },
      label: { vi: 'Chờ xác nhận', en: 'Awaiting confirmation' },
      hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    // Until confirmed, the payment, its ledger and the cycle's reconciliation show nothing of it, and the
    // next cycle owes nothing again.
    expect(await ledgerOf()).toEqual(before);
    expect((await reconciliationOf()).body.outcomes).toEqual(viewBefore.outcomes);
    const next = await api(platform, 'POST', '/v1/disbursement-cycles', {
      token: h.preparer,
      body: { period: '2026-06' },
    });
    expect(next.status).toBe(202);
    const arrears = (draft: { totals: { byKind: { key: string; lines: number }[] } }) =>
      draft.totals.byKind.find((k) => k.key === 'ARREARS')?.lines ?? 0;
    expect(arrears(await cycleIn(h, next.body.cycleId, ['DRAFT']))).toBe(0);

    const confirm = (token: string, proposalHash = done.proposal.hash) =>
      api(platform, 'POST', `/v1/statements/${done.importId}/confirm`, { token, body: { proposalHash } });
    const refusals = [
      { who: 'the uploader', res: await confirm(h.preparer), status: 409, code: 'SAME_PERSON' },
      {
        who: 'another set',
        res: await confirm(h.approver, `sha256:${'0'.repeat(64)}`),
        status: 409,
        code: 'PROPOSAL_CHANGED',
      },
      {
        who: 'an approver of 01',
        res: await confirm(await tokenOf(platform, 'ketoan.duyet.01', ['finance_approver'], { jurisdiction: '01' })),
        status: 404,
        code: 'NOT_FOUND',
      },
      {
        who: 'auditor + approver of 01',
        res: await confirm(
          await tokenOf(platform, 'thanhtra.duyet.01', ['auditor', 'finance_approver'], { jurisdiction: '01' }),
        ),
        status: 404,
        code: 'NOT_FOUND',
      },
      {
        who: 'an auditor',
        res: await confirm(await tokenOf(platform, 'thanhtra.x', ['auditor'])),
        status: 403,
        code: 'FORBIDDEN',
      },
    ];
    for (const r of refusals) {
      expect({ who: r.who, status: r.res.status, code: r.res.body.error.code }).toEqual({
        who: r.who,
        status: r.status,
        code: r.code,
      });
    }
    expect(await ledgerOf()).toEqual(before);

    // A different finance officer of 79 confirms exactly the set: the return applies through the ledger.
    const ok = await confirm(h.approver);
    expect(ok.status).toBe(200);
    expect(ok.body.proposal).toMatchObject({ status: 'CONFIRMED', applied: 1, confirmedBy: 'local|ketoan.duyet' });
    expect((await getPayment(ids[1] as string))?.state).toBe('RETURNED');
    // Only now is the returned month owed again, as arrears of the next cycle.
    const recompute = await api(platform, 'POST', `/v1/disbursement-cycles/${next.body.cycleId}/recompute`, {
      token: h.preparer,
    });
    expect(recompute.status).toBe(202);
    const recomputed = await cycleIn(h, next.body.cycleId, ['DRAFT'], 60_000);
    // Every month the returned payment carried (its backdated months included) is owed again.
    expect(arrears(recomputed)).toBe(payment?.months.length);
    expect(payment?.months.length).toBeGreaterThan(0);
    const last = (await entries(ids[1] as string)).at(-1);
    expect(last?.detail).toMatchObject({ uploadedBy: 'local|ketoan.lap', confirmedBy: 'local|ketoan.duyet' });
    // Once: confirming again changes nothing.
    const again = await confirm(h.approver);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_CONFIRMED');
    expect((await entries(ids[1] as string)).at(-1)).toEqual(last);
  });
});

describe('confirming is crash-safe', () => {
  it('a confirmation interrupted after it was taken is finished by the same confirmer, and by nobody else', async () => {
    const payment = await getPayment(ids[0] as string);
    const done = await load(
      camt(ACCOUNT_79, 'S-CRASH-79', [returnOf(ids[0] as string, payment?.amount ?? 0)]),
      'camt-crash.xml',
      h.preparer,
    );
    expect(done.proposal.status).toBe('AWAITING_CONFIRMATION');
    // The fault: the process died right after taking the confirmation (AWAITING → APPLYING), before any change.
    const applying = {
      ...done.proposal,
      status: 'APPLYING',
      confirmedBy: 'local|ketoan.duyet',
      confirmedAt: new Date().toISOString(),
    };
    delete applying.label;
    expect(
      await moveProposal(done.importId, { status: 'AWAITING_CONFIRMATION', hash: done.proposal.hash }, applying),
    ).toBe(true);
    expect((await getPayment(ids[0] as string))?.state).toBe('SETTLED');
    // Another officer cannot take it over.
    const other = await tokenOf(platform, 'ketoan.duyet.khac', ['finance_approver'], { jurisdiction: '79' });
    const refused = await api(platform, 'POST', `/v1/statements/${done.importId}/confirm`, {
      token: other,
      body: { proposalHash: done.proposal.hash },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ALREADY_CONFIRMED');
    expect((await getPayment(ids[0] as string))?.state).toBe('SETTLED');
    // The confirmer calls again: the work is finished, exactly once.
    const resumed = await api(platform, 'POST', `/v1/statements/${done.importId}/confirm`, {
      token: h.approver,
      body: { proposalHash: done.proposal.hash },
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body.proposal).toMatchObject({ status: 'CONFIRMED', applied: 1, unchanged: 0 });
    const history = await entries(ids[0] as string);
    expect(history.filter((e) => e.state === 'RETURNED')).toHaveLength(1);
    const again = await api(platform, 'POST', `/v1/statements/${done.importId}/confirm`, {
      token: h.approver,
      body: { proposalHash: done.proposal.hash },
    });
    expect(again.status).toBe(409);
    expect(await entries(ids[0] as string)).toEqual(history);
  });
});
