/**
 * Social security accounts against DynamoDB Local: opening is idempotent per person, whatever the list,
 * retry or concurrency; enrolments are found in batches; every opening leaves an audit entry.
 */
import { randomInt } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { isValidAccountNumber } from '../../functions/accounts/account-number.js';
import {
  findEnrolments,
  getAccountByPersonalId,
  type OpenRequest,
  type OpenResult,
  openAccount,
} from '../../functions/accounts/account-store.js';
import { dynamo } from '../../functions/shared/aws-clients.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import type { CandidateBeneficiary } from '../../schemas/beneficiary-lists.js';
import { startTestPlatform } from '../support/platform.js';

let platform: LocalPlatform;
let table: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  table = platform.name('accounts');
});
afterAll(async () => {
  await platform?.stop();
});

const PROGRAMME = 'TCXH_HANG_THANG';
const usedIds = new Set<string>();

/** A fresh, well-formed identity number (HCMC birth registration, woman born in the 1930s). */
function newPersonalId(): string {
  for (;;) {
    const id = `0791${String(randomInt(30, 40))}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
    if (!usedIds.has(id)) {
      usedIds.add(id);
      return id;
    }
  }
}

function candidate(personalId: string, line = 2, overrides: Partial<CandidateBeneficiary> = {}): CandidateBeneficiary {
  return {
    line,
    personalId,
    fullName: 'Nguyễn Thị Thử',
    dateOfBirth: `19${personalId.slice(4, 6)}-05-12`,
    gender: 'F',
    categoryCode: 'NCT_80',
    decisionDate: '2025-03-15',
    paymentMethod: 'BANK',
    bankBin: '970436',
    accountNumber: '0011001234567',
    communeCode: '26734',
    ...overrides,
  };
}

function request(c: CandidateBeneficiary, listId: string, overrides: Partial<OpenRequest> = {}): OpenRequest {
  return { candidate: c, programme: PROGRAMME, listId, jurisdiction: '79', actor: 'local|canbo.hcm', ...overrides };
}

async function itemsOf(pk: string): Promise<Record<string, any>[]> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

/** Every item of one person: the identity number guard, their item collection and the account number guard. */
async function personItems(personalId: string) {
  const pid = await itemsOf(`PID#${personalId}`);
  const personId = pid[0]?.personId as string | undefined;
  const person = personId ? await itemsOf(`PERSON#${personId}`) : [];
  const account = person.find((i) => i.sk === 'ACCOUNT');
  const acct = account ? await itemsOf(`ACCT#${account.accountNumber}`) : [];
  return {
    pid,
    personId,
    account,
    acct,
    enrolments: person.filter((i) => String(i.sk).startsWith('ENROL#')),
    audits: person.filter((i) => String(i.sk).startsWith('AUDIT#')),
    person,
  };
}

const opened = (r: OpenResult) => {
  if (r.result !== 'OPENED') throw new Error(`expected OPENED, got ${r.result}`);
  return r;
};

describe('openAccount', () => {
  it('opens once: the same list and line again is ALREADY_DONE, with one account', async () => {
    const personalId = newPersonalId();
    const req = request(candidate(personalId, 7), 'bl-first');
    const first = opened(await openAccount(req));
    expect(isValidAccountNumber(first.accountNumber)).toBe(true);
    expect(first.accountNumber).toMatch(/^AS79\d{12}$/);

    const again = await openAccount(req);
    expect(again).toEqual({ result: 'ALREADY_DONE', personId: first.personId });

    const items = await personItems(personalId);
    expect(items.pid).toHaveLength(1);
    expect(items.personId).toBe(first.personId);
    expect(items.person.filter((i) => i.sk === 'ACCOUNT')).toHaveLength(1);
    expect(items.acct).toEqual([{ pk: `ACCT#${first.accountNumber}`, sk: 'ACCOUNT', personId: first.personId }]);
    expect(items.enrolments).toHaveLength(1);
    expect(items.enrolments[0]).toMatchObject({
      sk: `ENROL#${PROGRAMME}`,
      programme: PROGRAMME,
      listId: 'bl-first',
      line: 7,
      categories: [{ code: 'NCT_80', decisionDate: '2025-03-15', startMonth: '2025-03', declared: ['NO_PENSION'] }],
    });
    expect(items.audits).toHaveLength(1);
  });

  it('recognises the same person from another list as ALREADY_ENROLLED, without a second account or enrolment', async () => {
    const personalId = newPersonalId();
    const first = opened(await openAccount(request(candidate(personalId, 3), 'bl-list-a')));
    const other = await openAccount(request(candidate(personalId, 40), 'bl-list-b'));
    expect(other).toEqual({ result: 'ALREADY_ENROLLED', personId: first.personId, listId: 'bl-list-a', line: 3 });
    // Same list, other line (a duplicate the file check missed) is not "already done" either.
    const sameListOtherLine = await openAccount(request(candidate(personalId, 41), 'bl-list-a'));
    expect(sameListOtherLine).toMatchObject({ result: 'ALREADY_ENROLLED', listId: 'bl-list-a', line: 3 });

    const items = await personItems(personalId);
    expect(items.pid).toHaveLength(1);
    expect(items.person.filter((i) => i.sk === 'ACCOUNT')).toHaveLength(1);
    expect(items.enrolments).toHaveLength(1);
    expect(items.enrolments[0]?.listId).toBe('bl-list-a');
    expect(items.audits).toHaveLength(1);
  });

  it('opens exactly one account when five lists open the same new person at once', async () => {
    const personalId = newPersonalId();
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((k) => openAccount(request(candidate(personalId, 10 + k), `bl-concurrent-${k}`))),
    );
    const byResult = results.map((r) => r.result);
    expect(byResult.filter((r) => r === 'OPENED')).toHaveLength(1);
    for (const r of byResult) expect(['OPENED', 'ALREADY_ENROLLED', 'ALREADY_DONE']).toContain(r);
    const winner = opened(results.find((r) => r.result === 'OPENED') as OpenResult);
    for (const r of results) expect(r.personId).toBe(winner.personId);
    const winnerIndex = results.indexOf(winner);
    for (const r of results) {
      if (r.result === 'ALREADY_ENROLLED') {
        expect(r.listId).toBe(`bl-concurrent-${winnerIndex + 1}`);
        expect(r.line).toBe(11 + winnerIndex);
      }
    }

    const items = await personItems(personalId);
    expect(items.pid).toHaveLength(1);
    expect(items.person.filter((i) => i.sk === 'ACCOUNT')).toHaveLength(1);
    expect(items.acct).toHaveLength(1);
    expect(items.enrolments).toHaveLength(1);
    expect(items.enrolments[0]?.listId).toBe(`bl-concurrent-${winnerIndex + 1}`);
    expect(items.audits).toHaveLength(1);
  });

  it('enrols a person who already has an account in another programme, keeping the one account', async () => {
    const personalId = newPersonalId();
    const first = opened(await openAccount(request(candidate(personalId, 2), 'bl-programme-1')));
    const second = await openAccount(request(candidate(personalId, 5), 'bl-programme-2', { programme: 'HO_TRO_KHAC' }));
    expect(second).toEqual({ result: 'ENROLLED_EXISTING_PERSON', personId: first.personId });
    const items = await personItems(personalId);
    expect(items.person.filter((i) => i.sk === 'ACCOUNT')).toHaveLength(1);
    expect(items.enrolments.map((e) => e.sk).sort()).toEqual(['ENROL#HO_TRO_KHAC', `ENROL#${PROGRAMME}`]);
    expect(items.audits.map((a) => a.action).sort()).toEqual(['ACCOUNT_OPENED', 'ENROLLED']);
    // Doing it again is recognised.
    expect(
      await openAccount(request(candidate(personalId, 5), 'bl-programme-2', { programme: 'HO_TRO_KHAC' })),
    ).toEqual({ result: 'ALREADY_DONE', personId: first.personId });
  });

  it('writes an audit entry for each opening, naming the actor, the list and the line', async () => {
    const people = [newPersonalId(), newPersonalId(), newPersonalId()];
    const results = await Promise.all(
      people.map((id, k) => openAccount(request(candidate(id, 20 + k), 'bl-audited', { actor: `local|officer-${k}` }))),
    );
    for (const [k, id] of people.entries()) {
      const r = opened(results[k] as OpenResult);
      const { audits } = await personItems(id);
      expect(audits).toHaveLength(1);
      expect(audits[0]).toMatchObject({
        pk: `PERSON#${r.personId}`,
        action: 'ACCOUNT_OPENED',
        actor: `local|officer-${k}`,
        listId: 'bl-audited',
        line: 20 + k,
        accountNumber: r.accountNumber,
      });
      expect(String(audits[0]?.sk)).toMatch(/^AUDIT#\d{4}-\d{2}-\d{2}T/);
      expect(audits[0]?.at).toEqual(expect.any(String));
    }
  });
});

describe('openAccount on a transaction conflict', () => {
  /**
   * DynamoDB cancels a transaction that touches an item another transaction is writing (TransactionConflict,
   * no condition evaluated). DynamoDB Local serialises transactions and never does, so the first
   * TransactWrite is made to fail the way DynamoDB fails it.
   */
  async function withOneConflict<T>(run: () => Promise<T>): Promise<{ value: T; transactWrites: number }> {
    const client = dynamo();
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    let transactWrites = 0;
    const spy = jest.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
      if (command instanceof TransactWriteCommand && transactWrites++ === 0) {
        throw new TransactionCanceledException({
          message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
          $metadata: {},
          CancellationReasons: [
            { Code: 'TransactionConflict' },
            ...Array.from({ length: 4 }, () => ({ Code: 'None' })),
          ],
        });
      }
      return send(command);
    }) as never);
    try {
      return { value: await run(), transactWrites };
    } finally {
      spy.mockRestore();
    }
  }

  it('tries again and opens the account', async () => {
    const personalId = newPersonalId();
    const { value, transactWrites } = await withOneConflict(() =>
      openAccount(request(candidate(personalId, 2), 'bl-conflict')),
    );
    expect(value.result).toBe('OPENED');
    expect(transactWrites).toBe(2);
    const items = await personItems(personalId);
    expect(items.pid).toHaveLength(1);
    expect(items.enrolments).toHaveLength(1);
  });

  it('tries again and recognises the person the other transaction enrolled', async () => {
    const personalId = newPersonalId();
    const first = opened(await openAccount(request(candidate(personalId, 2), 'bl-conflict-winner')));
    const { value } = await withOneConflict(() => openAccount(request(candidate(personalId, 3), 'bl-conflict-loser')));
    expect(value).toEqual({
      result: 'ALREADY_ENROLLED',
      personId: first.personId,
      listId: 'bl-conflict-winner',
      line: 2,
    });
  });
});

