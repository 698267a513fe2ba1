/**
 * Reads for the payment look-ups: a person's payments from the ledger (functions/payment-ledger, its byPerson
 * index, newest period first). Only a rejected or returned payment needs its entries (the bank's reason is in
 * the latest one's detail): those are read consistently, and their latest state entry decides. One read per
 * payment less for every settled one: a person's twelve settled months cost one query, not 13.
 *
 * The account of an identity number and the audit of every officer look-up are the accounts table's
 * (functions/accounts/account-store.ts findAccountEvenly, recordLookup).
 */
import { entries, type LedgerEntry, latestPaymentsOfPerson, type PaymentHead } from '../payment-ledger/ledger-store.js';

const NEEDS_REASON: ReadonlySet<PaymentHead['state']> = new Set(['REJECTED', 'RETURNED']);

/** Five years of monthly payments: what a person or an officer is shown at most. */
export const MAX_PAYMENTS = 60;

export async function paymentsOfPerson(
  personId: string,
  max = MAX_PAYMENTS,
): Promise<{ head: PaymentHead; entries: LedgerEntry[] }[]> {
  const heads = await latestPaymentsOfPerson(personId, max);
  return Promise.all(
    heads.map(async (head) => ({ head, entries: NEEDS_REASON.has(head.state) ? await entries(head.paymentId) : [] })),
  );
}
