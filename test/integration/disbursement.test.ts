/**
 * A monthly cycle end to end on the local runtime: onboard a list (accounts), compute the draft, submit,
 * approve as another officer, pay through the bank simulator (ISO 20022), collect statuses, close balanced.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { caseIdFor } from '../../functions/cases/case-model.js';
import { getCase } from '../../functions/cases/case-store.js';
import { entries, paymentsInState } from '../../functions/payment-ledger/ledger-store.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { agedAtLeast } from '../support/categories.js';
import { api, demoUser, eventually, startTestPlatform } from '../support/platform.js';
import { type Citizen, LIST_HEADER, listRow, loadPopulation, toExcelCsv } from '../support/population.js';
import { parseCsv } from '../support/result-files.js';

let platform: LocalPlatform;
let officer: string;
let preparer: string;
let approver: string;

beforeAll(async () => {
  process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '1';
  platform = await startTestPlatform();
  const idp = platform.identityProvider;
  officer = await idp.tokenFor(demoUser('labor_officer', '79'));
  preparer = await idp.tokenFor(demoUser('finance_preparer'));
  approver = await idp.tokenFor(demoUser('finance_approver'));
});
afterAll(async () => {
  await platform?.stop();
  delete process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES;
});

async function onboard(
  people: Citizen[],
  rows = people.map((p, i) => listRow(p, i, { method: 'Ngân hàng', bin: '970436', account: `00${1000000000 + i}` })),
) {
  // By default everyone by bank: post-office payments wait for the commune's paid/unpaid confirmation.
  const csv = toExcelCsv([LIST_HEADER, ...rows]);
  const res = await fetch(`${platform.url}/v1/beneficiary-lists`, {
    method: 'POST',
    headers: { authorization: `Bearer ${officer}`, 'content-type': 'text/csv' },
    body: csv,
  });
  const { listId } = (await res.json()) as { listId: string };
  return eventually(async () => {
    const got = await api(platform, 'GET', `/v1/beneficiary-lists/${listId}`, { token: officer });
    return got.body.status === 'COMPLETED' ? got.body : undefined;
  }, 60_000);
}

async function cycleIn(cycleId: string, statuses: string[]) {
  return eventually(async () => {
    const got = await api(platform, 'GET', `/v1/disbursement-cycles/${cycleId}`, { token: preparer });
    return statuses.includes(got.body.status) ? got.body : undefined;
  }, 60_000);
}

describe('disbursement cycle', () => {
  it('pays every approved payment exactly once and closes balanced', async () => {
    // Aged 80+: the rows' category is NCT_80.
    const people = loadPopulation(4000)
      .filter((p) => p.status === 'alive' && p.residenceProvinceCode === '79' && agedAtLeast(80)(p))
      .slice(0, 12);
    const list = await onboard(people);
    expect(list.totals.accountsOpened).toBe(people.length);

    const created = await api(platform, 'POST', '/v1/disbursement-cycles', {
      token: preparer,
      body: { period: '2026-01' },
    });
    expect(created.status).toBe(202);
    const again = await api(platform, 'POST', '/v1/disbursement-cycles', {
      token: preparer,
      body: { period: '2026-01' },
    });
    expect(again.status).toBe(200);
    expect(again.body.cycleId).toBe(created.body.cycleId);
    const cycleId = created.body.cycleId as string;

    const draft = await cycleIn(cycleId, ['DRAFT']);
    expect(draft.totals.payees).toBe(people.length);
    expect(Number.isSafeInteger(draft.totals.amount)).toBe(true);

    // The preparer cannot approve; the approver must name the submitted content.
    const submit = await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/submit`, {
      token: preparer,
      body: { contentHash: draft.contentHash },
    });
    expect(submit.status).toBe(200);
    const wrongHash = await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/approve`, {
      token: approver,
      body: { contentHash: `sha256:${'0'.repeat(64)}` },
    });
    expect(wrongHash.status).toBe(409);
    const byPreparer = await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/approve`, {
      token: preparer,
      body: { contentHash: draft.contentHash },
    });
    expect(byPreparer.status).toBe(403);

    // Two approvals at once: exactly one wins.
    const [a, b] = await Promise.all([
      api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/approve`, {
        token: approver,
        body: { contentHash: draft.contentHash },
      }),
      api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/approve`, {
        token: approver,
        body: { contentHash: draft.contentHash },
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);

    const closed = await cycleIn(cycleId, ['CLOSED']);
    expect(closed.closing.balanced).toEqual({ count: true, amount: true });
    const settledOrFinal = ['SETTLED', 'REJECTED', 'RETURNED', 'UNKNOWN'];
    const paid = closed.closing.SETTLED.count + closed.closing.REJECTED.count;
    expect(paid).toBe(people.length);
    expect(Object.keys(closed.closing).filter((k) => settledOrFinal.includes(k))).toHaveLength(4);

    // Every payment's history moves forward only and the bank saw each file once.
    for await (const p of paymentsInState(cycleId, 'SETTLED')) {
      const states = (await entries(p.paymentId)).map((e) => e.state);
      expect(states[0]).toBe('PENDING');
      expect(states.at(-1)).toBe('SETTLED');
    }
    // Redelivered dispatch messages (visibility timeout shorter than the work) resubmit the same file: the
    // bank answers DU01, and still settles each payment once.
    expect(platform.bank.stats.settled).toBe(people.length);
    expect(platform.bank.stats.messagesReceived).toBe(1);
    expect(closed.audit.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['CREATED', 'COMPUTED', 'SUBMITTED', 'APPROVED', 'DISPATCH_STARTED', 'CLOSED']),
    );
  }, 120_000);

  it('pays cash through the post office, and moves a closed bank account there with its arrears', async () => {
    const people = loadPopulation(4000)
      .filter((p) => p.status === 'alive' && p.residenceProvinceCode === '79' && agedAtLeast(80)(p))
      .slice(20, 26);
    const [closedBank, ...cash] = people as [Citizen, ...Citizen[]];
    const rows = [
      listRow(closedBank, 0, { method: 'Ngân hàng', bin: '970415', account: '9900112233' }),
      ...cash.map((p, i) => listRow(p, i + 1, { method: 'Bưu điện', bin: '', account: '', commune: '26737' })),
    ];
    platform.bank.accounts.set('970415', '9900112233', { status: 'CLOSED' });
    await onboard(people, rows);

    // A jurisdiction of its own would be cleaner; here the 2026-03 cycle of province 79 pays these people
    // their arrears and March (the others were paid up to February above or are new).
    const created = await api(platform, 'POST', '/v1/disbursement-cycles', {
      token: preparer,
      body: { period: '2026-03' },
    });
    const cycleId = created.body.cycleId as string;
    const draft = await cycleIn(cycleId, ['DRAFT']);
    await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/submit`, {
      token: preparer,
      body: { contentHash: draft.contentHash },
    });
    const ok = await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/approve`, {
      token: approver,
      body: { contentHash: draft.contentHash },
    });
    expect(ok.status).toBe(200);

    // The cash list of the commune, as the post office receives it.
    const listLink = await eventually(async () => {
      const res = await api(platform, 'GET', `/v1/disbursement-cycles/${cycleId}/cash-lists/26737?format=csv`, {
        token: preparer,
      });
      if (res.status !== 200) return undefined;
      const text = await (await fetch(res.body.downloadUrl)).text();
      const table = parseCsv(text.replace(/^\uFEFF/, ''));
      return table.length - 1 === cash.length ? table : undefined;
    }, 30_000);
    const header = listLink[0] as string[];
    const paidColumn = header.findIndex((h) => h.startsWith('Đã nhận'));
    // Everyone collected the cash but the last person.
    const returned = listLink.map((r, i) =>
      i === 0 ? r : r.map((c, j) => (j === paidColumn ? (i === listLink.length - 1 ? 'Không' : 'Có') : c)),
    );
    const csv = `\uFEFF${returned.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n')}\r\n`;
    const imported = await fetch(`${platform.url}/v1/disbursement-cycles/${cycleId}/cash-confirmations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${preparer}`, 'content-type': 'text/csv' },
      body: csv,
    });
    const summary = (await imported.json()) as { settled: number; unpaid: number; problems: unknown[] };
    expect(summary).toMatchObject({ settled: cash.length - 1, unpaid: 1, problems: [] });
    // Importing the same confirmations again changes nothing.
    const again = await fetch(`${platform.url}/v1/disbursement-cycles/${cycleId}/cash-confirmations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${preparer}`, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(await again.json()).toMatchObject({ settled: 0, unpaid: 0 });

    const closed = await cycleIn(cycleId, ['CLOSED']);
    expect(closed.closing.balanced).toEqual({ count: true, amount: true });
    expect(closed.closing.REJECTED.count).toBeGreaterThanOrEqual(2); // the closed bank account + the unpaid cash
    // The unpaid cash opens its case, as a bank rejection does: once, though the file came twice.
    const unpaidCash = [];
    for await (const p of paymentsInState(cycleId, 'REJECTED')) if (p.channel === 'POST_OFFICE') unpaidCash.push(p);
    expect(unpaidCash).toHaveLength(1);
    const cashCase = await getCase(
      caseIdFor(unpaidCash[0]?.programme as string, unpaidCash[0]?.period as string, unpaidCash[0]?.personId as string),
    );
    expect(cashCase).toMatchObject({ state: 'OPEN', reasonCode: 'POST_OFFICE_UNPAID' });
    expect(cashCase?.actions.map((a) => a.kind)).toEqual(['OPEN']);

    // The officer moves the person with the closed bank account to the post office (versioned, audited).
    const rejected = [];
    for await (const p of paymentsInState(cycleId, 'REJECTED')) rejected.push(p);
    const bankRejected = rejected.find((p) => p.channel === 'BANK');
    if (!bankRejected) throw new Error('expected the closed bank account to be rejected');
    // One officer proposes, another of the province (here a commune officer of HCM) confirms.
    const proposed = await api(platform, 'POST', `/v1/accounts/${bankRejected.socialAccount}/payment-method`, {
      token: officer,
      body: { kind: 'POST_OFFICE', communeCode: '26737', reason: 'Tài khoản ngân hàng đã đóng (AC04)' },
    });
    expect(proposed.status).toBe(202);
    const second = await platform.identityProvider.tokenFor(
      platform.identityProvider.user('canbo.xa') as NonNullable<ReturnType<typeof platform.identityProvider.user>>,
    );
    const moved = await api(
      platform,
      'POST',
      `/v1/accounts/${bankRejected.socialAccount}/payment-method/${proposed.body.changeId}/confirm`,
      { token: second },
    );
    expect(moved.status).toBe(200);
    expect(moved.body.version).toBe(2);
    const hanoi = await platform.identityProvider.tokenFor(demoUser('labor_officer', '01'));
    const foreign = await api(platform, 'POST', `/v1/accounts/${bankRejected.socialAccount}/payment-method`, {
      token: hanoi,
      body: { kind: 'POST_OFFICE', communeCode: '00004', reason: 'thử / try' },
    });
    expect(foreign.status).toBe(404);

    // Next month the unpaid March is owed again, now in cash.
    const next = await api(platform, 'POST', '/v1/disbursement-cycles', {
      token: preparer,
      body: { period: '2026-04' },
    });
    const nextDraft = await cycleIn(next.body.cycleId, ['DRAFT']);
    const channels = Object.fromEntries(
      nextDraft.totals.byChannel.map((r: { key: string; people: number }) => [r.key, r.people]),
    );
    expect(channels.POST_OFFICE).toBeGreaterThanOrEqual(cash.length);
    const kinds = Object.fromEntries(
      nextDraft.totals.byKind.map((r: { key: string; lines: number }) => [r.key, r.lines]),
    );
    expect(kinds.ARREARS).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('computes a draft again once it has waited past the approval window; the stale submission cannot be approved', async () => {
    const cycleId = (
      await api(platform, 'POST', '/v1/disbursement-cycles', { token: preparer, body: { period: '2026-04' } })
    ).body.cycleId as string;
    const draft = await cycleIn(cycleId, ['DRAFT']);
    const submitted = await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/submit`, {
      token: preparer,
      body: { contentHash: draft.contentHash },
    });
    expect(submitted.body.status).toBe('SUBMITTED');

    // The window closes (0 days: every draft is past it) until the run has expired this one once.
    process.env.ANSINH_APPROVAL_WINDOW_DAYS = '0';
    try {
      await eventually(async () => {
        const got = await api(platform, 'GET', `/v1/disbursement-cycles/${cycleId}`, { token: preparer });
        return got.body.audit.some((e: { action: string }) => e.action === 'APPROVAL_WINDOW_EXPIRED') || undefined;
      }, 30_000);
    } finally {
      delete process.env.ANSINH_APPROVAL_WINDOW_DAYS;
    }
    const fresh = await eventually(async () => {
      const got = await api(platform, 'GET', `/v1/disbursement-cycles/${cycleId}`, { token: preparer });
      return got.body.status === 'DRAFT' && got.body.computedAt > draft.computedAt ? got.body : undefined;
    }, 30_000);
    expect(fresh.submittedHash).toBeUndefined();
    const expired = fresh.audit.find((e: { action: string }) => e.action === 'APPROVAL_WINDOW_EXPIRED');
    expect(expired).toMatchObject({ actor: 'system:disbursement', from: 'SUBMITTED', to: 'COMPUTING' });
    // What was submitted before the window closed can no longer be approved.
    const stale = await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/approve`, {
      token: approver,
      body: { contentHash: draft.contentHash },
    });
    expect(stale.status).toBe(409);
  }, 120_000);
});