describe('getAccountByPersonalId', () => {
  it('returns the account of an enrolled person, and nothing for anyone else', async () => {
    const personalId = newPersonalId();
    const c = candidate(personalId, 4, { paymentMethod: 'POST_OFFICE', bankBin: undefined, accountNumber: undefined });
    const r = opened(await openAccount(request(c, 'bl-lookup')));
    const account = await getAccountByPersonalId(personalId);
    expect(account).toMatchObject({
      pk: `PERSON#${r.personId}`,
      sk: 'ACCOUNT',
      personId: r.personId,
      personalId,
      accountNumber: r.accountNumber,
      fullName: c.fullName,
      dateOfBirth: c.dateOfBirth,
      gender: 'F',
      jurisdiction: '79',
      jurisdictionKey: 'J#79',
      communeCode: '26734',
      paymentMethod: { kind: 'POST_OFFICE', communeCode: '26734' },
      status: 'ACTIVE',
      version: 1,
    });
    expect(isValidAccountNumber(account?.accountNumber ?? '')).toBe(true);
    expect(await getAccountByPersonalId(newPersonalId())).toBeUndefined();
  });

  it('keeps the bank details of a bank payment', async () => {
    const personalId = newPersonalId();
    await openAccount(request(candidate(personalId), 'bl-bank'));
    expect((await getAccountByPersonalId(personalId))?.paymentMethod).toEqual({
      kind: 'BANK',
      bankBin: '970436',
      bankAccountNumber: '0011001234567',
      communeCode: '26734',
    });
  });
});

