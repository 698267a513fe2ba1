/**
 * A failed payment comes back within the month (issue 17), on the local platform: the bank rejects a payment
 * with AC04 (account closed) → one case, whatever the number of callback deliveries → one message to the
 * person → the officers of the province see and work the case; others do not.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { run } from '../../cli/main.js';
import {
  type AccountRecord,
  getAccountByPersonalId,
  getAccountOfPerson,
} from '../../functions/accounts/account-store.js';
import { caseIdFor } from '../../functions/cases/case-model.js';
import { toBankName } from '../../functions/iso20022/text.js';
import {
  entries,
  getPayment,
  type PaymentHead,
  paymentsInState,
  recordPending,
  transition,
} from '../../functions/payment-ledger/ledger-store.js';
import { paymentIdFor } from '../../functions/payments/payment-id.js';
import { vietnamDate } from '../../functions/reconciliation/banking-days.js';
import { dynamo } from '../../functions/shared/aws-clients.js';
import { maskDigits } from '../../functions/shared/pii.js';
import { resources } from '../../functions/shared/resources.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import {
  accountNumberFor,
  approve,
  BANK_BIN,
  cycleIn,
  type Harness,
  harness,
  postCallback,
  runCycle,
  statusReport,
} from '../support/disbursement.js';
import { api, demoUser, eventually, startTestPlatform } from '../support/platform.js';

let platform: LocalPlatform;
let h: Harness;
const PEOPLE = 3;

beforeAll(async () => {
  process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '1';
  // The test may run at night in Vietnam: quiet hours are tested in the unit tests of message.ts.
  process.env.ANSINH_NOTIFY_QUIET_HOURS = 'none';
  platform = await startTestPlatform();
  h = await harness(platform, PEOPLE);
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  delete process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES;
  delete process.env.ANSINH_NOTIFY_QUIET_HOURS;
});

/** What a draft pays: its ARREARS lines and its payees. */
function arrearsAndPayees(draft: { totals: { byKind: { key: string; lines: number }[]; payees: number } }) {
  const kinds = Object.fromEntries(draft.totals.byKind.map((r) => [r.key, r.lines]));
  return { ARREARS: kinds.ARREARS, payees: draft.totals.payees };
}

async function paymentsOf(personId: string): Promise<PaymentHead[]> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: resources.table('payments'),
      IndexName: 'byPerson',
      KeyConditionExpression: 'personId = :p',
      ExpressionAttributeValues: { ':p': personId },
    }),
  );
  return (out.Items ?? []) as PaymentHead[];
}

/** The callback route queued each report before answering 202: once the queue is empty, each was applied. */
async function statusQueueDrained() {
  await eventually(async () => {
    const out = await platform.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: platform.queueUrls.paymentStatuses?.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const a = out.Attributes ?? {};
    return a.ApproximateNumberOfMessages === '0' && a.ApproximateNumberOfMessagesNotVisible === '0' ? true : undefined;
  }, 30_000);
}

/**
 * The account is fixed by the labour officers. Issue 13 turns this route into propose + confirm by a second
 * officer with the bank's name check: only this helper changes then.
 */
/** A beneficiary's token: the i-th enrolled person signing in to their own page. */
const tokenOf = (i: number) =>
  platform.identityProvider.tokenFor({
    username: `nguoihuong.${i}`,
    displayName: `Người hưởng ${i}`,
    role: 'beneficiary',
    personalId: (h.people[i] as { personalId: string }).personalId,
  });

/**
 * The account fixed as the platform requires: one officer proposes the new bank account, the bank confirms it
 * exists in the person's name (acmt.023/024 with the simulator), a second officer of the province confirms.
 */
