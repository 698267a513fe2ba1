/**
 * Reconciliation of a real cycle on the local runtime: pay 8 people through the bank simulator, let the bank
 * make the mistakes banks make (a wrong amount, a payment left unbooked, one booked twice, one booked without
 * its reference, a debit that is not ours, a return after settlement), then load the bank's own camt.053
 * statements and a pain.002 through the API. Every outcome must be present and explained, the totals of each
 * import must add up to the statement's money, the cycle's outcomes to what was approved, and loading the
 * same statement again must change nothing.
 */

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { caseIdFor } from '../../functions/cases/case-model.js';
import { getCase } from '../../functions/cases/case-store.js';
import { getCycle } from '../../functions/disbursement-cycles/cycle-store.js';
import { readDraftChunk } from '../../functions/disbursement-cycles/draft-objects.js';
import { buildCamt053 } from '../../functions/iso20022/camt.js';
import { defaultPaymentInfoId } from '../../functions/iso20022/pain001.js';
import { buildPain002 } from '../../functions/iso20022/pain002.js';
import {
  creationDay,
  entries,
  getPayment,
  type PaymentHead,
  type PaymentInstruction,
  totalsKeyOf,
} from '../../functions/payment-ledger/ledger-store.js';
import { vietnamDate } from '../../functions/reconciliation/banking-days.js';
import { reconcileCycle } from '../../functions/reconciliation/cycle-reconciliation.js';
import { bookedKeyOf } from '../../functions/reconciliation/reconciliation-store.js';
import { outcomeRows } from '../../functions/reconciliation/report.js';
import { dynamo } from '../../functions/shared/aws-clients.js';
import { resources } from '../../functions/shared/resources.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import {
  accountNumberFor,
  approve,
  BANK_BIN,
  createSubmitted,
  cycleIn,
  type Harness,
  harness,
  originalMsgIdOf,
  runCycle,
  statusReport,
} from '../support/disbursement.js';
import { api, demoUser, eventually, startTestPlatform } from '../support/platform.js';

let platform: LocalPlatform;
let h: Harness;

beforeAll(async () => {
  process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '1';
  platform = await startTestPlatform();
  // Two allowance categories, alternating: the cycle view must break its outcomes down by both.
  h = await harness(platform, 8, { categoryOf: (i) => (i % 2 ? 'KT_NANG' : 'NCT_80') });
});
afterAll(async () => {
  await platform?.stop();
  delete process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES;
});

async function load(body: string, fileName: string, token = h.preparer) {
  const res = await fetch(`${platform.url}/v1/statements`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml', 'x-file-name': fileName },
    body,
  });
  const first = (await res.json()) as { importId: string; duplicate: boolean };
  const done = await eventually(async () => {
    const got = await api(platform, 'GET', `/v1/statements/${first.importId}`, { token });
    return ['COMPLETED', 'FAILED'].includes(got.body.status) ? got.body : undefined;
  }, 60_000);
  return { ...done, httpStatus: res.status, duplicate: first.duplicate };
}

const outcomes = (view: { outcomes: { outcome: string; count: number; amount: number }[] }) =>
  Object.fromEntries(view.outcomes.map((o) => [o.outcome, { count: o.count, amount: o.amount }]));

async function lines(importId: string, outcome?: string) {
  const got = await api(platform, 'GET', `/v1/statements/${importId}/lines${outcome ? `?outcome=${outcome}` : ''}`, {
    token: h.preparer,
  });
  expect(got.status).toBe(200);
  return got.body.lines as {
    outcome: string;
    paymentId?: string;
    amount: number;
    suggestions?: string[];
    note?: string;
  }[];
}

