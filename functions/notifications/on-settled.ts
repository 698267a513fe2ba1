/** A settled payment tells its person, if they asked to be told (opt-in on the account), once per payment. */
import { getAccountOfPerson } from '../accounts/account-store.js';
import { getPayment } from '../payment-ledger/ledger-store.js';
import { settledText, shouldNotify } from './message.js';
import { type ContactAccount, notifyBeneficiary } from './notify.js';

export async function notifySettled(paymentId: string, now = new Date().toISOString()): Promise<void> {
  const head = await getPayment(paymentId);
  if (head?.state !== 'SETTLED') return;
  const account = (await getAccountOfPerson(head.personId)) as ContactAccount | undefined;
  // Not opted in: nothing is recorded at all (settlements are the common case; only failures are always told).
  if (!account || !shouldNotify('SETTLED', account.notifications)) return;
  await notifyBeneficiary({
    account,
    event: 'SETTLED',
    key: `${paymentId}#SETTLED`,
    text: settledText(head.months, head.amount, head.channel, head.creditorAccount),
    paymentId,
    now,
  });
}