async function fixAccount(payment: PaymentHead, bankAccountNumber: string) {
  const socialAccount = payment.socialAccount;
  const account = (await getAccountOfPerson(payment.personId)) as AccountRecord;
  const opened = await fetch(`${platform.bank.url}/control/accounts/${BANK_BIN}/${bankAccountNumber}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'OPEN', holderName: toBankName(account.fullName) }),
  });
  expect(opened.status).toBe(200);
  const proposed = await api(platform, 'POST', `/v1/accounts/${socialAccount}/payment-method`, {
    token: h.officer,
    body: {
      kind: 'BANK',
      bankBin: BANK_BIN,
      bankAccountNumber,
      communeCode: '26737',
      reason: 'Tài khoản cũ đã đóng (AC04), cập nhật tài khoản mới',
    },
  });
  expect(proposed.status).toBe(202);
  const idp = platform.identityProvider;
  const second = await idp.tokenFor(idp.user('canbo.xa') as NonNullable<ReturnType<typeof idp.user>>);
  const confirmed = await api(
    platform,
    'POST',
    `/v1/accounts/${socialAccount}/payment-method/${proposed.body.changeId}/confirm`,
    { token: second },
  );
  expect(confirmed.status).toBe(200);
  expect(confirmed.body).toMatchObject({ status: 'CONFIRMED', verification: 'MATCH' });
}

describe('a payment rejected with AC04', () => {
  let rejected: PaymentHead;

  it('opens one case, owned by the province, however often the bank says so', async () => {
    // December pays everyone their months so far; in January the first person's bank account is closed.
    const december = await runCycle(h, '2025-12');
    expect(december.closed.closing.SETTLED.count).toBe(PEOPLE);
    platform.bank.accounts.set(BANK_BIN, accountNumberFor(0), { status: 'CLOSED' });
    const run = await runCycle(h, '2026-01');
    expect(run.closed.closing.REJECTED.count).toBe(1);
    const found: PaymentHead[] = [];
    for await (const p of paymentsInState(run.cycleId, 'REJECTED')) found.push(p);
    rejected = found[0] as PaymentHead;
    const caseId = caseIdFor(rejected.programme, rejected.period, rejected.personId);

    // The bank's callback came once; it comes twice more (a redelivery, a retry after a lost answer).
    for (let i = 0; i < 2; i++) {
      expect(await postCallback(platform, statusReport([rejected.paymentId], 'RJCT', { reason: 'AC04' }))).toBe(202);
    }
    await statusQueueDrained();
    const history = await entries(rejected.paymentId);
    expect(history.filter((e) => e.state === 'REJECTED')).toHaveLength(1);

    const inbox = await api(platform, 'GET', '/v1/cases', { token: h.officer });
    expect(inbox.status).toBe(200);
    expect(inbox.body.jurisdiction).toBe('79');
    expect(inbox.body.items).toHaveLength(1);
    expect(inbox.body.items[0]).toMatchObject({
      caseId,
      state: 'OPEN',
      paymentId: rejected.paymentId,
      reasonCode: 'AC04',
      reason: { vi: 'Tài khoản ngân hàng đã bị đóng', en: 'The bank account is closed' },
      months: ['2026-01'],
      age: { bankingDays: 0, slaBankingDays: 5, overdue: false },
    });
    // No identity number, name or bank account in the officer's view.
    const text = JSON.stringify(inbox.body);
    const person = h.people[0];
    expect(text).not.toContain(person?.personalId);
    expect(text).not.toContain(accountNumberFor(0));

    // Exactly one message, to that person, in plain Vietnamese, without identity or account numbers.
    const mine = platform.notifications.messages.filter((m) => m.personId === rejected.personId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      key: `${rejected.paymentId}#FAILED`,
      channel: 'APP',
      text: 'Khoản trợ cấp tháng 01/2026 chưa chuyển được vì tài khoản ngân hàng đã đóng. Vui lòng đến UBND xã, phường nơi nhận trợ cấp để cập nhật.',
    });
    expect(platform.notifications.messages).toHaveLength(1); // the settled ones did not opt in
    const page = await (await fetch(`${platform.notifications.url}/`)).text();
    expect(page).toContain('chưa chuyển được vì tài khoản ngân hàng đã đóng');
  }, 180_000);

  it('is seen by the officers of its province and auditors only; auditors never act', async () => {
    const caseId = caseIdFor(rejected.programme, rejected.period, rejected.personId);
    const idp = platform.identityProvider;
    const hanoi = await idp.tokenFor(demoUser('labor_officer', '01'));
    const auditor = await idp.tokenFor(demoUser('auditor'));
    expect((await api(platform, 'GET', `/v1/cases/${caseId}`, { token: hanoi })).status).toBe(404);
    expect((await api(platform, 'GET', '/v1/cases?jurisdiction=79', { token: hanoi })).status).toBe(403);
    expect((await api(platform, 'GET', `/v1/cases/${caseId}`, { token: auditor })).status).toBe(200);
    // Commune officers (province and commune claims): the payee's commune (26734) sees it, another commune not.
    const commune = (code: string) =>
      idp.tokenFor({
        username: `canbo.${code}`,
        displayName: `Cán bộ ${code}`,
        role: 'labor_officer',
        jurisdiction: code,
        province: '79',
        commune: code,
      });
    const [own, other] = [await commune('26734'), await commune('26737')];
    expect((await api(platform, 'GET', `/v1/cases/${caseId}`, { token: own })).status).toBe(200);
    expect((await api(platform, 'GET', '/v1/cases', { token: own })).body).toMatchObject({
      jurisdiction: '79',
      commune: '26734',
      items: [{ caseId }],
    });
    expect((await api(platform, 'GET', `/v1/cases/${caseId}`, { token: other })).status).toBe(404);
    expect((await api(platform, 'GET', '/v1/cases', { token: other })).body.items).toEqual([]);
    expect((await api(platform, 'GET', `/v1/payments/${rejected.paymentId}/trace`, { token: other })).status).toBe(404);
    const listed = await api(platform, 'GET', '/v1/cases?jurisdiction=79&order=oldest', { token: auditor });
    expect(listed.body.items.map((c: { caseId: string }) => c.caseId)).toEqual([caseId]);
    expect((await api(platform, 'GET', '/v1/cases', { token: auditor })).status).toBe(400);
    const write = { kind: 'RECORD_ACTION', note: 'thử / try' };
    expect((await api(platform, 'POST', `/v1/cases/${caseId}/actions`, { token: auditor, body: write })).status).toBe(
      403,
    );
    expect((await api(platform, 'POST', `/v1/cases/${caseId}/actions`, { token: hanoi, body: write })).status).toBe(
      404,
    );
    expect(
      (await api(platform, 'POST', `/v1/cases/${caseId}/actions`, { token: h.preparer, body: write })).status,
    ).toBe(403);
  });

  it('the officer fixes the account and records it on the case (audited)', async () => {
    const caseId = caseIdFor(rejected.programme, rejected.period, rejected.personId);
    await fixAccount(rejected, '0099887766');
    const acted = await api(platform, 'POST', `/v1/cases/${caseId}/actions`, {
      token: h.officer,
      body: { kind: 'RECORD_ACTION', note: 'Đã cập nhật tài khoản ngân hàng mới' },
    });
    expect(acted.status).toBe(200);
    expect(acted.body).toMatchObject({ state: 'ACTION_TAKEN', version: 2 });
    const again = await api(platform, 'POST', `/v1/cases/${caseId}/actions`, {
      token: h.officer,
      body: { kind: 'CONFIRM_WRITE_OFF' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('NO_WRITE_OFF');
    const view = await api(platform, 'GET', `/v1/cases/${caseId}`, { token: h.officer });
    expect(view.body.audit.map((a: { action: string }) => a.action)).toEqual(['OPEN', 'RECORD_ACTION']);
    expect(view.body.actions.at(-1)).toMatchObject({ kind: 'RECORD_ACTION', role: 'labor_officer' });
  });

  it('is re-issued within the month by a supplementary cycle (maker + checker), and closed once it settles', async () => {
    const caseId = caseIdFor(rejected.programme, rejected.period, rejected.personId);
    const created = await api(platform, 'POST', '/v1/disbursement-cycles', {
      token: h.preparer,
      body: { period: '2026-01', kind: 'SUPPLEMENTARY' },
    });
    expect(created.status).toBe(202);
    const cycleId = created.body.cycleId as string;
    expect(cycleId).toBe('dc-tcxh_hang_thang_bs1-2026-01-79');
    const draft = await cycleIn(h, cycleId, ['DRAFT']);
    expect(draft).toMatchObject({ kind: 'SUPPLEMENTARY', totals: { payees: 1, amount: rejected.amount } });
    const taken = await api(platform, 'GET', `/v1/cases/${caseId}`, { token: h.officer });
    expect(taken.body).toMatchObject({ state: 'REISSUED', reissue: { cycleId } });
    const reissueId = taken.body.reissue.paymentId as string;
    expect(reissueId).toMatch(/^R202601[A-Z2-7]{24}$/);

    // Like any cycle: the preparer submits, only another officer approves.
    const submit = await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/submit`, {
      token: h.preparer,
      body: { contentHash: draft.contentHash },
    });
    expect(submit.status).toBe(200);
    expect((await approve({ ...h, approver: h.preparer }, cycleId, draft.contentHash)).status).toBe(403);

    // Fault: next month's cycle is computed while the re-issue is approved but not yet in the ledger.
    expect((await approve(h, cycleId, draft.contentHash)).status).toBe(200);
    const february = await api(platform, 'POST', '/v1/disbursement-cycles', {
      token: h.preparer,
      body: { period: '2026-02' },
    });
    expect(february.status).toBe(202);
    const februaryId = february.body.cycleId as string;
    const febDraft = await cycleIn(h, februaryId, ['DRAFT']);
    expect(arrearsAndPayees(febDraft)).toEqual({ ARREARS: undefined, payees: PEOPLE });

    const closed = await cycleIn(h, cycleId, ['CLOSED']);
    expect(closed.closing.SETTLED).toEqual({ count: 1, amount: rejected.amount });
    expect(closed.closing.balanced).toEqual({ count: true, amount: true });
    const history = await entries(reissueId);
    expect(history.map((e) => e.state)).toEqual(expect.arrayContaining(['PENDING', 'SETTLED']));
    expect(await getPayment(reissueId)).toMatchObject({
      state: 'SETTLED',
      replaces: rejected.paymentId,
      months: ['2026-01'],
      creditorAccount: '0099887766',
    });
    const done = await eventually(async () => {
      const got = await api(platform, 'GET', `/v1/cases/${caseId}`, { token: h.officer });
      return got.body.state === 'CLOSED' ? got.body : undefined;
    });
    expect(done.actions.map((a: { kind: string }) => a.kind)).toEqual(['OPEN', 'RECORD_ACTION', 'REISSUE', 'CLOSE']);

    // While next month's cycle has not reached the ledger, no other supplementary cycle may start.
    const refused = await api(platform, 'POST', '/v1/disbursement-cycles', {
      token: h.preparer,
      body: { period: '2026-01', kind: 'SUPPLEMENTARY' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('OTHER_CYCLE_RUNNING');

    // After the re-issue settled: February computed again still owes January to no one.
    const recompute = await api(platform, 'POST', `/v1/disbursement-cycles/${februaryId}/recompute`, {
      token: h.preparer,
    });
    expect(recompute.status).toBe(202);
    const again = await cycleIn(h, februaryId, ['DRAFT']);
    expect(arrearsAndPayees(again)).toEqual({ ARREARS: undefined, payees: PEOPLE });
    await api(platform, 'POST', `/v1/disbursement-cycles/${februaryId}/submit`, {
      token: h.preparer,
      body: { contentHash: again.contentHash },
    });
    expect((await approve(h, februaryId, again.contentHash)).status).toBe(200);
    await cycleIn(h, februaryId, ['CLOSED']);
    // January of that person: paid exactly once, by the re-issue.
    const paidJanuary = (await paymentsOf(rejected.personId)).filter(
      (p) => p.state === 'SETTLED' && p.months.includes('2026-01'),
    );
    expect(paidJanuary.map((p) => p.paymentId)).toEqual([reissueId]);
    expect(platform.notifications.messages).toHaveLength(1);
  }, 240_000);

  it('traces the payment from its list row to its bank line, in order, the identity number masked', async () => {
    // The bank's end-of-day statement, loaded by finance: the re-issue's booking line reaches the trace.
    platform.bank.advanceClock(24 * 3600_000);
    const statement = platform.bank.statement(vietnamDate(Date.now())) as string;
    const res = await fetch(`${platform.url}/v1/statements`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${h.preparer}`,
        'content-type': 'application/xml',
        'x-file-name': 'sao-ke.xml',
      },
      body: statement,
    });
    const { importId } = (await res.json()) as { importId: string };
    await eventually(async () => {
      const got = await api(platform, 'GET', `/v1/statements/${importId}`, { token: h.preparer });
      return got.body.status === 'COMPLETED' ? true : undefined;
    }, 60_000);

    const caseId = caseIdFor(rejected.programme, rejected.period, rejected.personId);
    const person = h.people[0] as { personalId: string };
    const original = await api(platform, 'GET', `/v1/payments/${rejected.paymentId}/trace`, { token: h.officer });
    expect(original.status).toBe(200);
    const steps = original.body.steps as { step: string; recorded: boolean; [k: string]: any }[];
    expect(steps.map((s) => s.step)).toEqual([
      'LIST_ROW',
      'ACCOUNT',
      'ENTITLEMENT',
      'CYCLE',
      'PAIN001',
      'STATUSES',
      'STATEMENT_LINES',
      'RECONCILIATION',
      'CASE',
      'NOTIFICATIONS',
    ]);
    const step = (name: string) => steps.find((s) => s.step === name) as Record<string, any>;
    expect(step('LIST_ROW')).toMatchObject({ recorded: true, line: 2, outcome: 'ACCEPTED' }); // line 1 is the header;
    expect(step('ACCOUNT')).toMatchObject({ recorded: true, identityNumber: maskDigits(person.personalId) });
    expect(step('ACCOUNT').changes.map((c: { action: string }) => c.action)).toContain('PAYMENT_METHOD_CHANGED');
    expect(step('ENTITLEMENT')).toMatchObject({ recorded: true, months: ['2026-01'], amount: rejected.amount });
    expect(step('ENTITLEMENT').lines[0]).toMatchObject({ month: '2026-01', kind: 'MONTHLY' });
    expect(step('ENTITLEMENT').rulesVersion).toEqual(expect.any(String));
    expect(step('CYCLE')).toMatchObject({
      kind: 'MONTHLY',
      approvedBy: expect.any(String),
      createdBy: expect.any(String),
    });
    expect(step('PAIN001')).toMatchObject({ recorded: true, msgId: expect.stringMatching(/^M/) });
    expect(step('PAIN001').paymentInfoId).toEqual(expect.any(String));
    expect(step('STATUSES').statuses.map((x: { state: string; source: string }) => [x.state, x.source])).toEqual(
      expect.arrayContaining([
        ['PENDING', 'cycle-approval'],
        ['REJECTED', 'bank-status'],
      ]),
    );
    expect(step('STATUSES').statuses.find((x: { state: string }) => x.state === 'REJECTED').reason).toBe('AC04');
    expect(step('RECONCILIATION').outcome).toBe('NOT_BOOKED');
    expect(step('CASE')).toMatchObject({ caseId, state: 'CLOSED', reasonCode: 'AC04' });
    expect(step('NOTIFICATIONS').messages).toHaveLength(1);
    const text = JSON.stringify(original.body);
    expect(text).not.toContain(person.personalId);
    expect(text).not.toContain(accountNumberFor(0));
    expect(text).not.toContain('0099887766');

    // The re-issue: its own cycle (supplementary), the payment it replaces, the bank line that booked it.
    const reissueId = step('CASE').reissue.paymentId as string;
    const reissue = await api(platform, 'GET', `/v1/payments/${reissueId}/trace`, { token: h.officer });
    const rsteps = Object.fromEntries(reissue.body.steps.map((s: { step: string }) => [s.step, s]));
    expect(rsteps.CYCLE).toMatchObject({ kind: 'SUPPLEMENTARY', replaces: rejected.paymentId });
    expect(rsteps.STATEMENT_LINES.lines).toEqual([expect.objectContaining({ importId, outcome: 'MATCHED' })]);
    expect(rsteps.RECONCILIATION.outcome).toBe('MATCHED');

    // Officers of another province and finance roles are not given it; auditors are.
    const idp = platform.identityProvider;
    const hanoi = await idp.tokenFor(demoUser('labor_officer', '01'));
    const auditor = await idp.tokenFor(demoUser('auditor'));
    expect((await api(platform, 'GET', `/v1/payments/${rejected.paymentId}/trace`, { token: hanoi })).status).toBe(404);
    expect((await api(platform, 'GET', `/v1/payments/${rejected.paymentId}/trace`, { token: h.preparer })).status).toBe(
      403,
    );
    expect((await api(platform, 'GET', `/v1/payments/${rejected.paymentId}/trace`, { token: auditor })).status).toBe(
      200,
    );

    // `npx ansinh trace <paymentId>` prints the same steps, in order.
    let printed = '';
    const code = await run(['trace', rejected.paymentId, '--url', platform.url, '--lang', 'en'], {
      env: { ANSINH_TOKEN: h.officer },
      out: (t) => {
        printed += t;
      },
      err: () => undefined,
    });
    expect(code).toBe(0);
    const titles = printed.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(titles).toEqual([
      '1. Enrolling list and row',
      '2. Account and its changes',
      '3. Entitlement lines',
      '4. Cycle and approval',
      '5. pain.001 message and block',
      '6. Statuses',
      '7. Statement lines (none)',
      '8. Reconciliation outcome',
      '9. Case',
      '10. Notifications',
    ]);
    expect(printed).toContain(maskDigits(person.personalId));
    expect(printed).not.toContain(person.personalId);
  }, 120_000);

  it("hears the beneficiary's 'I have not received it': it joins the payment's case or opens one", async () => {
    // Person 1 was paid in January, and says the money never came.
    const me1 = await tokenOf(1);
    const mine = (await api(platform, 'GET', '/v1/me/payments', { token: me1 })).body.payments;
    expect(mine.find((p: { period: string }) => p.period === '2026-01')).toMatchObject({ status: 'SETTLED' });
    const reported = await api(platform, 'POST', '/v1/me/grievances', {
      token: me1,
      body: { period: '2026-01' },
    });
    expect(reported.status).toBe(200);
    expect(reported.body).toMatchObject({
      state: 'OPEN',
      reason: { vi: 'Người hưởng báo chưa nhận được tiền' },
      progress: [{ kind: 'OPEN' }, { kind: 'GRIEVANCE' }],
    });
    const inbox = await api(platform, 'GET', '/v1/cases?state=OPEN', { token: h.officer });
    expect(inbox.body.items.map((c: { reasonCode: string }) => c.reasonCode)).toEqual(['GRIEVANCE']);
    // The officer looks into it: the person hears back (fixed words, never the officer's note).
    const answered = await api(platform, 'POST', `/v1/cases/${inbox.body.items[0].caseId}/actions`, {
      token: h.officer,
      body: { kind: 'RECORD_ACTION', note: 'Đã đối chiếu sao kê: tiền đã vào tài khoản ngày 12/01' },
    });
    expect(answered.status).toBe(200);
    const page1 = await api(platform, 'GET', '/v1/me/cases', { token: me1 });
    expect(page1.body.cases[0].progress.map((p: { kind: string }) => p.kind)).toEqual([
      'OPEN',
      'GRIEVANCE',
      'RECORD_ACTION',
    ]);
    expect(page1.body.messages.map((m: { text: string }) => m.text)).toContain(
      'Phản ánh của bạn về khoản trợ cấp tháng 01/2026 đã được cán bộ UBND xã, phường xử lý. Xem tiến độ trên trang của bạn.',
    );
    // A month they were never paid (before their first payment) is not theirs to report.
    const me2 = await tokenOf(2);
    expect((await api(platform, 'POST', '/v1/me/grievances', { token: me2, body: { period: '2025-06' } })).status).toBe(
      404,
    );

    // Person 0 reports the January payment that failed: the report joins its (closed) case, nothing new opens.
    const me0 = await tokenOf(0);
    const joined = await api(platform, 'POST', '/v1/me/grievances', {
      token: me0,
      body: { period: '2026-01' },
    });
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({
      caseId: caseIdFor(rejected.programme, rejected.period, rejected.personId),
      state: 'CLOSED',
    });
    expect(joined.body.progress.map((p: { kind: string }) => p.kind)).toEqual([
      'OPEN',
      'RECORD_ACTION',
      'REISSUE',
      'CLOSE',
      'GRIEVANCE',
    ]);
    // Their page shows the case, its progress and what they were told.
    const page = await api(platform, 'GET', '/v1/me/cases', { token: me0 });
    expect(page.status).toBe(200);
    expect(page.body.cases).toHaveLength(1);
    expect(page.body.messages.map((m: { text: string }) => m.text)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('chưa chuyển được vì tài khoản ngân hàng đã đóng'),
        expect.stringContaining('Chúng tôi đã nhận phản ánh của bạn về khoản trợ cấp tháng 01/2026'),
      ]),
    );
    expect(JSON.stringify(page.body)).not.toContain(accountNumberFor(0));
  });

  it('respects the choice recorded on the account: an opt-out tells nothing, an opt-in hears of the settlement', async () => {
    const choose = async (i: number, choice: { optOut: boolean; settlementOptIn: boolean }) => {
      const res = await api(platform, 'PUT', '/v1/me/notification-preferences', {
        token: await tokenOf(i),
        body: choice,
      });
      expect(res.status).toBe(200);
    };
    await choose(1, { optOut: true, settlementOptIn: false });
    await choose(2, { optOut: false, settlementOptIn: true });
    expect(
      (await api(platform, 'PUT', '/v1/me/notification-preferences', { token: h.officer, body: { optOut: true } }))
        .status,
    ).toBe(403);

    // March: person 1's bank account is closed now (a case, but no message); person 2 is paid (a message).
    platform.bank.accounts.set(BANK_BIN, accountNumberFor(1), { status: 'CLOSED' });
    const before = platform.notifications.messages.length;
    const march = await runCycle(h, '2026-03');
    expect(march.closed.closing.REJECTED.count).toBe(1);
    const sent = platform.notifications.messages.slice(before);
    const settledFor2 = sent.filter((m) => m.key.endsWith('#SETTLED'));
    expect(settledFor2).toHaveLength(1);
    expect(settledFor2[0]?.text).toMatch(
      /^Khoản trợ cấp tháng 03\/2026 \([\d.]+ đồng\) đã được chuyển vào tài khoản \*{6}\d{4}\.$/,
    );
    expect(sent.filter((m) => m.key.endsWith('#FAILED'))).toHaveLength(0);
    const inbox = await api(platform, 'GET', '/v1/cases?state=OPEN', { token: h.officer });
    const march1 = inbox.body.items.find((c: { period: string }) => c.period === '2026-03');
    expect(march1).toMatchObject({ reasonCode: 'AC04' });
    // The case's trace says why nobody was told.
    const trace = await api(platform, 'GET', `/v1/payments/${march1.paymentId}/trace`, { token: h.officer });
    const notes = trace.body.steps.find((s: { step: string }) => s.step === 'NOTIFICATIONS');
    expect(notes.messages).toEqual([expect.objectContaining({ status: 'SUPPRESSED', suppressedBecause: 'OPTED_OUT' })]);
  }, 120_000);

  it('a supplementary cycle that fails gives its cases back: their months are owed again, once', async () => {
    const inbox = await api(platform, 'GET', '/v1/cases?state=OPEN', { token: h.officer });
    const march = inbox.body.items.find((c: { period: string }) => c.period === '2026-03');
    await api(platform, 'POST', `/v1/cases/${march.caseId}/actions`, {
      token: h.officer,
      body: { kind: 'RECORD_ACTION', note: 'Đã hướng dẫn mở tài khoản mới' },
    });
    const created = await api(platform, 'POST', '/v1/disbursement-cycles', {
      token: h.preparer,
      body: { period: '2026-03', kind: 'SUPPLEMENTARY' },
    });
    expect(created.status).toBe(202);
    const cycleId = created.body.cycleId as string;
    await cycleIn(h, cycleId, ['DRAFT']);
    expect((await api(platform, 'GET', `/v1/cases/${march.caseId}`, { token: h.officer })).body.state).toBe('REISSUED');
    // Fault: the run's Catch path fails the cycle before approval (e.g. a task past its retries).
    await platform.invoker.invoke('failCycle', { cycleId, error: { Error: 'States.TaskFailed', Cause: 'injected' } });
    await cycleIn(h, cycleId, ['FAILED']);
    const released = await api(platform, 'GET', `/v1/cases/${march.caseId}`, { token: h.officer });
    expect(released.body).toMatchObject({ state: 'ACTION_TAKEN' });
    expect(released.body.reissue).toBeUndefined();
    // April owes person 1's March as arrears (exactly one ARREARS line): neither held nor lost.
    const april = await api(platform, 'POST', '/v1/disbursement-cycles', {
      token: h.preparer,
      body: { period: '2026-04' },
    });
    expect(april.status).toBe(202);
    expect(arrearsAndPayees(await cycleIn(h, april.body.cycleId, ['DRAFT']))).toEqual({ ARREARS: 1, payees: PEOPLE });
  }, 120_000);

  it('a payment left UNKNOWN longer than 3 banking days opens its case, once; a younger one opens none', async () => {
    // Fault: the bank never gave a final answer for person 2's April payment (recorded, then UNKNOWN).
    const cycles = await api(platform, 'GET', '/v1/disbursement-cycles?period=2026-04', { token: h.preparer });
    const aprilId = cycles.body.items[0].cycleId as string;
    const account = await getAccountByPersonalId((h.people[2] as { personalId: string }).personalId);
    if (!account) throw new Error('person 2 has an account');
    const paymentId = paymentIdFor('TCXH_HANG_THANG', '2026-04', account.personId);
    await recordPending(
      {
        paymentId,
        cycleId: aprilId,
        programme: 'TCXH_HANG_THANG',
        period: '2026-04',
        personId: account.personId,
        socialAccount: account.accountNumber,
        amount: 500_000,
        channel: 'BANK',
        bankBin: BANK_BIN,
        creditorAccount: accountNumberFor(2),
        creditorName: 'TEST',
        communeCode: account.communeCode,
        months: ['2026-04'],
      },
      0,
    );
    await transition(paymentId, 'UNKNOWN', 'bank-query', { cutoff: true });
    const sweep = (days: number) =>
      platform.invoker.invoke('openOverdueCases', {
        detail: { asOf: new Date(Date.now() + days * 24 * 3600_000).toISOString() },
      });
    const caseId = caseIdFor('TCXH_HANG_THANG', '2026-04', account.personId);
    expect(await sweep(0)).toEqual({ casesOpenedOrFound: 0 });
    expect((await api(platform, 'GET', `/v1/cases/${caseId}`, { token: h.officer })).status).toBe(404);
    expect(await sweep(20)).toEqual({ casesOpenedOrFound: 1 });
    expect(await sweep(21)).toEqual({ casesOpenedOrFound: 1 }); // found again, nothing new
    const opened = await api(platform, 'GET', `/v1/cases/${caseId}`, { token: h.officer });
    expect(opened.body).toMatchObject({ state: 'OPEN', reasonCode: 'UNKNOWN', paymentState: 'UNKNOWN' });
    expect(opened.body.audit).toHaveLength(1);
    const told = platform.notifications.messages.filter((m) => m.key === `${paymentId}#FAILED`);
    expect(told.map((m) => m.text)).toEqual([
      'Khoản trợ cấp tháng 04/2026 chưa chuyển được vì ngân hàng chưa xác nhận kết quả. Bạn không cần làm gì, chúng tôi đang kiểm tra.',
    ]);
  }, 60_000);
});