describe('reconciliation against the bank simulator', () => {
  let ids: string[];
  let byId: Map<string, PaymentInstruction>;
  let cycleId: string;
  let day1: string;

  it('pays a cycle with the bank making its mistakes', async () => {
    // Person 7's account is closed: the bank rejects the payment (AC04), no money moves.
    await fetch(`${platform.bank.url}/control/accounts/${BANK_BIN}/${accountNumberFor(7)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'CLOSED' }),
    });
    const submitted = await createSubmitted(h, '2026-03');
    cycleId = submitted.cycleId;
    const cycle = await getCycle(cycleId);
    const instructions = (await Promise.all((cycle?.draft?.chunks ?? []).map((c) => readDraftChunk(c.key)))).flat();
    byId = new Map(instructions.map((i) => [i.paymentId, i]));
    // The people in list order: payment i goes to account i.
    ids = [...Array(8).keys()].map(
      (i) => instructions.find((p) => p.creditorAccount === accountNumberFor(i))?.paymentId as string,
    );
    expect(ids.every(Boolean)).toBe(true);
    await fetch(`${platform.bank.url}/control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        reset: true,
        bookWrongAmount: { [ids[0] as string]: -1000 },
        leaveUnbooked: [ids[1]],
        bookTwice: [ids[2]],
        bookWithoutReference: [ids[3]],
        returnAfterSettlement: [ids[4]],
        foreignDebits: [123_456],
      }),
    });
    day1 = vietnamDate(Date.now());
    expect((await approve(h, cycleId, submitted.draft.contentHash)).status).toBe(200);
    const closed = await cycleIn(h, cycleId, ['CLOSED']);
    await platform.bank.idle();
    expect(closed.closing.SETTLED.count).toBe(7);
    expect(closed.closing.REJECTED.count).toBe(1);
  });

  it('before any statement, every settled payment is awaiting booking, then overdue after N banking days', async () => {
    const now = await api(platform, 'GET', `/v1/disbursement-cycles/${cycleId}/reconciliation?asOf=${day1}`, {
      token: h.preparer,
    });
    expect(now.status).toBe(200);
    expect(outcomes(now.body).AWAITING_BOOKING?.count).toBe(7);
    const later = await api(platform, 'GET', `/v1/disbursement-cycles/${cycleId}/reconciliation?asOf=2027-12-31`, {
      token: h.preparer,
    });
    expect(outcomes(later.body).NOT_BOOKED?.count).toBe(7);
    expect(later.body.balanced).toEqual({ count: true, amount: true });
  });

  let first: Awaited<ReturnType<typeof load>>;
  let statement1: string;

  it("loads the bank's end-of-day camt.053: every line explained, money accounted for", async () => {
    platform.bank.advanceClock(24 * 3600_000); // the next bank day: day 1 is final, the return falls due
    statement1 = platform.bank.statement(day1) as string;
    expect(statement1).toContain('<Ntry>');
    first = await load(statement1, 'sao-ke-ngay-1.xml');
    expect(first.httpStatus).toBe(202);
    expect(first.format).toBe('camt.053');
    const o = outcomes(first);
    const amountOf = (i: number) => byId.get(ids[i] as string)?.amount as number;
    // 4 and 5, 6 booked as instructed; 2 once in the batch (its second booking is the duplicate).
    expect(o.MATCHED?.count).toBe(4);
    expect(o.AMOUNT_MISMATCH).toEqual({ count: 1, amount: amountOf(0) - 1000 });
    expect(o.DUPLICATE_ENTRY).toEqual({ count: 1, amount: amountOf(2) });
    expect(o.SUGGESTED?.count).toBe(1);
    expect(o.NOT_OURS).toEqual({ count: 1, amount: 123_456 });
    // Every dong the statement debited is in exactly one line's outcome.
    const [summary] = first.statements as { debits: number; credits: number; problems: unknown[] }[];
    const total = Object.values(o).reduce((s, t) => s + (t as { amount: number }).amount, 0);
    expect(total).toBe((summary?.debits ?? 0) + (summary?.credits ?? 0));
    expect(summary?.problems).toEqual([]);

    const suggested = await lines(first.importId, 'SUGGESTED');
    expect(suggested[0]?.suggestions).toEqual([ids[3]]);
    const mismatch = await lines(first.importId, 'AMOUNT_MISMATCH');
    expect(mismatch[0]).toMatchObject({ paymentId: ids[0] });
    const duplicate = await lines(first.importId, 'DUPLICATE_ENTRY');
    expect(duplicate[0]).toMatchObject({ paymentId: ids[2] });
  });

  it('the next day statement carries the return: linked, proposed, and once confirmed a new RETURNED entry', async () => {
    const day2 = vietnamDate(Date.now() + 24 * 3600_000);
    const second = await load(platform.bank.statement(day2) as string, 'sao-ke-ngay-2.xml');
    expect(outcomes(second).RETURN?.count).toBe(1);
    const [ret] = await lines(second.importId, 'RETURN');
    expect(ret).toMatchObject({ paymentId: ids[4] });
    // Continuity: sequence 2 follows 1, its opening balance is yesterday's closing.
    expect((second.statements as { problems: unknown[] }[])[0]?.problems).toEqual([]);
    // The preparer's file only proposes the return: the ledger waits for a second officer.
    expect(second.proposal).toMatchObject({
      status: 'AWAITING_CONFIRMATION',
      changes: 1,
      byState: { RETURNED: 1 },
      label: { vi: 'Chờ xác nhận', en: 'Awaiting confirmation' },
    });
    expect((await getPayment(ids[4] as string))?.state).toBe('SETTLED');
    const confirmed = await api(platform, 'POST', `/v1/statements/${second.importId}/confirm`, {
      token: h.approver,
      body: { proposalHash: second.proposal.hash },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.proposal).toMatchObject({ status: 'CONFIRMED', applied: 1, unchanged: 0 });
    const head = await getPayment(ids[4] as string);
    expect(head?.state).toBe('RETURNED');
    const history = await entries(ids[4] as string);
    expect(history.map((e) => e.state)).toEqual(expect.arrayContaining(['SETTLED', 'RETURNED']));
    expect(history.at(-1)?.source).toBe('statement-import');
    expect(history.at(-1)?.detail).toMatchObject({ uploadedBy: 'local|ketoan.lap', confirmedBy: 'local|ketoan.duyet' });
    // The returned payment opens its case, as a return the bank reports itself would.
    const c = await getCase(caseIdFor(head?.programme as string, head?.period as string, head?.personId as string));
    expect(c).toMatchObject({ state: 'OPEN', paymentId: ids[4] });
  });

  it("the bank's camt.054 notifications of the same bookings are linked, never counted twice", async () => {
    const res = await fetch(`${platform.bank.url}/iso20022/camt.054?since=1970-01-01T00:00:00Z`);
    expect(res.status).toBe(200);
    const n = await load(await res.text(), 'thong-bao-camt054.xml');
    expect(n.format).toBe('camt.054');
    const linked = new Set((await lines(n.importId, 'LINKED')).map((l) => l.paymentId));
    // The batch booking (wrong amount included) and the return: each read from camt.053 already.
    for (const i of [0, 2, 4, 5, 6]) expect(linked).toContain(ids[i]);
    // Only the bank's own second booking of payment 2 is a duplicate, as it was in the camt.053.
    expect((await lines(n.importId, 'DUPLICATE_ENTRY')).map((l) => l.paymentId)).toEqual([ids[2]]);
    // Notifications are their own chain: no gap against the camt.053 statements of the account.
    const codes = (n.statements as { problems: { code: string }[] }[]).flatMap((s) => s.problems.map((p) => p.code));
    expect(codes).not.toContain('SEQUENCE_GAP');
    expect(codes).not.toContain('OPENING_BALANCE_MISMATCH');
  });

  it('the same file again returns the first import and changes nothing', async () => {
    const again = await load(statement1, 'sao-ke-ngay-1.xml');
    expect(again.httpStatus).toBe(200);
    expect(again.duplicate).toBe(true);
    expect(again.importId).toBe(first.importId);
    expect(outcomes(again)).toEqual(outcomes(first));
  });

  it('the same statement re-issued in another file is a duplicate statement: nothing booked twice', async () => {
    const reissued = statement1.replace(/<MsgId>C053-[^<]+<\/MsgId>/, '<MsgId>C053-REISSUED-1</MsgId>');
    expect(reissued).not.toBe(statement1);
    const dup = await load(reissued, 'sao-ke-ngay-1-ban-sao.xml');
    expect(dup.importId).not.toBe(first.importId);
    const o = outcomes(dup);
    expect(Object.keys(o).sort()).toEqual(['DUPLICATE_STATEMENT']);
    const [summary] = dup.statements as { problems: { code: string }[] }[];
    expect(summary?.problems.map((p) => p.code)).toEqual(['DUPLICATE_STATEMENT']);
  });

  it('a missing day is a sequence gap', async () => {
    platform.bank.advanceClock(2 * 24 * 3600_000);
    const day4 = vietnamDate(Date.now() + 3 * 24 * 3600_000);
    const gap = await load(platform.bank.statement(day4) as string, 'sao-ke-ngay-4.xml');
    const [summary] = gap.statements as { problems: { code: string }[] }[];
    expect(summary?.problems.map((p) => p.code)).toEqual(['SEQUENCE_GAP']);
    expect(outcomes(gap).CONTINUITY?.count).toBe(1);
  });

  it('a pain.002 status report: late, contradictory and unknown statuses are each named', async () => {
    const report = [
      // Each answers the pain.001 that carried the payments (a report about another message is refused).
      statusReport([ids[5] as string], 'ACSP', { originalMsgId: await originalMsgIdOf(ids[5] as string) }), // late
      statusReport([ids[7] as string], 'ACSC', { originalMsgId: await originalMsgIdOf(ids[7] as string) }), // contradicts the rejection
      statusReport(['P202603UNKNOWNPAYMENT000000001'], 'ACSC', {
        originalMsgId: await originalMsgIdOf(ids[5] as string),
      }),
    ];
    const late = await load(report[0] as string, 'pain002-1.xml');
    expect(late.format).toBe('pain.002');
    expect(outcomes(late).LATE_STATUS?.count).toBe(1);
    expect(outcomes(await load(report[1] as string, 'pain002-2.xml')).CONTRADICTORY_STATUS?.count).toBe(1);
    expect(outcomes(await load(report[2] as string, 'pain002-3.xml')).NOT_OURS?.count).toBe(1);
    // The contradiction is recorded in the ledger as an anomaly, never applied.
    expect((await getPayment(ids[7] as string))?.state).toBe('REJECTED');
  });

  it('a pain.002 rejecting our whole block (PmtInfSts RJCT, no transactions) gives a line per payment', async () => {
    const msgId = /<Btch>\s*<MsgId>([^<]+)<\/MsgId>/.exec(statement1)?.[1] as string;
    expect(msgId).toBeDefined();
    const xml = buildPain002({
      msgId: 'STBLOCKRJCT1',
      createdAt: new Date().toISOString(),
      originalMsgId: msgId,
      paymentInfos: [
        {
          originalPaymentInfoId: defaultPaymentInfoId(msgId, day1),
          status: 'RJCT',
          reasons: [{ code: 'AM04' }],
          transactions: [],
        },
      ],
    });
    const block = await load(xml, 'pain002-khoi.xml');
    expect(block.status).toBe('COMPLETED');
    const all = await lines(block.importId);
    expect(new Set(all.map((l) => l.paymentId))).toEqual(new Set(ids));
    expect(all.every((l) => l.note?.includes('(block '))).toBe(true);
    // Already rejected: the same status again. The others were settled: the rejection contradicts, never applied.
    expect(outcomes(block).MATCHED?.count).toBe(1);
    expect((await getPayment(ids[5] as string))?.state).toBe('SETTLED');
  });

  it("a bank's CSV export: the unreadable row is reported, the readable ones are reconciled", async () => {
    const day = vietnamDate(Date.now() + 3 * 24 * 3600_000)
      .split('-')
      .reverse()
      .join('/');
    const csv = [
      'SAO KÊ TÀI KHOẢN',
      'Số tài khoản: 0071000888999', // province 79's paying account
      'Ngày giao dịch;Số tham chiếu;Mã giao dịch;Ghi nợ;Ghi có;Nội dung',
      `${day};CSV-1;${ids[6]};${byId.get(ids[6] as string)?.amount};;TRO CAP XA HOI`,
      `${day};CSV-2;;12.5x0;;PHI DICH VU`,
      `${day};CSV-3;;;50.000;LAI TIEN GUI`,
    ].join('\r\n');
    const res = await fetch(`${platform.url}/v1/statements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.preparer}`, 'content-type': 'text/csv', 'x-file-name': 'sao-ke.csv' },
      body: `\uFEFF${csv}`,
    });
    const { importId } = (await res.json()) as { importId: string };
    const done = await eventually(async () => {
      const got = await api(platform, 'GET', `/v1/statements/${importId}`, { token: h.preparer });
      return got.body.status === 'COMPLETED' ? got.body : undefined;
    }, 60_000);
    expect(done.format).toBe('csv');
    expect(done.fileProblemCount).toBe(1);
    expect(done.fileProblems[0]).toMatchObject({
      line: 5,
      message: { vi: expect.any(String), en: expect.any(String) },
    });
    const o = outcomes(done);
    // Payment 6 was booked by the bank's camt.053 already: this line books it a second time.
    expect(o.DUPLICATE_ENTRY?.count).toBe(1);
    expect(o.NOT_OURS).toEqual({ count: 1, amount: 50_000 });
  });

  it('the cycle view: every approved payment in one outcome, totals balance with the approval', async () => {
    const got = await api(platform, 'GET', `/v1/disbursement-cycles/${cycleId}/reconciliation?asOf=2027-12-31`, {
      token: h.approver,
    });
    const o = outcomes(got.body);
    expect(o.MATCHED?.count).toBe(3); // 2, 5, 6
    expect(o.AMOUNT_MISMATCH?.count).toBe(1); // 0
    expect(o.RETURN?.count).toBe(1); // 4
    expect(o.REJECTED?.count).toBe(1); // 7
    expect(o.NOT_BOOKED?.count).toBe(2); // 1 left unbooked, 3 only suggested (never auto-confirmed)
    expect(got.body.balanced).toEqual({ count: true, amount: true });
    const notBooked = got.body.outcomes.find((x: { outcome: string }) => x.outcome === 'NOT_BOOKED');
    expect(notBooked.payments.map((p: { paymentId: string }) => p.paymentId).sort()).toEqual([ids[1], ids[3]].sort());
    // Eight payments are far within the read budget of the lists: every list is whole, and says so.
    expect(got.body.listsComplete).toBe(true);
    // A budget of one payment read: the lists are cut short and say so; the numbers (from totals) are the same.
    const cycle = (await getCycle(cycleId)) as NonNullable<Awaited<ReturnType<typeof getCycle>>>;
    const cut = await reconcileCycle(cycle, { asOf: '2027-12-31', dueDays: 3, listed: 100, listBudget: 1 });
    expect(cut.listsComplete).toBe(false);
    expect(Object.values(cut.lists).flat().length).toBeLessThanOrEqual(1);
    expect(
      Object.fromEntries(outcomeRows(cut.totals).map((r) => [r.outcome, { count: r.count, amount: r.amount }])),
    ).toEqual(o);
    // The numbers alone (the console's trend): no payment listed, the same figures.
    const bare = await api(
      platform,
      'GET',
      `/v1/disbursement-cycles/${cycleId}/reconciliation?asOf=2027-12-31&listed=0`,
      {
        token: h.approver,
      },
    );
    expect(outcomes(bare.body)).toEqual(o);
    expect(bare.body.outcomes.every((x: { payments: unknown[] }) => x.payments.length === 0)).toBe(true);
    expect(bare.body.balanced).toEqual({ count: true, amount: true });
  });

  interface Row {
    outcome: string;
    count: number;
    amount: number;
  }
  interface CategoryRow {
    category: string;
    label: { vi: string; en: string };
    count: number;
    amount: number;
    outcomes: Row[];
  }
  const sumRows = (rows: { count: number; amount: number }[]) =>
    rows.reduce((s, r) => ({ count: s.count + r.count, amount: s.amount + r.amount }), { count: 0, amount: 0 });
  /** Per outcome, summed over the categories: must equal the outcome totals. */
  const byOutcome = (cats: CategoryRow[]) => {
    const out: Record<string, { count: number; amount: number }> = {};
    for (const c of cats) {
      for (const o of c.outcomes) {
        const t = out[o.outcome] ?? { count: 0, amount: 0 };
        out[o.outcome] = t;
        t.count += o.count;
        t.amount += o.amount;
      }
    }
    return out;
  };

  it('the cycle view by category: two categories, each adding up, together the outcome totals and the approval', async () => {
    const view = (q = '') =>
      api(platform, 'GET', `/v1/disbursement-cycles/${cycleId}/reconciliation?asOf=2027-12-31${q}`, {
        token: h.approver,
      });
    const got = await view();
    const cats = got.body.byCategory as CategoryRow[];
    expect(cats.map((c) => c.category)).toEqual(['KT_NANG', 'NCT_80']);
    expect(cats[0]?.label.vi).toMatch(/khuyết tật/i);
    expect(byOutcome(cats)).toEqual(outcomes(got.body));
    expect(sumRows(cats)).toEqual(got.body.approved);
    expect(sumRows(got.body.byCommune)).toEqual(got.body.approved);
    // Each person is in one category here: the draft's line-level totals by category are the same money.
    const cycle = await getCycle(cycleId);
    expect(cats.map((c) => [c.category, c.count, c.amount])).toEqual(
      (cycle?.draft?.totals.byCategory ?? []).map((r) => [r.key, r.people, r.amount]),
    );
    const amountOf = (...i: number[]) => i.reduce((s, n) => s + (byId.get(ids[n] as string)?.amount ?? 0), 0);
    // Even people are NCT_80 (0 mismatched, 4 returned, 2 and 6 matched), odd ones KT_NANG.
    expect(cats[1]?.outcomes).toEqual([
      { outcome: 'MATCHED', count: 2, amount: amountOf(2, 6) },
      { outcome: 'AMOUNT_MISMATCH', count: 1, amount: amountOf(0) },
      { outcome: 'RETURN', count: 1, amount: amountOf(4) },
    ]);
    expect(cats[0]?.outcomes).toEqual([
      { outcome: 'MATCHED', count: 1, amount: amountOf(5) },
      { outcome: 'NOT_BOOKED', count: 2, amount: amountOf(1, 3) },
      { outcome: 'REJECTED', count: 1, amount: amountOf(7) },
    ]);
    expect(got.body.byState.SETTLED.count + got.body.byState.RETURNED.count + got.body.byState.REJECTED.count).toBe(8);

    // The drill-down: with a category, the payments of that category are listed in every outcome, totals unchanged.
    const drill = await view('&category=KT_NANG');
    expect(drill.body.outcomes.map((o: Row) => [o.outcome, o.count])).toEqual(
      got.body.outcomes.map((o: Row) => [o.outcome, o.count]),
    );
    const listed = (outcome: string) =>
      (drill.body.outcomes.find((o: Row) => o.outcome === outcome)?.payments ?? [])
        .map((p: { paymentId: string; categoryCode: string }) => {
          expect(p.categoryCode).toBe('KT_NANG');
          return p.paymentId;
        })
        .sort();
    expect(listed('MATCHED')).toEqual([ids[5]]);
    expect(listed('NOT_BOOKED')).toEqual([ids[1], ids[3]].sort());
    expect(listed('REJECTED')).toEqual([ids[7]]);
    expect(listed('AMOUNT_MISMATCH')).toEqual([]);
    expect((await view('&category=not-a-code')).status).toBe(400);
  });

  /**
   * Makes payment `id` look recorded before categories were carried: no category on its HEAD, and counted under
   * UNKNOWN in the ledger's totals (as SETTLED, by its creation day) and in the booked totals (as MATCHED), as
   * the ledger and the reconcile worker would have counted it then. `back` undoes it.
   */
  async function withoutCategory(id: string, category: string, back = false) {
    const head = (await getPayment(id)) as PaymentHead;
    const day = creationDay(head.createdAt);
    const sign = back ? -1 : 1;
    const moves = [
      { key: totalsKeyOf, attrs: ['SETTLED', `SETTLED_${day}`] },
      { key: bookedKeyOf, attrs: [`MATCHED_${day}`] },
    ];
    for (const { key, attrs } of moves) {
      for (const [cat, n] of [
        [category, -sign],
        ['', sign],
      ] as const) {
        const k = key({ ...head, categoryCode: cat || undefined });
        await dynamo().send(
          new UpdateCommand({
            TableName: resources.table(key === totalsKeyOf ? 'payments' : 'reconciliation'),
            Key: k,
            UpdateExpression: `ADD ${attrs.map((_, i) => `#n${i} :n, #v${i} :v`).join(', ')}`,
            ExpressionAttributeNames: Object.fromEntries(
              attrs.flatMap((a, i) => [
                [`#n${i}`, `n_${a}`],
                [`#v${i}`, `v_${a}`],
              ]),
            ),
            ExpressionAttributeValues: { ':n': n, ':v': n * head.amount },
          }),
        );
      }
    }
    const table = resources.table('payments');
    const key = { paymentId: id, sk: 'HEAD' };
    await dynamo().send(
      back
        ? new UpdateCommand({
            TableName: table,
            Key: key,
            UpdateExpression: 'SET categoryCode = :c',
            ExpressionAttributeValues: { ':c': category },
          })
        : new UpdateCommand({ TableName: table, Key: key, UpdateExpression: 'REMOVE categoryCode' }),
    );
  }

  it('a payment recorded before categories were carried is reported as unknown, and everything still adds up', async () => {
    await withoutCategory(ids[6] as string, 'NCT_80');
    try {
      const got = await api(platform, 'GET', `/v1/disbursement-cycles/${cycleId}/reconciliation?asOf=2027-12-31`, {
        token: h.approver,
      });
      const cats = got.body.byCategory as CategoryRow[];
      expect(cats.map((c) => c.category)).toEqual(['KT_NANG', 'NCT_80', 'UNKNOWN']);
      expect(cats[2]).toMatchObject({ label: { vi: 'Không rõ', en: 'Unknown' }, count: 1 });
      expect(cats[2]?.outcomes).toEqual([{ outcome: 'MATCHED', count: 1, amount: byId.get(ids[6] as string)?.amount }]);
      expect(byOutcome(cats)).toEqual(outcomes(got.body));
      expect(got.body.balanced).toEqual({ count: true, amount: true });
    } finally {
      await withoutCategory(ids[6] as string, 'NCT_80', true);
    }
  });

  it('exports the report as CSV and XLSX with money as numbers', async () => {
    for (const format of ['csv', 'xlsx'] as const) {
      const got = await api(platform, 'GET', `/v1/statements/${first.importId}/report?format=${format}`, {
        token: h.preparer,
      });
      expect(got.status).toBe(200);
      const file = await fetch(got.body.downloadUrl);
      expect(file.status).toBe(200);
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (format === 'csv') {
        const text = new TextDecoder().decode(bytes);
        expect(text).toContain('AMOUNT_MISMATCH');
        expect(text).toContain(`,${byId.get(ids[0] as string)?.amount},`);
      } else {
        expect(bytes[0]).toBe(0x50); // PK: a zip container
      }
    }
  });

  it('is scoped: another province sees nothing, a labor officer nothing, the auditor reads', async () => {
    const hanoi = await platform.identityProvider.tokenFor({
      username: 'ketoan.hanoi',
      displayName: 'Kế toán lập (Hà Nội)',
      role: 'finance_preparer',
      jurisdiction: '01',
    });
    expect((await api(platform, 'GET', `/v1/statements/${first.importId}`, { token: hanoi })).status).toBe(404);
    expect((await api(platform, 'GET', `/v1/statements/${first.importId}`, { token: h.officer })).status).toBe(403);
    const auditor = await platform.identityProvider.tokenFor(demoUser('auditor'));
    expect((await api(platform, 'GET', `/v1/statements/${first.importId}`, { token: auditor })).status).toBe(200);
  });

  it('a long statement handed from run to run (time budget spent) counts every line exactly once', async () => {
    process.env.ANSINH_RECONCILE_BUDGET_SECONDS = '0';
    try {
      const entries = Array.from({ length: 250 }, (_, i) => ({
        entryRef: `L${i}`,
        amountVnd: 1000 + i,
        creditDebit: 'DBIT' as const,
        status: 'BOOK' as const,
        bookingDate: '2026-03-09',
        accountServicerRef: `L${i}`,
      }));
      const total = entries.reduce((s, e) => s + e.amountVnd, 0);
      const xml = buildCamt053({
        messageId: 'C053-LONG-1',
        createdAt: '2026-03-09T23:59:59+07:00',
        statements: [
          {
            id: 'S20260309-LONG',
            electronicSequenceNumber: 1,
            createdAt: '2026-03-09T23:59:59+07:00',
            account: { id: '0071000888999' },
            openingBalance: { amountVnd: 10_000_000, date: '2026-03-09' },
            closingBalance: { amountVnd: 10_000_000 - total, date: '2026-03-09' },
            entries,
          },
        ],
      });
      const long = await load(xml, 'sao-ke-dai.xml');
      expect(outcomes(long)).toEqual({ NOT_OURS: { count: 250, amount: total } });
      expect(long.lines).toBe(250);
      expect((long.statements as { problems: unknown[] }[])[0]?.problems).toEqual([]);
    } finally {
      delete process.env.ANSINH_RECONCILE_BUDGET_SECONDS;
    }
  });
  it('the period view: two provinces summed by province and category; each officer sees only his own', async () => {
    // A second province pays its own cycle of the same period: three people, two categories.
    const hanoi = await harness(platform, 3, {
      province: '01',
      categoryOf: (i) => (i === 0 ? 'DON_THAN' : 'NCT_80'),
      accountOffset: 100,
    });
    const { cycleId: hanoiCycle } = await runCycle(hanoi, '2026-03');
    const auditor = await platform.identityProvider.tokenFor(demoUser('auditor'));
    const path = '/v1/reconciliation/periods/2026-03?asOf=2027-12-31';
    const all = await api(platform, 'GET', path, { token: auditor });
    expect(all.status).toBe(200);
    expect(
      all.body.provinces.map((p: { jurisdiction: string; cycleId: string }) => [p.jurisdiction, p.cycleId]),
    ).toEqual([
      ['01', hanoiCycle],
      ['79', cycleId],
    ]);
    // Each province is exactly its cycle's own reconciliation (one computation serves both views).
    for (const p of all.body.provinces) {
      const one = await api(platform, 'GET', `/v1/disbursement-cycles/${p.cycleId}/reconciliation?asOf=2027-12-31`, {
        token: auditor,
      });
      expect(p.outcomes).toEqual(one.body.outcomes.map(({ payments: _, ...o }: Row & { payments: unknown }) => o));
      expect(p.byCategory).toEqual(one.body.byCategory);
      expect(p.approved).toEqual(one.body.approved);
      expect(p.balanced).toEqual({ count: true, amount: true });
      expect(byOutcome(p.byCategory)).toEqual(outcomes(p));
    }
    expect(all.body.provinces[0].byCategory.map((c: CategoryRow) => c.category)).toEqual(['DON_THAN', 'NCT_80']);
    // The period: province × category summed, adding up to the outcomes and to what both provinces approved.
    const t = all.body.total;
    expect(t.byCategory.map((c: CategoryRow) => c.category)).toEqual(['DON_THAN', 'KT_NANG', 'NCT_80']);
    for (const c of t.byCategory as CategoryRow[]) {
      const parts = all.body.provinces.flatMap((p: { byCategory: CategoryRow[] }) =>
        p.byCategory.filter((x) => x.category === c.category),
      );
      expect({ count: c.count, amount: c.amount }).toEqual(sumRows(parts));
    }
    expect(byOutcome(t.byCategory)).toEqual(outcomes(t));
    expect(sumRows(t.byCategory)).toEqual(t.approved);
    expect(t.approved).toEqual(sumRows(all.body.provinces.map((p: { approved: Row }) => p.approved)));
    expect(t.balanced).toEqual({ count: true, amount: true });

    // A provincial officer: his own province only, whoever asks about the same period.
    const mine = await api(platform, 'GET', path, { token: h.preparer });
    expect(mine.body.provinces.map((p: { jurisdiction: string }) => p.jurisdiction)).toEqual(['79']);
    const theirs = await api(platform, 'GET', path, { token: hanoi.approver });
    expect(theirs.body.provinces.map((p: { jurisdiction: string }) => p.jurisdiction)).toEqual(['01']);
    expect(theirs.body.total.outcomes).toEqual(all.body.provinces[0].outcomes);
    expect(theirs.body.total.byCategory).toEqual(all.body.provinces[0].byCategory);
    expect((await api(platform, 'GET', path, { token: h.officer })).status).toBe(403);
  }, 180_000);
});

