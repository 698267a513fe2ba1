/**
 * A monthly cycle end to end on the local runtime: onboard a list (accounts), compute the draft, submit,
 * approve as another officer, pay through the bank simulator (ISO 20022), collect statuses, close balanced.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { entries, paymentsInState } from '../../functions/payments/ledger/ledger-store.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { api, demoUser, eventually, startTestPlatform } from '../support/platform.js';
import { type Citizen, LIST_HEADER, listRow, loadPopulation, toExcelCsv } from '../support/population.js';

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

async function onboard(people: Citizen[]) {
  // Everyone by bank here: post-office payments wait for the commune's paid/unpaid confirmation.
  const csv = toExcelCsv([
    LIST_HEADER,
    ...people.map((p, i) => listRow(p, i, { method: 'Ngân hàng', bin: '970436', account: `00${1000000000 + i}` })),
  ]);
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
    const people = loadPopulation(400)
      .filter((p) => p.status === 'alive' && p.residenceProvinceCode === '79')
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
});
