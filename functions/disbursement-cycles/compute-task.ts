/**
 * Disbursement step 1: compute the draft. Every active account of the jurisdiction enrolled in the programme
 * gets its entitlement from the rules (functions/entitlements), minus what the ledger already paid; the
 * payable instructions go to S3 in chunks, the totals and the content hash to the cycle. Recomputing gives
 * a new hash, which voids any approval given for the old one.
 *
 * Never pay the dead: every enrolled payee's identity number is looked up in the population registry (batches
 * of 100, the client's timeout, retries and circuit breaker) while the ledger is read, and the rules get the
 * registry's date of death (the month of death paid, nothing after, funeral support once per the rules, paid
 * like the allowance to the person's account). A death is recorded on the account (CLOSED, audited). A person
 * the registry no longer knows, or reports dead without a date, is HELD: no instruction, counted in the draft's
 * `totals.held` by reason with the VND due. A registry that cannot answer fails the step (RegistryUnavailable /
 * RegistryCircuitOpen, retried by the state machine): no draft is ever computed from unchecked people.
 */
import { z } from 'zod';
import {
  type AccountRecord,
  accountsOfProvince,
  type EnrolmentRecord,
  enrolmentsOf,
  recordDeath,
} from '../accounts/account-store.js';
import type { PersonEntitlement } from '../entitlements/cycle-totals.js';
import { computeEntitlement } from '../entitlements/entitlement.js';
import { monthOf } from '../entitlements/months.js';
import type { PaymentInstruction } from '../payment-ledger/ledger-store.js';
import { populationRegistry } from '../population/registry/from-env.js';
import { inParallel } from '../shared/in-parallel.js';
import { logger } from '../shared/powertools.js';
import { InvalidInputError, invokedTask } from '../shared/task.js';
import { getCycle } from './cycle-store.js';
import { monthlyInstruction } from './draft-instruction.js';
import { finishDraft } from './finish-draft.js';
import { alreadyPaid } from './paid-months.js';
import { type HeldReason, heldTotals, registryVerdict } from './registry-check.js';
import { computeSupplementary } from './supplementary-compute.js';

const SYSTEM = { subject: 'system:disbursement', role: 'finance_preparer' as const };

/** Ledger reads for one batch of payees at a time: each is one byPerson query (and a case read per unpaid month). */
const LEDGER_READS_IN_FLIGHT = 8;

export const handler = invokedTask(z.object({ cycleId: z.string() }), async ({ cycleId }) => {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new InvalidInputError(`cycle ${cycleId} does not exist`);
  if (cycle.status !== 'COMPUTING') return { cycleId, status: cycle.status };
  if (cycle.kind === 'SUPPLEMENTARY') return computeSupplementary(cycle);
  const province = cycle.jurisdiction.slice(0, 2);

  const people: PersonEntitlement[] = [];
  const instructions: PaymentInstruction[] = [];
  const held: { reason: HeldReason; amount: number }[] = [];
  let deaths = 0;
  let batch: AccountRecord[] = [];
  const flush = async () => {
    const enrolled = await enrolmentsOf(
      batch.map((a) => a.personId),
      cycle.programme,
    );
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
        held.push({ reason: verdict.reason, amount: result.total });
        continue;
      }
      if (dateOfDeath && account.dateOfDeath !== dateOfDeath) {
        if (await recordDeath(account, dateOfDeath, SYSTEM.subject, 'POPULATION_REGISTRY')) deaths++;
      }
      const channel = account.paymentMethod.kind;
      people.push({ personId: account.personId, communeCode: account.communeCode, channel, result });
      const instruction = monthlyInstruction(cycle, account, result);
      if (instruction) instructions.push(instruction);
    }
    batch = [];
  };
  for await (const account of accountsOfProvince(province)) {
    batch.push(account);
    if (batch.length === 100) await flush();
  }
  await flush();

  const { totals, chunks } = await finishDraft(cycle, people, instructions, heldTotals(held));
  logger.info('Cycle computed', {
    cycleId,
    payees: totals.payees,
    amount: totals.amount,
    held: totals.held.people,
    deathsRecorded: deaths,
    chunks: chunks.length,
  });
  return { cycleId, status: 'DRAFT', contentHash: totals.contentHash };
});
