/**
 * Social security accounts against DynamoDB Local: opening is idempotent per person, whatever the list,
 * retry or concurrency; enrolments are found in batches; every opening leaves an audit entry.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { isValidAccountNumber } from '../../functions/accounts/account-number.js';
import {
  ACCOUNTS_PER_TRANSACTION,
  type AccountRecord,
  accountAudit,
  accountNumbersOfProvince,
  accountsOfProvince,
  enrolmentOf,
  enrolmentsOfAccounts,
  findEnrolments,
  getAccountByPersonalId,
  isInProvince,
  JURISDICTION_SPREAD,
  type OpenRequest,
  type OpenResult,
  openAccount,
  openAccounts,
} from '../../functions/accounts/account-store.js';
import { dynamo } from '../../functions/shared/aws-clients.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import type { CandidateBeneficiary } from '../../schemas/beneficiary-lists.js';
import { newPersonalId } from '../support/personal-ids.js';
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

/**
 * Every item of one person: the identity number guard, their item collection and the account number guard.
 * `enrolments` are the person's enrolments wherever stored: the one the account carries (sk ACCOUNT), then the
 * ENROL# items (`enrolItems`).
 */
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
    enrolments: [
      ...(account?.enrolment ? [{ sk: 'ACCOUNT', ...account.enrolment }] : []),
      ...person.filter((i) => String(i.sk).startsWith('ENROL#')),
    ],
    enrolItems: person.filter((i) => String(i.sk).startsWith('ENROL#')),
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
    expect(again).toEqual({ result: 'ALREADY_DONE', personId: first.personId, accountOpened: true });

    const items = await personItems(personalId);
    expect(items.pid).toHaveLength(1);
    expect(items.personId).toBe(first.personId);
    expect(items.person.filter((i) => i.sk === 'ACCOUNT')).toHaveLength(1);
    expect(items.acct).toEqual([{ pk: `ACCT#${first.accountNumber}`, sk: 'ACCOUNT', personId: first.personId }]);
    // The enrolment is carried by the account: identity number guard, account, account number guard, audit.
    expect(items.enrolItems).toHaveLength(0);
    expect(items.person.map((i) => String(i.sk).split('#')[0]).sort()).toEqual(['ACCOUNT', 'AUDIT']);
    expect(items.enrolments).toHaveLength(1);
    expect(items.enrolments[0]).toMatchObject({
      sk: 'ACCOUNT',
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
    // The first programme in the account, the later one an item of its own.
    expect(items.enrolments.map((e) => [e.sk, e.programme])).toEqual([
      ['ACCOUNT', PROGRAMME],
      ['ENROL#HO_TRO_KHAC', 'HO_TRO_KHAC'],
    ]);
    expect(items.audits.map((a) => a.action).sort()).toEqual(['ACCOUNT_OPENED', 'ENROLLED']);
    // Doing it again is recognised (an enrolment, not the opening of the account).
    expect(
      await openAccount(request(candidate(personalId, 5), 'bl-programme-2', { programme: 'HO_TRO_KHAC' })),
    ).toEqual({ result: 'ALREADY_DONE', personId: first.personId, accountOpened: false });
    // Both are read through the one reader, wherever they are stored.
    expect(await enrolmentOf(first.personId, PROGRAMME)).toMatchObject({ sk: 'ACCOUNT', listId: 'bl-programme-1' });
    expect(await enrolmentOf(first.personId, 'HO_TRO_KHAC')).toMatchObject({
      sk: 'ENROL#HO_TRO_KHAC',
      listId: 'bl-programme-2',
      line: 5,
    });
    expect(await enrolmentOf(first.personId, 'KHONG_CO')).toBeUndefined();
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
            ...Array.from({ length: 3 }, () => ({ Code: 'None' })),
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

describe('openAccounts (several rows to a transaction)', () => {
  const batchOf = (listId: string, candidates: CandidateBeneficiary[], overrides: Partial<OpenRequest> = {}) =>
    openAccounts({
      candidates,
      programme: PROGRAMME,
      listId,
      jurisdiction: '79',
      actor: 'local|canbo.hcm',
      ...overrides,
    });

  /** The TransactWrites sent while `run` runs; `fault` may answer one instead of (or after) DynamoDB. */
  async function watchingTransactions<T>(
    run: () => Promise<T>,
    fault?: (n: number, send: () => Promise<unknown>) => Promise<unknown> | undefined,
  ): Promise<{ value?: T; error?: unknown; transactWrites: number }> {
    const client = dynamo();
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    let transactWrites = 0;
    const spy = jest.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
      if (!(command instanceof TransactWriteCommand)) return send(command);
      const n = transactWrites++;
      return fault?.(n, () => send(command)) ?? send(command);
    }) as never);
    try {
      return { value: await run(), transactWrites };
    } catch (error) {
      return { error, transactWrites };
    } finally {
      spy.mockRestore();
    }
  }

  const openingAudits = (listId: string) => itemsOf(`OPENED#${listId}`);

  it('opens a full batch in one transaction: 3 items a person and one audit item naming every account', async () => {
    const people = Array.from({ length: ACCOUNTS_PER_TRANSACTION }, () => newPersonalId());
    const { value, transactWrites } = await watchingTransactions(() =>
      batchOf(
        'bl-batch-full',
        people.map((id, k) => candidate(id, 100 + k)),
      ),
    );
    expect(transactWrites).toBe(1);
    const results = value as Map<number, OpenResult>;
    expect(results.size).toBe(people.length);
    const numbers = new Set<string>();
    for (const [k, id] of people.entries()) {
      const r = opened(results.get(100 + k) as OpenResult);
      expect(r.accountNumber).toMatch(/^AS79\d{12}$/);
      expect(isValidAccountNumber(r.accountNumber)).toBe(true);
      numbers.add(r.accountNumber);
      const items = await personItems(id);
      expect(items.personId).toBe(r.personId);
      expect(items.pid).toHaveLength(1);
      expect(items.acct).toEqual([{ pk: `ACCT#${r.accountNumber}`, sk: 'ACCOUNT', personId: r.personId }]);
      expect(items.enrolments).toEqual([
        expect.objectContaining({ sk: 'ACCOUNT', programme: PROGRAMME, listId: 'bl-batch-full', line: 100 + k }),
      ]);
      // No audit item of its own: the opening is in the transaction's audit item, and the trail shows it.
      expect(items.audits).toHaveLength(0);
      expect(items.person).toHaveLength(1); // the account, which carries the enrolment
      expect(await accountAudit(r.personId)).toEqual([
        expect.objectContaining({
          action: 'ACCOUNT_OPENED',
          actor: 'local|canbo.hcm',
          listId: 'bl-batch-full',
          line: 100 + k,
          accountNumber: r.accountNumber,
          at: items.account?.createdAt,
        }),
      ]);
    }
    expect(numbers.size).toBe(people.length);
    const audits = await openingAudits('bl-batch-full');
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ action: 'ACCOUNTS_OPENED', actor: 'local|canbo.hcm', listId: 'bl-batch-full' });
    expect(audits[0]?.accounts).toHaveLength(people.length);
    await expect(
      batchOf(
        'bl-batch-too-many',
        [...people, newPersonalId()].map((id, k) => candidate(id, k + 2)),
      ),
    ).rejects.toThrow(RangeError);
  });

  it('the same batch again (a redelivery) opens nothing twice: every row ALREADY_DONE', async () => {
    const people = Array.from({ length: 10 }, () => newPersonalId());
    const rows = people.map((id, k) => candidate(id, 2 + k));
    const first = await batchOf('bl-batch-again', rows);
    const again = await batchOf('bl-batch-again', rows);
    for (const [k, id] of people.entries()) {
      const r = opened(first.get(2 + k) as OpenResult);
      expect(again.get(2 + k)).toEqual({ result: 'ALREADY_DONE', personId: r.personId, accountOpened: true });
      const items = await personItems(id);
      expect(items.pid).toHaveLength(1);
      expect(items.person.filter((i) => i.sk === 'ACCOUNT')).toHaveLength(1);
      expect(items.enrolments).toHaveLength(1);
    }
    expect(await openingAudits('bl-batch-again')).toHaveLength(1);
  });

  it('a crash after the transaction committed, before its answer: the redelivered batch finds every account', async () => {
    const people = Array.from({ length: 8 }, () => newPersonalId());
    const rows = people.map((id, k) => candidate(id, 2 + k));
    const crashed = await watchingTransactions(
      () => batchOf('bl-batch-crash', rows),
      (n, send) =>
        n === 0
          ? send().then(() => {
              throw new Error('socket hang up');
            })
          : undefined,
    );
    expect(crashed.error).toEqual(new Error('socket hang up'));
    // The task fails; Step Functions runs the chunk again with the same rows.
    const redelivered = await batchOf('bl-batch-crash', rows);
    for (const [k, id] of people.entries()) {
      const r = redelivered.get(2 + k);
      expect(r).toMatchObject({ result: 'ALREADY_DONE', accountOpened: true });
      const items = await personItems(id);
      expect(r?.personId).toBe(items.personId);
      expect(items.pid).toHaveLength(1);
      expect(items.person.filter((i) => i.sk === 'ACCOUNT')).toHaveLength(1);
      expect(items.enrolments).toHaveLength(1);
      expect(items.audits).toHaveLength(0);
    }
    expect(await openingAudits('bl-batch-crash')).toHaveLength(1);
  });

  it('rows the transaction refuses go alone, with the outcome each would have had alone', async () => {
    const [known, otherProgramme, twice, ...fresh] = Array.from({ length: 6 }, () => newPersonalId()) as [
      string,
      string,
      string,
      ...string[],
    ];
    const earlier = opened(await openAccount(request(candidate(known, 4), 'bl-batch-earlier')));
    const inOther = opened(
      await openAccount(request(candidate(otherProgramme, 5), 'bl-batch-earlier', { programme: 'HO_TRO_KHAC' })),
    );
    const rows = [
      candidate(fresh[0] as string, 2),
      candidate(known, 3),
      candidate(twice, 4),
      candidate(otherProgramme, 5),
      candidate(fresh[1] as string, 6),
      candidate(twice, 7),
      candidate(fresh[2] as string, 8),
    ];
    const { value, transactWrites } = await watchingTransactions(() => batchOf('bl-batch-mixed', rows));
    const results = value as Map<number, OpenResult>;
    expect(results.get(3)).toEqual({
      result: 'ALREADY_ENROLLED',
      personId: earlier.personId,
      listId: 'bl-batch-earlier',
      line: 4,
    });
    expect(results.get(5)).toEqual({ result: 'ENROLLED_EXISTING_PERSON', personId: inOther.personId });
    const first = opened(results.get(4) as OpenResult);
    expect(results.get(7)).toEqual({
      result: 'ALREADY_ENROLLED',
      personId: first.personId,
      listId: 'bl-batch-mixed',
      line: 4,
    });
    for (const line of [2, 6, 8]) expect(results.get(line)?.result).toBe('OPENED');
    // The batch refused (two people known), the batch without them, then openAccount's attempt for each of the
    // three rows alone (refused: the person is known) and the other programme's enrolment.
    expect(transactWrites).toBe(6);
    const audit = await openingAudits('bl-batch-mixed');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.accounts.map((a: { line: number }) => a.line)).toEqual([2, 4, 6, 8]);
    for (const id of [known, otherProgramme, twice, ...fresh]) {
      const items = await personItems(id);
      expect(items.pid).toHaveLength(1);
      expect(items.person.filter((i) => i.sk === 'ACCOUNT')).toHaveLength(1);
    }
    expect((await personItems(otherProgramme)).enrolments).toHaveLength(2);
  });

  it('a transaction conflict on one account: the batch goes on without it, and that row opens alone', async () => {
    const people = Array.from({ length: 5 }, () => newPersonalId());
    const { value, transactWrites } = await watchingTransactions(
      () =>
        batchOf(
          'bl-batch-conflict',
          people.map((id, k) => candidate(id, 2 + k)),
        ),
      (n) =>
        n === 0
          ? Promise.reject(
              new TransactionCanceledException({
                message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
                $metadata: {},
                // The third account's identity number guard (items 6..8 are its three).
                CancellationReasons: Array.from({ length: 5 * 3 + 1 }, (_, i) => ({
                  Code: i === 6 ? 'TransactionConflict' : 'None',
                })),
              }),
            )
          : undefined,
    );
    expect(transactWrites).toBe(3); // refused, the four together, the third alone
    const results = value as Map<number, OpenResult>;
    for (const line of [2, 3, 4, 5, 6]) expect(results.get(line)?.result).toBe('OPENED');
    expect((await openingAudits('bl-batch-conflict'))[0]?.accounts.map((a: { line: number }) => a.line)).toEqual([
      2, 3, 5, 6,
    ]);
    // Opened alone: its audit entry is its own, as openAccount writes it.
    expect((await personItems(people[2] as string)).audits).toEqual([
      expect.objectContaining({ action: 'ACCOUNT_OPENED', listId: 'bl-batch-conflict', line: 4 }),
    ]);
  });

  it('two lists opening overlapping people at once: one account each, the later list told ALREADY_ENROLLED', async () => {
    const people = Array.from({ length: 16 }, () => newPersonalId());
    const [a, b] = await Promise.all([
      batchOf(
        'bl-batch-race-a',
        people.slice(0, 10).map((id, k) => candidate(id, 2 + k)),
      ),
      batchOf(
        'bl-batch-race-b',
        people.slice(6).map((id, k) => candidate(id, 2 + k)),
      ),
    ]);
    for (const [k, id] of people.entries()) {
      const items = await personItems(id);
      expect(items.pid).toHaveLength(1);
      expect(items.person.filter((i) => i.sk === 'ACCOUNT')).toHaveLength(1);
      expect(items.enrolments).toHaveLength(1);
      const fromA = k < 10 ? a.get(2 + k) : undefined;
      const fromB = k >= 6 ? b.get(2 + k - 6) : undefined;
      const outcomes = [fromA, fromB].filter((r): r is OpenResult => r !== undefined);
      expect(outcomes.filter((r) => r.result === 'OPENED')).toHaveLength(1);
      for (const r of outcomes) {
        expect(r.personId).toBe(items.personId);
        if (r.result !== 'OPENED')
          expect(r).toMatchObject({ result: 'ALREADY_ENROLLED', listId: items.enrolments[0]?.listId });
      }
    }
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
      jurisdictionKey: expect.stringMatching(/^J#79#[0-7]$/),
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

describe('a province spread over byJurisdiction keys, with accounts opened before', () => {
  const PROVINCE = '96';

  /**
   * An account as openAccount wrote it before enrolments were carried and the province was spread: the
   * province's one key `J#<province>`, and its first enrolment an ENROL# item written in the same transaction.
   */
  async function legacyAccount(serial: number, line: number) {
    const personId = `p-legacy-${serial}-${Date.now()}`;
    const personalId = newPersonalId();
    const accountNumber = `AS${PROVINCE}${String(serial).padStart(12, '0')}`;
    const at = new Date().toISOString();
    await dynamo().send(
      new BatchWriteCommand({
        RequestItems: {
          [table]: [
            { pk: `PID#${personalId}`, sk: 'PERSON', personId, since: at },
            {
              pk: `PERSON#${personId}`,
              sk: 'ACCOUNT',
              personId,
              personalId,
              accountNumber,
              fullName: 'Nguyễn Thị Cũ',
              dateOfBirth: '1940-05-12',
              gender: 'F',
              jurisdiction: PROVINCE,
              communeCode: '32002',
              paymentMethod: { kind: 'POST_OFFICE', communeCode: '32002' },
              status: 'ACTIVE',
              version: 1,
              createdAt: at,
              updatedAt: at,
              jurisdictionKey: `J#${PROVINCE}`,
            },
            { pk: `ACCT#${accountNumber}`, sk: 'ACCOUNT', personId },
            {
              pk: `PERSON#${personId}`,
              sk: `ENROL#${PROGRAMME}`,
              programme: PROGRAMME,
              categories: [{ code: 'NCT_80', decisionDate: '2025-03-15', startMonth: '2025-03' }],
              listId: 'bl-legacy',
              line,
              enrolledAt: at,
            },
          ].map((Item) => ({ PutRequest: { Item } })),
        },
      }),
    );
    return { personId, personalId, accountNumber };
  }

  it('reads every key of the province, old and spread, merged in account-number order', async () => {
    // Serials around the ones openAccounts draws (10 random digits): the old accounts interleave with the new.
    const legacy = [
      await legacyAccount(1, 2),
      await legacyAccount(5_000_000_000, 3),
      await legacyAccount(9_999_999_999, 4),
    ];
    const fresh = Array.from({ length: 2 * JURISDICTION_SPREAD + 4 }, () => newPersonalId());
    const results = await openAccounts({
      candidates: fresh.map((id, k) => candidate(id, 10 + k)),
      programme: PROGRAMME,
      listId: 'bl-spread',
      jurisdiction: PROVINCE,
      actor: 'local|canbo.cm',
    });
    const freshNumbers = [...results.values()].map((r) => opened(r).accountNumber);
    // More than one key in use, each a slot of the province.
    const keys = new Set<string>();
    for (const id of fresh) {
      const account = (await personItems(id)).account;
      expect(account?.jurisdictionKey).toMatch(new RegExp(`^J#${PROVINCE}#[0-${JURISDICTION_SPREAD - 1}]$`));
      expect(isInProvince(account as never, PROVINCE)).toBe(true);
      expect(isInProvince(account as never, '79')).toBe(false);
      keys.add(account?.jurisdictionKey);
    }
    expect(keys.size).toBeGreaterThan(1);

    const all = [...legacy.map((l) => l.accountNumber), ...freshNumbers].sort();
    const numbers: string[] = [];
    for await (const n of accountNumbersOfProvince(PROVINCE)) numbers.push(n);
    expect(numbers).toEqual(all);

    // A shard's key range [from, to) over the merged keys: the same accounts, in the same order.
    const from = all[2] as string;
    const to = all[all.length - 3] as string;
    const ranged: { accountNumber: string; personId: string }[] = [];
    for await (const a of accountsOfProvince(PROVINCE, { from, to })) ranged.push(a);
    expect(ranged.map((a) => a.accountNumber)).toEqual(all.filter((n) => n >= from && n < to));

    // Their enrolments, through the one reader: carried for the new accounts, ENROL# items for the old.
    const everyone: AccountRecord[] = [];
    for await (const a of accountsOfProvince(PROVINCE)) everyone.push(a);
    const enrolled = await enrolmentsOfAccounts(everyone, PROGRAMME);
    expect(enrolled.size).toBe(all.length);
    for (const l of legacy)
      expect(enrolled.get(l.personId)).toMatchObject({ sk: `ENROL#${PROGRAMME}`, listId: 'bl-legacy' });
    for (const r of results.values()) {
      expect(enrolled.get(r.personId)).toMatchObject({ sk: 'ACCOUNT', listId: 'bl-spread' });
    }
    expect((await enrolmentsOfAccounts(everyone, 'HO_TRO_KHAC')).size).toBe(0);
  });

  it('an old account is found enrolled, opened by its list, and enrolled in a later programme once', async () => {
    const old = await legacyAccount(1_234_567_890, 7);
    expect((await findEnrolments([old.personalId], PROGRAMME)).get(old.personalId)).toEqual({
      personId: old.personId,
      listId: 'bl-legacy',
      line: 7,
    });
    const again = { candidate: candidate(old.personalId, 7), programme: PROGRAMME, listId: 'bl-legacy' };
    expect(await openAccount({ ...again, jurisdiction: PROVINCE, actor: 'local|canbo.cm' })).toEqual({
      result: 'ALREADY_DONE',
      personId: old.personId,
      accountOpened: true,
    });
    const later = request(candidate(old.personalId, 3), 'bl-later', {
      programme: 'HO_TRO_KHAC',
      jurisdiction: PROVINCE,
    });
    expect(await openAccount(later)).toEqual({ result: 'ENROLLED_EXISTING_PERSON', personId: old.personId });
    expect(await openAccount(later)).toEqual({ result: 'ALREADY_DONE', personId: old.personId, accountOpened: false });
    expect((await personItems(old.personalId)).enrolItems.map((e) => e.sk).sort()).toEqual([
      'ENROL#HO_TRO_KHAC',
      `ENROL#${PROGRAMME}`,
    ]);
  });

  it('an ENROL# item never doubles the enrolment the account carries', async () => {
    const personalId = newPersonalId();
    const first = opened(await openAccount(request(candidate(personalId, 2), 'bl-carried')));
    // A reader that missed the carried enrolment (a stale read) would try to enrol the person again: the
    // account's condition refuses that write, and the retry reads the truth.
    const client = dynamo();
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    let hidden = 0;
    const spy = jest.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
      const out = (await send(command)) as { Item?: Record<string, unknown> };
      if (hidden === 0 && out.Item?.sk === 'ACCOUNT' && out.Item.enrolment) {
        hidden++;
        const { enrolment: _, ...stale } = out.Item;
        return { ...out, Item: stale };
      }
      return out;
    }) as never);
    let result: OpenResult;
    try {
      result = await openAccount(request(candidate(personalId, 2), 'bl-carried'));
    } finally {
      spy.mockRestore();
    }
    expect(hidden).toBe(1);
    expect(result).toEqual({ result: 'ALREADY_DONE', personId: first.personId, accountOpened: true });
    expect((await personItems(personalId)).enrolItems).toHaveLength(0);
  });
});
