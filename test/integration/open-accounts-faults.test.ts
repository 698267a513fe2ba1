/**
 * The open-accounts step (openListAccounts) under faults, against DynamoDB Local: it opens the accepted rows of
 * a chunk several to a transaction, and a chunk run again after a crash — after its transactions committed,
 * before the rows' statuses were written — opens no account twice and loses no row.
 */
import { BatchWriteCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ACCOUNTS_PER_TRANSACTION, openAccount } from '../../functions/accounts/account-store.js';
import { getRow, writeVerdicts } from '../../functions/beneficiary-lists/list-store.js';
import { dynamo } from '../../functions/shared/aws-clients.js';
import { contentId } from '../../functions/shared/ids.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import type { CandidateBeneficiary } from '../../schemas/beneficiary-lists.js';
import { OpenOutput } from '../../schemas/onboarding.js';
import { newPersonalId } from '../support/personal-ids.js';
import { startTestPlatform } from '../support/platform.js';

let platform: LocalPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.stop();
});

const PROGRAMME = 'TCXH_HANG_THANG';
const candidate = (personalId: string, line: number): CandidateBeneficiary => ({
  line,
  personalId,
  fullName: 'Nguyễn Thị Thử',
  dateOfBirth: `19${personalId.slice(4, 6)}-05-12`,
  gender: 'F',
  categoryCode: 'NCT_80',
  decisionDate: '2025-03-15',
  paymentMethod: 'POST_OFFICE',
  communeCode: '26734',
});

