/**
 * The compute in shards on the emulators: the run plans the province into ranges of ANSINH_COMPUTE_SHARD
 * accounts, computes them in its Map and combines them. The same data gives the same draft (hash, totals,
 * instructions) whatever the shard size and the order the shards ran in; a shard run again after a crash
 * (before or after its result was written) writes the same objects; a shard or a finish of a compute the
 * cycle has moved past changes nothing.
 */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AccountRecord, getAccountByPersonalId } from '../../functions/accounts/account-store.js';
import {
  type CycleDraft,
  changeCycle,
  createCycle,
  cycleIdFor,
  getCycle,
} from '../../functions/disbursement-cycles/cycle-store.js';
import { readDraftChunk, shardResultKey } from '../../functions/disbursement-cycles/draft-objects.js';
import type { PaymentInstruction } from '../../functions/payment-ledger/ledger-store.js';
import { dynamo, objects } from '../../functions/shared/aws-clients.js';
import { readObject } from '../../functions/shared/objects.js';
import { resources } from '../../functions/shared/resources.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { computeNow, cycleIn, type Harness, harness } from '../support/disbursement.js';
import { api, startTestPlatform } from '../support/platform.js';

const PROGRAMME = 'TCXH_HANG_THANG';
const PEOPLE = 30;
let platform: LocalPlatform;
let h: Harness;

beforeAll(async () => {
  process.env.ANSINH_COMPUTE_SHARD = '7';
  platform = await startTestPlatform();
  h = await harness(platform, PEOPLE, { categoryOf: (i) => (i % 3 ? 'NCT_80' : 'KT_NANG') });
  // One person the registry no longer knows: held, counted by the shard that holds them.
  platform.registry.removePerson((h.people[11] as { personalId: string }).personalId);
}, 180_000);

afterAll(async () => {
  await platform?.stop();
  delete process.env.ANSINH_COMPUTE_SHARD;
});

async function instructionsOf(draft: CycleDraft): Promise<PaymentInstruction[]> {
  const all: PaymentInstruction[] = [];
  for (const c of draft.chunks) all.push(...(await readDraftChunk(c.key)));
  return all.sort((a, b) => (a.paymentId < b.paymentId ? -1 : 1));
}

async function objectText(key: string): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const bytes of readObject(key)) text += decoder.decode(bytes, { stream: true });
  return text + decoder.decode();
}

/** What a draft says apart from when it was computed and where its files are. */
const content = (d: CycleDraft) => ({ contentHash: d.contentHash, ruleVersion: d.ruleVersion, totals: d.totals });

async function draftOf(cycleId: string): Promise<CycleDraft> {
  const cycle = await getCycle(cycleId);
  expect(cycle?.status).toBe('DRAFT');
  return cycle?.draft as CycleDraft;
}

