/**
 * A payment that did not reach its person opens its case and tells the person. Called by whoever records the
 * failure (the status worker, the cut-off, returns); every call is idempotent (the case by its deterministic
 * id, the message by its event key), so a redelivered or replayed status opens and sends nothing new.
 */
import { getAccountOfPerson } from '../accounts/account-store.js';
import { caseOpenedText } from '../notifications/message.js';
import { type ContactAccount, notifyBeneficiary } from '../notifications/notify.js';
import { getPayment, type PaymentHead } from '../payment-ledger/ledger-store.js';
import type { PaymentState } from '../payment-ledger/payment-state.js';
import { logger } from '../shared/powertools.js';
import { type CaseRecord, caseIdFor, newCase, opensCase } from './case-model.js';
import { actOnCase, getCase, openCase } from './case-store.js';

const SYSTEM = { subject: 'system:payments', role: 'system' as const };

/** A re-issued payment settled: its case is closed (idempotent: a closed case refuses the second close). */
export async function closeCaseOnSettlement(paymentId: string, now = new Date().toISOString()): Promise<void> {
  const head = await getPayment(paymentId);
  if (head) await closeCasesOnSettlement([head], now);
}

/**
 * The same for many payments as read after their settlement (`heads`): only re-issues (`replaces`) have a case,
 * so only theirs are read.
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
