/**
 * Reads for the payment look-ups: a person's payments from the ledger (functions/payment-ledger, its byPerson
 * index, newest period first, only the attributes the view shows). Only a rejected or returned payment needs an
 * entry (the bank's reason is in the detail of the entry that set its state): those are read together, in one
 * consistent BatchGet by the HEAD's sequence number. A person's twelve settled months cost one query, and any
 * number of failed ones one more call.
 *
 * The account of an identity number and the audit of every officer look-up are the accounts table's
 * (functions/accounts/account-store.ts personIdOfPersonalId, accountForView, findAccountEvenly, recordLookup).
 */
import {
  type LedgerEntry,
  latestPaymentViewsOfPerson,
  type PaymentHeadForView,
  stateEntriesOf,
} from '../payment-ledger/ledger-store.js';

const NEEDS_REASON: ReadonlySet<PaymentHeadForView['state']> = new Set(['REJECTED', 'RETURNED']);

/** Five years of monthly payments: what a person or an officer is shown at most. */
export const MAX_PAYMENTS = 60;

export async function paymentsOfPerson(
  personId: string,
  max = MAX_PAYMENTS,
): Promise<{ head: PaymentHeadForView; entries: LedgerEntry[] }[]> {
  const heads = await latestPaymentViewsOfPerson(personId, max);
  const failed = heads.filter((h) => NEEDS_REASON.has(h.state));
  const entries = failed.length ? await stateEntriesOf(failed) : new Map<string, LedgerEntry[]>();
  return heads.map((head) => ({ head, entries: entries.get(head.paymentId) ?? [] }));
}