describe('compute in shards', () => {
  it('the run computes in shards; one shard gives the same hash, totals and instructions', async () => {
    const created = await api(platform, 'POST', '/v1/disbursement-cycles', {
      token: h.preparer,
      body: { period: '2026-01' },
    });
    expect(created.status).toBe(202);
    const cycleId = created.body.cycleId as string;
    await cycleIn(h, cycleId, ['DRAFT']);
    const sharded = await draftOf(cycleId);
    expect(sharded.totals).toMatchObject({ people: PEOPLE - 1, payees: PEOPLE - 1 });
    expect(sharded.totals.held).toMatchObject({ people: 1, byReason: [{ reason: 'NOT_IN_REGISTRY', people: 1 }] });
    // 30 accounts in shards of 7: 5 shards, each with its own chunk file, numbered 0..4 in shard order.
    expect(sharded.chunks.map((c) => [c.index, c.key.match(/shard-(\d+)\//)?.[1]])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [i, `0000${i}`]),
    );
    expect(sharded.chunks.reduce((s, c) => s + c.count, 0)).toBe(PEOPLE - 1);
    expect(sharded.chunks.reduce((s, c) => s + c.amount, 0)).toBe(sharded.totals.amount);
    const shardedInstructions = await instructionsOf(sharded);
    expect(new Set(shardedInstructions.map((i) => i.paymentId)).size).toBe(PEOPLE - 1);

    process.env.ANSINH_COMPUTE_SHARD = '1000';
    try {
      const again = await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/recompute`, { token: h.preparer });
      expect(again.status).toBe(202);
      await cycleIn(h, cycleId, ['DRAFT']);
      const single = await draftOf(cycleId);
      expect(single.chunks.map((c) => [c.index, c.key.match(/shard-(\d+)\//)?.[1]])).toEqual([[0, '00000']]);
      expect(content(single)).toEqual(content(sharded));
      expect(await instructionsOf(single)).toEqual(shardedInstructions);
    } finally {
      process.env.ANSINH_COMPUTE_SHARD = '7';
    }
  }, 180_000);

  it('shards in any order, one crashed before and one after its result: the same objects and draft', async () => {
    // A cycle without a run: the test plays the state machine's part, shard by shard.
    const cycleId = cycleIdFor(PROGRAMME, '2026-02', '79');
    await createCycle(
      { cycleId, programme: PROGRAMME, period: '2026-02', months: ['2026-02'], jurisdiction: '79' },
      { subject: 'test:compute-shards', role: 'finance_preparer' },
    );
    const first = await computeNow(platform, cycleId);
    expect(first.shardCount).toBe(5);
    const reference = await draftOf(cycleId);
    const resultBefore = await objectText(shardResultKey(cycleId, first.computeId, 2));
    const chunkKeys = reference.chunks.filter((c) => c.key.includes('/shard-00002/')).map((c) => c.key);
    expect(chunkKeys.length).toBeGreaterThan(0);
    const chunksBefore = await Promise.all(chunkKeys.map(objectText));

    // A later compute of the same cycle: planned again at the new version, shards run backwards.
    await changeCycle({
      cycleId,
      actor: { subject: 'test:compute-shards', role: 'finance_preparer' },
      action: 'TEST_RECOMPUTE',
      from: ['DRAFT'],
      to: 'COMPUTING',
    });
    const plan = (await platform.invoker.invoke('computeCycle', { cycleId })) as typeof first;
    expect(plan.computeId).not.toBe(first.computeId);
    const range = (shard: number) => plan.shards.find((r) => r.shard === shard);
    const shard = (n: number) =>
      platform.invoker.invoke('computeShard', { cycleId, computeId: plan.computeId, range: range(n) });
    for (const n of [4, 3, 2, 1, 0]) await shard(n);
    // Shard 2 died after its chunk files, before its result: run again. Shard 3 died after its result: run again.
    await objects().send(
      new DeleteObjectCommand({
        Bucket: resources.bucket('uploads'),
        Key: shardResultKey(cycleId, plan.computeId, 2),
      }),
    );
    const before3 = await objectText(shardResultKey(cycleId, plan.computeId, 3));
    await shard(2);
    await shard(3);
    expect(await objectText(shardResultKey(cycleId, plan.computeId, 3))).toBe(before3);
    // The retried shard's objects are those of the first compute, under its own compute's folder.
    const again = await objectText(shardResultKey(cycleId, plan.computeId, 2));
    expect(again).toBe(resultBefore.replaceAll(`compute-${first.computeId}/`, `compute-${plan.computeId}/`));
    expect(
      await Promise.all(
        chunkKeys.map((k) => objectText(k.replace(`compute-${first.computeId}/`, `compute-${plan.computeId}/`))),
      ),
    ).toEqual(chunksBefore);

    await platform.invoker.invoke('finishCompute', { cycleId, computeId: plan.computeId, shardCount: plan.shardCount });
    const recomputed = await draftOf(cycleId);
    expect(content(recomputed)).toEqual(content(reference));
    expect(await instructionsOf(recomputed)).toEqual(await instructionsOf(reference));

    // Late arrivals of the first compute, and a finish retried: nothing changes.
    const version = (await getCycle(cycleId))?.version;
    await expect(
      platform.invoker.invoke('computeShard', { cycleId, computeId: first.computeId, range: first.shards[1] }),
    ).resolves.toEqual({ cycleId, shard: 1, status: 'DRAFT' });
    await expect(
      platform.invoker.invoke('finishCompute', { cycleId, computeId: plan.computeId, shardCount: plan.shardCount }),
    ).resolves.toEqual({ cycleId, status: 'DRAFT' });
    expect((await getCycle(cycleId))?.version).toBe(version);
  }, 180_000);

  it('the finish refuses to make a draft while a shard has no result', async () => {
    const cycleId = cycleIdFor(PROGRAMME, '2026-03', '79');
    await createCycle(
      { cycleId, programme: PROGRAMME, period: '2026-03', months: ['2026-03'], jurisdiction: '79' },
      { subject: 'test:compute-shards', role: 'finance_preparer' },
    );
    const plan = (await platform.invoker.invoke('computeCycle', { cycleId })) as {
      computeId: string;
      shardCount: number;
    };
    await expect(
      platform.invoker.invoke('finishCompute', { cycleId, computeId: plan.computeId, shardCount: plan.shardCount }),
    ).rejects.toThrow('shard 0 of compute');
    expect((await getCycle(cycleId))?.status).toBe('COMPUTING');
  }, 60_000);

  it('accounts on the old single key, with their enrolment as an item, compute the same draft and hash', async () => {
    const cycleId = cycleIdFor(PROGRAMME, '2026-04', '79');
    await createCycle(
      { cycleId, programme: PROGRAMME, period: '2026-04', months: ['2026-04'], jurisdiction: '79' },
      { subject: 'test:compute-shards', role: 'finance_preparer' },
    );
    await computeNow(platform, cycleId);
    const reference = await draftOf(cycleId);
    expect(reference.totals.payees).toBe(PEOPLE - 1);

    // Every other account as it was written before the spread and the carried enrolment: the province's one
    // key J#79, the enrolment an ENROL# item (the rest stay spread and carried: one province, both shapes).
    const moved: string[] = [];
    for (const [i, person] of h.people.entries()) {
      if (i % 2) continue;
      const account = (await getAccountByPersonalId(person.personalId)) as AccountRecord;
      expect(account.jurisdictionKey).toMatch(/^J#79#\d$/);
      const { enrolment, ...rest } = account;
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: platform.name('accounts'), Item: { ...rest, jurisdictionKey: 'J#79' } } },
            {
              Put: {
                TableName: platform.name('accounts'),
                Item: { pk: account.pk, sk: `ENROL#${PROGRAMME}`, ...enrolment },
              },
            },
          ],
        }),
      );
      moved.push(account.personId);
    }
    expect(moved).toHaveLength(PEOPLE / 2);

    await changeCycle({
      cycleId,
      actor: { subject: 'test:compute-shards', role: 'finance_preparer' },
      action: 'TEST_RECOMPUTE',
      from: ['DRAFT'],
      to: 'COMPUTING',
    });
    const plan = await computeNow(platform, cycleId);
    expect(plan.shardCount).toBe(5); // the same 30 accounts cut into the same ranges
    const recomputed = await draftOf(cycleId);
    expect(content(recomputed)).toEqual(content(reference));
    expect(await instructionsOf(recomputed)).toEqual(await instructionsOf(reference));
  }, 180_000);
});
