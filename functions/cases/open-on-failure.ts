/**
 * A payment that did not reach its person opens its case and tells the person. Called by whoever records the
 * failure (the status worker, the cut-off, returns); every call is idempotent (the case by its deterministic
 * id, the message by its event key), so a redelivered or replayed status opens and sends nothing new.
 */
import { getAccountOfPerson } from '../accounts/account-store.js';
import { caseOpenedText } from '../notifications/message.js';
import { type ContactAccount, notifyBeneficiary } from '../notifications/notify.js';
import { getPayment } from '../payments/ledger/ledger-store.js';
import type { PaymentState } from '../payments/ledger/payment-state.js';
import { logger } from '../shared/powertools.js';
import { type CaseRecord, newCase, opensCase } from './case-model.js';
import { getCase, openCase } from './case-store.js';

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
  const c = opened === 'CREATED' ? fresh : ((await getCase(fresh.caseId)) ?? fresh);
  if (opened === 'CREATED') logger.info('Case opened', { caseId: c.caseId, reasonCode: c.reasonCode });
  const text = caseOpenedText(c.months, c.reasonCode);
  if (text) {
    await notifyBeneficiary({
      account,
      event: 'CASE_OPENED',
      key: `${c.caseId}#CASE_OPENED`,
      text,
      paymentId: c.paymentId,
      caseId: c.caseId,
      now,
    });
  }
  return c;
}
