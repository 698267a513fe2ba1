/**
 * A payment that did not reach its person opens its case and tells the person; a settled one closes its
 * re-issue's case and tells its person if they asked (`followUpOutcomes`, for every path that learns an
 * outcome: the bank's callbacks, the cut-off query, a confirmed import, the post office's confirmations;
 * returns open theirs directly). Every call is idempotent (the case by its deterministic id, the message by its
 * event key), so a redelivered or replayed status opens and sends nothing new.
 */
import { getAccountOfPerson } from '../accounts/account-store.js';
import { caseOpenedText } from '../notifications/message.js';
import { type ContactAccount, notifyBeneficiary } from '../notifications/notify.js';
import { notifySettled } from '../notifications/on-settled.js';
import { currentPaymentHeads, getPayment, type PaymentHead } from '../payment-ledger/ledger-store.js';
import { type PaymentState, UNPAID_STATES } from '../payment-ledger/payment-state.js';
import { inParallel } from '../shared/in-parallel.js';
import { logger } from '../shared/powertools.js';
import { type CaseRecord, caseIdFor, newCase, opensCase } from './case-model.js';
import { actOnCase, getCase, openCase } from './case-store.js';

const SYSTEM = { subject: 'system:payments', role: 'system' as const };

/**
 * Re-issued payments settled: their cases are closed (idempotent: a closed case refuses the second close).
 * `heads` as read after their settlement: only re-issues (`replaces`) have a case, so only theirs are read.
 */
export async function closeCasesOnSettlement(heads: readonly PaymentHead[], now = new Date().toISOString()) {
  for (const head of heads) {
    if (head.state !== 'SETTLED' || !head.replaces) continue;
    const caseId = caseIdFor(head.programme, head.period, head.personId);
    const c = await getCase(caseId);
    if (c?.state !== 'REISSUED' || c.reissue?.paymentId !== head.paymentId) continue;
    await actOnCase(caseId, { kind: 'CLOSE', note: head.paymentId }, SYSTEM, now);
  }
}

export async function openCaseOnFailure(
  paymentId: string,
  state: PaymentState,
  bankCode: string | undefined,
  now = new Date().toISOString(),
): Promise<CaseRecord | undefined> {
  const head = await getPayment(paymentId);
  // Only the state the payment is in now: a stale or contradicted status opens nothing.
  if (!head || head.state !== state || !opensCase(state, head.updatedAt, now)) return undefined;
  const account = (await getAccountOfPerson(head.personId)) as ContactAccount | undefined;
  if (!account) return undefined;
  const fresh = newCase({ ...head, province: account.jurisdiction.slice(0, 2) }, state, now, bankCode);
  const opened = await openCase(fresh);
  let c = opened === 'CREATED' ? fresh : ((await getCase(fresh.caseId)) ?? fresh);
  if (opened === 'CREATED') logger.info('Case opened', { caseId: c.caseId, reasonCode: c.reasonCode });
  if (c.state === 'REISSUED' && c.reissue?.paymentId === paymentId) {
    // The re-issue failed too: the same case opens again, and its months are free for the next cycle.
    const again = await actOnCase(
      c.caseId,
      { kind: 'REISSUE_FAILED', paymentId, reasonCode: fresh.reasonCode },
      SYSTEM,
      now,
    );
    if (again.kind === 'apply') c = again.next;
  }
  const text = caseOpenedText(c.months, c.reasonCode);
  if (text) {
    await notifyBeneficiary({
      account,
      event: 'CASE_OPENED',
      // One message per failed payment (the original, then a failed re-issue), never one per delivery.
      key: `${paymentId}#FAILED`,
      text,
      paymentId,
      caseId: c.caseId,
      now,
    });
  }
  return c;
}

/** The state a payment moved to (or was found in) when some path learned its outcome, and the bank's reason. */
export interface PaymentOutcome {
  paymentId: string;
  state: PaymentState;
  reason?: string;
}

/**
 * What follows payments' outcomes for their people, whoever learned them: an unpaid payment opens its case (and
 * tells the person), a settled one closes its re-issue's case and tells its person if they asked; other states
 * follow nothing. Also for an outcome found already recorded: a crash after the ledger write but before this
 * must not lose it. `known`: HEADs as the ledger write read or left them; only the other settled ones are read,
 * in batches.
 */
export async function followUpOutcomes(
  outcomes: readonly PaymentOutcome[],
  known: ReadonlyMap<string, PaymentHead> = new Map(),
): Promise<void> {
  // Several payments at once: each case serialises on its own item.
  await inParallel(
    outcomes.filter((o) => UNPAID_STATES.has(o.state)),
    8,
    (o) => openCaseOnFailure(o.paymentId, o.state, o.reason),
  );
  const settled = [...new Set(outcomes.filter((o) => o.state === 'SETTLED').map((o) => o.paymentId))];
  if (!settled.length) return;
  const heads = [
    ...settled.flatMap((id) => known.get(id) ?? []),
    ...(await currentPaymentHeads(settled.filter((id) => !known.has(id)))),
  ];
  await closeCasesOnSettlement(heads);
  await notifySettled(heads);
}
