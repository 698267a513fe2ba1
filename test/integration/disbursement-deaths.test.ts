/**
 * Never pay the dead: the compute step asks the population registry about every payee. A death registered
 * after enrolment stops payment after the death month (funeral support per the rules) and closes the account;
 * a person the registry no longer knows is held with a reason; a registry outage never yields a draft from
 * unchecked data (the step is retried, and fails the cycle with the registry's error when it stays down).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getAccountByPersonalId } from '../../functions/accounts/account-store.js';
import { changeCycle, getCycle } from '../../functions/disbursement-cycles/cycle-store.js';
import { readDraftChunk } from '../../functions/disbursement-cycles/draft-objects.js';
import { computeEntitlement } from '../../functions/entitlements/entitlement.js';
import type { PaymentInstruction } from '../../functions/payment-ledger/ledger-store.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { cycleIn, type Harness, harness, runCycle } from '../support/disbursement.js';
import { api, startTestPlatform } from '../support/platform.js';

let platform: LocalPlatform;
let h: Harness;

beforeAll(async () => {
  process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '1';
  platform = await startTestPlatform();
  h = await harness(platform, 4);
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  delete process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES;
});

async function draftOf(cycleId: string): Promise<PaymentInstruction[]> {
  const cycle = await getCycle(cycleId);
  const all: PaymentInstruction[] = [];
  for (const c of cycle?.draft?.chunks ?? []) all.push(...(await readDraftChunk(c.key)));
  return all;
}

async function create(period: string): Promise<string> {
  const created = await api(platform, 'POST', '/v1/disbursement-cycles', { token: h.preparer, body: { period } });
  expect(created.status).toBe(202);
  return created.body.cycleId as string;
}

describe('registry check at compute', () => {
  it('stops paying after a death registered after enrolment, and holds a person the registry dropped', async () => {
    const [dies, dropped, ...living] = h.people;
    if (!dies || !dropped) throw new Error('the harness onboards 4 people');
    const first = await runCycle(h, '2026-01');
    expect(first.draft.totals.payees).toBe(4);
    expect(first.draft.totals.held).toEqual({ people: 0, amount: 0, byReason: [] });
    const paidInJanuary = new Map((await draftOf(first.cycleId)).map((i) => [i.personId, i.months]));

    platform.registry.recordDeath(dies.personalId, '2026-01-20');
    platform.registry.removePerson(dropped.personalId);

    const cycleId = await create('2026-02');
    const draft = await cycleIn(h, cycleId, ['DRAFT']);
    const instructions = await draftOf(cycleId);
    const deadAccount = await getAccountByPersonalId(dies.personalId);
    const droppedAccount = await getAccountByPersonalId(dropped.personalId);
    const byPerson = new Map(instructions.map((i) => [i.personId, i]));
    // February's allowance (everyone has the same category and commune): what the living get, the dropped is owed.
    const monthly = byPerson.get((await getAccountByPersonalId(living[0]?.personalId as string))?.personId as string)
      ?.amount as number;
    expect(monthly).toBeGreaterThan(0);

    // Died in January (paid in full by the January cycle): nothing for February, funeral support once.
    const funeral = byPerson.get(deadAccount?.personId as string);
    const expected = computeEntitlement({
      period: '2026-02',
      months: ['2026-02'],
      province: '79',
      categories: [{ code: 'NCT_80', decisionDate: '2025-03-15', startMonth: '2025-03' }],
      accountStatus: 'CLOSED',
      dateOfDeath: '2026-01-20',
      alreadyPaidMonths: paidInJanuary.get(deadAccount?.personId as string) ?? [],
    });
    expect(expected.lines.map((l) => l.kind)).toEqual(['FUNERAL']);
    expect(funeral?.months).toEqual(['FUNERAL']);
    expect(funeral?.amount).toBe(expected.total);
    expect(funeral?.creditorAccount).toBe(deadAccount?.paymentMethod.bankAccountNumber);
    expect(draft.totals.byKind).toEqual([
      { key: 'FUNERAL', people: 1, lines: 1, amount: expected.total },
      expect.objectContaining({ key: 'MONTHLY', people: 2 }),
    ]);

    // Dropped from the registry: not paid, held with the reason and the VND it would have had.
    expect(byPerson.has(droppedAccount?.personId as string)).toBe(false);
    expect(draft.totals.held).toEqual({
      people: 1,
      amount: monthly,
      byReason: [{ reason: 'NOT_IN_REGISTRY', people: 1, amount: monthly }],
    });
    expect(draft.totals.payees).toBe(3);
    expect(instructions).toHaveLength(3);
    for (const p of living) {
      const account = await getAccountByPersonalId(p.personalId);
      expect(byPerson.get(account?.personId as string)).toMatchObject({ amount: monthly, months: ['2026-02'] });
    }
    expect(draft.totals.amount).toBe(2 * monthly + expected.total);

    // The death is on the account (versioned), and a look-up shows it; the dropped person's account is untouched.
    expect(deadAccount).toMatchObject({ status: 'CLOSED', dateOfDeath: '2026-01-20', version: 2 });
    expect(droppedAccount).toMatchObject({ status: 'ACTIVE', version: 1 });
    const lookup = await api(platform, 'POST', '/v1/people/payments', {
      token: h.officer,
      body: { identityNumber: dies.personalId },
    });
    expect(lookup.status).toBe(200);
    expect(lookup.body.person.account.status).toBe('CLOSED');
    expect(lookup.body.person.account.statusLabel.vi).toContain('đã mất ngày 20/01/2026');

    // Computed again (the death already on the account): the same content, no second account write.
    const again = await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/recompute`, { token: h.preparer });
    expect(again.status).toBe(202);
    const recomputed = await cycleIn(h, cycleId, ['DRAFT']);
    expect(recomputed.contentHash).toBe(draft.contentHash);
    expect(await getAccountByPersonalId(dies.personalId)).toMatchObject({ version: 2 });
  }, 180_000);

  it('retries the compute step while the registry is down, and the draft is computed with the check', async () => {
    const before = platform.registry.stats.requests;
    // 4 failed answers: the client's own retries (1 + 3 attempts) give up, the state machine computes again.
    platform.registry.setFaults({ failNext: 4 });
    const cycleId = await create('2026-03');
    const draft = await cycleIn(h, cycleId, ['DRAFT']);
    expect(platform.registry.stats.requests - before).toBeGreaterThanOrEqual(5);
    expect(draft.totals.held.byReason).toEqual([expect.objectContaining({ reason: 'NOT_IN_REGISTRY', people: 1 })]);
    // February was never approved: its months are owed as arrears, and the funeral support is still due once.
    expect(draft.totals.payees).toBe(3);
    expect(draft.totals.byKind.map((r: { key: string }) => r.key)).toEqual(['ARREARS', 'FUNERAL', 'MONTHLY']);
    expect(draft.totals.byKind.find((r: { key: string }) => r.key === 'MONTHLY').people).toBe(2);
  }, 120_000);

  it('fails the cycle with the registry error, with no draft, when the registry stays down', async () => {
    platform.registry.setFaults({ failNext: 1_000_000 });
    const cycleId = await create('2026-04');
    const failed = await cycleIn(h, cycleId, ['FAILED', 'DRAFT'], 120_000);
    platform.registry.setFaults({});
    expect(failed.status).toBe('FAILED');
    expect(failed.totals).toBeUndefined();
    expect(['RegistryUnavailable', 'RegistryCircuitOpen']).toContain(failed.failure.error);
    expect((await getCycle(cycleId))?.draft).toBeUndefined();

    // The registry is back, and the client's circuit breaker has cooled down (30 s; on AWS the step's own
    // retries span longer): the preparer retries the failed cycle (never approved, so nothing was paid).
    await new Promise((r) => setTimeout(r, 31_000));
    expect(
      (await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/retry`, { token: h.approver })).status,
    ).toBe(403);
    const retried = await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/retry`, { token: h.preparer });
    expect(retried.status).toBe(202);
    expect(retried.body.status).toBe('COMPUTING');
    const draft = await cycleIn(h, cycleId, ['DRAFT', 'FAILED'], 60_000);
    expect(draft.status).toBe('DRAFT');
    expect(draft.failure).toBeUndefined();
    expect(draft.totals.held.byReason).toEqual([expect.objectContaining({ reason: 'NOT_IN_REGISTRY', people: 1 })]);
    const actions = draft.audit.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['FAILED', 'RETRY_REQUESTED', 'COMPUTED']));
    expect(draft.audit.find((e: { action: string }) => e.action === 'RETRY_REQUESTED')).toMatchObject({
      from: 'FAILED',
      to: 'COMPUTING',
      run: `${cycleId}-r1`,
    });
    // Only a failed cycle is retried.
    const again = await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/retry`, { token: h.preparer });
    expect(again.status).toBe(409);

    // A cycle that failed after approval may have paid people: it is never run again.
    await changeCycle({
      cycleId,
      actor: { subject: 'test', role: 'finance_approver' },
      action: 'FAILED',
      from: ['DRAFT'],
      to: 'FAILED',
      set: { approvedAt: new Date().toISOString(), failure: { error: 'Injected', cause: 'test' } },
    });
    const refused = await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/retry`, { token: h.preparer });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('FAILED_AFTER_APPROVAL');
  }, 210_000);
});
