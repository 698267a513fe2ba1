/**
 * Monthly cycles take turns at approval (cycle-turns.ts approvalTurn, cycle-store.ts takeTurn/releaseTurn), on
 * the local platform: two drafts may exist at once, but the second one approved was computed without the
 * first's payments, so it waits, is refused as stale, and pays nothing twice once computed again. The
 * money-path simulation found the gap (test/fixtures/simulation/monthly-while-earlier-draft.json).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { approve, createSubmitted, cycleIn, cyclePayments, type Harness, harness } from '../support/disbursement.js';
import { api, startTestPlatform } from '../support/platform.js';

let platform: LocalPlatform;
let h: Harness;

beforeAll(async () => {
  process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '1';
  platform = await startTestPlatform();
  h = await harness(platform, 3);
}, 90_000);

afterAll(async () => {
  await platform?.stop();
  delete process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES;
});

async function submit(cycleId: string) {
  const draft = await cycleIn(h, cycleId, ['DRAFT']);
  const res = await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/submit`, {
    token: h.preparer,
    body: { contentHash: draft.contentHash },
  });
  expect(res.status).toBe(200);
  return draft;
}

describe('monthly cycles take turns at approval', () => {
  it('January’s draft, computed before February paid January as arrears, is refused until computed again', async () => {
    const january = await createSubmitted(h, '2026-01');
    const february = await createSubmitted(h, '2026-02');

    expect((await approve(h, february.cycleId, february.draft.contentHash)).status).toBe(200);
    const waiting = await approve(h, january.cycleId, january.draft.contentHash);
    expect(waiting.status).toBe(409);
    expect(waiting.body.error.code).toBe('OTHER_CYCLE_RUNNING');
    expect(waiting.body.error.message.vi).toMatch(/đang chi/);

    await cycleIn(h, february.cycleId, ['CLOSED'], 120_000);
    await h.platform.bank.idle();
    const paidByFebruary = await cyclePayments(february.cycleId);
    expect(paidByFebruary).toHaveLength(h.people.length);
    for (const p of paidByFebruary) expect(p.months).toEqual(expect.arrayContaining(['2026-01', '2026-02']));
    const stale = await approve(h, january.cycleId, january.draft.contentHash);
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('DRAFT_STALE');

    const again = await api(platform, 'POST', `/v1/disbursement-cycles/${january.cycleId}/recompute`, {
      token: h.preparer,
    });
    expect(again.status).toBe(202);
    const recomputed = await submit(january.cycleId);
    // February paid January (and December) as arrears: January's own cycle now owes nobody anything.
    expect(recomputed.totals.payees).toBe(0);
    expect((await approve(h, january.cycleId, recomputed.contentHash)).status).toBe(200);
    await cycleIn(h, january.cycleId, ['CLOSED'], 120_000);

    const claims = new Map<string, number>();
    for (const p of [...(await cyclePayments(february.cycleId)), ...(await cyclePayments(january.cycleId))]) {
      for (const m of p.months) claims.set(`${p.personId} ${m}`, (claims.get(`${p.personId} ${m}`) ?? 0) + 1);
    }
    expect(claims.size).toBeGreaterThanOrEqual(h.people.length * 2);
    expect([...claims.values()].every((n) => n === 1)).toBe(true);
  }, 300_000);

  it('two approvers of two months at the same moment: exactly one is approved', async () => {
    const [march, april] = [await createSubmitted(h, '2026-03'), await createSubmitted(h, '2026-04')];
    const answers = await Promise.all([
      approve(h, march.cycleId, march.draft.contentHash),
      approve(h, april.cycleId, april.draft.contentHash),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)?.body.error.code).toMatch(/^(OTHER_CYCLE_RUNNING|CONCURRENT_CHANGE)$/);
  }, 300_000);
});
