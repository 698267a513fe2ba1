/**
 * Security review, rows 2 and 3 (Medium): the auditor's national reach is for reading only, and a commune
 * officer's province is the token's province claim, never the commune code's digits. Every attack is made
 * through the running platform with a real token; each must change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getAccountByPersonalId } from '../../functions/accounts/account-store.js';
import { getCycle } from '../../functions/disbursement-cycles/cycle-store.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { createSubmitted, type Harness, harness } from '../support/disbursement.js';
import { api, startTestPlatform } from '../support/platform.js';
import { tokenOf } from './support.js';

let platform: LocalPlatform;
let h: Harness;
let cycleId: string;
let contentHash: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  h = await harness(platform, 2);
  const submitted = await createSubmitted(h, '2026-02');
  cycleId = submitted.cycleId;
  contentHash = submitted.draft.contentHash;
});
afterAll(async () => {
  await platform?.stop();
});

describe('auditors read, never write', () => {
  it("auditor + finance roles of province 01 can read 79's cycle but not submit, recompute, retry or approve it", async () => {
    const approver01 = await tokenOf(platform, 'audit.approver.01', ['auditor', 'finance_approver'], {
      jurisdiction: '01',
    });
    const preparer01 = await tokenOf(platform, 'audit.preparer.01', ['auditor', 'finance_preparer'], {
      jurisdiction: '01',
    });
    // Reading is the auditor's job.
    expect((await api(platform, 'GET', `/v1/disbursement-cycles/${cycleId}`, { token: approver01 })).status).toBe(200);
    const before = await getCycle(cycleId);
    const attacks = [
      { token: approver01, path: 'approve', body: { contentHash } },
      { token: preparer01, path: 'submit', body: { contentHash } },
      { token: preparer01, path: 'recompute', body: {} },
      { token: preparer01, path: 'retry', body: {} },
    ];
    for (const a of attacks) {
      const res = await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/${a.path}`, {
        token: a.token,
        body: a.body,
      });
      expect({ path: a.path, status: res.status }).toEqual({ path: a.path, status: 404 });
    }
    const after = await getCycle(cycleId);
    expect(after?.status).toBe('SUBMITTED');
    expect(after).toEqual(before);
  });

  it('auditor + labour officer of 01 cannot change a 79 payment method', async () => {
    const officer01 = await tokenOf(platform, 'audit.officer.01', ['auditor', 'labor_officer'], { jurisdiction: '01' });
    const person = h.people[0]?.personalId as string;
    const before = await getAccountByPersonalId(person);
    const res = await api(platform, 'POST', `/v1/accounts/${before?.accountNumber}/payment-method`, {
      token: officer01,
      body: { kind: 'POST_OFFICE', communeCode: '26734', reason: 'thử tấn công' },
    });
    expect(res.status).toBe(404);
    expect(await getAccountByPersonalId(person)).toEqual(before);
  });

  it('an auditor alone, or auditor + approver without a jurisdiction, writes nothing anywhere', async () => {
    const auditor = await tokenOf(platform, 'auditor.only', ['auditor']);
    const noJurisdiction = await tokenOf(platform, 'auditor.approver', ['auditor', 'finance_approver']);
    expect(
      (
        await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/approve`, {
          token: auditor,
          body: { contentHash },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/approve`, {
          token: noJurisdiction,
          body: { contentHash },
        })
      ).status,
    ).toBe(404);
    expect((await getCycle(cycleId))?.status).toBe('SUBMITTED');
  });

  it('auditor + approver of 79 approves within 79 (its own jurisdiction): the write role, not the auditor, decides', async () => {
    const approver79 = await tokenOf(platform, 'audit.approver.79', ['auditor', 'finance_approver'], {
      jurisdiction: '79',
    });
    const res = await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/approve`, {
      token: approver79,
      body: { contentHash },
    });
    expect(res.status).toBe(200);
  });
});

describe('jurisdiction from the token, never from digits', () => {
  it("a made-up commune '79000' without a province claim cannot change an HCM payee's payment method", async () => {
    const fake = await tokenOf(platform, 'fake.commune', ['labor_officer'], { jurisdiction: '79000' });
    const person = h.people[1]?.personalId as string;
    const before = await getAccountByPersonalId(person);
    const res = await api(platform, 'POST', `/v1/accounts/${before?.accountNumber}/payment-method`, {
      token: fake,
      body: {
        kind: 'BANK',
        bankBin: '970436',
        bankAccountNumber: '9999999999',
        communeCode: '26734',
        reason: 'đổi TK',
      },
    });
    expect(res.status).toBe(404);
    expect(await getAccountByPersonalId(person)).toEqual(before);
  });

  it('a real HCM commune officer (commune 26734, province claim 79) reaches HCM accounts', async () => {
    const commune = platform.identityProvider.user('canbo.xa');
    expect(commune).toMatchObject({ province: '79', commune: '26734' });
    const token = await platform.identityProvider.tokenFor(commune as NonNullable<typeof commune>);
    const person = h.people[1]?.personalId as string;
    const before = await getAccountByPersonalId(person);
    const res = await api(platform, 'POST', `/v1/accounts/${before?.accountNumber}/payment-method`, {
      token,
      body: { kind: 'POST_OFFICE', communeCode: '26734', reason: 'chuyển khoản thất bại nhiều lần' },
    });
    // Reached: the proposal is recorded (a second officer confirms it; payment-method.test.ts).
    expect(res.status).toBe(202);
  });
});

describe('masks show at most 4 digits', () => {
  const digits = (s: string) => (s.match(/\d/g) ?? []).length;

  it("an officer's look-up shows at most 4 digits of the identity number and of the bank account", async () => {
    const officer = await platform.identityProvider.tokenFor(
      platform.identityProvider.user('canbo.hcm') as NonNullable<ReturnType<typeof platform.identityProvider.user>>,
    );
    const person = h.people[0]?.personalId as string;
    const res = await api(platform, 'POST', '/v1/people/payments', {
      token: officer,
      body: { identityNumber: person },
    });
    expect(res.status).toBe(200);
    const masked = res.body.person.identityNumber as string;
    expect(masked).toHaveLength(12);
    expect(digits(masked)).toBeLessThanOrEqual(4);
    expect(JSON.stringify(res.body)).not.toContain(person);
    // Every bank account the answer carries, wherever it sits.
    const accounts = [...JSON.stringify(res.body).matchAll(/"bankAccount(?:Number)?":"([^"]*)"/g)].map(
      (m) => m[1] ?? '',
    );
    expect(accounts.length).toBeGreaterThan(0);
    for (const value of accounts) expect({ value, ok: digits(value) <= 4 }).toEqual({ value, ok: true });
  });
});

describe('no identity number in a URL', () => {
  it('the officer look-up takes the number in the body; the old path route is gone (404)', async () => {
    const officer = await platform.identityProvider.tokenFor(
      platform.identityProvider.user('canbo.hcm') as NonNullable<ReturnType<typeof platform.identityProvider.user>>,
    );
    const person = h.people[0]?.personalId as string;
    expect((await api(platform, 'GET', `/v1/people/${person}/payments`, { token: officer })).status).toBe(404);
    expect(
      (await api(platform, 'POST', '/v1/people/payments', { token: officer, body: { identityNumber: person } })).status,
    ).toBe(200);
    // No route of the system takes an identity number (or any personal id) in its path.
    const { system } = await import('../../infra/system.js');
    expect(system.routes.filter((r) => /\{(identity|personal|cccd)[^}]*\}/i.test(r.path))).toEqual([]);
  });
});