describe('statements as banks write them', () => {
  const mt940 = (no: string, opening: string, closing: string) =>
    [
      `:20:KB${no}`,
      ':25:0071000888999', // province 79's paying account
      `:28C:${no}/1`,
      `:60F:C260203VND${opening}`,
      `:61:2602030203D100000,NMSCNONREF//FEE${no}`,
      ':86:PHI DICH VU',
      `:62F:C260203VND${closing}`,
      '-',
    ].join('\r\n');

  it('an MT940 pair with an opening gap: the second statement is a CONTINUITY outcome', async () => {
    const first = await load(mt940('1', '1000000,', '900000,'), 'kb-1.sta');
    expect(first.format).toBe('mt940');
    expect((first.statements as { closingBalance?: number }[])[0]?.closingBalance).toBe(900_000);
    const second = await load(mt940('2', '850000,', '750000,'), 'kb-2.sta');
    const [summary] = second.statements as { problems: { code: string; difference?: number }[] }[];
    expect(summary?.problems).toEqual([
      expect.objectContaining({ code: 'OPENING_BALANCE_MISMATCH', difference: -50_000 }),
    ]);
    expect(outcomes(second).CONTINUITY?.count).toBe(1);
  });

  it('an EUR statement is foreign currency in euros: never dong, outside the VND totals, in the export too', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>EURMSG1</MsgId><CreDtTm>2026-02-03T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>EURSTMT1</Id><CreDtTm>2026-02-03T18:00:00</CreDtTm>
<Acct><Id><Othr><Id>0071000888999</Id></Othr></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-02-03</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">12601.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-02-03</Dt></Dt></Bal>
<Ntry><Amt Ccy="EUR">11601.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-02-03</Dt></BookgDt><AcctSvcrRef>EURREF1</AcctSvcrRef></Ntry>
</Stmt></BkToCstmrStmt></Document>`;
    const eur = await load(xml, 'eur.xml');
    expect(outcomes(eur)).toEqual({ FOREIGN_CURRENCY: { count: 1, amount: 0 } });
    const [summary] = eur.statements as Record<string, unknown>[];
    expect(summary).toMatchObject({
      currency: 'EUR',
      credits: 0,
      foreign: { openingBalance: '1000.00', closingBalance: '12601.00', credits: '11601.00', debits: '0.00' },
    });
    expect(summary?.closingBalance).toBeUndefined();
    const [line] = await lines(eur.importId, 'FOREIGN_CURRENCY');
    expect(line).toMatchObject({ amount: 0, currency: 'EUR', foreignAmount: '11601.00' });
    const got = await api(platform, 'GET', `/v1/statements/${eur.importId}/report?format=csv`, { token: h.preparer });
    const text = await (await fetch(got.body.downloadUrl)).text();
    expect(text).toContain('FOREIGN_CURRENCY');
    expect(text).toContain('EUR,11601.00');
    expect(text).not.toContain('1160100');
  });
});
