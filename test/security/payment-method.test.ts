/**
 * Security review, row 3 (second half): one officer alone could redirect a payee's money to another account,
 * and nothing checked the holder's name. Now a change is proposed by one officer and confirmed by another of
 * the province; a bank account is first verified with the bank (acmt.023 → acmt.024): unknown, closed or
 * someone else's account is refused and nothing changes; the person's own name as the bank writes it
 * (upper-case, no diacritics) counts as a match. Every step is audited.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AccountRecord, getAccountByPersonalId } from '../../functions/accounts/account-store.js';
import { toBankName } from '../../functions/iso20022/text.js';
import { dynamo } from '../../functions/shared/aws-clients.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { BANK_BIN, type Harness, harness } from '../support/disbursement.js';
import { api, startTestPlatform } from '../support/platform.js';

let platform: LocalPlatform;
let h: Harness;
let second: string;
let account: AccountRecord;

beforeAll(async () => {
  platform = await startTestPlatform();
  h = await harness(platform, 1);
  const idp = platform.identityProvider;
  second = await idp.tokenFor(idp.user('canbo.xa') as NonNullable<ReturnType<typeof idp.user>>);
  account = (await getAccountByPersonalId(h.people[0]?.personalId as string)) as AccountRecord;
});
afterAll(async () => {
  await platform?.stop();
});

async function bankAccount(number: string, state: { status: string; holderName?: string }) {
  const res = await fetch(`${platform.bank.url}/control/accounts/${BANK_BIN}/${number}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(state),
  });
  expect(res.status).toBe(200);
}

const propose = (body: Record<string, unknown>, token = h.officer) =>
  api(platform, 'POST', `/v1/accounts/${account.accountNumber}/payment-method`, {
    token,
    body: { communeCode: '26734', reason: 'người hưởng đề nghị đổi tài khoản', ...body },
  });
const confirm = (changeId: string, token = second) =>
  api(platform, 'POST', `/v1/accounts/${account.accountNumber}/payment-method/${changeId}/confirm`, { token });
const current = async () => (await getAccountByPersonalId(h.people[0]?.personalId as string)) as AccountRecord;

async function audit(): Promise<Record<string, unknown>[]> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: platform.name('accounts'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
      ExpressionAttributeValues: { ':pk': account.pk, ':a': 'AUDIT#' },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

describe("changing where a person is paid takes two people and the bank's name check", () => {
  it('one officer alone changes nothing: a proposal, and the proposer cannot confirm it', async () => {
    const before = await current();
    const p = await propose({ kind: 'BANK', bankBin: BANK_BIN, bankAccountNumber: '8800000001' });
    expect(p.status).toBe(202);
    expect(p.body).toMatchObject({ status: 'PROPOSED', paymentMethod: { bankAccountNumber: '88******01' } });
    expect(await current()).toEqual(before);
    const self = await confirm(p.body.changeId, h.officer);
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe('SAME_PERSON');
    expect(await current()).toEqual(before);
  });

  for (const [label, state, outcome] of [
    ['an account the bank does not know', undefined, 'UNKNOWN'],
    ['a closed account', { status: 'CLOSED', holderName: 'TRAN THI KHAC' }, 'CLOSED'],
    ["someone else's account", { status: 'OPEN', holderName: 'TRAN THI KHAC' }, 'NO_MATCH'],
  ] as const) {
    it(`${label} is refused by the bank's verification (422) and nothing changes`, async () => {
      const number = `88${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
      if (state) await bankAccount(number, state);
      const before = await current();
      const p = await propose({ kind: 'BANK', bankBin: BANK_BIN, bankAccountNumber: number });
      const res = await confirm(p.body.changeId);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe(`ACCOUNT_VERIFICATION_${outcome}`);
      expect(res.body.error.message.vi).toContain('không đổi tài khoản');
      expect(await current()).toEqual(before);
      // The refusal is final: confirming again changes nothing.
      expect((await confirm(p.body.changeId)).status).toBe(409);
      expect(
        (await audit()).some((a) => a.action === 'PAYMENT_METHOD_CHANGE_REFUSED' && a.verification === outcome),
      ).toBe(true);
    });
  }

  it("the person's own account, held under the name as banks write it, is confirmed by a second officer", async () => {
    await bankAccount('8800000777', { status: 'OPEN', holderName: toBankName(account.fullName) });
    const p = await propose({ kind: 'BANK', bankBin: BANK_BIN, bankAccountNumber: '8800000777' });
    const res = await confirm(p.body.changeId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'CONFIRMED', verification: 'MATCH', version: account.version + 1 });
    const now = await current();
    expect(now.paymentMethod).toMatchObject({ kind: 'BANK', bankBin: BANK_BIN, bankAccountNumber: '8800000777' });
    const changed = (await audit()).find((a) => a.action === 'PAYMENT_METHOD_CHANGED');
    expect(changed).toMatchObject({
      actor: 'local|canbo.xa',
      proposedBy: 'local|canbo.hcm',
      verification: 'MATCH',
      changeId: p.body.changeId,
    });
  });

  it('switching to the post office needs the second officer too; a stale proposal cannot be confirmed', async () => {
    const stale = await propose({ kind: 'POST_OFFICE' });
    const p = await propose({ kind: 'POST_OFFICE' });
    expect((await confirm(p.body.changeId, h.officer)).status).toBe(409);
    expect((await current()).paymentMethod.kind).toBe('BANK');
    const ok = await confirm(p.body.changeId);
    expect(ok.status).toBe(200);
    expect((await current()).paymentMethod.kind).toBe('POST_OFFICE');
    // The other proposal was made against the account before this change.
    const late = await confirm(stale.body.changeId);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('ACCOUNT_CHANGED');
    expect((await audit()).filter((a) => a.action === 'PAYMENT_METHOD_CHANGE_PROPOSED').length).toBeGreaterThanOrEqual(
      6,
    );
  });
});
