/**
 * Disbursement step 1, one shard of the compute: every active account of the shard's range enrolled in the
 * programme gets its entitlement from the rules (functions/entitlements), minus what the ledger already paid;
 * the payable instructions go to S3 in chunks, then the shard's partial totals, held totals and chunk list
 * (one object, written last: its presence means the shard is done). A retried shard recomputes its range and
 * overwrites the same objects; a shard of a compute the cycle has moved past does nothing.
 *
 * Never pay the dead: every enrolled payee's identity number is looked up in the population registry (batches
 * of 100, the client's timeout, retries and circuit breaker) while the ledger is read, and the rules get the
 * registry's date of death (the month of death paid, nothing after, funeral support once per the rules, paid
 * like the allowance to the person's account). A death is recorded on the account (CLOSED, audited). A person
 * the registry no longer knows, or reports dead without a date, is HELD: no instruction, counted in the draft's
 * `totals.held` by reason with the VND due. A registry that cannot answer fails the shard (RegistryUnavailable /
 * RegistryCircuitOpen, retried by the state machine): no draft is ever computed from unchecked people.
 */
import { z } from 'zod';
import {
  type AccountRecord,
  accountsOfProvince,
  type EnrolmentRecord,
  enrolmentsOfAccounts,
  recordDeath,
} from '../accounts/account-store.js';
import { type PersonEntitlement, partialTotals } from '../entitlements/cycle-totals.js';
import { computeEntitlement } from '../entitlements/entitlement.js';
import { monthOf } from '../entitlements/months.js';
import type { PaymentInstruction } from '../payment-ledger/ledger-store.js';
import { populationRegistry } from '../population/registry/from-env.js';
import { inParallel } from '../shared/in-parallel.js';
import { logger } from '../shared/powertools.js';
import { InvalidInputError, invokedTask } from '../shared/task.js';
import type { ShardChunk } from './compute-shards.js';
import { type CycleRecord, getCycle } from './cycle-store.js';
import { draftChunks, monthlyInstruction } from './draft-instruction.js';
import {
  computeIdOf,
  DRAFT_CHUNK,
  shardChunkKey,
  shardResultKey,
  writeDraftChunk,
  writeShardResult,
} from './draft-objects.js';
import { alreadyPaid } from './paid-months.js';
import { type HeldReason, heldTotals, registryVerdict } from './registry-check.js';

const SYSTEM = { subject: 'system:disbursement', role: 'finance_preparer' as const };

/**
 * Ledger reads in flight for one batch of 100 payees: each is one byPerson query (and a case read per unpaid
 * month). Per payee, not batched: the months a person holds come from every payment of theirs, re-issues
 * (whose ids are not derived from the period) included, which only the byPerson index lists.
 */
const LEDGER_READS_IN_FLIGHT = 8;

const Input = z.object({
  cycleId: z.string(),
  computeId: z.string(),
  range: z.object({ shard: z.number().int().min(0), from: z.string().optional(), to: z.string().optional() }),
});

interface Computed {
  people: PersonEntitlement[];
  instructions: PaymentInstruction[];
  held: { reason: HeldReason; amount: number }[];
  deaths: number;
}

/**
 * One batch of accounts (at most 100: one registry request) into `into`. The enrolments come with the accounts
 * (carried by the account item); only accounts enrolled in the programme by an ENROL# item of their own (a
 * later programme, or an account opened before enrolments were carried) cost a BatchGet.
 */
async function computeBatch(cycle: CycleRecord, batch: AccountRecord[], into: Computed): Promise<void> {
  const province = cycle.jurisdiction.slice(0, 2);
  const enrolled = await enrolmentsOfAccounts(batch, cycle.programme);
  const payees = batch.filter((a) => enrolled.has(a.personId));
  // The registry answers while the ledger is read; its failure (after the client's retries) fails the step.
  const registryAnswer = populationRegistry().lookup(payees.map((a) => a.personalId));
  registryAnswer.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
  // inParallel keeps the order: paidMonths[i] is payees[i]'s.
  const paidMonths = await inParallel(payees, LEDGER_READS_IN_FLIGHT, (account) =>
    alreadyPaid(account.personId, cycle.programme),
  );
  const registered = await registryAnswer;
  for (const [i, account] of payees.entries()) {
    const enrolment = enrolled.get(account.personId) as EnrolmentRecord;
    const verdict = registryVerdict(registered.get(account.personalId));
    const dateOfDeath = verdict.kind === 'DECEASED' ? verdict.dateOfDeath : undefined;
    const result = computeEntitlement({
      period: cycle.period,
      months: cycle.months,
      province,
      categories: enrolment.categories,
      // A death on or before the period ends the account (recorded below): CLOSED is its consistent status.
      accountStatus: dateOfDeath && monthOf(dateOfDeath) <= cycle.period ? 'CLOSED' : account.status,
      ...(dateOfDeath ? { dateOfDeath } : {}),
      // The registry-verified date of birth: each month is paid at the age the person has in it.
      dateOfBirth: account.dateOfBirth,
      alreadyPaidMonths: paidMonths[i] as string[],
    });
    if (verdict.kind === 'HELD') {
      // Not paid, not dropped: counted with what the rules would have paid.
      into.held.push({ reason: verdict.reason, amount: result.total });
      continue;
    }
    if (dateOfDeath && account.dateOfDeath !== dateOfDeath) {
      if (await recordDeath(account, dateOfDeath, SYSTEM.subject, 'POPULATION_REGISTRY')) into.deaths++;
    }
    const channel = account.paymentMethod.kind;
    into.people.push({ personId: account.personId, communeCode: account.communeCode, channel, result });
    const instruction = monthlyInstruction(cycle, account, result);
    if (instruction) into.instructions.push(instruction);
  }
}

export const handler = invokedTask(Input, async ({ cycleId, computeId, range }) => {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new InvalidInputError(`cycle ${cycleId} does not exist`);
  // A shard of an older compute (the cycle recomputed, failed or computed since) has nothing left to do.
  if (cycle.status !== 'COMPUTING' || computeIdOf(cycle) !== computeId) {
    return { cycleId, shard: range.shard, status: cycle.status };
  }
  const computed: Computed = { people: [], instructions: [], held: [], deaths: 0 };
  let batch: AccountRecord[] = [];
  for await (const account of accountsOfProvince(cycle.jurisdiction.slice(0, 2), range)) {
    batch.push(account);
    if (batch.length === 100) {
      await computeBatch(cycle, batch, computed);
      batch = [];
    }
  }
  if (batch.length) await computeBatch(cycle, batch, computed);

  const totals = partialTotals(cycle.period, computed.people);
  const chunks: ShardChunk[] = [];
  for (const { part, count, amount } of draftChunks(computed.instructions, DRAFT_CHUNK)) {
    const key = shardChunkKey(cycleId, computeId, range.shard, chunks.length);
    await writeDraftChunk(key, part);
    chunks.push({ key, count, amount });
  }
  const held = heldTotals(computed.held);
  await writeShardResult(shardResultKey(cycleId, computeId, range.shard), {
    shard: range.shard,
    totals,
    held,
    chunks,
  });
  logger.info('Compute shard done', {
    cycleId,
    computeId,
    shard: range.shard,
    people: totals.people,
    payees: totals.payees,
    held: held.people,
    deathsRecorded: computed.deaths,
    chunks: chunks.length,
  });
  return { cycleId, shard: range.shard, payees: totals.payees };
});
