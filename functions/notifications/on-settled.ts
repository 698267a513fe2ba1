/**
 * Settled payments tell their people, those who asked to be told (opt-in on the account), once per payment.
 * A status report settles up to 2,000 payments: their accounts are read in batches, never one by one.
 */
import { accountsOfPeople } from '../accounts/account-store.js';
import type { PaymentHead } from '../payment-ledger/ledger-store.js';
import { inParallel } from '../shared/in-parallel.js';
import { settledText, shouldNotify } from './message.js';
import { type ContactAccount, notifyBeneficiary } from './notify.js';

/** `heads`: the payments as read after their settlement (any not SETTLED now is skipped). */
export async function notifySettled(heads: readonly PaymentHead[], now = new Date().toISOString()): Promise<void> {
  const settled = heads.filter((h) => h.state === 'SETTLED');
  if (!settled.length) return;
  const accounts = await accountsOfPeople(settled.map((h) => h.personId));
  // Not opted in: nothing is recorded at all (settlements are the common case; only failures are always told).
  const told = settled.flatMap((head) => {
    const account = accounts.get(head.personId) as ContactAccount | undefined;
    return account && shouldNotify('SETTLED', account.notifications) ? [{ head, account }] : [];
  });
  await inParallel(told, 8, ({ head, account }) =>
    notifyBeneficiary({
      account,
      event: 'SETTLED',
      key: `${head.paymentId}#SETTLED`,
      text: settledText(head.months, head.amount, head.channel, head.creditorAccount),
      paymentId: head.paymentId,
      now,
    }),
  );
}
