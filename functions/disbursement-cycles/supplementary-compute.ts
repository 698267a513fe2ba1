/**
 * Computing a supplementary cycle: the re-issue, within the month, of the period's failed payments whose case
 * an officer has acted on (ACTION_TAKEN: the account fixed). For each such case whose payment is final and
 * unpaid (REJECTED, RETURNED, NOT_SENT), the entitlement engine computes the same months again from the
 * rules, minus what the ledger already holds (arrears paid meanwhile by a monthly cycle are never paid again),
 * to the account as it is now. The payment gets a new EndToEndId that records which payment it replaces.
 *
 * The case is taken (REISSUED, with the re-issue's id and this cycle) before the draft is written: from then
 * on a monthly cycle's compute counts those months as paid (paid-months.ts), even before the re-issue reaches
 * the ledger. A monthly cycle whose payments are not yet in the ledger would not see the re-issue: creating a
 * supplementary cycle is refused while one is open (create-handler.ts).
 */

import { enrolmentOf, getAccountOfPerson } from '../accounts/account-store.js';
import { caseIdFor } from '../cases/case-model.js';
import { actOnCase, casesOfProvince } from '../cases/case-store.js';
import type { PersonEntitlement } from '../entitlements/cycle-totals.js';
import { computeEntitlement } from '../entitlements/entitlement.js';
import { getPayment, type PaymentInstruction } from '../payment-ledger/ledger-store.js';
import { UNPAID_STATES } from '../payment-ledger/payment-state.js';
import { populationRegistry } from '../population/registry/from-env.js';
import { logger } from '../shared/powertools.js';
import type { CycleRecord } from './cycle-store.js';
import { reissueInstruction } from './draft-instruction.js';
import { finishDraft } from './finish-draft.js';
import { alreadyPaid } from './paid-months.js';
import { heldTotals, registryVerdict } from './registry-check.js';

const SYSTEM = { subject: 'system:supplementary-cycle', role: 'system' as const };

export async function computeSupplementary(cycle: CycleRecord) {
  const province = cycle.jurisdiction.slice(0, 2);
  const people: PersonEntitlement[] = [];
  const instructions: PaymentInstruction[] = [];
  for await (const c of casesOfProvince(province)) {
    if (c.programme !== cycle.programme || c.period !== cycle.period) continue;
    const mine = c.state === 'REISSUED' && c.reissue?.cycleId === cycle.cycleId; // a recompute of this cycle
    if (!(c.state === 'ACTION_TAKEN' && !c.writeOff) && !mine) continue;
    const original = await getPayment(c.paymentId);
    if (!original || !UNPAID_STATES.has(original.state)) continue;
    const account = await getAccountOfPerson(c.personId);
    const enrolment = await enrolmentOf(c.personId, cycle.programme);
    if (account?.status !== 'ACTIVE' || !enrolment) continue;
    // Never pay the dead: the registry is asked again, as for a monthly cycle (an outage fails the step).
    const verdict = registryVerdict((await populationRegistry().lookup([account.personalId])).get(account.personalId));
    if (verdict.kind !== 'ALIVE') continue;
    const paid = await alreadyPaid(c.personId, cycle.programme, { ignoreClaimsOf: cycle.cycleId });
    const result = computeEntitlement({
      period: cycle.period,
      months: [cycle.period],
      province,
      categories: enrolment.categories,
      accountStatus: account.status,
      alreadyPaidMonths: paid,
    });
    const reissue = reissueInstruction(cycle, original, account, result);
    if (!reissue) continue;
    const { paymentId } = reissue.instruction;
    if (!mine) {
      const taken = await actOnCase(
        caseIdFor(c.programme, c.period, c.personId),
        { kind: 'REISSUE', paymentId, cycleId: cycle.cycleId },
        SYSTEM,
        new Date().toISOString(),
      );
      if (taken.kind === 'refused') continue; // another cycle or a write-off got there first
    }
    people.push({
      personId: c.personId,
      communeCode: account.communeCode,
      channel: account.paymentMethod.kind,
      result: reissue.result,
    });
    instructions.push(reissue.instruction);
  }
  const { totals, chunks } = await finishDraft(cycle, people, instructions, heldTotals([]));
  logger.info('Supplementary cycle computed', { cycleId: cycle.cycleId, payees: totals.payees, chunks: chunks.length });
  return { cycleId: cycle.cycleId, status: 'DRAFT', contentHash: totals.contentHash };
}