describe('findEnrolments', () => {
  it('finds the enrolments of more than 100 people (batches of 100) and nothing for unknown ones', async () => {
    const enrolled = Array.from({ length: 130 }, () => newPersonalId());
    const results: OpenResult[] = [];
    for (let i = 0; i < enrolled.length; i += 10) {
      results.push(
        ...(await Promise.all(
          enrolled.slice(i, i + 10).map((id, k) => openAccount(request(candidate(id, i + k + 2), 'bl-batch'))),
        )),
      );
    }
    const numbers = results.map((r) => opened(r).accountNumber);
    expect(new Set(numbers).size).toBe(enrolled.length);
    for (const n of numbers) expect(isValidAccountNumber(n)).toBe(true);

    const unknown = Array.from({ length: 75 }, () => newPersonalId());
    const asked = [...unknown.slice(0, 40), ...enrolled, ...unknown.slice(40)];
    const found = await findEnrolments(asked, PROGRAMME);
    expect(found.size).toBe(enrolled.length);
    enrolled.forEach((id, k) => {
      expect(found.get(id)).toEqual({ personId: (results[k] as OpenResult).personId, listId: 'bl-batch', line: k + 2 });
    });
    for (const id of unknown) expect(found.has(id)).toBe(false);

    // Another programme: nobody is enrolled in it.
    expect((await findEnrolments(enrolled, 'HO_TRO_KHAC')).size).toBe(0);
    expect((await findEnrolments([], PROGRAMME)).size).toBe(0);
  });

  it('answers for an id asked twice', async () => {
    const personalId = newPersonalId();
    const r = opened(await openAccount(request(candidate(personalId, 9), 'bl-twice')));
    const found = await findEnrolments([personalId, personalId], PROGRAMME);
    expect(found.get(personalId)).toEqual({ personId: r.personId, listId: 'bl-twice', line: 9 });
  });
});