async function itemsOf(pk: string): Promise<Record<string, any>[]> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: platform.name('accounts'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

/** A chunk of `n` accepted rows (lines 2…), as the verify step leaves it; the event that opens it. */
async function acceptedChunk(name: string, people: string[]) {
  const listId = contentId('bl', [name, Date.now()]);
  await writeVerdicts(
    listId,
    people.map((id, k) => ({
      line: 2 + k,
      outcome: 'ACCEPTED' as const,
      findings: [],
      flags: [],
      candidate: candidate(id, 2 + k),
    })),
  );
  return {
    listId,
    jurisdiction: '79',
    programme: PROGRAMME,
    uploadedBy: 'local|canbo.hcm',
    chunk: {
      index: 0,
      key: `lists/${listId}/chunks/00000.jsonl`,
      firstLine: 2,
      lastLine: people.length + 1,
      rows: people.length,
    },
  };
}

const open = async (event: unknown) => OpenOutput.parse(await platform.invoker.invoke('openListAccounts', event));

describe('openListAccounts', () => {
  it('opens a chunk several accounts to a transaction, each person once', async () => {
    const people = Array.from({ length: 2 * ACCOUNTS_PER_TRANSACTION + 3 }, () => newPersonalId());
    const event = await acceptedChunk('open-batched', people);
    const client = dynamo();
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    let transactions = 0;
    const spy = jest.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
      if (command instanceof TransactWriteCommand) transactions++;
      return send(command);
    }) as never);
    try {
      expect(await open(event)).toEqual({ opened: people.length, enrolledExisting: 0, alreadyDone: 0, conflicts: 0 });
    } finally {
      spy.mockRestore();
    }
    expect(transactions).toBe(3);
    expect(await itemsOf(`OPENED#${event.listId}`)).toHaveLength(3);
    for (const id of people) expect(await itemsOf(`PID#${id}`)).toHaveLength(1);
  });

  it('a crash after the transactions, before the rows are written: run again, it opens nothing twice and loses no row', async () => {
    const people = Array.from({ length: ACCOUNTS_PER_TRANSACTION + 6 }, () => newPersonalId());
    // Line 5's person was enrolled by another list meanwhile: the chunk must write that row ALREADY_ENROLLED.
    const taken = people[3] as string;
    const other = await openAccount({
      candidate: candidate(taken, 9),
      programme: PROGRAMME,
      listId: 'bl-other-list',
      jurisdiction: '79',
      actor: 'local|canbo.hcm',
    });
    const event = await acceptedChunk('open-crash', people);

    const client = dynamo();
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    let crashed = 0;
    const spy = jest.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
      // The rows' statuses are the one BatchWrite after the transactions: the process dies there.
      if (command instanceof BatchWriteCommand) {
        crashed++;
        throw new Error('Runtime exited with error: signal: killed');
      }
      return send(command);
    }) as never);
    try {
      await expect(open(event)).rejects.toThrow(/killed/);
    } finally {
      spy.mockRestore();
    }
    expect(crashed).toBe(1);
    expect((await getRow(event.listId, 5))?.outcome).toBe('ACCEPTED');

    // Step Functions retries the task with the same chunk. It finds every account its first run opened and
    // still counts them as this chunk's (the list's accountsOpened is the sum of the chunks' `opened`).
    expect(await open(event)).toEqual({
      opened: people.length - 1,
      enrolledExisting: 0,
      alreadyDone: people.length - 1,
      conflicts: 1,
    });
    expect(await getRow(event.listId, 5)).toMatchObject({
      outcome: 'ALREADY_ENROLLED',
      findings: [expect.objectContaining({ code: 'ALREADY_ENROLLED' })],
    });
    for (const [k, id] of people.entries()) {
      const pid = await itemsOf(`PID#${id}`);
      expect(pid).toHaveLength(1);
      const person = await itemsOf(`PERSON#${pid[0]?.personId}`);
      const accounts = person.filter((i) => i.sk === 'ACCOUNT');
      expect(accounts).toHaveLength(1);
      // One enrolment, carried by the account: no ENROL# item.
      expect(person.filter((i) => String(i.sk).startsWith('ENROL#'))).toEqual([]);
      expect(accounts[0]?.enrolment).toEqual(
        expect.objectContaining(
          id === taken ? { listId: 'bl-other-list', line: 9 } : { listId: event.listId, line: 2 + k },
        ),
      );
      if (id === taken) expect(pid[0]?.personId).toBe(other.personId);
    }
    // The first run's transactions: every other row once, in the audit of the transaction that opened it.
    const audits = await itemsOf(`OPENED#${event.listId}`);
    const lines = audits.flatMap((a) => a.accounts.map((x: { line: number }) => x.line)).sort((a, b) => a - b);
    expect(lines).toEqual(people.map((_, k) => 2 + k).filter((line) => line !== 5));
    // A third delivery (the second died before it answered): the row written ALREADY_ENROLLED is not opened
    // again but still counted, the rest is already done. Its answer is the one the list's summary adds up.
    const third = await open(event);
    expect(third).toEqual({
      opened: people.length - 1,
      enrolledExisting: 0,
      alreadyDone: people.length - 1,
      conflicts: 1,
    });
    const summary = (await platform.invoker.invoke('summariseList', {
      listId: event.listId,
      rows: people.length,
      verified: [{ counts: { ACCEPTED: people.length }, flagged: 0 }],
      opened: [third],
    })) as { totals: { accountsOpened: number; byOutcome: Record<string, number> } };
    expect(summary.totals).toMatchObject({
      accountsOpened: people.length - 1,
      byOutcome: { ACCEPTED: people.length - 1, ALREADY_ENROLLED: 1 },
    });
  });

  it('a chunk run again after a crash counts the accounts and enrolments its first run made, and the list says so', async () => {
    const people = Array.from({ length: ACCOUNTS_PER_TRANSACTION + 4 }, () => newPersonalId());
    // Two rows are people with an account from another programme: the chunk enrols them.
    for (const [k, id] of people.slice(0, 2).entries()) {
      await openAccount({
        candidate: candidate(id, 30 + k),
        programme: 'HO_TRO_KHAC',
        listId: 'bl-other-programme',
        jurisdiction: '79',
        actor: 'local|canbo.hcm',
      });
    }
    const event = await acceptedChunk('open-recount', people);
    const client = dynamo();
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    let crashed = 0;
    // The process dies once the first existing person's enrolment committed (the accounts of both batches
    // are opened by then), before it answered: the second person is left for the next run.
    const spy = jest.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
      const enrols =
        command instanceof TransactWriteCommand && command.input.TransactItems?.some((i) => i.ConditionCheck);
      if (enrols && crashed++ === 0) {
        await send(command);
        throw new Error('Runtime exited with error: signal: killed');
      }
      return send(command);
    }) as never);
    try {
      await expect(open(event)).rejects.toThrow(/killed/);
    } finally {
      spy.mockRestore();
    }
    expect(crashed).toBe(1);
    const rerun = await open(event);
    // Every account found opened, one enrolment found made, the other made now.
    expect(rerun).toEqual({
      opened: people.length - 2,
      enrolledExisting: 2,
      alreadyDone: people.length - 1,
      conflicts: 0,
    });
    // The summary of a list whose only chunk was run twice: the second run's answer is the one the Map keeps.
    const summary = (await platform.invoker.invoke('summariseList', {
      listId: event.listId,
      rows: people.length,
      verified: [{ counts: { ACCEPTED: people.length }, flagged: 0 }],
      opened: [rerun],
    })) as { totals: { accountsOpened: number; byOutcome: Record<string, number> } };
    expect(summary.totals.accountsOpened).toBe(people.length - 2);
    expect(summary.totals.byOutcome).toEqual({ ACCEPTED: people.length });
  });
});
